/* SPDX-License-Identifier: GPL-2.0 */
/*
 * duet_export.h - what duet_c exports in the "DUET" symbol namespace.
 *
 * Both duet devices use these: duet_digest() on their data path, and the
 * registry behind /proc/duet, which shows each registered device's
 * statistics (read in place, without a lock: each device updates them
 * under its own lock) and the references to its handle. Rust reaches them through bindgen
 * (rust/bindings/bindings_helper.h includes this file).
 */
#ifndef _LINUX_DUET_EXPORT_H
#define _LINUX_DUET_EXPORT_H

#include <linux/poll.h>
#include <linux/types.h>
#include <uapi/linux/duet.h>

struct module;
struct duet_impl;

u32 duet_digest(u32 crc, const void *buf, size_t len);

struct duet_impl *duet_register(const char *name, struct module *owner,
				const struct duet_stats *stats);
void duet_unregister(struct duet_impl *impl);
void duet_get(struct duet_impl *impl);
void duet_put(struct duet_impl *impl);

#ifdef __BINDGEN__
/*
 * bindgen does not expand function-like macros such as _IOR(); these
 * constants give Rust the ioctl numbers computed by the C preprocessor
 * (the kernel strips the RUST_CONST_HELPER_ prefix from their names).
 */
const u32 RUST_CONST_HELPER_DUET_IOC_INFO = DUET_IOC_INFO;
const u32 RUST_CONST_HELPER_DUET_IOC_STATS = DUET_IOC_STATS;
const u32 RUST_CONST_HELPER_DUET_IOC_RESET = DUET_IOC_RESET;
const u32 RUST_CONST_HELPER_DUET_IOC_RESIZE = DUET_IOC_RESIZE;
/*
 * The poll bits are casts to __poll_t, which bindgen does not evaluate
 * either (7.3's bindings have none of them).
 */
const __poll_t RUST_CONST_HELPER_EPOLLIN = EPOLLIN;
const __poll_t RUST_CONST_HELPER_EPOLLRDNORM = EPOLLRDNORM;
const __poll_t RUST_CONST_HELPER_EPOLLOUT = EPOLLOUT;
const __poll_t RUST_CONST_HELPER_EPOLLWRNORM = EPOLLWRNORM;
const __poll_t RUST_CONST_HELPER_EPOLLHUP = EPOLLHUP;
const __poll_t RUST_CONST_HELPER_EPOLLERR = EPOLLERR;
#endif

#endif /* _LINUX_DUET_EXPORT_H */
