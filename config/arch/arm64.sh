# shellcheck shell=sh
# arm64.sh - the facts of an arm64 guest (DUET_ARCH=arm64), read by
# scripts/lib.sh and the scripts that run in the toolchain root, after the
# model of KUnit's tools/testing/kunit/qemu_configs/arm64.py.
# shellcheck disable=SC2034 # read by the scripts that source this file

# The kernel: its ARCH, its image, the config fragment applied after
# lab.config and the flavor's, and none of the lab flavor's own (KLAB: the
# bench is x86_64's).
KARCH=arm64
KIMAGE=arch/arm64/boot/Image
KFRAGMENT=config/arm64.config
KLAB=

# QEMU: the virt machine. Its one PL011 UART is the kernel's console; the
# guest script's channel is a virtio console (hvc0, named to guest/init by
# duet.out=); the guest hands its exit status to QEMU by semihosting from
# user space (guest/duet-exit.c). Under TCG, -cpu max's pointer
# authentication uses QEMU's cheap algorithm.
QEMU=qemu-system-aarch64
QEMU_PACKAGE=qemu-system-arm
QEMU_MACHINE="-M virt"
QEMU_CONSOLE=ttyAMA0
QEMU_CHANNEL="-device virtio-serial-device -chardev stdio,id=out -device virtconsole,chardev=out"
QEMU_CHANNEL_NAME=hvc0
QEMU_EXIT="-semihosting-config enable=on,target=native,userspace=on"
QEMU_TCG_CPU=max,pauth-impdef=on

# The guest's C tools: Debian's name of the architecture, its GNU triple,
# and the 32-bit programs' compiler (armhf through AArch32, CONFIG_COMPAT;
# always clang with the armhf cross libc).
DEB_ARCH=arm64
GNU_TRIPLE=aarch64-linux-gnu
CC32_NATIVE="clang --target=arm-linux-gnueabihf -fuse-ld=lld"
CC32_CROSS="clang --target=arm-linux-gnueabihf -fuse-ld=lld"
