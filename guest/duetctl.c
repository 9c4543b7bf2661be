// SPDX-License-Identifier: GPL-2.0
/*
 * duetctl - the duet ioctls from the shell.
 *
 * Usage: duetctl DEVICE info|stats|reset|resize CAPACITY
 *
 *	duetctl /dev/duet-c info	prints abi_version, capacity, used, ...
 *	duetctl /dev/duet-rust stats	prints opens, reads, ..., digest_out
 *
 * One "name value" line per field; exits 1 with the error on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/duet.h>

static int usage(void)
{
	fprintf(stderr, "usage: duetctl DEVICE info|stats|reset|resize CAPACITY\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct duet_stats s;
	struct duet_info i;
	__u32 capacity;
	int fd, ret;

	if (argc < 3)
		return usage();
	fd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		fprintf(stderr, "duetctl: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (!strcmp(argv[2], "info")) {
		ret = ioctl(fd, DUET_IOC_INFO, &i);
		if (!ret)
			printf("abi_version %u\ncapacity %u\nused %u\nmax_open %u\nimpl %.8s\n",
			       i.abi_version, i.capacity, i.used, i.max_open, i.impl);
	} else if (!strcmp(argv[2], "stats")) {
		ret = ioctl(fd, DUET_IOC_STATS, &s);
		if (!ret)
			printf("opens %llu\nreads %llu\nwrites %llu\nbytes_in %llu\n"
			       "bytes_out %llu\ndigest_in %08x\ndigest_out %08x\n",
			       s.opens, s.reads, s.writes, s.bytes_in, s.bytes_out,
			       s.digest_in, s.digest_out);
	} else if (!strcmp(argv[2], "reset")) {
		ret = ioctl(fd, DUET_IOC_RESET);
	} else if (!strcmp(argv[2], "resize") && argc == 4) {
		capacity = strtoul(argv[3], NULL, 0);
		ret = ioctl(fd, DUET_IOC_RESIZE, &capacity);
	} else {
		return usage();
	}
	if (ret) {
		fprintf(stderr, "duetctl: %s %s: %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
