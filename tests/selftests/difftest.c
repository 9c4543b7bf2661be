// SPDX-License-Identifier: GPL-2.0
/*
 * difftest - the differential tester of duet: /dev/duet-c and
 * /dev/duet-rust must give the same answer to every call.
 *
 * Three groups of checks, each comparing the two devices directly:
 *
 *  lockstep  A seeded generator makes a sequence of operations: open and
 *            close in every access mode (O_NONBLOCK, O_DIRECT, ...), dup,
 *            fcntl, reads and writes of every size class (0, 1, capacity
 *            - 1, capacity, capacity + 1, the bytes queued, the room
 *            left, ...) into good, bad and partly bad buffers, readv and
 *            writev, every ioctl with good and bad pointers, unknown
 *            numbers and wrong sizes, RESET and RESIZE at every boundary,
 *            poll, mmap, splice, lseek; some of them made by a second,
 *            unprivileged process (uid 65534) that shares the file table.
 *            Each operation goes to /dev/duet-c and then to
 *            /dev/duet-rust with the same arguments; after each one, the
 *            return value, errno, the bytes read, INFO, STATS, the two
 *            rows of /proc/duet and the files' fdinfo are compared.
 *  blocking  Scripted two-process scenarios, run the same way on both
 *            devices: a blocked reader, writer or poller woken by data,
 *            by space, by the last writer or reader closing, by a signal
 *            (with and without SA_RESTART), by a signal together with
 *            data, by RESET or RESIZE; callers that wait for the device
 *            lock behind a copy stuck in userfaultfd, and signals sent to
 *            them. The waker runs at a real-time priority and the waiter
 *            at a normal one, both on CPU 0, so every run interleaves the
 *            same way; each scenario runs twice per device and must give
 *            the same outcome both times.
 *  params    A corpus of module param strings (valid, invalid, bare bools,
 *            empty values, number syntaxes, overflows, repeats, unknown
 *            names) given to finit_module() for duet_c and for duet_rust:
 *            the result, errno, INFO, whether digest and trace took
 *            effect, and the params in sysfs are compared.
 *
 * A difference fails its group unless the allowed differences (-a FILE,
 * tests/difftest-allowed.txt) list it; nothing else is exempt. The first
 * divergence of a sequence is printed with the seed, the step, the
 * operation and both answers, then shrunk (steps dropped while the same
 * comparison still differs) to a reproducer, printed as a command line.
 *
 * Usage, as root in the duet guest with no duet module loaded (difftest
 * loads and unloads both itself):
 *
 *	difftest [-s SEED] [-n SEEDS] [-o OPS] [-g GROUPS] [-r REPEAT]
 *	difftest [-P PARAMS] -x 'OP; OP; ...'	replay one sequence
 *	difftest -B 'STEP; STEP; ...'		run one blocking scenario
 *	difftest -p 'PARAMS'			load both modules with PARAMS
 *	difftest -h				the syntax of operations and steps
 *
 * Output is TAP: one verdict per group (each lockstep seed, each group of
 * blocking scenarios, the param corpus), then "# difftest-summary:" and
 * one "# difftest-allowed:" line per allowed difference, for the report.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/duet.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>

#include "kselftest.h"	/* ARRAY_SIZE, __noreturn, __printf */

#define NSLOT		6	/* files per device in a sequence */
#define MAXSEG		3	/* iovec segments of readv and writev */
#define PAGE		4096UL
#define SEG_STRIDE	(DUET_CAPACITY_MAX + 2 * PAGE)
#define ARENA_SIZE	(MAXSEG * SEG_STRIDE)
#define NOBODY		65534
#define SHRINK_RUNS	400	/* most replays to shrink one divergence */
#define SHRINK_SECONDS	240	/* and most time */
#define PROGRESS	5000	/* a "#" line every so many operations */

#if UINTPTR_MAX > 0xffffffffu
#define KERNEL_POINTER	0xffff888000000000UL	/* x86-64's direct map */
#else
#define KERNEL_POINTER	0xc0000000UL
#endif

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

/* --- output and errors --- */

static int verbose;

static void __noreturn __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("Bail out! difftest: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(2);
}

/* Copy @src into @dst of @size bytes, cut short if need be. */
static void scopy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

/* The name of errno value @err ("EINVAL"), or its number. */
static const char *errname(int err)
{
	static char buf[4][16];
	static int turn;
	const char *name;

	if (!err)
		return "0";
	name = strerrorname_np(err);
	if (name)
		return name;
	turn = (turn + 1) % 4;
	snprintf(buf[turn], sizeof(buf[turn]), "%d", err);
	return buf[turn];
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Split @s at each of @sep in place, trimming blanks; returns the count. */
static int split(char *s, int sep, char **out, int max)
{
	int n = 0;

	while (s && n < max) {
		char *next = strchr(s, sep), *end;

		if (next)
			*next++ = 0;
		while (isspace((unsigned char)*s))
			s++;
		end = s + strlen(s);
		while (end > s && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (*s)
			out[n++] = s;
		s = next;
	}
	return n;
}

/* --- the seeded generator (splitmix64) --- */

static __u64 rnd_state;

static __u64 rnd(void)
{
	__u64 z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

/* --- the allowed differences --- */

/**
 * struct allow - one entry of the allowed differences
 * @id:    its name
 * @key:   the comparison it relaxes (fnmatch(3) pattern)
 * @c:     the C device's answer it allows (pattern)
 * @r:     the Rust device's answer it allows (pattern)
 * @cause: why the two differ
 * @used:  how many comparisons it relaxed in this run
 */
struct allow {
	char id[32];
	char key[96];
	char c[64];
	char r[64];
	char cause[320];
	unsigned long used;
};

static struct allow allows[64];
static int nallow;
static const char *allowed_path;

static void load_allowed(const char *path)
{
	char line[512];
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot read the allowed differences, %s: %s (-a FILE)", path,
		    strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct allow *a = &allows[nallow];
		char *p = line;
		int pos = 0;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (nallow == ARRAY_SIZE(allows))
			die("%s: more than %zu entries", path, ARRAY_SIZE(allows));
		if (sscanf(p, "%31s %95s %63s %63s %n", a->id, a->key, a->c, a->r,
			   &pos) != 4 || !pos || !p[pos])
			die("%s:%d: want ID KEY C RUST CAUSE", path, lineno);
		scopy(a->cause, sizeof(a->cause), p + pos);
		nallow++;
	}
	fclose(f);
	allowed_path = path;
}

/*
 * Does an entry allow @c and @r as the two answers to @key? (The answers
 * it allowed last are remembered: the same ones come at every step.)
 */
static int allowed(const char *key, const char *c, const char *r)
{
	static struct {
		char key[96];
		char c[64];
		char r[64];
		int entry;
	} memo[8];
	static int next;

	for (size_t i = 0; i < ARRAY_SIZE(memo); i++) {
		if (memo[i].key[0] && !strcmp(memo[i].key, key) &&
		    !strcmp(memo[i].c, c) && !strcmp(memo[i].r, r)) {
			allows[memo[i].entry].used++;
			return 1;
		}
	}
	for (int i = 0; i < nallow; i++) {
		struct allow *a = &allows[i];

		if (!fnmatch(a->key, key, 0) && !fnmatch(a->c, c, 0) &&
		    !fnmatch(a->r, r, 0)) {
			a->used++;
			if (strlen(key) < sizeof(memo[0].key) &&
			    strlen(c) < sizeof(memo[0].c) && strlen(r) < sizeof(memo[0].r)) {
				scopy(memo[next].key, sizeof(memo[0].key), key);
				scopy(memo[next].c, sizeof(memo[0].c), c);
				scopy(memo[next].r, sizeof(memo[0].r), r);
				memo[next].entry = i;
				next = (next + 1) % ARRAY_SIZE(memo);
			}
			return 1;
		}
	}
	return 0;
}

/* --- comparing --- */

/**
 * struct divergence - the first comparison that differed
 * @found: 0 until one did
 * @count: how many did (not counting allowed ones)
 * @key:   its name
 * @c:     the C device's answer
 * @r:     the Rust device's answer
 */
struct divergence {
	int found;
	long count;
	char key[96];
	char c[160];
	char r[160];
};

static struct divergence dv;
static char key_prefix[64];	/* put before every key: "block.reader.eof." */

static void div_reset(void)
{
	memset(&dv, 0, sizeof(dv));
}

/* One answer of each device: they must be the same, or allowed to differ. */
static void same(const char *key, const char *c, const char *r)
{
	char full[160];

	if (!strcmp(c, r))
		return;
	snprintf(full, sizeof(full), "%s%s", key_prefix, key);
	if (allowed(full, c, r))
		return;
	dv.count++;
	if (dv.found)
		return;
	dv.found = 1;
	scopy(dv.key, sizeof(dv.key), full);
	scopy(dv.c, sizeof(dv.c), c);
	scopy(dv.r, sizeof(dv.r), r);
}

static void same_ll(const char *key, long long c, long long r)
{
	char a[24], b[24];

	if (c == r)
		return;
	snprintf(a, sizeof(a), "%lld", c);
	snprintf(b, sizeof(b), "%lld", r);
	same(key, a, b);
}

static void same_u(const char *key, unsigned long long c, unsigned long long r)
{
	char a[24], b[24];

	if (c == r)
		return;
	snprintf(a, sizeof(a), "%llu", c);
	snprintf(b, sizeof(b), "%llu", r);
	same(key, a, b);
}

/**
 * struct kvs - an outcome as a list of named answers (a scenario's, a
 * module load's), compared name by name
 * @n:  entries used
 * @kv: the entries
 */
struct kvs {
	int n;
	struct {
		char key[48];
		char val[112];
	} kv[128];
};

static void __printf(3, 4) kv_add(struct kvs *s, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (s->n == ARRAY_SIZE(s->kv))
		return;
	scopy(s->kv[s->n].key, sizeof(s->kv[0].key), key);
	va_start(ap, fmt);
	vsnprintf(s->kv[s->n].val, sizeof(s->kv[0].val), fmt, ap);
	va_end(ap);
	s->n++;
}

static const char *kv_get(const struct kvs *s, const char *key)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->kv[i].key, key))
			return s->kv[i].val;
	return "(none)";
}

/* Compare two outcomes, name by name: @c's order, then @r's own names. */
static void same_kvs(const struct kvs *c, const struct kvs *r)
{
	for (int i = 0; i < c->n; i++)
		same(c->kv[i].key, c->kv[i].val, kv_get(r, c->kv[i].key));
	for (int i = 0; i < r->n; i++)
		if (!strcmp(kv_get(c, r->kv[i].key), "(none)"))
			same(r->kv[i].key, "(none)", r->kv[i].val);
}

static void print_kvs(const char *who, const struct kvs *s)
{
	char line[1024];
	size_t len = 0;

	line[0] = 0;
	for (int i = 0; i < s->n; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s=%s",
				 len ? " " : "", s->kv[i].key, s->kv[i].val);

		if (n < 0 || (size_t)n >= sizeof(line) - len)
			break;
		len += n;
	}
	printf("#   %-5s %s\n", who, line);
}

/* --- the two devices and their modules --- */

enum { C, R };

/**
 * struct dev - one of the two devices
 * @impl:   what INFO calls it
 * @path:   its node
 * @module: its module
 * @ko:     the module's file
 */
struct dev {
	const char *impl;
	const char *path;
	const char *module;
	char ko[PATH_MAX];
};

static struct dev devs[2] = {
	{ "c", "/dev/duet-c", "duet_c", "" },
	{ "rust", "/dev/duet-rust", "duet_rust", "" },
};

static int find_ko(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	const char *base = path + ftw->base;

	for (int d = C; d <= R; d++) {
		char want[64];

		snprintf(want, sizeof(want), "%s.ko", devs[d].module);
		if (type == FTW_F && !strcmp(base, want) && !devs[d].ko[0])
			scopy(devs[d].ko, sizeof(devs[d].ko), path);
	}
	return 0;
}

static void find_modules(const char *dir)
{
	char def[PATH_MAX];
	struct utsname u;

	if (!dir) {
		uname(&u);
		snprintf(def, sizeof(def), "/lib/modules/%s", u.release);
		dir = def;
	}
	nftw(dir, find_ko, 16, FTW_PHYS);
	for (int d = C; d <= R; d++)
		if (!devs[d].ko[0])
			die("no %s.ko under %s (-m DIR)", devs[d].module, dir);
}

