#!/bin/sh
# bench.sh - guest side of `make bench`: both modules loaded in one boot,
# the same workloads through duet-c, duet-rust and the baselines, with the
# digest on (the default) and off. Booted with duet.quick=1: few rounds.
quick=
grep -q duet.quick=1 /proc/cmdline && quick=-q
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs: $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)"

modprobe duet_c && modprobe duet_rust || exit 1
bench $quick digest-on || exit 1
modprobe -r duet_rust duet_c
modprobe duet_c digest=0 && modprobe duet_rust digest=0 || exit 1
bench $quick digest-off || exit 1
modprobe -r duet_rust duet_c

# Module load and unload times: finit_module() and delete_module().
bench $quick -m module || exit 1

# Memory per open file: Slab growth over 1000 open files, in bytes.
modprobe duet_c && modprobe duet_rust
for v in c rust; do
	before=$(sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	holdopen /dev/duet-$v 1000 sh -c "sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo" >/tmp/after
	after=$(cat /tmp/after)
	echo "raw memory perfile $v 0 1 $(((after - before) * 1024 / 1000))"
done
