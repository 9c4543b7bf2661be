#!/bin/sh
# check.sh - the test command: `make check` runs every suite, `make check
# SUITE=name[,name]` the chosen ones, `make check LIST=1` lists them, and
# `make check-quick` the ones to run after every edit. Each suite builds
# what it needs first (a kernel flavor is prepared once, when the first
# suite that needs it runs), prints its TAP verdicts as they come, and
# must exit with a status that agrees with them. The suites that only
# boot (LANE2, below) run in a second lane beside the others, and their
# TAP is shown after the others'. The end: the wall-clock and CPU time of
# each part, slowest first, and "N passed, N failed, N skipped"; non-zero
# exit on any failure.
# The suites test both guests, x86_64 and arm64 (the arm64-* suites),
# whatever DUET_ARCH says.
DUET_ARCH=x86_64
. "$(dirname "$0")/lib.sh"
# Every status is looked at here: a failing command must not end the run.
set +e

# The suites, in the order `make check` runs them: NAME, the kernels it
# needs (x86_64 flavors, or arm64), and what it checks. Those of the lab
# kernel alone come first: they run while the debug and arm64 kernels
# build.
suites() {
	cat <<'EOF'
gates		lab	checkpatch, kernel-doc, rustfmt, Clippy, shellcheck, the lab's solutions
lifecycle	lab	loading, dependencies, params and unloading of both modules
conformance	lab	the ABI, on both devices, from a 64-bit program
conformance32	lab	the same from a 32-bit program (compat_ioctl)
kunit		lab	the KUnit suites of both modules, read by kunit.py
difftest	lab	the differential tester: the same calls to both devices (bounded run)
difftest-quick	lab	the differential tester, short run (make check-quick only)
difftest-plants	lab	three planted one-line changes, each caught and shrunk by the tester
report		lab	a quick bench, the report in Chromium, the cost gate
lab-guide	-	the rendered lab guide is up to date with the sources
differences	-	docs/differences.md lists the differences the tester allows
lab-check	lab	the hands-on lab's grader: skeletons fail, solutions pass
unprivileged	lab	make demo and conformance as a user without root
harness		lab	make run: exit status, files, stalls
lab		lab,debug	every lab chapter (14 on the debug kernel) and exercise solution
sanitized	debug	conformance, KUnit, fuzzer, fault sweeps, churn under KASAN, lockdep, kmemleak
difftest-debug	debug	the differential tester, short run, under the sanitizers
bugs		lab,debug	the break-it catalogue's bounded part
talk		lab	make talk under tmux (after bugs: it shows one of its cases)
hang		lab,debug	a planted deadlock fails fast and says where
cache		lab,debug	another copy of the tree builds in between
arm64		arm64	make demo on the arm64 guest
arm64-lifecycle	arm64	lifecycle on arm64
arm64-conformance	arm64	conformance on arm64
arm64-conformance32	arm64	conformance as an armhf (AArch32) program
arm64-kunit	arm64	KUnit on arm64
EOF
}
# What make check-quick runs: about 3 minutes on a warm cache.
QUICK=gates,lifecycle,conformance,kunit,difftest-quick,differences
# The suites of the second lane: they only boot this checkout's own
# kernels and images, build nothing and write nothing that another suite
# reads, so they run beside the others (each when its kernel is ready),
# one after another, with the cores the other lane leaves idle while its
# guests wait (DUET_CHECK_LANES=0: all in one lane, in the order above).
# The debug kernel's and arm64's: no other suite builds on arm64's, and
# the debug image they boot is kept by boot.sh's touch.
LANE2="sanitized difftest-debug arm64 arm64-lifecycle arm64-conformance arm64-conformance32 arm64-kunit"

if [ "${LIST:-}" = 1 ]; then
	suites | awk -F '\t+' '{ printf "%-20s %-10s %s\n", $1, $2, $3 }'
	echo "make check-quick runs: $QUICK"
	echo "in a second lane, beside the others: $LANE2"
	exit 0
fi
selected=$(suites | cut -f1 | grep -vx difftest-quick)
if [ -n "${SUITE:-}" ]; then
	selected=$(echo "$SUITE" | tr ',' '\n')
	for s in $selected; do
		suites | cut -f1 | grep -qx -- "$s" ||
			die "SUITE=$SUITE: there is no suite '$s'; 'make check LIST=1' lists them"
	done
	# In make check's order, whatever the order given.
	selected=$(suites | cut -f1 | grep -Fx "$selected")
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/duet-check.XXXXXX")
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM
results=$out/results
: >"$results"
: >"$out/times"

