#!/bin/sh
# boot.sh - boot the duet guest and run one script in it.
#
# Usage: boot.sh [--shell] [--timeout SECONDS] [SCRIPT [FILES]]
#
# Boots the kernel of $DUET_FLAVOR (lab by default) with the base initramfs
# (busybox, both modules installed, none loaded), adds SCRIPT as
# /duet-run/script and the files of the directory FILES under
# /duet-run/files, runs the script there (its working directory) and exits
# with the script's status. --shell gives an interactive shell instead.
# Output streams as it comes; every boot has a time limit.
. "$(dirname "$0")/lib.sh"

shell=0
timeout=${DUET_TIMEOUT:-600}
while [ $# -gt 0 ]; do
	case $1 in
	--shell) shell=1 ;;
	--timeout) timeout=$2; shift ;;
	*) break ;;
	esac
	shift
done
script=${1:-}
files=${2:-}
[ "$shell" = 1 ] || [ -n "$script" ] || die "usage: boot.sh [--shell] [--timeout S] SCRIPT [FILES]"
[ -z "$script" ] || [ -f "$script" ] || die "SCRIPT=$script: no such file"
[ -z "$files" ] || [ -d "$files" ] || die "FILES=$files: not a directory"

flavor=${DUET_FLAVOR:-lab}
kdir=$(kernel_dir "$flavor")
kernel=$kdir/build/$KIMAGE
[ -f "$kernel" ] || die "no $DUET_ARCH $flavor kernel built yet: run 'make kernel DUET_ARCH=$DUET_ARCH' (or 'make demo') first"
# The image made from this checkout's own sources (guest-image.sh).
image=$kdir/initramfs-$(image_key).cpio
[ -f "$image" ] ||
	die "the $flavor guest image is not built from this checkout's sources yet: run 'make kernel DUET_FLAVOR=$flavor'"
# In use: guest-image.sh keeps the most recently used images, and scratch
# copies built in between must not push out this checkout's own.
touch "$image"
command -v "$QEMU" >/dev/null ||
	die "$QEMU is missing: 'make deps DUET_ARCH=$DUET_ARCH' installs it ($QEMU_PACKAGE)"

# The run's own files go into a second cpio archive appended to the base
# one; the kernel unpacks both. Everything lives in a temporary directory.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-boot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/root/duet-run/files"
[ -z "$script" ] || cp "$script" "$tmp/root/duet-run/script"
[ -z "$files" ] || cp -R "$files/." "$tmp/root/duet-run/files/"
(cd "$tmp/root" && find . | cpio -o -H newc --quiet -R 0:0) >"$tmp/run.cpio"
cat "$image" "$tmp/run.cpio" >"$tmp/initrd" ||
	die "could not read $image (removed by a newer build?): run 'make kernel DUET_FLAVOR=$flavor'"

accel=${DUET_ACCEL:-tcg}
cpu=${DUET_CPU:-max}
mem=${DUET_MEM:-1024}
# The debug kernel: any WARN is fatal, and KASAN wants room for its shadow
# (as KMSAN does for its shadow and origins, two bytes for each byte).
if [ "$flavor" = debug ]; then
	mem=${DUET_MEM:-2048}
	DUET_CMDLINE="panic_on_warn=1 ${DUET_CMDLINE:-}"
elif [ "$flavor" = kmsan ]; then
	mem=${DUET_MEM:-2048}
fi
# DUET_ICOUNT=1: QEMU counts instructions, and the guest's clock is the
# count (one instruction = 1 ns): exact, repeatable costs, on one vCPU.
# DUET_QEMU_PLUGIN=path.so,args: a TCG plugin (compare/plugin).
smp=2 extra=
if [ "${DUET_ICOUNT:-0}" = 1 ]; then
	[ "$accel" = tcg ] || msg "instruction counting needs TCG: not using $accel"
	accel=tcg smp=1 extra="-icount shift=0,sleep=off"
fi
if [ -n "${DUET_QEMU_PLUGIN:-}" ]; then
	[ "$accel" = tcg ] || die "QEMU plugins need TCG (DUET_ACCEL=tcg)"
	extra="$extra -plugin ${DUET_QEMU_PLUGIN}"
fi
if [ "$accel" = kvm ] && ! sh "$TOP/scripts/probe-kvm.sh" "$kernel"; then
	msg "KVM does not boot this kernel here; using TCG"
	accel=tcg
