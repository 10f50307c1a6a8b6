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
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <rdma/ib_verbs.h>
#include <rdma/xenib-abi.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/vibif.h>

#include "validate.h"

/* Module parameters (main.c). */
extern unsigned int xibb_max_ring_page_order;
extern unsigned int xibb_reconnect_ms;

/* Connection attempts a guest may make at once (xibb_reconnect_ms). */
#define XIBB_CONNECT_BURST	8
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
extern unsigned int xibb_def_quota_mem_kib;
extern unsigned long xibb_mem_budget_kib;
extern unsigned int xibb_max_mapped_pages;

/* Runs every guest's command work (main.c). */
extern struct workqueue_struct *xibb_wq;

/* Every guest, for the ib_client's remove callback (guest.c). */
extern struct list_head xibb_guests;
extern struct mutex xibb_guests_lock;

/*
 * Object kinds, in the order xibb_guest_disconnect() destroys them
 * (reversed: QPs first, contexts last).
 */
enum xibb_kind {
	XIBB_KIND_NONE,
	XIBB_KIND_UCONTEXT,
	XIBB_KIND_PD,
	XIBB_KIND_CQ,
	XIBB_KIND_MR,
	XIBB_KIND_AH,
	XIBB_KIND_SRQ,
	XIBB_KIND_QP,
	XIBB_KIND_COUNT,
};

/* Q_Keys with this bit set may only be used by privileged consumers. */
#define XIBB_QKEY_PRIVILEGED	0x80000000U

/*
 * A handle is kind (4 bits) | generation (8 bits) | table index (20 bits):
 * a handle of the wrong kind, a stale one (the slot was reused) and a
 * forged one all fail the lookup.  Index 0 is never used, so no handle is
 * XEN_VIBIF_HANDLE_NONE.
 */
#define XIBB_HANDLE_KIND_SHIFT	28
#define XIBB_HANDLE_GEN_SHIFT	20
#define XIBB_HANDLE_GEN_MASK	0xff
#define XIBB_HANDLE_IDX_MASK	0xfffff

/**
 * struct xibb_obj - what every guest object starts with
 * @handle: the handle the guest knows it by
 * @kind: enum xibb_kind
 * @users: objects that name this one (a QP names its PD, CQs, SRQ, ...);
 *	a destroy request for an object with users answers EBUSY.  Changed
 *	only with xibb_obj_use() and xibb_obj_unuse(), under guest->obj_lock
 *	(a plain counter: every change is under that lock, so refcount_t's
 *	atomics would buy nothing but the saturation, which the underflow
 *	check of xibb_obj_unuse() replaces)
 * @mem: Dom0 memory charged for the object (mem.c), released by
 *	xibb_obj_del()
 */
struct xibb_obj {
	u32 handle;
	u8 kind;
	u32 users;
	u64 mem;
};

/**
 * xibb_obj_use() - one more object names @obj
 * @obj: the object named (a QP's PD, CQ, SRQ ...)
 *
 * Context: guest->obj_lock held.
 */
static inline void xibb_obj_use(struct xibb_obj *obj)
{
	obj->users++;
}

/**
 * xibb_obj_unuse() - an object that named @obj is gone
 * @obj: the object named
 *
 * An underflow is a bug of the backend (a use released twice): warned
 * once and not applied, so the object stays undestroyable rather than
 * freed while in use.
 *
 * Context: guest->obj_lock held.
 */
static inline void xibb_obj_unuse(struct xibb_obj *obj)
{
	if (WARN_ON_ONCE(!obj->users))
		return;
	obj->users--;
}

/**
 * struct xibb_gmap - guest pages mapped into this domain
 * @npages: pages mapped
 * @readonly: mapped read-only
 * @refs: the guest's grant references, claimed in guest->grefs
 * @pages: the pages (from gnttab_alloc_pages())
 * @handles: grant handles, for the unmap
 * @vaddr: kernel address of the first page (a queue's header); the pages
 *	are not contiguous in this domain's address space (see gmap.c)
 */
struct xibb_gmap {
	u32 npages;
	bool readonly;
	u32 *refs;
	struct page **pages;
	grant_handle_t *handles;
	void *vaddr;
};

/**
 * xibb_gmap_ptr() - kernel address of an octet of a mapping
 * @map: the mapping
 * @off: octet offset, below npages * PAGE_SIZE (the caller's bound)
 *
 * Valid for an object that does not cross a page boundary from @off
 * (queue headers, CQEs); xibb_gmap_read() copies one that may.
 *
 * Return: the address.
 */