# cpu_seconds FILE - write to FILE the CPU time, user and system, in
# whole seconds, of this shell's children that have ended (the second
# line of `times`): a part that used less of it than its wall time waited
# (for a guest's timeout, say) and left a core to the kernel being built
# beside it. (`times` counts the children of the shell it runs in: a
# forked shell, such as a $(...), starts from zero, so it runs in the
# shell that ran the part.)
cpu_seconds() {
	times >"$1"
	sed -n '2{s/m/ /g; s/s//g; p;}' "$1" | awk '{ printf "%d\n", $1 * 60 + $2 + $3 * 60 + $4 }' >"$1.s"
	mv "$1.s" "$1"
}
# own_result STATUS DESCRIPTION - one result of check.sh itself (the
# set-up of a kernel, a suite's exit status), numbered by the one TAP
# library among the suites' own (each lane numbers its own: $own is the
# lane's file).
. "$TOP/tests/ktap.sh"
own=$out/own
own_result() {
	ktap_result "$1" "$2" >"$own"
	tee -a "$results" <"$own"
}
# boot FLAVOR CMDLINE SCRIPT - boot the FLAVOR kernel with CMDLINE added
# and run the guest SCRIPT (on $arch, x86_64 unless set).
boot() {
	DUET_ARCH=${arch:-x86_64} DUET_FLAVOR=$1 DUET_CMDLINE=$2 DUET_TIMEOUT=${DUET_TIMEOUT:-900} \
		sh "$TOP/scripts/boot.sh" "$3"
}
# prepare KERNEL - set up KERNEL (lab, debug: x86_64 flavors; arm64: the
# arm64 lab kernel): toolchain root, kernel, modules, guest image. Its
# status goes to $out/built-KERNEL, its messages to $out/prepare-KERNEL.log.
prepare() {
	_start=$(date +%s)
	cpu_seconds "$out/cpu-$1"
	case $1 in
	arm64) DUET_ARCH=arm64 sh "$TOP/scripts/prepare.sh" lab ;;
	*) sh "$TOP/scripts/prepare.sh" "$1" ;;
	esac >"$out/prepare-$1.log" 2>&1
	_rc=$?
	[ "$_rc" = 0 ] || msg "the $1 kernel's set-up failed (status $_rc)"
	_cpu=$(cat "$out/cpu-$1")
	cpu_seconds "$out/cpu-$1"
	printf '%s\t%s\tset-up of the %s kernel\n' "$(($(date +%s) - _start))" \
		"$(($(cat "$out/cpu-$1") - _cpu))" "$1" >>"$out/times"
	echo "$_rc" >"$out/built-$1"
}
# ready KERNEL - wait until KERNEL is set up (by the builder, below);
# the first time in either lane, say how that went; false if it failed.
ready() {
	[ "$1" != - ] || return 0
	[ ! -f "$out/ready-$1" ] || return "$(cat "$out/ready-$1")"
	[ -f "$out/built-$1" ] || msg "waiting for the $1 kernel's set-up (log: $out/prepare-$1.log)"
	_n=0
	while [ ! -f "$out/built-$1" ]; do
		sleep 2
		_n=$((_n + 1))
		# Every 30 s, where it is (the build's percentage, say).
		[ $((_n % 15)) != 0 ] || msg "$1 kernel: $(tail -n 1 "$out/prepare-$1.log" 2>/dev/null | sed 's/^duet: *//')"
	done
	_rc=$(cat "$out/built-$1")
	[ "$_rc" = 0 ] || _rc=1
	# (mkdir: one lane only says it)
	if mkdir "$out/said-$1" 2>/dev/null; then
		[ "$_rc" = 0 ] || tail -n 20 "$out/prepare-$1.log" | sed 's/^/#   /'
		own_result "$_rc" "set-up of the $1 kernel: toolchain, kernel, modules and guest image"
	fi
	echo "$_rc" >"$out/ready-$1"
	return "$_rc"
}

