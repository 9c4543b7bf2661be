# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 6's exercise (see tests/learn-guest.sh): duet_c exports
# duet_impl_count(), GPL-only, in namespace DUET; both modules log its value
# once they are registered (C: 1, Rust: 2, since duet_c is loaded first).
if [ "$lang" = c ]; then
	# shellcheck disable=SC2016 # an awk program
	check "modpost exported duet_impl_count from duet_c, GPL-only, in namespace DUET (Module.symvers)" \
		"add EXPORT_SYMBOL_NS_GPL(duet_impl_count, \"DUET\"); under the function in export.c" \
		awk -F'\t' '$2 == "duet_impl_count" && $3 ~ /duet_c$/ && $4 == "EXPORT_SYMBOL_GPL" && $5 == "DUET" { f = 1 } END { exit !f }' /lib/modules/duet.symvers
	want=1
else
	want=2
fi
load_duet || return
check "$mod logs \"devices in the DUET registry: $want\" once it is registered" \
	"$(c_or_rust "call duet_impl_count() at the end of duet_init() and log it with pr_info()" \
		"declare fn duet_impl_count() -> u32 in an extern \"C\" block in glue.rs, wrap it in a safe fn with a SAFETY comment, and log it with pr_info! in init")" \
	log_has "<6>$mod: devices in the DUET registry: $want$"
unload_duet
