#!/bin/sh
# learn.sh - host test of the lab's grader (make lab-check): in scratch
# copies of the tree, never the work tree, every step's skeleton as
# shipped must fail its step, and the shipped duet_c and duet_rust must
# fail every chapter's exercise (learn/chNN-*), in C and in Rust; with
# every reference solution (learn/*/solution.patch) applied, every check
# of every step and exercise must pass; and every known-wrong solution
# (learn/*/wrong-NAME.patch, graded in the same boot as the solutions)
# must fail its step or exercise, with the hint its header names.
# Two boots. Prints TAP verdicts.
#
# A wrong-NAME.patch is a whole solution of its step or exercise, made
# against the shipped tree as solution.patch is, that a learner could
# hand in and that must not pass. The lines above its first "--- " line
# say what is wrong with it (the first line, without quotes, is its title)
# and how it is graded:
#	lang: c			the language it is graded in (c or rust)
#	hint: REGEX		an extended regular expression that the "# fix:"
#				line of its first failed check must match
#	last: yes		it may leave the kernel unable to load that
#				module again: graded after the others
#	with: c			a step's: build its other language's modules
#				too (the Rust module of step 4 needs the C one)
#
# learn.sh --wrong [PATTERN]: only the known-wrong solutions whose
# directory/name match the shell PATTERN (ch03*, 01*/wrong-both*), in
# one boot of the solved tree, for working on a grader.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$top/tests/ktap.sh"
set +e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-learn-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

only=
if [ "${1:-}" = --wrong ]; then
	only=${2:-*}
