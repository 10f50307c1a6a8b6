// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the per-guest object table, quotas, generic destruction, and
 * the guest's hold on the real device.
 *
 * Every object a guest creates is in guest->objs under a handle that
 * encodes its kind, a generation and its table index (xenib_back.h), so a
 * handle of the wrong kind, a stale handle and a forged one all answer
 * XEN_VIBIF_ENOENT.  Objects that name other objects count as their users;
 * destroying an object with users answers XEN_VIBIF_EBUSY.  All of this
 * runs under guest->obj_lock.  Entry into the table (xibb_obj_publish(),
 * once the object is complete: xibb_obj_add() only reserves the handle)
 * and removal from it also take the data engine's lock, because the
 * engine looks handles up (AHs of UD WQEs, SRQs of completions) without
 * obj_lock.
 *
 * The guest holds a reference on the real device from connection to
 * teardown.  An ib_client's remove callback lets the device go away at
 * any time: it destroys every shadow object of every guest on the device
 * and tells the guests (XEN_VIBIF_EVT_DEVICE_FATAL); their later requests
 * answer XEN_VIBIF_ENODEV.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/slab.h>

typedef void (*xibb_destroy_fn)(struct xibb_guest *guest,
				struct xibb_obj *obj);

static const xibb_destroy_fn xibb_destroy_tbl[XIBB_KIND_COUNT] = {
	[XIBB_KIND_UCONTEXT] = xibb_ucontext_destroy,
	[XIBB_KIND_PD] = xibb_pd_destroy,
	[XIBB_KIND_CQ] = xibb_cq_destroy,
	[XIBB_KIND_MR] = xibb_mr_destroy,
	[XIBB_KIND_AH] = xibb_ah_destroy,
	[XIBB_KIND_SRQ] = xibb_srq_destroy,
	[XIBB_KIND_QP] = xibb_qp_destroy,
};

/* The destroy opcode of each kind. */
static const u16 xibb_destroy_op[XIBB_KIND_COUNT] = {
	[XIBB_KIND_UCONTEXT] = XEN_VIBIF_OP_DEALLOC_UCONTEXT,
	[XIBB_KIND_PD] = XEN_VIBIF_OP_DEALLOC_PD,
	[XIBB_KIND_CQ] = XEN_VIBIF_OP_DESTROY_CQ,
	[XIBB_KIND_MR] = XEN_VIBIF_OP_DEREG_MR,
	[XIBB_KIND_AH] = XEN_VIBIF_OP_DESTROY_AH,
	[XIBB_KIND_SRQ] = XEN_VIBIF_OP_DESTROY_SRQ,
	[XIBB_KIND_QP] = XEN_VIBIF_OP_DESTROY_QP,
};

static u32 xibb_quota_of(const struct xibb_guest *guest, u8 kind)
{
	switch (kind) {
	case XIBB_KIND_PD:
		return guest->quota.pd;
	case XIBB_KIND_CQ:
		return guest->quota.cq;
	case XIBB_KIND_QP:
		return guest->quota.qp;
	case XIBB_KIND_SRQ:
		return guest->quota.srq;
	case XIBB_KIND_MR:
		return guest->quota.mr;
	case XIBB_KIND_AH:
		return guest->quota.ah;
	default:
		/* One context per guest process: bounded by the PD quota. */
		return guest->quota.pd;
	}
}

/**
 * xibb_obj_add() - give a new object a handle, within the guest's quota
 * @guest: the guest
 * @obj: the object (handle, kind set here; users zero)
 * @kind: enum xibb_kind
 *
 * The handle is reserved, not yet visible: xibb_obj_find() and the
 * engine's lookups answer NULL for it until the creator, once every field
 * the engine reads is set, calls xibb_obj_publish().
 *
 * Return: 0, -EDQUOT beyond the quota of @kind, -ENOSPC if the table is
 * full, -ENOMEM.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_obj_add(struct xibb_guest *guest, struct xibb_obj *obj, u8 kind)
{
	u32 idx;
	int err;

	if (guest->nr_objs[kind] >= xibb_quota_of(guest, kind))
		return -EDQUOT;
	/* Reserved: lookups find nothing until xibb_obj_publish(). */
	err = xa_alloc(&guest->objs, &idx, NULL,
		       XA_LIMIT(1, XIBB_HANDLE_IDX_MASK), GFP_KERNEL);
	if (err)
		return err == -EBUSY ? -ENOSPC : err;
	obj->kind = kind;
	obj->users = 0;
	obj->mem = 0;
	obj->handle = (u32)kind << XIBB_HANDLE_KIND_SHIFT |
		      (u32)guest->gen++ << XIBB_HANDLE_GEN_SHIFT | idx;
	guest->nr_objs[kind]++;
	return 0;
}

