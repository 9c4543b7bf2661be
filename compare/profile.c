// SPDX-License-Identifier: GPL-2.0
/*
 * profile - run each path of the duet devices N times between two marks,
 * for the instruction-count plugin (compare/plugin/prof-plugin.c).
 *
 * Usage: profile [-n N] [-r ROUNDS] DEVICE...
 *
 * For each DEVICE, each path runs N times (default 1000) on its own,
 * between two executions of the marker instruction: write (1 byte),
 * read (1 byte), info and stats (one ioctl), open and release (N files
 * opened through /dev/cost-K, a node made from DEVICE's, then closed).
 * Without the plugin the marker is a NOP. Prints one line per path, for
 * compare/report_profile.py:
 *
 *	profile DEVICE PATH N MARK
 *
 * where MARK is the number of the mark that ends the path: the plugin's
 * section MARK holds the instructions of those N calls (and nothing else
 * of this program's, which prints only between paths). All of it is done
 * ROUNDS times (default 3), so that compare/report_profile.py can keep, for each
 * path, the round that a timer tick or other kernel work did not land in.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/duet.h>

#define MAX_N 4096

static int marks;

/* The marker: nopl 0x44455544(%rax,%rax,1) ("DUED"), see prof-plugin.c. */
static void mark(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x44, 0x55, 0x45, 0x44" ::: "memory");
	marks++;
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

/*
 * The open path opens DEV through a node of its own, /dev/cost-K, made
 * from DEV's: every device's name then has one length, so the path walk
 * (which hashes and compares the name) costs the same for each.
 */
static void node(const char *dev, char alias[16], int k)
{
	struct stat st;

	snprintf(alias, 16, "/dev/cost-%d", k % 10);
	if (stat(dev, &st) || !S_ISCHR(st.st_mode))
		fail(dev);
	unlink(alias);
	if (mknod(alias, S_IFCHR | 0600, st.st_rdev))
		fail(alias);
}

static void path(const char *dev, const char *name, int n)
{
	mark();
	printf("profile %s %s %d %d\n", dev, name, n, marks);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static int fds[MAX_N];
	struct rlimit rl = { MAX_N + 64, MAX_N + 64 };
	struct duet_info info;
	struct duet_stats stats;
	int n = 1000, rounds = 3, opt;
	char byte = 'x';

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			goto usage;
	}
	if (optind >= argc || n < 1 || n > MAX_N || rounds < 1)
		goto usage;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (int r = 0; r < rounds * (argc - optind); r++) {
		int d = optind + r % (argc - optind);
		const char *dev = argv[d];
		char alias[16];
		int fd = open(dev, O_RDWR);

		if (fd < 0)
			fail(dev);
		/* the first mark ends what came before: set-up, printing */
		mark();
		for (int i = 0; i < n; i++)
			if (write(fd, &byte, 1) != 1)
				fail("write");
		path(dev, "write", n);
		mark();
		for (int i = 0; i < n; i++)
			if (read(fd, &byte, 1) != 1)
				fail("read");
		path(dev, "read", n);
		mark();
		for (int i = 0; i < n; i++)
			if (ioctl(fd, DUET_IOC_INFO, &info))
				fail("INFO");
		path(dev, "info", n);
		mark();
		for (int i = 0; i < n; i++)
			if (ioctl(fd, DUET_IOC_STATS, &stats))
				fail("STATS");
		path(dev, "stats", n);
		close(fd);
		node(dev, alias, d - optind);
		mark();
		for (int i = 0; i < n; i++) {
			fds[i] = open(alias, O_RDONLY | O_NONBLOCK);
			if (fds[i] < 0)
				fail("open");
		}
		path(dev, "open", n);
		mark();
		for (int i = 0; i < n; i++)
			close(fds[i]);
		path(dev, "release", n);
	}
	return 0;
usage:
	fprintf(stderr, "usage: profile [-n N] [-r ROUNDS] DEVICE...\n");
	return 2;
}
