#!/bin/sh
# lab-check.sh [STEP] - `make lab-check STEP=n`: build the learner's modules
# of step n of the hands-on lab (every step without STEP), boot the lab
# kernel with them and grade them: one TAP line per check, for C and for
# Rust, and under each failed one a "# fix:" line saying what to change.
# Exits non-zero if any check fails.
. "$(dirname "$0")/lib.sh"
dirs=$(learn_steps "${1:-}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-learn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# A module that does not build is graded as such: go on to the boot.
mkdir -p "$tmp/files"
DUET_LEARN_OUT=$tmp/files sh "$TOP/scripts/lab-build.sh" "${1:-}" || true
for d in $dirs; do
	nn=$(basename "$d" | cut -c1-2)
	[ -f "$tmp/files/$nn/modules" ] || die "step ${nn#0} was not built (see above)"
	cp "$d/step" "$d/check.sh" "$tmp/files/$nn/"
	rm -f "$tmp/files/$nn"/*.log
done
DUET_FLAVOR=lab DUET_STALL=${DUET_STALL:-120} sh "$TOP/scripts/boot.sh" \
	"$TOP/tests/learn-guest.sh" "$tmp/files"
