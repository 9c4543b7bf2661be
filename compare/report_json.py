# SPDX-License-Identifier: GPL-2.0
"""report_json.py - report.json, for compare/report.py and the cost gate.

report(BENCH, PROFILE) returns the JSON text: "meta" (the run's settings
from bench.txt's "# meta" lines, the number of rounds and the unit),
"stats" (per figure: median, quartiles, extremes, spread), "ratios_rust_
over_c" (with the 95% bootstrap interval), "raw" (every round), and, when
the profile ran, "profile" (instructions per path and per function, from
compare/report_profile.py). Under QEMU's instruction counting the *_ns
fields are guest instructions (1 ns = 1 instruction). tests/cost.sh reads
"meta", "stats" and "ratios_rust_over_c". Python's standard library only.
"""
import json


def number(text):
    """A figure of bench.txt: a whole number stays one."""
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def report(bench, profile=None):
    meta = dict(bench.meta)
    raw = [{"tag": r.tag, "metric": r.metric, "variant": r.variant, "size": number(r.size),
            "round": number(r.round), "ns": number(r.value)} for r in bench.raw]
    meta["rounds"] = max((r["round"] for r in raw if r["metric"] == "cycle"), default=0)
    meta["unit"] = "guest instructions (xfer2cpu: ns)" if meta.get("clock") == "icount" else "ns"
    stats = [{"tag": s.tag, "metric": s.metric, "size": number(s.size), "variant": s.variant, "n": s.n,
              "median_ns": s.median, "q1_ns": s.q1, "q3_ns": s.q3, "min_ns": s.min, "max_ns": s.max,
              "spread": s.spread} for s in bench.stats]
    ratios = [{"tag": r.tag, "metric": r.metric, "size": number(r.size), "ratio": r.ratio, "ci95": [r.lo, r.hi]}
              for r in bench.ratios]
    result = {"meta": meta, "stats": stats, "ratios_rust_over_c": ratios, "raw": raw}
    if profile is not None:
        result["profile"] = profile
    return json.dumps(result, indent=2) + "\n"
