#!/bin/sh
# lab-guide.sh [--check] - render docs/lab/*.md from docs/lab/src/*.md,
# expanding the directives with the real sources, so the guide cannot
# drift from the code:
#   <!-- code FILE "SECTION" -->   the text under "--- SECTION ---" in FILE
#                                  (a /* */, // or # comment line)
#   <!-- code FILE -->             the whole FILE
#   <!-- fn FILE "NAME" -->        one whole item of FILE (C or Rust): a
#                                  function, struct, impl, module! block...
# fn finds the first line of FILE that declares NAME: in C a line in column 0
# (code, or a #define), in Rust a line starting (after its indentation and
# pub(..)) with fn, struct, enum, impl, mod, const, static, trait, type,
# macro_rules! or "name! {", whose text up to its first ( { = ; [ (C) or
# ( { = ; < ": " (Rust) ends with NAME: "duet_init", "duet_fops",
# "struct duet_dev" (in C, "duet_dev" is then the variable), "MODULE_LICENSE",
# "open", "MiscDevice for DuetFile", "module!". If the declaration (up to its
# first line ending in {, ; or }) opens a body, the item runs to the next line
# starting with } at the declaration's indentation, plus a following
# EXPORT_SYMBOL*() line in C, and starts with the comment, doc comment and
# attribute lines right above it. Otherwise (one line, a #define,
# module_param(), MODULE_*()) the item is its paragraph: the non-blank lines
# around it. A NAME not found stops the rendering, and so does the old
# "lines" directive (lone grep hits drift, and say little).
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
	function fail(msg) { print "lab-guide: " msg > "/dev/stderr"; exit 1 }
	function blank(s) { return s ~ /^[ \t]*$/ }
	function indent(s) { match(s, /^[ \t]*/); return substr(s, 1, RLENGTH) }
	function heading(s) { return s ~ /^(\/\* |\/\/ |# )--- .* ---( \*\/)?$/ }
	# load F - read F into src[1..nsrc].
	function load(f,    path, line) {
		path = top "/" f
		nsrc = split("", src)
		while ((getline line < path) > 0) src[++nsrc] = line
		close(path)
		if (nsrc == 0) fail("cannot read " f)
	}
	# code F SEC - the text under "--- SEC ---" in F, or all of F.
	function code(f, sec,    i, on, s, e, nb) {
		load(f)
		printf "`%s`%s:\n\n```%s\n", f, sec != "" ? ", section *" sec "*" : "", lang(f)
		nb = 0
		for (i = 1; i <= nsrc; i++) {
			if (sec == "") { print src[i]; continue }
			if (heading(src[i])) { on = index(src[i], "--- " sec " ---") > 0; continue }
			if (on) buf[++nb] = src[i]
		}
		if (sec != "") {
			if (nb == 0) fail("no section \"" sec "\" in " f)
			s = 1; while (s <= nb && blank(buf[s])) s++
			e = nb; while (e >= s && blank(buf[e])) e--
			for (i = s; i <= e; i++) print buf[i]
		}
		print "```"
	}
	# decl(S) - the start of the declaration on line S, up to its first
	# delimiter (left in cut), or "" if line S cannot start an item.
	function decl(s,    t, d, nd, i, k) {
		cut = ""
		if (rust) {
			t = s; sub(/^ */, "", t); sub(/^pub(\([a-z]+\))? /, "", t)
			if (t !~ /^((unsafe|const|async|extern "C") )*(fn|struct|enum|union|trait|impl|mod|const|static|type|macro_rules!)[ <]/ && t !~ /^[a-z_]+! *\{/) return ""
			nd = split("( { = ; < : ", d, " ")
			d[nd] = ": "
		} else {
			if (s ~ /^#define[ \t]/) { match(s, /^#define[ \t]+[A-Za-z0-9_]+/); cut = "#"; return substr(s, 1, RLENGTH) }
			if (s !~ /^[A-Za-z_]/) return ""
			t = s
			nd = split("( { = ; [", d, " ")
		}
		k = length(t) + 1
		for (i = 1; i <= nd; i++) if (index(t, d[i]) && index(t, d[i]) < k) { k = index(t, d[i]); cut = d[i] }
		t = substr(t, 1, k - 1); sub(/[ \t]+$/, "", t)
		return t
	}
	# names(H, NAME) - whether declaration H declares NAME.
	function names(h, name,    lh, ln, pre) {
		lh = length(h); ln = length(name)
		if (ln == 0 || lh < ln || substr(h, lh - ln + 1) != name) return 0
		pre = substr(h, 1, lh - ln)
		if (pre ~ /[A-Za-z0-9_]$/) return 0
		if (!rust && name !~ / / && pre ~ /(^|[ \t])(struct|union|enum)[ \t]+$/) return 0
		return 1
	}
	# doc(L, IND) - whether L is a comment or attribute line at indentation IND.
	function doc(l, ind,    r) {
		if (index(l, ind) != 1 || heading(l)) return 0
		r = substr(l, length(ind) + 1)
		return rust ? r ~ /^(\/\/|#\[)/ : r ~ /^(\/\*| \*|\/\/)/
	}
	# near(L, IND) - whether L belongs to the paragraph of an item at IND.
	function near(l, ind) {
		return !blank(l) && !heading(l) && index(l, ind) == 1 && !(indent(l) == ind && substr(l, length(ind) + 1, 1) == "}")
	}
	# item F NAME - the item of F named NAME (see the header of lab-guide.sh).
	function item(f, name,    s, h, e, b, k, t, ind, dh, kind, body, desc, before, after) {
		rust = lang(f) == "rust"
		if (!rust && lang(f) != "c") fail("fn needs a C or Rust file, not " f)
		if (name == "") fail("fn " f " needs the name of an item")
		load(f)
		for (s = 1; s <= nsrc; s++) if (names(decl(src[s]), name)) break
		if (s > nsrc) fail("no item \"" name "\" in " f)
		dh = decl(src[s]); kind = cut
		ind = indent(src[s])
		body = 0; h = s
		if (kind != "#") {
			for (h = s; h <= nsrc; h++) {
				t = src[h]; sub(/[ \t]+$/, "", t)
				if (t ~ /[{;}]$/) break
			}
			if (h > nsrc) fail("no end of the declaration of \"" name "\" in " f)
			body = t ~ /\{$/
		} else
			while (h < nsrc && src[h] ~ /\\$/) h++
		if (body) {
			for (e = h + 1; e <= nsrc; e++)
				if (indent(src[e]) == ind && substr(src[e], length(ind) + 1, 1) == "}") break
			if (e > nsrc) fail("no closing } of \"" name "\" in " f)
			if (!rust && src[e + 1] ~ /^EXPORT_SYMBOL/) e++
			for (b = s; b > 1 && doc(src[b - 1], ind); b--) ;
		} else {
			for (b = s; b > 1 && near(src[b - 1], ind); b--) ;
			for (e = h; e < nsrc && near(src[e + 1], ind); e++) {
				t = src[e + 1]; sub(/[ \t]+$/, "", t)
				if (indent(t) == ind && t ~ /\{$/) break
			}
			while (e > h && doc(src[e], ind)) e--
		}
		if (body && (rust ? dh ~ /(^| )fn [A-Za-z0-9_]+$/ : kind == "(")) {
			match(dh, /[A-Za-z0-9_]+$/)
			desc = "function `" substr(dh, RSTART) "()`"
			for (k = s - 1; ind != "" && k >= 1; k--) {
				if (blank(src[k]) || length(indent(src[k])) >= length(ind)) continue
				t = decl(src[k])
				if (t ~ /(^| )impl( |<|$)/) desc = desc " in `" t "`"
				break
			}
		} else {
			desc = "`" dh "`"
			before = after = 0
			for (k = b; !body && k <= e; k++)
				if (k < s && !doc(src[k], ind)) before = 1
				else if (k > h && !doc(src[k], ind)) after = 1
			if (before || after) desc = desc " and the lines " (!after ? "before" : !before ? "after" : "around") " it"
		}
		printf "`%s`, %s:\n\n```%s\n", f, desc, lang(f)
		for (k = b; k <= e; k++) print src[k]
		print "```"
	}
	/^<!-- lines / { fail("the lines directive is gone: show a whole item (fn) or section (code): " $0) }
	/^<!-- (code|fn) [^ ]+( ".*")? -->$/ {
		kind = $2; f = $3; q = $0
		arg = ""
		if (match(q, /"[^"]*"/)) arg = substr(q, RSTART + 1, RLENGTH - 2)
		if (kind == "code") code(f, arg)
		else item(f, arg)
		next
	}
	{ print }' "$1"
}

mkdir -p "$out"
for src in "$TOP"/docs/lab/src/*.md; do
	render "$src" >"$out/$(basename "$src")" || die "cannot render $src"
done
if [ "${1:-}" = --check ]; then
	. "$TOP/tests/ktap.sh"
	KTAP_PREFIX="lab guide: "
	ktap_plan "$(find "$out" -name '*.md' | wc -l)"
	for f in "$out"/*.md; do
		name=docs/lab/$(basename "$f")
		r=0
		diff -u "$TOP/$name" "$f" >"$out.diff" || r=1
		ktap_result $r "$name is up to date with the sources ('make lab-guide')" "$out.diff"
	done
	rm -f "$out.diff"
	ktap_finished
fi