/* Load @d's module with @params; 0 or -errno, as finit_module() says. */
static int load(int d, const char *params)
{
	int fd = open(devs[d].ko, O_RDONLY | O_CLOEXEC);
	long ret;

	if (fd < 0)
		die("open %s: %s", devs[d].ko, strerror(errno));
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static void unload_module(int d)
{
	for (int ms = 0; ms < 5000; ms += 10) {
		if (!syscall(SYS_delete_module, devs[d].module, O_NONBLOCK) ||
		    errno == ENOENT)
			return;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		sleep_ms(10);
	}
	die("cannot unload %s: %s", devs[d].module, strerror(errno));
}

static void unload_all(void)
{
	unload_module(R);
	unload_module(C);
}

/* --- memory for the calls: good, bad and partly bad buffers --- */

static char *arena;	/* MAXSEG segments of SEG_STRIDE bytes, shared */
static char *hole;	/* right after it: a page with no access */
static char *ro;	/* then a read-only page, then another hole */
static char *scratch;	/* a shared page: iovecs, pollfd, timespec */
static unsigned char *saved;	/* the C device's output, for Rust's */
static unsigned char pattern[65536];

static void arena_init(void)
{
	size_t len = ARENA_SIZE + 4 * PAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	arena = p;
	hole = p + ARENA_SIZE;
	ro = hole + PAGE;
	scratch = ro + 2 * PAGE;
	if (mprotect(hole, PAGE, PROT_NONE) || mprotect(ro, PAGE, PROT_READ) ||
	    mprotect(ro + PAGE, PAGE, PROT_NONE))
		die("mprotect: %s", strerror(errno));
	saved = malloc(ARENA_SIZE);
	if (!saved)
		die("out of memory");
	rnd_state = 1;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = rnd();
}

enum buf_kind { B_OK, B_ODD, B_PART, B_RO, B_NULL, B_KERNEL, B_UNMAPPED, NBUF };

static const char *const buf_names[NBUF] = {
	"ok", "odd", "part", "ro", "null", "kernel", "unmapped",
};

/**
 * struct buf - a user buffer
 * @kind: enum buf_kind: good (ok, odd: misaligned), its last @k bytes
 *        before a hole (part), read-only, NULL, a kernel address, the
 *        top page
 * @k:    for part, how many bytes are there
 */
struct buf {
	unsigned char kind;
	unsigned int k;
};

/*
 * Where buffer @b of segment @seg is; *@wroom: how many bytes of it can
 * be written, *@rroom: read.
 */
static char *buf_at(const struct buf *b, int seg, size_t *wroom, size_t *rroom)
{
	char *p;

	*wroom = 0;
	*rroom = 0;
	switch (b->kind) {
	case B_OK:
	case B_ODD:
		p = arena + seg * SEG_STRIDE + (b->kind == B_ODD);
		*wroom = hole - p;
		*rroom = *wroom;
		return p;
	case B_PART:
		*wroom = b->k > ARENA_SIZE ? ARENA_SIZE : b->k;
		*rroom = *wroom;
		return hole - *wroom;
	case B_RO:
		*rroom = PAGE;
		return ro;
	case B_NULL:
		return NULL;
	case B_KERNEL:
		return (char *)KERNEL_POINTER;
	default:
		return (char *)-PAGE;
	}
}

/* Fill @n bytes at @p with the pattern, from an offset made of @salt. */
static void fill(char *p, size_t n, unsigned long salt)
{
	size_t off = (salt * 7919) % sizeof(pattern);

	while (n) {
		size_t k = sizeof(pattern) - off < n ? sizeof(pattern) - off : n;

		memcpy(p, pattern + off, k);
		p += k;
		n -= k;
		off = 0;
	}
}

/* --- operations --- */

enum op_kind {
	OP_OPEN, OP_CLOSE, OP_DUP, OP_READ, OP_WRITE, OP_READV, OP_WRITEV,
	OP_PREAD, OP_PWRITE, OP_LSEEK, OP_INFO, OP_STATS, OP_RESET,
	OP_RESIZE, OP_IOCTL, OP_GETFL, OP_SETFL, OP_GETFD, OP_SETFD,
	OP_DUPFD, OP_POLL, OP_MMAP, OP_SPLICE_IN, OP_SPLICE_OUT, NOP
};

static const char *const op_names[NOP] = {
	"open", "close", "dup", "read", "write", "readv", "writev",
	"pread", "pwrite", "lseek", "info", "stats", "reset",
	"resize", "ioctl", "getfl", "setfl", "getfd", "setfd",
	"dupfd", "poll", "mmap", "splice-in", "splice-out",
};

/* Sizes and RESIZE values, relative to the C device's state before the step. */
enum size_base { S_ABS, S_CAP, S_USED, S_FREE, NSIZE };

static const char *const size_names[NSIZE] = { "", "cap", "used", "free" };

struct size {
	unsigned char base;
	long long delta;
};

/**
 * struct op - one operation of a sequence
 * @kind:   enum op_kind
 * @slot:   the file it uses (0..NSLOT-1)
 * @slot2:  for dup and dupfd, where the new file goes
 * @nobody: made by the unprivileged helper
 * @nseg:   segments of readv and writev
 * @flags:  open and setfl flags, poll events, setfd value, lseek whence
 * @cmd:    the number of a raw ioctl
 * @off:    the offset of pread, pwrite and lseek
 * @size:   the size of each segment; RESIZE's value
 * @buf:    the buffer of each segment
 */
struct op {
	unsigned char kind;
	unsigned char slot;
	unsigned char slot2;
	unsigned char nobody;
	unsigned char nseg;
	unsigned int flags;
	unsigned long cmd;
	long long off;
	struct size size[MAXSEG];
	struct buf buf[MAXSEG];
};

struct name_value {
	const char *name;
	unsigned long value;
};

static const struct name_value access_names[] = {
	{ "ro", O_RDONLY }, { "wo", O_WRONLY }, { "rw", O_RDWR },
	{ "acc3", O_ACCMODE },
};

static const struct name_value flag_names[] = {
	{ "nonblock", O_NONBLOCK }, { "direct", O_DIRECT },
	{ "append", O_APPEND }, { "sync", O_SYNC }, { "dsync", O_DSYNC },
	{ "cloexec", O_CLOEXEC }, { "trunc", O_TRUNC },
	{ "noatime", O_NOATIME }, { "excl", O_EXCL }, { "creat", O_CREAT },
	{ "async", O_ASYNC }, { "noctty", O_NOCTTY },
	{ "directory", O_DIRECTORY },
};

static const struct name_value event_names[] = {
	{ "in", POLLIN }, { "pri", POLLPRI }, { "out", POLLOUT },
	{ "rdnorm", POLLRDNORM }, { "wrnorm", POLLWRNORM },
	{ "rdband", POLLRDBAND }, { "wrband", POLLWRBAND },
	{ "rdhup", POLLRDHUP }, { "err", POLLERR }, { "hup", POLLHUP },
	{ "nval", POLLNVAL },
};

static const struct name_value whence_names[] = {
	{ "set", SEEK_SET }, { "cur", SEEK_CUR }, { "end", SEEK_END },
	{ "data", SEEK_DATA }, { "hole", SEEK_HOLE },
};

/* Unknown numbers, and duet's numbers with the wrong size or direction. */
static const struct name_value cmd_names[] = {
	{ "zero", 0 },
	{ "nr4", _IO(DUET_IOC_MAGIC, 4) },
	{ "nr255", _IO(DUET_IOC_MAGIC, 0xff) },
	{ "info-int", _IOR(DUET_IOC_MAGIC, 0, int) },
	{ "info-w", _IOW(DUET_IOC_MAGIC, 0, struct duet_info) },
	{ "info-wr", _IOWR(DUET_IOC_MAGIC, 0, struct duet_info) },
	{ "info-io", _IO(DUET_IOC_MAGIC, 0) },
	{ "stats-info", _IOR(DUET_IOC_MAGIC, 1, struct duet_info) },
	{ "reset-r", _IOR(DUET_IOC_MAGIC, 2, int) },
	{ "reset-w", _IOW(DUET_IOC_MAGIC, 2, __u32) },
	{ "resize-u64", _IOW(DUET_IOC_MAGIC, 3, __u64) },
	{ "resize-r", _IOR(DUET_IOC_MAGIC, 3, __u32) },
	{ "resize-io", _IO(DUET_IOC_MAGIC, 3) },
	{ "magic-x", _IOR('x', 1, int) },
	{ "fionread", FIONREAD },
	{ "tcgets", TCGETS },
	{ "fionbio", FIONBIO },
	{ "fioclex", FIOCLEX },
	{ "fionclex", FIONCLEX },
	{ "fioasync", FIOASYNC },
	{ "fioqsize", FIOQSIZE },
	{ "figetbsz", FIGETBSZ },
	{ "getflags", FS_IOC_GETFLAGS },
	/* INFO, with bits above the 32 of the kernel's cmd (dropped) */
	{ "info-hi", DUET_IOC_INFO | (unsigned long)(0x100000000ULL & ULONG_MAX) },
};

/* Print the names of the bits of @v from @t, joined by '+' ("none": 0). */
static int print_bits(char *out, size_t len, unsigned long v,
		      const struct name_value *t, size_t n)
{
	size_t used = 0;

	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].value || (v & t[i].value) != t[i].value)
			continue;
		used += snprintf(out + used, len - used, "%s%s", used ? "+" : "",
				 t[i].name);
		v &= ~t[i].value;
		if (used >= len)
			return -1;
	}
	if (v)
		used += snprintf(out + used, len - used, "%s%#lx", used ? "+" : "", v);
	else if (!used)
		used += snprintf(out, len, "none");
	return used;
}

static int parse_bits(const char *s, unsigned long *v,
		      const struct name_value *t, size_t n)
{
	char copy[256], *words[32];
	int count;

	*v = 0;
	scopy(copy, sizeof(copy), s);
	count = split(copy, '+', words, ARRAY_SIZE(words));
	for (int i = 0; i < count; i++) {
		char *end;
		size_t j;

		if (!strcmp(words[i], "none"))
			continue;
		for (j = 0; j < n; j++)
			if (!strcmp(words[i], t[j].name))
				break;
		if (j < n) {
			*v |= t[j].value;
			continue;
		}
		*v |= strtoul(words[i], &end, 0);
		if (*end || end == words[i])
			return -1;
	}
	return 0;
}

static void print_size(char *out, size_t len, const struct size *s)
{
	if (s->base == S_ABS)
		snprintf(out, len, "%lld", s->delta);
	else if (!s->delta)
		snprintf(out, len, "%s", size_names[s->base]);
	else
		snprintf(out, len, "%s%+lld", size_names[s->base], s->delta);
}

static int parse_size(const char *s, struct size *out)
{
	char *end;

	memset(out, 0, sizeof(*out));
	for (int b = S_CAP; b < NSIZE; b++) {
		size_t n = strlen(size_names[b]);

		if (!strncmp(s, size_names[b], n)) {
			out->base = b;
			s += n;
			if (!*s)
				return 0;
			break;
		}
	}
	out->delta = strtoll(s, &end, 0);
	return *end || end == s ? -1 : 0;
}

static void print_buf(char *out, size_t len, const struct buf *b)
{
	if (b->kind == B_PART)
		snprintf(out, len, "part:%u", b->k);
	else
		snprintf(out, len, "%s", buf_names[b->kind]);
}

static int parse_buf(const char *s, struct buf *b)
{
	memset(b, 0, sizeof(*b));
	if (!strncmp(s, "part:", 5)) {
		char *end;

		b->kind = B_PART;
		b->k = strtoul(s + 5, &end, 0);
		return *end ? -1 : 0;
	}
	for (int k = 0; k < NBUF; k++) {
		if (!strcmp(s, buf_names[k])) {
			b->kind = k;
			return 0;
		}
	}
	return -1;
}

static const char *name_of(unsigned long v, const struct name_value *t, size_t n)
{
	static char buf[24];

	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	snprintf(buf, sizeof(buf), "%#lx", v);
	return buf;
}

static int value_of(const char *s, unsigned long *v, const struct name_value *t,
		    size_t n)
{
	char *end;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(s, t[i].name)) {
			*v = t[i].value;
			return 0;
		}
	}
	*v = strtoul(s, &end, 0);
	return *end || end == s ? -1 : 0;
}

/* The text of @op, as -x takes it. */
static void print_op(char *out, size_t len, const struct op *op)
{
	char a[160], b[40];
	size_t n = snprintf(out, len, "%s%s %u", op->nobody ? "nobody " : "",
			    op_names[op->kind], op->slot);

	a[0] = 0;
	switch (op->kind) {
	case OP_OPEN:
		if (op->flags & O_PATH) {
			n += snprintf(out + n, len - n, " path");
		} else {
			n += snprintf(out + n, len - n, " %s",
				      name_of(op->flags & O_ACCMODE, access_names,
					      ARRAY_SIZE(access_names)));
		}
		if (op->flags & ~(O_PATH | O_ACCMODE)) {
			print_bits(a, sizeof(a), op->flags & ~(O_PATH | O_ACCMODE),
				   flag_names, ARRAY_SIZE(flag_names));
			snprintf(out + n, len - n, "+%s", a);
		}
		break;
	case OP_DUP:
	case OP_DUPFD:
		snprintf(out + n, len - n, " %u", op->slot2);
		break;
	case OP_READ:
	case OP_WRITE:
	case OP_RESIZE:
		print_size(a, sizeof(a), &op->size[0]);
		print_buf(b, sizeof(b), &op->buf[0]);
		snprintf(out + n, len - n, " %s %s", a, b);
		break;
	case OP_READV:
	case OP_WRITEV:
		for (int i = 0; i < op->nseg; i++) {
			print_size(a, sizeof(a), &op->size[i]);
			print_buf(b, sizeof(b), &op->buf[i]);
			n += snprintf(out + n, len - n, "%s%s:%s", i ? "," : " ", a, b);
		}
		break;
	case OP_PREAD:
	case OP_PWRITE:
		print_size(a, sizeof(a), &op->size[0]);
		snprintf(out + n, len - n, " %s %lld", a, op->off);
		break;
	case OP_LSEEK:
		snprintf(out + n, len - n, " %lld %s", op->off,
			 name_of(op->flags, whence_names, ARRAY_SIZE(whence_names)));
		break;
	case OP_INFO:
	case OP_STATS:
		print_buf(b, sizeof(b), &op->buf[0]);
		snprintf(out + n, len - n, " %s", b);
		break;
	case OP_IOCTL:
		print_buf(b, sizeof(b), &op->buf[0]);
		snprintf(out + n, len - n, " %s %s",
			 name_of(op->cmd, cmd_names, ARRAY_SIZE(cmd_names)), b);
		break;
	case OP_SETFL:
		print_bits(a, sizeof(a), op->flags, flag_names, ARRAY_SIZE(flag_names));
		snprintf(out + n, len - n, " %s", a);
		break;
	case OP_SETFD:
		snprintf(out + n, len - n, " %u", op->flags);
		break;
	case OP_POLL:
		print_bits(a, sizeof(a), op->flags, event_names, ARRAY_SIZE(event_names));
		snprintf(out + n, len - n, " %s", a);
		break;
	case OP_SPLICE_IN:
	case OP_SPLICE_OUT:
		print_size(a, sizeof(a), &op->size[0]);
		snprintf(out + n, len - n, " %s", a);
		break;
	}
}

static int parse_op(char *text, struct op *op)
{
	char *w[8], *segs[MAXSEG + 1];
	unsigned long v;
	int n, k = 0, nsegs;

	memset(op, 0, sizeof(*op));
	n = split(text, ' ', w, ARRAY_SIZE(w));
	if (n && !strcmp(w[0], "nobody")) {
		op->nobody = 1;
		k = 1;
	}
	if (n < k + 2)
		return -1;
	for (op->kind = 0; op->kind < NOP; op->kind++)
		if (!strcmp(w[k], op_names[op->kind]))
			break;
	op->slot = strtoul(w[k + 1], NULL, 0);
	if (op->kind == NOP || op->slot >= NSLOT)
		return -1;
	k += 2;
	n -= k;
	switch (op->kind) {
	case OP_OPEN: {
		char *plus;

		if (n != 1)
			return -1;
		plus = strchr(w[k], '+');
		if (plus)
			*plus++ = 0;
		if (!strcmp(w[k], "path"))
			v = O_PATH;
		else if (value_of(w[k], &v, access_names, ARRAY_SIZE(access_names)))
			return -1;
		op->flags = v;
		if (plus) {
			if (parse_bits(plus, &v, flag_names, ARRAY_SIZE(flag_names)))
				return -1;
			op->flags |= v;
		}
		return 0;
	}
	case OP_DUP:
	case OP_DUPFD:
		op->slot2 = strtoul(w[k], NULL, 0);
		return n == 1 && op->slot2 < NSLOT ? 0 : -1;
	case OP_READ:
	case OP_WRITE:
	case OP_RESIZE:
		return n == 2 && !parse_size(w[k], &op->size[0]) &&
			!parse_buf(w[k + 1], &op->buf[0]) ? 0 : -1;
	case OP_READV:
	case OP_WRITEV:
		if (n != 1)
			return -1;
		nsegs = split(w[k], ',', segs, ARRAY_SIZE(segs));
		if (nsegs < 1 || nsegs > MAXSEG)
			return -1;
		op->nseg = nsegs;
		for (int i = 0; i < nsegs; i++) {
			char *colon = strchr(segs[i], ':');

			if (!colon)
				return -1;
			*colon++ = 0;
			if (parse_size(segs[i], &op->size[i]) ||
			    parse_buf(colon, &op->buf[i]))
				return -1;
		}
		return 0;
	case OP_PREAD:
	case OP_PWRITE:
		if (n != 2)
			return -1;
		op->off = strtoll(w[k + 1], NULL, 0);
		return parse_size(w[k], &op->size[0]);
	case OP_LSEEK:
		if (n != 2 || value_of(w[k + 1], &v, whence_names, ARRAY_SIZE(whence_names)))
			return -1;
		op->off = strtoll(w[k], NULL, 0);
		op->flags = v;
		return 0;
	case OP_INFO:
	case OP_STATS:
		return n == 1 && !parse_buf(w[k], &op->buf[0]) ? 0 : -1;
	case OP_IOCTL:
		if (n != 2 || value_of(w[k], &op->cmd, cmd_names, ARRAY_SIZE(cmd_names)))
			return -1;
		return parse_buf(w[k + 1], &op->buf[0]);
	case OP_SETFL:
		if (n != 1 || parse_bits(w[k], &v, flag_names, ARRAY_SIZE(flag_names)))
			return -1;
		op->flags = v;
		return 0;
	case OP_SETFD:
		op->flags = n == 1 ? strtoul(w[k], NULL, 0) : 0;
		return n == 1 ? 0 : -1;
	case OP_POLL:
		if (n != 1 || parse_bits(w[k], &v, event_names, ARRAY_SIZE(event_names)))
			return -1;
		op->flags = v;
		return 0;
	case OP_SPLICE_IN:
	case OP_SPLICE_OUT:
		return n == 1 && !parse_size(w[k], &op->size[0]) ? 0 : -1;
	default:
		return n ? -1 : 0;
	}
}

