// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: the control channel.
 *
 * Many commands may be in flight, one per ring slot.  A request id is
 * (generation << 32 | slot index): the response handler matches it against
 * the slot table, so a response to a command that already gave up, or a
 * duplicate, matches nothing and is dropped.  A response that fails
 * validation marks the backend broken: every waiter is released with -EIO
 * and xenbus_dev_fatal() reports it.  A command that times out marks the
 * device dead the same way, because its ring slot can no longer be
 * accounted for.  No path waits without a bound.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/events.h>
#include <xen/page.h>

#include "ring.h"
#include "status.h"
#include "validate.h"

/* The upper half of a request id is the slot's generation. */
#define XIBF_ID_GEN_SHIFT	32

static u64 xibf_cmd_id(unsigned int slot, u32 gen)
{
	return (u64)gen << XIBF_ID_GEN_SHIFT | slot;
}

/* Releases every waiter with @err.  Must hold ring_lock. */
static void xibf_cmd_release_all(struct xibf_device *xdev, int err)
{
	unsigned int i;

	lockdep_assert_held(&xdev->ring_lock);

	for (i = 0; i < xdev->nr_slots; i++) {
		struct xibf_cmd *cmd = xdev->slots[i].cmd;

		if (!cmd || completion_done(&cmd->done))
			continue;
		cmd->err = err;
		complete(&cmd->done);
	}
	wake_up_all(&xdev->slot_wq);
}

/**
 * xibf_cmd_kill() - take the control channel down
 * @xdev: the device
 * @err: what waiting and future commands fail with (-ENODEV, -EIO, ...)
 *
 * Idempotent.  Every command in flight is completed with @err and every
 * later xibf_cmd_exec() fails at once with -ENODEV.
 *
 * Context: any context.
 */
void xibf_cmd_kill(struct xibf_device *xdev, int err)
{
	unsigned long flags;

	spin_lock_irqsave(&xdev->ring_lock, flags);
	xdev->dead = true;
	xibf_cmd_release_all(xdev, err);
	spin_unlock_irqrestore(&xdev->ring_lock, flags);
}

/**
 * xibf_cmd_is_dead() - whether the control channel is down
 * @xdev: the device
 *
 * Return: true once xibf_cmd_kill() or xibf_cmd_mark_broken() ran.
 *
 * Context: any context.
 */
bool xibf_cmd_is_dead(struct xibf_device *xdev)
{
	return READ_ONCE(xdev->dead);
}

/*
 * Fails every command with @err and schedules the xenbus report.  Must
 * hold ring_lock.  Returns true if this call broke the device.
 */
static bool __xibf_cmd_mark_broken(struct xibf_device *xdev, int err)
{
	if (xdev->broken)
		return false;
	xdev->broken = true;
	xdev->dead = true;
	xibf_cmd_release_all(xdev, err);
	schedule_work(&xdev->fatal_work);
	return true;
}

/**
 * xibf_cmd_mark_broken() - the backend misbehaved or stopped answering
 * @xdev: the device
 * @err: what waiting commands fail with (-EIO, -ETIMEDOUT)
 * @why: what happened, for the log
 *
 * Fails every command, stops using the rings and reports the error
 * through xenstore (from a work item, since xenbus may sleep), which
 * starts the teardown.  Logs once per device.
 *
 * Context: any context.
 */
void xibf_cmd_mark_broken(struct xibf_device *xdev, int err, const char *why)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&xdev->ring_lock, flags);
	first = __xibf_cmd_mark_broken(xdev, err);
	spin_unlock_irqrestore(&xdev->ring_lock, flags);
	if (first)
		dev_err_ratelimited(&xdev->xbdev->dev, "backend broken: %s\n",
				    why);
}

