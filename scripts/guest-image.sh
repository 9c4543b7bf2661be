#!/bin/sh
# guest-image.sh - build the guest's static tools and the base initramfs;
# runs inside the toolchain root after build-kernel.sh.
#
# $DUET_WORK/initramfs.cpio holds busybox, /init, the C tools and
# the modules under /lib/modules/<release> (with modules.dep, so modprobe
# resolves dependencies). boot.sh appends the files of each run to it.
set -eu
work=$DUET_WORK
img=$work/initramfs
rm -rf "$img"
mkdir -p "$img/bin" "$img/sbin" "$img/usr/bin" "$img/usr/sbin" "$img/dev" \
	"$img/proc" "$img/sys" "$img/tmp" "$img/lib"
cp /bin/busybox "$img/bin/busybox"
ln -s busybox "$img/bin/sh"
cp "$DUET_SRC/guest/init" "$img/init"
chmod 755 "$img/init"
# The guest's static C tools: guest/ (duet-exit, duetctl) and compare/
# (the conformance suite, benchmarks), with the UAPI header and the
# kernel's kselftest harness.
for c in "$DUET_SRC"/guest/*.c "$DUET_SRC"/compare/*.c; do
	gcc -static -O2 -Wall -Werror -I "$DUET_SRC/shared_abi/uapi" \
		-I "$work/src/tools/testing/selftests" \
		-o "$img/bin/$(basename "$c" .c)" "$c" -lpthread
done
cp "$DUET_SRC/guest/duet-sanitizers" "$img/bin/"
chmod 755 "$img/bin/duet-sanitizers"
cp -a "$work/stage/lib/modules" "$img/lib/"
mknod -m 600 "$img/dev/console" c 5 1
(cd "$img" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$work/initramfs.cpio"
rm -rf "$img"
