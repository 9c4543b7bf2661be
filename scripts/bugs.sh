#!/bin/sh
# bugs.sh [-c] [-n] [-t TOOLS | -T | -p] [-l c|rust] [N...] - the break-it
# catalogue (bugs/NN-*/):
# each classic module bug, planted in the C and in the Rust module of a
# scratch copy of the tree (never the work tree), built out of tree
# against the debug kernel (make M=: only the patched module is rebuilt,
# and nothing of it reaches the kernel cache), and, when it compiles, run
# on the debug kernel against the check for its class (bugs/NN-*/case,
# bugs/guest.sh), with a time limit per case. A case with flavor=kcsan
# runs on the kcsan kernel instead (KCSAN, the race detector, excludes
# KASAN), one with flavor=kmsan on the kmsan kernel (KMSAN, the detector
# of uninitialised memory, excludes KASAN too; x86_64 only). Before it
# runs, each mutation that compiles goes through the build-time checkers
# (C_TOOLS, RUST_TOOLS below).
#
#   -c          compile only, against the debug kernel: no boot (a mutation
#               that builds is "built")
#   -n          no build-time checkers (but the compiler's rejection)
#   -t TOOLS    only these build-time checkers (of C_TOOLS, RUST_TOOLS)
#   -T          on each C mutation, only the checkers its case file names
#               (c_build), and their union on the unchanged module
#               (rustc's and Clippy's findings come with every build)
#   -p          the checkers' probes instead of the cases (bugs/probes/):
#               each TOOL.patch is planted alone, compiled, and must be
#               flagged by TOOL, which alone runs on it; the results go to
#               probes.txt and probes.tsv
#   -l LANG     only the C or only the Rust mutations
#   N...        only these cases (default: all, and a run of the unchanged
#               modules first, to show the checks are quiet without a bug)
#
# Prints a table and writes it to $DUET_BUGS_OUT/bugs.txt, one line per
# result to bugs.tsv (default report/; make report and make talk read it).
# DUET_BUGS_DEBUG=1 keeps the run's scratch directory (each mutation's
# build and checker logs) instead of deleting it.
# Every line comes from this run: a compiler's first error, the first
# sanitizer report or oops of the kernel log, the first failed check, or
# "not caught".
. "$(dirname "$0")/lib.sh"
x86_only "make bugs"
compile_only=0 langs="c rust" tools=1 only_tools='' probes=0 per_case=0
while [ $# -gt 0 ]; do
	case $1 in
	-c) compile_only=1 ;;
	-n) tools=0 ;;
	-t) only_tools=$2; shift ;;
	-T) per_case=1 ;;
	-p) probes=1 compile_only=1 ;;
	-l) langs=$2; shift ;;
	-*) die "usage: bugs.sh [-c] [-n] [-t TOOLS | -T | -p] [-l c|rust] [N...] (make bugs [ONLY=N])" ;;
	*) break ;;
	esac
	shift
done
case $langs in c | rust | "c rust") ;; *) die "-l takes c or rust, not '$langs'" ;; esac
# probe_lang PATCH - the language of a probe: the module it patches.
probe_lang() { if grep -q '^+++ b/rust_module/' "$1"; then echo rust; else echo c; fi; }
if [ "$probes" = 1 ]; then
	[ -z "$only_tools" ] || die "-p runs each probe's own checker: no -t with it"
	# (the unchanged modules' run: the probes' checkers)
	for p in "$TOP"/bugs/probes/*.patch; do
		case " $langs " in *" $(probe_lang "$p") "*) only_tools="$only_tools $(basename "$p" .patch)" ;; esac
	done
	[ -n "$only_tools" ] || die "no probe in bugs/probes/ for $langs"
fi
out=${DUET_BUGS_OUT:-$TOP/report}
start=$(date +%s)

# The cases, by number (none for the probes).
cases=
if [ "$probes" = 1 ]; then
	[ $# -eq 0 ] || die "-p takes no case numbers"
elif [ $# -eq 0 ]; then
	for d in "$TOP"/bugs/[0-9][0-9]-*/; do cases="$cases $(basename "$d")"; done
