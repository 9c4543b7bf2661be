#!/bin/sh
# lab-build.sh [STEP] - `make lab-build [STEP=n]`: build the learner's
# modules of the hands-on lab (learn/NN-*/, every step or step n) against
# the lab kernel, and say for each module whether it built, with the first
# error if not. Incremental: an unchanged step is not rebuilt. The
# results stay in the lab kernel's cache directory (learn/NN/) for
# `make lab-check`; with DUET_LEARN_OUT=dir they are also copied there
# (still under the cache lock, so no other copy of the tree can build in
# between). Exits non-zero if any module failed to build.
. "$(dirname "$0")/lib.sh"
x86_only "make lab-build"
dirs=$(learn_steps "${1:-}")
kdir=$(kernel_dir lab)
[ -f "$kdir/build/vmlinux.o" ] || die "no lab kernel built yet: run 'make kernel' first"
lock "$kdir.lock"
inner=$(for d in $dirs; do root_path "$kdir" "$d"; done)
# shellcheck disable=SC2086 # a list of directories
root_script "$kdir" learn-build.sh $inner
rc=0
for d in $dirs; do
	nn=$(basename "$d" | cut -c1-2)
	while read -r lang mod; do
		if [ -f "$kdir/learn/$nn/$mod.ko" ]; then
			msg "step ${nn#0} ($lang): built $mod.ko"
		else
			msg "step ${nn#0} ($lang): $mod did not build; the first error:"
			sed 's/^/  | /' "$kdir/learn/$nn/$mod.build-error" >&2
			rc=1
		fi
	done <"$kdir/learn/$nn/modules"
	[ -z "${DUET_LEARN_OUT:-}" ] || cp -R "$kdir/learn/$nn" "$DUET_LEARN_OUT/$nn"
done
exit "$rc"
