#!/bin/sh
# sanitized.sh - guest suite for the debug kernel (KASAN, UBSAN, KFENCE,
# lockdep, kmemleak, fault injection; booted with panic_on_warn=1):
# conformance and KUnit under the sanitizers, fault-injection sweeps, a
# seeded concurrent fuzzer, and load/unload churn racing open files; then
# the log gate. Booted with duet.stress=1 it runs the long version.
# Lines "# stat MODULE KEY VALUE" feed the table of `make stress`.
# The test programs run under duet-watch: the first one that hangs says
# where the kernel is stuck, and the suite stops there.
# Its own results go through the one TAP library (no plan: the programs
# it runs print their own, numbered on their own); those of the programs
# are shown as they printed them.
# shellcheck source=ktap.sh # (guest-image.sh puts it there)
. /usr/share/duet/ktap.sh
fails=0
run() { "$@" || fails=$((fails + 1)); }
# part NAME... - the parts of the suite still to run, in order.
part() { later="$*"; }
# watch SECONDS OUT PROGRAM... - PROGRAM under duet-watch, its output
# added to the file OUT (a file: the guest's devtmpfs has no /dev/stdout,
# and a redirect to that makes a plain file); if it hangs, show OUT, report
# the parts after it as not run and stop the suite.
watch() {
	limit=$1 out=$2
	shift 2
	duet-watch -v -t "$limit" "$@" >>"$out" && return 0
	rc=$?
	[ "$rc" = 124 ] || return "$rc"
	cat "$out"
	for p in $later; do
		ktap_skip "sanitized: $p" "not run: the device is wedged"
	done
	exit 1
}
if grep -q duet.stress=1 /proc/cmdline; then
	ops=1000000 cycles=500
else
	ops=20000 cycles=50
fi
mods=/lib/modules/$(uname -r)/kernel/drivers/misc/duet
duet-sanitizers arm

echo "# conformance and KUnit, both modules, under the sanitizers"
modprobe duet_c max_open=8 && modprobe duet_rust max_open=8 || exit 1
part fuzzer fault-sweeps churn log-gate
: >/tmp/conformance.out
run watch 30 /tmp/conformance.out -k conformance
cat /tmp/conformance.out
# every test of its plan reported (its verdicts are this suite's too)
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' /tmp/conformance.out)
got=$(grep -c '^\(not \)\{0,1\}ok [0-9]' /tmp/conformance.out)
st=1
[ -n "$plan" ] && [ "$got" = "$plan" ] && st=0
ktap_result "$st" "sanitized: the conformance suite reported all of its ${plan:-?} tests ($got)"
run duet-sanitizers leaks "the conformance suite"

echo "# seeded concurrent fuzzer, $ops ops per device"
for dev in duet-c duet-rust; do
	m=$(echo $dev | tr - _)
	modprobe -r duet_rust duet_c
	modprobe "$m" max_open=12 || exit 1
	# (it says how far it got once a minute)
	: >/tmp/fuzz.out
	watch 150 /tmp/fuzz.out fuzz -n $ops /dev/$dev
	cat /tmp/fuzz.out
	grep -q '^ok - fuzz' /tmp/fuzz.out || fails=$((fails + 1))
	echo "# stat $m fuzz_ops $(sed -n 's/^.*, \([0-9]*\) ops,.*/\1/p' /tmp/fuzz.out)"
	echo "# stat $m data_lost $(sed -n 's/^.*checkpoints, \([0-9]*\) violations.*/\1/p' /tmp/fuzz.out)"
done
modprobe -r duet_rust duet_c
run duet-sanitizers leaks "the fuzzer"

