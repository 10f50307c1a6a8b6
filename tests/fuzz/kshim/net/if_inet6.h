/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim net/if_inet6.h - IPv6 addresses (the C library's struct in6_addr)
 * and the mapping of a multicast IPv6 address to its Ethernet address.
 */

#ifndef KSHIM_NET_IF_INET6_H
#define KSHIM_NET_IF_INET6_H

#include "../kshim.h"

#include <netinet/in.h>

static inline bool ipv6_addr_v4mapped(const struct in6_addr *a)
{
	return a->s6_addr32[0] == 0 && a->s6_addr32[1] == 0 &&
	       a->s6_addr32[2] == htonl(0x0000ffff);
}

/* 33:33 and the low 32 bits of the group (RFC 2464). */
static inline void ipv6_eth_mc_map(const struct in6_addr *addr, u8 *buf)
{
	buf[0] = 0x33;
	buf[1] = 0x33;
	memcpy(buf + 2, &addr->s6_addr[12], 4);
}

#endif /* KSHIM_NET_IF_INET6_H */
