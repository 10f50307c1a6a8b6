// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * back_harness.c - the common harness of the backend fuzz targets: one
 * guest of the real backend (the C files of backend/, unchanged, over
 * the fake kernel of kshim/), set up the way a connection sets it up,
 * driven by an input in the language of back_prog.h, and torn down
 * through the backend's one teardown.
 *
 * Per input: the fake kernel is reset, the fake xenstore gets the keys the
 * toolstack and the frontend write, xibb_guest_alloc() and
 * xibb_guest_connect() run as on a probe (xenbus.c's state machine is the
 * part left out), the input's operations run, then
 * xibb_guest_disconnect() and xibb_guest_free().  The harness is the
 * frontend: it pushes requests on the control ring and kicks only when the
 * ring macros say so, reads and checks every response and every event,
 * and plays the guest's side of the shared queues.
 *
 * Invariants, each a kshim_bug() (abort) when broken:
 * - every response passes the frontend's xenib_response_check() against
 *   its request, every event xenib_event_check(), the backend never
 *   overruns the event ring, and after a kick every request is answered
 *   and the control channel's late EOI sent;
 * - after the teardown the guest holds nothing: no object, no Dom0 memory
 *   charge (guest and global), no pinned or mapped page, no claimed grant
 *   reference, no lkey, no irq, no thread, no device reference, no verbs
 *   object, no grant or ring mapping, no DMA mapping, no queued work; and
 *   after xibb_guest_free() no allocation of the input is left;
 * - what the fake kernel and device check (kshim/fake*.c), and what
 *   AddressSanitizer and UBSan find.
 */
#include "back_harness.h"

#include "back_prog.h"
#include "back_prog_walk.h"
#include "fake.h"
#include "ring.h"

#define HZ_BUG(what)	kshim_bug(what, __FILE__, __LINE__)
#define HZ_CHECK(cond, what)						\
do {									\
	if (!(cond))							\
		HZ_BUG(what);						\
} while (0)

#define HZ_HANDLES	32
#define HZ_QUEUES	32
#define HZ_MRS		16
#define HZ_UCS		8
#define HZ_REQS		128	/* at least the largest ring */

static const char hz_be[] = "backend/vib/1/0";
static const char hz_fe[] = "/local/domain/1/device/vib/0";

struct hz_queue {
	u8 kind;		/* BP_Q_* */
	bool live;
	bool ud;
	u32 handle;
	u32 db_frame;
	u32 db_index;
	u8 log_nslots;
	u8 shift;
	u32 nframes;
	u32 frames[XEN_VIBIF_PGDIR_INLINE];
	u32 prod;
};

struct hz_mr {
	u32 handle;
	u32 lkey;
	u64 iova;
};

struct hz_uc {
	u32 handle;
	u32 frame;
};

static struct {
	const struct hz_target *t;
	const u8 *p;
	size_t n;
	struct xenbus_device xbdev;
	struct xibb_guest *guest;
	u8 h0;
	u8 order;
	struct xen_vibif_cmd_front_ring front;
	struct xen_vibif_request reqs[HZ_REQS];
	bool known[HZ_REQS];
	bool notify;
	bool ring_wild;
	bool evt_wild;
	bool evt_stall;
	u32 evt_cons;
	u64 next_id;
	u32 handles[XIBB_KIND_COUNT][HZ_HANDLES];
	u32 nhandles[XIBB_KIND_COUNT];
	struct hz_queue qs[HZ_QUEUES];
	u32 nqs;
	struct hz_mr mrs[HZ_MRS];
	u32 nmrs;
	struct hz_uc ucs[HZ_UCS];
	u32 nucs;
	long allocs0;
	long dentries0;
	unsigned int cmd_budget0;
} hz;

/* xenbus.c, the state machine, is not part of the fuzzed program. */
int xibb_xenbus_init(void)
{
	return 0;
}

void xibb_xenbus_exit(void)
{
}

extern int (*kshim_module_init)(void);

/* ---- reading the input --------------------------------------------------- */

static u8 hz_u8(void)
{
	if (!hz.n)
		return 0;
	hz.n--;
	return *hz.p++;
}

static u16 hz_u16(void)
{
	u16 lo = hz_u8();

	return (u16)(lo | (u16)hz_u8() << 8);
}

static u32 hz_u32(void)
{
	u32 lo = hz_u16();

	return lo | (u32)hz_u16() << 16;
}

static void hz_read(void *dst, size_t len)
{
	size_t k = min(len, hz.n);

	memcpy(dst, hz.p, k);
	memset((u8 *)dst + k, 0, len - k);
	hz.p += k;
	hz.n -= k;
}

/* ---- the frontend's side: control ring, event ring ----------------------- */

static struct xen_vibif_event_page *hz_evt_page(void)
{
	return (void *)kshim_guest_frame(BP_FRAME_EVT);
}

