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
# report's plotting, the scripts' linting, C's build-time checkers for the
# break-it catalogue (sparse for make C=2, Coccinelle for make coccicheck,
# with libpython3-dev: spatch loads libpython3.13.so, by that name, for the
# semantic patches' Python rules; clang-tidy for make clang-tidy and make
# clang-analyzer), and the kernel source itself (from trixie-backports).
PACKAGES="rustc rust-src rustfmt rust-clippy bindgen clang lld llvm \
build-essential bc bison flex libelf-dev libssl-dev cpio kmod python3 \
perl xz-utils busybox-static ca-certificates gnuplot-nox shellcheck strace \
sparse coccinelle libpython3-dev clang-tidy"
KERNEL_PACKAGE=linux-source-7.3

root=$(toolchain_dir)
[ "$DUET_HOST_TOOLS" = 1 ] && exit 0
[ -s "$root/duet-versions.txt" ] && exit 0

# The guest of either architecture (DUET_ARCH) is built here: clang and
# rustc cross-build kernels by themselves (LLVM=1), and clang the other
# architecture's static C tools with its libc and libgcc (the cross gcc
# packages conflict with gcc-multilib). The other architecture's busybox
# is its busybox-static, kept (not installed: it would replace the root's
# own) under /opt/duet-guest/FOREIGN. The 32-bit conformance suite
# (compat_ioctl): for x86_64 guests, i386, with gcc's -m32 on amd64 and
# the i386 cross libc on arm64 (not tried: README, "arm64"); for arm64
# guests, armhf, with its cross libc.
PACKAGES="$PACKAGES libc6-dev-armhf-cross libgcc-14-dev-armhf-cross"
case $(dpkg --print-architecture) in
amd64)
	FOREIGN=arm64
	PACKAGES="$PACKAGES gcc-multilib libc6-dev-arm64-cross libgcc-14-dev-arm64-cross"
	;;
arm64)
	FOREIGN=amd64
	PACKAGES="$PACKAGES libc6-dev-amd64-cross libgcc-14-dev-amd64-cross \
libc6-dev-i386-cross libgcc-14-dev-i386-cross"
	;;
*) die "duet builds on amd64 and arm64 hosts, not on $(dpkg --print-architecture)" ;;
esac
# (Run in the new root as its root, after the packages are in.)
foreign_busybox="mkdir -p /opt/duet-guest/$FOREIGN && cd /tmp &&
	apt-get -q download busybox-static:$FOREIGN &&
	dpkg-deb -x busybox-static_*_$FOREIGN.deb /opt/duet-guest/$FOREIGN &&
	rm busybox-static_*_$FOREIGN.deb"

# subids FILE - the user's first range of subordinate ids in FILE
# (/etc/subuid, /etc/subgid), as unshare wants it: START,1,COUNT. An
# entry names the user or gives its number.
subids() {
	awk -F: -v u="$(id -un)" -v n="$(id -u)" '$1 == u || $1 == n { print $2 ",1," $3; exit }' "$1" 2>/dev/null
}
# mapped CMD... - run CMD in a user namespace that maps the user to root
# and the user's subordinate ids after it, as mmdebstrap's own does: there
# the files mmdebstrap made for the root's other users are theirs.
mapped() {
	_ids=$(subids /etc/subuid)
	_gids=$(subids /etc/subgid)
	unshare --map-user=0 --map-group=0 --map-users="$_ids" --map-groups="$_gids" "$@"
}
# remove DIR - delete DIR, also a root that mmdebstrap left half-made.
remove() {
	rm -rf "$1" 2>/dev/null && return
	unprivileged && mapped rm -rf "$1" && return
	die "cannot delete $1, left by an earlier attempt: delete it and run make again"
}
remove "$root.tmp"
mkdir -p "$DUET_CACHE"
log=$DUET_CACHE/toolchain.log
rm -f "$log.failed"
versions="dpkg-query -W $KERNEL_PACKAGE rustc rust-src bindgen clang lld llvm busybox-static"
# The root is only a build environment: skip docs and man pages (a dpkg
# configuration file, for the packages installed after the essential ones).
nodoc="printf 'path-exclude %s\\n' '/usr/share/doc/*' '/usr/share/man/*' '/usr/share/locale/*'"

