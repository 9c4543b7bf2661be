# shellcheck shell=sh disable=SC2154 # lang, mod, ko: set by tests/learn-guest.sh
# Step 1's acceptance tests, run in the guest by tests/learn-guest.sh for
# $lang (c or rust) with the module $mod built from the learner's code.
# Each line is checked in the log of its own event: the load's log, then
# the unload's.
load "$mod" || return
check "it logs \"Hello, world\" at KERN_INFO when loaded" \
	"$(c_or_rust "in learn_hello_init(), log it with pr_info()" "in init(), log it with pr_info!")" \
	log_has "<6>.*$mod: Hello, world"
check "it does not say goodbye while it loads" \
	"$(c_or_rust "\"Goodbye, world\" is for learn_hello_exit(), which runs at rmmod: not in init" \
		"\"Goodbye, world\" is for drop(), which runs at rmmod: not in init()")" \
	sh -c "! dmesg -r | grep 'Goodbye, world'"
check "it names its author (modinfo -F author)" \
	"$(c_or_rust "add MODULE_AUTHOR(\"Your Name\")" "add authors: [\"Your Name\"] to module!")" \
	[ -n "$(modinfo -F author "$ko")" ]
check "it taints nothing: GPL, built in the tree (/sys/module/$mod/taint is empty)" \
	"keep the license GPL" \
	[ -z "$(cat "/sys/module/$mod/taint")" ]
dmesg -c >/dev/null
unload "$mod" || return
check "it logs \"Goodbye, world\" at KERN_INFO when unloaded" \
	"$(c_or_rust "in learn_hello_exit(), log it with pr_info()" "in drop(), log it with pr_info!")" \
	log_has "<6>.*$mod: Goodbye, world"
