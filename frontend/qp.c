// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: queue pairs (RC, UC, UD; user QPs only).
 *
 * userlib allocates the send and receive queue buffers; the frontend pins
 * and grants them, gives the QP a doorbell index of its user context and
 * sends CREATE_QP.  The backend creates a shadow QP on the real device; its
 * QP number is the guest's.  MODIFY_QP and QUERY_QP carry the attributes
 * as the wire defines them (the mask bits and enums are the kernel's
 * numbers, asserted below).
 *
 * post_send and post_recv exist only for the kick: userlib posts WQEs into
 * the shared queues itself and calls ibv_cmd_post_send() with no work
 * request when the backend's engine sleeps; that arrives here with
 * wr == NULL and becomes a notification on event-channel-data.  Work
 * request lists (kernel QPs) are refused.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <xen/events.h>

#include "ring.h"

static_assert(XEN_VIBIF_QPT_RC == IB_QPT_RC);
static_assert(XEN_VIBIF_QPT_UC == IB_QPT_UC);
static_assert(XEN_VIBIF_QPT_UD == IB_QPT_UD);
static_assert(XEN_VIBIF_QP_STATE_ERR == IB_QPS_ERR);
static_assert(XEN_VIBIF_QP_STATE_SQE == IB_QPS_SQE);
static_assert(XEN_VIBIF_MIG_ARMED == IB_MIG_ARMED);
static_assert(XEN_VIBIF_QP_ATTR_STATE == IB_QP_STATE);
static_assert(XEN_VIBIF_QP_ATTR_CUR_STATE == IB_QP_CUR_STATE);
static_assert(XEN_VIBIF_QP_ATTR_EN_SQD_ASYNC_NOTIFY ==
	      IB_QP_EN_SQD_ASYNC_NOTIFY);
static_assert(XEN_VIBIF_QP_ATTR_ACCESS_FLAGS == IB_QP_ACCESS_FLAGS);
static_assert(XEN_VIBIF_QP_ATTR_PKEY_INDEX == IB_QP_PKEY_INDEX);
static_assert(XEN_VIBIF_QP_ATTR_PORT == IB_QP_PORT);
static_assert(XEN_VIBIF_QP_ATTR_QKEY == IB_QP_QKEY);
static_assert(XEN_VIBIF_QP_ATTR_AV == IB_QP_AV);
static_assert(XEN_VIBIF_QP_ATTR_PATH_MTU == IB_QP_PATH_MTU);
static_assert(XEN_VIBIF_QP_ATTR_TIMEOUT == IB_QP_TIMEOUT);
static_assert(XEN_VIBIF_QP_ATTR_RETRY_CNT == IB_QP_RETRY_CNT);
static_assert(XEN_VIBIF_QP_ATTR_RNR_RETRY == IB_QP_RNR_RETRY);
static_assert(XEN_VIBIF_QP_ATTR_RQ_PSN == IB_QP_RQ_PSN);
static_assert(XEN_VIBIF_QP_ATTR_MAX_QP_RD_ATOMIC == IB_QP_MAX_QP_RD_ATOMIC);
static_assert(XEN_VIBIF_QP_ATTR_ALT_PATH == IB_QP_ALT_PATH);
static_assert(XEN_VIBIF_QP_ATTR_MIN_RNR_TIMER == IB_QP_MIN_RNR_TIMER);
static_assert(XEN_VIBIF_QP_ATTR_SQ_PSN == IB_QP_SQ_PSN);
static_assert(XEN_VIBIF_QP_ATTR_MAX_DEST_RD_ATOMIC ==
	      IB_QP_MAX_DEST_RD_ATOMIC);
static_assert(XEN_VIBIF_QP_ATTR_PATH_MIG_STATE == IB_QP_PATH_MIG_STATE);
static_assert(XEN_VIBIF_QP_ATTR_CAP == IB_QP_CAP);
static_assert(XEN_VIBIF_QP_ATTR_DEST_QPN == IB_QP_DEST_QPN);

