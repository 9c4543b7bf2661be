// SPDX-License-Identifier: GPL-2.0
/*
 * conformance - the duet ABI, checked against both devices.
 *
 * Every test body runs once per variant: /dev/duet-c and /dev/duet-rust
 * must give the same answer to every rule of <linux/duet.h>. Run as root
 * with both modules loaded (max_open=8 for the max_open test), e.g.
 *
 *	modprobe duet_rust max_open=8; modprobe duet_c max_open=8
 *	./conformance
 *
 * A few tests need more of the kernel: a_copy_stuck_on_a_page_fault_*
 * userfaultfd (CONFIG_USERFAULTFD) and pidfd_getfd(), the signal races
 * SCHED_FIFO and CPU 0 (root has both).
 *
 * Modelled on tools/testing/selftests/mm/hmm-tests.c (FIXTURE_VARIANT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/duet.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"

/*
 * The harness's limit per test (30 s by default), raised: the suites run
 * this program under duet-watch, which stops a test that hangs sooner and
 * says where the kernel is stuck (guest/duet-watch.c). With two timers at
 * 30 s, the harness would kill the stuck test first and go on to hang in
 * the next one, test after test.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

/*
 * The UAPI layout, checked at compile time. This file is built twice, as a
 * 64-bit and as a 32-bit (i386) program, and both devices hand the structs
 * of a 32-bit caller through compat_ptr_ioctl unchanged: so every size and
 * offset must be the same for both (the size is also part of the ioctl
 * numbers). A __u64 after a lone __u32, say, would break these.
 */
#define LAYOUT(type, field, offset)					\
	_Static_assert(offsetof(struct type, field) == (offset),	\
		       #type "." #field " must be at offset " #offset " for 32- and 64-bit callers")
_Static_assert(sizeof(struct duet_info) == 24, "struct duet_info must be 24 bytes");
LAYOUT(duet_info, abi_version, 0);
LAYOUT(duet_info, capacity, 4);
LAYOUT(duet_info, used, 8);
LAYOUT(duet_info, max_open, 12);
LAYOUT(duet_info, impl, 16);
_Static_assert(sizeof(struct duet_stats) == 48, "struct duet_stats must be 48 bytes");
LAYOUT(duet_stats, opens, 0);
LAYOUT(duet_stats, reads, 8);
LAYOUT(duet_stats, writes, 16);
LAYOUT(duet_stats, bytes_in, 24);
LAYOUT(duet_stats, bytes_out, 32);
LAYOUT(duet_stats, digest_in, 40);
LAYOUT(duet_stats, digest_out, 44);

#define CAPACITY	DUET_CAPACITY_DEFAULT
#define BIG_TRANSFER	(4 << 20)

/* The kernel's crc32c(): reflected Castagnoli polynomial, no inversion. */
static uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return crc;
}

static void fill(uint8_t *buf, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = seed >> 16;
	}
}

static struct duet_info info_of(int fd)
{
	struct duet_info info;

	memset(&info, 0xff, sizeof(info));
	if (ioctl(fd, DUET_IOC_INFO, &info))
		info.abi_version = 0;
	return info;
}

static struct duet_stats stats_of(int fd)
{
	struct duet_stats stats;

	memset(&stats, 0xff, sizeof(stats));
	ioctl(fd, DUET_IOC_STATS, &stats);
	return stats;
}

/* Has child @pid exited within @ms milliseconds? Its status in @status. */
static int exited_within(pid_t pid, int ms, int *status)
{
	for (int waited = 0; waited <= ms; waited += 10) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 1;
		/*
		 * poll(), not usleep(): i386 glibc's usleep() gets ENOSYS and
		 * returns at once on a kernel without COMPAT_32BIT_TIME (ours),
		 * which made every wait here zero long in the 32-bit build.
		 */
		if (poll(NULL, 0, 10) < 0)
			return 0;
	}
	return 0;
}

/*
 * Is @pid in @state (S: asleep, interruptibly; D: uninterruptibly or
 * killably) in /proc/PID/stat within @ms milliseconds? For a child whose
 * only call that can sleep is the one under test, that state means it
 * waits in it: quicker to see than "has not exited after 300 ms", and
 * sure.
 */
static int in_state_within(pid_t pid, char state, int ms)
{
	char path[64], stat[512];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int waited = 0; waited <= ms; waited += 5) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof(stat) - 1);
		char *now;

		if (fd >= 0)
			close(fd);
		if (n <= 0)
			return 0;
		stat[n] = 0;
		now = strrchr(stat, ')');	/* after "PID (comm)" */
		if (now && now[1] == ' ' && now[2] == state)
			return 1;
		if (now && now[1] == ' ' && now[2] == 'Z')
			return 0;
		if (poll(NULL, 0, 5) < 0)
			return 0;
	}
	return 0;
}

static int sleeps_within(pid_t pid, int ms)
{
	return in_state_within(pid, 'S', ms);
}

/* A child's verdict: exit code 0 = it saw what it expected. */
#define CHILD_EXPECT(cond) exit((cond) ? 0 : 1)

FIXTURE(duet) {
	int fd;		/* an O_RDWR file, for ioctls */
};

FIXTURE_VARIANT(duet) {
	const char *path;
	const char *impl;
	const char *other;
};

FIXTURE_VARIANT_ADD(duet, c) {
	.path = "/dev/duet-c",
	.impl = "c",
	.other = "/dev/duet-rust",
};

FIXTURE_VARIANT_ADD(duet, rust) {
	.path = "/dev/duet-rust",
	.impl = "rust",
	.other = "/dev/duet-c",
};

/* Every test starts from an empty FIFO of CAPACITY bytes, stats zeroed. */
FIXTURE_SETUP(duet)
{
	__u32 capacity = CAPACITY;

	self->fd = open(variant->path, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s (module loaded?)",
				      variant->path, strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESET));
	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESIZE, &capacity));
}

FIXTURE_TEARDOWN(duet)
{
	close(self->fd);
}

/* --- DUET_IOC_INFO --- */

TEST_F(duet, info)
{
	struct duet_info info = info_of(self->fd);

	EXPECT_EQ(DUET_ABI_VERSION, info.abi_version);
	EXPECT_EQ(CAPACITY, info.capacity);
	EXPECT_EQ(0, info.used);
	EXPECT_STREQ(variant->impl, info.impl);
	EXPECT_EQ(0, info.impl[DUET_IMPL_LEN - 1]);
}

/* --- read and write --- */

TEST_F(duet, write_then_read_in_order)
{
	char buf[16] = "";

	ASSERT_EQ(5, write(self->fd, "hello", 5));
	ASSERT_EQ(6, write(self->fd, " world", 6));
	EXPECT_EQ(11, info_of(self->fd).used);
	ASSERT_EQ(3, read(self->fd, buf, 3));
	ASSERT_EQ(8, read(self->fd, buf + 3, sizeof(buf) - 3));
	EXPECT_STREQ("hello world", buf);
	EXPECT_EQ(0, info_of(self->fd).used);
}

