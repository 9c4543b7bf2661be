// SPDX-License-Identifier: GPL-2.0
/*
 * duet_c - the duet misc device, written in C.
 *
 * /dev/duet-c is a bounded byte FIFO shared by every opener. Usage:
 *
 *	modprobe duet_c capacity=8192 trace=1
 *	echo hello > /dev/duet-c
 *	cat /dev/duet-c
 *	cat /proc/duet
 *
 * The ABI is <uapi/linux/duet.h>. Its twin, rust_module/duet_rust.rs, has
 * the same sections in the same order under the same headings, and the
 * same names for the same things: read the two side by side.
 */

/* --- imports --- */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/duet_export.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include "registry.h"

/* --- constants --- */

#define DUET_NAME	"duet-c"
#define DUET_IMPL	"c"

/* --- params --- */

/* DUET_IOC_RESIZE updates it, so sysfs shows the FIFO's size now. */
static unsigned int capacity = DUET_CAPACITY_DEFAULT;
module_param(capacity, uint, 0444);
MODULE_PARM_DESC(capacity, "FIFO size in bytes, 64..1048576 (default 4096)");

static unsigned int max_open;
module_param(max_open, uint, 0444);
MODULE_PARM_DESC(max_open, "Most files open at once, 0 = unlimited (default 0)");

static bool trace;
module_param(trace, bool, 0444);
MODULE_PARM_DESC(trace, "Log one line per open/read/write/ioctl/release (default N)");

static bool digest = true;
module_param(digest, bool, 0444);
MODULE_PARM_DESC(digest, "Keep CRC32C digests of the data (default Y)");