echo "# fault injection: the n-th allocation or user copy fails, n = 1, 2, ..."
part fault-sweeps churn log-gate
for m in duet_c duet_rust; do
	dev=/dev/$(echo $m | tr _ -)
	[ $m = duet_rust ] && modprobe duet_c
	: >/tmp/sweep.out
	watch 240 /tmp/sweep.out faultsweep load "$(find "$mods" -name "$m.ko")"
	modprobe $m || exit 1
	for op in open write read resize info stats; do
		watch 240 /tmp/sweep.out faultsweep "$op" "$dev"
	done
	cat /tmp/sweep.out
	echo "# stat $m faults $(sed -n 's/^.*: \([0-9]*\) faults injected.*/\1/p' /tmp/sweep.out |
		awk '{ n += $1 } END { print n + 0 }')"
	grep -q '^not ok' /tmp/sweep.out && fails=$((fails + 1))
	swept=$(grep -c '^ok - faultsweep' /tmp/sweep.out)
	ktap_result "$(ktap_status [ "$swept" = 7 ])" "faultsweep: all 7 sweeps of $m reported success ($swept)"
	modprobe -r duet_rust duet_c
	run duet-sanitizers leaks "the fault sweeps of $m"
done

echo "# load/unload churn, $cycles cycles, racing open/read/write/close"
rm -f /tmp/stop
# race DEV - open, write, ioctl, read and close DEV until /tmp/stop exists.
race() {
	while [ ! -e /tmp/stop ]; do
		# A redirect to a missing node would create a plain file in
		# /dev that hides the next device node: test first, and remove
		# such a file if a lost race left one.
		if [ -c "$1" ]; then
			(echo x >"$1"; holdopen "$1" 1 duetctl "$1" info; cat "$1")
		elif [ -f "$1" ]; then
			rm -f "$1"
		fi >/dev/null 2>&1
	done
}
race /dev/duet-c &
racers=$!
race /dev/duet-rust &
racers="$racers $!"
done_cycles=0
refused_c=0 refused_rust=0
i=0
while [ $i -lt "$cycles" ]; do
	i=$((i + 1))
	modprobe duet_rust 2>/dev/null
	# 0-15 ms for the racers to get a file open, so some rmmods meet one
	usleep $((i % 4 * 5000))
	rmmod duet_rust 2>/dev/null || refused_rust=$((refused_rust + 1))
	rmmod duet_c 2>/dev/null || refused_c=$((refused_c + 1))
	grep -q '^duet_' /proc/modules || done_cycles=$((done_cycles + 1))
done
touch /tmp/stop
# shellcheck disable=SC2086 # two PIDs
wait $racers
modprobe -r duet_rust duet_c 2>/dev/null
rm -f /dev/duet-c /dev/duet-rust 2>/dev/null
modprobe duet_rust
if [ -c /dev/duet-c ] && [ -c /dev/duet-rust ] && duetctl /dev/duet-rust info >/dev/null; then
	ktap_result 0 "churn: both device nodes come back after the churn"
else
	ktap_result 1 "churn: both device nodes come back after the churn"
	find /dev -name 'duet-*' -exec ls -l {} + | sed 's/^/#   /'
fi
modprobe -r duet_rust duet_c
left=$(grep '^duet_' /proc/modules)
st=1
[ "$done_cycles" -gt 0 ] && [ -z "$left" ] && st=0
ktap_result "$st" "churn: $cycles load/unload cycles ($done_cycles fully unloaded, rmmod refused while in use: duet_rust $refused_rust, duet_c $refused_c)${left:+; modules left: $left}"
echo "# stat duet_c cycles $cycles"
echo "# stat duet_rust cycles $cycles"
echo "# stat duet_c refused $refused_c"
echo "# stat duet_rust refused $refused_rust"
run duet-sanitizers leaks "the load/unload churn"

run duet-sanitizers gate
echo "# stat all sanitizer_reports $(dmesg | grep -c -E 'BUG|WARNING|KASAN|UBSAN|circular locking|inconsistent lock state|Oops')"
[ "$fails" = 0 ] && [ "$KTAP_CNT_FAIL" = 0 ]