TEST_F(duet, zero_length_calls_return_0)
{
	char c;

	EXPECT_EQ(0, write(self->fd, "x", 0));
	EXPECT_EQ(0, read(self->fd, &c, 0));
	EXPECT_EQ(0, info_of(self->fd).used);
	EXPECT_EQ(0, stats_of(self->fd).writes);
	EXPECT_EQ(0, stats_of(self->fd).reads);
}

TEST_F(duet, partial_write_at_capacity)
{
	static uint8_t buf[CAPACITY + 100];

	fill(buf, sizeof(buf), 1);
	ASSERT_EQ(CAPACITY - 10, write(self->fd, buf, CAPACITY - 10));
	/* Only 10 bytes fit: a partial write, not an error. */
	EXPECT_EQ(10, write(self->fd, buf, 100));
	EXPECT_EQ(CAPACITY, info_of(self->fd).used);
	errno = 0;
	EXPECT_EQ(-1, write(self->fd, buf, 1));
	EXPECT_EQ(EAGAIN, errno);
}

/*
 * A write that fits is taken whole, however long: nothing on its way keeps
 * the length in a narrower type (one of 16 bits would take 64 KiB + 100
 * bytes as 100; break-it case 23).
 */
TEST_F(duet, a_write_that_fits_is_taken_whole)
{
	static uint8_t buf[65536 + 100], out[65536 + 100];
	__u32 capacity = 2 * sizeof(buf);

	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESIZE, &capacity));
	fill(buf, sizeof(buf), 23);
	EXPECT_EQ(sizeof(buf), write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(sizeof(buf), info_of(self->fd).used);
	ASSERT_EQ(sizeof(out), read(self->fd, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(buf, out, sizeof(buf)));
}

TEST_F(duet, wraparound_keeps_order)
{
	static uint8_t in[3 * CAPACITY], out[3 * CAPACITY];
	size_t w = 0, r = 0;

	fill(in, sizeof(in), 2);
	/* Odd-sized steps walk head and tail all around the ring. */
	while (r < sizeof(in)) {
		ssize_t n = write(self->fd, in + w, sizeof(in) - w < 777 ? sizeof(in) - w : 777);

		if (n > 0)
			w += n;
		n = read(self->fd, out + r, 555);
		ASSERT_LT(0, n);
		r += n;
	}
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
}

TEST_F(duet, full_nonblocking_write_gets_eagain)
{
	static uint8_t buf[CAPACITY];

	ASSERT_EQ(CAPACITY, write(self->fd, buf, CAPACITY));
	errno = 0;
	EXPECT_EQ(-1, write(self->fd, buf, 1));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(duet, full_with_no_reader_gets_enospc)
{
	static uint8_t buf[CAPACITY];
	int w;

	close(self->fd);	/* the fixture's file can read */
	w = open(variant->path, O_WRONLY);
	ASSERT_LE(0, w);
	ASSERT_EQ(CAPACITY, write(w, buf, CAPACITY));
	errno = 0;
	EXPECT_EQ(-1, write(w, buf, 1));
	EXPECT_EQ(ENOSPC, errno);
	self->fd = w;
	EXPECT_EQ(0, ioctl(w, DUET_IOC_RESET));
}

/* poll's EPOLLERR and write agree: ENOSPC, not EAGAIN, as a pipe says EPIPE */
TEST_F(duet, full_nonblocking_with_no_reader_gets_enospc)
{
	static uint8_t buf[CAPACITY];
	struct pollfd p;
	int w;

	close(self->fd);	/* the fixture's file can read */
	w = open(variant->path, O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, w);
	self->fd = w;
	ASSERT_EQ(CAPACITY, write(w, buf, CAPACITY));
	p = (struct pollfd){ .fd = w, .events = POLLOUT };
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLERR, p.revents);
	errno = 0;
	EXPECT_EQ(-1, write(w, buf, 1));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0, ioctl(w, DUET_IOC_RESET));
}

TEST_F(duet, empty_with_no_writer_reads_eof)
{
	char c;
	int r;

	ASSERT_EQ(2, write(self->fd, "hi", 2));
	close(self->fd);
	r = open(variant->path, O_RDONLY);
	ASSERT_LE(0, r);
	self->fd = r;
	EXPECT_EQ(2, read(r, &c, 1) + read(r, &c, 1));
	EXPECT_EQ(0, read(r, &c, 1));	/* EOF, not EAGAIN, not a block */
}

TEST_F(duet, empty_nonblocking_read_gets_eagain)
{
	char c;

	errno = 0;
	EXPECT_EQ(-1, read(self->fd, &c, 1));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(duet, nonblock_set_by_fcntl_after_open)
{
	char c;
	int fd = open(variant->path, O_RDWR);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	errno = 0;
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

/* --- blocking and waking --- */

TEST_F(duet, blocked_reader_is_woken_by_write)
{
	int w = open(variant->path, O_WRONLY);
	int status;
	pid_t pid;

	ASSERT_LE(0, w);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int r = open(variant->path, O_RDONLY);
		char c = 0;

		alarm(10);
		CHILD_EXPECT(read(r, &c, 1) == 1 && c == 'x');
	}
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("reader did not block");
	ASSERT_EQ(1, write(w, "x", 1));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
	close(w);
}

TEST_F(duet, blocked_reader_gets_eof_when_last_writer_closes)
{
	int w = open(variant->path, O_WRONLY);
	int status;
	pid_t pid;

	ASSERT_LE(0, w);
	close(self->fd);	/* leave w the only writer */
	self->fd = open(variant->path, O_RDONLY);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		close(w);
		alarm(10);
		CHILD_EXPECT(read(self->fd, &c, 1) == 0);
	}
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("reader did not block");
	close(w);
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
}

/* Fill the FIFO, then start a child whose blocking write must wait. */
static pid_t start_blocked_writer(const char *path, int fd)
{
	static uint8_t buf[CAPACITY];
	pid_t pid;

	if (write(fd, buf, CAPACITY) != CAPACITY)
		return -1;
	pid = fork();
	if (pid == 0) {
		int w = open(path, O_WRONLY);

		alarm(10);
		CHILD_EXPECT(write(w, "y", 1) == 1);
	}
	return pid;
}

TEST_F(duet, blocked_writer_is_woken_by_read)
{
	static uint8_t buf[CAPACITY];
	int status;
	pid_t pid = start_blocked_writer(variant->path, self->fd);

	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("writer did not block");
	ASSERT_EQ(100, read(self->fd, buf, 100));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(CAPACITY - 99, info_of(self->fd).used);
}

TEST_F(duet, blocked_writer_is_woken_by_reset)
{
	int status;
	pid_t pid = start_blocked_writer(variant->path, self->fd);

	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("writer did not block");
	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESET));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(1, info_of(self->fd).used);
}

