#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""cost-verdicts.py - the verdicts of the cost gate (tests/cost.sh), from
the report.json of a quick bench (compare/report.py writes it).

Usage: cost-verdicts.py LIMIT SLACK FLOOR < report.json

Prints one line per verdict, "STATUS<tab>DESCRIPTION" (STATUS 0: pass):
first whether the bench ran with QEMU counting instructions (meta.clock
icount; if not, nothing else); then, for each path of both devices (the
write+read cycle at every size, with the digest on and off; INFO; STATS;
open+close), whether Rust / C is at most LIMIT and, for each device,
another round agrees with the median round within 1% (one round of the
three may be off: seen once, 987.2 instructions against 974.5 in the
other two, cause not found; the median the ratio is made of is then
still the other two rounds' figure); then, at each size with the digest
off, whether neither device costs more than pipe(2), at most SLACK (a
fraction) above it; last, with the digest on, whether each device's 1-byte
cycle costs at most FLOOR times the floor, a 1-byte write to /dev/null and
read from /dev/zero (the bench's "null" variant). Python's standard
library only.
"""
import json
import sys

SIZES = [1, 64, 512, 4096, 65536]
PATHS = [("cycle", s) for s in SIZES] + [("info", 0), ("stats", 0), ("openclose", 0)]


def agreement(stat):
    """How near the closest other round is to the median one, as a
    fraction of it: the nearer of the smallest and the largest round for
    the quick bench's three (0 with one round)."""
    med = stat["median_ns"]
    if stat["n"] < 2 or not med:
        return 0.0
    return min(med - stat["min_ns"], stat["max_ns"] - med) / med


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    limit_text, slack, floor_text = argv[1], float(argv[2]), argv[3]
    limit = float(limit_text)
    try:
        report = json.load(sys.stdin)
    except ValueError as e:
        print(f"1\treport.json is JSON ({e})")
        return 0
    if report.get("meta", {}).get("clock") != "icount":
        print("1\tthe quick bench ran with QEMU counting instructions (meta.clock icount in report.json)")
        return 0
    print("0\tthe quick bench ran with QEMU counting instructions")
    stats = {(s["tag"], s["metric"], s["size"], s["variant"]): s for s in report.get("stats", [])}
    ratios = {(r["tag"], r["metric"], r["size"]): r["ratio"] for r in report.get("ratios_rust_over_c", [])}
    for tag in ("digest-on", "digest-off"):
        for metric, size in PATHS:
            what = f"{tag} {metric}" + (f" {size} B" if size else "")
            c, r = stats.get((tag, metric, size, "c")), stats.get((tag, metric, size, "rust"))
            ratio = ratios.get((tag, metric, size))
            if c is None or r is None or ratio is None:
                print(f"1\t{what}: no figures for both devices")
                continue
            near = max(agreement(c), agreement(r))
            spread = max(c["spread"], r["spread"])
            ok = ratio <= limit and near <= 0.01
            print(f"{int(not ok)}\t{what}: Rust / C {ratio:.3f} (at most {limit_text}), the median round "
                  f"matched within {near * 100:.2f}% (at most 1%; all rounds within {spread * 100:.2f}%); "
                  f"C {int(c['median_ns'])}, Rust {int(r['median_ns'])} instructions")
    for size in SIZES:
        med = {v: stats[k]["median_ns"] for v in ("c", "rust", "pipe")
               if (k := ("digest-off", "cycle", size, v)) in stats}
        if len(med) != 3:
            print(f"1\tbaseline {size} B: no figures for both devices and pipe(2)")
            continue
        ok = med["c"] <= med["pipe"] * (1 + slack) and med["rust"] <= med["pipe"] * (1 + slack)
        print(f"{int(not ok)}\tbaseline {size} B, digest off: against pipe(2) ({int(med['pipe'])}), "
              f"C {int(med['c'] - med['pipe']):+d} and Rust {int(med['rust'] - med['pipe']):+d} instructions "
              f"(at most {slack * 100:+.2f}%)")
    null = stats.get(("digest-on", "cycle", 1, "null"))
    for variant, name in (("c", "C"), ("rust", "Rust")):
        dev = stats.get(("digest-on", "cycle", 1, variant))
        if null is None or dev is None:
            print(f"1\tfloor: no 1-byte figures for {name} and /dev/null + /dev/zero")
            continue
        times = dev["median_ns"] / null["median_ns"]
        print(f"{int(times > float(floor_text))}\tfloor: {name}'s 1-byte cycle, digest on, costs {times:.3f} times "
              f"/dev/null + /dev/zero (at most {floor_text}): {int(dev['median_ns'])} against "
              f"{int(null['median_ns'])} instructions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
