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

#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_verbs.h>
#include <rdma/uverbs_ioctl.h>
#include <rdma/xenib-abi.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/vibif.h>

/*
 * Kernel API differences between 6.1 and 6.12 go here, and only here.
 *
 * create_cq: 6.11 passes a struct uverbs_attr_bundle * (whose driver_udata
 * is the udata) instead of the struct ib_udata *.  Kbuild defines
 * XIBF_CREATE_CQ_ATTR_BUNDLE when the kernel's ib_verbs.h says so.
 */
#ifdef XIBF_CREATE_CQ_ATTR_BUNDLE
#define xibf_create_cq_arg	uverbs_attr_bundle
static inline struct ib_udata *
xibf_create_cq_udata(struct uverbs_attr_bundle *attrs)
{
	return attrs ? &attrs->driver_udata : NULL;
}
#else
#define xibf_create_cq_arg	ib_udata
static inline struct ib_udata *xibf_create_cq_udata(struct ib_udata *udata)
{
	return udata;
}
#endif

/* Most GID table entries shown to the guest (the backend may have more). */
#define XIBF_MAX_GID_TBL_LEN	16

/* Largest control ring this frontend can drive, in pages. */
#define XIBF_MAX_RING_PAGES	BIT(XEN_VIBIF_MAX_RING_PAGE_ORDER)

/* Module parameters (main.c). */
extern unsigned int xibf_ring_page_order;
extern unsigned int xibf_cmd_timeout_ms;
extern bool xibf_raw_requests;

struct xibf_raw;

/**
 * struct xibf_cmd - one command in flight, on the caller's stack
 * @done: completed by the response handler or when the channel dies
 * @req: private copy of the request, built here and copied to the ring
 * @rsp: private copy of the validated response
 * @opcode: the request's opcode, to check the response against
 * @raw: a raw request (raw.c): the response is taken as it is, unchecked
 * @err: 0 when @rsp holds the response, else -EIO or -ENODEV (channel died)
 */
struct xibf_cmd {
	struct completion done;
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	u16 opcode;
	bool raw;
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
 * struct xibf_stats - frontend counters, shown as the ib_device's hw
 *	counters (counters.c: /sys/class/infiniband/xenibN/hw_counters/,
 *	"rdma statistic show")
 * @requests: requests pushed on the control ring
 * @responses: responses matched to a waiter
 * @responses_dropped: responses whose id matched no command in flight
 * @timeouts: commands that timed out
 * @events: event ring entries consumed
 * @events_dropped: events naming no live object (it raced with its
 *	destruction) or not for this device's port
 * @kicks: data channel notifications sent to the backend's engine
 */
struct xibf_stats {
	atomic64_t requests;
	atomic64_t responses;
	atomic64_t responses_dropped;
	atomic64_t timeouts;
	atomic64_t events;
	atomic64_t events_dropped;
	atomic64_t kicks;
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
 * @link_layer: port 1's link layer from QUERY_PORT (the backing port's)
 * @devcap: XEN_VIBIF_DEVCAP_* from QUERY_DEVICE
 * @max_inline_data: max_inline_data from QUERY_DEVICE
 * @cq_xa: CQs by backend handle, for events; its lock (irq-safe) is held
 *	while an event is delivered, and taken to remove a CQ
 * @qp_xa: QPs by backend handle, likewise
 * @srq_xa: SRQs by backend handle, likewise
 * @stats: counters
 * @raw: the raw request interface (raw.c), NULL unless raw_requests=1
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
	enum rdma_link_layer link_layer;
	u32 devcap;
	u32 max_inline_data;
	struct xarray cq_xa;
	struct xarray qp_xa;
	struct xarray srq_xa;
	struct xibf_stats stats;
	struct xibf_raw *raw;
};

static inline struct xibf_device *to_xdev(struct ib_device *ibdev)
{
	return container_of(ibdev, struct xibf_device, ibdev);
}

/**
 * struct xibf_pgdir - guest pages granted to the backend, and their directory
 * @umem: the pinned user memory, NULL when empty
 * @npages: data pages
 * @refs: grant references of the data pages (@npages entries)
 * @ndir: directory pages
 * @dir_pages: directory pages (leaf pages first, then upper pages)
 * @dir_refs: their grant references
 * @wire: the directory as sent in requests
 */
