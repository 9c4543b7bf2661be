#!/bin/sh
# kunit.sh - guest suite: load both modules with KUnit enabled (the host
# boots with kunit.enable=1) and turn the KTAP results in the kernel log
# into TAP lines. modprobe's status does not report KUnit failures, so the
# log is the verdict; a suite missing from it fails too. Only the duet
# suites count (KUnit also runs the kernel crate's built-in ones).
modprobe duet_c || exit 1
modprobe duet_rust || exit 1
dmesg | awk '
	{ sub(/^\[[ 0-9.]*\] /, "") }
	/# Subtest: / { suite = $NF; seen[suite] = 0; next }
	suite ~ /^duet_/ && /^    (not )?ok [0-9]+ / {
		ok = $1 == "ok"
		name = ok ? $3 : $4
		printf "%s - kunit %s: %s\n", ok ? "ok" : "not ok", suite, name
		seen[suite]++
		if (!ok) bad = 1
	}
	END {
		split("duet_c_fifo duet_rust_fifo", want, " ")
		for (i = 1; i <= 2; i++) {
			ran = (want[i] in seen) && seen[want[i]] > 0
			printf "%s - kunit suite %s ran\n", ran ? "ok" : "not ok", want[i]
			if (!ran) bad = 1
		}
		exit bad
	}'