static inline void *xibb_gmap_ptr(const struct xibb_gmap *map, size_t off)
{
	return (u8 *)page_address(map->pages[off >> PAGE_SHIFT]) +
	       offset_in_page(off);
}

/**
 * struct xibb_ucontext - a guest user context
 * @obj: handle and users
 * @db: the doorbell page (hostile: hints only)
 * @db_map: its mapping (gmap.c: its reference claimed in guest->grefs)
 * @db_xa: QPs and SRQs by doorbell index (the engine's lookup; also makes
 *	db indices unique); entries are erased under the engine lock
 * @eng_node: entry in the engine's context list (engine lock)
 * @eng_seq: post_seq the engine saw at its last scan of the bitmap
 * @eng_word: the word of the bitmap where the next scan starts
 * @eng_cut: the last scan stopped at @eng_word for the scan budget: the
 *	next one goes on whatever post_seq says
 */
struct xibb_ucontext {
	struct xibb_obj obj;
	struct xenib_db_page *db;
	struct xibb_gmap db_map;
	struct xarray db_xa;
	struct list_head eng_node;
	u32 eng_seq;
	u32 eng_word;
	bool eng_cut;
};

/**
 * struct xibb_wr_slot - what the engine remembers of a posted WQE
 * @wr_id: the guest's wr_id, returned in the CQE
 * @opcode: XENIB_WC_* opcode of the completion
 * @busy: SRQ slots: posted, not yet completed
 */
struct xibb_wr_slot {
	u64 wr_id;
	u8 opcode;
	u8 busy;
};

/**
 * struct xibb_wq_eng - engine state of a send or receive queue (engine.c)
 * @slots: ring of posted WQEs, indexed by the sequence in the kernel wr_id
 * @mask: ring size - 1
 * @head: WQEs posted to the shadow (free-running)
 * @tail: WQEs the shadow completed (free-running)
 * @sig_end: @head after the last posted WQE that will complete with a
 *	completion (every receive; a signaled send, or any send of a QP that
 *	signals all): while @tail is before it, a completion is still to come
 * @max_inflight: most WQEs outstanding on the shadow
 * @cons: private consumer index of the guest's queue
 * @blocked: waits for completions (shadow full, or a failed post waits
 *	for the earlier completions so that its error CQE keeps the order)
 * @failed: the guest corrupted the queue; no longer consumed
 */
struct xibb_wq_eng {
	struct xibb_wr_slot *slots;
	u32 mask;
	u32 head;
	u32 tail;
	u32 sig_end;
	u32 max_inflight;
	u32 cons;
	bool blocked;
	bool failed;
};

/**
 * struct xibb_cq_eng - engine state of a CQ (engine.c)
 * @prod: private producer index of the guest's CQ ring
 * @cons: last consumer index accepted from the guest
 * @arm_ack: last arm_seq acknowledged
 * @overflow: CQEs dropped, mirrored into the header
 * @live: the engine may use the CQ (guarded by the engine lock and
 *	xibb_engine.pend_lock)
 * @failed: the CQ is in error (overflow or a corrupted index)
 * @new: CQEs written since the last publication
 * @sol: among them a receive or error CQE (for SOLICITED arming)
 * @pend: entry in the engine's list of CQs to poll (pend_lock)
 */
struct xibb_cq_eng {
	u32 prod;
	u32 cons;
	u32 arm_ack;
	u32 overflow;
	bool live;
	bool failed;
	bool new;
	bool sol;
	struct list_head pend;
};

/**
 * struct xibb_pd - a guest PD and its shadow
 * @obj: handle and users
 * @uc: owning context or NULL
 * @pd: the shadow PD
 * @reg_qp: private RC QP (in @pd, connected to itself) that executes the
 *	REG_MR work requests of this PD's MRs; created on first use
 * @reg_psn: @reg_qp's random starting PSN (for debugfs)
 */
struct xibb_pd {
	struct xibb_obj obj;
	struct xibb_ucontext *uc;
	struct ib_pd *pd;
	struct ib_qp *reg_qp;
	u32 reg_psn;
};

/**
 * struct xibb_cq - a guest CQ and its shadow
 * @obj: handle and users
 * @guest: the owner (for the event handlers)
 * @uc: owning context or NULL
 * @cq: the shadow CQ
 * @buf: the guest's CQ buffer
 * @log_nslots: 2^log_nslots CQEs in @buf
 * @eng: data engine state
 */