struct xibf_pgdir {
	struct ib_umem *umem;
	u32 npages;
	grant_ref_t *refs;
	u32 ndir;
	struct page **dir_pages;
	grant_ref_t *dir_refs;
	struct xen_vibif_pgdir wire;
};

/**
 * struct xibf_ucontext - a user context
 * @ibuc: the RDMA core's context
 * @handle: backend handle
 * @db_page: the doorbell page (struct xenib_db_page)
 * @db_ref: its grant reference
 * @db_lock: guards @db_used
 * @db_used: doorbell indices in use by QPs and SRQs
 */
struct xibf_ucontext {
	struct ib_ucontext ibuc;
	u32 handle;
	struct page *db_page;
	grant_ref_t db_ref;
	spinlock_t db_lock;		/* see @db_lock above */
	DECLARE_BITMAP(db_used, XENIB_DB_BITS);
};

/**
 * struct xibf_pd - a protection domain
 * @ibpd: the RDMA core's PD
 * @handle: backend handle
 */
struct xibf_pd {
	struct ib_pd ibpd;
	u32 handle;
};

/**
 * struct xibf_cq - a completion queue (user CQs only)
 * @ibcq: the RDMA core's CQ
 * @handle: backend handle
 * @log_nslots: 2^log_nslots CQEs
 * @buf: the CQ buffer
 * @lock: serialises resize_cq against destroy
 */
struct xibf_cq {
	struct ib_cq ibcq;
	u32 handle;
	u32 log_nslots;
	struct xibf_pgdir buf;
	struct mutex lock;		/* see @lock above */
};

/**
 * struct xibf_qp - a queue pair (user QPs only)
 * @ibqp: the RDMA core's QP
 * @handle: backend handle
 * @uc: the owning user context
 * @db_index: doorbell index in @uc
 * @sq_sig_all: every send WQE signals
 * @cap: capacities the backend granted
 * @sq: send queue buffer
 * @rq: receive queue buffer (empty with an SRQ)
 */
struct xibf_qp {
	struct ib_qp ibqp;
	u32 handle;
	struct xibf_ucontext *uc;
	u32 db_index;
	bool sq_sig_all;
	struct ib_qp_cap cap;
	struct xibf_pgdir sq;
	struct xibf_pgdir rq;
};

/**
 * struct xibf_srq - a shared receive queue (user SRQs only)
 * @ibsrq: the RDMA core's SRQ
 * @handle: backend handle
 * @uc: the owning user context
 * @db_index: doorbell index in @uc
 * @lock: serialises resizes (which replace @buf)
 * @wqe_shift: slot size 2^wqe_shift, fixed at creation
 * @buf: the SRQ buffer
 */
struct xibf_srq {
	struct ib_srq ibsrq;
	u32 handle;
	struct xibf_ucontext *uc;
	u32 db_index;
	struct mutex lock;		/* see @lock above */
	u32 wqe_shift;
	struct xibf_pgdir buf;
};

/**
 * struct xibf_ah - an address handle
 * @ibah: the RDMA core's AH
 * @handle: backend handle (what UD WQEs carry)
 */
struct xibf_ah {
	struct ib_ah ibah;
	u32 handle;
};

/**
 * struct xibf_mr - a user memory region
 * @ibmr: the RDMA core's MR
 * @handle: backend handle
 * @pages: the registered pages
 */
struct xibf_mr {
	struct ib_mr ibmr;
	u32 handle;
	struct xibf_pgdir pages;
};

static inline struct xibf_ucontext *to_xuc(struct ib_ucontext *ibuc)
{
	return container_of(ibuc, struct xibf_ucontext, ibuc);
}

static inline struct xibf_pd *to_xpd(struct ib_pd *ibpd)
{
	return container_of(ibpd, struct xibf_pd, ibpd);
}

static inline struct xibf_cq *to_xcq(struct ib_cq *ibcq)
{
	return container_of(ibcq, struct xibf_cq, ibcq);
}

static inline struct xibf_qp *to_xqp(struct ib_qp *ibqp)
{
	return container_of(ibqp, struct xibf_qp, ibqp);
}

static inline struct xibf_srq *to_xsrq(struct ib_srq *ibsrq)
{
	return container_of(ibsrq, struct xibf_srq, ibsrq);
}

static inline struct xibf_ah *to_xah(struct ib_ah *ibah)
{
	return container_of(ibah, struct xibf_ah, ibah);
}

static inline struct xibf_mr *to_xmr(struct ib_mr *ibmr)
{
	return container_of(ibmr, struct xibf_mr, ibmr);
}

