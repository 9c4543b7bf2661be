#!/bin/sh
# deps.sh [check] - install the few host packages duet needs from Debian;
# the rest of the toolchain lives in the trixie root that toolchain.sh
# makes. "check" adds what only the tests use: Chromium (the HTML report
# in a real browser) and tmux (the talk, on a real terminal).
. "$(dirname "$0")/lib.sh"

missing=
if [ "${1:-}" = check ]; then
	command -v chromium >/dev/null || missing="$missing chromium"
	command -v tmux >/dev/null || missing="$missing tmux"
fi
command -v qemu-system-x86_64 >/dev/null || missing="$missing qemu-system-x86"
command -v cpio >/dev/null || missing="$missing cpio"
command -v unshare >/dev/null || missing="$missing util-linux"
command -v flock >/dev/null || missing="$missing util-linux"
if [ "$DUET_HOST_TOOLS" != 1 ]; then
	command -v debootstrap >/dev/null || missing="$missing debootstrap"
	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		missing="$missing debian-archive-keyring"
fi
[ -n "$missing" ] || exit 0

command -v apt-get >/dev/null ||
	die "please install:$missing (this is not a Debian machine, so duet cannot do it)"
need_root "installing$missing"
msg "installing host packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >/dev/null
# shellcheck disable=SC2086 # a list of package names
apt-get -q -y --no-install-recommends install $missing >/dev/null ||
	die "apt-get could not install:$missing"
