# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 2's exercise (see tests/learn-guest.sh): duet_c answers to the
# alias duet-fifo-c and duet_rust to duet-fifo-rust.
alias=duet-fifo-$impl
got=$(modinfo -F alias "$mod" | tr '\n' ' ')
if [ -z "$got" ]; then
	fix=$(c_or_rust "add MODULE_ALIAS(\"$alias\"); beside MODULE_LICENSE() in device.c" \
		"add alias: [\"$alias\"], to module! in duet_rust.rs, right after license:")
else
	fix="its alias is \"${got% }\": it must be exactly $alias, as the exercise asks (modprobe would read its dashes as underscores, but modinfo shows the alias as written)"
fi
check "modinfo $mod lists the alias $alias" "$fix" \
	sh -c "modinfo -F alias $mod | grep -qx '$alias'"
dmesg -c >/dev/null
check "modprobe $alias loads $mod (depmod put the alias in modules.alias)" \
	"the alias must be exactly $alias; modules.alias comes from it when the modules are installed" \
	sh -c "modprobe '$alias' && grep -q '^$mod ' /proc/modules"
check "modprobe -r $alias unloads it again$(c_or_rust '' ', and duet_c with it')" \
	"modprobe -r takes the alias too: nothing to change in the code" \
	sh -c "modprobe -r '$alias' && ! grep -q '^duet_' /proc/modules"
