# shellcheck shell=sh
# lib.sh - helpers shared by the duet host scripts (sourced, not run).
#
# Every script starts with:  . "$(dirname "$0")/lib.sh"
# Settings come from the environment (the Makefile exports them):
#   DUET_CACHE       cache directory for the toolchain root and kernel builds
#                    (default: /var/cache/duet if this user can write there,
#                    else $XDG_CACHE_HOME/duet, or ~/.cache/duet)
#   DUET_HOST_TOOLS  1 = build with the host's own tools instead of the trixie root
#   DUET_ARCH        the guest's architecture: x86_64 or arm64 (default: the
#                    host's)

set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DUET_CACHE:-}" ]; then
	if [ -w /var/cache/duet ] || { [ ! -e /var/cache/duet ] && [ -w /var/cache ]; }; then
		DUET_CACHE=/var/cache/duet
	else
		DUET_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/duet
	fi
fi
DUET_HOST_TOOLS=${DUET_HOST_TOOLS:-0}
DUET_SUITE=trixie
DUET_MIRROR=${DUET_MIRROR:-http://deb.debian.org/debian}

msg() { printf '%s\n' "duet: $*" >&2; }
die() { printf '%s\n' "duet: error: $*" >&2; exit 1; }

# host_arch - this machine's architecture in duet's terms (x86_64, arm64),
# from Debian's name for it (amd64, arm64).
host_arch() {
	case $(dpkg --print-architecture 2>/dev/null || uname -m) in
	arm64 | aarch64) echo arm64 ;;
	amd64 | x86_64) echo x86_64 ;;
	*) dpkg --print-architecture 2>/dev/null || uname -m ;;
	esac
}
# The guest's architecture (an arm64 host's own, else x86_64), and what
# follows from it, from config/arch/ARCH.sh: the kernel's ARCH, image and
# config fragment, QEMU's program, package, machine, console, channel and
# exit device, the guest tools' compilers.
if [ -z "${DUET_ARCH:-}" ]; then
	case $(host_arch) in arm64) DUET_ARCH=arm64 ;; *) DUET_ARCH=x86_64 ;; esac
fi
case $DUET_ARCH in
amd64) DUET_ARCH=x86_64 ;;
aarch64) DUET_ARCH=arm64 ;;
esac
[ -f "$TOP/config/arch/$DUET_ARCH.sh" ] ||
	die "DUET_ARCH=$DUET_ARCH: duet's guest is one of: $(find "$TOP/config/arch" -name '*.sh' -exec basename {} .sh \; | sort | tr '\n' ' ')"
# shellcheck source=config/arch/x86_64.sh
. "$TOP/config/arch/$DUET_ARCH.sh"
export DUET_ARCH
# x86_only WHAT - stop WHAT (make bench, ...) on another guest architecture:
# arm64 has the lab kernel and the suites of "make check" (README, "arm64").
x86_only() {
	[ "$DUET_ARCH" = x86_64 ] ||
		die "$1 runs on an x86_64 guest only: run it with DUET_ARCH=x86_64 (under TCG on an arm64 host). DUET_ARCH=$DUET_ARCH has make demo, run, shell and kernel, and make check's suites (README, \"arm64\")"
}

# step N TOTAL TEXT - announce step N of TOTAL of a long job.
step() { printf '%s\n' "duet: [$1/$2] $3" >&2; }

# key - a short hash of what comes in on standard input.
key() { sha256sum | cut -c1-16; }
# code_of FILE... - the lines of shell scripts or config fragments that
# decide what they make: without comment lines (a fragment's "# CONFIG_X
# is not set" stays), blank lines and leading white space. Keys hash
# these, so that a comment edited in toolchain.sh, overlay.sh or a
# fragment rebuilds nothing.
code_of() {
	sed -e 's/^[[:space:]]*//' -e '/^# CONFIG_[A-Za-z0-9_]* is not set$/b' -e '/^#/d' -e '/^$/d' "$@"
}

# lock FILE - hold an exclusive lock on FILE (file descriptor 9) until the
# script ends or calls unlock: a second duet build of the same thing (the
# toolchain root: $DUET_CACHE/.lock; a kernel work directory: DIR.lock)
# waits here, while builds of different kernels go on side by side.
lock() {
	exec 9>"$1"
	flock -n 9 || { msg "waiting for another duet build ($1)"; flock 9; }
}
unlock() { exec 9>&-; }