# The suites' commands: run_NAME prints TAP and exits non-zero on a
# failure. Each runs in a subshell of its own (suite's pipeline), so what
# it sets (arch, the ktap.sh counters) does not outlive it.
run_gates() { root_script "$(kernel_dir lab)" gates.sh; }
run_lifecycle() { boot lab "" "$TOP/tests/lifecycle.sh"; }
run_conformance() { boot lab "" "$TOP/tests/conformance.sh"; }
run_conformance32() { boot lab "" "$TOP/tests/conformance32.sh"; }
run_kunit() { sh "$TOP/tests/kunit.sh"; }
run_difftest() { DUET_DIFFTEST_OUT=$(smoke)/difftest.txt sh "$TOP/scripts/difftest.sh" --check lab; }
run_difftest_plants() { sh "$TOP/tests/difftest-plants.sh"; }
run_difftest_quick() { sh "$TOP/scripts/difftest.sh" --quick lab; }
run_sanitized() { boot debug "" "$TOP/tests/sanitized.sh"; }
run_difftest_debug() { sh "$TOP/scripts/difftest.sh" --quick debug; }
# The arm64 guest (qemu-system-aarch64 -M virt): kernel and modules
# cross-built by the same clang and rustc (README, "arm64").
run_arm64() (
	# (a subshell: ktap_finished exits)
	. "$TOP/tests/ktap.sh"
	ktap_plan 1
	arch=arm64
	boot lab "" "$TOP/guest/demo.sh" >"$out/arm64-demo.log" 2>&1
	rc=$?
	grep -q '^duet demo on Linux .* (aarch64)' "$out/arm64-demo.log" &&
		grep -q '^duet_rust ' "$out/arm64-demo.log" && grep -q '^demo done' "$out/arm64-demo.log"
	ktap_result "$(($? + rc))" \
		"make demo boots the arm64 kernel (aarch64), loads both modules and unloads them (status $rc)" \
		"$out/arm64-demo.log"
	ktap_finished
)
run_arm64_lifecycle() { arch=arm64; boot lab "" "$TOP/tests/lifecycle.sh"; }
run_arm64_conformance() { arch=arm64; boot lab "" "$TOP/tests/conformance.sh"; }
run_arm64_conformance32() { arch=arm64; boot lab "" "$TOP/tests/conformance32.sh"; }
run_arm64_kunit() { DUET_ARCH=arm64 sh "$TOP/tests/kunit.sh"; }
# A quick bench and the report (kept for the talk suite in the cache),
# the page in Chromium, the cost gate.
# smoke - where they are kept: in the lab kernel's work directory, whose
# name is known once the toolchain root is there (a suite's kernels are set
# up before it runs).
smoke() { echo "$(kernel_dir lab)/report-smoke"; }
run_report() {
	smoke=$(smoke)
	# (the difftest suite's output, for the report's "Same answers", stays)
	[ ! -f "$smoke/difftest.txt" ] || mv "$smoke/difftest.txt" "$out/"
	rm -rf "$smoke"
	mkdir -p "$smoke"
	[ ! -f "$out/difftest.txt" ] || mv "$out/difftest.txt" "$smoke/"
	(
		. "$TOP/tests/ktap.sh"
		KTAP_PREFIX="report: "
		ktap_plan 2
		DUET_REPORT=$smoke sh "$TOP/scripts/bench.sh" --quick >"$out/bench.log" 2>&1 &&
			DUET_REPORT=$smoke sh "$TOP/scripts/report.sh" >>"$out/bench.log" 2>&1
		ktap_result $? "make bench and make report produce report.md, .html and .json" "$out/bench.log"
		grep -q '"ratios_rust_over_c": \[$' "$smoke/report.json" && grep -q '"ratio":' "$smoke/report.json"
		ktap_result $? "report.json has the Rust/C ratios and the raw figures"
		ktap_finished
	) || return 1
	rc=0
	sh "$TOP/tests/report-page.sh" "$smoke/report.html" || rc=1
	sh "$TOP/tests/cost.sh" "$smoke" || rc=1
	return "$rc"
}
run_lab_guide() { sh "$TOP/scripts/lab-guide.sh" --check; }
run_differences() { sh "$TOP/tests/differences.sh"; }
run_lab() { sh "$TOP/scripts/lab.sh" --check; }
run_lab_check() { sh "$TOP/tests/learn.sh"; }
run_bugs() { mkdir -p "$(smoke)" && sh "$TOP/tests/break-it.sh" "$(smoke)"; }
run_talk() { DUET_REPORT=$(smoke) sh "$TOP/tests/talk-screen.sh" "${DUET_TALK_SCREENS:-/dev/null}"; }
run_hang() { sh "$TOP/tests/hang.sh"; }
run_cache() { sh "$TOP/tests/cache.sh"; }
run_unprivileged() { sh "$TOP/tests/unprivileged.sh"; }
run_harness() { sh "$TOP/tests/harness.sh"; }

