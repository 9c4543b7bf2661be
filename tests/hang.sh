#!/bin/sh
# hang.sh [FLAVOR...] - host test of a hang: the planted deadlock of
# bugs/sleep-with-lock (duet_c's read waits for data with the lock
# still held, so the next writer blocks forever), built in a scratch copy
# of the tree and run against the conformance suite, on each flavor
# (default: lab debug). The suite must fail within 3 minutes, show the
# stack of a task stuck in duet code, and stop after the hung test; on the
# debug kernel, lockdep must also name duet_read (or duet_read_iter, for
# readv()), where the lock that
# was never released was taken.
# The checkout's own modules are untouched (its next run rebuilds them:
# tests/cache.sh). Prints TAP verdicts.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$top/tests/ktap.sh"
set +e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-hang.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
limit=180

[ $# -gt 0 ] || set -- lab debug
# Five results per flavor, and lockdep's on the debug kernel.
results=$((5 * $#))
case " $* " in *" debug "*) results=$((results + 1)) ;; esac
ktap_plan $results
for flavor in "$@"; do
	scratch_copy "$tmp/copy"
	patch -s -p1 -d "$tmp/copy" <"$top/bugs/sleep-with-lock/c.patch" >"$tmp/build.log" 2>&1 &&
		make -s -C "$tmp/copy" kernel DUET_FLAVOR="$flavor" >>"$tmp/build.log" 2>&1
	ktap_result $? "hang ($flavor): the planted deadlock builds in a scratch copy" "$tmp/build.log"

	start=$(date +%s)
	DUET_FLAVOR=$flavor sh "$tmp/copy/scripts/boot.sh" "$tmp/copy/tests/conformance.sh" \
		>"$tmp/run.log" 2>&1
	rc=$? secs=$(($(date +%s) - start))
	# shellcheck disable=SC2016 # a grep pattern
	hung=$(grep -c '^not ok [0-9]* duet\.c\.[a-z_]* # hung' "$tmp/run.log")
	ktap_result "$(if [ "$rc" != 0 ] && [ "$hung" = 1 ]; then echo 0; else echo 1; fi)" \
		"hang ($flavor): the conformance suite fails on it, one test reported hung (status $rc, $hung hung)" "$tmp/run.log"
	# (Only a verdict of hung counts: a boot that failed at once is no verdict.)
	ktap_result "$(if [ "$hung" = 1 ] && [ "$secs" -le "$limit" ]; then echo 0; else echo 1; fi)" \
		"hang ($flavor): the hung verdict comes within $limit s of the boot ($secs s)" "$tmp/run.log"
	stuck=$(sed -n 's/^#   stuck in: \(duet_[a-z_]* -> [a-z_]*\).*/\1/p' "$tmp/run.log" | sort -u | tr '\n' ' ')
	ktap_result "$(ktap_status [ -n "$stuck" ])" \
		"hang ($flavor): the stack of a task blocked in duet code is shown (stuck in: ${stuck:-nothing})" "$tmp/run.log"
	if [ "$flavor" = debug ]; then
		grep -q '^#   \(log\|lockdep\): .*duet_read\(_iter\)\{0,1\}+' "$tmp/run.log"
		ktap_result $? \
			"hang ($flavor): lockdep's report names duet_read, where the lock was taken" "$tmp/run.log"
	fi
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tmp/run.log")
	last=$(grep -c '^\(not \)\{0,1\}ok [0-9]' "$tmp/run.log")
	skipped=$(grep -c '^ok [0-9]* .* # SKIP not run: the device is wedged' "$tmp/run.log")
	ktap_result "$(if [ "$skipped" -gt 0 ] && [ "$last" = "${plan:-none}" ]; then echo 0; else echo 1; fi)" \
		"hang ($flavor): the suite stops there: the $skipped tests after it are reported as not run ($last of ${plan:-?} reported)" "$tmp/run.log"
done
ktap_finished