else
	for n in "$@"; do
		case $n in *[!0-9]* | "") die "ONLY=$n: give a case number (ls bugs/)" ;; esac
		d=$(bug_case "$n")
		[ -n "$d" ] || die "no case $n in bugs/ (there are $(find "$TOP/bugs" -maxdepth 1 -name '[0-9][0-9]-*' | wc -l))"
		cases="$cases $(basename "$d")"
	done
fi

# case_flavor - the kernel of the case just read (read_case).
case_flavor() { if [ "$compile_only" = 1 ] || [ -z "$flavor" ]; then echo debug; else echo "$flavor"; fi; }
flavors=debug
[ "$per_case" = 0 ] || [ -z "$only_tools" ] || die "-T takes each case's checkers: no -t with it"
[ "$per_case" = 0 ] || [ "$probes" = 0 ] || die "-T is for the cases, -p for the probes: one of them"
per_case_tools=''
for name in $cases; do
	read_case "$TOP/bugs/$name"
	f=$(case_flavor)
	case " $flavors " in *" $f "*) ;; *) flavors="$flavors $f" ;; esac
	for t in $c_build; do
		case " $per_case_tools " in *" $t "*) ;; *) per_case_tools="$per_case_tools $t" ;; esac
	done
done
# (-T: the unchanged modules get the union of the cases' checkers)
[ "$per_case" = 0 ] || only_tools=${per_case_tools:-none}
# The checkout's own kernels and images (the planted modules replace its
# modules in the guest only).
for f in $flavors; do sh "$TOP/scripts/prepare.sh" "$f"; done
DUET_ROOT=${DUET_ROOT:-$(toolchain_dir)}
export DUET_ROOT

tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-bugs.XXXXXX")
trap '[ -n "${DUET_BUGS_DEBUG:-}" ] || rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# tree: the checkout as it is now, which the guest boots from (its image is
# the one just prepared, whatever is edited in the work tree meanwhile);
# copy: where the bugs are planted.
tree=$tmp/tree copy=$tmp/copy
scratch_copy "$tree"
scratch_copy "$copy"
mkdir -p "$out"
: >"$tmp/bugs.tsv"

# kmake FLAVOR LOG MAKE-ARGUMENTS... - make in the FLAVOR kernel's tree
# (LLVM=1), with the scratch copy as the checkout (in_root shows it, made
# TOP for the while, at /duet), output to LOG.
kmake() {
	kdir=$(kernel_dir "$1")
	_log=$2
	shift 2
	_top=$TOP
	TOP=$copy
	lock "$kdir.lock"
	in_root "$kdir" make -C "$(root_path "$kdir" "$kdir/src")" O="$(root_path "$kdir" "$kdir/build")" \
		LLVM=1 "$@" >"$_log" 2>&1
	_rc=$?
	unlock
	TOP=$_top
	return $_rc
}

# build_copy FLAVOR LOG - build both modules of the scratch copy out of
# tree against the FLAVOR kernel; only what changed is rebuilt. The Rust
# module is built by clippy-driver (CLIPPY=1): rustc with Clippy's lints,
# so one build gives rustc's errors and warnings and Clippy's.
build_copy() { kmake "$1" "$2" M=/duet CLIPPY=1 modules; }

# The build-time checkers, run on the copy as it is (one mutation planted,
# or none) out of tree against the debug kernel, each with its output in
# DIR/TOOL.log. C's: the compiler's own warnings (clang, with the flags
# Kbuild gives every build), W=1, sparse (C=2: the __user and __iomem
# address spaces), Coccinelle (make coccicheck MODE=report: the kernel's
# scripts/coccinelle, but two with OCaml rules), the clang static analyzer
# (make clang-analyzer) and clang-tidy (make clang-tidy: the kernel's
# scripts/clang-tools), checkpatch --strict. Rust's: rustc's warnings and
# Clippy (CLIPPY=1). smatch, which kernel maintainers also run, is not
# packaged by Debian, so it is not here.
C_TOOLS="clang W=1 sparse Coccinelle clang-analyzer clang-tidy checkpatch"
RUST_TOOLS="rustc Clippy"
for t in $only_tools; do
	case " $C_TOOLS $RUST_TOOLS " in *" $t "*) ;; *) die "-t: no checker '$t' (C: $C_TOOLS; Rust: $RUST_TOOLS)" ;; esac
done

