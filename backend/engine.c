// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the data engine, one kernel thread per guest.
 *
 * The engine moves work between the guest's shared queues (formats and
 * barrier pairs in xenib-abi.h) and the shadow objects on the real device:
 *
 *   SQ/RQ/SRQ  read prod once (acquire), bound it with ring.h, copy each
 *              WQE into private memory, check the copy with
 *              xenib_send_wqe_check()/xenib_recv_wqe_check(), post it to
 *              the shadow, store cons (release)
 *   CQ         poll the shadow CQ, translate each ib_wc into a CQE in the
 *              guest's CQ ring, store prod (release), and raise
 *              XEN_VIBIF_EVT_COMP if the guest armed the CQ
 *
 * Work is found through each context's doorbell page: post_seq tells in
 * O(1) whether anything was posted since the last look, the dirty bitmap
 * (cleared a word at a time with xchg) which queues.  Completions are
 * found through the shadow CQs' completion handlers.  The thread polls
 * while work flows, naps between empty passes for engine_poll_us, then
 * tells the guest it sleeps (XENIB_ENGINE_IDLE, with the Dekker re-check
 * of xenib-abi.h) and sleeps until a kick on event-channel-data or a
 * completion handler wakes it.  docs/engine.md has the decisions.
 *
 * Locking: the thread holds the engine lock (guest->eng.lock) for each
 * pass.  Everything that removes an object the engine can reach
 * (xibb_obj_del(), the xibb_engine_*_del() helpers, db_xa erasures) takes
 * the same lock, after guest->obj_lock, so the engine never sees a freed
 * object; the engine never takes obj_lock.  The engine's per-queue state
 * (struct xibb_wq_eng, xibb_cq_eng, the SRQ's eng_* fields) is only
 * touched under the engine lock.
 *
 * The kernel wr_id of a shadow work request is
 *   owner tag (32 bits) | queue (2 bits) | sequence or slot (30 bits):
 * for SQ/RQ the free-running post sequence (completions on one queue come
 * in order, so a completion retires everything before it, including
 * unsignaled sends); for an SRQ the index of a slot table entry (SRQ
 * completions come in any order).  The guest's wr_id is kept in the
 * slot and returned in the CQE.
 *
 * The owner tag is not the handle.  A destroyed QP's completions stay in
 * the shadow CQ, and a QP created next may get both the same struct
 * ib_qp address (the QP is found by it) and, since a handle has only 8
 * generation bits, the same handle: a stale completion would retire the
 * new QP's WQEs.  So each QP and SRQ gets a 32-bit tag from a per-guest
 * counter (xibb_eng_new_tag()), not reused before 2^32 more queues, and
 * an SRQ completion finds its SRQ by tag.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <xen/events.h>

#include "ring.h"

/*
 * How long the engine keeps polling after its last work, in microseconds:
 * at least engine_poll_us (default 500), at most engine_poll_max_us
 * (default 8000).  Between empty passes it naps (a 64th of the window,
 * within XIBB_ENG_NAP_MIN_US..XIBB_ENG_NAP_MAX_US; a completion or a kick
 * ends the nap), so polling costs little CPU; beyond the window it sleeps
 * and a post costs the guest a kick.
 *
 * The window adapts per guest: work that arrives soon after the engine
 * went to sleep (within twice the window) means it gave up too early, so
 * the window doubles; a sleep longer than 64 windows halves it.  A guest
 * that posts steadily but slowly (a ping-pong, or a vCPU that is not
 * always running) thus stops kicking, and an idle one costs nothing.
 * engine_poll_us 0: sleep as soon as a pass finds nothing (no adaptation).
 * Both are read at each pass.
 */
static unsigned int xibb_eng_poll_us = 500;
module_param_named(engine_poll_us, xibb_eng_poll_us, uint, 0644);
MODULE_PARM_DESC(engine_poll_us,
		 "data engine polling time after the last work, microseconds, lower bound (default 500)");

static unsigned int xibb_eng_poll_max_us = 8000;
module_param_named(engine_poll_max_us, xibb_eng_poll_max_us, uint, 0644);
MODULE_PARM_DESC(engine_poll_max_us,
		 "data engine polling time, upper bound of the adaptation, microseconds (default 8000)");

/*
 * WQEs, and separately completions, one guest's engine handles per pass
 * before it yields the CPU (cond_resched()); default 64, at least 1.
 * Read at each pass.
 */
static unsigned int xibb_eng_budget = 64;
module_param_named(engine_budget, xibb_eng_budget, uint, 0644);
MODULE_PARM_DESC(engine_budget,
		 "WQEs and completions per guest per engine pass (default 64)");

/*
 * Doorbell bits and contexts one guest's engine examines per pass, at
 * least 64 (a word of bits): the scan of the doorbell pages is bounded
 * whatever a guest writes there (every bit of thousands of contexts set
 * and post_seq moving, with nothing queued).  A scan cut short resumes at
 * the next pass where it stopped.  0: no bound (for comparison only).
 * Read at each pass.
 */
static unsigned int xibb_eng_scan_budget = 1024;
module_param_named(engine_scan_budget, xibb_eng_scan_budget, uint, 0644);
MODULE_PARM_DESC(engine_scan_budget,
		 "doorbell bits and contexts examined per guest per engine pass (default 1024, 0: no bound)");

/*
 * Largest inline send offered to guests, in octets; default 512, at most
 * what a 2 KiB send slot holds (1984).  Probed against the real device
 * when a guest connects, halving until the device accepts it; 0 offers
 * no inline sends.
 */
static unsigned int xibb_eng_max_inline = 512;
module_param_named(max_inline, xibb_eng_max_inline, uint, 0644);
MODULE_PARM_DESC(max_inline,
		 "largest inline send offered to guests, octets (default 512)");

/* xibb_engine.flags */
#define XIBB_ENG_WAKE		0	/* a kick or a completion arrived */
#define XIBB_ENG_EOI		1	/* the data channel waits for its EOI */

/* Nap between empty passes while polling: a 64th of the window, bounded. */
#define XIBB_ENG_NAP_MIN_US	20
#define XIBB_ENG_NAP_MAX_US	125

/* Completions polled from a shadow CQ at once. */
#define XIBB_ENG_WC_BATCH	16

/* SGEs of the largest send slot (receive slots hold fewer). */
#define XIBB_ENG_MAX_SGE						\
	((BIT(XENIB_SQ_WQE_SHIFT_MAX) - XENIB_SEND_WQE_HDR_SIZE) /	\
	 XENIB_SGE_SIZE)

/* Inline octets of the largest send slot. */
#define XIBB_ENG_MAX_INLINE						\
	(BIT(XENIB_SQ_WQE_SHIFT_MAX) - XENIB_SEND_WQE_HDR_SIZE)

/* The kernel wr_id (see above). */
#define XIBB_WRID_Q_SHIFT	30
#define XIBB_WRID_SEQ_MASK	(BIT(XIBB_WRID_Q_SHIFT) - 1)
#define XIBB_Q_SQ		0
#define XIBB_Q_RQ		1
#define XIBB_Q_SRQ		2

/* The wire numbers are the kernel's (xenib-abi.h: ibverbs numbers). */
static_assert(XENIB_WR_RDMA_WRITE == IB_WR_RDMA_WRITE);
static_assert(XENIB_WR_RDMA_WRITE_WITH_IMM == IB_WR_RDMA_WRITE_WITH_IMM);
static_assert(XENIB_WR_SEND == IB_WR_SEND);
static_assert(XENIB_WR_SEND_WITH_IMM == IB_WR_SEND_WITH_IMM);
static_assert(XENIB_WR_RDMA_READ == IB_WR_RDMA_READ);
static_assert(XENIB_WR_ATOMIC_CMP_AND_SWP == IB_WR_ATOMIC_CMP_AND_SWP);
static_assert(XENIB_WR_ATOMIC_FETCH_AND_ADD == IB_WR_ATOMIC_FETCH_AND_ADD);
static_assert(XENIB_SEND_FENCE == IB_SEND_FENCE);
static_assert(XENIB_SEND_SIGNALED == IB_SEND_SIGNALED);
static_assert(XENIB_SEND_SOLICITED == IB_SEND_SOLICITED);
static_assert(XENIB_SEND_INLINE == IB_SEND_INLINE);
static_assert(XENIB_WC_SUCCESS == IB_WC_SUCCESS);
static_assert(XENIB_WC_WR_FLUSH_ERR == IB_WC_WR_FLUSH_ERR);
static_assert(XENIB_WC_FATAL_ERR == IB_WC_FATAL_ERR);
static_assert(XENIB_WC_RESP_TIMEOUT_ERR == IB_WC_RESP_TIMEOUT_ERR);
static_assert(XENIB_WC_GENERAL_ERR == IB_WC_GENERAL_ERR);
static_assert(XENIB_WC_RECV == IB_WC_RECV);
static_assert(XENIB_WC_RECV_RDMA_WITH_IMM == IB_WC_RECV_RDMA_WITH_IMM);

/**
 * struct xibb_eng_scratch - the engine thread's private memory
 * @wqe: private copy of one WQE
 * @sge: the copy's SGEs for the device
 * @send: a send work request
 * @send.wr: generic
 * @send.rdma: RDMA READ/WRITE
 * @send.atomic: atomics
 * @send.ud: UD sends
 * @recv: a receive work request
 * @wc: completions polled from a shadow CQ
 * @qattr: for ib_query_qp()/ib_modify_qp()
 * @qinit: for ib_query_qp()
 */
struct xibb_eng_scratch {
	u8 wqe[BIT(XENIB_SQ_WQE_SHIFT_MAX)] __aligned(8);
	struct ib_sge sge[XIBB_ENG_MAX_SGE];
	union {
		struct ib_send_wr wr;
		struct ib_rdma_wr rdma;
		struct ib_atomic_wr atomic;
		struct ib_ud_wr ud;
	} send;
	struct ib_recv_wr recv;
	struct ib_wc wc[XIBB_ENG_WC_BATCH];
	struct ib_qp_attr qattr;
	struct ib_qp_init_attr qinit;
};

static u64 xibb_wrid(u32 tag, u32 queue, u32 seq)
{
	return (u64)tag << 32 | (u64)queue << XIBB_WRID_Q_SHIFT |
	       (seq & XIBB_WRID_SEQ_MASK);
}

/* A CQE slot (CQEs never cross a page: 64-octet aligned). */
static void *xibb_eng_slot(struct xibb_gmap *buf, u32 idx, u8 log_nslots,
			   u8 shift)
{
	return xibb_gmap_ptr(buf, xenib_queue_slot_offset(idx, log_nslots,
							  shift));
}

static void xibb_eng_wake(struct xibb_engine *eng)
{
	set_bit(XIBB_ENG_WAKE, &eng->flags);
	wake_up(&eng->wq);
}

/* The completion opcode of a send opcode (checked below XENIB_WR_COUNT). */
static u8 xibb_wc_opcode(u8 wr_opcode)
{
	switch (wr_opcode) {
	case XENIB_WR_RDMA_WRITE:
	case XENIB_WR_RDMA_WRITE_WITH_IMM:
		return XENIB_WC_RDMA_WRITE;
	case XENIB_WR_RDMA_READ:
		return XENIB_WC_RDMA_READ;
	case XENIB_WR_ATOMIC_CMP_AND_SWP:
		return XENIB_WC_COMP_SWAP;
	case XENIB_WR_ATOMIC_FETCH_AND_ADD:
		return XENIB_WC_FETCH_ADD;
	default:
		return XENIB_WC_SEND;
	}
}

/* ------------------------------------------------------------------------
 * CQ rings: the engine is the producer, the guest is hostile
 */

/* Puts a CQ in error (once): header, CQ_ERR event. */
static void xibb_eng_cq_fail(struct xibb_guest *guest, struct xibb_cq *cq,
			     u32 reason)
{
	struct xenib_queue_hdr *hdr = cq->buf.vaddr;

	if (cq->eng.failed)
		return;
	cq->eng.failed = true;
	/* After the CQEs written so far; pairs with userlib's read. */
	smp_store_release(&hdr->error, reason);
	atomic64_inc(&guest->stats.queue_errors);
	xibb_err(guest, "CQ %#x in error (%s)\n", cq->obj.handle,
		 reason == XENIB_QERR_OVERFLOW ? "overrun" : "bad cons");
	xibb_event_post(guest, XEN_VIBIF_EVT_CQ_ERR, XEN_VIBIF_IBEV_CQ_ERR,
			cq->obj.handle, 0);
}

/* Is a slot free?  Reads the guest's cons only when the ring looks full. */
static bool xibb_eng_cq_room(struct xibb_guest *guest, struct xibb_cq *cq)
{
	struct xenib_queue_hdr *hdr = cq->buf.vaddr;
	struct xibb_cq_eng *e = &cq->eng;
	u32 n = BIT(cq->log_nslots), cons;

	if (!xenib_ring_full(e->prod, e->cons, n))
		return true;
	/* [P0]: pairs with userlib's [C2]; the slots were copied out. */
	cons = smp_load_acquire(&hdr->cons);
	if (!xenib_ring_cons_valid(cons, e->cons, e->prod)) {
		xibb_eng_cq_fail(guest, cq, XENIB_QERR_BAD_INDEX);
		return false;
	}
	e->cons = cons;
	if (!xenib_ring_full(e->prod, e->cons, n))
		return true;
	xibb_eng_cq_fail(guest, cq, XENIB_QERR_OVERFLOW);
	return false;
}

/* Writes one CQE into the guest's ring (published by xibb_eng_cq_publish). */
static void xibb_eng_cq_push(struct xibb_guest *guest, struct xibb_cq *cq,
			     const struct xenib_cqe *cqe)
{
	struct xenib_queue_hdr *hdr = cq->buf.vaddr;
	struct xibb_cq_eng *e = &cq->eng;

	if (e->failed || !xibb_eng_cq_room(guest, cq)) {
		e->overflow++;
		WRITE_ONCE(hdr->overflow, e->overflow);
		return;
	}
	memcpy(xibb_eng_slot(&cq->buf, e->prod, cq->log_nslots,
			     XENIB_CQE_SHIFT), cqe, sizeof(*cqe));
	e->prod++;
	e->new = true;
	/* The kernel's ib_wc carries no solicited bit: see docs/engine.md. */
	if (cqe->status != XENIB_WC_SUCCESS || (cqe->opcode & XENIB_WC_RECV))
		e->sol = true;
	atomic64_inc(&guest->stats.cqes);
}

/* Publishes the CQEs written, then raises COMP if the guest armed the CQ. */
static void xibb_eng_cq_publish(struct xibb_guest *guest, struct xibb_cq *cq)
{
	struct xenib_queue_hdr *hdr = cq->buf.vaddr;
	struct xibb_cq_eng *e = &cq->eng;
	bool sol = e->sol;
	u32 seq, flags;

	if (!e->new)
		return;
	e->new = false;
	e->sol = false;
	/* [P1]: the CQEs before prod; pairs with userlib's [C1]. */
	smp_store_release(&hdr->prod, e->prod);
	/* [A2]: prod before arm_seq; pairs with userlib's [A1]. */
	smp_mb();
	/* arm_flags after arm_seq; pairs with userlib's release of arm_seq. */
	seq = smp_load_acquire(&hdr->arm_seq);
	if (seq == e->arm_ack)
		return;
	flags = READ_ONCE(hdr->arm_flags);
	if (!(flags & XENIB_CQ_ARM_NEXT) &&
	    !((flags & XENIB_CQ_ARM_SOLICITED) && sol))
		return;
	/* A dropped event leaves the CQ armed: the next CQE retries. */
	if (!xibb_event_post(guest, XEN_VIBIF_EVT_COMP, 0, cq->obj.handle, seq))
		return;
	e->arm_ack = seq;
	/* After the event; userlib only compares it with arm_seq. */
	smp_store_release(&hdr->arm_ack, seq);
}

/* ------------------------------------------------------------------------
 * Completions: shadow CQ -> guest CQ
 */

static struct xibb_qp *xibb_eng_qp_find(struct xibb_engine *eng,
					const struct ib_qp *ibqp)
{
	struct xibb_qp *qp;

	/* Compares pointers only: a destroyed QP's ib_qp is never read. */
	hash_for_each_possible(eng->qps, qp, eng_hnode, (unsigned long)ibqp)
		if (qp->qp == ibqp)
			return qp;
	return NULL;
}

/* Finds a live SRQ by tag (the owner field of a kernel wr_id). */
static struct xibb_srq *xibb_eng_srq_find(struct xibb_engine *eng, u32 tag)
{
	struct xibb_srq *srq;

	hash_for_each_possible(eng->srqs, srq, eng_hnode, tag)
		if (srq->eng_tag == tag)
			return srq;
	return NULL;
}

/*
 * A tag for a new QP or SRQ: the next of the guest's counter that is not
 * 0 and no live SRQ's (there are at most quota.srq of them).
 */
static u32 xibb_eng_new_tag(struct xibb_engine *eng)
{
	u32 tag;

	do
		tag = ++eng->next_tag;
	while (!tag || xibb_eng_srq_find(eng, tag));
	return tag;
}

/* A completion as a CQE. */
static void xibb_eng_wc_to_cqe(const struct ib_wc *wc, struct xibb_qp *qp,
			       u64 wr_id, u8 opcode, struct xenib_cqe *c)
{
	u16 f = 0;

	memset(c, 0, sizeof(*c));
	c->wr_id = wr_id;
	c->status = (u32)wc->status < XENIB_WC_STATUS_COUNT ?
		    wc->status : XENIB_WC_GENERAL_ERR;
	c->opcode = opcode;
	c->vendor_err = wc->vendor_err;
	c->qp_num = qp->qp->qp_num & XEN_VIBIF_QPN_MASK;
	c->port_num = 1;
	if (wc->status != IB_WC_SUCCESS)
		return;
	c->byte_len = wc->byte_len;
	c->src_qp = wc->src_qp & XEN_VIBIF_QPN_MASK;
	c->pkey_index = wc->pkey_index;
	c->slid = (u16)wc->slid;
	c->sl = wc->sl;
	c->dlid_path_bits = wc->dlid_path_bits;
	if (wc->wc_flags & IB_WC_GRH)
		f |= XENIB_WC_F_GRH;
	if (wc->wc_flags & IB_WC_WITH_IMM) {
		f |= XENIB_WC_F_WITH_IMM;
		c->imm_data = wc->ex.imm_data;
	}
	if (wc->wc_flags & IB_WC_IP_CSUM_OK)
		f |= XENIB_WC_F_IP_CSUM_OK;
	if (wc->wc_flags & IB_WC_WITH_SMAC) {
		f |= XENIB_WC_F_WITH_SMAC;
		memcpy(c->smac, wc->smac, sizeof(c->smac));
	}
	if (wc->wc_flags & IB_WC_WITH_VLAN) {
		f |= XENIB_WC_F_WITH_VLAN;
		c->vlan_id = wc->vlan_id;
	}
	if (wc->wc_flags & IB_WC_WITH_NETWORK_HDR_TYPE) {
		f |= XENIB_WC_F_WITH_NETWORK_HDR_TYPE;
		c->network_hdr_type = wc->network_hdr_type;
	}
	c->wc_flags = f;
}

static u8 xibb_eng_recv_opcode(const struct ib_wc *wc)
{
	return wc->status == IB_WC_SUCCESS &&
	       wc->opcode == IB_WC_RECV_RDMA_WITH_IMM ?
	       XENIB_WC_RECV_RDMA_WITH_IMM : XENIB_WC_RECV;
}

static void xibb_eng_again_qp(struct xibb_engine *eng, struct xibb_qp *qp)
{
	if (list_empty(&qp->eng_again))
		list_add_tail(&qp->eng_again, &eng->again_qps);
}

static void xibb_eng_again_srq(struct xibb_engine *eng, struct xibb_srq *srq)
{
	if (list_empty(&srq->eng_again))
		list_add_tail(&srq->eng_again, &eng->again_srqs);
}

/* Retires SQ/RQ WQEs up to the completed one; false for a foreign seq. */
static bool xibb_eng_wq_done(struct xibb_guest *guest, struct xibb_cq *cq,
			     struct xibb_qp *qp, struct xibb_wq_eng *e,
			     const struct ib_wc *wc, u32 seq, bool recv)
{
	u32 d = (seq - e->tail) & XIBB_WRID_SEQ_MASK;
	struct xibb_wr_slot *slot;
	struct xenib_cqe cqe;

	if (d >= e->head - e->tail)
		return false;
	slot = &e->slots[(e->tail + d) & e->mask];
	e->tail += d + 1;
	xibb_eng_wc_to_cqe(wc, qp, slot->wr_id,
			   recv ? xibb_eng_recv_opcode(wc) : slot->opcode, &cqe);
	xibb_eng_cq_push(guest, cq, &cqe);
	if (e->blocked) {
		e->blocked = false;
		xibb_eng_again_qp(&guest->eng, qp);
	}
	return true;
}

/* Retires one SRQ slot; false for a foreign slot. */
static bool xibb_eng_srq_done(struct xibb_guest *guest, struct xibb_cq *cq,
			      struct xibb_qp *qp, const struct ib_wc *wc,
			      u32 tag, u32 idx)
{
	struct xibb_srq *srq = xibb_eng_srq_find(&guest->eng, tag);
	struct xibb_wr_slot *slot;
	struct xenib_cqe cqe;

	if (!srq || idx >= srq->eng_nslots || !srq->eng_slots[idx].busy)
		return false;
	slot = &srq->eng_slots[idx];
	slot->busy = 0;
	srq->eng_free[srq->eng_nfree++] = idx;
	if (srq->eng_blocked) {
		srq->eng_blocked = false;
		xibb_eng_again_srq(&guest->eng, srq);
	}
	/* The QP may be gone; the slot is free again all the same. */
	if (!qp || qp->srq != srq || qp->recv_cq != cq)
		return true;
	xibb_eng_wc_to_cqe(wc, qp, slot->wr_id, xibb_eng_recv_opcode(wc),
			   &cqe);
	xibb_eng_cq_push(guest, cq, &cqe);
	return true;
}

static void xibb_eng_wc(struct xibb_guest *guest, struct xibb_cq *cq,
			const struct ib_wc *wc)
{
	struct xibb_qp *qp = xibb_eng_qp_find(&guest->eng, wc->qp);
	u32 tag = wc->wr_id >> 32;
	u32 queue = (wc->wr_id >> XIBB_WRID_Q_SHIFT) & 3;
	u32 seq = wc->wr_id & XIBB_WRID_SEQ_MASK;
	bool ok = false;

	if (queue == XIBB_Q_SRQ) {
		ok = xibb_eng_srq_done(guest, cq, qp, wc, tag, seq);
	} else if (!qp) {
		return;		/* what a destroyed QP left in the CQ */
	} else if (tag != qp->eng_tag) {
		ok = false;
	} else if (queue == XIBB_Q_SQ && cq == qp->send_cq) {
		ok = xibb_eng_wq_done(guest, cq, qp, &qp->eng_sq, wc, seq,
				      false);
	} else if (queue == XIBB_Q_RQ && cq == qp->recv_cq && !qp->srq) {
		ok = xibb_eng_wq_done(guest, cq, qp, &qp->eng_rq, wc, seq,
				      true);
	}
	if (!ok)
		xibb_err(guest, "dropped a completion with unknown wr_id %#llx\n",
			 (unsigned long long)wc->wr_id);
}

/*
 * Polls one shadow CQ within @budget.  Returns the completions handled;
 * sets *@more if the CQ must be polled again.
 */
static u32 xibb_eng_cq(struct xibb_guest *guest, struct xibb_cq *cq,
		       u32 budget, bool *more)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;
	u32 total = 0, want;
	int k, i;

	for (;;) {
		want = min_t(u32, XIBB_ENG_WC_BATCH, budget - total);
		if (!want) {
			*more = true;
			break;
		}
		k = ib_poll_cq(cq->cq, want, s->wc);
		for (i = 0; i < k; i++)
			xibb_eng_wc(guest, cq, &s->wc[i]);
		if (k > 0)
			total += k;
		if (k < (int)want) {
			/* Drained: re-arm; a completion that raced is missed. */
			if (ib_req_notify_cq(cq->cq, IB_CQ_NEXT_COMP |
					     IB_CQ_REPORT_MISSED_EVENTS) > 0)
				*more = true;
			break;
		}
	}
	xibb_eng_cq_publish(guest, cq);
	return total;
}