/* A work queue buffer from userlib: shape within the ABI, exact size. */
static int xibf_wq_buf_check(u64 addr, u64 size, u32 log_nslots, u32 shift,
			     u32 shift_min, u32 shift_max)
{
	if (shift < shift_min || shift > shift_max ||
	    log_nslots > XENIB_MAX_LOG_NSLOTS)
		return -EINVAL;
	if (!addr || !PAGE_ALIGNED(addr) ||
	    size != PAGE_ALIGN(xenib_queue_bytes(log_nslots, shift)))
		return -EINVAL;
	return 0;
}

static int xibf_qp_ucmd_check(const struct xenib_create_qp *u, bool srq)
{
	int err;

	err = xibf_wq_buf_check(u->sq_buf_addr, u->sq_buf_size,
				u->sq_log_nslots, u->sq_wqe_shift,
				XENIB_SQ_WQE_SHIFT_MIN, XENIB_SQ_WQE_SHIFT_MAX);
	if (err)
		return err;
	if (srq)
		return u->rq_buf_addr || u->rq_buf_size || u->rq_wqe_shift ||
		       u->rq_log_nslots ? -EINVAL : 0;
	return xibf_wq_buf_check(u->rq_buf_addr, u->rq_buf_size,
				 u->rq_log_nslots, u->rq_wqe_shift,
				 XENIB_RQ_WQE_SHIFT_MIN, XENIB_RQ_WQE_SHIFT_MAX);
}

static void xibf_cap_from_wire(const struct xen_vibif_qp_cap *w,
			       struct ib_qp_cap *cap)
{
	cap->max_send_wr = le32_to_cpu(w->max_send_wr);
	cap->max_recv_wr = le32_to_cpu(w->max_recv_wr);
	cap->max_send_sge = le32_to_cpu(w->max_send_sge);
	cap->max_recv_sge = le32_to_cpu(w->max_recv_sge);
	cap->max_inline_data = le32_to_cpu(w->max_inline_data);
}

static void xibf_qp_put_bufs(struct xibf_qp *qp)
{
	xibf_pgdir_put(&qp->rq);
	xibf_pgdir_put(&qp->sq);
	xibf_db_put(qp->uc, qp->db_index);
}

static int xibf_qp_send_create(struct xibf_device *xdev, struct xibf_qp *qp,
			       struct xibf_ucontext *uc,
			       struct ib_qp_init_attr *init,
			       const struct xenib_create_qp *u)
{
	struct xen_vibif_create_qp_req *req;
	struct xibf_cmd *cmd;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!req || !cmd) {
		err = -ENOMEM;
		goto out_free;
	}
	req->ucontext = cpu_to_le32(uc->handle);
	req->pd = cpu_to_le32(to_xpd(qp->ibqp.pd)->handle);
	req->send_cq = cpu_to_le32(to_xcq(init->send_cq)->handle);
	req->recv_cq = cpu_to_le32(to_xcq(init->recv_cq)->handle);
	req->srq = cpu_to_le32(init->srq ? to_xsrq(init->srq)->handle :
					   XEN_VIBIF_HANDLE_NONE);
	req->db_index = cpu_to_le32(qp->db_index);
	req->qp_type = init->qp_type;
	req->sq_sig_all = init->sq_sig_type == IB_SIGNAL_ALL_WR;
	req->sq_wqe_shift = u->sq_wqe_shift;
	req->rq_wqe_shift = u->rq_wqe_shift;
	req->sq_log_nslots = u->sq_log_nslots;
	req->rq_log_nslots = u->rq_log_nslots;
	req->cap.max_send_wr = cpu_to_le32(init->cap.max_send_wr);
	req->cap.max_send_sge = cpu_to_le32(init->cap.max_send_sge);
	/*
	 * A QP on an SRQ has no receive queue: native devices ignore the
	 * receive capacities then (UCX asks for max_recv_sge 1 with an SRQ),
	 * the wire wants them zero.
	 */
	if (!init->srq) {
		req->cap.max_recv_wr = cpu_to_le32(init->cap.max_recv_wr);
		req->cap.max_recv_sge = cpu_to_le32(init->cap.max_recv_sge);
	}
	req->cap.max_inline_data = cpu_to_le32(init->cap.max_inline_data);
	req->sq_pgdir = qp->sq.wire;
	req->rq_pgdir = qp->rq.wire;

	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_CREATE_QP, req, sizeof(*req),
			    cmd);
	if (err)
		goto out_free;
	qp->handle = le32_to_cpu(cmd->rsp.u.create_qp.qp);
	qp->ibqp.qp_num = le32_to_cpu(cmd->rsp.u.create_qp.qpn);
	qp->sq_sig_all = req->sq_sig_all;
	xibf_cap_from_wire(&cmd->rsp.u.create_qp.cap, &qp->cap);
	/* With an SRQ the receive capacities stay as asked, as natively. */
	if (init->srq) {
		qp->cap.max_recv_wr = init->cap.max_recv_wr;
		qp->cap.max_recv_sge = init->cap.max_recv_sge;
	}
	init->cap = qp->cap;
