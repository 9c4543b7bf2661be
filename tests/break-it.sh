#!/bin/sh
# break-it.sh [OUTDIR] - host test of the break-it catalogue (scripts/bugs.sh),
# the bounded part that make check runs: every Rust mutation that the compiler
# is expected to reject (rust_expect=E... in bugs/NN-*/case) is compiled
# and must still be rejected with that error code; every C mutation with a
# c_expect is run on the debug kernel and must still be caught by that
# check; every C mutation with a c_build is compiled and must be flagged
# by each build-time checker it names, and the unchanged modules by none;
# each checker's probe (bugs/probes/TOOL.patch) must be flagged by TOOL.
# Also: the scratch builds leave the checkout's own modules in the kernel
# cache alone. Prints TAP verdicts. With OUTDIR, leaves the results
# there as bugs.tsv (make check gives the talk's test the report directory).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$top/tests/ktap.sh"
set +e
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-bugs-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

rust='' c='' cbuild='' nbuild=0 cbuild_tools=''
for d in "$top"/bugs/[0-9][0-9]-*; do
	read_case "$d"
	n=$(basename "$d" | cut -d- -f1)
	n=$((1$n - 100))
	[ -z "$rust_expect" ] || rust="$rust $n"
	[ -z "$c_expect" ] || c="$c $n"
	[ -z "$c_build" ] || { cbuild="$cbuild $n"; nbuild=$((nbuild + $(echo "$c_build" | wc -w))); }
	cbuild_tools="$cbuild_tools $c_build"
done
probes=$(for p in "$top"/bugs/probes/*.patch; do basename "$p" .patch; done | paste -sd " ")
# Seven results, one per case run, one per build-time checker that must
# flag a C mutation, and one per probe.
ktap_plan $((7 + $(echo "$rust" "$c" | wc -w) + nbuild + $(echo "$probes" | wc -w)))

# Every planted mutation must still apply to the tree as it is now: a
# patch that no longer applies hides its case from make bugs and the lab.
: >"$tmp/apply.log"
for p in "$top"/bugs/*/*.patch; do
	patch -p1 --dry-run -s -d "$top" <"$p" >/dev/null 2>&1 ||
		echo "${p#"$top"/} no longer applies: remake it against the current sources" >>"$tmp/apply.log"
done
ktap_result "$(if [ -s "$tmp/apply.log" ]; then echo 1; else echo 0; fi)" \
	"bugs: every patch of bugs/ applies to the current sources" "$tmp/apply.log"

# The checkout's debug modules, as the cache holds them before the runs
# (built from this checkout first: another copy of the tree may have built
# its own there since).
sh "$top/scripts/prepare.sh" debug >"$tmp/prepare.log" 2>&1
kdir=$(kernel_dir debug)
modules() { find "$kdir/stage" "$kdir/build/drivers/misc/duet" -name 'duet_*.ko' -exec sha256sum {} + 2>/dev/null | sort; cat "$kdir/modules.key" 2>/dev/null; }
modules >"$tmp/before"

# expect LANG CASES - one verdict per case: what the run of its LANG
# mutation recorded must be what its case file expects.
expect() {
	for n in $2; do
		read_case "$(bug_case "$n")"
		if [ "$1" = rust ]; then
			want="rejected rustc $rust_expect" what="rustc rejects the Rust mutation with $rust_expect"
		else
			want="caught $c_expect" what="the C mutation is caught by $c_expect"
		fi
		got=$(awk -F '\t' -v n="$n" -v l="$1" '$1 == n && $2 == l && $3 != "flagged" && $3 != "noted" { print $3 " " $4 ": " $5 }' "$tmp/$1/bugs.tsv" 2>/dev/null)
		case $got in "$want: "*) ok=0 ;; *) ok=1 ;; esac
		ktap_result $ok "bugs $n ($title): $what (${got:-no result})"
	done
}

