// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz - a seeded, concurrent fuzzer for one duet device.
 *
 * Usage: fuzz [-s SEED] [-n OPS] [-t THREADS] DEVICE
 *
 *	fuzz -n 100000 /dev/duet-c
 *	fuzz -s 1234 -t 1 /dev/duet-rust	(one thread: fully repeatable)
 *
 * The threads together issue OPS random calls, each thread from its own generator (seeded from
 * SEED and its index): opens and closes with random access modes and
 * O_NONBLOCK, reads and writes of random sizes, fcntl() toggling
 * O_NONBLOCK, valid and invalid ioctls, bad user pointers, RESET and
 * RESIZE. Every result must be a documented one. At checkpoints all
 * threads stop and the invariants are checked on the quiescent device:
 * bytes_in - bytes_out == used, and once drained digest_in == digest_out.
 * Prints the seed first and one TAP line last; exits 1 on a violation.
 * Run as root, with the device's module loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/duet.h>

#define SLOTS		4	/* open files per thread */
#define MAX_IO		(128 * 1024)
#define CHECKPOINTS	10

static const char *device;
static unsigned long long seed;
static long ops_per_thread = 10000;
static int nthreads = 4;

static pthread_barrier_t barrier;
static atomic_int blocked;		/* threads inside a blocking call */
static atomic_long progress;		/* calls completed, all threads */
static atomic_int done;
static atomic_long violations;
static atomic_long checkpoints;
static atomic_long by_errno[256];

static void violation(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# VIOLATION (seed %llu): ", seed);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	atomic_fetch_add(&violations, 1);
}

/* xorshift64*: small, fast, and the same everywhere. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return next(s) % n;
}

/* Check errno after a failed call against the errors the ABI allows. */
static void expect_errno(const char *call, int err, const int *allowed)
{
	for (; *allowed; allowed++)
		if (err == *allowed) {
			atomic_fetch_add(&by_errno[err & 255], 1);
			return;
		}
	violation("%s failed with %s, which the ABI does not allow", call, strerror(err));
}

static void *bad_pointer(uint64_t *s)
{
	static void *const bad[] = {
		NULL, (void *)1, (void *)0xffff888000000000UL, (void *)-4096L,
	};

	return bad[below(s, 4)];
}

/* Every thread stops; one checks the quiescent device; all go on. */
static void checkpoint(void)
{
	struct duet_stats st;
	struct duet_info info;
	static char buf[MAX_IO];
	int fd;

	if (pthread_barrier_wait(&barrier) != PTHREAD_BARRIER_SERIAL_THREAD) {
		pthread_barrier_wait(&barrier);
		return;
	}
	fd = open(device, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		violation("checkpoint: open: %s", strerror(errno));
	} else if (ioctl(fd, DUET_IOC_INFO, &info) || ioctl(fd, DUET_IOC_STATS, &st)) {
		violation("checkpoint: INFO/STATS: %s", strerror(errno));
	} else {
		if (st.bytes_in - st.bytes_out != info.used)
			violation("bytes_in %llu - bytes_out %llu != used %u",
				  st.bytes_in, st.bytes_out, info.used);
		if (info.used > info.capacity)
			violation("used %u > capacity %u", info.used, info.capacity);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		if (ioctl(fd, DUET_IOC_INFO, &info) || ioctl(fd, DUET_IOC_STATS, &st))
			violation("checkpoint: INFO/STATS: %s", strerror(errno));
		else if (info.used || st.bytes_in != st.bytes_out)
			violation("drained, but used %u, bytes_in %llu, bytes_out %llu",
				  info.used, st.bytes_in, st.bytes_out);
		else if (st.digest_in != st.digest_out)
			violation("drained, but digest_in %08x != digest_out %08x",
				  st.digest_in, st.digest_out);
	}
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(&checkpoints, 1);
	pthread_barrier_wait(&barrier);
}