static void hz_front_init(void)
{
	struct xen_vibif_cmd_sring *s;
	u32 i;

	for (i = 0; i < (1U << hz.order); i++)
		memset(kshim_guest_frame(BP_FRAME_RING + i), 0, PAGE_SIZE);
	memset(hz_evt_page(), 0, PAGE_SIZE);
	s = (void *)kshim_guest_frame(BP_FRAME_RING);
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&hz.front, s, PAGE_SIZE << hz.order);
	memset(hz.known, 0, sizeof(hz.known));
	hz.notify = false;
	hz.ring_wild = false;
	hz.evt_wild = false;
	hz.evt_stall = false;
	hz.evt_cons = 0;
	hz.nqs = 0;
	hz.nucs = 0;
}

static void hz_add_handle(u8 kind, u32 handle)
{
	u32 *n = &hz.nhandles[kind];

	hz.handles[kind][*n % HZ_HANDLES] = handle;
	if (*n < HZ_HANDLES)
		(*n)++;
}

/* A handle field of a request: 1..255 names a handle the backend gave. */
static void hz_fix(u8 kind, __le32 *field)
{
	u32 v = le32_to_cpu(*field);

	if (v >= 1 && v <= 255 && hz.nhandles[kind])
		*field = cpu_to_le32(hz.handles[kind][(v - 1) %
						      hz.nhandles[kind]]);
}

/* back_prog_walk.h's kinds are the backend's, in the same order. */
static_assert((int)BPK_UCONTEXT == (int)XIBB_KIND_UCONTEXT &&
	      (int)BPK_PD == (int)XIBB_KIND_PD &&
	      (int)BPK_CQ == (int)XIBB_KIND_CQ &&
	      (int)BPK_MR == (int)XIBB_KIND_MR &&
	      (int)BPK_AH == (int)XIBB_KIND_AH &&
	      (int)BPK_SRQ == (int)XIBB_KIND_SRQ &&
	      (int)BPK_QP == (int)XIBB_KIND_QP &&
	      (int)BPK_COUNT == (int)XIBB_KIND_COUNT);
static_assert((int)BPW_COUNT == (int)BP_OP_COUNT &&
	      (int)BPW_REQ == (int)BP_OP_REQ &&
	      (int)BPW_WQE == (int)BP_OP_WQE &&
	      (int)BPW_PARAM == (int)BP_OP_PARAM &&
	      BPW_WQE_RAW_PROD == BP_WQE_RAW_PROD);

static void hz_fix_cb(void *ctx, enum bp_kind kind, __le32 *field)
{
	hz_fix(kind, field);
}

static void hz_fixups(struct xen_vibif_request *r)
{
	bp_request_refs(r, hz_fix_cb, NULL);
}

static u32 hz_uc_frame(u32 handle)
{
	u32 i;

	for (i = 0; i < hz.nucs; i++)
		if (hz.ucs[i].handle == handle)
			return hz.ucs[i].frame;
	return 0;
}

/* Remembers a queue the guest can post to (directories of levels 0). */
static struct hz_queue *hz_add_queue(u8 kind, u32 handle, u32 uc,
				     u32 db_index,
				     const struct xen_vibif_pgdir *d,
				     u8 log_nslots, u8 shift)
{
	struct hz_queue *q;
	u32 i, n = le32_to_cpu(d->npages);

	if (hz.nqs == HZ_QUEUES || d->levels || n > XEN_VIBIF_PGDIR_INLINE)
		return NULL;
	q = &hz.qs[hz.nqs++];
	memset(q, 0, sizeof(*q));
	q->kind = kind;
	q->live = true;
	q->handle = handle;
	q->db_frame = hz_uc_frame(uc);
	q->db_index = db_index;
	q->log_nslots = log_nslots;
	q->shift = shift;
	q->nframes = n;
	for (i = 0; i < n; i++)
		q->frames[i] = le32_to_cpu(d->ref[i]);
	return q;
}

static void hz_queue_moved(u8 kind, u32 handle,
			   const struct xen_vibif_pgdir *d, u8 log_nslots)
{
	u32 i, k, n = le32_to_cpu(d->npages);

	for (i = 0; i < hz.nqs; i++) {
		struct hz_queue *q = &hz.qs[i];

		if (q->kind != kind || q->handle != handle || !q->live)
			continue;
		if (d->levels || n > XEN_VIBIF_PGDIR_INLINE) {
			q->live = false;
			continue;
		}
		q->nframes = n;
		for (k = 0; k < n; k++)
			q->frames[k] = le32_to_cpu(d->ref[k]);
		q->log_nslots = log_nslots;
	}
}

static void hz_queue_gone(u32 handle)
{
	u32 i;

	for (i = 0; i < hz.nqs; i++)
		if (hz.qs[i].handle == handle)
			hz.qs[i].live = false;
}