# shellcheck disable=SC2086 # lists of case numbers
DUET_BUGS_OUT=$tmp/rust sh "$top/scripts/bugs.sh" -c -l rust $rust >"$tmp/rust.log" 2>&1
ktap_result $? "bugs: the Rust mutations that must not compile were built (cases$rust)" "$tmp/rust.log"
expect rust "$rust"
# shellcheck disable=SC2086
DUET_BUGS_OUT=$tmp/c sh "$top/scripts/bugs.sh" -n -l c $c >"$tmp/c.log" 2>&1
ktap_result $? "bugs: the C mutations were planted, built and run on the debug kernel (cases$c)" "$tmp/c.log"
expect c "$c"

# The C mutations that a build-time checker must flag (c_build in their
# case file), compiled and checked only, each by the checkers it names
# (-T): one verdict per checker named. (The run above boots its cases
# without the checkers, -n: all of them take about two minutes a mutation,
# Coccinelle most of it.)
# shellcheck disable=SC2086
DUET_BUGS_OUT=$tmp/cbuild sh "$top/scripts/bugs.sh" -c -T -l c $cbuild >"$tmp/cbuild.log" 2>&1
ktap_result $? "bugs: the C mutations for the build-time checkers were built and checked (cases$cbuild)" "$tmp/cbuild.log"
for n in $cbuild; do
	read_case "$(bug_case "$n")"
	for t in $c_build; do
		got=$(awk -F '\t' -v n="$n" -v t="$t" '$1 == n && $2 == "c" && $3 == "flagged" && $4 == t { print $5; exit }' \
			"$tmp/cbuild/bugs.tsv" 2>/dev/null)
		ok=0
		[ -n "$got" ] || ok=1
		ktap_result $ok "bugs $n ($title): $t flags the C mutation (${got:-it did not})"
	done
done
# Each checker's column is real: its probe, a small mistake planted alone
# and checked by that checker only, must be flagged by it.
DUET_BUGS_OUT=$tmp/probes sh "$top/scripts/bugs.sh" -p >"$tmp/probes.log" 2>&1
ktap_result $? "bugs: the build-time checkers' probes were built and checked (bugs/probes/)" "$tmp/probes.log"
for t in $probes; do
	got=$(awk -F '\t' -v t="$t" '$1 == t && $4 == t && ($3 == "flagged" || $3 == "rejected") { print $5; exit }' \
		"$tmp/probes/probes.tsv" 2>/dev/null)
	ok=0
	[ -n "$got" ] || ok=1
	ktap_result $ok "bugs: $t flags its probe, bugs/probes/$t.patch (${got:-it did not})"
done
# Each run checked the unchanged modules first (case 0): nothing of theirs
# may be flagged, or every mutation's findings would hide behind it. The
# three runs must cover every checker: the cases' (c_build), the probes',
# and rustc and Clippy, which come with every Rust build.
cat "$tmp/rust/bugs.tsv" "$tmp/cbuild/bugs.tsv" "$tmp/probes/probes.tsv" 2>/dev/null | awk -F '\t' '$1 == 0 && $3 == "flagged"' >"$tmp/base.flagged"
all_tools=$(sed -n 's/^\(C\|RUST\)_TOOLS="\(.*\)"$/\2/p' "$top/scripts/bugs.sh")
for t in $all_tools; do
	case " $cbuild_tools $probes rustc Clippy " in
	*" $t "*) ;;
	*) echo "$t ran on no unchanged module here: name it in a case's c_build, or give it a probe" >>"$tmp/base.flagged" ;;
	esac
done
ok=0
[ ! -s "$tmp/base.flagged" ] || ok=1
ktap_result $ok \
	"bugs: the build-time checkers find nothing in the unchanged modules (C: clang, W=1, sparse, Coccinelle, clang-analyzer, clang-tidy, checkpatch; Rust: rustc, Clippy)" \
	"$tmp/base.flagged"

modules >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ktap_result $? "bugs: the scratch builds left the checkout's own debug modules in the cache unchanged" "$tmp/after"
[ -z "${1:-}" ] || cat "$tmp/rust/bugs.tsv" "$tmp/c/bugs.tsv" >"$1/bugs.tsv" 2>/dev/null
ktap_finished
