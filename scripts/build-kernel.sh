#!/bin/sh
# build-kernel.sh MODULES_KEY ABI_KEY ARCH FRAGMENT... - configure and
# build the kernel and the duet modules for ARCH (config/arch/ARCH.sh),
# from tinyconfig and the config FRAGMENTs (paths in the checkout, in the
# order they apply: lib.sh, kernel_frags); runs inside the toolchain root
# (or on the host with host tools). MODULES_KEY is the hash of the module
# sources and ABI_KEY that of shared_abi/ (lib.sh: sources_key), computed
# by prepare.sh.
#
# $DUET_WORK holds src/ (the unpacked tree with the overlay), build/ (O=),
# stage/ (modules_install), unsigned/ (CONFIG_MODULE_SIG: the modules
# before signing) and build.log. Each step is skipped when done:
# the tree is unpacked and configured once; `make` itself is incremental,
# so a module edit rebuilds only that module.
set -eu
modules_key=$1 abi_key=$2 arch=$3
shift 3
frags=
for f in "$@"; do frags="${frags:+$frags }$DUET_SRC/$f"; done
work=$DUET_WORK
src=$work/src
out=$work/build
say() { printf '%s\n' "duet:   $*" >&2; }
fail() { printf '%s\n' "duet: error: $*" >&2; exit 1; }
# The same clang, lld and rustc build either architecture (LLVM=1).
[ -f "$DUET_SRC/config/arch/$arch.sh" ] || fail "no config/arch/$arch.sh"
# shellcheck source=../config/arch/x86_64.sh
. "$DUET_SRC/config/arch/$arch.sh"
kmake() { make -C "$src" O="$out" ARCH="$KARCH" LLVM=1 "$@"; }

if [ ! -f "$src/Makefile" ]; then
	set -- /usr/src/linux-source-*.tar.xz
	tarball=$1
	[ -f "$tarball" ] || fail "no /usr/src/linux-source-*.tar.xz: install linux-source-7.3"
	say "unpacking $tarball"
	rm -rf "$src" "$work/unpack"
	mkdir -p "$work/unpack"
	tar -xJf "$tarball" -C "$work/unpack"
	mv "$work/unpack"/linux-source-* "$src"
	rmdir "$work/unpack"
fi
sh "$DUET_SRC/scripts/overlay.sh" "$src"

if [ ! -f "$out/.config" ]; then
	mkdir -p "$out"
	if ! kmake rustavailable >"$work/rustavailable.log" 2>&1; then
		cat "$work/rustavailable.log" >&2
		fail "the Rust toolchain does not meet Linux's minimums (rustc >= 1.85 with rust-src, bindgen >= 0.71.1, LLVM >= 17); without DUET_HOST_TOOLS=1 duet builds its own"
	fi
	say "configuring $arch: tinyconfig + $(echo "$frags" | sed "s|$DUET_SRC/||g; s| | + |g")"
	kmake tinyconfig >/dev/null
	# shellcheck disable=SC2086 # a list of paths
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" $frags >/dev/null
	kmake olddefconfig >/dev/null
	# Every line of the fragments must have survived Kconfig: of each
	# option, the last setting (a later fragment overrides an earlier
	# one, as in merge_config.sh); "is not set" lines are not checked.
	# shellcheck disable=SC2086
	missing=$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1 &/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 -/p' $frags |
		awk '{ last[$1] = substr($0, index($0, " ") + 1) }
			END { for (o in last) if (last[o] != "-") print last[o] }' |
		while read -r line; do
			grep -qxF "$line" "$out/.config" || echo "$line"
		done)
	if [ -n "$missing" ]; then
		mv "$out/.config" "$out/.config.rejected"
		fail "Kconfig dropped these fragment lines (a missing dependency?): $missing"
	fi
fi

