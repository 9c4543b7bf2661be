#!/bin/sh
# differences.sh - host test: the answers that differ between the two
# devices are listed alike in docs/differences.md ("Answers that differ",
# one row per id) and in tests/difftest-allowed.txt (what the differential
# tester allows): an id in one and not in the other fails. Prints TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/ktap.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-diffs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
KTAP_PREFIX="differences: "
ktap_plan 2
grep -v '^#' "$top/tests/difftest-allowed.txt" | awk 'NF { print $1 }' | sort >"$tmp/allowed"
# shellcheck disable=SC2016 # the backquotes are Markdown's, not the shell's
sed -n '/^## Answers that differ/,/^## /p' "$top/docs/differences.md" |
	sed -n 's/^| `\([a-z0-9_-]*\)` |.*/\1/p' | sort >"$tmp/docs"
ktap_result "$(ktap_status [ -s "$tmp/allowed" ])" \
	"tests/difftest-allowed.txt has entries ($(wc -l <"$tmp/allowed"))"
diff -u "$tmp/allowed" "$tmp/docs" >"$tmp/diff"
ktap_result $? "docs/differences.md lists exactly the ids of tests/difftest-allowed.txt" "$tmp/diff"
ktap_finished
