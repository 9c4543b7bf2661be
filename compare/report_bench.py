# SPDX-License-Identifier: GPL-2.0
"""report_bench.py - the report's sections made from the bench figures.

Each function takes a Bench (compare/report_parser.py) and returns the
lines of Markdown of its sections: how it was measured; under QEMU's
instruction counting (clock icount) the cost sections (instructions per
operation, C beside Rust, the baselines, the digest, the repeatability of the rounds), else the time sections
(throughput, latency, Rust/C with confidence intervals); the two-CPU
transfer. plots() draws the SVG plots with gnuplot. Python's standard
library only.
"""
import subprocess

SIZES = [1, 64, 512, 4096, 65536]
ONE_THREAD = [(f"write+read, {s} B", "cycle", s) for s in SIZES] + \
    [("INFO ioctl", "info", 0), ("STATS ioctl", "stats", 0), ("open + close", "openclose", 0)]


def whole(b, tag, metric, size, variant):
    """The median as a whole number, or "-"."""
    v = b.median(tag, metric, size, variant)
    return "-" if v is None else f"{v:.0f}"


def truncated(b, tag, metric, size, variant):
    """The median without its decimals (memory per file), or "-"."""
    v = b.median(tag, metric, size, variant)
    return "-" if v is None else f"{v:.1f}".split(".")[0]


def ratio(b, tag, metric, size):
    r = b.ratio(tag, metric, size)
    if r is None:
        return "-"
    if b.clock == "icount":
        return f"{r.ratio:.3f}"
    return f"{r.ratio:.2f} [{r.lo:.2f}, {r.hi:.2f}]"


def spread(b, tag, metric, size):
    """The larger spread of C and Rust, in %, or "-"."""
    s = [x.spread for x in (b.stat(tag, metric, size, "c"), b.stat(tag, metric, size, "rust")) if x]
    return f"{max(s + [0.0]) * 100:.2f}%" if s else "-"


def mbps(size, ns):
    return "-" if not ns else f"{size / ns * 1000:.1f}"


def us(ns):
    return "-" if ns is None else f"{ns / 1000:.2f}"


def measured(b):
    """The title and "How it was measured"."""
    meta = b.meta.get
    pkg = lambda name: "\n".join(b.packages.get(name, []))  # noqa: E731
    out = ["# duet: C and Rust, side by side", "",
           f"Generated {meta('date', '')} from the build and one guest run; no figure in it is typed by hand.", "",
           "## How it was measured", "",
           "| what | how |", "| --- | --- |",
           f"| kernel | Linux {meta('release', '')}, Debian linux-source-7.3 {pkg('linux-source-7.3')}, "
           "tinyconfig + config/lab.config, LLVM=1 |",
           f"| toolchain | rustc {pkg('rustc')}, bindgen {pkg('bindgen')}, clang/lld {pkg('clang')} (Debian trixie) |",
           f"| guest | QEMU, {meta('accel', '').upper()}, `-cpu {meta('cpu', '')}`, 2 vCPUs: {meta('qemu', '')} |",
           f"| host | {meta('host', '')} |"]
    if b.clock == "icount":
        out.append(f"| method | one-thread workloads: QEMU counts the guest's instructions (`-icount shift=0,sleep=off`, "
                   "one vCPU), so the guest clock reads 1 ns per instruction: every figure is guest instructions per "
                   f"operation, user and kernel, exact; {b.rounds} rounds after a discarded warm-up, in ABBA order; the "
                   "median, and the spread between rounds. The two-CPU transfer needs two vCPUs and a real clock: a "
                   "second boot, in ns, with medians, interquartile ranges and bootstrap 95% intervals |")
    else:
        out.append(f"| method | {b.rounds} rounds after a discarded warm-up; each round runs C, Rust and the baselines "
                   "once, in ABBA order; median and interquartile range per figure; Rust/C = ratio of medians, with a "
                   "bootstrap 95% confidence interval |")
    out.append("")
    if meta("accel") == "tcg" and b.clock != "icount":
        out += ["**The guest ran under TCG (software emulation): absolute times are not hardware figures. "
                "The ratios are the result.**", ""]
    return out


