// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: shared receive queues, offered when the real device has
 * them.  Like a QP's receive queue: the guest's buffer is mapped for the
 * data engine, and a shadow SRQ in the shadow PD receives.
 * MODIFY_SRQ changes the limit; RESIZE_SRQ (offered when the device can
 * resize SRQs) moves the SRQ to a new guest buffer of another depth.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/slab.h>

static struct xibb_srq *xibb_srq_find(struct xibb_guest *guest, u32 handle)
{
	struct xibb_obj *obj = xibb_obj_find(guest, handle, XIBB_KIND_SRQ);

	return obj ? container_of(obj, struct xibb_srq, obj) : NULL;
}

/**
 * xibb_create_srq() - XEN_VIBIF_OP_CREATE_SRQ
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response: handle, SRQ number, granted depth and SGEs
 *
 * Return: 0, -ENOENT, -EEXIST, -EDQUOT, -EFAULT, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_create_srq(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp)
{
	const struct xen_vibif_create_srq_req *r = &req->u.create_srq;
	struct ib_srq_init_attr ia = {};
	struct xibb_ucontext *uc;
	struct xibb_obj *pdobj;
	struct xibb_srq *srq;
	u32 slot_sge;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	uc = xibb_ucontext_get(guest, le32_to_cpu(r->ucontext), false, &err);
	if (err)
		return err;
	pdobj = xibb_obj_find(guest, le32_to_cpu(r->pd), XIBB_KIND_PD);
	if (!pdobj)
		return -ENOENT;
	srq = kzalloc(sizeof(*srq), GFP_KERNEL);
	if (!srq)
		return -ENOMEM;
	srq->guest = guest;
	srq->uc = uc;
	srq->pd = container_of(pdobj, struct xibb_pd, obj);
	srq->db_index = le32_to_cpu(r->db_index);
	srq->wqe_shift = r->wqe_shift;
	srq->log_nslots = r->log_nslots;
	err = xibb_obj_add(guest, &srq->obj, XIBB_KIND_SRQ);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &srq->obj,
				  xibb_mem_srq_cost(le32_to_cpu(r->max_wr),
						    le32_to_cpu(r->max_sge)));
	if (err)
		goto err_del;
	err = xa_insert(&uc->db_xa, srq->db_index, &srq->obj, GFP_KERNEL);
	if (err) {
		err = err == -EBUSY ? -EEXIST : err;
		goto err_del;
	}
	err = xibb_gmap_pgdir(guest, &r->pgdir, false, &srq->buf);
	if (err)
		goto err_db;

	ia.event_handler = xibb_srq_event;
	ia.srq_context = srq;
	ia.srq_type = IB_SRQT_BASIC;
	ia.attr.max_wr = le32_to_cpu(r->max_wr);
	ia.attr.max_sge = le32_to_cpu(r->max_sge);
	ia.attr.srq_limit = le32_to_cpu(r->srq_limit);
	srq->srq = ib_create_srq(srq->pd->pd, &ia);
	if (IS_ERR(srq->srq)) {
		err = PTR_ERR(srq->srq);
		goto err_unmap;
	}
	slot_sge = (BIT(srq->wqe_shift) - XENIB_RECV_WQE_HDR_SIZE) /
		   XENIB_SGE_SIZE;
	srq->max_wr = min_t(u32, ia.attr.max_wr, BIT(srq->log_nslots));
	srq->max_sge = min_t(u32, ia.attr.max_sge, slot_sge);
	err = xibb_engine_srq_add(guest, srq);
	if (err)
		goto err_destroy_srq;
	xibb_obj_use(&uc->obj);
	xibb_obj_use(&srq->pd->obj);
	xibb_obj_publish(guest, &srq->obj);
	rsp->u.create_srq.srq = cpu_to_le32(srq->obj.handle);
	/* The kernel exposes no number of a basic SRQ: srqn stays 0. */
	rsp->u.create_srq.max_wr = cpu_to_le32(srq->max_wr);
	rsp->u.create_srq.max_sge = cpu_to_le32(srq->max_sge);
	return 0;

err_destroy_srq:
	ib_destroy_srq(srq->srq);
err_unmap:
	xibb_gmap_unmap(guest, &srq->buf);
err_db:
	xibb_engine_db_erase(guest, uc, srq->db_index);
