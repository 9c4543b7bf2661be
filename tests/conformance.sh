#!/bin/sh
# conformance.sh - guest suite: the ABI conformance tests (compare/
# conformance.c) against both devices, loaded side by side. Prints TAP.
modprobe duet_c max_open=8 || exit 1
modprobe duet_rust max_open=8 || exit 1
conformance