# suite NAME - set up the kernels NAME needs, run it, keep its TAP lines;
# its exit status must agree with its verdicts (a suite that dies early,
# or ends short of its plan, fails here). An arm64-* suite's verdicts get
# "arm64: " before their descriptions.
suite() {
	name=$1
	printf '# suite: %s\n' "$name"
	for k in $(suites | awk -F '\t+' -v n="$name" '$1 == n { print $2 }' | tr ',' ' '); do
		ready "$k" || { own_result 1 "$name: not run, the $k kernel's set-up failed"; return; }
	done
	case $name in arm64-*) tag="arm64: " ;; *) tag= ;; esac
	start=$(date +%s)
	{
		if "run_$(echo "$name" | tr - _)"; then
			echo 0 >"$out/$name.rc"
		else
			echo $? >"$out/$name.rc"
		fi
		cpu_seconds "$out/$name.cpu"
	} 2>&1 | sed -u "s/^\(\(not \)\{0,1\}ok [0-9]* *\(- \)\{0,1\}\)/\1$tag/" | tee "$out/$name.log"
	echo $(($(date +%s) - start)) >"$out/$name.wall"
	printf '%s\t%s\t%s\n' "$(cat "$out/$name.wall")" "$(cat "$out/$name.cpu")" "$name" >>"$out/times"
	rc=$(cat "$out/$name.rc")
	grep -E '^(not )?ok ' "$out/$name.log" | sed 's/\r$//' >>"$results"
	if grep -q '^not ok ' "$out/$name.log"; then expect=1; else expect=0; fi
	[ "$rc" != 0 ] && rc=1
	own_result $((rc != expect)) "$name: the suite's exit status ($rc) agrees with its verdicts"
}

sh "$TOP/scripts/deps.sh" check
began=$(date +%s)
# The builder: the kernels the chosen suites need, in the order they are
# first needed, one after the other, in the background; the suites of
# one kernel run while the next one builds (DUET_CHECK_OVERLAP=0: each is
# built when its first suite needs it, with nothing else running).
kernels=$(for s in $selected; do suites | awk -F '\t+' -v n="$s" '$1 == n { print $2 }'; done |
	tr ',' '\n' | grep -vx -- - | awk '!seen[$0]++')
if [ "${DUET_CHECK_OVERLAP:-1}" = 1 ]; then
	(for k in $kernels; do prepare "$k"; done) &
	builder=$!
	trap 'kill "$builder" 2>/dev/null; rm -rf "$out"' EXIT
fi
# The lanes: the second lane's suites (LANE2) in a background shell of
# their own, whose TAP goes to a file that is shown at the end; a line
# on standard error says when each of its suites ends, and how.
lane1=$selected lane2=
if [ "${DUET_CHECK_OVERLAP:-1}" = 1 ] && [ "${DUET_CHECK_LANES:-1}" = 1 ]; then
	lane1=$(echo "$selected" | grep -vxF "$(echo "$LANE2" | tr ' ' '\n')")
	lane2=$(echo "$selected" | grep -xF "$(echo "$LANE2" | tr ' ' '\n')")
fi
if [ -n "$lane2" ]; then
	(
		own=$out/own2
		for s in $lane2; do
			suite "$s"
			msg "second lane: $s done: $(grep -c '^ok ' "$out/$s.log") ok, $(grep -c '^not ok ' "$out/$s.log") not ok, $(cat "$out/$s.wall") s (its TAP is shown at the end)" 2>&3
		done
		: >"$out/lane2.done"
	) 3>&2 >"$out/lane2.log" 2>&1 &
	lane=$!
	trap 'kill ${builder:+"$builder"} "$lane" 2>/dev/null; rm -rf "$out"' EXIT
	msg "in a second lane, beside the others: $(echo "$lane2" | tr '\n' ' ')"
fi
for s in $lane1; do
	if [ "${DUET_CHECK_OVERLAP:-1}" != 1 ]; then
		for k in $(suites | awk -F '\t+' -v n="$s" '$1 == n { print $2 }' | tr ',' ' '); do
			[ "$k" = - ] || [ -f "$out/built-$k" ] || prepare "$k"
		done
	fi
	suite "$s"
done
if [ -n "$lane2" ]; then
	[ -f "$out/lane2.done" ] || msg "waiting for the second lane: $(grep '^# suite: ' "$out/lane2.log" | tail -n 1 | sed 's/^# suite: //')"
	wait "$lane"
	echo "# the second lane's suites:"
	cat "$out/lane2.log"
fi
[ -z "${builder:-}" ] || wait "$builder" 2>/dev/null

cpu_seconds "$out/cpu"
echo "# time of each part, slowest first: wall-clock and CPU seconds ($(($(date +%s) - began)) and $(cat "$out/cpu") in all, on $(nproc) CPUs):"
sort -rn "$out/times" | sed 's/^/#   /'
skipped=$(grep -c '^ok .*# SKIP' "$results" || true)
passed=$(($(grep -c '^ok ' "$results" || true) - skipped))
failed=$(grep -c '^not ok ' "$results" || true)
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