TEST_F(duet, blocked_writer_is_woken_by_resize)
{
	__u32 bigger = 2 * CAPACITY;
	int status;
	pid_t pid = start_blocked_writer(variant->path, self->fd);

	ASSERT_LT(0, pid);
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("writer did not block");
	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESIZE, &bigger));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(CAPACITY + 1, info_of(self->fd).used);
}

TEST_F(duet, blocked_writer_gets_enospc_when_last_reader_closes)
{
	static uint8_t buf[CAPACITY];
	int status;
	pid_t pid;

	ASSERT_EQ(CAPACITY, write(self->fd, buf, CAPACITY));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int w = open(variant->path, O_WRONLY);

		close(self->fd);
		alarm(10);
		CHILD_EXPECT(write(w, "y", 1) == -1 && errno == ENOSPC);
	}
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("writer did not block");
	close(self->fd);	/* the last file that can read */
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
	self->fd = open(variant->path, O_RDWR);
}

static void on_signal(int sig)
{
}

TEST_F(duet, signal_interrupts_a_blocked_read)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
		int rw = open(variant->path, O_RDWR);
		char c;

		sigaction(SIGUSR1, &sa, NULL);
		alarm(10);
		CHILD_EXPECT(read(rw, &c, 1) == -1 && errno == EINTR);
	}
	EXPECT_EQ(0, exited_within(pid, 300, &status)) TH_LOG("reader did not block");
	kill(pid, SIGUSR1);
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
}

/*
 * Data that is already there beats a pending signal, as in pipe_read()
 * and pipe_write(): a blocked reader (or writer) that is given bytes (or
 * space) and a signal at the same moment returns what it moved, not
 * EINTR. To make "the same moment" sure, the victim and the waker are
 * pinned to one CPU, the waker at the higher SCHED_FIFO priority: from
 * the victim's falling asleep to the waker's exit (after its read or
 * write and its kill()), the victim cannot run.
 */
static volatile sig_atomic_t got_signal;

static void note_signal(int sig)
{
	got_signal = 1;
}

/* Pin the caller to CPU 0 at SCHED_FIFO priority @prio. */
static int pin_fifo(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus) ||
	       sched_setscheduler(0, SCHED_FIFO, &sp);
}

/* The victim's exit codes. */
enum { RACE_MOVED = 0, RACE_EINTR = 1, RACE_OTHER = 2, RACE_NO_SIGNAL = 3, RACE_NO_PIN = 4 };

static const char *race_verdict(int status)
{
	if (!WIFEXITED(status))
		return "killed";
	switch (WEXITSTATUS(status)) {
	case RACE_MOVED: return "moved the bytes";
	case RACE_EINTR: return "EINTR";
	case RACE_NO_SIGNAL: return "moved the bytes, but no signal came";
	case RACE_NO_PIN: return "could not pin itself to CPU 0 at SCHED_FIFO";
	default: return "an unexpected result";
	}
}

/*
 * Fork the waker: once @victim sleeps, it reads @len bytes from @fd (if
 * @len) or writes one byte 'x' to it, then sends @victim SIGUSR1. Exits
 * 0 if all of that worked.
 */
static pid_t start_waker(pid_t victim, int fd, size_t len)
{
	static uint8_t buf[CAPACITY];
	pid_t pid = fork();

	if (pid)
		return pid;
	if (pin_fifo(2))
		exit(4);
	if (!sleeps_within(victim, 5000))
		exit(5);
	if (len ? read(fd, buf, len) != (ssize_t)len : write(fd, "x", 1) != 1)
		exit(6);
	exit(kill(victim, SIGUSR1) ? 7 : 0);
}

TEST_F(duet, data_beats_a_signal_for_a_blocked_reader)
{
	int status, waker_status;
	pid_t pid, waker;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = note_signal };	/* no SA_RESTART */
		int r = open(variant->path, O_RDONLY);
		ssize_t n;
		char c = 0;

		sigaction(SIGUSR1, &sa, NULL);
		if (r < 0 || pin_fifo(1))
			exit(RACE_NO_PIN);
		alarm(10);
		n = read(r, &c, 1);
		if (n < 0 && errno == EINTR)
			exit(RACE_EINTR);
		if (n != 1 || c != 'x')
			exit(RACE_OTHER);
		exit(got_signal ? RACE_MOVED : RACE_NO_SIGNAL);
	}
	waker = start_waker(pid, self->fd, 0);
	ASSERT_LE(0, waker);
	ASSERT_EQ(waker, waitpid(waker, &waker_status, 0));
	EXPECT_EQ(0, waker_status) TH_LOG("the waker failed (exit %d)", WEXITSTATUS(waker_status));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status) TH_LOG("a reader given a byte and a signal at once: %s, not 1",
				    race_verdict(status));
}

TEST_F(duet, space_beats_a_signal_for_a_blocked_writer)
{
	static uint8_t buf[CAPACITY];
	int status, waker_status;
	pid_t pid, waker;

	ASSERT_EQ(CAPACITY, write(self->fd, buf, CAPACITY));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = note_signal };	/* no SA_RESTART */
		int w = open(variant->path, O_WRONLY);
		ssize_t n;

		sigaction(SIGUSR1, &sa, NULL);
		if (w < 0 || pin_fifo(1))
			exit(RACE_NO_PIN);
		alarm(10);
		n = write(w, "0123456789", 10);
		if (n < 0 && errno == EINTR)
			exit(RACE_EINTR);
		if (n != 10)
			exit(RACE_OTHER);
		exit(got_signal ? RACE_MOVED : RACE_NO_SIGNAL);
	}
	waker = start_waker(pid, self->fd, 100);
	ASSERT_LE(0, waker);
	ASSERT_EQ(waker, waitpid(waker, &waker_status, 0));
	EXPECT_EQ(0, waker_status) TH_LOG("the waker failed (exit %d)", WEXITSTATUS(waker_status));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status) TH_LOG("a writer given space and a signal at once: %s, not 10",
				    race_verdict(status));
	EXPECT_EQ(CAPACITY - 100 + 10, info_of(self->fd).used);
}

/* --- poll, select and epoll --- */

#define READABLE	(POLLIN | POLLRDNORM)
#define WRITABLE	(POLLOUT | POLLWRNORM)