/* Learns the handles, keys and queues of a successful response. */
static void hz_learn(const struct xen_vibif_request *req,
		     const struct xen_vibif_response *rsp)
{
	const union xen_vibif_req_body *b = &req->u;
	const union xen_vibif_rsp_body *r = &rsp->u;
	u16 op = le16_to_cpu(req->hdr.opcode);
	struct hz_queue *q;
	u32 h;

	if (rsp->hdr.status != cpu_to_le32(XEN_VIBIF_OK))
		return;
	switch (op) {
	case XEN_VIBIF_OP_ALLOC_UCONTEXT:
		h = le32_to_cpu(r->handle.handle);
		hz_add_handle(XIBB_KIND_UCONTEXT, h);
		if (hz.nucs < HZ_UCS) {
			hz.ucs[hz.nucs].handle = h;
			hz.ucs[hz.nucs++].frame =
				le32_to_cpu(b->alloc_ucontext.db_ref);
		}
		break;
	case XEN_VIBIF_OP_ALLOC_PD:
		hz_add_handle(XIBB_KIND_PD, le32_to_cpu(r->handle.handle));
		break;
	case XEN_VIBIF_OP_CREATE_CQ:
		h = le32_to_cpu(r->create_cq.cq);
		hz_add_handle(XIBB_KIND_CQ, h);
		hz_add_queue(BP_Q_CQ, h, 0, 0, &b->create_cq.pgdir,
			     b->create_cq.log_nslots, XENIB_CQE_SHIFT);
		break;
	case XEN_VIBIF_OP_RESIZE_CQ:
		hz_queue_moved(BP_Q_CQ, le32_to_cpu(b->resize_cq.cq),
			       &b->resize_cq.pgdir, b->resize_cq.log_nslots);
		break;
	case XEN_VIBIF_OP_CREATE_QP: {
		const struct xen_vibif_create_qp_req *c = &b->create_qp;

		h = le32_to_cpu(r->create_qp.qp);
		hz_add_handle(XIBB_KIND_QP, h);
		q = hz_add_queue(BP_Q_SQ, h, le32_to_cpu(c->ucontext),
				 le32_to_cpu(c->db_index), &c->sq_pgdir,
				 c->sq_log_nslots, c->sq_wqe_shift);
		if (q)
			q->ud = c->qp_type == XEN_VIBIF_QPT_UD;
		if (!c->srq)
			hz_add_queue(BP_Q_RQ, h, le32_to_cpu(c->ucontext),
				     le32_to_cpu(c->db_index), &c->rq_pgdir,
				     c->rq_log_nslots, c->rq_wqe_shift);
		break;
	}
	case XEN_VIBIF_OP_CREATE_SRQ:
		h = le32_to_cpu(r->create_srq.srq);
		hz_add_handle(XIBB_KIND_SRQ, h);
		hz_add_queue(BP_Q_SRQ, h, le32_to_cpu(b->create_srq.ucontext),
			     le32_to_cpu(b->create_srq.db_index),
			     &b->create_srq.pgdir, b->create_srq.log_nslots,
			     b->create_srq.wqe_shift);
		break;
	case XEN_VIBIF_OP_RESIZE_SRQ:
		hz_queue_moved(BP_Q_SRQ, le32_to_cpu(b->resize_srq.srq),
			       &b->resize_srq.pgdir, b->resize_srq.log_nslots);
		break;
	case XEN_VIBIF_OP_CREATE_AH:
		hz_add_handle(XIBB_KIND_AH, le32_to_cpu(r->handle.handle));
		break;
	case XEN_VIBIF_OP_REG_MR:
		h = le32_to_cpu(r->reg_mr.mr);
		hz_add_handle(XIBB_KIND_MR, h);
		/* Dead ones stay: their keys are stale keys to try. */
		if (hz.nmrs < HZ_MRS) {
			hz.mrs[hz.nmrs].handle = h;
			hz.mrs[hz.nmrs].lkey = le32_to_cpu(r->reg_mr.lkey);
			hz.mrs[hz.nmrs++].iova = le64_to_cpu(b->reg_mr.iova);
		}
		break;
	case XEN_VIBIF_OP_DESTROY_QP:
	case XEN_VIBIF_OP_DESTROY_SRQ:
	case XEN_VIBIF_OP_DESTROY_CQ:
		hz_queue_gone(le32_to_cpu(b->handle.handle));
		break;
	default:
		break;
	}
}

static void hz_dump(const char *what, const void *p, size_t len)
{
	const u8 *b = p;
	size_t i;

	fprintf(stderr, "hz: %s:", what);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", b[i]);
	fputc('\n', stderr);
}

/*
 * What the frontend checks of a response; for an opcode it would never
 * send (which xenib_response_check() refuses outright), the echo and an
 * error status with an empty body.
 */
static bool hz_response_bad(const struct xen_vibif_response *rsp,
			    const struct xen_vibif_request *req)
{
	u16 op = le16_to_cpu(req->hdr.opcode);
	u32 st = le32_to_cpu(rsp->hdr.status);
	size_t i;

	if (op && op < XEN_VIBIF_OP_COUNT)
		return xenib_response_check(rsp, req) != 0;
	if (rsp->hdr.id != req->hdr.id || rsp->hdr.opcode != req->hdr.opcode ||
	    st == XEN_VIBIF_OK || st >= XEN_VIBIF_STATUS_COUNT)
		return true;
	for (i = 0; i < sizeof(rsp->u.raw); i++)
		if (rsp->u.raw[i])
			return true;
	return false;
}

