#!/bin/sh
# difftest.sh [--check | --quick | --stress] [FLAVOR] - the differential
# tester (tests/selftests/difftest.c) in the guest, on the FLAVOR kernel
# (lab unless given): the same calls to /dev/duet-c and /dev/duet-rust,
# every answer compared, the differences allowed only as
# tests/difftest-allowed.txt lists them. Prints TAP; exits non-zero on a
# divergence, with the seed, the step, both answers and a shrunk
# reproducer (a difftest command line).
#   (none)    `make difftest [SEED=n] [OPS=n]`: seed SEED (1), OPS (20000)
#             lockstep operations, every blocking scenario, the param corpus
#   --check   make check's bounded run: seeds 1 to 5, 20000 operations each
#             (10^5), every blocking scenario, the whole param corpus
#   --quick   make check-quick's and the debug kernel's: one seed, 5000
#             operations, each blocking scenario once, no param corpus
#   --stress  make stress's: seeds 1 to 100, 10^5 operations each (10^7)
. "$(dirname "$0")/lib.sh"
mode=user
case ${1:-} in --check | --quick | --stress) mode=${1#--}; shift ;; esac
flavor=${1:-${DUET_FLAVOR:-lab}}
case $mode in
user) args="-s ${SEED:-1} -n 1 -o ${OPS:-20000}" ;;
check) args= ;;
quick) args="-s 1 -n 1 -o 5000 -r 1 -g lockstep,blocking" ;;
stress) args="-s 1 -n 100 -o 100000 -g lockstep" ;;
esac
files=$(mktemp -d "${TMPDIR:-/tmp}/duet-difftest.XXXXXX")
trap 'rm -rf "$files"' EXIT
echo "$args" >"$files/difftest.args"
cp "$TOP/tests/difftest-allowed.txt" "$files/"
# The output is kept for the report's "Same answers" section.
save=${DUET_DIFFTEST_OUT:-}
[ -n "$save" ] || [ "$mode" != user ] || save=${DUET_REPORT:-$TOP/report}/difftest.txt
[ -z "$save" ] || mkdir -p "$(dirname "$save")"
msg "difftest on the $flavor kernel: ${args:-seeds 1 to 5, 20000 operations each, every scenario, the param corpus}${save:+ (output kept in $save)}"
{
	DUET_FLAVOR=$flavor DUET_TIMEOUT=${DUET_TIMEOUT:-1800} sh "$TOP/scripts/boot.sh" "$TOP/tests/difftest-guest.sh" "$files"
	echo $? >"$files/rc"
} | tee "${save:-/dev/null}"
exit "$(cat "$files/rc")"
