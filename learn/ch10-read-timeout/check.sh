# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 10's exercise (see tests/learn-guest.sh): a read_timeout_ms
# param, 0..60000 (init refuses more with EINVAL); a read of the empty
# device (with a writer open, so it would wait) fails with ETIMEDOUT after
# that long; data that comes meanwhile ends the wait at once, and so does
# a signal (EINTR); 0, the default, waits as before. Each read is timed by
# readwait (learn/tools/readwait.c), which opens the device read-write (so
# the read waits rather than see end of file) and prints "read 1 byte in
# N ms" or "read: ERRNO (text) in N ms".
check "modinfo $mod lists the parameter read_timeout_ms" \
	"$(c_or_rust "declare it with module_param(read_timeout_ms, uint, 0444) and MODULE_PARM_DESC()" \
		"declare static READ_TIMEOUT_MS: Param<u32> and list it in PARAMS: ModuleParam::new(c\"read_timeout_ms\", &READ_TIMEOUT_MS, 0o444, ...)")" \
	sh -c "modinfo -F parm $mod | grep -q '^read_timeout_ms:'" || return
dmesg -c >/dev/null
check "loading with read_timeout_ms=60001 fails with EINVAL" \
	"$(c_or_rust "check it in duet_init() with duet_param_check(\"read_timeout_ms\", read_timeout_ms, 0, 60000)" \
		"check it in DuetModule::init() with param_check(\"read_timeout_ms\", READ_TIMEOUT_MS.get(), 0, 60000)?")" \
	sh -c "! modprobe $mod read_timeout_ms=60001 2>/tmp/range.out && cat /tmp/range.out && grep -q 'Invalid argument' /tmp/range.out"
check "it says why: \"read_timeout_ms=60001 is out of range [0, 60000]\"" \
	"the range check logs the param, its value and the range, as for capacity" \
	log_has "<3>$mod: read_timeout_ms=60001 is out of range \[0, 60000\]"
modprobe -r duet_c 2>/dev/null
load_duet read_timeout_ms=300 || return
# ms FILE - the milliseconds readwait took, from its output.
ms() { sed -n 's/.* in \([0-9]*\) ms$/\1/p' "$1"; }

readwait "$dev" >/tmp/timeout.out 2>&1
check "with read_timeout_ms=300, a read of the empty device fails with ETIMEDOUT ($(cat /tmp/timeout.out))" \
	"$(c_or_rust "wait with wait_event_interruptible_timeout(); it returns 0 when the time ran out: return -ETIMEDOUT" \
		"wait with dev.readq.wait_interruptible_timeout(condition, timeout)?; it returns 0 when the time ran out: return Err(ETIMEDOUT)")" \
	grep -q 'read: ETIMEDOUT' /tmp/timeout.out
ms=$(ms /tmp/timeout.out)
if [ "${ms:-0}" -ge 700 ]; then
	fix="it waited $ms ms, about 4 times too long: 300 was taken as jiffies (HZ=250, 4 ms each). Turn the milliseconds into jiffies with msecs_to_jiffies()"
else
	fix="it waited $ms ms, less than asked: give the wait msecs_to_jiffies(read_timeout_ms) and wait until it ran out"
fi
check "it waited about 300 ms first (took ${ms:-?} ms)" \
	"$fix" \
	sh -c "[ ${ms:-0} -ge 280 ] && [ ${ms:-0} -lt 700 ]"

# A signal first: a wait that no signal ends may be one that nothing but
# its timeout ends (an uninterruptible sleep: the device wakes its readers
# with wake_up_interruptible()), and without a timeout it would never end.
readwait -s 100 "$dev" >/tmp/signal.out 2>&1
ms=$(ms /tmp/signal.out)
if grep -q 'read: ETIMEDOUT' /tmp/signal.out && [ "${ms:-0}" -lt 250 ]; then
	fix=$(c_or_rust "a signal is not a timeout: when the wait returns < 0, return -ERESTARTSYS (the caller sees EINTR); only 0 means the time ran out" \
		"a signal is not a timeout: pass on the wait's Err(ERESTARTSYS) with ?; only Ok(0) means the time ran out")
else
	fix=$(c_or_rust "a signal must end the wait: sleep with wait_event_interruptible_timeout(), in TASK_INTERRUPTIBLE (the device wakes readers with wake_up_interruptible(), which leaves an uninterruptible sleeper asleep), and return -ERESTARTSYS when it returns < 0" \
		"a signal must end the wait: wait_interruptible_timeout(), and pass on its Err(ERESTARTSYS) with ?")
fi
check "a signal 100 ms into the wait ends it with EINTR ($(cat /tmp/signal.out))" \
	"$fix" \
	sh -c "grep -q 'read: EINTR' /tmp/signal.out && [ ${ms:-1000} -lt 250 ]" || return

readwait -w 100 "$dev" >/tmp/data.out 2>&1
ms=$(ms /tmp/data.out)
check "data that comes 100 ms into the wait ends it at once ($(cat /tmp/data.out))" \
	"$(c_or_rust "the wait must end as soon as data comes, not when the time is up: sleep on dev->readq with wait_event_interruptible_timeout(), not msleep() then a look" \
		"the wait must end as soon as data comes, not when the time is up: sleep on dev.readq with wait_interruptible_timeout(), not a sleep then a look")" \
	sh -c "grep -q '^read 1 byte' /tmp/data.out && [ ${ms:-1000} -lt 250 ]"

exec 4>"$dev"
check "data still goes through: 3 bytes written, 3 read back" \
	"only an empty device may time out: the wait ends as soon as data comes" \
	sh -c "printf abc >&4 && [ \"\$(dd if=$dev bs=3 count=1 2>/dev/null)\" = abc ]"
exec 4>&-
unload_duet || return
load_duet || return
# (Data ends this wait; one that no signal ends stopped the checks above.)
readwait -w 1000 "$dev" >/tmp/forever.out 2>&1
ms=$(ms /tmp/forever.out)
check "without read_timeout_ms, a read still waits for data (written 1 s later: $(cat /tmp/forever.out))" \
	"read_timeout_ms=0, the default, means no limit ($(c_or_rust MAX_SCHEDULE_TIMEOUT "Jiffies::MAX"))" \
	sh -c "grep -q '^read 1 byte' /tmp/forever.out && [ ${ms:-0} -ge 950 ]"
unload_duet