/*
 * The guest may give the backend its ring or event page again, as a
 * queue or a doorbell page, or write into them itself: from then on the
 * rings' contents are no longer the backend's alone, and the harness
 * stops holding the backend to them.
 */
static void hz_check_aliases(void)
{
	u32 i;

	for (i = 0; i < (1U << hz.order); i++)
		if (kshim_frame_aliased(BP_FRAME_RING + i))
			hz.ring_wild = true;
	if (kshim_frame_aliased(BP_FRAME_EVT))
		hz.evt_wild = true;
}

/* Reads and checks the responses the backend produced. */
static void hz_responses(void)
{
	RING_IDX rp, i, n = 0;
	struct xen_vibif_response rsp;

	hz_check_aliases();
	rp = hz.front.sring->rsp_prod;
	virt_rmb();
	if (!hz.ring_wild && rp - hz.front.rsp_cons >
	    hz.front.req_prod_pvt - hz.front.rsp_cons) {
		fprintf(stderr, "hz: rsp_prod %u rsp_cons %u req_prod %u\n", rp,
			hz.front.rsp_cons, hz.front.req_prod_pvt);
		HZ_BUG("backend produced responses to no request");
	}
	for (i = hz.front.rsp_cons; i != rp && n < HZ_REQS; i++, n++) {
		u32 slot = i % HZ_REQS;

		memcpy(&rsp, RING_GET_RESPONSE(&hz.front, i), sizeof(rsp));
		if (kshim_verbose)
			fprintf(stderr,
				"hz: response op %u status %u handle %#x\n",
				le16_to_cpu(rsp.hdr.opcode),
				le32_to_cpu(rsp.hdr.status),
				le32_to_cpu(rsp.u.handle.handle));
		if (!hz.ring_wild && hz.known[slot]) {
			if (hz_response_bad(&rsp, &hz.reqs[slot])) {
				hz_dump("request", &hz.reqs[slot],
					sizeof(hz.reqs[slot]));
				hz_dump("response", &rsp, sizeof(rsp));
				HZ_BUG("backend wrote a response its frontend rejects");
			}
			hz_learn(&hz.reqs[slot], &rsp);
		}
		hz.known[slot] = false;
	}
	hz.front.rsp_cons = rp;
}

/* Reads and checks the events the backend produced. */
static void hz_events(void)
{
	struct xen_vibif_event_page *pg = hz_evt_page();
	u32 prod = le32_to_cpu(smp_load_acquire(&pg->prod));
	struct xen_vibif_event ev;

	if (hz.evt_stall)
		return;
	hz_check_aliases();
	if (prod - hz.evt_cons > XEN_VIBIF_EVENT_RING_SIZE) {
		HZ_CHECK(hz.evt_wild, "backend overran the event ring");
		hz.evt_cons = prod;
	}
	while (hz.evt_cons != prod) {
		memcpy(&ev, &pg->ring[hz.evt_cons %
				      XEN_VIBIF_EVENT_RING_SIZE], sizeof(ev));
		HZ_CHECK(hz.evt_wild || !xenib_event_check(&ev),
			 "backend wrote an event its frontend rejects");
		hz.evt_cons++;
	}
	smp_store_release(&pg->cons, cpu_to_le32(hz.evt_cons));
}

/* Runs what is queued, reads the answers, checks the ring protocol. */
static void hz_settle(void)
{
	struct xibb_guest *g = hz.guest;

	kshim_run_work(100000);
	HZ_CHECK(!kshim_counts.works, "work requeues itself for ever");
	hz_responses();
	hz_events();
	if (!g->connected || g->stopping || hz.ring_wild)
		return;
	HZ_CHECK(!kshim_irq_owes_eoi(g->irq),
		 "control channel left without its late EOI");
	if (!g->disabled && !hz.notify)
		HZ_CHECK(hz.front.sring->rsp_prod == hz.front.req_prod_pvt,
			 "request left unanswered after a kick");
}

static void hz_kick(bool force)
{
	if ((force || hz.notify) && hz.guest->connected)
		kshim_irq_raise(hz.guest->irq);
	hz.notify = false;
	hz_settle();
}

static void hz_push(struct xen_vibif_request *r, bool kick)
{
	RING_IDX i;
	int notify;

	if (RING_FULL(&hz.front)) {
		hz_kick(true);
		if (RING_FULL(&hz.front))
			return;
	}
	i = hz.front.req_prod_pvt;
	memcpy(RING_GET_REQUEST(&hz.front, i), r, sizeof(*r));
	hz.reqs[i % HZ_REQS] = *r;
	hz.known[i % HZ_REQS] = true;
	hz.front.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&hz.front, notify);
	if (notify)
		hz.notify = true;
	if (kick)
		hz_kick(false);
}

/* ---- the guest's side of the shared queues ------------------------------- */

