#!/bin/sh
# cache-dir.sh - print the cache directory duet uses (DUET_CACHE, or the
# default that lib.sh picks: /var/cache/duet if this user can write there,
# else $XDG_CACHE_HOME/duet or ~/.cache/duet), for the Makefile.
. "$(dirname "$0")/lib.sh"
echo "$DUET_CACHE"
