// SPDX-License-Identifier: GPL-2.0
/*
 * duet-exit - end the guest, handing STATUS to the host.
 *
 * Usage: duet-exit STATUS
 *
 * Writes STATUS (0..127) to QEMU's isa-debug-exit port 0xf4; QEMU then
 * exits with (STATUS << 1) | 1, which scripts/boot.sh turns back into
 * STATUS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	if (status < 0 || status > 127)
		status = 127;
	if (ioperm(DEBUG_EXIT_PORT, 1, 1)) {
		perror("duet-exit: ioperm");
		return 1;
	}
	outb(status, DEBUG_EXIT_PORT);
	return 0;
}
