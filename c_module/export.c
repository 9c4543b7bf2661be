// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - the symbols duet_c exports in the "DUET" namespace.
 *
 * Other modules use them with MODULE_IMPORT_NS("DUET") (C) or
 * imports_ns: ["DUET"] (Rust); see <linux/duet_export.h>.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/duet_export.h>
#include <linux/export.h>
#include <linux/module.h>

/**
 * duet_digest() - advance a duet digest over a buffer
 * @crc: the digest so far (0 for an empty stream)
 * @buf: the bytes to add
 * @len: how many bytes @buf holds
 *
 * The digest is the kernel's crc32c() with no pre- or post-inversion, so a
 * stream digested in pieces gives the same value as in one call.
 *
 * Context: Any context.
 * Return: the digest of the stream so far followed by @buf.
 */
u32 duet_digest(u32 crc, const void *buf, size_t len)
{
	return crc32c(crc, buf, len);
}
EXPORT_SYMBOL_NS_GPL(duet_digest, "DUET");
