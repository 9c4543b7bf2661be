#!/bin/sh
# lab-guide.sh [--check] - render docs/lab/*.md from docs/lab/src/*.md,
# expanding the directives with the real sources, so the guide cannot
# drift from the code:
#   <!-- code FILE "SECTION" -->   the text under "--- SECTION ---" in FILE
#                                  (a /* */, // or # comment line)
#   <!-- code FILE -->             the whole FILE
#   <!-- lines FILE "STRING" -->   the lines of FILE containing STRING
# --check: render to a temporary directory and fail if docs/lab differs.
. "$(dirname "$0")/lib.sh"
out=$TOP/docs/lab
if [ "${1:-}" = --check ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/duet-lab.XXXXXX")
	trap 'rm -rf "$out"' EXIT
fi

# render SRC - print SRC with its directives expanded.
render() {
	awk -v top="$TOP" '
	function lang(f) { return f ~ /\.patch$/ ? "diff" : f ~ /\.rs$/ ? "rust" : f ~ /\.[ch]$/ ? "c" : f ~ /Kbuild|Makefile/ ? "make" : f ~ /\.sh$/ ? "sh" : "text" }
	function emit(f, sec, str,    line, on, n, path) {
		path = top "/" f
		printf "`%s`%s:\n\n```%s\n", f, sec != "" ? ", section *" sec "*" : (str != "" ? ", lines with `" str "`" : ""), lang(f)
		n = 0
		while ((getline line < path) > 0) {
			n++
			if (sec != "") {
				if (line ~ /^(\/\* |\/\/ |# )--- .* ---( \*\/)?$/) { on = index(line, "--- " sec " ---") > 0; continue }
				if (on) buf[++nb] = line
			} else if (str != "") {
				if (index(line, str)) print n ": " line
			} else print line
		}
		close(path)
		if (n == 0) { print "lab-guide: cannot read " f > "/dev/stderr"; exit 1 }
		if (sec != "") {
			if (nb == 0) { print "lab-guide: no section \"" sec "\" in " f > "/dev/stderr"; exit 1 }
			s = 1; while (s <= nb && buf[s] ~ /^[ \t]*$/) s++
			e = nb; while (e >= s && buf[e] ~ /^[ \t]*$/) e--
			for (i = s; i <= e; i++) print buf[i]
			nb = 0
		}
		print "```"
	}
	/^<!-- (code|lines) [^ ]+( ".*")? -->$/ {
		kind = $2; f = $3; q = $0
		arg = ""
		if (match(q, /"[^"]*"/)) arg = substr(q, RSTART + 1, RLENGTH - 2)
		emit(f, kind == "code" ? arg : "", kind == "lines" ? arg : "")
		next
	}
	{ print }' "$1"
}

mkdir -p "$out"
for src in "$TOP"/docs/lab/src/*.md; do
	render "$src" >"$out/$(basename "$src")" || die "cannot render $src"
done
if [ "${1:-}" = --check ]; then
	for f in "$out"/*.md; do
		if ! cmp -s "$f" "$TOP/docs/lab/$(basename "$f")"; then
			echo "not ok - lab guide: docs/lab/$(basename "$f") is up to date with the sources ('make lab-guide')"
			diff -u "$TOP/docs/lab/$(basename "$f")" "$f" | head -n 20 | sed 's/^/#   /'
		else
			echo "ok - lab guide: docs/lab/$(basename "$f") is up to date with the sources"
		fi
	done
fi
