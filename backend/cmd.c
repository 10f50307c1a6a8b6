// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the control ring's consumer and the verbs dispatch table.
 *
 * The control event channel's handler only queues the guest's work item;
 * the work item consumes at most cmd_budget requests, then requeues itself
 * behind the other guests.  Each request is copied out of the ring
 * (RING_COPY_REQUEST), validated on the private copy with
 * xenib_request_check(), dispatched through xibb_cmd_table[] with the
 * opcode clamped by array_index_nospec(), and answered with the wire status
 * of xenib_status_from_errno().  A frontend whose request producer index
 * is impossible is disabled: its ring is no longer read, other guests are
 * not affected.  The late EOI of the event channel is sent when the ring
 * is drained, so a guest that floods events is throttled by Xen.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/nospec.h>
#include <linux/string.h>
#include <xen/events.h>

#include "status.h"

typedef int (*xibb_cmd_fn)(struct xibb_guest *guest,
			   const struct xen_vibif_request *req,
			   struct xen_vibif_response *rsp);

/**
 * struct xibb_cmd - one opcode of the dispatch table
 * @fn: the handler, run under guest->obj_lock
 * @dev: the handler needs the guest's objects on the real device
 *	(guest->ibdev): once the device is gone, the request answers ENODEV
 *	without reaching @fn.  The queries look the device up by name
 *	themselves (xibb_guest_ibdev()) and answer ENODEV if it is gone.
 */
struct xibb_cmd {
	xibb_cmd_fn fn;
	bool dev;
};

/* Opcodes without an entry are answered XEN_VIBIF_EOPNOTSUPP. */
static const struct xibb_cmd xibb_cmd_table[XEN_VIBIF_OP_COUNT] = {
	[XEN_VIBIF_OP_QUERY_DEVICE] = { xibb_query_device, false },
	[XEN_VIBIF_OP_QUERY_PORT] = { xibb_query_port, false },
	[XEN_VIBIF_OP_QUERY_GID] = { xibb_query_gid, false },
	[XEN_VIBIF_OP_QUERY_PKEY] = { xibb_query_pkey, false },
	[XEN_VIBIF_OP_ALLOC_UCONTEXT] = { xibb_alloc_ucontext, true },
	[XEN_VIBIF_OP_DEALLOC_UCONTEXT] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_ALLOC_PD] = { xibb_alloc_pd, true },
	[XEN_VIBIF_OP_DEALLOC_PD] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_CREATE_CQ] = { xibb_create_cq, true },
	[XEN_VIBIF_OP_RESIZE_CQ] = { xibb_resize_cq, true },
	[XEN_VIBIF_OP_DESTROY_CQ] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_CREATE_QP] = { xibb_create_qp, true },
	[XEN_VIBIF_OP_MODIFY_QP] = { xibb_modify_qp, true },
	[XEN_VIBIF_OP_QUERY_QP] = { xibb_query_qp, true },
	[XEN_VIBIF_OP_DESTROY_QP] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_CREATE_SRQ] = { xibb_create_srq, true },
	[XEN_VIBIF_OP_MODIFY_SRQ] = { xibb_modify_srq, true },
	[XEN_VIBIF_OP_QUERY_SRQ] = { xibb_query_srq, true },
	[XEN_VIBIF_OP_DESTROY_SRQ] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_CREATE_AH] = { xibb_create_ah, true },
	[XEN_VIBIF_OP_DESTROY_AH] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_REG_MR] = { xibb_reg_mr, true },
	[XEN_VIBIF_OP_DEREG_MR] = { xibb_obj_destroy_req, true },
	[XEN_VIBIF_OP_RESIZE_SRQ] = { xibb_resize_srq, true },
	[XEN_VIBIF_OP_ATTACH_MCAST] = { xibb_attach_mcast, true },
	[XEN_VIBIF_OP_DETACH_MCAST] = { xibb_detach_mcast, true },
};

/* Executes one private, not yet validated request into @rsp. */
static void xibb_cmd_one(struct xibb_guest *guest,
			 const struct xen_vibif_request *req,
			 struct xen_vibif_response *rsp)
{
	unsigned int op = le16_to_cpu(req->hdr.opcode);
	const struct xibb_cmd *cmd;
	int err;

	memset(rsp, 0, sizeof(*rsp));
	rsp->hdr.id = req->hdr.id;
	rsp->hdr.opcode = req->hdr.opcode;

