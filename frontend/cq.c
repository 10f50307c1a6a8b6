// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: completion queues.
 *
 * Only user CQs exist in version 1: userlib allocates the CQ buffer (queue
 * header + 2^log_nslots CQEs), the frontend pins and grants it, the backend
 * writes CQEs into it and userlib polls it without a system call.  Arming
 * happens in the buffer too; the backend's COMP event arrives on the event
 * ring and is delivered to cq->comp_handler (device.c).  Kernel CQs, and
 * so poll_cq and req_notify_cq, are refused.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include "ring.h"

/*
 * Checks a CQ buffer description from userlib, and the size asked for
 * against max_cqe as a native driver does (-EINVAL).
 */
static int xibf_cq_buf_check(struct xibf_device *xdev, u64 addr, u64 size,
			     u32 log_nslots, int cqe)
{
	if (log_nslots > XENIB_MAX_LOG_NSLOTS || cqe < 1 ||
	    (u32)cqe > BIT(log_nslots) || cqe > xdev->attr.max_cqe)
		return -EINVAL;
	if (!addr || !PAGE_ALIGNED(addr) ||
	    size != PAGE_ALIGN(xenib_queue_bytes(log_nslots, XENIB_CQE_SHIFT)))
		return -EINVAL;
	return 0;
}

/**
 * xibf_create_cq() - ib_device_ops.create_cq
 * @ibcq: the CQ, allocated by the RDMA core
 * @attr: cqe, comp_vector; no flags
 * @arg: the udata (6.1) or the attribute bundle (6.11+), see xenib_front.h
 *
 * Return: 0 or a negative errno; -EOPNOTSUPP for a kernel CQ.
 *
 * Context: process context (uverbs), may sleep.
 */
int xibf_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		   struct xibf_create_cq_arg *arg)
{
	struct ib_udata *udata = xibf_create_cq_udata(arg);
	struct xibf_device *xdev = to_xdev(ibcq->device);
	struct xibf_ucontext *uc = rdma_udata_to_drv_context(udata,
					struct xibf_ucontext, ibuc);
	struct xen_vibif_create_cq_req *req;
	struct xenib_create_cq_resp resp = {};
	struct xibf_cq *cq = to_xcq(ibcq);
	struct xenib_create_cq ucmd;
	struct xibf_cmd *cmd;
	int err;

	if (!uc)
		return -EOPNOTSUPP;
	if (attr->flags)
		return -EOPNOTSUPP;
	err = xibf_udata_in(udata, &ucmd, sizeof(ucmd));
	if (err)
		return err;
	if (ucmd.reserved)
		return -EINVAL;
	err = xibf_cq_buf_check(xdev, ucmd.buf_addr, ucmd.buf_size,
				ucmd.log_nslots, attr->cqe);
	if (err)
		return err;
	if (attr->comp_vector >= xdev->ibdev.num_comp_vectors)
		return -EINVAL;

	mutex_init(&cq->lock);
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!req || !cmd) {
		err = -ENOMEM;
		goto out_free;
	}
	err = xibf_pgdir_get(xdev, &cq->buf, ucmd.buf_addr, ucmd.buf_size,
			     IB_ACCESS_LOCAL_WRITE, false);
	if (err)
		goto out_free;

	req->ucontext = cpu_to_le32(uc->handle);
	req->comp_vector = cpu_to_le32(attr->comp_vector);
	req->log_nslots = ucmd.log_nslots;
	req->pgdir = cq->buf.wire;
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_CREATE_CQ, req, sizeof(*req),
			    cmd);
	if (err)
		goto err_put_buf;
	cq->handle = le32_to_cpu(cmd->rsp.u.create_cq.cq);
	cq->log_nslots = ucmd.log_nslots;
	ibcq->cqe = le32_to_cpu(cmd->rsp.u.create_cq.cqe);

	err = xa_insert_irq(&xdev->cq_xa, cq->handle, cq, GFP_KERNEL);
	if (err)
		goto err_destroy;
	resp.cq_handle = cq->handle;
	resp.cqe = ibcq->cqe;
	err = xibf_udata_out(udata, &resp, sizeof(resp));
	if (err) {
		xa_erase_irq(&xdev->cq_xa, cq->handle);
		goto err_destroy;
	}
	goto out_free;