static void hz_qwrite(const struct hz_queue *q, u64 off, const void *src,
		      size_t len)
{
	const u8 *s = src;

	while (len) {
		u64 pg = off >> PAGE_SHIFT;
		size_t k = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
		u8 *f;

		if (pg >= q->nframes)
			return;
		f = kshim_guest_frame(q->frames[pg]);
		if (!f)
			return;
		memcpy(f + offset_in_page(off), s, k);
		s += k;
		off += k;
		len -= k;
	}
}

static struct xenib_queue_hdr *hz_qhdr(const struct hz_queue *q)
{
	return q->nframes ? (void *)kshim_guest_frame(q->frames[0]) : NULL;
}

/* SGE references: a small lkey names a key REG_MR gave. */
static void hz_fix_sges(u8 *base, u32 n)
{
	struct xenib_sge sge;
	u32 i;

	for (i = 0; i < n; i++) {
		memcpy(&sge, base + i * XENIB_SGE_SIZE, sizeof(sge));
		if (sge.lkey < 256 && hz.nmrs) {
			const struct hz_mr *m = &hz.mrs[sge.lkey % hz.nmrs];

			sge.lkey = m->lkey;
			if (sge.addr < 0x10000)
				sge.addr += m->iova;
		}
		memcpy(base + i * XENIB_SGE_SIZE, &sge, sizeof(sge));
	}
}

static void hz_op_wqe(void)
{
	u8 qi = hz_u8(), flags = hz_u8(), len = hz_u8();
	u8 wqe[BIT(XENIB_SQ_WQE_SHIFT_MAX)] __aligned(8) = { 0 };
	struct xenib_queue_hdr *hdr;
	struct xenib_db_page *db;
	struct hz_queue *q;
	u32 slot, raw = 0;

	hz_read(wqe, len);
	if (flags & BP_WQE_RAW_PROD)
		raw = hz_u32();
	if (!hz.nqs)
		return;
	q = &hz.qs[qi % hz.nqs];
	hdr = hz_qhdr(q);
	if (!q->live || q->kind == BP_Q_CQ || !hdr)
		return;
	slot = 1U << q->shift;
	if (q->kind == BP_Q_SQ) {
		struct xenib_send_wqe *w = (void *)wqe;

		if (q->ud && w->wr.ud.ah < 256 && hz.nhandles[XIBB_KIND_AH])
			w->wr.ud.ah = hz.handles[XIBB_KIND_AH]
				      [w->wr.ud.ah % hz.nhandles[XIBB_KIND_AH]];
		if (!(w->send_flags & XENIB_SEND_INLINE))
			hz_fix_sges(wqe + XENIB_SEND_WQE_HDR_SIZE,
				    min_t(u32, w->num_sge,
					  (slot - XENIB_SEND_WQE_HDR_SIZE) /
					  XENIB_SGE_SIZE));
	} else {
		struct xenib_recv_wqe *w = (void *)wqe;

		hz_fix_sges(wqe + XENIB_RECV_WQE_HDR_SIZE,
			    min_t(u32, w->num_sge,
				  (slot - XENIB_RECV_WQE_HDR_SIZE) /
				  XENIB_SGE_SIZE));
	}
	hz_qwrite(q, xenib_queue_slot_offset(q->prod, q->log_nslots, q->shift),
		  wqe, slot);
	if (flags & BP_WQE_PROD) {
		q->prod++;
		smp_store_release(&hdr->prod, q->prod);
	}
	if (flags & BP_WQE_RAW_PROD) {
		q->prod = raw;
		smp_store_release(&hdr->prod, raw);
	}
	db = (void *)kshim_guest_frame(q->db_frame);
	if (!db)
		return;
	if ((flags & BP_WQE_DIRTY) && q->db_index < XENIB_DB_BITS)
		__atomic_fetch_or(&db->dirty[xenib_db_word(q->db_index)],
				  xenib_db_mask(q->db_index), __ATOMIC_SEQ_CST);
	if (flags & BP_WQE_SEQ)
		__atomic_fetch_add(&db->post_seq, 1, __ATOMIC_SEQ_CST);
}

static void hz_op_cq(void)
{
	u8 ci = hz_u8(), what = hz_u8();
	u32 v = hz_u32(), i, n = 0;
	struct xenib_queue_hdr *hdr;
	struct hz_queue *q = NULL;

	for (i = 0; i < hz.nqs; i++)
		if (hz.qs[i].kind == BP_Q_CQ)
			n++;
	if (!n)
		return;
	ci %= n;
	for (i = 0; i < hz.nqs; i++)
		if (hz.qs[i].kind == BP_Q_CQ && !ci--) {
			q = &hz.qs[i];
			break;
		}
	hdr = q ? hz_qhdr(q) : NULL;
	if (!q->live || !hdr)
		return;
	switch (what % 3) {
	case BP_CQ_CONSUME:
		smp_store_release(&hdr->cons, smp_load_acquire(&hdr->prod));
		break;
	case BP_CQ_ARM:
		WRITE_ONCE(hdr->arm_flags, v & XENIB_CQ_ARM_ALL);
		smp_store_release(&hdr->arm_seq, hdr->arm_seq + 1);
		break;
	default:
		smp_store_release(&hdr->cons, v);
		break;
	}
}

