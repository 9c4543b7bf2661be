#!/bin/sh
# lifecycle.sh - guest test: loading, dependencies, params and unloading of
# both modules (busybox modprobe/rmmod/lsmod/modinfo). Prints TAP, through
# the one TAP library: its plan is every t below, those of the loops
# counted per pass (an added test must be added to it).
# shellcheck disable=SC2317 # the checks below are called through t()
# shellcheck source=ktap.sh # (guest-image.sh puts it there)
. /usr/share/duet/ktap.sh
# 26 alone, 8 per module, 3 per param case (8), 2 per module at the end
ktap_plan $((26 + 8 * 2 + 3 * 8 + 2 * 2))
# killtree PID - kill PID and all its descendants.
killtree() {
	for child in $(pgrep -P "$1"); do
		killtree "$child"
	done
	kill -9 "$1" 2>/dev/null
}
# t DESCRIPTION COMMAND... - one verdict: ok if COMMAND succeeds within
# 30 seconds. A broken module must fail the test, not hang the suite: a
# command that hangs is killed, after duet-watch has said where in the
# kernel it is stuck, and the tests after it are reported as not run.
wedged=
t() {
	desc=$1
	shift
	if [ -n "$wedged" ]; then
		ktap_skip "$desc" "not run: the device is wedged ($wedged hung)"
		return
	fi
	("$@") >/tmp/t.out 2>&1 &
	pid=$!
	(sleep 30 && echo "(timed out after 30 s: hung)" >>/tmp/t.out &&
		duet-watch -p "$pid" >>/tmp/t.out 2>&1 && killtree "$pid") &
	dog=$!
	wait "$pid"
	rc=$?
	kill "$dog" 2>/dev/null
	ktap_result "$rc" "$desc" /tmp/t.out 1000
	[ "$rc" = 0 ] || ! grep -q '^(timed out after 30 s: hung)' /tmp/t.out ||
		wedged="test $KTAP_TESTNO"
}
loaded() { grep -q "^$1 " /proc/modules; }
not() { ! "$@"; }
chardev() { [ -c "$1" ]; }
used_by() { grep -q "^$1 [0-9]* [1-9][0-9]* .*$2," /proc/modules; }
log_has() { dmesg | grep -q "$1"; }
digest_of() { dmesg | sed -n "s/^.*$1: registered .*digest of \"duet\" \([0-9a-f]*\).*/\1/p" | tail -n 1; }
same_digest() { c=$(digest_of duet_c); r=$(digest_of duet_rust); [ -n "$c" ] && [ "$c" = "$r" ]; }

t "no duet module is loaded at boot" not loaded duet_c
t "modprobe duet_rust succeeds" modprobe duet_rust
t "modprobe duet_rust pulled in duet_c" loaded duet_c
t "/proc/modules: duet_c is used by duet_rust" used_by duet_c duet_rust
t "/dev/duet-c is a character device" chardev /dev/duet-c
t "/dev/duet-rust is a character device" chardev /dev/duet-rust
t "duet_rust called duet_digest() through the bindings" same_digest
t "rmmod duet_c is refused while duet_rust uses it" not rmmod duet_c
t "duet_c is still loaded after the refused rmmod" loaded duet_c
t "rmmod duet_rust succeeds" rmmod duet_rust
t "rmmod duet_c succeeds once duet_rust is gone" rmmod duet_c
t "modinfo duet_c lists the capacity param" sh -c 'modinfo duet_c | grep -q "parm:.*capacity"'
t "modinfo duet_rust lists the capacity param" sh -c 'modinfo duet_rust | grep -q "parm:.*capacity"'
t "modinfo duet_rust depends on duet_c" sh -c 'modinfo duet_rust | grep -q "depends:.*duet_c"'
t "duet_c rejects capacity=63" not modprobe duet_c capacity=63
t "... and logs the param and its range" log_has "duet_c: capacity=63 is out of range \[64, 1048576\]"
t "duet_rust rejects capacity=1048577" not modprobe duet_rust capacity=1048577
t "... and logs the param and its range" log_has "duet_rust: capacity=1048577 is out of range \[64, 1048576\]"
t "the failed duet_rust load left duet_c loaded" loaded duet_c
t "modprobe -r duet_c unloads it" modprobe -r duet_c
t "duet_c takes capacity=8192" modprobe duet_c capacity=8192
t "duet_c shows capacity=8192 in sysfs" grep -qx 8192 /sys/module/duet_c/parameters/capacity
t "duet_rust takes capacity=65536" modprobe duet_rust capacity=65536
t "duet_rust logged capacity 65536" log_has "duet_rust: registered /dev/duet-rust (capacity 65536"
t "both unload in dependency order (modprobe -r)" sh -c 'modprobe -r duet_rust && modprobe -r duet_c && ! grep -q ^duet_ /proc/modules'

