// SPDX-License-Identifier: GPL-2.0
/*
 * duet-watch - run a test program; when it hangs, say where the kernel is
 * stuck, and stop.
 *
 * Usage: duet-watch [-t SECONDS] [-n NAME] [-k] [-v] PROGRAM [ARG...]
 *
 * Runs PROGRAM with its output (stdout and stderr) through a pipe and
 * passes every line on as it comes. When no line has come for SECONDS
 * (default 30; 0 = wait forever), PROGRAM is hung, and duet-watch:
 *
 *  1. prints one "not ok" line naming what hung: the kselftest test that
 *     was running (its " RUN " line), else NAME (default: PROGRAM);
 *  2. under it, as "#" diagnostics: each task of PROGRAM that sleeps in
 *     the kernel, with the function it sleeps in (/proc/PID/wchan) and its
 *     stack (/proc/PID/stack, where the kernel has it); the blocked tasks
 *     whose stacks go through a duet module (sysrq "w"), with a summary
 *     "stuck in: duet_read_iter -> mutex_lock"; the locks held in duet
 *     code (sysrq "d", lockdep); and any kernel report already in the log;
 *  3. with -k (a kselftest harness program), reports every test not yet
 *     run as "ok N NAME # SKIP not run: the device is wedged";
 *  4. kills PROGRAM and everything it started, and exits with status 124
 *     (as timeout(1) does), so that the calling suite stops instead of
 *     hanging test after test.
 *
 * Otherwise it exits with PROGRAM's status, after a "#" line with the
 * longest wait for a line if that was over half of SECONDS, or with -v.
 *
 * duet-watch -p PID prints only the diagnostics of step 2, for PID and its
 * descendants (for scripts that time their own steps).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WEDGED		124	/* as timeout(1) */
#define MAX_PIDS	256
#define MAX_TESTS	512

static char current[256];	/* the kselftest test running, if any */
static long plan = -1, results, last_number = -1;
static int kselftest;		/* -k: PROGRAM -l lists its tests */
static int verbose;		/* -v: always say the longest wait */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* note_line - follow the TAP (and kselftest) progress of PROGRAM. */
static void note_line(const char *line)
{
	const char *p = line;
	char name[256];

	if (sscanf(line, "1..%ld", &plan) == 1)
		return;
	if (!strncmp(p, "not ", 4))
		p += 4;
	if (!strncmp(p, "ok", 2) && (p[2] == ' ' || !p[2])) {
		results++;
		if (isdigit((unsigned char)p[3]))
			last_number = atol(p + 3);
		current[0] = 0;
		return;
	}
	/* kselftest_harness.h: "#  RUN           duet.c.info ..." */
	if (sscanf(line, "# RUN %255s ...", name) == 1)
		snprintf(current, sizeof(current), "%s", name);
}

/*
 * demangle - a readable name for a Rust (v0) symbol: its identifiers
 * joined by "::" (duet_rust::DuetFile::read_iter); C names unchanged.
 */
static void demangle(const char *sym, char *out, size_t size)
{
	const char *p = sym + 2;
	size_t n = 0;

	if (strncmp(sym, "_R", 2)) {
		snprintf(out, size, "%s", sym);
		return;
	}
	out[0] = 0;
	while (*p) {
		if (*p == 's' || *p == 'B') {	/* disambiguator, back-ref */
			while (*p && *p != '_')
				p++;
			if (*p)
				p++;
		} else if (isdigit((unsigned char)*p)) {
			long len = strtol(p, (char **)&p, 10);

			if (*p == '_')
				p++;
			if (len <= 0 || (long)strnlen(p, len) < len)
				break;
			if (n + len + 3 < size) {
				if (n) {
					memcpy(out + n, "::", 2);
					n += 2;
				}
				memcpy(out + n, p, len);
				n += len;
				out[n] = 0;
			}
			p += len;
		} else {
			p++;
		}
	}
	if (!n)
		snprintf(out, size, "%s", sym);
}

/* frame_name - the function of a stack frame line ("? " and "+0x.." cut). */
static int frame_name(const char *line, char *out, size_t size)
{
	char sym[256];

	while (*line == ' ' || *line == '?')
		line++;
	if (sscanf(line, "%255[^+ ]+0x", sym) != 1 || !strchr(line, '+'))
		return 0;
	demangle(sym, out, size);
	return 1;
}

static int in_duet(const char *line)
{
	return strstr(line, "[duet_c]") || strstr(line, "[duet_rust]") ||
	       strstr(line, " duet_") || strstr(line, "9duet_rust");
}

