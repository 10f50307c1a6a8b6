// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: queue pairs.
 *
 * A guest QP is the guest's send and receive queue buffers, mapped here
 * for the data engine (engine.c), plus a shadow QP of the same type on
 * the real device in the shadow PD, with the shadow CQs (and SRQ).  The
 * shadow's QP number is the guest's.  MODIFY_QP translates the wire
 * attributes (the guest's port 1 is rdma-port; on RoCE the backend
 * resolves the destination MAC, xibb_resolve_dmac(), because
 * ib_modify_qp() does so only for callers with user data) and lets the
 * device judge the transition.
 * A Q_Key with the high bit set is privileged and refused.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/slab.h>

static_assert(XEN_VIBIF_QP_ATTR_DEST_QPN == IB_QP_DEST_QPN);
static_assert(XEN_VIBIF_QP_ATTR_STATE == IB_QP_STATE);
static_assert(XEN_VIBIF_QP_ATTR_AV == IB_QP_AV);
static_assert(XEN_VIBIF_QP_ATTR_ALT_PATH == IB_QP_ALT_PATH);
static_assert(XEN_VIBIF_QPT_RC == IB_QPT_RC);
static_assert(XEN_VIBIF_QPT_UD == IB_QPT_UD);
static_assert(XEN_VIBIF_QP_STATE_ERR == IB_QPS_ERR);

static struct xibb_qp *xibb_qp_find(struct xibb_guest *guest, u32 handle)
{
	struct xibb_obj *obj = xibb_obj_find(guest, handle, XIBB_KIND_QP);

	return obj ? container_of(obj, struct xibb_qp, obj) : NULL;
}

/* Looks up the objects CREATE_QP names. */
static int xibb_qp_lookup(struct xibb_guest *guest,
			  const struct xen_vibif_create_qp_req *r,
			  struct xibb_qp *qp)
{
	struct xibb_obj *o;
	int err;

	qp->uc = xibb_ucontext_get(guest, le32_to_cpu(r->ucontext), false,
				   &err);
	if (err)
		return err;
	o = xibb_obj_find(guest, le32_to_cpu(r->pd), XIBB_KIND_PD);
	if (!o)
		return -ENOENT;
	qp->pd = container_of(o, struct xibb_pd, obj);
	o = xibb_obj_find(guest, le32_to_cpu(r->send_cq), XIBB_KIND_CQ);
	if (!o)
		return -ENOENT;
	qp->send_cq = container_of(o, struct xibb_cq, obj);
	o = xibb_obj_find(guest, le32_to_cpu(r->recv_cq), XIBB_KIND_CQ);
	if (!o)
		return -ENOENT;
	qp->recv_cq = container_of(o, struct xibb_cq, obj);
	if (le32_to_cpu(r->srq) != XEN_VIBIF_HANDLE_NONE) {
		o = xibb_obj_find(guest, le32_to_cpu(r->srq), XIBB_KIND_SRQ);
		if (!o)
			return -ENOENT;
		qp->srq = container_of(o, struct xibb_srq, obj);
	}
	return 0;
}

/* What the guest may use: what it asked for, within the shadow and slots. */
static void xibb_qp_grant(struct xibb_qp *qp, const struct ib_qp_cap *dev,
			  struct xen_vibif_qp_cap *w)
{
	u32 sq_slot = BIT(qp->sq_wqe_shift);

	qp->cap.max_send_wr = min_t(u32, dev->max_send_wr,
				    BIT(qp->sq_log_nslots));
	qp->cap.max_send_sge = min_t(u32, dev->max_send_sge,
				     (sq_slot - XENIB_SEND_WQE_HDR_SIZE) /
				     XENIB_SGE_SIZE);
	qp->cap.max_inline_data = min_t(u32, dev->max_inline_data,
					sq_slot - XENIB_SEND_WQE_HDR_SIZE);
	if (!qp->srq) {
		u32 rq_slot = BIT(qp->rq_wqe_shift);

		qp->cap.max_recv_wr = min_t(u32, dev->max_recv_wr,
					    BIT(qp->rq_log_nslots));
		qp->cap.max_recv_sge = min_t(u32, dev->max_recv_sge,
					     (rq_slot -
					      XENIB_RECV_WQE_HDR_SIZE) /
					     XENIB_SGE_SIZE);
	}
	w->max_send_wr = cpu_to_le32(qp->cap.max_send_wr);
	w->max_recv_wr = cpu_to_le32(qp->cap.max_recv_wr);
	w->max_send_sge = cpu_to_le32(qp->cap.max_send_sge);
	w->max_recv_sge = cpu_to_le32(qp->cap.max_recv_sge);
	w->max_inline_data = cpu_to_le32(qp->cap.max_inline_data);
}

