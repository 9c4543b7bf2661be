# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev, facts: set by tests/learn-guest.sh
# Chapter 6's exercise (see tests/learn-guest.sh): duet_c exports
# duet_impl_count(), GPL-only, in namespace DUET; both modules log its value
# once they are registered (C: 1, Rust: 2, since duet_c is loaded first).
# The number must come from the function: the C module's init calls it
# (a relocation of its .init.text), and the Rust module imports it (an
# undefined symbol of duet_rust.ko, which the loader resolves in duet_c);
# $facts holds what llvm-nm and llvm-readelf read of the .ko files.
if [ "$lang" = c ]; then
	# shellcheck disable=SC2016 # an awk program
	check "modpost exported duet_impl_count from duet_c, GPL-only, in namespace DUET (Module.symvers)" \
		"add EXPORT_SYMBOL_NS_GPL(duet_impl_count, \"DUET\"); under the function in export.c" \
		awk -F'\t' '$2 == "duet_impl_count" && $3 ~ /duet_c$/ && $4 == "EXPORT_SYMBOL_GPL" && $5 == "DUET" { f = 1 } END { exit !f }' /lib/modules/duet.symvers
	check "duet_init() calls duet_impl_count() (duet_c.ko's .init.text refers to it)" \
		"log the number that duet_impl_count() returns: call it at the end of duet_init(), not a number of your own" \
		grep -qx "init.text duet_impl_count" "$facts/duet_c.relocs"
	want=1
else
	check "duet_rust.ko imports duet_impl_count (llvm-nm: U duet_impl_count; the loader takes it from duet_c)" \
		"the number must come from duet_c: declare fn duet_impl_count() -> u32 in an extern \"C\" block in glue.rs, call it from a safe fn, and log what it returns" \
		grep -Eq '^ +U duet_impl_count$' "$facts/duet_rust.nm"
	want=2
fi
load_duet || return
check "$mod logs \"devices in the DUET registry: $want\" once it is registered" \
	"$(c_or_rust "call duet_impl_count() at the end of duet_init() and log it with pr_info()" \
		"declare fn duet_impl_count() -> u32 in an extern \"C\" block in glue.rs, wrap it in a safe fn with a SAFETY comment, and log it with pr_info! in init")" \
	log_has "<6>$mod: devices in the DUET registry: $want$"
unload_duet
