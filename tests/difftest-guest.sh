#!/bin/sh
# difftest-guest.sh - guest side of the differential tester: /dev/duet-c and
# /dev/duet-rust driven in lockstep, the blocking scenarios and the module
# param corpus (tests/selftests/difftest.c, /bin/difftest in the image).
# Prints TAP; exits non-zero when a group diverged.
#
# Its arguments (difftest's options) come from the first of:
#   - the file difftest.args in the working directory (boot.sh's FILES):
#     one run per line, its options as a shell word list, e.g.
#     -s 7 -n 1 -o 100000
#     -P 'capacity=64' -x 'open 0 rw+nonblock; read 0 1 ok'
#   - the kernel command line: duet.difftest=-s,7,-n,1 (commas for spaces)
#   - none: difftest's own defaults, make check's bounded run (seeds 1 to
#     5, 20000 operations each, every scenario, the param corpus)
# The allowed differences are difftest-allowed.txt of the working
# directory (FILES), else of /usr/share/duet. A difftest binary in the
# working directory is used before the image's (to test a tree whose
# image has none: copy a static build into FILES).
# On the debug kernel (lockdep on) the sanitizers' checks follow: kmemleak
# and the log gate, as TAP lines too. Exits 1 if any run (or check) failed.
cd "$(dirname "$0")/files" 2>/dev/null || true
bin=difftest
[ -x ./difftest ] && bin=./difftest
allowed=difftest-allowed.txt
[ -f "$allowed" ] || allowed=/usr/share/duet/difftest-allowed.txt
if [ ! -f "$allowed" ]; then
	echo "Bail out! difftest.sh: no difftest-allowed.txt (FILES) nor $allowed"
	exit 2
fi
debug=0
[ -e /proc/lockdep_stats ] && command -v duet-sanitizers >/dev/null && debug=1
[ "$debug" = 1 ] && duet-sanitizers arm
modprobe -r duet_rust duet_c 2>/dev/null
# (the console gets warnings and worse only: trace=1 loads log a line a call)
dmesg -n 4 2>/dev/null

if [ -f difftest.args ]; then
	cp difftest.args /tmp/difftest.args
else
	sed -n 's/.*duet\.difftest=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ' >/tmp/difftest.args
fi
[ -s /tmp/difftest.args ] || echo >/tmp/difftest.args
# One run of difftest per line; a group that prints nothing for 180 s is
# hung, and duet-watch says where.
rc=0
while IFS= read -r args <&3 || [ -n "$args" ]; do
	echo "# difftest $args"
	# (a shell word list: -x takes one quoted argument)
	eval "set -- $args"
	duet-watch -t 180 -n difftest "$bin" -a "$allowed" "$@" || rc=1
done 3</tmp/difftest.args
if [ "$debug" = 1 ]; then
	duet-sanitizers leaks "the differential tester" || rc=1
	duet-sanitizers gate || rc=1
fi
exit "$rc"