/* Parse "OP; OP; ..." into a new array; returns the count, or dies. */
static long parse_ops(const char *text, struct op **out)
{
	char *copy = strdup(text), *parts[4096];
	long n = split(copy, ';', parts, ARRAY_SIZE(parts));
	struct op *ops = calloc(n ? n : 1, sizeof(*ops));

	for (long i = 0; i < n; i++) {
		char orig[256];

		scopy(orig, sizeof(orig), parts[i]);
		if (parse_op(parts[i], &ops[i]))
			die("operation %ld, '%s': see difftest -h", i + 1, orig);
	}
	free(copy);
	*out = ops;
	return n;
}

/* --- the generator --- */

static void gen_size(struct size *s)
{
	unsigned int r = rnd_below(100);

	s->base = S_ABS;
	s->delta = 0;
	if (r < 6)
		return;
	if (r < 22) {
		s->delta = 1;
	} else if (r < 34) {
		s->delta = 2 + rnd_below(15);
	} else if (r < 52) {
		s->delta = 17 + rnd_below(584);
	} else if (r < 70) {
		s->base = S_CAP;
		s->delta = (int)((r - 52) / 6) - 1;
	} else if (r < 80) {
		s->base = S_USED;
		s->delta = (int)((r - 70) % 3) - 1;
	} else if (r < 90) {
		s->base = S_FREE;
		s->delta = (int)((r - 80) % 3) - 1;
	} else {
		s->delta = 601 + rnd_below(8192);
	}
}

static void gen_resize(struct size *s)
{
	static const long long fixed[] = {
		0, 63, 64, 64, 65, 100, 1048575, 1048576, 1048577, 0xffffffffLL,
		4096, 4096, 0x80000040LL,
	};
	unsigned int r = rnd_below(100);

	s->base = S_ABS;
	if (r < 40) {
		s->delta = fixed[rnd_below(ARRAY_SIZE(fixed))];
		/* a FIFO of a MiB costs time under TCG: rarely */
		if (s->delta >= 1048575 && s->delta <= 1048577 && rnd_below(3))
			s->delta = 4096;
	} else if (r < 80) {
		s->base = r < 60 ? S_CAP : S_USED;
		s->delta = (int)(r % 3) - 1;
	} else {
		s->delta = 64 + rnd_below(8192);
	}
}

static void gen_buf(struct buf *b, int ioctl_size)
{
	static const unsigned int parts[] = { 0, 1, 2, 3, 7, 64, 100, 4095, 4096 };
	unsigned int r = rnd_below(100);

	memset(b, 0, sizeof(*b));
	if (r < 78) {
		b->kind = B_OK;
	} else if (r < 82) {
		b->kind = B_ODD;
	} else if (r < 91) {
		b->kind = B_PART;
		b->k = ioctl_size ? rnd_below(ioctl_size + 1) :
			parts[rnd_below(ARRAY_SIZE(parts))];
	} else {
		b->kind = B_RO + rnd_below(NBUF - B_RO);
	}
}

/* What the generator thinks a slot holds (it may be wrong: no matter). */
enum { M_READ = 1, M_WRITE = 2, M_OPEN = 4 };

/*
 * Choose a file: most of the time one that is open, and that can read
 * (@want M_READ) or write (M_WRITE) if the operation does.
 */
static unsigned int gen_slot(const int *open, int want)
{
	unsigned int n = 0, pick[NSLOT];

	for (unsigned int i = 0; i < NSLOT; i++)
		if ((open[i] & (want | M_OPEN)) == (want | M_OPEN))
			pick[n++] = i;
	if (n && rnd_below(10))
		return pick[rnd_below(n)];
	return rnd_below(NSLOT);
}

/* What an open with @flags gives, for the model. */
static int gen_mode(unsigned int flags)
{
	if (flags & O_PATH)
		return M_OPEN;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return M_OPEN | M_READ;
	case O_WRONLY:
		return M_OPEN | M_WRITE;
	case O_RDWR:
		return M_OPEN | M_READ | M_WRITE;
	default:
		return M_OPEN;
	}
}

static const struct { unsigned char kind; unsigned short weight; } weights[] = {
	{ OP_OPEN, 110 }, { OP_CLOSE, 50 }, { OP_DUP, 15 }, { OP_DUPFD, 10 },
	{ OP_READ, 190 }, { OP_WRITE, 190 }, { OP_READV, 25 },
	{ OP_WRITEV, 25 }, { OP_PREAD, 8 }, { OP_PWRITE, 8 }, { OP_LSEEK, 8 },
	{ OP_INFO, 40 }, { OP_STATS, 30 }, { OP_RESET, 15 },
	{ OP_RESIZE, 60 }, { OP_IOCTL, 30 }, { OP_GETFL, 10 },
	{ OP_SETFL, 40 }, { OP_GETFD, 5 }, { OP_SETFD, 5 }, { OP_POLL, 60 },
	{ OP_MMAP, 5 }, { OP_SPLICE_IN, 5 }, { OP_SPLICE_OUT, 5 },
};

static void gen_ops(__u64 seed, struct op *ops, long n)
{
	static const unsigned int access[] = {
		O_RDONLY, O_RDONLY, O_RDONLY, O_RDONLY, O_WRONLY, O_WRONLY,
		O_WRONLY, O_WRONLY, O_RDWR, O_RDWR, O_RDWR, O_RDWR, O_RDWR,
		O_RDWR, O_ACCMODE, O_ACCMODE, O_PATH,
	};
	static const unsigned char wants[NOP] = {
		[OP_READ] = M_READ, [OP_READV] = M_READ, [OP_PREAD] = M_READ,
		[OP_SPLICE_OUT] = M_READ, [OP_WRITE] = M_WRITE,
		[OP_WRITEV] = M_WRITE, [OP_PWRITE] = M_WRITE,
		[OP_SPLICE_IN] = M_WRITE,
	};
	int open[NSLOT] = { 0 };
	unsigned int total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(weights); i++)
		total += weights[i].weight;
	rnd_state = seed * 0x2545f4914f6cdd1dULL + 1;
	for (long i = 0; i < n; i++) {
		struct op *op = &ops[i];
		unsigned int w = rnd_below(total);
		size_t j;

		memset(op, 0, sizeof(*op));
		for (j = 0; w >= weights[j].weight; j++)
			w -= weights[j].weight;
		op->kind = weights[j].kind;
		/* an open goes to any slot; the rest mostly to open files */
		op->slot = op->kind == OP_OPEN ? rnd_below(NSLOT) :
			gen_slot(open, wants[op->kind]);
		switch (op->kind) {
		case OP_OPEN:
			op->flags = access[rnd_below(ARRAY_SIZE(access))];
			if (rnd_below(100) < 75)
				op->flags |= O_NONBLOCK;
			for (j = 1; j < ARRAY_SIZE(flag_names); j++)
				if (!rnd_below(40))
					op->flags |= flag_names[j].value;
			open[op->slot] = gen_mode(op->flags);
			break;
		case OP_CLOSE:
			open[op->slot] = 0;
			break;
		case OP_DUP:
		case OP_DUPFD:
			op->slot2 = rnd_below(NSLOT);
			open[op->slot2] = open[op->slot];
			break;
		case OP_READ:
		case OP_WRITE:
			gen_size(&op->size[0]);
			gen_buf(&op->buf[0], 0);
			break;
		case OP_READV:
		case OP_WRITEV:
			op->nseg = 1 + rnd_below(MAXSEG);
			for (j = 0; j < op->nseg; j++) {
				gen_size(&op->size[j]);
				if (op->size[j].base == S_ABS && op->size[j].delta > 600)
					op->size[j].delta %= 600;
				gen_buf(&op->buf[j], 0);
			}
			break;
		case OP_PREAD:
		case OP_PWRITE:
		case OP_LSEEK: {
			static const long long offs[] = { 0, 1, -1, 4096 };

			gen_size(&op->size[0]);
			op->off = offs[rnd_below(ARRAY_SIZE(offs))];
			op->flags = rnd_below(ARRAY_SIZE(whence_names));
			break;
		}
		case OP_INFO:
			gen_buf(&op->buf[0], sizeof(struct duet_info));
			break;
		case OP_STATS:
			gen_buf(&op->buf[0], sizeof(struct duet_stats));
			break;
		case OP_RESIZE:
			gen_resize(&op->size[0]);
			gen_buf(&op->buf[0], sizeof(__u32));
			if (op->buf[0].kind != B_PART && op->buf[0].kind > B_ODD && rnd_below(2))
				op->buf[0].kind = B_OK;
			break;
		case OP_IOCTL:
			op->cmd = cmd_names[rnd_below(ARRAY_SIZE(cmd_names))].value;
			gen_buf(&op->buf[0], 8);
			break;
		case OP_SETFL:
			op->flags = rnd_below(10) < 7 ? O_NONBLOCK : 0;
			if (!rnd_below(10))
				op->flags |= O_APPEND;
			if (!rnd_below(20))
				op->flags |= O_DIRECT;
			if (!rnd_below(30))
				op->flags |= O_NOATIME;
			if (!rnd_below(30))
				op->flags |= O_ASYNC;
			break;
		case OP_SETFD:
			op->flags = rnd_below(2);
			break;
		case OP_POLL:
			for (j = 0; j < 6; j++)
				if (rnd_below(10) < 4)
					op->flags |= event_names[j < 5 ? j : 7].value;
			break;
		case OP_SPLICE_IN:
		case OP_SPLICE_OUT:
			gen_size(&op->size[0]);
			break;
		}
		if (!rnd_below(25) && op->kind != OP_CLOSE && op->kind != OP_DUP &&
		    op->kind != OP_DUPFD)
			op->nobody = 1;
	}
}

/* --- the unprivileged helper --- */

/*
 * A process of uid 65534, without capabilities, that shares the file
 * table (CLONE_FILES) and the buffers (MAP_SHARED) of the tester: it makes
 * the "nobody" operations on the same files, as another process would
 * with files passed to it.
 */
static int helper_req = -1, helper_rep = -1;
static pid_t helper_pid;

struct helper_call {
	long nr;
	long a[6];
	int arm;
};

struct helper_ret {
	long ret;
	int err;
};

static sig_atomic_t alarms, usr1s;

static void on_alarm(int sig)
{
	alarms++;
}

static void on_usr1(int sig)
{
	usr1s++;
}

/*
 * A read or write that blocks is cut short by SIGALRM (no SA_RESTART)
 * within a tick: in lockstep, nothing else would wake it. Both devices
 * then say EINTR, or both return at once.
 */
