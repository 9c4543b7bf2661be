#!/bin/sh
# report.sh - `make report`: the comparison report from the last `make
# bench` (run first if there is none) and the static comparison, written
# to $DUET_REPORT (default: report/ in the checkout).
. "$(dirname "$0")/lib.sh"
x86_only "make report"
dir=${DUET_REPORT:-$TOP/report}
[ -s "$dir/bench.txt" ] || sh "$TOP/scripts/bench.sh"
kdir=$(kernel_dir lab)
# Inside the toolchain root the checkout is /duet and the kernel dir /work.
if [ "$DUET_HOST_TOOLS" = 1 ]; then
	inside=$dir
else
	case $dir in
	"$TOP"/*) inside=/duet${dir#"$TOP"} ;;
	"$kdir"/*) inside=/work${dir#"$kdir"} ;;
	*) die "DUET_REPORT=$dir must be inside the checkout ($TOP)" ;;
	esac
fi
if [ "$DUET_HOST_TOOLS" = 1 ]; then
	in_root "$kdir" sh "$TOP/compare/report.sh" "$inside"
else
	in_root "$kdir" sh /duet/compare/report.sh "$inside"
fi
msg "report written: $dir/report.html (open it in a browser), report.md, report.json"
