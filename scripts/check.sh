#!/bin/sh
# check.sh - the test command (`make check`): builds what is missing, then
# runs every suite, prints each verdict (TAP) as it comes, and ends with
# "N passed, N failed, N skipped". Exits non-zero on any failure.
# It tests both guests, x86_64 and arm64 (its suites after the x86_64
# lab and debug kernels'), whatever DUET_ARCH says.
DUET_ARCH=x86_64
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d "${TMPDIR:-/tmp}/duet-check.XXXXXX")
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM
results=$out/results

# verdict STATUS DESCRIPTION - record one host-side verdict (0 = ok).
verdict() {
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi | tee -a "$results"
}
# suite NAME COMMAND... - run COMMAND, keep its TAP lines; its exit status
# must agree with its verdicts (a suite that dies early fails here). A
# NAME of ARCH-SUITE (arm64-lifecycle) puts "ARCH: " before each of its
# verdicts' descriptions.
suite() {
	name=$1
	shift
	case $name in arm64-*) tag="${name%%-*}: " ;; *) tag= ;; esac
	printf '# suite: %s\n' "$name"
	{
		if "$@"; then
			echo 0 >"$out/$name.rc"
		else
			echo $? >"$out/$name.rc"
		fi
	} | sed -u "s/^\(\(not \)\{0,1\}ok [0-9]* *\(- \)\{0,1\}\)/\1$tag/" | tee "$out/$name.log"
	rc=$(cat "$out/$name.rc")
	grep -E '^(not )?ok ' "$out/$name.log" | sed 's/\r$//' >>"$results"
	if grep -q '^not ok ' "$out/$name.log"; then expect=1; else expect=0; fi
	[ "$rc" != 0 ] && rc=1
	verdict $((rc != expect)) "$name: the suite's exit status agrees with its verdicts"
}
# boot FLAVOR CMDLINE SCRIPT - boot the FLAVOR kernel with CMDLINE added
# and run the guest SCRIPT (on $arch, x86_64 unless set).
boot() {
	DUET_ARCH=${arch:-x86_64} DUET_FLAVOR=$1 DUET_CMDLINE=$2 DUET_TIMEOUT=${DUET_TIMEOUT:-900} \
		sh "$TOP/scripts/boot.sh" "$3"
}

sh "$TOP/scripts/deps.sh" check
for flavor in lab debug; do
	if ! sh "$TOP/scripts/prepare.sh" $flavor; then
		verdict 1 "set-up of the $flavor kernel: toolchain, kernel, modules and guest image"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
: >"$results"

printf '# suite: gates\n'
root_script "$(kernel_dir lab)" gates.sh | tee -a "$results"

suite lifecycle boot lab "" "$TOP/tests/lifecycle.sh"
suite conformance boot lab "" "$TOP/tests/conformance.sh"
suite conformance32 boot lab "" "$TOP/tests/conformance32.sh"
suite kunit sh "$TOP/tests/kunit.sh"
suite sanitized boot debug "" "$TOP/tests/sanitized.sh"

# The same suites on an arm64 guest (qemu-system-aarch64 -M virt), and
# the demo: its kernel and modules are cross-built by the same clang and
# rustc (README, "arm64"). If the set-up fails, they are not run.
arch=arm64
printf '# suite: arm64 (the set-up, the demo)\n'
if DUET_ARCH=arm64 sh "$TOP/scripts/prepare.sh" lab; then
	verdict 0 "set-up of the arm64 lab kernel: kernel, modules and guest image"
	rc=0
	boot lab "" "$TOP/guest/demo.sh" >"$out/arm64-demo.log" 2>&1 || rc=$?
	verdict "$(grep -q '^duet demo on Linux .* (aarch64)' "$out/arm64-demo.log" &&
		grep -q '^duet_rust ' "$out/arm64-demo.log" && grep -q '^demo done' "$out/arm64-demo.log"; echo $((rc + $?)))" \
		"arm64: make demo boots the arm64 kernel (aarch64), loads both modules and unloads them (status $rc)"
	[ "$rc" = 0 ] || tail -n 20 "$out/arm64-demo.log" | sed 's/^/#   /'
	suite arm64-lifecycle boot lab "" "$TOP/tests/lifecycle.sh"
	suite arm64-conformance boot lab "" "$TOP/tests/conformance.sh"
	suite arm64-conformance32 boot lab "" "$TOP/tests/conformance32.sh"
	suite arm64-kunit env DUET_ARCH=arm64 sh "$TOP/tests/kunit.sh"
else
	verdict 1 "set-up of the arm64 lab kernel: kernel, modules and guest image (the arm64 suites are not run)"
fi
arch=

printf '# suite: report (a quick bench, the report, the page in Chromium, the cost gate)\n'
smoke=$(kernel_dir lab)/report-smoke
rm -rf "$smoke"
if DUET_REPORT=$smoke sh "$TOP/scripts/bench.sh" --quick &&
	DUET_REPORT=$smoke sh "$TOP/scripts/report.sh"; then
	verdict 0 "report: make bench and make report produce report.md, .html and .json"
	sh "$TOP/tests/report-page.sh" "$smoke/report.html" | tee -a "$results"
	verdict "$(grep -q '"ratios_rust_over_c": \[$' "$smoke/report.json" && grep -q '"ratio":' "$smoke/report.json"; echo $?)" \
		"report: report.json has the Rust/C ratios and the raw figures"
	sh "$TOP/tests/cost.sh" "$smoke" | tee -a "$results"
else
	verdict 1 "report: make bench and make report produce report.md, .html and .json"
fi

printf '# suite: lab guide\n'
sh "$TOP/scripts/lab-guide.sh" --check | tee -a "$results"
suite lab sh "$TOP/scripts/lab.sh" --check
printf '# suite: lab-check (the hands-on steps: skeletons fail, reference solutions pass)\n'
sh "$TOP/tests/learn.sh" | tee -a "$results"

printf '# suite: bugs (the break-it catalogue: the Rust mutations rustc must reject, C mutations the debug kernel must catch)\n'
sh "$TOP/tests/bugs.sh" "$smoke" | tee -a "$results"

printf '# suite: talk (make talk in tmux)\n'
DUET_REPORT=$smoke sh "$TOP/tests/talk-screen.sh" "${DUET_TALK_SCREENS:-/dev/null}" | tee -a "$results"

printf '# suite: hang (a planted deadlock, built in a scratch copy)\n'
sh "$TOP/tests/hang.sh" | tee -a "$results"

printf '# suite: cache (another copy of the tree builds in between)\n'
sh "$TOP/tests/cache.sh" | tee -a "$results"

printf '# suite: unprivileged (make demo and the conformance suite as a user without root)\n'
sh "$TOP/tests/unprivileged.sh" | tee -a "$results"

printf '# suite: harness\n'
sh "$TOP/tests/harness.sh" | tee -a "$results"

skipped=$(grep -c '^ok .*# SKIP' "$results" || true)
passed=$(($(grep -c '^ok ' "$results" || true) - skipped))
failed=$(grep -c '^not ok ' "$results" || true)
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
