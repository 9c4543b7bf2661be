#!/bin/sh
# qemu-plugin.sh - build the instruction-count plugin (compare/plugin/
# prof-plugin.c) for the host's QEMU and print the path of the .so.
#
# Debian's QEMU loads TCG plugins but ships no plugin header, so the
# header comes from Debian's source package of the same QEMU version,
# fetched once into the cache (about 23 MB; only the header is kept).
. "$(dirname "$0")/lib.sh"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing: 'make deps' installs it"
for tool in gcc curl xz; do
	command -v $tool >/dev/null ||
		die "building the QEMU plugin needs gcc, curl and xz: apt-get install gcc curl xz-utils"
done
version=$(dpkg-query -W -f '${source:Upstream-Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not a Debian package here: cannot tell which qemu-plugin.h it needs"
dir=$DUET_CACHE/qemu-plugin-$version
mkdir -p "$dir"
if [ ! -f "$dir/qemu-plugin.h" ]; then
	url=$DUET_MIRROR/pool/main/q/qemu/qemu_$version.orig.tar.xz
	msg "fetching qemu-plugin.h of QEMU $version from Debian's source package (once): $url"
	curl -fsSL "$url" | xz -dc |
		tar -xf - -C "$dir" --wildcards --no-anchored --strip-components=3 'include/qemu/qemu-plugin.h' ||
		die "could not fetch $url"
	[ -f "$dir/qemu-plugin.h" ] || die "no include/qemu/qemu-plugin.h in $url"
fi
so=$dir/prof-plugin-$(key <"$TOP/compare/plugin/prof-plugin.c").so
if [ ! -f "$so" ]; then
	gcc -shared -fPIC -O2 -Wall -Werror -I "$dir" -o "$so.tmp" "$TOP/compare/plugin/prof-plugin.c" ||
		die "could not build the QEMU plugin"
	mv "$so.tmp" "$so"
fi
echo "$so"
