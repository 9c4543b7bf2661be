#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report-json.py - report.json from the bench's raw figures and stats.

Usage: report-json.py BENCH_TXT STATS_TSV [PROFILE_JSON]

BENCH_TXT is what `make bench` wrote ("# meta KEY VALUE" and "raw TAG
METRIC VARIANT SIZE ROUND VALUE" lines), STATS_TSV what compare/stats.py
made of it ("stat ..." and "ratio ..." lines). Prints the JSON: "meta" (the
run's settings, the number of rounds and the unit), "stats" (per figure:
median, quartiles, extremes, spread), "ratios_rust_over_c" (with the 95%
bootstrap interval), "raw" (every round), and, when PROFILE_JSON is given
and exists, "profile" (compare/profile.py's instructions per path and per
function). Under QEMU's instruction counting the *_ns fields are guest
instructions (1 ns = 1 instruction). Python's standard library only.
"""
import json
import os
import sys


def number(text):
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    meta, raw = {}, []
    with open(argv[1]) as f:
        for line in f:
            parts = line.rstrip("\n").split(" ")
            if parts[:2] == ["#", "meta"] and len(parts) > 3 and parts[2] != "package":
                meta.setdefault(parts[2], " ".join(parts[3:]))
            elif parts[0] == "raw" and len(parts) == 7:
                raw.append({"tag": parts[1], "metric": parts[2], "variant": parts[3],
                            "size": number(parts[4]), "round": number(parts[5]), "ns": number(parts[6])})
    stats, ratios = [], []
    with open(argv[2]) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "stat":
                stats.append({"tag": p[1], "metric": p[2], "size": number(p[3]), "variant": p[4],
                              "n": number(p[5]), "median_ns": number(p[6]), "q1_ns": number(p[7]),
                              "q3_ns": number(p[8]), "min_ns": number(p[9]), "max_ns": number(p[10]),
                              "spread": number(p[11])})
            elif p[0] == "ratio":
                ratios.append({"tag": p[1], "metric": p[2], "size": number(p[3]), "ratio": number(p[4]),
                               "ci95": [number(p[5]), number(p[6])]})
    meta["rounds"] = max((r["round"] for r in raw if r["metric"] == "cycle"), default=0)
    meta["unit"] = "guest instructions (xfer2cpu: ns)" if meta.get("clock") == "icount" else "ns"
    report = {"meta": meta, "stats": stats, "ratios_rust_over_c": ratios, "raw": raw}
    if len(argv) == 4 and os.path.exists(argv[3]):
        with open(argv[3]) as f:
            report["profile"] = json.load(f)
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
