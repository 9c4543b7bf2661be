# SPDX-License-Identifier: GPL-2.0
"""report_size.py - the code of both modules, side by side, job by job.

For compare/report.py: code_size(DUET_C.KO, DUET_RUST.KO).

Reads the function symbols of both modules with llvm-nm (sizes; a body
that identical-code folding gave several names counts once), demangles the
Rust ones with llvm-cxxfilt, and sorts each function into the job it does
(open, read, ioctl, init and exit...), so that each row sets C's code for a
job beside Rust's. Rust has two kinds of rows more: the `kernel` crate's
and `core`'s generics, made for duet_rust (by family), which C has no
counterpart for. Run-time code is .text (and .text.unlikely); init and
exit code (.init.text, .exit.text) is shown apart, because C marks its
init `__init` (freed after the load) and 7.3 Rust has no way to mark a
function so: `DuetDevice::new` stays in .text.

Also counts, with llvm-objdump, the panic sites in Rust's run-time code:
each call to a `core` panic function (an overflow, bounds or assertion
check that failed) with the instructions that load its arguments.

Returns the lines of Markdown: the table, the Rust/C ratio of run-time code without the
tests (the goal is at most 1.5), what keeps it above, and the largest
functions of each Rust group.
"""
import collections
import re
import shutil
import subprocess

GOAL = 1.5

# (job, C function names, Rust pattern). The Rust trampolines
# (MiscdeviceVTable<DuetFile>>::read, ::read_iter...) carry the module's
# own code, which duet_rust.rs inlines into them, as C inlines its read
# and write bodies into duet_read and duet_read_iter (and the write pair).
JOBS = [
    ("open", r"duet_open", r"::open$|duet_rust::access_of$"),
    ("release", r"duet_release", r"::release$"),
    ("read", r"duet_read|duet_read_iter|duet_fifo_get", r"::read$|::read_iter$|Fifo>::get|duet_rust::ret_of$"),
    ("write", r"duet_write|duet_write_iter|duet_fifo_put", r"::write$|::write_iter$|Fifo>::put"),
    ("ioctl (and the FIFO's resize)", r"duet_ioctl|duet_fifo_resize", r"::ioctl|Fifo>::resize"),
    ("fdinfo", r"duet_show_fdinfo", r"show_fdinfo"),
    ("the wrappers of C's exports (glue.rs)", r"(?!)", r"duet_rust::glue::"),
    ("the DUET registry and /proc/duet (export.c; Rust calls C's)",
     r"duet_account|duet_digest|duet_get|duet_put|duet_register|duet_unregister|duet_proc_show|duet_registry_\w+",
     r"^$"),
]
INIT_RUST = r"DuetDevice>::new|InPlaceModule|ExitLog|param_in_range|DuetModule|__duet_rust|init_module|cleanup_module|Fifo>::new"

# Families of the kernel crate's generics: (name, pattern).
FAMILIES = [
    ("`KVVec` (the ring buffer)", r"kernel::alloc::kvec"),
    ("`KBox`, `Arc`, `UniqueArc`, pin-init (allocation and init)",
     r"kernel::alloc::kbox|kernel::sync::arc|pin_init|kernel::init|Opaque<.*>::ffi_init|layout"),
    ("locks and condition variables", r"kernel::sync::(lock|condvar)|ScopeGuard|Lock<"),
    ("user copies (`UserSlice`)", r"kernel::uaccess"),
    ("printing (`kernel::fmt`)", r"kernel::fmt|core::fmt|kernel::print"),
    ("module params (`SetOnce`)", r"set_once|kernel::module_param"),
    ("the misc device registration", r"kernel::miscdevice"),
]


def tool(name):
    return shutil.which(name) or shutil.which(f"{name}-19") or name


