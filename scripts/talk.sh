#!/bin/sh
# talk.sh - `make talk`: a scripted, deterministic demo for a talk. The same
# commands run against duet-c and duet-rust in one boot; each step shows
# the two outputs side by side (C left, Rust right) and waits for a key.
# DUET_TALK=auto (or no terminal) runs straight through, for rehearsal and
# tests. Then one bug of the break-it catalogue in both languages, from
# `make bugs`, and last the headline numbers of report/report.md, if any.
. "$(dirname "$0")/lib.sh"
x86_only "make talk"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-talk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
auto=0
[ "${DUET_TALK:-}" = auto ] || ! [ -t 0 ] && auto=1
width=${COLUMNS:-$(tput cols 2>/dev/null || echo 160)}
half=$(((width - 3) / 2))

msg "booting the guest and running the demo (a few seconds)..."
sh "$TOP/scripts/boot.sh" "$TOP/guest/talk-steps.sh" >"$tmp/out" || die "the demo failed in the guest"
grep -q '^@@end' "$tmp/out" || die "the demo did not finish"

# Split into step files: NN.title, NN.c, NN.rust.
awk -v d="$tmp" '
	/^@@step / { n++; f = sprintf("%s/%02d", d, n); print substr($0, 8) > (f ".title"); next }
	/^@@c$/ { out = f ".c"; next }
	/^@@rust$/ { out = f ".rust"; next }
	/^@@end$/ { exit }
	n { print > out }' "$tmp/out"

pause() {
	[ "$auto" = 1 ] && return
	printf '\n[press Enter for the next step] '
	read -r _ </dev/tty
}
rule() { printf '%*s\n' "$width" '' | tr ' ' '-'; }

# The last step, from the host: one bug of the break-it catalogue (bugs/,
# DUET_TALK_BUG, default 3) planted in both languages: the mutation, and
# what `make bugs` found (report/bugs.tsv; or how to get it).
bug=${DUET_TALK_BUG:-3}
bugdir=$(bug_case "$bug")
[ -n "$bugdir" ] || die "DUET_TALK_BUG=$bug: no such case in bugs/ (ls bugs/)"
read_case "$bugdir"
n=$(($(find "$tmp" -name '*.title' | wc -l) + 1))
n=$(printf %02d "$n")
echo "Break it: $title" >"$tmp/$n.title"
tsv=${DUET_REPORT:-$TOP/report}/bugs.tsv
for lang in c rust; do
	{
		if [ "$lang" = c ]; then echo "The mistake: $c_how"; else echo "The mistake: $rust_how"; fi
		grep '^[-+][^-+]' "$bugdir/$lang.patch" | expand -t 8
		echo
		# the build-time checkers that flagged it, then what the run found
		rows=$(awk -F '\t' -v n="$bug" -v l="$lang" '$1 == n && $2 == l' "$tsv" 2>/dev/null)
		if [ -z "$rows" ]; then
			echo "(not run yet: 'make bugs ONLY=$bug' plants it and shows what catches it)"
		else
			printf '%s\n' "$rows" | awk -F '\t' '$3 == "flagged" { print "Flagged at build time by " $4 ":"; print $5; print ""; next }
				$3 == "noted" { next }
				{ print ($3 == "caught" ? "It compiles. Caught at run time by " $4 ":" : $3 == "rejected" ? "It does not compile: rejected by " $4 ":" : $3 == "silent" ? "It compiles, and nothing catches it at run time." : $3); print $5 }'
		fi
	} | fold -w "$half" >"$tmp/$n.$lang"
done

total=$(find "$tmp" -name '*.title' | wc -l)
for t in "$tmp"/*.title; do
	n=$(basename "$t" .title)
	[ "$auto" = 1 ] || clear
	rule
	printf 'Step %d of %d: %s\n' "${n#0}" "$total" "$(cat "$t")"
	rule
	printf '%-*s | %s\n' "$half" "C: duet_c, /dev/duet-c" "Rust: duet_rust, /dev/duet-rust"
	printf '%-*s | %s\n' "$half" "" ""
	# Side by side, each column cut to its width.
	cut -c1-"$half" "$tmp/$n.c" >"$tmp/l"
	cut -c1-"$half" "$tmp/$n.rust" >"$tmp/r"
	awk -v w="$half" 'NR == FNR { l[FNR] = $0; nl = FNR; next } { r[FNR] = $0; nr = FNR }
		END { m = nl > nr ? nl : nr; for (i = 1; i <= m; i++) printf "%-*s | %s\n", w, l[i], r[i] }' \
		"$tmp/l" "$tmp/r"
	pause
done
[ "$auto" = 1 ] || clear
rule
echo "The comparison report's headline (Rust time / C time; below 1: Rust faster)"
rule
report=${DUET_REPORT:-$TOP/report}/report.md
if [ -f "$report" ]; then
	awk '/^## Headline/ { on = 1; next } on && /^## / { exit } on' "$report"
else
	echo "(no report yet: 'make report' measures both and writes it)"
fi
