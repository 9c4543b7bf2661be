// SPDX-License-Identifier: GPL-2.0
/*
 * holdopen - run a command while N files of a device are open.
 *
 * Usage: holdopen DEVICE N COMMAND...
 *
 *	holdopen /dev/duet-c 1000 grep Slab /proc/meminfo
 *
 * Opens DEVICE N times (read-only, non-blocking), runs COMMAND, closes
 * them, and exits with COMMAND's status.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rlimit rl = { 65536, 65536 };
	int n, status;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: holdopen DEVICE N COMMAND...\n");
		return 2;
	}
	n = atoi(argv[2]);
	setrlimit(RLIMIT_NOFILE, &rl);
	for (int i = 0; i < n; i++)
		if (open(argv[1], O_RDONLY | O_NONBLOCK) < 0) {
			perror(argv[1]);
			return 1;
		}
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
