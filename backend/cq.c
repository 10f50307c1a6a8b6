// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: completion queues.
 *
 * A guest CQ is the guest's CQ buffer, mapped here, plus a
 * shadow CQ of the same size on the real device.  The data engine
 * (engine.c) polls the shadow CQ, writes CQEs into the buffer and raises
 * XEN_VIBIF_EVT_COMP for an armed CQ; the shadow's completion handler
 * wakes it.  CQ errors of the shadow reach the guest as
 * XEN_VIBIF_EVT_CQ_ERR.  RESIZE_CQ (offered when the device can resize
 * its CQs) moves the unconsumed CQEs into a new guest buffer.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/slab.h>

/**
 * xibb_cq_shadow_cqe() - the size of a shadow CQ
 * @guest: the guest
 * @log_nslots: the guest's ring has 2^log_nslots CQEs
 *
 * The ring is a power of two, the device's CQs need not be: the shadow
 * holds min(2^log_nslots, max_cqe), which is still at least what the
 * guest asked for (it asked for at most max_cqe and userlib rounded that
 * up to the ring).  So a CQ of exactly max_cqe works, as natively.
 *
 * Return: the shadow CQ's size, also the size the guest is told.
 *
 * Context: any.
 */
u32 xibb_cq_shadow_cqe(struct xibb_guest *guest, u8 log_nslots)
{
	return min_t(u32, BIT(log_nslots), guest->limits.max_cqe);
}

/**
 * xibb_create_cq() - XEN_VIBIF_OP_CREATE_CQ
 * @guest: the guest
 * @req: validated private copy (log_nslots, comp_vector and the directory
 *	are within the guest's limits)
 * @rsp: response: handle and CQE count
 *
 * Return: 0, -ENOENT, -EDQUOT, -EFAULT, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_create_cq(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	const struct xen_vibif_create_cq_req *r = &req->u.create_cq;
	struct ib_cq_init_attr ca = {
		.cqe = xibb_cq_shadow_cqe(guest, r->log_nslots),
		.comp_vector = le32_to_cpu(r->comp_vector),
	};
	struct xibb_ucontext *uc;
	struct xibb_cq *cq;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	uc = xibb_ucontext_get(guest, le32_to_cpu(r->ucontext), true, &err);
	if (err)
		return err;
	cq = kzalloc(sizeof(*cq), GFP_KERNEL);
	if (!cq)
		return -ENOMEM;
	cq->guest = guest;
	cq->log_nslots = r->log_nslots;
	INIT_LIST_HEAD(&cq->eng.pend);
	err = xibb_obj_add(guest, &cq->obj, XIBB_KIND_CQ);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &cq->obj, xibb_mem_cq_cost(ca.cqe));
	if (err)
		goto err_del;
	err = xibb_gmap_pgdir(guest, &r->pgdir, false, &cq->buf);
	if (err)
		goto err_del;
	cq->cq = ib_create_cq(guest->ibdev, xibb_engine_cq_comp, xibb_cq_event,
			      cq, &ca);
	if (IS_ERR(cq->cq)) {
		err = PTR_ERR(cq->cq);
		goto err_unmap;
	}
	cq->uc = uc;
	if (uc)
		xibb_obj_use(&uc->obj);
	xibb_engine_cq_add(guest, cq);
	xibb_obj_publish(guest, &cq->obj);
	rsp->u.create_cq.cq = cpu_to_le32(cq->obj.handle);
	rsp->u.create_cq.cqe = cpu_to_le32(ca.cqe);
	return 0;

err_unmap:
	xibb_gmap_unmap(guest, &cq->buf);
err_del:
	xibb_obj_del(guest, &cq->obj);
err_free:
	kfree(cq);
	return err;
}

/**
 * xibb_resize_cq() - XEN_VIBIF_OP_RESIZE_CQ
 * @guest: the guest
 * @req: validated private copy (log_nslots and the directory are within
 *	the guest's limits)
 * @rsp: response: the new CQE count
 *
 * Return: 0, -ENOENT, -EDQUOT, -EFAULT, -EINVAL (the unconsumed CQEs do
 * not fit, as the RDMA core answers natively), -EIO (the CQ is in
 * error), or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_resize_cq(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	const struct xen_vibif_resize_cq_req *r = &req->u.resize_cq;
	struct xibb_gmap buf = {};
	struct xibb_obj *obj;
	u64 cost;
	u32 cqe;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	obj = xibb_obj_find(guest, le32_to_cpu(r->cq), XIBB_KIND_CQ);
	if (!obj)
		return -ENOENT;
	cqe = xibb_cq_shadow_cqe(guest, r->log_nslots);
	/* Both queues exist for a while: the new one is charged first. */
	cost = xibb_mem_cq_cost(cqe);
	err = xibb_mem_charge(guest, cost);
	if (err)
		return err;
	err = xibb_gmap_pgdir(guest, &r->pgdir, false, &buf);
	if (err)
		goto out_uncharge;
	err = xibb_engine_cq_move(guest, container_of(obj, struct xibb_cq, obj),
				  &buf, r->log_nslots, cqe);
	/* The old buffer on success, the new one on failure. */
	xibb_gmap_unmap(guest, &buf);
	if (!err) {
		rsp->u.resize_cq.cqe = cpu_to_le32(cqe);
		swap(cost, obj->mem);
	}
out_uncharge:
	xibb_mem_uncharge(guest, cost);
	return err;
}

/**
 * xibb_cq_destroy() - destroy a CQ (no QP uses it)
 * @guest: the guest
 * @obj: the CQ
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_cq_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_cq *cq = container_of(obj, struct xibb_cq, obj);

	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_cq_del(guest, cq);
	xibb_obj_del(guest, obj);
	ib_destroy_cq(cq->cq);
	xibb_gmap_unmap(guest, &cq->buf);
	if (cq->uc)
		xibb_obj_unuse(&cq->uc->obj);
	kfree(cq);
}