/* What poll() says of @fd now, every bit asked for. */
static int revents_of(int fd)
{
	struct pollfd p = {
		.fd = fd,
		.events = POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI |
			  POLLOUT | POLLWRNORM | POLLWRBAND | POLLRDHUP,
	};

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* What select() says of @fd now: 1 readable, 2 writable, 4 exception. */
static int selected_of(int fd)
{
	struct timeval zero = { 0 };
	fd_set rd, wr, ex;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	FD_SET(fd, &rd);
	FD_SET(fd, &wr);
	FD_SET(fd, &ex);
	if (select(fd + 1, &rd, &wr, &ex, &zero) < 0)
		return -1;
	return FD_ISSET(fd, &rd) | FD_ISSET(fd, &wr) << 1 | FD_ISSET(fd, &ex) << 2;
}

/*
 * As for a FIFO: a file that can read is readable with bytes queued, and
 * hung up (POLLHUP) with no writer left; a file that can write is
 * writable with room, and in error (POLLERR) when full with no reader
 * left. Each file gets the bits of its own access mode only.
 */
TEST_F(duet, poll_and_select_follow_the_fifo)
{
	static uint8_t buf[CAPACITY];
	int r = open(variant->path, O_RDONLY | O_NONBLOCK);
	int w = open(variant->path, O_WRONLY | O_NONBLOCK);

	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	/* Empty, with writers: nothing to read, room to write. */
	EXPECT_EQ(0, revents_of(r));
	EXPECT_EQ(WRITABLE, revents_of(w));
	EXPECT_EQ(WRITABLE, revents_of(self->fd));
	EXPECT_EQ(0, selected_of(r));
	EXPECT_EQ(2, selected_of(w));
	/* One byte queued. */
	ASSERT_EQ(1, write(w, "x", 1));
	EXPECT_EQ(READABLE, revents_of(r));
	EXPECT_EQ(WRITABLE, revents_of(w));
	EXPECT_EQ(READABLE | WRITABLE, revents_of(self->fd));
	EXPECT_EQ(1, selected_of(r));
	EXPECT_EQ(2, selected_of(w));
	EXPECT_EQ(3, selected_of(self->fd));
	/* Full, with readers: no room. */
	ASSERT_EQ(CAPACITY - 1, write(w, buf, CAPACITY - 1));
	EXPECT_EQ(READABLE, revents_of(r));
	EXPECT_EQ(0, revents_of(w));
	EXPECT_EQ(READABLE, revents_of(self->fd));
	EXPECT_EQ(0, selected_of(w));
	/* Full, and no file can read: POLLERR (write would get ENOSPC). */
	close(r);
	close(self->fd);
	self->fd = w;
	EXPECT_EQ(POLLERR, revents_of(w));
	/* Bytes queued, and no file can write: readable and POLLHUP. */
	r = open(variant->path, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, r);
	EXPECT_EQ(0, revents_of(w)) TH_LOG("a reader again: full, not an error");
	close(w);
	self->fd = r;
	EXPECT_EQ(READABLE | POLLHUP, revents_of(r));
	/* Empty, no writer: POLLHUP alone (read would return 0). */
	ASSERT_EQ(CAPACITY, read(r, buf, CAPACITY));
	EXPECT_EQ(POLLHUP, revents_of(r));
	EXPECT_EQ(1, selected_of(r)) TH_LOG("select: hung up is readable");
}

/*
 * Start a child that closes its copy of @unused (if not -1), polls @path
 * (opened with @mode) for @events, and exits 0 if it got @expect.
 */
static pid_t start_poller(const char *path, int unused, int mode, short events,
			  short expect)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct pollfd p = { .fd = open(path, mode), .events = events };

		if (unused >= 0)
			close(unused);
		alarm(10);
		CHILD_EXPECT(p.fd >= 0 && poll(&p, 1, 5000) == 1 && p.revents == expect);
	}
	return pid;
}

TEST_F(duet, poll_waiter_is_woken_by_write)
{
	int status;
	pid_t pid = start_poller(variant->path, -1, O_RDONLY, POLLIN, POLLIN);

	ASSERT_LE(0, pid);
	EXPECT_EQ(1, sleeps_within(pid, 2000)) TH_LOG("poll on an empty device did not wait");
	ASSERT_EQ(1, write(self->fd, "x", 1));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
}

TEST_F(duet, poll_waiter_is_woken_by_read)
{
	static uint8_t buf[CAPACITY];
	int status;
	pid_t pid;

	ASSERT_EQ(CAPACITY, write(self->fd, buf, CAPACITY));
	pid = start_poller(variant->path, -1, O_WRONLY, POLLOUT, POLLOUT);
	ASSERT_LE(0, pid);
	EXPECT_EQ(1, sleeps_within(pid, 2000)) TH_LOG("poll on a full device did not wait");
	ASSERT_EQ(1, read(self->fd, buf, 1));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
}

TEST_F(duet, poll_waiter_gets_pollhup_when_last_writer_closes)
{
	int status;
	pid_t pid;

	close(self->fd);
	self->fd = open(variant->path, O_WRONLY);	/* the only writer */
	ASSERT_LE(0, self->fd);
	pid = start_poller(variant->path, self->fd, O_RDONLY, POLLIN, POLLHUP);
	ASSERT_LE(0, pid);
	EXPECT_EQ(1, sleeps_within(pid, 2000)) TH_LOG("poll on an empty device did not wait");
	close(self->fd);
	self->fd = open(variant->path, O_RDONLY);
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);
}

/*
 * epoll_ctl(ADD) works (without a poll file operation it is EPERM), level-
 * and edge-triggered; an edge-triggered waiter is woken by a write from
 * another process.
 */
