#!/bin/sh
# conformance32.sh - guest suite: the conformance tests built as a 32-bit
# program (i386 on x86_64, armhf on arm64), against both devices: every
# ioctl goes through the kernel's compat path (compat_ioctl). Prints TAP,
# each test named "i386: ..." (or "armhf: ..."). A hung test stops the
# suite, as in conformance.sh.
case $(uname -m) in aarch64) abi=armhf ;; *) abi=i386 ;; esac
modprobe duet_c max_open=8 || exit 1
modprobe duet_rust max_open=8 || exit 1
[ -x /bin/conformance32 ] || { echo "not ok 1 $abi: no conformance32 in the image"; exit 1; }
{ duet-watch -v -k -t 30 conformance32; echo $? >/tmp/rc; } |
	sed -E "s/^((not )?ok [0-9]+) /\1 $abi: /"
exit "$(cat /tmp/rc)"
