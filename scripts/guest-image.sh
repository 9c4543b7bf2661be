#!/bin/sh
# guest-image.sh IMAGE_KEY ARCH - build the guest's static tools and the
# base initramfs for ARCH (x86_64, arm64); runs inside the toolchain root
# after build-kernel.sh.
#
# $DUET_WORK/initramfs-IMAGE_KEY.cpio holds busybox, /init, the C tools and
# the modules under /lib/modules/<release> (with modules.dep, so modprobe
# resolves dependencies). IMAGE_KEY is the hash of the sources it was made
# from (lib.sh: image_key), so each checkout boots its own image, even
# when another copy of the tree has built since. boot.sh appends the files
# of each run to it.
set -eu
work=$DUET_WORK
key=$1 arch=$2
img=$work/initramfs
# The guest's Debian architecture (config/arch/ARCH.sh); when it is not
# the root's own, its C tools come from clang with the cross libc
# (toolchain.sh) and its busybox from the copy that toolchain.sh keeps
# under /opt/duet-guest.
[ -f "$DUET_SRC/config/arch/$arch.sh" ] || { echo "duet: error: no guest for $arch" >&2; exit 1; }
# shellcheck source=../config/arch/x86_64.sh
. "$DUET_SRC/config/arch/$arch.sh"
guest=$DEB_ARCH gnu=$GNU_TRIPLE
host=$(dpkg --print-architecture 2>/dev/null || uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')
if [ "$guest" = "$host" ]; then
	cc=gcc busybox=/bin/busybox native=1
else
	cc="clang --target=$gnu -fuse-ld=lld" busybox=/opt/duet-guest/$guest/usr/bin/busybox native=0
	if [ ! -d "/usr/$gnu/lib" ] || [ ! -x "$busybox" ]; then
		echo "duet: error: an $arch guest's tools need /usr/$gnu/lib (libc6-dev-$guest-cross and libgcc-14-dev-$guest-cross) and $busybox (busybox-static:$guest, unpacked there), as the toolchain root has them: with DUET_HOST_TOOLS=1, install the two and unpack the third" >&2
		exit 1
	fi
fi
rm -rf "$img"
mkdir -p "$img/bin" "$img/sbin" "$img/usr/bin" "$img/usr/sbin" "$img/dev" \
	"$img/proc" "$img/sys" "$img/tmp" "$img/lib"
cp "$busybox" "$img/bin/busybox"
ln -s busybox "$img/bin/sh"
cp "$DUET_SRC/guest/init" "$img/init"
chmod 755 "$img/init"
# The guest's static C tools: guest/ (duet-exit, duetctl) and compare/
# (the benchmarks), with the UAPI header.
for c in "$DUET_SRC"/guest/*.c "$DUET_SRC"/compare/*.c; do
	[ -f "$c" ] || continue
	# shellcheck disable=SC2086 # a command and its options
	$cc -static -O2 -Wall -Werror -I "$DUET_SRC/shared_abi/uapi" \
		-o "$img/bin/$(basename "$c" .c)" "$c" -lpthread
done
# The test programs of tests/selftests/ (the conformance suite, also as a
# 32-bit program, the differential tester, the fuzzer, the fault sweeps),
# by their Makefile, with the kernel's kselftest harness; the 32-bit
# compiler is config/arch/ARCH.sh's.
if [ "$native" = 1 ]; then cc32=$CC32_NATIVE; else cc32=$CC32_CROSS; fi
make -s -C "$DUET_SRC/tests/selftests" OUTPUT="$img/bin" CC="$cc" CC32="$cc32" \
	KSFT="$work/src/tools/testing/selftests"
# The TAP library of the guest-side suites.
mkdir -p "$img/usr/share/duet"
cp "$DUET_SRC/tests/ktap.sh" "$img/usr/share/duet/"
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
# Debian's strace, for lab chapter 2 (the system calls behind insmod):
# the root's own, so only in a guest of the root's architecture.
[ "$native" = 0 ] || with_libs /usr/bin/strace
# With CONFIG_MODULE_SIG: the unsigned modules (outside /lib/modules, so modprobe
# never picks them), and kmod's modinfo, which prints the signature fields
# that busybox's modinfo leaves out (busybox --install keeps this link).
if [ -d "$work/unsigned" ]; then
	mkdir -p "$img/lab/unsigned"
	cp "$work/unsigned"/*.ko "$img/lab/unsigned/"
	# (The root's own kmod: only in a guest of the root's architecture.)
	if [ "$native" = 1 ]; then
		with_libs /usr/bin/kmod
		ln -s /usr/bin/kmod "$img/sbin/modinfo"
	fi
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