/* ---- connection and teardown --------------------------------------------- */

static void hz_xenstore(u8 h0)
{
	char v[16];
	u32 i;

	kshim_xs_write(hz_be, "rdma-device", "rxe0");
	kshim_xs_write(hz_be, "rdma-port", h0 & BP_H0_BAD_PORT ? "2" : "1");
	if (h0 & BP_H0_GID_ALLOW)
		kshim_xs_write(hz_be, "gid-indexes", "0");
	if (h0 & BP_H0_TIGHT) {
		kshim_xs_write(hz_be, "quota-pd", "2");
		kshim_xs_write(hz_be, "quota-cq", "3");
		kshim_xs_write(hz_be, "quota-qp", "2");
		kshim_xs_write(hz_be, "quota-srq", "1");
		kshim_xs_write(hz_be, "quota-mr", "2");
		kshim_xs_write(hz_be, "quota-ah", "1");
		kshim_xs_write(hz_be, "quota-pinned-pages", "12");
		kshim_xs_write(hz_be, "quota-cqe", "16");
		kshim_xs_write(hz_be, "quota-qp-wr", "8");
		kshim_xs_write(hz_be, "quota-mem-kib", "160");
	}
	/* 2 MiB: the default quota-pinned-pages is 512 pages. */
	kshim_xs_write("/local/domain/1/memory", "static-max", "2048");

	kshim_xs_write(hz_fe, "version", h0 & BP_H0_BAD_VERSION ? "1" : "2");
	if (hz.order) {
		snprintf(v, sizeof(v), "%u", hz.order);
		kshim_xs_write(hz_fe, "ring-page-order", v);
		for (i = 0; i < (1U << hz.order); i++) {
			char key[16];

			snprintf(key, sizeof(key), "ring-ref%u", i);
			snprintf(v, sizeof(v), "%u", BP_FRAME_RING + i);
			kshim_xs_write(hz_fe, key, v);
		}
	} else {
		snprintf(v, sizeof(v), "%u", BP_FRAME_RING);
		kshim_xs_write(hz_fe, "ring-ref", v);
	}
	kshim_xs_write(hz_fe, "event-channel", "5");
	kshim_xs_write(hz_fe, "event-channel-data", "6");
	if (!(h0 & BP_H0_NO_EVT_REF)) {
		snprintf(v, sizeof(v), "%u", BP_FRAME_EVT);
		kshim_xs_write(hz_fe, "event-ring-ref", v);
	}
}

static void hz_check_empty_hash(const struct hlist_head *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		HZ_CHECK(!h[i].first, "engine table not empty after teardown");
}

/* After xibb_guest_disconnect(): the guest holds nothing. */
static void hz_check_disconnected(struct xibb_guest *g)
{
	int k;

	HZ_CHECK(!g->connected, "connected after the teardown");
	for (k = 0; k < XIBB_KIND_COUNT; k++)
		HZ_CHECK(!g->nr_objs[k], "objects counted after teardown");
	HZ_CHECK(xa_empty(&g->objs), "object table not empty after teardown");
	HZ_CHECK(xa_empty(&g->lkeys), "lkeys left after teardown");
	HZ_CHECK(xa_empty(&g->grefs), "grant references claimed after teardown");
	HZ_CHECK(!g->pinned, "pinned pages counted after teardown");
	HZ_CHECK(!g->mem_used, "Dom0 memory charged after teardown");
	HZ_CHECK(!g->ibdev && !g->reg_cq && !g->poison_pd && !g->poison_mr,
		 "device state left after teardown");
	HZ_CHECK(!g->irq && !g->data_irq, "irq left after teardown");
	HZ_CHECK(!g->ring_addr && !g->evt_page, "ring mapped after teardown");
	HZ_CHECK(!g->eng.task && !g->eng.scratch, "engine left running");
	HZ_CHECK(list_empty(&g->eng.ucs) && list_empty(&g->eng.pend_cqs) &&
		 list_empty(&g->eng.again_qps) &&
		 list_empty(&g->eng.again_srqs),
		 "engine list not empty after teardown");
	hz_check_empty_hash(g->eng.qps, HASH_SIZE(g->eng.qps));
	hz_check_empty_hash(g->eng.srqs, HASH_SIZE(g->eng.srqs));
	HZ_CHECK(!g->cmd_work.pending, "work queued after teardown");
	HZ_CHECK(!xibb_mem_global_used(), "global Dom0 memory charged after teardown");
	HZ_CHECK(!xibb_gmap_mapped(), "global mapped pages counted after teardown");
	HZ_CHECK(!kshim_counts.maps, "grant mapping left after teardown");
	HZ_CHECK(!kshim_counts.ring_maps, "ring mapping left after teardown");
	HZ_CHECK(!kshim_counts.pages, "grant page left after teardown");
	HZ_CHECK(!kshim_counts.irqs, "irq bound after teardown");
	HZ_CHECK(!kshim_counts.tasks, "thread left after teardown");
	HZ_CHECK(!kshim_counts.objs, "verbs object left after teardown");
	HZ_CHECK(!kshim_counts.dev_refs, "device reference left after teardown");
	HZ_CHECK(!kshim_counts.handlers, "event handler left after teardown");
	HZ_CHECK(!kshim_counts.dma_maps, "DMA mapping left after teardown");
	HZ_CHECK(!kshim_counts.works, "work queued after teardown");
}