/* Rate-limited: any opener can make the calls it logs. */
#define duet_trace(fmt, ...)						\
	do {								\
		if (trace)						\
			pr_info_ratelimited(fmt "\n", ##__VA_ARGS__);	\
	} while (0)

/* --- fifo --- */

/**
 * struct duet_fifo - a ring of bytes
 * @buf:      @capacity bytes
 * @capacity: size of @buf
 * @head:     index of the oldest byte
 * @used:     bytes queued, from @head on, wrapping at @capacity
 */
struct duet_fifo {
	u8 *buf;
	u32 capacity;
	u32 head;
	u32 used;
};

/*
 * How the ring's bytes reach a caller: a copy step moves up to @len bytes
 * between the ring and the caller's memory @user, advances @user past
 * them, and returns how many it moved, fewer when @user faults. There is
 * one for the buffer of read() and write() and one for the iov_iter of
 * readv(), writev() and io_uring; the ring's functions are inlined into
 * each caller with its step (as include/linux/iov_iter.h does with its
 * step functions, and as Rust's ring takes a closure).
 */
typedef size_t (*duet_copy_in_t)(void *to, void *user, size_t len);
typedef size_t (*duet_copy_out_t)(void *user, const void *from, size_t len);

static __always_inline size_t duet_copy_from_user(void *to, void *user,
						  size_t len)
{
	const char __user **ubuf = user;
	size_t got = len - copy_from_user(to, *ubuf, len);

	*ubuf += got;
	return got;
}

static __always_inline size_t duet_copy_to_user(void *user, const void *from,
						size_t len)
{
	char __user **ubuf = user;
	size_t got = len - copy_to_user(*ubuf, from, len);

	*ubuf += got;
	return got;
}

static __always_inline size_t duet_copy_from_iter(void *to, void *user,
						  size_t len)
{
	return copy_from_iter(to, len, user);
}

static __always_inline size_t duet_copy_to_iter(void *user, const void *from,
						size_t len)
{
	return copy_to_iter(from, len, user);
}

/*
 * Let @copy fill up to @len bytes of the free space from @user, in at most
 * two pieces (up to the end of @buf, then from its start), and advance
 * @digest over them if it is not NULL. Returns the bytes added: fewer than
 * asked when the ring fills up or @user faults.
 */
static __always_inline size_t duet_fifo_put(struct duet_fifo *fifo, size_t len,
					    u32 *digest, duet_copy_in_t copy,
					    void *user)
{
	size_t left;

	len = min_t(size_t, len, fifo->capacity - fifo->used);
	left = len;
	while (left) {
		u32 tail = (fifo->head + fifo->used) % fifo->capacity;
		size_t want = min_t(size_t, left, fifo->capacity - tail);
		size_t got = copy(fifo->buf + tail, user, want);

		if (digest)
			*digest = duet_digest(*digest, fifo->buf + tail, got);
		fifo->used += got;
		left -= got;
		if (got < want)
			break;
	}
	return len - left;
}

/*
 * Let @copy take up to @len of the oldest bytes to @user, and remove them,
 * advancing @digest over them if it is not NULL. Returns the bytes
 * removed: fewer than asked when the ring runs empty or @user faults.
 */
static __always_inline size_t duet_fifo_get(struct duet_fifo *fifo, size_t len,
					    u32 *digest, duet_copy_out_t copy,
					    void *user)
{
	size_t left;

	len = min_t(size_t, len, fifo->used);
	left = len;
	while (left) {
		size_t want = min_t(size_t, left, fifo->capacity - fifo->head);
		size_t got = copy(user, fifo->buf + fifo->head, want);

		if (digest)
			*digest = duet_digest(*digest, fifo->buf + fifo->head, got);
		fifo->head += got;
		if (fifo->head == fifo->capacity)
			fifo->head = 0;
		fifo->used -= got;
		left -= got;
		if (got < want)
			break;
	}
	if (!fifo->used)
		fifo->head = 0;
	return len - left;
}

/*
 * Move the queued bytes, in order, into a new buffer of @capacity bytes.
 * Returns 0, -EBUSY if they do not fit, or -ENOMEM (the ring unchanged).
 */
static int duet_fifo_resize(struct duet_fifo *fifo, u32 capacity)
{
	u32 first = min(fifo->used, fifo->capacity - fifo->head);
	u8 *buf;

	if (capacity < fifo->used)
		return -EBUSY;
	buf = kvzalloc(capacity, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, fifo->buf + fifo->head, first);
	memcpy(buf + first, fifo->buf, fifo->used - first);
	kvfree(fifo->buf);
	fifo->buf = buf;
	fifo->capacity = capacity;
	fifo->head = 0;
	return 0;
}

/* --- device state --- */

/**
 * struct duet_dev - /dev/duet-c: one FIFO shared by all its open files
 * @misc:     the misc device; file->private_data points here at open
 * @lock:     the device lock: taken by open, read, write, RESET and
 *            RESIZE, killably, and held across their copies from and to
 *            user memory. Nothing else waits for it: release, poll,
 *            INFO, STATS and /proc/duet read what they need without it,
 *            so a caller stuck in a copy wedges no one.
 * @readq:    readers (and pollers) waiting for data or for the last
 *            writer to close
 * @writeq:   writers (and pollers) waiting for space or for the last
 *            reader to close
 * @fifo:     the queued bytes
 * @used:     @fifo's bytes queued, as of the last call that changed them
 * @capacity: @fifo's size, likewise
 * @stats:    what DUET_IOC_STATS returns; /proc/duet reads it in place
 * @nopen:    open files
 * @nreaders: open files that can read
 * @nwriters: open files that can write
 * @impl:     this device's handle in the DUET registry
 *
 * @fifo is only touched with @lock held. @used, @capacity and @stats are
 * written with @lock held, each field with WRITE_ONCE(), and read with
 * READ_ONCE() without it. @nopen, @nreaders and @nwriters are atomics.
 *
 * Lock order: @lock, then duet_registry_lock (export.c); no path takes
 * both today.
 */
struct duet_dev {
	struct miscdevice misc;
	struct mutex lock;		/* see above */
	wait_queue_head_t readq;
	wait_queue_head_t writeq;
	struct duet_fifo fifo;
	u32 used;
	u32 capacity;
	struct duet_stats stats;
	atomic_t nopen;
	atomic_t nreaders;
	atomic_t nwriters;
	struct duet_impl *impl;
};

/* --- per-open state --- */

/**
 * struct duet_file - one open file of /dev/duet-c
 * @dev:           the device
 * @bytes_read:    bytes this file read, for fdinfo
 * @bytes_written: bytes this file wrote, for fdinfo
 */
struct duet_file {
	struct duet_dev *dev;
	atomic64_t bytes_read;
	atomic64_t bytes_written;
};

/* O_NONBLOCK is read at each wait, so fcntl() may change it after open. */
static bool duet_nonblocking(struct file *file)
{
	return READ_ONCE(file->f_flags) & O_NONBLOCK;
}

/* Publish @fifo's state for the callers that do not take the lock. */
static void duet_publish(struct duet_dev *dev)
{
	WRITE_ONCE(dev->used, dev->fifo.used);
	WRITE_ONCE(dev->capacity, dev->fifo.capacity);
}

/* Add @n to the statistic @stat; its writers hold the device lock. */
static void duet_count(u64 *stat, u64 n)
{
	WRITE_ONCE(*stat, *stat + n);
}

/* Wake the waiters and pollers of @wq, if there are any. */
static void duet_wake(wait_queue_head_t *wq)
{
	if (wq_has_sleeper(wq))
		wake_up_interruptible(wq);
}

/* --- open/release --- */

static int duet_open(struct inode *inode, struct file *file)
{
	struct duet_dev *dev = container_of(file->private_data,
					    struct duet_dev, misc);
	struct duet_file *df __free(kfree) = NULL;
	unsigned int nopen;

	/*
	 * The VFS refuses O_DIRECT only after open returns (do_dentry_open()),
	 * and then releases the file: refuse it here, before it is counted.
	 */
	if (file->f_flags & O_DIRECT)
		return -EINVAL;
	df = kzalloc_obj(*df, GFP_KERNEL_ACCOUNT);
	if (!df)
		return -ENOMEM;
	df->dev = dev;

	scoped_cond_guard(mutex_kill, return -EINTR, &dev->lock) {
		if (max_open && atomic_read(&dev->nopen) >= max_open)
			return -EBUSY;
		nopen = atomic_inc_return(&dev->nopen);
		if (file->f_mode & FMODE_READ)
			atomic_inc(&dev->nreaders);
		if (file->f_mode & FMODE_WRITE)
			atomic_inc(&dev->nwriters);
		duet_count(&dev->stats.opens, 1);
	}
	duet_get(dev->impl);
	/* A FIFO has no file position: pread, pwrite and lseek get ESPIPE. */
	stream_open(inode, file);
	file->private_data = no_free_ptr(df);
	duet_trace("open (%u open)", nopen);
	return 0;
}

static int duet_release(struct inode *inode, struct file *file)
{
	struct duet_file *df = file->private_data;
	struct duet_dev *dev = df->dev;

	/* Without the device lock: a caller stuck in a copy holds it. */
	if (file->f_mode & FMODE_READ)
		atomic_dec(&dev->nreaders);
	if (file->f_mode & FMODE_WRITE)
		atomic_dec(&dev->nwriters);
	atomic_dec(&dev->nopen);
	/* The last reader or writer gone changes what the waiters get. */
	duet_wake(&dev->readq);
	duet_wake(&dev->writeq);
	duet_put(dev->impl);
	kfree(df);
	duet_trace("release");
	return 0;
}

/* --- read/write --- */

/*
 * read() and write() come in through .read and .write, and copy to and
 * from the caller's buffer; readv(), writev() and io_uring through
 * .read_iter and .write_iter, and copy with the iov_iter. Each pair shares
 * one body, inlined with its copy step (as /dev/zero has both .read and
 * .read_iter, in drivers/char/mem.c): the plain calls skip the kiocb and
 * iov_iter that the VFS would otherwise set up for them.
 */
static __always_inline ssize_t duet_do_read(struct file *file, size_t len,
					    duet_copy_out_t copy, void *to)
{
	struct duet_file *df = file->private_data;
	struct duet_dev *dev = df->dev;
	ssize_t ret;
	u32 crc;

	if (!len)
		return 0;
	if (mutex_lock_killable(&dev->lock))
		return -EINTR;
	/* Empty: wait for data, unless no open file can write (EOF). */
	while (!dev->fifo.used && atomic_read(&dev->nwriters)) {
		if (duet_nonblocking(file)) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		mutex_unlock(&dev->lock);
		/* Data that is there beats a pending signal, as in pipe_read(). */
		if (wait_event_interruptible(dev->readq,
					     READ_ONCE(dev->used) ||
					     !atomic_read(&dev->nwriters)))
			return -ERESTARTSYS;
		if (mutex_lock_killable(&dev->lock))
			return -EINTR;
	}
	crc = dev->stats.digest_out;
	ret = duet_fifo_get(&dev->fifo, len, digest ? &crc : NULL, copy, to);
	if (!ret && dev->fifo.used) {
		ret = -EFAULT;
		goto out_unlock;
	}
	if (ret) {
		duet_publish(dev);
		duet_count(&dev->stats.reads, 1);
		duet_count(&dev->stats.bytes_out, ret);
		WRITE_ONCE(dev->stats.digest_out, crc);
	}
out_unlock:
	mutex_unlock(&dev->lock);
	if (ret > 0) {
		atomic64_add(ret, &df->bytes_read);
		duet_wake(&dev->writeq);
	}
	duet_trace("read %zu bytes: %zd", len, ret);
	return ret;
}

static ssize_t duet_read(struct file *file, char __user *buf, size_t len,
			 loff_t *ppos)
{
	return duet_do_read(file, len, duet_copy_to_user, &buf);
}

static ssize_t duet_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return duet_do_read(iocb->ki_filp, iov_iter_count(to), duet_copy_to_iter,
			    to);
}

