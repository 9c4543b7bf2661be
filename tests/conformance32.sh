#!/bin/sh
# conformance32.sh - guest suite: the conformance tests built as a 32-bit
# (i386) program, against both devices: every ioctl goes through the
# kernel's compat path (compat_ioctl). Prints TAP, each test named
# "i386: ...". A hung test stops the suite, as in conformance.sh.
modprobe duet_c max_open=8 || exit 1
modprobe duet_rust max_open=8 || exit 1
[ -x /bin/conformance32 ] || { echo "not ok 1 i386: no conformance32 in the image (not an amd64 build)"; exit 1; }
{ duet-watch -v -k -t 30 conformance32; echo $? >/tmp/rc; } |
	sed -E 's/^((not )?ok [0-9]+) /\1 i386: /'
exit "$(cat /tmp/rc)"
