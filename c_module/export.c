// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - the symbols duet_c exports in the "DUET" namespace.
 *
 * duet_digest() is the CRC32C step both devices run on their data path.
 * The registry gives each device (C or Rust) a reference-counted handle;
 * /proc/duet prints one row per registered device, its statistics read
 * in place, so the two can be watched side by side (as root: the digests
 * of what was written are no one else's business):
 *
 *	cat /proc/duet
 *
 * Other modules use these with MODULE_IMPORT_NS("DUET") in C or
 * imports_ns: ["DUET"] in Rust; see <linux/duet_export.h>.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/duet_export.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/kmsan-checks.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "registry.h"

/**
 * struct duet_impl - one registered duet device
 * @ref:   references: the registering device's, plus one per open file
 * @node:  entry in duet_impls, protected by duet_registry_lock
 * @name:  "c" or "rust"
 * @owner: the module that registered it
 * @stats: the device's statistics, which it updates under its own lock
 *         with WRITE_ONCE() (or relaxed atomic stores) and /proc/duet
 *         reads field by field with READ_ONCE(), without that lock
 */
struct duet_impl {
	struct kref ref;
	struct list_head node;
	char name[DUET_IMPL_LEN];
	struct module *owner;
	const struct duet_stats *stats;
};

static LIST_HEAD(duet_impls);
static DEFINE_MUTEX(duet_registry_lock);

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

/**
 * duet_register() - add a device to the registry
 * @name:  the device's implementation name, "c" or "rust" (truncated to
 *         DUET_IMPL_LEN - 1 characters)
 * @owner: the module of the device, shown in /proc/duet
 * @stats: the device's statistics, which /proc/duet reads in place until
 *         duet_unregister(): the device updates each field with a single
 *         store (WRITE_ONCE()) and keeps them until it unregisters
 *
 * Context: Process context; takes duet_registry_lock.
 * Return: a handle holding one reference, which duet_unregister() drops,
 * or ERR_PTR(-ENOMEM).
 */
struct duet_impl *duet_register(const char *name, struct module *owner,
				const struct duet_stats *stats)
{
	struct duet_impl *impl;

	impl = kzalloc_obj(*impl);
	if (!impl)
		return ERR_PTR(-ENOMEM);
	kref_init(&impl->ref);
	strscpy(impl->name, name);
	impl->owner = owner;
	impl->stats = stats;
	/*
	 * KMSAN (make bugs' kmsan kernel) learns that a byte is initialised
	 * from the stores of the code it instruments, and it does not
	 * instrument Rust: the stats duet_rust writes would stay
	 * uninitialised to it, and every read of /proc/duet a report.
	 */
	kmsan_unpoison_memory(stats, sizeof(*stats));

	guard(mutex)(&duet_registry_lock);
	list_add_tail(&impl->node, &duet_impls);
	return impl;
}
EXPORT_SYMBOL_NS_GPL(duet_register, "DUET");

/**
 * duet_unregister() - remove a device from the registry
 * @impl: the handle duet_register() returned
 *
 * Drops the reference duet_register() gave; the handle is freed once the
 * references taken with duet_get() are dropped too.
 *
 * Context: Process context; takes duet_registry_lock.
 */
void duet_unregister(struct duet_impl *impl)
{
	scoped_guard(mutex, &duet_registry_lock)
		list_del(&impl->node);
	duet_put(impl);
}
EXPORT_SYMBOL_NS_GPL(duet_unregister, "DUET");

/**
 * duet_get() - take a reference to a handle
 * @impl: a handle the caller holds a reference to
 *
 * Context: Any context.
 */
void duet_get(struct duet_impl *impl)
{
	kref_get(&impl->ref);
}
EXPORT_SYMBOL_NS_GPL(duet_get, "DUET");

static void duet_impl_release(struct kref *ref)
{
	kfree(container_of(ref, struct duet_impl, ref));
}

/**
 * duet_put() - drop a reference to a handle
 * @impl: a handle the caller holds a reference to
 *
 * Frees the handle when this was the last reference.
 *
 * Context: Any context.
 */
void duet_put(struct duet_impl *impl)
{
	kref_put(&impl->ref, duet_impl_release);
}
EXPORT_SYMBOL_NS_GPL(duet_put, "DUET");

static int duet_proc_show(struct seq_file *m, void *v)
{
	struct duet_impl *impl;

	seq_printf(m, "%-6s %-10s %8s %8s %8s %12s %12s %10s %10s %4s\n",
		   "impl", "module", "opens", "reads", "writes", "bytes_in",
		   "bytes_out", "digest_in", "digest_out", "refs");
	guard(mutex)(&duet_registry_lock);
	list_for_each_entry(impl, &duet_impls, node) {
		const struct duet_stats *s = impl->stats;

		seq_printf(m, "%-6s %-10s %8llu %8llu %8llu %12llu %12llu   %08x   %08x %4u\n",
			   impl->name, module_name(impl->owner),
			   READ_ONCE(s->opens), READ_ONCE(s->reads),
			   READ_ONCE(s->writes), READ_ONCE(s->bytes_in),
			   READ_ONCE(s->bytes_out), READ_ONCE(s->digest_in),
			   READ_ONCE(s->digest_out), kref_read(&impl->ref));
	}
	return 0;
}

/**
 * duet_registry_init() - create /proc/duet
 *
 * Context: Module init.
 * Return: 0, or -ENOMEM.
 */
int duet_registry_init(void)
{
	if (!proc_create_single("duet", 0400, NULL, duet_proc_show))
		return -ENOMEM;
	return 0;
}

/**
 * duet_registry_exit() - remove /proc/duet
 *
 * Context: Module exit, after every device has unregistered.
 */
void duet_registry_exit(void)
{
	remove_proc_entry("duet", NULL);
}
