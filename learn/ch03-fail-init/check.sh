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
dmesg -c >/dev/null
check "modprobe $mod fail_init=1 fails with ENOMEM (\"Cannot allocate memory\")" \
	"$(c_or_rust "when fail_init is set, return -ENOMEM after misc_register() succeeded" \
		"when FAIL_INIT is set, return Err(ENOMEM) from a _: { ... } block of try_pin_init!, after misc <- made the node")" \
	sh -c "! modprobe $mod fail_init=1 2>/tmp/fail.out && cat /tmp/fail.out && grep -q 'Cannot allocate memory' /tmp/fail.out"
check "it failed halfway: the log says \"fail_init: failing after $dev was registered\"" \
	"log it with $(c_or_rust "pr_err()" "pr_err!") just before failing, once the device is registered" \
	log_has "<3>$mod: fail_init: failing after $dev was registered"
check "nothing is left: $mod is not loaded, $dev is gone, /proc/duet has no \"$impl\" row" \
	"$(c_or_rust "undo each step in reverse: a new label err_deregister: misc_deregister() above err_unregister:" \
		"fail after misc <- made the node, so that dropping it undoes everything: the registration frees the device it carries, and the device drops its DUET registration")" \
	sh -c "! grep -q '^$mod ' /proc/modules && [ ! -e $dev ] && : >/tmp/duet.out && { [ ! -e /proc/duet ] || cat /proc/duet >/tmp/duet.out; } && ! grep -q '^$impl ' /tmp/duet.out"
if [ "$lang" = rust ]; then
	check "duet_c is no longer held: its refcnt is back to 0 (the DUET registration was dropped)" \
		"the registration with duet_c must be undone too: let it drop with the device" \
		sh -c "[ \"\$(cat /sys/module/duet_c/refcnt)\" = 0 ]"
else
	check "setting fail_init tainted the kernel: \"Setting dangerous option fail_init\" (module_param_unsafe)" \
		"declare it with module_param_unsafe(), not module_param(): a fault-injection knob is dangerous" \
		log_has "Setting dangerous option fail_init - tainting kernel"
	check "the taint is U (64) in /proc/sys/kernel/tainted" \
		"module_param_unsafe() adds TAINT_USER when the param is set" \
		sh -c "[ \$((\$(cat /proc/sys/kernel/tainted) & 64)) = 64 ]"
fi
load_duet || return
check "after it, a normal load works: 2 bytes go through $dev" \
	"a failed init must leave nothing behind that a second load trips on (the misc name, the DUET entry)" \
	sh -c "printf hi >$dev && [ \"\$(head -c 2 $dev)\" = hi ]"
unload_duet
