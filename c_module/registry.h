/* SPDX-License-Identifier: GPL-2.0 */
/* registry.h - /proc/duet set-up, shared by the two files of duet_c. */
#ifndef _DUET_REGISTRY_H
#define _DUET_REGISTRY_H

int duet_registry_init(void);
void duet_registry_exit(void);

#endif /* _DUET_REGISTRY_H */