/* read_file - the contents of a small file, or "" */
static char *read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = 0;
	return buf;
}

/* tasks_of - PROGRAM's process (ROOT) and all its descendants. */
static int tasks_of(pid_t root, pid_t *pids)
{
	int n = 1, grew = 1;

	pids[0] = root;
	while (grew) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		grew = 0;
		while (d && (e = readdir(d)) && n < MAX_PIDS) {
			char path[64], stat[512], *close_paren;
			pid_t pid = atoi(e->d_name), ppid;
			int known = 0;

			if (pid <= 0)
				continue;
			for (int i = 0; i < n; i++)
				known |= pids[i] == pid;
			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			close_paren = strrchr(read_file(path, stat, sizeof(stat)), ')');
			if (known || !close_paren ||
			    sscanf(close_paren + 2, "%*c %d", &ppid) != 1)
				continue;
			for (int i = 0; i < n; i++)
				if (pids[i] == ppid) {
					pids[n++] = pid;
					grew = 1;
					break;
				}
		}
		if (d)
			closedir(d);
	}
	return n;
}

/*
 * show_stack - FRAMES (innermost first, one per line) if they go through
 * duet code: first "stuck in: F -> G", F the innermost duet function and G
 * what it called, then the frames. Frames marked "?" (not on the unwound
 * chain) are left out, unless every frame is so marked (the "guess"
 * unwinder marks all). Returns whether it printed.
 */
static int show_stack(char *frames, const char *task)
{
	char *line, *save, fn[256], *f[64];
	int n = 0, kept = 0, duet = -1, reliable = 0;

	for (line = strtok_r(frames, "\n", &save); line && n < 64;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "[<", 2))	/* /proc/PID/stack: "[<0>] " */
			line = strchrnul(line, ' ');
		if (!frame_name(line, fn, sizeof(fn)))
			continue;
		f[n++] = line;
		reliable += !strstr(line, "? ");
	}
	for (int i = 0; i < n; i++) {
		if (reliable && strstr(f[i], "? "))
			continue;
		if (duet < 0 && in_duet(f[i]))
			duet = kept;
		f[kept++] = f[i];
	}
	n = kept;
	if (duet < 0)
		return 0;
	frame_name(f[duet], fn, sizeof(fn));
	printf("#   %s\n#   stuck in: %s", task, fn);
	/* (/proc/PID/stack starts at the first frame outside the scheduler) */
	if (duet > 0)
		frame_name(f[duet - 1], fn, sizeof(fn));
	printf("%s%s\n", duet > 0 ? " -> " : "", duet > 0 ? fn : "");
	for (int i = 0; i < n; i++) {
		frame_name(f[i], fn, sizeof(fn));
		printf("#     %s%s\n", fn, strstr(f[i], " [") ? strstr(f[i], " [") : "");
	}
	return 1;
}

/* show_task - one task of PROGRAM: where it sleeps, and its stack. */
static void show_task(pid_t pid, pid_t tid)
{
	char path[96], stat[512], wchan[128], stack[4096], name[256], task[512];
	char *close_paren, state = '?';

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	close_paren = strrchr(read_file(path, stat, sizeof(stat)), ')');
	if (close_paren)
		state = close_paren[2];
	if (state != 'S' && state != 'D')
		return;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan", pid, tid);
	read_file(path, wchan, sizeof(wchan));
	if (!wchan[0] || !strcmp(wchan, "0"))
		return;
	demangle(wchan, name, sizeof(name));
	*close_paren = 0;
	snprintf(task, sizeof(task), "%s (pid %d, state %c) sleeps in %s",
		 strchrnul(stat, '(') + 1, tid, state, name);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", pid, tid);
	read_file(path, stack, sizeof(stack));
	/* the whole stack if it is in duet code, else the one line */
	if (!show_stack(stack, task))
		printf("#   %s\n", task);
}

/*
 * kernel_log - the kernel log from now on (SINCE_NOW) or from its start,
 * one record per line in BUF, without the "prio,seq,..;" prefixes.
 */
static int kmsg_open(int since_now)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0 && since_now)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static size_t kmsg_read(int fd, char *buf, size_t size)
{
	char rec[2048];
	size_t used = 0;
	ssize_t len;

	while (fd >= 0 && (len = read(fd, rec, sizeof(rec) - 1)) != 0) {
		char *text;

		if (len < 0) {
			if (errno == EPIPE)	/* overwritten: go on */
				continue;
			break;
		}
		rec[len] = 0;
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		*strchrnul(text, '\n') = 0;
		/* a message's own line breaks come escaped: make them lines */
		for (char *esc; (esc = strstr(text, "\\x0a"));) {
			*esc = '\n';
			memmove(esc + 1, esc + 4, strlen(esc + 4) + 1);
		}
		len = strlen(text);
		if (used + len + 2 > size)
			break;
		memcpy(buf + used, text, len);
		used += len;
		buf[used++] = '\n';
	}
	buf[used] = 0;
	if (fd >= 0)
		close(fd);
	return used;
}

