# shellcheck shell=sh disable=SC2154 # lang, mod, ko: set by tests/learn-guest.sh
# Step 3's acceptance tests (see tests/learn-guest.sh).
main=$(c_or_rust split_main.c learn_split_rust.rs)
util=$(c_or_rust split_util.c util.rs)
load "$mod" || return
check "$main says hello" \
	"keep the pr_info line of init" \
	log_has "<6>.*$mod: $main says hello"
check "$util says hello, with the same prefix" \
	"$(c_or_rust "call learn_split_util_hello() from init; both files use pr_fmt" "call util::hello() from init")" \
	log_has "<6>.*$mod: $util says hello"
unload "$mod"
