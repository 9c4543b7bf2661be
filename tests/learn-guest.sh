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
#
# Besides: bin/, the graders' static tools (learn/tools/), put on PATH;
# duet/, what learn-build.sh read of the installed duet_c.ko and
# duet_rust.ko (MODULE.nm, .relocs, ...), as $facts for the chapters'
# checks (a step's are in its own directory); and, from tests/learn.sh
# (DUET_LAB_WRONG=1), wrong/NAME/: known-wrong solutions, each graded like
# its step or chapter (wrong/NAME/variant says which, and its language)
# between "# wrong NAME" and "# wrong NAME end" lines, not counted in the
# exit status. A chapter's known-wrong solution is its own duet_c.ko or
# duet_rust.ko, put in place of the installed one while it is graded.
top=$PWD
PATH=$top/bin:$PATH
export PATH
# shellcheck disable=SC2034 # used by the chapters' check.sh
facts=$top/duet
fails=0
kind=step
# check DESCRIPTION FIX COMMAND... - one graded check; a failure shows the
# first $lines (5) lines of what COMMAND printed.
lines=5
check() {
	_desc=$1 _fix=$2
	shift 2
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok - $kind $n ($lang): $_desc"
	else
		echo "not ok - $kind $n ($lang): $_desc"
		echo "# fix: $_fix"
		sed 's/^/#   /' /tmp/check.out | head -n "$lines"
		fails=$((fails + 1))
		return 1
	fi
}
# logged COMMAND... - run a command that loads a module (after the caller
# cleared the log); if it fails, print the kernel log of that load too.
logged() {
	"$@" && return 0
	_rc=$?
	echo "the kernel log of this load:"
	dmesg -r | sed -n 's/^<[0-9]*>\(\[[ 0-9.]*\] \)\{0,1\}//p' | tail -n 8
	return $_rc
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
	lines=12
	check "insmod $_m.ko${1:+ $*} works" \
		"init must return 0: see the kernel log of this load, below" \
		logged insmod "$_m.ko" "$@"
	_rc=$?
	lines=5
	return $_rc
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
	lines=12
	check "modprobe $mod${1:+ $*} works" \
		"init must return 0: see the kernel log of this load, below" \
		logged modprobe "$mod" "$@"
	_rc=$?
	lines=5
	return $_rc
}
# unload_duet - modprobe -r this language's module (and duet_c); graded.
unload_duet() {
	check "modprobe -r $mod works" "exit must not fail: see the log" \
		modprobe -r "$mod"
}
# elapsed_ms START - milliseconds since START, a value of now_cs.
now_cs() { sed 's/ .*//; s/\.//' /proc/uptime; }
elapsed_ms() { echo $((($(now_cs) - $1) * 10)); }

