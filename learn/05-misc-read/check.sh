# shellcheck shell=sh disable=SC2154 # lang, mod, ko: set by tests/learn-guest.sh
# Step 5's acceptance tests (see tests/learn-guest.sh). Every read is
# bounded (dd count=): a read that never reaches end of file fails its
# check rather than run forever.
node=/dev/learn-$lang
word=C
[ "$lang" = c ] || word=Rust
load "$mod" || return
check "loading it creates $node" \
	"$(c_or_rust "call misc_register(&learn_misc) in init" "register it: miscdev <- MiscDeviceRegistration::register(...) in try_pin_init!")" \
	[ -c "$node" ]
check "reading $node gives \"Hello from $word\"" \
	"$(c_or_rust "in learn_read(), return simple_read_from_buffer(buf, count, ppos, ...)" "in read_iter(), return to.simple_read_from_buffer(kiocb.ki_pos_mut(), LEARN_MSG)")" \
	sh -c "[ \"\$(dd if=$node bs=64 count=1 2>/dev/null)\" = 'Hello from $word' ]"
check "a read gives the message once, then end of file" \
	"advance the file position by what was copied" \
	sh -c "[ \"\$(dd if=$node bs=4 count=64 2>/dev/null | wc -c)\" = $((${#word} + 12)) ]"
unload "$mod" || return
check "unloading it removes $node" \
	"$(c_or_rust "call misc_deregister() in exit" "keep the registration in a field of LearnMisc: dropping the module drops it")" \
	[ ! -e "$node" ]
