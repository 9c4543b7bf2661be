# SPDX-License-Identifier: GPL-2.0
"""report_parser.py - the bench output, read once, for compare/report.py.

`make bench` writes bench.txt: "# meta KEY VALUE" lines (how it was
measured; "# meta package NAME VERSION" for the toolchain's packages) and
"raw TAG METRIC VARIANT SIZE ROUND VALUE" lines (VALUE: ns per operation,
or guest instructions when the bench ran under QEMU's instruction
counting). parse() turns it into a Bench: the meta, the packages, the raw
rounds and, per TAG/METRIC/SIZE/VARIANT, a Stat (median, quartiles,
extremes, spread = (max - min) / median) and, per group with both
devices, a Ratio of Rust's median to C's, with a bootstrap 95% confidence
interval (2000 resamples of the rounds, seeded, so that a report is
reproducible from its raw data).

The figures are kept at the precision the report shows and report.json
holds: medians, quartiles and extremes to 0.1, the spread to 1e-5, ratios
to 0.001 (Stat and Ratio keep the rounded values; every table is made
from them). Python's standard library only.
"""
import collections
import random
from dataclasses import dataclass, field


@dataclass
class Raw:
    tag: str
    metric: str
    variant: str
    size: str
    round: str
    value: str


@dataclass
class Stat:
    tag: str
    metric: str
    size: str
    variant: str
    n: int
    median: float
    q1: float
    q3: float
    min: float
    max: float
    spread: float


@dataclass
class Ratio:
    tag: str
    metric: str
    size: str
    ratio: float
    lo: float
    hi: float


@dataclass
class Bench:
    meta: dict = field(default_factory=dict)  # KEY: first VALUE
    packages: dict = field(default_factory=dict)  # NAME: [VERSION...]
    raw: list = field(default_factory=list)
    stats: list = field(default_factory=list)  # sorted as the lines of `sort`
    ratios: list = field(default_factory=list)

    def stat(self, tag, metric, size, variant):
        """The Stat of one figure, or None."""
        return self._stat.get((tag, metric, str(size), variant))

    def median(self, tag, metric, size, variant):
        s = self.stat(tag, metric, size, variant)
        return None if s is None else s.median

    def ratio(self, tag, metric, size):
        return self._ratio.get((tag, metric, str(size)))

    @property
    def clock(self):
        """icount (figures are guest instructions) or wall (ns)."""
        return self.meta.get("clock") or "wall"

    @property
    def rounds(self):
        """The largest round number of the write+read cycles."""
        return max((int(float(r.round)) for r in self.raw if r.metric == "cycle"), default=0)


def quantile(sorted_values, p):
    """Linear interpolation between the closest ranks (R's type 7)."""
    n = len(sorted_values)
    h = (n - 1) * p
    lo = int(h)
    if lo + 1 >= n:
        return sorted_values[-1]
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def rounded(value, digits):
    """VALUE as it reads when printed with DIGITS decimals."""
    return float(f"{value:.{digits}f}")


def parse(lines):
    """A Bench from the lines of bench.txt."""
    bench = Bench()
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("# meta "):
            parts = line.split(" ")
            if len(parts) > 3 and parts[2] == "package":
                if len(parts) > 4:
                    bench.packages.setdefault(parts[3], []).append(" ".join(parts[4:]))
            elif len(parts) > 3:
                bench.meta.setdefault(parts[2], " ".join(parts[3:]))
            continue
        parts = line.split()
        if len(parts) == 7 and parts[0] == "raw":
            bench.raw.append(Raw(*parts[1:]))
    summarise(bench)
    return bench


def summarise(bench):
    values = collections.defaultdict(list)
    for r in bench.raw:
        values[(r.tag, r.metric, r.size, r.variant)].append(float(r.value))
    for (tag, metric, size, variant), v in sorted(values.items()):
        s = sorted(v)
        med = quantile(s, 0.5)
        spread = (s[-1] - s[0]) / med if med else 0.0
        bench.stats.append(Stat(tag, metric, size, variant, len(s), rounded(med, 1),
                                rounded(quantile(s, 0.25), 1), rounded(quantile(s, 0.75), 1),
                                rounded(s[0], 1), rounded(s[-1], 1), rounded(spread, 5)))
    rng = random.Random(1)
    for g in sorted({k[:3] for k in values}):
        c, r = values.get(g + ("c",)), values.get(g + ("rust",))
        if not c or not r:
            continue
        if not quantile(sorted(c), 0.5):
            continue
        ratio = quantile(sorted(r), 0.5) / quantile(sorted(c), 0.5)
        # (a resample whose C median is 0, which a wall-clock figure such
        # as xfer2cpu's can be at its resolution, has no ratio: left out)
        pairs = ((quantile(sorted(rng.choices(r, k=len(r))), 0.5),
                  quantile(sorted(rng.choices(c, k=len(c))), 0.5)) for _ in range(2000))
        boot = sorted(a / b for a, b in pairs if b)
        bench.ratios.append(Ratio(*g, rounded(ratio, 3), rounded(quantile(boot, 0.025), 3),
                                  rounded(quantile(boot, 0.975), 3)))
    # The order of the lines of stats.tsv, sorted by sort(1) in the C
    # locale: tabs sort before every other character in them, so a tuple of
    # the fields compares as the line does.
    bench.stats.sort(key=lambda s: (s.tag, s.metric, s.size, s.variant))
    bench.ratios.sort(key=lambda r: (r.tag, r.metric, r.size))
    bench._stat = {(s.tag, s.metric, s.size, s.variant): s for s in bench.stats}
    bench._ratio = {(r.tag, r.metric, r.size): r for r in bench.ratios}


def read(path):
    with open(path) as f:
        return parse(f)