/* Matches one validated-on-copy response to its waiter.  Must hold ring_lock. */
static void xibf_cmd_complete(struct xibf_device *xdev,
			      const struct xen_vibif_response *rsp)
{
	u64 id = le64_to_cpu(rsp->hdr.id);
	u32 idx = lower_32_bits(id);
	struct xibf_cmd_slot *slot;
	struct xibf_cmd *cmd;
	int err;

	lockdep_assert_held(&xdev->ring_lock);
	if (idx >= xdev->nr_slots)
		goto drop;
	slot = &xdev->slots[idx];
	cmd = slot->cmd;
	if (!cmd || slot->gen != upper_32_bits(id) ||
	    completion_done(&cmd->done))
		goto drop;

	/* A raw request's answer goes to the tester as it came (raw.c). */
	err = cmd->raw ? 0 : xenib_response_check(rsp, &cmd->req);
	if (err) {
		dev_err_ratelimited(&xdev->xbdev->dev,
				    "malformed response to opcode %u: %d\n",
				    cmd->opcode, err);
		__xibf_cmd_mark_broken(xdev, -EIO);
		return;
	}

	memcpy(&cmd->rsp, rsp, sizeof(cmd->rsp));
	cmd->err = 0;
	complete(&cmd->done);
	atomic64_inc(&xdev->stats.responses);
	return;

drop:
	atomic64_inc(&xdev->stats.responses_dropped);
	dev_dbg_ratelimited(&xdev->xbdev->dev,
			    "dropping response with unknown id %#llx\n", id);
}

/* Consumes all responses.  Must hold ring_lock.  Returns how many. */
static unsigned int xibf_cmd_responses(struct xibf_device *xdev)
{
	struct xen_vibif_cmd_front_ring *ring = &xdev->ring;
	struct xen_vibif_response rsp;
	unsigned int n = 0;
	RING_IDX cons, prod;
	int more;

	lockdep_assert_held(&xdev->ring_lock);
	do {
		prod = READ_ONCE(ring->sring->rsp_prod);
		/* See the responses after the index; pairs with the
		 * backend's virt_wmb() in RING_PUSH_RESPONSES().
		 */
		virt_rmb();
		if (RING_RESPONSE_PROD_OVERFLOW(ring, prod) ||
		    prod - ring->rsp_cons > ring->req_prod_pvt - ring->rsp_cons) {
			dev_err_ratelimited(&xdev->xbdev->dev,
					    "bogus response producer %u (cons %u, req %u)\n",
					    prod, ring->rsp_cons,
					    ring->req_prod_pvt);
			__xibf_cmd_mark_broken(xdev, -EIO);
			return n;
		}

		for (cons = ring->rsp_cons; cons != prod; cons++) {
			RING_COPY_RESPONSE(ring, cons, &rsp);
			ring->rsp_cons = cons + 1;
			n++;
			xibf_cmd_complete(xdev, &rsp);
			if (xdev->broken)
				return n;
		}

		RING_FINAL_CHECK_FOR_RESPONSES(ring, more);
	} while (more);

	if (n)
		wake_up(&xdev->slot_wq);
	return n;
}

static irqreturn_t xibf_cmd_interrupt(int irq, void *dev_id)
{
	struct xibf_device *xdev = dev_id;
	unsigned int eoiflag = XEN_EOI_FLAG_SPURIOUS;
	unsigned long flags;

	spin_lock_irqsave(&xdev->ring_lock, flags);
	if (!xdev->dead && xibf_cmd_responses(xdev))
		eoiflag = 0;
	spin_unlock_irqrestore(&xdev->ring_lock, flags);

	xen_irq_lateeoi(irq, eoiflag);
	return IRQ_HANDLED;
}

/* Takes a free slot for @cmd.  Must hold ring_lock. */
static int xibf_cmd_get_slot(struct xibf_device *xdev, struct xibf_cmd *cmd,
			     unsigned int *idx)
{
	unsigned int i;

	lockdep_assert_held(&xdev->ring_lock);
	if (xdev->dead)
		return -ENODEV;
	if (xdev->nr_busy >= xdev->nr_slots)
		return -EBUSY;
	for (i = 0; i < xdev->nr_slots; i++) {
		if (!xdev->slots[i].cmd) {
			xdev->slots[i].cmd = cmd;
			xdev->slots[i].gen++;
			xdev->nr_busy++;
			*idx = i;
			return 0;
		}
	}
	return -EBUSY;
}

/* Frees the slot of @cmd.  Must hold ring_lock. */
static void xibf_cmd_put_slot(struct xibf_device *xdev, unsigned int idx)
{
	lockdep_assert_held(&xdev->ring_lock);
	xdev->slots[idx].cmd = NULL;
	xdev->nr_busy--;
	wake_up(&xdev->slot_wq);
}