struct xibb_cq {
	struct xibb_obj obj;
	struct xibb_guest *guest;
	struct xibb_ucontext *uc;
	struct ib_cq *cq;
	struct xibb_gmap buf;
	u8 log_nslots;
	struct xibb_cq_eng eng;
};

/**
 * struct xibb_srq - a guest SRQ and its shadow
 * @obj: handle and users
 * @guest: the owner
 * @uc: owning context
 * @pd: its PD
 * @srq: the shadow SRQ
 * @buf: the guest's SRQ buffer
 * @db_index: doorbell index in @uc
 * @wqe_shift: slot size 2^wqe_shift
 * @log_nslots: 2^log_nslots slots
 * @max_wr: granted depth
 * @max_sge: granted SGEs per WQE
 * @eng_live: the engine may use the SRQ (engine lock)
 * @eng_tag: the owner field of its kernel wr_ids (engine.c), unique among
 *	live SRQs and not reused before 2^32 more QPs and SRQs of the guest
 * @eng_hnode: entry in the engine's table of SRQs by @eng_tag
 * @eng_failed: the guest corrupted the SRQ; no longer consumed
 * @eng_blocked: every slot of @eng_slots is posted; waits for completions
 * @eng_cons: private consumer index of the guest's SRQ
 * @eng_slots: posted WQEs, indexed by the slot number in the kernel wr_id
 * @eng_free: free slot numbers (a stack)
 * @eng_nfree: entries in @eng_free
 * @eng_nslots: entries of @eng_slots (and room of @eng_free); at least
 *	@max_wr, more after a RESIZE_SRQ that shrank the SRQ
 * @eng_again: entry in the engine's list of queues to revisit
 */
struct xibb_srq {
	struct xibb_obj obj;
	struct xibb_guest *guest;
	struct xibb_ucontext *uc;
	struct xibb_pd *pd;
	struct ib_srq *srq;
	struct xibb_gmap buf;
	u32 db_index;
	u8 wqe_shift;
	u8 log_nslots;
	u32 max_wr;
	u32 max_sge;
	bool eng_live;
	bool eng_failed;
	bool eng_blocked;
	u32 eng_tag;
	struct hlist_node eng_hnode;
	u32 eng_cons;
	struct xibb_wr_slot *eng_slots;
	u32 *eng_free;
	u32 eng_nfree;
	u32 eng_nslots;
	struct list_head eng_again;
};

/**
 * struct xibb_qp - a guest QP and its shadow
 * @obj: handle and users
 * @guest: the owner
 * @uc: owning context
 * @pd: its PD
 * @send_cq: its send CQ
 * @recv_cq: its receive CQ
 * @srq: its SRQ or NULL
 * @qp: the shadow QP
 * @sq: the guest's send queue buffer
 * @rq: the guest's receive queue buffer (empty with an SRQ)
 * @db_index: doorbell index in @uc
 * @qp_type: XEN_VIBIF_QPT_*
 * @sq_sig_all: every send WQE signals
 * @sq_wqe_shift: send slot size 2^shift
 * @rq_wqe_shift: receive slot size 2^shift
 * @sq_log_nslots: 2^sq_log_nslots send slots
 * @rq_log_nslots: 2^rq_log_nslots receive slots
 * @cap: capacities granted to the guest
 * @retry_cnt7: the guest set retry_cnt 7, the shadow has 6 (qp.c)
 * @lastwqe_sent: Last WQE Reached was forwarded since the QP last left the
 *	error state (event.c; MODIFY_QP clears it)
 * @eng_live: the engine may use the QP (engine lock)
 * @eng_tag: the owner field of its kernel wr_ids (engine.c): not reused
 *	before 2^32 more QPs and SRQs of the guest
 * @eng_sq: engine state of the send queue
 * @eng_rq: engine state of the receive queue (unused with an SRQ)
 * @eng_hnode: entry in the engine's table of QPs by shadow QP
 * @eng_again: entry in the engine's list of queues to revisit
 * @mcast: multicast groups the shadow joined (struct xibb_mcast, under
 *	obj_lock), left before the QP is destroyed
 * @nmcast: entries of @mcast
 */
