#!/bin/sh
# report.sh - write report.md, report.html and report.json from the raw
# figures of bench.txt and the static comparison; runs inside the
# toolchain root (gnuplot, llvm tools, modinfo):
#   DUET_SRC=checkout DUET_WORK=kernel work dir sh compare/report.sh DIR
set -eu
dir=$1
cmp=$DUET_SRC/compare
raw=$dir/bench.txt
[ -s "$raw" ] || { echo "report: no $raw: run 'make bench' first" >&2; exit 1; }
mkdir -p "$dir/plots"
python3 "$cmp/stats.py" "$raw" | sort >"$dir/stats.tsv"
meta() { sed -n "s/^# meta $1 //p" "$raw" | head -n 1; }
# The unit of the figures: under QEMU's instruction counting the guest's
# clock counts instructions (1 ns = 1 instruction), else wall-clock ns.
clock=$(meta clock)
clock=${clock:-wall}
pkg() { sed -n "s/^# meta package $1 //p" "$raw"; }
rounds=$(awk '$1 == "raw" && $3 == "cycle" { if ($6 > n) n = $6 } END { print n + 0 }' "$raw")

# stat TAG METRIC SIZE VARIANT - the median, or "-".
stat() { awk -F '\t' -v t="$1" -v m="$2" -v s="$3" -v v="$4" \
	'$1 == "stat" && $2 == t && $3 == m && $4 == s && $5 == v { print $7; f = 1 } END { if (!f) print "-" }' "$dir/stats.tsv"; }
ratio() { awk -F '\t' -v t="$1" -v m="$2" -v s="$3" -v clock="$clock" \
	'$1 == "ratio" && $2 == t && $3 == m && $4 == s { if (clock == "icount") printf "%.3f", $5; else printf "%.2f [%.2f, %.2f]", $5, $6, $7; f = 1 } END { if (!f) print "-" }' "$dir/stats.tsv"; }
# spread TAG METRIC SIZE - the larger spread of C and Rust, in %.
spread() { awk -F '\t' -v t="$1" -v m="$2" -v s="$3" \
	'$1 == "stat" && $2 == t && $3 == m && $4 == s && ($5 == "c" || $5 == "rust") { if ($12 > w) w = $12; f = 1 } END { if (f) printf "%.2f%%", w * 100; else print "-" }' "$dir/stats.tsv"; }
# n TAG METRIC SIZE VARIANT - the median as a whole number, or "-".
n() { awk -v v="$(stat "$@")" 'BEGIN { if (v == "-") print "-"; else printf "%.0f", v }'; }
mbps() { awk -v s="$1" -v ns="$2" 'BEGIN { if (ns == "-") print "-"; else printf "%.1f", s / ns * 1000 }'; }
us() { awk -v ns="$1" 'BEGIN { if (ns == "-") print "-"; else printf "%.2f", ns / 1000 }'; }

# svgplot OUT TITLE LOGAXES - gnuplot an SVG of MB/s against message size
# into OUT; the plot command comes on stdin.
svgplot() {
	{
		cat <<PLOT
set terminal svg size 720,420 dynamic font "sans,12"
set output "$1"
set title "$2"
set logscale $3
set xlabel "message size (bytes)"
set ylabel "$ylabel"
set key left top
set grid
PLOT
		cat
	} | gnuplot
}

if [ "$clock" = icount ]; then ylabel="bytes per 1000 guest instructions"; else ylabel="MB/s"; fi
# Plots: throughput of write+read cycles against message size.
for tag in digest-on digest-off; do
	for v in c rust pipe null; do
		awk -F '\t' -v t=$tag -v v=$v '$1 == "stat" && $2 == t && $3 == "cycle" && $5 == v {
			print $4, $4 / $7 * 1000, $4 / $9 * 1000, $4 / $8 * 1000 }' "$dir/stats.tsv" |
			sort -n >"$dir/plots/$tag-$v.dat"
	done
	svgplot "$dir/plots/throughput-$tag.svg" \
		"write+read cycles, digest ${tag#digest-} (median, IQR)" xy <<PLOT
