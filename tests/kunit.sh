#!/bin/sh
# kunit.sh - host suite: the KUnit suites of both modules, read with the
# kernel's own parser. Boots the lab kernel with kunit.enable=1 and runs
# tests/kunit-guest.sh, which loads the modules (KUnit runs a module's
# suites when it loads) and prints the kernel log; then, in the toolchain
# root, tests/kunit-verdicts.py gives each KTAP document of the duet suites
# to tools/testing/kunit/kunit.py parse and prints one TAP verdict per test
# case from its JSON, and one per suite that must have run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
set +e
kdir=$(kernel_dir lab)
rm -rf "$kdir/kunit"
mkdir -p "$kdir/kunit"
DUET_FLAVOR=lab DUET_CMDLINE=kunit.enable=1 DUET_TIMEOUT=${DUET_TIMEOUT:-900} \
	sh "$TOP/scripts/boot.sh" "$TOP/tests/kunit-guest.sh" >"$kdir/kunit/guest.log"
rc=$?
if [ "$rc" != 0 ] || ! grep -q '^# duet kernel log begins' "$kdir/kunit/guest.log"; then
	. "$TOP/tests/ktap.sh"
	ktap_result 1 "kunit: the guest loads both modules with KUnit on and prints the kernel log (status $rc)" \
		"$kdir/kunit/guest.log"
	exit 1
fi
# shellcheck disable=SC2016 # expanded in the root, where the paths differ
in_root "$kdir" sh -c 'python3 "$DUET_SRC/tests/kunit-verdicts.py" "$DUET_WORK/src/tools/testing/kunit/kunit.py" \
	"$DUET_WORK/kunit" duet_c_fifo duet_rust_fifo'