# unprivileged - true when not running as root: then the toolchain root is
# made with mmdebstrap --mode=unshare, and in_root enters it in a user
# namespace (lib.sh, in_root).
unprivileged() { [ "$(id -u)" != 0 ]; }

# The toolchain root is keyed by the code of the script that makes it
# (its package list included), not by its comments.
toolchain_dir() {
	if [ "$DUET_HOST_TOOLS" = 1 ]; then
		echo /
	else
		echo "$DUET_CACHE/root-$DUET_SUITE-$(code_of "$TOP/scripts/toolchain.sh" | key)"
	fi
}

# in_root DIR CMD... - run CMD inside the toolchain root ($DUET_ROOT if set)
# with the checkout
# seen at /duet and DIR (a kernel work directory in the cache) at /work,
# and ARCH set for the kernel's make (DUET_ARCH's: x86 or arm64, whatever
# the host is).
# The mounts live in a private mount namespace, so they vanish when CMD
# ends, whether it succeeds, fails or is interrupted. Run by a user other
# than root, the namespace is also a user namespace, where the user is
# root (the root's files, made by mmdebstrap as this user, are root's
# there), and a PID namespace (to mount /proc); no privileges are needed.
in_root() {
	_dir=$1
	shift
	if [ "$DUET_HOST_TOOLS" = 1 ]; then
		env DUET_SRC="$TOP" DUET_WORK="$_dir" ARCH="$KARCH" "$@"
		return
	fi
	_root=${DUET_ROOT:-$(toolchain_dir)}
	[ -x "$_root/usr/bin/env" ] ||
		die "no toolchain root at $_root: run 'make toolchain' (or 'make kernel')"
	mkdir -p "$_root/duet" "$_root/work"
	_userns=
	unprivileged && _userns="--user --map-root-user --pid --fork"
	# shellcheck disable=SC2016,SC2086 # expanded by the inner shell; a list
	unshare $_userns --mount --propagation private -- sh -euc '
		r=$1 src=$2 dir=$3 karch=$4
		shift 4
		mount --rbind /dev "$r/dev"
		mount -t proc proc "$r/proc"
		mount --bind "$src" "$r/duet"
		mount --bind "$dir" "$r/work"
		cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
		# (A user'"'"'s PATH may not have chroot'"'"'s directory.)
		PATH=$PATH:/usr/sbin:/sbin exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
			DUET_SRC=/duet DUET_WORK=/work ARCH="$karch" "$@"
	' sh "$_root" "$TOP" "$_dir" "$KARCH" "$@"
}

