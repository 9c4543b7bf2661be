# shellcheck shell=sh disable=SC2154 # lang, mod, ko: set by tests/learn-guest.sh
# Step 2's acceptance tests (see tests/learn-guest.sh).
check "modinfo lists the parameter \"times\"" \
	"$(c_or_rust "declare it with module_param() and MODULE_PARM_DESC()" "declare it in module!'s params: { times: u32 { default: 1, description: ... } }")" \
	sh -c "modinfo -F parm '$ko' | grep -q '^times:.*1\.\.10'"
load "$mod" times=3 || return
check "loaded with times=3, it says hello 3 times, (1 of 3) to (3 of 3) in order" \
	"$(c_or_rust "loop from 1 to times" "loop from 1 to module_parameters::times.value()")" \
	sh -c "dmesg -r | sed -n 's/.*$mod: Hello, world (\\([0-9]*\\) of 3)\$/\\1/p' | tr '\\n' ' ' | grep -qx '1 2 3 '"
check "it was built out of the tree: the kernel marks it \"O\"" \
	"build this step with make lab-build STEP=2 (make M=)" \
	sh -c "grep -q O '/sys/module/$mod/taint'"
if [ "$lang" = c ]; then
	check "its value is in /sys/module/$mod/parameters/times" \
		"give module_param() the permissions 0444" \
		sh -c "[ \"\$(cat /sys/module/$mod/parameters/times)\" = 3 ]"
fi
unload "$mod" || return
load "$mod" || return
check "loaded without it, it says hello once" \
	"keep the default at 1" \
	log_has "$mod: Hello, world \(1 of 1\)"
unload "$mod" || return
check "loading with times=0 fails with EINVAL" \
	"$(c_or_rust "check the value in init and return -EINVAL" "check the value in init and return Err(EINVAL)")" \
	refused "$mod" times=0
check "loading with times=11 fails with EINVAL" \
	"the largest value is 10" \
	refused "$mod" times=11
check "it says why it refused (a line with \"times\" in the log)" \
	"$(c_or_rust "log the reason with pr_err() before returning" "log the reason with pr_err! before returning")" \
	log_has "<3>.*$mod: .*times"