struct xibb_qp {
	struct xibb_obj obj;
	struct xibb_guest *guest;
	struct xibb_ucontext *uc;
	struct xibb_pd *pd;
	struct xibb_cq *send_cq;
	struct xibb_cq *recv_cq;
	struct xibb_srq *srq;
	struct ib_qp *qp;
	struct xibb_gmap sq;
	struct xibb_gmap rq;
	u32 db_index;
	u8 qp_type;
	bool sq_sig_all;
	u8 sq_wqe_shift;
	u8 rq_wqe_shift;
	u8 sq_log_nslots;
	u8 rq_log_nslots;
	struct ib_qp_cap cap;
	bool retry_cnt7;
	atomic_t lastwqe_sent;
	bool eng_live;
	u32 eng_tag;
	struct xibb_wq_eng eng_sq;
	struct xibb_wq_eng eng_rq;
	struct hlist_node eng_hnode;
	struct list_head eng_again;
	struct list_head mcast;
	u32 nmcast;
};

/**
 * struct xibb_mcast - a multicast group a guest UD QP joined
 * @list: entry in xibb_qp.mcast
 * @gid: the group
 * @lid: its LID (IB)
 */
struct xibb_mcast {
	struct list_head list;
	union ib_gid gid;
	u16 lid;
};

/**
 * struct xibb_ah - a guest AH and its shadow
 * @obj: handle and users
 * @pd: its PD
 * @ah: the shadow AH
 */
struct xibb_ah {
	struct xibb_obj obj;
	struct xibb_pd *pd;
	struct ib_ah *ah;
};

/**
 * struct xibb_mr - a guest MR and its shadow
 * @obj: handle and users
 * @pd: its PD
 * @mr: the shadow MR (IB_MR_TYPE_MEM_REG, registered by REG_MR)
 * @pages: the guest's pages
 * @sgt: @pages as a scatterlist
 * @nents: entries of @sgt mapped for DMA, 0 if not mapped
 */
struct xibb_mr {
	struct xibb_obj obj;
	struct xibb_pd *pd;
	struct ib_mr *mr;
	struct xibb_gmap pages;
	struct sg_table sgt;
	int nents;
};

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
 * @mem_kib: Dom0 memory the guest's shadow objects may take, KiB (mem.c)
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
	u32 mem_kib;
};

/**
 * struct xibb_stats - per-guest counters, in sysfs "statistics"
 * @requests: requests consumed from the control ring
 * @rejected: requests that failed xenib_request_check()
 * @failed: requests answered with a status other than XEN_VIBIF_OK
 * @kicks: notifications on the data event channel
 * @ring_errors: times the frontend corrupted the control ring indices
 * @events: events written to the event ring
 * @events_dropped: events dropped (ring full or frontend broken)
 * @wqes: WQEs the engine posted to shadow queues
 * @cqes: CQEs the engine wrote into the guest's CQs
 * @wqe_errors: WQEs completed with an error because the post failed
 * @bad_keys: SGEs that named a local key the guest does not own in the
 *	queue's PD (replaced by the poison key, see engine.c)
 * @queue_errors: queues put in error for malformed shared data or overrun
 * @reg_qp_resets: registration QPs replaced after a failed REG_MR (mr.c)
 * @gid_refused: address vectors refused for an SGID index the admin did
 *	not give the guest (ah.c)
 * @engine_passes: passes of the data engine that found work
 * @engine_sleeps: times the data engine went to sleep
 * @mem_refused: requests refused for the Dom0 memory budget (mem.c)
 * @dup_grefs: page lists refused for naming a grant reference twice, or
 *	one the guest has mapped already (gmap.c)
 * @map_refused: page lists refused for the global cap on mapped pages,
 *	max_mapped_pages (gmap.c)
 * @spurious_kicks: kicks after which the engine's pass found nothing to
 *	do, answered with a spurious late EOI (engine.c)
 * @scan_cut: engine passes whose doorbell scan stopped at the scan
 *	budget, engine_scan_budget (engine.c)
 * @scan_max: most doorbell bits and contexts one pass examined (engine.c)
 * @connects: connections made with the frontend (guest.c)
 * @connects_delayed: connection attempts put off by the rate limit,
 *	reconnect_ms (xenbus.c)
 * @connect_errors: connection attempts refused: a key the frontend wrote
 *	was missing or wrong, a ring or channel could not be mapped or bound
 */
