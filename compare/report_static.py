# SPDX-License-Identifier: GPL-2.0
"""report_static.py - the static half of the comparison, for compare/report.py.

static(SRC, WORK) returns the lines of Markdown made from the sources of
the checkout SRC and the modules built in the kernel work directory WORK
(WORK/stage, WORK/build, WORK/src, the unpacked 7.3 tree): lines of code
by section, error handling, unsafe, the built modules (llvm-size,
llvm-strip, llvm-nm, modinfo, as the toolchain root has them), code size
function by function (compare/report_size.py), modinfo, the lines of the
7.3 tree that force a difference, and excerpts of both modules. Python's
standard library only.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile

import report_size


def tool(name):
    return shutil.which(name) or shutil.which(f"{name}-19") or name


def run(*argv):
    return subprocess.run([tool(argv[0]), *argv[1:]], capture_output=True, text=True, check=True).stdout


def split(text):
    """The lines of TEXT, as grep and awk see them (split at \\n only)."""
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n") if text else []


def lines(path):
    with open(path, errors="surrogateescape", newline="") as f:
        return split(f.read())


def count(pattern, path):
    """grep -c: the lines of PATH that match PATTERN."""
    return sum(1 for line in lines(path) if re.search(pattern, line))


def numbered(pattern, paths, src):
    """grep -n PATTERN PATHS: "FILE:N:LINE" (the file relative to SRC, when
    there are several files, as grep names them) or "N:LINE"."""
    out = []
    for path in paths:
        name = os.path.relpath(path, src) + ":" if len(paths) > 1 else ""
        out += [f"{name}{no}:{line}" for no, line in enumerate(lines(path), 1) if re.search(pattern, line)]
    return out


def excerpt(path, start, end):
    """From the first line matching START to the next matching END."""
    out, on = [], False
    for line in lines(path):
        on = on or bool(re.search(start, line))
        if on:
            out.append(line)
            if re.search(end, line):
                break
    return out


SECTION = re.compile(r"^(/\* |// )--- (.*) ---( \*/)?$")


def sections(path):
    """{section: [code, comment, blank lines]} under each "--- name ---"
    heading of PATH, in the order of the file ("(header)" before the first)."""
    result, sec = {}, "(header)"
    for line in lines(path):
        m = SECTION.match(line)
        if m:
            sec = m.group(2)
            continue
        n = result.setdefault(sec, [0, 0, 0])
        if re.match(r"^[ \t]*$", line):
            n[2] += 1
        elif re.match(r"^[ \t]*(//|/\*|\*)", line):
            n[1] += 1
        else:
            n[0] += 1
    return result


def sloc(c, rust):
    out = ["## Lines of code, by section", "",
           "Both device files have the same sections in the same order. Code, comment and blank lines under each "
           "heading:", "",
           "| section | C code | C comments | C blank | Rust code | Rust comments | Rust blank |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    cs, rs = sections(c), sections(rust)
    total = [0] * 6
    for name in list(cs) + [s for s in rs if s not in cs]:
        cells = cs.get(name, ["-"] * 3) + rs.get(name, ["-"] * 3)
        out.append(f"| {name} | " + " | ".join(str(x) for x in cells) + " |")
        total = [t + (x if x != "-" else 0) for t, x in zip(total, cells)]
    out.append("| **total** | " + " | ".join(str(t) for t in total) + " |")
    return out


def nonblank(paths):
    return sum(1 for p in paths for line in lines(p) if not re.match(r"^\s*$", line))


def from_to(paths, start, end):
    """Lines from each one matching START to the next matching END (awk's
    /START/ { on = 1 } on { n++ } on && /END/ { on = 0 }, across PATHS)."""
    n, on = 0, False
    for p in paths:
        for line in lines(p):
            if re.search(start, line):
                on = True
            if on:
                n += 1
                if re.search(end, line):
                    on = False
    return n


def built(ko_c, ko_rust, work):
    out = ["## The built modules", "", "| | duet_c.ko | duet_rust.ko |", "| --- | ---: | ---: |"]
    sizes = {ko: split(run("llvm-size", "-A", ko)) for ko in (ko_c, ko_rust)}

    def section_bytes(ko, sec):
        n = 0
        for line in sizes[ko]:
            f = line.split()
            if f and f[0].startswith(sec) and len(f) > 1 and f[1].isdigit():
                n += int(f[1])
        return n
    for sec in (".text", ".data", ".rodata", ".bss"):
        out.append(f"| {sec}* bytes | {section_bytes(ko_c, sec)} | {section_bytes(ko_rust, sec)} |")
    with tempfile.TemporaryDirectory() as tmp:
        stripped = []
        for ko in (ko_c, ko_rust):
            stripped.append(os.path.join(tmp, os.path.basename(ko) + ".stripped"))
            run("llvm-strip", "--strip-debug", "-o", stripped[-1], ko)
        out.append(f"| file size (this kernel has no DEBUG_INFO) | {os.path.getsize(ko_c)} | {os.path.getsize(ko_rust)} |")
        out.append(f"| file size, `llvm-strip --strip-debug` | {os.path.getsize(stripped[0])} | "
                   f"{os.path.getsize(stripped[1])} |")
    undefined = {ko: split(run("llvm-nm", "-u", ko)) for ko in (ko_c, ko_rust)}
    out.append(f"| symbols imported (undefined) | {len(undefined[ko_c])} | {len(undefined[ko_rust])} |")
    exports = []
    for line in lines(os.path.join(work, "build/Module.symvers")):
        f = line.split()
        if len(f) >= 3 and f[2].endswith("duet_c"):
            exports.append(f"{f[1]} ({f[3] if len(f) > 3 else ''}, ns {f[4] if len(f) > 4 else ''})")
    out.append(f"| symbols exported | {', '.join(exports)} | none |")
    ns = {ko: "".join(x + " " for x in modinfo("import_ns", ko)) for ko in (ko_c, ko_rust)}
    out.append(f"| namespaces imported | {ns[ko_c]}- | {ns[ko_rust]} |")
    out.append("")
    imported = [line.split()[1] for line in undefined[ko_rust] if "duet_" in line and len(line.split()) > 1]
    out.append(f"Symbols duet_rust.ko imports from duet_c: {', '.join(f'`{s}`' for s in imported)}.")
    out.append("")
    return out


def modinfo(name, ko):
    return split(run("modinfo", "-F", name, ko))


def cause(tree, pattern, path):
    """`FILE:N: LINE` of the first line of the 7.3 tree with PATTERN."""
    full = os.path.join(tree, path)
    if os.path.exists(full):
        for no, line in enumerate(lines(full), 1):
            if pattern in line:
                return f"`{path}:{no}: {line.lstrip()}`".replace("|", "\\|")
    return f"(none in {path})"


def installed(work, name):
    """The module NAME as `make modules_install` put it in WORK/stage
    (not through the stage's symbolic link to the build tree)."""
    for top, _, files in sorted(os.walk(os.path.join(work, "stage"))):
        if name in files:
            return os.path.join(top, name)
    raise FileNotFoundError(f"no {name} under {work}/stage: build the modules first")


def static(src, work):
    tree = os.path.join(work, "src")
    ko_c, ko_rust = (installed(work, name) for name in ("duet_c.ko", "duet_rust.ko"))
    c = os.path.join(src, "c_module/device.c")
    rust = os.path.join(src, "rust_module/duet_rust.rs")
    glue = os.path.join(src, "rust_module/glue.rs")
    rust_files = sorted(glob.glob(os.path.join(src, "rust_module/*.rs")))
    out = sloc(c, rust)
    c_files = sorted(glob.glob(os.path.join(src, "c_module/*.c")) + glob.glob(os.path.join(src, "c_module/*.h")))
    out += ["", f"Whole modules (all files): C {nonblank(c_files)} non-blank lines (device.c, export.c, registry.h); "
            f"Rust {nonblank(rust_files)} non-blank lines (duet_rust.rs, glue.rs).", ""]

    err_return = count(r"return Err\(", rust)
    question = count(r"\?[;,)]|\?$", rust)
    out += ["## Error handling and unwinding", "",
            "| | C (device.c) | Rust (duet_rust.rs, glue.rs) |", "| --- | ---: | ---: |",
            f"| explicit error returns (`return -E…` / `return Err(…)`) | {count('return -E|ret = -E', c)} | "
            f"{err_return} |",
            f"| propagation (`goto err_…` / `?`) | {count('goto err_', c)} | {question} |",
            f"| unwinding code (`err_…:` labels to the end of the function / `Drop`, `PinnedDrop` impls) | "
            f"{from_to([c], r'^err_[a-z_]*:$', r'^}')} lines, {count(r'^err_[a-z_]*:$', c)} labels | "
            f"{from_to([rust, glue], r'impl (Pinned)?Drop for', r'^}')} lines |", ""]

    out += ["## unsafe in the Rust module", "",
            "| file | `unsafe` blocks | `unsafe fn` | `unsafe impl` | `// SAFETY:` comments |",
            "| --- | ---: | ---: | ---: | ---: |"]
    for f in rust_files:
        out.append(f"| {os.path.basename(f)} | {count('unsafe {', f)} | {count('unsafe fn', f)} | "
                   f"{count('unsafe impl', f)} | {count('// SAFETY:', f)} |")
    out += ["", "Where they are:", "", "```"]
    out += numbered("unsafe {|unsafe fn|unsafe impl", rust_files, src)
    out += ["```", ""]

    out += built(ko_c, ko_rust, work)

    out += ["## Code size, function by function", "",
            "Every function of both modules, from their symbols (compare/report_size.py), by the job it does: C's "
            "code for a job beside Rust's (the Rust trampolines of 7.3's `MiscDevice` carry duet_rust's own code, "
            "which it inlines into them), then what the `kernel` crate's and `core`'s generics became once made for "
            "duet_rust, by family. Run-time code is .text; init and exit code is counted apart, and so are the "
            "KUnit tests, which the sizes above include.", ""]
    out += report_size.code_size(ko_c, ko_rust)
    out.append("")

    out += ["## modinfo, side by side", "", "| field | duet_c | duet_rust |", "| --- | --- | --- |"]
    for field in ("description", "license", "depends", "import_ns", "parm"):
        a, b = ("<br>".join(x.replace("|", "\\|").replace(";", "<br>") for x in modinfo(field, ko))
                for ko in (ko_c, ko_rust))
        out.append(f"| {field} | {a or '-'} | {b or '-'} |")
    out += ["| params visible in sysfs | yes: /sys/module/duet_c/parameters/ (0444) | no |", ""]

    with open(os.path.join(work, "build/include/config/kernel.release")) as f:
        release = f.read().rstrip("\n")
    isize = '"isize"'
    out += ["## Where the 7.3 Rust API forced a difference", "",
            f"Each cause is the line of the Linux {release} tree that makes it so, looked up when this report "
            "was made.", "",
            "| behaviour | C | Rust | cause in the 7.3 tree |", "| --- | --- | --- | --- |",
            f"| params in sysfs | visible, 0444 | not visible | {cause(tree, 'perm: 0', 'rust/macros/module.rs')} |",
            f"| param types | any (string, array, ...) | integers and bool only | "
            f"{cause(tree, isize, 'rust/macros/module.rs')} |",
            f"| device node mode | `miscdevice.mode` could set it | always 0600 (C keeps 0600 too, for parity) | "
            f"{cause(tree, 'pub name: &', 'rust/kernel/miscdevice.rs')} (the only field of `MiscDeviceOptions`) |",
            f"| poll, llseek | not implemented (parity) | not offered | "
            f"{cause(tree, 'owner: this_module', 'rust/kernel/miscdevice.rs')} (the fops table ends without them) |",
            f"| shared device state in open | `container_of()` on `file->private_data` | `container_of!` in glue.rs "
            f"(unsafe) | {cause(tree, 'pub struct MiscDeviceRegistration', 'rust/kernel/miscdevice.rs')} "
            "(no driver data) |",
            f"| O_NONBLOCK in read/write | `iocb->ki_filp->f_flags` | raw `ki_filp` in glue.rs (unsafe) | "
            f"{cause(tree, 'pub fn file(&self)', 'rust/kernel/fs/kiocb.rs')} (private data, not the file) |",
            f"| CAP_SYS_ADMIN | `capable()` | `bindings::capable()` in glue.rs (unsafe) | "
            f"{cause(tree, 'fn capable', 'rust/kernel/cred.rs')} |",
            f"| structs to userspace | `copy_to_user()` | newtypes with `unsafe impl AsBytes` in glue.rs | "
            f"{cause(tree, 'pub unsafe trait AsBytes', 'rust/kernel/transmute.rs')} |", ""]

    out += ["## Init and exit, side by side", "", "C unwinds with a goto ladder whose labels name the undo step:", "",
            "```c"]
    out += excerpt(c, r"^static int __init duet_init", r"^}") + excerpt(c, r"^static void __exit duet_exit", r"^}")
    out += ["```", "",
            "Rust initialises in place with `try_pin_init!` and `?`; what was set up is dropped, in reverse, on "
            "failure and at exit:", "", "```rust"]
    out += excerpt(rust, r"^impl DuetDevice", r"^}") + excerpt(rust, r"^impl kernel::InPlaceModule", r"^}")
    out += ["```", "", "## Reference counting", "",
            "The registry handle of each device is a `kref`. C takes and drops references by hand:", "", "```c"]
    out += numbered(r"duet_get|duet_put|kref_", sorted(glob.glob(os.path.join(src, "c_module/*.c"))), src)
    out += ["```", "",
            "Rust wraps the same C handle in `ARef`, whose `Clone`/`Drop` call `duet_get()`/`duet_put()`; each open "
            "file holds one:", "", "```rust"]
    out += excerpt(glue, r"^unsafe impl AlwaysRefCounted", r"^}")
    out += numbered(r"_handle", [rust], src)
    out += ["```", "",
            "The device itself is not counted per open file in either: an open file pins the module, which owns "
            "the device. C keeps a plain `struct duet_dev *`; Rust keeps a `glue::DeviceRef`, a plain pointer whose "
            "`unsafe` `Deref` states the module pin as its invariant (an `Arc<DuetDevice>` per file would let the "
            "compiler check it instead; duet_rust had one until 2026-12-05, and chapter 9 of the lab says what it "
            "cost):", "", "```rust"]
    out += excerpt(glue, r"^/// The module.s device, as an open file keeps it", r"^pub.crate. struct DeviceRef")
    out += numbered(r"DeviceRef|device_of", [rust], src)
    out.append("```")
    return out