TEST_F(duet, epoll_level_and_edge_triggered)
{
	int r = open(variant->path, O_RDONLY | O_NONBLOCK);
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	int lt = epoll_create1(0), et = epoll_create1(0), wr = epoll_create1(0);
	static uint8_t buf[CAPACITY];
	int status;
	pid_t pid;

	ASSERT_LE(0, r);
	ASSERT_LE(0, lt);
	ASSERT_LE(0, et);
	ASSERT_LE(0, wr);
	ASSERT_EQ(0, epoll_ctl(lt, EPOLL_CTL_ADD, r, &ev))
		TH_LOG("epoll_ctl ADD: %s", strerror(errno));
	ev.events = EPOLLIN | EPOLLET;
	ASSERT_EQ(0, epoll_ctl(et, EPOLL_CTL_ADD, r, &ev));
	ev.events = EPOLLOUT;
	ASSERT_EQ(0, epoll_ctl(wr, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(lt, out, 4, 0));
	EXPECT_EQ(0, epoll_wait(et, out, 4, 0));
	EXPECT_EQ(1, epoll_wait(wr, out, 4, 0));
	EXPECT_EQ(EPOLLOUT, out[0].events);

	/* An edge-triggered waiter in another process, woken by a write. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		alarm(10);
		CHILD_EXPECT(epoll_wait(et, out, 4, 5000) == 1 && out[0].events == EPOLLIN);
	}
	EXPECT_EQ(1, sleeps_within(pid, 2000)) TH_LOG("epoll_wait on an empty device did not wait");
	ASSERT_EQ(1, write(self->fd, "x", 1));
	ASSERT_EQ(1, exited_within(pid, 5000, &status));
	EXPECT_EQ(0, status);

	/* Level-triggered: reported as long as bytes are queued. */
	EXPECT_EQ(1, epoll_wait(lt, out, 4, 0));
	EXPECT_EQ(EPOLLIN, out[0].events);
	EXPECT_EQ(1, epoll_wait(lt, out, 4, 0));
	/* Edge-triggered: once per write (the child took this one). */
	EXPECT_EQ(0, epoll_wait(et, out, 4, 0));
	ASSERT_EQ(1, write(self->fd, "y", 1));
	EXPECT_EQ(1, epoll_wait(et, out, 4, 0));
	EXPECT_EQ(0, epoll_wait(et, out, 4, 0));
	/* Full: no room; a read makes some. */
	ASSERT_EQ(CAPACITY - 2, write(self->fd, buf, CAPACITY - 2));
	EXPECT_EQ(0, epoll_wait(wr, out, 4, 0));
	ASSERT_EQ(2, read(r, buf, 2));
	EXPECT_EQ(1, epoll_wait(wr, out, 4, 0));
	close(wr);
	close(et);
	close(lt);
	close(r);
}

/* --- a stream: no file position --- */

TEST_F(duet, pread_pwrite_and_lseek_get_espipe)
{
	char c = 0;

	errno = 0;
	EXPECT_EQ(-1, pwrite(self->fd, "x", 1, 0));
	EXPECT_EQ(ESPIPE, errno);
	ASSERT_EQ(1, write(self->fd, "y", 1));
	errno = 0;
	EXPECT_EQ(-1, pread(self->fd, &c, 1, 0));
	EXPECT_EQ(ESPIPE, errno);
	for (int whence = SEEK_SET; whence <= SEEK_END; whence++) {
		errno = 0;
		EXPECT_EQ(-1, lseek(self->fd, 0, whence)) TH_LOG("whence %d", whence);
		EXPECT_EQ(ESPIPE, errno) TH_LOG("whence %d", whence);
	}
	/* Neither moved a byte. */
	EXPECT_EQ(1, info_of(self->fd).used);
	ASSERT_EQ(1, read(self->fd, &c, 1));
	EXPECT_EQ('y', c);
}

/* --- DUET_IOC_STATS and digests --- */

TEST_F(duet, stats_count_calls_that_moved_bytes)
{
	char buf[8];
	struct duet_stats s;
	int fd = open(variant->path, O_RDONLY | O_NONBLOCK);

	ASSERT_LE(0, fd);
	ASSERT_EQ(3, write(self->fd, "abc", 3));
	ASSERT_EQ(2, write(self->fd, "de", 2));
	ASSERT_EQ(5, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(-1, read(self->fd, buf, 1));	/* EAGAIN: not counted */
	EXPECT_EQ(0, write(self->fd, buf, 0));	/* nothing moved: not counted */
	s = stats_of(self->fd);
	EXPECT_EQ(1, s.opens);
	EXPECT_EQ(1, s.reads);
	EXPECT_EQ(2, s.writes);
	EXPECT_EQ(5, s.bytes_in);
	EXPECT_EQ(5, s.bytes_out);
	EXPECT_EQ(crc32c(0, "abcde", 5), s.digest_in);
	EXPECT_EQ(s.digest_in, s.digest_out);
	close(fd);
}

TEST_F(duet, reset_empties_and_zeroes)
{
	struct duet_stats zero = { 0 }, s;

	ASSERT_EQ(3, write(self->fd, "abc", 3));
	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESET));
	s = stats_of(self->fd);
	EXPECT_EQ(0, memcmp(&zero, &s, sizeof(s)));
	EXPECT_EQ(0, info_of(self->fd).used);
}

/* A writer and a reader process move BIG_TRANSFER bytes in random sizes. */
TEST_F(duet, big_transfer_matches_both_digests)
{
	static uint8_t buf[65536];
	uint32_t sent = 0, got = 0;
	int r, w, status, pfd[2];
	struct duet_stats s;
	size_t total = 0;
	ssize_t n;
	pid_t pid;

	/* Both ends open before the fork: no early EOF, no ENOSPC. */
	r = open(variant->path, O_RDONLY);
	w = open(variant->path, O_WRONLY);
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	ASSERT_EQ(0, pipe(pfd));
	close(self->fd);
	self->fd = r;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		size_t left = BIG_TRANSFER;

		close(r);
		srand(7);
		while (left) {
			size_t len = 1 + rand() % sizeof(buf);

			len = len < left ? len : left;
			fill(buf, len, left);
			n = write(w, buf, len);
			if (n <= 0)
				exit(2);
			sent = crc32c(sent, buf, n);
			left -= n;
		}
		exit(write(pfd[1], &sent, sizeof(sent)) == sizeof(sent) ? 0 : 3);
	}
	close(w);	/* the child's is the last writer: EOF ends the loop */
	srand(8);
	while ((n = read(r, buf, 1 + rand() % sizeof(buf))) > 0) {
		got = crc32c(got, buf, n);
		total += n;
	}
	EXPECT_EQ(0, n);
	EXPECT_EQ(BIG_TRANSFER, total);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_EQ(sizeof(sent), read(pfd[0], &sent, sizeof(sent)));
	EXPECT_EQ(sent, got);
	s = stats_of(r);
	EXPECT_EQ(BIG_TRANSFER, s.bytes_in);
	EXPECT_EQ(BIG_TRANSFER, s.bytes_out);
	EXPECT_EQ(sent, s.digest_in);
	EXPECT_EQ(got, s.digest_out);
}

/* /proc/duet shows this device's live counters and digests. */
TEST_F(duet, proc_duet_row_matches_stats)
{
	char line[256], name[16], module[32];
	unsigned long long opens, reads, writes, in, out;
	unsigned int din, dout, found = 0;
	struct duet_stats s;
	FILE *f;

	ASSERT_EQ(7, write(self->fd, "digest!", 7));
	ASSERT_EQ(4, read(self->fd, line, 4));
	s = stats_of(self->fd);
	f = fopen("/proc/duet", "r");
	ASSERT_TRUE(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %31s %llu %llu %llu %llu %llu %x %x", name,
			   module, &opens, &reads, &writes, &in, &out, &din,
			   &dout) != 9 || strcmp(name, variant->impl))
			continue;
		found++;
		EXPECT_EQ(s.writes, writes);
		EXPECT_EQ(s.reads, reads);
		EXPECT_EQ(s.bytes_in, in);
		EXPECT_EQ(s.bytes_out, out);
		EXPECT_EQ(s.digest_in, din);
		EXPECT_EQ(s.digest_out, dout);
	}
	fclose(f);
	EXPECT_EQ(1, found);
}

/* The refs column of @impl's /proc/duet row, or -1. */
static int refs_of(const char *impl)
{
	char line[256], name[16];
	int refs = -1;
	FILE *f = fopen("/proc/duet", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *last = strrchr(line, ' ');

		if (sscanf(line, "%15s", name) == 1 && !strcmp(name, impl) && last)
			refs = atoi(last + 1);
	}
	fclose(f);
	return refs;
}

/*
 * Each open file holds one reference to the device's registry handle, and
 * gives it back when it is closed: refs (in /proc/duet) goes up by one per
 * open and comes back down.
 */
