# shellcheck shell=sh disable=SC2154 # lang, mod, ko: set by tests/learn-guest.sh
# Step 4's acceptance tests (see tests/learn-guest.sh). The C module is
# the exporter, the Rust module the caller: its .ko must import the C
# function (MODULE.nm, from llvm-nm), and loading it must make it a user
# of learn_export_c.
if [ "$lang" = c ]; then
	# shellcheck disable=SC2016 # an awk program
	check "learn_export_twice is exported to GPL modules (modpost's Module.symvers)" \
		"add EXPORT_SYMBOL_GPL(learn_export_twice); under the function" \
		awk -F'\t' '$2 == "learn_export_twice" && $4 == "EXPORT_SYMBOL_GPL" { f = 1 } END { exit !f }' exports
	load "$mod" || return
	unload "$mod"
	return
fi
check "$mod.ko imports learn_export_twice (llvm-nm: U learn_export_twice)" \
	"call learn_export_twice(21) through the extern \"C\" block, in unsafe { }, and log what it returns: the number must come from the C function" \
	grep -Eq '^ +U learn_export_twice$' "$mod.nm"
load learn_export_c || return
load "$mod" || return
check "it calls the C function: twice(21) = 42" \
	"call learn_export_twice(21) through the extern \"C\" block, in unsafe { }" \
	log_has "<6>.*$mod: twice\(21\) = 42"
check "learn_export_c is held by learn_export_rust (/sys/module/learn_export_c/holders)" \
	"call the C function: a module that uses a symbol of another holds it loaded" \
	[ -e /sys/module/learn_export_c/holders/learn_export_rust ]
unload "$mod"
unload learn_export_c
