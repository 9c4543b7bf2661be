#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""md2html.py - report.md to one self-contained HTML page.

Usage: md2html.py REPORT.md > report.html

Converts with Python-Markdown (Debian's python3-markdown, in the toolchain
root), with its tables, fenced code and table-of-contents extensions (the
last gives each heading its id: "## Headline: Rust / C" becomes
id="headline-rust-c"). Then makes the page self-contained: each image of
an SVG plot (![caption](plots/NAME.svg)) is replaced by the SVG itself in a
<figure>, so the page needs no other file and no network.
"""
import html
import os
import re
import sys

try:
    import markdown
except ImportError:
    sys.exit("md2html.py: Python's markdown module is missing: install python3-markdown "
             "(Debian), or run the report in the toolchain root, which has it")

STYLE = """body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}
td[style*="right"]{font-variant-numeric:tabular-nums}th{background:#eee}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto}h1,h2{border-bottom:1px solid #ddd}
figure{margin:1em 0}svg{max-width:100%;height:auto}"""


def inline_svg(match, base):
    """The <figure> for one <img> of an SVG file under BASE."""
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(0)))
    path = os.path.join(base, html.unescape(attrs.get("src", "")))
    with open(path, errors="replace") as f:
        svg = f.read()
    # the SVG element alone: no XML declaration or DOCTYPE inside HTML
    svg = svg[svg.find("<svg"):]
    caption = attrs.get("alt", "")
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        text = f.read()
    body = markdown.markdown(text, extensions=["tables", "fenced_code", "toc"])
    base = os.path.dirname(os.path.abspath(argv[1]))
    # an image alone in its paragraph, as report.md writes them
    body = re.sub(r'<p>(<img [^>]*src="[^"]*\.svg"[^>]*/?>)</p>',
                  lambda m: inline_svg(re.match(r".*", m.group(1)), base), body)
    print('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">')
    print(f"<title>duet: C and Rust, side by side</title><style>\n{STYLE}\n</style></head><body>")
    print(body)
    print("</body></html>")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
