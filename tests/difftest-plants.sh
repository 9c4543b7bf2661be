#!/bin/sh
# difftest-plants.sh [PLANT.patch...] - host test of the differential
# tester: does it catch what it should? Each plant of tests/difftest/plants/
# (default: all) is a one-line change of behaviour in one module only. It
# is applied to a scratch copy of the tree, built into the shared cache
# (only the changed modules are rebuilt: tests/hang.sh does the same), and
# the tester runs against it on the lab kernel with the arguments of the
# plant's "difftest-args:" line. A plant is caught when the run fails with
# a divergence, a reproducer, and the reproducer's replay still diverges.
# The checkout's own modules are untouched (its next run rebuilds them).
# Prints TAP, and under each plant the tester's report of it ("#   ").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$top/tests/ktap.sh"
set +e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-plants.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
KTAP_PREFIX="difftest plants: "

[ $# -gt 0 ] || set -- "$top"/tests/difftest/plants/*.patch
ktap_plan $(($# * 2))
for plant in "$@"; do
	name=$(basename "$plant" .patch)
	args=$(sed -n 's/^difftest-args: *//p' "$plant" | head -n 1)
	scratch_copy "$tmp/copy"
	{
		patch -p1 -d "$tmp/copy" <"$plant" &&
			make -s -C "$tmp/copy" kernel DUET_FLAVOR=lab
	} >"$tmp/build.log" 2>&1
	built=$?
	ktap_result "$built" "$name: applies and builds in a scratch copy" "$tmp/build.log"
	if [ "$built" != 0 ]; then
		ktap_result 1 "$name: the tester reports it (not run: no build)"
		continue
	fi
	rm -rf "$tmp/files"
	mkdir -p "$tmp/files"
	cp "$top/tests/difftest-allowed.txt" "$tmp/files/"
	printf '%s\n' "$args" >"$tmp/files/difftest.args"
	start=$(date +%s)
	DUET_FLAVOR=lab sh "$tmp/copy/scripts/boot.sh" "$tmp/copy/tests/difftest-guest.sh" \
		"$tmp/files" >"$tmp/run.log" 2>&1
	rc=$? secs=$(($(date +%s) - start))
	key=$(sed -n 's/^#   first difference: \([^:]*\):.*/\1/p' "$tmp/run.log" | head -n 1)
	# The divergence, its reproducer, and the reproducer's replay diverging.
	caught=1
	if [ "$rc" != 0 ] && grep -q '^# divergence: ' "$tmp/run.log" &&
		grep -q '^# reproducer' "$tmp/run.log" &&
		sed -n "/^# the reproducer's last step:/,\$p" "$tmp/run.log" |
		grep -q '^#   first difference: '; then
		caught=0
	fi
	ktap_result "$caught" "$name: a divergence in ${key:-nothing}, shrunk to a reproducer (difftest $args; status $rc, $secs s)" \
		"$tmp/run.log" 40
	# The evidence, for the note and the report.
	sed -n '/^# divergence: /,/^\(not \)\{0,1\}ok /p' "$tmp/run.log" | sed 's/^/#   /'
done
ktap_finished