static __always_inline ssize_t duet_do_write(struct file *file, size_t len,
					     duet_copy_in_t copy, void *from)
{
	struct duet_file *df = file->private_data;
	struct duet_dev *dev = df->dev;
	ssize_t ret;
	u32 crc;

	if (!len)
		return 0;
	if (mutex_lock_killable(&dev->lock))
		return -EINTR;
	/*
	 * Full: wait for space, unless no open file can read (ENOSPC, even
	 * with O_NONBLOCK: poll says EPOLLERR, and a pipe checks its
	 * readers first too).
	 */
	while (dev->fifo.used == dev->fifo.capacity) {
		if (!atomic_read(&dev->nreaders)) {
			ret = -ENOSPC;
			goto out_unlock;
		}
		if (duet_nonblocking(file)) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		mutex_unlock(&dev->lock);
		/* Space that is there beats a pending signal, as in pipe_write(). */
		if (wait_event_interruptible(dev->writeq,
					     READ_ONCE(dev->used) <
					     READ_ONCE(dev->capacity) ||
					     !atomic_read(&dev->nreaders)))
			return -ERESTARTSYS;
		if (mutex_lock_killable(&dev->lock))
			return -EINTR;
	}
	crc = dev->stats.digest_in;
	ret = duet_fifo_put(&dev->fifo, len, digest ? &crc : NULL, copy, from);
	if (!ret) {
		ret = -EFAULT;
		goto out_unlock;
	}
	duet_publish(dev);
	duet_count(&dev->stats.writes, 1);
	duet_count(&dev->stats.bytes_in, ret);
	WRITE_ONCE(dev->stats.digest_in, crc);
out_unlock:
	mutex_unlock(&dev->lock);
	if (ret > 0) {
		atomic64_add(ret, &df->bytes_written);
		duet_wake(&dev->readq);
	}
	duet_trace("write %zu bytes: %zd", len, ret);
	return ret;
}

