#!/bin/sh
# probe-kvm.sh KERNEL - does a KVM guest of KERNEL get as far as the kernel?
#
# On nested hosts a KVM guest can hang right after the BIOS, so KVM is used
# only when a short boot prints the kernel's first line within 20 s.
# (The guest's architecture: DUET_ARCH, lib.sh. KVM runs a guest of the
# host's own only.)
. "$(dirname "$0")/lib.sh"
[ -w /dev/kvm ] && [ "$DUET_ARCH" = "$(host_arch)" ] || exit 1
# shellcheck disable=SC2086 # $QEMU_MACHINE: a list of options
timeout -k 2 20 "$QEMU" $QEMU_MACHINE -accel kvm -cpu host -m 256 -no-reboot \
	-display none -monitor none -serial stdio -kernel "$1" \
	-append "console=$QEMU_CONSOLE panic=-1" </dev/null 2>/dev/null |
	grep -q -m 1 'Linux version'
