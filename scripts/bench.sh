#!/bin/sh
# bench.sh [--quick] - `make bench`: boot the lab kernel, run
# compare/bench-guest.sh in it, and keep its raw figures, with how they
# were measured, in $DUET_REPORT/bench.txt (default: report/ in the
# checkout), for compare/report.py (`make report`).
#
# Under TCG (the default here) the one-thread workloads run in a boot with
# QEMU's instruction counting on one vCPU: every figure is then guest
# instructions per operation, exact and repeatable (DUET_BENCH_CLOCK=icount,
# the default under TCG). The two-CPU transfer needs two vCPUs and a real
# clock, so it runs in a second boot (nanoseconds). DUET_BENCH_CLOCK=wall:
# one boot, wall-clock time for everything (the default under KVM).
# A third boot, with instruction counting and the QEMU plugin
# compare/plugin/prof-plugin.c, attributes each path's instructions to
# kernel functions (profile.counts, profile.guest).
# The full bench (not --quick) also measures the digest as a kernel without
# CONFIG_CRC_OPTIMIZATIONS computes it: one more boot of the one-thread
# workloads on a CPU without SSE4.2 (-cpu max,sse4.2=off), where this
# kernel's crc32c() falls back to crc32c_base(), the table-driven code that
# is all such a kernel has (lib/crc/x86/crc32.h); its lines are tagged
# bytewise-*, for the report's "before and after" of the digest.
. "$(dirname "$0")/lib.sh"
x86_only "make bench"
quick=
[ "${1:-}" = --quick ] && quick=duet.quick=1
dir=${DUET_REPORT:-$TOP/report}
mkdir -p "$dir"
kdir=$(kernel_dir lab)
if [ "${DUET_ACCEL:-tcg}" = tcg ]; then clock=${DUET_BENCH_CLOCK:-icount}; else clock=${DUET_BENCH_CLOCK:-wall}; fi
case $clock in
icount | wall) ;;
*) die "DUET_BENCH_CLOCK=$clock: say icount (QEMU counts instructions, TCG only) or wall" ;;
esac
{
	echo "# meta date $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "# meta accel ${DUET_ACCEL:-tcg}"
	echo "# meta cpu ${DUET_CPU:-max}"
	echo "# meta clock $clock"
	echo "# meta qemu $("$QEMU" --version | head -n 1)"
	echo "# meta host $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)"
	sed 's/^\([^\t]*\)\t\(.*\)/# meta package \1 \2/' "$(toolchain_dir)/duet-versions.txt"
	echo "# meta release $(cat "$kdir/build/include/config/kernel.release")"
} >"$dir/bench.txt.new"
# guest CMDLINE ICOUNT [FLAVOR [TAG [CPU]]] - one boot of compare/bench-guest.sh
# on the FLAVOR kernel (lab) on QEMU's -cpu CPU (DUET_CPU, max), its lines added
# (with TAG- before each raw line's tag);
# shows its progress, and a failure with what the guest said about it
# (a hung bench: duet-watch's "not ok" line and where the kernel is stuck).
guest() {
	{
		DUET_CMDLINE="$1 $quick" DUET_ICOUNT=$2 DUET_FLAVOR=${3:-lab} DUET_CPU=${5:-${DUET_CPU:-max}} \
			sh "$TOP/scripts/boot.sh" "$TOP/compare/bench-guest.sh" && rc=0 || rc=$?
		echo "$rc" >"$dir/bench.rc"
	} | sed "${4:+s/^raw /raw $4-/}" | tee -a "$dir/bench.txt.new" |
		awk '/^# bench/ || /^not ok/ { print "duet:   " $0; fflush(); hung = /^not ok/; next }
			hung && /^#/ { print "duet:   " $0; fflush(); next } { hung = 0 }' >&2
	rc=$(cat "$dir/bench.rc")
	rm -f "$dir/bench.rc"
	[ "$rc" = 0 ] || die "the benchmark failed in the guest (status $rc; its output: $dir/bench.txt.new)"
}
if [ "$clock" = icount ]; then
	bytewise=1
	[ -n "$quick" ] && bytewise=0
	boots=$((3 + bytewise))
	msg "[1/$boots] one-thread workloads, QEMU counting instructions on one vCPU (${quick:+quick, }units: instructions)"
	guest duet.bench=single 1
	msg "[2/$boots] the two-CPU transfer, two vCPUs, wall clock (ns)"
	guest duet.bench=xfer 0
	msg "[3/$boots] the instruction profile of each path (QEMU plugin)"
	so=$(sh "$TOP/scripts/qemu-plugin.sh")
	rm -f "$dir/profile.counts"
	DUET_ICOUNT=1 DUET_QEMU_PLUGIN="$so,out=$dir/profile.counts" DUET_FLAVOR=lab \
		sh "$TOP/scripts/boot.sh" "$TOP/compare/profile-guest.sh" >"$dir/profile.guest" ||
		die "the profile run failed (see $dir/profile.guest)"
	if [ "$bytewise" = 1 ]; then
		msg "[$boots/$boots] the digest without SSE4.2 (crc32c_base(), as without CONFIG_CRC_OPTIMIZATIONS; instructions)"
		guest duet.bench=single 1 lab bytewise max,sse4.2=off
	fi
else
	msg "benchmarking in the guest (${quick:-30 rounds}, wall clock); raw figures go to $dir/bench.txt"
	guest "" 0
fi
grep -q '^raw module load ' "$dir/bench.txt.new" || die "the benchmark did not finish (see $dir/bench.txt.new)"
mv "$dir/bench.txt.new" "$dir/bench.txt"
