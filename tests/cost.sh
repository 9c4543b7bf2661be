#!/bin/sh
# cost.sh DIR - host test: the deterministic cost gate, on the quick bench
# of `make check` (DIR/bench.txt and the DIR/stats.tsv that report.sh made
# from it). Under QEMU's instruction counting every figure is an exact
# count of guest instructions, so this is a regression test, not a timing:
# for each path of both devices (the write+read cycle at every size, with
# the digest on and off; INFO; STATS; open+close) the rounds must agree
# within 1%, and Rust / C must stay at most DUET_COST_LIMIT (default 1.05:
# see README, "What Rust costs"). With the digest off, neither device may
# cost more than pipe(2) at any size: at most DUET_PIPE_SLACK (default
# 0.001, the largest run-to-run move of a median seen) above it. Prints
# TAP verdicts.
. "$(dirname "$0")/ktap.sh"
dir=$1
limit=${DUET_COST_LIMIT:-1.05}
slack=${DUET_PIPE_SLACK:-0.001}
tsv=$dir/stats.tsv
KTAP_PREFIX="cost: "
# One result for the clock, two by eight paths, five baselines.
ktap_plan 22
# results - read "STATUS<tab>DESCRIPTION" lines (from awk), one result each.
results() {
	while IFS='	' read -r status desc; do
		ktap_result "$status" "$desc"
	done
}
if ! grep -q '^# meta clock icount$' "$dir/bench.txt" 2>/dev/null; then
	ktap_result 1 "the quick bench ran with QEMU counting instructions (# meta clock icount in $dir/bench.txt)"
	ktap_finished
fi
ktap_result 0 "the quick bench ran with QEMU counting instructions"
verdicts=$(mktemp "${TMPDIR:-/tmp}/duet-cost.XXXXXX")
trap 'rm -f "$verdicts"' EXIT
for tag in digest-on digest-off; do
	for path in "cycle 1" "cycle 64" "cycle 512" "cycle 4096" "cycle 65536" "info 0" "stats 0" "openclose 0"; do
		# shellcheck disable=SC2086 # a metric and a size
		set -- $path
		awk -F '\t' -v t=$tag -v m="$1" -v s="$2" -v limit="$limit" '
			$1 == "stat" && $2 == t && $3 == m && $4 == s && ($5 == "c" || $5 == "rust") {
				med[$5] = $7; spread[$5] = $12 }
			$1 == "ratio" && $2 == t && $3 == m && $4 == s { ratio = $5 }
			END {
				what = sprintf("%s %s%s", t, m, s ? " " s " B" : "")
				if (!("c" in med) || !("rust" in med) || ratio == "") {
					printf "1\t%s: no figures for both devices\n", what; exit 1 }
				w = spread["c"] > spread["rust"] ? spread["c"] : spread["rust"]
				ok = ratio <= limit + 0 && w <= 0.01
				printf "%d\t%s: Rust / C %.3f (at most %s), rounds within %.2f%% (at most 1%%); C %d, Rust %d instructions\n",
					!ok, what, ratio, limit, w * 100, med["c"], med["rust"]
			}' "$tsv" >>"$verdicts"
	done
done
for size in 1 64 512 4096 65536; do
	awk -F '\t' -v s="$size" -v slack="$slack" '
		$1 == "stat" && $2 == "digest-off" && $3 == "cycle" && $4 == s { med[$5] = $7 }
		END {
			if (!("c" in med) || !("rust" in med) || !("pipe" in med)) {
				printf "1\tbaseline %s B: no figures for both devices and pipe(2)\n", s; exit 1 }
			ok = med["c"] <= med["pipe"] * (1 + slack) && med["rust"] <= med["pipe"] * (1 + slack)
			printf "%d\tbaseline %s B, digest off: against pipe(2) (%d), C %+d and Rust %+d instructions (at most %+.2f%%)\n",
				!ok, s, med["pipe"], med["c"] - med["pipe"], med["rust"] - med["pipe"], slack * 100
		}' "$tsv" >>"$verdicts"
done
results <"$verdicts"
ktap_finished
