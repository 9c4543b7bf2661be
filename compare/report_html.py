# SPDX-License-Identifier: GPL-2.0
"""report_html.py - report.md as one self-contained HTML page.

For compare/report.py: page(MARKDOWN, BASE) renders the Markdown that the
report writes, and only that: headings (each with the id a table of
contents would give it: "## Headline: Rust / C" gets id="headline-rust-c"),
paragraphs, tables with aligned columns, fenced code, "- " lists, and,
inline, `code`, **strong** and <br>. Every other character is text:
"*", "_" and "<" are never markup. Each image of an SVG plot alone in its
paragraph (![caption](plots/NAME.svg), under BASE) becomes the SVG itself
in a <figure>, so the page needs no other file and no network. The HTML
is laid out as Python-Markdown lays it out. Python's standard library
only.
"""
import html
import os
import re
import unicodedata

STYLE = """body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}
td[style*="right"]{font-variant-numeric:tabular-nums}th{background:#eee}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto}h1,h2{border-bottom:1px solid #ddd}
figure{margin:1em 0}svg{max-width:100%;height:auto}"""

CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
ALIGN = {"---:": "right", ":---": "left", ":---:": "center"}


def escape(text):
    """&, < and > as entities, but for <br> and entities already there."""
    text = re.sub(r"&(?!#?\w+;)", "&amp;", text)
    text = text.replace("<br>", "\0br\0").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\0br\0", "<br>")


def inline(text):
    codes = []

    def keep(m):
        codes.append("<code>" + html.escape(m.group(2).strip(), quote=False) + "</code>")
        return f"\1{len(codes) - 1}\1"
    text = escape(CODE.sub(keep, text))
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub("\1([0-9]+)\1", lambda m: codes[int(m.group(1))], text)


def cells(row):
    """The cells of a table row: split at each | outside code, not \\|."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    out, cell, code, i = [], "", False, 0
    while i < len(row):
        ch = row[i]
        if ch == "\\" and row[i + 1:i + 2] == "|":
            cell += "|"
            i += 2
            continue
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            out.append(cell.strip())
            cell = ""
        else:
            cell += ch
        i += 1
    return out + [cell.strip()]


def table(rows):
    head = cells(rows[0])
    aligns = [ALIGN.get(re.sub("-+", "---", a), "") for a in cells(rows[1])]

    def tr(values, tag):
        out = ["<tr>"]
        for i in range(len(head)):
            value = values[i] if i < len(values) else ""
            style = f' style="text-align: {aligns[i]};"' if i < len(aligns) and aligns[i] else ""
            out.append(f"<{tag}{style}>{inline(value)}</{tag}>")
        return out + ["</tr>"]
    out = ["<table>", "<thead>"] + tr(head, "th") + ["</thead>", "<tbody>"]
    for row in rows[2:]:
        out += tr(cells(row), "td")
    return out + ["</tbody>", "</table>"]


def slug(text, used):
    """The id Python-Markdown's table of contents gives a heading."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())
    while value in used or not value:
        m = re.match(r"^(.*)_([0-9]+)$", value)
        value = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{value}_1"
    used.add(value)
    return value


def figure(alt, src, base):
    path = os.path.join(base, src)
    if not os.path.exists(path):
        return f'<p><img alt="{html.escape(alt)}" src="{html.escape(src)}" /></p>'
    with open(path, errors="replace") as f:
        svg = f.read()
    # the SVG element alone: no XML declaration or DOCTYPE inside HTML
    return f"<figure>{svg[svg.find('<svg'):]}<figcaption>{escape(alt)}</figcaption></figure>"


def body(markdown, base):
    lines, out, used, i = markdown.split("\n"), [], set(), 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith("```"):
            lang, i, code = line[3:].strip(), i + 1, []
            while i < len(lines) and lines[i] != "```":
                code.append(lines[i])
                i += 1
            i += 1
            cls = f' class="language-{lang}"' if lang else ""
            text = "".join(html.escape(c).replace("&#x27;", "'") + "\n" for c in code)
            out.append(f"<pre><code{cls}>{text}</code></pre>")
        elif re.match(r"#{1,6} ", line):
            level = len(line) - len(line.lstrip("#"))
            text = inline(line[level + 1:].strip())
            plain = html.unescape(re.sub(r"<[^>]*>", "", text))
            out.append(f'<h{level} id="{slug(plain, used)}">{text}</h{level}>')
            i += 1
        elif line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|( *:?-+:? *\|)+$", lines[i + 1]):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            out += table(rows)
        elif line.startswith("- "):
            out.append("<ul>")
            while i < len(lines) and lines[i].startswith("- "):
                out.append(f"<li>{inline(lines[i][2:])}</li>")
                i += 1
            out.append("</ul>")
        else:
            para, i = [line], i + 1
            while i < len(lines) and lines[i].strip() and not lines[i].startswith("```") and \
                    not re.match(r"#{1,6} |- ", lines[i]):
                para.append(lines[i])
                i += 1
            m = re.fullmatch(r"!\[([^\]]*)\]\(([^)]*\.svg)\)", "\n".join(para))
            if m:
                out.append(figure(m.group(1), m.group(2), base))
            else:
                out.append(f"<p>{inline(chr(10).join(para))}</p>")
    return "\n".join(out)


def page(markdown, base):
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">\n'
            f"<title>duet: C and Rust, side by side</title><style>\n{STYLE}\n</style></head><body>\n"
            f"{body(markdown, base)}\n</body></html>\n")