if unprivileged; then
	# Without root: mmdebstrap makes the root in a user namespace, with
	# the user's subordinate ids (/etc/subuid) for the root's other users.
	# Then every file is given to the root's root, which is this user
	# outside, so in_root (--map-root-user) sees a normal root and the
	# user can delete it like any other cache entry.
	if [ -z "$(subids /etc/subuid)" ] || [ -z "$(subids /etc/subgid)" ]; then
		die "$(id -un) has no subordinate user and group ids (/etc/subuid, /etc/subgid), which mmdebstrap needs: ask someone with root to run 'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $(id -un)'"
	fi
	msg "making the trixie toolchain root in $root without root, with mmdebstrap (1 to 8 minutes, by the mirror; 2.4 GB; log: $log)"
	# As with debootstrap, the essential packages come with their docs,
	# and the rest without.
	# shellcheck disable=SC2016,SC2086 # $1 is the hooks'; a list of packages
	{ mmdebstrap --mode=unshare --variant=minbase \
		--architectures="$(dpkg --print-architecture),$FOREIGN" \
		--essential-hook="$nodoc >\"\$1/etc/dpkg/dpkg.cfg.d/01-nodoc\"" \
		--include="$(echo $PACKAGES $KERNEL_PACKAGE | tr ' ' ,)" \
		--customize-hook="chroot \"\$1\" sh -ec '$foreign_busybox'" \
		--customize-hook="chroot \"\$1\" $versions >\"\$1/duet-versions.txt\"" \
		"$DUET_SUITE" "$root.tmp" \
		"deb $DUET_MIRROR $DUET_SUITE main" \
		"deb $DUET_MIRROR $DUET_SUITE-updates main" \
		"deb $DUET_MIRROR $DUET_SUITE-backports main" 2>&1 ||
		echo "$?" >"$log.failed"; } | tee "$log" |
		while IFS= read -r line; do
			# (A shell loop: mawk buffers its input.)
			case $line in
			"I: running --"*) ;;
			"I: "[a-z]*) msg "  mmdebstrap: ${line#I: }" ;;
			esac
		done
	if [ -f "$log.failed" ]; then
		rm -f "$log.failed"
		tail -n 25 "$log" >&2
		remove "$root.tmp"
		die "mmdebstrap could not make the toolchain root (log: $log)"
	fi
	mapped chown -R -h 0:0 "$root.tmp" ||
		die "could not give the files of $root.tmp to its root"
else
	command -v debootstrap >/dev/null ||
		die "debootstrap is missing: 'apt-get install debootstrap' (make deps does it)"
	msg "making the trixie toolchain root in $root (1 to 8 minutes, by the mirror; 2.4 GB; log: $log)"
	debootstrap --variant=minbase "$DUET_SUITE" "$root.tmp" "$DUET_MIRROR" |
		awk '/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) / &&
			++n % 40 == 0 { print "duet:   debootstrap: " $2 " " $3; fflush() }'
	[ -x "$root.tmp/usr/bin/apt-get" ] || die "debootstrap failed (see the messages above)"

	cat >"$root.tmp/etc/apt/sources.list" <<LIST
deb $DUET_MIRROR $DUET_SUITE main
deb $DUET_MIRROR $DUET_SUITE-updates main
deb $DUET_MIRROR $DUET_SUITE-backports main
LIST
	eval "$nodoc" >"$root.tmp/etc/dpkg/dpkg.cfg.d/01-nodoc"

	# Install inside the new root, then give it its final name.
	if ! DUET_ROOT="$root.tmp" in_root "$DUET_CACHE" sh -ec "
		export DEBIAN_FRONTEND=noninteractive
		exec >/work/toolchain.log 2>&1
		dpkg --add-architecture $FOREIGN
		apt-get -q update
		apt-get -q -y --no-install-recommends install $PACKAGES
		apt-get -q -y --no-install-recommends -t $DUET_SUITE-backports install $KERNEL_PACKAGE
		$foreign_busybox
		apt-get clean
		$versions >/duet-versions.txt
	"; then
		tail -n 25 "$log" >&2
		die "installing the toolchain packages failed (log: $log)"
	fi
fi
[ -s "$root.tmp/duet-versions.txt" ] || die "the new toolchain root in $root.tmp has no duet-versions.txt: making it failed (see the messages above)"
rm -rf "$root"
mv "$root.tmp" "$root"
msg "toolchain root ready:"
sed 's/^/duet:   /' "$root/duet-versions.txt" >&2
