#!/bin/sh
# check.sh - the test command (`make check`): builds what is missing, then
# runs every suite, prints each verdict (TAP) as it comes, and ends with
# "N passed, N failed". Exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d "${TMPDIR:-/tmp}/duet-check.XXXXXX")
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM
results=$out/results

# verdict OK DESCRIPTION - record one host-side verdict.
verdict() {
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi | tee -a "$results"
}
# guest_suite NAME SCRIPT [CMDLINE] - boot (adding CMDLINE to the kernel
# command line), run SCRIPT, keep its TAP lines; the suite's exit status
# must agree with its verdicts.
guest_suite() {
	printf '# suite: %s\n' "$1"
	{
		if DUET_CMDLINE=${3:-} DUET_TIMEOUT=${DUET_TIMEOUT:-300} \
			sh "$TOP/scripts/boot.sh" "$2"; then
			echo 0 >"$out/$1.rc"
		else
			echo $? >"$out/$1.rc"
		fi
	} | tee "$out/$1.log"
	rc=$(cat "$out/$1.rc")
	grep -E '^(not )?ok ' "$out/$1.log" | sed 's/\r$//' >>"$results"
	if grep -q '^not ok ' "$out/$1.log"; then expect=1; else expect=0; fi
	[ "$rc" != 0 ] && rc=1
	verdict $((rc != expect)) "$1: the guest reported the status its verdicts imply"
}

if ! sh "$TOP/scripts/prepare.sh" lab; then
	verdict 1 "set-up: toolchain, kernel, modules and guest image"
	echo "0 passed, 1 failed"
	exit 1
fi
: >"$results"

printf '# suite: gates\n'
root_script "$(kernel_dir lab)" gates.sh | tee -a "$results"

guest_suite lifecycle "$TOP/tests/lifecycle.sh"
guest_suite conformance "$TOP/tests/conformance.sh"
guest_suite kunit "$TOP/tests/kunit.sh" kunit.enable=1

printf '# suite: harness\n'
sh "$TOP/tests/harness.sh" | tee -a "$results"

skipped=$(grep -c '^ok .*# SKIP' "$results" || true)
passed=$(($(grep -c '^ok ' "$results" || true) - skipped))
failed=$(grep -c '^not ok ' "$results" || true)
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