# root_path DIR PATH - PATH as in_root DIR shows it to its command: the
# checkout is /duet there and DIR /work. The names are fixed, not the host's
# paths, because a kernel's build tree records the paths it was built at:
# with /work, a kernel work directory can move (another user's cache starts
# as a copy: tests/unprivileged.sh). PATH itself with DUET_HOST_TOOLS=1;
# fails for a path in neither.
root_path() {
	if [ "$DUET_HOST_TOOLS" = 1 ]; then
		echo "$2"
		return 0
	fi
	case $2 in
	"$TOP" | "$TOP"/*) echo "/duet${2#"$TOP"}" ;;
	"$1" | "$1"/*) echo "/work${2#"$1"}" ;;
	*) return 1 ;;
	esac
}

# kernel_frags FLAVOR - the config fragments of FLAVOR's kernel for
# DUET_ARCH, one a line, in the order they apply, relative to the
# checkout: lab.config, the flavor's (the lab flavor's are the
# architecture's KLAB, if any), the architecture's (KFRAGMENT; x86_64 has
# none: lab.config is written for it).
kernel_frags() {
	echo config/lab.config
	if [ "$1" != lab ]; then
		echo "config/$1.config"
	else
		# shellcheck disable=SC2086 # a list of paths
		[ -z "$KLAB" ] || printf '%s\n' $KLAB
	fi
	[ -z "$KFRAGMENT" ] || echo "$KFRAGMENT"
}
# kernel_dir FLAVOR - the kernel work directory of FLAVOR (lab, debug) for
# DUET_ARCH, keyed by the toolchain's versions and the code of the config
# fragments and the overlay script (code_of: their comments are not part
# of the key). (x86_64's are named kernel-FLAVOR-KEY, the others
# kernel-ARCH-FLAVOR-KEY.)
kernel_dir() {
	_frags=$(kernel_frags "$1" | sed "s|^|$TOP/|")
	_name=kernel-$1
	[ "$DUET_ARCH" = x86_64 ] || _name=kernel-$DUET_ARCH-$1
	if [ "$DUET_HOST_TOOLS" = 1 ]; then
		_versions=$(mktemp)
		{ rustc --version; bindgen --version; clang --version | head -n 1; } >"$_versions"
	else
		_versions=$(toolchain_dir)/duet-versions.txt
	fi
	# shellcheck disable=SC2086 # a list of paths
	echo "$DUET_CACHE/$_name-$({ cat "$_versions"; code_of $_frags "$TOP/scripts/overlay.sh"; } | key)"
	[ "$DUET_HOST_TOOLS" = 1 ] && rm -f "$_versions"
	return 0
}

# sources_key "PATH..." - a hash of the names and contents of every file
# under the PATHs of the checkout (patterns, such as compare/*.c, are
# expanded there). The kernel cache is shared by every copy of the tree
# (clones, worktrees, scratch copies) and Kbuild decides by file times, so
# what was built from which sources is decided by this instead.
sources_key() {
	# shellcheck disable=SC2048,SC2086 # a list of paths and patterns
	(cd "$TOP" && find $* -type f -exec sha256sum {} + | LC_ALL=C sort -k 2) |
		sha256sum | cut -c1-16
}
# What goes into the modules, and what goes into the guest image: the
# modules, and the guest's programs and scripts (not the host's report
# code of compare/).
MODULE_SOURCES="Kbuild Kconfig c_module rust_module shared_abi"
IMAGE_SOURCES="$MODULE_SOURCES guest compare/*.c tests/selftests tests/ktap.sh scripts/guest-image.sh"
modules_key() { sources_key "$MODULE_SOURCES"; }
image_key() { sources_key "$IMAGE_SOURCES"; }

# scratch_copy DIR - a fresh copy of the checkout in DIR (without .git), for
# tests that build a changed tree; the cache keys keep its modules from
# reaching the checkout's next run.
scratch_copy() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$TOP" && tar --exclude=./.git -cf - .) | (cd "$1" && tar -xf -)
}

# bug_case N - the directory of case N of the break-it catalogue (bugs/NN-*).
bug_case() { find "$TOP/bugs" -maxdepth 1 -name "$(printf %02d "$1")-*" | head -n 1; }
# read_case DIR - title, c_how, rust_how, check, flavor, c_expect,
# rust_expect, c_build, c_would and rust_would from DIR/case (the ones it
# does not set are empty).
read_case() {
	# shellcheck disable=SC2034 # used by the scripts that call this
	title='' c_how='' rust_how='' check='' flavor='' c_expect='' rust_expect=''
	# shellcheck disable=SC2034
	c_build='' c_would='' rust_would=''
	# shellcheck source=/dev/null # a case file of bugs/
	. "$1/case"
}

# root_script DIR NAME ARGS... - run scripts/NAME of the checkout inside the
# toolchain root (see in_root).
root_script() {
	_dir=$1 _name=$2
	shift 2
	in_root "$_dir" sh "$(root_path "$_dir" "$TOP/scripts/$_name")" "$@"
}

# lab_dirs PREFIX VAR N - the directories learn/PREFIXNN-*: all of them if
# N is empty or "all", else number N's; fails with a message naming VAR
# (STEP or CHAPTER) and the numbers there are if there is no such one.
lab_dirs() {
	if [ -z "${3:-}" ] || [ "$3" = all ]; then
		find "$TOP/learn" -mindepth 1 -maxdepth 1 -type d -name "$1[0-9][0-9]-*" | LC_ALL=C sort
		return
	fi
	_have=$(find "$TOP/learn" -mindepth 1 -maxdepth 1 -type d -name "$1[0-9][0-9]-*" |
		sed "s|.*/$1||; s|-.*||; s|^0||" | sort -n | tr '\n' ' ')
	case $3 in *[!0-9]* | '') die "$2=$3: give a number, one of: $_have" ;; esac
	_d=$(find "$TOP/learn" -mindepth 1 -maxdepth 1 -type d -name "$1$(printf %02d "$3")-*")
	[ -n "$_d" ] || die "$2=$3: there is none; the ones there are: $_have"
	echo "$_d"
}
# learn_steps [STEP] - the hands-on lab's step directories (learn/NN-*).
learn_steps() { lab_dirs '' STEP "${1:-}"; }
# lab_exercises [CHAPTER] - the directories of the chapters' graded
# exercises, which edit duet itself (learn/chNN-*).
lab_exercises() { lab_dirs ch CHAPTER "${1:-}"; }
