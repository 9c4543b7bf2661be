#!/bin/sh
# lab-guest.sh - guest side of `make lab`: for each chapter NN in the
# working directory (NN.guest, NN.expect, NN.title, NN.solution, and
# NN.hostout: what its ```sh host block printed, see lab.sh), run its
# commands echoing each one (sh -v), check every expected pattern against
# their output and the host block's, run the solution of its exercise if
# given, and leave no duet module loaded.
# Each chapter and solution runs under duet-watch: one that prints nothing
# for 90 s is hung, says where the kernel is stuck, and the chapters after
# it are reported as not run.
# shellcheck source=ktap.sh # (guest-image.sh puts it there)
. /usr/share/duet/ktap.sh
# results_of N - how many results chapter N reports: one per expected
# pattern, one for the modules left, one for the exercise's solution.
results_of() {
	echo $(($(grep -c . "$1.expect") + 1 + $([ -s "$1.solution" ] && echo 1 || echo 0)))
}
plan=0
for guest in *.guest; do
	plan=$((plan + $(results_of "${guest%.guest}")))
done
ktap_plan $plan
# skip_rest N DONE - report chapter N's results after the first DONE as
# not run.
skip_rest() {
	_i=$2
	while [ "$_i" -lt "$(results_of "$1")" ]; do
		ktap_skip "lab $1: $(cat "$1.title")" "not run: the device is wedged ($wedged hung)"
		_i=$((_i + 1))
	done
}
wedged=
for guest in *.guest; do
	n=${guest%.guest}
	if [ -n "$wedged" ]; then
		skip_rest "$n" 0
		continue
	fi
	echo "# lab chapter $(cat "$n.title")"
	dmesg -c >/dev/null
	duet-watch -t 90 -n "lab $n: chapter $(cat "$n.title")" sh -v "$guest" >"/tmp/$n.out" 2>&1
	sed 's/^\(\(not \)\{0,1\}ok \)/# \1/' "/tmp/$n.out"
	if grep -q "^not ok - lab $n: .*: hung" "/tmp/$n.out"; then
		wedged="lab $n"
		ktap_result 1 "lab $n: chapter $(cat "$n.title") hung"
		skip_rest "$n" 1
		continue
	fi
	[ ! -s "$n.hostout" ] || cat "$n.hostout" >>"/tmp/$n.out"
	while IFS= read -r pattern; do
		[ -n "$pattern" ] || continue
		grep -Eq -- "$pattern" "/tmp/$n.out"
		ktap_result $? "lab $n: the output has /$pattern/"
	done <"$n.expect"
	left=$(grep '^duet_' /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
	ktap_result "$(ktap_status [ -z "$left" ])" "lab $n: leaves no duet module loaded${left:+ (left: $left)}"
	modprobe -r duet_rust duet_c 2>/dev/null
	if [ -s "$n.solution" ]; then
		dmesg -c >/dev/null
		duet-watch -t 90 -n "lab $n: the exercise's solution" sh "$n.solution" >"/tmp/$n.sol" 2>&1
		rc=$?
		[ $rc != 124 ] || wedged="lab $n (its solution)"
		ktap_result $rc "lab $n: the exercise's solution works" "/tmp/$n.sol"
		modprobe -r duet_rust duet_c 2>/dev/null
	fi
done
ktap_finished