struct xibb_stats {
	atomic64_t requests;
	atomic64_t rejected;
	atomic64_t failed;
	atomic64_t kicks;
	atomic64_t ring_errors;
	atomic64_t events;
	atomic64_t events_dropped;
	atomic64_t wqes;
	atomic64_t cqes;
	atomic64_t wqe_errors;
	atomic64_t bad_keys;
	atomic64_t queue_errors;
	atomic64_t reg_qp_resets;
	atomic64_t gid_refused;
	atomic64_t engine_passes;
	atomic64_t engine_sleeps;
	atomic64_t mem_refused;
	atomic64_t dup_grefs;
	atomic64_t map_refused;
	atomic64_t spurious_kicks;
	atomic64_t scan_cut;
	atomic64_t scan_max;
	atomic64_t connects;
	atomic64_t connects_delayed;
	atomic64_t connect_errors;
};

struct xibb_eng_scratch;

/* Hash bits of the engine's table of QPs by shadow QP. */
#define XIBB_ENG_QP_HASH_BITS	6
#define XIBB_ENG_SRQ_HASH_BITS	4

/**
 * struct xibb_engine - a guest's data engine (engine.c)
 * @task: the engine thread, NULL when not running
 * @lock: the engine lock: held by the thread for each pass, and by the
 *	object code (under obj_lock) to add or remove what the engine uses;
 *	process context only; taken after guest->obj_lock
 * @wq: the thread sleeps here
 * @flags: XIBB_ENG_* bits
 * @polling: the doorbell pages say XENIB_ENGINE_POLLING (engine lock)
 * @pend_lock: guards @pend_cqs and xibb_cq_eng.live/pend (any context)
 * @pend_cqs: CQs whose shadow signalled completions
 * @ucs: contexts (engine lock)
 * @again_qps: QPs with WQEs left over by the budget or unblocked by
 *	completions (engine lock)
 * @again_srqs: the same for SRQs (engine lock)
 * @qps: live QPs by shadow QP pointer (engine lock)
 * @srqs: live SRQs by eng_tag (engine lock)
 * @next_tag: the last eng_tag given to a QP or SRQ (engine lock)
 * @scratch: private copies and work requests of the thread
 * @poll_us: how long the thread polls after its last work, adapted
 *	between engine_poll_us and engine_poll_max_us (thread only)
 */
struct xibb_engine {
	struct task_struct *task;
	struct mutex lock;		/* see @lock above */
	wait_queue_head_t wq;
	unsigned long flags;
	bool polling;
	spinlock_t pend_lock;		/* see @pend_lock above */
	struct list_head pend_cqs;
	struct list_head ucs;
	struct list_head again_qps;
	struct list_head again_srqs;
	DECLARE_HASHTABLE(qps, XIBB_ENG_QP_HASH_BITS);
	DECLARE_HASHTABLE(srqs, XIBB_ENG_SRQ_HASH_BITS);
	u32 next_tag;
	struct xibb_eng_scratch *scratch;
	u32 poll_us;
};

/* Most entries of the "gid-indexes" key. */
#define XIBB_MAX_GID_ALLOW	16

