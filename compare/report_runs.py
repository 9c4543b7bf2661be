# SPDX-License-Identifier: GPL-2.0
"""report_runs.py - the report's sections from the other runs kept next
to the bench output, for compare/report.py: "Reliability" from `make
stress` (stress.txt), "Same answers" from the differential tester
(difftest.txt, with tests/difftest-allowed.txt) and "Break it" from `make
bugs` (bugs.tsv, with the cases of bugs/). Each returns lines of Markdown,
and says how to fill its section in when its run is missing. Python's
standard library only.
"""
import glob
import os
import re
import subprocess
import sys


def read(path):
    """The lines of PATH ("-": the standard input), or None when it is
    missing or empty."""
    if path == "-":
        text = sys.stdin.read()
    elif not os.path.exists(path):
        return None
    else:
        with open(path, errors="replace", newline="") as f:
            text = f.read()
    if not text:
        return None
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def leading_number(text):
    """The number at the start of TEXT, as awk reads it (0 if none)."""
    m = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text)
    return float(m.group(0)) if m else 0.0


def awk_string(value):
    """A number as awk prints it with %s."""
    return str(int(value)) if value == int(value) else f"{value:.6g}"


def reliability(path):
    """The long sanitizer run of `make stress`, per module."""
    out = ["## Reliability: the long sanitizer run", ""]
    log = read(path)
    if log is None:
        return out + ["No `make stress` output next to this report. Run `make stress` (about",
                      "45 minutes under TCG), then `make report`, to fill in this section.", ""]
    out += ["From `make stress`: the debug kernel (KASAN, UBSAN, KFENCE, lockdep,",
            "kmemleak, fault injection, panic_on_warn=1) running the fuzzer, every fault",
            "sweep and the load/unload churn against both modules."]
    runs = [line[len("# make stress: "):] for line in log if line.startswith("# make stress: ")]
    out += [("Run: " + runs[-1] if runs else "") + ".", ""]
    v, sweeps, ops = {}, {}, set()
    passed = failed = 0
    for line in log:
        f = line.split()
        if len(f) >= 2 and f[0] == "#" and f[1] == "stat":
            key = (f[2] if len(f) > 2 else "", f[3] if len(f) > 3 else "")
            value = f[4] if len(f) > 4 else ""
            if key[1] == "leaks":
                v[key] = v.get(key, 0) + leading_number(value)
            else:
                v[key] = value
            continue
        if re.match(r"^(not )?ok - faultsweep ", line):
            module = "duet_c" if re.search(r"duet[-_]c[ .:]", line) else \
                "duet_rust" if re.search(r"duet[-_]rust", line) else ""
            op = re.sub(r" .*", "", re.sub(r".*faultsweep ", "", line, count=1), count=1)
            n = re.sub(r".* ", "", re.sub(r" faults injected.*", "", line, count=1), count=1)
            sweeps[(module, op)] = n
            ops.add(op)
        if line.startswith("ok "):
            passed += 1
        if line.startswith("not ok "):
            failed += 1

    def get(module, key):
        value = v.get((module, key), "")
        return value if isinstance(value, str) else awk_string(value)

    def row(name, a, b):
        out.append(f"| {name} | {a} | {b} |")
    out += ["| | duet_c | duet_rust |", "| --- | ---: | ---: |"]
    row("fuzz operations (4 threads)", get("duet_c", "fuzz_ops"), get("duet_rust", "fuzz_ops"))
    row("fuzz invariant violations (data lost)", get("duet_c", "data_lost"), get("duet_rust", "data_lost"))
    for op in ("load", "open", "write", "read", "resize", "info", "stats"):
        if op in ops:
            row("faults injected: " + op, sweeps.get(("duet_c", op), ""), sweeps.get(("duet_rust", op), ""))
    row("faults injected: all", get("duet_c", "faults"), get("duet_rust", "faults"))
    row("load/unload cycles racing open files", get("duet_c", "cycles"), get("duet_rust", "cycles"))
    if ("duet_c", "refused") in v:
        row("of which rmmod refused (in use)", get("duet_c", "refused"), get("duet_rust", "refused"))
    leaks = [awk_string(leading_number(get(m, "leaks"))) for m in ("duet_c", "duet_rust")]
    row("leaked objects (module in the backtrace)", *leaks)
    reports = int(leading_number(get("all", "sanitizer_reports")))
    out += ["",
            f"Sanitizer reports in the kernel log (both modules, one boot): {reports}. Verdicts: {passed} passed, "
            f"{failed} failed.", "",
            "No run has found a bug in either module. Two bugs planted by hand in duet_c were caught: a missing "
            "`kfree()` on the EBUSY path of open (kmemleak, \"no leaks after the conformance suite\", backtrace in "
            "`duet_open [duet_c]`), and a missing `mutex_unlock()` on the EAGAIN path of read (lockdep, \"lock held "
            "when returning to user space\" in `duet_read_iter [duet_c]`, and `debug_locks` = 0). Neither can be "
            "written by accident in duet_rust: the per-open state is a `KBox` freed when dropped on any error path, "
            "and the mutex is unlocked when its guard goes out of scope (only a deliberate "
            "`core::mem::forget(guard)`, which is safe code, could keep it locked).", "",
            "Each \"faults injected\" row counts the allocations and user copies made to fail, one per run, until "
            "the operation ran without a fault: it is also the number of fallible steps the module takes (the load "
            "row includes the kernel's own module loader).", ""]
    return out