# The same behaviour from both modules, module by module.
for m in duet_c duet_rust; do
	dev=/dev/$(echo $m | tr _ -)
	t "$m: echo hi > dev; cat dev prints hi (EOF once empty)" \
		sh -c "modprobe $m && echo hi > $dev && [ \"\$(cat $dev)\" = hi ]"
	t "$m: rmmod is refused while $dev is open" \
		sh -c "sleep 30 < $dev & p=\$!; sleep 0.3; ! rmmod $m; r=\$?; kill \$p; wait \$p; exit \$r"
	t "$m: rmmod succeeds once $dev is closed" rmmod $m
	t "$m: trace=maybe is rejected" not modprobe $m trace=maybe
	rmmod duet_c 2>/dev/null
	t "$m: trace=1 logs open, write, release" \
		sh -c "modprobe $m trace=1 && echo hi > $dev && dmesg | grep -q '$m: open' &&
			dmesg | grep -q '$m: write 3 bytes: 3' && dmesg | grep -q '$m: release'"
	t "$m: trace=1 logs ioctls with their result" \
		sh -c "duetctl $dev info >/dev/null && dmesg | grep -q '$m: ioctl 0x8018d700: 0'"
	modprobe -r $m
	t "$m: digest=0 leaves both digests 0" \
		sh -c "modprobe $m digest=0 && echo data > $dev && duetctl $dev stats | grep -qx 'bytes_in 5' &&
			duetctl $dev stats | grep -qx 'digest_in 00000000' && cat $dev >/dev/null &&
			duetctl $dev stats | grep -qx 'digest_out 00000000'"
	modprobe -r $m
	t "$m: digest=1 (default) gives the CRC32C of the data" \
		sh -c "modprobe $m && echo data > $dev && cat $dev >/dev/null &&
			duetctl $dev stats | grep -qx 'digest_in 5dfbb789' &&
			duetctl $dev stats | grep -qx 'digest_out 5dfbb789'"
	modprobe -r $m
done

