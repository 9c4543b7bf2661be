# SPDX-License-Identifier: GPL-2.0
"""report_profile.py - where the instructions of each path go, C beside Rust.

For compare/report.py: profile(COUNTS, GUEST_OUTPUT, SYSTEM_MAP, TREE).
COUNTS is the output of the QEMU plugin (compare/plugin/prof-plugin.c):
sections "mark N", then "VADDR INSTRUCTIONS" per translation block.
GUEST_OUTPUT is what compare/profile-guest.sh printed: "ksym ..." lines
(the modules' symbols from /proc/kallsyms) and "profile DEVICE PATH N
MARK" lines, a path's lines repeated once per round (the round with the
fewest kernel instructions is kept). SYSTEM_MAP is the kernel's
System.map (no KASLR in these kernels).

Returns the lines of Markdown, per path: the kernel instructions per call
for C and for Rust; then the functions whose count differs, side by side
with the difference (the kernel's own functions, the same for both, in
one line); and for each function only Rust calls, what it is and the
line of the 7.3 kernel tree (TREE, the unpacked source) that makes it;
and the same figures for report.json. Python's standard library only;
Rust names are demangled by llvm-cxxfilt when it is on PATH.
"""
import bisect
import collections
import functools
import glob
import os
import re
import shutil
import subprocess
import sys

KERNEL = 0xFFFF800000000000
PATHS = ["write", "read", "info", "stats", "open", "release"]

# What a function that only the Rust side calls is: (pattern in its name,
# short name of the cause, explanation, file of the 7.3 tree, pattern of
# the line that makes it). The 7.3 `MiscDevice` trampolines
# (`MiscdeviceVTable<DuetFile>>::open` etc.) are not here: duet_rust.rs
# inlines its own code into them, so they are the module's own code, as
# C's duet_open() etc. are.
CAUSES = [
    (r"rust_helper_(\w+)", "C inline functions called through helpers",
     "a C inline function called out of line through its helper, `rust/helpers/` (`CONFIG_RUST_INLINE_HELPERS` lets LLVM inline the helpers; this call it left out of line)",
     "rust/helpers/*.c", r"rust_helper_{0}\("),
    (r"CondVar>::notify", "`CondVar::notify_all()`",
     "`CondVar::notify_all()`, a call to a wrapper around `__wake_up()` (C calls `wake_up_interruptible()`, a macro for `__wake_up()`)",
     "rust/kernel/sync/condvar.rs", r"fn notify\("),
    (r"SetOnce<", "module params through `SetOnce`",
     "a module param read: `SetOnce::copy()`, an acquire load (C reads a global)",
     "rust/kernel/sync/set_once.rs", r"pub fn copy\("),
    (r"krealloc_node_align|Allocator>::(alloc|free)|Box<.*>::new|Box<.*Drop", "`KBox` through `krealloc_node_align()`",
     "`KBox` allocates and frees through `krealloc_node_align()` (C: `kzalloc()` and `kfree()`)",
     "rust/kernel/alloc/allocator.rs", r"const KREALLOC: Self"),
    (r"Opaque<.*>::get|AtomicRepr<.*>::as_ptr", "accessors not inlined at -Os",
     "a one-line accessor of the `kernel` crate (here `File::flags()`'s `Opaque::get()`) that is not inlined across crates at this optimisation level (-Os); the linker merged identical ones, so it carries the name of one of them",
     "rust/kernel/types.rs", r"pub const fn get\(&self\)"),
    (r"^generic_file_open$", "`generic_file_open()` in the open trampoline",
     "the 7.3 `MiscDevice` open trampoline calls `generic_file_open()` (the `O_LARGEFILE` check) before the driver's `open`; C's misc devices do not",
     "rust/kernel/miscdevice.rs", r"bindings::generic_file_open\("),
    (r"Arc<.*Drop|Arc<.*Clone", "an `Arc` per open file",
     "an `Arc` each open file holds (C keeps a plain pointer, valid while the module is pinned)",
     "rust/kernel/sync/arc.rs", r"fn drop\(&mut self\)"),
]


@functools.lru_cache(maxsize=None)
def cause_of(name, tree):
    for pattern, short, what, files, line in CAUSES:
        m = re.search(pattern, name)
        if not m:
            continue
        where = files
        if tree:
            want = re.compile(line.format(*(m.groups() or [""])))
            for path in sorted(glob.glob(os.path.join(tree, files))):
                with open(path, errors="replace") as f:
                    for no, text in enumerate(f, 1):
                        if want.search(text):
                            where = f"{os.path.relpath(path, tree)}:{no}"
                            break
                if where != files:
                    break
        return short, what, where
    return None


