#!/bin/sh
# sparse.sh - Debian's sparse, as make C=2 CHECK="sh scripts/sparse.sh" runs
# it on the break-it mutations (scripts/bugs.sh).
#
# trixie's sparse (0.6.4) is older than what 7.3's headers expect of it, in
# two places, each of which is a parse error that stops sparse before it
# checks a single function (so a __user pointer dereferenced would go
# unreported):
#   - include/linux/compiler_types.h uses __typeof_unqual__ under
#     __CHECKER__ (scripts/checker-valid.sh, which Kbuild runs first, tests
#     for it); here it is __typeof__, which keeps the qualifiers
#     __typeof_unqual__ drops (const, volatile), not sparse's address spaces;
#   - MODULE_INFO() (include/linux/moduleparam.h) static_asserts on
#     __builtin_strlen() of a string literal, which 0.6.4 does not evaluate
#     ("bad constant expression" at every MODULE_*() and module_param()
#     line); here it is sizeof - 1, its value for a literal.
exec sparse -D__typeof_unqual__=__typeof__ '-D__builtin_strlen(s)=(sizeof(s) - 1)' "$@"
