// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: user contexts.  A context maps the guest's doorbell page
 * (read-write: the engine writes engine_state and clears dirty bits) and
 * keeps the table of its QPs and SRQs by doorbell index, which the data
 * engine uses and which keeps doorbell indices unique.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/slab.h>
#include <xen/xenbus.h>

/**
 * xibb_ucontext_get() - look up the context a request names
 * @guest: the guest
 * @handle: the request's ucontext field
 * @optional: XEN_VIBIF_HANDLE_NONE is allowed (then NULL is returned)
 * @err: set to -ENOENT when the lookup fails
 *
 * Return: the context, or NULL (check @err).
 *
 * Context: process context, guest->obj_lock held.
 */
struct xibb_ucontext *xibb_ucontext_get(struct xibb_guest *guest, u32 handle,
					bool optional, int *err)
{
	struct xibb_obj *obj;

	lockdep_assert_held(&guest->obj_lock);

	*err = 0;
	if (handle == XEN_VIBIF_HANDLE_NONE) {
		if (!optional)
			*err = -ENOENT;
		return NULL;
	}
	obj = xibb_obj_find(guest, handle, XIBB_KIND_UCONTEXT);
	if (!obj) {
		*err = -ENOENT;
		return NULL;
	}
	return container_of(obj, struct xibb_ucontext, obj);
}

/**
 * xibb_alloc_ucontext() - XEN_VIBIF_OP_ALLOC_UCONTEXT
 * @guest: the guest
 * @req: validated private copy of the request
 * @rsp: response: the handle
 *
 * Return: 0, -EDQUOT, -EINVAL (doorbell reference mapped already), -EFAULT
 * (doorbell page not mappable), -ENOMEM; a bad reference fails this
 * request only, never the connection.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_alloc_ucontext(struct xibb_guest *guest,
			const struct xen_vibif_request *req,
			struct xen_vibif_response *rsp)
{
	struct xen_vibif_pgdir dir = {
		.npages = cpu_to_le32(1),
		.levels = 0,
		.type = XEN_VIBIF_PGDIR_GRANT,
		.nrefs = cpu_to_le16(1),
		.ref[0] = req->u.alloc_ucontext.db_ref,
	};
	struct xibb_ucontext *uc;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	uc = kzalloc(sizeof(*uc), GFP_KERNEL);
	if (!uc)
		return -ENOMEM;
	xa_init(&uc->db_xa);
	INIT_LIST_HEAD(&uc->eng_node);
	err = xibb_obj_add(guest, &uc->obj, XIBB_KIND_UCONTEXT);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &uc->obj, xibb_mem_small_cost());
	if (err)
		goto err_del;
	/*
	 * Mapped as any guest page is (gmap.c: pinned-page quota, maptrack
	 * budget, one mapping per reference), not with
	 * xenbus_map_ring_valloc(): that one answers a bad reference with
	 * xenbus_dev_fatal(), which closes the whole connection, so one
	 * wrong db_ref from any process of the guest would cut off every
	 * other process of it.
	 */
	err = xibb_gmap_pgdir(guest, &dir, false, &uc->db_map);
	if (err)
		goto err_del;
	uc->db = uc->db_map.vaddr;
	xibb_engine_uc_add(guest, uc);
	xibb_obj_publish(guest, &uc->obj);
	rsp->u.handle.handle = cpu_to_le32(uc->obj.handle);
	return 0;

err_del:
	xibb_obj_del(guest, &uc->obj);
err_free:
	kfree(uc);
	return err;
}

/**
 * xibb_ucontext_destroy() - destroy a context (no users left)
 * @guest: the guest
 * @obj: the context
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_ucontext_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_ucontext *uc = container_of(obj, struct xibb_ucontext, obj);

	lockdep_assert_held(&guest->obj_lock);

	xibb_engine_uc_del(guest, uc);
	xibb_obj_del(guest, obj);
	xibb_gmap_unmap(guest, &uc->db_map);
	xa_destroy(&uc->db_xa);
	kfree(uc);
}