/* Counts (@use) or releases the objects @qp names; guest->obj_lock held. */
static void xibb_qp_put_refs(struct xibb_qp *qp, bool use)
{
	void (*fn)(struct xibb_obj *obj) = use ? xibb_obj_use : xibb_obj_unuse;

	fn(&qp->uc->obj);
	fn(&qp->pd->obj);
	fn(&qp->send_cq->obj);
	fn(&qp->recv_cq->obj);
	if (qp->srq)
		fn(&qp->srq->obj);
}

/**
 * xibb_create_qp() - XEN_VIBIF_OP_CREATE_QP
 * @guest: the guest
 * @req: validated private copy (shapes, caps and directories agree and
 *	are within the guest's limits)
 * @rsp: response: handle, QP number, granted capacities
 *
 * Return: 0, -ENOENT, -EEXIST (db_index in use), -EDQUOT, -EFAULT, or the
 * device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_create_qp(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	const struct xen_vibif_create_qp_req *r = &req->u.create_qp;
	struct ib_qp_init_attr ia = {};
	struct xibb_qp *qp;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	qp = kzalloc(sizeof(*qp), GFP_KERNEL);
	if (!qp)
		return -ENOMEM;
	qp->guest = guest;
	err = xibb_qp_lookup(guest, r, qp);
	if (err)
		goto err_free;
	qp->db_index = le32_to_cpu(r->db_index);
	qp->qp_type = r->qp_type;
	qp->sq_sig_all = r->sq_sig_all;
	qp->sq_wqe_shift = r->sq_wqe_shift;
	qp->rq_wqe_shift = r->rq_wqe_shift;
	qp->sq_log_nslots = r->sq_log_nslots;
	qp->rq_log_nslots = r->rq_log_nslots;
	INIT_LIST_HEAD(&qp->mcast);

	ia.cap.max_send_wr = le32_to_cpu(r->cap.max_send_wr);
	ia.cap.max_recv_wr = le32_to_cpu(r->cap.max_recv_wr);
	ia.cap.max_send_sge = le32_to_cpu(r->cap.max_send_sge);
	ia.cap.max_recv_sge = le32_to_cpu(r->cap.max_recv_sge);
	ia.cap.max_inline_data = le32_to_cpu(r->cap.max_inline_data);

	err = xibb_obj_add(guest, &qp->obj, XIBB_KIND_QP);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &qp->obj,
				  xibb_mem_qp_cost(&ia.cap, !qp->srq));
	if (err)
		goto err_del;
	err = xa_insert(&qp->uc->db_xa, qp->db_index, &qp->obj, GFP_KERNEL);
	if (err) {
		err = err == -EBUSY ? -EEXIST : err;
		goto err_del;
	}
	err = xibb_gmap_pgdir(guest, &r->sq_pgdir, false, &qp->sq);
	if (err)
		goto err_db;
	if (!qp->srq) {
		err = xibb_gmap_pgdir(guest, &r->rq_pgdir, false,
				      &qp->rq);
		if (err)
			goto err_unmap;
	}

	ia.event_handler = xibb_qp_event;
	ia.qp_context = qp;
	ia.send_cq = qp->send_cq->cq;
	ia.recv_cq = qp->recv_cq->cq;
	ia.srq = qp->srq ? qp->srq->srq : NULL;
	ia.qp_type = r->qp_type;
	ia.sq_sig_type = r->sq_sig_all ? IB_SIGNAL_ALL_WR : IB_SIGNAL_REQ_WR;
	qp->qp = ib_create_qp(qp->pd->pd, &ia);
	if (IS_ERR(qp->qp)) {
		err = PTR_ERR(qp->qp);
		goto err_unmap;
	}

	xibb_qp_grant(qp, &ia.cap, &rsp->u.create_qp.cap);
	err = xibb_engine_qp_add(guest, qp);
	if (err)
		goto err_destroy_qp;
	xibb_qp_put_refs(qp, true);
	xibb_obj_publish(guest, &qp->obj);
	rsp->u.create_qp.qp = cpu_to_le32(qp->obj.handle);
	rsp->u.create_qp.qpn = cpu_to_le32(qp->qp->qp_num &
					   XEN_VIBIF_QPN_MASK);
	return 0;

err_destroy_qp:
	ib_destroy_qp(qp->qp);
err_unmap:
	xibb_gmap_unmap(guest, &qp->rq);
	xibb_gmap_unmap(guest, &qp->sq);
err_db:
	xibb_engine_db_erase(guest, qp->uc, qp->db_index);
err_del:
	xibb_obj_del(guest, &qp->obj);
err_free:
	kfree(qp);
	return err;
}

/* Wire attributes (validated, fields of clear bits zero) to the device's. */
static int xibb_qp_attr_from_wire(struct xibb_guest *guest,
				  const struct xen_vibif_qp_attr *w, u32 mask,
				  struct ib_qp_attr *a)
{
	int err;

