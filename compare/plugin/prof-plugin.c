// SPDX-License-Identifier: GPL-2.0
/*
 * prof-plugin - a QEMU TCG plugin (host side): exact guest instruction
 * counts per translation block, written out at marks the guest sets.
 *
 *	qemu-system-x86_64 -icount shift=0,sleep=off -smp 1 \
 *		-plugin prof-plugin.so,out=FILE ...
 *
 * Every translation block (TB) gets a counter that each execution adds
 * its instruction count to (an inline add, no callback). When the guest
 * executes the marker instruction (MARK below, an 8-byte NOP that only
 * compare/profile.c contains), the plugin appends a section to FILE:
 *
 *	mark N
 *	VADDR INSTRUCTIONS	(one line per TB that ran since the last mark)
 *
 * and zeroes the counters: section N holds every instruction the guest
 * executed, kernel and user, between mark N - 1 and mark N. A TB never
 * spans a call or a jump, so its start address tells its function
 * (compare/report_profile.py maps them to symbols). Built by scripts/
 * qemu-plugin.sh against the qemu-plugin.h of the host's QEMU version.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* nopl 0x44455544(%rax,%rax,1): "DUED", see compare/profile.c */
static const unsigned char MARK[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x44, 0x55, 0x45, 0x44 };

struct block {
	uint64_t vaddr;
	uint64_t executed;	/* instructions: executions x insns */
	struct block *next;
};

static struct block *blocks;
static FILE *out;
static unsigned long marks;

static void on_mark(unsigned int vcpu, void *udata)
{
	fprintf(out, "mark %lu\n", ++marks);
	for (struct block *b = blocks; b; b = b->next) {
		if (!b->executed)
			continue;
		fprintf(out, "%" PRIx64 " %" PRIu64 "\n", b->vaddr, b->executed);
		b->executed = 0;
	}
	fflush(out);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block *b = calloc(1, sizeof(*b));

	if (!b)
		return;
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->executed, n);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(MARK) &&
		    !memcmp(qemu_plugin_insn_data(insn), MARK, sizeof(MARK)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out = fopen(argv[i] + 4, "w");
	if (!out) {
		fprintf(stderr, "prof-plugin: usage: -plugin prof-plugin.so,out=FILE\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}
