#!/bin/sh
# demo.sh - what `make demo` shows in the guest: both modules, how they
# depend on each other, their params, device nodes and kernel log lines.
# show COMMAND - print COMMAND as typed at a prompt, then run it.
show() {
	printf '\n$ %s\n' "$1"
	sh -c "$1"
}
echo "duet demo on Linux $(uname -r) ($(uname -m)): C module duet_c, Rust module duet_rust"
show 'modprobe duet_rust'
echo "(modprobe read modules.dep: duet_rust needs duet_c, so duet_c came first)"
show 'lsmod'
show 'modinfo duet_c'
show 'modinfo duet_rust'
show 'ls -l /dev/duet-c /dev/duet-rust'
show 'cat /sys/module/duet_c/parameters/capacity /sys/module/duet_rust/parameters/capacity'
echo "(duet_rust's params are parsed by the kernel's C param ops, as duet_c's, so sysfs shows them too)"
show 'rmmod duet_c'
echo "(refused: duet_rust still uses duet_c's exports)"
show 'rmmod duet_rust'
show 'rmmod duet_c'
show 'lsmod'
show 'dmesg | grep duet_'
echo
echo "demo done"
