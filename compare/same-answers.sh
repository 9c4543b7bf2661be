#!/bin/sh
# same-answers.sh DIFFTEST.txt ALLOWED - the report's "Same answers"
# section: what the last differential run (make check's difftest suite,
# or make difftest, saved as DIFFTEST.txt) compared, and the differences
# it allows (tests/difftest-allowed.txt), each with its cause.
run=$1 allowed=$2
echo "## Same answers"
echo
if [ ! -s "$run" ]; then
	echo "No differential run yet: \`make difftest\` (or \`make check\`, its difftest suite) writes one."
	echo
	exit 0
fi
echo "The differential tester (tests/selftests/difftest.c) applies the same calls to /dev/duet-c and /dev/duet-rust and compares every answer: return value, errno, bytes, INFO, STATS, /proc/duet, fdinfo. From its last run:"
echo
echo "| group | what | verdict |"
echo "| --- | --- | --- |"
sed -n 's/^\(not ok\|ok\) [0-9]* - \([a-z]*\)\([^:]*\): \(.*\)$/\1	\2\3	\4/p' "$run" |
	awk -F '\t' '{ printf "| %s | %s | %s |\n", $2, $3, $1 == "ok" ? "same" : "**DIFFERENT**" }'
echo
awk '/^(not )?ok [0-9]+ - lockstep seed [0-9]+: / { t = $0; sub(/.*lockstep seed [0-9]+: /, "", t); n += t + 0 }
	/^(not )?ok [0-9]+ - blocking: / { t = $0; sub(/.*blocking: [a-z]+, /, "", t); s += t + 0 }
	/^(not )?ok [0-9]+ - params: / { t = $0; sub(/.*params: /, "", t); p += t + 0 }
	/^not ok [0-9]+ - / { d++ }
	END { printf "Operations compared: %d; blocking scenarios: %d; module param strings: %d; groups that diverged: %d.\n", n, s, p, d }' "$run"
echo
echo "The differences it allows, and nothing else (tests/difftest-allowed.txt):"
echo
echo "| id | comparison | C | Rust | cause |"
echo "| --- | --- | --- | --- | --- |"
grep -v '^#' "$allowed" | awk -F '\t' 'NF >= 5 { printf "| %s | `%s` | `%s` | `%s` | %s |\n", $1, $2, $3, $4, $5 }'
echo
