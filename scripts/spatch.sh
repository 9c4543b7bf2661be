#!/bin/sh
# spatch.sh - Debian's spatch, as make coccicheck SPATCH=... runs it on the
# break-it mutations (scripts/bugs.sh): a semantic patch with OCaml rules
# (script:ocaml, initialize:ocaml, finalize:ocaml) needs the OCaml
# compiler, which the toolchain root does not have, and coccicheck stops
# at the first spatch that fails; such a patch is skipped, with a line
# that says so. In 7.3 two have OCaml rules: api/check_bq27xxx_data.cocci
# (one driver's tables) and null/badzero.cocci (0 compared with a pointer,
# where NULL is the style).
prev=
for arg; do
	if [ "$prev" = --cocci-file ] && grep -qE '^@ *(script|initialize|finalize):ocaml' "$arg"; then
		echo "skipped: $arg has OCaml rules, and the toolchain root has no OCaml compiler"
		exit 0
	fi
	prev=$arg
done
exec spatch "$@"
