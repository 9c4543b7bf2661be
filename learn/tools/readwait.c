// SPDX-License-Identifier: GPL-2.0
/*
 * readwait - time one read of a device that has to wait, and say what
 * ended it: the graders' probe of a wait (lab chapter 10).
 *
 * Usage: readwait DEVICE [-w MS] [-s MS]
 *
 * Opens DEVICE read-write, so that a read of the empty device waits for
 * data rather than see end of file, reads one byte and prints how the read
 * ended and how long it took (CLOCK_MONOTONIC around read() alone):
 *
 *	read 1 byte in 303 ms
 *	read: ETIMEDOUT (Connection timed out) in 300 ms
 *
 * -w MS: another process writes one byte to DEVICE MS ms into the wait.
 * -s MS: SIGALRM comes MS ms into the wait, caught by a handler installed
 *        without SA_RESTART: a wait that the signal ends gives EINTR.
 * Exits 0 once read() has returned, whatever it returned; 1 on a set-up
 * error, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *errno_name(int e)
{
	switch (e) {
	case EINTR:
		return "EINTR";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EAGAIN:
		return "EAGAIN";
	default:
		return "errno";
	}
}

int main(int argc, char **argv)
{
	long write_ms = -1, signal_ms = -1, start, took;
	pid_t writer = -1;
	char c = 'x';
	ssize_t n;
	int fd, opt, e;

	while ((opt = getopt(argc, argv, "w:s:")) != -1) {
		if (opt == 'w')
			write_ms = atol(optarg);
		else if (opt == 's')
			signal_ms = atol(optarg);
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	fd = open(argv[optind], O_RDWR);
	if (fd < 0) {
		perror(argv[optind]);
		return 1;
	}
	if (signal_ms >= 0) {
		struct sigaction sa = { .sa_handler = on_alarm };
		struct itimerval it = {
			.it_value = { signal_ms / 1000, signal_ms % 1000 * 1000 },
		};

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
			perror("SIGALRM");
			return 1;
		}
	}
	start = now_ms();
	if (write_ms >= 0) {
		writer = fork();
		if (writer < 0) {
			perror("fork");
			return 1;
		}
		if (!writer) {
			struct timespec ts = { write_ms / 1000, write_ms % 1000 * 1000000 };
			int wfd;

			nanosleep(&ts, NULL);
			wfd = open(argv[optind], O_WRONLY);
			_exit(wfd < 0 || write(wfd, "w", 1) != 1);
		}
	}
	n = read(fd, &c, 1);
	e = errno;
	took = now_ms() - start;
	if (n == 1)
		printf("read 1 byte in %ld ms\n", took);
	else if (n == 0)
		printf("read: end of file in %ld ms\n", took);
	else
		printf("read: %s (%s) in %ld ms\n", errno_name(e), strerror(e), took);
	fflush(stdout);
	if (writer > 0)
		waitpid(writer, NULL, 0);
	return 0;
usage:
	fprintf(stderr, "usage: readwait DEVICE [-w MS] [-s MS]\n");
	return 2;
}
