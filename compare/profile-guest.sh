#!/bin/sh
# profile-guest.sh - guest side of the instruction profile (booted with QEMU's
# instruction counting and compare/plugin/prof-plugin.so): both modules
# with the digest off, each path 1000 times per device, in 3 rounds (compare/
# profile.c), and the modules' symbols, for compare/report_profile.py.
modprobe duet_c digest=0 && modprobe duet_rust digest=0 || exit 1
grep -E '\[duet_(c|rust)\]' /proc/kallsyms | sed 's/^/ksym /'
profile -n 1000 /dev/duet-c /dev/duet-rust
