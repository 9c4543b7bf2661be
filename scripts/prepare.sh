#!/bin/sh
# prepare.sh [FLAVOR] - everything before a boot, each step skipped when
# its result is in the cache: host packages, toolchain root, kernel and
# modules, guest image. FLAVOR is lab (default) or debug; the
# architecture is DUET_ARCH's (lib.sh).
. "$(dirname "$0")/lib.sh"
flavor=${1:-${DUET_FLAVOR:-lab}}
[ -f "$TOP/config/$flavor.config" ] || die "no kernel flavor '$flavor' (config/$flavor.config)"
[ "$DUET_ARCH" = x86_64 ] || [ "$flavor" = lab ] ||
	die "DUET_ARCH=$DUET_ARCH has the lab kernel only; the $flavor flavor is x86_64's (README, \"arm64\")"

step 1 4 "host packages"
sh "$TOP/scripts/deps.sh"
mkdir -p "$DUET_CACHE"
# One root build at a time per cache, and one build at a time per kernel
# work directory: a second `make` waits for the one that builds the same
# thing, not for the others (make check builds the next kernel while the
# suites of the last one run).
lock "$DUET_CACHE/.lock"

step 2 4 "toolchain root (Debian $DUET_SUITE)"
sh "$TOP/scripts/toolchain.sh"
if [ "$DUET_HOST_TOOLS" != 1 ]; then
	sed 's/^/duet:   /' "$(toolchain_dir)/duet-versions.txt" >&2
fi

# prune PATTERN KEEP - delete cache entries matching PATTERN but KEEP: they
# were made from inputs that have changed since, and are never used again.
prune() {
	for old in "$DUET_CACHE"/$1; do
		if [ ! -d "$old" ] || [ "$old" = "$2" ]; then continue; fi
		msg "removing a stale cache entry: $old"
		rm -rf "$old"
	done
}
if [ "$DUET_HOST_TOOLS" != 1 ]; then
	# Every later step of this run uses this root, whatever happens meanwhile.
	DUET_ROOT=$(toolchain_dir)
	export DUET_ROOT
	prune "root-*" "$DUET_ROOT"
fi
unlock

step 3 4 "$DUET_ARCH $flavor kernel and modules"
kdir=$(kernel_dir "$flavor")
# (kernel-lab-KEY: the x86_64 ones; kernel-arm64-lab-KEY: arm64's.)
prune "$(basename "$kdir" | sed 's/-[0-9a-f]*$//')-*" "$kdir"
mkdir -p "$kdir"
lock "$kdir.lock"
# Under the lock, and named by the checkout's own sources: the modules are
# rebuilt when the sources differ from the last build's (whatever the file
# times say), and the image this checkout boots is the one made from them.
# shellcheck disable=SC2046 # the fragments, a list of paths
root_script "$kdir" build-kernel.sh "$(modules_key)" "$(sources_key shared_abi)" "$DUET_ARCH" \
	$(kernel_frags "$flavor")

step 4 4 "guest image"
root_script "$kdir" guest-image.sh "$(image_key)" "$DUET_ARCH"
msg "ready: $kdir"