/**
 * struct xibb_guest - one vib device of one guest
 * @xbdev: the xenbus device (backend/vib/<domid>/<devid>)
 * @domid: the frontend's domain
 * @fe_path: the frontend's xenstore directory (a copy of @xbdev's
 *	otherend, which xenbus frees when it removes the device)
 * @rdma_name: the real device (rdma-device key)
 * @rdma_port: port of @rdma_name shown as the guest's port 1
 * @gid_allow: the GID indexes of @rdma_port the guest may send with
 *	(xenstore "gid-indexes", set by the admin); the others read as empty
 * @n_gid_allow: entries in @gid_allow; 0: every index
 * @quota: limits from xenstore or the module parameters
 * @limits: what xenib_request_check() enforces, set on connection
 * @lock: serialises xibb_guest_connect() and xibb_guest_disconnect();
 *	guards @connected
 * @connected: the rings are mapped and the event channels bound
 * @xb_lock: serialises the xenbus state machine (xenbus.c): the
 *	frontend's state changes and @connect_work
 * @connect_work: a connection attempt the rate limit put off (xenbus.c)
 * @state_work: acts on the frontend's state, off xenwatch (xenbus.c)
 * @free_work: disconnects and frees the guest after its xenbus device
 *	was removed, off xenwatch (xenbus.c)
 * @xb_flags: XIBB_XB_* (xenbus.c)
 * @conn_tokens: connection attempts allowed now, at most
 *	XIBB_CONNECT_BURST; one more each reconnect_ms (@xb_lock)
 * @conn_stamp: jiffies of the last refill of @conn_tokens (@xb_lock)
 * @stopping: set before teardown: the handlers stop queueing work
 * @disabled: the frontend corrupted its ring; it is no longer serviced
 * @ring: back end of the control ring
 * @ring_addr: mapping of the control ring pages
 * @nr_ring_pages: pages of the control ring
 * @conn_refs: the grant references of the control ring and the event
 *	page, claimed in @grefs while connected (so that no queue, MR or
 *	doorbell page maps them a second time)
 * @n_conn_refs: entries of @conn_refs claimed
 * @evt_page: mapping of the event ring page
 * @irq: control event channel's irq, 0 when unbound
 * @data_irq: data event channel's irq, 0 when unbound
 * @cmd_work: services the control ring (on xibb_wq)
 * @eoi_pending: an event on @irq waits for its late EOI (bit 0)
 * @eoi_found: requests were found since the last EOI (only @cmd_work)
 * @list: entry in xibb_guests
 * @obj_lock: guards the object table, @ibdev and everything below it;
 *	held by @cmd_work while it executes a request, by the teardown and
 *	by the ib_client's remove callback (process context only)
 * @ibdev: the real device, held from connection until teardown or until
 *	the device is unregistered; NULL then
 * @objs: every object of the guest, by handle index
 * @gen: generation of the next handle
 * @nr_objs: objects per kind, against the quotas
 * @pinned: guest pages mapped now, against quota.pinned_pages
 * @mem_used: Dom0 memory charged to the guest, octets, against
 *	quota.mem_kib (mem.c)
 * @reg_cq: private CQ of the PDs' REG_MR QPs
 * @lkeys: the guest's registered MRs by lkey, the only local keys its
 *	WQEs may name (changed under obj_lock and the engine lock; the
 *	engine reads it under the engine lock)
 * @grefs: the grant references of the guest's pages mapped now (queues,
 *	MRs, doorbell pages), each at most once (gmap.c; obj_lock)
 * @poison_pd: a private PD that no guest object is in
 * @poison_mr: an MR of @poison_pd that is never registered: its lkey is
 *	what the engine gives the device instead of a key the guest does
 *	not own, so that the device refuses the SGE as it refuses any bad
 *	key (in order, with its own completion status)
 * @event_handler: the real device's async events (port events)
 * @evt_lock: serialises event ring producers (any context); guards
 *	@evt_prod and @evt_broken and the use of @evt_page by producers
 * @evt_prod: private event ring producer index
 * @evt_broken: the frontend corrupted the event ring; no more events
 * @eng: the data engine
 * @stats: counters
 * @debugfs: the guest's debugfs directory (debugfs.c), or NULL
 */
struct xibb_guest {
	struct xenbus_device *xbdev;
	domid_t domid;
	char *fe_path;
	char rdma_name[IB_DEVICE_NAME_MAX];
	u32 rdma_port;
	u16 gid_allow[XIBB_MAX_GID_ALLOW];
	u8 n_gid_allow;
	struct xibb_quota quota;
	struct xenib_limits limits;

	struct mutex lock;		/* see @lock above */
	bool connected;
	struct mutex xb_lock;		/* see @xb_lock above */
	struct delayed_work connect_work;
	struct work_struct state_work;
	struct work_struct free_work;
	unsigned long xb_flags;
	u32 conn_tokens;
	unsigned long conn_stamp;
	bool stopping;
	bool disabled;

	struct xen_vibif_cmd_back_ring ring;
	void *ring_addr;
	unsigned int nr_ring_pages;
	u32 conn_refs[(1U << XEN_VIBIF_MAX_RING_PAGE_ORDER) + 1];
	u32 n_conn_refs;
	struct xen_vibif_event_page *evt_page;
	int irq;
	int data_irq;

	struct work_struct cmd_work;
	unsigned long eoi_pending;
	bool eoi_found;

	struct list_head list;
	struct mutex obj_lock;		/* see @obj_lock above */
	struct ib_device *ibdev;
	struct xarray objs;
	u8 gen;
	u32 nr_objs[XIBB_KIND_COUNT];
	u32 pinned;
	u64 mem_used;
	struct ib_cq *reg_cq;
	struct xarray lkeys;
	struct xarray grefs;
	struct ib_pd *poison_pd;
	struct ib_mr *poison_mr;
	struct ib_event_handler event_handler;

