# md2html.awk - the markdown subset report.md uses (headings, paragraphs,
# tables, code blocks, images) to one self-contained HTML page: images of
# SVG plots are inlined, so the page needs no other file and no network.
# Usage: awk -v dir=REPORTDIR -f md2html.awk report.md > report.html
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function inline(s,    out, parts, n, i) {
	s = esc(s)
	gsub(/&lt;br&gt;/, "<br>", s)
	n = split(s, parts, "`")
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i % 2 ? parts[i] : "<code>" parts[i] "</code>")
	while (match(out, /\*\*[^*]+\*\*/))
		out = substr(out, 1, RSTART - 1) "<b>" substr(out, RSTART + 2, RLENGTH - 4) "</b>" substr(out, RSTART + RLENGTH)
	return out
}
function endpara() { if (para) { print "</p>"; para = 0 } }
function endtable() { if (table) { print "</tbody></table>"; table = 0 } }
BEGIN {
	print "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
	print "<title>duet: C and Rust, side by side</title><style>"
	print "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}"
	print "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}"
	print "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}"
	print "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}h1,h2{border-bottom:1px solid #ddd}"
	print "figure{margin:1em 0}svg{max-width:100%;height:auto}"
	print "</style></head><body>"
}
code {
	if ($0 ~ /^```/) { print "</pre>"; code = 0 } else print esc($0)
	next
}
/^```/ { endpara(); endtable(); code = 1; print "<pre>"; next }
/^# / { endpara(); endtable(); print "<h1>" inline(substr($0, 3)) "</h1>"; next }
/^## / { endpara(); endtable(); id = tolower(substr($0, 4)); gsub(/[^a-z0-9]+/, "-", id)
	print "<h2 id=\"" id "\">" inline(substr($0, 4)) "</h2>"; next }
/^### / { endpara(); endtable(); print "<h3>" inline(substr($0, 5)) "</h3>"; next }
/^!\[/ {
	endpara(); endtable()
	file = $0; sub(/^.*\(/, "", file); sub(/\).*$/, "", file)
	cap = $0; sub(/^!\[/, "", cap); sub(/\].*$/, "", cap)
	print "<figure>"
	while ((getline line < (dir "/" file)) > 0)
		if (line !~ /^<\?xml|^<!DOCTYPE|^ *"http/) print line
	close(dir "/" file)
	print "<figcaption>" inline(cap) "</figcaption></figure>"
	next
}
/^\|/ {
	endpara()
	n = split($0, cell, "|")
	if ($0 ~ /^\| *-+/) next
	if (!table) {
		tid = "t" ++tables
		print "<table id=\"" tid "\"><thead><tr>"
		for (i = 2; i < n; i++) print "<th>" inline(cell[i]) "</th>"
		print "</tr></thead><tbody>"
		table = 1
		next
	}
	printf "<tr>"
	for (i = 2; i < n; i++) {
		c = cell[i]; gsub(/^ +| +$/, "", c)
		printf "<td%s>%s</td>", c ~ /^[-0-9.,%×\[\] ]+$/ ? " class=\"n\"" : "", inline(c)
	}
	print "</tr>"
	next
}
/^[ \t]*$/ { endpara(); endtable(); next }
{ endtable(); if (!para) { printf "<p>"; para = 1 } print inline($0) }
END { endpara(); endtable(); print "</body></html>" }
