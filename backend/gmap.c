// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: mapping the guest pages a page directory names (vibif.h,
 * "Page directories").
 *
 * Directory pages are mapped read-only, one at a time, and every reference
 * is read from them exactly once (READ_ONCE) into private memory before any
 * is used; they are unmapped before the data pages are mapped.  Data pages
 * are mapped with gnttab_map_refs() onto pages from gnttab_alloc_pages(),
 * in batches.  They are used through their own (linear) kernel addresses
 * only, page by page: in a PV domain a granted frame can be mapped only by
 * a grant operation, so a second mapping such as vmap() would be refused
 * by Xen and leave non-present PTEs.  Every mapped page counts against
 * the guest's quota-pinned-pages (directory pages while they are mapped).
 * A grant that fails to map fails the whole directory with -EFAULT,
 * leaving nothing mapped.
 *
 * Each mapping takes an entry of this domain's maptrack table in Xen,
 * which every backend here shares: a guest that could map one grant any
 * number of times, or guests together mapping without bound, would leave
 * netback and blkback none.  So a guest maps each of its grant
 * references at most once at a time (guest->grefs; a repeat answers
 * -EINVAL: a frontend grants every page of every directory anew), and all
 * guests together at most max_mapped_pages pages (-EDQUOT).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <xen/grant_table.h>
#include <xen/page.h>

/* Grant operations per hypercall batch. */
#define XIBB_MAP_BATCH	32

/* Guest pages mapped now, over every guest, against max_mapped_pages. */
static atomic_long_t xibb_mapped = ATOMIC_LONG_INIT(0);

/**
 * xibb_gmap_mapped() - guest pages mapped now, over every guest
 *
 * Context: any.
 */
long xibb_gmap_mapped(void)
{
	return atomic_long_read(&xibb_mapped);
}

/* Counts @n pages against max_mapped_pages; -EDQUOT beyond. */
static int xibb_mapped_get(struct xibb_guest *guest, u32 n)
{
	if (atomic_long_add_return(n, &xibb_mapped) >
	    READ_ONCE(xibb_max_mapped_pages)) {
		atomic_long_sub(n, &xibb_mapped);
		atomic64_inc(&guest->stats.map_refused);
		return -EDQUOT;
	}
	return 0;
}

/**
 * xibb_gref_note() - note grant references as mapped, not counted
 * @guest: the guest
 * @refs: references about to be mapped
 * @n: how many
 *
 * For the connection's own ring and event pages (guest.c), which are not
 * counted against max_mapped_pages.
 *
 * Return: 0; -EINVAL if @refs names one twice or one the guest has mapped
 * already (counted in dup_grefs); -ENOMEM.  Nothing is noted on failure.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_gref_note(struct xibb_guest *guest, const u32 *refs, u32 n)
{
	u32 i;
	int err = 0;

	lockdep_assert_held(&guest->obj_lock);

	for (i = 0; i < n; i++) {
		err = xa_insert(&guest->grefs, refs[i], xa_mk_value(1),
				GFP_KERNEL);
		if (err)
			break;
	}
	if (!err)
		return 0;
	if (err == -EBUSY) {
		atomic64_inc(&guest->stats.dup_grefs);
		err = -EINVAL;
	}
	while (i--)
		xa_erase(&guest->grefs, refs[i]);
	return err;
}

/**
 * xibb_gref_forget() - undo xibb_gref_note()
 * @guest: the guest
 * @refs: references xibb_gref_note() accepted, now unmapped
 * @n: how many
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_gref_forget(struct xibb_guest *guest, const u32 *refs, u32 n)
{
	u32 i;

	lockdep_assert_held(&guest->obj_lock);

	for (i = 0; i < n; i++)
		xa_erase(&guest->grefs, refs[i]);
}

/**
 * xibb_gref_claim() - note grant references as mapped by the guest
 * @guest: the guest
 * @refs: references about to be mapped
 * @n: how many
 *
 * Also counts them against max_mapped_pages.
 *
 * Return: 0; -EINVAL if @refs names one twice or one the guest has mapped
 * already (counted in dup_grefs); -EDQUOT beyond max_mapped_pages;
 * -ENOMEM.  Nothing is claimed on failure.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_gref_claim(struct xibb_guest *guest, const u32 *refs, u32 n)
{
	int err;

	lockdep_assert_held(&guest->obj_lock);

	err = xibb_mapped_get(guest, n);
	if (err)
		return err;
	err = xibb_gref_note(guest, refs, n);
	if (err)
		atomic_long_sub(n, &xibb_mapped);
	return err;
}

/**
 * xibb_gref_release() - undo xibb_gref_claim()
 * @guest: the guest
 * @refs: references xibb_gref_claim() accepted, now unmapped
 * @n: how many
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_gref_release(struct xibb_guest *guest, const u32 *refs, u32 n)
{
	lockdep_assert_held(&guest->obj_lock);

	xibb_gref_forget(guest, refs, n);
	atomic_long_sub(n, &xibb_mapped);
}

static unsigned long xibb_page_vaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

/* Unmaps the first @n pages of @map. */
static void xibb_gmap_unmap_n(struct xibb_gmap *map, u32 n)
{
	struct gnttab_unmap_grant_ref ops[XIBB_MAP_BATCH];
	u32 flags = GNTMAP_host_map | (map->readonly ? GNTMAP_readonly : 0);
	u32 done, i, k;

	for (done = 0; done < n; done += k) {
		k = min_t(u32, n - done, XIBB_MAP_BATCH);
		for (i = 0; i < k; i++)
			gnttab_set_unmap_op(&ops[i],
					    xibb_page_vaddr(map->pages[done + i]),
					    flags, map->handles[done + i]);
		if (gnttab_unmap_refs(ops, NULL, &map->pages[done], k))
			pr_warn_ratelimited("grant unmap failed\n");
		/* A big region is many batches (blkback yields the same way). */
		cond_resched();
	}
}