# Params are parsed the same way by both modules: as module_param()
# does, with kstrtouint() (base 0: 0x hex, a leading 0 octal, an
# optional +) and kstrtobool() (a bare name is true); the last of a
# repeated param wins. load_result ID MODULE PARAMS... loads MODULE with
# PARAMS (duet_rust pulls in duet_c, without params) and prints what
# happened: "loaded: capacity N, trace on|off" (the device's INFO, and
# whether it traced that ioctl), or the error insmod printed (the text
# of the errno the kernel returned; insmod, because busybox modprobe
# takes EEXIST for "already loaded" and says nothing) and, if the module
# logged it, the param out of range. Then both are unloaded.
unload() {
	rmmod duet_rust 2>/dev/null
	rmmod duet_c 2>/dev/null
	return 0
}
load_result() {
	mark="duet-lifecycle $$: load_result $1"
	m=$2
	shift 2
	dev=/dev/$(echo "$m" | tr _ -)
	unload
	[ "$m" = duet_c ] || modprobe duet_c
	echo "$mark" >/dev/kmsg
	if out=$(insmod "$(find /lib/modules -name "$m.ko")" "$@" 2>&1); then
		cap=$(duetctl "$dev" info | sed -n 's/^capacity //p')
		trace=off
		dmesg | sed -n "/$mark\$/,\$p" | grep -q "$m: ioctl" && trace=on
		echo "loaded: capacity $cap, trace $trace"
	else
		# (busybox tries finit_module(), then init_module(): two lines)
		range=$(dmesg | sed -n "/$mark\$/,\$s/.*$m: \(capacity=[0-9]* is out of range\).*/ (\1)/p" | head -n 1)
		echo "${out##*: }$range"
	fi
	unload
}
# param_is ID MODULE EXPECTED PARAMS... - MODULE's load_result for PARAMS
# is EXPECTED (kept in /tmp/param.ID.MODULE).
param_is() {
	id=$1 m=$2 expect=$3
	shift 3
	load_result "$id.$m" "$m" "$@" >"/tmp/param.$id.$m"
	echo "got: $(cat "/tmp/param.$id.$m")"
	[ "$(cat "/tmp/param.$id.$m")" = "$expect" ]
}
same_result() {
	echo "duet_c:    $(cat "/tmp/param.$1.duet_c")"
	echo "duet_rust: $(cat "/tmp/param.$1.duet_rust")"
	[ -s "/tmp/param.$1.duet_c" ] && cmp -s "/tmp/param.$1.duet_c" "/tmp/param.$1.duet_rust"
}
# param_case ID EXPECTED PARAMS... - three verdicts: each module's result
# is EXPECTED, and the two are the same.
param_case() {
	id=$1 expect=$2
	shift 2
	t "duet_c $*: $expect" param_is "$id" duet_c "$expect" "$@"
	t "duet_rust $*: $expect" param_is "$id" duet_rust "$expect" "$@"
	t "duet_c and duet_rust agree on: $*" same_result "$id"
}
param_case 1 "loaded: capacity 4096, trace on" trace
param_case 2 "loaded: capacity 4096, trace off" capacity=0x1000
param_case 3 "loaded: capacity 4096, trace off" capacity=+4096
param_case 4 "Invalid argument (capacity=8 is out of range)" capacity=010
param_case 5 "Invalid argument" capacity=4096abc
param_case 6 "Invalid argument" capacity=-1
param_case 7 "Numerical result out of range" capacity=99999999999
param_case 8 "loaded: capacity 256, trace off" capacity=128 capacity=256

# sysfs: both modules show their four params, read-only, with the values
# they were loaded with; capacity follows DUET_IOC_RESIZE.
params_are() {
	m=$1 want=$2
	got=
	for p in capacity max_open trace digest; do
		f=/sys/module/$m/parameters/$p
		[ -e "$f" ] || { echo "no $f"; return 1; }
		# shellcheck disable=SC2012 # one sysfs file, its mode
		mode=$(ls -l "$f" | cut -c1-10)
		[ "$mode" = "-r--r--r--" ] || { echo "$f: $mode, not 0444"; return 1; }
		got="$got $p=$(cat "$f")"
	done
	echo "got:$got"
	[ "$got" = " $want" ]
}
# loaded_params_are MODULE EXPECTED PARAMS... - load MODULE with PARAMS.
loaded_params_are() {
	m=$1 want=$2
	shift 2
	modprobe "$m" "$@" && params_are "$m" "$want"
}
for m in duet_c duet_rust; do
	dev=/dev/$(echo $m | tr _ -)
	t "$m: /sys/module/$m/parameters shows the four params, 0444, as loaded" \
		loaded_params_are $m "capacity=8192 max_open=3 trace=Y digest=N" \
		capacity=8192 max_open=3 trace=1 digest=0
	t "$m: after DUET_IOC_RESIZE, the capacity param shows the new size" \
		sh -c "duetctl $dev resize 16384 && echo \"capacity: \$(cat /sys/module/$m/parameters/capacity)\" &&
			grep -qx 16384 /sys/module/$m/parameters/capacity"
	unload
done
t "/proc/duet is gone once duet_c is unloaded" not test -e /proc/duet
ktap_finished
