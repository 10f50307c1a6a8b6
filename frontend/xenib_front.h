/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-ibfront: private header of the xenib frontend (DomU).
 *
 * The frontend registers an ib_device (xenib<N>) with the guest's RDMA core
 * and forwards every privileged verb over the control ring of
 * <xen/interface/io/vibif.h> to xen-ibback.  Prototypes are grouped by the
 * file that defines them.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef XENIB_FRONT_H
#define XENIB_FRONT_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/vibif.h>

/*
 * Kernel API differences between 6.1 and 6.12 go here, and only here.  None
 * of the verbs implemented so far differs; create_cq will (6.11 passes a
 * struct uverbs_attr_bundle * instead of the udata).
 */

/* Most GID table entries shown to the guest (the backend may have more). */
#define XIBF_MAX_GID_TBL_LEN	16

/* Largest control ring this frontend can drive, in pages. */
#define XIBF_MAX_RING_PAGES	BIT(XEN_VIBIF_MAX_RING_PAGE_ORDER)

/* Module parameters (main.c). */
extern unsigned int xibf_ring_page_order;
extern unsigned int xibf_cmd_timeout_ms;

/**
 * struct xibf_cmd - one command in flight, on the caller's stack
 * @done: completed by the response handler or when the channel dies
 * @req: private copy of the request, built here and copied to the ring
 * @rsp: private copy of the validated response
 * @opcode: the request's opcode, to check the response against
 * @err: 0 when @rsp holds the response, else -EIO or -ENODEV (channel died)
 */
struct xibf_cmd {
	struct completion done;
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	u16 opcode;
	int err;
};

/**
 * struct xibf_cmd_slot - request id bookkeeping
 * @cmd: the waiter, NULL while the slot is free
 * @gen: generation, bumped each time the slot is taken; the upper 32 bits
 *	of the request id, so that a late response to a timed-out request
 *	matches nothing
 */
struct xibf_cmd_slot {
	struct xibf_cmd *cmd;
	u32 gen;
};

/**
 * struct xibf_stats - frontend counters, read by debugging only
 * @requests: requests pushed on the control ring
 * @responses: responses matched to a waiter
 * @dropped: responses whose id matched no command in flight
 * @timeouts: commands that timed out
 * @events: event ring entries consumed
 */
struct xibf_stats {
	atomic64_t requests;
	atomic64_t responses;
	atomic64_t dropped;
	atomic64_t timeouts;
	atomic64_t events;
};

/**
 * struct xibf_front - xenbus driver data of one vib device
 * @xbdev: the xenbus device
 * @lock: serialises connection and disconnection; guards @xdev
 * @xdev: the current connection, NULL while disconnected
 */
struct xibf_front {
	struct xenbus_device *xbdev;
	struct mutex lock;		/* see @lock above */
	struct xibf_device *xdev;
};

/**
 * struct xibf_device - one connection to the backend and its ib_device
 * @ibdev: the RDMA core's device, first member (ib_alloc_device())
 * @xbdev: the xenbus device
 *
 * Allocated when the backend reaches InitWait and freed (with the
 * ib_device) on disconnection: nothing survives a reconnect (vibif.h).
 *
 * @ring_lock: guards @ring, @slots, @nr_busy, @dead and @broken; taken in
 *	process context and in the control event channel's handler (hard irq)
 * @ring: front end of the control ring
 * @nr_ring_pages: pages of the control ring
 * @ring_refs: grant references of the control ring pages
 * @slots: RING_SIZE(@ring) request slots
 * @nr_slots: entries in @slots
 * @nr_busy: slots in use
 * @slot_wq: waiters for a free slot
 * @dead: the channel is down (backend gone, timed out or broken); every
 *	command fails at once
 * @broken: the backend sent something malformed
 * @evtchn: control event channel
 * @irq: its irq, 0 when unbound
 * @data_evtchn: data event channel (kicks and event ring notifications)
 * @data_irq: its irq, 0 when unbound
 * @evt_page: the event ring page
 * @evt_ref: grant reference of @evt_page
 * @evt_cons: private event ring consumer index
 * @fatal_work: reports a broken backend through xenbus (process context)
 * @connect_work: queries the backend, registers @ibdev, then switches the
 *	xenbus device to Connected
 * @registered: @ibdev is registered with the RDMA core (set and cleared
 *	with the xibf_front lock held, or by @connect_work before anyone else
 *	can look)
 * @attr: device attributes from QUERY_DEVICE
 * @port_attr: port attributes from QUERY_PORT, at connection time
 * @devcap: XEN_VIBIF_DEVCAP_* from QUERY_DEVICE
 * @stats: counters
 */
struct xibf_device {
	struct ib_device ibdev;
	struct xenbus_device *xbdev;

	spinlock_t ring_lock;		/* see @ring_lock above */
	struct xen_vibif_cmd_front_ring ring;
	unsigned int nr_ring_pages;
	grant_ref_t ring_refs[XIBF_MAX_RING_PAGES];
	struct xibf_cmd_slot *slots;
	unsigned int nr_slots;
	unsigned int nr_busy;
	wait_queue_head_t slot_wq;
	bool dead;
	bool broken;

	evtchn_port_t evtchn;
	int irq;
	evtchn_port_t data_evtchn;
	int data_irq;
	struct xen_vibif_event_page *evt_page;
	grant_ref_t evt_ref;
	u32 evt_cons;

	struct work_struct fatal_work;
	struct work_struct connect_work;
	bool registered;

	struct ib_device_attr attr;
	struct ib_port_attr port_attr;
	u32 devcap;
	struct xibf_stats stats;
};

static inline struct xibf_device *to_xdev(struct ib_device *ibdev)
{
	return container_of(ibdev, struct xibf_device, ibdev);
}

/* xenbus.c */
int xibf_xenbus_init(void);
void xibf_xenbus_exit(void);

/* cmd.c */
int xibf_cmd_setup(struct xibf_device *xdev);
void xibf_cmd_teardown(struct xibf_device *xdev);
void xibf_cmd_kill(struct xibf_device *xdev, int err);
void xibf_cmd_mark_broken(struct xibf_device *xdev, int err, const char *why);
int xibf_cmd_exec(struct xibf_device *xdev, u16 opcode, const void *body,
		  size_t body_len, struct xibf_cmd *cmd);
bool xibf_cmd_is_dead(struct xibf_device *xdev);

/* device.c */
struct xibf_device *xibf_device_alloc(struct xenbus_device *xbdev);
int xibf_device_register(struct xibf_device *xdev);
void xibf_device_free(struct xibf_device *xdev);
void xibf_device_event(struct xibf_device *xdev,
		       const struct xen_vibif_event *evt);

#endif /* XENIB_FRONT_H */
