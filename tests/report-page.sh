#!/bin/sh
# report-page.sh REPORT.html - host test: load the report in headless
# Chromium (as a person would open it) and find its main parts in the
# rendered page. Prints TAP verdicts.
page=$1
. "$(dirname "$0")/ktap.sh"
KTAP_PREFIX="report page: "
ktap_plan 7
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-page.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$tmp/profile" --dump-dom "file://$page" \
	>"$tmp/dom.html" 2>"$tmp/err.log"
has() { grep -q "$1" "$tmp/dom.html"; }
count() { grep -o "$1" "$tmp/dom.html" | wc -l; }
ktap_result "$(ktap_status [ -s "$tmp/dom.html" ])" "Chromium renders $(basename "$page")"
ktap_result "$(has '<h2 id="headline-rust-c"'; echo $?)" "has the headline Rust/C section"
ktap_result "$(has '<h2 id="how-it-was-measured"'; echo $?)" "says how it was measured"
n=$(count '<table')
ktap_result "$(ktap_status [ "$n" -ge 10 ])" "has the tables ($n)"
n=$(count '<svg')
ktap_result "$(ktap_status [ "$n" -ge 3 ])" "has the plots inline ($n SVG)"
ktap_result "$(if grep -q 'src="http\|href="http' "$tmp/dom.html"; then echo 1; else echo 0; fi)" "needs no network (no http links)"
ktap_result "$(has 'duet_rust.ko'; echo $?)" "has the module comparison"
ktap_finished
