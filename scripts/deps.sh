#!/bin/sh
# deps.sh [check] - install the few host packages duet needs from Debian;
# the rest of the toolchain lives in the trixie root that toolchain.sh
# makes. "check" adds what only the tests use: Chromium (the HTML report
# in a real browser), tmux (the talk, on a real terminal), and mmdebstrap
# and uidmap (tests/unprivileged.sh builds as a user without root).
#
# Run by root, it installs what is missing. Run by another user, it names
# what is missing in one `sudo apt-get install` line and stops, before
# anything is built; the build itself needs no root (README, "Without
# root").
. "$(dirname "$0")/lib.sh"

missing=
if [ "${1:-}" = check ]; then
	command -v chromium >/dev/null || missing="$missing chromium"
	command -v tmux >/dev/null || missing="$missing tmux"
	command -v mmdebstrap >/dev/null || missing="$missing mmdebstrap"
	command -v newuidmap >/dev/null || missing="$missing uidmap"
fi
command -v qemu-system-x86_64 >/dev/null || missing="$missing qemu-system-x86"
command -v cpio >/dev/null || missing="$missing cpio"
{ command -v unshare && command -v flock; } >/dev/null || missing="$missing util-linux"
if [ "$DUET_HOST_TOOLS" != 1 ]; then
	if unprivileged; then
		# The root is made with mmdebstrap --mode=unshare, which maps the
		# user's subordinate ids with newuidmap (uidmap).
		case $missing in *mmdebstrap*) ;; *) command -v mmdebstrap >/dev/null || missing="$missing mmdebstrap" ;; esac
		case $missing in *uidmap*) ;; *) command -v newuidmap >/dev/null || missing="$missing uidmap" ;; esac
	else
		command -v debootstrap >/dev/null || missing="$missing debootstrap"
	fi
	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		missing="$missing debian-archive-keyring"
fi

if [ -n "$missing" ]; then
	command -v apt-get >/dev/null ||
		die "please install:$missing (this is not a Debian machine, so duet cannot do it)"
	if unprivileged; then
		msg "these host packages are missing:$missing"
		msg "ask someone with root to run this once, then run make again:"
		printf '%s\n' "sudo apt-get install --no-install-recommends$missing" >&2
		exit 1
	fi
	msg "installing host packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update >/dev/null
	# shellcheck disable=SC2086 # a list of package names
	apt-get -q -y --no-install-recommends install $missing >/dev/null ||
		die "apt-get could not install:$missing"
fi

# Without root, the toolchain root runs in a user namespace.
if unprivileged && [ "$DUET_HOST_TOOLS" != 1 ] &&
	! unshare --user --map-root-user --mount --pid --fork true 2>/dev/null; then
	die "this kernel does not let $(id -un) make user namespaces, which duet needs without root: ask someone with root to run 'sudo sysctl -w kernel.unprivileged_userns_clone=1 user.max_user_namespaces=15000' (or run duet as root)"
fi
exit 0