	memset(a, 0, sizeof(*a));
	a->qp_state = w->qp_state;
	a->cur_qp_state = w->cur_qp_state;
	a->path_mtu = w->path_mtu;
	a->path_mig_state = w->path_mig_state;
	a->qkey = le32_to_cpu(w->qkey);
	a->rq_psn = le32_to_cpu(w->rq_psn);
	a->sq_psn = le32_to_cpu(w->sq_psn);
	a->dest_qp_num = le32_to_cpu(w->dest_qp_num);
	a->qp_access_flags = le32_to_cpu(w->qp_access_flags);
	a->pkey_index = le16_to_cpu(w->pkey_index);
	a->alt_pkey_index = le16_to_cpu(w->alt_pkey_index);
	a->en_sqd_async_notify = w->en_sqd_async_notify;
	a->max_rd_atomic = w->max_rd_atomic;
	a->max_dest_rd_atomic = w->max_dest_rd_atomic;
	a->min_rnr_timer = w->min_rnr_timer;
	a->timeout = w->timeout;
	a->retry_cnt = w->retry_cnt;
	a->rnr_retry = w->rnr_retry;
	a->alt_timeout = w->alt_timeout;
	if (mask & IB_QP_PORT)
		a->port_num = guest->rdma_port;
	if (mask & IB_QP_AV) {
		err = xibb_ah_attr_from_wire(guest, &w->ah_attr, &a->ah_attr);
		if (err)
			return err;
	}
	if (mask & IB_QP_ALT_PATH) {
		a->alt_port_num = guest->rdma_port;
		err = xibb_ah_attr_from_wire(guest, &w->alt_ah_attr,
					     &a->alt_ah_attr);
		if (err)
			return err;
	}
	return 0;
}

/**
 * xibb_modify_qp() - XEN_VIBIF_OP_MODIFY_QP
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response (empty)
 *
 * Return: 0, -ENOENT, -EPERM (privileged Q_Key), or the device's verdict.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_modify_qp(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	const struct xen_vibif_modify_qp_req *r = &req->u.modify_qp;
	u32 mask = le32_to_cpu(r->attr_mask);
	struct ib_qp_attr *attr;
	struct xibb_qp *qp;
	bool retry7;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	qp = xibb_qp_find(guest, le32_to_cpu(r->qp));
	if (!qp)
		return -ENOENT;
	if ((mask & IB_QP_QKEY) &&
	    (le32_to_cpu(r->attr.qkey) & XIBB_QKEY_PRIVILEGED))
		return -EPERM;
	attr = kmalloc(sizeof(*attr), GFP_KERNEL);
	if (!attr)
		return -ENOMEM;
	err = xibb_qp_attr_from_wire(guest, &r->attr, mask, attr);
	/*
	 * The IB spec (and mlx5) make retry_cnt 7 seven retries; rxe
	 * retries for ever (rxe_comp.c).  A peer that destroyed its QP
	 * would then keep our QP's flush pending for ever: MPICH's
	 * MPI_Finalize over UCX (retry_cnt 7) hung so.  The shadow gets 6
	 * and QUERY_QP answers what the guest set (docs/verbs.md).
	 */
	retry7 = attr->retry_cnt == 7 &&
		 guest->ibdev->ops.driver_id == RDMA_DRIVER_RXE;
	if ((mask & IB_QP_RETRY_CNT) && retry7)
		attr->retry_cnt = 6;
	if (!err && (mask & IB_QP_AV))
		err = xibb_resolve_dmac(qp->pd->pd, &attr->ah_attr);
	if (!err && (mask & IB_QP_ALT_PATH))
		err = xibb_resolve_dmac(qp->pd->pd, &attr->alt_ah_attr);
	if (!err)
		err = ib_modify_qp(qp->qp, attr, mask);
	if (!err && (mask & IB_QP_RETRY_CNT))
		qp->retry_cnt7 = retry7;
	if (!err && (mask & IB_QP_STATE) && attr->qp_state != IB_QPS_ERR)
		atomic_set(&qp->lastwqe_sent, 0);
	kfree(attr);
	return err;
}

