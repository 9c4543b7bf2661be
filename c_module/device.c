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

#include <linux/capability.h>
#include <linux/duet_export.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
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

#define duet_trace(fmt, ...)						\
	do {								\
		if (trace)						\
			pr_info(fmt "\n", ##__VA_ARGS__);		\
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
 * Copy up to @len bytes from @from into the free space, in at most two
 * pieces (up to the end of @buf, then from its start), and advance @digest
 * over them if it is not NULL. Returns the bytes copied: fewer than asked
 * when the ring fills up or @from faults.
 */
static size_t duet_fifo_put(struct duet_fifo *fifo, struct iov_iter *from,
			    size_t len, u32 *digest)
{
	size_t left;

	len = min_t(size_t, len, fifo->capacity - fifo->used);
	left = len;
	while (left) {
		u32 tail = (fifo->head + fifo->used) % fifo->capacity;
		size_t want = min_t(size_t, left, fifo->capacity - tail);
		size_t got = copy_from_iter(fifo->buf + tail, want, from);

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
 * Copy up to @len of the oldest bytes to @to and remove them, advancing
 * @digest over them if it is not NULL. Returns the bytes copied: fewer
 * than asked when the ring runs empty or @to faults.
 */
static size_t duet_fifo_get(struct duet_fifo *fifo, struct iov_iter *to,
			    size_t len, u32 *digest)
{
	size_t left;

	len = min_t(size_t, len, fifo->used);
	left = len;
	while (left) {
		size_t want = min_t(size_t, left, fifo->capacity - fifo->head);
		size_t got = copy_to_iter(fifo->buf + fifo->head, want, to);

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
 * @lock:     the device lock
 * @readq:    readers waiting for data or for the last writer to close
 * @writeq:   writers waiting for space or for the last reader to close
 * @fifo:     the queued bytes
 * @nopen:    open files
 * @nreaders: open files that can read
 * @nwriters: open files that can write
 * @stats:    what DUET_IOC_STATS returns
 * @impl:     this device's handle in the DUET registry
 */
struct duet_dev {
	struct miscdevice misc;
	struct mutex lock;		/* protects all the fields below */
	wait_queue_head_t readq;
	wait_queue_head_t writeq;
	struct duet_fifo fifo;
	unsigned int nopen;
	unsigned int nreaders;
	unsigned int nwriters;
	struct duet_stats stats;
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

/* O_NONBLOCK is read at each call, so fcntl() may change it after open. */
static bool duet_nonblocking(struct kiocb *iocb)
{
	return iocb->ki_filp->f_flags & O_NONBLOCK;
}

/* --- open/release --- */

static int duet_open(struct inode *inode, struct file *file)
{
	struct duet_dev *dev = container_of(file->private_data,
					    struct duet_dev, misc);
	struct duet_file *df;

	df = kzalloc_obj(*df);
	if (!df)
		return -ENOMEM;
	df->dev = dev;

	scoped_guard(mutex, &dev->lock) {
		if (max_open && dev->nopen >= max_open) {
			kfree(df);
			return -EBUSY;
		}
		dev->nopen++;
		if (file->f_mode & FMODE_READ)
			dev->nreaders++;
		if (file->f_mode & FMODE_WRITE)
			dev->nwriters++;
		dev->stats.opens++;
		duet_account(dev->impl, &dev->stats);
	}
	duet_get(dev->impl);
	file->private_data = df;
	duet_trace("open (%u open)", READ_ONCE(dev->nopen));
	return 0;
}

static int duet_release(struct inode *inode, struct file *file)
{
	struct duet_file *df = file->private_data;
	struct duet_dev *dev = df->dev;

	scoped_guard(mutex, &dev->lock) {
		dev->nopen--;
		if (file->f_mode & FMODE_READ)
			dev->nreaders--;
		if (file->f_mode & FMODE_WRITE)
			dev->nwriters--;
	}
	/* The last reader or writer gone changes what the waiters get. */
	wake_up_interruptible(&dev->readq);
	wake_up_interruptible(&dev->writeq);
	duet_put(dev->impl);
	kfree(df);
	duet_trace("release");
	return 0;
}

/* --- read/write --- */

static ssize_t duet_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct duet_file *df = iocb->ki_filp->private_data;
	struct duet_dev *dev = df->dev;
	size_t len = iov_iter_count(to);
	ssize_t ret;

	if (!len)
		return 0;
	mutex_lock(&dev->lock);
	/* Empty: wait for data, unless no open file can write (EOF). */
	while (!dev->fifo.used && dev->nwriters) {
		if (duet_nonblocking(iocb)) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		mutex_unlock(&dev->lock);
		if (wait_event_interruptible(dev->readq,
					     READ_ONCE(dev->fifo.used) ||
					     !READ_ONCE(dev->nwriters)))
			return -ERESTARTSYS;
		mutex_lock(&dev->lock);
	}
	ret = duet_fifo_get(&dev->fifo, to, len,
			    digest ? &dev->stats.digest_out : NULL);
	if (!ret && dev->fifo.used) {
		ret = -EFAULT;
		goto out_unlock;
	}
	if (ret) {
		dev->stats.reads++;
		dev->stats.bytes_out += ret;
		duet_account(dev->impl, &dev->stats);
	}
out_unlock:
	mutex_unlock(&dev->lock);
	if (ret > 0) {
		atomic64_add(ret, &df->bytes_read);
		wake_up_interruptible(&dev->writeq);
	}
	duet_trace("read %zu bytes: %zd", len, ret);
	return ret;
}

static ssize_t duet_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct duet_file *df = iocb->ki_filp->private_data;
	struct duet_dev *dev = df->dev;
	size_t len = iov_iter_count(from);
	ssize_t ret;

	if (!len)
		return 0;
	mutex_lock(&dev->lock);
	/* Full: wait for space, unless no open file can read (ENOSPC). */
	while (dev->fifo.used == dev->fifo.capacity) {
		if (duet_nonblocking(iocb)) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		if (!dev->nreaders) {
			ret = -ENOSPC;
			goto out_unlock;
		}
		mutex_unlock(&dev->lock);
		if (wait_event_interruptible(dev->writeq,
					     READ_ONCE(dev->fifo.used) <
					     READ_ONCE(dev->fifo.capacity) ||
					     !READ_ONCE(dev->nreaders)))
			return -ERESTARTSYS;
		mutex_lock(&dev->lock);
	}
	ret = duet_fifo_put(&dev->fifo, from, len,
			    digest ? &dev->stats.digest_in : NULL);
	if (!ret) {
		ret = -EFAULT;
		goto out_unlock;
	}
	dev->stats.writes++;
	dev->stats.bytes_in += ret;
	duet_account(dev->impl, &dev->stats);
out_unlock:
	mutex_unlock(&dev->lock);
	if (ret > 0) {
		atomic64_add(ret, &df->bytes_written);
		wake_up_interruptible(&dev->readq);
	}
	duet_trace("write %zu bytes: %zd", len, ret);
	return ret;
}

/* --- ioctl --- */

static long duet_ioctl_info(struct duet_dev *dev, void __user *arg)
{
	struct duet_info info = {
		.abi_version = DUET_ABI_VERSION,
		.max_open = max_open,
		.impl = DUET_IMPL,
	};

	guard(mutex)(&dev->lock);
	info.capacity = dev->fifo.capacity;
	info.used = dev->fifo.used;
	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long duet_ioctl_stats(struct duet_dev *dev, void __user *arg)
{
	guard(mutex)(&dev->lock);
	if (copy_to_user(arg, &dev->stats, sizeof(dev->stats)))
		return -EFAULT;
	return 0;
}

static long duet_ioctl_reset(struct duet_dev *dev)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	guard(mutex)(&dev->lock);
	dev->fifo.head = 0;
	dev->fifo.used = 0;
	memset(&dev->stats, 0, sizeof(dev->stats));
	duet_account(dev->impl, &dev->stats);
	wake_up_interruptible(&dev->writeq);
	return 0;
}

static long duet_ioctl_resize(struct duet_dev *dev, u32 __user *arg)
{
	u32 capacity;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(capacity, arg))
		return -EFAULT;
	if (capacity < DUET_CAPACITY_MIN || capacity > DUET_CAPACITY_MAX)
		return -EINVAL;
	guard(mutex)(&dev->lock);
	ret = duet_fifo_resize(&dev->fifo, capacity);
	if (!ret)
		wake_up_interruptible(&dev->writeq);
	return ret;
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
	.read_iter	= duet_read_iter,
	.write_iter	= duet_write_iter,
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

	dev->impl = duet_register(DUET_IMPL, THIS_MODULE);
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

#if IS_ENABLED(CONFIG_DUET_KUNIT_TEST)
#include <kunit/test.h>

static size_t duet_test_put(struct duet_fifo *fifo, const void *src,
			    size_t len, u32 *digest)
{
	struct kvec kv = { .iov_base = (void *)src, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return duet_fifo_put(fifo, &iter, len, digest);
}

static size_t duet_test_get(struct duet_fifo *fifo, void *dst, size_t len,
			    u32 *digest)
{
	struct kvec kv = { .iov_base = dst, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return duet_fifo_get(fifo, &iter, len, digest);
}

/* A 64-byte ring, and 200 bytes of pattern to push through it. */
static void duet_test_init(struct kunit *test, struct duet_fifo *fifo, u8 *pattern)
{
	fifo->buf = kvzalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fifo->buf);
	fifo->capacity = 64;
	fifo->head = 0;
	fifo->used = 0;
	for (int i = 0; i < 200; i++)
		pattern[i] = i * 7 + 3;
}

static void duet_test_put_stops_when_full(struct kunit *test)
{
	struct duet_fifo fifo;
	u8 pattern[200];

	duet_test_init(test, &fifo, pattern);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 100, NULL), 64);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, fifo.used, 64);
	kvfree(fifo.buf);
}

static void duet_test_wraps_in_order(struct kunit *test)
{
	struct duet_fifo fifo;
	u8 pattern[200], out[200];

	duet_test_init(test, &fifo, pattern);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 40, NULL), 40);
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, out, 30, NULL), 30);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 40, 50, NULL), 50);
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, out + 30, 200, NULL), 60);
	KUNIT_EXPECT_MEMEQ(test, out, pattern, 90);
	KUNIT_EXPECT_EQ(test, fifo.used, 0);
	kvfree(fifo.buf);
}

