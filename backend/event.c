// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the event ring producer and the shadow objects' event
 * handlers.
 *
 * Events come from any context (the real device's handlers run in irq or
 * softirq context), so producers serialise on guest->evt_lock.  The
 * frontend's consumer index is read once and checked; a frontend that
 * corrupts it gets no more events.  A full ring drops the event and counts
 * it in the page's overflow field (vibif.h, "Event ring").
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <xen/events.h>

#include "ring.h"

/**
 * xibb_event_post() - put one event on the guest's event ring
 * @guest: the guest
 * @type: XEN_VIBIF_EVT_*
 * @code: XEN_VIBIF_IBEV_* (0 for COMP)
 * @handle: the object's handle, the port number or 0
 * @data: the arm sequence of a COMP event, else 0
 *
 * Return: true if the event was written, false if it was dropped.
 *
 * Context: any context.
 */
bool xibb_event_post(struct xibb_guest *guest, u8 type, u8 code, u32 handle,
		     u32 data)
{
	struct xen_vibif_event_page *page;
	struct xen_vibif_event *slot;
	unsigned long flags;
	u32 cons;
	int irq;

	spin_lock_irqsave(&guest->evt_lock, flags);
	page = guest->evt_page;
	if (!page || guest->evt_broken)
		goto drop;
	cons = le32_to_cpu(READ_ONCE(page->cons));
	if (!xenib_ring_prod_valid(guest->evt_prod, cons,
				   XEN_VIBIF_EVENT_RING_SIZE)) {
		guest->evt_broken = true;
		xibb_err(guest, "event ring consumer %u impossible (prod %u)\n",
			 cons, guest->evt_prod);
		goto drop;
	}
	if (xenib_ring_full(guest->evt_prod, cons, XEN_VIBIF_EVENT_RING_SIZE)) {
		u32 overflow = le32_to_cpu(READ_ONCE(page->overflow));

		WRITE_ONCE(page->overflow, cpu_to_le32(overflow + 1));
		goto drop;
	}
	slot = &page->ring[xenib_ring_slot(guest->evt_prod,
					   XEN_VIBIF_EVENT_RING_SIZE)];
	slot->type = type;
	slot->code = code;
	slot->reserved = 0;
	slot->handle = cpu_to_le32(handle);
	slot->data = cpu_to_le32(data);
	slot->reserved2 = 0;
	guest->evt_prod++;
	/* The slot before the index; pairs with the frontend's acquire. */
	smp_store_release(&page->prod, cpu_to_le32(guest->evt_prod));
	irq = guest->data_irq;
	spin_unlock_irqrestore(&guest->evt_lock, flags);
	atomic64_inc(&guest->stats.events);
	if (irq > 0)
		notify_remote_via_irq(irq);
	return true;

drop:
	spin_unlock_irqrestore(&guest->evt_lock, flags);
	atomic64_inc(&guest->stats.events_dropped);
	return false;
}

/**
 * xibb_port_event() - the real device's async event handler
 * @handler: guest->event_handler
 * @ev: the event
 *
 * Port events of rdma-port become port 1 events of the guest; a device
 * fatal event is passed on.  Other ports are ignored.
 *
 * Context: any context (the RDMA core's event work).
 */
void xibb_port_event(struct ib_event_handler *handler, struct ib_event *ev)
{
	struct xibb_guest *guest = container_of(handler, struct xibb_guest,
						event_handler);

	switch (ev->event) {
	case IB_EVENT_PORT_ACTIVE:
	case IB_EVENT_PORT_ERR:
	case IB_EVENT_LID_CHANGE:
	case IB_EVENT_PKEY_CHANGE:
	case IB_EVENT_SM_CHANGE:
	case IB_EVENT_CLIENT_REREGISTER:
	case IB_EVENT_GID_CHANGE:
		if (ev->element.port_num != guest->rdma_port)
			return;
		xibb_event_post(guest, XEN_VIBIF_EVT_PORT_EVENT, ev->event, 1,
				0);
		return;
	case IB_EVENT_DEVICE_FATAL:
		xibb_event_post(guest, XEN_VIBIF_EVT_DEVICE_FATAL,
				XEN_VIBIF_IBEV_DEVICE_FATAL, 0, 0);
		return;
	default:
		return;
	}
}

/**
 * xibb_cq_event() - shadow CQ event handler
 * @ev: the event (IB_EVENT_CQ_ERR)
 * @ctx: the struct xibb_cq
 *
 * Context: any context.
 */
void xibb_cq_event(struct ib_event *ev, void *ctx)
{
	struct xibb_cq *cq = ctx;

	if (ev->event == IB_EVENT_CQ_ERR)
		xibb_event_post(cq->guest, XEN_VIBIF_EVT_CQ_ERR,
				XEN_VIBIF_IBEV_CQ_ERR, cq->obj.handle, 0);
}

/**
 * xibb_qp_event() - shadow QP event handler
 * @ev: the event
 * @ctx: the struct xibb_qp
 *
 * Context: any context.
 */
void xibb_qp_event(struct ib_event *ev, void *ctx)
{
	struct xibb_qp *qp = ctx;

	switch (ev->event) {
	case IB_EVENT_QP_FATAL:
	case IB_EVENT_QP_REQ_ERR:
	case IB_EVENT_QP_ACCESS_ERR:
	case IB_EVENT_COMM_EST:
	case IB_EVENT_SQ_DRAINED:
	case IB_EVENT_PATH_MIG:
	case IB_EVENT_PATH_MIG_ERR:
		xibb_event_post(qp->guest, XEN_VIBIF_EVT_QP_EVENT, ev->event,
				qp->obj.handle, 0);
		return;
	case IB_EVENT_QP_LAST_WQE_REACHED:
		/*
		 * Once per entry into the error state, as the IB spec has
		 * it: rxe raises it again each time its responder runs on
		 * an errored SRQ-attached QP (every late packet), and UCX's
		 * rc_verbs asserts on a second one while it still cleans
		 * the QP up (docs/verbs.md).  MODIFY_QP re-arms it.
		 */
		if (atomic_xchg(&qp->lastwqe_sent, 1))
			return;
		xibb_event_post(qp->guest, XEN_VIBIF_EVT_QP_EVENT, ev->event,
				qp->obj.handle, 0);
		return;
	default:
		return;
	}
}

/**
 * xibb_srq_event() - shadow SRQ event handler
 * @ev: the event
 * @ctx: the struct xibb_srq
 *
 * Context: any context.
 */
void xibb_srq_event(struct ib_event *ev, void *ctx)
{
	struct xibb_srq *srq = ctx;

	if (ev->event == IB_EVENT_SRQ_ERR ||
	    ev->event == IB_EVENT_SRQ_LIMIT_REACHED)
		xibb_event_post(srq->guest, XEN_VIBIF_EVT_SRQ_EVENT, ev->event,
				srq->obj.handle, 0);
}
