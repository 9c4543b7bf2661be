#!/bin/sh
# gates.sh - the style gates of both modules and of the hands-on lab's
# skeletons (learn/), one TAP verdict each; runs
# inside the toolchain root after build-kernel.sh.
#   checkpatch.pl --strict   on the C files and headers
#   kernel-doc -Wall         on the C files and headers (no warnings)
#   rustfmt --check          on the Rust files, with the tree's .rustfmt.toml
#                            (`make rustfmtcheck` does not follow the
#                            drivers/misc/duet symlink, so it is run here)
#   Clippy                   on duet_rust (CLIPPY=1's command), no warnings;
#                            and a planted warning fails it
#   the harness scripts      pass shellcheck
#   the lab's solutions      checkpatch, kernel-doc and rustfmt, applied
# shellcheck disable=SC2317 # the checks below are called through gate()
set -u
# shellcheck source=../tests/ktap.sh
. "$DUET_SRC/tests/ktap.sh"
KTAP_PREFIX="gate: "
src=$DUET_WORK/src
out=$DUET_WORK/build
log=$DUET_WORK/gate.log
cd "$src" || exit 1
c_files="drivers/misc/duet/c_module/device.c drivers/misc/duet/c_module/device_kunit.c
	drivers/misc/duet/c_module/export.c
	drivers/misc/duet/c_module/registry.h
	drivers/misc/duet/shared_abi/linux/duet_export.h
	drivers/misc/duet/shared_abi/uapi/linux/duet.h
	$(ls drivers/misc/duet/learn/*/*.[ch])"

# gate NAME COMMAND... - ok if COMMAND succeeds; else its output, indented.
gate() {
	name=$1
	shift
	if "$@" >"$log" 2>&1; then
		ktap_result 0 "$name"
	else
		ktap_result 1 "$name" "$log" 40
	fi
}

# checkpatch FILE..., kerneldoc FILE... - no findings in the C FILEs.
checkpatch() {
	./scripts/checkpatch.pl --strict --no-summary --terse -f "$@"
}
kerneldoc() {
	./scripts/kernel-doc -none -Wall "$@" 2>&1 | tee /dev/stderr | grep -q . && return 1
	return 0
}
rustfmtcheck() {
	rustfmt --check --edition 2021 --config-path .rustfmt.toml \
		drivers/misc/duet/rust_module/duet_rust.rs drivers/misc/duet/learn/*/*.rs
}
# Clippy: the very command Kbuild ran for duet_rust.o in the lab kernel's
# tree (its .cmd file), with clippy-driver for rustc and emitting only the
# metadata. That is all `make CLIPPY=1` changes for the object
# (RUSTC_OR_CLIPPY; the -Wclippy:: lints are in every build's flags), and
# it reads the same .clippy.toml (CLIPPY_CONF_DIR; and RUSTC_BOOTSTRAP, as
# the kernel's Makefile exports it for the -Z options). The kernel crate is
# the one rustc built, as cargo clippy checks a crate against
# dependencies built by rustc; a CLIPPY=1 build would rebuild the whole
# Rust side in a tree of its own first, minutes on a cold cache.
# clippy_run FILE LOG - run that command on FILE (the driver's root
# file, or a copy) into LOG; the diagnostics whose "--> file:line" is in
# drivers/misc/duet, ours, go to LOG.ours and are shown.
clippy_run() {
	cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$out/drivers/misc/duet/rust_module/.duet_rust.o.cmd" | sed 's/ *;.*//')
	case $cmd in
	*" rustc "*"/duet_rust.rs") ;;
	*) echo "no rustc command for duet_rust.rs in .duet_rust.o.cmd: $cmd" && return 1 ;;
	esac
	meta=$DUET_WORK/clippy-meta
	rm -rf "$meta"
	mkdir -p "$meta"
	# (every --emit goes, whatever the kernel's config made it: llvm-bc
	# with RUST_INLINE_HELPERS, obj without, which would overwrite the
	# real object)
	cmd=$(printf '%s\n' "$cmd" | sed "s| rustc | clippy-driver |; s|--out-dir [^ ]*|--out-dir $meta|;
		s|--emit=[^ ]*||g; s|[^ ]*/duet_rust\.rs$|--emit=metadata $1|")
	(cd "$out" && eval "RUSTC_BOOTSTRAP=1 CLIPPY_CONF_DIR=$src $cmd") >"$2" 2>&1
	rc=$?
	awk '/^(warning|error)/ { head = $0 }
		/^ *--> / && /drivers\/misc\/duet\// { print head; print }' "$2" >"$2.ours"
	cat "$2.ours"
	[ "$rc" = 0 ] || tail -n 20 "$2"
	[ "$rc" = 0 ] && [ ! -s "$2.ours" ]
}
clippy() {
	clippy_run "$src/drivers/misc/duet/rust_module/duet_rust.rs" "$log.clippy"
}
# clippy_planted - the same gate fails on a copy of the driver with one
# Clippy warning planted (clone_on_copy, of clippy::all): it can fail.
clippy_planted() {
	copy=$DUET_WORK/clippy-planted/drivers/misc/duet
	rm -rf "$DUET_WORK/clippy-planted"
	mkdir -p "$copy"
	cp -R "$DUET_SRC/rust_module" "$copy/"
	printf '%s\n' '' '/// Planted by gates.sh: a Clippy warning.' \
		'pub fn planted(v: u32) -> bool {' '    v.clone() == v' '}' >>"$copy/rust_module/duet_rust.rs"
	if clippy_run "$copy/rust_module/duet_rust.rs" "$log.planted"; then
		echo "the planted clone_on_copy drew nothing"
		return 1
	fi
	grep -q 'clone_on_copy' "$log.planted" ||
		{ echo "the planted copy failed, but not on clone_on_copy"; return 1; }
}

