/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/wait.h - wait queues.  Nothing ever blocks in the fake
 * kernel: a wait returns at once, having let the fake clock run for the
 * time it would have slept.
 */

#ifndef KSHIM_LINUX_WAIT_H
#define KSHIM_LINUX_WAIT_H

#include "../kshim.h"

typedef struct {
	unsigned long wakeups;
} wait_queue_head_t;

static inline void init_waitqueue_head(wait_queue_head_t *wq)
{
	wq->wakeups = 0;
}

static inline void wake_up(wait_queue_head_t *wq)
{
	wq->wakeups++;
}

#define wait_event_idle(wq, cond)					\
do {									\
	might_sleep();							\
	if (!(cond))							\
		kshim_advance_ns(10 * NSEC_PER_MSEC);			\
} while (0)

#define wait_event_interruptible_hrtimeout(wq, cond, timeout)		\
({									\
	might_sleep();							\
	if (!(cond))							\
		kshim_advance_ns(timeout);				\
	0;								\
})

#endif /* KSHIM_LINUX_WAIT_H */
