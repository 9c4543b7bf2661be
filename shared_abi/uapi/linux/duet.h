/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * duet - one misc character device written twice, in C and in Rust.
 *
 * Each device (/dev/duet-c, /dev/duet-rust) is a bounded byte FIFO shared
 * by every opener of that device. This header is the whole userspace ABI
 * of both; the two modules take every number from it.
 */
#ifndef _UAPI_LINUX_DUET_H
#define _UAPI_LINUX_DUET_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DUET_ABI_VERSION	1

/* Bounds of the capacity param and of DUET_IOC_RESIZE, in bytes. */
#define DUET_CAPACITY_MIN	64
#define DUET_CAPACITY_MAX	1048576
#define DUET_CAPACITY_DEFAULT	4096

#define DUET_IMPL_LEN		8

/**
 * struct duet_info - what DUET_IOC_INFO returns
 * @abi_version: DUET_ABI_VERSION
 * @capacity:    size of the FIFO in bytes
 * @used:        bytes queued in the FIFO now
 * @max_open:    the max_open param (0 = unlimited)
 * @impl:        "c" or "rust", NUL-terminated
 */
struct duet_info {
	__u32 abi_version;
	__u32 capacity;
	__u32 used;
	__u32 max_open;
	char impl[DUET_IMPL_LEN];
};

/**
 * struct duet_stats - what DUET_IOC_STATS returns
 * @opens:      successful opens
 * @reads:      read calls that returned at least one byte
 * @writes:     write calls that accepted at least one byte
 * @bytes_in:   bytes accepted by write
 * @bytes_out:  bytes returned by read
 * @digest_in:  CRC32C (crc32c(), seed 0, no inversion) of all bytes written
 * @digest_out: the same over all bytes read
 *
 * The digests stay 0 when the device's digest param is false.
 */
struct duet_stats {
	__u64 opens;
	__u64 reads;
	__u64 writes;
	__u64 bytes_in;
	__u64 bytes_out;
	__u32 digest_in;
	__u32 digest_out;
};

#define DUET_IOC_MAGIC		0xD7

/* Read the device's struct duet_info. */
#define DUET_IOC_INFO		_IOR(DUET_IOC_MAGIC, 0, struct duet_info)
/* Read the device's struct duet_stats. */
#define DUET_IOC_STATS		_IOR(DUET_IOC_MAGIC, 1, struct duet_stats)
/* Empty the FIFO and zero the stats; needs CAP_SYS_ADMIN. */
#define DUET_IOC_RESET		_IO(DUET_IOC_MAGIC, 2)
/* Set the capacity (a __u32 in bytes), keeping the data; needs CAP_SYS_ADMIN. */
#define DUET_IOC_RESIZE		_IOW(DUET_IOC_MAGIC, 3, __u32)

#endif /* _UAPI_LINUX_DUET_H */