/**
 * xibb_obj_publish() - make a new object visible under its handle
 * @guest: the guest
 * @obj: an object xibb_obj_add() accepted, fully set up
 *
 * Stores @obj in the slot xibb_obj_add() reserved, under the engine lock:
 * the engine, which looks handles up under that lock (AHs of UD WQEs,
 * SRQs of completions), sees either nothing or the whole object, never
 * one whose fields are still being written.
 *
 * Context: process context, guest->obj_lock held; takes the engine lock.
 */
void xibb_obj_publish(struct xibb_guest *guest, struct xibb_obj *obj)
{
	void *old;

	xibb_engine_lock(guest);
	/* The slot is reserved: this allocates nothing and cannot fail. */
	old = xa_store(&guest->objs, obj->handle & XIBB_HANDLE_IDX_MASK, obj,
		       GFP_KERNEL);
	xibb_engine_unlock(guest);
	WARN_ON_ONCE(old || xa_is_err(old));
}

/**
 * xibb_obj_del() - remove an object from the table
 * @guest: the guest
 * @obj: an object xibb_obj_add() accepted
 *
 * Once this returns the data engine can no longer find @obj.  Releases
 * the Dom0 memory charged for it (mem.c).
 *
 * Context: process context, guest->obj_lock held; takes the engine lock.
 */
void xibb_obj_del(struct xibb_guest *guest, struct xibb_obj *obj)
{
	xibb_engine_lock(guest);
	xa_erase(&guest->objs, obj->handle & XIBB_HANDLE_IDX_MASK);
	xibb_engine_unlock(guest);
	guest->nr_objs[obj->kind]--;
	xibb_mem_uncharge(guest, obj->mem);
	obj->mem = 0;
}

/**
 * xibb_obj_find() - look a handle up
 * @guest: the guest
 * @handle: from a request (untrusted)
 * @kind: the kind the request needs
 *
 * Return: the object, or NULL if @handle names no live object of @kind of
 * this guest.
 *
 * Context: process context, guest->obj_lock held.
 */
struct xibb_obj *xibb_obj_find(struct xibb_guest *guest, u32 handle, u8 kind)
{
	struct xibb_obj *obj;

	if (handle >> XIBB_HANDLE_KIND_SHIFT != kind)
		return NULL;
	obj = xa_load(&guest->objs, handle & XIBB_HANDLE_IDX_MASK);
	if (!obj || obj->handle != handle)
		return NULL;
	return obj;
}

/**
 * xibb_obj_destroy_req() - the destroy requests, for every kind
 * @guest: the guest
 * @req: validated private copy (struct xen_vibif_handle_req)
 * @rsp: response (empty)
 *
 * Return: 0, -ENOENT for an unknown handle or one of another kind,
 * -EBUSY if other objects still use the object.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_obj_destroy_req(struct xibb_guest *guest,
			 const struct xen_vibif_request *req,
			 struct xen_vibif_response *rsp)
{
	u16 op = le16_to_cpu(req->hdr.opcode);
	struct xibb_obj *obj;
	u8 kind;

	for (kind = XIBB_KIND_UCONTEXT; kind < XIBB_KIND_COUNT; kind++)
		if (xibb_destroy_op[kind] == op)
			break;
	if (kind == XIBB_KIND_COUNT)
		return -EOPNOTSUPP;
	obj = xibb_obj_find(guest, le32_to_cpu(req->u.handle.handle), kind);
	if (!obj)
		return -ENOENT;
	if (obj->users)
		return -EBUSY;
	xibb_destroy_tbl[kind](guest, obj);
	return 0;
}

/**
 * xibb_obj_destroy_all() - destroy every object of a guest
 * @guest: the guest
 *
 * In dependency order: QPs, SRQs, AHs, MRs, CQs, PDs, contexts.  Each
 * destroy releases the guest pages of the object.  Idempotent.
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_obj_destroy_all(struct xibb_guest *guest)
{
	struct xibb_obj *obj;
	unsigned long idx;
	int kind;

	for (kind = XIBB_KIND_COUNT - 1; kind > XIBB_KIND_NONE; kind--)
		xa_for_each(&guest->objs, idx, obj)
			if (obj->kind == kind)
				xibb_destroy_tbl[kind](guest, obj);
}

/**
 * xibb_guest_attach_device() - take the guest's hold on rdma-device
 * @guest: the guest, connecting
 *
 * Takes a device reference, creates the private CQ for memory
 * registrations and the poison key (engine.c), and registers the port
 * event handler.
 *
 * Return: 0, -ENODEV if the device is not registered, or the error of
 * ib_create_cq(), ib_alloc_pd() or ib_alloc_mr().
 *
 * Context: process context, may sleep.
 */
