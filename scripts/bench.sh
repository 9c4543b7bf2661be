#!/bin/sh
# bench.sh [--quick] - `make bench`: boot the lab kernel, run compare/bench.sh
# in it, and keep its raw figures, with how they were measured, in
# $DUET_REPORT/bench.txt (default: report/ in the checkout).
. "$(dirname "$0")/lib.sh"
cmdline=
[ "${1:-}" = --quick ] && cmdline=duet.quick=1
dir=${DUET_REPORT:-$TOP/report}
mkdir -p "$dir"
kdir=$(kernel_dir lab)
{
	echo "# meta date $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "# meta accel ${DUET_ACCEL:-tcg}"
	echo "# meta cpu ${DUET_CPU:-max}"
	echo "# meta qemu $(qemu-system-x86_64 --version | head -n 1)"
	echo "# meta host $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)"
	sed 's/^\([^\t]*\)\t\(.*\)/# meta package \1 \2/' "$(toolchain_dir)/duet-versions.txt"
	echo "# meta release $(cat "$kdir/build/include/config/kernel.release")"
} >"$dir/bench.txt.new"
msg "benchmarking in the guest (${cmdline:-30 rounds}); raw figures go to $dir/bench.txt"
DUET_CMDLINE=$cmdline DUET_FLAVOR=lab sh "$TOP/scripts/boot.sh" "$TOP/compare/bench.sh" |
	tee -a "$dir/bench.txt.new" | awk '/^# bench/ { print "duet:   " $0; fflush() }' >&2
grep -q '^raw module load ' "$dir/bench.txt.new" || die "the benchmark did not finish (see $dir/bench.txt.new)"
mv "$dir/bench.txt.new" "$dir/bench.txt"
