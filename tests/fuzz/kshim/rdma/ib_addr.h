/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim rdma/ib_addr.h - is a GID a multicast address (IPv6, or IPv4
 * mapped into IPv6).
 */

#ifndef KSHIM_RDMA_IB_ADDR_H
#define KSHIM_RDMA_IB_ADDR_H

#include "ib_verbs.h"
#include "../net/if_inet6.h"

static inline bool rdma_is_multicast_addr(const struct in6_addr *addr)
{
	if (ipv6_addr_v4mapped(addr))
		return (ntohl(addr->s6_addr32[3]) & 0xf0000000U) == 0xe0000000U;
	return addr->s6_addr[0] == 0xff;
}

#endif /* KSHIM_RDMA_IB_ADDR_H */