plot "$dir/plots/$tag-c.dat" using 1:2:3:4 with yerrorlines lw 2 title "duet-c", \
     "$dir/plots/$tag-rust.dat" using 1:2:3:4 with yerrorlines lw 2 title "duet-rust", \
     "$dir/plots/$tag-pipe.dat" using 1:2:3:4 with yerrorlines dt 2 title "pipe(2)", \
     "$dir/plots/$tag-null.dat" using 1:2:3:4 with yerrorlines dt 3 title "/dev/null + /dev/zero"
PLOT
done
ylabel="MB/s"
for v in c rust pipe; do
	awk -F '\t' -v v=$v '$1 == "stat" && $2 == "digest-off" && $3 == "xfer2cpu" && $5 == v {
		print $4, 1000 / $7, 1000 / $9, 1000 / $8 }' "$dir/stats.tsv" | sort -n >"$dir/plots/xfer-$v.dat"
done
svgplot "$dir/plots/xfer2cpu.svg" \
	"one writer (CPU 0) and one reader (CPU 1), digest off" x <<PLOT
plot "$dir/plots/xfer-c.dat" using 1:2:3:4 with yerrorlines lw 2 title "duet-c", \
     "$dir/plots/xfer-rust.dat" using 1:2:3:4 with yerrorlines lw 2 title "duet-rust", \
     "$dir/plots/xfer-pipe.dat" using 1:2:3:4 with yerrorlines dt 2 title "pipe(2)"
PLOT

