#!/bin/sh
# lab.sh STEP | --check - `make lab STEP=n`: boot the guest and run chapter
# n's commands (each echoed before it runs), then check its expected
# output. --check: every chapter and every exercise solution, one boot per
# kernel flavor, as TAP lines (for `make check`).
#
# A chapter runs on the lab kernel unless its source has a line
# "<!-- flavor NAME -->" (a chapter that needs another kernel flavor).
# Its ```sh host block, if any, runs first, on the host, inside the
# toolchain root, in the source tree of that kernel (host_blocks below);
# the chapter's expected patterns are matched against the output of both.
. "$(dirname "$0")/lib.sh"
x86_only "make lab"
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
	extract "sh host" "$src" >"$dir/$name.host"
	extract "expect" "$src" >"$dir/$name.expect"
	[ "$step" = --check ] && extract "sh solution" "$src" >"$dir/$name.solution"
	head -n 1 "$src" | sed 's/^# //' >"$dir/$name.title"
	found=1
done
[ "$found" = 1 ] || die "no chapter $step: the chapters are docs/lab/src/NN-*.md"
# host_blocks FLAVOR DIR - run the ```sh host block of each chapter in DIR,
# echoing each command (sh -v), inside the toolchain root with the FLAVOR
# kernel's work directory as $DUET_WORK (its build/ holds the built .ko
# files), from its source tree ($DUET_WORK/src, where drivers/misc/duet is
# this checkout). The output, NN.hostout, goes into the guest with the rest,
# and lab-guest.sh matches the patterns against it too.
host_blocks() {
	for _host in "$2"/*.host; do
		[ -s "$_host" ] || continue
		_n=$(basename "$_host" .host)
		echo "# lab chapter $(cat "$2/$_n.title"): on the host"
		# shellcheck disable=SC2016 # expanded inside the root
		in_root "$(kernel_dir "$1")" sh -c 'cd "$DUET_WORK/src" && exec sh -v /dev/fd/3' \
			3<"$_host" </dev/null 2>&1 | tee "$2/$_n.hostout"
	done
}
rc=0
for dir in "$tmp"/*; do
	flavor=$(basename "$dir")
	# `make lab` has prepared the lab kernel; build any other one here.
	[ "$flavor" = lab ] || sh "$TOP/scripts/prepare.sh" "$flavor"
	host_blocks "$flavor" "$dir"
	DUET_FLAVOR=$flavor sh "$TOP/scripts/boot.sh" "$TOP/tests/lab-guest.sh" "$dir" || rc=$?
done
exit "$rc"