/* xenbus.c */
int xibf_xenbus_init(void);
void xibf_xenbus_exit(void);

/* raw.c */
void xibf_raw_add(struct xibf_device *xdev);
void xibf_raw_remove(struct xibf_device *xdev);
void xibf_raw_init(void);
void xibf_raw_exit(void);

/* cmd.c */
int xibf_cmd_setup(struct xibf_device *xdev);
void xibf_cmd_teardown(struct xibf_device *xdev);
void xibf_cmd_kill(struct xibf_device *xdev, int err);
void xibf_cmd_mark_broken(struct xibf_device *xdev, int err, const char *why);
int xibf_cmd_exec_req(struct xibf_device *xdev, struct xibf_cmd *cmd);
int xibf_cmd_exec(struct xibf_device *xdev, u16 opcode, const void *body,
		  size_t body_len, struct xibf_cmd *cmd);
bool xibf_cmd_is_dead(struct xibf_device *xdev);

/* device.c */
struct xibf_device *xibf_device_alloc(struct xenbus_device *xbdev);
int xibf_device_register(struct xibf_device *xdev);
void xibf_device_free(struct xibf_device *xdev);
u32 xibf_qp_access_mask(struct xibf_device *xdev);
int xibf_destroy_result(int err);
int xibf_destroy_handle(struct xibf_device *xdev, u16 opcode, u32 handle);

/* counters.c */
extern const struct ib_device_ops xibf_counter_ops;

/* event.c */
int xibf_event_setup(struct xibf_device *xdev);
void xibf_event_teardown(struct xibf_device *xdev);

/* pgdir.c */
int xibf_pgdir_get(struct xibf_device *xdev, struct xibf_pgdir *pd,
		   u64 addr, u64 size, int access, bool readonly);
void xibf_pgdir_put(struct xibf_pgdir *pd);
int xibf_udata_in(struct ib_udata *udata, void *cmd, size_t len);
int xibf_udata_out(struct ib_udata *udata, void *resp, size_t len);

/* context.c */
int xibf_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata);
void xibf_dealloc_ucontext(struct ib_ucontext *ibuc);
void xibf_disassociate_ucontext(struct ib_ucontext *ibuc);
int xibf_mmap(struct ib_ucontext *ibuc, struct vm_area_struct *vma);
int xibf_db_get(struct xibf_ucontext *uc, u32 *db_index);
void xibf_db_put(struct xibf_ucontext *uc, u32 db_index);

/* pd.c */
int xibf_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);
int xibf_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);

/* cq.c */
int xibf_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		   struct xibf_create_cq_arg *arg);
int xibf_resize_cq(struct ib_cq *ibcq, int cqe, struct ib_udata *udata);
int xibf_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata);
int xibf_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc);
int xibf_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags);

/* qp.c */
int xibf_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *init,
		   struct ib_udata *udata);
int xibf_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
		   int attr_mask, struct ib_udata *udata);
int xibf_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
		  int attr_mask, struct ib_qp_init_attr *init);
int xibf_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata);
int xibf_kick(struct xibf_device *xdev);
int xibf_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		   const struct ib_send_wr **bad_wr);
int xibf_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		   const struct ib_recv_wr **bad_wr);
int xibf_attach_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid);
int xibf_detach_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid);
void xibf_ah_attr_to_wire(struct xibf_device *xdev,
			  const struct rdma_ah_attr *ah,
			  struct xen_vibif_ah_attr *w);

/* srq.c */
int xibf_create_srq(struct ib_srq *ibsrq, struct ib_srq_init_attr *init,
		    struct ib_udata *udata);
int xibf_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		    enum ib_srq_attr_mask mask, struct ib_udata *udata);
int xibf_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr);
int xibf_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata);
int xibf_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
		       const struct ib_recv_wr **bad_wr);

/* ah.c */
int xibf_create_ah(struct ib_ah *ibah, struct rdma_ah_init_attr *init,
		   struct ib_udata *udata);
int xibf_destroy_ah(struct ib_ah *ibah, u32 flags);

/* mr.c */
struct ib_mr *xibf_get_dma_mr(struct ib_pd *ibpd, int access);
struct ib_mr *xibf_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 length,
			       u64 virt_addr, int access,
			       struct ib_udata *udata);
int xibf_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata);

#endif /* XENIB_FRONT_H */
