// SPDX-License-Identifier: GPL-2.0
/*
 * bench - measure the duet devices against each other and the baselines.
 *
 * Usage: bench [-r ROUNDS] [-q] [-s | -x] TAG
 *
 * Prints one line per measurement, for scripts/report.sh:
 *
 *	raw TAG METRIC VARIANT SIZE ROUND NS_PER_OP
 *
 * TAG names the module set-up (e.g. digest-on, digest-off). Variants:
 * c, rust (the devices, capacity 64 KiB), pipe (pipe(2) of 64 KiB),
 * null (/dev/null write, /dev/zero read: the cost of the syscalls).
 * Metrics: cycle (write SIZE bytes, then read them back), info and stats
 * (one ioctl), openclose (open + close, through nodes /dev/cost-c, -r
 * and -n made from the devices' nodes, names of one length), xfer2cpu (a
 * writer thread on CPU 0 and a reader on CPU 1 moving 4 MiB in SIZE
 * pieces; ns per byte).
 * Each measurement makes at most 20000 calls (2000 with -q).
 * With -m, instead: load and unload (finit_module() and delete_module() of
 * each module; duet_c is loaded first, untimed, for duet_rust), printed
 * with TAG "module". No duet module may be loaded when -m starts.
 * Each round runs every variant once, in ABBA order (the order reverses
 * every round); round 0 is a warm-up and is not printed. -q: few rounds,
 * small counts (a smoke test). -s: only the one-thread workloads (all but
 * xfer2cpu), for a boot with QEMU's instruction counting, where the clock
 * counts instructions (1 ns = 1 instruction) on one vCPU; -x: only
 * xfer2cpu, which needs two CPUs and a real clock.
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/duet.h>

#define CAPACITY	(64 * 1024)

enum variant { C, RUST, PIPE, NUL, NVARIANTS };
static const char *const names[] = { "c", "rust", "pipe", "null" };
static const size_t sizes[] = { 1, 64, 512, 4096, 65536 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Per measurement: at most this many calls, or bytes for the cycles. */
static int rounds = 30;
static long calls = 20000;
static long budget = 4 << 20;
static long xfer_bytes = 4 << 20;
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
	long n = budget / size < calls ? budget / size : calls;
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
	long n = calls / 4;
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (ioctl(e.w, cmd, &st))
			die("ioctl");
	t0 = (now_ns() - t0) / n;
	close_variant(e);
	return t0;
}

/*
 * open+close opens each device through a node of its own, made here from
 * the device's node, all with names of one length: the path walk hashes
 * and compares the name, and /dev/duet-rust, three characters longer than
 * /dev/duet-c, cost about 30 more instructions per open there, which is
 * the name's cost and not the module's.
 */
static const char *const devs[] = { "/dev/duet-c", "/dev/duet-rust", NULL, "/dev/null" };
static const char *const paths[] = { "/dev/cost-c", "/dev/cost-r", NULL, "/dev/cost-n" };

static void make_nodes(void)
{
	for (int v = 0; v < NVARIANTS; v++) {
		struct stat st;

		if (!paths[v])
			continue;
		if (stat(devs[v], &st) || !S_ISCHR(st.st_mode))
			die(devs[v]);
		unlink(paths[v]);
		if (mknod(paths[v], S_IFCHR | 0600, st.st_rdev))
			die(paths[v]);
	}
}

static double openclose(enum variant v)
{
	long n = calls / 10;
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
	long left = xfer_bytes;

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
	long left = xfer_bytes;
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
	t0 = (now_ns() - t0) / xfer_bytes;
	close_variant(x.e);
	return t0;
}

static int load(const char *name)
{
	static const char *const dirs[] = { "c_module", "rust_module" };
	char path[256];
	struct utsname u;
	int fd, ret;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/kernel/drivers/misc/duet/%s/%s.ko",
		 u.release, dirs[!strcmp(name, "duet_rust")], name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

static void unload(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		die(name);
}

static void report(const char *metric, enum variant v, size_t size, int round, double ns)
{
	if (round > 0)
		printf("raw %s %s %s %zu %d %.1f\n", tag, metric, names[v], size, round, ns);
}

int main(int argc, char **argv)
{
	int opt;

	int modules = 0, single = 1, xfer = 1;

	while ((opt = getopt(argc, argv, "r:qmsx")) != -1) {
		if (opt == 'm') {
			modules = 1;
		} else if (opt == 's') {
			xfer = 0;
		} else if (opt == 'x') {
			single = 0;
		} else if (opt == 'r') {
			rounds = atoi(optarg);
		} else if (opt == 'q') {
			rounds = 3;
			calls = 2000;
			budget = 256 << 10;
			xfer_bytes = 512 << 10;
		} else {
			fprintf(stderr, "usage: bench [-r ROUNDS] [-q] [-m] [-s | -x] TAG\n");
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	tag = argv[optind];
	memset(buf, 0x5a, sizeof(buf));
	if (modules) {
		for (int round = 0; round <= rounds; round++) {
			for (int k = 0; k < 2; k++) {
				enum variant v = round % 2 ? 1 - k : k;
				const char *name = v == C ? "duet_c" : "duet_rust";
				double t0, t1, t2;

				if (v == RUST && load("duet_c"))
					die("load duet_c");
				t0 = now_ns();
				if (load(name))
					die(name);
				t1 = now_ns();
				unload(name);
				t2 = now_ns();
				if (v == RUST)
					unload("duet_c");
				report("load", v, 0, round, t1 - t0);
				report("unload", v, 0, round, t2 - t1);
			}
		}
		return 0;
	}
	if (single)
		make_nodes();
	printf("# bench %s: %d rounds (+1 warm-up), ABBA order, %ld CPUs\n", tag,
	       rounds, sysconf(_SC_NPROCESSORS_ONLN));
	for (int round = 0; round <= rounds; round++) {
		for (int k = 0; k < NVARIANTS; k++) {
			enum variant v = round % 2 ? NVARIANTS - 1 - k : k;

			for (size_t s = 0; single && s < NSIZES; s++)
				report("cycle", v, sizes[s], round, cycle(v, sizes[s]));
			if (single && (v == C || v == RUST)) {
				report("info", v, 0, round, one_ioctl(v, DUET_IOC_INFO));
				report("stats", v, 0, round, one_ioctl(v, DUET_IOC_STATS));
			}
			if (single && v != PIPE)
				report("openclose", v, 0, round, openclose(v));
			if (xfer && v != NUL)
				for (size_t s = 3; s < NSIZES; s++)
					report("xfer2cpu", v, sizes[s], round, xfer2cpu(v, sizes[s]));
		}
		fflush(stdout);
	}
	return 0;
}