out_free:
	kfree(cmd);
	kfree(req);
	return err;
}

/**
 * xibf_create_qp() - ib_device_ops.create_qp
 * @ibqp: the QP, allocated by the RDMA core
 * @init: type (RC, UC, UD), CQs, SRQ, capacities; granted caps on return
 * @udata: struct xenib_create_qp in, struct xenib_create_qp_resp out
 *
 * Return: 0 or a negative errno; -EOPNOTSUPP for a kernel QP or another
 * QP type.
 *
 * Context: process context (uverbs), may sleep.
 */
int xibf_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *init,
		   struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibqp->device);
	struct xibf_ucontext *uc = rdma_udata_to_drv_context(udata,
					struct xibf_ucontext, ibuc);
	struct xenib_create_qp_resp resp = {};
	struct xibf_qp *qp = to_xqp(ibqp);
	struct xenib_create_qp ucmd;
	int err;

	if (!uc)
		return -EOPNOTSUPP;
	if (init->qp_type != IB_QPT_RC && init->qp_type != IB_QPT_UC &&
	    init->qp_type != IB_QPT_UD)
		return -EOPNOTSUPP;
	if (init->create_flags || !init->send_cq || !init->recv_cq)
		return -EOPNOTSUPP;
	err = xibf_udata_in(udata, &ucmd, sizeof(ucmd));
	if (err)
		return err;
	err = xibf_qp_ucmd_check(&ucmd, init->srq);
	if (err)
		return err;

	err = xibf_db_get(uc, &qp->db_index);
	if (err)
		return err;
	qp->uc = uc;
	err = xibf_pgdir_get(xdev, &qp->sq, ucmd.sq_buf_addr, ucmd.sq_buf_size,
			     IB_ACCESS_LOCAL_WRITE, false);
	if (err)
		goto err_put_bufs;
	if (!init->srq) {
		err = xibf_pgdir_get(xdev, &qp->rq, ucmd.rq_buf_addr,
				     ucmd.rq_buf_size, IB_ACCESS_LOCAL_WRITE,
				     false);
		if (err)
			goto err_put_bufs;
	}
	err = xibf_qp_send_create(xdev, qp, uc, init, &ucmd);
	if (err)
		goto err_put_bufs;

	err = xa_insert_irq(&xdev->qp_xa, qp->handle, qp, GFP_KERNEL);
	if (err)
		goto err_destroy;
	resp.qpn = qp->ibqp.qp_num;
	resp.qp_handle = qp->handle;
	resp.db_index = qp->db_index;
	err = xibf_udata_out(udata, &resp, sizeof(resp));
	if (err) {
		xa_erase_irq(&xdev->qp_xa, qp->handle);
		goto err_destroy;
	}
	return 0;

err_destroy:
	xibf_destroy_handle(xdev, XEN_VIBIF_OP_DESTROY_QP, qp->handle);
err_put_bufs:
	xibf_qp_put_bufs(qp);
	return err;
}