/* ------------------------------------------------------------------------
 * Work queues: guest SQ/RQ/SRQ -> shadow
 */

static void xibb_eng_queue_error(struct xibb_guest *guest,
				 struct xenib_queue_hdr *hdr, u32 reason)
{
	/* After the cons stored so far; pairs with userlib's read. */
	smp_store_release(&hdr->error, reason);
	atomic64_inc(&guest->stats.queue_errors);
}

/*
 * The guest corrupted a send or receive queue: stop consuming it, put the
 * shadow QP in error (which flushes what it holds, and what the other
 * queue still posts) and tell the guest.
 */
static void xibb_eng_qp_fail(struct xibb_guest *guest, struct xibb_qp *qp,
			     struct xibb_wq_eng *e,
			     struct xenib_queue_hdr *hdr, u32 reason)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;

	e->failed = true;
	e->blocked = false;
	xibb_eng_queue_error(guest, hdr, reason);
	xibb_err(guest, "QP %#x: %s in its %s, queue in error\n",
		 qp->obj.handle,
		 reason == XENIB_QERR_BAD_INDEX ? "bad prod" : "bad WQE",
		 e == &qp->eng_sq ? "SQ" : "RQ");
	memset(&s->qattr, 0, sizeof(s->qattr));
	s->qattr.qp_state = IB_QPS_ERR;
	ib_modify_qp(qp->qp, &s->qattr, IB_QP_STATE);
	xibb_event_post(guest, XEN_VIBIF_EVT_QP_EVENT, XEN_VIBIF_IBEV_QP_FATAL,
			qp->obj.handle, 0);
}