static void duet_test_resize_keeps_order(struct kunit *test)
{
	struct duet_fifo fifo;
	u8 pattern[200], out[200];

	duet_test_init(test, &fifo, pattern);
	duet_test_put(&fifo, pattern, 50, NULL);
	duet_test_get(&fifo, out, 40, NULL);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 50, 50, NULL), 50);
	KUNIT_EXPECT_EQ(test, duet_fifo_resize(&fifo, 59), -EBUSY);
	KUNIT_EXPECT_EQ(test, duet_fifo_resize(&fifo, 128), 0);
	KUNIT_EXPECT_EQ(test, fifo.capacity, 128);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 100, 100, NULL), 68);
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, out, 200, NULL), 128);
	KUNIT_EXPECT_MEMEQ(test, out, pattern + 40, 128);
	kvfree(fifo.buf);
}

static void duet_test_digest_is_streamed(struct kunit *test)
{
	u32 in = 0, out = 0;
	struct duet_fifo fifo;
	u8 pattern[200], buf[200];

	duet_test_init(test, &fifo, pattern);
	/* 30 bytes stay queued, so the 25-byte steps wrap around the ring. */
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 30, &in), 30);
	for (int done = 0; done < 170; done += 25) {
		int step = min(25, 170 - done);

		KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 30 + done, step, &in), step);
		KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, buf + done, step, &out), step);
	}
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, buf + 170, 30, &out), 30);
	KUNIT_EXPECT_EQ(test, in, duet_digest(0, pattern, 200));
	KUNIT_EXPECT_EQ(test, out, in);
	KUNIT_EXPECT_MEMEQ(test, buf, pattern, 200);
	kvfree(fifo.buf);
}

static struct kunit_case duet_test_cases[] = {
	KUNIT_CASE(duet_test_put_stops_when_full),
	KUNIT_CASE(duet_test_wraps_in_order),
	KUNIT_CASE(duet_test_resize_keeps_order),
	KUNIT_CASE(duet_test_digest_is_streamed),
	{}
};

static struct kunit_suite duet_test_suite = {
	.name = "duet_c_fifo",
	.test_cases = duet_test_cases,
};

kunit_test_suite(duet_test_suite);
#endif /* CONFIG_DUET_KUNIT_TEST */