static bool xibf_cmd_try_slot(struct xibf_device *xdev, struct xibf_cmd *cmd,
			      unsigned int *idx, int *err)
{
	unsigned long flags;

	spin_lock_irqsave(&xdev->ring_lock, flags);
	*err = xibf_cmd_get_slot(xdev, cmd, idx);
	spin_unlock_irqrestore(&xdev->ring_lock, flags);
	return *err != -EBUSY;
}

/**
 * xibf_cmd_exec() - send one command and wait for its response
 * @xdev: the device
 * @opcode: XEN_VIBIF_OP_*
 * @body: request body, copied into the ring slot (rest of the body zeroed)
 * @body_len: octets of @body, at most XEN_VIBIF_BODY_SIZE
 * @cmd: caller's command; on success @cmd->rsp holds the validated response
 *
 * Waits at most cmd_timeout_ms for a free slot and again for the response.
 * A timeout marks the device dead (the backend is considered hung).
 *
 * Return: 0 with a response whose status is XEN_VIBIF_OK; the errno of
 * the wire status for other statuses; -ENODEV if the channel is down;
 * -EIO if the backend is broken; -ETIMEDOUT if it did not answer.
 *
 * Context: process context, may sleep.
 */
int xibf_cmd_exec(struct xibf_device *xdev, u16 opcode, const void *body,
		  size_t body_len, struct xibf_cmd *cmd)
{
	if (body_len > XEN_VIBIF_BODY_SIZE)
		return -EINVAL;

	memset(&cmd->req, 0, sizeof(cmd->req));
	cmd->req.hdr.opcode = cpu_to_le16(opcode);
	if (body_len)
		memcpy(&cmd->req.u, body, body_len);
	/* The caller's cmd is uninitialised: its response is checked. */
	cmd->raw = false;
	return xibf_cmd_exec_req(xdev, cmd);
}

/**
 * xibf_cmd_exec_req() - send the request in @cmd->req and wait
 * @xdev: the device
 * @cmd: caller's command, @cmd->req filled in (its id is set here)
 *
 * As xibf_cmd_exec(), for a request built whole by the caller (raw.c).
 *
 * Return: as xibf_cmd_exec().
 *
 * Context: process context, may sleep.
 */
int xibf_cmd_exec_req(struct xibf_device *xdev, struct xibf_cmd *cmd)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(xibf_cmd_timeout_ms));
	u16 opcode = le16_to_cpu(cmd->req.hdr.opcode);
	struct xen_vibif_request *req;
	unsigned long flags;
	unsigned int idx = 0;
	bool timed_out;
	int notify;
	int err;

	init_completion(&cmd->done);
	cmd->opcode = opcode;
	cmd->err = -EIO;

	if (!wait_event_timeout(xdev->slot_wq,
				xibf_cmd_try_slot(xdev, cmd, &idx, &err),
				timeout)) {
		atomic64_inc(&xdev->stats.timeouts);
		xibf_cmd_mark_broken(xdev, -ETIMEDOUT,
				     "no free command slot in time");
		return -ETIMEDOUT;
	}
	if (err)
		return err;

	spin_lock_irqsave(&xdev->ring_lock, flags);
	if (xdev->dead) {
		xibf_cmd_put_slot(xdev, idx);
		spin_unlock_irqrestore(&xdev->ring_lock, flags);
		return -ENODEV;
	}
	cmd->req.hdr.id = cpu_to_le64(xibf_cmd_id(idx, xdev->slots[idx].gen));
	req = RING_GET_REQUEST(&xdev->ring, xdev->ring.req_prod_pvt);
	memcpy(req, &cmd->req, sizeof(*req));
	xdev->ring.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xdev->ring, notify);
	spin_unlock_irqrestore(&xdev->ring_lock, flags);
	atomic64_inc(&xdev->stats.requests);
	if (notify)
		notify_remote_via_irq(xdev->irq);

	timed_out = !wait_for_completion_timeout(&cmd->done, timeout);

	spin_lock_irqsave(&xdev->ring_lock, flags);
	/* A response may have raced with the timeout: take it. */
	if (timed_out && completion_done(&cmd->done))
		timed_out = false;
	xibf_cmd_put_slot(xdev, idx);
	spin_unlock_irqrestore(&xdev->ring_lock, flags);

	if (timed_out) {
		atomic64_inc(&xdev->stats.timeouts);
		dev_err_ratelimited(&xdev->xbdev->dev,
				    "opcode %u timed out after %u ms\n",
				    opcode, xibf_cmd_timeout_ms);
		xibf_cmd_mark_broken(xdev, -ETIMEDOUT, "command timeout");
		return -ETIMEDOUT;
	}
	if (cmd->err)
		return cmd->err;
	return xenib_status_to_errno(le32_to_cpu(cmd->rsp.hdr.status));
}