/* Maps @n grants of @refs onto map->pages; all or nothing. */
static int xibb_gmap_map_n(struct xibb_guest *guest, struct xibb_gmap *map,
			   const u32 *refs, u32 n)
{
	struct gnttab_map_grant_ref ops[XIBB_MAP_BATCH];
	u32 flags = GNTMAP_host_map | (map->readonly ? GNTMAP_readonly : 0);
	u32 done, i, k;
	int err = 0;

	for (done = 0; done < n && !err; done += k) {
		k = min_t(u32, n - done, XIBB_MAP_BATCH);
		for (i = 0; i < k; i++)
			gnttab_set_map_op(&ops[i],
					  xibb_page_vaddr(map->pages[done + i]),
					  flags, refs[done + i], guest->domid);
		err = gnttab_map_refs(ops, NULL, &map->pages[done], k);
		for (i = 0; i < k; i++) {
			map->handles[done + i] = ops[i].handle;
			if (ops[i].status != GNTST_okay && !err)
				err = -EFAULT;
		}
		if (err) {
			/* Unmap what this batch mapped, then the earlier ones. */
			for (i = 0; i < k; i++) {
				struct gnttab_unmap_grant_ref u;

				if (ops[i].status != GNTST_okay)
					continue;
				gnttab_set_unmap_op(&u,
						    xibb_page_vaddr(map->pages[done + i]),
						    flags, ops[i].handle);
				gnttab_unmap_refs(&u, NULL,
						  &map->pages[done + i], 1);
			}
			xibb_gmap_unmap_n(map, done);
			return -EFAULT;
		}
		cond_resched();
	}
	return 0;
}

/*
 * Reads @n __le32 references from the directory page granted as @ref into
 * @out, mapping the page read-only for the time of the copy.
 */
static int xibb_gmap_read_dir(struct xibb_guest *guest, u32 ref, u32 *out,
			      u32 n)
{
	struct xibb_gmap dir = { .npages = 1, .readonly = true };
	grant_handle_t handle;
	struct page *page;
	const __le32 *p;
	u32 i;
	int err;

	if (guest->pinned >= guest->quota.pinned_pages)
		return -EDQUOT;
	err = gnttab_alloc_pages(1, &page);
	if (err)
		return -ENOMEM;
	dir.pages = &page;
	dir.handles = &handle;
	err = xibb_gmap_map_n(guest, &dir, &ref, 1);
	if (err)
		goto out_free;
	p = page_address(page);
	for (i = 0; i < n; i++)
		out[i] = le32_to_cpu(READ_ONCE(p[i]));
	xibb_gmap_unmap_n(&dir, 1);
out_free:
	gnttab_free_pages(1, &page);
	return err;
}

/* Collects the data page references of a validated directory. */
static int xibb_gmap_collect(struct xibb_guest *guest,
			     const struct xen_vibif_pgdir *pgdir, u32 *refs)
{
	const u32 per = XEN_VIBIF_PGDIR_GRANTS_PER_PAGE;
	u32 npages = le32_to_cpu(pgdir->npages);
	u16 nrefs = le16_to_cpu(pgdir->nrefs);
	u32 nleaf, i, *leaf;
	int err = 0;

	switch (pgdir->levels) {
	case 0:
		for (i = 0; i < npages; i++)
			refs[i] = le32_to_cpu(pgdir->ref[i]);
		return 0;
	case 1:
		for (i = 0; i < nrefs && !err; i++)
			err = xibb_gmap_read_dir(guest, le32_to_cpu(pgdir->ref[i]),
						 &refs[i * per],
						 min(per, npages - i * per));
		return err;
	default:
		nleaf = DIV_ROUND_UP(npages, per);
		leaf = kvcalloc(nleaf, sizeof(*leaf), GFP_KERNEL);
		if (!leaf)
			return -ENOMEM;
		for (i = 0; i < nrefs && !err; i++)
			err = xibb_gmap_read_dir(guest, le32_to_cpu(pgdir->ref[i]),
						 &leaf[i * per],
						 min(per, nleaf - i * per));
		for (i = 0; i < nleaf && !err; i++)
			err = xibb_gmap_read_dir(guest, leaf[i], &refs[i * per],
						 min(per, npages - i * per));
		kvfree(leaf);
		return err;
	}
}