static ssize_t duet_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	return duet_do_write(file, len, duet_copy_from_user, &buf);
}

static ssize_t duet_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return duet_do_write(iocb->ki_filp, iov_iter_count(from),
			     duet_copy_from_iter, from);
}

/* --- poll --- */

/*
 * Ready means that the call would not block, as for a FIFO: a file that
 * can read is readable with bytes queued, and hung up (EPOLLHUP: read
 * returns 0 once it is empty) with no writer left; a file that can write
 * is writable with space free, and in error (EPOLLERR: write gets ENOSPC)
 * when full with no reader left. Without the device lock.
 */
static __poll_t duet_poll(struct file *file, struct poll_table_struct *wait)
{
	struct duet_file *df = file->private_data;
	struct duet_dev *dev = df->dev;
	__poll_t mask = 0;
	u32 used;

	if (file->f_mode & FMODE_READ)
		poll_wait(file, &dev->readq, wait);
	if (file->f_mode & FMODE_WRITE)
		poll_wait(file, &dev->writeq, wait);
	used = READ_ONCE(dev->used);
	if (file->f_mode & FMODE_READ) {
		if (used)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!atomic_read(&dev->nwriters))
			mask |= EPOLLHUP;
	}
	if (file->f_mode & FMODE_WRITE) {
		if (used < READ_ONCE(dev->capacity))
			mask |= EPOLLOUT | EPOLLWRNORM;
		else if (!atomic_read(&dev->nreaders))
			mask |= EPOLLERR;
	}
	return mask;
}

