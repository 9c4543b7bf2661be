#!/bin/sh
# refresh-patches.sh [PATCH...] - `make refresh-patches`: re-base the
# patches that point into the sources (the break-it catalogue's
# bugs/*/*.patch, the lab's learn/*/*.patch, the differential tester's
# tests/difftest/plants/*.patch; or the PATCHes given) onto the sources
# as they are now. Each is applied on its own to a scratch copy of the
# files it names, its hunks found where their context is, however far the
# lines moved, and written again as the diff of that copy against the
# sources, so that its line numbers are exact again. A hunk whose context
# changed is not placed by guesswork: patch's fuzz matches a few context
# lines anywhere, and an added line then lands in the wrong item (as it
# did once, in struct definitions and doc comments). Such a patch, and
# one that no longer applies, is left as it was and named, with its
# hunks: it needs a hand. Exits non-zero if any does.
. "$(dirname "$0")/lib.sh"

if [ $# = 0 ]; then
	set -- "$TOP"/bugs/*/*.patch "$TOP"/learn/*/*.patch "$TOP"/tests/difftest/plants/*.patch
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-refresh.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
same=0 refreshed=0 failed=0
for p in "$@"; do
	[ -f "$p" ] || continue
	name=${p#"$TOP"/}
	rm -rf "$tmp/a" "$tmp/b"
	mkdir -p "$tmp/a" "$tmp/b"
	# The files it changes, as "+++ b/PATH" names them, copied twice.
	files=$(sed -n 's|^+++ b/\([^	]*\).*|\1|p' "$p")
	for f in $files; do
		for side in a b; do
			mkdir -p "$tmp/$side/$(dirname "$f")"
			[ ! -f "$TOP/$f" ] || cp "$TOP/$f" "$tmp/$side/$f"
		done
	done
	if ! patch -s -p1 -F0 --no-backup-if-mismatch -d "$tmp/b" -r "$tmp/rej" <"$p" >"$tmp/log" 2>&1; then
		msg "needs a hand: $name does not apply to the sources now without changed context"
		sed 's/^/duet:   /' "$tmp/log" "$tmp/rej" 2>/dev/null | head -n 30 >&2
		rm -f "$tmp/rej"
		failed=$((failed + 1))
		continue
	fi
	# What stands before the first file header (a description) stays.
	sed -n '/^--- /q; p' "$p" >"$tmp/new"
	for f in $files; do
		# (diff's status 1 says that they differ, as they should)
		(cd "$tmp" && diff -u --label "a/$f" --label "b/$f" "a/$f" "b/$f") >>"$tmp/new" || [ $? = 1 ]
	done
	if cmp -s "$p" "$tmp/new"; then
		same=$((same + 1))
	else
		cp "$tmp/new" "$p"
		msg "refreshed $name"
		refreshed=$((refreshed + 1))
	fi
done
msg "refresh-patches: $refreshed refreshed, $same already exact, $failed need a hand"
[ "$failed" = 0 ]
