/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/kthread.h - kernel threads that kthread_run() creates but
 * does not start: the fuzz harness runs a thread's function itself, for a
 * number of loop turns (kshim_thread_run(), fake.c): kthread_should_stop()
 * answers true once they are used up.
 */

#ifndef KSHIM_LINUX_KTHREAD_H
#define KSHIM_LINUX_KTHREAD_H

#include "../kshim.h"

struct task_struct {
	int (*fn)(void *data);
	void *data;
	char comm[32];
};

__printf(3, 4)
struct task_struct *kshim_kthread_create(int (*fn)(void *data), void *data,
					 const char *fmt, ...);
#define kthread_run(fn, data, fmt, ...)					\
	kshim_kthread_create(fn, data, fmt, ##__VA_ARGS__)
int kthread_stop(struct task_struct *task);
bool kthread_should_stop(void);

#endif /* KSHIM_LINUX_KTHREAD_H */