/* --- ioctl --- */

/*
 * INFO and STATS take no lock: they copy what was last published, field
 * by field, to the stack, and that to user memory.
 */
static long duet_ioctl_info(struct duet_dev *dev, void __user *arg)
{
	struct duet_info info = {
		.abi_version = DUET_ABI_VERSION,
		.capacity = READ_ONCE(dev->capacity),
		.used = READ_ONCE(dev->used),
		.max_open = max_open,
		.impl = DUET_IMPL,
	};

	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long duet_ioctl_stats(struct duet_dev *dev, void __user *arg)
{
	struct duet_stats stats = {
		.opens = READ_ONCE(dev->stats.opens),
		.reads = READ_ONCE(dev->stats.reads),
		.writes = READ_ONCE(dev->stats.writes),
		.bytes_in = READ_ONCE(dev->stats.bytes_in),
		.bytes_out = READ_ONCE(dev->stats.bytes_out),
		.digest_in = READ_ONCE(dev->stats.digest_in),
		.digest_out = READ_ONCE(dev->stats.digest_out),
	};

	if (copy_to_user(arg, &stats, sizeof(stats)))
		return -EFAULT;
	return 0;
}

static long duet_ioctl_reset(struct duet_dev *dev)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	scoped_cond_guard(mutex_kill, return -EINTR, &dev->lock) {
		dev->fifo.head = 0;
		dev->fifo.used = 0;
		duet_publish(dev);
		WRITE_ONCE(dev->stats.opens, 0);
		WRITE_ONCE(dev->stats.reads, 0);
		WRITE_ONCE(dev->stats.writes, 0);
		WRITE_ONCE(dev->stats.bytes_in, 0);
		WRITE_ONCE(dev->stats.bytes_out, 0);
		WRITE_ONCE(dev->stats.digest_in, 0);
		WRITE_ONCE(dev->stats.digest_out, 0);
	}
	duet_wake(&dev->writeq);
	return 0;
}

static long duet_ioctl_resize(struct duet_dev *dev, u32 __user *arg)
{
	u32 size;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(size, arg))
		return -EFAULT;
	if (size < DUET_CAPACITY_MIN || size > DUET_CAPACITY_MAX)
		return -EINVAL;
	scoped_cond_guard(mutex_kill, return -EINTR, &dev->lock) {
		ret = duet_fifo_resize(&dev->fifo, size);
		if (ret)
			return ret;
		duet_publish(dev);
		/* The capacity param, in sysfs, shows the size now. */
		WRITE_ONCE(capacity, size);
	}
	duet_wake(&dev->writeq);
	return 0;
}

