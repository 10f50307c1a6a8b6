/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/hashtable.h - fixed-size hash tables of hlists.
 */

#ifndef KSHIM_LINUX_HASHTABLE_H
#define KSHIM_LINUX_HASHTABLE_H

#include "list.h"

#define DECLARE_HASHTABLE(name, bits)	struct hlist_head name[1 << (bits)]
#define HASH_SIZE(name)			ARRAY_SIZE(name)

/* Multiplicative hashing of a 64-bit key into @bits bits. */
static inline u32 kshim_hash_64(u64 key, unsigned int bits)
{
	return (u32)((key * 0x61c8864680b583ebULL) >> (64 - bits));
}

#define kshim_hash_bits(name)	((unsigned int)ilog2(HASH_SIZE(name)))

#define hash_init(name)							\
	memset((name), 0, sizeof(name))
#define hash_add(name, node, key)					\
	hlist_add_head(node, &(name)[kshim_hash_64(key, kshim_hash_bits(name))])
#define hash_del(node)	hlist_del_init(node)
#define hash_for_each_possible(name, obj, member, key)			\
	hlist_for_each_entry(obj,					\
		&(name)[kshim_hash_64(key, kshim_hash_bits(name))], member)

#endif /* KSHIM_LINUX_HASHTABLE_H */
