# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 3's exercise (see tests/learn-guest.sh): a fail_init param that
# makes init fail with ENOMEM once the device node is registered; every
# step done before it must be undone.
check "modinfo $mod lists the parameter fail_init" \
	"$(c_or_rust "declare it with module_param_unsafe(fail_init, bool, 0) and MODULE_PARM_DESC()" \
		"declare static FAIL_INIT: Param<bool> and list it in PARAMS with perm 0 (not in sysfs)")" \
	sh -c "modinfo -F parm $mod | grep -q '^fail_init:'" || return
# duet_rust needs duet_c: load it first, to see what the failure leaves there.
[ "$lang" = c ] || modprobe duet_c
# Every kobject event (here: a device added, removed) takes the next
# uevent sequence number, with or without a listener
# (lib/kobject_uevent.c); a module whose init fails sends none of its own
# (its "add" comes after a successful init, kernel/module/main.c). And
# busybox's modprobe, after a failed finit_module(), tries init_module()
# with the same file (modutils.c, bb_init_module()): init runs twice. Each
# run that registers the node and removes it again sends 2 (add, remove):
# 4 in all. One that fails before misc_register() sends none; one that
# leaves the node sends 1, and the second run finds the name taken.
dmesg -c >/dev/null
seq=$(cat /sys/kernel/uevent_seqnum)
modprobe "$mod" fail_init=1 2>/tmp/fail.out
events=$(($(cat /sys/kernel/uevent_seqnum) - seq))
if grep -q "^$mod " /proc/modules; then
	fix=$(c_or_rust "the load did not fail: when fail_init is set, return -ENOMEM after misc_register() succeeded" \
		"the load did not fail: when FAIL_INIT is set, return Err(ENOMEM) from a _: { ... } block of try_pin_init!, after misc <- made the node")
elif [ "$events" = 0 ]; then
	fix=$(c_or_rust "init failed before misc_register(): no device was added during the load. Test fail_init after misc_register() succeeded, the last step, and undo it (misc_deregister())" \
		"init failed before misc <- registered the node: no device was added during the load. Fail in a _: { ... } block after the misc field, the last step")
elif [ -e "$dev" ]; then
	fix=$(c_or_rust "the node was added and never removed: the error path must call misc_deregister() (a new label err_deregister: above err_unregister:)" \
		"the node was added and never removed: fail inside try_pin_init! after misc <-, so that the registration is dropped")
else
	fix="undo each step of init, in reverse, and nothing more: each run of init must add the node and remove it"
fi
check "it failed halfway: the node was added, then removed, by each of the 2 runs of init (4 uevents: $events)" \
	"$fix" [ "$events" = 4 ]
check "modprobe $mod fail_init=1 fails with ENOMEM (\"Cannot allocate memory\")" \
	"$(c_or_rust "when fail_init is set, return -ENOMEM after misc_register() succeeded" \
		"when FAIL_INIT is set, return Err(ENOMEM) from a _: { ... } block of try_pin_init!, after misc <- made the node")" \
	sh -c "cat /tmp/fail.out; ! grep -q '^$mod ' /proc/modules && grep -q 'Cannot allocate memory' /tmp/fail.out"
check "it says so: the log says \"fail_init: failing after $dev was registered\"" \
	"log it with $(c_or_rust "pr_err()" "pr_err!") just before failing, once the device is registered" \
	log_has "<3>$mod: fail_init: failing after $dev was registered"
check "nothing is left: $mod is not loaded, $dev is gone, /proc/duet has no \"$impl\" row" \
	"$(c_or_rust "undo each step in reverse: a new label err_deregister: misc_deregister() above err_unregister:" \
		"fail after misc <- made the node, so that dropping it undoes everything: the registration frees the device it carries, and the device's drop calls duet_unregister() (the /proc/duet row: an object in duet_c's registry, not a module reference)")" \
	sh -c "! grep -q '^$mod ' /proc/modules && [ ! -e $dev ] && : >/tmp/duet.out && { [ ! -e /proc/duet ] || cat /proc/duet >/tmp/duet.out; } && ! grep -q '^$impl ' /tmp/duet.out"
if [ "$lang" = c ]; then
	check "setting fail_init tainted the kernel: \"Setting dangerous option fail_init\" (module_param_unsafe)" \
		"declare it with module_param_unsafe(), not module_param(): a fault-injection knob is dangerous" \
		log_has "Setting dangerous option fail_init - tainting kernel"
	check "the taint is U (64) in /proc/sys/kernel/tainted" \
		"module_param_unsafe() adds TAINT_USER when the param is set" \
		sh -c "[ \$((\$(cat /proc/sys/kernel/tainted) & 64)) = 64 ]"
fi
# A node left registered points into the freed module: registering any
# misc device would write to it (misc_register()'s list_add()). Stop here.
[ ! -e "$dev" ] || return
load_duet || return
check "after it, a normal load works: 2 bytes go through $dev" \
	"a failed init must leave nothing behind that a second load trips on (the misc name, the DUET entry)" \
	sh -c "printf hi >$dev && [ \"\$(head -c 2 $dev)\" = hi ]"
check "fail_init is not in sysfs (/sys/module/$mod/parameters/fail_init): it is read at load only" \
	"$(c_or_rust "give module_param_unsafe() the permissions 0" "give it the perm 0 in PARAMS")" \
	[ ! -e "/sys/module/$mod/parameters/fail_init" ]
unload_duet
