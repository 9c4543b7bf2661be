# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 11's exercise (see tests/learn-guest.sh): each open file's
# fdinfo has a line "duet-used:<TAB>N", the bytes waiting in the device's
# FIFO as last published (dev->used), read without the device lock, as
# INFO reads it: a caller stuck in a copy holds the lock.
load_duet capacity=64 || return
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
# A second process reads fdinfo while a writer is stuck in its copy with
# the device lock held (stuckwrite, learn/tools/stuckwrite.c): of its 61
# bytes, the 59 up to the end of the 64-byte ring (3 queued from byte 2)
# are in the FIFO and counted in its own count, 62; the last 2, from a
# page that a userfaultfd holds back, are not. Nothing was published yet.
stuckwrite "$dev" 59 61 cat /proc/self/fdinfo/5 >/tmp/stuck.out 2>&1
rc=$?
check "while a write is stuck in its copy with the device lock held, fdinfo answers at once" \
	"$(c_or_rust "fdinfo waited for the device lock, which a caller stuck in a copy holds: do not take dev->lock in duet_show_fdinfo(), print the published READ_ONCE(df->dev->used)" \
		"fdinfo waited for the device lock, which a caller stuck in a copy holds: do not lock self.dev.lock in show_fdinfo(), print the published self.dev.used.read_once()")" \
	[ "$rc" = 0 ]
if grep -qx "duet-used:	62" /tmp/stuck.out; then
	fix="it printed the FIFO's own count (dev->fifo.used) while the stuck writer, holding the lock, was changing it: a data race. Print the published count, READ_ONCE(df->dev->used)"
else
	fix="print the count as published by the last call that changed the FIFO (dev->used), not a count of your own"
fi
check "meanwhile it says 3, the count published before that write, not the FIFO's 62 mid-copy" \
	"$fix" \
	grep -qx "duet-used:	3" /tmp/stuck.out
exec 5>&-
unload_duet
