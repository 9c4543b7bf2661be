// SPDX-License-Identifier: GPL-2.0
/*
 * faultsweep - fail the n-th fault site (allocation or user copy) of one
 * call, for n = 1, 2, ... until the call runs without a fault, and check
 * each failure: a clean, allowed error, nothing changed, device usable.
 *
 * Usage: faultsweep OP TARGET [PARAMS]
 *
 *	faultsweep load /lib/modules/.../duet_c.ko "capacity=4096"
 *	faultsweep open|write|read|resize|info|stats /dev/duet-c
 *
 * Uses /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION), with failslab,
 * fail_page_alloc and fail_usercopy armed by the caller (duet-sanitizers
 * arm). Reading fail-nth back is itself a user copy, which an armed fault
 * would hit, so a second thread, never armed, reads and resets it.
 * After each failed load, a fresh process looks for what the load must not
 * leave behind (/proc/duet, or the module's row in it: left_behind()).
 * Prints one TAP line: the faults injected and any check that failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/duet.h>

#define MAX_SWEEP	5000

static int nth_fd = -1;		/* this thread's fail-nth */
static int peer_fd = -1;	/* the same file, for the peer thread */
static pthread_barrier_t handoff;
static int injected;
static int problems;

static void problem(int n, const char *fmt, const char *what, int err)
{
	printf("# fault %d: ", n);
	printf(fmt, what, strerror(err));
	printf("\n");
	problems++;
}

/* Arm: the n-th fault site of this thread from now on fails. */
static void arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("faultsweep: fail-nth");
		exit(2);
	}
}

/* The peer: after each call, note whether the fault fired, and disarm. */
static void *peer(void *arg)
{
	for (;;) {
		char buf[16] = "";

		pthread_barrier_wait(&handoff);
		if (pread(peer_fd, buf, sizeof(buf) - 1, 0) <= 0 ||
		    pwrite(peer_fd, "0", 1, 0) != 1) {
			perror("faultsweep: peer fail-nth");
			exit(2);
		}
		injected = atoi(buf) == 0;
		pthread_barrier_wait(&handoff);
	}
	return NULL;
}

/* Disarm (through the peer); returns whether the armed fault was injected. */
static int disarm(void)
{
	pthread_barrier_wait(&handoff);
	pthread_barrier_wait(&handoff);
	return injected;
}

struct snapshot {
	struct duet_info info;
	struct duet_stats stats;
};

static struct snapshot snap(int fd)
{
	struct snapshot s;

	memset(&s, 0, sizeof(s));
	if (ioctl(fd, DUET_IOC_INFO, &s.info) || ioctl(fd, DUET_IOC_STATS, &s.stats)) {
		perror("faultsweep: snapshot");
		exit(2);
	}
	return s;
}

/* The device still works: empty it, write 3 bytes, read them back. */
static int usable(int fd)
{
	char buf[3];

	return !ioctl(fd, DUET_IOC_RESET) && write(fd, "abc", 3) == 3 &&
	       read(fd, buf, 3) == 3 && !memcmp(buf, "abc", 3);
}

static int module_loaded(const char *path)
{
	char name[64], line[256];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	snprintf(name, sizeof(name), "%.*s ", (int)strcspn(base, "."), base);
	while (f && fgets(line, sizeof(line), f))
		found |= !strncmp(line, name, strlen(name));
	if (f)
		fclose(f);
	return found;
}

/*
 * What a failed load of module NAME must not leave behind: /proc/duet
 * itself, when NAME is duet_c (which creates it), or else a row of
 * /proc/duet owned by NAME. Looked for by a fresh process, right after
 * the failed load: readdir() of /proc finds a stale entry whatever its
 * (freed) show function would do, and a stale row is printed from the
 * module's freed memory, which the sanitizers report if the row does not
 * show. Returns 1 when something was left behind, 0 when not.
 */
