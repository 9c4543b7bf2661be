// SPDX-License-Identifier: GPL-2.0
/*
 * learn_param_c - step 2 of the hands-on lab: a module parameter. Loaded
 * with times=N, it logs "Hello, world (i of N)" N times, for i = 1..N.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

/*
 * LEARNER: declare the parameter "times": an unsigned int, default 1,
 * readable by everyone in /sys/module/learn_param_c/parameters (0444),
 * described as "How many times to say hello, 1..10 (default 1)".
 */
static unsigned int times = 1;

static int __init learn_param_init(void)
{
	unsigned int i;

	/* LEARNER: refuse times outside 1..10 with -EINVAL, saying why. */
	for (i = 1; i <= times; i++)
		pr_info("Hello, world (%u of %u)\n", i, times);
	return 0;
}

static void __exit learn_param_exit(void)
{
}

module_init(learn_param_init);
module_exit(learn_param_exit);
MODULE_DESCRIPTION("duet lab, step 2: a parameter");
MODULE_LICENSE("GPL");
