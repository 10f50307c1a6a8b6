/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim xen/xenbus.h - a xenbus device over the fake xenstore (a table of
 * path/value pairs the fuzz harness fills, fake.c) and ring mappings of
 * the fake guest's frames.
 */

#ifndef KSHIM_XEN_XENBUS_H
#define KSHIM_XEN_XENBUS_H

#include "../kshim.h"
#include "../linux/interrupt.h"
#include "grant_table.h"

struct xenbus_transaction {
	u32 id;
};

#define XBT_NIL ((struct xenbus_transaction){ 0 })

struct xenbus_device {
	const char *devicetype;
	const char *nodename;
	const char *otherend;
	domid_t otherend_id;
	struct device dev;
};

void *xenbus_read(struct xenbus_transaction t, const char *dir,
		  const char *node, unsigned int *len);
unsigned int xenbus_read_unsigned(const char *dir, const char *node,
				  unsigned int default_val);
__attribute__((__format__(scanf, 4, 5)))
int xenbus_scanf(struct xenbus_transaction t, const char *dir,
		 const char *node, const char *fmt, ...);
__printf(3, 4) void xenbus_dev_fatal(struct xenbus_device *dev, int err,
				     const char *fmt, ...);
__printf(3, 4) void xenbus_dev_error(struct xenbus_device *dev, int err,
				     const char *fmt, ...);
int xenbus_map_ring_valloc(struct xenbus_device *dev, grant_ref_t *refs,
			   unsigned int nr_grefs, void **vaddr);
void xenbus_unmap_ring_vfree(struct xenbus_device *dev, void *vaddr);

#endif /* KSHIM_XEN_XENBUS_H */
