#!/bin/sh
# gates.sh - the style gates of both modules and of the hands-on lab's
# skeletons (learn/), one TAP verdict each; runs
# inside the toolchain root after build-kernel.sh.
#   checkpatch.pl --strict   on the C files and headers
#   kernel-doc -Wall         on the C files and headers (no warnings)
#   rustfmt --check          on the Rust files, with the tree's .rustfmt.toml
#                            (`make rustfmtcheck` does not follow the
#                            drivers/misc/duet symlink, so it is run here)
#   CLIPPY=1                 rebuild of duet_rust, no warnings
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
# Clippy builds in a tree of its own (clippy/), so that the main build is
# not rebuilt without it afterwards; warnings in the kernel crate itself
# are not ours and are not counted.
clippy() {
	co=$DUET_WORK/clippy
	mkdir -p "$co"
	cmp -s "$out/.config" "$co/.config" || cp "$out/.config" "$co/.config"
	rm -f "$co/drivers/misc/duet/rust_module/duet_rust.o"
	make -C "$src" O="$co" LLVM=1 CLIPPY=1 -j"$(nproc)" \
		drivers/misc/duet/rust_module/duet_rust.o >"$log.clippy" 2>&1
	rc=$?
	# A diagnostic is ours if its "--> file:line" is in drivers/misc/duet.
	awk '/^(warning|error)/ { head = $0 }
		/^ *--> / && /drivers\/misc\/duet\// { print head; print }' \
		"$log.clippy" >"$log.ours"
	cat "$log.ours"
	[ "$rc" = 0 ] || tail -n 20 "$log.clippy"
	[ "$rc" = 0 ] && [ ! -s "$log.ours" ]
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

ktap_plan 6
# shellcheck disable=SC2086 # a list of paths
gate "checkpatch.pl --strict on the C sources" checkpatch $c_files
# shellcheck disable=SC2086
gate "kernel-doc -Wall on the C sources" kerneldoc $c_files
gate "rustfmt --check on the Rust sources" rustfmtcheck
gate "CLIPPY=1 build of duet_rust without warnings" clippy
gate "shellcheck on the harness's scripts" shellcheck_all
gate "the lab's reference solutions pass checkpatch, kernel-doc and rustfmt" solutions
ktap_finished