def read_symbols(system_map, guest):
    syms = []
    with open(system_map) as f:
        for line in f:
            addr, kind, name = line.split()[:3]
            if kind in "tTwW":
                syms.append((int(addr, 16), name, ""))
    for line in guest:
        # ksym ffffffffa0000000 t duet_read_iter	[duet_c]
        m = re.match(r"ksym ([0-9a-f]+) [tTwW] (\S+)\s+\[(\w+)\]", line)
        if m:
            syms.append((int(m.group(1), 16), m.group(2), m.group(3)))
    syms.sort()
    return syms


def demangle(names):
    """Rust v0 names, readable, with llvm-cxxfilt (same order)."""
    tool = shutil.which("llvm-cxxfilt") or shutil.which("llvm-cxxfilt-19")
    rust = [n for n in names if n.startswith("_R")]
    if not tool or not rust:
        return {n: n for n in names}
    out = subprocess.run([tool], input="\n".join(rust), capture_output=True,
                         text=True, check=True).stdout.split("\n")
    table = {n: n for n in names}
    for mangled, plain in zip(rust, out):
        # drop the crate hashes: kernel[a1b2c3]::... -> kernel::...
        table[mangled] = re.sub(r"\[[0-9a-f]+\]", "", plain)
    return table


def read_counts(path):
    sections = collections.defaultdict(list)
    mark = 0
    with open(path) as f:
        for line in f:
            if line.startswith("mark "):
                mark = int(line.split()[1])
                continue
            vaddr, n = line.split()
            sections[mark].append((int(vaddr, 16), int(n)))
    return sections


def attribute(section, syms, addrs):
    """Instructions per function (kernel only) and in user space."""
    per = collections.Counter()
    user = 0
    for vaddr, n in section:
        if vaddr < KERNEL:
            user += n
            continue
        i = bisect.bisect_right(addrs, vaddr) - 1
        if i < 0:
            per["?"] += n
            continue
        _, name, mod = syms[i]
        per[name + (f" [{mod}]" if mod else "")] += n
    return per, user


OWN = "the module's own code (C: its functions; Rust: the 7.3 trampolines, with the module's code inlined into them)"
KERNEL_SAME = "the kernel's own functions (the same code; what differs is the work asked of them, e.g. C's `kzalloc()` zeroing, or a timer tick)"


def by_cause(runs, show, tree, result, out):
    """Adds to OUT Rust - C of each path split by cause: the module's own code,
    each cause of CAUSES, and the rest of the kernel; stores it in result."""
    table = collections.defaultdict(dict)
    where = {}
    order = [OWN]
    paths = [p for p in PATHS if ("c", p) in runs and ("rust", p) in runs]
    for path in paths:
        c, r = runs[("c", path)], runs[("rust", path)]
        cf = {show(k): v / c["n"] for k, v in c["functions"].items()}
        rf = {show(k): v / r["n"] for k, v in r["functions"].items()}
        for k in sorted(set(cf) | set(rf)):
            cause = cause_of(k, tree)
            if cause:
                group = cause[0]
                where.setdefault(group, set()).add(cause[2])
            elif k.endswith(("[duet_rust]", "[duet_c]")):
                group = OWN
            else:
                group = KERNEL_SAME
            if group not in order and group != KERNEL_SAME:
                order.append(group)
            table[group][path] = table[group].get(path, 0) + rf.get(k, 0) - cf.get(k, 0)
    order[1:] = sorted(order[1:], key=lambda g: (-sum(abs(v) for v in table[g].values()), g))
    order.append(KERNEL_SAME)
    out.append("")
    out.append("### Rust - C by cause, kernel instructions per call")
    out.append("")
    out.append("| cause | " + " | ".join(paths) + " | 7.3 source |")
    out.append("| --- | " + " | ".join("---:" for _ in paths) + " | --- |")
    for group in order:
        src = ""
        if len(where.get(group, ())) == 1:
            src = f"`{next(iter(where[group]))}`"
        elif group in where:
            src = "each helper's line is in the path's table below"
        out.append(f"| {group} | " + " | ".join(f"{table[group].get(p, 0):+.0f}" for p in paths) + f" | {src} |")
    total = {p: sum(table[g].get(p, 0) for g in order) for p in paths}
    out.append("| **Rust - C** | " + " | ".join(f"**{total[p]:+.0f}**" for p in paths) + " | |")
    for p in paths:
        result[p]["by_cause"] = {g: table[g].get(p, 0) for g in order}