{
	echo "# duet: C and Rust, side by side"
	echo
	echo "Generated $(meta date) from the build and one guest run; no figure in it is typed by hand."
	echo
	echo "## How it was measured"
	echo
	echo "| what | how |"
	echo "| --- | --- |"
	echo "| kernel | Linux $(meta release), Debian linux-source-7.3 $(pkg linux-source-7.3), tinyconfig + config/lab.config, LLVM=1 |"
	echo "| toolchain | rustc $(pkg rustc), bindgen $(pkg bindgen), clang/lld $(pkg clang) (Debian trixie) |"
	echo "| guest | QEMU, $(meta accel | tr "[:lower:]" "[:upper:]"), \`-cpu $(meta cpu)\`, 2 vCPUs: $(meta qemu) |"
	echo "| host | $(meta host) |"
	if [ "$clock" = icount ]; then
		echo "| method | one-thread workloads: QEMU counts the guest's instructions (\`-icount shift=0,sleep=off\`, one vCPU), so the guest clock reads 1 ns per instruction: every figure is guest instructions per operation, user and kernel, exact; $rounds rounds after a discarded warm-up, in ABBA order; the median, and the spread between rounds. The two-CPU transfer needs two vCPUs and a real clock: a second boot, in ns, with medians, interquartile ranges and bootstrap 95% intervals |"
	else
		echo "| method | $rounds rounds after a discarded warm-up; each round runs C, Rust and the baselines once, in ABBA order; median and interquartile range per figure; Rust/C = ratio of medians, with a bootstrap 95% confidence interval |"
	fi
	echo
	if [ "$(meta accel)" = tcg ] && [ "$clock" != icount ]; then
		echo "**The guest ran under TCG (software emulation): absolute times are not hardware figures. The ratios are the result.**"
		echo
	fi
	if [ "$clock" = icount ]; then
		. "$cmp/cost.sh"
	else
		echo "## Headline: Rust / C"
		echo
		echo "Time per operation, Rust divided by C (below 1: Rust faster). 95% confidence interval in brackets."
		echo
		echo "| workload | digest on | digest off |"
		echo "| --- | --- | --- |"
		for s in 1 64 512 4096 65536; do
			echo "| write+read cycle, $s B | $(ratio digest-on cycle $s) | $(ratio digest-off cycle $s) |"
		done
		echo "| INFO ioctl | $(ratio digest-on info 0) | $(ratio digest-off info 0) |"
		echo "| STATS ioctl | $(ratio digest-on stats 0) | $(ratio digest-off stats 0) |"
		echo "| open + close | $(ratio digest-on openclose 0) | $(ratio digest-off openclose 0) |"
		echo "| 2 CPUs, 4 KiB pieces | $(ratio digest-on xfer2cpu 4096) | $(ratio digest-off xfer2cpu 4096) |"
		echo "| module load | $(ratio module load 0) | |"
		echo "| module unload | $(ratio module unload 0) | |"
		echo
		for tag in digest-on digest-off; do
			echo "## Throughput, digest ${tag#digest-}"
			echo
			echo "Write SIZE bytes, read them back; capacity 64 KiB. MB/s and cycles/s from the median time."
			echo
			echo "| size | duet-c MB/s | duet-rust MB/s | pipe MB/s | null+zero MB/s | duet-c cycles/s | duet-rust cycles/s | Rust/C time |"
			echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
			for s in 1 64 512 4096 65536; do
				c=$(stat $tag cycle $s c) r=$(stat $tag cycle $s rust)
				echo "| $s | $(mbps $s "$c") | $(mbps $s "$r") | $(mbps $s "$(stat $tag cycle $s pipe)") | $(mbps $s "$(stat $tag cycle $s null)") | $(mbps 1000000 "$c") | $(mbps 1000000 "$r") | $(ratio $tag cycle $s) |"
			done
			echo
			echo "![Throughput against message size, digest ${tag#digest-}](plots/throughput-$tag.svg)"
			echo
		done
		echo "## Latency and other costs"
		echo
		echo "| operation | duet-c | duet-rust | Rust/C |"
		echo "| --- | ---: | ---: | --- |"
		echo "| INFO ioctl (µs) | $(us "$(stat digest-on info 0 c)") | $(us "$(stat digest-on info 0 rust)") | $(ratio digest-on info 0) |"
		echo "| STATS ioctl (µs) | $(us "$(stat digest-on stats 0 c)") | $(us "$(stat digest-on stats 0 rust)") | $(ratio digest-on stats 0) |"
		echo "| open + close (µs) | $(us "$(stat digest-on openclose 0 c)") | $(us "$(stat digest-on openclose 0 rust)") | $(ratio digest-on openclose 0) |"
		echo "| module load, finit_module() (µs) | $(us "$(stat module load 0 c)") | $(us "$(stat module load 0 rust)") | $(ratio module load 0) |"
		echo "| module unload, delete_module() (µs) | $(us "$(stat module unload 0 c)") | $(us "$(stat module unload 0 rust)") | $(ratio module unload 0) |"
		echo "| memory per open file (bytes of slab) | $(stat memory perfile 0 c | cut -d. -f1) | $(stat memory perfile 0 rust | cut -d. -f1) | |"
		echo
		echo "/dev/null + /dev/zero open+close: $(us "$(stat digest-on openclose 0 null)") µs (the cost of the syscalls alone)."
		echo
	fi
	echo "## Two CPUs: one writer, one reader"
	echo
	echo "A writer thread pinned to CPU 0 and a reader on CPU 1 move 4 MiB (512 KiB in a quick run); digest off."
	echo
	echo "| piece size | duet-c MB/s | duet-rust MB/s | pipe MB/s | Rust/C time |"
	echo "| ---: | ---: | ---: | ---: | --- |"
	for s in 4096 65536; do
		echo "| $s | $(mbps 1 "$(stat digest-off xfer2cpu $s c)") | $(mbps 1 "$(stat digest-off xfer2cpu $s rust)") | $(mbps 1 "$(stat digest-off xfer2cpu $s pipe)") | $(ratio digest-off xfer2cpu $s) |"
	done
	echo
	echo "![Two-CPU transfer](plots/xfer2cpu.svg)"
	echo
	sh "$cmp/reliability.sh" "$dir/stress.txt"
	sh "$cmp/same-answers.sh" "$dir/difftest.txt" "$cmp/../tests/difftest-allowed.txt"
	sh "$cmp/bugs-table.sh" "$dir/bugs.tsv"
	sh "$cmp/static.sh"
} >"$dir/report.md"

python3 "$cmp/md2html.py" "$dir/report.md" >"$dir/report.html"

python3 "$cmp/report-json.py" "$raw" "$dir/stats.tsv" "$dir/profile.json" >"$dir/report.json"
echo "report: $dir/report.md, report.html, report.json" >&2
