/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim/fake.h - what the fuzz harness sees of the fake kernel (fake.c):
 * the fake guest's memory and grant table, the fake xenstore, fault
 * injection, the fake RDMA device's model (executing work requests,
 * raising events, going away), running work items and threads, and the
 * counters the invariants are checked on.
 */

#ifndef KSHIM_FAKE_H
#define KSHIM_FAKE_H

#include "kshim.h"
#include "linux/interrupt.h"
#include "linux/kthread.h"
#include "rdma/ib_verbs.h"

/* Guest frames; grant reference r (1 <= r < KSHIM_FRAMES) is frame r. */
#define KSHIM_FRAMES		512

/* Operations the fuzz input can make fail: the n-th next call fails. */
enum kshim_fault {
	KF_ALLOC,	/* kmalloc() and friends, sg_alloc_table() */
	KF_CREATE,	/* verbs that create an object */
	KF_VERB,	/* other verbs (modify, query, resize, mcast, DMA) */
	KF_POST,	/* ib_post_send/recv/srq_recv */
	KF_GRANT,	/* grant maps, xenbus ring maps, page allocation */
	KF_XEN,		/* event channel binding, thread creation */
	KF_REGWC,	/* a REG_MR completes in error */
	KF_REGLOST,	/* a REG_MR never completes */
	KF_COUNT,
};

/* Device profiles (bits of kshim_reset()'s @profile). */
#define KSHIM_PROF_IB		0x01	/* InfiniBand port (else RoCE) */
#define KSHIM_PROF_NO_SRQ	0x02
#define KSHIM_PROF_NO_RESIZE	0x04	/* no resize_cq, no SRQ resize */
#define KSHIM_PROF_NO_MCAST	0x08
#define KSHIM_PROF_NOT_RXE	0x10
#define KSHIM_PROF_SMALL	0x20	/* small device limits */

struct kshim_counts {
	long allocs;		/* kmalloc()ed and not freed */
	long pages;		/* gnttab_alloc_pages() not freed */
	long maps;		/* grant mappings not unmapped */
	long ring_maps;		/* xenbus ring mappings not unmapped */
	long irqs;		/* bound irqs */
	long tasks;		/* threads not stopped */
	long objs;		/* verbs objects not destroyed */
	long dev_refs;		/* device references not put */
	long handlers;		/* event handlers registered */
	long dma_maps;		/* ib_dma_map_sg() not unmapped */
	long dentries;		/* debugfs entries not removed */
	long works;		/* work items queued, not run */
	long double_maps;	/* a grant mapped while mapped already */
	long eoi_extra;		/* late EOIs for no pending interrupt */
	long posts;		/* work requests the device took */
	long bad_key_posts;	/* SGEs with the poison key */
};

extern struct kshim_counts kshim_counts;

/* Once per process; then kshim_reset() before each input. */
void kshim_init(void);
void kshim_reset(u32 seed, u8 profile);
void kshim_fault_set(enum kshim_fault kind, unsigned int nth);
void kshim_faults_off(void);

/* Guest memory, writable by the harness (the frontend's view). */
u8 *kshim_guest_frame(u32 ref);
void kshim_grant_readonly(u32 ref, bool ro);
/* Has the backend had @ref mapped twice at once during this input? */
bool kshim_frame_aliased(u32 ref);

/* The fake xenstore: kshim_xs_write("backend/vib/1/0", "quota-pd", "4"). */
void kshim_xs_write(const char *dir, const char *node, const char *val);
void kshim_xs_clear(void);

/* Irqs: raise the one bound to @irq (delivered when enabled). */
void kshim_irq_raise(int irq);
bool kshim_irq_owes_eoi(int irq);

/* Runs queued work items until none is left (at most @max); how many. */
unsigned int kshim_run_work(unsigned int max);
/* Runs @task's function for @turns turns of its loop. */
void kshim_thread_run(struct task_struct *task, unsigned int turns);

/* Reads the debugfs file of @data named @name; returns the octets. */
size_t kshim_debugfs_read(const char *name, void *data, char *buf,
			  size_t size);

/* The fake device. */
struct ib_device *kshim_ibdev(void);
bool kshim_dev_registered(void);
void kshim_dev_set_registered(bool on);
/* The backend's ib_client, once registered. */
struct ib_client *kshim_client(void);
/* The lkey of the n-th live MR (for WQEs that name real keys), or 0. */
u32 kshim_dev_lkey(unsigned int n);
/*
 * Executes up to @n work requests at the head of a queue of the @qp-th
 * live QP (@recv: its RQ, or its SRQ: @slot picks which posted WQE); a
 * @status other than IB_WC_SUCCESS fails the first one and puts the QP in
 * error, which flushes the others.
 */
void kshim_dev_complete(unsigned int qp, bool recv, unsigned int n,
			unsigned int slot, enum ib_wc_status status);
/*
 * IB_WC_* flags of the receive completions that succeed (with
 * IB_WC_WITH_INVALIDATE: an RDMA WRITE with immediate instead).
 */
extern int kshim_dev_wc_flags;
/* An asynchronous event: on the @idx-th live QP, CQ, SRQ, or a port one. */
void kshim_dev_event(unsigned int kind, unsigned int idx,
		     enum ib_event_type ev);

#endif /* KSHIM_FAKE_H */
