# shellcheck shell=sh
# x86_64.sh - the facts of an x86_64 guest (DUET_ARCH=x86_64), read by
# scripts/lib.sh and the scripts that run in the toolchain root, after the
# model of KUnit's tools/testing/kunit/qemu_configs/x86_64.py.
# shellcheck disable=SC2034 # read by the scripts that source this file

# The kernel: its ARCH, its image, the config fragment applied after
# lab.config and the flavor's (none: lab.config is written for x86_64),
# and the lab flavor's own fragments: the bench runs on x86_64's lab
# kernel, where Rust gets C's inline functions inlined
# (config/inline.config), and so does the lab, whose chapter 13 signs
# modules (config/signing.config).
KARCH=x86
KIMAGE=arch/x86/boot/bzImage
KFRAGMENT=
KLAB="config/inline.config config/signing.config"

# QEMU: the PC. The kernel's console is the first UART, the guest
# script's channel the second (ttyS1, guest/init's default), and the guest
# hands its exit status to QEMU through the isa-debug-exit port
# (guest/duet-exit.c).
QEMU=qemu-system-x86_64
QEMU_PACKAGE=qemu-system-x86
QEMU_MACHINE=
QEMU_CONSOLE=ttyS0
QEMU_CHANNEL="-serial stdio"
QEMU_CHANNEL_NAME=
QEMU_EXIT="-device isa-debug-exit,iobase=0xf4,iosize=0x04"
QEMU_TCG_CPU=max

# The guest's C tools: Debian's name of the architecture, its GNU triple
# (for clang and the cross libc when the host is another), and the 32-bit
# programs' compiler (the devices' compat_ioctl path: i386 through IA32
# emulation), natively and from another host.
DEB_ARCH=amd64
GNU_TRIPLE=x86_64-linux-gnu
CC32_NATIVE="gcc -m32"
CC32_CROSS="clang --target=i686-linux-gnu -fuse-ld=lld"
