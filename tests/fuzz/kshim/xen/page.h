/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* kshim xen/page.h - Xen pages are the kernel's. */

#ifndef KSHIM_XEN_PAGE_H
#define KSHIM_XEN_PAGE_H

#include "../linux/mm.h"

#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT	PAGE_SHIFT
#endif
#ifndef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE	PAGE_SIZE
#endif

#endif /* KSHIM_XEN_PAGE_H */
