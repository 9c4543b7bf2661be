#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kunit-verdicts.py - TAP verdicts of KUnit suites, read by kunit.py parse.

Usage: kunit-verdicts.py KUNIT_PY DIR SUITE...

DIR/guest.log holds the kernel log from tests/kunit-guest.sh. A module's
suites are one KTAP document of their own, printed when the module loads,
and `kunit.py parse` reads the first document of its input only; so each
document that has a suite named duet_* goes to DIR/ktap-N, and
`KUNIT_PY parse --json=DIR/ktap-N.json DIR/ktap-N` parses it. From the
JSON: one verdict per test case of a duet_* suite (passed or skipped is
ok), then one per SUITE that must have run a test case. Exits 1 if any
verdict is "not ok". Python's standard library only.
"""
import json
import os
import re
import subprocess
import sys


def documents(log):
    """The KTAP documents of the kernel log LOG (a list of lines each)."""
    docs, doc = [], None
    for line in log.splitlines():
        line = re.sub(r"^\[[ 0-9.]*\] ", "", line)
        if line.startswith("KTAP version"):
            doc = [line]
            docs.append(doc)
        elif doc is not None:
            doc.append(line)
    return docs


def cases(group, suite=None):
    """(suite, case, status) of every test case under the JSON GROUP."""
    for case in group["test_cases"]:
        yield suite or group["name"], case["name"], case["status"]
    for sub in group["sub_groups"]:
        yield from cases(sub, sub["name"])


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    kunit_py, work, want = argv[1], argv[2], argv[3:]
    with open(os.path.join(work, "guest.log"), errors="replace") as f:
        log = f.read()
    bad = False
    seen = {}
    for n, doc in enumerate(d for d in documents(log) if any("# Subtest: duet_" in l for l in d)):
        path = os.path.join(work, f"ktap-{n}")
        with open(path, "w") as f:
            f.write("\n".join(doc) + "\n")
        run = subprocess.run([sys.executable, kunit_py, "parse", f"--json={path}.json", path],
                             capture_output=True, text=True)
        if not os.path.exists(f"{path}.json"):
            print(f"not ok - kunit: kunit.py parse reads {os.path.basename(path)} (status {run.returncode})")
            for line in (run.stdout + run.stderr).splitlines()[-10:]:
                print(f"#   {line}")
            bad = True
            continue
        with open(f"{path}.json") as f:
            result = json.load(f)
        for suite, case, status in cases(result):
            if not suite.startswith("duet_"):
                continue
            ok = status in ("PASS", "SKIP")
            print(f"{'ok' if ok else 'not ok'} - kunit {suite}: {case}{' # SKIP' if status == 'SKIP' else ''}")
            if not ok:
                print(f"#   kunit.py parse: {status}")
                # what kunit.py printed of the failure: the expectation, its values
                for line in run.stdout.splitlines():
                    if re.search(r"(EXPECTATION|ASSERTION) FAILED|\] Expected |\] {4,}\S", line):
                        print(f"#   {line}")
                bad = True
            seen[suite] = seen.get(suite, 0) + 1
    for suite in want:
        ran = seen.get(suite, 0) > 0
        print(f"{'ok' if ran else 'not ok'} - kunit suite {suite} ran")
        bad = bad or not ran
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
