/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim xen/grant_table.h - grant mapping onto the fake guest's memory
 * (fake.c).  A mapped page's address is a mapping of the guest frame of
 * its own (shared memory), read-only when asked, with guard pages around
 * it, removed again by the unmap: a write through a read-only mapping, an
 * access beyond the page and a use after the unmap all fault.
 */

#ifndef KSHIM_XEN_GRANT_TABLE_H
#define KSHIM_XEN_GRANT_TABLE_H

#include "../linux/mm.h"
#include "xen.h"

typedef u32 grant_ref_t;
typedef u32 grant_handle_t;

#define GNTMAP_host_map		(1u << 1)
#define GNTMAP_readonly		(1u << 2)

#define GNTST_okay		0
#define GNTST_bad_gntref	(-4)
#define GNTST_general_error	(-1)

struct gnttab_map_grant_ref {
	u64 host_addr;
	u32 flags;
	grant_ref_t ref;
	domid_t dom;
	s16 status;
	grant_handle_t handle;
	u64 dev_bus_addr;
};

struct gnttab_unmap_grant_ref {
	u64 host_addr;
	u64 dev_bus_addr;
	grant_handle_t handle;
	s16 status;
};

static inline void gnttab_set_map_op(struct gnttab_map_grant_ref *map,
				     unsigned long addr, u32 flags,
				     grant_ref_t ref, domid_t domid)
{
	memset(map, 0, sizeof(*map));
	map->host_addr = addr;
	map->flags = flags;
	map->ref = ref;
	map->dom = domid;
}

static inline void gnttab_set_unmap_op(struct gnttab_unmap_grant_ref *unmap,
				       unsigned long addr, u32 flags,
				       grant_handle_t handle)
{
	(void)flags;
	memset(unmap, 0, sizeof(*unmap));
	unmap->host_addr = addr;
	unmap->handle = handle;
}

int gnttab_alloc_pages(int nr_pages, struct page **pages);
void gnttab_free_pages(int nr_pages, struct page **pages);
int gnttab_map_refs(struct gnttab_map_grant_ref *map_ops, void *kmap_ops,
		    struct page **pages, unsigned int count);
int gnttab_unmap_refs(struct gnttab_unmap_grant_ref *unmap_ops,
		      void *kunmap_ops, struct page **pages,
		      unsigned int count);

#endif /* KSHIM_XEN_GRANT_TABLE_H */