static const int open_errs[] = { EBUSY, ENOMEM, 0 };
static const int read_errs[] = { EAGAIN, EFAULT, EINTR, 0 };
static const int write_errs[] = { EAGAIN, ENOSPC, EFAULT, EINTR, 0 };
static const int ioctl_errs[] = { EFAULT, ENOTTY, EINVAL, EBUSY, ENOMEM, 0 };

/* A blocking call is counted, so the watchdog knows when to interrupt. */
#define BLOCKING(nonblock, call) ({					\
	long __r;							\
	if (!(nonblock))						\
		atomic_fetch_add(&blocked, 1);				\
	__r = (call);							\
	if (!(nonblock))						\
		atomic_fetch_sub(&blocked, 1);				\
	__r;								\
})

static void one_op(uint64_t *s, int *fds, char *buf)
{
	int slot = below(s, SLOTS), fd = fds[slot];
	int nonblock = fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK);
	unsigned int op = below(s, 100);
	size_t len = below(s, 4) ? 1 + below(s, 4096) : below(s, MAX_IO);
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	__u32 cap;
	long ret;

	if (fd < 0 || op < 8) {			/* open */
		if (fd >= 0)
			close(fd);
		fds[slot] = open(device, modes[below(s, 3)] | (below(s, 2) ? O_NONBLOCK : 0));
		if (fds[slot] < 0)
			expect_errno("open", errno, open_errs);
		return;
	}
	if (op < 14) {				/* close */
		close(fd);
		fds[slot] = -1;
	} else if (op < 38) {			/* read */
		ret = BLOCKING(nonblock, read(fd, buf, len));
		if (ret < 0 && errno != EBADF)
			expect_errno("read", errno, read_errs);
		if (ret > (long)len)
			violation("read %zu returned %ld", len, ret);
	} else if (op < 62) {			/* write */
		for (size_t i = 0; i < len; i += 64)
			buf[i] = next(s);
		ret = BLOCKING(nonblock, write(fd, buf, len));
		if (ret < 0 && errno != EBADF)
			expect_errno("write", errno, write_errs);
		if (ret > (long)len)
			violation("write %zu returned %ld", len, ret);
	} else if (op < 66) {			/* read or write, bad pointer */
		void *bad = bad_pointer(s);

		ret = below(s, 2) ? BLOCKING(nonblock, read(fd, bad, len)) :
				    BLOCKING(nonblock, write(fd, bad, len));
		if (ret < 0 && errno != EBADF && errno != EAGAIN && errno != ENOSPC &&
		    errno != EFAULT && errno != EINTR)
			violation("bad-pointer read/write: %s", strerror(errno));
	} else if (op < 72) {			/* toggle O_NONBLOCK */
		fcntl(fd, F_SETFL, nonblock ? 0 : O_NONBLOCK);
	} else if (op < 82) {			/* INFO or STATS */
		struct duet_stats st;
		struct duet_info info;
		int want_info = below(s, 2);

		ret = want_info ? ioctl(fd, DUET_IOC_INFO, &info) : ioctl(fd, DUET_IOC_STATS, &st);
		if (ret)
			expect_errno("INFO/STATS", errno, ioctl_errs);
		else if (want_info && (info.abi_version != DUET_ABI_VERSION || info.used > info.capacity))
			violation("INFO: abi_version %u, used %u of %u", info.abi_version,
				  info.used, info.capacity);
	} else if (op < 88) {			/* bad ioctls */
		static const unsigned long cmds[] = {
			DUET_IOC_INFO, DUET_IOC_STATS, DUET_IOC_RESIZE,
			_IO(DUET_IOC_MAGIC, 9), _IOR(DUET_IOC_MAGIC, 0, int), 0,
		};
		unsigned long cmd = cmds[below(s, 6)];

		ret = ioctl(fd, cmd, bad_pointer(s));
		if (ret == 0)
			violation("ioctl %#lx with a bad pointer succeeded", cmd);
		else
			expect_errno("bad ioctl", errno, ioctl_errs);
	} else if (op < 91) {			/* RESET */
		if (ioctl(fd, DUET_IOC_RESET))
			expect_errno("RESET", errno, ioctl_errs);
	} else {				/* RESIZE: valid, too small, out of range */
		static const __u32 sizes[] = {
			64, 100, 4096, 65536, 1048576, 0, 63, 1048577, 0xffffffff,
		};

		cap = below(s, 2) ? sizes[below(s, 9)] : 64 + below(s, 200000);
		if (ioctl(fd, DUET_IOC_RESIZE, &cap))
			expect_errno("RESIZE", errno, ioctl_errs);
	}
}

