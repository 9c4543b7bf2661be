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
# status_of COMMAND... - 0 if COMMAND succeeds, else 1 (for a verdict).
status_of() { if "$@"; then echo 0; else echo 1; fi; }
fails=0
verdict() {
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fails=$((fails + 1)); fi
}
wedged=
for guest in *.guest; do
	n=${guest%.guest}
	if [ -n "$wedged" ]; then
		echo "ok - lab $n: $(cat "$n.title") # SKIP not run: the device is wedged ($wedged hung)"
		continue
	fi
	echo "# lab chapter $(cat "$n.title")"
	dmesg -c >/dev/null
	duet-watch -t 90 -n "lab $n: chapter $(cat "$n.title")" sh -v "$guest" 2>&1 | tee "/tmp/$n.out"
	if grep -q "^not ok - lab $n: .*: hung" "/tmp/$n.out"; then
		wedged="lab $n"
		fails=$((fails + 1))
		continue
	fi
	[ ! -s "$n.hostout" ] || cat "$n.hostout" >>"/tmp/$n.out"
	while IFS= read -r pattern; do
		[ -n "$pattern" ] || continue
		grep -Eq -- "$pattern" "/tmp/$n.out"
		verdict $? "lab $n: the output has /$pattern/"
	done <"$n.expect"
	left=$(grep '^duet_' /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
	verdict "$(status_of [ -z "$left" ])" "lab $n: leaves no duet module loaded${left:+ (left: $left)}"
	modprobe -r duet_rust duet_c 2>/dev/null
	if [ -s "$n.solution" ]; then
		dmesg -c >/dev/null
		duet-watch -t 90 -n "lab $n: the exercise's solution" sh "$n.solution" >"/tmp/$n.sol" 2>&1
		rc=$?
		if [ $rc = 124 ]; then
			cat "/tmp/$n.sol"
			wedged="lab $n (its solution)"
			fails=$((fails + 1))
			continue
		fi
		verdict $rc "lab $n: the exercise's solution works"
		[ $rc = 0 ] || sed 's/^/#   /' "/tmp/$n.sol"
		modprobe -r duet_rust duet_c 2>/dev/null
	fi
done
[ "$fails" = 0 ]