static void sysrq(char key)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, &key, 1) != 1)
			printf("#   (sysrq %c failed: %s)\n", key, strerror(errno));
		close(fd);
	} else {
		printf("#   (no /proc/sysrq-trigger: the kernel lacks CONFIG_MAGIC_SYSRQ)\n");
	}
}

/*
 * blocked_tasks - sysrq "w": the stacks of the tasks in uninterruptible
 * sleep, in the kernel log; show those that go through duet code.
 */
static void blocked_tasks(void)
{
	static char log[256 * 1024];
	char *task = NULL, *next;
	int fd = kmsg_open(1);

	sysrq('w');
	kmsg_read(fd, log, sizeof(log));
	/* one block per task, from its "task:" line to the next */
	for (char *p = strstr(log, "task:"); p; p = next) {
		char head[512];

		next = strstr(p + 5, "\ntask:");
		if (next)
			*next++ = 0;
		task = p;
		snprintf(head, sizeof(head), "blocked: %.*s", (int)(strchrnul(task, '\n') - task),
			 task);
		show_stack(strchrnul(task, '\n'), head);
	}
}

/* held_locks - sysrq "d" (lockdep): the locks taken in duet code. */
static void held_locks(void)
{
	static char log[64 * 1024];
	char *line, *save, *holder = NULL;
	int fd;

	if (access("/proc/lockdep", F_OK))
		return;
	fd = kmsg_open(1);
	sysrq('d');
	kmsg_read(fd, log, sizeof(log));
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, " held by "))
			holder = line;
		else if (holder && in_duet(line))
			printf("#   lockdep: %s:%s\n", holder, line);
	}
}

/* kernel_reports - reports already in the log (lockdep, BUG, WARNING). */
static void kernel_reports(void)
{
	static char log[256 * 1024];
	const char *pattern[] = { "WARNING:", "BUG:", "INFO:", "Oops", "UBSAN:",
				  "------------[ cut here ]", NULL };
	char *line, *save;
	int fd = kmsg_open(0), left = 0, shown = 0;

	kmsg_read(fd, log, sizeof(log));
	for (line = strtok_r(log, "\n", &save); line && shown < 60;
	     line = strtok_r(NULL, "\n", &save)) {
		for (int i = 0; pattern[i] && !left; i++)
			if (!strncmp(line, pattern[i], strlen(pattern[i])))
				left = 25;
		if (left) {
			printf("#   log: %s\n", line);
			left--;
			shown++;
		}
	}
}

/*
 * test_names - the tests of a kselftest program in run order, from its
 * "-l" listing: per fixture (blocks split by "----" lines), columns
 * "%-20s %-25s %s" of fixture, variant and test; every test runs once per
 * variant.
 */
static int test_names(char **argv, char names[][256])
{
	char fixture[128] = "", variants[32][128], tests[MAX_TESTS][128], line[512];
	int fds[2], nv = 0, nt = 0, n = 0, done = 0;
	FILE *in;
	pid_t pid;

	if (pipe(fds))
		return 0;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		dup2(fds[1], 1);
		close(fds[0]);
		execvp(argv[0], (char *[]){ argv[0], "-l", NULL });
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	while (!done) {
		char v[128] = "", t[128] = "";

		done = !in || !fgets(line, sizeof(line), in);
		*strchrnul(line, '\n') = 0;
		if (done || line[0] == '-') {	/* the end of a fixture */
			for (int i = 0; i < (nv ? nv : 1); i++)
				for (int j = 0; j < nt && n < MAX_TESTS; j++)
					snprintf(names[n++], 256, "%.80s%s%.80s.%.80s", fixture,
						 nv ? "." : "", nv ? variants[i] : "", tests[j]);
			nv = nt = 0;
			fixture[0] = 0;
			continue;
		}
		if (line[0] == '#' || strlen(line) < 21)
			continue;
		if (line[0] != ' ')
			sscanf(line, "%127s", fixture);
		sscanf(line + 21, "%127s", v);
		if (strlen(line) > 47)
			sscanf(line + 47, "%127s", t);
		if (line[21] != ' ' && v[0] && nv < 32)
			snprintf(variants[nv++], 128, "%s", v);
		if (t[0] && nt < MAX_TESTS)
			snprintf(tests[nt++], 128, "%s", t);
	}
	if (in)
		fclose(in);
	waitpid(pid, NULL, 0);
	return n;
}

