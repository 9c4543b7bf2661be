// SPDX-License-Identifier: GPL-2.0
/*
 * bench - measure the duet devices against each other and the baselines.
 *
 * Usage: bench [-r ROUNDS] [-q] TAG
 *
 * Prints one line per measurement, for scripts/report.sh:
 *
 *	raw TAG METRIC VARIANT SIZE ROUND NS_PER_OP
 *
 * TAG names the module set-up (e.g. digest-on, digest-off). Variants:
 * c, rust (the devices, capacity 64 KiB), pipe (pipe(2) of 64 KiB),
 * null (/dev/null write, /dev/zero read: the cost of the syscalls).
 * Metrics: cycle (write SIZE bytes, then read them back), info and stats
 * (one ioctl), openclose (open + close), xfer2cpu (a writer thread on CPU 0
 * and a reader on CPU 1 moving 4 MiB in SIZE pieces; ns per byte).
 * Each round runs every variant once, in ABBA order (the order reverses
 * every round); round 0 is a warm-up and is not printed. -q: few rounds,
 * small counts (a smoke test).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/duet.h>

#define CAPACITY	(64 * 1024)
#define XFER_BYTES	(4 << 20)

enum variant { C, RUST, PIPE, NUL, NVARIANTS };
static const char *const names[] = { "c", "rust", "pipe", "null" };
static const size_t sizes[] = { 1, 64, 512, 4096, 65536 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static int rounds = 30;
static long budget = 2000000;	/* bytes per measurement, roughly */
static const char *tag;
static char buf[CAPACITY];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Read and write ends of a variant; for the devices both are one fd. */
struct ends {
	int w, r;
};

static struct ends open_variant(enum variant v)
{
	struct ends e;
	__u32 cap = CAPACITY;
	int p[2];

	switch (v) {
	case C:
	case RUST:
		e.w = e.r = open(v == C ? "/dev/duet-c" : "/dev/duet-rust", O_RDWR);
		if (e.w < 0)
			die(names[v]);
		if (ioctl(e.w, DUET_IOC_RESIZE, &cap))
			die("RESIZE");
		break;
	case PIPE:
		if (pipe(p))
			die("pipe");
		fcntl(p[1], F_SETPIPE_SZ, CAPACITY);
		e.r = p[0];
		e.w = p[1];
		break;
	default:
		e.w = open("/dev/null", O_WRONLY);
		e.r = open("/dev/zero", O_RDONLY);
		break;
	}
	return e;
}

static void close_variant(struct ends e)
{
	close(e.w);
	if (e.r != e.w)
		close(e.r);
}

static double cycle(enum variant v, size_t size)
{
	struct ends e = open_variant(v);
	long n = budget / size + 10;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		if (write(e.w, buf, size) != (ssize_t)size ||
		    read(e.r, buf, size) != (ssize_t)size)
			die("cycle");
	}
	t0 = (now_ns() - t0) / n;
	close_variant(e);
	return t0;
}

static double one_ioctl(enum variant v, unsigned long cmd)
{
	struct ends e = open_variant(v);
	struct duet_stats st;
	long n = budget / 200 + 10;
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (ioctl(e.w, cmd, &st))
			die("ioctl");
	t0 = (now_ns() - t0) / n;
	close_variant(e);
	return t0;
}

static double openclose(enum variant v)
{
	static const char *const paths[] = { "/dev/duet-c", "/dev/duet-rust", NULL, "/dev/null" };
	long n = budget / 500 + 10;
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(paths[v], O_RDWR);

		if (fd < 0)
			die("open");
		close(fd);
	}
	return (now_ns() - t0) / n;
}

struct xfer {
	struct ends e;
	size_t size;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *reader(void *arg)
{
	struct xfer *x = arg;
	static char rbuf[CAPACITY];
	long left = XFER_BYTES;

	pin(1);
	while (left > 0) {
		ssize_t n = read(x->e.r, rbuf, x->size);

		if (n <= 0)
			die("xfer read");
		left -= n;
	}
	return NULL;
}

static double xfer2cpu(enum variant v, size_t size)
{
	struct xfer x = { open_variant(v), size };
	long left = XFER_BYTES;
	pthread_t t;
	double t0;

	pin(0);
	t0 = now_ns();
	pthread_create(&t, NULL, reader, &x);
	while (left > 0) {
		ssize_t n = write(x.e.w, buf, size < (size_t)left ? size : (size_t)left);

		if (n <= 0)
			die("xfer write");
		left -= n;
	}
	pthread_join(t, NULL);
	t0 = (now_ns() - t0) / XFER_BYTES;
	close_variant(x.e);
	return t0;
}

static void report(const char *metric, enum variant v, size_t size, int round, double ns)
{
	if (round > 0)
		printf("raw %s %s %s %zu %d %.1f\n", tag, metric, names[v], size, round, ns);
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "r:q")) != -1) {
		if (opt == 'r') {
			rounds = atoi(optarg);
		} else if (opt == 'q') {
			rounds = 3;
			budget = 100000;
		} else {
			fprintf(stderr, "usage: bench [-r ROUNDS] [-q] TAG\n");
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	tag = argv[optind];
	memset(buf, 0x5a, sizeof(buf));
	printf("# bench %s: %d rounds (+1 warm-up), ABBA order, %ld CPUs\n", tag,
	       rounds, sysconf(_SC_NPROCESSORS_ONLN));
	for (int round = 0; round <= rounds; round++) {
		for (int k = 0; k < NVARIANTS; k++) {
			enum variant v = round % 2 ? NVARIANTS - 1 - k : k;

			for (size_t s = 0; s < NSIZES; s++)
				report("cycle", v, sizes[s], round, cycle(v, sizes[s]));
			if (v == C || v == RUST) {
				report("info", v, 0, round, one_ioctl(v, DUET_IOC_INFO));
				report("stats", v, 0, round, one_ioctl(v, DUET_IOC_STATS));
			}
			if (v != PIPE)
				report("openclose", v, 0, round, openclose(v));
			if (v != NUL)
				for (size_t s = 3; s < NSIZES; s++)
					report("xfer2cpu", v, sizes[s], round, xfer2cpu(v, sizes[s]));
		}
		fflush(stdout);
	}
	return 0;
}
