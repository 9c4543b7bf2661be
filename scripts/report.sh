#!/bin/sh
# report.sh - `make report`: the comparison report from the last `make
# bench` (run first if there is none) and the static comparison, written
# to $DUET_REPORT (default: report/ in the checkout).
. "$(dirname "$0")/lib.sh"
x86_only "make report"
dir=${DUET_REPORT:-$TOP/report}
[ -s "$dir/bench.txt" ] || sh "$TOP/scripts/bench.sh"
kdir=$(kernel_dir lab)
inside=$(root_path "$kdir" "$dir") ||
	die "DUET_REPORT=$dir must be inside the checkout ($TOP) or the lab kernel's directory ($kdir)"
# compare/report.py reads the bench output and writes the report.
# shellcheck disable=SC2016 # expanded inside the toolchain root
in_root "$kdir" sh -c 'exec python3 "$DUET_SRC/compare/report.py" "$1"' sh "$inside"
msg "report written: $dir/report.html (open it in a browser), report.md, report.json"