int xibb_guest_attach_device(struct xibb_guest *guest)
{
	struct ib_cq_init_attr cqa = { .cqe = 16 };
	struct ib_device *ibdev;
	struct ib_cq *cq;
	struct ib_pd *ppd;
	struct ib_mr *pmr;
	int err;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	cq = ib_create_cq(ibdev, NULL, NULL, NULL, &cqa);
	if (IS_ERR(cq)) {
		err = PTR_ERR(cq);
		goto err_put;
	}
	/*
	 * The poison key: an MR that is never registered, in a PD of its
	 * own.  Not a PD's local_dma_lkey: on devices with a global DMA
	 * key (IB_DEVICE_LOCAL_DMA_LKEY) that one is valid in every PD.
	 */
	ppd = ib_alloc_pd(ibdev, 0);
	if (IS_ERR(ppd)) {
		err = PTR_ERR(ppd);
		goto err_cq;
	}
	pmr = ib_alloc_mr(ppd, IB_MR_TYPE_MEM_REG, 1);
	if (IS_ERR(pmr)) {
		err = PTR_ERR(pmr);
		goto err_pd;
	}

	mutex_lock(&guest->obj_lock);
	guest->ibdev = ibdev;
	guest->reg_cq = cq;
	guest->poison_pd = ppd;
	guest->poison_mr = pmr;
	INIT_IB_EVENT_HANDLER(&guest->event_handler, ibdev, xibb_port_event);
	ib_register_event_handler(&guest->event_handler);
	mutex_unlock(&guest->obj_lock);
	return 0;

err_pd:
	ib_dealloc_pd(ppd);
err_cq:
	ib_destroy_cq(cq);
err_put:
	ib_device_put(ibdev);
	return err;
}

/**
 * xibb_guest_release_device() - destroy every shadow object, drop the device
 * @guest: the guest
 * @fatal: tell the guest its device is gone (XEN_VIBIF_EVT_DEVICE_FATAL)
 *
 * Idempotent.  After this every object request answers XEN_VIBIF_ENODEV.
 *
 * Context: process context, may sleep; takes guest->obj_lock.
 */
void xibb_guest_release_device(struct xibb_guest *guest, bool fatal)
{
	mutex_lock(&guest->obj_lock);
	xibb_obj_destroy_all(guest);
	if (guest->ibdev) {
		ib_unregister_event_handler(&guest->event_handler);
		ib_destroy_cq(guest->reg_cq);
		guest->reg_cq = NULL;
		ib_dereg_mr(guest->poison_mr);
		guest->poison_mr = NULL;
		ib_dealloc_pd(guest->poison_pd);
		guest->poison_pd = NULL;
		ib_device_put(guest->ibdev);
		guest->ibdev = NULL;
		if (fatal)
			xibb_event_post(guest, XEN_VIBIF_EVT_DEVICE_FATAL,
					XEN_VIBIF_IBEV_DEVICE_FATAL, 0, 0);
	}
	mutex_unlock(&guest->obj_lock);
}

static int xibb_client_add(struct ib_device *ibdev)
{
	return 0;
}

/* The real device is being unregistered: let go of it everywhere. */
static void xibb_client_remove(struct ib_device *ibdev, void *client_data)
{
	struct xibb_guest *guest;

	mutex_lock(&xibb_guests_lock);
	list_for_each_entry(guest, &xibb_guests, list) {
		if (READ_ONCE(guest->ibdev) != ibdev)
			continue;
		dev_warn(&guest->xbdev->dev,
			 "%s is going away, destroying the guest's objects\n",
			 dev_name(&ibdev->dev));
		xibb_guest_release_device(guest, true);
	}
	mutex_unlock(&xibb_guests_lock);
}

static struct ib_client xibb_client = {
	.name = "xen-ibback",
	.add = xibb_client_add,
	.remove = xibb_client_remove,
};

/**
 * xibb_client_init() - register the backend's ib_client
 *
 * Return: 0 or the error of ib_register_client().
 *
 * Context: module init.
 */
int xibb_client_init(void)
{
	return ib_register_client(&xibb_client);
}

/**
 * xibb_client_exit() - unregister the ib_client
 *
 * Context: module exit, after every guest is gone.
 */
void xibb_client_exit(void)
{
	ib_unregister_client(&xibb_client);
}