/* Status of a WQE the shadow refused to take. */
static u8 xibb_eng_post_status(struct xibb_guest *guest, struct xibb_qp *qp)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;

	if (!ib_query_qp(qp->qp, &s->qattr, IB_QP_STATE, &s->qinit) &&
	    (s->qattr.qp_state == IB_QPS_ERR ||
	     s->qattr.qp_state == IB_QPS_RESET))
		return XENIB_WC_WR_FLUSH_ERR;
	return XENIB_WC_LOC_QP_OP_ERR;
}

/*
 * The shadow refused a WQE (QP not ready, unknown AH, ...).  The guest
 * already thinks it posted, so it gets an error CQE, but only once every
 * earlier WQE that will produce a completion has completed, so that CQEs
 * stay in order: until then the queue waits (-EAGAIN) and the post is
 * retried.  Earlier unsignaled sends produce none when they succeed, so
 * they are not waited for (they would hold the queue for ever: issue #10,
 * hole 6); one of them that fails after this error CQE was written is
 * reported after it.
 */
static int xibb_eng_post_failed(struct xibb_guest *guest, struct xibb_qp *qp,
				struct xibb_wq_eng *e, struct xibb_cq *cq,
				u64 wr_id, u8 opcode, int err)
{
	struct xenib_cqe cqe = {};

	if ((s32)(e->sig_end - e->tail) > 0)
		return -EAGAIN;
	cqe.wr_id = wr_id;
	cqe.status = xibb_eng_post_status(guest, qp);
	cqe.opcode = opcode;
	cqe.qp_num = qp->qp->qp_num & XEN_VIBIF_QPN_MASK;
	cqe.port_num = 1;
	xibb_eng_cq_push(guest, cq, &cqe);
	xibb_eng_cq_publish(guest, cq);
	atomic64_inc(&guest->stats.wqe_errors);
	xibb_dbg(guest, "QP %#x: post failed (%d), completed with status %u\n",
		 qp->obj.handle, err, cqe.status);
	return 0;
}