static void arm(int on)
{
	struct itimerval it = {
		.it_interval = { 0, on ? 2000 : 0 },
		.it_value = { 0, on ? 2000 : 0 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static void __noreturn helper_main(int req, int rep)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct helper_call c;
	struct helper_ret r;

	sigaction(SIGALRM, &sa, NULL);
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(1);
	/* (after the change of credentials, which clears it) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	while (read(req, &c, sizeof(c)) == sizeof(c)) {
		if (c.arm)
			arm(1);
		r.ret = syscall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5]);
		r.err = r.ret < 0 ? errno : 0;
		if (c.arm)
			arm(0);
		if (write(rep, &r, sizeof(r)) != sizeof(r))
			break;
	}
	_exit(0);
}

/* It shares the file table, so it holds our stdout too: stop it. */
static void helper_stop(void)
{
	if (helper_pid > 0) {
		kill(helper_pid, SIGKILL);
		waitpid(helper_pid, NULL, 0);
	}
	helper_pid = 0;
}

static void helper_start(void)
{
	int req[2], rep[2];

	if (pipe2(req, O_CLOEXEC) || pipe2(rep, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	/* fork()'s semantics, but one file table for both processes */
	helper_pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (helper_pid < 0)
		die("clone: %s", strerror(errno));
	if (!helper_pid)
		helper_main(req[0], rep[1]);
	helper_req = req[1];
	helper_rep = rep[0];
	atexit(helper_stop);
}

/* One system call, made by this process or (@nobody) by the helper. */
static long call(int nobody, int blocks, long nr, long a0, long a1, long a2,
		 long a3, long a4, long a5, int *err)
{
	struct helper_call c = { nr, { a0, a1, a2, a3, a4, a5 }, blocks };
	struct helper_ret r;

	if (!nobody) {
		if (blocks)
			arm(1);
		r.ret = syscall(nr, a0, a1, a2, a3, a4, a5);
		*err = r.ret < 0 ? errno : 0;
		if (blocks)
			arm(0);
		return r.ret;
	}
	if (write(helper_req, &c, sizeof(c)) != sizeof(c) ||
	    read(helper_rep, &r, sizeof(r)) != sizeof(r))
		die("the unprivileged helper is gone");
	*err = r.err;
	return r.ret;
}

/* --- lockstep: state, execution, observation --- */

static int slots[2][NSLOT];
static int observer[2] = { -1, -1 };	/* O_ACCMODE files: INFO, STATS */
static int proc_fd = -1;
static int splice_pipe[2] = { -1, -1 };
static unsigned int cur_cap, cur_used;	/* the C device's, last seen */
static unsigned long salt;		/* of the bytes of each write */
static unsigned long ops_compared;
static unsigned long answers[134];	/* C's answers in a seed, by errno */
static int counting;			/* count the steps in ops_compared */

/**
 * struct answer - what one device answered to one operation
 * @ret:     the return value (file descriptors and addresses as 0)
 * @err:     errno, or 0
 * @revents: poll's
 * @moved:   splice: bytes that came out of the pipe afterwards
 */
struct answer {
	long ret;
	int err;
	int revents;
	long moved;
};

/* A region of user memory an operation writes to, compared afterwards. */
struct region {
	char *p;
	size_t n;
};

static struct region regions[MAXSEG];
static int nregions;

static unsigned long long size_eval(const struct size *s)
{
	long long v = s->delta;

	if (s->base == S_CAP)
		v += cur_cap;
	else if (s->base == S_USED)
		v += cur_used;
	else if (s->base == S_FREE)
		v += (long long)cur_cap - cur_used;
	return v < 0 ? 0 : v;
}

static void close_slot(int d, int s)
{
	if (slots[d][s] >= 0)
		close(slots[d][s]);
	slots[d][s] = -1;
}

static void drain_pipe(long *moved)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(splice_pipe[0], buf, sizeof(buf))) > 0)
		*moved += n;
}

/*
 * Set up the buffers of @op: the bytes a write sends, and the regions a
 * read or an ioctl may write (filled with 0xa5 before each device's call).
 * Returns the address the call takes.
 */
static char *prepare(const struct op *op, size_t *len)
{
	struct iovec *iov = (struct iovec *)scratch;
	size_t wroom, rroom;
	char *p = NULL;
	int out = 0;

	nregions = 0;
	*len = 0;
	switch (op->kind) {
	case OP_READ:
	case OP_PREAD:
		out = 1;
		fallthrough;
	case OP_WRITE:
	case OP_PWRITE:
		*len = size_eval(&op->size[0]);
		p = buf_at(op->kind == OP_PREAD || op->kind == OP_PWRITE ?
			   &(struct buf){ B_OK, 0 } : &op->buf[0], 0, &wroom, &rroom);
		if (out) {
			regions[nregions].p = p;
			regions[nregions++].n = *len < wroom ? *len : wroom;
		} else {
			fill(p, *len < wroom ? *len : wroom, ++salt);
		}
		return p;
	case OP_READV:
	case OP_WRITEV:
		for (int i = 0; i < op->nseg; i++) {
			size_t n = size_eval(&op->size[i]);

			iov[i].iov_base = buf_at(&op->buf[i], i, &wroom, &rroom);
			iov[i].iov_len = n;
			*len += n;
			if (op->kind == OP_READV) {
				regions[nregions].p = iov[i].iov_base;
				regions[nregions++].n = n < wroom ? n : wroom;
			} else {
				fill(iov[i].iov_base, n < wroom ? n : wroom, ++salt);
			}
		}
		return (char *)iov;
	case OP_INFO:
	case OP_STATS:
	case OP_IOCTL:
		*len = op->kind == OP_INFO ? sizeof(struct duet_info) :
			op->kind == OP_STATS ? sizeof(struct duet_stats) : 64;
		p = buf_at(&op->buf[0], 0, &wroom, &rroom);
		regions[nregions].p = p;
		regions[nregions++].n = *len < wroom ? *len : wroom;
		return p;
	case OP_RESIZE: {
		unsigned long long v = size_eval(&op->size[0]);
		__u32 value = v > 0xffffffffULL ? 0xffffffffU : v;

		p = buf_at(&op->buf[0], 0, &wroom, &rroom);
		if (wroom)
			memcpy(p, &value, wroom < sizeof(value) ? wroom : sizeof(value));
		return p;
	}
	case OP_SPLICE_IN:
	case OP_SPLICE_OUT:
		*len = size_eval(&op->size[0]);
		return NULL;
	default:
		return NULL;
	}
}

/* Apply @op to device @d, with the buffers that prepare() set up. */
static void exec_op(int d, const struct op *op, char *p, size_t len,
		    struct answer *a)
{
	struct pollfd *pfd = (struct pollfd *)(scratch + 1024);
	struct timespec *ts = (struct timespec *)(scratch + 1100);
	int fd = slots[d][op->slot], nb = op->nobody, err, newfd;
	long ret = -1;

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < nregions; i++)
		memset(regions[i].p, 0xa5, regions[i].n);
	switch (op->kind) {
	case OP_OPEN:
		close_slot(d, op->slot);
		ret = call(nb, 0, SYS_openat, AT_FDCWD, (long)devs[d].path,
			   op->flags, 0600, 0, 0, &err);
		if (ret >= 0) {
			slots[d][op->slot] = ret;
			ret = 0;
		}
		break;
	case OP_CLOSE:
		ret = call(0, 0, SYS_close, fd, 0, 0, 0, 0, 0, &err);
		slots[d][op->slot] = -1;
		break;
	case OP_DUP:
	case OP_DUPFD:
		if (op->kind == OP_DUP)
			newfd = call(nb, 0, SYS_dup, fd, 0, 0, 0, 0, 0, &err);
		else
			newfd = call(nb, 0, SYS_fcntl, fd, F_DUPFD, 0, 0, 0, 0, &err);
		ret = newfd < 0 ? newfd : 0;
		if (newfd >= 0) {
			close_slot(d, op->slot2);
			slots[d][op->slot2] = newfd;
		}
		break;
	case OP_READ:
		ret = call(nb, 1, SYS_read, fd, (long)p, len, 0, 0, 0, &err);
		break;
	case OP_WRITE:
		ret = call(nb, 1, SYS_write, fd, (long)p, len, 0, 0, 0, &err);
		break;
	case OP_READV:
		ret = call(nb, 1, SYS_readv, fd, (long)p, op->nseg, 0, 0, 0, &err);
		break;
	case OP_WRITEV:
		ret = call(nb, 1, SYS_writev, fd, (long)p, op->nseg, 0, 0, 0, &err);
		break;
	case OP_PREAD:
		ret = call(nb, 1, SYS_pread64, fd, (long)p, len, op->off, 0, 0, &err);
		break;
	case OP_PWRITE:
		ret = call(nb, 1, SYS_pwrite64, fd, (long)p, len, op->off, 0, 0, &err);
		break;
	case OP_LSEEK:
		ret = call(nb, 0, SYS_lseek, fd, op->off, op->flags, 0, 0, 0, &err);
		break;
	case OP_INFO:
		ret = call(nb, 0, SYS_ioctl, fd, DUET_IOC_INFO, (long)p, 0, 0, 0, &err);
		break;
	case OP_STATS:
		ret = call(nb, 0, SYS_ioctl, fd, DUET_IOC_STATS, (long)p, 0, 0, 0, &err);
		break;
	case OP_RESET:
		ret = call(nb, 0, SYS_ioctl, fd, DUET_IOC_RESET, 0, 0, 0, 0, &err);
		break;
	case OP_RESIZE:
		ret = call(nb, 0, SYS_ioctl, fd, DUET_IOC_RESIZE, (long)p, 0, 0, 0, &err);
		break;
	case OP_IOCTL:
		ret = call(nb, 0, SYS_ioctl, fd, op->cmd, (long)p, 0, 0, 0, &err);
		break;
	case OP_GETFL:
		ret = call(nb, 0, SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0, &err);
		break;
	case OP_SETFL:
		ret = call(nb, 0, SYS_fcntl, fd, F_SETFL, op->flags, 0, 0, 0, &err);
		break;
	case OP_GETFD:
		ret = call(nb, 0, SYS_fcntl, fd, F_GETFD, 0, 0, 0, 0, &err);
		break;
	case OP_SETFD:
		ret = call(nb, 0, SYS_fcntl, fd, F_SETFD, op->flags, 0, 0, 0, &err);
		break;
	case OP_POLL:
		pfd->fd = fd;
		pfd->events = op->flags;
		pfd->revents = 0;
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		ret = call(nb, 0, SYS_ppoll, (long)pfd, 1, (long)ts, 0, 0, 0, &err);
		a->revents = pfd->revents;
		break;
	case OP_MMAP:
		ret = call(nb, 0, SYS_mmap, 0, PAGE, PROT_READ, MAP_SHARED, fd, 0, &err);
		if (ret != -1) {
			munmap((void *)ret, PAGE);
			ret = 0;
		}
		break;
	case OP_SPLICE_IN:
		if (write(splice_pipe[1], pattern, len < PAGE ? len : PAGE) < 0)
			a->moved = -1;
		ret = call(nb, 1, SYS_splice, splice_pipe[0], 0, fd, 0, len,
			   SPLICE_F_NONBLOCK, &err);
		drain_pipe(&a->moved);
		break;
	case OP_SPLICE_OUT:
		ret = call(nb, 1, SYS_splice, fd, 0, splice_pipe[1], 0, len,
			   SPLICE_F_NONBLOCK, &err);
		drain_pipe(&a->moved);
		break;
	}
	a->ret = ret;
	a->err = ret < 0 ? err : 0;
}

/**
 * struct view - what is seen of one device after a step
 * @info_err:  INFO's errno
 * @info:      INFO
 * @stats_err: STATS's errno
 * @stats:     STATS
 * @row:       1 if /proc/duet has the device's row
 * @col:       its columns: opens, reads, writes, bytes_in, bytes_out,
 *             digest_in, digest_out, refs
 * @module:    its module column
 */
struct view {
	int info_err;
	struct duet_info info;
	int stats_err;
	struct duet_stats stats;
	int row;
	unsigned long long col[8];
	char module[32];
};

static const char *const col_names[8] = {
	"proc.opens", "proc.reads", "proc.writes", "proc.bytes_in",
	"proc.bytes_out", "proc.digest_in", "proc.digest_out", "proc.refs",
};

static void read_proc(struct view *v)
{
	char text[2048], *line, *next;
	ssize_t n;

	v[C].row = 0;
	v[R].row = 0;
	if (proc_fd < 0)
		proc_fd = open("/proc/duet", O_RDONLY | O_CLOEXEC);
	if (proc_fd < 0 || lseek(proc_fd, 0, SEEK_SET))
		return;
	n = read(proc_fd, text, sizeof(text) - 1);
	if (n <= 0)
		return;
	text[n] = 0;
	for (line = text; line; line = next) {
		char name[16], module[32];
		unsigned long long c[8];
		unsigned int din, dout;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (sscanf(line, "%15s %31s %llu %llu %llu %llu %llu %x %x %llu", name,
			   module, &c[0], &c[1], &c[2], &c[3], &c[4], &din, &dout,
			   &c[7]) != 10)
			continue;
		c[5] = din;
		c[6] = dout;
		for (int d = C; d <= R; d++) {
			if (strcmp(name, devs[d].impl))
				continue;
			v[d].row = 1;
			memcpy(v[d].col, c, sizeof(c));
			scopy(v[d].module, sizeof(v[d].module), module);
		}
	}
}

static void observe(struct view *v)
{
	memset(v, 0, 2 * sizeof(*v));
	for (int d = C; d <= R; d++) {
		memset(&v[d].info, 0xff, sizeof(v[d].info));
		memset(&v[d].stats, 0xff, sizeof(v[d].stats));
		v[d].info_err = ioctl(observer[d], DUET_IOC_INFO, &v[d].info) ? errno : 0;
		v[d].stats_err = ioctl(observer[d], DUET_IOC_STATS, &v[d].stats) ? errno : 0;
	}
	read_proc(v);
	if (!v[C].info_err) {
		cur_cap = v[C].info.capacity;
		cur_used = v[C].info.used;
	}
}

static void impl_string(char *out, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < DUET_IMPL_LEN && p[i]; i++)
		out[i] = isprint((unsigned char)p[i]) ? p[i] : '?';
	out[i] = 0;
}

static void compare_views(const struct view *v)
{
	const struct duet_info *ci = &v[C].info, *ri = &v[R].info;
	const struct duet_stats *cs = &v[C].stats, *rs = &v[R].stats;
	char a[16], b[16];

	same("info.errno", errname(v[C].info_err), errname(v[R].info_err));
	same_u("info.abi_version", ci->abi_version, ri->abi_version);
	same_u("info.capacity", ci->capacity, ri->capacity);
	same_u("info.used", ci->used, ri->used);
	same_u("info.max_open", ci->max_open, ri->max_open);
	impl_string(a, ci->impl, sizeof(ci->impl));
	impl_string(b, ri->impl, sizeof(ri->impl));
	same("info.impl", a, b);
	same("stats.errno", errname(v[C].stats_err), errname(v[R].stats_err));
	same_u("stats.opens", cs->opens, rs->opens);
	same_u("stats.reads", cs->reads, rs->reads);
	same_u("stats.writes", cs->writes, rs->writes);
	same_u("stats.bytes_in", cs->bytes_in, rs->bytes_in);
	same_u("stats.bytes_out", cs->bytes_out, rs->bytes_out);
	same_u("stats.digest_in", cs->digest_in, rs->digest_in);
	same_u("stats.digest_out", cs->digest_out, rs->digest_out);
	same("proc.row", v[C].row ? "yes" : "no", v[R].row ? "yes" : "no");
	if (!v[C].row || !v[R].row)
		return;
	for (int i = 0; i < 8; i++)
		same_u(col_names[i], v[C].col[i], v[R].col[i]);
	same("proc.module", v[C].module, v[R].module);
}

/**
 * struct fdinfo - the lines of /proc/self/fdinfo/FD, blanks dropped
 * @n:    lines
 * @name: before the colon
 * @val:  after it
 */
struct fdinfo {
	int n;
	char name[16][32];
	char val[16][96];
};

/*
 * /proc/self/fdinfo/N, kept open: each read shows the file that has the
 * number N then (the kernel looks it up at every read), and saves the
 * walk of the path.
 */
static int fdinfo_files[1024];

static void close_fdinfo_files(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fdinfo_files); i++) {
		if (fdinfo_files[i] > 0)
			close(fdinfo_files[i]);
		fdinfo_files[i] = 0;
	}
}

static void read_fdinfo(int fd, struct fdinfo *fi)
{
	char path[48], raw[2048], *line, *next;
	ssize_t n = -1;

	fi->n = 0;
	if (fd >= (int)ARRAY_SIZE(fdinfo_files))
		return;
	if (fdinfo_files[fd] <= 0) {
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		fdinfo_files[fd] = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fdinfo_files[fd] > 0)
		n = pread(fdinfo_files[fd], raw, sizeof(raw) - 1, 0);
	raw[n > 0 ? n : 0] = 0;
	for (line = raw; line && *line && fi->n < 16; line = next) {
		char *colon, *v;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		scopy(fi->name[fi->n], sizeof(fi->name[0]), line);
		scopy(fi->val[fi->n++], sizeof(fi->val[0]), v);
	}
}

static const char *fdinfo_get(const struct fdinfo *fi, const char *name)
{
	for (int i = 0; i < fi->n; i++)
		if (!strcmp(fi->name[i], name))
			return fi->val[i];
	return "(none)";
}

/* Every line of both files' fdinfo, by name: C's names, then Rust's own. */
static void compare_fdinfo(int s)
{
	int open_c = slots[C][s] >= 0, open_r = slots[R][s] >= 0;
	struct fdinfo fi[2];
	char key[48];

	if (open_c != open_r) {
		same("fdinfo.open", open_c ? "yes" : "no", open_r ? "yes" : "no");
		return;
	}
	if (!open_c)
		return;
	read_fdinfo(slots[C][s], &fi[C]);
	read_fdinfo(slots[R][s], &fi[R]);
	for (int i = 0; i < fi[C].n; i++) {
		snprintf(key, sizeof(key), "fdinfo.%s", fi[C].name[i]);
		same(key, fi[C].val[i], fdinfo_get(&fi[R], fi[C].name[i]));
	}
	for (int i = 0; i < fi[R].n; i++) {
		if (strcmp(fdinfo_get(&fi[C], fi[R].name[i]), "(none)"))
			continue;
		snprintf(key, sizeof(key), "fdinfo.%s", fi[R].name[i]);
		same(key, "(none)", fi[R].val[i]);
	}
}

static void answer_string(char *out, size_t len, const struct op *op,
			  const struct answer *a)
{
	size_t n = snprintf(out, len, "ret %ld", a->ret);

	if (a->err)
		n += snprintf(out + n, len - n, ", errno %s", errname(a->err));
	if (op->kind == OP_POLL && a->ret >= 0) {
		char ev[128];

		print_bits(ev, sizeof(ev), a->revents, event_names, ARRAY_SIZE(event_names));
		n += snprintf(out + n, len - n, ", revents %s", ev);
	}
	if (op->kind == OP_SPLICE_IN || op->kind == OP_SPLICE_OUT)
		snprintf(out + n, len - n, ", %ld bytes through the pipe", a->moved);
}

static void compare_answers(const struct op *op, const struct answer *c,
			    const struct answer *r)
{
	char key[48], a[32], b[32];
	const char *name = op_names[op->kind];

	snprintf(key, sizeof(key), "%s.ret", name);
	same_ll(key, c->ret, r->ret);
	snprintf(key, sizeof(key), "%s.errno", name);
	same(key, errname(c->err), errname(r->err));
	if (op->kind == OP_POLL) {
		print_bits(a, sizeof(a), c->revents, event_names, ARRAY_SIZE(event_names));
		print_bits(b, sizeof(b), r->revents, event_names, ARRAY_SIZE(event_names));
		same("poll.revents", a, b);
	}
	if (op->kind == OP_SPLICE_IN || op->kind == OP_SPLICE_OUT) {
		snprintf(key, sizeof(key), "%s.moved", name);
		same_ll(key, c->moved, r->moved);
	}
}

/* The bytes the call left in its regions: C's were saved in @saved. */
static void compare_regions(const struct op *op)
{
	size_t off = 0;
	char key[48], a[64], b[64];

	for (int i = 0; i < nregions; i++) {
		const unsigned char *c = saved + off;
		const unsigned char *r = (const unsigned char *)regions[i].p;
		size_t n = regions[i].n, lo = 0, hi = n;

		/* INFO's impl names the implementation: a comparison of its own */
		if (op->kind == OP_INFO ||
		    (op->kind == OP_IOCTL && (unsigned int)op->cmd == DUET_IOC_INFO)) {
			hi = n < 16 ? n : 16;
			if (n > 16) {
				impl_string(a, (const char *)c + 16, n - 16);
				impl_string(b, (const char *)r + 16, n - 16);
				same("info.impl", a, b);
			}
		}
		if (hi > lo && !memcmp(c + lo, r + lo, hi - lo))
			hi = lo;
		for (size_t j = lo; j < hi; j++) {
			if (c[j] == r[j])
				continue;
			snprintf(key, sizeof(key), "%s.data", op_names[op->kind]);
			snprintf(a, sizeof(a), "byte%zu/%zu=%02x", j, n, c[j]);
			snprintf(b, sizeof(b), "byte%zu/%zu=%02x", j, n, r[j]);
			same(key, a, b);
			break;
		}
		off += n;
	}
}

