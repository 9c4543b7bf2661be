#!/bin/sh
# learn.sh - host test of the lab's grader (make lab-check): in scratch
# copies of the tree, never the work tree, every step's skeleton as
# shipped must fail its step, and the shipped duet_c and duet_rust must
# fail every chapter's exercise (learn/chNN-*), in C and in Rust; with
# every reference solution (learn/*/solution.patch) applied, every check
# of every step and exercise must pass. One boot each. Prints TAP verdicts.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$top/tests/ktap.sh"
set +e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-learn-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

steps=$(learn_steps all)
chapters=$(lab_exercises all)
# Three results, then two per language for each step and chapter.
ktap_plan $((3 + 4 * $(echo "$steps" "$chapters" | wc -w)))
# grade NAME - make lab-check in the copy $tmp/NAME; its output in NAME.log.
grade() {
	start=$(date +%s)
	make -s -C "$tmp/$1" lab-check >"$tmp/$1.log" 2>&1
	echo $? >"$tmp/$1.rc"
	echo $(($(date +%s) - start)) >"$tmp/$1.secs"
}

scratch_copy "$tmp/skeleton"
grade skeleton
ktap_result "$(if [ "$(cat "$tmp/skeleton.rc")" != 0 ]; then echo 0; else echo 1; fi)" \
	"lab-check: the skeletons and the driver as shipped fail (status $(cat "$tmp/skeleton.rc"), $(cat "$tmp/skeleton.secs") s)" "$tmp/skeleton.log"

scratch_copy "$tmp/solved"
: >"$tmp/patch.log"
for d in $steps $chapters; do
	patch -s -p1 -d "$tmp/solved" <"$d/solution.patch" >>"$tmp/patch.log" 2>&1 ||
		echo "$(basename "$d")/solution.patch does not apply" >>"$tmp/patch.log"
done
ktap_result "$(if [ -s "$tmp/patch.log" ]; then echo 1; else echo 0; fi)" \
	"lab-check: every reference solution applies to its skeleton" "$tmp/patch.log"
grade solved
ktap_result "$(cat "$tmp/solved.rc")" \
	"lab-check: with every reference solution, the grader passes ($(cat "$tmp/solved.secs") s)" "$tmp/solved.log" 40

# verdicts KIND N SHIPPED - for step or chapter N, in C and in Rust: the
# run of the tree as shipped failed some check, the solved run none.
verdicts() {
	for lang in c rust; do
		failed=$(grep -c "^not ok - $1 $2 ($lang): " "$tmp/skeleton.log")
		ktap_result "$(if [ "$failed" -gt 0 ]; then echo 0; else echo 1; fi)" \
			"lab-check $1 $2 ($lang): $3 fails ($failed checks fail)" "$tmp/skeleton.log"
		passed=$(grep -c "^ok - $1 $2 ($lang): " "$tmp/solved.log")
		failed=$(grep -c "^not ok - $1 $2 ($lang): " "$tmp/solved.log")
		ktap_result "$(if [ "$passed" -gt 0 ] && [ "$failed" = 0 ]; then echo 0; else echo 1; fi)" \
			"lab-check $1 $2 ($lang): with the reference solution, it passes ($passed checks pass, $failed fail)" "$tmp/solved.log"
	done
}
for d in $steps; do
	verdicts step "$(basename "$d" | cut -c1-2 | sed 's/^0//')" "the skeleton"
done
for d in $chapters; do
	verdicts chapter "$(basename "$d" | cut -c3-4 | sed 's/^0//')" "the shipped driver"
done
ktap_finished