fi
steps=$(learn_steps all)
chapters=$(lab_exercises all)
wrongs=
for p in "$TOP"/learn/*/wrong-*.patch; do
	[ -f "$p" ] || continue
	# shellcheck disable=SC2254 # a pattern
	case ${p#"$TOP"/learn/} in $only*) ;; *) [ -z "$only" ] || continue ;; esac
	wrongs="$wrongs $p"
done
nwrong=$(echo "$wrongs" | wc -w)
if [ -n "$only" ]; then
	ktap_plan "$nwrong"
else
	# Three results, then two per language for each step and chapter,
	# then one per known-wrong solution.
	ktap_plan $((3 + 4 * $(echo "$steps" "$chapters" | wc -w) + nwrong))
fi
# grade NAME [WRONG] - make lab-check in the copy $tmp/NAME, with
# DUET_LAB_WRONG=WRONG (lab-check.sh); its output in NAME.log.
grade() {
	start=$(date +%s)
	DUET_LAB_WRONG=${2:-0} make -s -C "$tmp/$1" lab-check >"$tmp/$1.log" 2>&1
	echo $? >"$tmp/$1.rc"
	echo $(($(date +%s) - start)) >"$tmp/$1.secs"
}
# header PATCH FIELD - a field of a wrong-NAME.patch's header.
header() { sed -n "/^--- /q; s/^$2:[ 	]*//p" "$1" | head -n 1; }
# variant PATCH DEST - put the known-wrong solution PATCH into the copy
# DEST, in learn/wrong/ (learn-build.sh says how it is built there): a
# step's as NN-NAME, the skeleton's copy with PATCH applied; a chapter's
# as duet/CHNN-NAME, a copy of the shipped c_module/ and rust_module/ with
# PATCH applied, and a Kbuild that builds its language's module.
variant() {
	_ex=$(basename "$(dirname "$1")")
	_name=$(basename "$1" .patch | sed 's/^wrong-//')
	_lang=$(header "$1" lang)
	_last=0
	[ "$(header "$1" last)" != yes ] || _last=1
	case $_ex in
	ch*)
		_v=$2/learn/wrong/duet/$(echo "$_ex" | cut -c1-4)-$_name
		_n=$(echo "$_ex" | cut -c3-4 | sed 's/^0//')
		_kind=chapter
		mkdir -p "$_v"
		(cd "$TOP" && cp -R c_module rust_module shared_abi guest "$_v/")
		patch -s -p1 -d "$_v" <"$1" || return 1
		rm -rf "$_v/shared_abi" "$_v/guest"
		echo "obj-m += ${_lang}_module/" >"$_v/Kbuild"
		echo "obj-m += $(basename "$_v")/" >>"$2/learn/wrong/duet/Kbuild"
		;;
	*)
		_v=$2/learn/wrong/$(echo "$_ex" | cut -c1-2)-$_name
		_n=$(echo "$_ex" | cut -c1-2 | sed 's/^0//')
		_kind=step
		mkdir -p "$2/learn/wrong"
		cp -R "$TOP/learn/$_ex" "$_v"
		rm -f "$_v"/*.patch
		patch -s -p3 -d "$_v" <"$1" || return 1
		;;
	esac
	find "$_v" -name '*.orig' -delete
	printf "kind=%s\nn=%s\nlang=%s\nlast=%s\nmodules=%s\ntitle='%s'\n" "$_kind" "$_n" \
		"$_lang" "$_last" "$_lang $(header "$1" with)" "$(head -n 1 "$1" | tr -d "'")" >"$_v/variant"
}
# wrong_verdicts LOG - one result per known-wrong solution: its block of
# LOG (between "# wrong NAME" and "# wrong NAME end") has a failed check,
# and the "# fix:" line of the first one matches the patch's hint.
wrong_verdicts() {
	for p in $wrongs; do
		ex=$(basename "$(dirname "$p")")
		name=$(basename "$p" .patch | sed 's/^wrong-//')
		case $ex in
		ch*) v=$(echo "$ex" | cut -c1-4)-$name ;;
		*) v=$(echo "$ex" | cut -c1-2)-$name ;;
		esac
		hint=$(header "$p" hint)
		awk -v v="$v" '$0 == "# wrong " v " end" { exit } on; index($0, "# wrong " v ": ") == 1 { on = 1 }' \
			"$1" >"$tmp/$v.out"
		failed=$(grep -c '^not ok - ' "$tmp/$v.out")
		fix=$(sed -n 's/^# fix: //p' "$tmp/$v.out" | head -n 1)
		if [ ! -s "$tmp/$v.out" ]; then
			echo "no \"# wrong $v\" block in the log: not graded" >"$tmp/$v.out"
			ktap_result 1 "$ex/$(basename "$p"): graded" "$tmp/$v.out"
		elif [ -z "$hint" ]; then
			echo "no hint: line in its header" >>"$tmp/$v.out"
			ktap_result 1 "$ex/$(basename "$p"): has a hint: line" "$tmp/$v.out"
		elif [ "$failed" -gt 0 ] && printf '%s\n' "$fix" | grep -Eq -- "$hint"; then
			ktap_result 0 "$ex/$(basename "$p"): fails ($failed checks), the first hint /$hint/"
		else
			{
				echo "wanted: a failed check whose hint matches /$hint/"
				echo "got: $failed failed; the first hint: ${fix:-none}"
			} >>"$tmp/$v.out"
			ktap_result 1 "$ex/$(basename "$p"): fails, the first hint /$hint/" "$tmp/$v.out" 40
		fi
	done
}

if [ -z "$only" ]; then
	scratch_copy "$tmp/skeleton"
	grade skeleton
	ktap_result "$(if [ "$(cat "$tmp/skeleton.rc")" != 0 ]; then echo 0; else echo 1; fi)" \
		"lab-check: the skeletons and the driver as shipped fail (status $(cat "$tmp/skeleton.rc"), $(cat "$tmp/skeleton.secs") s)" "$tmp/skeleton.log"
fi

scratch_copy "$tmp/solved"
: >"$tmp/patch.log"
for d in $steps $chapters; do
	patch -s -p1 -d "$tmp/solved" <"$d/solution.patch" >>"$tmp/patch.log" 2>&1 ||
		echo "$(basename "$d")/solution.patch does not apply" >>"$tmp/patch.log"
done
for p in $wrongs; do
	variant "$p" "$tmp/solved" >>"$tmp/patch.log" 2>&1 ||
		echo "${p#"$TOP"/}: does not apply to its shipped files" >>"$tmp/patch.log"
done
if [ -n "$only" ]; then
	[ ! -s "$tmp/patch.log" ] || cat "$tmp/patch.log" >&2
	grade solved only
else
	ktap_result "$(if [ -s "$tmp/patch.log" ]; then echo 1; else echo 0; fi)" \
		"lab-check: every reference solution and known-wrong solution applies to its skeleton" "$tmp/patch.log"
	grade solved 1
	ktap_result "$(cat "$tmp/solved.rc")" \
		"lab-check: with every reference solution, the grader passes ($(cat "$tmp/solved.secs") s)" "$tmp/solved.log" 40
fi

# verdicts KIND N SHIPPED - for step or chapter N, in C and in Rust: the
# run of the tree as shipped failed some check, the solved run none.
verdicts() {
	for lang in c rust; do
		failed=$(grep -c "^not ok - $1 $2 ($lang): " "$tmp/skeleton.log")
		ktap_result "$(if [ "$failed" -gt 0 ]; then echo 0; else echo 1; fi)" \
			"lab-check $1 $2 ($lang): $3 fails ($failed checks fail)" "$tmp/skeleton.log"
		passed=$(sed '/^# wrong /,$d' "$tmp/solved.log" | grep -c "^ok - $1 $2 ($lang): ")
		failed=$(sed '/^# wrong /,$d' "$tmp/solved.log" | grep -c "^not ok - $1 $2 ($lang): ")
		ktap_result "$(if [ "$passed" -gt 0 ] && [ "$failed" = 0 ]; then echo 0; else echo 1; fi)" \
			"lab-check $1 $2 ($lang): with the reference solution, it passes ($passed checks pass, $failed fail)" "$tmp/solved.log"
	done
}
if [ -z "$only" ]; then
	for d in $steps; do
		verdicts step "$(basename "$d" | cut -c1-2 | sed 's/^0//')" "the skeleton"
	done
	for d in $chapters; do
		verdicts chapter "$(basename "$d" | cut -c3-4 | sed 's/^0//')" "the shipped driver"
	done
fi
wrong_verdicts "$tmp/solved.log"
# DUET_LEARN_LOGS=DIR: keep the runs' logs there.
[ -z "${DUET_LEARN_LOGS:-}" ] || cp "$tmp"/*.log "$DUET_LEARN_LOGS/"
ktap_finished