TAP = re.compile(r"^(not ok|ok) [0-9]* - ([a-z]*[^:]*): (.*)$")


def same_answers(path, allowed):
    """What the last differential run compared, and what it allows."""
    out = ["## Same answers", ""]
    run = read(path)
    if run is None:
        return out + ["No differential run yet: `make difftest` (or `make check`, its difftest suite) writes one.",
                      ""]
    out += ["The differential tester (tests/selftests/difftest.c) applies the same calls to /dev/duet-c and "
            "/dev/duet-rust and compares every answer: return value, errno, bytes, INFO, STATS, /proc/duet, "
            "fdinfo. From its last run:", "",
            "| group | what | verdict |", "| --- | --- | --- |"]
    ops = scenarios = params = diverged = 0
    for line in run:
        m = TAP.match(line)
        if m:
            out.append(f"| {m.group(2)} | {m.group(3)} | {'same' if m.group(1) == 'ok' else '**DIFFERENT**'} |")
        if re.match(r"^(not )?ok [0-9]+ - lockstep seed [0-9]+: ", line):
            ops += leading_number(re.sub(r".*lockstep seed [0-9]+: ", "", line, count=1))
        if re.match(r"^(not )?ok [0-9]+ - blocking: ", line):
            scenarios += leading_number(re.sub(r".*blocking: [a-z]+, ", "", line, count=1))
        if re.match(r"^(not )?ok [0-9]+ - params: ", line):
            params += leading_number(re.sub(r".*params: ", "", line, count=1))
        if re.match(r"^not ok [0-9]+ - ", line):
            diverged += 1
    out += ["",
            f"Operations compared: {int(ops)}; blocking scenarios: {int(scenarios)}; module param strings: "
            f"{int(params)}; groups that diverged: {diverged}.", "",
            "The differences it allows, and nothing else (tests/difftest-allowed.txt):", "",
            "| id | comparison | C | Rust | cause |", "| --- | --- | --- | --- | --- |"]
    with open(allowed, newline="") as f:
        for line in f.read().split("\n"):
            fields = line.split("\t")
            if not line.startswith("#") and len(fields) >= 5:
                out.append(f"| {fields[0]} | `{fields[1]}` | `{fields[2]}` | `{fields[3]}` | {fields[4]} |")
    out.append("")
    return out


NO_BUG = "(none: the unchanged modules, to show the checks are quiet)"


