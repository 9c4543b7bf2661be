#!/bin/sh
# learn-build.sh STEP_DIR... - build the learner's modules of each step of
# learn/ (runs inside the toolchain root, under the cache lock, against
# the lab kernel in $DUET_WORK). For each step NN the results go to
# $DUET_WORK/learn/NN/: "modules" (lines "LANG MODULE"), MODULE.ko for
# each module that built, MODULE.build-error (its first error) for each
# that did not, "exports" (modpost's Module.symvers lines of the step's
# modules), "warnings" (the compilers' warnings about the step's files),
# what the graders read of each built module (facts, below) and the build
# logs. A step directory with a file "variant" (a known-wrong solution
# of tests/learn.sh, see --guest) builds the modules of the languages that
# its line modules= names.
#
# A step whose file "step" says build=tree is built in the kernel tree,
# where drivers/misc/duet/learn/NN is the checkout's directory: make
# drivers/misc/duet/learn/NN/MODULE.ko (modpost marks it in-tree). One
# that says build=extern is built as an external module: make M=DIR
# MO=OUT (the kernel marks it "O" when it loads). The objects are kept
# only while the step's sources are the same (a key of their contents),
# so another copy of the tree never leaks its objects into this one.
#
# learn-build.sh --guest [--wrong] - the rest of what `make lab-check`
# gives the guest, in $DUET_WORK/learn/guest/ (read it under the cache
# lock): bin/, the graders' static tools (learn/tools/*.c); duet/, the
# facts of the installed duet_c.ko and duet_rust.ko (the build in
# $DUET_WORK must be this checkout's: lab-check.sh checks its key). With
# --wrong, also the known-wrong solutions that tests/learn.sh put in
# learn/wrong/: the steps' (NN-NAME/, built as above into wrong/NN-NAME/)
# and the chapters' in learn/wrong/duet/ (CHNN-NAME/, a copy of c_module/ and
# rust_module/ with a wrong-NAME.patch applied, and a Kbuild that builds
# one of them): built in one make as external modules, into
# wrong/CHNN-NAME/: duet_c.ko or duet_rust.ko, signed, their facts, and
# duet.symvers (the C module's exports), or build-error.
#
# The facts of a module MODULE.ko, for the graders: MODULE.nm (llvm-nm:
# its symbols, "U" for the ones it takes from the kernel or other
# modules), MODULE.relocs (lines "SECTION SYMBOL": what the code of its
# .init.text and .exit.text refers to), MODULE.objs (the objects it was
# linked from, Kbuild's MODULE.mod) and MODULE.srcs (the source files
# that went into its objects, from their .cmd files).
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
# sign KO - sign a learner's module as build-kernel.sh signs duet's (the
# lab kernel checks signatures without enforcing them): without a
# signature it would load with the E taint.
sign() {
	_hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$work/build/.config")
	[ -z "$_hash" ] || "$work/build/scripts/sign-file" "$_hash" \
		"$work/build/certs/signing_key.pem" "$work/build/certs/signing_key.x509" "$1"
}
# facts KO OBJDIR OUT - the facts of KO (see above) into OUT; OBJDIR holds
# its objects, MODULE.mod and the .cmd files.
facts() {
	_m=$(basename "$1" .ko)
	llvm-nm "$1" >"$3/$_m.nm"
	llvm-readelf -rW "$1" | awk '
		/^Relocation section / { sec = $3; gsub(/\047/, "", sec); next }
		sec ~ /^\.rela\.(init|exit)\.text$/ && $1 ~ /^[0-9a-f]+$/ && NF >= 5 { print substr(sec, 7), $5 }' >"$3/$_m.relocs"
	: >"$3/$_m.objs"
	[ ! -f "$2/$_m.mod" ] || tr ' ' '\n' <"$2/$_m.mod" | sed -n 's|.*/||; /\.o$/p' >"$3/$_m.objs"
	: >"$3/$_m.srcs"
	while read -r _o; do
		[ -f "$2/.$_o.cmd" ] || continue
		grep -o '[^ 	:=\\]*\.\(c\|rs\)\b' "$2/.$_o.cmd" | sed 's|.*/||' >>"$3/$_m.srcs" || true
	done <"$3/$_m.objs"
	sort -u -o "$3/$_m.srcs" "$3/$_m.srcs"
}
# step_warnings LOG - add the warnings of LOG about the step's files to
# those of its objects ($obj/.learn-warnings: a make that finds them up to
# date prints none) and copy them all to $out/warnings.
step_warnings() {
	warnings "$1" "${src#"$DUET_SRC"/}" >>"$obj/.learn-warnings"
	awk '!seen[$0]++' "$obj/.learn-warnings" >"$out/warnings"
	cp "$out/warnings" "$obj/.learn-warnings"
}
# warnings LOG DIR - the compilers' warnings of LOG that point into DIR (a
# path inside the kernel tree or the checkout): gcc/clang's "FILE:L:C:
# warning:" lines, rustc's "warning:" with its "--> FILE" line.
warnings() {
	awk -v d="$2/" '
		index($0, d) && / warning: / { print; next }
		/^warning: / { w = $0; next }
		w && /^ *--> / && index($0, d) { print w; print; w = "" }' "$1" |
		sed 's|/work/src/drivers/misc/duet/||; s|/duet/||; s|drivers/misc/duet/||'
}