# --- sources ---
# One work directory serves every copy of the tree, and Kbuild rebuilds
# by file times: a module built from another copy whose files are newer
# would be taken as up to date. So the objects are kept only if they were
# built from these very sources (modules.key); otherwise they go, and the
# build below makes them again from this checkout. shared_abi/ also goes
# into the kernel crate's bindings (bindings_helper.h includes
# duet_export.h), which are regenerated when it differs.
if [ "$(cat "$work/modules.key" 2>/dev/null)" != "$modules_key" ]; then
	if [ -d "$out/drivers/misc/duet" ]; then
		say "the modules in the cache were built from other sources: rebuilding them"
		rm -rf "$out/drivers/misc/duet"
	fi
	if [ "$(cat "$work/abi.key" 2>/dev/null)" != "$abi_key" ] &&
		[ -s "$out/rust/bindings/bindings_generated.rs" ]; then
		say "shared_abi/ differs from the last build: regenerating the Rust bindings"
		rm -f "$out/rust/bindings/bindings_generated.rs"
	fi
fi
# Until this build succeeds, no objects are known to match any sources,
# nor the bindings any shared_abi/ (a build that regenerated them and
# then failed must not leave the last ABI's key: the next build of that
# ABI would keep this one's bindings).
rm -f "$work/modules.key"
# (An interrupted build can leave the file empty: that is no bindings.)
[ -s "$out/rust/bindings/bindings_generated.rs" ] || rm -f "$out/rust/bindings/bindings_generated.rs" "$work/abi.key"

# Build with a rough percentage: count the build's lines against the
# count of the last full build (or a first guess).
total=$(cat "$work/build-lines" 2>/dev/null || echo 1300)
say "building (LLVM=1, -j$(nproc)); full log in $work/build.log"
rm -f "$work/build.rc"
# progress - count build steps ("  CC  file" lines) as they pass; every 5%
# of the expected total, say so. (A shell loop: mawk buffers its input.)
progress() {
	n=0 last=0
	while IFS= read -r line; do
		case $line in
		"  "[A-Z]*)
			n=$((n + 1))
			p=$((100 * n / total))
			[ "$p" -le 99 ] || p=99
			if [ "$p" -ge $((last + 5)) ]; then
				last=$((p - p % 5))
				say "kernel build: $last% ($n steps)"
			fi
			;;
		esac
	done
	echo "$n" >"$work/build-steps"
}
{ kmake -j"$(nproc)" 2>&1 || echo $? >"$work/build.rc"; } | tee "$work/build.log" | progress
if [ -f "$work/build.rc" ]; then
	grep -n -B2 -A8 'error:\|Error ' "$work/build.log" | tail -n 40 >&2
	fail "the kernel build failed; full log: $work/build.log"
fi
echo "$modules_key" >"$work/modules.key"
echo "$abi_key" >"$work/abi.key"
# Only a build that did most of the work is a fair measure of the next one.
steps=$(cat "$work/build-steps")
[ "$steps" -gt 1000 ] && echo "$steps" >"$work/build-lines"

rm -rf "$work/stage"
kmake INSTALL_MOD_PATH="$work/stage" modules_install >/dev/null
# --- sign ---
# With CONFIG_MODULE_SIG (config/signing.config): keep an unsigned copy of each duet
# module for the lab (chapter 13), then sign the installed ones with the key the kernel
# build generated and the kernel's own sign-file, as modules_install would
# with CONFIG_MODULE_SIG_ALL.
rm -rf "$work/unsigned"
if grep -qx 'CONFIG_MODULE_SIG=y' "$out/.config"; then
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$out/.config")
	mkdir -p "$work/unsigned"
	for ko in $(find "$work/stage" -name 'duet_*.ko' | sort); do
		cp "$ko" "$work/unsigned/"
		"$out/scripts/sign-file" "$hash" "$out/certs/signing_key.pem" \
			"$out/certs/signing_key.x509" "$ko"
		say "signed $(basename "$ko") ($hash, certs/signing_key.pem)"
	done
fi
# --- done ---
say "built $(cat "$out/include/config/kernel.release"): $(cd "$work/stage" && find . -name 'duet_*.ko' | sort | tr '\n' ' ')"
