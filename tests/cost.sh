#!/bin/sh
# cost.sh DIR - host test: the deterministic cost gate, on the quick bench
# of `make check` (DIR/report.json, which compare/report.py made from it).
# Under QEMU's instruction counting every figure is an exact count of
# guest instructions, so this is a regression test, not a timing: for each
# path of both devices (the write+read cycle at every size, with the
# digest on and off; INFO; STATS; open+close) the rounds must agree within
# 1%, and Rust / C must stay at most DUET_COST_LIMIT (default 1.05: see
# docs/measurements.md, "What Rust costs"). With the digest off, neither
# device may cost more than pipe(2) at any size: at most DUET_PIPE_SLACK
# (default 0.001, the largest run-to-run move of a median seen) above it.
# With the digest on, each device's 1-byte write+read cycle may cost at
# most DUET_COST_FLOOR (default 1.5) times the floor, a 1-byte write to
# /dev/null and read from /dev/zero. The verdicts
# come from tests/cost-verdicts.py, in the toolchain root. Prints TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$TOP/tests/ktap.sh"
set +e
dir=$1
limit=${DUET_COST_LIMIT:-1.05}
slack=${DUET_PIPE_SLACK:-0.001}
floor=${DUET_COST_FLOOR:-1.5}
KTAP_PREFIX="cost: "
# One result for the clock, two by eight paths, five baselines, two floors.
ktap_plan 24
if [ ! -s "$dir/report.json" ]; then
	ktap_result 1 "the quick bench's report.json is there ($dir/report.json)"
	ktap_finished
fi
verdicts=$(mktemp "${TMPDIR:-/tmp}/duet-cost.XXXXXX")
trap 'rm -f "$verdicts"' EXIT
# shellcheck disable=SC2016 # expanded inside the toolchain root
in_root "$(kernel_dir lab)" sh -c 'exec python3 "$DUET_SRC/tests/cost-verdicts.py" "$1" "$2" "$3"' sh "$limit" "$slack" "$floor" \
	<"$dir/report.json" >"$verdicts"
while IFS='	' read -r status desc; do
	ktap_result "$status" "$desc"
done <"$verdicts"
ktap_finished
