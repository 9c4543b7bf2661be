#!/bin/sh
# report-page.sh REPORT.html - host test: load the report in headless
# Chromium (as a person would open it) and find its main parts in the
# rendered page. Prints TAP verdicts.
# status_of COMMAND... - 0 if COMMAND succeeds, else 1 (for a verdict).
status_of() { if "$@"; then echo 0; else echo 1; fi; }
not() { ! "$@"; }
page=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-page.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$tmp/profile" --dump-dom "file://$page" \
	>"$tmp/dom.html" 2>"$tmp/err.log"
tap() { if [ "$1" = 0 ]; then echo "ok - report page: $2"; else echo "not ok - report page: $2"; fi; }
has() { grep -q "$1" "$tmp/dom.html"; }
count() { grep -o "$1" "$tmp/dom.html" | wc -l; }
tap "$(status_of [ -s "$tmp/dom.html" ])" "Chromium renders $(basename "$page")"
tap "$(has '<h2 id="headline-rust-c"'; echo $?)" "has the headline Rust/C section"
tap "$(has '<h2 id="how-it-was-measured"'; echo $?)" "says how it was measured"
n=$(count '<table')
tap "$(status_of [ "$n" -ge 10 ])" "has the tables ($n)"
n=$(count '<svg')
tap "$(status_of [ "$n" -ge 3 ])" "has the plots inline ($n SVG)"
tap "$(status_of not grep -q 'src="http\|href="http' "$tmp/dom.html")" "needs no network (no http links)"
tap "$(has 'duet_rust.ko'; echo $?)" "has the module comparison"
