// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: the event ring (vibif.h, "Event ring"), its data event
 * channel, and the delivery of what it carries to the RDMA core: port and
 * device events, completion events, CQ, QP and SRQ async events.
 *
 * The backend produces, this file consumes, from the data channel's
 * hard-irq handler: each entry is copied, checked with xenib_event_check()
 * on the copy and only then delivered.  An impossible producer index or a
 * malformed entry marks the backend broken (xibf_cmd_mark_broken()).  The
 * same channel carries the guest's kicks the other way (qp.c).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/string.h>
#include <rdma/ib_verbs.h>
#include <xen/events.h>

#include "ring.h"
#include "validate.h"

/* Wire event codes that equal kernel enums (vibif.h, "Wire enumerations"). */
static_assert(XEN_VIBIF_IBEV_CQ_ERR == IB_EVENT_CQ_ERR);
static_assert(XEN_VIBIF_IBEV_DEVICE_FATAL == IB_EVENT_DEVICE_FATAL);
static_assert(XEN_VIBIF_IBEV_PORT_ACTIVE == IB_EVENT_PORT_ACTIVE);
static_assert(XEN_VIBIF_IBEV_PORT_ERR == IB_EVENT_PORT_ERR);
static_assert(XEN_VIBIF_IBEV_LID_CHANGE == IB_EVENT_LID_CHANGE);
static_assert(XEN_VIBIF_IBEV_PKEY_CHANGE == IB_EVENT_PKEY_CHANGE);
static_assert(XEN_VIBIF_IBEV_SM_CHANGE == IB_EVENT_SM_CHANGE);
static_assert(XEN_VIBIF_IBEV_CLIENT_REREGISTER == IB_EVENT_CLIENT_REREGISTER);
static_assert(XEN_VIBIF_IBEV_GID_CHANGE == IB_EVENT_GID_CHANGE);
static_assert(XEN_VIBIF_IBEV_QP_FATAL == IB_EVENT_QP_FATAL);
static_assert(XEN_VIBIF_IBEV_QP_REQ_ERR == IB_EVENT_QP_REQ_ERR);
static_assert(XEN_VIBIF_IBEV_QP_ACCESS_ERR == IB_EVENT_QP_ACCESS_ERR);
static_assert(XEN_VIBIF_IBEV_COMM_EST == IB_EVENT_COMM_EST);
static_assert(XEN_VIBIF_IBEV_SQ_DRAINED == IB_EVENT_SQ_DRAINED);
static_assert(XEN_VIBIF_IBEV_PATH_MIG == IB_EVENT_PATH_MIG);
static_assert(XEN_VIBIF_IBEV_PATH_MIG_ERR == IB_EVENT_PATH_MIG_ERR);
static_assert(XEN_VIBIF_IBEV_SRQ_ERR == IB_EVENT_SRQ_ERR);
static_assert(XEN_VIBIF_IBEV_SRQ_LIMIT_REACHED == IB_EVENT_SRQ_LIMIT_REACHED);
static_assert(XEN_VIBIF_IBEV_QP_LAST_WQE_REACHED ==
	      IB_EVENT_QP_LAST_WQE_REACHED);

/* Delivers an object event.  Runs with the object's xarray locked. */
static bool xibf_object_event(struct xibf_device *xdev,
			      const struct xen_vibif_event *evt)
{
	u32 handle = le32_to_cpu(evt->handle);
	struct ib_event ibev = {
		.device = &xdev->ibdev,
		.event = evt->code,
	};
	bool found = false;
	unsigned long flags;

	switch (evt->type) {
	case XEN_VIBIF_EVT_COMP:
	case XEN_VIBIF_EVT_CQ_ERR: {
		struct xibf_cq *cq;

		xa_lock_irqsave(&xdev->cq_xa, flags);
		cq = xa_load(&xdev->cq_xa, handle);
		if (cq) {
			found = true;
			if (evt->type == XEN_VIBIF_EVT_COMP) {
				if (cq->ibcq.comp_handler)
					cq->ibcq.comp_handler(&cq->ibcq,
							      cq->ibcq.cq_context);
			} else if (cq->ibcq.event_handler) {
				ibev.element.cq = &cq->ibcq;
				cq->ibcq.event_handler(&ibev,
						       cq->ibcq.cq_context);
			}
		}
		xa_unlock_irqrestore(&xdev->cq_xa, flags);
		break;
	}
	case XEN_VIBIF_EVT_QP_EVENT: {
		struct xibf_qp *qp;

		xa_lock_irqsave(&xdev->qp_xa, flags);
		qp = xa_load(&xdev->qp_xa, handle);
		if (qp) {
			found = true;
			ibev.element.qp = &qp->ibqp;
			if (qp->ibqp.event_handler)
				qp->ibqp.event_handler(&ibev,
						       qp->ibqp.qp_context);
		}
		xa_unlock_irqrestore(&xdev->qp_xa, flags);
		break;
	}
	case XEN_VIBIF_EVT_SRQ_EVENT: {
		struct xibf_srq *srq;

		xa_lock_irqsave(&xdev->srq_xa, flags);
		srq = xa_load(&xdev->srq_xa, handle);
		if (srq) {
			found = true;
			ibev.element.srq = &srq->ibsrq;
			if (srq->ibsrq.event_handler)
				srq->ibsrq.event_handler(&ibev,
							 srq->ibsrq.srq_context);
		}
		xa_unlock_irqrestore(&xdev->srq_xa, flags);
		break;
	}
	}
	return found;
}

