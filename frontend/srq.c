// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: shared receive queues (user SRQs only), offered when the
 * backend reports XEN_VIBIF_DEVCAP_SRQ.  Like a QP's receive queue: userlib
 * owns the buffer and posts into it; the frontend pins and grants it and
 * gives the SRQ a doorbell index.  post_srq_recv exists for the kick only.
 * A resize (modify_srq with IB_SRQ_MAX_WR, XEN_VIBIF_DEVCAP_RESIZE_SRQ)
 * brings a new buffer from userlib, as RESIZE_CQ does.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include "ring.h"

static_assert(XEN_VIBIF_SRQ_ATTR_MAX_WR == IB_SRQ_MAX_WR);
static_assert(XEN_VIBIF_SRQ_ATTR_LIMIT == IB_SRQ_LIMIT);

/**
 * xibf_create_srq() - ib_device_ops.create_srq
 * @ibsrq: the SRQ, allocated by the RDMA core
 * @init: IB_SRQT_BASIC, max_wr, max_sge, srq_limit; granted values on
 *	return
 * @udata: struct xenib_create_srq in, struct xenib_create_srq_resp out
 *
 * Return: 0 or a negative errno; -EOPNOTSUPP for a kernel SRQ or another
 * SRQ type.
 *
 * Context: process context (uverbs), may sleep.
 */
int xibf_create_srq(struct ib_srq *ibsrq, struct ib_srq_init_attr *init,
		    struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibsrq->device);
	struct xibf_ucontext *uc = rdma_udata_to_drv_context(udata,
					struct xibf_ucontext, ibuc);
	struct xenib_create_srq_resp resp = {};
	struct xibf_srq *srq = to_xsrq(ibsrq);
	struct xen_vibif_create_srq_req *req;
	struct xenib_create_srq ucmd;
	struct xibf_cmd *cmd;
	int err;

	if (!uc || init->srq_type != IB_SRQT_BASIC)
		return -EOPNOTSUPP;
	err = xibf_udata_in(udata, &ucmd, sizeof(ucmd));
	if (err)
		return err;
	if (ucmd.wqe_shift < XENIB_RQ_WQE_SHIFT_MIN ||
	    ucmd.wqe_shift > XENIB_RQ_WQE_SHIFT_MAX ||
	    ucmd.log_nslots > XENIB_MAX_LOG_NSLOTS || !ucmd.buf_addr ||
	    !PAGE_ALIGNED(ucmd.buf_addr) ||
	    ucmd.buf_size != PAGE_ALIGN(xenib_queue_bytes(ucmd.log_nslots,
							  ucmd.wqe_shift)))
		return -EINVAL;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!req || !cmd) {
		err = -ENOMEM;
		goto out_free;
	}
	err = xibf_db_get(uc, &srq->db_index);
	if (err)
		goto out_free;
	srq->uc = uc;
	mutex_init(&srq->lock);
	srq->wqe_shift = ucmd.wqe_shift;
	err = xibf_pgdir_get(xdev, &srq->buf, ucmd.buf_addr, ucmd.buf_size,
			     IB_ACCESS_LOCAL_WRITE, false);
	if (err)
		goto err_put_db;

	req->ucontext = cpu_to_le32(uc->handle);
	req->pd = cpu_to_le32(to_xpd(ibsrq->pd)->handle);
	req->db_index = cpu_to_le32(srq->db_index);
	req->max_wr = cpu_to_le32(init->attr.max_wr);
	req->max_sge = cpu_to_le32(init->attr.max_sge);
	req->srq_limit = cpu_to_le32(init->attr.srq_limit);
	req->wqe_shift = ucmd.wqe_shift;
	req->log_nslots = ucmd.log_nslots;
	req->pgdir = srq->buf.wire;
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_CREATE_SRQ, req, sizeof(*req),
			    cmd);
	if (err)
		goto err_put_buf;
	srq->handle = le32_to_cpu(cmd->rsp.u.create_srq.srq);
	init->attr.max_wr = le32_to_cpu(cmd->rsp.u.create_srq.max_wr);
	init->attr.max_sge = le32_to_cpu(cmd->rsp.u.create_srq.max_sge);

	err = xa_insert_irq(&xdev->srq_xa, srq->handle, srq, GFP_KERNEL);
	if (err)
		goto err_destroy;
	resp.srqn = le32_to_cpu(cmd->rsp.u.create_srq.srqn);
	resp.srq_handle = srq->handle;
	resp.db_index = srq->db_index;
	err = xibf_udata_out(udata, &resp, sizeof(resp));
	if (err) {
		xa_erase_irq(&xdev->srq_xa, srq->handle);
		goto err_destroy;
	}
	goto out_free;

err_destroy:
	xibf_destroy_handle(xdev, XEN_VIBIF_OP_DESTROY_SRQ, srq->handle);
err_put_buf:
	xibf_pgdir_put(&srq->buf);
err_put_db:
	xibf_db_put(uc, srq->db_index);
out_free:
	kfree(cmd);
	kfree(req);
	return err;
}