err_del:
	xibb_obj_del(guest, &srq->obj);
err_free:
	kfree(srq);
	return err;
}

/**
 * xibb_modify_srq() - XEN_VIBIF_OP_MODIFY_SRQ (limit only)
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response (empty)
 *
 * Return: 0, -ENOENT, -EINVAL (limit not below the depth), or the
 * device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_modify_srq(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp)
{
	const struct xen_vibif_modify_srq_req *r = &req->u.modify_srq;
	struct xibb_srq *srq = xibb_srq_find(guest, le32_to_cpu(r->srq));
	struct ib_srq_attr attr = {};

	lockdep_assert_held(&guest->obj_lock);

	if (!srq)
		return -ENOENT;
	attr.srq_limit = le32_to_cpu(r->srq_limit);
	if (attr.srq_limit >= srq->max_wr)
		return -EINVAL;
	return ib_modify_srq(srq->srq, &attr, IB_SRQ_LIMIT);
}

/**
 * xibb_resize_srq() - XEN_VIBIF_OP_RESIZE_SRQ
 * @guest: the guest
 * @req: validated private copy (shape, depth and directory within limits)
 * @rsp: response: the granted depth
 *
 * Return: 0, -ENOENT, -EOPNOTSUPP (the device cannot resize SRQs),
 * -EINVAL (another slot size, or a depth below what the SRQ holds),
 * -EDQUOT, -EFAULT, -EIO, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_resize_srq(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp)
{
	const struct xen_vibif_resize_srq_req *r = &req->u.resize_srq;
	struct xibb_srq *srq = xibb_srq_find(guest, le32_to_cpu(r->srq));
	u32 max_wr = le32_to_cpu(r->max_wr);
	struct xibb_gmap buf = {};
	u64 cost;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	if (!srq)
		return -ENOENT;
	if (!(xibb_devcap(guest->ibdev) & XEN_VIBIF_DEVCAP_RESIZE_SRQ))
		return -EOPNOTSUPP;
	if (r->wqe_shift != srq->wqe_shift)
		return -EINVAL;
	/* Both queues exist for a while: the new one is charged first. */
	cost = xibb_mem_srq_cost(max_wr, srq->max_sge);
	err = xibb_mem_charge(guest, cost);
	if (err)
		return err;
	err = xibb_gmap_pgdir(guest, &r->pgdir, false, &buf);
	if (err)
		goto out_uncharge;
	err = xibb_engine_srq_move(guest, srq, &buf, r->log_nslots, max_wr);
	/* The old buffer on success, the new one on failure. */
	xibb_gmap_unmap(guest, &buf);
	if (!err) {
		rsp->u.resize_srq.max_wr = cpu_to_le32(max_wr);
		swap(cost, srq->obj.mem);
	}
out_uncharge:
	xibb_mem_uncharge(guest, cost);
	return err;
}

/**
 * xibb_query_srq() - XEN_VIBIF_OP_QUERY_SRQ
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response: depth, SGEs, limit
 *
 * Return: 0, -ENOENT, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_query_srq(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	struct xibb_srq *srq = xibb_srq_find(guest,
					     le32_to_cpu(req->u.handle.handle));
	struct ib_srq_attr attr = {};
	int err;

	lockdep_assert_held(&guest->obj_lock);

	if (!srq)
		return -ENOENT;
	err = ib_query_srq(srq->srq, &attr);
	if (err)
		return err;
	rsp->u.query_srq.max_wr = cpu_to_le32(srq->max_wr);
	rsp->u.query_srq.max_sge = cpu_to_le32(srq->max_sge);
	rsp->u.query_srq.srq_limit = cpu_to_le32(min(attr.srq_limit,
						     srq->max_wr));
	return 0;
}

/**
 * xibb_srq_destroy() - destroy an SRQ (no QP uses it)
 * @guest: the guest
 * @obj: the SRQ
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_srq_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_srq *srq = container_of(obj, struct xibb_srq, obj);

	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_srq_del(guest, srq);
	xibb_obj_del(guest, obj);
	ib_destroy_srq(srq->srq);
	xibb_gmap_unmap(guest, &srq->buf);
	xibb_obj_unuse(&srq->uc->obj);
	xibb_obj_unuse(&srq->pd->obj);
	kfree(srq);
}