/**
 * xibb_gmap_pgdir() - map the guest pages a directory names
 * @guest: the guest
 * @pgdir: a directory xenib_request_check() accepted (type GRANT), in the
 *	private copy of the request
 * @readonly: map the data pages read-only
 * @map: filled on success (zeroed by the caller)
 *
 * Return: 0; -EDQUOT if the pages exceed the guest's
 * quota-pinned-pages, the Dom0 memory budget (mem.c) or max_mapped_pages;
 * -EINVAL if the directory names a grant reference twice or one the
 * guest has mapped already; -EFAULT if a grant cannot be mapped; -ENOMEM.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_gmap_pgdir(struct xibb_guest *guest,
		    const struct xen_vibif_pgdir *pgdir, bool readonly,
		    struct xibb_gmap *map)
{
	u32 npages = le32_to_cpu(pgdir->npages);
	u32 *refs;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	if (pgdir->type != XEN_VIBIF_PGDIR_GRANT)
		return -EOPNOTSUPP;
	if (npages > guest->quota.pinned_pages - min(guest->pinned,
						     guest->quota.pinned_pages))
		return -EDQUOT;

	err = xibb_mem_charge(guest, npages * xibb_mem_page_cost());
	if (err)
		return err;

	refs = kvcalloc(npages, sizeof(*refs), GFP_KERNEL);
	map->pages = kvcalloc(npages, sizeof(*map->pages), GFP_KERNEL);
	map->handles = kvcalloc(npages, sizeof(*map->handles), GFP_KERNEL);
	if (!refs || !map->pages || !map->handles) {
		err = -ENOMEM;
		goto err_free;
	}
	err = xibb_gmap_collect(guest, pgdir, refs);
	if (err)
		goto err_free;
	err = xibb_gref_claim(guest, refs, npages);
	if (err)
		goto err_free;

	err = gnttab_alloc_pages(npages, map->pages);
	if (err) {
		err = -ENOMEM;
		goto err_release;
	}
	map->readonly = readonly;
	err = xibb_gmap_map_n(guest, map, refs, npages);
	if (err)
		goto err_free_pages;
	map->npages = npages;
	map->refs = refs;
	map->vaddr = page_address(map->pages[0]);
	guest->pinned += npages;
	return 0;

err_free_pages:
	gnttab_free_pages(npages, map->pages);
err_release:
	xibb_gref_release(guest, refs, npages);
err_free:
	kvfree(map->handles);
	kvfree(map->pages);
	kvfree(refs);
	map->handles = NULL;
	map->pages = NULL;
	xibb_mem_uncharge(guest, npages * xibb_mem_page_cost());
	return err;
}

/**
 * xibb_gmap_unmap() - unmap what xibb_gmap_pgdir() mapped
 * @guest: the guest
 * @map: the mapping; may be empty
 *
 * The caller has made sure the real device no longer accesses the pages
 * (the shadow object is destroyed or deregistered).
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_gmap_unmap(struct xibb_guest *guest, struct xibb_gmap *map)
{
	lockdep_assert_held(&guest->obj_lock);

	if (!map->npages)
		return;
	xibb_gmap_unmap_n(map, map->npages);
	gnttab_free_pages(map->npages, map->pages);
	guest->pinned -= min(guest->pinned, map->npages);
	xibb_gref_release(guest, map->refs, map->npages);
	xibb_mem_uncharge(guest, map->npages * xibb_mem_page_cost());
	kvfree(map->refs);
	kvfree(map->handles);
	kvfree(map->pages);
	memset(map, 0, sizeof(*map));
}

/**
 * xibb_gmap_read() - copy octets out of a mapping, across pages
 * @map: the mapping
 * @off: first octet
 * @dst: private memory
 * @len: octets; off + len is within npages * PAGE_SIZE (the caller's bound)
 *
 * Context: any.
 */
void xibb_gmap_read(const struct xibb_gmap *map, size_t off, void *dst,
		    size_t len)
{
	size_t n;

	while (len) {
		n = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
		memcpy(dst, xibb_gmap_ptr(map, off), n);
		dst = (u8 *)dst + n;
		off += n;
		len -= n;
	}
}
