#!/bin/sh
# bench-guest.sh - guest side of `make bench` (scripts/bench.sh boots it):
# both modules loaded in one boot, the same workloads through duet-c,
# duet-rust and the baselines, with the digest on (the default) and off.
# Booted with duet.quick=1: few rounds.
# duet.bench=single: only the one-thread workloads, module load/unload and
# memory (a boot with QEMU's instruction counting, on one vCPU: the clock
# counts instructions, so 5 rounds, 3 when quick, are plenty: they agree to
# within 0.5%, and a quick run differs only in rounds); duet.bench=xfer:
# only the two-CPU transfer (a real clock).
# Each bench run is under duet-watch: a device that hangs stops it within
# two minutes, saying where the kernel is stuck.
quick=
grep -q duet.quick=1 /proc/cmdline && quick=-q
case $(sed -n 's/.*duet\.bench=\([a-z]*\).*/\1/p' /proc/cmdline) in
single)
	# Counted instructions: full-size measurements (a timer tick inside
	# one moves it by well under 1%), 5 rounds, or 3 when quick.
	only=-s rounds="-r 5"
	[ -n "$quick" ] && rounds="-r 3" quick=
	;;
xfer) only=-x rounds='' ;;
*) only='' rounds='' ;;
esac
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs: $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)"

# shellcheck disable=SC2086 # options
{
	modprobe duet_c && modprobe duet_rust || exit 1
	duet-watch -t 120 bench $rounds $quick $only digest-on || exit 1
	modprobe -r duet_rust duet_c
	modprobe duet_c digest=0 && modprobe duet_rust digest=0 || exit 1
	duet-watch -t 120 bench $rounds $quick $only digest-off || exit 1
	modprobe -r duet_rust duet_c
}
[ "$only" = -x ] && exit 0

# Module load and unload costs: finit_module() and delete_module().
# shellcheck disable=SC2086
duet-watch -t 120 bench $rounds $quick -m module || exit 1

# Memory per open file: Slab growth over 1000 open files, in bytes.
modprobe duet_c && modprobe duet_rust
for v in c rust; do
	before=$(sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	holdopen /dev/duet-$v 1000 sh -c "sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo" >/tmp/after
	after=$(cat /tmp/after)
	echo "raw memory perfile $v 0 1 $(((after - before) * 1024 / 1000))"
done
