/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/xarray.h - the XArray calls the backend makes, on a sorted
 * array of (index, entry) pairs (fake.c).  As in the kernel: xa_alloc()
 * of a NULL entry reserves the index (xa_load() answers NULL, xa_insert()
 * -EBUSY, xa_for_each() skips it) until xa_store() or xa_erase(), and
 * xa_for_each() may erase the entry it is at.
 */

#ifndef KSHIM_LINUX_XARRAY_H
#define KSHIM_LINUX_XARRAY_H

#include "../kshim.h"

#define XA_FLAGS_ALLOC		0x1u
#define XA_FLAGS_ALLOC1		0x3u

struct kshim_xa_slot;

struct xarray {
	unsigned int flags;
	unsigned int n;
	unsigned int room;
	struct kshim_xa_slot *slots;
};

struct xa_limit {
	u32 max;
	u32 min;
};

#define XA_LIMIT(_min, _max)						\
	((struct xa_limit){ .min = (_min), .max = (_max) })

static inline void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	memset(xa, 0, sizeof(*xa));
	xa->flags = flags;
}

static inline void xa_init(struct xarray *xa)
{
	xa_init_flags(xa, 0);
}

static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}

/* Errors come back as internal entries: (errno << 2) | 2. */
static inline bool xa_is_err(const void *entry)
{
	return ((unsigned long)entry & 3) == 2 &&
	       (long)entry >= -((long)MAX_ERRNO << 2);
}

void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp);
void xa_destroy(struct xarray *xa);
bool xa_empty(const struct xarray *xa);
/* The first present entry at or after *@index (after, for _after). */
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max);
void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max);

#define xa_for_each(xa, index, entry)					\
	for (index = 0, entry = xa_find(xa, &index, ULONG_MAX); entry;	\
	     entry = xa_find_after(xa, &index, ULONG_MAX))

#endif /* KSHIM_LINUX_XARRAY_H */
