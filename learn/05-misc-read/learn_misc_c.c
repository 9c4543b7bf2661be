// SPDX-License-Identifier: GPL-2.0
/*
 * learn_misc_c - step 5 of the hands-on lab: a misc device, /dev/learn-c,
 * whose read gives "Hello from C\n" once, then end of file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static const char learn_msg[] = "Hello from C\n";

static ssize_t learn_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	/*
	 * LEARNER: copy learn_msg (without its NUL) to buf from *ppos on,
	 * and advance *ppos: simple_read_from_buffer() does both.
	 */
	return 0;
}

static const struct file_operations learn_fops = {
	.owner = THIS_MODULE,
	.read = learn_read,
};

static struct miscdevice learn_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "learn-c",
	.fops = &learn_fops,
	.mode = 0444,
};

static int __init learn_misc_init(void)
{
	/* LEARNER: register learn_misc, and return its error if it fails. */
	return 0;
}

static void __exit learn_misc_exit(void)
{
	/* LEARNER: undo what init did. */
}

module_init(learn_misc_init);
module_exit(learn_misc_exit);
MODULE_DESCRIPTION("duet lab, step 5: a misc device with read");
MODULE_LICENSE("GPL");