def functions(ko):
    """{(section, address): [size, [names], section]} of the function
    symbols of KO (addresses are section offsets in a .ko)."""
    out = subprocess.run([tool("llvm-nm"), "--defined-only", "-S", "-f", "sysv", ko],
                         capture_output=True, text=True, check=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 7 or parts[3] != "FUNC" or not parts[6].startswith((".text", ".init.text", ".exit.text")):
            continue
        name, addr, _, _, size, _, section = parts
        entry = funcs.setdefault((section, int(addr, 16)), [0, [], section])
        entry[0] = max(entry[0], int(size or "0", 16))
        entry[1].append(name)
    return funcs


def demangle(names):
    out = subprocess.run([tool("llvm-cxxfilt")], input="\n".join(names),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return {n: re.sub(r"\[[0-9a-f]+\]", "", d) for n, d in zip(names, out)}


def panic_sites(ko):
    """{mangled function name: (panic call sites, bytes)}: the calls to
    core's panic functions, with the argument loads right before each (up
    to the last branch target or non-load instruction)."""
    out = subprocess.run([tool("llvm-objdump"), "-dr", ko],
                         capture_output=True, text=True, check=True).stdout
    sites = collections.defaultdict(lambda: [0, 0])
    func, insns, targets = None, [], set()

    def flush():
        for i, (addr, size, text, reloc) in enumerate(insns):
            if not text.startswith("call") or not re.search(r"panic|_fail\b|_fail-", reloc or ""):
                continue
            nbytes, j = size, i - 1
            while j >= 0 and insns[j + 1][0] not in targets and re.match(r"(mov|lea|xor)", insns[j][2]) \
                    and not insns[j][2].startswith("call"):
                nbytes += insns[j][1]
                j -= 1
            sites[func][0] += 1
            sites[func][1] += nbytes

    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            if func:
                flush()
            func, insns, targets = m.group(1), [], set()
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(.*)$", line)
        if m and func:
            text = m.group(3).strip()
            insns.append((int(m.group(1), 16), len(m.group(2).split()), text, None))
            t = re.match(r"j\w+\s+0x([0-9a-f]+)", text)
            if t:
                targets.add(int(t.group(1), 16))
            continue
        m = re.match(r"^\s*[0-9a-f]+:\s+R_X86_64_\w+\s+(\S+)", line)
        if m and insns:
            a, s, t, _ = insns[-1]
            insns[-1] = (a, s, t, m.group(1))
    if func:
        flush()
    return sites


def c_job(name, section):
    if name.startswith("duet_test") or "kunit" in name:
        return "tests"
    if section != ".text" and not section.startswith(".text."):
        return "init and exit"
    for job, c, _ in JOBS:
        if re.fullmatch(c, name):
            return job
    return "other"


def rust_job(name, section):
    if "duet_rust::tests::" in name or "kunit" in name:
        return "tests"
    if section != ".text" and not section.startswith(".text.") or re.search(INIT_RUST, name):
        return "init and exit"
    if re.search(r"MiscdeviceVTable<duet_rust::DuetFile>>::", name) or \
            re.match(r"<?&?(?:mut )?duet_rust::", name) or re.match(r"<duet_rust::[^ ]* as ", name):
        for job, _, rust in JOBS:
            if re.search(rust, name):
                return job
        return "other"
    if re.match(r"<?&?(?:mut )?(core|alloc)::", name) and not re.search(r"duet_rust::", name.split("::<")[0]):
        return "core"
    for family, pattern in FAMILIES:
        if re.search(pattern, name):
            return "generic: " + family
    return "generic: other"


def code_size(ko_c, ko_rust):
    c_funcs, r_funcs = functions(ko_c), functions(ko_rust)
    plain = demangle(sorted({n for _, names, _ in r_funcs.values() for n in names}))
    panics = panic_sites(ko_rust)
    c = collections.Counter()
    for size, names, section in c_funcs.values():
        c[c_job(names[0], section)] += size
    r = collections.Counter()
    members = collections.defaultdict(list)
    # panic sites (count, bytes) of the module's own run-time code, and of
    # the generics made for it
    panic = {"own": [0, 0], "generic": [0, 0]}
    for size, names, section in r_funcs.values():
        name = plain[sorted(names)[0]]
        job = rust_job(name, section)
        r[job] += size
        members[job].append((size, name, len(names)))
        if job not in ("tests", "init and exit"):
            kind = "generic" if job.startswith("generic: ") or job == "core" else "own"
            for n in names:
                panic[kind][0] += panics.get(n, (0, 0))[0]
                panic[kind][1] += panics.get(n, (0, 0))[1]
    runtime = [j for j, _, _ in JOBS] + ["other"]
    generics = [g for g in r if g.startswith("generic: ")]
    generics.sort(key=lambda g: -r[g])
    out = []
    out.append("| job | duet_c.ko | duet_rust.ko | Rust - C |")
    out.append("| --- | ---: | ---: | ---: |")
    for job in runtime:
        if c[job] or r[job]:
            out.append(f"| {job} | {c[job]} | {r[job]} | {r[job] - c[job]:+d} |")
    for g in generics:
        out.append(f"| the kernel crate's generics made for duet_rust: {g[len('generic: '):]} | - | {r[g]} | {r[g]:+d} |")
    if r["core"]:
        out.append(f"| `core`'s generics made for duet_rust | - | {r['core']} | {r['core']:+d} |")
    c_code = sum(c[j] for j in runtime)
    r_code = sum(r[j] for j in runtime) + sum(r[g] for g in generics) + r["core"]
    out.append(f"| **run-time code (.text) without the tests** | **{c_code}** | **{r_code}** | **{r_code - c_code:+d}** |")
    out.append(f"| init and exit (C: .init.text and .exit.text; Rust: its init code is in .text) | {c['init and exit']} | {r['init and exit']} | {r['init and exit'] - c['init and exit']:+d} |")
    out.append(f"| KUnit tests | {c['tests']} | {r['tests']} | {r['tests'] - c['tests']:+d} |")
    out.append(f"| all functions | {sum(c.values())} | {sum(r.values())} | {sum(r.values()) - sum(c.values()):+d} |")
    out.append("")
    ratio = r_code / c_code
    out.append(f"Bytes of function code. Run-time code without the tests: Rust is **{ratio:.2f} x C** "
               f"(goal: at most {GOAL} x, {int(GOAL * c_code)} bytes).")
    out.append("")
    # What keeps it above the goal, largest first.
    own = sum(r[j] for j in runtime)
    c_own = sum(c[j] for j in runtime if j != JOBS[-1][0])
    gen = sum(r[g] for g in generics) + r["core"]
    parts = [(gen, "the `kernel` crate's and `core`'s generics, which C has no counterpart of (largest: "
              + ", ".join(f"{g[len('generic: '):]} {r[g]}" for g in generics[:3])
              + f"); {panic['generic'][1]} of them in {panic['generic'][0]} panic sites"),
             (own - c_own, f"the module's own code beyond C's device.c (the job rows above); {panic['own'][1]} of "
              f"them in {panic['own'][0]} panic sites of its overflow, bounds and assertion checks (each: the loads "
              "of the panic's arguments and the call)")]
    if ratio > GOAL:
        out.append(f"What keeps it above {GOAL} x (the goal leaves Rust {int(GOAL * c_code) - c_code} bytes more "
                   f"than C; C's {c_code} includes {c[JOBS[-1][0]]} bytes of the registry that Rust calls instead of having its own):")
        out.append("")
        for size, what in sorted(parts, reverse=True):
            out.append(f"- {size} bytes: {what}")
    else:
        out.append(f"Within the goal of {GOAL} x.")
    for group in runtime + ["init and exit"] + generics:
        top = sorted(members[group], reverse=True)[:6]
        if not top:
            continue
        out.append("")
        label = group[len("generic: "):] if group.startswith("generic: ") else \
            "the module's own, " + ("other jobs" if group == "other" else group)
        out.append(f"Largest Rust functions, {label} ({len(members[group])} functions):")
        out.append("")
        out.append("| bytes | function |")
        out.append("| ---: | --- |")
        for size, name, n in top:
            more = f" (and {n - 1} folded into it)" if n > 1 else ""
            out.append(f"| {size} | `{name[:140]}`{more} |")
    return out
