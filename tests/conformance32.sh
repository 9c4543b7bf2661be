#!/bin/sh
# conformance32.sh - guest suite: the conformance tests built as a 32-bit
# (i386) program, against both devices: every ioctl goes through the
# kernel's compat path (compat_ioctl). Prints TAP, each test named
# "i386: ...".
modprobe duet_c max_open=8 || exit 1
modprobe duet_rust max_open=8 || exit 1
[ -x /bin/conformance32 ] || { echo "not ok 1 i386: no conformance32 in the image (not an amd64 build)"; exit 1; }
conformance32 >/tmp/conformance32.out 2>&1
rc=$?
sed -E 's/^((not )?ok [0-9]+) /\1 i386: /' /tmp/conformance32.out
exit $rc