def cost(b):
    """Under QEMU's instruction counting: guest instructions per
    operation, C beside Rust, the baselines, the digest."""
    out = ["## Headline: Rust / C", "",
           "Guest instructions per operation, Rust divided by C (below 1: Rust executes fewer). Exact counts from "
           "QEMU, user and kernel together; the spread is the largest difference between rounds of either device, "
           "relative to the median.", "",
           "| workload | digest on | digest off | spread |", "| --- | ---: | ---: | ---: |"]
    for s in SIZES:
        out.append(f"| write+read cycle, {s} B | {ratio(b, 'digest-on', 'cycle', s)} | "
                   f"{ratio(b, 'digest-off', 'cycle', s)} | {spread(b, 'digest-off', 'cycle', s)} |")
    for label, m in (("INFO ioctl", "info"), ("STATS ioctl", "stats"), ("open + close", "openclose")):
        out.append(f"| {label} | {ratio(b, 'digest-on', m, 0)} | {ratio(b, 'digest-off', m, 0)} | "
                   f"{spread(b, 'digest-off', m, 0)} |")
    out.append(f"| module load | {ratio(b, 'module', 'load', 0)} | | {spread(b, 'module', 'load', 0)} |")
    out.append(f"| module unload | {ratio(b, 'module', 'unload', 0)} | | {spread(b, 'module', 'unload', 0)} |")
    out.append("")
    out += within_two_percent(b)
    out.append("")
    for tag in ("digest-off", "digest-on"):
        out += [f"## Instructions per operation, digest {tag[7:]}", "",
                "Write SIZE bytes, then read them back (capacity 64 KiB); one ioctl; open and close. Guest "
                "instructions, the median of the rounds.", "",
                "| operation | duet-c | duet-rust | Rust - C | Rust / C | pipe(2) | /dev/null + /dev/zero | spread |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for label, m, s in ONE_THREAD:
            c, r = whole(b, tag, m, s, "c"), whole(b, tag, m, s, "rust")
            d = "-" if "-" in (c, r) else f"{int(r) - int(c):+d}"
            out.append(f"| {label} | {c} | {r} | {d} | {ratio(b, tag, m, s)} | {whole(b, tag, m, s, 'pipe')} | "
                       f"{whole(b, tag, m, s, 'null')} | {spread(b, tag, m, s)} |")
        out += ["", f"![Throughput against message size, digest {tag[7:]}](plots/throughput-{tag}.svg)", ""]
    out += [f"Module load (finit_module()): duet-c {whole(b, 'module', 'load', 0, 'c')}, duet-rust "
            f"{whole(b, 'module', 'load', 0, 'rust')} instructions; unload (delete_module()): "
            f"{whole(b, 'module', 'unload', 0, 'c')} and {whole(b, 'module', 'unload', 0, 'rust')}. Memory per open "
            f"file: {truncated(b, 'memory', 'perfile', 0, 'c')} and {truncated(b, 'memory', 'perfile', 0, 'rust')} "
            "bytes of slab.", ""]
    out += baselines(b) + digest(b)
    return out


def within_two_percent(b):
    """How many of the one-thread Rust/C ratios are within 2%, and which
    are not."""
    n, above = 0, []
    for r in b.ratios:
        if r.tag not in ("digest-on", "digest-off") or r.metric == "xfer2cpu":
            continue
        n += 1
        if r.ratio <= 1.02:
            continue
        what = {"cycle": "write+read ", "openclose": "open + close"}.get(r.metric, r.metric.upper())
        what += (f"{r.size} B" if float(r.size) else "") + f", digest {r.tag[7:]}"
        above.append(f"{what} ({r.ratio:.3f})")
    if not n:
        return []
    line = f"Rust is within 2% of C on {n - len(above)} of these {n} figures."
    if above:
        line += (f" Above 2%: {'; '.join(above)}. What keeps each above is in \"Where the instructions go\", in the "
                 "table of Rust - C by cause, each cause with the line of the 7.3 tree that makes it.")
    return [line]


def baselines(b):
    out = ["## Baselines", "",
           "Digest off. pipe(2) moves the same bytes through the kernel's own FIFO; /dev/null + /dev/zero is the "
           "floor of two syscalls that move nothing. Each device against pipe(2) (at most 1.00 is the goal):", "",
           "| size | duet-c / pipe | duet-rust / pipe | duet-c - pipe | duet-rust - pipe | duet-c / floor | "
           "duet-rust / floor |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def against(a, base, flag):
        if a is None or base is None:
            return "-"
        if flag:
            return f"{a / base:.4f}" + (" (above)" if a > base else "")
        return f"{a / base:.3f}"

    def minus(a, base):
        return "-" if a is None or base is None else f"{a - base:+.0f}"

    above = ""
    for s in SIZES:
        c, r, p, z = (b.median("digest-off", "cycle", s, v) for v in ("c", "rust", "pipe", "null"))
        row = (f"| {s} | {against(c, p, 1)} | {against(r, p, 1)} | {minus(c, p)} | {minus(r, p)} | "
               f"{against(c, z, 0)} | {against(r, z, 0)} |")
        out.append(row)
        if "above" in row:
            above += f" {s} B"
    out.append("")
    if above:
        out.append(f"**Above pipe(2) at:{above}.**")
    else:
        out.append("Both devices cost no more than pipe(2) at every size (the differences are in instructions per "
                   "cycle, medians of the rounds).")
    out.append("")
    return out


def digest(b):
    out = ["## The digest (CRC32C)", "",
           "The cost of the digest per byte: (digest on - digest off) / (2 x size), since both the write and the "
           "read advance a digest. After: the kernel's crc32c() as built here, the architecture's "
           "(`CONFIG_CRC_OPTIMIZATIONS`, SSE4.2 `crc32` under `-cpu max`). Before: the same kernel on a CPU without "
           "SSE4.2 (`-cpu max,sse4.2=off`), where crc32c() falls back to crc32c_base(), the table-driven code that "
           "is all a kernel without `CONFIG_CRC_OPTIMIZATIONS` has (tinyconfig's default; lib/crc/x86/crc32.h). "
           "The before columns come from the full `make bench` (not the quick one).", "",
           "| size | duet-c instructions per byte, before | after | duet-rust, before | after | duet-c on / off, "
           "before | after | duet-rust on / off, before | after |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in (512, 4096, 65536):
        def m(tag, v):
            return b.median(tag, "cycle", s, v)

        def per(on, off):
            return "-" if on is None or off is None else f"{(on - off) / (2 * s):.2f}"

        def rel(on, off):
            return "-" if on is None or off is None else f"{on / off:.3f}"
        c1, c0, r1, r0 = m("digest-on", "c"), m("digest-off", "c"), m("digest-on", "rust"), m("digest-off", "rust")
        bc1, bc0 = m("bytewise-digest-on", "c"), m("bytewise-digest-off", "c")
        br1, br0 = m("bytewise-digest-on", "rust"), m("bytewise-digest-off", "rust")
        out.append(f"| {s} | {per(bc1, bc0)} | {per(c1, c0)} | {per(br1, br0)} | {per(r1, r0)} | "
                   f"{rel(bc1, bc0)} | {rel(c1, c0)} | {rel(br1, br0)} | {rel(r1, r0)} |")
    out += ["", "Goal: digest on at most 1.25 x digest off at 4096 B.", ""]
    return out


PROFILE_INTRO = (
    "Each path called 1000 times on its own, digest off, in 3 rounds (the round with the fewest kernel "
    "instructions is kept: the others had a timer tick or other kernel work in them), under QEMU's instruction "
    "counting with the plugin compare/plugin/prof-plugin.c, which counts every executed translation block; the "
    "counts are mapped to kernel functions (System.map, /proc/kallsyms for the modules). Kernel instructions per "
    "call. Rows with +0 are the kernel's own code, the same for both; the rows that differ are the two modules and "
    "what each calls.")


def repeatability(b):
    n, w, at, bad = 0, 0.0, "", ""
    for s in b.stats:
        if s.metric in ("xfer2cpu", "perfile"):
            continue
        n += 1
        if s.spread > w:
            w, at = s.spread, f"{s.tag} {s.metric} {s.size} {s.variant}"
        if s.spread > 0.005:
            bad += f"\n| {s.tag} {s.metric} {s.size} B, {s.variant} | {s.spread * 100:.2f}% |"
    line = f"{n} instruction-count figures; the largest spread between rounds is {w * 100:.3f}% ({at})."
    if bad:
        line += f" **Above the 0.5% limit:**\n\n| figure | spread |\n| --- | ---: |{bad}"
    else:
        line += " All are within 0.5%."
    return ["## Repeatability", "", line, ""]


def times(b):
    """Without instruction counting: times, throughput, latency."""
    out = ["## Headline: Rust / C", "",
           "Time per operation, Rust divided by C (below 1: Rust faster). 95% confidence interval in brackets.", "",
           "| workload | digest on | digest off |", "| --- | --- | --- |"]
    for s in SIZES:
        out.append(f"| write+read cycle, {s} B | {ratio(b, 'digest-on', 'cycle', s)} | "
                   f"{ratio(b, 'digest-off', 'cycle', s)} |")
    for label, m, s in (("INFO ioctl", "info", 0), ("STATS ioctl", "stats", 0), ("open + close", "openclose", 0),
                        ("2 CPUs, 4 KiB pieces", "xfer2cpu", 4096)):
        out.append(f"| {label} | {ratio(b, 'digest-on', m, s)} | {ratio(b, 'digest-off', m, s)} |")
    out.append(f"| module load | {ratio(b, 'module', 'load', 0)} | |")
    out.append(f"| module unload | {ratio(b, 'module', 'unload', 0)} | |")
    out.append("")
    for tag in ("digest-on", "digest-off"):
        out += [f"## Throughput, digest {tag[7:]}", "",
                "Write SIZE bytes, read them back; capacity 64 KiB. MB/s and cycles/s from the median time.", "",
                "| size | duet-c MB/s | duet-rust MB/s | pipe MB/s | null+zero MB/s | duet-c cycles/s | "
                "duet-rust cycles/s | Rust/C time |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for s in SIZES:
            c, r = b.median(tag, "cycle", s, "c"), b.median(tag, "cycle", s, "rust")
            out.append(f"| {s} | {mbps(s, c)} | {mbps(s, r)} | {mbps(s, b.median(tag, 'cycle', s, 'pipe'))} | "
                       f"{mbps(s, b.median(tag, 'cycle', s, 'null'))} | {mbps(1000000, c)} | {mbps(1000000, r)} | "
                       f"{ratio(b, tag, 'cycle', s)} |")
        out += ["", f"![Throughput against message size, digest {tag[7:]}](plots/throughput-{tag}.svg)", ""]
    med = b.median
    out += ["## Latency and other costs", "",
            "| operation | duet-c | duet-rust | Rust/C |", "| --- | ---: | ---: | --- |"]
    for label, tag, m in (("INFO ioctl (µs)", "digest-on", "info"), ("STATS ioctl (µs)", "digest-on", "stats"),
                          ("open + close (µs)", "digest-on", "openclose"),
                          ("module load, finit_module() (µs)", "module", "load"),
                          ("module unload, delete_module() (µs)", "module", "unload")):
        out.append(f"| {label} | {us(med(tag, m, 0, 'c'))} | {us(med(tag, m, 0, 'rust'))} | {ratio(b, tag, m, 0)} |")
    out += [f"| memory per open file (bytes of slab) | {truncated(b, 'memory', 'perfile', 0, 'c')} | "
            f"{truncated(b, 'memory', 'perfile', 0, 'rust')} | |", "",
            f"/dev/null + /dev/zero open+close: {us(med('digest-on', 'openclose', 0, 'null'))} µs (the cost of the "
            "syscalls alone).", ""]
    return out


def transfer(b):
    out = ["## Two CPUs: one writer, one reader", "",
           "A writer thread pinned to CPU 0 and a reader on CPU 1 move 4 MiB (512 KiB in a quick run); digest off.", "",
           "| piece size | duet-c MB/s | duet-rust MB/s | pipe MB/s | Rust/C time |",
           "| ---: | ---: | ---: | ---: | --- |"]
    for s in (4096, 65536):
        m = lambda v: b.median("digest-off", "xfer2cpu", s, v)  # noqa: E731
        out.append(f"| {s} | {mbps(1, m('c'))} | {mbps(1, m('rust'))} | {mbps(1, m('pipe'))} | "
                   f"{ratio(b, 'digest-off', 'xfer2cpu', s)} |")
    out += ["", "![Two-CPU transfer](plots/xfer2cpu.svg)", ""]
    return out


def awk_number(x):
    """X as awk's print shows a number: whole numbers in full, others %.6g."""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else f"{x:.6g}"


def plots(b, plot_dir):
    """The three SVG plots of throughput against message size, with
    gnuplot (median, and the interquartile range as error bars)."""
    def series(tag, metric, variant, size_over):
        # (a figure of 0, which a wall-clock one can be at the guest
        # clock's resolution, has no throughput: left out of the plot)
        rows = sorted((float(s.size), s) for s in b.stats
                      if s.tag == tag and s.metric == metric and s.variant == variant
                      and s.median and s.q1 and s.q3)
        lines = [f"{s.size} {awk_number(size_over(s, s.median))} {awk_number(size_over(s, s.q3))} "
                 f"{awk_number(size_over(s, s.q1))}" for _, s in rows]
        return "\n".join(lines + ["EOD"])

    def svgplot(out, title, logaxes, ylabel, data, plot):
        script = (f'set terminal svg size 720,420 dynamic font "sans,12"\nset output "{out}"\n'
                  f'set title "{title}"\nset logscale {logaxes}\nset xlabel "message size (bytes)"\n'
                  f'set ylabel "{ylabel}"\nset key left top\nset grid\n')
        for name, text in data:
            script += f"${name} << EOD\n{text}\n"
        subprocess.run(["gnuplot"], input=script + plot + "\n", text=True, check=True)

    ylabel = "bytes per 1000 guest instructions" if b.clock == "icount" else "MB/s"
    per_cycle = lambda s, v: float(s.size) / v * 1000  # noqa: E731
    for tag in ("digest-on", "digest-off"):
        data = [(v, series(tag, "cycle", v, per_cycle)) for v in ("c", "rust", "pipe", "null")]
        svgplot(f"{plot_dir}/throughput-{tag}.svg", f"write+read cycles, digest {tag[7:]} (median, IQR)", "xy",
                ylabel, data,
                'plot $c using 1:2:3:4 with yerrorlines lw 2 title "duet-c", \\\n'
                '     $rust using 1:2:3:4 with yerrorlines lw 2 title "duet-rust", \\\n'
                '     $pipe using 1:2:3:4 with yerrorlines dt 2 title "pipe(2)", \\\n'
                '     $null using 1:2:3:4 with yerrorlines dt 3 title "/dev/null + /dev/zero"')
    per_byte = lambda s, v: 1000 / v  # noqa: E731
    data = [(v, series("digest-off", "xfer2cpu", v, per_byte)) for v in ("c", "rust", "pipe")]
    svgplot(f"{plot_dir}/xfer2cpu.svg", "one writer (CPU 0) and one reader (CPU 1), digest off", "x", "MB/s", data,
            'plot $c using 1:2:3:4 with yerrorlines lw 2 title "duet-c", \\\n'
            '     $rust using 1:2:3:4 with yerrorlines lw 2 title "duet-rust", \\\n'
            '     $pipe using 1:2:3:4 with yerrorlines dt 2 title "pipe(2)"')
