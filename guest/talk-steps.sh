#!/bin/sh
# talk-steps.sh - guest side of `make talk`: each step runs the same commands
# against duet-c and duet-rust; markers (@@step, @@c, @@rust) let the host
# show the two outputs side by side.
# shellcheck disable=SC2016 # the commands are expanded per device by step()
seq 100000 | head -c 100000 >/tmp/data

# step TITLE COMMAND - run COMMAND (with $mod, $dev, $impl set) for C, then Rust.
step() {
	echo "@@step $1"
	for impl in c rust; do
		mod=duet_$impl dev=/dev/duet-$impl
		echo "@@$impl"
		echo "\$ $(echo "$2" | sed "s|\$mod|$mod|g; s|\$dev|$dev|g; s|\$impl|$impl|g")"
		mod=$mod dev=$dev impl=$impl sh -c "$2" 2>&1
	done
}

step "Load order and dependencies" \
	'modprobe $mod capacity=131072 && lsmod | grep "^duet\|^Module"'
step "Params: declared alike, parsed alike, both in sysfs" \
	'modinfo -F parm $mod | cut -d: -f1; ls /sys/module/$mod/parameters 2>&1 | tr "\n" " "; echo'
step "A transfer: 100000 bytes in and out, digests in /proc/duet" \
	'cat /tmp/data > $dev && cat $dev > /tmp/out.$impl && cmp /tmp/data /tmp/out.$impl && echo "out = in: identical"; grep "^impl\|^$impl " /proc/duet | cut -c1-6,46-93'
step "Unloading while a file is open is refused" \
	'echo "refcnt $(cat /sys/module/$mod/refcnt)"; sleep 30 < $dev & sleep 0.3; echo "refcnt with $dev open: $(cat /sys/module/$mod/refcnt)"; rmmod $mod; kill $!; wait $! 2>/dev/null; echo "closed: refcnt $(cat /sys/module/$mod/refcnt)"'
step "Bad input: a capacity out of range" \
	'duetctl $dev resize 10; echo "exit status $?"; dmesg | grep -c "$mod.*Oops\|BUG" | sed "s/^/kernel complaints: /"'
modprobe -r duet_rust duet_c
echo "@@end"