# The lab's reference solutions (learn/*/solution.patch), applied all
# together to a copy of the sources they change, pass the same style gates
# as the tree: checkpatch --strict, kernel-doc and rustfmt.
solutions() {
	cd "$src" || return 1
	sol=$DUET_WORK/solutions
	rm -rf "$sol"
	mkdir -p "$sol"
	(cd "$DUET_SRC" && cp -R c_module rust_module shared_abi guest learn "$sol/")
	for p in "$DUET_SRC"/learn/*/solution.patch; do
		patch -s -p1 -d "$sol" <"$p" || { echo "${p#"$DUET_SRC"/} does not apply"; return 1; }
	done
	find "$sol" -name '*.orig' -delete
	# Kernel code only: guest/ holds user-space programs.
	files=$(find "$sol/c_module" "$sol/shared_abi" "$sol/learn" -name '*.[ch]' | LC_ALL=C sort)
	# shellcheck disable=SC2086 # a list of paths
	checkpatch $files && kerneldoc $files || return 1
	# shellcheck disable=SC2046 # a list of paths
	rustfmt --check --edition 2021 --config-path .rustfmt.toml $(find "$sol" -name '*.rs' | LC_ALL=C sort)
}

shellcheck_all() {
	cd "$DUET_SRC" && shellcheck scripts/*.sh tests/*.sh compare/*.sh guest/init \
		guest/*.sh guest/duet-sanitizers bugs/guest.sh learn/*/check.sh .ci/run
}

ktap_plan 7
# shellcheck disable=SC2086 # a list of paths
gate "checkpatch.pl --strict on the C sources" checkpatch $c_files
# shellcheck disable=SC2086
gate "kernel-doc -Wall on the C sources" kerneldoc $c_files
gate "rustfmt --check on the Rust sources" rustfmtcheck
gate "Clippy (CLIPPY=1's command) on duet_rust: no warnings" clippy
gate "Clippy fails on a copy of duet_rust with a warning planted" clippy_planted
gate "shellcheck on the harness's scripts" shellcheck_all
gate "the lab's reference solutions pass checkpatch, kernel-doc and rustfmt" solutions
ktap_finished