fi
# What differs between the architectures (config/arch/ARCH.sh, read by
# lib.sh): the machine, the kernel's console, the way the guest hands its
# exit status to QEMU (guest/duet-exit.c) and the script's channel to the
# host (guest/init).
machine=$QEMU_MACHINE console=$QEMU_CONSOLE channel=$QEMU_CHANNEL exitdev=$QEMU_EXIT
out=${QEMU_CHANNEL_NAME:+duet.out=$QEMU_CHANNEL_NAME}
[ "$accel" != tcg ] || [ "$cpu" != max ] || cpu=$QEMU_TCG_CPU
# shellcheck disable=SC2086 # $machine, $extra, $exitdev: lists of options
# Each vCPU a socket of its own: the x86_64 kernels have no ACPI and find
# their CPUs in the BIOS's MP table, where SeaBIOS lists the first CPU of
# each package only (config/lab.config).
set -- $machine -accel "$accel" -cpu "$cpu" -smp "$smp,sockets=$smp" -m "$mem" -no-reboot $extra \
	-kernel "$kernel" -initrd "$tmp/initrd" $exitdev
# duet.stall: the guest script is stopped as hung when it prints nothing
# for that many seconds (guest/init, duet-watch).
cmdline="console=$console panic=-1 duet.stall=${DUET_STALL:-300} $out ${DUET_CMDLINE:-}"
if [ "$shell" = 1 ]; then
	msg "booting the $DUET_ARCH $flavor kernel ($accel, -cpu $cpu); Ctrl-A X quits QEMU"
	"$QEMU" "$@" -nographic -append "$cmdline quiet duet.mode=shell" || true
	exit 0
fi

# The script's output has a channel of its own (-> stdout); the kernel
# console goes to a log, shown when the guest fails.
log=${DUET_CONSOLE_LOG:-$tmp/console.log}
# A kernel that stops or stalls before it starts /init has run none of
# duet's code (the script loads the modules): boot once more, and say so. (The
# debug kernel under TCG once stopped on a KASAN report in an interrupt
# during identify_cpu(), at the start of the boot.)
for attempt in 1 2; do
	set +e
	# shellcheck disable=SC2086 # $channel: a list of options
	{
		timeout -k 5 "$timeout" "$QEMU" "$@" -display none -monitor none \
			-serial file:"$log" $channel -append "$cmdline duet.mode=run" </dev/null
		echo $? >"$tmp/rc"
	} | tee "$tmp/out"
	rc=$(cat "$tmp/rc")
	set -e
	# A guest without an exit device (guest/init) powered off after
	# saying its status: QEMU's own status is then 0.
	said=$(sed -n 's/^duet-guest: exit status \([0-9]*\); no exit device.*/\1/p' "$tmp/out" | tail -n 1)
	[ "$rc" != 0 ] || [ -z "$said" ] || rc=$((said << 1 | 1))
	case $rc in 0 | 124 | 137) ;; *) break ;; esac
	if [ "$attempt" = 2 ] || grep -q 'Run /init as init process' "$log"; then
		break
	fi
	msg "the $flavor kernel stopped before starting /init, before any duet code ran; booting once more. Its console:"
	grep -m 1 -A 12 'BUG:\|WARNING:\|Kernel panic' "$log" | sed 's/^/  | /' >&2
	cp "$log" "$log.first-boot"
done
case $rc in
124 | 137) problem="the guest did not finish within $timeout s (DUET_TIMEOUT=seconds sets the limit)" ;;
0) problem="the guest stopped without reporting a status (a kernel panic?)" ;;
*) [ $((rc & 1)) = 1 ] || problem="QEMU failed (exit status $rc)" ;;
esac
if [ -n "${problem:-}" ]; then
	msg "the last lines of the kernel console:"
	tail -n 40 "$log" | sed 's/^/  | /' >&2
	die "$problem"
fi
status=$((rc >> 1))
case $status in
0) ;;
124) msg "the guest script was stopped as hung (status 124): the '#' lines under its 'not ok ... hung' line say where the kernel was stuck (DUET_STALL=seconds: how long the whole script may print nothing, 0 = no limit)" ;;
*) msg "the script exited with status $status" ;;
esac
exit "$status"
