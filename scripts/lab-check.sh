#!/bin/sh
# lab-check.sh [STEP | --chapter [N]] - `make lab-check`: grade the
# learner's work. STEP=n: build the learner's modules of step n of the
# hands-on lab (learn/NN-*), boot the lab kernel with them and grade them.
# CHAPTER=n: grade chapter n's exercise (learn/chNN-*), which edits the
# real driver, on the checkout's own duet_c and duet_rust (`make kernel`
# has built them). Neither: every step and every chapter's exercise.
# One TAP line per check, for C and for Rust, and under each failed one a
# "# fix:" line saying what to change. Exits non-zero if any check fails.
. "$(dirname "$0")/lib.sh"
x86_only "make lab-check"
case ${1:-} in
--chapter) steps='' chapters=$(lab_exercises "${2:-}") ;;
'') steps=$(learn_steps all) chapters=$(lab_exercises all) ;;
*) steps=$(learn_steps "$1") chapters='' ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-learn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/files"
if [ -n "$steps" ]; then
	# A module that does not build is graded as such: go on to the boot.
	DUET_LEARN_OUT=$tmp/files sh "$TOP/scripts/lab-build.sh" "${1:-}" || true
fi
for d in $steps; do
	nn=$(basename "$d" | cut -c1-2)
	[ -f "$tmp/files/$nn/modules" ] || die "step ${nn#0} was not built (see above)"
	cp "$d/step" "$d/check.sh" "$tmp/files/$nn/"
	rm -f "$tmp/files/$nn"/*.log
done
for d in $chapters; do
	ch=$tmp/files/$(basename "$d" | cut -c1-4)
	mkdir -p "$ch"
	cp "$d/exercise" "$d/check.sh" "$ch/"
done
DUET_FLAVOR=lab DUET_STALL=${DUET_STALL:-120} sh "$TOP/scripts/boot.sh" \
	"$TOP/tests/learn-guest.sh" "$tmp/files"
