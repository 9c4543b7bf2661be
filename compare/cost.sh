# shellcheck shell=sh
# cost.sh - the report's sections on cost when the bench ran under QEMU's
# instruction counting: guest instructions per operation, C beside Rust,
# the baselines, the digest, where the instructions go (the plugin's
# profile) and the spread between rounds. Sourced by report.sh (its
# stat, ratio, spread and n helpers, $dir, $cmp); prints Markdown.
# shellcheck disable=SC2154 # dir and cmp are report.sh's

# row LABEL TAG METRIC SIZE - one line of the instructions table.
row() {
	c=$(n "$2" "$3" "$4" c) r=$(n "$2" "$3" "$4" rust)
	d=$(awk -v c="$c" -v r="$r" 'BEGIN { if (c == "-" || r == "-") print "-"; else printf "%+d", r - c }')
	echo "| $1 | $c | $r | $d | $(ratio "$2" "$3" "$4") | $(n "$2" "$3" "$4" pipe) | $(n "$2" "$3" "$4" null) | $(spread "$2" "$3" "$4") |"
}

echo "## Headline: Rust / C"
echo
echo "Guest instructions per operation, Rust divided by C (below 1: Rust executes fewer). Exact counts from QEMU, user and kernel together; the spread is the largest difference between rounds of either device, relative to the median."
echo
echo "| workload | digest on | digest off | spread |"
echo "| --- | ---: | ---: | ---: |"
for s in 1 64 512 4096 65536; do
	echo "| write+read cycle, $s B | $(ratio digest-on cycle $s) | $(ratio digest-off cycle $s) | $(spread digest-off cycle $s) |"
done
echo "| INFO ioctl | $(ratio digest-on info 0) | $(ratio digest-off info 0) | $(spread digest-off info 0) |"
echo "| STATS ioctl | $(ratio digest-on stats 0) | $(ratio digest-off stats 0) | $(spread digest-off stats 0) |"
echo "| open + close | $(ratio digest-on openclose 0) | $(ratio digest-off openclose 0) | $(spread digest-off openclose 0) |"
echo "| module load | $(ratio module load 0) | | $(spread module load 0) |"
echo "| module unload | $(ratio module unload 0) | | $(spread module unload 0) |"
echo
awk -F '\t' '$1 == "ratio" && ($2 == "digest-on" || $2 == "digest-off") && $3 != "xfer2cpu" {
		n++
		if ($5 <= 1.02) next
		k++
		what = sprintf("%s%s, digest %s", $3 == "cycle" ? "write+read " : $3 == "openclose" ? "open + close" : toupper($3), $4 ? $4 " B" : "", substr($2, 8))
		above = above sprintf("%s%s (%.3f)", above ? "; " : "", what, $5) }
	END { if (!n) exit
		printf "Rust is within 2%% of C on %d of these %d figures.", n - k, n
		if (above) printf " Above 2%%: %s. What keeps each above is in \"Where the instructions go\", in the table of Rust - C by cause, each cause with the line of the 7.3 tree that makes it.", above
		print "" }' "$dir/stats.tsv"
echo
for tag in digest-off digest-on; do
	echo "## Instructions per operation, digest ${tag#digest-}"
	echo
	echo "Write SIZE bytes, then read them back (capacity 64 KiB); one ioctl; open and close. Guest instructions, the median of the rounds."
	echo
	echo "| operation | duet-c | duet-rust | Rust - C | Rust / C | pipe(2) | /dev/null + /dev/zero | spread |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for s in 1 64 512 4096 65536; do
		row "write+read, $s B" $tag cycle $s
	done
	row "INFO ioctl" $tag info 0
	row "STATS ioctl" $tag stats 0
	row "open + close" $tag openclose 0
	echo
	echo "![Throughput against message size, digest ${tag#digest-}](plots/throughput-$tag.svg)"
	echo
done
echo "Module load (finit_module()): duet-c $(n module load 0 c), duet-rust $(n module load 0 rust) instructions; unload (delete_module()): $(n module unload 0 c) and $(n module unload 0 rust). Memory per open file: $(stat memory perfile 0 c | cut -d. -f1) and $(stat memory perfile 0 rust | cut -d. -f1) bytes of slab."
echo

echo "## Baselines"
echo
echo "Digest off. pipe(2) moves the same bytes through the kernel's own FIFO; /dev/null + /dev/zero is the floor of two syscalls that move nothing. Each device against pipe(2) (at most 1.00 is the goal):"
echo
echo "| size | duet-c / pipe | duet-rust / pipe | duet-c - pipe | duet-rust - pipe | duet-c / floor | duet-rust / floor |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
above=
for s in 1 64 512 4096 65536; do
	row=$(awk -v c="$(stat digest-off cycle $s c)" -v r="$(stat digest-off cycle $s rust)" \
		-v p="$(stat digest-off cycle $s pipe)" -v z="$(stat digest-off cycle $s null)" -v s=$s \
		'function f(a, b, flag) { if (a == "-" || b == "-") return "-"; return flag ? sprintf("%.4f%s", a / b, a > b ? " (above)" : "") : sprintf("%.3f", a / b) }
		function d(a, b) { return a == "-" || b == "-" ? "-" : sprintf("%+.0f", a - b) }
		BEGIN { printf "| %s | %s | %s | %s | %s | %s | %s |\n", s, f(c, p, 1), f(r, p, 1), d(c, p), d(r, p), f(c, z, 0), f(r, z, 0) }')
	echo "$row"
	case $row in *above*) above="$above $s B" ;; esac
done
echo
if [ -n "$above" ]; then
	echo "**Above pipe(2) at:$above.**"