# step_vars SRC OUT - for the step SRC built into OUT: set src, out, rel
# (its path in the kernel tree), build (tree or extern), obj (where its
# objects go) and key (of its sources).
step_vars() {
	src=$1 out=$2
	rel=drivers/misc/duet/${src#"$DUET_SRC"/}
	build=$(sed -n "s/^build=//p" "$src/step")
	key=$( (cd "$src" && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2) | sha256sum | cut -c1-16)
	if [ "$build" = tree ]; then
		obj=$work/build/$rel
	else
		obj=$work/learn-obj/${src#"$DUET_SRC"/learn/}
	fi
}
# setup_step SRC OUT - step_vars, then an empty OUT with OUT/modules (the
# step's modules; for a known-wrong solution only those of the languages
# that SRC/variant's line modules= names), and no objects in obj if they
# were built from other sources.
setup_step() {
	step_vars "$1" "$2"
	rm -rf "$out"
	mkdir -p "$out"
	langs=$(sed -n 's/^modules=//p' "$src/variant" 2>/dev/null || true)
	sed -n 's/^obj-m[ \t]*+=[ \t]*\(learn_[a-z0-9_]*_\(c\|rust\)\)\.o$/\2 \1/p' "$src/Kbuild" |
		while read -r _l _m; do
			case " ${langs:-c rust} " in *" $_l "*) echo "$_l $_m" ;; esac
		done >"$out/modules"
	if [ "$(cat "$obj/.learn-key" 2>/dev/null)" != "$key" ]; then
		rm -rf "$obj"
	fi
	mkdir -p "$obj"
	: >"$out/exports"
}
# built MODULE - copy the step's module MODULE to $out and sign it, with
# its facts.
built() {
	cp "$obj/$1.ko" "$out/"
	sign "$out/$1.ko"
	facts "$obj/$1.ko" "$obj" "$out"
}
# tree_make LOG TARGET... - make these targets in the kernel tree. A
# single-target build rewrites Module.symvers and removes modules.order:
# the kernel's own are put back.
tree_make() {
	_log=$1
	shift
	cp -p "$work/build/Module.symvers" "$work/build/modules.order" "$work/learn/"
	_rc=0
	kmake DUET_LEARN=m "$@" >"$_log" 2>&1 || _rc=$?
	cp "$work/build/Module.symvers" "$work/learn/symvers.last"
	mv "$work/learn/Module.symvers" "$work/learn/modules.order" "$work/build/"
	return $_rc
}

# build_step SRC OUT - build the modules of the step SRC into OUT.
build_step() {
	setup_step "$1" "$2"
	# make_kos LOG MODULE... - build these modules of the step in one make.
	make_kos() {
		_log=$1
		shift
		if [ "$build" = tree ]; then
			_rc=0
			# shellcheck disable=SC2046 # module paths
			tree_make "$_log" $(for m in "$@"; do echo "$rel/$m.ko"; done) || _rc=$?
			grep -F "	$rel/" "$work/learn/symvers.last" >>"$out/exports" || true
			return $_rc
		fi
		# shellcheck disable=SC2046 # module names
		set -- $(for m in "$@"; do echo "$m.ko"; done)
		_rc=0
		kmake M="$src" MO="$obj" "$@" >"$_log" 2>&1 || _rc=$?
		cat "$obj/Module.symvers" >>"$out/exports" 2>/dev/null || true
		return $_rc
	}
	# All the step's modules in one make (a Rust module may need the C
	# one's symbols); if that fails, each on its own, to say which fails.
	# shellcheck disable=SC2046 # module names
	if make_kos "$out/build.log" $(cut -d' ' -f2 "$out/modules"); then
		while read -r _lang mod; do built "$mod"; done <"$out/modules"
		step_warnings "$out/build.log"
	else
		step_warnings "$out/build.log"
		while read -r _lang mod; do
			if make_kos "$out/$mod.log" "$mod"; then
				built "$mod"
				step_warnings "$out/$mod.log"
			else
				first_error "$out/$mod.log" >"$out/$mod.build-error"
				[ -s "$out/$mod.build-error" ] || tail -n 5 "$out/$mod.log" >"$out/$mod.build-error"
			fi
		done <"$out/modules"
	fi
	echo "$key" >"$obj/.learn-key"
}

# build_group OUTDIR SRC... - build the steps SRC, all built in the tree,
# into OUTDIR/NAME each, in one make (their modules' names and exports
# must differ); if that fails, each on its own (build_step), from the
# objects the make made.
build_group() {
	_root=$1
	shift
	_targets=
	for _s in "$@"; do
		setup_step "$_s" "$_root/$(basename "$_s")"
		echo "$key" >"$obj/.learn-key"
		_targets="$_targets $(sed "s|^[a-z]* \(.*\)|$rel/\1.ko|" "$out/modules" | tr '\n' ' ')"
	done
	# shellcheck disable=SC2086 # a list of targets
	if tree_make "$_root/group.log" $_targets; then
		for _s in "$@"; do
			step_vars "$_s" "$_root/$(basename "$_s")"
			while read -r _lang mod; do built "$mod"; done <"$out/modules"
			grep -F "	$rel/" "$work/learn/symvers.last" >>"$out/exports" || true
			step_warnings "$_root/group.log"
		done
	else
		for _s in "$@"; do
			step_vars "$_s" "$_root/$(basename "$_s")"
			warnings "$_root/group.log" "${src#"$DUET_SRC"/}" >>"$obj/.learn-warnings"
			build_step "$_s" "$_root/$(basename "$_s")"
		done
	fi
}

# build_tools OUT - the graders' static tools, learn/tools/*.c, into OUT.
build_tools() {
	mkdir -p "$1"
	for c in "$DUET_SRC"/learn/tools/*.c; do
		[ -f "$c" ] || continue
		gcc -static -O2 -Wall -Werror -I "$DUET_SRC/shared_abi/uapi" \
			-o "$1/$(basename "$c" .c)" "$c" -lpthread
	done
}

# build_duet_variants DIR OUT - the chapters' known-wrong solutions in DIR
# (see above), in one make, into OUT/CHNN-NAME/.
build_duet_variants() {
	_dir=$1 _out=$2 _obj=$work/learn-obj/wrong-duet
	_key=$( (cd "$_dir" && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2) | sha256sum | cut -c1-16)
	[ "$(cat "$_obj/.learn-key" 2>/dev/null)" = "$_key" ] || rm -rf "$_obj"
	mkdir -p "$_obj" "$_out"
	# (A failed make leaves no .ko: modpost runs once all is compiled.)
	_made=1
	kmake -j"$(nproc)" M="$_dir" MO="$_obj" >"$_out/build.log" 2>&1 || _made=0
	[ "$_made" = 1 ] || find "$_obj" -name '*.ko' -delete
	echo "$_key" >"$_obj/.learn-key"
	for _v in "$_dir"/ch[0-9][0-9]-*/; do
		_v=$(basename "$_v")
		mkdir -p "$_out/$_v"
		sed -n 's|^obj-m[ \t]*+=[ \t]*\([a-z_]*\)/$|\1|p' "$_dir/$_v/Kbuild" | while read -r _k; do
			_m=$(sed -n 's/^obj-[^+]*+=[ \t]*\(duet_[a-z]*\)\.o$/\1/p' "$_dir/$_v/$_k/Kbuild")
			# If the make failed, each is made on its own: the ones
			# that build, and the first error of the others.
			if [ ! -f "$_obj/$_v/$_k/$_m.ko" ] &&
				! kmake M="$_dir" MO="$_obj" "$_v/$_k/$_m.ko" >"$_out/$_v/$_m.log" 2>&1; then
				first_error "$_out/$_v/$_m.log" >"$_out/$_v/$_m.build-error"
				[ -s "$_out/$_v/$_m.build-error" ] || tail -n 5 "$_out/$_v/$_m.log" >"$_out/$_v/$_m.build-error"
				continue
			fi
			cp "$_obj/$_v/$_k/$_m.ko" "$_out/$_v/"
			sign "$_out/$_v/$_m.ko"
			facts "$_obj/$_v/$_k/$_m.ko" "$_obj/$_v/$_k" "$_out/$_v"
		done
		grep -F "$_v/" "$_obj/Module.symvers" >"$_out/$_v/duet.symvers" 2>/dev/null || true
	done
}

if [ "${1:-}" = --guest ]; then
	g=$work/learn/guest
	rm -rf "$g"
	mkdir -p "$g/duet"
	build_tools "$g/bin"
	for ko in "$work"/stage/lib/modules/*/kernel/drivers/misc/duet/*/duet_*.ko; do
		facts "$ko" "$work/build/drivers/misc/duet/$(basename "$(dirname "$ko")")" "$g/duet"
	done
	if [ "${2:-}" = --wrong ]; then
		# The steps' built in the tree in rounds, one make each: the
		# first of each step's, then the second... (two of one step
		# would export the same symbols); the others one by one.
		mkdir -p "$g/wrong"
		for d in "$DUET_SRC"/learn/wrong/[0-9][0-9]-*/; do
			d=${d%/}
			[ -d "$d" ] || continue
			if grep -qx build=tree "$d/step"; then
				echo "$(basename "$d" | cut -c1-2) $d"
			else
				build_step "$d" "$g/wrong/$(basename "$d")"
			fi
		done | sort -s -k1,1 | awk '{ print (++n[$1]), $2 }' >"$work/learn/rounds"
		cut -d' ' -f1 "$work/learn/rounds" | sort -u | while read -r r; do
			# shellcheck disable=SC2046 # a list of directories
			build_group "$g/wrong" $(sed -n "s/^$r //p" "$work/learn/rounds")
		done
		[ ! -d "$DUET_SRC/learn/wrong/duet" ] ||
			build_duet_variants "$DUET_SRC/learn/wrong/duet" "$g/wrong"
	fi
	exit 0
fi

for src in "$@"; do
	build_step "$src" "$work/learn/$(basename "$src" | cut -c1-2)"
done
