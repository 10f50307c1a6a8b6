/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/workqueue.h - work items that queue_work() only records;
 * the fuzz harness runs them, one at a time, with kshim_run_work().
 */

#ifndef KSHIM_LINUX_WORKQUEUE_H
#define KSHIM_LINUX_WORKQUEUE_H

#include "list.h"

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct list_head entry;
	bool pending;
};

struct delayed_work {
	struct work_struct work;
};

struct workqueue_struct {
	const char *name;
};

#define WQ_UNBOUND	0x2u

static inline void kshim_init_work(struct work_struct *w, work_func_t func)
{
	w->func = func;
	w->pending = false;
	INIT_LIST_HEAD(&w->entry);
}

#define INIT_WORK(w, fn)	kshim_init_work(w, fn)

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...);
void destroy_workqueue(struct workqueue_struct *wq);
void flush_workqueue(struct workqueue_struct *wq);
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);

#endif /* KSHIM_LINUX_WORKQUEUE_H */
