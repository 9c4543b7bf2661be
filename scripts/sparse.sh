#!/bin/sh
# sparse.sh - Debian's sparse, as make C=2 CHECK="sh scripts/sparse.sh" runs
# it on the break-it mutations (scripts/bugs.sh).
#
# trixie's sparse (0.6.4) is older than what 7.3's headers expect of it, in
# two places:
#   - include/linux/compiler_types.h uses __typeof_unqual__ under
#     __CHECKER__, and scripts/checker-valid.sh, which Kbuild runs first,
#     tests for it: without it Kbuild skips sparse altogether ("C=2
#     specified, but sparse is not available or not up to date"); here it
#     is __typeof__, which keeps the qualifiers __typeof_unqual__ drops
#     (const, volatile);
#   - MODULE_INFO() (include/linux/moduleparam.h) static_asserts on
#     __builtin_strlen() of a string literal, which 0.6.4 does not evaluate:
#     "bad constant expression" at every MODULE_*() and module_param()
#     line, and after an error sparse reports no warnings, so a __user
#     pointer dereferenced went unreported; here it is sizeof - 1, its
#     value for a literal (for the other calls sparse sees, in
#     fortify-string.h and seq_file.h, a wrong value, but one that only
#     sparse's reading of them uses).
exec sparse -D__typeof_unqual__=__typeof__ '-D__builtin_strlen(s)=(sizeof(s) - 1)' "$@"