/*
 * xibf_device_event() - deliver one validated event ring entry
 * @xdev: the device
 * @evt: private copy of the entry, accepted by xenib_event_check()
 *
 * Port and device events go to the RDMA core's consumers; completion
 * events to the CQ's comp_handler; CQ, QP and SRQ events to the object's
 * event_handler.  An event naming no live object (it raced with the
 * object's destruction) is counted as dropped.
 *
 * Context: hard irq (data event channel handler).
 */
static void xibf_device_event(struct xibf_device *xdev,
			      const struct xen_vibif_event *evt)
{
	struct ib_event ibev = {};

	switch (evt->type) {
	case XEN_VIBIF_EVT_PORT_EVENT:
		if (le32_to_cpu(evt->handle) != 1)
			break;
		switch (evt->code) {
		case XEN_VIBIF_IBEV_PORT_ACTIVE:
		case XEN_VIBIF_IBEV_PORT_ERR:
		case XEN_VIBIF_IBEV_LID_CHANGE:
		case XEN_VIBIF_IBEV_PKEY_CHANGE:
		case XEN_VIBIF_IBEV_SM_CHANGE:
		case XEN_VIBIF_IBEV_CLIENT_REREGISTER:
		case XEN_VIBIF_IBEV_GID_CHANGE:
			ibev.event = evt->code;
			ibev.element.port_num = 1;
			goto dispatch;
		}
		break;
	case XEN_VIBIF_EVT_DEVICE_FATAL:
		ibev.event = IB_EVENT_DEVICE_FATAL;
		goto dispatch;
	default:
		if (READ_ONCE(xdev->registered) &&
		    xibf_object_event(xdev, evt))
			return;
		break;
	}
	atomic64_inc(&xdev->stats.events_dropped);
	return;

dispatch:
	if (!READ_ONCE(xdev->registered))
		return;
	ibev.device = &xdev->ibdev;
	ib_dispatch_event(&ibev);
}

/* Consumes the event ring.  Returns events consumed. */
static unsigned int xibf_event_ring(struct xibf_device *xdev)
{
	struct xen_vibif_event_page *page = xdev->evt_page;
	struct xen_vibif_event evt;
	unsigned int n = 0;
	u32 prod, cons;

	cons = xdev->evt_cons;
	for (;;) {
		/* Pairs with the backend's release of prod. */
		prod = le32_to_cpu(smp_load_acquire(&page->prod));
		if (!xenib_ring_prod_valid(prod, cons,
					   XEN_VIBIF_EVENT_RING_SIZE)) {
			xibf_cmd_mark_broken(xdev, -EIO,
					     "event ring producer overflow");
			return n;
		}
		if (prod == cons || xibf_cmd_is_dead(xdev))
			break;
		while (cons != prod && !xibf_cmd_is_dead(xdev)) {
			memcpy(&evt,
			       &page->ring[xenib_ring_slot(cons,
						XEN_VIBIF_EVENT_RING_SIZE)],
			       sizeof(evt));
			cons++;
			n++;
			if (xenib_event_check(&evt)) {
				xibf_cmd_mark_broken(xdev, -EIO,
						     "malformed event");
				return n;
			}
			xibf_device_event(xdev, &evt);
		}
		xdev->evt_cons = cons;
		/* Our reads of the slots happen before the backend reuses
		 * them; pairs with the backend's READ_ONCE() of cons.
		 */
		smp_store_release(&page->cons, cpu_to_le32(cons));
		/* Re-check prod after publishing cons, see vibif.h. */
		smp_mb();
	}
	atomic64_add(n, &xdev->stats.events);
	return n;
}

static irqreturn_t xibf_event_interrupt(int irq, void *dev_id)
{
	struct xibf_device *xdev = dev_id;
	unsigned int eoiflag = XEN_EOI_FLAG_SPURIOUS;

	if (!xibf_cmd_is_dead(xdev) && xibf_event_ring(xdev))
		eoiflag = 0;

	xen_irq_lateeoi(irq, eoiflag);
	return IRQ_HANDLED;
}

/**
 * xibf_event_setup() - grant the event page and bind the data channel
 * @xdev: the device, after xibf_cmd_setup()
 *
 * On failure what this function built is undone (xibf_event_teardown())
 * and the error has been reported with xenbus_dev_fatal().
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context (xenwatch), may sleep.
 */
int xibf_event_setup(struct xibf_device *xdev)
{
	struct xenbus_device *dev = xdev->xbdev;
	int err;

	err = xenbus_setup_ring(dev, GFP_KERNEL, (void **)&xdev->evt_page, 1,
				&xdev->evt_ref);
	if (err)
		return err;

	err = xenbus_alloc_evtchn(dev, &xdev->data_evtchn);
	if (err)
		goto err_teardown;
	err = bind_evtchn_to_irqhandler_lateeoi(xdev->data_evtchn,
						xibf_event_interrupt, 0,
						"xenib-data", xdev);
	if (err < 0) {
		xenbus_free_evtchn(dev, xdev->data_evtchn);
		xdev->data_evtchn = 0;
		xenbus_dev_fatal(dev, err, "binding the data event channel");
		goto err_teardown;
	}
	xdev->data_irq = err;
	return 0;

err_teardown:
	xibf_event_teardown(xdev);
	return err;
}

/**
 * xibf_event_teardown() - unbind the data channel, end the event page
 * @xdev: the device
 *
 * Safe on a half-built or already torn-down event ring.  After it returns
 * no event is delivered.
 *
 * Context: process context, may sleep.
 */
void xibf_event_teardown(struct xibf_device *xdev)
{
	if (xdev->data_irq > 0) {
		unbind_from_irqhandler(xdev->data_irq, xdev);
		xdev->data_irq = 0;
		xdev->data_evtchn = 0;
	}
	if (xdev->evt_page)
		xenbus_teardown_ring((void **)&xdev->evt_page, 1,
				     &xdev->evt_ref);
}