static long duet_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct duet_file *df = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case DUET_IOC_INFO:
		ret = duet_ioctl_info(df->dev, uarg);
		break;
	case DUET_IOC_STATS:
		ret = duet_ioctl_stats(df->dev, uarg);
		break;
	case DUET_IOC_RESET:
		ret = duet_ioctl_reset(df->dev);
		break;
	case DUET_IOC_RESIZE:
		ret = duet_ioctl_resize(df->dev, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	duet_trace("ioctl %#x: %ld", cmd, ret);
	return ret;
}

/* --- show_fdinfo --- */

static void duet_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct duet_file *df = file->private_data;

	seq_printf(m, "duet-bytes-read:\t%lld\n", atomic64_read(&df->bytes_read));
	seq_printf(m, "duet-bytes-written:\t%lld\n",
		   atomic64_read(&df->bytes_written));
}

/* --- file operations --- */

static const struct file_operations duet_fops = {
	.owner		= THIS_MODULE,
	.open		= duet_open,
	.release	= duet_release,
	.read		= duet_read,
	.read_iter	= duet_read_iter,
	.write		= duet_write,
	.write_iter	= duet_write_iter,
	.poll		= duet_poll,
	.unlocked_ioctl	= duet_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.show_fdinfo	= duet_show_fdinfo,
};

static struct duet_dev duet_dev = {
	.misc = {
		.minor	= MISC_DYNAMIC_MINOR,
		.name	= DUET_NAME,
		.fops	= &duet_fops,
	},
	.lock	= __MUTEX_INITIALIZER(duet_dev.lock),
	.readq	= __WAIT_QUEUE_HEAD_INITIALIZER(duet_dev.readq),
	.writeq	= __WAIT_QUEUE_HEAD_INITIALIZER(duet_dev.writeq),
};

/* --- init/exit --- */

static int __init duet_param_check(const char *name, u32 value, u32 min,
				   u32 max)
{
	if (value < min || value > max) {
		pr_err("%s=%u is out of range [%u, %u]\n", name, value, min, max);
		return -EINVAL;
	}
	return 0;
}

static int __init duet_init(void)
{
	struct duet_dev *dev = &duet_dev;
	int ret;

	ret = duet_param_check("capacity", capacity, DUET_CAPACITY_MIN,
			       DUET_CAPACITY_MAX);
	if (ret)
		return ret;

	ret = duet_registry_init();
	if (ret)
		return ret;

	dev->fifo.buf = kvzalloc(capacity, GFP_KERNEL);
	if (!dev->fifo.buf) {
		ret = -ENOMEM;
		goto err_registry_exit;
	}
	dev->fifo.capacity = capacity;
	duet_publish(dev);

	dev->impl = duet_register(DUET_IMPL, THIS_MODULE, &dev->stats);
	if (IS_ERR(dev->impl)) {
		ret = PTR_ERR(dev->impl);
		goto err_free_fifo;
	}

	ret = misc_register(&dev->misc);
	if (ret)
		goto err_unregister;

	pr_info("registered /dev/%s (capacity %u, digest of \"duet\" %08x)\n",
		DUET_NAME, capacity, duet_digest(0, "duet", 4));
	return 0;

err_unregister:
	duet_unregister(dev->impl);
err_free_fifo:
	kvfree(dev->fifo.buf);
err_registry_exit:
	duet_registry_exit();
	return ret;
}

static void __exit duet_exit(void)
{
	struct duet_dev *dev = &duet_dev;

	misc_deregister(&dev->misc);
	duet_unregister(dev->impl);
	kvfree(dev->fifo.buf);
	duet_registry_exit();
	pr_info("unregistered /dev/%s\n", DUET_NAME);
}

module_init(duet_init);
module_exit(duet_exit);

MODULE_DESCRIPTION("duet: a FIFO misc device in C, and the DUET exports");
MODULE_AUTHOR("The duet developers");
MODULE_LICENSE("GPL");

/* --- tests --- */

/*
 * The KUnit cases of the FIFO, in a file of their own (device_kunit.c),
 * included here so that they can call its static functions.
 */
#if IS_ENABLED(CONFIG_DUET_KUNIT_TEST)
#include "device_kunit.c"
#endif
