/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim net/ip.h - the mapping of a multicast IPv4 address to its
 * Ethernet address.
 */

#ifndef KSHIM_NET_IP_H
#define KSHIM_NET_IP_H

#include "if_inet6.h"

/* 01:00:5e and the low 23 bits of the group (RFC 1112). */
static inline void ip_eth_mc_map(__be32 naddr, u8 *buf)
{
	u32 addr = ntohl(naddr);

	buf[0] = 0x01;
	buf[1] = 0x00;
	buf[2] = 0x5e;
	buf[3] = (addr >> 16) & 0x7f;
	buf[4] = (addr >> 8) & 0xff;
	buf[5] = addr & 0xff;
}

#endif /* KSHIM_NET_IP_H */
