#!/bin/sh
# lab.sh STEP | --check - `make lab STEP=n`: boot the guest and run chapter
# n's commands (each echoed before it runs), then check its expected
# output. --check: every chapter and every exercise solution, in one boot,
# as TAP lines (for `make check`).
. "$(dirname "$0")/lib.sh"
step=${1:?usage: lab.sh STEP | --check}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-lab.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# extract KIND SRC - the lines of the block fenced as ```KIND in SRC.
extract() {
	awk -v k="$1" '$0 == "```" k { on = 1; next } on && /^```/ { on = 0 } on' "$2"
}
found=0
for src in "$TOP"/docs/lab/src/[0-9][0-9]-*.md; do
	n=$(basename "$src" | cut -c1-2 | sed 's/^0//')
	[ "$n" != 0 ] || continue
	[ "$step" = --check ] || [ "$step" = "$n" ] || continue
	name=$(printf '%02d' "$n")
	extract "sh guest" "$src" >"$tmp/$name.guest"
	extract "expect" "$src" >"$tmp/$name.expect"
	[ "$step" = --check ] && extract "sh solution" "$src" >"$tmp/$name.solution"
	head -n 1 "$src" | sed 's/^# //' >"$tmp/$name.title"
	found=1
done
[ "$found" = 1 ] || die "no chapter $step: the chapters are docs/lab/src/NN-*.md"
exec sh "$TOP/scripts/boot.sh" "$TOP/tests/lab-guest.sh" "$tmp"
