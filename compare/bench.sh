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

# Module load and unload times (ns), C then Rust, alternating.
n=30
[ -n "$quick" ] && n=3
i=0
while [ $i -le $n ]; do
	for m in duet_c duet_rust; do
		[ $m = duet_rust ] && modprobe duet_c
		t0=$(date +%s%N)
		modprobe $m
		t1=$(date +%s%N)
		rmmod $m
		t2=$(date +%s%N)
		[ $m = duet_rust ] && rmmod duet_c
		v=$(echo $m | sed 's/duet_//')
		[ $i -gt 0 ] && echo "raw module load $v 0 $i $((t1 - t0))" &&
			echo "raw module unload $v 0 $i $((t2 - t1))"
	done
	i=$((i + 1))
done

# Memory per open file: Slab growth over 1000 open files, in bytes.
modprobe duet_c && modprobe duet_rust
for v in c rust; do
	before=$(sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	holdopen /dev/duet-$v 1000 sh -c "sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo" >/tmp/after
	after=$(cat /tmp/after)
	echo "raw memory perfile $v 0 1 $(((after - before) * 1024 / 1000))"
done