/* The AH a UD WQE names: live, of this guest, in the QP's PD. */
static struct xibb_ah *xibb_eng_ah(struct xibb_guest *guest,
				   struct xibb_qp *qp, u32 handle)
{
	struct xibb_obj *obj;
	struct xibb_ah *ah;

	obj = xibb_obj_find_engine(guest, handle, XIBB_KIND_AH);
	if (!obj)
		return NULL;
	ah = container_of(obj, struct xibb_ah, obj);
	return ah->pd == qp->pd ? ah : NULL;
}

/*
 * Copies the SGEs of the private WQE copy at @base for the device.  An
 * SGE may name only a key the guest registered in the queue's PD @pd
 * (guest->lkeys, one xarray lookup per SGE).  Any other key, such as the
 * shadow PD's local DMA lkey (valid for every address of this domain),
 * another guest's key, a stale or a forged one, is replaced by the poison
 * key (xibb_guest_attach_device()): the device then refuses the SGE as it
 * refuses any bad key, in the queue's order and with its own completion
 * status, and the QP goes to error as on a native device.  The guest's
 * address is dropped with the key.
 */
static void xibb_eng_sges(struct xibb_guest *guest, const struct xibb_pd *pd,
			  struct xibb_eng_scratch *s, const u8 *base, u32 n)
{
	struct xenib_sge sge;
	struct xibb_mr *mr;
	u32 i;

	for (i = 0; i < n; i++) {
		memcpy(&sge, base + i * XENIB_SGE_SIZE, sizeof(sge));
		s->sge[i].length = sge.length;
		mr = xa_load(&guest->lkeys, sge.lkey);
		if (likely(mr && mr->pd == pd)) {
			s->sge[i].addr = sge.addr;
			s->sge[i].lkey = sge.lkey;
			continue;
		}
		s->sge[i].addr = 0;
		s->sge[i].lkey = guest->poison_mr->lkey;
		atomic64_inc(&guest->stats.bad_keys);
	}
}

/* Posts the checked send WQE in the scratch copy. */
static int xibb_eng_post_send(struct xibb_guest *guest, struct xibb_qp *qp)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;
	const struct xenib_send_wqe *w = (const void *)s->wqe;
	const u8 *data = s->wqe + XENIB_SEND_WQE_HDR_SIZE;
	struct ib_send_wr *wr = &s->send.wr;
	struct xibb_wq_eng *e = &qp->eng_sq;
	struct xibb_wr_slot *slot;
	const struct ib_send_wr *bad;
	struct xibb_ah *ah;
	int err;

	memset(&s->send, 0, sizeof(s->send));
	wr->wr_id = xibb_wrid(qp->eng_tag, XIBB_Q_SQ, e->head);
	wr->opcode = w->opcode;
	wr->send_flags = w->send_flags & (XENIB_SEND_FENCE |
					  XENIB_SEND_SIGNALED |
					  XENIB_SEND_SOLICITED);
	wr->sg_list = s->sge;
	if (w->send_flags & XENIB_SEND_INLINE) {
		/* The device copies inline data from here while posting. */
		wr->send_flags |= IB_SEND_INLINE;
		if (w->inline_len) {
			s->sge[0].addr = (uintptr_t)data;
			s->sge[0].length = w->inline_len;
			s->sge[0].lkey = 0;
			wr->num_sge = 1;
		}
	} else {
		xibb_eng_sges(guest, qp->pd, s, data, w->num_sge);
		wr->num_sge = w->num_sge;
	}
	if (w->opcode == XENIB_WR_SEND_WITH_IMM ||
	    w->opcode == XENIB_WR_RDMA_WRITE_WITH_IMM)
		wr->ex.imm_data = w->imm_data;

	switch (w->opcode) {
	case XENIB_WR_RDMA_WRITE:
	case XENIB_WR_RDMA_WRITE_WITH_IMM:
	case XENIB_WR_RDMA_READ:
		s->send.rdma.remote_addr = w->wr.rdma.remote_addr;
		s->send.rdma.rkey = w->wr.rdma.rkey;
		break;
	case XENIB_WR_ATOMIC_CMP_AND_SWP:
	case XENIB_WR_ATOMIC_FETCH_AND_ADD:
		s->send.atomic.remote_addr = w->wr.atomic.remote_addr;
		s->send.atomic.compare_add = w->wr.atomic.compare_add;
		s->send.atomic.swap = w->wr.atomic.swap;
		s->send.atomic.rkey = w->wr.atomic.rkey;
		break;
	default:
		if (qp->qp_type != XEN_VIBIF_QPT_UD)
			break;
		ah = xibb_eng_ah(guest, qp, w->wr.ud.ah);
		/* Privileged Q_Keys are refused, as in MODIFY_QP. */
		if (!ah || (w->wr.ud.remote_qkey & XIBB_QKEY_PRIVILEGED)) {
			err = -EINVAL;
			goto err_post;
		}
		s->send.ud.ah = ah->ah;
		s->send.ud.remote_qpn = w->wr.ud.remote_qpn;
		s->send.ud.remote_qkey = w->wr.ud.remote_qkey;
		break;
	}

	slot = &e->slots[e->head & e->mask];
	slot->wr_id = w->wr_id;
	slot->opcode = xibb_wc_opcode(w->opcode);
	err = ib_post_send(qp->qp, wr, &bad);
	if (err)
		goto err_post;
	e->head++;
	if (qp->sq_sig_all || (wr->send_flags & IB_SEND_SIGNALED))
		e->sig_end = e->head;
	atomic64_inc(&guest->stats.wqes);
	return 0;

err_post:
	return xibb_eng_post_failed(guest, qp, e, qp->send_cq, w->wr_id,
				    xibb_wc_opcode(w->opcode), err);
}

/* Posts the checked receive WQE in the scratch copy to a QP's RQ. */
static int xibb_eng_post_recv(struct xibb_guest *guest, struct xibb_qp *qp)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;
	const struct xenib_recv_wqe *w = (const void *)s->wqe;
	struct xibb_wq_eng *e = &qp->eng_rq;
	const struct ib_recv_wr *bad;
	int err;

	memset(&s->recv, 0, sizeof(s->recv));
	s->recv.wr_id = xibb_wrid(qp->eng_tag, XIBB_Q_RQ, e->head);
	s->recv.sg_list = s->sge;
	s->recv.num_sge = w->num_sge;
	xibb_eng_sges(guest, qp->pd, s, s->wqe + XENIB_RECV_WQE_HDR_SIZE,
		      w->num_sge);
	e->slots[e->head & e->mask].wr_id = w->wr_id;
	err = ib_post_recv(qp->qp, &s->recv, &bad);
	if (err)
		return xibb_eng_post_failed(guest, qp, e, qp->recv_cq, w->wr_id,
					    XENIB_WC_RECV, err);
	e->head++;
	e->sig_end = e->head;
	atomic64_inc(&guest->stats.wqes);
	return 0;
}

/*
 * Copies the WQE at @idx into the scratch: the header first, then only
 * the SGEs or inline octets it announces (within the slot).  Returns the
 * octets copied, for the checker.
 */
static u32 xibb_eng_copy_wqe(struct xibb_eng_scratch *s, struct xibb_gmap *buf,
			     u32 idx, u8 log_nslots, u8 shift, bool send)
{
	size_t off = xenib_queue_slot_offset(idx, log_nslots, shift);
	u32 slot = BIT(shift), hdr, len;

	if (send) {
		const struct xenib_send_wqe *w = (const void *)s->wqe;

		hdr = XENIB_SEND_WQE_HDR_SIZE;
		xibb_gmap_read(buf, off, s->wqe, hdr);
		barrier();	/* use only the copy of the header */
		len = hdr + (w->send_flags & XENIB_SEND_INLINE ?
			     w->inline_len : w->num_sge * XENIB_SGE_SIZE);
	} else {
		const struct xenib_recv_wqe *w = (const void *)s->wqe;

		hdr = XENIB_RECV_WQE_HDR_SIZE;
		xibb_gmap_read(buf, off, s->wqe, hdr);
		barrier();
		len = hdr + w->num_sge * XENIB_SGE_SIZE;
	}
	len = min(len, slot);
	/* A slot of 512 octets or more may cross a page. */
	xibb_gmap_read(buf, off + hdr, s->wqe + hdr, len - hdr);
	/* Check and use only the private copy. */
	barrier();
	return len;
}

/*
 * Consumes one of a QP's work queues (@send: the SQ, else the RQ) within
 * *@budget: read prod once, bound it, copy each WQE, check the private
 * copy, post it on the shadow QP, then publish cons.
 */
