/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim xen/xen.h - the fake kernel runs in Dom0.
 */

#ifndef KSHIM_XEN_XEN_H
#define KSHIM_XEN_XEN_H

#include "../kshim.h"

typedef u16 domid_t;

static inline bool xen_domain(void)
{
	return true;
}

static inline bool xen_initial_domain(void)
{
	return true;
}

#endif /* KSHIM_XEN_XEN_H */
