#!/bin/sh
# conformance.sh - guest suite: the ABI conformance tests
# (tests/selftests/conformance.c) against both devices, loaded side by
# side. Prints TAP.
# A test that makes no progress for 30 s is hung: duet-watch says where
# the kernel is stuck and reports the tests after it as not run.
modprobe duet_c max_open=8 || exit 1
modprobe duet_rust max_open=8 || exit 1
duet-watch -v -k -t 30 conformance
