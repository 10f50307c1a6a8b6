/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/debugfs.h - debugfs files that fake.c remembers, so that
 * the fuzz harness can read them (kshim_debugfs_read()).  A file's
 * operations are only its show function.
 */

#ifndef KSHIM_LINUX_DEBUGFS_H
#define KSHIM_LINUX_DEBUGFS_H

#include "seq_file.h"

struct dentry;

struct file_operations {
	int (*show)(struct seq_file *m, void *unused);
};

#define DEFINE_SHOW_ATTRIBUTE(name)					\
	static const struct file_operations name##_fops = {		\
		.show = name##_show,					\
	}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove(struct dentry *dentry);

#endif /* KSHIM_LINUX_DEBUGFS_H */
