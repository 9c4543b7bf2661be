#!/bin/sh
# stress.sh - `make stress`: the long sanitizer run on the debug kernel
# (10^6 fuzz operations per device, 500 load/unload cycles, every fault
# sweep), then a table per module. Exits non-zero on any finding.
. "$(dirname "$0")/lib.sh"
sh "$TOP/scripts/prepare.sh" debug
log=$(mktemp "${TMPDIR:-/tmp}/duet-stress.XXXXXX")
trap 'rm -f "$log"' EXIT
msg "running the long sanitizer suite on the debug kernel (this takes a while)"
set +e
DUET_FLAVOR=debug DUET_CMDLINE=duet.stress=1 DUET_TIMEOUT=${DUET_TIMEOUT:-5400} \
	sh "$TOP/scripts/boot.sh" "$TOP/tests/sanitized.sh" | tee "$log"
rc=$?
set -e
echo
awk '
	$1 == "#" && $2 == "stat" { v[$3, $4] = $5 }
	/^not ok - no leaks/ { leaks++ }
	END {
		fmt = "%-10s %14s %16s %8s %18s %6s %10s\n"
		printf fmt, "module", "fuzz ops", "faults injected", "cycles", "sanitizer reports", "leaks", "data lost"
		split("duet_c duet_rust", m, " ")
		for (i = 1; i <= 2; i++)
			printf fmt, m[i], v[m[i], "fuzz_ops"], v[m[i], "faults"], v[m[i], "cycles"],
				v["all", "sanitizer_reports"], leaks + 0, v[m[i], "data_lost"]
	}' "$log"
grep -E '^(not )?ok ' "$log" | awk '/^ok/ { p++ } /^not ok/ { f++ } END { printf "%d passed, %d failed\n", p, f }'
exit "$rc"
