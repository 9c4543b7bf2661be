# shellcheck shell=sh disable=SC2154 # lang, mod, ko: set by tests/learn-guest.sh
# Step 3's acceptance tests (see tests/learn-guest.sh). Besides the log
# lines, what the build made of the two files: the objects the C module
# was linked from (MODULE.objs, Kbuild's MODULE.mod) and what its init
# calls (MODULE.relocs, from llvm-readelf); the source files rustc read
# for the Rust one (MODULE.srcs, from its .cmd file), and the warnings.
main=$(c_or_rust split_main.c learn_split_rust.rs)
util=$(c_or_rust split_util.c util.rs)
if [ "$lang" = c ]; then
	check "$mod.ko is linked from split_main.o and split_util.o (Kbuild's $mod.mod)" \
		"the module is made of both objects: learn_split_c-y := split_main.o split_util.o in Kbuild" \
		sh -c "cat $mod.objs; grep -qx split_main.o $mod.objs && grep -qx split_util.o $mod.objs"
	check "its init calls learn_split_util_hello() (.init.text refers to it)" \
		"keep the call learn_split_util_hello(); in learn_split_init(): the line comes from split_util.c" \
		grep -qx "init.text learn_split_util_hello" "$mod.relocs"
else
	check "util.rs is part of the crate (rustc read it: $(tr '\n' ' ' <"$mod.srcs"))" \
		"declare the module with mod util; in learn_split_rust.rs: rustc then reads util.rs" \
		grep -qx util.rs "$mod.srcs"
	check "it builds without warnings" \
		"see the warnings: code that nothing calls (keep the call util::hello() in init)" \
		sh -c "cat warnings; [ ! -s warnings ]"
fi
load "$mod" || return
check "$main says hello" \
	"keep the pr_info line of init" \
	log_has "<6>.*$mod: $main says hello"
check "$util says hello, with the same prefix" \
	"$(c_or_rust "call learn_split_util_hello() from init; both files use pr_fmt" "call util::hello() from init")" \
	log_has "<6>.*$mod: $util says hello"
unload "$mod"
