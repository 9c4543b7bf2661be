#!/bin/sh
# kunit-guest.sh - guest side of tests/kunit.sh (booted with
# kunit.enable=1): load both modules, which runs their KUnit suites, then
# print the kernel log, whose KTAP the host parses. modprobe's status does
# not report a KUnit failure; the log does.
modprobe duet_c || exit 1
modprobe duet_rust || exit 1
echo '# duet kernel log begins'
dmesg