err_destroy:
	xibf_destroy_handle(xdev, XEN_VIBIF_OP_DESTROY_CQ, cq->handle);
err_put_buf:
	xibf_pgdir_put(&cq->buf);
out_free:
	kfree(cmd);
	kfree(req);
	return err;
}

/**
 * xibf_resize_cq() - ib_device_ops.resize_cq (XEN_VIBIF_DEVCAP_RESIZE_CQ)
 * @ibcq: the CQ
 * @cqe: new minimum size
 * @udata: struct xenib_resize_cq
 *
 * The backend moves the unconsumed CQEs into the new buffer; on success
 * the old buffer is released.
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_resize_cq(struct ib_cq *ibcq, int cqe, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibcq->device);
	struct xen_vibif_resize_cq_req *req;
	struct xibf_cq *cq = to_xcq(ibcq);
	struct xibf_pgdir buf = {}, old;
	struct xenib_resize_cq ucmd;
	struct xibf_cmd *cmd;
	int err;

	err = xibf_udata_in(udata, &ucmd, sizeof(ucmd));
	if (err)
		return err;
	if (ucmd.reserved)
		return -EINVAL;
	err = xibf_cq_buf_check(xdev, ucmd.buf_addr, ucmd.buf_size,
				ucmd.log_nslots, cqe);
	if (err)
		return err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!req || !cmd) {
		err = -ENOMEM;
		goto out_free;
	}
	err = xibf_pgdir_get(xdev, &buf, ucmd.buf_addr, ucmd.buf_size,
			     IB_ACCESS_LOCAL_WRITE, false);
	if (err)
		goto out_free;

	mutex_lock(&cq->lock);
	req->cq = cpu_to_le32(cq->handle);
	req->log_nslots = ucmd.log_nslots;
	req->pgdir = buf.wire;
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_RESIZE_CQ, req, sizeof(*req),
			    cmd);
	if (err) {
		mutex_unlock(&cq->lock);
		xibf_pgdir_put(&buf);
		goto out_free;
	}
	old = cq->buf;
	cq->buf = buf;
	cq->log_nslots = ucmd.log_nslots;
	ibcq->cqe = le32_to_cpu(cmd->rsp.u.resize_cq.cqe);
	mutex_unlock(&cq->lock);
	xibf_pgdir_put(&old);
out_free:
	kfree(cmd);
	kfree(req);
	return err;
}

/**
 * xibf_destroy_cq() - ib_device_ops.destroy_cq
 * @ibcq: the CQ
 * @udata: unused
 *
 * Return: 0, or -EBUSY if a QP still uses the CQ.
 *
 * Context: process context, may sleep.
 */
int xibf_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibcq->device);
	struct xibf_cq *cq = to_xcq(ibcq);
	int err;

	err = xibf_destroy_handle(xdev, XEN_VIBIF_OP_DESTROY_CQ, cq->handle);
	if (err)
		return err;
	/* After this no event handler sees the CQ. */
	xa_erase_irq(&xdev->cq_xa, cq->handle);
	xibf_pgdir_put(&cq->buf);
	return 0;
}

/**
 * xibf_poll_cq() - ib_device_ops.poll_cq, for kernel CQs
 * @ibcq: the CQ
 * @num_entries: unused
 * @wc: unused
 *
 * Return: -EOPNOTSUPP: version 1 has no kernel CQs (userlib polls user CQs
 * in user space).
 *
 * Context: any.
 */
int xibf_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc)
{
	return -EOPNOTSUPP;
}

/**
 * xibf_req_notify_cq() - ib_device_ops.req_notify_cq, for kernel CQs
 * @ibcq: the CQ
 * @flags: unused
 *
 * Return: -EOPNOTSUPP, as xibf_poll_cq().
 *
 * Context: any.
 */
int xibf_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags)
{
	return -EOPNOTSUPP;
}