static u32 xibb_eng_wq(struct xibb_guest *guest, struct xibb_qp *qp,
		       u32 *budget, bool send)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;
	struct xibb_gmap *q = send ? &qp->sq : &qp->rq;
	struct xenib_queue_hdr *hdr = q->vaddr;
	struct xibb_wq_eng *e = send ? &qp->eng_sq : &qp->eng_rq;
	u32 log_nslots = send ? qp->sq_log_nslots : qp->rq_log_nslots;
	u32 wqe_shift = send ? qp->sq_wqe_shift : qp->rq_wqe_shift;
	struct xenib_sq_params sp = {
		.qp_type = qp->qp_type,
		.wqe_shift = qp->sq_wqe_shift,
		.max_sge = qp->cap.max_send_sge,
		.max_inline = qp->cap.max_inline_data,
	};
	struct xenib_rq_params rp = {
		.wqe_shift = qp->rq_wqe_shift,
		.max_sge = qp->cap.max_recv_sge,
	};
	u32 prod, len, done = 0;
	int err;

	if ((!send && qp->srq) || e->failed || e->blocked)
		return 0;
	/* [C1]: the WQEs after prod; pairs with userlib's [P1]. */
	prod = smp_load_acquire(&hdr->prod);
	if (!xenib_ring_prod_valid(prod, e->cons, BIT(log_nslots))) {
		xibb_eng_qp_fail(guest, qp, e, hdr, XENIB_QERR_BAD_INDEX);
		return 0;
	}
	while (e->cons != prod) {
		if (!*budget) {
			xibb_eng_again_qp(&guest->eng, qp);
			break;
		}
		if (e->head - e->tail >= e->max_inflight) {
			e->blocked = true;
			break;
		}
		len = xibb_eng_copy_wqe(s, q, e->cons, log_nslots, wqe_shift,
					send);
		err = send ? xenib_send_wqe_check(s->wqe, len, &sp) :
			     xenib_recv_wqe_check(s->wqe, len, &rp);
		if (err) {
			xibb_eng_qp_fail(guest, qp, e, hdr, XENIB_QERR_BAD_WQE);
			break;
		}
		err = send ? xibb_eng_post_send(guest, qp) :
			     xibb_eng_post_recv(guest, qp);
		if (err == -EAGAIN) {
			e->blocked = true;
			break;
		}
		e->cons++;
		(*budget)--;
		done++;
	}
	if (done)
		/* [C2]: the slots were copied; pairs with userlib's [P0]. */
		smp_store_release(&hdr->cons, e->cons);
	return done;
}

/* The guest corrupted an SRQ, or the shadow refused a WQE. */
static void xibb_eng_srq_fail(struct xibb_guest *guest, struct xibb_srq *srq,
			      u32 reason)
{
	srq->eng_failed = true;
	srq->eng_blocked = false;
	xibb_eng_queue_error(guest, srq->buf.vaddr, reason);
	xibb_err(guest, "SRQ %#x in error (reason %u)\n", srq->obj.handle,
		 reason);
	xibb_event_post(guest, XEN_VIBIF_EVT_SRQ_EVENT, XEN_VIBIF_IBEV_SRQ_ERR,
			srq->obj.handle, 0);
}

/* Consumes an SRQ within *@budget. */
static u32 xibb_eng_srq(struct xibb_guest *guest, struct xibb_srq *srq,
			u32 *budget)
{
	struct xibb_eng_scratch *s = guest->eng.scratch;
	struct xenib_queue_hdr *hdr = srq->buf.vaddr;
	const struct xenib_recv_wqe *w = (const void *)s->wqe;
	struct xenib_rq_params p = {
		.wqe_shift = srq->wqe_shift,
		.max_sge = srq->max_sge,
	};
	const struct ib_recv_wr *bad;
	u32 prod, len, idx, done = 0;

	if (!srq->eng_live || srq->eng_failed || srq->eng_blocked)
		return 0;
	/* [C1], as for the SQ. */
	prod = smp_load_acquire(&hdr->prod);
	if (!xenib_ring_prod_valid(prod, srq->eng_cons, BIT(srq->log_nslots))) {
		xibb_eng_srq_fail(guest, srq, XENIB_QERR_BAD_INDEX);
		return 0;
	}
	while (srq->eng_cons != prod) {
		if (!*budget) {
			xibb_eng_again_srq(&guest->eng, srq);
			break;
		}
		if (!srq->eng_nfree) {
			srq->eng_blocked = true;
			break;
		}
		len = xibb_eng_copy_wqe(s, &srq->buf, srq->eng_cons,
					srq->log_nslots, srq->wqe_shift, false);
		if (xenib_recv_wqe_check(s->wqe, len, &p)) {
			xibb_eng_srq_fail(guest, srq, XENIB_QERR_BAD_WQE);
			break;
		}
		idx = srq->eng_free[--srq->eng_nfree];
		memset(&s->recv, 0, sizeof(s->recv));
		s->recv.wr_id = xibb_wrid(srq->eng_tag, XIBB_Q_SRQ, idx);
		s->recv.sg_list = s->sge;
		s->recv.num_sge = w->num_sge;
		xibb_eng_sges(guest, srq->pd, s,
			      s->wqe + XENIB_RECV_WQE_HDR_SIZE, w->num_sge);
		srq->eng_slots[idx].wr_id = w->wr_id;
		srq->eng_slots[idx].busy = 1;
		if (ib_post_srq_recv(srq->srq, &s->recv, &bad)) {
			srq->eng_slots[idx].busy = 0;
			srq->eng_free[srq->eng_nfree++] = idx;
			xibb_eng_srq_fail(guest, srq, XENIB_QERR_DEVICE);
			break;
		}
		atomic64_inc(&guest->stats.wqes);
		srq->eng_cons++;
		(*budget)--;
		done++;
	}
	if (done)
		/* [C2], as for the SQ. */
		smp_store_release(&hdr->cons, srq->eng_cons);
	return done;
}

/* Runs a QP's queues; with no budget left it goes on the again list. */
static u32 xibb_eng_qp(struct xibb_guest *guest, struct xibb_qp *qp,
		       u32 *budget)
{
	u32 done;

	if (!qp->eng_live)
		return 0;
	if (!*budget) {
		xibb_eng_again_qp(&guest->eng, qp);
		return 0;
	}
	done = xibb_eng_wq(guest, qp, budget, true);
	return done + xibb_eng_wq(guest, qp, budget, false);
}

/*
 * Looks at one context's doorbell page, from the word where the last scan
 * of it stopped.  Each context and each set bit costs one unit of *@scan;
 * the scan stops at a word boundary when *@scan runs out (at most 63 units
 * over).  Returns true if the page was scanned to its end.
 */
static bool xibb_eng_uc(struct xibb_guest *guest, struct xibb_ucontext *uc,
			u32 *budget, u32 *scan, u32 *done)
{
	struct xenib_db_page *db = uc->db;
	struct xibb_obj *obj;
	u32 seq, w, n;
	u64 bits;

	if (*scan)
		(*scan)--;
	/* Nothing posted since the last look: O(1), whatever the QPs. */
	seq = smp_load_acquire(&db->post_seq);
	if (seq == uc->eng_seq && !uc->eng_cut)
		return true;
	uc->eng_seq = seq;
	uc->eng_cut = false;
	for (w = uc->eng_word; w < XENIB_DB_WORDS; w++) {
		if (!READ_ONCE(db->dirty[w]))
			continue;
		if (!*scan) {
			/* Resume here; the next pass looks again. */
			uc->eng_word = w;
			uc->eng_cut = true;
			return false;
		}
		/* Full barrier: the bit, then prod; pairs with [U1]/[U2]. */
		bits = xchg(&db->dirty[w], 0);
		n = hweight64(bits);
		*scan -= min(n, *scan);
		while (bits) {
			u32 idx = w * 64 + __ffs64(bits);

			bits &= bits - 1;
			obj = xa_load(&uc->db_xa, idx);
			if (!obj)
				continue;
			if (obj->kind == XIBB_KIND_QP) {
				*done += xibb_eng_qp(guest,
						     container_of(obj,
								  struct xibb_qp,
								  obj), budget);
			} else if (obj->kind == XIBB_KIND_SRQ) {
				struct xibb_srq *srq =
					container_of(obj, struct xibb_srq, obj);

				if (*budget)
					*done += xibb_eng_srq(guest, srq, budget);
				else if (srq->eng_live)
					xibb_eng_again_srq(&guest->eng, srq);
			}
		}
	}
	uc->eng_word = 0;
	return true;
}

/*
 * Scans the doorbell pages within the pass's scan budget, starting with
 * the context where the last cut-short scan stopped, so that every
 * context is reached however much the others hold.  Sets *@more if the
 * scan was cut short.
 */
static u32 xibb_eng_scan(struct xibb_guest *guest, u32 *budget, bool *more)
{
	u32 limit = READ_ONCE(xibb_eng_scan_budget), done = 0, scan;
	struct xibb_engine *eng = &guest->eng;
	struct xibb_ucontext *uc;

	scan = limit ? max(limit, 64U) : U32_MAX;
	list_for_each_entry(uc, &eng->ucs, eng_node) {
		if (!scan || !xibb_eng_uc(guest, uc, budget, &scan, &done)) {
			/* This one first next time. */
			list_rotate_to_front(&uc->eng_node, &eng->ucs);
			atomic64_inc(&guest->stats.scan_cut);
			*more = true;
			break;
		}
	}
	scan = (limit ? max(limit, 64U) : U32_MAX) - scan;
	/* Only this thread writes it. */
	if (scan > atomic64_read(&guest->stats.scan_max))
		atomic64_set(&guest->stats.scan_max, scan);
	return done;
}

/* ------------------------------------------------------------------------
 * The thread
 */