static void print_views(const struct view *v)
{
	for (int d = C; d <= R; d++) {
		const struct duet_info *i = &v[d].info;
		const struct duet_stats *s = &v[d].stats;

		printf("#   %-5s INFO capacity %u used %u max_open %u;", devs[d].impl,
		       i->capacity, i->used, i->max_open);
		printf(" STATS opens %llu reads %llu writes %llu in %llu out %llu",
		       (unsigned long long)s->opens, (unsigned long long)s->reads,
		       (unsigned long long)s->writes,
		       (unsigned long long)s->bytes_in,
		       (unsigned long long)s->bytes_out);
		printf(" digests %08x %08x;", s->digest_in, s->digest_out);
		printf(" /proc/duet refs %llu\n", v[d].col[7]);
	}
}

/*
 * One step: @op on the C device, then on the Rust device, then everything
 * compared. @show: print the answers (-v, and the divergence report).
 */
static void step(const struct op *op, int show)
{
	struct answer a[2];
	struct view v[2];
	char *p;
	size_t len, off = 0;

	p = prepare(op, &len);
	exec_op(C, op, p, len, &a[C]);
	for (int i = 0; i < nregions; i++) {
		memcpy(saved + off, regions[i].p, regions[i].n);
		off += regions[i].n;
	}
	exec_op(R, op, p, len, &a[R]);
	if (counting)
		answers[a[C].err < 134 ? a[C].err : 133]++;
	compare_answers(op, &a[C], &a[R]);
	compare_regions(op);
	observe(v);
	compare_views(v);
	compare_fdinfo(op->slot);
	if (op->kind == OP_DUP || op->kind == OP_DUPFD)
		compare_fdinfo(op->slot2);
	ops_compared += counting;
	if (show) {
		char text[256], ans[2][160];

		print_op(text, sizeof(text), op);
		answer_string(ans[C], sizeof(ans[C]), op, &a[C]);
		answer_string(ans[R], sizeof(ans[R]), op, &a[R]);
		printf("#   op:   %s\n#   c:    %s\n#   rust: %s\n", text, ans[C], ans[R]);
		print_views(v);
	}
}

/*
 * Load both modules with @params and open the observers. Returns 0, or
 * -1 with the divergence noted when the two loads answered differently.
 */
static int start(const char *params)
{
	int rc[2];

	unload_all();
	rc[C] = load(C, params);
	rc[R] = rc[C] ? rc[C] : load(R, params);
	same("load.result", errname(-rc[C]), errname(-rc[R]));
	if (rc[C] || rc[R]) {
		if (rc[C] && rc[R])
			die("cannot load the modules with '%s': %s", params,
			    strerror(-rc[C]));
		unload_all();
		return -1;
	}
	for (int d = C; d <= R; d++) {
		for (int s = 0; s < NSLOT; s++)
			slots[d][s] = -1;
		observer[d] = open(devs[d].path, O_ACCMODE | O_NONBLOCK | O_CLOEXEC);
		if (observer[d] < 0)
			die("open %s: %s", devs[d].path, strerror(errno));
	}
	return 0;
}

static void stop(void)
{
	for (int d = C; d <= R; d++) {
		for (int s = 0; s < NSLOT; s++)
			close_slot(d, s);
		if (observer[d] >= 0)
			close(observer[d]);
		observer[d] = -1;
	}
	if (proc_fd >= 0)
		close(proc_fd);
	proc_fd = -1;
	close_fdinfo_files();
	unload_all();
}

#define AT_LOAD	(-2L)

/*
 * Apply @ops[0..@n) to both devices loaded with @params. Returns the index
 * of the first step that diverged (AT_LOAD: the load or the state right
 * after it), or -1; the divergence is in dv.
 */
static long run_ops(const char *params, const struct op *ops, long n, int show)
{
	struct view v[2];
	long at = -1;
	double t0 = now();

	div_reset();
	salt = 0;
	if (start(params))
		return AT_LOAD;
	observe(v);
	compare_views(v);
	if (dv.found) {
		stop();
		return AT_LOAD;
	}
	for (long i = 0; i < n; i++) {
		if (show)
			printf("# step %ld\n", i + 1);
		step(&ops[i], show);
		if (dv.found) {
			at = i;
			break;
		}
		if (n >= 2 * PROGRESS && !((i + 1) % PROGRESS))
			printf("# %ld of %ld operations, %.0f s\n", i + 1, n, now() - t0);
	}
	stop();
	return at;
}

static void print_divergence(void)
{
	printf("#   first difference: %s: c %s, rust %s", dv.key, dv.c, dv.r);
	if (dv.count > 1)
		printf(" (and %ld more comparison%s)", dv.count - 1, dv.count > 2 ? "s" : "");
	printf("\n");
}

/* Replay @ops[0..@n) and show both answers to the last one. */
static void show_last(const char *params, const struct op *ops, long n)
{
	struct view v[2];

	counting = 0;
	salt = 0;
	div_reset();
	if (start(params))
		return;
	observe(v);
	for (long i = 0; i + 1 < n; i++)
		step(&ops[i], 0);
	div_reset();
	step(&ops[n - 1], 1);
	stop();
	if (dv.found)
		print_divergence();
	else
		printf("#   (no divergence this time)\n");
}

static void print_ops(FILE *f, const struct op *ops, long n)
{
	for (long i = 0; i < n; i++) {
		char text[256];

		print_op(text, sizeof(text), &ops[i]);
		fprintf(f, "%s%s", i ? "; " : "", text);
	}
}

/**
 * struct shrinking - the state of one shrink
 * @params: the modules' params
 * @key:    the comparison that must still diverge
 * @try:    room for a candidate sequence
 * @runs:   replays so far
 * @t0:     when it started
 */
struct shrinking {
	const char *params;
	const char *key;
	struct op *try;
	int runs;
	double t0;
};

static int shrink_budget_left(const struct shrinking *sh)
{
	return sh->runs < SHRINK_RUNS && now() - sh->t0 < SHRINK_SECONDS;
}

/* Does @sh->try[0..@n) still diverge on the key? Then it becomes @ops. */
static int shrink_try(struct shrinking *sh, struct op *ops, long *n, long m)
{
	long at = run_ops(sh->params, sh->try, m, 0);

	sh->runs++;
	if (at < 0 || strcmp(dv.key, sh->key))
		return 0;
	*n = at + 1;
	memcpy(ops, sh->try, *n * sizeof(*ops));
	return 1;
}

/* Drop chunks of steps, halving the chunk, while the divergence stays. */
static void shrink_drop(struct shrinking *sh, struct op *ops, long *n, long chunk)
{
	for (;;) {
		for (long from = 0; from < *n && shrink_budget_left(sh); ) {
			long cut = from + chunk > *n ? *n - from : chunk;

			if (cut >= *n) {
				from += chunk;
				continue;
			}
			memcpy(sh->try, ops, from * sizeof(*ops));
			memcpy(sh->try + from, ops + from + cut,
			       (*n - from - cut) * sizeof(*ops));
			if (!shrink_try(sh, ops, n, *n - cut))
				from += chunk;
		}
		if (chunk == 1 || !shrink_budget_left(sh))
			return;
		chunk /= 2;
		if (chunk > *n / 2)
			chunk = *n / 2 ? *n / 2 : 1;
	}
}

/*
 * Move each step to another file slot while the divergence stays: a step
 * that used a file made by dup can then use the original, and the dup
 * goes. Returns 1 if a step moved.
 */
static int shrink_slots(struct shrinking *sh, struct op *ops, long *n)
{
	int moved = 0;

	for (long i = *n - 1; i >= 0 && shrink_budget_left(sh); i--) {
		for (int slot = 0; slot < NSLOT && i < *n; slot++) {
			if (slot == ops[i].slot || ops[i].kind == OP_OPEN)
				continue;
			memcpy(sh->try, ops, *n * sizeof(*ops));
			sh->try[i].slot = slot;
			if (shrink_try(sh, ops, n, *n)) {
				moved = 1;
				break;
			}
		}
	}
	return moved;
}

/*
 * Make the steps plainer while the divergence stays: an open without each
 * of its extra flags, a good buffer for a bad one. Returns 1 if one did.
 */
static int shrink_args(struct shrinking *sh, struct op *ops, long *n)
{
	int plainer = 0;

	for (long i = *n - 1; i >= 0 && shrink_budget_left(sh); i--) {
		unsigned int extra = ops[i].kind == OP_OPEN ?
			ops[i].flags & ~(O_ACCMODE | O_PATH) : 0;

		for (unsigned int bit = 1; bit && i < *n; bit <<= 1) {
			if (!(extra & bit))
				continue;
			memcpy(sh->try, ops, *n * sizeof(*ops));
			sh->try[i].flags &= ~bit;
			plainer |= shrink_try(sh, ops, n, *n);
		}
		for (int j = 0; j < MAXSEG && i < *n; j++) {
			if (ops[i].buf[j].kind == B_OK)
				continue;
			memcpy(sh->try, ops, *n * sizeof(*ops));
			sh->try[i].buf[j].kind = B_OK;
			sh->try[i].buf[j].k = 0;
			plainer |= shrink_try(sh, ops, n, *n);
		}
	}
	return plainer;
}

/*
 * Make @ops[0..@n), whose last step diverges on @key, shorter while the
 * same comparison still diverges (at whatever step: the sequence is cut
 * there). Returns the new length.
 */
static long shrink(const char *params, struct op *ops, long n, const char *key)
{
	struct shrinking sh = { params, key, malloc(n * sizeof(*ops)), 0, now() };

	counting = 0;
	shrink_drop(&sh, ops, &n, n / 2 ? n / 2 : 1);
	for (int pass = 0; pass < 3 && shrink_slots(&sh, ops, &n); pass++)
		shrink_drop(&sh, ops, &n, 1);
	if (shrink_args(&sh, ops, &n))
		shrink_drop(&sh, ops, &n, 1);
	printf("# shrunk to %ld step%s in %d replays, %.0f s\n", n, n == 1 ? "" : "s",
	       sh.runs, now() - sh.t0);
	free(sh.try);
	return n;
}

/*
 * Report the divergence of a lockstep run that stopped at step @at of
 * @ops (the seed's, or -x's), shrink it, and print the reproducer.
 */
static void report_lockstep(const char *what, const char *params,
			    struct op *ops, long at)
{
	char key[96];
	long n;

	if (at == AT_LOAD) {
		printf("# divergence: %s, when the modules were loaded with '%s'\n",
		       what, params);
		print_divergence();
		printf("# reproducer: difftest -p '%s'\n", params);
		return;
	}
	printf("# divergence: %s, step %ld:\n", what, at + 1);
	show_last(params, ops, at + 1);
	scopy(key, sizeof(key), dv.key);
	printf("# shrinking the %ld steps to the divergence...\n", at + 1);
	n = shrink(params, ops, at + 1, key);
	printf("# reproducer (%ld step%s): difftest -P '%s' -x '", n,
	       n == 1 ? "" : "s", params);
	print_ops(stdout, ops, n);
	printf("'\n");
	printf("# the reproducer's last step:\n");
	show_last(params, ops, n);
}

/* --- blocking scenarios --- */

/*
 * A scenario is a list of steps; the waker (this process, real-time
 * priority 1 on CPU 0) runs them in order, the waiter (a child, normal
 * priority on CPU 0) makes one call and reports what it got.
 *
 *   open wr|rd|rw|ctl   the waker opens a file (O_NONBLOCK; ctl: O_ACCMODE,
 *                       neither a reader nor a writer)
 *   close wr|rd|rw      the waker closes it
 *   fill                write through wr until the FIFO is full
 *   w N, r N            write N bytes through wr, read N through rd
 *   reset, resize N     the ioctls, through ctl
 *   spawn CALL MODE [restart]
 *                       start the waiter: it opens the device with MODE
 *                       (ro, wo, rw, acc3; blocking), says it is ready and
 *                       makes CALL: read N, write N, poll EVENTS, info,
 *                       stats, reset, resize N, close, open (its open is
 *                       the call), proc (reads /proc/duet); its SIGUSR1
 *                       handler has SA_RESTART if asked
 *   prepare CALL MODE   the same, but the call waits for "go"
 *   go                  let a prepared waiter make its call
 *   blocked             wait until the waiter sleeps in its call: yes,
 *                       no (it returned), stopped
 *   exited MS           has the waiter returned within MS ms: yes, no
 *   signal usr1|kill|stop|cont
 *                       send the waiter SIGUSR1, SIGKILL, SIGSTOP, SIGCONT
 *   stick N             another child writes N bytes from a page that
 *                       userfaultfd holds back: it sleeps in the copy,
 *                       with the device lock held
 *   unstick             let that copy finish
 *   sleep MS
 *
 * The outcome: each step's answer, the waiter's return value, errno,
 * bytes, SIGUSR1 handler calls and exit, and the device's INFO and STATS
 * after it.
 */
struct scenario {
	const char *group;
	const char *name;
	const char *script;
};