/* where_stuck - the "#" diagnostics: where ROOT's tasks are in the kernel. */
static void where_stuck(pid_t root, const char *program, pid_t *pids, int npids)
{
	printf("# where the kernel is stuck (the tasks of %s, pid %d):\n", program, root);
	for (int i = 0; i < npids; i++) {
		char path[64];
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "/proc/%d/task", pids[i]);
		d = opendir(path);
		while (d && (e = readdir(d)))
			if (atoi(e->d_name) > 0)
				show_task(pids[i], atoi(e->d_name));
		if (d)
			closedir(d);
	}
	blocked_tasks();
	held_locks();
	kernel_reports();
	fflush(stdout);
}

static int hung(char **argv, const char *name, int seconds, pid_t child)
{
	static char names[MAX_TESTS][256];
	const char *what = current[0] ? current : name;
	pid_t pids[MAX_PIDS];
	int npids = tasks_of(child, pids), n;
	long number = last_number >= 0 ? last_number + 1 : 0;

	if (number)
		printf("not ok %ld %s # hung: no progress for %d s; the device is wedged\n",
		       number, what, seconds);
	else
		printf("not ok - %s: hung, no progress for %d s; the device is wedged\n",
		       what, seconds);
	where_stuck(child, argv[0], pids, npids);
	if (kselftest && current[0] && plan > 0 && number) {
		n = test_names(argv, names);
		/* the names must agree with the run order seen so far */
		if (n < number || strcmp(names[number - 1], what))
			n = 0;
		for (long k = number + 1; k <= plan; k++)
			printf("ok %ld %s # SKIP not run: the device is wedged (%s hung)\n",
			       k, k - 1 < n ? names[k - 1] : "(test)", what);
	} else {
		printf("# the rest of %s is not run: the device is wedged\n", name);
	}
	fflush(stdout);
	for (int i = npids - 1; i >= 0; i--)
		kill(pids[i], SIGKILL);
	kill(-child, SIGKILL);
	for (int i = 0; i < 20 && waitpid(child, NULL, WNOHANG) == 0; i++)
		usleep(100000);
	return WEDGED;
}

int main(int argc, char **argv)
{
	const char *name = NULL;
	int seconds = 30, opt, fds[2], status;
	char buf[8192];
	size_t used = 0;
	double last, longest = 0;
	pid_t child;

	while ((opt = getopt(argc, argv, "+t:n:kvp:")) != -1) {
		switch (opt) {
		case 't':
			seconds = atoi(optarg);
			break;
		case 'n':
			name = optarg;
			break;
		case 'k':
			kselftest = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'p': {
			pid_t pids[MAX_PIDS], root = atoi(optarg);

			where_stuck(root, optarg, pids, tasks_of(root, pids));
			return 0;
		}
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	argv += optind;
	if (!name)
		name = argv[0];
	if (pipe(fds))
		return 1;
	fflush(stdout);
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "duet-watch: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	last = now();
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int wait_ms = seconds ? (int)((last + seconds - now()) * 1000) : -1;
		ssize_t len;

		if (seconds && wait_ms <= 0)
			return hung(argv, name, seconds, child);
		if (poll(&pfd, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!pfd.revents)
			continue;
		len = read(fds[0], buf + used, sizeof(buf) - 1 - used);
		if (len <= 0)
			break;
		used += len;
		for (;;) {
			char *end = memchr(buf, '\n', used);
			size_t n;

			if (!end && used < sizeof(buf) - 1)
				break;
			n = end ? (size_t)(end - buf) + 1 : used;
			fwrite(buf, 1, n, stdout);
			fflush(stdout);
			buf[n - 1] = 0;
			note_line(buf);
			memmove(buf, buf + n, used - n);
			used -= n;
			if (now() - last > longest)
				longest = now() - last;
			last = now();
		}
	}
	if (used)
		fwrite(buf, 1, used, stdout);
	if (seconds && (verbose || longest > seconds / 2.0))
		printf("# duet-watch: %s: the longest wait for a line was %.1f s (the limit is %d s)\n",
		       name, longest, seconds);
	if (waitpid(child, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

usage:
	fprintf(stderr, "usage: duet-watch [-t SECONDS] [-n NAME] [-k] [-v] PROGRAM [ARG...]\n"
		"       duet-watch -p PID   (only say where PID and its children are stuck)\n");
	return 2;
}