# tools_of LANG - LANG's checkers that this run uses now: all, or
# only_tools' (-t, -p; with -T, the case's C checkers, "none" for none,
# and Rust's two, whose findings come with every build).
tools_of() {
	for _w in $(if [ "$1" = c ]; then echo "$C_TOOLS"; else echo "$RUST_TOOLS"; fi); do
		if [ "$1" = rust ] && [ "$per_case" = 1 ]; then echo "$_w"; continue; fi
		case " ${only_tools:-$_w} " in *" $_w "*) echo "$_w" ;; esac
	done | paste -sd ' '
}
# wanted TOOL - whether TOOL runs.
wanted() { case " $(tools_of c) $(tools_of rust) " in *" $1 "*) ;; *) return 1 ;; esac; }

# module_findings - the lines of a tool's output (standard input) that
# point into the modules' sources, as "file:line: message" (the first
# position only; /duet/ taken off): C compilers, sparse, clang-tidy and
# checkpatch ("file:line[:col]: ..."), Coccinelle ("file:line:col-col:
# ..."), and rustc and Clippy ("warning: ..." then " --> file:line:col",
# with the Clippy lint's name from its help line).
module_findings() {
	sed 's|/duet/||g' | awk '
		function out(f, m) { if (!seen[f ": " m]++) print f ": " m }
		/^(warning|error)(\[E[0-9]+\])?: / { w = $0; lint = ""; next }
		w && /^ *--> (c_module|rust_module)\// {
			sub(/^ *--> /, ""); split($0, p, ":"); where = p[1] ":" p[2]; next }
		w && /rust-clippy.*#[a-z_]+/ { l = $0; sub(/^.*#/, "", l); lint = "clippy::" l; next }
		w && /^$/ { if (where && w !~ /warnings? emitted/) out(where, w (lint ? " [" lint "]" : ""))
			w = ""; where = ""; next }
		# (the C checkers run in c_module/, M=/duet/c_module: their
		# paths are relative to it)
		/^(\.\/)?[A-Za-z0-9_-]+\.[ch]:[0-9]+(:[0-9]+(-[0-9]+)?)?: / { sub(/^\.\//, ""); $0 = "c_module/" $0 }
		/^(\.\/)?(c_module|rust_module)\/[^:]+:[0-9]+(:[0-9]+(-[0-9]+)?)?: / {
			sub(/^\.\//, ""); match($0, /^[^:]+:[0-9]+/); f = substr($0, 1, RLENGTH)
			m = $0; sub(/^[^:]+:[0-9]+(:[0-9]+(-[0-9]+)?)?: /, "", m)
			if (m ~ /^note: /) next
			out(f, m) }'
}

# tool NAME MAKE-ARGUMENTS... - run one build-time checker of run_tools
# (its output in $_rdir/NAME.log). A checker that fails to run has not
# checked anything: that stops the catalogue, with its log.
tool() {
	_t=$1
	shift
	_s=$(date +%s)
	kmake debug "$_rdir/$_t.log" "$@" && { echo $(($(date +%s) - _s)) >"$_rdir/$_t.secs"; return; }
	tail -n 15 "$_rdir/$_t.log" >&2
	die "$_t failed to run (make $*; its log is above)"
}

# run_tools LANG DIR - run LANG's build-time checkers on the copy (built
# already, with its build log in DIR/build.log), each tool's findings in
# DIR/TOOL.found. (What W=1 and C=2 leave built is rebuilt by the next
# build_copy: Kbuild compares each object's command line.)
run_tools() {
	_rdir=$2
	if [ "$1" = c ]; then
		grep -v 'warning: [0-9]* warnings\? generated' "$_rdir/build.log" >"$_rdir/clang.log"
		# (scripts/sparse.sh and spatch.sh: what Debian's sparse and
		# spatch need to read 7.3's headers and semantic patches; J=2:
		# coccicheck asks lscpu otherwise, which needs /sys)
		module_findings <"$_rdir/clang.log" >"$_rdir/clang.all"
		! wanted W=1 || tool W=1 M=/duet/c_module W=1 modules
		! wanted sparse || tool sparse M=/duet/c_module C=2 "CHECK=sh /duet/scripts/sparse.sh" modules
		! wanted Coccinelle || tool Coccinelle M=/duet/c_module coccicheck MODE=report J=2 SPATCH=/duet/scripts/spatch.sh
		# (python3 -u: scripts/clang-tools/run-clang-tools.py's workers
		# write each file's findings to stderr's buffer, never flushed,
		# and the pool terminates them when it is done: without -u,
		# findings were lost at random)
		! wanted clang-analyzer || tool clang-analyzer M=/duet/c_module PYTHON3="python3 -u" clang-analyzer
		! wanted clang-tidy || tool clang-tidy M=/duet/c_module PYTHON3="python3 -u" clang-tidy
		if wanted checkpatch; then
			kdir=$(kernel_dir debug)
			_top=$TOP
			TOP=$copy
			# shellcheck disable=SC2016 # expanded by the inner shell
			in_root "$kdir" sh -c 'cd /work/src && ./scripts/checkpatch.pl --strict --no-summary --terse \
				--no-tree -f $(ls /duet/c_module/*.[ch] | grep -v "\.mod\.c$")' >"$_rdir/checkpatch.log" 2>&1 || true
			TOP=$_top
		fi
	else
		# (the build's log: rustc's warnings and Clippy's, told apart
		# by the lint's name)
		cp "$_rdir/build.log" "$_rdir/rustc.log"
		cp "$_rdir/build.log" "$_rdir/Clippy.log"
	fi
	for _t in $(tools_of "$1"); do
		module_findings <"$_rdir/$_t.log" >"$_rdir/$_t.all"
		# (make W=1, C=2, clang-analyzer and clang-tidy compile too:
		# the compiler's own warnings are clang's, not theirs)
		case $_t in
		rustc) grep -v '\[clippy::' "$_rdir/$_t.all" || true ;;
		Clippy) grep '\[clippy::' "$_rdir/$_t.all" || true ;;
		W=1 | sparse | clang-analyzer | clang-tidy) grep -vxF -f "$_rdir/clang.all" "$_rdir/$_t.all" || true ;;
		*) cat "$_rdir/$_t.all" ;;
		esac >"$_rdir/$_t.found"
	done
}

