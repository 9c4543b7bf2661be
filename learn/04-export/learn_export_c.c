// SPDX-License-Identifier: GPL-2.0
/*
 * learn_export_c - step 4 of the hands-on lab: a C module that exports a
 * function to other modules (learn_export_rust calls it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/module.h>

/* LEARNER: export learn_export_twice to GPL modules (EXPORT_SYMBOL_GPL). */

/**
 * learn_export_twice() - double a number
 * @x: the number
 *
 * Return: 2 * @x.
 */
int learn_export_twice(int x)
{
	return 2 * x;
}

MODULE_DESCRIPTION("duet lab, step 4: a C export");
MODULE_LICENSE("GPL");