static void xibf_attr_to_wire(struct xibf_device *xdev,
			      const struct ib_qp_attr *a, int mask,
			      struct xen_vibif_qp_attr *w)
{
	if (mask & IB_QP_STATE)
		w->qp_state = a->qp_state;
	if (mask & IB_QP_CUR_STATE)
		w->cur_qp_state = a->cur_qp_state;
	if (mask & IB_QP_EN_SQD_ASYNC_NOTIFY)
		w->en_sqd_async_notify = !!a->en_sqd_async_notify;
	/*
	 * Native drivers ignore access bits that mean nothing for a QP
	 * (LOCAL_WRITE, MW_BIND, the FLUSH bits on a device without
	 * flush); the wire takes what the backend can honour.
	 */
	if (mask & IB_QP_ACCESS_FLAGS)
		w->qp_access_flags = cpu_to_le32(a->qp_access_flags &
						 xibf_qp_access_mask(xdev));
	if (mask & IB_QP_PKEY_INDEX)
		w->pkey_index = cpu_to_le16(a->pkey_index);
	if (mask & IB_QP_PORT)
		w->port_num = a->port_num;
	if (mask & IB_QP_QKEY)
		w->qkey = cpu_to_le32(a->qkey);
	if (mask & IB_QP_AV)
		xibf_ah_attr_to_wire(xdev, &a->ah_attr, &w->ah_attr);
	if (mask & IB_QP_PATH_MTU)
		w->path_mtu = a->path_mtu;
	if (mask & IB_QP_TIMEOUT)
		w->timeout = a->timeout;
	if (mask & IB_QP_RETRY_CNT)
		w->retry_cnt = a->retry_cnt;
	if (mask & IB_QP_RNR_RETRY)
		w->rnr_retry = a->rnr_retry;
	if (mask & IB_QP_RQ_PSN)
		w->rq_psn = cpu_to_le32(a->rq_psn);
	if (mask & IB_QP_MAX_QP_RD_ATOMIC)
		w->max_rd_atomic = a->max_rd_atomic;
	if (mask & IB_QP_ALT_PATH) {
		xibf_ah_attr_to_wire(xdev, &a->alt_ah_attr, &w->alt_ah_attr);
		w->alt_port_num = a->alt_port_num;
		w->alt_timeout = a->alt_timeout;
		w->alt_pkey_index = cpu_to_le16(a->alt_pkey_index);
	}
	if (mask & IB_QP_MIN_RNR_TIMER)
		w->min_rnr_timer = a->min_rnr_timer;
	if (mask & IB_QP_SQ_PSN)
		w->sq_psn = cpu_to_le32(a->sq_psn);
	if (mask & IB_QP_MAX_DEST_RD_ATOMIC)
		w->max_dest_rd_atomic = a->max_dest_rd_atomic;
	if (mask & IB_QP_PATH_MIG_STATE)
		w->path_mig_state = a->path_mig_state;
	if (mask & IB_QP_DEST_QPN)
		w->dest_qp_num = cpu_to_le32(a->dest_qp_num);
}