static void xibf_cmd_unbind(struct xibf_device *xdev)
{
	if (xdev->irq > 0) {
		unbind_from_irqhandler(xdev->irq, xdev);
		xdev->irq = 0;
		xdev->evtchn = 0;
	}
}

/**
 * xibf_cmd_setup() - allocate the control ring and its event channel
 * @xdev: the device, with no channel set up
 *
 * Grants 2^ring_page_order ring pages (already clamped by the caller in
 * @xdev->nr_ring_pages) to the backend, allocates and binds the control
 * event channel.  On failure everything is undone and the error has been
 * reported with xenbus_dev_fatal().  The event ring is xibf_event_setup()'s.
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context (xenwatch), may sleep.
 */
int xibf_cmd_setup(struct xibf_device *xdev)
{
	struct xenbus_device *dev = xdev->xbdev;
	struct xen_vibif_cmd_sring *sring;
	unsigned int nr_slots;
	int err;

	err = xenbus_setup_ring(dev, GFP_KERNEL, (void **)&sring,
				xdev->nr_ring_pages, xdev->ring_refs);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&xdev->ring, sring,
			    XEN_PAGE_SIZE * xdev->nr_ring_pages);

	nr_slots = RING_SIZE(&xdev->ring);
	xdev->slots = kcalloc(nr_slots, sizeof(*xdev->slots), GFP_KERNEL);
	if (!xdev->slots) {
		err = -ENOMEM;
		xenbus_dev_fatal(dev, err, "allocating command slots");
		goto err_teardown_ring;
	}

	spin_lock_irq(&xdev->ring_lock);
	xdev->nr_slots = nr_slots;
	xdev->nr_busy = 0;
	xdev->dead = false;
	xdev->broken = false;
	spin_unlock_irq(&xdev->ring_lock);

	err = xenbus_alloc_evtchn(dev, &xdev->evtchn);
	if (err)
		goto err_free_slots;
	err = bind_evtchn_to_irqhandler_lateeoi(xdev->evtchn,
						xibf_cmd_interrupt, 0,
						"xenib-ctrl", xdev);
	if (err < 0) {
		xenbus_free_evtchn(dev, xdev->evtchn);
		xenbus_dev_fatal(dev, err, "binding the control event channel");
		goto err_free_slots;
	}
	xdev->irq = err;
	return 0;

err_free_slots:
	spin_lock_irq(&xdev->ring_lock);
	xdev->dead = true;
	xdev->nr_slots = 0;
	spin_unlock_irq(&xdev->ring_lock);
	kfree(xdev->slots);
	xdev->slots = NULL;
err_teardown_ring:
	xenbus_teardown_ring((void **)&xdev->ring.sring, xdev->nr_ring_pages,
			     xdev->ring_refs);
	return err;
}

/**
 * xibf_cmd_teardown() - free what xibf_cmd_setup() allocated
 * @xdev: the device
 *
 * Kills the channel first, so no waiter is left behind, then unbinds the
 * control event channel and ends the ring's grants.  Safe on a half-built or already
 * torn-down channel.  The caller must make sure nobody is inside
 * xibf_cmd_exec() any more (the ib_device is unregistered and
 * connect_work is not running).
 *
 * Context: process context, may sleep.
 */
void xibf_cmd_teardown(struct xibf_device *xdev)
{
	xibf_cmd_kill(xdev, -ENODEV);
	xibf_cmd_unbind(xdev);

	spin_lock_irq(&xdev->ring_lock);
	xdev->nr_slots = 0;
	spin_unlock_irq(&xdev->ring_lock);
	kfree(xdev->slots);
	xdev->slots = NULL;

	if (xdev->ring.sring)
		xenbus_teardown_ring((void **)&xdev->ring.sring,
				     xdev->nr_ring_pages, xdev->ring_refs);
}
