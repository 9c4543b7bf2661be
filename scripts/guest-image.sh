#!/bin/sh
# guest-image.sh IMAGE_KEY - build the guest's static tools and the base
# initramfs; runs inside the toolchain root after build-kernel.sh.
#
# $DUET_WORK/initramfs-IMAGE_KEY.cpio holds busybox, /init, the C tools and
# the modules under /lib/modules/<release> (with modules.dep, so modprobe
# resolves dependencies). IMAGE_KEY is the hash of the sources it was made
# from (lib.sh: image_key), so each checkout boots its own image, even
# when another copy of the tree has built since. boot.sh appends the files
# of each run to it.
set -eu
work=$DUET_WORK
key=$1
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
# The conformance suite once more as a 32-bit program, for the devices'
# compat_ioctl path (the kernel has IA32 emulation; gcc-multilib).
if [ "$(dpkg --print-architecture)" = amd64 ]; then
	gcc -m32 -static -O2 -Wall -Werror -I "$DUET_SRC/shared_abi/uapi" \
		-I "$work/src/tools/testing/selftests" \
		-o "$img/bin/conformance32" "$DUET_SRC/compare/conformance.c" -lpthread
fi
cp "$DUET_SRC/guest/duet-sanitizers" "$img/bin/"
chmod 755 "$img/bin/duet-sanitizers"
cp -a "$work/stage/lib/modules" "$img/lib/"
# modpost's record of duet's exports (symbol, module, GPL-only, namespace),
# made by the same build as the modules above: lab-check grades it.
grep 'drivers/misc/duet/' "$work/build/Module.symvers" >"$img/lib/modules/duet.symvers" || true
# with_libs PROGRAM - copy one of the root's dynamically linked programs
# into the image, with the shared libraries it needs.
with_libs() {
	cp "$1" "$img$1"
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
		mkdir -p "$img$(dirname "$lib")"
		cp -L "$lib" "$img$lib"
	done
}
# Debian's strace, for lab chapter 2 (the system calls behind insmod).
with_libs /usr/bin/strace
# The signed flavor: the unsigned modules (outside /lib/modules, so modprobe
# never picks them), and kmod's modinfo, which prints the signature fields
# that busybox's modinfo leaves out (busybox --install keeps this link).
if [ -d "$work/unsigned" ]; then
	mkdir -p "$img/lab/unsigned"
	cp "$work/unsigned"/*.ko "$img/lab/unsigned/"
	with_libs /usr/bin/kmod
	ln -s /usr/bin/kmod "$img/sbin/modinfo"
fi
(cd "$img" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$work/initramfs.tmp"
# /dev/console, the kernel's first console, in an archive of its own
# (the kernel unpacks one after the other) from the kernel's own
# gen_init_cpio: it writes the node without mknod, which a user namespace
# (duet without root) does not allow.
printf 'nod /dev/console 0600 0 0 c 5 1\n' | "$work/build/usr/gen_init_cpio" - >>"$work/initramfs.tmp"
mv "$work/initramfs.tmp" "$work/initramfs-$key.cpio"
rm -rf "$img"
# Keep the eight most recently built or booted images (boot.sh touches the
# one it boots): a make check builds several scratch copies between two
# boots of its own checkout, whose image must stay.
# shellcheck disable=SC2012 # names made here, without spaces
ls -t "$work"/initramfs-*.cpio | tail -n +9 | xargs rm -f
rm -f "$work/initramfs.cpio"
