// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: shared receive queues (user SRQs only), offered when the
 * backend reports XEN_VIBIF_DEVCAP_SRQ.  Like a QP's receive queue: userlib
 * owns the buffer and posts into it; the frontend pins and grants it and
 * gives the SRQ a doorbell index.  post_srq_recv exists for the kick only.
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

/**
 * xibf_modify_srq() - ib_device_ops.modify_srq
 * @ibsrq: the SRQ
 * @attr: new limit
 * @mask: IB_SRQ_LIMIT only (no resize in version 1)
 * @udata: unused
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		    enum ib_srq_attr_mask mask, struct ib_udata *udata)
{
	struct xen_vibif_modify_srq_req req = {};
	struct xibf_cmd cmd;

	if (mask != IB_SRQ_LIMIT)
		return -EOPNOTSUPP;
	req.srq = cpu_to_le32(to_xsrq(ibsrq)->handle);
	req.attr_mask = cpu_to_le32(XEN_VIBIF_SRQ_ATTR_LIMIT);
	req.srq_limit = cpu_to_le32(attr->srq_limit);
	return xibf_cmd_exec(to_xdev(ibsrq->device), XEN_VIBIF_OP_MODIFY_SRQ,
			     &req, sizeof(req), &cmd);
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