def bug_case(src, n):
    """(title, c_how, rust_how, c_would, rust_would) of bugs/NN-*/case, a
    file of shell assignments, as the shell reads it."""
    found = sorted(glob.glob(os.path.join(src, "bugs", f"{int(n):02d}-*", "case")))
    if not found:
        return NO_BUG, "", "", "", ""
    script = ('title=$2 c_how= rust_how= c_would= rust_would=; . "$1" && '
              'printf "%s\\0%s\\0%s\\0%s\\0%s" "$title" "$c_how" "$rust_how" "$c_would" "$rust_would"')
    out = subprocess.run(["sh", "-c", script, "sh", found[0], NO_BUG], capture_output=True, text=True,
                         check=True).stdout
    return tuple(out.split("\0"))


def same_number(a, b):
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def verdicts(rows):
    """{(case, lang): (when, tools, main row)} of bugs.tsv's rows (case 0,
    the unchanged modules, left out): when is "build" (the compiler
    rejected it, or a build-time checker flagged it), "run" (caught only
    when it ran), "never" (it ran and nothing caught it) or "not run";
    tools are the build-time catches, the compiler's rejection first."""
    out = {}
    for r in rows:
        if same_number(r[0], "0"):
            continue
        key = (r[0], r[1])
        when, tools, main = out.get(key, ("not run", [], None))
        if r[2] == "flagged":
            tools = tools + [r[3]]
        elif r[2] == "noted":
            pass
        else:
            main = r
            if r[2] == "rejected":
                tools = [r[3]] + tools
        if tools:
            when = "build"
        elif main and main[2] == "caught":
            when = "run"
        elif main and main[2] == "silent":
            when = "never"
        out[key] = (when, tools, main)
    return out


def headline(rows):
    """The catalogue's headline, from bugs.tsv's rows: how many of the
    cases each language stops before the code runs, only at run time, or
    never; and which cases Rust wins outright, which C's tools also stop
    before run time, and which neither language catches."""
    v = verdicts(rows)
    cases = sorted({k[0] for k in v}, key=leading_number)
    count = {(lang, when): [n for n in cases if v.get((n, lang), ("not run",))[0] == when]
             for lang in ("c", "rust") for when in ("build", "run", "never", "not run")}
    total = len(cases)

    def nums(lst):
        return ", ".join(lst) if lst else "none"
    lines = [f"Caught before it runs (rejected by the compiler or flagged by a build-time checker): "
             f"Rust {len(count['rust', 'build'])} of {total}, C with its tools {len(count['c', 'build'])} of {total}.",
             f"Caught only at run time: Rust {len(count['rust', 'run'])}, C {len(count['c', 'run'])}. "
             f"Never caught: Rust {len(count['rust', 'never'])}, C {len(count['c', 'never'])}."]
    if count["c", "not run"] or count["rust", "not run"]:
        lines.append(f"Not run (built only, or a patch that no longer applies): "
                     f"Rust {len(count['rust', 'not run'])}, C {len(count['c', 'not run'])}.")
    build = {lang: set(count[lang, "build"]) for lang in ("c", "rust")}
    never = {lang: set(count[lang, "never"]) for lang in ("c", "rust")}
    lines.append(f"Rust before run time, C only at run time or never (cases): "
                 f"{nums([n for n in cases if n in build['rust'] and n not in build['c']])}.")
    lines.append(f"Both before run time (cases): {nums([n for n in cases if n in build['rust'] and n in build['c']])}.")
    lines.append(f"C before run time, Rust not (cases): {nums([n for n in cases if n in build['c'] and n not in build['rust']])}.")
    lines.append(f"Caught by nothing in either language (cases): "
                 f"{nums([n for n in cases if n in never['c'] and n in never['rust']])}.")
    return lines