TEST_F(duet, proc_duet_refs_follow_open_files)
{
	int before = refs_of(variant->impl), fds[3];

	ASSERT_LT(1, before) TH_LOG("the registration's reference and the fixture's file");
	for (int i = 0; i < 3; i++) {
		fds[i] = open(variant->path, O_RDONLY | O_NONBLOCK);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(before + 3, refs_of(variant->impl));
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	EXPECT_EQ(before, refs_of(variant->impl));
}

/* /proc/duet shows the digests of what was written: for root only. */
TEST_F(duet, proc_duet_is_for_root_only)
{
	struct stat st;
	int status, fd;
	pid_t pid;

	ASSERT_EQ(0, stat("/proc/duet", &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	fd = open("/proc/duet", O_RDONLY);
	EXPECT_LE(0, fd) TH_LOG("root cannot open /proc/duet: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534))
			exit(2);
		fd = open("/proc/duet", O_RDONLY);
		CHILD_EXPECT(fd == -1 && errno == EACCES);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("an unprivileged open of /proc/duet did not get EACCES");
}

/*
 * The VFS refuses O_DIRECT on a file without direct I/O only after the
 * driver's open has run (and then releases the file): the device refuses
 * it first, so the failed open is neither counted nor referenced.
 */
TEST_F(duet, o_direct_open_is_refused_and_not_counted)
{
	__u64 opens = stats_of(self->fd).opens;
	int refs = refs_of(variant->impl), fd;

	errno = 0;
	fd = open(variant->path, O_RDWR | O_DIRECT);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(opens, stats_of(self->fd).opens) TH_LOG("STATS.opens counted the refused open");
	EXPECT_EQ(refs, refs_of(variant->impl));
}

/* --- DUET_IOC_RESIZE --- */

TEST_F(duet, resize_keeps_data_in_order)
{
	static uint8_t a[3000], b[2500], out[CAPACITY];
	__u32 sizes[] = { 3500, 4000, 64 * 1024, 3600 };

	fill(a, sizeof(a), 3);
	fill(b, sizeof(b), 4);
	/* Leave a[2000..3000] + b queued, wrapping around the ring's end. */
	ASSERT_EQ(3000, write(self->fd, a, 3000));
	ASSERT_EQ(2000, read(self->fd, out, 2000));
	ASSERT_EQ(2500, write(self->fd, b, 2500));
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESIZE, &sizes[i]));
		EXPECT_EQ(sizes[i], info_of(self->fd).capacity);
		EXPECT_EQ(3500, info_of(self->fd).used);
	}
	ASSERT_EQ(3500, read(self->fd, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(a + 2000, out, 1000));
	EXPECT_EQ(0, memcmp(b, out + 1000, 2500));
}

TEST_F(duet, resize_bounds)
{
	static const struct { __u32 capacity; int err; } table[] = {
		{ 0, EINVAL }, { DUET_CAPACITY_MIN - 1, EINVAL },
		{ DUET_CAPACITY_MAX + 1, EINVAL }, { 0xffffffff, EINVAL },
		{ DUET_CAPACITY_MIN, 0 }, { DUET_CAPACITY_MAX, 0 },
	};

	for (unsigned int i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		__u32 cap = table[i].capacity;
		int ret = ioctl(self->fd, DUET_IOC_RESIZE, &cap);

		EXPECT_EQ(table[i].err ? -1 : 0, ret) TH_LOG("capacity %u", cap);
		if (table[i].err) {
			EXPECT_EQ(table[i].err, errno);
		} else {
			EXPECT_EQ(cap, info_of(self->fd).capacity);
		}
	}
}

TEST_F(duet, resize_below_used_is_busy)
{
	static uint8_t buf[100];
	__u32 small = DUET_CAPACITY_MIN, exact = 100;

	ASSERT_EQ(100, write(self->fd, buf, 100));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DUET_IOC_RESIZE, &small));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(CAPACITY, info_of(self->fd).capacity);
	EXPECT_EQ(0, ioctl(self->fd, DUET_IOC_RESIZE, &exact));
	EXPECT_EQ(100, info_of(self->fd).used);
}

/*
 * RESIZE reads its argument once. Another thread flips the value between
 * a valid capacity and one below DUET_CAPACITY_MIN while RESIZE is called
 * on it: each call sets the valid one or fails with EINVAL, and the
 * capacity is never the invalid one, as it would be if the device read
 * the value again after checking it (a double fetch).
 */
static volatile __u32 flip_value;
static volatile int flip_stop;

static void *flipper(void *arg)
{
	while (!flip_stop) {
		flip_value = DUET_CAPACITY_MIN / 4;
		flip_value = 2 * CAPACITY;
	}
	return arg;
}

TEST_F(duet, resize_reads_its_argument_once)
{
	unsigned int set = 0, refused = 0, i;
	struct timespec start, now;
	__u32 bad = 0;
	pthread_t t;

	flip_stop = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, flipper, NULL));
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* 2000 calls, or 2 s (the sanitizers' and arm64's guests are slow) */
	for (i = 0; i < 2000 && !bad; i++) {
		if (!ioctl(self->fd, DUET_IOC_RESIZE, (__u32 *)&flip_value)) {
			__u32 cap = info_of(self->fd).capacity;

			set++;
			if (cap < DUET_CAPACITY_MIN)
				bad = cap;
		} else if (errno == EINVAL) {
			refused++;
		} else {
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= 2)
			break;
	}
	flip_stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(0, bad) TH_LOG("capacity %u set, below the minimum %u (after %u calls)",
				 bad, DUET_CAPACITY_MIN, i);
	EXPECT_LT(0, set + refused) TH_LOG("no call succeeded or failed with EINVAL: %s",
					   strerror(errno));
}

/* --- bad input --- */

#if UINTPTR_MAX > 0xffffffffu
#define KERNEL_POINTER	((void *)0xffff888000000000UL)	/* x86-64's direct map */
#else
#define KERNEL_POINTER	((void *)0xc0000000UL)	/* i386's kernel; unmapped in a compat task */
#endif

TEST_F(duet, unknown_ioctls_get_enotty)
{
	static const unsigned long cmds[] = {
		0, _IO(DUET_IOC_MAGIC, 4), _IO(DUET_IOC_MAGIC, 0xff),
		_IOR(DUET_IOC_MAGIC, 0, int),	/* INFO's number, wrong size */
		_IOW(DUET_IOC_MAGIC, 3, __u64),	/* RESIZE's number, wrong size */
		_IOR('x', 1, int),
	};

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], 0)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
}