/*
 * One pass over a guest: completions first (they free shadow slots),
 * then queues left over or unblocked, then the doorbell pages.  Returns
 * the WQEs and completions handled; sets *@more if work is known to be
 * left.
 */
static u32 xibb_eng_pass(struct xibb_guest *guest, bool *more)
{
	struct xibb_engine *eng = &guest->eng;
	u32 budget = max(READ_ONCE(xibb_eng_budget), 1U), wqe_budget = budget;
	u32 done = 0, cq_done = 0;
	struct xibb_srq *srq;
	struct xibb_qp *qp;
	struct xibb_cq *cq;
	LIST_HEAD(list);
	bool cq_more;

	*more = false;
	spin_lock_irq(&eng->pend_lock);
	list_splice_init(&eng->pend_cqs, &list);
	spin_unlock_irq(&eng->pend_lock);
	while (!list_empty(&list)) {
		cq = list_first_entry(&list, struct xibb_cq, eng.pend);
		spin_lock_irq(&eng->pend_lock);
		list_del_init(&cq->eng.pend);
		spin_unlock_irq(&eng->pend_lock);
		cq_more = false;
		cq_done += xibb_eng_cq(guest, cq, budget - min(cq_done, budget),
				       &cq_more);
		if (cq_more) {
			spin_lock_irq(&eng->pend_lock);
			if (cq->eng.live && list_empty(&cq->eng.pend))
				list_add_tail(&cq->eng.pend, &eng->pend_cqs);
			spin_unlock_irq(&eng->pend_lock);
			*more = true;
		}
	}
	done += cq_done;

	list_splice_init(&eng->again_qps, &list);
	while (!list_empty(&list) && wqe_budget) {
		qp = list_first_entry(&list, struct xibb_qp, eng_again);
		list_del_init(&qp->eng_again);
		done += xibb_eng_qp(guest, qp, &wqe_budget);
	}
	list_splice(&list, &eng->again_qps);
	INIT_LIST_HEAD(&list);
	list_splice_init(&eng->again_srqs, &list);
	while (!list_empty(&list) && wqe_budget) {
		srq = list_first_entry(&list, struct xibb_srq, eng_again);
		list_del_init(&srq->eng_again);
		done += xibb_eng_srq(guest, srq, &wqe_budget);
	}
	list_splice(&list, &eng->again_srqs);

	done += xibb_eng_scan(guest, &wqe_budget, more);

	if (!list_empty(&eng->again_qps) || !list_empty(&eng->again_srqs))
		*more = true;
	return done;
}

/* Writes @state into every context's doorbell page. */
static void xibb_eng_set_state(struct xibb_guest *guest, u32 state)
{
	struct xibb_ucontext *uc;

	guest->eng.polling = state == XENIB_ENGINE_POLLING;
	list_for_each_entry(uc, &guest->eng.ucs, eng_node)
		WRITE_ONCE(uc->db->engine_state, state);
}

/*
 * Tells the guest the engine sleeps, then looks once more: a post that
 * raced with it either is seen here or saw IDLE and kicks.  Returns true
 * if the engine may sleep.
 */
static bool xibb_eng_go_idle(struct xibb_guest *guest)
{
	struct xibb_engine *eng = &guest->eng;
	struct xibb_ucontext *uc;
	bool busy;

	mutex_lock(&eng->lock);
	xibb_eng_set_state(guest, XENIB_ENGINE_IDLE);
	/* [B1]: IDLE before post_seq; pairs with userlib's [U2]/[U3]-[U4]. */
	smp_mb();
	busy = test_bit(XIBB_ENG_WAKE, &eng->flags) ||
	       !list_empty(&eng->again_qps) || !list_empty(&eng->again_srqs);
	list_for_each_entry(uc, &eng->ucs, eng_node)
		if (READ_ONCE(uc->db->post_seq) != uc->eng_seq)
			busy = true;
	if (busy)
		xibb_eng_set_state(guest, XENIB_ENGINE_POLLING);
	mutex_unlock(&eng->lock);
	return !busy;
}

/* A kick, a completion or kthread_stop() since the flag was cleared. */
static bool xibb_eng_woken(struct xibb_engine *eng)
{
	return test_bit(XIBB_ENG_WAKE, &eng->flags) || kthread_should_stop();
}