static void hz_connect(void)
{
	hz_front_init();
	xibb_guest_connect(hz.guest);
	hz_settle();
}

/* ---- the operations ------------------------------------------------------ */

static void hz_op_req(void)
{
	struct xen_vibif_request r;
	u8 op = hz_u8(), len = hz_u8(), flags;
	u8 body[256];

	/* All len octets are the operation's; what fits is the body. */
	memset(&r, 0, sizeof(r));
	hz_read(body, len);
	memcpy(r.u.raw, body, min_t(size_t, len, sizeof(r.u.raw)));
	flags = hz_u8();
	r.hdr.id = cpu_to_le64(++hz.next_id);
	r.hdr.opcode = cpu_to_le16(op);
	if (flags & BP_REQ_BAD_HDR)
		r.hdr.reserved = cpu_to_le32(1);
	hz_fixups(&r);
	hz_push(&r, !(flags & BP_REQ_BATCH));
}

static void hz_op_body(void);

/* One operation; it must read what bp_op_size() says (xenib-raw relies on it). */
static void hz_op(void)
{
	size_t n0 = hz.n, want = bp_op_size(hz.p, hz.n);
	u8 op = hz.n ? hz.p[0] % BP_OP_COUNT : 0;

	hz_op_body();
	if (n0 - hz.n != want) {
		fprintf(stderr, "hz: operation %u read %zu octets, bp_op_size() says %zu\n",
			op, n0 - hz.n, want);
		HZ_BUG("an operation read other than bp_op_size() octets");
	}
}

static void hz_op_body(void)
{
	struct xibb_guest *g = hz.guest;
	u8 op = hz_u8() % BP_OP_COUNT;
	char buf[8192];
	u32 a, b, c;

	switch (op) {
	case BP_OP_REQ:
		hz_op_req();
		return;
	case BP_OP_KICK:
		hz_kick(true);
		return;
	case BP_OP_FAULT:
		a = hz_u8() % KF_COUNT;
		kshim_fault_set(a, hz_u8());
		break;
	case BP_OP_WRITE: {
		u32 fr = hz_u16() % KSHIM_FRAMES;
		u8 *f = kshim_guest_frame(fr);

		if (fr < BP_FRAME_FREE) {
			hz.ring_wild = true;
			hz.evt_wild = true;
		}
		a = hz_u16() % PAGE_SIZE;
		b = hz_u8();
		/* All b octets are the operation's, however many fit. */
		hz_read(buf, b);
		if (f)
			memcpy(f + a, buf, min_t(u32, b, PAGE_SIZE - a));
		break;
	}
	case BP_OP_DIR: {
		u32 fr = hz_u16() % KSHIM_FRAMES;
		u8 *f = kshim_guest_frame(fr);

		if (fr < BP_FRAME_FREE) {
			hz.ring_wild = true;
			hz.evt_wild = true;
		}
		a = hz_u16();
		b = hz_u16() % (XEN_VIBIF_PGDIR_GRANTS_PER_PAGE + 1);
		for (c = 0; f && c < b; c++) {
			__le32 ref = cpu_to_le32(a + c);

			memcpy(f + 4 * c, &ref, 4);
		}
		break;
	}
	case BP_OP_RING:
		a = hz_u8();
		b = hz_u32();
		switch (a % 4) {
		case BP_RING_REQ_PROD:
			hz.ring_wild = true;
			hz.front.sring->req_prod = b;
			hz_kick(true);
			return;
		case BP_RING_REQ_EVENT:
			hz.ring_wild = true;
			hz.front.sring->req_event = b;
			break;
		case BP_RING_EVT_CONS:
			hz.evt_wild = true;
			hz.evt_cons = b;
			smp_store_release(&hz_evt_page()->cons, cpu_to_le32(b));
			break;
		default:
			hz.evt_stall = b & 1;
			break;
		}
		break;
	case BP_OP_DEVEV:
		a = hz_u8();
		b = hz_u8();
		kshim_dev_event(a, b, hz_u8() % (IB_EVENT_WQ_FATAL + 1));
		break;
	case BP_OP_REMOVE:
		kshim_dev_set_registered(!kshim_dev_registered());
		break;
	case BP_OP_THREAD:
		/* Up to 64 turns: enough naps for the engine to go idle. */
		a = 1 + hz_u8() % 64;
		if (g->eng.task)
			kshim_thread_run(g->eng.task, a);
		break;
	case BP_OP_DEVCOMP: {
		u8 qp = hz_u8(), fl = hz_u8(), n = hz_u8(), slot = hz_u8();
		u8 st = hz_u8();

		kshim_dev_wc_flags = fl >> 1;
		kshim_dev_complete(qp, fl & 1, n % 17, slot,
				   st ? 1 + st % IB_WC_GENERAL_ERR :
					IB_WC_SUCCESS);
		break;
	}
	case BP_OP_DUMP:
		kshim_debugfs_read("state", g, buf, sizeof(buf));
		kshim_debugfs_read("mem", NULL, buf, sizeof(buf));
		break;
	case BP_OP_RECONNECT:
		xibb_guest_disconnect(g);
		hz_check_disconnected(g);
		hz_connect();
		return;
	case BP_OP_TIME:
		kshim_advance_ns((ktime_t)hz_u8() * NSEC_PER_MSEC);
		break;
	case BP_OP_IRQ:
		a = hz_u8() & 1;
		if (g->connected)
			kshim_irq_raise(a ? g->data_irq : g->irq);
		break;
	case BP_OP_WQE:
		hz_op_wqe();
		break;
	case BP_OP_PASS:
		if (!g->eng.task)
			break;
		if (hz.t->pass)
			hz.t->pass(g);
		else
			kshim_thread_run(g->eng.task, 1);
		break;
	case BP_OP_CQ:
		hz_op_cq();
		break;
	case BP_OP_PARAM:
		a = hz_u8();
		b = hz_u8();
		if (!(a & 1))
			xibb_cmd_budget = b % 20;
		else if (hz.t->engine_budget)
			hz.t->engine_budget(b % 70);
		break;
	default:
		break;
	}
	hz_settle();
}