/**
 * xibf_modify_qp() - ib_device_ops.modify_qp
 * @ibqp: the QP
 * @attr: new attributes
 * @attr_mask: IB_QP_* bits; IB_QP_CAP and bits the wire lacks are refused
 * @udata: unused
 *
 * The backend applies the attributes to its shadow QP, which decides
 * whether the transition is legal.
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
		   int attr_mask, struct ib_udata *udata)
{
	struct xen_vibif_modify_qp_req req = {};
	struct xibf_cmd cmd;

	if (!attr_mask || (attr_mask & ~XEN_VIBIF_QP_ATTR_MODIFY_ALL))
		return -EOPNOTSUPP;
	req.qp = cpu_to_le32(to_xqp(ibqp)->handle);
	req.attr_mask = cpu_to_le32(attr_mask);
	xibf_attr_to_wire(to_xdev(ibqp->device), attr, attr_mask, &req.attr);
	return xibf_cmd_exec(to_xdev(ibqp->device), XEN_VIBIF_OP_MODIFY_QP,
			     &req, sizeof(req), &cmd);
}

static void xibf_ah_attr_from_wire(struct ib_device *ibdev,
				   const struct xen_vibif_ah_attr *w,
				   struct rdma_ah_attr *ah)
{
	memset(ah, 0, sizeof(*ah));
	ah->type = rdma_ah_find_type(ibdev, 1);
	rdma_ah_set_dlid(ah, le16_to_cpu(w->dlid));
	rdma_ah_set_sl(ah, w->sl);
	rdma_ah_set_path_bits(ah, w->src_path_bits);
	rdma_ah_set_static_rate(ah, w->static_rate);
	rdma_ah_set_port_num(ah, w->port_num ? 1 : 0);
	if (w->ah_flags & XEN_VIBIF_AH_GRH) {
		union ib_gid dgid;

		memcpy(dgid.raw, w->dgid, sizeof(dgid.raw));
		rdma_ah_set_grh(ah, &dgid, le32_to_cpu(w->flow_label),
				w->sgid_index, w->hop_limit, w->traffic_class);
	}
}

/**
 * xibf_query_qp() - ib_device_ops.query_qp
 * @ibqp: the QP
 * @attr: filled with the current attributes
 * @attr_mask: what the caller wants (the backend may give more)
 * @init: filled with the creation attributes the guest can know
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
		  int attr_mask, struct ib_qp_init_attr *init)
{
	struct xibf_device *xdev = to_xdev(ibqp->device);
	const struct xen_vibif_query_qp_rsp *r;
	const struct xen_vibif_qp_attr *w;
	struct xen_vibif_query_qp_req req = {};
	struct xibf_qp *qp = to_xqp(ibqp);
	struct xibf_cmd *cmd;
	int err;

	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	req.qp = cpu_to_le32(qp->handle);
	req.attr_mask = cpu_to_le32(attr_mask & XEN_VIBIF_QP_ATTR_ALL);
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_QUERY_QP, &req, sizeof(req),
			    cmd);
	if (err)
		goto out_free;
	r = &cmd->rsp.u.query_qp;
	w = &r->attr;

	memset(attr, 0, sizeof(*attr));
	attr->qp_state = w->qp_state;
	attr->cur_qp_state = w->cur_qp_state;
	attr->path_mtu = w->path_mtu;
	attr->path_mig_state = w->path_mig_state;
	attr->qkey = le32_to_cpu(w->qkey);
	attr->rq_psn = le32_to_cpu(w->rq_psn);
	attr->sq_psn = le32_to_cpu(w->sq_psn);
	attr->dest_qp_num = le32_to_cpu(w->dest_qp_num);
	attr->qp_access_flags = le32_to_cpu(w->qp_access_flags);
	xibf_cap_from_wire(&r->cap, &attr->cap);
	xibf_ah_attr_from_wire(&xdev->ibdev, &w->ah_attr, &attr->ah_attr);
	xibf_ah_attr_from_wire(&xdev->ibdev, &w->alt_ah_attr,
			       &attr->alt_ah_attr);
	attr->pkey_index = le16_to_cpu(w->pkey_index);
	attr->alt_pkey_index = le16_to_cpu(w->alt_pkey_index);
	attr->en_sqd_async_notify = w->en_sqd_async_notify;
	attr->sq_draining = w->sq_draining;
	attr->max_rd_atomic = w->max_rd_atomic;
	attr->max_dest_rd_atomic = w->max_dest_rd_atomic;
	attr->min_rnr_timer = w->min_rnr_timer;
	attr->port_num = w->port_num;
	attr->timeout = w->timeout;
	attr->retry_cnt = w->retry_cnt;
	attr->rnr_retry = w->rnr_retry;
	attr->alt_port_num = w->alt_port_num;
	attr->alt_timeout = w->alt_timeout;

	memset(init, 0, sizeof(*init));
	init->qp_type = ibqp->qp_type;
	init->send_cq = ibqp->send_cq;
	init->recv_cq = ibqp->recv_cq;
	init->srq = ibqp->srq;
	init->cap = attr->cap;
	init->sq_sig_type = r->sq_sig_all ? IB_SIGNAL_ALL_WR : IB_SIGNAL_REQ_WR;
out_free:
	kfree(cmd);
	return err;
}

/**
 * xibf_destroy_qp() - ib_device_ops.destroy_qp
 * @ibqp: the QP
 * @udata: unused
 *
 * Return: 0, or the backend's refusal.
 *
 * Context: process context, may sleep.
 */