static int xibb_engine_thread(void *data)
{
	struct xibb_guest *guest = data;
	struct xibb_engine *eng = &guest->eng;
	ktime_t last = ktime_get(), slept;
	u32 done, lo, hi, nap;
	s64 idle_us;
	bool more;

	while (!kthread_should_stop()) {
		clear_bit(XIBB_ENG_WAKE, &eng->flags);
		mutex_lock(&eng->lock);
		done = xibb_eng_pass(guest, &more);
		mutex_unlock(&eng->lock);
		/*
		 * Kicks are throttled to one per pass by the late EOI; a kick
		 * whose pass found nothing to do is spurious, and Xen's event
		 * code then delays the next ones more and more (as netback
		 * does): a guest kicking in a loop wakes the engine about
		 * once a second, not once per kick.  Userlib kicks only an
		 * idle engine after a post, so its kicks always find work.
		 */
		if (test_and_clear_bit(XIBB_ENG_EOI, &eng->flags)) {
			if (!done && !more)
				atomic64_inc(&guest->stats.spurious_kicks);
			xen_irq_lateeoi(guest->data_irq, done || more ? 0 :
					XEN_EOI_FLAG_SPURIOUS);
		}
		if (done || more) {
			if (done)
				atomic64_inc(&guest->stats.engine_passes);
			last = ktime_get();
			cond_resched();
			continue;
		}
		lo = READ_ONCE(xibb_eng_poll_us);
		hi = max(READ_ONCE(xibb_eng_poll_max_us), lo);
		eng->poll_us = clamp(eng->poll_us, lo, hi);
		if (ktime_us_delta(ktime_get(), last) < eng->poll_us) {
			/*
			 * Nap, but a completion (or a kick) ends the nap at
			 * once; only a post that does not kick waits for it.
			 */
			nap = clamp_t(u32, eng->poll_us / 64,
				      XIBB_ENG_NAP_MIN_US, XIBB_ENG_NAP_MAX_US);
			wait_event_interruptible_hrtimeout(eng->wq,
							   xibb_eng_woken(eng),
							   ns_to_ktime((u64)nap *
								       NSEC_PER_USEC));
			continue;
		}
		if (!xibb_eng_go_idle(guest)) {
			last = ktime_get();
			continue;
		}
		atomic64_inc(&guest->stats.engine_sleeps);
		slept = ktime_get();
		wait_event_idle(eng->wq, xibb_eng_woken(eng));
		idle_us = ktime_us_delta(ktime_get(), slept);
		if (lo && idle_us < 2 * (s64)eng->poll_us)
			eng->poll_us = min(eng->poll_us * 2, hi);
		else if (idle_us > 64 * (s64)eng->poll_us)
			eng->poll_us = max(eng->poll_us / 2, lo);
		mutex_lock(&eng->lock);
		xibb_eng_set_state(guest, XENIB_ENGINE_POLLING);
		mutex_unlock(&eng->lock);
		last = ktime_get();
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Interface for the rest of the backend
 */

/**
 * xibb_engine_init() - initialise a guest's engine state
 * @guest: the guest, being allocated
 *
 * Context: process context.
 */
void xibb_engine_init(struct xibb_guest *guest)
{
	struct xibb_engine *eng = &guest->eng;

	mutex_init(&eng->lock);
	init_waitqueue_head(&eng->wq);
	spin_lock_init(&eng->pend_lock);
	INIT_LIST_HEAD(&eng->pend_cqs);
	INIT_LIST_HEAD(&eng->ucs);
	INIT_LIST_HEAD(&eng->again_qps);
	INIT_LIST_HEAD(&eng->again_srqs);
	hash_init(eng->qps);
	hash_init(eng->srqs);
}

/**
 * xibb_engine_start() - start a guest's engine thread
 * @guest: the guest, connecting, its data channel bound
 *
 * Return: 0, -ENOMEM, or the error of kthread_run().
 *
 * Context: process context, guest->lock held.
 */
int xibb_engine_start(struct xibb_guest *guest)
{
	struct xibb_engine *eng = &guest->eng;
	struct task_struct *task;

	lockdep_assert_held(&guest->lock);

	eng->scratch = kzalloc(sizeof(*eng->scratch), GFP_KERNEL);
	if (!eng->scratch)
		return -ENOMEM;
	/* A first pass; a stale EOI bit belongs to an unbound channel. */
	eng->flags = BIT(XIBB_ENG_WAKE);
	eng->polling = false;
	task = kthread_run(xibb_engine_thread, guest, "xenib-eng/%u",
			   guest->domid);
	if (IS_ERR(task)) {
		kfree(eng->scratch);
		eng->scratch = NULL;
		return PTR_ERR(task);
	}
	WRITE_ONCE(eng->task, task);
	return 0;
}

/**
 * xibb_engine_stop() - stop a guest's engine thread
 * @guest: the guest
 *
 * Waits for the thread's current pass (bounded by engine_budget), never
 * for the guest.  Idempotent.  Afterwards the engine touches no queue.
 *
 * Context: process context, guest->lock held.
 */
void xibb_engine_stop(struct xibb_guest *guest)
{
	struct xibb_engine *eng = &guest->eng;

	lockdep_assert_held(&guest->lock);

	if (!eng->task)
		return;
	kthread_stop(eng->task);
	WRITE_ONCE(eng->task, NULL);
	kfree(eng->scratch);
	eng->scratch = NULL;
}

/**
 * xibb_engine_interrupt() - event-channel-data handler: a kick
 * @irq: the guest's data irq
 * @dev_id: the guest
 *
 * Userlib kicks when it finds the engine IDLE after a post.  The late EOI
 * is sent by the engine after its next pass, so a guest that floods the
 * channel gets one interrupt per pass; without a thread (connecting or
 * disconnecting) it is sent at once, so that no EOI is ever lost.
 *
 * Return: IRQ_HANDLED.
 *
 * Context: hard irq.
 */
irqreturn_t xibb_engine_interrupt(int irq, void *dev_id)
{
	struct xibb_guest *guest = dev_id;

	atomic64_inc(&guest->stats.kicks);
	if (READ_ONCE(guest->eng.task))
		set_bit(XIBB_ENG_EOI, &guest->eng.flags);
	else
		xen_irq_lateeoi(irq, 0);
	xibb_eng_wake(&guest->eng);
	return IRQ_HANDLED;
}

/**
 * xibb_engine_lock() - take the engine lock
 * @guest: the guest
 *
 * Keeps the engine between passes: whatever the caller unlinks can no
 * longer be reached by the engine once the lock is dropped.
 *
 * Context: process context, after guest->obj_lock.
 */
void xibb_engine_lock(struct xibb_guest *guest)
{
	mutex_lock(&guest->eng.lock);
}

/**
 * xibb_engine_unlock() - drop the engine lock
 * @guest: the guest
 *
 * Context: process context.
 */
void xibb_engine_unlock(struct xibb_guest *guest)
{
	mutex_unlock(&guest->eng.lock);
}

/**
 * xibb_engine_db_erase() - erase a doorbell index of a context
 * @guest: the guest
 * @uc: the context
 * @db_index: the index
 *
 * For the error paths of CREATE_QP/CREATE_SRQ: the engine may have looked
 * the half-built object up, but not used it (it is not live yet).
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_db_erase(struct xibb_guest *guest, struct xibb_ucontext *uc,
			  u32 db_index)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	xa_erase(&uc->db_xa, db_index);
	xibb_engine_unlock(guest);
}

/**
 * xibb_engine_uc_add() - let the engine watch a context's doorbell page
 * @guest: the guest
 * @uc: the context, its page mapped
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_uc_add(struct xibb_guest *guest, struct xibb_ucontext *uc)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	uc->eng_seq = READ_ONCE(uc->db->post_seq);
	WRITE_ONCE(uc->db->engine_state, guest->eng.polling ?
		   XENIB_ENGINE_POLLING : XENIB_ENGINE_IDLE);
	list_add_tail(&uc->eng_node, &guest->eng.ucs);
	xibb_engine_unlock(guest);
}

/**
 * xibb_engine_uc_del() - stop watching a context (before its page goes)
 * @guest: the guest
 * @uc: a context xibb_engine_uc_add() took
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_uc_del(struct xibb_guest *guest, struct xibb_ucontext *uc)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	list_del_init(&uc->eng_node);
	xibb_engine_unlock(guest);
}

/* Allocates the ring of a send or receive queue of @depth WQEs. */
static int xibb_eng_wq_init(struct xibb_wq_eng *e, u32 depth)
{
	u32 size = roundup_pow_of_two(max(depth, 1U));

	memset(e, 0, sizeof(*e));
	e->slots = kvcalloc(size, sizeof(*e->slots), GFP_KERNEL);
	if (!e->slots)
		return -ENOMEM;
	e->mask = size - 1;
	e->max_inflight = depth;
	return 0;
}

/**
 * xibb_engine_qp_add() - hand a new QP to the engine
 * @guest: the guest
 * @qp: the QP, its shadow created and its capacities granted
 *
 * At most cap.max_send_wr (cap.max_recv_wr) WQEs of the guest's queue are
 * outstanding on the shadow at once; the rest wait in the guest's ring.
 *
 * Return: 0 or -ENOMEM.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_engine_qp_add(struct xibb_guest *guest, struct xibb_qp *qp)
{
	int err;

	lockdep_assert_held(&guest->obj_lock);

	err = xibb_eng_wq_init(&qp->eng_sq, qp->cap.max_send_wr);
	if (err)
		return err;
	if (!qp->srq) {
		err = xibb_eng_wq_init(&qp->eng_rq, qp->cap.max_recv_wr);
		if (err) {
			kvfree(qp->eng_sq.slots);
			qp->eng_sq.slots = NULL;
			return err;
		}
	}
	INIT_LIST_HEAD(&qp->eng_again);
	xibb_engine_lock(guest);
	qp->eng_tag = xibb_eng_new_tag(&guest->eng);
	hash_add(guest->eng.qps, &qp->eng_hnode, (unsigned long)qp->qp);
	qp->eng_live = true;
	xibb_engine_unlock(guest);
	return 0;
}

/**
 * xibb_engine_qp_del() - take a QP from the engine, before its destruction
 * @guest: the guest
 * @qp: a QP xibb_engine_qp_add() took
 *
 * Also erases its doorbell index.  Completions the shadow still holds
 * for it are dropped.
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_qp_del(struct xibb_guest *guest, struct xibb_qp *qp)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	qp->eng_live = false;
	hash_del(&qp->eng_hnode);
	list_del_init(&qp->eng_again);
	xa_erase(&qp->uc->db_xa, qp->db_index);
	xibb_engine_unlock(guest);
	kvfree(qp->eng_sq.slots);
	kvfree(qp->eng_rq.slots);
	qp->eng_sq.slots = NULL;
	qp->eng_rq.slots = NULL;
}

/**
 * xibb_engine_srq_add() - hand a new SRQ to the engine
 * @guest: the guest
 * @srq: the SRQ, its shadow created and max_wr granted
 *
 * Return: 0 or -ENOMEM.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_engine_srq_add(struct xibb_guest *guest, struct xibb_srq *srq)
{
	u32 i, n = srq->max_wr;

	lockdep_assert_held(&guest->obj_lock);

	srq->eng_slots = kvcalloc(max(n, 1U), sizeof(*srq->eng_slots),
				  GFP_KERNEL);
	srq->eng_free = kvcalloc(max(n, 1U), sizeof(*srq->eng_free),
				 GFP_KERNEL);
	if (!srq->eng_slots || !srq->eng_free) {
		kvfree(srq->eng_slots);
		kvfree(srq->eng_free);
		srq->eng_slots = NULL;
		srq->eng_free = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		srq->eng_free[i] = n - 1 - i;
	srq->eng_nfree = n;
	srq->eng_nslots = n;
	srq->eng_cons = 0;
	srq->eng_failed = false;
	srq->eng_blocked = false;
	INIT_LIST_HEAD(&srq->eng_again);
	xibb_engine_lock(guest);
	srq->eng_tag = xibb_eng_new_tag(&guest->eng);
	hash_add(guest->eng.srqs, &srq->eng_hnode, srq->eng_tag);
	srq->eng_live = true;
	xibb_engine_unlock(guest);
	return 0;
}

/**
 * xibb_engine_srq_del() - take an SRQ from the engine, before destruction
 * @guest: the guest
 * @srq: an SRQ xibb_engine_srq_add() took
 *
 * Also erases its doorbell index.
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_srq_del(struct xibb_guest *guest, struct xibb_srq *srq)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	srq->eng_live = false;
	hash_del(&srq->eng_hnode);
	list_del_init(&srq->eng_again);
	xa_erase(&srq->uc->db_xa, srq->db_index);
	xibb_engine_unlock(guest);
	kvfree(srq->eng_slots);
	kvfree(srq->eng_free);
	srq->eng_slots = NULL;
	srq->eng_free = NULL;
}

/**
 * xibb_engine_cq_comp() - the shadow CQs' completion handler
 * @ibcq: the shadow CQ
 * @ctx: the struct xibb_cq
 *
 * Queues the CQ for the engine and wakes it.
 *
 * Context: any context (the device's completion path).
 */
void xibb_engine_cq_comp(struct ib_cq *ibcq, void *ctx)
{
	struct xibb_cq *cq = ctx;
	struct xibb_engine *eng = &cq->guest->eng;
	unsigned long flags;

	spin_lock_irqsave(&eng->pend_lock, flags);
	if (cq->eng.live && list_empty(&cq->eng.pend))
		list_add_tail(&cq->eng.pend, &eng->pend_cqs);
	spin_unlock_irqrestore(&eng->pend_lock, flags);
	xibb_eng_wake(eng);
}

/**
 * xibb_engine_cq_add() - hand a new CQ to the engine
 * @guest: the guest
 * @cq: the CQ, its shadow created (cq->eng.pend initialised before)
 *
 * Arms the shadow for its first completion.
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_cq_add(struct xibb_guest *guest, struct xibb_cq *cq)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	spin_lock_irq(&guest->eng.pend_lock);
	cq->eng.live = true;
	spin_unlock_irq(&guest->eng.pend_lock);
	xibb_engine_unlock(guest);
	if (ib_req_notify_cq(cq->cq, IB_CQ_NEXT_COMP |
			     IB_CQ_REPORT_MISSED_EVENTS) > 0)
		xibb_engine_cq_comp(cq->cq, cq);
}

/**
 * xibb_engine_cq_del() - take a CQ from the engine, before its destruction
 * @guest: the guest
 * @cq: a CQ xibb_engine_cq_add() took
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_engine_cq_del(struct xibb_guest *guest, struct xibb_cq *cq)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	spin_lock_irq(&guest->eng.pend_lock);
	cq->eng.live = false;
	list_del_init(&cq->eng.pend);
	spin_unlock_irq(&guest->eng.pend_lock);
	xibb_engine_unlock(guest);
}

/**
 * xibb_engine_cq_move() - RESIZE_CQ: move a CQ to a new guest buffer
 * @guest: the guest
 * @cq: the CQ
 * @buf: the new buffer, mapped; on success it holds the old
 *	one, for the caller to unmap
 * @log_nslots: the new size of the guest's ring
 * @cqe: the new size of the shadow CQ (xibb_cq_shadow_cqe())
 *
 * Grows the shadow CQ if needed, copies the unconsumed CQEs (cons .. prod)
 * to the same free-running indices of the new buffer and initialises its
 * header (prod, cons, and the arm state, so that arming survives), all
 * between two engine passes.
 *
 * Return: 0; -EINVAL if the unconsumed CQEs do not fit (the RDMA core's
 * answer for a native device) or the guest's cons is impossible; -EIO if
 * the CQ is in error; or the error of ib_resize_cq().
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_engine_cq_move(struct xibb_guest *guest, struct xibb_cq *cq,
			struct xibb_gmap *buf, u8 log_nslots, u32 cqe)
{
	struct xenib_queue_hdr *old = cq->buf.vaddr, *new = buf->vaddr;
	struct xibb_cq_eng *e = &cq->eng;
	struct xibb_gmap tmp;
	u32 cons, i;
	int err = 0;

	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	if (e->failed) {
		err = -EIO;
		goto out_unlock;
	}
	/* [P0]: pairs with userlib's [C2] (userlib waits for us now). */
	cons = smp_load_acquire(&old->cons);
	if (!xenib_ring_cons_valid(cons, e->cons, e->prod)) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (e->prod - cons > cqe) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (cqe > cq->cq->cqe) {
		err = ib_resize_cq(cq->cq, cqe);
		if (err)
			goto out_unlock;
	}
	for (i = cons; i != e->prod; i++)
		memcpy(xibb_eng_slot(buf, i, log_nslots, XENIB_CQE_SHIFT),
		       xibb_eng_slot(&cq->buf, i, cq->log_nslots,
				     XENIB_CQE_SHIFT), XENIB_CQE_SIZE);
	WRITE_ONCE(new->cons, cons);
	WRITE_ONCE(new->arm_flags, READ_ONCE(old->arm_flags));
	WRITE_ONCE(new->arm_seq, READ_ONCE(old->arm_seq));
	WRITE_ONCE(new->arm_ack, e->arm_ack);
	WRITE_ONCE(new->overflow, e->overflow);
	/* The CQEs before prod, as for [P1]. */
	smp_store_release(&new->prod, e->prod);
	e->cons = cons;
	tmp = cq->buf;
	cq->buf = *buf;
	*buf = tmp;
	cq->log_nslots = log_nslots;
out_unlock:
	xibb_engine_unlock(guest);
	return err;
}

/**
 * xibb_engine_srq_move() - RESIZE_SRQ: move an SRQ to a new guest buffer
 * @guest: the guest
 * @srq: the SRQ
 * @buf: the new buffer, mapped; on success it holds the old one, for the
 *	caller to unmap
 * @log_nslots: the new buffer's slot count is 2^log_nslots (same slot size)
 * @max_wr: the new depth
 *
 * Between two engine passes: refuses a depth below what the SRQ holds
 * (WQEs still in the guest's ring plus those posted to the shadow and not
 * yet consumed) or below the armed limit, as the RDMA core does natively;
 * grows the shadow SRQ and the engine's slot table when the depth grows
 * (a shrink keeps both, they are only bounds); copies the unconsumed WQEs
 * to the same free-running indices of the new buffer and initialises its
 * header.
 *
 * Return: 0; -EINVAL (too small, or the guest's prod is impossible); -EIO
 * if the SRQ is in error; -ENOMEM; or the error of ib_modify_srq().
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_engine_srq_move(struct xibb_guest *guest, struct xibb_srq *srq,
			 struct xibb_gmap *buf, u8 log_nslots, u32 max_wr)
{
	struct xenib_queue_hdr *old = srq->buf.vaddr, *new = buf->vaddr;
	u32 *free = NULL, held, prod, i, n = srq->eng_nslots;
	struct xibb_wr_slot *slots = NULL;
	struct ib_srq_attr attr = {};
	struct xibb_gmap tmp;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	err = ib_query_srq(srq->srq, &attr);
	if (err)
		return err;
	if (max_wr > n) {
		slots = kvcalloc(max_wr, sizeof(*slots), GFP_KERNEL);
		free = kvcalloc(max_wr, sizeof(*free), GFP_KERNEL);
		if (!slots || !free) {
			err = -ENOMEM;
			goto out_free;
		}
	}
	xibb_engine_lock(guest);
	if (srq->eng_failed) {
		err = -EIO;
		goto out_unlock;
	}
	/* The guest does not post meanwhile (userlib holds the SRQ's lock). */
	prod = smp_load_acquire(&old->prod);	/* [C1] */
	if (!xenib_ring_prod_valid(prod, srq->eng_cons, BIT(srq->log_nslots))) {
		err = -EINVAL;
		goto out_unlock;
	}
	held = (prod - srq->eng_cons) + (n - srq->eng_nfree);
	if (max_wr < held || (attr.srq_limit && max_wr < attr.srq_limit) ||
	    prod - srq->eng_cons > BIT(log_nslots)) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (max_wr > n) {
		attr.max_wr = max_wr;
		err = ib_modify_srq(srq->srq, &attr, IB_SRQ_MAX_WR);
		if (err)
			goto out_unlock;
		memcpy(slots, srq->eng_slots, n * sizeof(*slots));
		memcpy(free, srq->eng_free, srq->eng_nfree * sizeof(*free));
		for (i = max_wr; i > n; i--)
			free[srq->eng_nfree++] = i - 1;
		swap(slots, srq->eng_slots);
		swap(free, srq->eng_free);
		srq->eng_nslots = max_wr;
	}
	for (i = srq->eng_cons; i != prod; i++)
		memcpy(xibb_eng_slot(buf, i, log_nslots, srq->wqe_shift),
		       xibb_eng_slot(&srq->buf, i, srq->log_nslots,
				     srq->wqe_shift), BIT(srq->wqe_shift));
	WRITE_ONCE(new->cons, srq->eng_cons);
	/* The WQEs before prod, as userlib's [P1]. */
	smp_store_release(&new->prod, prod);
	tmp = srq->buf;
	srq->buf = *buf;
	*buf = tmp;
	srq->log_nslots = log_nslots;
	srq->max_wr = max_wr;
	if (srq->eng_blocked && srq->eng_nfree) {
		srq->eng_blocked = false;
		xibb_eng_again_srq(&guest->eng, srq);
	}
out_unlock:
	xibb_engine_unlock(guest);
out_free:
	kvfree(slots);
	kvfree(free);
	return err;
}

