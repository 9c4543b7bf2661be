#!/bin/sh
# static.sh - the static half of the comparison, from the sources and the
# built modules; prints markdown. Runs inside the toolchain root:
#   DUET_SRC=checkout DUET_WORK=kernel work dir sh compare/static.sh
set -eu
src=$DUET_SRC
tree=$DUET_WORK/src
ko_c=$(find "$DUET_WORK/stage" -name duet_c.ko)
ko_rust=$(find "$DUET_WORK/stage" -name duet_rust.ko)
c=$src/c_module/device.c
rust=$src/rust_module/duet_rust.rs

# sections FILE - code/comment/blank lines under each "--- name ---" heading.
sections() {
	awk '
	/^(\/\* |\/\/ )--- .* ---( \*\/)?$/ { sec = $0; gsub(/^(\/\* |\/\/ )--- | ---( \*\/)?$/, "", sec); next }
	{ s = sec == "" ? "(header)" : sec
	  if (!(s in order)) order[s] = ++n
	  if ($0 ~ /^[ \t]*$/) blank[s]++
	  else if ($0 ~ /^[ \t]*(\/\/|\/\*|\*)/) com[s]++
	  else code[s]++ }
	END { for (s in order) printf "%d\t%s\t%d\t%d\t%d\n", order[s], s, code[s], com[s], blank[s] }' "$1" | sort -n
}

echo "## Lines of code, by section"
echo
echo "Both device files have the same sections in the same order. Code, comment and blank lines under each heading:"
echo
echo "| section | C code | C comments | C blank | Rust code | Rust comments | Rust blank |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
sections "$c" >/tmp/sec.c
sections "$rust" >/tmp/sec.rust
awk -F '\t' 'NR == FNR { c[$2] = $3 "\t" $4 "\t" $5; order[$2] = $1; next }
	{ r[$2] = $3 "\t" $4 "\t" $5; if (!($2 in order)) order[$2] = 100 + $1 }
	END { for (s in order) print order[s] "\t" s "\t" (s in c ? c[s] : "-\t-\t-") "\t" (s in r ? r[s] : "-\t-\t-") }' \
	/tmp/sec.c /tmp/sec.rust | sort -n |
	awk -F '\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8
		for (i = 3; i <= 8; i++) if ($i != "-") t[i] += $i }
		END { printf "| **total** | %d | %d | %d | %d | %d | %d |\n", t[3], t[4], t[5], t[6], t[7], t[8] }'
echo
echo "Whole modules (all files): C $(cat "$src"/c_module/*.c "$src"/c_module/*.h | grep -cv '^[[:space:]]*$') non-blank lines" \
	"(device.c, export.c, registry.h); Rust $(cat "$src"/rust_module/*.rs | grep -cv '^[[:space:]]*$') non-blank lines (duet_rust.rs, glue.rs)."
echo

echo "## Error handling and unwinding"
echo
c_goto=$(grep -c 'goto err_' "$c")
c_labels=$(grep -c '^err_[a-z_]*:$' "$c")
c_unwind=$(awk '/^err_[a-z_]*:$/ { on = 1 } on { n++ } on && /^}/ { on = 0 } END { print n + 0 }' "$c")
c_ret=$(grep -c 'return -E\|ret = -E' "$c")
r_q=$(grep -c '?[;,)]\|?$' "$rust")
r_err=$(grep -c 'return Err(' "$rust")
r_drop=$(awk '/impl (Pinned)?Drop for/ { on = 1 } on { n++ } on && /^}/ { on = 0 } END { print n + 0 }' "$rust" "$src/rust_module/glue.rs")
echo "| | C (device.c) | Rust (duet_rust.rs, glue.rs) |"
echo "| --- | ---: | ---: |"
echo "| explicit error returns (\`return -E…\` / \`return Err(…)\`) | $c_ret | $r_err |"
echo "| propagation (\`goto err_…\` / \`?\`) | $c_goto | $r_q |"
echo "| unwinding code (\`err_…:\` labels to the end of the function / \`Drop\`, \`PinnedDrop\` impls) | $c_unwind lines, $c_labels labels | $r_drop lines |"
echo

