/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim rdma/ib_cache.h - the fake device's GID table (fake.c).
 */

#ifndef KSHIM_RDMA_IB_CACHE_H
#define KSHIM_RDMA_IB_CACHE_H

#include "ib_verbs.h"

const struct ib_gid_attr *rdma_get_gid_attr(struct ib_device *ibdev, u32 port,
					    u32 index);
void rdma_put_gid_attr(const struct ib_gid_attr *attr);

#endif /* KSHIM_RDMA_IB_CACHE_H */
