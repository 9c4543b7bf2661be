#!/bin/sh
# x86-only.sh WHAT - stop WHAT (e.g. "make bench") before anything is
# built when DUET_ARCH is not x86_64 (lib.sh: x86_only): the Makefile
# runs it ahead of the set-up of the targets that only x86_64 has.
. "$(dirname "$0")/lib.sh"
x86_only "$1"
