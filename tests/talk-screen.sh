#!/bin/sh
# talk-screen.sh [SCREENS] - host test: run `make talk` in tmux as a
# speaker would, press Enter between steps, and check each captured screen
# for what the step promises. Prints TAP verdicts; with SCREENS, keeps the
# captured screens (text) in that file.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/ktap.sh"
screens=${1:-/dev/null}
s=duet-talk-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-talk.XXXXXX")
trap 'tmux kill-session -t $s 2>/dev/null; rm -rf "$tmp"' EXIT
tmux new-session -d -s $s -x 180 -y 50 "cd '$top' && COLUMNS=180 DUET_CACHE='${DUET_CACHE:-}' DUET_REPORT='${DUET_REPORT:-}' sh scripts/talk.sh; echo TALK-DONE; sleep 60"
: >"$screens"
KTAP_PREFIX="talk: " KTAP_LOG=$tmp/screen KTAP_LOG_LINES=30
ktap_plan 18

# screen UNTIL [DRAWN] - wait (up to 3 minutes) until the screen shows
# UNTIL and DRAWN (by default the prompt that ends a step); keep it.
screen() {
	i=0
	while [ $i -lt 360 ]; do
		tmux capture-pane -p -t $s >"$tmp/screen"
		grep -q -- "$1" "$tmp/screen" && grep -q -- "${2:-press Enter for the next step}" "$tmp/screen" &&
			{ cat "$tmp/screen" >>"$screens"; echo "=====" >>"$screens"; return 0; }
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}
# both TEXT - TEXT appears in the C column and in the Rust column.
both() {
	cut -c1-88 "$tmp/screen" | grep -q -- "$1" && cut -c92- "$tmp/screen" | grep -q -- "$1"
}
next() { tmux send-keys -t $s Enter; }

screen "Step 1 of 6"; ktap_result $? "step 1 appears: load order and dependencies"
ktap_result "$(grep -q 'C: duet_c, /dev/duet-c *| Rust: duet_rust, /dev/duet-rust' "$tmp/screen"; echo $?)" "C left, Rust right"
ktap_result "$(cut -c92- "$tmp/screen" | grep -q '^duet_c .* duet_rust'; echo $?)" "the Rust side shows duet_c used by duet_rust"
next
screen "Step 2 of 6"; ktap_result $? "step 2 appears: params"
ktap_result "$(cut -c1-88 "$tmp/screen" | grep -q 'capacity.*digest.*max_open.*trace'; echo $?)" "the C params are in sysfs"
ktap_result "$(cut -c92- "$tmp/screen" | grep -q 'capacity.*digest.*max_open.*trace'; echo $?)" "the Rust params are in sysfs too"
next
screen "Step 3 of 6"; ktap_result $? "step 3 appears: a transfer"
ktap_result "$(both 'identical'; echo $?)" "both devices return the data intact"
dc=$(cut -c1-88 "$tmp/screen" | awk '$1 == "c" { print $(NF - 1), $NF }')
dr=$(cut -c92- "$tmp/screen" | awk '$1 == "rust" { print $(NF - 1), $NF }')
ktap_result "$(if [ -n "$dc" ] && [ "$dc" = "$dr" ]; then echo 0; else echo 1; fi)" "both show the same digests in /proc/duet ($dc / $dr)"
next
screen "Step 4 of 6"; ktap_result $? "step 4 appears: unloading while open"
ktap_result "$(both "can't unload"; echo $?)" "both refuse to unload while open"
next
screen "Step 5 of 6"; ktap_result $? "step 5 appears: bad input"
ktap_result "$(both 'Invalid argument'; echo $?)" "both reject a capacity of 10 with EINVAL"
next
# The break-it step: case 3 of bugs/, with what make bugs recorded in the
# report directory's bugs.tsv (make check puts tests/break-it.sh's there).
title='' c_expect='' rust_expect=''
# shellcheck source=/dev/null # a case file of bugs/
. "$top/bugs/03-use-after-free/case"
screen "Step 6 of 6"; ktap_result $? "step 6 appears: break it ($title)"
# (the first line each patch adds, read from the patches themselves)
c_line=$(grep '^+[^+]' "$top/bugs/03-use-after-free/c.patch" | head -n 1 | sed 's/^+[[:space:]]*//')
rust_line=$(grep '^+[^+]' "$top/bugs/03-use-after-free/rust.patch" | head -n 1 | sed 's/^+[[:space:]]*//')
ktap_result "$(cut -c1-88 "$tmp/screen" | grep -q "^+.*$c_line" && cut -c92- "$tmp/screen" | grep -qF -- "$rust_line"; echo $?)" \
	"the planted lines are shown, C left ($c_line) and Rust right ($rust_line)"
ktap_result "$(cut -c1-88 "$tmp/screen" | grep -q "Caught at run time by $c_expect" && cut -c92- "$tmp/screen" | grep -q "rejected by rustc $rust_expect"; echo $?)" \
	"C: caught at run time by $c_expect; Rust: rejected by rustc $rust_expect (from the run's bugs.tsv)"
next
screen "TALK-DONE" "TALK-DONE"; ktap_result $? "the talk ends with the report's headline"
ktap_result "$(grep -q "report's headline" "$tmp/screen" && grep -q 'Rust divided by C\|no report yet' "$tmp/screen"; echo $?)" "the last screen has the headline numbers (or says how to get them)"
ktap_finished
