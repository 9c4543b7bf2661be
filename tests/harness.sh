#!/bin/sh
# harness.sh - host test of `make run`: the guest's exit status comes back,
# the script sees the files of FILES in its working directory, and nothing
# is left behind. Prints TAP verdicts.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/ktap.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-harness.XXXXXX")
ktap_plan 7
KTAP_LOG=$tmp/run.log
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/files" "$tmp/scratch"
token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
echo "$token" >"$tmp/files/token"
printf 'exit 0\n' >"$tmp/exit0.sh"
printf 'exit 3\n' >"$tmp/exit3.sh"
# shellcheck disable=SC2016 # expanded in the guest
printf '[ "$(pwd)" = /duet-run/files ] && [ "$(cat token)" = %s ]\n' "$token" >"$tmp/files.sh"

# run SCRIPT [FILES] - make run, quietly, with its own TMPDIR; prints status.
run() {
	TMPDIR=$tmp/scratch make -s -C "$top" run SCRIPT="$1" ${2:+FILES="$2"} \
		>"$tmp/run.log" 2>&1
	echo $?
}

rc=$(run "$tmp/exit0.sh")
ktap_result "$(ktap_status [ "$rc" = 0 ])" "make run returns 0 when the script exits 0 (got $rc)"
# make itself can only exit 0, 1 or 2: it fails, and says the status.
rc=$(run "$tmp/exit3.sh")
ktap_result "$([ "$rc" != 0 ] && grep -q 'the script exited with status 3' "$tmp/run.log"; echo $?)" \
	"make run fails and reports status 3 when the script exits 3 (got $rc)"
rc=$(TMPDIR=$tmp/scratch sh "$top/scripts/boot.sh" "$tmp/exit3.sh" >"$tmp/run.log" 2>&1; echo $?)
ktap_result "$(ktap_status [ "$rc" = 3 ])" "scripts/boot.sh returns exactly 3 when the script exits 3 (got $rc)"
rc=$(run "$tmp/files.sh" "$tmp/files")
ktap_result "$(ktap_status [ "$rc" = 0 ])" "the script runs in the FILES directory and sees its files (got $rc)"
left=$(ls -A "$tmp/scratch")
ktap_result "$(ktap_status [ -z "$left" ])" "make run leaves no temporary files behind${left:+ (left: $left)}"

# A guest script that prints nothing for DUET_STALL seconds is stopped as
# hung, with where its tasks sleep, instead of sitting out DUET_TIMEOUT.
printf 'echo started\nsleep 600\n' >"$tmp/stall.sh"
start=$(date +%s)
rc=$(DUET_STALL=5 run "$tmp/stall.sh")
secs=$(($(date +%s) - start))
ktap_result "$([ "$rc" != 0 ] && [ "$secs" -lt 60 ] && grep -q '^not ok - the guest script: hung' "$tmp/run.log" &&
	grep -q '^#   sleep (pid [0-9]*, state S) sleeps in ' "$tmp/run.log"; echo $?)" \
	"a guest script silent for DUET_STALL=5 s is stopped as hung within a minute ($secs s), saying where it sleeps"

# A kernel that stops before it starts /init ran no duet code: boot.sh
# boots it once more, says so, then reports the failure. (rdinit=/bin/false:
# the kernel never runs /init, and ends in a shell on its console, stalled
# until DUET_TIMEOUT.)
start=$(date +%s)
rc=$(DUET_TIMEOUT=20 DUET_CMDLINE=rdinit=/bin/false run "$tmp/exit0.sh")
secs=$(($(date +%s) - start))
ktap_result "$([ "$rc" != 0 ] && [ "$(grep -c 'stopped before starting /init' "$tmp/run.log")" = 1 ] &&
	grep -q 'did not finish within 20 s' "$tmp/run.log"; echo $?)" \
	"a kernel that stalls before /init is booted once more, said so, then reported ($secs s, got $rc)"
ktap_finished
