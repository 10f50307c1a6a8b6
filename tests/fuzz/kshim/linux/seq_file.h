/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/seq_file.h - a seq_file that formats into a fixed buffer.
 */

#ifndef KSHIM_LINUX_SEQ_FILE_H
#define KSHIM_LINUX_SEQ_FILE_H

#include "../kshim.h"

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
	void *private;
};

__printf(2, 3) void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_putc(struct seq_file *m, char c);

#endif /* KSHIM_LINUX_SEQ_FILE_H */
