#!/bin/sh
# unprivileged.sh - host test: duet without root. Run by root (as CI does),
# it creates a throwaway user and runs the checks as that user, then
# deletes the user and everything it made; run by another user, it runs
# them as that user. The checks, each a TAP verdict:
#   - the cache defaults to ~/.cache/duet (or $XDG_CACHE_HOME/duet) when
#     /var/cache/duet is not writable;
#   - a missing host package is named in one `sudo apt-get install` line,
#     and make stops before it builds anything;
#   - make demo, in a copy of the checkout whose modules differ from the
#     cache's: the modules are rebuilt in a user namespace inside the
#     toolchain root, and the guest boots and shows both devices;
#   - the conformance suite passes on both devices.
# Run by root, the throwaway user's cache starts as a copy of this lab
# kernel's work directory (the build tree copied, the unpacked sources
# hard-linked) and a link to this toolchain root: a cold build of its own
# would take 8 more minutes. Making the toolchain root with mmdebstrap
# without root is what this test does not cover (README, "Without root").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
. "$top/tests/ktap.sh"
set +e
KTAP_PREFIX="unprivileged: "
# Six results, and the copy of the cache when run by root.
if [ "$(id -u)" = 0 ]; then ktap_plan 7; else ktap_plan 6; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-unpriv.XXXXXX")
chmod 755 "$tmp"
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
	user=duet-test-$$
	home=$tmp/home
	# shellcheck disable=SC2317 # called by the EXIT trap
	cleanup() { userdel "$user" 2>/dev/null; rm -rf "$tmp"; }
	trap cleanup EXIT
	useradd --home-dir "$home" --create-home --shell /bin/sh "$user" || { ktap_result 1 "a throwaway user"; ktap_finished; }
	# as_user CMD - run the shell command CMD as the user, in a clean
	# environment, from the copy of the checkout.
	as_user() { runuser -u "$user" -- env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin \
		LANG=C.UTF-8 DUET_ARCH="$DUET_ARCH" sh -c "cd '$tmp/duet' && $1"; }
	cache=$home/.cache/duet
	# The user's cache: this lab kernel, as the user's own, and this root.
	kdir=$(kernel_dir lab)
	ukdir=$cache/$(basename "$kdir")
	mkdir -p "$ukdir"
	cp -a "$kdir/build" "$kdir"/initramfs-*.cpio "$kdir"/modules.key "$kdir"/abi.key "$ukdir/" &&
		cp -al "$kdir/src" "$ukdir/src" &&
		ln -s "$(toolchain_dir)" "$cache/" &&
		find "$cache" -path "$ukdir/src" -prune -o -exec chown -h "$user:" {} + &&
		find "$ukdir/src" -type d -exec chown "$user:" {} +
	ktap_result $? "$user's cache holds a copy of the lab kernel's work directory"
else
	home=$HOME
	# shellcheck disable=SC2317 # called by the EXIT trap
	cleanup() { rm -rf "$tmp"; }
	trap cleanup EXIT
	as_user() { sh -c "cd '$tmp/duet' && $1"; }
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/duet
fi
scratch_copy "$tmp/duet"
chown -R "$user:" "$tmp/duet" 2>/dev/null

# The cache directory.
got=$(as_user 'unset DUET_CACHE XDG_CACHE_HOME; sh scripts/cache-dir.sh')
r=0 && [ "$got" = "$home/.cache/duet" ] || r=1
ktap_result $r "the cache defaults to ~/.cache/duet ($got)"
got=$(as_user 'unset DUET_CACHE; XDG_CACHE_HOME=/nonexistent/xdg sh scripts/cache-dir.sh')
r=0 && [ "$got" = /nonexistent/xdg/duet ] || r=1
ktap_result $r "and to \$XDG_CACHE_HOME/duet when that is set ($got)"

# A missing host package: qemu, hidden from PATH.
mkdir -p "$tmp/bin"
for d in /usr/local/bin /usr/bin /bin /usr/sbin /sbin; do
	for f in "$d"/*; do
		[ -e "$tmp/bin/${f##*/}" ] || ln -s "$f" "$tmp/bin/${f##*/}"
	done
done
rm -f "$tmp/bin/$QEMU"
as_user "DUET_CACHE='$tmp/nocache' PATH='$tmp/bin' make -s kernel" >"$tmp/deps.log" 2>&1
rc=$?
line=$(grep -c "^sudo apt-get install --no-install-recommends $QEMU_PACKAGE\$" "$tmp/deps.log")
r=0 && [ "$rc" != 0 ] && [ "$line" = 1 ] && [ ! -e "$tmp/nocache" ] || r=1
ktap_result $r "without qemu, make kernel stops (status $rc) with one line to run, 'sudo apt-get install --no-install-recommends $QEMU_PACKAGE', and builds nothing" "$tmp/deps.log"

# make demo, with modules that differ from the cache's.
marker=built-by-$user
sed -i "s|\"registered /dev/%s |\"registered /dev/%s $marker |" "$tmp/duet/c_module/device.c"
sed -i "s|\"registered /dev/duet-rust |\"registered /dev/duet-rust $marker |" "$tmp/duet/rust_module/duet_rust.rs"
as_user 'unset DUET_CACHE; make demo' >"$tmp/demo.log" 2>&1
rc=$?
r=0 && [ "$rc" = 0 ] && grep -q 'rebuilding them' "$tmp/demo.log" || r=1
ktap_result $r "make demo as $user rebuilds the modules in the toolchain root, in a user namespace (status $rc)" "$tmp/demo.log"
n=$(grep -c "registered /dev/duet-[a-z]* $marker" "$tmp/demo.log")
r=0 && [ "$n" -ge 2 ] || r=1
ktap_result $r "the guest loads both modules built by $user ($n lines with its marker)" "$tmp/demo.log"

# The conformance suite, on both devices.
as_user 'unset DUET_CACHE; DUET_FLAVOR=lab sh scripts/boot.sh tests/conformance.sh' >"$tmp/conf.log" 2>&1
rc=$?
ok=$(grep -c '^ok ' "$tmp/conf.log")
bad=$(grep -c '^not ok ' "$tmp/conf.log")
r=0 && [ "$rc" = 0 ] && [ "$ok" -gt 0 ] && [ "$bad" = 0 ] || r=1
ktap_result $r "the conformance suite as $user: $ok ok, $bad not ok (status $rc)" "$tmp/conf.log"
ktap_finished