else
	echo "Both devices cost no more than pipe(2) at every size (the differences are in instructions per cycle, medians of the rounds)."
fi
echo

echo "## The digest (CRC32C)"
echo
echo "The cost of the digest per byte: (digest on - digest off) / (2 x size), since both the write and the read advance a digest. After: the kernel's crc32c() as built here, the architecture's (\`CONFIG_CRC_OPTIMIZATIONS\`, SSE4.2 \`crc32\` under \`-cpu max\`). Before: the same kernel on a CPU without SSE4.2 (\`-cpu max,sse4.2=off\`), where crc32c() falls back to crc32c_base(), the table-driven code that is all a kernel without \`CONFIG_CRC_OPTIMIZATIONS\` has (tinyconfig's default; lib/crc/x86/crc32.h). The before columns come from the full \`make bench\` (not the quick one)."
echo
echo "| size | duet-c instructions per byte, before | after | duet-rust, before | after | duet-c on / off, before | after | duet-rust on / off, before | after |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for s in 512 4096 65536; do
	awk -v c1="$(stat digest-on cycle $s c)" -v c0="$(stat digest-off cycle $s c)" \
		-v r1="$(stat digest-on cycle $s rust)" -v r0="$(stat digest-off cycle $s rust)" \
		-v bc1="$(stat bytewise-digest-on cycle $s c)" -v bc0="$(stat bytewise-digest-off cycle $s c)" \
		-v br1="$(stat bytewise-digest-on cycle $s rust)" -v br0="$(stat bytewise-digest-off cycle $s rust)" -v s=$s '
		function per(on, off) { return on == "-" || off == "-" ? "-" : sprintf("%.2f", (on - off) / (2 * s)) }
		function rel(on, off) { return on == "-" || off == "-" ? "-" : sprintf("%.3f", on / off) }
		BEGIN { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, per(bc1, bc0), per(c1, c0), per(br1, br0), per(r1, r0),
			rel(bc1, bc0), rel(c1, c0), rel(br1, br0), rel(r1, r0) }'
done
echo
echo "Goal: digest on at most 1.25 x digest off at 4096 B."
echo

if grep -q '^stat	inline-digest-off	' "$dir/stats.tsv"; then
	echo "## With CONFIG_RUST_INLINE_HELPERS"
	echo
	echo "The same one-thread workloads on a second kernel: config/lab.config plus \`CONFIG_RUST_INLINE_HELPERS\` (config/inline.config, \`make bench DUET_BENCH_INLINE=1\`). Rust cannot call C's static inline functions and macros (refcounts, lock wrappers, error pointers, the user-copy checks...), so the kernel crate calls out-of-line C wrappers for them, \`rust/helpers/*.c\` (\`rust_helper_*\` in the profile); with this option they are compiled to LLVM bitcode and inlined into the Rust code (clang and rustc share LLVM 19 here). The C module is built the same way on both kernels, so its figures show what else changed. Guest instructions per operation, median of the rounds."
	echo
	for tag in digest-off digest-on; do
		echo "### Digest ${tag#digest-}"
		echo
		echo "| operation | duet-c | duet-rust | Rust / C | duet-c, inline kernel | duet-rust, inline kernel | Rust / C, inline kernel |"
		echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
		for w in "write+read, 1 B:cycle:1" "write+read, 64 B:cycle:64" "write+read, 512 B:cycle:512" \
			"write+read, 4096 B:cycle:4096" "write+read, 65536 B:cycle:65536" \
			"INFO ioctl:info:0" "STATS ioctl:stats:0" "open + close:openclose:0"; do
			label=${w%%:*} rest=${w#*:}
			m=${rest%%:*} sz=${rest#*:}
			echo "| $label | $(n $tag "$m" "$sz" c) | $(n $tag "$m" "$sz" rust) | $(ratio $tag "$m" "$sz") | $(n inline-$tag "$m" "$sz" c) | $(n inline-$tag "$m" "$sz" rust) | $(ratio inline-$tag "$m" "$sz") |"
		done
		echo
	done
fi

if [ -s "$dir/profile.counts" ]; then
	echo "## Where the instructions go"
	echo
	echo "Each path called 1000 times on its own, digest off, in 3 rounds (the round with the fewest kernel instructions is kept: the others had a timer tick or other kernel work in them), under QEMU's instruction counting with the plugin compare/plugin/prof-plugin.c, which counts every executed translation block; the counts are mapped to kernel functions (System.map, /proc/kallsyms for the modules). Kernel instructions per call. Rows with +0 are the kernel's own code, the same for both; the rows that differ are the two modules and what each calls."
	echo
	python3 "$cmp/profile.py" "$dir/profile.counts" "$dir/profile.guest" \
		"$DUET_WORK/build/System.map" --tree "$DUET_WORK/src" --json "$dir/profile.json" | sed 's/^### \([a-z]*:\)/### Path: \1/'
	echo
fi

echo "## Repeatability"
echo
awk -F '\t' '$1 == "stat" && $3 != "xfer2cpu" && $3 != "perfile" { n++; if ($12 > w) { w = $12; at = $2 " " $3 " " $4 " " $5 } if ($12 > 0.005) bad = bad sprintf("\n| %s %s %s B, %s | %.2f%% |", $2, $3, $4, $5, $12 * 100) }
	END { printf "%d instruction-count figures; the largest spread between rounds is %.3f%% (%s).", n, w * 100, at
		if (bad != "") printf " **Above the 0.5%% limit:**\n\n| figure | spread |\n| --- | ---: |%s\n", bad
		else print " All are within 0.5%." }' "$dir/stats.tsv"
echo