echo "## unsafe in the Rust module"
echo
echo "| file | \`unsafe\` blocks | \`unsafe fn\` | \`unsafe impl\` | \`// SAFETY:\` comments |"
echo "| --- | ---: | ---: | ---: | ---: |"
for f in "$src"/rust_module/*.rs; do
	printf '| %s | %d | %d | %d | %d |\n' "$(basename "$f")" \
		"$(grep -c 'unsafe {' "$f")" "$(grep -c 'unsafe fn' "$f")" \
		"$(grep -c 'unsafe impl' "$f")" "$(grep -c '// SAFETY:' "$f")"
done
echo
echo "Where they are:"
echo
echo '```'
grep -n 'unsafe {\|unsafe fn\|unsafe impl' "$src"/rust_module/*.rs | sed "s|$src/||"
echo '```'
echo

echo "## The built modules"
echo
echo "| | duet_c.ko | duet_rust.ko |"
echo "| --- | ---: | ---: |"
for sec in .text .data .rodata .bss; do
	a=$(llvm-size -A "$ko_c" | awk -v s="$sec" 'index($1, s) == 1 { n += $2 } END { print n + 0 }')
	b=$(llvm-size -A "$ko_rust" | awk -v s="$sec" 'index($1, s) == 1 { n += $2 } END { print n + 0 }')
	echo "| $sec* bytes | $a | $b |"
done
for ko in "$ko_c" "$ko_rust"; do
	llvm-strip --strip-debug -o "/tmp/$(basename "$ko").stripped" "$ko"
done
echo "| file size (this kernel has no DEBUG_INFO) | $(stat -c %s "$ko_c") | $(stat -c %s "$ko_rust") |"
echo "| file size, \`llvm-strip --strip-debug\` | $(stat -c %s /tmp/duet_c.ko.stripped) | $(stat -c %s /tmp/duet_rust.ko.stripped) |"
echo "| symbols imported (undefined) | $(llvm-nm -u "$ko_c" | wc -l) | $(llvm-nm -u "$ko_rust" | wc -l) |"
exports=$(awk '$3 ~ /duet_c$/ { printf "%s%s (%s, ns %s)", sep, $2, $4, $5; sep = ", " }' "$DUET_WORK/build/Module.symvers")
echo "| symbols exported | $exports | none |"
echo "| namespaces imported | $(modinfo -F import_ns "$ko_c" | tr '\n' ' ')- | $(modinfo -F import_ns "$ko_rust" | tr '\n' ' ') |"
echo
echo "Symbols duet_rust.ko imports from duet_c: $(llvm-nm -u "$ko_rust" | awk '/duet_/ { printf "%s`%s`", sep, $2; sep = ", " }')."
echo

echo "## Code size, function by function"
echo
echo "Every function of both modules, from their symbols (compare/size.py), by the job it does: C's code for a job beside Rust's (the Rust trampolines of 7.3's \`MiscDevice\` carry duet_rust's own code, which it inlines into them), then what the \`kernel\` crate's and \`core\`'s generics became once made for duet_rust, by family. Run-time code is .text; init and exit code is counted apart, and so are the KUnit tests, which the sizes above include."
echo
python3 "$src/compare/size.py" "$ko_c" "$ko_rust"
echo
echo "## modinfo, side by side"
echo
echo "| field | duet_c | duet_rust |"
echo "| --- | --- | --- |"
for f in description license depends import_ns parm; do
	a=$(modinfo -F "$f" "$ko_c" | sed 's/|/\\|/g' | paste -sd ';' | sed 's/;/<br>/g')
	b=$(modinfo -F "$f" "$ko_rust" | sed 's/|/\\|/g' | paste -sd ';' | sed 's/;/<br>/g')
	echo "| $f | ${a:--} | ${b:--} |"
done
echo "| params visible in sysfs | yes: /sys/module/duet_c/parameters/ (0444) | no |"
echo

# cause PATTERN FILE - "file:line: text" of the first line of the 7.3 tree
# matching PATTERN, or "(none in FILE)".
cause() {
	line=$(grep -n -m 1 -e "$1" "$tree/$2" | sed 's/^\([0-9]*\):[[:space:]]*/\1: /')
	if [ -n "$line" ]; then echo "\`$2:$line\`" | sed 's/|/\\|/g'; else echo "(none in $2)"; fi
}
echo "## Where the 7.3 Rust API forced a difference"
echo
echo "Each cause is the line of the Linux $(cat "$DUET_WORK/build/include/config/kernel.release") tree that makes it so, looked up when this report was made."
echo
echo "| behaviour | C | Rust | cause in the 7.3 tree |"
echo "| --- | --- | --- | --- |"
echo "| params in sysfs | visible, 0444 | not visible | $(cause 'perm: 0' rust/macros/module.rs) |"
echo "| param types | any (string, array, ...) | integers and bool only | $(cause '"isize"' rust/macros/module.rs) |"
echo "| device node mode | \`miscdevice.mode\` could set it | always 0600 (C keeps 0600 too, for parity) | $(cause 'pub name: &' rust/kernel/miscdevice.rs) (the only field of \`MiscDeviceOptions\`) |"
echo "| poll, llseek | not implemented (parity) | not offered | $(cause 'owner: this_module' rust/kernel/miscdevice.rs) (the fops table ends without them) |"
echo "| shared device state in open | \`container_of()\` on \`file->private_data\` | \`container_of!\` in glue.rs (unsafe) | $(cause 'pub struct MiscDeviceRegistration' rust/kernel/miscdevice.rs) (no driver data) |"
echo "| O_NONBLOCK in read/write | \`iocb->ki_filp->f_flags\` | raw \`ki_filp\` in glue.rs (unsafe) | $(cause 'pub fn file(&self)' rust/kernel/fs/kiocb.rs) (private data, not the file) |"
echo "| CAP_SYS_ADMIN | \`capable()\` | \`bindings::capable()\` in glue.rs (unsafe) | $(cause 'fn capable' rust/kernel/cred.rs) |"
echo "| structs to userspace | \`copy_to_user()\` | newtypes with \`unsafe impl AsBytes\` in glue.rs | $(cause 'pub unsafe trait AsBytes' rust/kernel/transmute.rs) |"
echo