static const struct scenario scenarios[] = {
	{ "reader", "woken-by-data",
	  "open wr; spawn read 8 ro; blocked; w 3" },
	{ "reader", "woken-by-more-than-asked",
	  "open wr; spawn read 8 ro; blocked; w 20" },
	{ "reader", "eof-when-last-writer-closes",
	  "open wr; spawn read 8 ro; blocked; close wr" },
	{ "reader", "data-then-last-writer-closes",
	  "open wr; spawn read 8 ro; blocked; w 2; close wr" },
	{ "reader", "signal",
	  "open wr; spawn read 8 ro; blocked; signal usr1" },
	{ "reader", "signal-sa-restart",
	  "open wr; spawn read 8 ro restart; blocked; signal usr1; blocked; w 3" },
	{ "reader", "data-then-signal",
	  "open wr; spawn read 8 ro; blocked; w 1; signal usr1" },
	{ "reader", "signal-then-data",
	  "open wr; spawn read 8 ro; blocked; signal usr1; w 1" },
	{ "reader", "data-then-signal-sa-restart",
	  "open wr; spawn read 8 ro restart; blocked; w 1; signal usr1" },
	{ "reader", "eof-then-signal",
	  "open wr; spawn read 8 ro; blocked; close wr; signal usr1" },
	{ "reader", "data-taken-back",
	  "open wr; open rd; spawn read 8 ro; blocked; w 2; r 2; blocked; w 1" },
	{ "reader", "reset-and-resize-wake-no-reader",
	  "open wr; spawn read 8 ro; blocked; reset; resize 128; blocked; w 5" },
	{ "reader", "sigkill",
	  "open wr; spawn read 8 ro; blocked; signal kill" },
	{ "reader", "sigstop-sigcont",
	  "open wr; spawn read 8 ro; blocked; signal stop; signal cont; blocked; w 2" },
	{ "reader", "own-file-writes",
	  "spawn read 8 rw; blocked; signal usr1" },
	{ "reader", "no-writer-no-wait",
	  "spawn read 8 ro; blocked" },
	{ "writer", "woken-by-space",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; r 10" },
	{ "writer", "enospc-when-last-reader-closes",
	  "open rd; open wr; fill; spawn write 1 wo; blocked; close rd" },
	{ "writer", "signal",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; signal usr1" },
	{ "writer", "signal-sa-restart",
	  "open rd; open wr; fill; spawn write 100 wo restart; blocked; signal usr1; blocked;"
	  " r 10" },
	{ "writer", "space-then-signal",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; r 10; signal usr1" },
	{ "writer", "signal-then-space",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; signal usr1; r 10" },
	{ "writer", "space-then-signal-sa-restart",
	  "open rd; open wr; fill; spawn write 100 wo restart; blocked; r 10; signal usr1" },
	{ "writer", "enospc-then-signal",
	  "open rd; open wr; fill; spawn write 1 wo; blocked; close rd; signal usr1" },
	{ "writer", "woken-by-resize",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; resize 8192" },
	{ "writer", "resize-then-signal",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; resize 8192; signal usr1" },
	{ "writer", "woken-by-reset",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; reset" },
	{ "writer", "resize-to-the-same-size",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; resize 4096; blocked; r 1" },
	{ "writer", "space-taken-back",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; r 5; w 5; blocked; r 5" },
	{ "writer", "sigkill",
	  "open rd; open wr; fill; spawn write 100 wo; blocked; signal kill" },
	{ "writer", "larger-than-capacity",
	  "open rd; spawn write 5000 wo; blocked" },
	{ "poller", "readable-by-data",
	  "open wr; spawn poll in ro; blocked; w 1" },
	{ "poller", "hangup-when-last-writer-closes",
	  "open wr; spawn poll in ro; blocked; close wr" },
	{ "poller", "writable-by-space",
	  "open rd; open wr; fill; spawn poll out wo; blocked; r 1" },
	{ "poller", "error-when-last-reader-closes",
	  "open rd; open wr; fill; spawn poll out wo; blocked; close rd" },
	{ "poller", "writable-by-resize",
	  "open rd; open wr; fill; spawn poll out wo; blocked; resize 8192" },
	{ "poller", "writable-by-reset",
	  "open rd; open wr; fill; spawn poll out wo; blocked; reset" },
	{ "poller", "signal",
	  "open wr; spawn poll in ro; blocked; signal usr1" },
	{ "poller", "both-ways-on-a-rdwr-file",
	  "open rd; open wr; w 5; spawn poll in+out rw; blocked" },
	{ "poller", "only-its-access-mode",
	  "open rd; open wr; fill; spawn poll in+out wo; blocked; r 4096" },
	{ "lock", "read-waits-for-a-stuck-copy",
	  "prepare read 8 ro; stick 10; go; blocked; unstick" },
	/*
	 * exited 3000 after SIGKILL: the waiter's exit is polled, so the
	 * margin costs nothing unless it stays; 300 ms was once missed on
	 * the debug kernel while a kernel build shared the CPUs. A SIGUSR1
	 * leaves a killable wait alone: that waiter stays, and 300 ms is
	 * enough to see it has not returned.
	 */
	{ "lock", "sigkill-while-waiting-for-the-lock",
	  "prepare read 8 ro; stick 10; go; blocked; signal kill; exited 3000; unstick" },
	{ "lock", "signal-while-waiting-for-the-lock",
	  "prepare read 8 ro; stick 10; go; blocked; signal usr1; exited 300; unstick" },
	{ "lock", "write-sigkill-while-waiting",
	  "prepare write 4 wo; stick 10; go; blocked; signal kill; exited 3000; unstick" },
	{ "lock", "open-sigkill-while-waiting",
	  "stick 10; spawn open ro; blocked; signal kill; exited 3000; unstick" },
	{ "lock", "info-during-a-stuck-copy",
	  "prepare info acc3; stick 10; go; blocked; unstick" },
	{ "lock", "stats-during-a-stuck-copy",
	  "prepare stats acc3; stick 10; go; blocked; unstick" },
	{ "lock", "close-during-a-stuck-copy",
	  "prepare close wo; stick 10; go; blocked; unstick" },
	/* (wr: the writer left when the stuck child exits, so no EPOLLHUP race) */
	{ "lock", "poll-during-a-stuck-copy",
	  "open wr; prepare poll in ro; stick 10; go; blocked; unstick" },
	{ "lock", "proc-during-a-stuck-copy",
	  "stick 10; spawn proc; blocked; unstick" },
	{ "lock", "reset-sigkill-while-waiting",
	  "prepare reset acc3; stick 10; go; blocked; signal kill; exited 3000; unstick" },
};

static const char *const groups[] = { "reader", "writer", "poller", "lock" };

/**
 * struct waiter_result - what the waiter got, through a pipe
 * @ret:     the call's return value
 * @err:     errno
 * @handled: SIGUSR1 handler calls
 * @revents: poll's
 * @n:       bytes in @data
 * @data:    the first bytes read
 */
struct waiter_result {
	long ret;
	int err;
	int handled;
	int revents;
	int n;
	unsigned char data[16];
};

/**
 * struct scene - a scenario being run on one device
 * @d:        the device
 * @fd:       the waker's files: wr, rd, rw, ctl
 * @waiter:   the waiter's pid, or 0
 * @nr:       the system call it sleeps in
 * @go:       the pipe that lets a prepared waiter go
 * @res:      the pipe its result comes through
 * @sticker:  the pid of the child stuck in a copy, or 0
 * @stick_go: the pipe that lets its copy finish
 * @stick_res: the pipe its result comes through
 * @out:      the outcome
 */
struct scene {
	int d;
	int fd[4];
	pid_t waiter;
	long nr;
	int go;
	int res;
	pid_t sticker;
	int stick_go;
	int stick_res;
	struct kvs *out;
};

enum { F_WR, F_RD, F_RW, F_CTL };

static const char *const fd_names[] = { "wr", "rd", "rw", "ctl" };

static int fd_index(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, fd_names[i]))
			return i;
	return -1;
}

static int mode_of(const char *s)
{
	unsigned long v;

	if (value_of(s, &v, access_names, ARRAY_SIZE(access_names)))
		return -1;
	return v;
}

/*
 * In a child: keep only @fds[0..@n) (moved to 100, 101, ...) and stdio.
 * (Below 1024: the guest's RLIMIT_NOFILE.)
 */
static void child_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 200 + i);
	syscall(SYS_close_range, 3, 199, 0);
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0 || dup3(fds[i], 100 + i, O_CLOEXEC) < 0)
			_exit(8);
		close(fds[i]);
		fds[i] = 100 + i;
	}
	syscall(SYS_close_range, 100 + n, ~0U, 0);
}

/* The waiter: open, say ready, wait for go if asked, make the call. */
static void __noreturn waiter_main(int d, char **w, int n, int ready, int go,
				   int res)
{
	static char buf[8192];
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct waiter_result r = { 0 };
	const char *call = w[0];
	int fd = -1, mode = O_RDONLY, restart = 0, k = 1;
	long nr = 0;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (n > 1 && isdigit((unsigned char)w[1][0]))
		nr = strtol(w[k++], NULL, 0);
	else if (!strcmp(call, "poll"))
		k++;
	if (k < n && mode_of(w[k]) >= 0)
		mode = mode_of(w[k++]);
	if (k < n && !strcmp(w[k], "restart"))
		restart = SA_RESTART;
	sa.sa_flags = restart;
	sigaction(SIGUSR1, &sa, NULL);
	if (strcmp(call, "open") && strcmp(call, "proc")) {
		fd = open(devs[d].path, mode | O_CLOEXEC);
		if (fd < 0)
			_exit(3);
	}
	if (write(ready, "r", 1) != 1)
		_exit(4);
	if (go >= 0 && read(go, &c, 1) != 1)
		_exit(5);
	errno = 0;
	if (!strcmp(call, "read")) {
		r.ret = read(fd, buf, nr < (long)sizeof(buf) ? nr : (long)sizeof(buf));
	} else if (!strcmp(call, "write")) {
		memset(buf, 'w', sizeof(buf));
		r.ret = write(fd, buf, nr < (long)sizeof(buf) ? nr : (long)sizeof(buf));
	} else if (!strcmp(call, "poll")) {
		struct pollfd pfd = { .fd = fd };
		unsigned long ev;

		parse_bits(w[1], &ev, event_names, ARRAY_SIZE(event_names));
		pfd.events = ev;
		r.ret = syscall(SYS_ppoll, &pfd, 1, NULL, NULL, 0);
		r.revents = pfd.revents;
	} else if (!strcmp(call, "info")) {
		struct duet_info info;

		r.ret = ioctl(fd, DUET_IOC_INFO, &info);
		r.n = sizeof(info.used);
		memcpy(r.data, &info.used, r.n);
	} else if (!strcmp(call, "stats")) {
		struct duet_stats stats;

		r.ret = ioctl(fd, DUET_IOC_STATS, &stats);
	} else if (!strcmp(call, "reset")) {
		r.ret = ioctl(fd, DUET_IOC_RESET);
	} else if (!strcmp(call, "resize")) {
		__u32 cap = nr;

		r.ret = ioctl(fd, DUET_IOC_RESIZE, &cap);
	} else if (!strcmp(call, "close")) {
		r.ret = close(fd);
	} else if (!strcmp(call, "open")) {
		r.ret = syscall(SYS_openat, AT_FDCWD, devs[d].path, mode | O_CLOEXEC);
		if (r.ret >= 0)
			r.ret = 0;
	} else if (!strcmp(call, "proc")) {
		int p = open("/proc/duet", O_RDONLY);

		r.ret = p < 0 ? -1 : read(p, buf, sizeof(buf));
		r.ret = r.ret > 0 ? 0 : r.ret;
	}
	r.err = r.ret < 0 ? errno : 0;
	r.handled = usr1s;
	if (!strcmp(call, "read") && r.ret > 0) {
		r.n = r.ret < (long)sizeof(r.data) ? r.ret : (long)sizeof(r.data);
		memcpy(r.data, buf, r.n);
	}
	if (write(res, &r, sizeof(r)) != sizeof(r))
		_exit(6);
	_exit(0);
}

/* The system call the waiter sleeps in when it blocks. */
static long syscall_of(const char *call)
{
	static const struct name_value t[] = {
		{ "read", SYS_read }, { "write", SYS_write }, { "poll", SYS_ppoll },
		{ "info", SYS_ioctl }, { "stats", SYS_ioctl }, { "reset", SYS_ioctl },
		{ "resize", SYS_ioctl }, { "close", SYS_close },
		{ "open", SYS_openat }, { "proc", SYS_read },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(call, t[i].name))
			return t[i].value;
	return -1;
}

static int spawn(struct scene *sc, char *args, int prepare)
{
	char *w[8];
	int n = split(args, ' ', w, ARRAY_SIZE(w));
	int ready[2], go[2], res[2];
	char c;
	pid_t pid;

	if (!n || syscall_of(w[0]) < 0 || sc->waiter)
		return -1;
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC) || pipe2(res, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int keep[3] = { ready[1], go[0], res[1] };

		child_fds(keep, 3);
		waiter_main(sc->d, w, n, keep[0], keep[1], keep[2]);
	}
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	sc->waiter = pid;
	sc->nr = syscall_of(w[0]);
	sc->go = go[1];
	sc->res = res[0];
	if (read(ready[0], &c, 1) != 1)
		kv_add(sc->out, "waiter.setup", "failed");
	close(ready[0]);
	if (!prepare && write(sc->go, "g", 1) != 1)
		return -1;
	return 0;
}

/* Has @pid exited (not yet reaped)? */
static int gone(pid_t pid)
{
	siginfo_t si = { 0 };

	return !waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) && si.si_pid == pid;
}

/* The state letter of task @pid and the system call it is in. */
static char task_state(pid_t pid, long *nr)
{
	char path[64], buf[512], *p, state = 0;
	int fd;
	ssize_t n;

	*nr = -2;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (p && p[1] == ' ')
		state = p[2];
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*nr = -1;	/* no /proc/PID/syscall: any call counts */
		return state;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		*nr = isdigit((unsigned char)buf[0]) ? strtol(buf, NULL, 10) : -2;
	}
	return state;
}

/*
 * Wait until @pid sleeps in system call @nr: yes; no (it returned and
 * exited); stopped; elsewhere (it sleeps in another call, as a task
 * whose exit waits for a lock does: 25 looks in a row, 100 ms).
 */
static const char *wait_blocked(pid_t pid, long nr)
{
	double t0 = now();
	int other = 0;

	if (!pid)
		return "no-waiter";
	while (now() - t0 < 5) {
		long in;
		char state;

		if (gone(pid))
			return "no";
		state = task_state(pid, &in);
		if (state == 'T' || state == 't')
			return "stopped";
		if ((state == 'S' || state == 'D') && (in == nr || in == -1))
			return "yes";
		if (state == 'S' || state == 'D')
			other++;
		else
			other = 0;
		if (other == 25)
			return "elsewhere";
		sleep_ms(1);
	}
	return "timeout";
}

/**
 * struct page_server - the thread of the stuck child that lets its copy
 * finish: it maps the page that userfaultfd held back when told to
 * @uffd: the userfaultfd
 * @page: the page
 * @go:   the pipe it waits on
 */
struct page_server {
	int uffd;
	char *page;
	int go;
};

static void *serve_page(void *arg)
{
	struct page_server *ps = arg;
	struct uffdio_zeropage zero = { 0 };
	char c;

	if (read(ps->go, &c, 1) == 1) {
		zero.range.start = (unsigned long)ps->page;
		zero.range.len = PAGE;
		ioctl(ps->uffd, UFFDIO_ZEROPAGE, &zero);
	}
	return NULL;
}

static void __noreturn stick_child(int d, long n, int go, int res)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct waiter_result r = { 0 };
	struct page_server ps = { .go = go };
	pthread_t thread;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	ps.uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	ps.page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)ps.page;
	reg.range.len = PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	fd = open(devs[d].path, O_WRONLY | O_CLOEXEC);
	if (ps.uffd < 0 || ps.page == MAP_FAILED || fd < 0 ||
	    ioctl(ps.uffd, UFFDIO_API, &api) ||
	    ioctl(ps.uffd, UFFDIO_REGISTER, &reg) ||
	    pthread_create(&thread, NULL, serve_page, &ps)) {
		r.ret = -1;
		r.err = errno;
	} else {
		r.ret = write(fd, ps.page, n);
		r.err = r.ret < 0 ? errno : 0;
	}
	if (write(res, &r, sizeof(r)) < 0)
		_exit(1);
	_exit(0);
}

/* A child that sleeps in a copy from user memory, the device lock held. */
static void stick_copy(struct scene *sc, long n, int k)
{
	int go[2], res[2];
	char key[32];
	pid_t pid;

	if (sc->sticker || pipe2(go, O_CLOEXEC) || pipe2(res, O_CLOEXEC))
		return;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		int keep[2] = { go[0], res[1] };

		child_fds(keep, 2);
		stick_child(sc->d, n, keep[0], keep[1]);
	}
	close(go[0]);
	close(res[1]);
	sc->sticker = pid;
	sc->stick_go = go[1];
	sc->stick_res = res[0];
	snprintf(key, sizeof(key), "%d.stick", k);
	kv_add(sc->out, key, "%s", wait_blocked(pid, SYS_write));
}

/* Let the stuck copy finish; its result. */
static void unstick_copy(struct scene *sc, int k)
{
	struct waiter_result r;
	char key[32];

	if (!sc->sticker)
		return;
	snprintf(key, sizeof(key), "%d.unstick", k);
	if (write(sc->stick_go, "u", 1) != 1 ||
	    read(sc->stick_res, &r, sizeof(r)) != sizeof(r))
		kv_add(sc->out, key, "lost");
	else
		kv_add(sc->out, key, "%ld/%s", r.ret, errname(r.err));
	waitpid(sc->sticker, NULL, 0);
	close(sc->stick_go);
	close(sc->stick_res);
	sc->sticker = 0;
}

/* Wait up to @ms for the waiter to return: yes or no. */
static const char *wait_exit(pid_t pid, long ms)
{
	double t0 = now();

	while (pid && (now() - t0) * 1000 < ms) {
		if (gone(pid))
			return "yes";
		sleep_ms(2);
	}
	return pid && gone(pid) ? "yes" : "no";
}

static int signal_of(const char *s)
{
	static const struct name_value t[] = {
		{ "usr1", SIGUSR1 }, { "kill", SIGKILL }, { "stop", SIGSTOP },
		{ "cont", SIGCONT },
	};
	unsigned long v;

	return value_of(s, &v, t, ARRAY_SIZE(t)) ? -1 : (int)v;
}

/* Write or read up to @n bytes through the waker's file @fd. */
static long io(int fd, long n, int out)
{
	static char buf[8192];

	if (n > (long)sizeof(buf))
		n = sizeof(buf);
	memset(buf, 'k', n);
	return out ? write(fd, buf, n) : read(fd, buf, n);
}