static int left_behind(const char *name)
{
	char line[256], owner[64];
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		perror("faultsweep: fork");
		exit(2);
	}
	if (!pid) {
		DIR *proc = opendir("/proc");
		struct dirent *e;
		FILE *f;

		if (!strcmp(name, "duet_c")) {
			while (proc && (e = readdir(proc)))
				if (!strcmp(e->d_name, "duet"))
					_exit(1);
			_exit(0);
		}
		f = fopen("/proc/duet", "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "%*s %63s", owner) == 1 && !strcmp(owner, name))
				_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return !WIFEXITED(status) || WEXITSTATUS(status);
}

static int sweep_load(const char *path, const char *params)
{
	char name[64];
	int n, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(strrchr(path, '/') + 1, "."),
		 strrchr(path, '/') + 1);
	for (n = 1; n < MAX_SWEEP; n++) {
		long ret;
		int err, injected;

		arm(n);
		ret = syscall(SYS_finit_module, fd, params, 0);
		err = errno;
		injected = disarm();
		if (ret == 0) {
			if (syscall(SYS_delete_module, name, O_NONBLOCK))
				problem(n, "%s loaded but cannot be unloaded: %s", name, errno);
		} else if (err != ENOMEM && err != EFAULT && err != EKEYREJECTED) {
			/*
			 * (EKEYREJECTED: the lab kernel checks module
			 * signatures, and pkcs7_validate_trust_one() returns
			 * -EKEYREJECTED for every error of verify_signature()
			 * but -ENOMEM; a fault injected deeper in the crypto
			 * API can come out as such an error.)
			 */
			problem(n, "load of %s failed with %s", name, err);
		} else if (module_loaded(path)) {
			problem(n, "failed load left %s loaded (%s)", name, err);
		} else if (left_behind(name)) {
			problem(n, "failed load left /proc/duet or its row of %s behind (%s)",
				name, err);
		}
		if (!injected)
			break;
	}
	close(fd);
	return n - 1;
}

static int sweep_op(const char *op, const char *dev)
{
	int obs = open(dev, O_RDWR | O_NONBLOCK);
	int n;

	if (obs < 0) {
		perror(dev);
		exit(2);
	}
	for (n = 1; n < MAX_SWEEP; n++) {
		struct snapshot before, after;
		struct duet_stats st;
		struct duet_info info;
		char buf[64];
		long ret = 0;
		int err, injected, fd = -1;
		__u32 cap;

		ioctl(obs, DUET_IOC_RESET);
		if (write(obs, "0123456789", 10) != 10)
			problem(n, "%s: cannot prepare: %s", op, errno);
		before = snap(obs);
		arm(n);
		if (!strcmp(op, "open")) {
			ret = fd = open(dev, O_RDWR | O_NONBLOCK);
		} else if (!strcmp(op, "write")) {
			ret = write(obs, "abcdef", 6);
		} else if (!strcmp(op, "read")) {
			ret = read(obs, buf, 4);
		} else if (!strcmp(op, "resize")) {
			cap = before.info.capacity == 8192 ? 16384 : 8192;
			ret = ioctl(obs, DUET_IOC_RESIZE, &cap);
		} else if (!strcmp(op, "info")) {
			ret = ioctl(obs, DUET_IOC_INFO, &info);
		} else if (!strcmp(op, "stats")) {
			ret = ioctl(obs, DUET_IOC_STATS, &st);
		} else {
			fprintf(stderr, "faultsweep: unknown op %s\n", op);
			exit(2);
		}
		err = errno;
		injected = disarm();
		if (fd >= 0)
			close(fd);
		after = snap(obs);
		if (ret < 0) {
			if (err != ENOMEM && err != EFAULT)
				problem(n, "%s failed with %s", op, err);
			/* A failed call changes nothing; open only counts on success. */
			if (memcmp(&before, &after, sizeof(after)))
				problem(n, "%s failed (%s) but changed the device", op, err);
			if (!strcmp(op, "read") && (read(obs, buf, 10) != 10 || memcmp(buf, "0123456789", 10)))
				problem(n, "%s failed (%s) and lost data", op, err);
		}
		if (!usable(obs))
			problem(n, "%s: device unusable after the fault (%s)", op, errno);
		if (!injected)
			break;
	}
	close(obs);
	return n - 1;
}

int main(int argc, char **argv)
{
	int faults;

	if (argc < 3) {
		fprintf(stderr, "usage: faultsweep load MODULE.ko [PARAMS] | OP DEVICE\n");
		return 2;
	}
	char path[64];
	pthread_t t;

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	peer_fd = open(path, O_RDWR);
	if (nth_fd < 0 || peer_fd < 0) {
		perror("faultsweep: fail-nth (CONFIG_FAULT_INJECTION?)");
		return 2;
	}
	pthread_barrier_init(&handoff, NULL, 2);
	pthread_create(&t, NULL, peer, NULL);
	if (!strcmp(argv[1], "load"))
		faults = sweep_load(argv[2], argc > 3 ? argv[3] : "");
	else
		faults = sweep_op(argv[1], argv[2]);
	printf("%s - faultsweep %s %s: %d faults injected, %d problems\n",
	       problems || faults >= MAX_SWEEP - 1 ? "not ok" : "ok", argv[1],
	       argv[2], faults, problems);
	return problems ? 1 : 0;
}