int xibf_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibqp->device);
	struct xibf_qp *qp = to_xqp(ibqp);
	int err;

	err = xibf_destroy_handle(xdev, XEN_VIBIF_OP_DESTROY_QP, qp->handle);
	if (err)
		return err;
	xa_erase_irq(&xdev->qp_xa, qp->handle);
	xibf_qp_put_bufs(qp);
	return 0;
}

static int xibf_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid,
		      u16 opcode)
{
	struct xen_vibif_mcast_req req = {};
	struct xibf_cmd *cmd;
	int err;

	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	req.qp = cpu_to_le32(to_xqp(ibqp)->handle);
	req.lid = cpu_to_le16(lid);
	memcpy(req.gid, gid->raw, sizeof(req.gid));
	err = xibf_cmd_exec(to_xdev(ibqp->device), opcode, &req, sizeof(req),
			    cmd);
	kfree(cmd);
	return err;
}

/**
 * xibf_attach_mcast() - ib_device_ops.attach_mcast (XEN_VIBIF_DEVCAP_MCAST)
 * @ibqp: a UD QP
 * @gid: the multicast group
 * @lid: its LID (IB link layer)
 *
 * The backend's shadow QP joins the group; the device judges the group
 * and the QP type.
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_attach_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid)
{
	return xibf_mcast(ibqp, gid, lid, XEN_VIBIF_OP_ATTACH_MCAST);
}

/**
 * xibf_detach_mcast() - ib_device_ops.detach_mcast (XEN_VIBIF_DEVCAP_MCAST)
 * @ibqp: the QP
 * @gid: a group it joined
 * @lid: its LID
 *
 * Return: 0 or a negative errno (-EINVAL: not in the group).
 *
 * Context: process context, may sleep.
 */
int xibf_detach_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid)
{
	return xibf_mcast(ibqp, gid, lid, XEN_VIBIF_OP_DETACH_MCAST);
}

/**
 * xibf_kick() - wake the backend's data engine
 * @xdev: the device
 *
 * Return: 0, or -ENODEV when the connection is down.
 *
 * Context: any.
 */
int xibf_kick(struct xibf_device *xdev)
{
	if (xibf_cmd_is_dead(xdev) || xdev->data_irq <= 0)
		return -ENODEV;
	notify_remote_via_irq(xdev->data_irq);
	atomic64_inc(&xdev->stats.kicks);
	return 0;
}

/**
 * xibf_post_send() - ib_device_ops.post_send: the kick only
 * @ibqp: the QP
 * @wr: NULL (userlib's kick); anything else is refused
 * @bad_wr: set to @wr on error
 *
 * Return: 0, -ENODEV, or -EOPNOTSUPP for a work request list.
 *
 * Context: any.
 */
int xibf_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		   const struct ib_send_wr **bad_wr)
{
	if (wr) {
		*bad_wr = wr;
		return -EOPNOTSUPP;
	}
	return xibf_kick(to_xdev(ibqp->device));
}

/**
 * xibf_post_recv() - ib_device_ops.post_recv: the kick only
 * @ibqp: the QP
 * @wr: NULL (userlib's kick); anything else is refused
 * @bad_wr: set to @wr on error
 *
 * Return: 0, -ENODEV, or -EOPNOTSUPP for a work request list.
 *
 * Context: any.
 */
int xibf_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		   const struct ib_recv_wr **bad_wr)
{
	if (wr) {
		*bad_wr = wr;
		return -EOPNOTSUPP;
	}
	return xibf_kick(to_xdev(ibqp->device));
}