/* Run one step; returns -1 if it is not a step. */
static int scene_step(struct scene *sc, char *text, int k)
{
	char copy[128], *w[8], key[32];
	int n, i;
	long v, ret = 0;

	scopy(copy, sizeof(copy), text);
	n = split(copy, ' ', w, ARRAY_SIZE(w));
	if (!n)
		return -1;
	snprintf(key, sizeof(key), "%d.%s", k, w[0]);
	v = n > 1 ? strtol(w[1], NULL, 0) : 0;
	errno = 0;
	i = n == 2 ? fd_index(w[1]) : -1;
	if (!strcmp(w[0], "open") && i >= 0) {
		static const int modes[] = { O_WRONLY, O_RDONLY, O_RDWR, O_ACCMODE };

		if (sc->fd[i] >= 0)
			close(sc->fd[i]);
		sc->fd[i] = open(devs[sc->d].path, modes[i] | O_NONBLOCK | O_CLOEXEC);
		ret = sc->fd[i] < 0 ? -1 : 0;
	} else if (!strcmp(w[0], "close") && i >= 0) {
		ret = close(sc->fd[i]);
		sc->fd[i] = -1;
	} else if (!strcmp(w[0], "fill") && n == 1) {
		long m;

		while ((m = io(sc->fd[F_WR], 8192, 1)) > 0)
			ret += m;
	} else if (!strcmp(w[0], "w") && n == 2) {
		ret = io(sc->fd[F_WR], v, 1);
	} else if (!strcmp(w[0], "r") && n == 2) {
		ret = io(sc->fd[F_RD], v, 0);
	} else if (!strcmp(w[0], "reset") && n == 1) {
		ret = ioctl(sc->fd[F_CTL], DUET_IOC_RESET);
	} else if (!strcmp(w[0], "resize") && n == 2) {
		__u32 cap = v;

		ret = ioctl(sc->fd[F_CTL], DUET_IOC_RESIZE, &cap);
	} else if ((!strcmp(w[0], "spawn") || !strcmp(w[0], "prepare")) && n > 1) {
		char *args = text + (w[1] - copy);

		return spawn(sc, args, w[0][0] == 'p');
	} else if (!strcmp(w[0], "go") && n == 1) {
		ret = sc->waiter ? write(sc->go, "g", 1) : -1;
	} else if (!strcmp(w[0], "blocked") && n == 1) {
		kv_add(sc->out, key, "%s", wait_blocked(sc->waiter, sc->nr));
		return 0;
	} else if (!strcmp(w[0], "exited") && n == 2) {
		kv_add(sc->out, key, "%s", wait_exit(sc->waiter, v));
		return 0;
	} else if (!strcmp(w[0], "signal") && n == 2 && signal_of(w[1]) > 0) {
		ret = sc->waiter ? kill(sc->waiter, signal_of(w[1])) : -1;
	} else if (!strcmp(w[0], "stick") && n == 2) {
		stick_copy(sc, v, k);
		return 0;
	} else if (!strcmp(w[0], "unstick") && n == 1) {
		unstick_copy(sc, k);
		return 0;
	} else if (!strcmp(w[0], "sleep") && n == 2) {
		sleep_ms(v);
	} else {
		return -1;
	}
	kv_add(sc->out, key, "%ld%s%s", ret, ret < 0 ? "/" : "",
	       ret < 0 ? errname(errno) : "");
	return 0;
}

/* Run @script on device @d; its outcome in @out. -1: a step is unknown. */
static int run_scene(int d, const char *script, struct kvs *out)
{
	struct scene sc = { .d = d, .fd = { -1, -1, -1, -1 }, .out = out };
	char *copy = strdup(script), *steps[64];
	int n = split(copy, ';', steps, ARRAY_SIZE(steps)), bad = 0;
	struct duet_stats s;
	struct duet_info info;
	__u32 cap = DUET_CAPACITY_DEFAULT;

	out->n = 0;
	sc.fd[F_CTL] = open(devs[d].path, O_ACCMODE | O_NONBLOCK | O_CLOEXEC);
	if (sc.fd[F_CTL] < 0 || ioctl(sc.fd[F_CTL], DUET_IOC_RESET) ||
	    ioctl(sc.fd[F_CTL], DUET_IOC_RESIZE, &cap))
		die("set-up of %s: %s", devs[d].path, strerror(errno));
	for (int i = 0; i < n && !bad; i++) {
		if (scene_step(&sc, steps[i], i + 1)) {
			printf("# step %d, '%s', is not a step, or it failed\n", i + 1,
			       steps[i]);
			bad = i + 1;
		}
	}
	if (sc.waiter) {
		struct waiter_result r;
		int status = 0;

		if (!strcmp(wait_exit(sc.waiter, 3000), "no")) {
			kv_add(out, "waiter.end", "still-blocked");
			unstick_copy(&sc, 0);
			kill(sc.waiter, SIGKILL);
		}
		waitpid(sc.waiter, &status, 0);
		if (read(sc.res, &r, sizeof(r)) == sizeof(r)) {
			char data[40] = "";

			for (int i = 0; i < r.n; i++)
				snprintf(data + 2 * i, sizeof(data) - 2 * i, "%02x", r.data[i]);
			kv_add(out, "waiter.ret", "%ld", r.ret);
			kv_add(out, "waiter.errno", "%s", errname(r.err));
			kv_add(out, "waiter.data", "%s", r.n ? data : "-");
			kv_add(out, "waiter.handled", "%d", r.handled);
			if (strstr(script, "poll")) {
				char ev[96];

				print_bits(ev, sizeof(ev), r.revents, event_names,
					   ARRAY_SIZE(event_names));
				kv_add(out, "waiter.revents", "%s", ev);
			}
		}
		if (WIFSIGNALED(status))
			kv_add(out, "waiter.status", "signal-%d", WTERMSIG(status));
		else
			kv_add(out, "waiter.status", "exit-%d", WEXITSTATUS(status));
		close(sc.go);
		close(sc.res);
	}
	unstick_copy(&sc, 0);
	if (!ioctl(sc.fd[F_CTL], DUET_IOC_INFO, &info)) {
		kv_add(out, "after.capacity", "%u", info.capacity);
		kv_add(out, "after.used", "%u", info.used);
	}
	if (!ioctl(sc.fd[F_CTL], DUET_IOC_STATS, &s)) {
		kv_add(out, "after.opens", "%llu", (unsigned long long)s.opens);
		kv_add(out, "after.reads", "%llu", (unsigned long long)s.reads);
		kv_add(out, "after.writes", "%llu", (unsigned long long)s.writes);
		kv_add(out, "after.bytes_in", "%llu", (unsigned long long)s.bytes_in);
		kv_add(out, "after.bytes_out", "%llu", (unsigned long long)s.bytes_out);
		kv_add(out, "after.digests", "%08x/%08x", s.digest_in, s.digest_out);
	}
	for (int i = 0; i < 4; i++)
		if (sc.fd[i] >= 0)
			close(sc.fd[i]);
	free(copy);
	return bad ? -1 : 0;
}

static int rt_ok;

/* The waker: real-time priority 1 on CPU 0; its children: normal. */
static void realtime(int on)
{
	struct sched_param sp = { .sched_priority = on ? 1 : 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	if (on) {
		CPU_SET(0, &set);
	} else {
		for (int i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	}
	sched_setaffinity(0, sizeof(set), &set);
	rt_ok = !sched_setscheduler(0, on ? SCHED_FIFO | SCHED_RESET_ON_FORK :
				    SCHED_OTHER, &sp);
	if (on && !rt_ok)
		printf("# no real-time priority (%s): the interleavings may vary\n",
		       strerror(errno));
}

static int scenario_count, scenario_runs;
static int repeat = 2;

static struct kvs scene_out[2][2];	/* [device][first run, later runs] */
static char unstable[256];		/* why the outcomes of one device varied */

/*
 * Run @script on both devices, @repeat times each; compare C with Rust,
 * and each device's later runs with its first. 0 if all agree.
 */
static int scene_pair(const char *name, const char *script)
{
	div_reset();
	unstable[0] = 0;
	snprintf(key_prefix, sizeof(key_prefix), "block.%s.", name);
	for (int i = 0; i < repeat; i++) {
		for (int d = C; d <= R; d++) {
			struct kvs *first = &scene_out[d][0], *later = &scene_out[d][1];

			if (run_scene(d, script, i ? later : first))
				die("scenario %s: a step is not a step (see difftest -h)",
				    name);
			/* the same outcome every time: else the interleaving varies */
			for (int j = 0; i && !unstable[0] && j < first->n; j++) {
				const char *again = kv_get(later, first->kv[j].key);

				if (strcmp(first->kv[j].val, again))
					snprintf(unstable, sizeof(unstable),
						 "on %s, %s was %s, then %s", devs[d].impl,
						 first->kv[j].key, first->kv[j].val, again);
			}
		}
	}
	same_kvs(&scene_out[C][0], &scene_out[R][0]);
	key_prefix[0] = 0;
	return dv.found || unstable[0];
}

/* Join the kept ones of @items with @sep into @out, as much as fits. */
static void join_kept(char *out, size_t len, char *const *items, const int *keep,
		      int n, const char *sep)
{
	size_t used = 0;

	out[0] = 0;
	for (int j = 0; j < n && used < len; j++)
		if (keep[j])
			used += snprintf(out + used, len - used, "%s%s",
					 used ? sep : "", items[j]);
}

/*
 * Shrink a divergence to what it needs: drop the @n @items one at a time,
 * last first, and keep each one without which @diverges(rest, @key, @ctx)
 * is false (the divergence @key is gone); the rest, joined by @sep, in @out.
 */
static void shrink_items(char *const *items, int n, const char *sep, const char *key,
			 int (*diverges)(const char *rest, const char *key, const void *ctx),
			 const void *ctx, char *out, size_t len)
{
	char try[1024];
	int keep[64];

	for (int i = 0; i < n; i++)
		keep[i] = 1;
	for (int i = n - 1; i >= 0; i--) {
		keep[i] = 0;
		join_kept(try, sizeof(try), items, keep, n, sep);
		if (!diverges(try, key, ctx))
			keep[i] = 1;
	}
	join_kept(out, len, items, keep, n, sep);
}

/* Whether the scenario @ctx (its name), with the steps @rest, still has @key. */
static int scene_diverges(const char *rest, const char *key, const void *ctx)
{
	return scene_pair(ctx, rest) && dv.found && !strcmp(dv.key, key);
}

/* Drop steps of @script while @key still diverges; the result in @out. */
static void shrink_scene(const char *name, const char *script, const char *key,
			 char *out, size_t len)
{
	char *copy = strdup(script), *steps[64];
	int n = split(copy, ';', steps, ARRAY_SIZE(steps));

	shrink_items(steps, n, "; ", key, scene_diverges, name, out, len);
	free(copy);
}

/* One scenario: 0 if both devices agree (or differ only as allowed). */
static int run_scenario(const char *group, const char *name, const char *script)
{
	char full[96], small[1024];
	struct divergence first;
	double t = now();

	snprintf(full, sizeof(full), "%s.%s", group, name);
	scenario_count++;
	scenario_runs += 2 * repeat;
	if (!scene_pair(full, script)) {
		if (verbose) {
			printf("#   %s: the same (%.1f s)\n", full, now() - t);
			print_kvs("both:", &scene_out[C][0]);
		}
		return 0;
	}
	if (unstable[0])
		printf("# unstable: blocking scenario %s: %s\n", full, unstable);
	if (!dv.found)
		return 1;
	first = dv;
	printf("# divergence: blocking scenario %s: %s\n", full, script);
	print_kvs("c:", &scene_out[C][0]);
	print_kvs("rust:", &scene_out[R][0]);
	print_divergence();
	shrink_scene(full, script, first.key, small, sizeof(small));
	printf("# reproducer: difftest -B '%s'\n", small);
	return 1;
}

/* --- module params --- */

static const char *const corpus[] = {
	"",
	/* valid */
	"capacity=64", "capacity=65", "capacity=4096", "capacity=1048576",
	"max_open=0", "max_open=1", "max_open=4294967295",
	"capacity=128 max_open=3 trace=0 digest=0",
	"digest=0", "digest=1", "digest=n", "digest=N", "digest=y", "digest=Y",
	"digest=on", "digest=off", "digest=oN", "digest=Of", "digest=yes",
	"digest=no", "digest=true", "digest=false", "trace=1", "trace=0",
	/* bare names: bools take none, numbers need one */
	"trace", "digest", "trace digest", "capacity", "max_open",
	/* empty values */
	"trace=", "digest=", "capacity=", "max_open=", "=", "=1",
	/* every number syntax */
	"capacity=0x1000", "capacity=0X1000", "capacity=010000",
	"capacity=0o10000", "capacity=0b1000000000000", "capacity=+4096",
	"capacity=+0x1000", "capacity=-4096", "capacity=-0", "max_open=-0",
	"max_open=+0", "max_open=0x", "capacity=4096x", "capacity=4_096",
	"capacity=1e3", "capacity=08", "capacity=0x1g", "capacity= 4096",
	"capacity=\"4096\"", "capacity=\"4096\n\"", "capacity=\"\"",
	"\"capacity=128\"", "capacity=128\n", "capacity=\t128", "digest=2",
	"digest=-1", "trace=1,0",
	/* the range, and overflow */
	"capacity=0", "capacity=63", "capacity=1048577", "capacity=4294967295",
	"capacity=4294967296", "capacity=18446744073709551615",
	"capacity=18446744073709551616", "capacity=99999999999999999999999",
	"max_open=4294967296", "max_open=-1", "max_open=-4294967296",
	/* repeats */
	"capacity=128 capacity=256", "max_open=1 max_open=2", "trace=1 trace=0",
	"digest=0 digest", "digest digest=0", "capacity=128 capacity=",
	/* names */
	"nosuch=1", "nosuch", "Capacity=128", "CAPACITY=128", "max-open=3",
	"capacity.x=1", "duet_c.capacity=128", "duet_rust.capacity=128",
	/*
	 * (Not dyndbg=: the kernel answers it before either module sees it,
	 * with a line that the debug kernel's log gate takes for a BUG.)
	 */
	"async_probe", "async_probe=1", "-- capacity=128",
	"capacity=128 -- max_open=3", "capacity=128=256",
};

static void sysfs_params(int d, struct kvs *out, const char *prefix)
{
	char dir[96], path[256], key[48], names[256] = "", val[112];
	struct dirent *e;
	struct stat st;
	char *list[16];
	int n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/sys/module/%s/parameters", devs[d].module);
	dp = opendir(dir);
	if (!dp) {
		kv_add(out, prefix, "none");
		return;
	}
	while ((e = readdir(dp)) && n < 16)
		if (e->d_name[0] != '.')
			list[n++] = strdup(e->d_name);
	closedir(dp);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			char *t = list[j];

			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	for (int i = 0, used = 0; i < n; i++)
		used += snprintf(names + used, sizeof(names) - used, "%s%s",
				 i ? "," : "", list[i]);
	kv_add(out, prefix, "%s", n ? names : "empty");
	for (int i = 0; i < n; i++) {
		int fd;
		ssize_t m;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]);
		snprintf(key, sizeof(key), "%s.%s", prefix, list[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		m = fd < 0 ? -1 : read(fd, val, sizeof(val) - 1);
		if (fd >= 0)
			close(fd);
		val[m > 0 ? m : 0] = 0;
		val[strcspn(val, "\n")] = 0;
		stat(path, &st);
		kv_add(out, key, "%s (%o)", m < 0 ? errname(errno) : val,
		       st.st_mode & 0777);
		free(list[i]);
	}
}

/* The kernel log from @fd (at its end when opened) : did the module trace? */
static int traced(int fd, int d)
{
	char rec[1024], want[64];
	int found = 0;
	ssize_t n;

	snprintf(want, sizeof(want), "%s: open (", devs[d].module);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, want))
			found = 1;
	}
	return found;
}

