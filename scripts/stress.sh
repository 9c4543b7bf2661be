#!/bin/sh
# stress.sh - `make stress`: the long sanitizer run on the debug kernel
# (10^6 fuzz operations per device, 500 load/unload cycles, every fault
# sweep), then a table per module (the "Reliability" section of `make
# report`, from compare/report.py). Exits non-zero on any finding. The
# guest output is kept in $DUET_REPORT/stress.txt (default: report/ in
# the checkout).
. "$(dirname "$0")/lib.sh"
x86_only "make stress"
dir=${DUET_REPORT:-$TOP/report}
mkdir -p "$dir"
log=$dir/stress.txt
sh "$TOP/scripts/prepare.sh" debug
msg "running the long sanitizer suite on the debug kernel (about 35 minutes under TCG); output in $log"
start=$(date +%s)
# The status is the guest's (boot.sh's), not tee's.
{
	# (the long fuzz and churn runs are quiet for minutes: no stall limit
	# for the whole script; its test programs have their own)
	DUET_FLAVOR=debug DUET_CMDLINE=duet.stress=1 DUET_TIMEOUT=${DUET_TIMEOUT:-5400} DUET_STALL=${DUET_STALL:-0} \
		sh "$TOP/scripts/boot.sh" "$TOP/tests/sanitized.sh" && rc=0 || rc=$?
	echo "$rc" >"$log.rc"
} | tee "$log.tmp"
rc=$(cat "$log.rc")
rm -f "$log.rc"
mv "$log.tmp" "$log"
echo "# make stress: $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - start)) s, debug kernel under ${DUET_ACCEL:-tcg}, -cpu ${DUET_CPU:-max}" >>"$log"
# The table per module, as the report's reliability section shows it.
echo
# shellcheck disable=SC2016 # expanded inside the toolchain root
in_root "$(kernel_dir debug)" sh -c 'exec python3 "$DUET_SRC/compare/report.py" --reliability -' <"$log"
# The differential tester's long run: 10^7 operations, on the lab kernel.
sh "$TOP/scripts/prepare.sh" lab
msg "the differential tester: 10^7 operations on the lab kernel (about 2 hours under TCG); output in $dir/difftest-stress.txt"
DUET_TIMEOUT=${DUET_DIFFTEST_TIMEOUT:-14400} DUET_DIFFTEST_OUT=$dir/difftest-stress.txt \
	sh "$TOP/scripts/difftest.sh" --stress lab || rc=1
if [ "$rc" = 0 ]; then msg "make stress passed"; else msg "make stress FAILED (status $rc): see $log"; fi
exit "$rc"
