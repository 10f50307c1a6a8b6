/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ibback: private header of the xenib backend (Dom0 or driver domain).
 *
 * One struct xibb_guest per vib device (backend/vib/<domid>/<devid>).  The
 * guest's control ring is serviced by a work item on xibb_wq; each request
 * is copied out of the ring, validated with kernel/common and executed on
 * the real RDMA device named by the toolstack (rdma-device).  Prototypes
 * are grouped by the file that defines them.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef XENIB_BACK_H
#define XENIB_BACK_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/vibif.h>

#include "validate.h"

/* Module parameters (main.c). */
extern unsigned int xibb_max_ring_page_order;
extern unsigned int xibb_cmd_budget;
extern unsigned int xibb_def_quota_pd;
extern unsigned int xibb_def_quota_cq;
extern unsigned int xibb_def_quota_qp;
extern unsigned int xibb_def_quota_srq;
extern unsigned int xibb_def_quota_mr;
extern unsigned int xibb_def_quota_ah;
extern unsigned int xibb_def_quota_pinned_pages;
extern unsigned int xibb_def_quota_cqe;
extern unsigned int xibb_def_quota_qp_wr;

/* Runs every guest's command work (main.c). */
extern struct workqueue_struct *xibb_wq;

/**
 * struct xibb_quota - what one guest may hold (xenstore quota-* keys)
 * @pd: protection domains
 * @cq: completion queues
 * @qp: queue pairs
 * @srq: shared receive queues
 * @mr: memory regions
 * @ah: address handles
 * @pinned_pages: guest pages mapped at once, in 4 KiB pages
 * @cqe: CQEs per CQ
 * @qp_wr: work requests per queue
 */
struct xibb_quota {
	u32 pd;
	u32 cq;
	u32 qp;
	u32 srq;
	u32 mr;
	u32 ah;
	u32 pinned_pages;
	u32 cqe;
	u32 qp_wr;
};

/**
 * struct xibb_stats - per-guest counters, in sysfs "statistics"
 * @requests: requests consumed from the control ring
 * @rejected: requests that failed xenib_request_check()
 * @failed: requests answered with a status other than XEN_VIBIF_OK
 * @kicks: notifications on the data event channel
 * @ring_errors: times the frontend corrupted the control ring indices
 */
struct xibb_stats {
	atomic64_t requests;
	atomic64_t rejected;
	atomic64_t failed;
	atomic64_t kicks;
	atomic64_t ring_errors;
};

/**
 * struct xibb_guest - one vib device of one guest
 * @xbdev: the xenbus device (backend/vib/<domid>/<devid>)
 * @domid: the frontend's domain
 * @rdma_name: the real device (rdma-device key)
 * @rdma_port: port of @rdma_name shown as the guest's port 1
 * @quota: limits from xenstore or the module parameters
 * @limits: what xenib_request_check() enforces, set on connection
 * @lock: serialises xibb_guest_connect() and xibb_guest_disconnect();
 *	guards @connected
 * @connected: the rings are mapped and the event channels bound
 * @stopping: set before teardown: the handlers stop queueing work
 * @disabled: the frontend corrupted its ring; it is no longer serviced
 * @ring: back end of the control ring
 * @ring_addr: mapping of the control ring pages
 * @nr_ring_pages: pages of the control ring
 * @evt_page: mapping of the event ring page
 * @irq: control event channel's irq, 0 when unbound
 * @data_irq: data event channel's irq, 0 when unbound
 * @cmd_work: services the control ring (on xibb_wq)
 * @eoi_pending: an event on @irq waits for its late EOI (bit 0)
 * @eoi_found: requests were found since the last EOI (only @cmd_work)
 * @stats: counters
 */
struct xibb_guest {
	struct xenbus_device *xbdev;
	domid_t domid;
	char rdma_name[IB_DEVICE_NAME_MAX];
	u32 rdma_port;
	struct xibb_quota quota;
	struct xenib_limits limits;

	struct mutex lock;		/* see @lock above */
	bool connected;
	bool stopping;
	bool disabled;

	struct xen_vibif_cmd_back_ring ring;
	void *ring_addr;
	unsigned int nr_ring_pages;
	struct xen_vibif_event_page *evt_page;
	int irq;
	int data_irq;

	struct work_struct cmd_work;
	unsigned long eoi_pending;
	bool eoi_found;
	struct xibb_stats stats;
};

/* Logging with the guest named, as "vib-<domid>-<devid>" via dev_*(). */
#define xibb_err(g, fmt, ...) \
	dev_err_ratelimited(&(g)->xbdev->dev, fmt, ##__VA_ARGS__)
#define xibb_dbg(g, fmt, ...) \
	dev_dbg(&(g)->xbdev->dev, fmt, ##__VA_ARGS__)

/* xenbus.c */
int xibb_xenbus_init(void);
void xibb_xenbus_exit(void);

/* guest.c */
struct xibb_guest *xibb_guest_alloc(struct xenbus_device *xbdev);
void xibb_guest_free(struct xibb_guest *guest);
int xibb_guest_connect(struct xibb_guest *guest);
void xibb_guest_disconnect(struct xibb_guest *guest);
struct ib_device *xibb_guest_ibdev(struct xibb_guest *guest);

/* cmd.c */
void xibb_cmd_work(struct work_struct *work);
irqreturn_t xibb_cmd_interrupt(int irq, void *dev_id);

/* device.c */
int xibb_query_device(struct xibb_guest *guest,
		      const struct xen_vibif_request *req,
		      struct xen_vibif_response *rsp);
int xibb_query_port(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp);
int xibb_query_gid(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
int xibb_query_pkey(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp);
int xibb_device_limits(struct xibb_guest *guest);

/* stats.c */
extern const struct attribute_group *xibb_groups[];

#endif /* XENIB_BACK_H */
