#!/bin/sh
# bugs-table.sh TSV - the "Break it" section of the report, in markdown,
# from the results of `make bugs` (report/bugs.tsv) and the cases in
# $DUET_SRC/bugs: for each classic module bug, what the C and the Rust
# mutation came to, with the line that shows it.
set -eu
tsv=$1
echo "## Break it: the classic module bugs, planted in both languages"
echo
if [ ! -s "$tsv" ]; then
	echo "No \`make bugs\` results next to this report. Run \`make bugs\` (it plants"
	echo "every bug of bugs/ in a scratch copy and runs each on the debug kernel),"
	echo "then \`make report\`, to fill in this section."
	echo
	exit 0
fi
echo "From \`make bugs\`: each mutation (bugs/NN-*/c.patch, rust.patch) built against"
echo "the debug kernel (KASAN, KFENCE, UBSAN, lockdep, kmemleak, atomic-sleep"
echo "checks, panic_on_warn=1) and, when it compiles, run against the checks for"
echo "its class (a case with flavor=kcsan on the kcsan kernel instead: KCSAN, the race"
echo "detector, excludes KASAN). Each cell is the outcome and the first line that shows it: the"
echo "compiler's error, the kernel's report, or the check that failed."
echo
echo "| # | bug | C | Rust |"
echo "| ---: | --- | --- | --- |"
cell() { # cell N LANG HOW
	awk -F '\t' -v n="$1" -v l="$2" -v how="$3" '$1 == n && $2 == l {
		what = ($3 == "caught" ? "caught by " $4 : $3 == "rejected" ? "rejected by " $4 : $3 != "silent" ? $3 : n == 0 ? "quiet" : "not caught")
		if ($6 != "" && $6 != "debug") what = what " (" $6 " kernel)"
		e = $5; gsub(/\|/, "/", e); gsub(/\|/, "/", how)
		if (!f && how != "") printf "%s<br>", how
		printf "%s**%s**: %s", (f ? "<br>" : ""), what, e; f = 1 }
		END { if (!f) printf "(not run)" }' "$tsv"
}
cut -f1 "$tsv" | sort -n -u | while read -r n; do
	title="(none: the unchanged modules, to show the checks are quiet)" c_how='' rust_how=''
	if [ "$n" != 0 ]; then
		# shellcheck source=/dev/null # a case file of bugs/
		. "$(find "$DUET_SRC/bugs" -maxdepth 1 -name "$(printf %02d "$n")-*" | head -n 1)/case"
	fi
	echo "| $n | $title | $(cell "$n" c "$c_how") | $(cell "$n" rust "$rust_how") |"
done
echo