excerpt() { # FILE START-REGEX END-REGEX
	awk -v a="$2" -v b="$3" '$0 ~ a { on = 1 } on { print } on && $0 ~ b { exit }' "$1"
}
echo "## Init and exit, side by side"
echo
echo "C unwinds with a goto ladder whose labels name the undo step:"
echo
echo '```c'
excerpt "$c" '^static int __init duet_init' '^}'
excerpt "$c" '^static void __exit duet_exit' '^}'
echo '```'
echo
echo "Rust initialises in place with \`try_pin_init!\` and \`?\`; what was set up is dropped, in reverse, on failure and at exit:"
echo
echo '```rust'
excerpt "$rust" '^impl DuetDevice' '^}'
excerpt "$rust" '^impl kernel::InPlaceModule' '^}'
echo '```'
echo
echo "## Reference counting"
echo
echo "The registry handle of each device is a \`kref\`. C takes and drops references by hand:"
echo
echo '```c'
grep -n 'duet_get\|duet_put\|kref_' "$src"/c_module/*.c | sed "s|$src/||"
echo '```'
echo
echo "Rust wraps the same C handle in \`ARef\`, whose \`Clone\`/\`Drop\` call \`duet_get()\`/\`duet_put()\`; each open file holds one:"
echo
echo '```rust'
excerpt "$src/rust_module/glue.rs" '^unsafe impl AlwaysRefCounted' '^}'
grep -n '_handle' "$rust" | sed "s|$src/||"
echo '```'
echo
echo "The device itself is not counted per open file in either: an open file pins the module, which owns the device. C keeps a plain \`struct duet_dev *\`; Rust keeps a \`glue::DeviceRef\`, a plain pointer whose \`unsafe\` \`Deref\` states the module pin as its invariant (an \`Arc<DuetDevice>\` per file would let the compiler check it instead; duet_rust had one until 2026-12-05, and chapter 9 of the lab says what it cost):"
echo
echo '```rust'
excerpt "$src/rust_module/glue.rs" '^/// The module.s device, as an open file keeps it' '^pub.crate. struct DeviceRef'
grep -n 'DeviceRef\|device_of' "$rust" | sed "s|$src/||"
echo '```'
