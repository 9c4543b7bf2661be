#!/bin/sh
# toolchain.sh - make the Debian trixie root that builds Linux 7.3 with LLVM=1.
#
# Linux 7.3 needs rustc >= 1.85 with its rust-src, bindgen >= 0.71.1 and
# LLVM >= 17; Debian 12 has none of them, trixie has all. The root lives in
# the cache, keyed by this file (so editing the package list makes a new
# one), and records the versions it got in duet-versions.txt.
. "$(dirname "$0")/lib.sh"

# The packages of the root: the kernel toolchain, what the kernel build and
# the guest need (strace: lab chapter 2 traces insmod and rmmod in it), the
# report's plotting and Markdown converter (python3-markdown), the scripts'
# linting, and the kernel source itself (from trixie-backports).
PACKAGES="rustc rust-src rustfmt rust-clippy bindgen clang lld llvm \
build-essential bc bison flex libelf-dev libssl-dev cpio kmod python3 \
perl xz-utils busybox-static ca-certificates gnuplot-nox shellcheck strace \
python3-markdown"
KERNEL_PACKAGE=linux-source-7.3
# On amd64, the i386 libc and gcc's -m32, for the 32-bit conformance suite.
[ "$(dpkg --print-architecture)" = amd64 ] && PACKAGES="$PACKAGES gcc-multilib"

root=$(toolchain_dir)
[ "$DUET_HOST_TOOLS" = 1 ] && exit 0
[ -s "$root/duet-versions.txt" ] && exit 0

need_root "making the toolchain root"
command -v debootstrap >/dev/null ||
	die "debootstrap is missing: 'apt-get install debootstrap' (make deps does it)"

rm -rf "$root.tmp"
mkdir -p "$DUET_CACHE"
msg "making the trixie toolchain root in $root (about 8 minutes, 2.3 GB)"
debootstrap --variant=minbase "$DUET_SUITE" "$root.tmp" "$DUET_MIRROR" |
	awk '/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) / &&
		++n % 40 == 0 { print "duet:   debootstrap: " $2 " " $3; fflush() }'
[ -x "$root.tmp/usr/bin/apt-get" ] || die "debootstrap failed (see the messages above)"

cat >"$root.tmp/etc/apt/sources.list" <<LIST
deb $DUET_MIRROR $DUET_SUITE main
deb $DUET_MIRROR $DUET_SUITE-updates main
deb $DUET_MIRROR $DUET_SUITE-backports main
LIST
# The root is only a build environment: skip docs and man pages.
cat >"$root.tmp/etc/dpkg/dpkg.cfg.d/01-nodoc" <<CFG
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
CFG

# Install inside the new root, then give it its final name.
log=/var/log/duet-apt.log
if ! DUET_ROOT="$root.tmp" in_root "$DUET_CACHE" sh -ec "
	export DEBIAN_FRONTEND=noninteractive
	exec >$log 2>&1
	apt-get -q update
	apt-get -q -y --no-install-recommends install $PACKAGES
	apt-get -q -y --no-install-recommends -t $DUET_SUITE-backports install $KERNEL_PACKAGE
	apt-get clean
	dpkg-query -W $KERNEL_PACKAGE rustc rust-src bindgen clang lld llvm busybox-static \
		>/duet-versions.txt
"; then
	tail -n 25 "$root.tmp$log" >&2
	die "installing the toolchain packages failed (log: $root.tmp$log)"
fi
rm -rf "$root"
mv "$root.tmp" "$root"
msg "toolchain root ready:"
sed 's/^/duet:   /' "$root/duet-versions.txt" >&2
