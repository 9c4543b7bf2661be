#!/bin/sh
# deps.sh [check] - install the few host packages duet needs from Debian;
# the rest of the toolchain lives in the trixie root that toolchain.sh
# makes. QEMU is the one for DUET_ARCH's guests. "check" adds what only
# the tests use: Chromium (the HTML report in a real browser), tmux (the
# talk, on a real terminal), mmdebstrap and uidmap (tests/unprivileged.sh
# builds as a user without root), and QEMU for both architectures (the
# suites run on an x86_64 and an arm64 guest).
#
# Run by root, it installs what is missing. Run by another user, it names
# what is missing in one `sudo apt-get install` line and stops, before
# anything is built; the build itself needs no root (README, "Without
# root").
. "$(dirname "$0")/lib.sh"

missing=
# need COMMAND PACKAGE - PACKAGE is missing if COMMAND is not found (each
# package named once).
need() {
	command -v "$1" >/dev/null && return
	case " $missing " in *" $2 "*) ;; *) missing="$missing $2" ;; esac
}
if [ "${1:-}" = check ]; then
	need chromium chromium
	need tmux tmux
	need mmdebstrap mmdebstrap
	need newuidmap uidmap
	need qemu-system-x86_64 qemu-system-x86
	need qemu-system-aarch64 qemu-system-arm
fi
need "$QEMU" "$QEMU_PACKAGE"
need cpio cpio
need unshare util-linux
need flock util-linux
if [ "$DUET_HOST_TOOLS" != 1 ]; then
	if unprivileged; then
		# The root is made with mmdebstrap --mode=unshare, which maps the
		# user's subordinate ids with newuidmap (uidmap).
		need mmdebstrap mmdebstrap
		need newuidmap uidmap
	else
		need debootstrap debootstrap
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
