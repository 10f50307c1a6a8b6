// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: module parameters, init and exit.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/module.h>
#include <linux/workqueue.h>
#include <xen/xen.h>

/*
 * Largest control ring a frontend may use, log2 of pages; default 4 (16
 * pages, 128 commands in flight), at most XEN_VIBIF_MAX_RING_PAGE_ORDER.
 * Published to each device when it probes.
 */
unsigned int xibb_max_ring_page_order = XEN_VIBIF_MAX_RING_PAGE_ORDER;
module_param_named(max_ring_page_order, xibb_max_ring_page_order, uint, 0644);
MODULE_PARM_DESC(max_ring_page_order,
		 "largest control ring per guest, log2 of pages (default 4, max 4)");

/*
 * Connection attempts of one guest: XIBB_CONNECT_BURST at once, then one
 * per reconnect_ms; an attempt beyond waits (xenbus.c).  0: no limit.
 * Read at each attempt.
 */
unsigned int xibb_reconnect_ms = 1000;
module_param_named(reconnect_ms, xibb_reconnect_ms, uint, 0644);
MODULE_PARM_DESC(reconnect_ms,
		 "after 8 connection attempts of a guest at once, one per this many ms (default 1000, 0: no limit)");

/*
 * Control requests one guest may have executed per turn of its work item;
 * default 16.  The work then requeues itself behind other guests' work, so
 * one busy guest cannot starve the others.  Read at each turn.
 */
unsigned int xibb_cmd_budget = 16;
module_param_named(cmd_budget, xibb_cmd_budget, uint, 0644);
MODULE_PARM_DESC(cmd_budget,
		 "control requests per guest per scheduling turn (default 16)");

/*
 * Default per-guest quotas, used when the toolstack wrote no quota-* key.
 * Counts of objects; pinned pages in 4 KiB pages.  Read when a device
 * probes.
 */
unsigned int xibb_def_quota_pd = 64;
module_param_named(quota_pd, xibb_def_quota_pd, uint, 0644);
MODULE_PARM_DESC(quota_pd, "default PDs per guest (default 64)");

unsigned int xibb_def_quota_cq = 256;
module_param_named(quota_cq, xibb_def_quota_cq, uint, 0644);
MODULE_PARM_DESC(quota_cq, "default CQs per guest (default 256)");

unsigned int xibb_def_quota_qp = 256;
module_param_named(quota_qp, xibb_def_quota_qp, uint, 0644);
MODULE_PARM_DESC(quota_qp, "default QPs per guest (default 256)");

unsigned int xibb_def_quota_srq = 64;
module_param_named(quota_srq, xibb_def_quota_srq, uint, 0644);
MODULE_PARM_DESC(quota_srq, "default SRQs per guest (default 64)");

unsigned int xibb_def_quota_mr = 1024;
module_param_named(quota_mr, xibb_def_quota_mr, uint, 0644);
MODULE_PARM_DESC(quota_mr, "default MRs per guest (default 1024)");

unsigned int xibb_def_quota_ah = 1024;
module_param_named(quota_ah, xibb_def_quota_ah, uint, 0644);
MODULE_PARM_DESC(quota_ah, "default AHs per guest (default 1024)");

/* 0: the guest's maximum memory (memory/static-max), in pages. */
unsigned int xibb_def_quota_pinned_pages;
module_param_named(quota_pinned_pages, xibb_def_quota_pinned_pages, uint,
		   0644);
MODULE_PARM_DESC(quota_pinned_pages,
		 "default guest pages mapped at once per guest, 4 KiB pages (default 0: as many as the guest has RAM)");

unsigned int xibb_def_quota_cqe = 65536;
module_param_named(quota_cqe, xibb_def_quota_cqe, uint, 0644);
MODULE_PARM_DESC(quota_cqe, "default CQEs per CQ (default 65536)");

unsigned int xibb_def_quota_qp_wr = 16384;
module_param_named(quota_qp_wr, xibb_def_quota_qp_wr, uint, 0644);
MODULE_PARM_DESC(quota_qp_wr,
		 "default work requests per send/receive queue or SRQ (default 16384)");

/*
 * Xen gives this domain one maptrack entry per grant it maps: 256 entries
 * (16 octets each) per frame, gnttab_max_maptrack_frames (default 1024)
 * frames, so 262144 entries by default, shared with every other backend
 * here (netback, blkback): guests' RDMA mappings may take half.  An admin
 * who raises gnttab_max_maptrack_frames may raise this with it.
 */
unsigned int xibb_max_mapped_pages = 131072;
module_param_named(max_mapped_pages, xibb_max_mapped_pages, uint, 0644);
MODULE_PARM_DESC(max_mapped_pages,
		 "guest pages all guests together may have mapped at once (default 131072, half of Xen's default maptrack of this domain)");

/* 0: half of the global budget (mem_budget_kib). */
unsigned int xibb_def_quota_mem_kib;
module_param_named(quota_mem_kib, xibb_def_quota_mem_kib, uint, 0644);
MODULE_PARM_DESC(quota_mem_kib,
		 "default Dom0 memory the shadow objects of one guest may take, KiB (default 0: half of mem_budget_kib)");

/* 0: a quarter of this domain's RAM. */
unsigned long xibb_mem_budget_kib;
module_param_named(mem_budget_kib, xibb_mem_budget_kib, ulong, 0644);
MODULE_PARM_DESC(mem_budget_kib,
		 "Dom0 memory the shadow objects of all guests may take, KiB (default 0: a quarter of this domain's RAM)");

/*
 * Allow loading outside the initial domain, in a driver domain that owns
 * the RDMA device; default off.  Only read at load time.
 */
static bool xibb_driver_domain;
module_param_named(driver_domain, xibb_driver_domain, bool, 0444);
MODULE_PARM_DESC(driver_domain,
		 "load in a driver domain, not only in Dom0 (default N)");

struct workqueue_struct *xibb_wq;

static int __init xibb_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	if (!xen_initial_domain() && !xibb_driver_domain)
		return -ENODEV;

	if (xibb_max_ring_page_order > XEN_VIBIF_MAX_RING_PAGE_ORDER) {
		pr_info("max_ring_page_order %u too large, using %u\n",
			xibb_max_ring_page_order,
			XEN_VIBIF_MAX_RING_PAGE_ORDER);
		xibb_max_ring_page_order = XEN_VIBIF_MAX_RING_PAGE_ORDER;
	}

	xibb_wq = alloc_workqueue("xenib-back", WQ_UNBOUND, 0);
	if (!xibb_wq)
		return -ENOMEM;
	xibb_debugfs_init();

	err = xibb_client_init();
	if (err)
		goto err_destroy_wq;
	err = xibb_xenbus_init();
	if (err)
		goto err_client_exit;
	return 0;

err_client_exit:
	xibb_client_exit();
err_destroy_wq:
	destroy_workqueue(xibb_wq);
	xibb_debugfs_exit();
	return err;
}
module_init(xibb_init);

static void __exit xibb_exit(void)
{
	/* Removes every device; each guest's teardown runs on xibb_wq. */
	xibb_xenbus_exit();
	flush_workqueue(xibb_wq);
	xibb_client_exit();
	destroy_workqueue(xibb_wq);
	xibb_debugfs_exit();
}
module_exit(xibb_exit);

MODULE_DESCRIPTION("Xen paravirtual RDMA backend");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vib");
