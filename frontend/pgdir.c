// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: pinning user memory, granting it page by page to the
 * backend and describing it with a page directory (vibif.h, "Page
 * directories"), plus the udata helpers every verb uses.
 *
 * Data pages are granted read-write, or read-only when the backend never
 * needs to write them (an MR without local write access).  Directory pages
 * are allocated here and granted read-only.  The directory always has the
 * shape xenib_pgdir_shape() gives, which is the only one the backend
 * accepts.  Grants are ended with gnttab_end_foreign_access(), which keeps
 * a page out of reuse for as long as a (misbehaving) backend still maps it.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <xen/page.h>

#include "validate.h"

/* Ends one grant; the grant code drops the page reference we pass. */
static void xibf_end_grant(grant_ref_t ref, struct page *page)
{
	get_page(page);
	gnttab_end_foreign_access(ref, page);
}

/* Ends the grants of the first @n data pages of @pd. */
static void xibf_pgdir_end_data(struct xibf_pgdir *pd, struct page **pages,
				u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		xibf_end_grant(pd->refs[i], pages[i]);
}

/* Ends the grants of directory pages and frees them (deferred if mapped). */
static void xibf_pgdir_free_dirs(struct xibf_pgdir *pd)
{
	u32 i;

	for (i = 0; i < pd->ndir; i++) {
		if (!pd->dir_pages[i])
			continue;
		if (pd->dir_refs[i] != INVALID_GRANT_REF)
			gnttab_end_foreign_access(pd->dir_refs[i],
						  pd->dir_pages[i]);
		else
			__free_page(pd->dir_pages[i]);
	}
	kfree(pd->dir_pages);
	kfree(pd->dir_refs);
	pd->dir_pages = NULL;
	pd->dir_refs = NULL;
	pd->ndir = 0;
}

/* Allocates, fills and grants one directory page of __le32 @refs. */
static int xibf_pgdir_dir_page(struct xibf_device *xdev,
			       struct xibf_pgdir *pd, u32 slot,
			       const grant_ref_t *refs, u32 n)
{
	struct page *page;
	__le32 *p;
	u32 i;
	int ref;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	pd->dir_pages[slot] = page;
	p = page_address(page);
	for (i = 0; i < n; i++)
		p[i] = cpu_to_le32(refs[i]);
	ref = gnttab_grant_foreign_access(xdev->xbdev->otherend_id,
					  xen_page_to_gfn(page), 1);
	if (ref < 0)
		return ref;
	pd->dir_refs[slot] = ref;
	return 0;
}

/* Builds the directory pages and the wire directory for pd->refs. */
static int xibf_pgdir_build(struct xibf_device *xdev, struct xibf_pgdir *pd)
{
	const u32 per = XEN_VIBIF_PGDIR_GRANTS_PER_PAGE;
	struct xen_vibif_pgdir *w = &pd->wire;
	u32 nleaf = 0, nupper = 0, i;
	u16 nrefs;
	u8 levels;
	int err;

	err = xenib_pgdir_shape(pd->npages, XEN_VIBIF_PGDIR_GRANT, &levels,
				&nrefs);
	if (err)
		return err;
	memset(w, 0, sizeof(*w));
	w->npages = cpu_to_le32(pd->npages);
	w->levels = levels;
	w->type = XEN_VIBIF_PGDIR_GRANT;
	w->nrefs = cpu_to_le16(nrefs);
	if (levels == 0) {
		for (i = 0; i < nrefs; i++)
			w->ref[i] = cpu_to_le32(pd->refs[i]);
		return 0;
	}

	nleaf = DIV_ROUND_UP(pd->npages, per);
	if (levels == 2)
		nupper = DIV_ROUND_UP(nleaf, per);
	pd->dir_pages = kcalloc(nleaf + nupper, sizeof(*pd->dir_pages),
				GFP_KERNEL);
	pd->dir_refs = kcalloc(nleaf + nupper, sizeof(*pd->dir_refs),
			       GFP_KERNEL);
	if (!pd->dir_pages || !pd->dir_refs)
		return -ENOMEM;
	pd->ndir = nleaf + nupper;
	for (i = 0; i < pd->ndir; i++)
		pd->dir_refs[i] = INVALID_GRANT_REF;

	for (i = 0; i < nleaf; i++) {
		err = xibf_pgdir_dir_page(xdev, pd, i, &pd->refs[i * per],
					  min(per, pd->npages - i * per));
		if (err)
			return err;
	}
	if (levels == 1) {
		for (i = 0; i < nleaf; i++)
			w->ref[i] = cpu_to_le32(pd->dir_refs[i]);
		return 0;
	}
	for (i = 0; i < nupper; i++) {
		err = xibf_pgdir_dir_page(xdev, pd, nleaf + i,
					  &pd->dir_refs[i * per],
					  min(per, nleaf - i * per));
		if (err)
			return err;
		w->ref[i] = cpu_to_le32(pd->dir_refs[nleaf + i]);
	}
	return 0;
}

/* The pinned pages of @umem, in address order, into a new array. */
static struct page **xibf_umem_pages(struct ib_umem *umem, u32 npages)
{
	struct sg_page_iter iter;
	struct page **pages;
	u32 n = 0;

	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for_each_sgtable_page(&umem->sgt_append.sgt, &iter, 0) {
		if (n == npages)
			break;
		pages[n++] = sg_page_iter_page(&iter);
	}
	if (n != npages) {
		kvfree(pages);
		return NULL;
	}
	return pages;
}

/**
 * xibf_pgdir_get() - pin user memory and grant it to the backend
 * @xdev: the device
 * @pd: directory to fill (zeroed by the caller)
 * @addr: user address of the first octet
 * @size: octets, > 0
 * @access: IB_ACCESS_* for ib_umem_get()
 * @readonly: grant the data pages read-only
 *
 * On success @pd->wire is the directory of the pages covering
 * [@addr, @addr + @size), ready to be copied into a request.
 *
 * Return: 0 or a negative errno (-ENOSPC when the grant table is full);
 * on error nothing is left pinned or granted.
 *
 * Context: process context (a uverbs command), may sleep.
 */
int xibf_pgdir_get(struct xibf_device *xdev, struct xibf_pgdir *pd,
		   u64 addr, u64 size, int access, bool readonly)
{
	struct page **pages;
	size_t npages;
	u32 i;
	int err;

	if (!size)
		return -EINVAL;
	pd->umem = ib_umem_get(&xdev->ibdev, addr, size, access);
	if (IS_ERR(pd->umem)) {
		err = PTR_ERR(pd->umem);
		pd->umem = NULL;
		return err;
	}
	npages = ib_umem_num_pages(pd->umem);
	if (!npages || npages > XEN_VIBIF_PGDIR_MAX_PAGES) {
		err = -EINVAL;
		goto err_release;
	}
	pd->npages = npages;
	pd->refs = kvcalloc(npages, sizeof(*pd->refs), GFP_KERNEL);
	pages = xibf_umem_pages(pd->umem, npages);
	if (!pd->refs || !pages) {
		kvfree(pages);
		err = -ENOMEM;
		goto err_free_refs;
	}
	for (i = 0; i < npages; i++) {
		int ref = gnttab_grant_foreign_access(xdev->xbdev->otherend_id,
						      xen_page_to_gfn(pages[i]),
						      readonly);

		if (ref < 0) {
			err = ref;
			xibf_pgdir_end_data(pd, pages, i);
			goto err_free_pages;
		}
		pd->refs[i] = ref;
	}
	err = xibf_pgdir_build(xdev, pd);
	if (err) {
		xibf_pgdir_free_dirs(pd);
		xibf_pgdir_end_data(pd, pages, npages);
		goto err_free_pages;
	}
	kvfree(pages);
	return 0;

err_free_pages:
	kvfree(pages);
err_free_refs:
	kvfree(pd->refs);
	pd->refs = NULL;
err_release:
	ib_umem_release(pd->umem);
	pd->umem = NULL;
	pd->npages = 0;
	return err;
}

/**
 * xibf_pgdir_put() - end the grants and unpin what xibf_pgdir_get() took
 * @pd: the directory; may be empty (never filled, or already put)
 *
 * Call only after the backend released the pages (the destroy command
 * answered) or the connection is dead; either way a page still mapped by
 * the backend is not reused before the backend unmaps it.
 *
 * Context: process context, may sleep.
 */
void xibf_pgdir_put(struct xibf_pgdir *pd)
{
	struct page **pages;

	if (!pd->umem)
		return;
	xibf_pgdir_free_dirs(pd);
	pages = xibf_umem_pages(pd->umem, pd->npages);
	if (pages) {
		xibf_pgdir_end_data(pd, pages, pd->npages);
		kvfree(pages);
	} else {
		u32 i;

		/* No memory for the page list: end without a page reference. */
		for (i = 0; i < pd->npages; i++)
			if (!gnttab_end_foreign_access_ref(pd->refs[i]))
				pr_warn_ratelimited("grant %u still in use, leaking it\n",
						    pd->refs[i]);
	}
	kvfree(pd->refs);
	pd->refs = NULL;
	ib_umem_release(pd->umem);
	pd->umem = NULL;
	pd->npages = 0;
}

/**
 * xibf_udata_in() - copy a command's driver data in, strictly
 * @udata: the command's udata
 * @cmd: where to copy
 * @len: size of the structure this ABI defines
 *
 * Return: 0, -EINVAL if userlib passed less than @len octets, -EOPNOTSUPP
 * if it passed more and the extra octets are not zero, -EFAULT.
 *
 * Context: process context.
 */
int xibf_udata_in(struct ib_udata *udata, void *cmd, size_t len)
{
	if (!udata || udata->inlen < len)
		return -EINVAL;
	if (udata->inlen > len &&
	    !ib_is_udata_cleared(udata, len, udata->inlen - len))
		return -EOPNOTSUPP;
	return ib_copy_from_udata(cmd, udata, len);
}

/**
 * xibf_udata_out() - copy a response's driver data out
 * @udata: the command's udata
 * @resp: the response
 * @len: its size
 *
 * Return: 0 or -EFAULT; a shorter user buffer gets a prefix.
 *
 * Context: process context.
 */
int xibf_udata_out(struct ib_udata *udata, void *resp, size_t len)
{
	if (!udata)
		return 0;
	return ib_copy_to_udata(udata, resp, min(len, udata->outlen));
}
