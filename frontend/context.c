// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: user contexts and their doorbell page.
 *
 * Each user context owns one zeroed page (struct xenib_db_page) that is
 * granted read-write to the backend (ALLOC_UCONTEXT) and mapped into the
 * process at offset 0 of the uverbs file (db_mmap_offset).  The mapping
 * holds its own page reference, so the page outlives the context if the
 * process keeps it mapped after the device is gone; writes to it then
 * reach nobody.  QPs and SRQs of the context take doorbell indices from a
 * bitmap here.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/mm.h>
#include <xen/page.h>

/* The mmap() offset of the doorbell page. */
#define XIBF_DB_MMAP_OFFSET	0

/**
 * xibf_alloc_ucontext() - ib_device_ops.alloc_ucontext
 * @ibuc: the context, allocated by the RDMA core
 * @udata: response: struct xenib_alloc_ucontext_resp
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context (uverbs), may sleep.
 */
int xibf_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibuc->device);
	struct xibf_ucontext *uc = to_xuc(ibuc);
	struct xen_vibif_alloc_ucontext_req req = {};
	struct xenib_alloc_ucontext_resp resp = {};
	struct xibf_cmd cmd;
	int ref, err;

	spin_lock_init(&uc->db_lock);
	uc->db_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!uc->db_page)
		return -ENOMEM;
	ref = gnttab_grant_foreign_access(xdev->xbdev->otherend_id,
					  xen_page_to_gfn(uc->db_page), 0);
	if (ref < 0) {
		__free_page(uc->db_page);
		uc->db_page = NULL;
		return ref;
	}
	uc->db_ref = ref;

	req.db_ref = cpu_to_le32(uc->db_ref);
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_ALLOC_UCONTEXT, &req,
			    sizeof(req), &cmd);
	if (err)
		goto err_end_grant;
	uc->handle = le32_to_cpu(cmd.rsp.u.handle.handle);

	resp.abi_version = XENIB_UVERBS_ABI_VERSION;
	resp.db_size = XENIB_DB_PAGE_SIZE;
	resp.db_mmap_offset = XIBF_DB_MMAP_OFFSET;
	resp.max_inline_data = xdev->max_inline_data;
	resp.max_send_sge = xdev->attr.max_send_sge;
	resp.max_recv_sge = xdev->attr.max_recv_sge;
	resp.sq_wqe_shift_max = XENIB_SQ_WQE_SHIFT_MAX;
	resp.rq_wqe_shift_max = XENIB_RQ_WQE_SHIFT_MAX;
	resp.num_db = XENIB_DB_BITS;
	resp.max_log_nslots = XENIB_MAX_LOG_NSLOTS;
	err = xibf_udata_out(udata, &resp, sizeof(resp));
	if (err)
		goto err_dealloc;
	return 0;

err_dealloc:
	xibf_dealloc_ucontext(ibuc);
	return err;
err_end_grant:
	gnttab_end_foreign_access(uc->db_ref, uc->db_page);
	uc->db_page = NULL;
	return err;
}

/**
 * xibf_dealloc_ucontext() - ib_device_ops.dealloc_ucontext
 * @ibuc: the context; its QPs, SRQs, CQs and PDs are already destroyed
 *
 * Context: process context, may sleep.
 */
void xibf_dealloc_ucontext(struct ib_ucontext *ibuc)
{
	struct xibf_device *xdev = to_xdev(ibuc->device);
	struct xibf_ucontext *uc = to_xuc(ibuc);
	struct xen_vibif_handle_req req = {};
	struct xibf_cmd cmd;

	if (!uc->db_page)
		return;
	req.handle = cpu_to_le32(uc->handle);
	xibf_cmd_exec(xdev, XEN_VIBIF_OP_DEALLOC_UCONTEXT, &req, sizeof(req),
		      &cmd);
	/* Frees the page once the backend unmapped it. */
	gnttab_end_foreign_access(uc->db_ref, uc->db_page);
	uc->db_page = NULL;
}

/**
 * xibf_disassociate_ucontext() - ib_device_ops.disassociate_ucontext
 * @ibuc: the context of a process that still has the device open
 *
 * Having this op lets the RDMA core unregister the device (on disconnect)
 * without waiting for processes to close it.  Nothing to do: the doorbell
 * mapping holds its own page reference, and the objects are destroyed by
 * the core next.
 *
 * Context: process context.
 */
void xibf_disassociate_ucontext(struct ib_ucontext *ibuc)
{
}

/**
 * xibf_mmap() - ib_device_ops.mmap: map the doorbell page
 * @ibuc: the context
 * @vma: one page at offset XIBF_DB_MMAP_OFFSET, shared
 *
 * Return: 0, or -EINVAL for any other offset or size.
 *
 * Context: process context (mmap), may sleep.
 */
int xibf_mmap(struct ib_ucontext *ibuc, struct vm_area_struct *vma)
{
	struct xibf_ucontext *uc = to_xuc(ibuc);

	if (vma->vm_pgoff != XIBF_DB_MMAP_OFFSET ||
	    vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    !(vma->vm_flags & VM_SHARED) || !uc->db_page)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, uc->db_page);
}

/**
 * xibf_db_get() - take a free doorbell index of a context
 * @uc: the context
 * @db_index: set to the index
 *
 * Return: 0, or -ENOSPC when all XENIB_DB_BITS are in use.
 *
 * Context: any.
 */
int xibf_db_get(struct xibf_ucontext *uc, u32 *db_index)
{
	unsigned long bit;

	spin_lock(&uc->db_lock);
	bit = find_first_zero_bit(uc->db_used, XENIB_DB_BITS);
	if (bit < XENIB_DB_BITS)
		__set_bit(bit, uc->db_used);
	spin_unlock(&uc->db_lock);
	if (bit >= XENIB_DB_BITS)
		return -ENOSPC;
	*db_index = bit;
	return 0;
}

/**
 * xibf_db_put() - release a doorbell index
 * @uc: the context
 * @db_index: an index xibf_db_get() returned
 *
 * Context: any.
 */
void xibf_db_put(struct xibf_ucontext *uc, u32 db_index)
{
	spin_lock(&uc->db_lock);
	__clear_bit(db_index, uc->db_used);
	spin_unlock(&uc->db_lock);
}