# changed_lines PATCH - "file line" for each line a patch adds, and each
# place where it deletes lines, numbered as in the patched file.
changed_lines() {
	awk '/^\+\+\+ / { f = $2; sub(/^b\//, "", f); next }
		/^--- / { next }
		/^@@ / { split($3, a, ","); n = a[1] + 0; sub(/^\+/, "", n); next }
		/^\+/ { print f, n; n++; next }
		/^-/ { print f, n; next }
		/^ / { n++ }' "$1"
}

# flag_new CASE LANG DIR PATCH - record, for each tool, the first finding
# of DIR/TOOL.found that the unchanged modules' run (base/) did not have
# (compared without line numbers: the mutation moves them): "flagged"
# when it points within 30 lines of a line PATCH changed, in the same
# file; "noted" when it points elsewhere (a side effect of the change,
# such as a field left unused in another file, is not a catch of the bug).
flag_new() {
	changed_lines "$4" >"$3/changed"
	for _t in $(tools_of "$2"); do
		_f=$(awk 'function key(l) { sub(/:[0-9]+: /, ": ", l); return l }
			FILENAME == ARGV[1] { near[$1] = near[$1] " " $2; next }
			FILENAME == ARGV[2] { base[key($0)] = 1; next }
			key($0) in base { next }
			{ split($0, p, ":"); at = "noted"; m = split(near[p[1]], l, " ")
			  for (i = 1; i <= m; i++) if (p[2] - l[i] <= 30 && l[i] - p[2] <= 30) at = "flagged"
			  if (at == "flagged") { print at "\t" $0; exit } if (!other) other = at "\t" $0 }
			END { if (other) print other }' "$3/changed" "$tmp/base-$2/$_t.found" "$3/$_t.found" | head -n 1)
		[ -z "$_f" ] || record "$1" "$2" "${_f%%	*}" "$_t" "${_f#*	}" debug
	done
}

# first_error LOG - the compiler's first error, with its place.
first_error() {
	awk '/^error(\[E[0-9]+\])?:/ && !e { e = $0; next }
		e && /^ *--> / { sub(/^ *--> (\/duet\/)?/, ""); print e " (" $0 ")"; found = 1; exit }
		/: error: / && !e { sub(/^\/duet\//, ""); print; found = 1; exit }
		END { if (e && !found) print e }' "$1"
}

# first_report CONSOLE OUTPUT - "checker<TAB>evidence": the first report of
# the kernel log, else the first failed check of the script's output.
first_report() {
	sed 's/^\[ *[0-9.]*\] //' "$1" | awk -v FS='\t' '
		function say(c, e) { print c "\t" e; done = 1; exit }
		/^BUG: KASAN: / { say("KASAN", $0) }
		/^BUG: KFENCE: / { say("KFENCE", $0) }
		/^BUG: KCSAN: .*duet_/ { say("KCSAN", $0) }
		/^BUG: KMSAN: / { say("KMSAN", $0) }
		/^UBSAN: / { say("UBSAN", $0) }
		/^BUG: sleeping function called from invalid context/ { say("might_sleep", $0) }
		/^WARNING: (lock held|possible (recursive|circular)|inconsistent lock|bad unlock|held lock freed|suspicious RCU)/ { say("lockdep", $0) }
		/panicked at / { p = $0; sub(/^.*panicked at /, "panicked at ", p); getline; say("Rust panic", p " " $0) }
		/^refcount_t: / { say("refcount_t", $0) }
		/^kernel BUG at / { say("BUG()", $0) }
		/^BUG: (unable to handle|kernel NULL pointer)|^Oops: |^general protection fault|^divide error/ {
			# with the function it happened in (the RIP line that follows)
			e = $0
			for (i = 0; i < 40 && (getline l) > 0; i++)
				if (l ~ /RIP: 0010:/) { sub(/^.*RIP: 0010:/, "", l); e = e " (RIP: " l ")"; break }
			say("oops", e) }
		/^WARNING: CPU: / { say("WARN", (prev ~ /cut here/ ? "" : prev " - ") $0) }
		/^INFO: task .* blocked/ { say("hung task", $0) }
		{ prev = $0 }
		END { exit !done }' && return
	awk '
		function say(c, e) { print c "\t" e; done = 1; exit }
		/^not ok .* # hung/ { say("hang watchdog", $0) }
		/^#   unreferenced object/ { leak = $0; sub(/^#   /, "", leak); sub(/:$/, "", leak) }
		leak && /^#     backtrace/ { bt = 1; next }
		bt && /^#       / { f = $0; sub(/^# */, "", f)
			if (f ~ /alloc|Alloc|kmem_cache/) next
			frames = frames (nf++ ? " < " : "") f
			if (nf == 3) say("kmemleak", leak ", allocated at " frames) }
		/^not ok - no leaks/ { nl = $0 }
		/^not ok [0-9]+ duet\./ { say("conformance test", $0) }
		/^not ok - (faultsweep|fuzz)/ { say(($0 ~ /fuzz/ ? "fuzzer" : "fault sweep"), $0) }
		/^not ok [0-9]* *- bugs: / { say("check", $0) }
		/^not ok / && !first { first = $0 }
		END { if (!done && nl) { print "kmemleak\t" nl; exit 0 } if (!done && first) { print "check\t" first; exit 0 } exit !done }' "$2"
}

# record CASE LANG OUTCOME CHECKER EVIDENCE FLAVOR - one line of bugs.tsv
# (or of record_file, when it is set), without the carriage returns of the
# guest's serial console (Python's universal newlines read them as ends of
# lines).
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" | tr -d '\r' >>"${record_file:-$tmp/bugs.tsv}"; }
record_file=''

# record_rejected CASE LANG LOG FLAVOR - record the build's rejection, and
# by what: clang, rustc (with its error code), or Clippy (a lint that
# denies by default).
record_rejected() {
	_e=$(first_error "$3")
	_code=$(printf '%s\n' "$_e" | sed -n 's/^error\[\(E[0-9]*\)\].*/\1/p')
	if [ "$2" = c ]; then
		_by=clang
	elif [ -z "$_code" ] && grep -q '^ *= help: .*rust-clippy' "$3"; then
		_by=Clippy
	else
		_by="rustc${_code:+ $_code}"
	fi
	record "$1" "$2" rejected "$_by" "${_e:-the build failed without an error line}" "$4"
}

# boot_check RUN LANG CHECK CASE FLAVOR - boot the FLAVOR kernel with the
# modules in RUN/files, run bugs/guest.sh, and record what caught the bug,
# if anything.
boot_check() {
	printf 'case=%s lang=%s check=%s kernel=%s\n' "$4" "$2" "$3" "$5" >"$1/files/case.env"
	_rc=0
	# KCSAN samples: a watchpoint on one access in kcsan.skip_watch (4000 by
	# default) on each CPU; this watches 20 times as often. KFENCE samples
	# too, one allocation every 100 ms: a use after free of the object it
	# took is reported by KFENCE, not KASAN, so which of the two catches
	# case 3 was chance; KFENCE is off for the catalogue
	# (kfence.sample_interval=0), and KASAN sees every access.
	_cmdline=kfence.sample_interval=0
	[ "$5" != kcsan ] || _cmdline="kcsan.skip_watch=20 kcsan.udelay_task=400"
	DUET_CMDLINE=$_cmdline DUET_FLAVOR=$5 DUET_CONSOLE_LOG=$1/console.log DUET_TIMEOUT=${DUET_BUGS_TIMEOUT:-420} \
		DUET_STALL=150 sh "$tree/scripts/boot.sh" "$tree/bugs/guest.sh" "$1/files" \
		>"$1/output.log" 2>&1 || _rc=$?
	# A guest that never booted says nothing about the bug: stop there.
	[ -s "$1/console.log" ] || {
		tail -n 5 "$1/output.log" >&2
		die "the $5 guest did not boot (see above); nothing was recorded for case $4 ($2)"
	}
	if _r=$(first_report "$1/console.log" "$1/output.log"); then
		record "$4" "$2" caught "${_r%%	*}" "${_r#*	}" "$5"
	elif [ "$_rc" = 0 ]; then
		record "$4" "$2" silent - "every check passed and the kernel log is clean" "$5"
	else
		record "$4" "$2" caught check "the guest failed (status $_rc) with no report: $(tail -n 1 "$1/output.log")" "$5"
	fi
	[ -z "${DUET_BUGS_KEEP:-}" ] || cp -R "$1" "$DUET_BUGS_KEEP/"
}

# run_case NAME LANG - plant the mutation, build, boot, record, take it out.
run_case() {
	_d=$TOP/bugs/$1 _n=${1%%-*} _fl=$(case_flavor)
	_n=$((1$_n - 100))
	_run=$tmp/$1-$2
	mkdir -p "$_run/files"
	if ! patch -s -p1 -d "$copy" <"$_d/$2.patch" >"$_run/patch.log" 2>&1; then
		record "$_n" "$2" broken patch "$2.patch no longer applies to the modules: $(head -n 1 "$_run/patch.log")" "$_fl"
		# the copy is made again, from the snapshot (as the run began)
		rm -rf "$copy"
		cp -R "$tree" "$copy"
		return
	fi
	if ! build_copy "$_fl" "$_run/build.log"; then
		record_rejected "$_n" "$2" "$_run/build.log" "$_fl"
	else
		# (the modules to boot are taken before the tools rebuild them)
		cp "$copy/c_module/duet_c.ko" "$copy/rust_module/duet_rust.ko" "$_run/files/"
		# The checkers run beside the boot (on the same two cores), on
		# the copy, which the boot does not read; what they flag is
		# recorded before what the run caught.
		if [ "$tools" = 1 ]; then
			# (-T: this case's own checkers)
			[ "$per_case" = 0 ] || only_tools=${c_build:-none}
			run_tools "$2" "$_run" >"$_run/tools.log" 2>&1 &
			_tools_pid=$!
		fi
		if [ "$compile_only" = 0 ]; then
			record_file=$_run/result
			boot_check "$_run" "$2" "$check" "$_n" "$_fl"
			record_file=''
		fi
		if [ "$tools" = 1 ]; then
			wait "$_tools_pid" || {
				cat "$_run/tools.log" >&2
				die "the build-time checkers did not run on case $_n ($2): see above"
			}
			flag_new "$_n" "$2" "$_run" "$_d/$2.patch"
		fi
		if [ "$compile_only" = 1 ]; then
			record "$_n" "$2" built - "it compiles" "$_fl"
		else
			cat "$_run/result" >>"$tmp/bugs.tsv"
		fi
	fi
	patch -s -R -p1 -d "$copy" <"$_d/$2.patch"
}

total=$(echo "$cases" | wc -w)
msg "the break-it catalogue: $total cases ($langs), in a scratch copy; the first build makes both modules out of tree"
mkdir -p "$tmp/base-c" "$tmp/base-rust"
if ! build_copy debug "$tmp/base-c/build.log"; then
	tail -n 30 "$tmp/base-c/build.log" >&2
	die "the unchanged modules do not build out of tree: see above"
fi
# The build-time checkers on the unchanged modules: what they find there is
# taken off what they find with a mutation planted, and shown as case 0.
cp "$tmp/base-c/build.log" "$tmp/base-rust/build.log"
# (none with -n)
for lang in $(if [ "$tools" = 1 ]; then echo "$langs"; fi); do
	[ -n "$(tools_of "$lang")" ] || continue
	msg "the build-time checkers on the unchanged $lang module: $(tools_of "$lang")"
	run_tools "$lang" "$tmp/base-$lang"
	for t in $(tools_of "$lang"); do
		[ ! -s "$tmp/base-$lang/$t.found" ] ||
			record 0 "$lang" flagged "$t" "$(head -n 1 "$tmp/base-$lang/$t.found")" debug
	done
done
if [ "$probes" = 1 ]; then
	# Each probe alone, checked by its own checker only.
	all_tools=$only_tools
	for p in "$TOP"/bugs/probes/*.patch; do
		t=$(basename "$p" .patch) lang=$(probe_lang "$p")
		case " $langs " in *" $lang "*) ;; *) continue ;; esac
		msg "probe: $t on the $lang module (bugs/probes/$t.patch)"
		_run=$tmp/probe-$t
		mkdir -p "$_run"
		if ! patch -s -p1 -d "$copy" <"$p" >"$_run/patch.log" 2>&1; then
			record "$t" "$lang" broken patch "$t.patch no longer applies to the modules: $(head -n 1 "$_run/patch.log")" debug
			rm -rf "$copy"
			cp -R "$tree" "$copy"
			continue
		fi
		if build_copy debug "$_run/build.log"; then
			only_tools=$t
			run_tools "$lang" "$_run"
			flag_new "$t" "$lang" "$_run" "$p"
			only_tools=$all_tools
		else
			record_rejected "$t" "$lang" "$_run/build.log" debug
		fi
		patch -s -R -p1 -d "$copy" <"$p"
	done
	secs=$(($(date +%s) - start))
	cp "$tmp/bugs.tsv" "$out/probes.tsv"
	{
		echo "duet: the build-time checkers' probes ($(date -u +%Y-%m-%d), $secs s): each bugs/probes/TOOL.patch, planted alone, must be flagged by TOOL"
		for p in "$TOP"/bugs/probes/*.patch; do
			t=$(basename "$p" .patch)
			case " $all_tools " in *" $t "*) ;; *) continue ;; esac
			awk -F '\t' -v t="$t" -v l="$(probe_lang "$p")" '
				$1 == t && $4 == t && ($3 == "flagged" || $3 == "rejected") { r = $3 " by " t ": " $5 }
				$1 == t && $3 == "broken" { r = $5 }
				END { printf "  %-15s %-5s %s\n", t, (l == "c" ? "C" : "Rust"), (r ? r : "NOT FLAGGED") }' "$tmp/bugs.tsv"
		done
	} >"$out/probes.txt"
	cat "$out/probes.txt"
	msg "wrote $out/probes.txt and probes.tsv ($secs s)"
	exit 0
fi
if [ $# -eq 0 ] && [ "$compile_only" = 0 ]; then
	step 0 "$total" "no bug planted: the checks must be quiet"
	for f in $flavors; do
		build_copy "$f" "$tmp/base-$f.log" || die "the unchanged modules do not build against the $f kernel: $tmp/base-$f.log"
		# (on the kcsan and kmsan kernels only C: Rust code is not
		# instrumented for KCSAN or KMSAN)
		for lang in $langs; do
			[ "$f" = debug ] || [ "$lang" = c ] || continue
			mkdir -p "$tmp/none-$f-$lang/files"
			cp "$copy/c_module/duet_c.ko" "$copy/rust_module/duet_rust.ko" "$tmp/none-$f-$lang/files/"
			case $f in debug) check=leaks ;; kcsan) check=race ;; *) check=conformance ;; esac
			t0=$(date +%s)
			boot_check "$tmp/none-$f-$lang" "$lang" "$check" 0 "$f"
			msg "      the unchanged $lang module on the $f kernel: $(awk -F '\t' -v l="$lang" -v f="$f" \
				'$1 == 0 && $2 == l && $6 == f && $3 != "flagged" { print ($3 == "silent" ? "quiet" : $3 " by " $4) }' \
				"$tmp/bugs.tsv") ($(($(date +%s) - t0)) s)"
		done
	done
fi
i=0
for name in $cases; do
	i=$((i + 1))
	read_case "$TOP/bugs/$name"
	for lang in $langs; do
		step "$i" "$total" "$title ($lang, $(case_flavor) kernel)"
		t0=$(date +%s)
		run_case "$name" "$lang"
		awk -F '\t' -v n=$((1${name%%-*} - 100)) -v l="$lang" '$1 == n && $2 == l {
			printf "duet:       %s: %s\n", $3 ($4 == "-" ? "" : " by " $4), $5 }' "$tmp/bugs.tsv" >&2
		msg "      ($(($(date +%s) - t0)) s)"
	done
done
secs=$(($(date +%s) - start))

# The table: one block per case, C then Rust, from this run's lines: what
# stopped the mutation at build time (the compiler's rejection, each
# checker that flagged it), then what happened when it ran.
cp "$tmp/bugs.tsv" "$out/bugs.tsv.new"
{
	echo "duet: break it - classic module bugs planted in C and in Rust ($(date -u +%Y-%m-%d), $secs s, debug kernel: KASAN, UBSAN, lockdep, kmemleak, atomic-sleep checks, panic_on_warn, KFENCE off; [kcsan], [kmsan]: the KCSAN and KMSAN kernels)"
	if [ "$tools" = 0 ]; then
		echo "build-time checkers: none (-n)"
	elif [ "$per_case" = 1 ]; then
		echo "build-time checkers: C: each mutation's own (c_build in its case file); Rust: $(tools_of rust)"
	else
		echo "build-time checkers: C: $(tools_of c); Rust: $(tools_of rust)"
	fi
	# (the headline is compare/report_runs.py's, run in the toolchain root)
	in_root "$(kernel_dir debug)" python3 /duet/compare/report_runs.py headline - <"$tmp/bugs.tsv"
	echo
	for name in none $cases; do
		n=0
		[ "$name" = none ] || n=$((1${name%%-*} - 100))
		if [ "$n" = 0 ]; then
			grep -q '^0	' "$tmp/bugs.tsv" || continue
			title='(no bug: the unchanged modules)' c_would='' rust_would=''
		else
			read_case "$(bug_case "$n")"
		fi
		printf '%2d  %s\n' "$n" "$title"
		awk -F '\t' -v n="$n" -v cw="$c_would" -v rw="$rust_would" '$1 == n {
			lang = ($2 == "c" ? "C" : "Rust")
			if ($6 != "debug") lang = lang " [" $6 "]"
			if ($3 == "flagged") { flagged[$2] = 1; printf "    %-13s %-28s %s\n", lang, "build: flagged by " $4, $5; next }
			if ($3 == "noted") { printf "    %-13s %-28s %s\n", lang, "build: noted by " $4, $5 " (away from the change: not counted)"; next }
			what = ($3 == "caught" ? "run: caught by " $4 : $3 == "rejected" ? "build: rejected by " $4 : $3 != "silent" ? $3 : n == 0 ? "run: quiet" : "run: NOT CAUGHT")
			printf "    %-13s %-28s %s\n", lang, what, $5
			would = ($2 == "c" ? cw : rw)
			if ($3 == "silent" && n != 0 && !flagged[$2] && would != "")
				printf "    %-13s %-28s %s\n", "", "would be caught by", would }' "$tmp/bugs.tsv"
	done
} >"$out/bugs.txt.new"
mv "$out/bugs.tsv.new" "$out/bugs.tsv"
mv "$out/bugs.txt.new" "$out/bugs.txt"
cat "$out/bugs.txt"
msg "wrote $out/bugs.txt and bugs.tsv ($secs s)"
