# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 10's exercise (see tests/learn-guest.sh): a read_timeout_ms
# param, 0..60000 (init refuses more with EINVAL); a read of the empty
# device (with a writer open, so it would wait) fails with ETIMEDOUT after
# that long; 0, the default, waits as before.
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
# A writer stays open on fd 4, so an empty read waits rather than see EOF.
exec 4>"$dev"
start=$(now_cs)
# (4>&-: busybox timeout leaves a watcher behind that would hold fd 4.)
timeout 10 dd if="$dev" of=/dev/null bs=1 count=1 2>/tmp/timeout.out 4>&-
ms=$(elapsed_ms "$start")
check "with read_timeout_ms=300, a read of the empty device fails with ETIMEDOUT (\"Connection timed out\")" \
	"$(c_or_rust "wait with wait_event_interruptible_timeout(); it returns 0 when the time ran out: return -ETIMEDOUT" \
		"wait with dev.readq.wait_interruptible_timeout(condition, timeout)?; it returns 0 when the time ran out: return Err(ETIMEDOUT)")" \
	grep -q 'Connection timed out' /tmp/timeout.out
check "it waited about 300 ms first (took $ms ms)" \
	"turn the milliseconds into jiffies with msecs_to_jiffies()" \
	sh -c "[ $ms -ge 250 ] && [ $ms -lt 5000 ]"
check "data still goes through: 3 bytes written, 3 read back" \
	"only an empty device may time out: the wait ends as soon as data comes" \
	sh -c "printf abc >&4 && [ \"\$(dd if=$dev bs=3 count=1 2>/dev/null)\" = abc ]"
exec 4>&-
unload_duet || return
load_duet || return
exec 4>"$dev"
timeout 2 dd if="$dev" of=/dev/null bs=1 count=1 2>/tmp/timeout.out 4>&-
rc=$?
check "without read_timeout_ms, a read still waits for data (status $rc after 2 s: stopped by timeout)" \
	"read_timeout_ms=0, the default, means no limit ($(c_or_rust MAX_SCHEDULE_TIMEOUT "Jiffies::MAX"))" \
	sh -c "[ $rc != 0 ] && ! grep -q 'timed out' /tmp/timeout.out"
exec 4>&-
unload_duet
