// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: module parameters, init and exit.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/module.h>
#include <xen/xen.h>

/*
 * log2 of the control ring size in pages; default 0 (one page, 8 commands
 * in flight).  Clamped to the backend's max-ring-page-order and to
 * XEN_VIBIF_MAX_RING_PAGE_ORDER (4).  Read when a device connects.
 */
unsigned int xibf_ring_page_order;
module_param_named(ring_page_order, xibf_ring_page_order, uint, 0644);
MODULE_PARM_DESC(ring_page_order,
		 "log2 of the control ring size in pages (default 0, max 4; clamped to the backend's max-ring-page-order)");

/*
 * Milliseconds a command waits for its response; default 30000.  A
 * backend that misses it is considered hung: the device is marked dead and
 * every other command fails too.  Read at each command.
 */
unsigned int xibf_cmd_timeout_ms = 30000;
module_param_named(cmd_timeout_ms, xibf_cmd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(cmd_timeout_ms,
		 "milliseconds to wait for a backend response before declaring the device dead (default 30000)");

/*
 * Raw control requests through debugfs, for attacking the backend in
 * tests (raw.c); default off.  Read at load.
 */
bool xibf_raw_requests;
module_param_named(raw_requests, xibf_raw_requests, bool, 0444);
MODULE_PARM_DESC(raw_requests,
		 "let root send raw control requests through debugfs, for tests (default N)");

static int __init xibf_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;

	if (xibf_ring_page_order > XEN_VIBIF_MAX_RING_PAGE_ORDER) {
		pr_info("ring_page_order %u too large, using %u\n",
			xibf_ring_page_order, XEN_VIBIF_MAX_RING_PAGE_ORDER);
		xibf_ring_page_order = XEN_VIBIF_MAX_RING_PAGE_ORDER;
	}
	if (!xibf_cmd_timeout_ms)
		xibf_cmd_timeout_ms = 1;

	xibf_raw_init();
	err = xibf_xenbus_init();
	if (err)
		xibf_raw_exit();
	return err;
}
module_init(xibf_init);

static void __exit xibf_exit(void)
{
	xibf_xenbus_exit();
	xibf_raw_exit();
}
module_exit(xibf_exit);

MODULE_DESCRIPTION("Xen paravirtual RDMA (InfiniBand/RoCE) frontend");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:vib");
