#!/bin/sh
# learn-build.sh STEP_DIR... - build the learner's modules of each step of
# learn/ (runs inside the toolchain root, under the cache lock, against
# the lab kernel in $DUET_WORK). For each step NN the results go to
# $DUET_WORK/learn/NN/: "modules" (lines "LANG MODULE"), MODULE.ko for
# each module that built, MODULE.build-error (its first error) for each
# that did not, "exports" (modpost's Module.symvers lines of the step's
# modules) and the build logs.
#
# A step whose file "step" says build=tree is built in the kernel tree,
# where drivers/misc/duet/learn/NN is the checkout's directory: make
# drivers/misc/duet/learn/NN/MODULE.ko (modpost marks it in-tree). One
# that says build=extern is built as an external module: make M=DIR
# MO=OUT (the kernel marks it "O" when it loads). The objects are kept
# only while the step's sources are the same (a key of their contents),
# so another copy of the tree never leaks its objects into this one.
set -eu
work=$DUET_WORK
kmake() { make -C "$work/src" O="$work/build" LLVM=1 "$@"; }

# first_error LOG - the first error of a build log, with the lines that
# place it (rustc: the "-->" line and the code).
first_error() {
	awk '/(^|[^a-z])(error(\[E[0-9]+\])?:|ERROR:)/ && !n { n = 1 }
		n && /^make(\[[0-9]+\])?: / { exit }
		n && n <= 6 { print; n++ }' "$1" |
		sed 's|/work/src/drivers/misc/duet/||; s|/duet/||; s|^\(ERROR: modpost: \)drivers/misc/duet/|\1|'
}

for src in "$@"; do
	nn=$(basename "$src" | cut -c1-2)
	rel=drivers/misc/duet/${src#"$DUET_SRC"/}
	out=$work/learn/$nn
	rm -rf "$out"
	mkdir -p "$out"
	build=$(sed -n "s/^build=//p" "$src/step")
	sed -n 's/^obj-m[ \t]*+=[ \t]*\(learn_[a-z0-9_]*_\(c\|rust\)\)\.o$/\2 \1/p' "$src/Kbuild" >"$out/modules"
	key=$( (cd "$src" && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2) | sha256sum | cut -c1-16)
	if [ "$build" = tree ]; then
		obj=$work/build/$rel
	else
		obj=$work/learn-obj/$nn
	fi
	if [ "$(cat "$obj/.learn-key" 2>/dev/null)" != "$key" ]; then
		rm -rf "$obj"
	fi
	mkdir -p "$obj"
	# make_kos LOG MODULE... - build these modules of the step in one make.
	make_kos() {
		_log=$1
		shift
		if [ "$build" = tree ]; then
			# A single-target build rewrites Module.symvers and removes
			# modules.order: keep the kernel's own.
			cp -p "$work/build/Module.symvers" "$work/build/modules.order" "$out/"
			# shellcheck disable=SC2046 # module paths
			set -- $(for m in "$@"; do echo "$rel/$m.ko"; done)
			_rc=0
			kmake DUET_LEARN=m "$@" >"$_log" 2>&1 || _rc=$?
			grep -F "	$rel/" "$work/build/Module.symvers" >>"$out/exports" || true
			mv "$out/Module.symvers" "$out/modules.order" "$work/build/"
			return $_rc
		fi
		# shellcheck disable=SC2046 # module names
		set -- $(for m in "$@"; do echo "$m.ko"; done)
		_rc=0
		kmake M="$src" MO="$obj" "$@" >"$_log" 2>&1 || _rc=$?
		cat "$obj/Module.symvers" >>"$out/exports" 2>/dev/null || true
		return $_rc
	}
		# sign KO - sign a learner's module as build-kernel.sh signs duet's
	# (the lab kernel checks signatures without enforcing them): without
	# a signature it would load with the E taint.
	sign() {
		_hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$work/build/.config")
		[ -z "$_hash" ] || "$work/build/scripts/sign-file" "$_hash" \
			"$work/build/certs/signing_key.pem" "$work/build/certs/signing_key.x509" "$1"
	}
	# All the step's modules in one make (a Rust module may need the C
	# one's symbols); if that fails, each on its own, to say which fails.
	# shellcheck disable=SC2046 # module names
	if make_kos "$out/build.log" $(cut -d' ' -f2 "$out/modules"); then
		while read -r _lang mod; do cp "$obj/$mod.ko" "$out/" && sign "$out/$mod.ko"; done <"$out/modules"
	else
		while read -r _lang mod; do
			if make_kos "$out/$mod.log" "$mod"; then
				cp "$obj/$mod.ko" "$out/"
				sign "$out/$mod.ko"
			else
				first_error "$out/$mod.log" >"$out/$mod.build-error"
				[ -s "$out/$mod.build-error" ] || tail -n 5 "$out/$mod.log" >"$out/$mod.build-error"
			fi
		done <"$out/modules"
	fi
	echo "$key" >"$obj/.learn-key"
done
