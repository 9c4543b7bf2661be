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
 * Modelled on tools/testing/selftests/mm/hmm-tests.c (FIXTURE_VARIANT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/duet.h>

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