static void *worker(void *arg)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ULL + (uintptr_t)arg + 1;
	int fds[SLOTS] = { -1, -1, -1, -1 };
	char *buf = malloc(MAX_IO);
	long every = ops_per_thread / CHECKPOINTS;

	if (!buf)
		return NULL;
	for (long i = 1; i <= ops_per_thread; i++) {
		one_op(&s, fds, buf);
		atomic_fetch_add(&progress, 1);
		if (every && i % every == 0) {
			/* Close everything: a checkpoint must not wait on us. */
			for (int k = 0; k < SLOTS; k++) {
				if (fds[k] >= 0)
					close(fds[k]);
				fds[k] = -1;
			}
			checkpoint();
		}
	}
	for (int k = 0; k < SLOTS; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	free(buf);
	return NULL;
}

static pthread_t threads[64];

static void on_signal(int sig)
{
}

/*
 * When nothing moves while some worker sits in a blocking call (all may
 * wait on each other), interrupt the workers: the blocked calls return
 * EINTR, which the ABI allows. Nothing is opened, so EOF, ENOSPC and
 * EBUSY stay reachable.
 */
static void *watchdog(void *arg)
{
	long last = -1, stalled = 0, ticks = 0;

	while (!atomic_load(&done)) {
		long now = atomic_load(&progress);

		usleep(20000);
		/* Show progress once a minute: a long run is not a hang. */
		if (++ticks % 3000 == 0) {
			printf("# fuzz %s: %ld calls so far\n", device, now);
			fflush(stdout);
		}
		if (now != last) {
			stalled = 0;
		} else if (++stalled * 20 > 60000) {
			/* A minute without one completed call: fail, never hang. */
			printf("not ok - fuzz %s: seed %llu, stalled for 60 s after %ld calls\n",
			       device, seed, now);
			fflush(stdout);
			_exit(1);
		} else if (atomic_load(&blocked) > 0) {
			for (int i = 0; i < nthreads; i++)
				pthread_kill(threads[i], SIGUSR1);
		}
		last = now;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct timespec t0, t1;
	pthread_t dog;
	int opt;

	seed = time(NULL) ^ getpid();
	while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			ops_per_thread = atol(optarg);
			break;
		case 't':
			nthreads = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || nthreads < 1 || nthreads > 64 || ops_per_thread < 1)
		goto usage;
	device = argv[optind];
	ops_per_thread /= nthreads;
	printf("# fuzz %s: seed %llu, %d threads, %ld ops each\n", device, seed,
	       nthreads, ops_per_thread);
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_barrier_init(&barrier, NULL, nthreads);
	for (long i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, worker, (void *)i);
	pthread_create(&dog, NULL, watchdog, NULL);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	atomic_store(&done, 1);
	pthread_join(dog, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	printf("# errors seen (all allowed): EAGAIN %ld, ENOSPC %ld, EFAULT %ld, ENOTTY %ld, EINVAL %ld, EBUSY %ld, ENOMEM %ld, EINTR %ld\n",
	       by_errno[EAGAIN], by_errno[ENOSPC], by_errno[EFAULT], by_errno[ENOTTY],
	       by_errno[EINVAL], by_errno[EBUSY], by_errno[ENOMEM], by_errno[EINTR]);
	printf("%s - fuzz %s: seed %llu, %ld ops, %ld checkpoints, %ld violations, %.1f s\n",
	       violations ? "not ok" : "ok", device, seed, ops_per_thread * nthreads,
	       checkpoints, violations,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return violations ? 1 : 0;
usage:
	fprintf(stderr, "usage: fuzz [-s SEED] [-n OPS] [-t THREADS] DEVICE\n");
	return 2;
}
