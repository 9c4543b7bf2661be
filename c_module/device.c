// SPDX-License-Identifier: GPL-2.0
/*
 * duet_c - the duet misc device, written in C.
 *
 * Usage:
 *	modprobe duet_c capacity=8192
 *	echo hello > /dev/duet-c
 *	cat /dev/duet-c
 *
 * Its twin, rust_module/duet_rust.rs, has the same sections in the same
 * order under the same headings: read the two side by side.
 */

/* --- imports --- */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/duet_export.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

/* --- constants --- */

#define DUET_NAME	"duet-c"
#define DUET_IMPL	"c"

/* --- params --- */

static unsigned int capacity = DUET_CAPACITY_DEFAULT;
module_param(capacity, uint, 0444);
MODULE_PARM_DESC(capacity, "FIFO size in bytes, 64..1048576 (default 4096)");

/* --- file operations --- */

static const struct file_operations duet_fops = {
	.owner		= THIS_MODULE,
};

static struct miscdevice duet_miscdev = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= DUET_NAME,
	.fops		= &duet_fops,
};

/* --- init/exit --- */

static int __init duet_init(void)
{
	int ret;

	if (capacity < DUET_CAPACITY_MIN || capacity > DUET_CAPACITY_MAX) {
		pr_err("capacity=%u is out of range [%u, %u]\n", capacity,
		       DUET_CAPACITY_MIN, DUET_CAPACITY_MAX);
		return -EINVAL;
	}

	ret = misc_register(&duet_miscdev);
	if (ret)
		return ret;

	pr_info("registered /dev/%s (capacity %u, digest of \"duet\" %08x)\n",
		DUET_NAME, capacity, duet_digest(0, "duet", 4));
	return 0;
}

static void __exit duet_exit(void)
{
	misc_deregister(&duet_miscdev);
	pr_info("unregistered /dev/%s\n", DUET_NAME);
}

module_init(duet_init);
module_exit(duet_exit);

MODULE_DESCRIPTION("duet: a FIFO misc device in C, and the DUET exports");
MODULE_AUTHOR("The duet developers");
MODULE_LICENSE("GPL");
