#!/bin/sh
# guest.sh - guest side of `make bugs` (scripts/bugs.sh): put the planted
# modules of this directory (duet_c.ko, duet_rust.ko) in place of the
# image's, run the check that case.env names against the device of its
# language, then the debug kernel's log gate. The host reads the verdict
# from this output and the kernel console. On the kcsan kernel (no KASAN,
# lockdep or fault injection) the gate is KCSAN's reports of duet code, on
# the kmsan kernel KMSAN's reports.
#
#   conformance  the conformance suite on this device (30 s per test)
#   leaks        the conformance suite, kmemleak, both modules unloaded,
#                kmemleak again
#   unload-open  rmmod while a file of the device is open, then close it
#   faultinit    the n-th allocation of module init fails (faultsweep
#                load), then /proc/duet is read and the module loaded again
#   race         the concurrent fuzzer on this device
#   exit-race    load/unload cycles racing opens, reads and writes
case='' lang='' check='' kernel=''
# shellcheck source=/dev/null # written by scripts/bugs.sh
. ./case.env
mods=/lib/modules/$(uname -r)/kernel/drivers/misc/duet
cp duet_c.ko "$mods/c_module/duet_c.ko" || exit 1
cp duet_rust.ko "$mods/rust_module/duet_rust.ko" || exit 1
dev=/dev/duet-$lang mod=duet_$lang
[ "$kernel" != debug ] || duet-sanitizers arm
fails=0
# Its own results go through the one TAP library (no plan: how many there
# are depends on the check).
# shellcheck source=../tests/ktap.sh # (guest-image.sh puts it there)
. /usr/share/duet/ktap.sh
KTAP_PREFIX="bugs: "
load() { modprobe duet_c "$@" && modprobe duet_rust "$@"; }
unload() { modprobe -r duet_rust duet_c; }
conformance() {
	load max_open=8 || exit 1
	duet-watch -v -k -t 30 conformance -v "$lang" || fails=$((fails + 1))
}

echo "# case $case, $lang: $check, on the $kernel kernel"
case $check in
conformance)
	conformance
	;;
leaks)
	# scanned twice: with the modules loaded (the backtraces name their
	# functions), and after unloading them (what only then has no owner)
	conformance
	cat /proc/duet
	duet-sanitizers leaks "the conformance suite" || fails=$((fails + 1))
	unload
	duet-sanitizers leaks "unloading both modules" || fails=$((fails + 1))
	;;
unload-open)
	modprobe duet_c || exit 1
	[ "$lang" = c ] || modprobe duet_rust || exit 1
	# rmmod must be refused while the file is open; the file is closed
	# (release runs) after it
	holdopen "$dev" 1 rmmod "$mod"
	if grep -q "^$mod " /proc/modules; then
		ktap_result 0 "rmmod $mod is refused while a file of $dev is open"
	else
		ktap_result 1 "rmmod $mod is refused while a file of $dev is open (it unloaded)"
	fi
	sleep 1
	unload 2>/dev/null
	;;
faultinit)
	[ "$lang" = c ] || modprobe duet_c || exit 1
	duet-watch -v -t 240 faultsweep load "$(find "$mods" -name "$mod.ko")" ||
		fails=$((fails + 1))
	cat /proc/duet
	modprobe "$mod"
	ktap_result $? "$mod loads after the sweep"
	cat /proc/duet
	unload
	duet-sanitizers leaks "the init sweep and unload" || fails=$((fails + 1))
	;;
race)
	load max_open=12 || exit 1
	duet-watch -v -t 150 fuzz -n 100000 "$dev" || fails=$((fails + 1))
	;;
exit-race)
	rm -f /tmp/stop
	while [ ! -e /tmp/stop ]; do
		if [ -c "$dev" ]; then
			(echo x >"$dev"; holdopen "$dev" 1 cat "$dev")
		elif [ -f "$dev" ]; then
			rm -f "$dev"
		fi >/dev/null 2>&1
	done &
	racer=$!
	i=0
	while [ $i -lt 30 ]; do
		i=$((i + 1))
		load
		usleep $((i % 4 * 5000))
		unload 2>/dev/null
	done
	touch /tmp/stop
	wait $racer
	unload 2>/dev/null
	echo "# 30 load/unload cycles raced the device's users"
	;;
esac
# none_of NAME PATTERN WHAT - the kernel log has no report that matches
# PATTERN; else its first, with 20 lines after it.
none_of() {
	if dmesg | grep -qE "$2"; then
		ktap_result 1 "$1 reports no $3"
		dmesg | grep -E -A 20 -m 1 "$2" | sed 's/^/#   /'
	else
		ktap_result 0 "$1 reports no $3"
	fi
}
case $kernel in
kcsan) none_of KCSAN 'BUG: KCSAN: .*duet_' "data race in duet code" ;;
kmsan) none_of KMSAN 'BUG: KMSAN: ' "use of uninitialised memory" ;;
*) duet-sanitizers gate || fails=$((fails + 1)) ;;
esac
[ "$fails" = 0 ] && [ "$KTAP_CNT_FAIL" = 0 ]
