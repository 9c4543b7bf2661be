#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - the comparison report: report.md, report.html, report.json.

Usage: report.py DIR
       report.py --reliability STRESS_TXT

Reads what `make bench` left in DIR once (bench.txt, and profile.counts
and profile.guest from its profile run; compare/report_parser.py), and
writes DIR/report.md, the same as one self-contained page,
DIR/report.html (compare/report_html.py), the figures as DIR/report.json
(compare/report_json.py), and the plots, DIR/plots/*.svg (gnuplot). The
report also has the sections of the other runs kept in DIR: stress.txt
(`make stress`), difftest.txt (the differential tester) and bugs.tsv
(`make bugs`) (compare/report_runs.py), and the static comparison of the
sources of the checkout DUET_SRC and of the modules built in the kernel
work directory DUET_WORK (compare/report_static.py). It runs inside the
toolchain root (gnuplot, the llvm tools, modinfo), from scripts/report.sh.

--reliability prints the "Reliability" section of STRESS_TXT ("-": the
standard input), for `make stress`.

Python's standard library only (the model: the kernel's
tools/testing/kunit/kunit.py, with kunit_parser.py and kunit_json.py).
"""
import os
import sys

# (no __pycache__ in the checkout: the modules next to this file are
# compiled at each run, which takes a fraction of a second)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report_bench  # noqa: E402
import report_html  # noqa: E402
import report_json  # noqa: E402
import report_parser  # noqa: E402
import report_profile  # noqa: E402
import report_runs  # noqa: E402
import report_static  # noqa: E402


def markdown(bench, d, src, work):
    """The lines of report.md, and the profile's figures (or None)."""
    out = report_bench.measured(bench)
    profile = None
    if bench.clock == "icount":
        out += report_bench.cost(bench)
        counts = os.path.join(d, "profile.counts")
        if os.path.exists(counts) and os.path.getsize(counts):
            lines, profile = report_profile.profile(counts, os.path.join(d, "profile.guest"),
                                                    os.path.join(work, "build/System.map"),
                                                    os.path.join(work, "src"))
            out += ["## Where the instructions go", "", report_bench.PROFILE_INTRO, ""] + lines + [""]
        out += report_bench.repeatability(bench)
    else:
        out += report_bench.times(bench)
    out += report_bench.transfer(bench)
    out += report_runs.reliability(os.path.join(d, "stress.txt"))
    out += report_runs.same_answers(os.path.join(d, "difftest.txt"), os.path.join(src, "tests/difftest-allowed.txt"))
    out += report_runs.bugs(os.path.join(d, "bugs.tsv"), src)
    out += report_static.static(src, work)
    return out, profile


def write(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def main(argv):
    if len(argv) == 3 and argv[1] == "--reliability":
        print("\n".join(report_runs.reliability(argv[2])))
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = argv[1]
    raw = os.path.join(d, "bench.txt")
    if not os.path.exists(raw) or not os.path.getsize(raw):
        print(f"report: no {raw}: run 'make bench' first", file=sys.stderr)
        return 1
    src, work = os.environ["DUET_SRC"], os.environ["DUET_WORK"]
    bench = report_parser.read(raw)
    os.makedirs(os.path.join(d, "plots"), exist_ok=True)
    report_bench.plots(bench, os.path.join(d, "plots"))
    lines, profile = markdown(bench, d, src, work)
    md = "\n".join(lines) + "\n"
    write(os.path.join(d, "report.md"), md)
    write(os.path.join(d, "report.html"), report_html.page(md, d))
    write(os.path.join(d, "report.json"), report_json.report(bench, profile))
    print(f"report: {d}/report.md, report.html, report.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
