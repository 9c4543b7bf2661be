#!/bin/sh
# lab.sh STEP | --check - `make lab STEP=n`: boot the guest and run chapter
# n's commands (each echoed before it runs), then check its expected
# output. --check: every chapter and every exercise solution, one boot per
# kernel flavor, as TAP lines (for `make check`).
#
# A chapter runs on the lab kernel unless its source has a line
# "<!-- flavor NAME -->" (chapter 13, module signing: the signed kernel).
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
	flavor=$(sed -n 's/^<!-- flavor \([a-z]*\) -->$/\1/p' "$src")
	dir=$tmp/${flavor:-lab}
	mkdir -p "$dir"
	name=$(printf '%02d' "$n")
	extract "sh guest" "$src" >"$dir/$name.guest"
	extract "expect" "$src" >"$dir/$name.expect"
	[ "$step" = --check ] && extract "sh solution" "$src" >"$dir/$name.solution"
	head -n 1 "$src" | sed 's/^# //' >"$dir/$name.title"
	found=1
done
[ "$found" = 1 ] || die "no chapter $step: the chapters are docs/lab/src/NN-*.md"
rc=0
for dir in "$tmp"/*; do
	flavor=$(basename "$dir")
	# `make lab` has prepared the lab kernel; build any other one here.
	[ "$flavor" = lab ] || sh "$TOP/scripts/prepare.sh" "$flavor"
	DUET_FLAVOR=$flavor sh "$TOP/scripts/boot.sh" "$TOP/tests/lab-guest.sh" "$dir" || rc=$?
done
exit "$rc"
