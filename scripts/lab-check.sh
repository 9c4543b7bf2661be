#!/bin/sh
# lab-check.sh [STEP | --chapter [N]] - `make lab-check`: grade the
# learner's work. STEP=n: build the learner's modules of step n of the
# hands-on lab (learn/NN-*), boot the lab kernel with them and grade them.
# CHAPTER=n: grade chapter n's exercise (learn/chNN-*), which edits the
# real driver, on the checkout's own duet_c and duet_rust (`make kernel`
# has built them). Neither: every step and every chapter's exercise.
# One TAP line per check, for C and for Rust, and under each failed one a
# "# fix:" line saying what to change. Exits non-zero if any check fails.
# DUET_LAB_WRONG=1 (tests/learn.sh, in its scratch copies): also build and
# grade the known-wrong solutions it put in learn/wrong/, each between
# "# wrong NAME" and "# wrong NAME end" lines; they do not count in the
# exit status. DUET_LAB_WRONG=only: those alone.
. "$(dirname "$0")/lib.sh"
x86_only "make lab-check"
case ${1:-} in
--chapter) steps='' chapters=$(lab_exercises "${2:-}") ;;
'') steps=$(learn_steps all) chapters=$(lab_exercises all) ;;
*) steps=$(learn_steps "$1") chapters='' ;;
esac
[ "${DUET_LAB_WRONG:-0}" != only ] || steps='' chapters=
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
# The graders' tools and the facts of the installed duet modules (and,
# with DUET_LAB_WRONG=1, tests/learn.sh's known-wrong solutions in
# learn/wrong/), made in the toolchain root from the lab kernel's build,
# which must be this checkout's: another copy of the tree may have built
# its own since `make kernel`; then build this one's again.
kdir=$(kernel_dir lab)
wrong=
[ "${DUET_LAB_WRONG:-0}" = 0 ] || [ ! -d "$TOP/learn/wrong" ] || wrong=--wrong
for try in 1 2 3; do
	lock "$kdir.lock"
	[ "$(cat "$kdir/modules.key" 2>/dev/null)" != "$(modules_key)" ] || break
	unlock
	[ "$try" != 3 ] || die "the lab kernel's modules keep being rebuilt from another copy of the tree"
	msg "the lab kernel's modules were built from another copy of the tree since: building this one's again"
	sh "$TOP/scripts/prepare.sh" lab
done
root_script "$kdir" learn-build.sh --guest $wrong
cp -R "$kdir/learn/guest/." "$tmp/files/"
unlock
# Each known-wrong solution graded like its step or chapter (variant: its
# name, kind, number and language, written by tests/learn.sh).
for v in "$tmp/files/wrong"/*/; do
	[ -d "$v" ] || continue
	name=$(basename "$v")
	case $name in
	ch*) src=$TOP/learn/wrong/duet/$name ex=$(lab_exercises "$(echo "$name" | cut -c3-4 | sed 's/^0//')") ;;
	*) src=$TOP/learn/wrong/$name ex=$(learn_steps "$(echo "$name" | cut -c1-2 | sed 's/^0//')") ;;
	esac
	cp "$src/variant" "$ex/check.sh" "$v"
	cp "$ex/step" "$v" 2>/dev/null || cp "$ex/exercise" "$v"
	rm -f "$v"/*.log
done
DUET_FLAVOR=lab DUET_STALL=${DUET_STALL:-120} sh "$TOP/scripts/boot.sh" \
	"$TOP/tests/learn-guest.sh" "$tmp/files"
