# shellcheck shell=sh
# ktap.sh - the one TAP library of duet's suites, host and guest (sourced,
# not run; POSIX sh and busybox sh). Modelled on the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh: a suite states its
# plan first, each result is numbered, a skip says why, and
# ktap_finished fails a suite that has a failure or that ended short of
# (or beyond) its plan.
#
#	. "$top/tests/ktap.sh"		(the guest: . /usr/share/duet/ktap.sh)
#	ktap_plan 3
#	ktap_result "$status" "the thing works" "$log"	# status 0 = ok
#	ktap_check "the file is there" test -s "$file"
#	ktap_skip "arm64 part" "no arm64 kernel"
#	ktap_finished				# exits 0 or 1
#
# KTAP_PREFIX is put before every description ("cache (lab): ", say).
# A failed result may show a log file's lines as diagnostics ("#   ...";
# the last KTAP_LOG_LINES of it, 20 unless set): the one it names, else
# KTAP_LOG if set.

KTAP_TESTNO=0
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0
KTAP_PLAN=
KTAP_PREFIX=${KTAP_PREFIX:-}

# ktap_plan N - this suite reports N results.
ktap_plan() {
	KTAP_PLAN=$1
	echo "1..$1"
}

# ktap_result STATUS DESCRIPTION [LOG [LINES]] - one result: ok when
# STATUS is 0; a failure shows the last LINES (KTAP_LOG_LINES) of LOG.
ktap_result() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	if [ "$1" = 0 ]; then
		KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
		echo "ok $KTAP_TESTNO - $KTAP_PREFIX$2"
		return 0
	fi
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	echo "not ok $KTAP_TESTNO - $KTAP_PREFIX$2"
	_ktap_log=${3:-${KTAP_LOG:-}}
	if [ -n "$_ktap_log" ] && [ -f "$_ktap_log" ]; then
		tail -n "${4:-${KTAP_LOG_LINES:-20}}" "$_ktap_log" | sed 's/^/#   /'
	fi
	return 0
}

# ktap_check DESCRIPTION COMMAND... - one result: ok when COMMAND succeeds.
ktap_check() {
	_ktap_desc=$1
	shift
	if "$@"; then ktap_result 0 "$_ktap_desc"; else ktap_result 1 "$_ktap_desc"; fi
}

# ktap_skip DESCRIPTION REASON - one result that was not run, and why.
ktap_skip() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	echo "ok $KTAP_TESTNO - $KTAP_PREFIX$1 # SKIP $2"
}

# ktap_diag TEXT... - a diagnostic line.
ktap_diag() { echo "# $*"; }

# ktap_finished - the totals; exit 1 on a failure or when the results do
# not match the plan (a suite that stopped early fails here).
ktap_finished() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL skip:$KTAP_CNT_SKIP"
	if [ -n "$KTAP_PLAN" ] && [ "$KTAP_TESTNO" != "$KTAP_PLAN" ]; then
		echo "not ok $((KTAP_TESTNO + 1)) - ${KTAP_PREFIX}the suite reported $KTAP_TESTNO results, its plan said $KTAP_PLAN"
		exit 1
	fi
	[ "$KTAP_CNT_FAIL" = 0 ] || exit 1
	exit 0
}

# ktap_status COMMAND... - print 0 if COMMAND succeeds, else 1: a status
# for ktap_result, computed in place.
ktap_status() { if "$@"; then echo 0; else echo 1; fi; }
