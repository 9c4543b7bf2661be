#!/bin/sh
# stress.sh - `make stress`: the long sanitizer run on the debug kernel
# (10^6 fuzz operations per device, 500 load/unload cycles, every fault
# sweep), then a table per module. Exits non-zero on any finding. The
# guest output and the table are kept in $DUET_REPORT/stress.txt (default:
# report/ in the checkout).
. "$(dirname "$0")/lib.sh"
dir=${DUET_REPORT:-$TOP/report}
mkdir -p "$dir"
log=$dir/stress.txt
sh "$TOP/scripts/prepare.sh" debug
msg "running the long sanitizer suite on the debug kernel (about 35 minutes under TCG); output in $log"
start=$(date +%s)
set +e
DUET_FLAVOR=debug DUET_CMDLINE=duet.stress=1 DUET_TIMEOUT=${DUET_TIMEOUT:-5400} \
	sh "$TOP/scripts/boot.sh" "$TOP/tests/sanitized.sh" | tee "$log.tmp"
rc=$?
set -e
mv "$log.tmp" "$log"
{
	echo
	echo "# make stress: $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - start)) s, debug kernel under ${DUET_ACCEL:-tcg}, -cpu ${DUET_CPU:-max}"
	awk '
		$1 == "#" && $2 == "stat" && $4 == "leaks" { v[$3, $4] += $5; next }
		$1 == "#" && $2 == "stat" { v[$3, $4] = $5 }
		END {
			fmt = "%-10s %10s %16s %7s %14s %18s %6s %10s\n"
			printf fmt, "module", "fuzz ops", "faults injected", "cycles", "rmmod refused", "sanitizer reports", "leaks", "data lost"
			split("duet_c duet_rust", m, " ")
			for (i = 1; i <= 2; i++)
				printf fmt, m[i], v[m[i], "fuzz_ops"], v[m[i], "faults"], v[m[i], "cycles"], v[m[i], "refused"],
					v["all", "sanitizer_reports"] " (both)", v[m[i], "leaks"] + 0, v[m[i], "data_lost"]
		}' "$log"
	grep -E '^(not )?ok ' "$log" |
		awk '/^ok/ { p++ } /^not ok/ { f++ } END { printf "%d passed, %d failed\n", p, f }'
} | tee -a "$log"
exit "$rc"
