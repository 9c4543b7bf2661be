#!/bin/sh
# learn-guest.sh - guest side of `make lab-check`: grade the learner's
# modules of each step directory NN/ here (NN/step, NN/check.sh and, per
# line "LANG MODULE" of NN/modules, NN/MODULE.ko or NN/MODULE.build-error),
# then the exercise of each chapter directory chNN/ (chNN/exercise and
# chNN/check.sh), which edits the real driver: it is graded on the
# installed duet_c and duet_rust (and /lib/modules/duet.symvers, modpost's
# record of their exports, from the same build).
# Prints one TAP line per check; a failed check has a "# fix:" line under
# it that says what to change. Every check of a step runs under a 60 s
# stall limit (duet-watch), so a hung module fails, and says where, rather
# than wedging the boot.
fails=0
kind=step
# check DESCRIPTION FIX COMMAND... - one graded check.
check() {
	_desc=$1 _fix=$2
	shift 2
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok - $kind $n ($lang): $_desc"
	else
		echo "not ok - $kind $n ($lang): $_desc"
		echo "# fix: $_fix"
		sed 's/^/#   /' /tmp/check.out | head -n 5
		fails=$((fails + 1))
		return 1
	fi
}
# c_or_rust C_TEXT RUST_TEXT - the text for this step's language.
c_or_rust() { if [ "$lang" = c ]; then echo "$1"; else echo "$2"; fi; }
# log_has PATTERN - the kernel log since the last load has PATTERN (with
# the level as <N>), an extended regular expression.
log_has() { dmesg -r | grep -Eq -- "$1"; }
# load MODULE [PARAM=VALUE...] - clear the log, insmod NN/MODULE.ko; a
# graded check of its own.
load() {
	_m=$1
	shift
	dmesg -c >/dev/null
	check "insmod $_m.ko${1:+ $*} works" \
		"see the log lines above: init must return 0" \
		insmod "$_m.ko" "$@"
}
# unload MODULE - rmmod it; a graded check.
unload() { check "rmmod $1 works" "exit must not fail: see the log" rmmod "$1"; }
# refused MODULE PARAM=VALUE... - insmod fails with EINVAL ("Invalid
# argument"), and the module is not left loaded.
refused() {
	_m=$1
	shift
	dmesg -c >/dev/null
	if insmod "$_m.ko" "$@" 2>/tmp/refused.out; then
		rmmod "$_m"
		echo "insmod $_m.ko $* succeeded"
		return 1
	fi
	cat /tmp/refused.out
	grep -q 'Invalid argument' /tmp/refused.out
}

# load_duet [PARAM=VALUE...] - clear the log, modprobe this language's
# duet module (duet_rust pulls in duet_c); a graded check of its own.
load_duet() {
	dmesg -c >/dev/null
	check "modprobe $mod${1:+ $*} works" \
		"see the log lines above: init must return 0" \
		modprobe "$mod" "$@"
}
# unload_duet - modprobe -r this language's module (and duet_c); graded.
unload_duet() {
	check "modprobe -r $mod works" "exit must not fail: see the log" \
		modprobe -r "$mod"
}
# elapsed_ms START - milliseconds since START, a value of now_cs.
now_cs() { sed 's/ .*//; s/\.//' /proc/uptime; }
elapsed_ms() { echo $((($(now_cs) - $1) * 10)); }

# learn-guest.sh --chapter DIR LANG: one language of a chapter's exercise.
if [ "${1:-}" = --chapter ]; then
	dir=$2 lang=$3
	kind=chapter n=${dir#ch}
	n=${n#0}
	# shellcheck disable=SC2034 # used by the chapter's check.sh
	mod=duet_$lang impl=$lang dev=/dev/duet-$lang
	cd "$dir" || exit 1
	# shellcheck source=/dev/null # the chapter's own checks
	. ./check.sh
	exit "$fails"
fi

# learn-guest.sh --step DIR LANG MODULE: one language of one step.
if [ "${1:-}" = --step ]; then
	dir=$2 lang=$3 mod=$4
	n=${dir#0}
	cd "$dir" || exit 1
	# shellcheck disable=SC2034 # used by the step's check.sh
	ko=$PWD/$mod.ko
	# shellcheck source=/dev/null # the step's own checks
	. ./check.sh
	exit "$fails"
fi

for dir in [0-9][0-9]; do
	[ -d "$dir" ] || continue
	n=${dir#0}
	echo "# step $n: $(sed -n "s/^title='\(.*\)'$/\1/p" "$dir/step")"
	while read -r lang mod; do
		if [ -f "$dir/$mod.build-error" ]; then
			echo "not ok - step $n ($lang): $mod builds"
			echo "# fix: the first error (make lab-build STEP=$n shows them all):"
			sed 's/^/#   /' "$dir/$mod.build-error"
			fails=$((fails + 1))
			continue
		fi
		duet-watch -t 60 -n "step $n ($lang)" sh "$0" --step "$dir" "$lang" "$mod" ||
			fails=$((fails + 1))
		rmmod "$mod" 2>/dev/null
	done <"$dir/modules"
done
for dir in ch[0-9][0-9]; do
	[ -d "$dir" ] || continue
	n=${dir#ch}
	echo "# chapter ${n#0}: $(sed -n "s/^title='\(.*\)'$/\1/p" "$dir/exercise")"
	for lang in c rust; do
		duet-watch -t 60 -n "chapter ${n#0} ($lang)" sh "$0" --chapter "$dir" "$lang" ||
			fails=$((fails + 1))
		modprobe -r duet_rust duet_c 2>/dev/null
	done
done
[ "$fails" = 0 ]