def bugs(path, src):
    """The classic module bugs of bugs/, planted in both languages."""
    out = ["## Break it: the classic module bugs, planted in both languages", ""]
    rows = read(path)
    if rows is None:
        return out + ["No `make bugs` results next to this report. Run `make bugs` (it plants",
                      "every bug of bugs/ in a scratch copy and runs each on the debug kernel),",
                      "then `make report`, to fill in this section.", ""]
    rows = [r.split("\t") + [""] * 6 for r in rows]
    out += ["From `make bugs`: each mutation (bugs/NN-*/c.patch, rust.patch) built against",
            "the debug kernel, checked at build time (C: the compiler's warnings, W=1, sparse,",
            "Coccinelle, the clang static analyzer, clang-tidy and checkpatch; Rust: rustc's",
            "warnings and Clippy; smatch is not packaged by Debian) and, when it compiles, run",
            "on the debug kernel (KASAN, UBSAN, lockdep, kmemleak, atomic-sleep checks,",
            "panic_on_warn=1; KFENCE off, so that KASAN sees every access) against the checks for",
            "its class (a case with flavor=kcsan or flavor=kmsan on the kcsan or kmsan kernel",
            "instead: KCSAN, the race detector, and KMSAN, the detector of uninitialised memory,",
            "each exclude KASAN). Each cell gives the first line that shows it: the",
            "compiler's error, the checker's first message, the kernel's report, or the check that",
            "failed.", ""]
    out += ["**" + line + "**" if i < 2 else line for i, line in enumerate(headline(rows))]
    out += ["", "| # | bug | | the mistake | build time | run time |",
            "| ---: | --- | --- | --- | --- | --- |"]

    def clean(text):
        return text.replace("|", "/").replace(chr(13), "")

    def cells(n, lang, how, would):
        build, run = [], []
        for r in rows:
            if not same_number(r[0], n) or r[1] != lang:
                continue
            where = f" ({r[5]} kernel)" if r[5] not in ("", "debug") else ""
            if r[2] == "flagged":
                build.append(f"**flagged by {r[3]}**: {clean(r[4])}")
            elif r[2] == "noted":
                build.append(f"noted by {r[3]}, away from the change (not counted): {clean(r[4])}")
            elif r[2] == "rejected":
                build.insert(0, f"**rejected by {r[3]}**{where}: {clean(r[4])}")
            elif r[2] == "caught":
                run.append(f"**caught by {r[3]}**{where}: {clean(r[4])}")
            elif r[2] == "silent":
                if same_number(n, "0"):
                    run.append(f"**quiet**{where}: {clean(r[4])}")
                else:
                    run.append(f"**not caught**{where}: {clean(r[4])}"
                               + (f"<br>would be caught by: {clean(would)}" if would and not build else ""))
            else:
                run.append(f"**{r[2]}**: {clean(r[4])}")
        if not build and not run:
            return "(not run)", ""
        return "<br>".join(build) or "nothing", "<br>".join(run) or "(not run: it does not build)"
    numbers = []
    for r in rows:
        if not any(same_number(r[0], x) for x in numbers):
            numbers.append(r[0])
    for n in sorted(numbers, key=leading_number):
        title, c_how, rust_how, c_would, rust_would = NO_BUG, "", "", "", ""
        if not same_number(n, "0"):
            title, c_how, rust_how, c_would, rust_would = bug_case(src, n)
        for lang, how, would in (("c", c_how, c_would), ("rust", rust_how, rust_would)):
            if not any(same_number(r[0], n) and r[1] == lang for r in rows):
                continue
            build, run = cells(n, lang, how, would)
            out.append(f"| {n} | {clean(title)} | {'C' if lang == 'c' else 'Rust'} | {clean(how)} | {build} | {run} |")
    out.append("")
    return out


if __name__ == "__main__":
    # report_runs.py headline BUGS.TSV: the catalogue's headline, for
    # scripts/bugs.sh's table.
    if len(sys.argv) != 3 or sys.argv[1] != "headline":
        sys.exit("usage: report_runs.py headline BUGS.TSV")
    tsv = read(sys.argv[2]) or []
    print("\n".join(headline([r.split("\t") + [""] * 6 for r in tsv])))
