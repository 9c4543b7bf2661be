// SPDX-License-Identifier: GPL-2.0
/*
 * learn_hello_c - step 1 of the hands-on lab: a module that says hello
 * when it is loaded and goodbye when it is unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init learn_hello_init(void)
{
	/* LEARNER: log "Hello, world" at the KERN_INFO level (pr_info). */
	return 0;
}

static void __exit learn_hello_exit(void)
{
	/* LEARNER: log "Goodbye, world" at the KERN_INFO level. */
}

module_init(learn_hello_init);
module_exit(learn_hello_exit);
MODULE_DESCRIPTION("duet lab, step 1: hello");
MODULE_LICENSE("GPL");
/* LEARNER: name yourself as the author (MODULE_AUTHOR). */