/* Load @d's module with @params; what came of it in @out. */
static void param_probe(int d, const char *params, struct kvs *out)
{
	int rc, fd, kmsg;
	struct duet_info info;
	struct duet_stats s;
	char impl[DUET_IMPL_LEN + 1];
	__u32 cap = 128;

	out->n = 0;
	unload_all();
	if (d == R && load(C, ""))
		die("cannot load duet_c without params");
	rc = load(d, params);
	kv_add(out, "result", "%s", rc ? errname(-rc) : "loaded");
	if (rc)
		return;
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	fd = open(devs[d].path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		kv_add(out, "open", "%s", errname(errno));
	} else {
		memset(&info, 0, sizeof(info));
		kv_add(out, "info.errno", "%s",
		       ioctl(fd, DUET_IOC_INFO, &info) ? errname(errno) : "0");
		kv_add(out, "info.abi_version", "%u", info.abi_version);
		kv_add(out, "info.capacity", "%u", info.capacity);
		kv_add(out, "info.used", "%u", info.used);
		kv_add(out, "info.max_open", "%u", info.max_open);
		impl_string(impl, info.impl, sizeof(info.impl));
		kv_add(out, "info.impl", "%s", impl);
		memset(&s, 0, sizeof(s));
		if (write(fd, "x", 1) != 1 || ioctl(fd, DUET_IOC_STATS, &s))
			kv_add(out, "digest", "unknown");
		else
			kv_add(out, "digest", "%s", s.digest_in ? "on" : "off");
		if (kmsg >= 0)
			kv_add(out, "trace", "%s", traced(kmsg, d) ? "on" : "off");
		sysfs_params(d, out, "sysfs");
		/* RESIZE: does sysfs follow? */
		kv_add(out, "resize", "%s",
		       ioctl(fd, DUET_IOC_RESIZE, &cap) ? errname(errno) : "0");
		sysfs_params(d, out, "sysfs-after-resize");
		close(fd);
	}
	if (kmsg >= 0)
		close(kmsg);
	unload_all();
}

static int param_pair(const char *params, struct kvs *out)
{
	div_reset();
	snprintf(key_prefix, sizeof(key_prefix), "param.");
	param_probe(C, params, &out[C]);
	param_probe(R, params, &out[R]);
	same_kvs(&out[C], &out[R]);
	key_prefix[0] = 0;
	return dv.found;
}

/* Split a param string into its words, as the kernel's next_arg() does. */
static int param_words(const char *s, char words[][128], int max)
{
	int n = 0;

	while (*s && n < max) {
		int quoted = 0, i = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		while (*s && (quoted || !isspace((unsigned char)*s))) {
			if (*s == '"')
				quoted = !quoted;
			if (i < 127)
				words[n][i++] = *s;
			s++;
		}
		words[n++][i] = 0;
	}
	return n;
}

/* Whether the param string @rest still gives @key. */
static int params_diverge(const char *rest, const char *key, const void *ctx)
{
	static struct kvs tmp[2];

	return param_pair(rest, tmp) && !strcmp(dv.key, key);
}

static void shrink_params(const char *params, const char *key, char *out, size_t len)
{
	char words[16][128], *items[16];
	int n = param_words(params, words, 16);

	for (int i = 0; i < n; i++)
		items[i] = words[i];
	shrink_items(items, n, " ", key, params_diverge, NULL, out, len);
}

/* -p's string, its \\n and \\t made a newline and a tab again. */
static char *unescape(const char *s)
{
	char *out = strdup(s), *o = out;

	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 'n' || s[1] == 't')) {
			*o++ = *++s == 'n' ? '\n' : '\t';
			continue;
		}
		*o++ = *s;
	}
	*o = 0;
	return out;
}

/* Print @s with its newlines and tabs as C escapes. */
static void print_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			printf("\\n");
		else if (*s == '\t')
			printf("\\t");
		else
			putchar(*s);
	}
}

static int params_tested, params_diverged;

/*
 * One param string; 0 if both modules agree. @seen: the reproducers so
 * far: a divergence that shrinks to one of them gets one line.
 */
static int param_case(const char *params, char seen[][256], int *nseen)
{
	static struct kvs out[2];
	struct divergence first;
	char small[256];
	int i;

	params_tested++;
	if (!param_pair(params, out)) {
		if (verbose) {
			printf("#   '");
			print_escaped(params);
			printf("': the same (%s)\n", kv_get(&out[C], "result"));
		}
		return 0;
	}
	params_diverged++;
	first = dv;
	shrink_params(params, first.key, small, sizeof(small));
	for (i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], small))
			break;
	printf("# divergence: module params '");
	print_escaped(params);
	if (i < *nseen) {
		printf("': %s: c %s, rust %s; as the reproducer above: difftest -p '",
		       first.key, first.c, first.r);
		print_escaped(small);
		printf("'\n");
		return 1;
	}
	if (*nseen < 64)
		scopy(seen[(*nseen)++], 256, small);
	printf("'\n");
	print_kvs("c:", &out[C]);
	print_kvs("rust:", &out[R]);
	dv = first;
	print_divergence();
	printf("# reproducer: difftest -p '");
	print_escaped(small);
	printf("'\n");
	return 1;
}

/* --- main --- */

static int test_no, failures;
static long divergences;

static void verdict(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

/* What the seed reached: how many answers of each errno (0: success). */
static void print_coverage(void)
{
	printf("# answers:");
	for (int e = 0; e < 134; e++)
		if (answers[e])
			printf(" %s %lu", e ? errname(e) : "ok", answers[e]);
	printf("\n");
}

static void help(int status)
{
	printf("usage: difftest [-s SEED] [-n SEEDS] [-o OPS] [-g GROUPS] [-r REPEAT]\n"
	       "                [-a ALLOWED] [-m MODULE_DIR] [-v]\n"
	       "       difftest [-P PARAMS] -x 'OP; OP; ...'\n"
	       "       difftest -B 'STEP; STEP; ...'\n"
	       "       difftest -p 'PARAMS'\n"
	       "       difftest -l [-s SEED] [-o OPS]   print seed SEED's operations\n"
	       "\n"
	       "GROUPS: lockstep,blocking,params (default: all). Lockstep runs seeds\n"
	       "SEED .. SEED+SEEDS-1 (default 1, 5), OPS operations each (20000), the\n"
	       "modules loaded with params the seed chooses; -P PARAMS: with these\n"
	       "(and so for -x, -B and the blocking group, default none). REPEAT: runs\n"
	       "of each blocking scenario per device (1 or 2, default 2). ALLOWED: the\n"
	       "allowed differences (default ./difftest-allowed.txt). -v: every step.\n"
	       "\n"
	       "An OP of -x is [nobody] NAME SLOT ARGS (SLOT 0..%d: a file of each device):\n"
	       "  open S ro|wo|rw|acc3|path[+nonblock+direct+append+sync+dsync+cloexec\n"
	       "         +trunc+noatime+excl+creat+async+noctty+directory]\n"
	       "  close S; dup S T; dupfd S T; getfl S; setfl S FLAGS; getfd S; setfd S N\n"
	       "  read S SIZE BUF; write S SIZE BUF; readv S SIZE:BUF,...; writev S ...\n"
	       "  pread S SIZE OFF; pwrite S SIZE OFF; lseek S OFF set|cur|end|data|hole\n"
	       "  info S BUF; stats S BUF; reset S; resize S VALUE BUF; ioctl S CMD BUF\n"
	       "  poll S in+out+pri+rdnorm+wrnorm+rdhup; mmap S; splice-in S SIZE;\n"
	       "  splice-out S SIZE\n"
	       "SIZE and VALUE: N, cap, used, free, each with +N or -N (the C device's\n"
	       "before the step). BUF: ok, odd, part:K (K bytes before a hole), ro,\n"
	       "null, kernel, unmapped. CMD: a number or one of:", NSLOT - 1);
	for (size_t i = 0; i < ARRAY_SIZE(cmd_names); i++)
		printf("%s %s", i % 8 ? "" : "\n ", cmd_names[i].name);
	printf("\n\nA STEP of -B (a blocking scenario; the waker's steps, in order):\n"
	       "  open wr|rd|rw|ctl; close wr|rd|rw; fill; w N; r N; reset; resize N\n"
	       "  spawn CALL MODE [restart]; prepare CALL MODE; go; blocked; exited MS\n"
	       "  signal usr1|kill|stop|cont; stick N; unstick; sleep MS\n"
	       "CALL: read N, write N, poll EVENTS, info, stats, reset, resize N, close,\n"
	       "open, proc. MODE: ro, wo, rw, acc3.\n");
	exit(status);
}

int main(int argc, char **argv)
{
	const char *groups_arg = "lockstep,blocking,params", *allow = NULL;
	const char *moddir = NULL, *replay = NULL, *scene = NULL, *probe = NULL;
	const char *params = NULL;
	unsigned long long seed = 1;
	long nseeds = 5, nops = 20000;
	int do_lock, do_block, do_params, plan, opt, list = 0;
	double t0 = now();
	struct sigaction sa = { .sa_handler = on_alarm };

	while ((opt = getopt(argc, argv, "s:n:o:g:r:a:m:P:x:B:p:lvh")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			nseeds = strtol(optarg, NULL, 0);
			break;
		case 'o':
			nops = strtol(optarg, NULL, 0);
			break;
		case 'g':
			groups_arg = optarg;
			break;
		case 'r':
			repeat = strtol(optarg, NULL, 0);
			break;
		case 'a':
			allow = optarg;
			break;
		case 'm':
			moddir = optarg;
			break;
		case 'P':
			params = optarg;
			break;
		case 'x':
			replay = optarg;
			break;
		case 'B':
			scene = optarg;
			break;
		case 'p':
			probe = unescape(optarg);
			break;
		case 'l':
			list = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			help(0);
			break;
		default:
			help(2);
		}
	}
	if (optind != argc || repeat < 1 || repeat > 2 || nops < 0 || nseeds < 0)
		help(2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (list) {
		/* the sequence of seed SEED (or -x's), as -x takes it */
		struct op *ops = calloc(nops ? nops : 1, sizeof(*ops));
		long n = nops;

		if (replay) {
			free(ops);
			n = parse_ops(replay, &ops);
		} else {
			gen_ops(seed, ops, nops);
		}
		print_ops(stdout, ops, n);
		printf("\n");
		return 0;
	}
	if (getuid())
		die("run me as root");
	if (!allow)
		allow = access("difftest-allowed.txt", R_OK) ?
			"/duet-run/files/difftest-allowed.txt" : "difftest-allowed.txt";
	load_allowed(allow);
	find_modules(moddir);
	arena_init();
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(splice_pipe, O_CLOEXEC | O_NONBLOCK))
		die("pipe: %s", strerror(errno));
	helper_start();
	unload_all();

	printf("TAP version 13\n");
	if (replay || scene || probe) {
		printf("1..1\n");
		if (replay) {
			struct op *ops;
			long n = parse_ops(replay, &ops), at;

			if (!params)
				params = "";
			at = run_ops(params, ops, n, verbose);
			if (at != -1)
				report_lockstep("replay", params, ops, at);
			verdict(at == -1, "lockstep replay of %ld operations", n);
		} else if (scene) {
			if (load(C, params ? params : "") || load(R, params ? params : ""))
				die("cannot load the modules with '%s'", params ? params : "");
			realtime(1);
			verdict(!run_scenario("custom", "scenario", scene), "blocking scenario");
			realtime(0);
		} else {
			char seen[64][256];
			int nseen = 0;

			verdict(!param_case(probe, seen, &nseen), "module params");
		}
		unload_all();
		return failures ? 1 : 0;
	}

	do_lock = !!strstr(groups_arg, "lockstep");
	do_block = !!strstr(groups_arg, "blocking");
	do_params = !!strstr(groups_arg, "params");
	plan = (do_lock ? nseeds : 0) + (do_block ? ARRAY_SIZE(groups) : 0) + do_params;
	printf("1..%d\n", plan);
	printf("# difftest: %s and %s; allowed differences from %s (%d)\n",
	       devs[C].ko, devs[R].ko, allowed_path, nallow);

	for (long i = 0; do_lock && i < nseeds; i++) {
		static const unsigned int caps[] = { 64, 100, 4096, 65536 };
		static const unsigned int max_opens[] = { 0, 4, 7 };
		char p[96], what[64];
		struct op *ops = calloc(nops ? nops : 1, sizeof(*ops));
		unsigned long long s = seed + i;
		double t = now();
		long at;

		if (!ops)
			die("out of memory");
		rnd_state = s ^ 0x5eed;
		snprintf(p, sizeof(p), "capacity=%u max_open=%u digest=%u",
			 caps[rnd_below(ARRAY_SIZE(caps))],
			 max_opens[rnd_below(ARRAY_SIZE(max_opens))], rnd_below(4) != 0);
		if (params)
			scopy(p, sizeof(p), params);
		gen_ops(s, ops, nops);
		printf("# lockstep seed %llu: %ld operations, params '%s'\n", s, nops, p);
		counting = 1;
		memset(answers, 0, sizeof(answers));
		at = run_ops(p, ops, nops, verbose);
		counting = 0;
		print_coverage();
		if (at != -1) {
			snprintf(what, sizeof(what), "lockstep seed %llu", s);
			divergences++;
			report_lockstep(what, p, ops, at);
			verdict(0, "lockstep seed %llu: diverged at step %ld (reproducer above)",
				s, at == AT_LOAD ? 0 : at + 1);
		} else {
			verdict(1, "lockstep seed %llu: %ld operations, the same answers (%.1f s)",
				s, nops, now() - t);
		}
		free(ops);
	}

	if (do_block) {
		int uffd_ok;

		uffd_ok = syscall(SYS_userfaultfd, O_CLOEXEC);
		if (uffd_ok >= 0)
			close(uffd_ok);
		unload_all();
		if (load(C, params ? params : "") || load(R, params ? params : ""))
			die("cannot load the modules with '%s'", params ? params : "");
		realtime(1);
		for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
			int bad = 0, n = 0;
			double t = now();

			if (!strcmp(groups[g], "lock") && uffd_ok < 0) {
				printf("ok %d - blocking: %s # SKIP no userfaultfd (%s)\n",
				       ++test_no, groups[g], strerror(errno));
				continue;
			}
			for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++) {
				if (strcmp(scenarios[i].group, groups[g]))
					continue;
				n++;
				if (run_scenario(groups[g], scenarios[i].name,
						 scenarios[i].script)) {
					bad++;
					divergences++;
				}
			}
			verdict(!bad, "blocking: %s, %d scenarios x %d runs per device%s (%.1f s)",
				groups[g], n, repeat,
				bad ? ", some diverged (above)" : ", the same outcomes", now() - t);
		}
		realtime(0);
		unload_all();
	}

	if (do_params) {
		char seen[64][256];
		int nseen = 0, bad = 0;
		double t = now();

		for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
			bad += param_case(corpus[i], seen, &nseen);
			if (!((i + 1) % 25))
				printf("# %zu of %zu param strings, %.0f s\n", i + 1,
				       ARRAY_SIZE(corpus), now() - t);
		}
		divergences += bad;
		verdict(!bad, "params: %zu strings to finit_module() of both modules%s (%.1f s)",
			ARRAY_SIZE(corpus), bad ? ", some diverged (above)" : ", the same results",
			now() - t);
	}

	printf("# difftest-summary: ops=%lu seeds=%ld scenarios=%d scenario_runs=%d params=%d",
	       do_lock ? ops_compared : 0, do_lock ? nseeds : 0, scenario_count,
	       scenario_runs, params_tested);
	printf(" divergences=%ld allowed=%d seconds=%.0f\n", divergences, nallow, now() - t0);
	for (int i = 0; i < nallow; i++)
		printf("# difftest-allowed: %s %s relaxed=%lu: %s\n", allows[i].id,
		       allows[i].key, allows[i].used, allows[i].cause);
	unload_all();
	return failures ? 1 : 0;
}
