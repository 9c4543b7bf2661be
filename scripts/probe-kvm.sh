#!/bin/sh
# probe-kvm.sh KERNEL - does a KVM guest of KERNEL get as far as the kernel?
#
# On nested hosts a KVM guest can hang right after the BIOS, so KVM is used
# only when a short boot prints the kernel's first line within 20 s.
[ -w /dev/kvm ] || exit 1
timeout -k 2 20 qemu-system-x86_64 -accel kvm -cpu host -m 256 -no-reboot \
	-display none -monitor none -serial stdio -kernel "$1" \
	-append "console=ttyS0 panic=-1" </dev/null 2>/dev/null |
	grep -q -m 1 'Linux version'