def profile(counts, guest_output, system_map, tree=None):
    """(lines of Markdown, figures for report.json) of the profile run;
    ([], None) when the guest output has no profile lines."""
    with open(guest_output) as f:
        guest = f.read().splitlines()
    syms = read_symbols(system_map, guest)
    addrs = [s[0] for s in syms]
    sections = read_counts(counts)
    runs = {}
    for line in guest:
        parts = line.split()
        if len(parts) == 5 and parts[0] == "profile":
            dev, path, n, mark = parts[1], parts[2], int(parts[3]), int(parts[4])
            lang = "rust" if dev.endswith("rust") else "c"
            per, user = attribute(sections.get(mark, []), syms, addrs)
            # Of the rounds of a path, the one with the fewest kernel
            # instructions: the others had a timer tick or other kernel
            # work land in them.
            old = runs.get((lang, path))
            if old is None or sum(per.values()) < sum(old["functions"].values()):
                runs[(lang, path)] = {"n": n, "functions": per, "user": user}
    if not runs:
        print(f"report: no 'profile' lines in {guest_output}", file=sys.stderr)
        return [], None
    names = set()
    for r in runs.values():
        names.update(k.split(" [")[0] for k in r["functions"])
    plain = demangle(sorted(names))

    def show(key):
        name, _, mod = key.partition(" [")
        return plain.get(name, name) + (f" [{mod}" if mod else "")

    result = {}
    out = ["| path | C, kernel instructions per call | Rust | Rust - C | Rust / C |",
           "| --- | ---: | ---: | ---: | ---: |"]
    for path in PATHS:
        c, r = runs.get(("c", path)), runs.get(("rust", path))
        if not c or not r:
            continue
        ct = sum(c["functions"].values()) / c["n"]
        rt = sum(r["functions"].values()) / r["n"]
        out.append(f"| {path} | {ct:.0f} | {rt:.0f} | {rt - ct:+.0f} | {rt / ct:.3f} |")
        result[path] = {"c": ct, "rust": rt}
    by_cause(runs, show, tree, result, out)
    for path in PATHS:
        c, r = runs.get(("c", path)), runs.get(("rust", path))
        if not c or not r:
            continue
        out.append("")
        out.append(f"### Path: {path}: the functions that differ, instructions per call")
        out.append("")
        out.append("| function | C | Rust | Rust - C |")
        out.append("| --- | ---: | ---: | ---: |")
        cf = {show(k): v / c["n"] for k, v in c["functions"].items()}
        rf = {show(k): v / r["n"] for k, v in r["functions"].items()}
        rows = [(k, cf.get(k, 0), rf.get(k, 0)) for k in sorted(set(cf) | set(rf))]
        differ = [x for x in rows if abs(x[2] - x[1]) >= 0.5]
        differ.sort(key=lambda x: (-(x[2] - x[1]) if x[1] == 0 or x[2] == 0 else 0, x[0]))
        for k, cv, rv in differ:
            out.append(f"| `{k}` | {cv:.0f} | {rv:.0f} | {rv - cv:+.0f} |")
        same = [x for x in rows if abs(x[2] - x[1]) < 0.5]
        out.append(f"| {len(same)} kernel functions alike in both | {sum(x[1] for x in same):.0f} | "
                   f"{sum(x[2] for x in same):.0f} | {sum(x[2] - x[1] for x in same):+.0f} |")
        causes = []
        for k, cv, rv in differ:
            if cv == 0 and rv >= 0.5:
                cause = cause_of(k, tree)
                if cause:
                    causes.append((k, rv, *cause))
        if causes:
            out.append("")
            out.append("| only Rust calls | instructions | what it is | 7.3 source |")
            out.append("| --- | ---: | --- | --- |")
            for k, rv, _, what, where in causes:
                out.append(f"| `{k}` | {rv:.0f} | {what} | `{where}` |")
        result[path]["functions"] = {k: {"c": cv, "rust": rv} for k, cv, rv in rows}
    return out, result
