// SPDX-License-Identifier: GPL-2.0
/*
 * stuckwrite - run a command while a write to a device is stuck in its
 * copy from user memory, with the device lock held: the graders' probe of
 * what other callers see meanwhile (lab chapter 11).
 *
 * Usage: stuckwrite DEVICE FIRST LEN COMMAND...
 *
 *	stuckwrite /dev/duet-c 24 30 cat /proc/self/fdinfo/5
 *
 * A thread writes LEN bytes to DEVICE from a buffer whose first FIRST
 * bytes end a page of their own; the next page is registered with a
 * userfaultfd, so the copy of byte FIRST faults and waits, inside write(),
 * until this program supplies the page. (When FIRST is the free space up
 * to the end of the FIFO's ring, the device has copied those bytes in and
 * counted them in its FIFO, but has not published the new count.) While
 * it waits, COMMAND runs, for at most 3 seconds; then the page is
 * supplied (zeros) and the write finishes. Exits with COMMAND's status,
 * or 124 (and says so) if COMMAND was still running after 3 s: waiting for
 * the device lock. 1 on a set-up error (CONFIG_USERFAULTFD, root).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int dev_fd;
static const char *src;
static size_t len;
static ssize_t written;

static void *writer(void *arg)
{
	(void)arg;
	written = write(dev_fd, src, len);
	return NULL;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	long page = sysconf(_SC_PAGESIZE);
	struct pollfd p;
	struct uffd_msg msg;
	int uffd, status = 0, waited, rc;
	size_t first;
	pthread_t t;
	pid_t pid;
	char *buf;

	if (argc < 5) {
		fprintf(stderr, "usage: stuckwrite DEVICE FIRST LEN COMMAND...\n");
		return 2;
	}
	first = strtoul(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	if (first == 0 || first >= len || first > (size_t)page) {
		fprintf(stderr, "stuckwrite: need 0 < FIRST < LEN, FIRST <= a page\n");
		return 2;
	}
	dev_fd = open(argv[1], O_WRONLY);
	if (dev_fd < 0) {
		perror(argv[1]);
		return 1;
	}
	buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(buf, 'x', page);
	/* Flags 0, not UFFD_USER_MODE_ONLY: the fault is the kernel's copy. */
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	reg.range.start = (unsigned long)buf + page;
	reg.range.len = page;
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		perror("userfaultfd");
		return 1;
	}
	src = buf + page - first;
	if (pthread_create(&t, NULL, writer, NULL)) {
		fprintf(stderr, "stuckwrite: no thread\n");
		return 1;
	}
	p = (struct pollfd){ .fd = uffd, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		fprintf(stderr, "stuckwrite: the write did not fault on the page within 5 s\n");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(dev_fd);
		execvp(argv[4], argv + 4);
		perror(argv[4]);
		_exit(127);
	}
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	/* The command's 3 seconds, in steps of 10 ms. */
	for (waited = 0; waited < 300; waited++) {
		struct timespec ts = { 0, 10000000 };

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);
	}
	if (waited == 300)
		fprintf(stderr,
			"stuckwrite: '%s' still ran after 3 s, while the write held the device lock\n",
			argv[4]);
	{
		struct uffdio_zeropage zero = {
			.range = { .start = (unsigned long)buf + page, .len = page },
		};

		if (ioctl(uffd, UFFDIO_ZEROPAGE, &zero) && errno != EEXIST)
			perror("UFFDIO_ZEROPAGE");
	}
	pthread_join(t, NULL);
	if (waited == 300 && waitpid(pid, &status, 0) != pid)
		return 1;
	if (written != (ssize_t)len)
		fprintf(stderr, "stuckwrite: the write returned %zd, not %zu\n", written, len);
	if (waited == 300)
		return 124;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	return rc;
}