/* RESIZE_SRQ with the new buffer userlib passed in @udata. */
static int xibf_resize_srq(struct xibf_device *xdev, struct xibf_srq *srq,
			   u32 max_wr, struct ib_udata *udata)
{
	struct xen_vibif_resize_srq_req *req;
	struct xenib_modify_srq ucmd;
	struct xibf_pgdir buf = {}, old;
	struct xibf_cmd *cmd;
	int err;

	if (!(xdev->devcap & XEN_VIBIF_DEVCAP_RESIZE_SRQ))
		return -EOPNOTSUPP;
	err = xibf_udata_in(udata, &ucmd, sizeof(ucmd));
	if (err)
		return err;
	if (ucmd.wqe_shift != srq->wqe_shift ||
	    ucmd.log_nslots > XENIB_MAX_LOG_NSLOTS ||
	    max_wr < 1 || max_wr > BIT(ucmd.log_nslots) ||
	    max_wr > xdev->attr.max_srq_wr || !ucmd.buf_addr ||
	    !PAGE_ALIGNED(ucmd.buf_addr) ||
	    ucmd.buf_size != PAGE_ALIGN(xenib_queue_bytes(ucmd.log_nslots,
							  ucmd.wqe_shift)))
		return -EINVAL;
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
	mutex_lock(&srq->lock);
	req->srq = cpu_to_le32(srq->handle);
	req->max_wr = cpu_to_le32(max_wr);
	req->log_nslots = ucmd.log_nslots;
	req->wqe_shift = ucmd.wqe_shift;
	req->pgdir = buf.wire;
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_RESIZE_SRQ, req, sizeof(*req),
			    cmd);
	if (err) {
		mutex_unlock(&srq->lock);
		xibf_pgdir_put(&buf);
		goto out_free;
	}
	old = srq->buf;
	srq->buf = buf;
	mutex_unlock(&srq->lock);
	xibf_pgdir_put(&old);
out_free:
	kfree(cmd);
	kfree(req);
	return err;
}

/**
 * xibf_modify_srq() - ib_device_ops.modify_srq
 * @ibsrq: the SRQ
 * @attr: new depth and/or limit
 * @mask: IB_SRQ_MAX_WR (a resize, with struct xenib_modify_srq in @udata)
 *	and/or IB_SRQ_LIMIT
 * @udata: driver data of a resize
 *
 * A resize comes first, so that a limit may refer to the new depth.
 *
 * Return: 0 or a negative errno; -EOPNOTSUPP for a resize the backend
 * does not offer.
 *
 * Context: process context, may sleep.
 */
int xibf_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		    enum ib_srq_attr_mask mask, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibsrq->device);
	struct xen_vibif_modify_srq_req req = {};
	struct xibf_cmd *cmd;
	int err;

	if (!mask || (mask & ~(IB_SRQ_MAX_WR | IB_SRQ_LIMIT)))
		return -EINVAL;
	if (mask & IB_SRQ_MAX_WR) {
		err = xibf_resize_srq(xdev, to_xsrq(ibsrq), attr->max_wr, udata);
		if (err || !(mask & IB_SRQ_LIMIT))
			return err;
	}
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	req.srq = cpu_to_le32(to_xsrq(ibsrq)->handle);
	req.attr_mask = cpu_to_le32(XEN_VIBIF_SRQ_ATTR_LIMIT);
	req.srq_limit = cpu_to_le32(attr->srq_limit);
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_MODIFY_SRQ, &req, sizeof(req),
			    cmd);
	kfree(cmd);
	return err;
}

/**
 * xibf_query_srq() - ib_device_ops.query_srq
 * @ibsrq: the SRQ
 * @attr: filled with max_wr, max_sge, srq_limit
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr)
{
	struct xen_vibif_handle_req req = {};
	struct xibf_cmd cmd;
	int err;

	req.handle = cpu_to_le32(to_xsrq(ibsrq)->handle);
	err = xibf_cmd_exec(to_xdev(ibsrq->device), XEN_VIBIF_OP_QUERY_SRQ,
			    &req, sizeof(req), &cmd);
	if (err)
		return err;
	attr->max_wr = le32_to_cpu(cmd.rsp.u.query_srq.max_wr);
	attr->max_sge = le32_to_cpu(cmd.rsp.u.query_srq.max_sge);
	attr->srq_limit = le32_to_cpu(cmd.rsp.u.query_srq.srq_limit);
	return 0;
}

/**
 * xibf_destroy_srq() - ib_device_ops.destroy_srq
 * @ibsrq: the SRQ
 * @udata: unused
 *
 * Return: 0, or -EBUSY if a QP still uses the SRQ.
 *
 * Context: process context, may sleep.
 */
int xibf_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibsrq->device);
	struct xibf_srq *srq = to_xsrq(ibsrq);
	int err;

	err = xibf_destroy_handle(xdev, XEN_VIBIF_OP_DESTROY_SRQ, srq->handle);
	if (err)
		return err;
	xa_erase_irq(&xdev->srq_xa, srq->handle);
	xibf_pgdir_put(&srq->buf);
	xibf_db_put(srq->uc, srq->db_index);
	return 0;
}

/**
 * xibf_post_srq_recv() - ib_device_ops.post_srq_recv: the kick only
 * @ibsrq: the SRQ
 * @wr: NULL (userlib's kick); anything else is refused
 * @bad_wr: set to @wr on error
 *
 * Return: 0, -ENODEV, or -EOPNOTSUPP for a work request list.
 *
 * Context: any.
 */
int xibf_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
		       const struct ib_recv_wr **bad_wr)
{
	if (wr) {
		*bad_wr = wr;
		return -EOPNOTSUPP;
	}
	return xibf_kick(to_xdev(ibsrq->device));
}