TEST_F(duet, bad_pointers_get_efault_and_change_nothing)
{
	static void *const bad[] = {
		NULL, (void *)1, KERNEL_POINTER, (void *)-4096L,
	};
	static const unsigned long cmds[] = {
		DUET_IOC_INFO, DUET_IOC_STATS, DUET_IOC_RESIZE,
	};
	struct duet_stats before, after;
	struct duet_info info;
	char buf[4];

	ASSERT_EQ(4, write(self->fd, "data", 4));
	before = stats_of(self->fd);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (unsigned int j = 0; j < sizeof(cmds) / sizeof(cmds[0]); j++) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(self->fd, cmds[j], bad[i]));
			EXPECT_EQ(EFAULT, errno) TH_LOG("cmd %#lx ptr %p", cmds[j], bad[i]);
		}
		errno = 0;
		EXPECT_EQ(-1, write(self->fd, bad[i], 4));
		EXPECT_EQ(EFAULT, errno);
		errno = 0;
		EXPECT_EQ(-1, read(self->fd, bad[i], 4));
		EXPECT_EQ(EFAULT, errno);
	}
	after = stats_of(self->fd);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(after)));
	info = info_of(self->fd);
	EXPECT_EQ(CAPACITY, info.capacity);
	EXPECT_EQ(4, info.used);
	ASSERT_EQ(4, read(self->fd, buf, 4));
	EXPECT_EQ(0, memcmp("data", buf, 4));
}

TEST_F(duet, unprivileged_reset_and_resize_get_eperm)
{
	int status;
	pid_t pid;

	ASSERT_EQ(3, write(self->fd, "abc", 3));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		__u32 cap = 2 * CAPACITY;

		/* Leaving uid 0 drops every capability, CAP_SYS_ADMIN too. */
		if (setresuid(65534, 65534, 65534))
			exit(2);
		CHILD_EXPECT(ioctl(self->fd, DUET_IOC_RESET) == -1 && errno == EPERM &&
			     ioctl(self->fd, DUET_IOC_RESIZE, &cap) == -1 &&
			     errno == EPERM);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(3, info_of(self->fd).used);
	EXPECT_EQ(CAPACITY, info_of(self->fd).capacity);
	EXPECT_EQ(3, stats_of(self->fd).bytes_in);
}

TEST_F(duet, open_beyond_max_open_gets_ebusy)
{
	__u32 max = info_of(self->fd).max_open;
	int fds[64], n;

	if (!max || max > 60)
		SKIP(return, "load the module with max_open=2..60 (now %u)", max);
	/* The fixture holds one file already. */
	for (n = 0; n < (int)max - 1; n++) {
		fds[n] = open(variant->path, O_RDONLY);
		ASSERT_LE(0, fds[n]) TH_LOG("open %d of %u", n + 2, max);
	}
	errno = 0;
	EXPECT_EQ(-1, open(variant->path, O_RDONLY));
	EXPECT_EQ(EBUSY, errno);
	close(fds[0]);
	fds[0] = open(variant->path, O_RDONLY);
	EXPECT_LE(0, fds[0]) TH_LOG("a slot freed by close is usable again");
	while (n--)
		close(fds[n]);
}

/* --- a caller stuck in a copy wedges no one --- */

/* What the stuck writer tells the test: its userfaultfd, and the page. */
struct stuck_note {
	int uffd;
	uint64_t addr;
};

/*
 * The stuck writer's userfaultfd and page, within 5 s: its note comes
 * down @pipe_rd, and its file is taken with pidfd_getfd() (the lab
 * kernel has no AF_UNIX for SCM_RIGHTS). Returns the file, or -1.
 */
static int stuck_uffd(pid_t pid, int pipe_rd, uint64_t *addr)
{
	struct pollfd p = { .fd = pipe_rd, .events = POLLIN };
	struct stuck_note note;
	int pidfd, fd;

	if (poll(&p, 1, 5000) != 1 || read(pipe_rd, &note, sizeof(note)) != sizeof(note))
		return -1;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -1;
	fd = syscall(SYS_pidfd_getfd, pidfd, note.uffd, 0);
	close(pidfd);
	*addr = note.addr;
	return fd;
}

#define STUCK_LEN	16

/*
 * Fork a child that writes STUCK_LEN bytes to @fd from a page that
 * userfaultfd holds back: the copy from user memory faults and waits,
 * with the device lock held, until the page is served. The child tells
 * its userfaultfd and the page's address down @pipe_wr first (the fault
 * waits in the child's own address space: a registration is not
 * inherited by fork). Flags 0, not UFFD_USER_MODE_ONLY: the fault
 * happens in the kernel's copy; root may do that. Exits 0 if the write
 * returned STUCK_LEN in the end.
 */
static pid_t start_stuck_writer(int fd, int pipe_wr)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct stuck_note note;
	pid_t pid = fork();
	void *page;

	if (pid)
		return pid;
	/*
	 * A fatal signal ends the wait for the page: if the test stops
	 * early, its end (or the alarm) frees the device lock.
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(10);
	note.uffd = syscall(SYS_userfaultfd, 0);
	if (note.uffd < 0 || ioctl(note.uffd, UFFDIO_API, &api))
		exit(2);
	page = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		exit(3);
	reg.range.start = (uintptr_t)page;
	reg.range.len = page_size;
	note.addr = (uintptr_t)page;
	if (ioctl(note.uffd, UFFDIO_REGISTER, &reg) ||
	    write(pipe_wr, &note, sizeof(note)) != sizeof(note))
		exit(4);
	CHILD_EXPECT(write(fd, page, STUCK_LEN) == STUCK_LEN);
}

/*
 * A caller stuck in a copy from user memory holds the device lock; then
 * INFO and STATS (which take no lock) return, another writer (waiting
 * killably for the lock) dies of SIGKILL, and close() returns (release
 * takes no lock). Then the copy goes on, and so does the device.
 */
