// SPDX-License-Identifier: GPL-2.0
/*
 * learn_split_c, split_util.c - step 3 of the hands-on lab: the half of
 * the module that split_main.c calls. Both files are compiled with the
 * same KBUILD_MODNAME (learn_split_c), so pr_fmt gives the same prefix.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>

#include "split.h"

void learn_split_util_hello(void)
{
	pr_info("split_util.c says hello\n");
}
