// SPDX-License-Identifier: GPL-2.0
/*
 * learn_split_c, split_main.c - step 3 of the hands-on lab: the module's
 * init and exit; the other half is in split_util.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include "split.h"

static int __init learn_split_init(void)
{
	pr_info("split_main.c says hello\n");
	learn_split_util_hello();
	return 0;
}

static void __exit learn_split_exit(void)
{
}

module_init(learn_split_init);
module_exit(learn_split_exit);
MODULE_DESCRIPTION("duet lab, step 3: two source files");
MODULE_LICENSE("GPL");
