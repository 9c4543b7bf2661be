/* SPDX-License-Identifier: GPL-2.0 */
/* What split_util.c gives split_main.c. */
#ifndef LEARN_SPLIT_H
#define LEARN_SPLIT_H

void learn_split_util_hello(void);

#endif