/**
 * xibb_engine_max_inline() - the inline sends the engine offers
 * @ibdev: the real device
 *
 * Inline data is posted with IB_SEND_INLINE from the engine's private
 * copy, so the device must accept the size: a throwaway QP is created
 * with max_inline_data = the max_inline parameter, halved until the
 * device accepts it.
 *
 * Return: octets, 0 if the device takes no inline data.
 *
 * Context: process context, may sleep.
 */
u32 xibb_engine_max_inline(struct ib_device *ibdev)
{
	struct ib_cq_init_attr cqa = { .cqe = 1 };
	struct ib_qp_init_attr ia;
	u32 want = min_t(u32, READ_ONCE(xibb_eng_max_inline),
			 XIBB_ENG_MAX_INLINE);
	struct ib_qp *qp;
	struct ib_cq *cq;
	struct ib_pd *pd;

	if (!want)
		return 0;
	pd = ib_alloc_pd(ibdev, 0);
	if (IS_ERR(pd))
		return 0;
	cq = ib_create_cq(ibdev, NULL, NULL, NULL, &cqa);
	if (IS_ERR(cq)) {
		want = 0;
		goto out_dealloc_pd;
	}
	for (; want >= 16; want /= 2) {
		memset(&ia, 0, sizeof(ia));
		ia.send_cq = cq;
		ia.recv_cq = cq;
		ia.qp_type = IB_QPT_RC;
		ia.sq_sig_type = IB_SIGNAL_REQ_WR;
		ia.cap.max_send_wr = 1;
		ia.cap.max_recv_wr = 1;
		ia.cap.max_send_sge = 1;
		ia.cap.max_recv_sge = 1;
		ia.cap.max_inline_data = want;
		qp = ib_create_qp(pd, &ia);
		if (!IS_ERR(qp)) {
			ib_destroy_qp(qp);
			break;
		}
	}
	if (want < 16)
		want = 0;
	ib_destroy_cq(cq);
out_dealloc_pd:
	ib_dealloc_pd(pd);
	return want;
}
