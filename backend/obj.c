// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the per-guest object table, quotas and generic destruction
 * (the guest's hold on the real device and the ib_client are client.c's).
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

	lockdep_assert_held(&guest->obj_lock);

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

	lockdep_assert_held(&guest->obj_lock);

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
	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_lock(guest);
	xa_erase(&guest->objs, obj->handle & XIBB_HANDLE_IDX_MASK);
	xibb_engine_unlock(guest);
	guest->nr_objs[obj->kind]--;
	xibb_mem_uncharge(guest, obj->mem);
	obj->mem = 0;
}

/* The one lookup of a guest handle; the callers say which lock they hold. */
static struct xibb_obj *xibb_obj_lookup(struct xibb_guest *guest, u32 handle,
					u8 kind)
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
 * xibb_obj_find() - look a handle up, for a control request
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
	lockdep_assert_held(&guest->obj_lock);
	return xibb_obj_lookup(guest, handle, kind);
}

/**
 * xibb_obj_find_engine() - look a handle up, for the engine
 * @guest: the guest
 * @handle: from a WQE (untrusted)
 * @kind: the kind the WQE needs
 *
 * The engine does not take guest->obj_lock.  It may look objects up under
 * the engine lock because xibb_obj_publish() and xibb_obj_del() change the
 * table under it too: the object returned stays allocated until the engine
 * lock is dropped.
 *
 * Return: as xibb_obj_find().
 *
 * Context: the engine lock (guest->eng.lock) held.
 */
struct xibb_obj *xibb_obj_find_engine(struct xibb_guest *guest, u32 handle,
				      u8 kind)
{
	lockdep_assert_held(&guest->eng.lock);
	return xibb_obj_lookup(guest, handle, kind);
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

	lockdep_assert_held(&guest->obj_lock);

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

	lockdep_assert_held(&guest->obj_lock);

	for (kind = XIBB_KIND_COUNT - 1; kind > XIBB_KIND_NONE; kind--)
		xa_for_each(&guest->objs, idx, obj)
			if (obj->kind == kind)
				xibb_destroy_tbl[kind](guest, obj);
}