# learn-guest.sh --chapter DIR LANG [N]: one language of chapter N's
# exercise (N: DIR's number, chNN).
if [ "${1:-}" = --chapter ]; then
	dir=$2 lang=$3
	kind=chapter n=${4:-${dir#ch}}
	n=${n#0}
	# A known-wrong solution's directory has the facts of its modules.
	# shellcheck disable=SC2034 # used by the chapter's check.sh
	[ ! -f "$dir/duet_c.nm" ] || facts=$top/$dir
	# shellcheck disable=SC2034 # used by the chapter's check.sh
	mod=duet_$lang impl=$lang dev=/dev/duet-$lang
	cd "$dir" || exit 1
	# shellcheck source=/dev/null # the chapter's own checks
	. ./check.sh
	exit "$fails"
fi

# learn-guest.sh --step DIR LANG MODULE [N]: one language of step N (DIR's
# number).
if [ "${1:-}" = --step ]; then
	dir=$2 lang=$3 mod=$4
	n=${5:-${dir#0}}
	n=${n#0}
	cd "$dir" || exit 1
	# shellcheck disable=SC2034 # used by the step's check.sh
	ko=$PWD/$mod.ko
	# shellcheck source=/dev/null # the step's own checks
	. ./check.sh
	exit "$fails"
fi

# grade_step DIR N [LANG] - grade each module of a step directory (or
# only its LANG one).
grade_step() {
	grep "^${3:-[a-z]*} " "$1/modules" >/tmp/modules
	while read -r lang mod; do
		if [ -f "$1/$mod.build-error" ]; then
			echo "not ok - step $2 ($lang): $mod builds"
			echo "# fix: the first error (make lab-build STEP=$2 shows them all):"
			sed 's/^/#   /' "$1/$mod.build-error"
			fails=$((fails + 1))
			continue
		fi
		duet-watch -t 60 -n "step $2 ($lang)" sh "$0" --step "$1" "$lang" "$mod" "$2" ||
			fails=$((fails + 1))
		rmmod "$mod" 2>/dev/null
	done </tmp/modules
}
# grade_chapter DIR N LANG - grade one language of a chapter's exercise.
grade_chapter() {
	duet-watch -t 60 -n "chapter $2 ($3)" sh "$0" --chapter "$1" "$3" "$2" ||
		fails=$((fails + 1))
	modprobe -r duet_rust duet_c 2>/dev/null
}

for dir in [0-9][0-9]; do
	[ -d "$dir" ] || continue
	n=${dir#0}
	echo "# step $n: $(sed -n "s/^title='\(.*\)'$/\1/p" "$dir/step")"
	grade_step "$dir" "$n"
done
for dir in ch[0-9][0-9]; do
	[ -d "$dir" ] || continue
	n=${dir#ch}
	echo "# chapter ${n#0}: $(sed -n "s/^title='\(.*\)'$/\1/p" "$dir/exercise")"
	for lang in c rust; do
		grade_chapter "$dir" "${n#0}" "$lang"
	done
done
status=$fails

# The known-wrong solutions, those that say last=1 (they may leave the
# kernel unable to load duet again) after the others.
moddir=/lib/modules/$(uname -r)/kernel/drivers/misc/duet
mkdir -p /tmp/installed
cp "$moddir"/*/duet_*.ko /lib/modules/duet.symvers /tmp/installed/ 2>/dev/null
for v in $(grep -l '^last=0' wrong/*/variant 2>/dev/null) $(grep -l '^last=1' wrong/*/variant 2>/dev/null); do
	v=${v%/variant}
	name=${v#wrong/}
	kind='' n='' lang='' title=''
	# shellcheck source=/dev/null # written by tests/learn.sh
	. "$v/variant"
	echo "# wrong $name: $kind $n ($lang), $title"
	if [ "$kind" = step ]; then
		grade_step "$v" "$n" "$lang"
	else
		# In place of the installed module, for modprobe; its exports
		# for the checks that read them; its facts for the others.
		for ko in "$v"/duet_*.ko; do
			[ -f "$ko" ] && cp "$ko" "$moddir/$(basename "$ko" | sed 's/duet_\(.*\)\.ko/\1/')_module/"
		done
		[ ! -s "$v/duet.symvers" ] || cp "$v/duet.symvers" /lib/modules/duet.symvers
		if [ -f "$v/duet_$lang.build-error" ]; then
			echo "not ok - chapter $n ($lang): duet_$lang builds"
			sed 's/^/#   /' "$v/duet_$lang.build-error"
		else
			# Its facts, and the installed module's for the other.
			for f in "$top"/duet/*; do
				[ -e "$v/$(basename "$f")" ] || cp "$f" "$v/"
			done
			grade_chapter "$v" "$n" "$lang"
		fi
		cp /tmp/installed/duet_c.ko "$moddir/c_module/"
		cp /tmp/installed/duet_rust.ko "$moddir/rust_module/"
		cp /tmp/installed/duet.symvers /lib/modules/
	fi
	echo "# wrong $name end"
done
[ "$status" = 0 ]