	spinlock_t evt_lock;		/* see @evt_lock above */
	u32 evt_prod;
	bool evt_broken;

	struct xibb_engine eng;
	struct xibb_stats stats;
	struct dentry *debugfs;
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
bool xibb_guest_gid_ok(const struct xibb_guest *guest, u32 index);
int xibb_guest_connect(struct xibb_guest *guest);
void xibb_guest_disconnect(struct xibb_guest *guest);
struct ib_device *xibb_guest_ibdev(struct xibb_guest *guest);

/* obj.c */
int xibb_obj_add(struct xibb_guest *guest, struct xibb_obj *obj, u8 kind);
void xibb_obj_publish(struct xibb_guest *guest, struct xibb_obj *obj);
void xibb_obj_del(struct xibb_guest *guest, struct xibb_obj *obj);
struct xibb_obj *xibb_obj_find(struct xibb_guest *guest, u32 handle, u8 kind);
struct xibb_obj *xibb_obj_find_engine(struct xibb_guest *guest, u32 handle,
				      u8 kind);
int xibb_obj_destroy_req(struct xibb_guest *guest,
			 const struct xen_vibif_request *req,
			 struct xen_vibif_response *rsp);
void xibb_obj_destroy_all(struct xibb_guest *guest);

/* client.c */
int xibb_guest_attach_device(struct xibb_guest *guest);
void xibb_guest_release_device(struct xibb_guest *guest, bool fatal);
int xibb_client_init(void);
void xibb_client_exit(void);

/* mem.c */
u64 xibb_mem_budget(void);
u64 xibb_mem_global_used(void);
u32 xibb_mem_def_quota_kib(void);
int xibb_mem_charge(struct xibb_guest *guest, u64 bytes);
void xibb_mem_uncharge(struct xibb_guest *guest, u64 bytes);
int xibb_mem_obj_charge(struct xibb_guest *guest, struct xibb_obj *obj,
			u64 bytes);
u64 xibb_mem_qp_cost(const struct ib_qp_cap *cap, bool has_rq);
u64 xibb_mem_cq_cost(u32 cqe);
u64 xibb_mem_srq_cost(u32 max_wr, u32 max_sge);
u64 xibb_mem_mr_cost(u32 npages);
u64 xibb_mem_pd_cost(void);
u64 xibb_mem_small_cost(void);
u64 xibb_mem_page_cost(void);

/* gmap.c */
int xibb_gmap_pgdir(struct xibb_guest *guest,
		    const struct xen_vibif_pgdir *pgdir, bool readonly,
		    struct xibb_gmap *map);
void xibb_gmap_read(const struct xibb_gmap *map, size_t off, void *dst,
		    size_t len);
void xibb_gmap_unmap(struct xibb_guest *guest, struct xibb_gmap *map);
int xibb_gref_note(struct xibb_guest *guest, const u32 *refs, u32 n);
void xibb_gref_forget(struct xibb_guest *guest, const u32 *refs, u32 n);
int xibb_gref_claim(struct xibb_guest *guest, const u32 *refs, u32 n);
long xibb_gmap_mapped(void);
void xibb_gref_release(struct xibb_guest *guest, const u32 *refs, u32 n);

/* event.c */
bool xibb_event_post(struct xibb_guest *guest, u8 type, u8 code, u32 handle,
		     u32 data);
void xibb_port_event(struct ib_event_handler *handler, struct ib_event *ev);
void xibb_cq_event(struct ib_event *ev, void *ctx);
void xibb_qp_event(struct ib_event *ev, void *ctx);
void xibb_srq_event(struct ib_event *ev, void *ctx);

/* context.c */
int xibb_alloc_ucontext(struct xibb_guest *guest,
			const struct xen_vibif_request *req,
			struct xen_vibif_response *rsp);
void xibb_ucontext_destroy(struct xibb_guest *guest, struct xibb_obj *obj);
struct xibb_ucontext *xibb_ucontext_get(struct xibb_guest *guest, u32 handle,
					bool optional, int *err);

/* pd.c */
int xibb_alloc_pd(struct xibb_guest *guest,
		  const struct xen_vibif_request *req,
		  struct xen_vibif_response *rsp);
void xibb_pd_destroy(struct xibb_guest *guest, struct xibb_obj *obj);
struct ib_qp *xibb_pd_reg_qp(struct xibb_guest *guest, struct xibb_pd *pd);
void xibb_pd_reg_qp_reset(struct xibb_guest *guest, struct xibb_pd *pd);

/* cq.c */
u32 xibb_cq_shadow_cqe(struct xibb_guest *guest, u8 log_nslots);
int xibb_create_cq(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
int xibb_resize_cq(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
void xibb_cq_destroy(struct xibb_guest *guest, struct xibb_obj *obj);

/* qp.c */
int xibb_create_qp(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
int xibb_modify_qp(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
int xibb_query_qp(struct xibb_guest *guest,
		  const struct xen_vibif_request *req,
		  struct xen_vibif_response *rsp);
int xibb_attach_mcast(struct xibb_guest *guest,
		      const struct xen_vibif_request *req,
		      struct xen_vibif_response *rsp);
int xibb_detach_mcast(struct xibb_guest *guest,
		      const struct xen_vibif_request *req,
		      struct xen_vibif_response *rsp);
void xibb_qp_destroy(struct xibb_guest *guest, struct xibb_obj *obj);

/* srq.c */
int xibb_create_srq(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp);
int xibb_modify_srq(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp);
int xibb_query_srq(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
int xibb_resize_srq(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp);
void xibb_srq_destroy(struct xibb_guest *guest, struct xibb_obj *obj);

/* ah.c */
int xibb_resolve_dmac(struct ib_pd *pd, struct rdma_ah_attr *ah);
int xibb_ah_attr_from_wire(struct xibb_guest *guest,
			   const struct xen_vibif_ah_attr *w,
			   struct rdma_ah_attr *ah);
void xibb_ah_attr_to_wire(struct xibb_guest *guest,
			  const struct rdma_ah_attr *ah,
			  struct xen_vibif_ah_attr *w);
int xibb_create_ah(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp);
void xibb_ah_destroy(struct xibb_guest *guest, struct xibb_obj *obj);

/* mr.c */
int xibb_reg_mr(struct xibb_guest *guest,
		const struct xen_vibif_request *req,
		struct xen_vibif_response *rsp);
void xibb_mr_destroy(struct xibb_guest *guest, struct xibb_obj *obj);

/* cmd.c */
void xibb_cmd_work(struct work_struct *work);
irqreturn_t xibb_cmd_interrupt(int irq, void *dev_id);

/* debugfs.c */
void xibb_debugfs_init(void);
void xibb_debugfs_exit(void);
void xibb_debugfs_add(struct xibb_guest *guest);
void xibb_debugfs_remove(struct xibb_guest *guest);

/* device.c */
u32 xibb_devcap(const struct ib_device *ibdev);
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

/* engine.c */
void xibb_engine_init(struct xibb_guest *guest);
int xibb_engine_start(struct xibb_guest *guest);
void xibb_engine_stop(struct xibb_guest *guest);
irqreturn_t xibb_engine_interrupt(int irq, void *dev_id);
void xibb_engine_lock(struct xibb_guest *guest);
void xibb_engine_unlock(struct xibb_guest *guest);
void xibb_engine_db_erase(struct xibb_guest *guest, struct xibb_ucontext *uc,
			  u32 db_index);
void xibb_engine_uc_add(struct xibb_guest *guest, struct xibb_ucontext *uc);
void xibb_engine_uc_del(struct xibb_guest *guest, struct xibb_ucontext *uc);
int xibb_engine_qp_add(struct xibb_guest *guest, struct xibb_qp *qp);
void xibb_engine_qp_del(struct xibb_guest *guest, struct xibb_qp *qp);
int xibb_engine_srq_add(struct xibb_guest *guest, struct xibb_srq *srq);
void xibb_engine_srq_del(struct xibb_guest *guest, struct xibb_srq *srq);
void xibb_engine_cq_add(struct xibb_guest *guest, struct xibb_cq *cq);
void xibb_engine_cq_del(struct xibb_guest *guest, struct xibb_cq *cq);
int xibb_engine_cq_move(struct xibb_guest *guest, struct xibb_cq *cq,
			struct xibb_gmap *buf, u8 log_nslots, u32 cqe);
int xibb_engine_srq_move(struct xibb_guest *guest, struct xibb_srq *srq,
			 struct xibb_gmap *buf, u8 log_nslots, u32 max_wr);
void xibb_engine_cq_comp(struct ib_cq *ibcq, void *ctx);
u32 xibb_engine_max_inline(struct ib_device *ibdev);

/* stats.c */
extern const struct attribute_group *xibb_groups[];

#endif /* XENIB_BACK_H */
