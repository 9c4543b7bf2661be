# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 11's exercise (see tests/learn-guest.sh): each open file's
# fdinfo has a line "duet-used:<TAB>N", the bytes waiting in the device's
# FIFO as last published (dev->used), read without the device lock, as
# INFO reads it: a caller stuck in a copy holds the lock.
load_duet || return
exec 5<>"$dev"
printf hello >&5
check "after writing 5 bytes, /proc/PID/fdinfo/FD has \"duet-used:<TAB>5\"" \
	"$(c_or_rust "in duet_show_fdinfo(), print READ_ONCE(df->dev->used) with seq_printf(), without the device lock" \
		"in DuetFile::show_fdinfo(), print self.dev.used.read_once() with seq_print!, without the device lock")" \
	grep -qx "duet-used:	5" "/proc/$$/fdinfo/5"
dd bs=2 count=1 <&5 >/dev/null 2>&1
check "after reading 2 of them, it says 3" \
	"print the FIFO's fill level now, not a copy taken at open" \
	grep -qx "duet-used:	3" "/proc/$$/fdinfo/5"
check "the other fdinfo lines are still there (duet-bytes-read:<TAB>2)" \
	"add the line; keep the two that were there" \
	grep -qx "duet-bytes-read:	2" "/proc/$$/fdinfo/5"
exec 5>&-
unload_duet