	err = xenib_request_check(req, &guest->limits);
	if (err) {
		atomic64_inc(&guest->stats.rejected);
		xibb_dbg(guest, "rejected opcode %u: %d\n", op, err);
		goto out;
	}
	if (op >= XEN_VIBIF_OP_COUNT) {
		err = -EOPNOTSUPP;
		goto out;
	}
	cmd = &xibb_cmd_table[array_index_nospec(op, XEN_VIBIF_OP_COUNT)];
	if (!cmd->fn) {
		err = -EOPNOTSUPP;
		goto out;
	}
	/*
	 * Object requests run under obj_lock, which the teardown and the
	 * real device's removal also take; once the device is gone they
	 * answer ENODEV.
	 */
	mutex_lock(&guest->obj_lock);
	if (cmd->dev && !guest->ibdev)
		err = -ENODEV;
	else
		err = cmd->fn(guest, req, rsp);
	mutex_unlock(&guest->obj_lock);

out:
	if (err) {
		atomic64_inc(&guest->stats.failed);
		memset(&rsp->u, 0, sizeof(rsp->u));
	}
	rsp->hdr.status = cpu_to_le32(xenib_status_from_errno(err));
}

/* The frontend corrupted its ring: stop servicing it, say so once. */
static void xibb_cmd_disable(struct xibb_guest *guest, RING_IDX prod)
{
	atomic64_inc(&guest->stats.ring_errors);
	if (guest->disabled)
		return;
	guest->disabled = true;
	xibb_err(guest, "request producer %u impossible (cons %u), ring disabled\n",
		 prod, guest->ring.req_cons);
	xenbus_dev_fatal(guest->xbdev, -EPROTO,
			 "frontend corrupted the control ring");
}

/*
 * Consumes up to @budget requests.  Returns true if requests may remain,
 * and sets *@found if any was consumed.
 */
static bool xibb_cmd_process(struct xibb_guest *guest, unsigned int budget,
			     bool *found)
{
	struct xen_vibif_cmd_back_ring *ring = &guest->ring;
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	unsigned int done = 0;
	RING_IDX rc, rp;
	int more, notify;

	for (;;) {
		rp = READ_ONCE(ring->sring->req_prod);
		/* See the requests after the index; pairs with the
		 * frontend's virt_wmb() in RING_PUSH_REQUESTS().
		 */
		virt_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(ring, rp)) {
			xibb_cmd_disable(guest, rp);
			return false;
		}

		for (rc = ring->req_cons; rc != rp; rc++) {
			/*
			 * Each request is answered before the next is read,
			 * so rsp_prod_pvt == req_cons and, with the check
			 * above, a response slot is always free.
			 */
			if (done >= budget || READ_ONCE(guest->stopping))
				return true;

			RING_COPY_REQUEST(ring, rc, &req);
			ring->req_cons = rc + 1;
			/* Validate and use only the private copy. */
			barrier();

			atomic64_inc(&guest->stats.requests);
			xibb_cmd_one(guest, &req, &rsp);

			memcpy(RING_GET_RESPONSE(ring, ring->rsp_prod_pvt), &rsp,
			       sizeof(rsp));
			ring->rsp_prod_pvt++;
			RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(ring, notify);
			if (notify)
				notify_remote_via_irq(guest->irq);
			done++;
			*found = true;
		}

		RING_FINAL_CHECK_FOR_REQUESTS(ring, more);
		if (!more)
			return false;
	}
}

/**
 * xibb_cmd_work() - service one guest's control ring for one turn
 * @work: the guest's cmd_work
 *
 * Context: process context (xibb_wq), may sleep in the verbs it executes.
 */
void xibb_cmd_work(struct work_struct *work)
{
	struct xibb_guest *guest = container_of(work, struct xibb_guest,
						cmd_work);
	bool again;

	if (READ_ONCE(guest->stopping))
		return;

	again = !guest->disabled &&
		xibb_cmd_process(guest, max(READ_ONCE(xibb_cmd_budget), 1U),
				 &guest->eoi_found);
	if (again && !READ_ONCE(guest->stopping)) {
		queue_work(xibb_wq, &guest->cmd_work);
		return;
	}
	if (test_and_clear_bit(0, &guest->eoi_pending)) {
		xen_irq_lateeoi(guest->irq,
				guest->eoi_found ? 0 : XEN_EOI_FLAG_SPURIOUS);
		guest->eoi_found = false;
	}
}

/**
 * xibb_cmd_interrupt() - control event channel handler
 * @irq: the guest's control irq
 * @dev_id: the guest
 *
 * Return: IRQ_HANDLED.
 *
 * Context: hard irq.
 */
irqreturn_t xibb_cmd_interrupt(int irq, void *dev_id)
{
	struct xibb_guest *guest = dev_id;

	if (READ_ONCE(guest->stopping) || guest->disabled) {
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	set_bit(0, &guest->eoi_pending);
	queue_work(xibb_wq, &guest->cmd_work);
	return IRQ_HANDLED;
}