/**
 * xibb_query_qp() - XEN_VIBIF_OP_QUERY_QP
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response: attributes, granted capacities, sq_sig_all
 *
 * Return: 0, -ENOENT, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_query_qp(struct xibb_guest *guest,
		  const struct xen_vibif_request *req,
		  struct xen_vibif_response *rsp)
{
	struct xen_vibif_query_qp_rsp *r = &rsp->u.query_qp;
	struct xen_vibif_qp_attr *w = &r->attr;
	struct ib_qp_init_attr *init;
	struct ib_qp_attr *a;
	struct xibb_obj *obj;
	struct xibb_qp *qp;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	obj = xibb_obj_find(guest, le32_to_cpu(req->u.query_qp.qp),
			    XIBB_KIND_QP);
	if (!obj)
		return -ENOENT;
	qp = container_of(obj, struct xibb_qp, obj);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	init = kzalloc(sizeof(*init), GFP_KERNEL);
	if (!a || !init) {
		err = -ENOMEM;
		goto out_free;
	}
	err = ib_query_qp(qp->qp, a, le32_to_cpu(req->u.query_qp.attr_mask) |
			  IB_QP_STATE, init);
	if (err)
		goto out_free;

	w->qkey = cpu_to_le32(a->qkey);
	w->rq_psn = cpu_to_le32(a->rq_psn & XEN_VIBIF_PSN_MASK);
	w->sq_psn = cpu_to_le32(a->sq_psn & XEN_VIBIF_PSN_MASK);
	w->dest_qp_num = cpu_to_le32(a->dest_qp_num & XEN_VIBIF_QPN_MASK);
	w->qp_access_flags = cpu_to_le32(a->qp_access_flags &
					 XEN_VIBIF_ACCESS_QP_ALL);
	w->pkey_index = cpu_to_le16(a->pkey_index);
	w->alt_pkey_index = cpu_to_le16(a->alt_pkey_index);
	w->qp_state = min_t(u8, a->qp_state, XEN_VIBIF_QP_STATE_ERR);
	w->cur_qp_state = min_t(u8, a->cur_qp_state, XEN_VIBIF_QP_STATE_ERR);
	w->path_mtu = min_t(u8, a->path_mtu, XEN_VIBIF_MTU_4096);
	w->path_mig_state = min_t(u8, a->path_mig_state, XEN_VIBIF_MIG_ARMED);
	w->en_sqd_async_notify = !!a->en_sqd_async_notify;
	w->sq_draining = !!a->sq_draining;
	w->max_rd_atomic = a->max_rd_atomic;
	w->max_dest_rd_atomic = a->max_dest_rd_atomic;
	w->min_rnr_timer = a->min_rnr_timer;
	w->port_num = a->port_num == guest->rdma_port ? 1 : 0;
	w->timeout = a->timeout;
	w->retry_cnt = qp->retry_cnt7 && a->retry_cnt == 6 ? 7 : a->retry_cnt;
	w->rnr_retry = a->rnr_retry;
	w->alt_port_num = a->alt_port_num == guest->rdma_port ? 1 : 0;
	w->alt_timeout = a->alt_timeout;
	xibb_ah_attr_to_wire(guest, &a->ah_attr, &w->ah_attr);
	xibb_ah_attr_to_wire(guest, &a->alt_ah_attr, &w->alt_ah_attr);

	r->cap.max_send_wr = cpu_to_le32(qp->cap.max_send_wr);
	r->cap.max_recv_wr = cpu_to_le32(qp->cap.max_recv_wr);
	r->cap.max_send_sge = cpu_to_le32(qp->cap.max_send_sge);
	r->cap.max_recv_sge = cpu_to_le32(qp->cap.max_recv_sge);
	r->cap.max_inline_data = cpu_to_le32(qp->cap.max_inline_data);
	r->sq_sig_all = qp->sq_sig_all;
out_free:
	kfree(init);
	kfree(a);
	return err;
}

static struct xibb_mcast *xibb_mcast_find(struct xibb_qp *qp,
					  const union ib_gid *gid, u16 lid)
{
	struct xibb_mcast *m;

	list_for_each_entry(m, &qp->mcast, list)
		if (!memcmp(&m->gid, gid, sizeof(*gid)) && m->lid == lid)
			return m;
	return NULL;
}

/**
 * xibb_attach_mcast() - XEN_VIBIF_OP_ATTACH_MCAST
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response (empty)
 *
 * The shadow UD QP joins the group; ib_attach_mcast() checks the group
 * and the QP type as for a native application.  Joining a group twice is
 * a no-op, as on the device.  At most the device's max_mcast_qp_attach
 * groups per QP, so that what the backend remembers is bounded.
 *
 * Return: 0, -ENOENT, -EOPNOTSUPP (the device has no multicast), -ENOSPC,
 * -ENOMEM, or the device's error (-EINVAL: not UD, not a multicast GID).
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_attach_mcast(struct xibb_guest *guest,
		      const struct xen_vibif_request *req,
		      struct xen_vibif_response *rsp)
{
	const struct xen_vibif_mcast_req *r = &req->u.mcast;
	struct xibb_qp *qp = xibb_qp_find(guest, le32_to_cpu(r->qp));
	u16 lid = le16_to_cpu(r->lid);
	struct xibb_mcast *m;
	union ib_gid gid;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	if (!qp)
		return -ENOENT;
	if (!(xibb_devcap(guest->ibdev) & XEN_VIBIF_DEVCAP_MCAST))
		return -EOPNOTSUPP;
	memcpy(gid.raw, r->gid, sizeof(gid.raw));
	if (xibb_mcast_find(qp, &gid, lid))
		return 0;
	if (qp->nmcast >= max(guest->ibdev->attrs.max_mcast_qp_attach, 0))
		return -ENOSPC;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	err = ib_attach_mcast(qp->qp, &gid, lid);
	if (err) {
		kfree(m);
		return err;
	}
	m->gid = gid;
	m->lid = lid;
	list_add_tail(&m->list, &qp->mcast);
	qp->nmcast++;
	return 0;
}

/**
 * xibb_detach_mcast() - XEN_VIBIF_OP_DETACH_MCAST
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response (empty)
 *
 * Return: 0, -ENOENT, -EINVAL (the QP is not in the group), or the
 * device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_detach_mcast(struct xibb_guest *guest,
		      const struct xen_vibif_request *req,
		      struct xen_vibif_response *rsp)
{
	const struct xen_vibif_mcast_req *r = &req->u.mcast;
	struct xibb_qp *qp = xibb_qp_find(guest, le32_to_cpu(r->qp));
	struct xibb_mcast *m;
	union ib_gid gid;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	if (!qp)
		return -ENOENT;
	memcpy(gid.raw, r->gid, sizeof(gid.raw));
	m = xibb_mcast_find(qp, &gid, le16_to_cpu(r->lid));
	if (!m)
		return -EINVAL;
	err = ib_detach_mcast(qp->qp, &m->gid, m->lid);
	if (err)
		return err;
	list_del(&m->list);
	qp->nmcast--;
	kfree(m);
	return 0;
}

/* The device refuses to destroy a QP in a group (IBA o10-2.2.3). */
static void xibb_qp_leave_all(struct xibb_qp *qp)
{
	struct xibb_mcast *m, *tmp;

	list_for_each_entry_safe(m, tmp, &qp->mcast, list) {
		ib_detach_mcast(qp->qp, &m->gid, m->lid);
		list_del(&m->list);
		kfree(m);
	}
	qp->nmcast = 0;
}

/**
 * xibb_qp_destroy() - destroy a QP and unmap its queues
 * @guest: the guest
 * @obj: the QP
 *
 * The engine lets go of the QP first; what the shadow completes after
 * that is dropped.
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_qp_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_qp *qp = container_of(obj, struct xibb_qp, obj);

	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_qp_del(guest, qp);
	xibb_obj_del(guest, obj);
	xibb_qp_leave_all(qp);
	ib_destroy_qp(qp->qp);
	xibb_gmap_unmap(guest, &qp->rq);
	xibb_gmap_unmap(guest, &qp->sq);
	xibb_qp_put_refs(qp, false);
	kfree(qp);
}