TEST_F(duet, a_copy_stuck_on_a_page_fault_wedges_no_one)
{
	int s = open(variant->path, O_WRONLY);	/* the stuck writer's */
	int w = open(variant->path, O_WRONLY);	/* the second writer's */
	int x = open(variant->path, O_RDONLY | O_NONBLOCK);	/* the closer's */
	pid_t stuck, closer, info, writer = -1;
	int note[2], go[2], uffd, status, done;
	struct uffd_msg msg;
	struct pollfd p;
	uint64_t addr;
	char buf[STUCK_LEN + 1], zeros[STUCK_LEN] = { 0 };

	ASSERT_LE(0, s);
	ASSERT_LE(0, w);
	ASSERT_LE(0, x);
	ASSERT_EQ(0, pipe(note));
	ASSERT_EQ(0, pipe(go));
	/* The closer holds the last reference to x: its close() releases it. */
	closer = fork();
	ASSERT_LE(0, closer);
	if (closer == 0) {
		char c;

		alarm(20);
		if (read(go[0], &c, 1) != 1)
			exit(2);
		CHILD_EXPECT(close(x) == 0);
	}
	close(x);
	stuck = start_stuck_writer(s, note[1]);
	ASSERT_LE(0, stuck);
	uffd = stuck_uffd(stuck, note[0], &addr);
	ASSERT_LE(0, uffd) TH_LOG("no userfaultfd from the child (CONFIG_USERFAULTFD?): %s",
				  strerror(errno));
	/* The fault's message: the child is in the copy now, lock held. */
	p = (struct pollfd){ .fd = uffd, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 5000)) TH_LOG("the write never touched the page");
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);

	/* INFO and STATS on another file of the device. */
	info = fork();
	ASSERT_LE(0, info);
	if (info == 0) {
		struct duet_info i;
		struct duet_stats st;

		CHILD_EXPECT(ioctl(self->fd, DUET_IOC_INFO, &i) == 0 &&
			     ioctl(self->fd, DUET_IOC_STATS, &st) == 0 && i.capacity == CAPACITY);
	}
	done = exited_within(info, 5000, &status);
	EXPECT_EQ(1, done) TH_LOG("INFO or STATS waited for the stuck copy");
	if (done) {
		EXPECT_EQ(0, status) TH_LOG("INFO or STATS failed");
		info = -1;
	}

	writer = fork();
	ASSERT_LE(0, writer);
	if (writer == 0) {
		alarm(20);
		/* Waits for the lock, and is killed there. */
		exit(write(w, "z", 1) < 0);
	}
	/* D: a killable wait (and the old modules' uninterruptible one). */
	EXPECT_EQ(1, in_state_within(writer, 'D', 2000))
		TH_LOG("a second writer did not wait for the lock");
	kill(writer, SIGKILL);
	done = exited_within(writer, 5000, &status);
	EXPECT_EQ(1, done) TH_LOG("SIGKILL did not end a writer waiting for the lock");
	if (done) {
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		writer = -1;
	}

	ASSERT_EQ(1, write(go[1], "g", 1));
	done = exited_within(closer, 5000, &status);
	EXPECT_EQ(1, done) TH_LOG("close() waited for the stuck copy");
	if (done) {
		EXPECT_EQ(0, status);
		closer = -1;
	}

	/* Serve the page (zeros): the stuck write goes on. */
	{
		struct uffdio_zeropage zero = {
			.range = { .start = addr, .len = sysconf(_SC_PAGESIZE) },
		};

		if (ioctl(uffd, UFFDIO_ZEROPAGE, &zero)) {
			TH_LOG("UFFDIO_ZEROPAGE: %s; killing the stuck writer", strerror(errno));
			kill(stuck, SIGKILL);
		}
	}
	ASSERT_EQ(1, exited_within(stuck, 5000, &status));
	EXPECT_EQ(0, status) TH_LOG("the write from the served page did not return %d", STUCK_LEN);
	/* The others, if they were wedged, go on now too. */
	if (info > 0)
		waitpid(info, &status, 0);
	if (writer > 0)
		waitpid(writer, &status, 0);
	if (closer > 0)
		waitpid(closer, &status, 0);
	close(uffd);
	close(note[0]);
	close(note[1]);
	close(go[0]);
	close(go[1]);
	close(w);
	close(s);

	/* The device works: the 16 zeros, then a byte through it. */
	EXPECT_EQ(STUCK_LEN, info_of(self->fd).used);
	EXPECT_EQ(STUCK_LEN, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(zeros, buf, STUCK_LEN));
	ASSERT_EQ(1, write(self->fd, "k", 1));
	ASSERT_EQ(1, read(self->fd, buf, 1));
	EXPECT_EQ('k', buf[0]);
}

/* --- fdinfo, and the two devices kept apart --- */

TEST_F(duet, fdinfo_counts_this_files_bytes)
{
	char path[64], text[1024], buf[4];
	unsigned long long rd = ~0ULL, wr = ~0ULL;
	const char *p;
	FILE *f;
	size_t n;

	ASSERT_EQ(10, write(self->fd, "0123456789", 10));
	ASSERT_EQ(4, read(self->fd, buf, 4));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->fd);
	f = fopen(path, "r");
	ASSERT_TRUE(f != NULL);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	p = strstr(text, "duet-bytes-read:");
	ASSERT_TRUE(p != NULL) TH_LOG("%s", text);
	sscanf(p, "duet-bytes-read: %llu", &rd);
	p = strstr(text, "duet-bytes-written:");
	ASSERT_TRUE(p != NULL) TH_LOG("%s", text);
	sscanf(p, "duet-bytes-written: %llu", &wr);
	EXPECT_EQ(4, rd);
	EXPECT_EQ(10, wr);
}

TEST_F(duet, the_other_device_is_unaffected)
{
	int other = open(variant->other, O_RDONLY | O_NONBLOCK);
	struct duet_stats before, after;
	struct duet_info info_before;

	ASSERT_LE(0, other) TH_LOG("is %s loaded?", variant->other);
	before = stats_of(other);
	info_before = info_of(other);
	ASSERT_EQ(5, write(self->fd, "apart", 5));
	ASSERT_EQ(0, ioctl(self->fd, DUET_IOC_RESET));
	after = stats_of(other);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(after)));
	EXPECT_EQ(info_before.used, info_of(other).used);
	close(other);
}

/*
 * --- DUET_IOC_OPENERS ---
 *
 * Lab chapter 12's exercise adds this read-only ioctl, as ABI version 2
 * (learn/ch12-openers/). These tests are built once the UAPI header
 * defines it, so they check the learner's two drivers, and make lab-check
 * runs them; with the shipped header they are left out.
 */
#ifdef DUET_IOC_OPENERS
_Static_assert(sizeof(struct duet_openers) == 12, "struct duet_openers must be 12 bytes");
LAYOUT(duet_openers, files, 0);
LAYOUT(duet_openers, readers, 4);
LAYOUT(duet_openers, writers, 8);

static struct duet_openers openers_of(int fd)
{
	struct duet_openers openers;

	memset(&openers, 0xff, sizeof(openers));
	ioctl(fd, DUET_IOC_OPENERS, &openers);
	return openers;
}

TEST_F(duet, openers_count_open_files)
{
	int rd = open(variant->path, O_RDONLY | O_NONBLOCK);
	int wr = open(variant->path, O_WRONLY | O_NONBLOCK);
	struct duet_openers openers;

	ASSERT_LE(0, rd);
	ASSERT_LE(0, wr);
	/* The fixture's own file is O_RDWR: a reader and a writer. */
	openers = openers_of(self->fd);
	EXPECT_EQ(3, openers.files);
	EXPECT_EQ(2, openers.readers);
	EXPECT_EQ(2, openers.writers);
	close(wr);
	openers = openers_of(self->fd);
	EXPECT_EQ(2, openers.files);
	EXPECT_EQ(2, openers.readers);
	EXPECT_EQ(1, openers.writers);
	close(rd);
	EXPECT_EQ(1, openers_of(self->fd).files);
}

TEST_F(duet, openers_bad_pointers_get_efault)
{
	static void *const bad[] = {
		NULL, (void *)1, KERNEL_POINTER, (void *)-4096L,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, DUET_IOC_OPENERS, bad[i]));
		EXPECT_EQ(EFAULT, errno) TH_LOG("ptr %p", bad[i]);
	}
}
#endif

TEST_HARNESS_MAIN
