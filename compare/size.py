#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""size.py - the code of both modules, function by function, grouped.

Usage: size.py DUET_C.KO DUET_RUST.KO

Reads the function symbols of the .text sections (.text, .text.unlikely;
not .init.text or .exit.text) with llvm-nm (sizes; a body that
identical-code folding gave several names counts once), demangles the Rust ones with llvm-cxxfilt, and sorts each function
into a group:

  C:    the module's code, or its KUnit tests (duet_test_*)
  Rust: the module's own code (paths in duet_rust, and its trait impls);
        the kernel crate's generics, monomorphised for duet_rust
        (kernel::..., pin_init::...); core's (core::...); or the KUnit
        tests (duet_rust::tests::...)

Prints Markdown: the groups side by side, the Rust/C ratio without the
tests, and the largest functions of each Rust group.
"""
import collections
import re
import shutil
import subprocess
import sys


def tool(name):
    return shutil.which(name) or shutil.which(f"{name}-19") or name


def functions(ko):
    """{(section, address): [size, [names]]} of the function symbols of the
    .text sections of KO (addresses are section offsets in a .ko)."""
    out = subprocess.run([tool("llvm-nm"), "--defined-only", "-S", "-f", "sysv", ko],
                         capture_output=True, text=True, check=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 7 or parts[3] != "FUNC" or not parts[6].startswith(".text"):
            continue
        name, addr, _, _, size, _, section = parts
        entry = funcs.setdefault((section, int(addr, 16)), [0, []])
        entry[0] = max(entry[0], int(size or "0", 16))
        entry[1].append(name)
    return funcs


def demangle(names):
    out = subprocess.run([tool("llvm-cxxfilt")], input="\n".join(names),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return {n: re.sub(r"\[[0-9a-f]+\]", "", d) for n, d in zip(names, out)}


def rust_group(name):
    if "duet_rust::tests::" in name or "kunit" in name:
        return "tests"
    m = re.match(r"<?&?(?:mut )?([a-z_]+)::", name)
    crate = m.group(1) if m else ""
    # an impl in this crate: <duet_rust::X as kernel::Trait>::f
    if crate == "duet_rust" or re.match(r"<duet_rust::[^ ]* as ", name):
        return "own"
    if crate in ("kernel", "pin_init", "bindings", "ffi", "macros"):
        return "kernel crate generics"
    if crate in ("core", "alloc"):
        return "core"
    return "own" if crate == "" else "kernel crate generics"


def c_group(name):
    return "tests" if name.startswith("duet_test") or "kunit" in name else "own"


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    c_funcs, r_funcs = functions(argv[1]), functions(argv[2])
    plain = demangle(sorted({n for _, names in r_funcs.values() for n in names}))
    c = collections.Counter()
    for size, names in c_funcs.values():
        c[c_group(names[0])] += size
    r = collections.Counter()
    members = collections.defaultdict(list)
    for size, names in r_funcs.values():
        name = plain[sorted(names)[0]]
        group = rust_group(name)
        r[group] += size
        members[group].append((size, name, len(names)))
    c_code, r_code = c["own"], r["own"] + r["kernel crate generics"] + r["core"]
    print("| | duet_c.ko | duet_rust.ko |")
    print("| --- | ---: | ---: |")
    print(f"| the module's own functions | {c['own']} | {r['own']} |")
    print(f"| the kernel crate's generics, made for duet_rust | - | {r['kernel crate generics']} |")
    print(f"| core's generics | - | {r['core']} |")
    print(f"| **code without the tests** | **{c_code}** | **{r_code}** |")
    print(f"| KUnit tests | {c['tests']} | {r['tests']} |")
    print(f"| all functions | {sum(c.values())} | {sum(r.values())} |")
    print()
    print(f"Bytes of function code. Without the tests, Rust is {r_code / c_code:.2f} x C"
          f" (goal: at most 1.5 x).")
    for group in ("own", "kernel crate generics", "core"):
        top = sorted(members[group], reverse=True)[:8]
        if not top:
            continue
        print()
        print(f"Largest Rust functions, {group} ({len(members[group])} functions):")
        print()
        print("| bytes | function |")
        print("| ---: | --- |")
        for size, name, n in top:
            more = f" (and {n - 1} folded into it)" if n > 1 else ""
            print(f"| {size} | `{name[:140]}`{more} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