static void hz_program(const u8 *p, size_t n)
{
	hz.p = p;
	hz.n = n;
	while (hz.n)
		hz_op();
}

void hz_init(void)
{
	kshim_init();
	kshim_reset(0, 0);
	if (kshim_module_init())
		abort();
	hz.cmd_budget0 = xibb_cmd_budget;
	hz.allocs0 = kshim_counts.allocs;
	hz.dentries0 = kshim_counts.dentries;
}

void hz_run(const struct hz_target *t, const u8 *data, size_t size)
{
	u8 hdr[BP_HDR_SIZE] = { 0 };
	struct xibb_guest *g;

	memcpy(hdr, data, min_t(size_t, size, BP_HDR_SIZE));
	data += min_t(size_t, size, BP_HDR_SIZE);
	size -= min_t(size_t, size, BP_HDR_SIZE);

	memset(&hz, 0, offsetof(typeof(hz), allocs0));
	hz.t = t;
	hz.h0 = hdr[0];
	hz.order = (hdr[0] & BP_H0_ORDER) % 3;
	kshim_reset(hdr[4] | (u32)hdr[5] << 8 | (u32)hdr[6] << 16 |
		    (u32)hdr[7] << 24, hdr[1]);
	xibb_cmd_budget = hdr[0] & BP_H0_BUDGET1 ? 1 : hz.cmd_budget0;
	hz_xenstore(hdr[0]);
	if (hdr[2] % (KF_COUNT + 1))
		kshim_fault_set(hdr[2] % (KF_COUNT + 1) - 1, hdr[3]);

	hz.xbdev.devicetype = "vib";
	hz.xbdev.nodename = hz_be;
	hz.xbdev.otherend = hz_fe;
	hz.xbdev.otherend_id = 1;
	hz.xbdev.dev.name = "vib-1-0";
	g = xibb_guest_alloc(&hz.xbdev);
	if (!IS_ERR(g)) {
		hz.guest = g;
		hz_connect();
		if (t->prefix)
			hz_program(t->prefix, t->prefix_len);
		hz_program(data, size);
		if (kshim_verbose)
			fprintf(stderr,
				"hz: wqes %lld cqes %lld wqe_errors %lld bad_keys %lld events %lld queue_errors %lld device posts %ld\n",
				(long long)atomic64_read(&g->stats.wqes),
				(long long)atomic64_read(&g->stats.cqes),
				(long long)atomic64_read(&g->stats.wqe_errors),
				(long long)atomic64_read(&g->stats.bad_keys),
				(long long)atomic64_read(&g->stats.events),
				(long long)
				atomic64_read(&g->stats.queue_errors),
				kshim_counts.posts);
		xibb_guest_disconnect(g);
		hz_check_disconnected(g);
		xibb_guest_free(g);
	}
	HZ_CHECK(kshim_counts.allocs == hz.allocs0,
		 "allocation of the input left after xibb_guest_free()");
	HZ_CHECK(kshim_counts.dentries == hz.dentries0,
		 "debugfs entry left after xibb_guest_free()");
	HZ_CHECK(!kshim_counts.dev_refs, "device reference left");
	if (!kshim_dev_registered())
		kshim_dev_set_registered(true);
}
