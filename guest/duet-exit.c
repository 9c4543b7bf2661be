// SPDX-License-Identifier: GPL-2.0
/*
 * duet-exit - end the guest, handing STATUS to the host.
 *
 * Usage: duet-exit STATUS
 *
 * QEMU then exits with (STATUS << 1) | 1, which scripts/boot.sh turns
 * back into STATUS (an odd exit status: a status from the guest, not an
 * error of QEMU's):
 *
 * - x86_64: STATUS (0..127) goes to QEMU's isa-debug-exit port 0xf4,
 *   which exits with (STATUS << 1) | 1 itself.
 * - arm64: the virt machine has no such device; the guest asks QEMU to
 *   exit by semihosting (SYS_EXIT with ADP_Stopped_ApplicationExit and
 *   the exit code, from user space: -semihosting-config userspace=on).
 *   Under KVM there is no semihosting: the HLT traps, the program dies of
 *   SIGILL, and guest/init says the status on the script's channel.
 */
#include <stdio.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

static int guest_exit(int status)
{
	if (ioperm(DEBUG_EXIT_PORT, 1, 1)) {
		perror("duet-exit: ioperm");
		return 1;
	}
	outb(status, DEBUG_EXIT_PORT);
	return 0;
}
#elif defined(__aarch64__)
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int guest_exit(int status)
{
	/* The parameter block of SYS_EXIT in AArch64: reason, subcode. */
	unsigned long block[2] = { ADP_STOPPED_APPLICATION_EXIT,
				   ((unsigned long)status << 1) | 1 };
	register unsigned long op asm("x0") = SYS_EXIT;
	register unsigned long arg asm("x1") = (unsigned long)block;

	asm volatile("hlt #0xf000" : "+r"(op) : "r"(arg) : "memory");
	return 1;
}
#else
#error "duet-exit: no way to end the guest on this architecture"
#endif

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	if (status < 0 || status > 127)
		status = 127;
	return guest_exit(status);
}
