#!/bin/sh
# overlay.sh SRC - put duet into the Linux tree SRC as drivers/misc/duet.
#
# Idempotent: running it again changes nothing. The checkout is linked, not
# copied ($DUET_SRC, /duet inside the toolchain root), so an edit needs no
# copy. The tree changes:
#   drivers/misc/duet                 -> the checkout
#   drivers/misc/Kconfig, Makefile    source/descend into drivers/misc/duet
#   include/uapi/linux/duet.h         -> shared_abi/uapi/linux/duet.h
#   include/linux/duet_export.h       -> shared_abi/linux/duet_export.h
#   rust/bindings/bindings_helper.h   includes <linux/duet_export.h>
set -eu
src=$1
cd "$src"

ln -sfn "$DUET_SRC" drivers/misc/duet
ln -sfn ../../../drivers/misc/duet/shared_abi/uapi/linux/duet.h \
	include/uapi/linux/duet.h
ln -sfn ../../drivers/misc/duet/shared_abi/linux/duet_export.h \
	include/linux/duet_export.h

# add_line FILE LINE [BEFORE] - add LINE to FILE once, before the last line
# matching BEFORE if given, else at the end.
add_line() {
	grep -qxF "$2" "$1" && return
	if [ $# -eq 3 ]; then
		n=$(grep -n "$3" "$1" | tail -n 1 | cut -d: -f1)
		[ -n "$n" ] || { echo "overlay: no '$3' in $1" >&2; exit 1; }
		sed -i "${n}i\\
$2" "$1"
	else
		printf '%s\n' "$2" >>"$1"
	fi
}

add_line drivers/misc/Kconfig 'source "drivers/misc/duet/Kconfig"' '^endmenu'
# shellcheck disable=SC2016 # a make variable, not a shell one
add_line drivers/misc/Makefile 'obj-$(CONFIG_DUET_C)		+= duet/'
add_line rust/bindings/bindings_helper.h '#include <linux/duet_export.h>'
