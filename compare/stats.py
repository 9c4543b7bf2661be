#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""stats.py - summarise bench's raw lines, for compare/report.sh.

Usage: stats.py BENCH_TXT

Input lines "raw TAG METRIC VARIANT SIZE ROUND VALUE" (VALUE: ns per
operation, or guest instructions when the bench ran under QEMU's
instruction counting). Per TAG/METRIC/SIZE/VARIANT: the median, the
quartiles, the smallest and largest round and the spread, (max - min) /
median. For each group with both devices: the Rust/C ratio of medians
with a bootstrap 95% confidence interval (2000 resamples of the rounds,
seeded, so that a report is reproducible from its raw data).

Output, tab-separated, one per line:
  stat TAG METRIC SIZE VARIANT N MEDIAN Q1 Q3 MIN MAX SPREAD
  ratio TAG METRIC SIZE RATIO LO HI
"""
import collections
import random
import sys


def quantile(sorted_values, p):
    """Linear interpolation between the closest ranks (R's type 7)."""
    n = len(sorted_values)
    h = (n - 1) * p
    lo = int(h)
    if lo + 1 >= n:
        return sorted_values[-1]
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    values = collections.defaultdict(list)
    with open(argv[1]) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 7 and parts[0] == "raw":
                _, tag, metric, variant, size, _, value = parts
                values[(tag, metric, size, variant)].append(float(value))
    for (tag, metric, size, variant), v in sorted(values.items()):
        s = sorted(v)
        med = quantile(s, 0.5)
        spread = (s[-1] - s[0]) / med if med else 0.0
        print(f"stat\t{tag}\t{metric}\t{size}\t{variant}\t{len(s)}\t{med:.1f}\t"
              f"{quantile(s, 0.25):.1f}\t{quantile(s, 0.75):.1f}\t{s[0]:.1f}\t{s[-1]:.1f}\t{spread:.5f}")
    rng = random.Random(1)
    groups = sorted({k[:3] for k in values})
    for g in groups:
        c, r = values.get(g + ("c",)), values.get(g + ("rust",))
        if not c or not r:
            continue
        ratio = quantile(sorted(r), 0.5) / quantile(sorted(c), 0.5)
        boot = sorted(quantile(sorted(rng.choices(r, k=len(r))), 0.5) /
                      quantile(sorted(rng.choices(c, k=len(c))), 0.5) for _ in range(2000))
        print(f"ratio\t{g[0]}\t{g[1]}\t{g[2]}\t{ratio:.3f}\t{quantile(boot, 0.025):.3f}\t{quantile(boot, 0.975):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
