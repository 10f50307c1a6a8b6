// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * queue.c - post and poll on the queues shared with the backend; see
 * queue.h for the rules and xenib-abi.h for the formats and the barrier
 * pairings named in the comments ([P0], [P1], [C1], [C2], [A1], [U1]..[U4]).
 *
 * The backend is a CPU in another domain, not a DMA device, so ordering is
 * C11 acquire/release (compat.h's smp_load_acquire()/smp_store_release()),
 * never udma barriers or MMIO.  The backend is also the peer we check:
 * a producer index it publishes is validated before use.
 */
#include <errno.h>
#include <string.h>

#include "queue.h"

/* xenib-abi.h: a UD remote_qpn is at most 24 bits. */
#define XENIB_QPN_MASK	0x00ffffffU

/*
 * xenib-abi.h promises the same numbers as libibverbs' enums, so the fast
 * path copies them; these asserts keep the promise.
 */
static_assert(XENIB_WR_RDMA_WRITE == IBV_WR_RDMA_WRITE);
static_assert(XENIB_WR_RDMA_WRITE_WITH_IMM == IBV_WR_RDMA_WRITE_WITH_IMM);
static_assert(XENIB_WR_SEND == IBV_WR_SEND);
static_assert(XENIB_WR_SEND_WITH_IMM == IBV_WR_SEND_WITH_IMM);
static_assert(XENIB_WR_RDMA_READ == IBV_WR_RDMA_READ);
static_assert(XENIB_WR_ATOMIC_CMP_AND_SWP == IBV_WR_ATOMIC_CMP_AND_SWP);
static_assert(XENIB_WR_ATOMIC_FETCH_AND_ADD == IBV_WR_ATOMIC_FETCH_AND_ADD);
static_assert(XENIB_SEND_FENCE == IBV_SEND_FENCE);
static_assert(XENIB_SEND_SIGNALED == IBV_SEND_SIGNALED);
static_assert(XENIB_SEND_SOLICITED == IBV_SEND_SOLICITED);
static_assert(XENIB_SEND_INLINE == IBV_SEND_INLINE);
static_assert(XENIB_WC_SUCCESS == IBV_WC_SUCCESS);
static_assert(XENIB_WC_WR_FLUSH_ERR == IBV_WC_WR_FLUSH_ERR);
static_assert(XENIB_WC_RNR_RETRY_EXC_ERR == IBV_WC_RNR_RETRY_EXC_ERR);
static_assert(XENIB_WC_FATAL_ERR == IBV_WC_FATAL_ERR);
static_assert(XENIB_WC_GENERAL_ERR == IBV_WC_GENERAL_ERR);
static_assert(XENIB_WC_SEND == IBV_WC_SEND);
static_assert(XENIB_WC_RDMA_WRITE == IBV_WC_RDMA_WRITE);
static_assert(XENIB_WC_RDMA_READ == IBV_WC_RDMA_READ);
static_assert(XENIB_WC_COMP_SWAP == IBV_WC_COMP_SWAP);
static_assert(XENIB_WC_FETCH_ADD == IBV_WC_FETCH_ADD);
static_assert(XENIB_WC_RECV == IBV_WC_RECV);
static_assert(XENIB_WC_RECV_RDMA_WITH_IMM == IBV_WC_RECV_RDMA_WITH_IMM);

/* ---- geometry ------------------------------------------------------- */

/* Smallest l with 2^l >= n (0 for n <= 1). */
int xenib_log2_ceil(uint32_t n)
{
	int l = 0;

	while (l < 32 && (1ULL << l) < n)
		l++;
	return l;
}

/* A CQ of at least cqe entries: 2^log_nslots >= cqe. */
int xenib_cq_geometry(int cqe, uint32_t max_log_nslots, uint32_t *log_nslots)
{
	int l;

	if (cqe < 1)
		return EINVAL;
	l = xenib_log2_ceil(cqe);
	if (l > (int)max_log_nslots || l > XENIB_MAX_LOG_NSLOTS)
		return EINVAL;
	*log_nslots = l;
	return 0;
}

/* Smallest slot shift in [min, max] for need octets; -1 if none. */
static int slot_shift(uint64_t need, int min, uint32_t max)
{
	int s = min;

	while (s <= (int)max && (1ULL << s) < need)
		s++;
	return s <= (int)max ? s : -1;
}

static int wq_geometry(uint32_t max_wr, uint64_t need, int shift_min,
		       uint32_t shift_max, uint32_t max_log_nslots,
		       uint32_t *log_nslots, uint32_t *wqe_shift)
{
	int l = xenib_log2_ceil(max_wr ? max_wr : 1);
	int s = slot_shift(need, shift_min, shift_max);

	if (s < 0 || l > (int)max_log_nslots || l > XENIB_MAX_LOG_NSLOTS)
		return EINVAL;
	*log_nslots = l;
	*wqe_shift = s;
	return 0;
}

/*
 * A send queue: 2^log_nslots >= max_wr (at least one slot) and slots that
 * hold the header plus max_sge SGEs or max_inline octets (CREATE_QP bounds
 * in vibif.h).  shift_max is the context's sq_wqe_shift_max.
 */
int xenib_sq_geometry(uint32_t max_wr, uint32_t max_sge, uint32_t max_inline,
		      uint32_t shift_max, uint32_t max_log_nslots,
		      uint32_t *log_nslots, uint32_t *wqe_shift)
{
	uint64_t data = (uint64_t)max_sge * XENIB_SGE_SIZE;

	if (max_inline > data)
		data = max_inline;
	if (shift_max > XENIB_SQ_WQE_SHIFT_MAX)
		shift_max = XENIB_SQ_WQE_SHIFT_MAX;
	return wq_geometry(max_wr, XENIB_SEND_WQE_HDR_SIZE + data,
			   XENIB_SQ_WQE_SHIFT_MIN, shift_max, max_log_nslots,
			   log_nslots, wqe_shift);
}

/* A receive queue (RQ or SRQ), likewise. */
int xenib_rq_geometry(uint32_t max_wr, uint32_t max_sge, uint32_t shift_max,
		      uint32_t max_log_nslots, uint32_t *log_nslots,
		      uint32_t *wqe_shift)
{
	uint64_t data = (uint64_t)max_sge * XENIB_SGE_SIZE;

	if (shift_max > XENIB_RQ_WQE_SHIFT_MAX)
		shift_max = XENIB_RQ_WQE_SHIFT_MAX;
	return wq_geometry(max_wr, XENIB_RECV_WQE_HDR_SIZE + data,
			   XENIB_RQ_WQE_SHIFT_MIN, shift_max, max_log_nslots,
			   log_nslots, wqe_shift);
}

/* ---- set-up --------------------------------------------------------- */

/*
 * buf: zeroed, page-aligned, xenib_queue_bytes(log_nslots, wqe_shift)
 * octets or more.  max_sge/max_inline are what the frontend granted; they
 * are clamped to what a slot holds, so a WQE can never spill into the
 * next slot whatever the kernel said.
 */
void xenib_wq_init(struct xenib_wq *wq, void *buf, uint32_t log_nslots,
		   uint32_t wqe_shift, uint32_t max_sge, uint32_t max_inline,
		   bool is_send)
{
	uint32_t room = (1U << wqe_shift) -
		(is_send ? XENIB_SEND_WQE_HDR_SIZE : XENIB_RECV_WQE_HDR_SIZE);

	wq->hdr = buf;
	wq->log_nslots = log_nslots;
	wq->wqe_shift = wqe_shift;
	wq->prod = wq->hdr->prod;
	wq->max_sge = max_sge < room / XENIB_SGE_SIZE ? max_sge :
		room / XENIB_SGE_SIZE;
	wq->max_inline = !is_send ? 0 : max_inline < room ? max_inline : room;
}

void xenib_cq_ring_init(struct xenib_cq_ring *cq, void *buf,
			uint32_t log_nslots)
{
	cq->hdr = buf;
	cq->log_nslots = log_nslots;
	cq->cons = cq->hdr->cons;
}

static inline void *wq_slot(struct xenib_wq *wq, uint32_t idx)
{
	return (char *)wq->hdr +
		xenib_queue_slot_offset(idx, wq->log_nslots, wq->wqe_shift);
}

/*
 * Free slots.  The consumer (backend) publishes cons with a release store
 * after it copied the slots out [C2]; the acquire here [P0] orders that
 * before our reuse of the slots.
 */
static inline uint32_t wq_space(struct xenib_wq *wq)
{
	uint32_t cons;

	/* [P0], pairs with the backend's [C2] */
	cons = smp_load_acquire(&wq->hdr->cons);
	return xenib_ring_space(wq->prod, cons, 1U << wq->log_nslots);
}

/* Publishes the slots written so far. */
static inline void wq_publish(struct xenib_wq *wq)
{
	/* [P1]: the WQEs before prod, pairs with the backend's [C1] */
	smp_store_release(&wq->hdr->prod, wq->prod);
}

/*
 * The backend stopped consuming this queue because it found malformed
 * shared data (hdr->error, XENIB_QERR_*): posting more is pointless.
 */
static inline bool wq_broken(struct xenib_wq *wq)
{
	return READ_ONCE(wq->hdr->error) != XENIB_QERR_NONE;
}

/* ---- post ----------------------------------------------------------- */

static bool opcode_ok(enum ibv_qp_type qp_type, unsigned int op)
{
	switch (op) {
	case IBV_WR_SEND:
	case IBV_WR_SEND_WITH_IMM:
		return qp_type == IBV_QPT_RC || qp_type == IBV_QPT_UC ||
		       qp_type == IBV_QPT_UD;
	case IBV_WR_RDMA_WRITE:
	case IBV_WR_RDMA_WRITE_WITH_IMM:
		return qp_type == IBV_QPT_RC || qp_type == IBV_QPT_UC;
	case IBV_WR_RDMA_READ:
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
		return qp_type == IBV_QPT_RC;
	default:
		return false;
	}
}

static bool is_atomic(unsigned int op)
{
	return op == IBV_WR_ATOMIC_CMP_AND_SWP ||
	       op == IBV_WR_ATOMIC_FETCH_AND_ADD;
}

/* Writes one send WQE into its slot; 0 or EINVAL (slot untouched). */
static int write_send_wqe(struct xenib_wq *sq, enum ibv_qp_type qp_type,
			  const struct ibv_send_wr *wr,
			  struct xenib_send_wqe *w)
{
	unsigned int flags = wr->send_flags;
	struct xenib_sge *sge;
	uint64_t total = 0;
	char *data;
	int i;

	if (!opcode_ok(qp_type, wr->opcode) || (flags & ~XENIB_SEND_ALL) ||
	    wr->num_sge < 0)
		return EINVAL;
	if (flags & IBV_SEND_INLINE) {
		if (wr->opcode != IBV_WR_SEND &&
		    wr->opcode != IBV_WR_SEND_WITH_IMM &&
		    wr->opcode != IBV_WR_RDMA_WRITE &&
		    wr->opcode != IBV_WR_RDMA_WRITE_WITH_IMM)
			return EINVAL;
		for (i = 0; i < wr->num_sge; i++)
			total += wr->sg_list[i].length;
		if (total > sq->max_inline)
			return EINVAL;
	} else if ((uint32_t)wr->num_sge > sq->max_sge) {
		return EINVAL;
	}
	if (is_atomic(wr->opcode) &&
	    (wr->num_sge != 1 || wr->sg_list[0].length != 8 ||
	     (wr->wr.atomic.remote_addr & 7)))
		return EINVAL;
	if (qp_type == IBV_QPT_UD &&
	    (!wr->wr.ud.ah || wr->wr.ud.remote_qpn > XENIB_QPN_MASK))
		return EINVAL;

	memset(w, 0, sizeof(*w));
	w->wr_id = wr->wr_id;
	w->opcode = wr->opcode;
	w->send_flags = flags;
	if (wr->opcode == IBV_WR_SEND_WITH_IMM ||
	    wr->opcode == IBV_WR_RDMA_WRITE_WITH_IMM)
		w->imm_data = wr->imm_data;

	if (qp_type == IBV_QPT_UD) {
		w->wr.ud.ah = to_xah(wr->wr.ud.ah)->ah_handle;
		w->wr.ud.remote_qpn = wr->wr.ud.remote_qpn;
		w->wr.ud.remote_qkey = wr->wr.ud.remote_qkey;
	} else if (is_atomic(wr->opcode)) {
		w->wr.atomic.remote_addr = wr->wr.atomic.remote_addr;
		w->wr.atomic.compare_add = wr->wr.atomic.compare_add;
		if (wr->opcode == IBV_WR_ATOMIC_CMP_AND_SWP)
			w->wr.atomic.swap = wr->wr.atomic.swap;
		w->wr.atomic.rkey = wr->wr.atomic.rkey;
	} else if (wr->opcode != IBV_WR_SEND &&
		   wr->opcode != IBV_WR_SEND_WITH_IMM) {
		w->wr.rdma.remote_addr = wr->wr.rdma.remote_addr;
		w->wr.rdma.rkey = wr->wr.rdma.rkey;
	}

	if (flags & IBV_SEND_INLINE) {
		data = (char *)(w + 1);
		for (i = 0; i < wr->num_sge; i++) {
			memcpy(data, (void *)(uintptr_t)wr->sg_list[i].addr,
			       wr->sg_list[i].length);
			data += wr->sg_list[i].length;
		}
		w->inline_len = total;
	} else {
		sge = (struct xenib_sge *)(w + 1);
		for (i = 0; i < wr->num_sge; i++) {
			sge[i].addr = wr->sg_list[i].addr;
			sge[i].length = wr->sg_list[i].length;
			sge[i].lkey = wr->sg_list[i].lkey;
		}
		w->num_sge = wr->num_sge;
	}
	return 0;
}

/*
 * Posts a chain of send WRs.  Stops at the first WR that is malformed
 * (EINVAL) or finds the queue full (ENOMEM), sets *bad_wr to it, and still
 * publishes the WRs before it.  EIO (nothing posted) if the backend put
 * the queue in error.  *posted: WQEs published by this call (the
 * caller rings the doorbell if it is non-zero).
 */
int xenib_wq_post_send(struct xenib_wq *sq, enum ibv_qp_type qp_type,
		       struct ibv_send_wr *wr, struct ibv_send_wr **bad_wr,
		       unsigned int *posted)
{
	uint32_t space = wq_space(sq);
	unsigned int n = 0;
	int ret = 0;

	*posted = 0;
	if (wq_broken(sq)) {
		*bad_wr = wr;
		return EIO;
	}
	for (; wr; wr = wr->next) {
		if (!space) {
			space = wq_space(sq);
			if (!space) {
				ret = ENOMEM;
				break;
			}
		}
		ret = write_send_wqe(sq, qp_type, wr, wq_slot(sq, sq->prod));
		if (ret)
			break;
		sq->prod++;
		space--;
		n++;
	}
	if (ret)
		*bad_wr = wr;
	if (n)
		wq_publish(sq);
	*posted = n;
	return ret;
}

/* Posts a chain of receive WRs to an RQ or SRQ; as xenib_wq_post_send(). */
int xenib_wq_post_recv(struct xenib_wq *rq, struct ibv_recv_wr *wr,
		       struct ibv_recv_wr **bad_wr, unsigned int *posted)
{
	uint32_t space = wq_space(rq);
	struct xenib_recv_wqe *w;
	struct xenib_sge *sge;
	unsigned int n = 0;
	int ret = 0, i;

	*posted = 0;
	if (wq_broken(rq)) {
		*bad_wr = wr;
		return EIO;
	}
	for (; wr; wr = wr->next) {
		if (wr->num_sge < 0 || (uint32_t)wr->num_sge > rq->max_sge) {
			ret = EINVAL;
			break;
		}
		if (!space) {
			space = wq_space(rq);
			if (!space) {
				ret = ENOMEM;
				break;
			}
		}
		w = wq_slot(rq, rq->prod);
		memset(w, 0, sizeof(*w));
		w->wr_id = wr->wr_id;
		w->num_sge = wr->num_sge;
		sge = (struct xenib_sge *)(w + 1);
		for (i = 0; i < wr->num_sge; i++) {
			sge[i].addr = wr->sg_list[i].addr;
			sge[i].length = wr->sg_list[i].length;
			sge[i].lkey = wr->sg_list[i].lkey;
		}
		rq->prod++;
		space--;
		n++;
	}
	if (ret)
		*bad_wr = wr;
	if (n)
		wq_publish(rq);
	*posted = n;
	return ret;
}

/* ---- extended post (ibv_wr_*) ------------------------------------------ */

/*
 * The rules are those of write_send_wqe(), applied when a WQE is closed
 * (the next builder or wr_complete), because the extended API gives the
 * SGEs or inline data after the opcode.  The first error poisons the
 * batch: wr_complete returns it and publishes nothing, as other providers
 * do.
 */
static void wr_fail(struct xenib_wr_build *b, int err)
{
	if (!b->err)
		b->err = err;
}

/* Checks the WQE being built once it is complete. */
static void wr_close(struct xenib_wq *sq, struct xenib_wr_build *b)
{
	struct xenib_send_wqe *w = b->cur;

	if (!w || b->err)
		return;
	if (b->qp_type == IBV_QPT_UD && !b->has_ah)
		wr_fail(b, EINVAL);
	if (is_atomic(w->opcode)) {
		const struct xenib_sge *sge = (const void *)(w + 1);

		if (w->num_sge != 1 || sge[0].length != 8)
			wr_fail(b, EINVAL);
	}
	if (!b->err) {
		sq->prod++;
		b->pending++;
		b->space--;
	}
	b->cur = NULL;
}

void xenib_wr_start(struct xenib_wq *sq, struct xenib_wr_build *b,
		    enum ibv_qp_type qp_type)
{
	memset(b, 0, sizeof(*b));
	b->qp_type = qp_type;
	b->space = wq_space(sq);
	if (wq_broken(sq))
		b->err = EIO;
}

/*
 * Starts a WQE in the next slot: the header with wr_id, the flags
 * (FENCE/SIGNALED/SOLICITED; INLINE comes with the inline setters) and
 * the opcode, whose own fields the caller fills.  NULL if the batch has
 * failed or the queue is full (ENOMEM, reported by wr_complete).
 */
struct xenib_send_wqe *xenib_wr_new(struct xenib_wq *sq,
				    struct xenib_wr_build *b, uint64_t wr_id,
				    unsigned int wr_flags, uint8_t opcode)
{
	struct xenib_send_wqe *w;

	wr_close(sq, b);
	if (b->err)
		return NULL;
	if (!opcode_ok(b->qp_type, opcode)) {
		wr_fail(b, EINVAL);
		return NULL;
	}
	if (!b->space) {
		b->space = wq_space(sq);
		if (!b->space) {
			wr_fail(b, ENOMEM);
			return NULL;
		}
	}
	w = wq_slot(sq, sq->prod);
	memset(w, 0, sizeof(*w));
	w->wr_id = wr_id;
	w->opcode = opcode;
	w->send_flags = wr_flags &
		(XENIB_SEND_FENCE | XENIB_SEND_SIGNALED | XENIB_SEND_SOLICITED);
	b->cur = w;
	b->has_ah = false;
	return w;
}

void xenib_wr_set_sge_list(struct xenib_wq *sq, struct xenib_wr_build *b,
			   size_t num_sge, const struct ibv_sge *sg_list)
{
	struct xenib_send_wqe *w = b->cur;
	struct xenib_sge *sge;
	size_t i;

	if (b->err)
		return;
	if (!w) {
		wr_fail(b, EINVAL);
		return;
	}
	if (num_sge > sq->max_sge) {	/* rxe's answer in wr_complete() */
		wr_fail(b, ENOSPC);
		return;
	}
	sge = (struct xenib_sge *)(w + 1);
	for (i = 0; i < num_sge; i++) {
		sge[i].addr = sg_list[i].addr;
		sge[i].length = sg_list[i].length;
		sge[i].lkey = sg_list[i].lkey;
	}
	w->num_sge = num_sge;
	w->inline_len = 0;
	w->send_flags &= ~XENIB_SEND_INLINE;
}

void xenib_wr_set_inline_list(struct xenib_wq *sq, struct xenib_wr_build *b,
			      size_t num_buf, const struct ibv_data_buf *buf)
{
	struct xenib_send_wqe *w = b->cur;
	uint64_t total = 0;
	char *data;
	size_t i;

	if (b->err)
		return;
	if (!w || (w->opcode != IBV_WR_SEND &&
		   w->opcode != IBV_WR_SEND_WITH_IMM &&
		   w->opcode != IBV_WR_RDMA_WRITE &&
		   w->opcode != IBV_WR_RDMA_WRITE_WITH_IMM)) {
		wr_fail(b, EINVAL);
		return;
	}
	for (i = 0; i < num_buf; i++)
		total += buf[i].length;
	if (total > sq->max_inline) {	/* rxe's answer in wr_complete() */
		wr_fail(b, ENOSPC);
		return;
	}
	data = (char *)(w + 1);
	for (i = 0; i < num_buf; i++) {
		memcpy(data, buf[i].addr, buf[i].length);
		data += buf[i].length;
	}
	w->inline_len = total;
	w->num_sge = 0;
	w->send_flags |= XENIB_SEND_INLINE;
}

void xenib_wr_set_ud(struct xenib_wr_build *b, uint32_t ah_handle,
		     uint32_t remote_qpn, uint32_t remote_qkey)
{
	struct xenib_send_wqe *w = b->cur;

	if (b->err)
		return;
	if (!w || b->qp_type != IBV_QPT_UD || remote_qpn > XENIB_QPN_MASK) {
		wr_fail(b, EINVAL);
		return;
	}
	w->wr.ud.ah = ah_handle;
	w->wr.ud.remote_qpn = remote_qpn;
	w->wr.ud.remote_qkey = remote_qkey;
	b->has_ah = true;
}

/*
 * Publishes the batch, or on an error nothing at all (prod goes back).
 * Return: 0 or the batch's error; *posted: WQEs published.
 */
int xenib_wr_complete(struct xenib_wq *sq, struct xenib_wr_build *b,
		      unsigned int *posted)
{
	wr_close(sq, b);
	*posted = 0;
	if (b->err) {
		sq->prod -= b->pending;
		return b->err;
	}
	if (b->pending)
		wq_publish(sq);
	*posted = b->pending;
	return 0;
}

void xenib_wr_abort(struct xenib_wq *sq, struct xenib_wr_build *b)
{
	sq->prod -= b->pending;
	b->pending = 0;
	b->cur = NULL;
}

/*
 * After publishing prod [U1]: mark the queue dirty [U2], count the post
 * [U3], then look at the engine [U4].  The seq_cst read-modify-writes are
 * full barriers, so [U4] cannot pass [U2]/[U3]: against the backend's
 * "store IDLE; smp_mb(); re-read post_seq" [B1] either the backend sees
 * this post or we see IDLE.
 *
 * Return: true if the engine is idle and the caller must kick (a uverbs
 * post with no work requests).
 */
bool xenib_db_ring(struct xenib_db_page *db, uint32_t db_index)
{
	__atomic_fetch_or(&db->dirty[xenib_db_word(db_index)],
			  xenib_db_mask(db_index), __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&db->post_seq, 1, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&db->engine_state, __ATOMIC_SEQ_CST) ==
	       XENIB_ENGINE_IDLE;
}

/* ---- poll and arm --------------------------------------------------- */

static enum ibv_wc_opcode wc_opcode(uint8_t op, bool *ok)
{
	*ok = true;
	switch (op) {
	case XENIB_WC_SEND:
	case XENIB_WC_RDMA_WRITE:
	case XENIB_WC_RDMA_READ:
	case XENIB_WC_COMP_SWAP:
	case XENIB_WC_FETCH_ADD:
	case XENIB_WC_RECV:
	case XENIB_WC_RECV_RDMA_WITH_IMM:
		return (enum ibv_wc_opcode)op;
	default:
		*ok = false;
		return IBV_WC_SEND;
	}
}

/*
 * A CQE (already copied out of shared memory) as libibverbs' ibv_wc.  A
 * status or opcode this ABI does not define becomes IBV_WC_GENERAL_ERR.
 */
void xenib_cqe_to_wc(const struct xenib_cqe *cqe, struct ibv_wc *wc)
{
	bool ok;

	memset(wc, 0, sizeof(*wc));
	wc->wr_id = cqe->wr_id;
	wc->status = cqe->status < XENIB_WC_STATUS_COUNT ?
		(enum ibv_wc_status)cqe->status : IBV_WC_GENERAL_ERR;
	wc->opcode = wc_opcode(cqe->opcode, &ok);
	if (!ok && wc->status == IBV_WC_SUCCESS)
		wc->status = IBV_WC_GENERAL_ERR;
	wc->vendor_err = cqe->vendor_err;
	wc->byte_len = cqe->byte_len;
	wc->qp_num = cqe->qp_num;
	wc->src_qp = cqe->src_qp;
	if (cqe->wc_flags & XENIB_WC_F_GRH)
		wc->wc_flags |= IBV_WC_GRH;
	if (cqe->wc_flags & XENIB_WC_F_WITH_IMM) {
		wc->wc_flags |= IBV_WC_WITH_IMM;
		wc->imm_data = cqe->imm_data;
	}
	if (cqe->wc_flags & XENIB_WC_F_IP_CSUM_OK)
		wc->wc_flags |= IBV_WC_IP_CSUM_OK;
	wc->pkey_index = cqe->pkey_index;
	wc->slid = cqe->slid;
	wc->sl = cqe->sl;
	wc->dlid_path_bits = cqe->dlid_path_bits;
}

/*
 * The CQE at the private consumer index, copied out of shared memory and
 * translated, without consuming it (the extended poll API reads it field
 * by field, then moves on with xenib_cq_ring_next()).  Return: 0, ENOENT
 * if the CQ is empty, EIO as xenib_cq_ring_poll().
 */
int xenib_cq_ring_peek(struct xenib_cq_ring *cq, struct ibv_wc *wc)
{
	struct xenib_cqe cqe;
	uint32_t prod;

	prod = smp_load_acquire(&cq->hdr->prod);	/* [C1], pairs with [P1] */
	if (!xenib_ring_prod_valid(prod, cq->cons, 1U << cq->log_nslots))
		return EIO;
	if (prod == cq->cons)
		return READ_ONCE(cq->hdr->error) ? EIO : ENOENT;
	memcpy(&cqe, (char *)cq->hdr +
	       xenib_queue_slot_offset(cq->cons, cq->log_nslots,
				       XENIB_CQE_SHIFT), sizeof(cqe));
	xenib_cqe_to_wc(&cqe, wc);
	return 0;
}

/* Consumes the CQE xenib_cq_ring_peek() returned (not yet published). */
void xenib_cq_ring_next(struct xenib_cq_ring *cq)
{
	cq->cons++;
}

/* Publishes the private consumer index: the slots may be reused. */
void xenib_cq_ring_publish(struct xenib_cq_ring *cq)
{
	/* [C2]: slots copied out before the backend reuses them [P0] */
	smp_store_release(&cq->hdr->cons, cq->cons);
}

/*
 * Polls up to ne CQEs.  Return: the number polled, or -EIO if the backend
 * published an impossible producer index, or put an empty CQ in error.
 */
int xenib_cq_ring_poll(struct xenib_cq_ring *cq, int ne, struct ibv_wc *wc)
{
	uint32_t nslots = 1U << cq->log_nslots;
	struct xenib_cqe cqe;
	uint32_t prod;
	int n = 0;

	prod = smp_load_acquire(&cq->hdr->prod);	/* [C1], pairs with [P1] */
	if (!xenib_ring_prod_valid(prod, cq->cons, nslots))
		return -EIO;
	if (prod == cq->cons)
		return READ_ONCE(cq->hdr->error) ? -EIO : 0;
	for (; n < ne && cq->cons != prod; n++, cq->cons++) {
		memcpy(&cqe, (char *)cq->hdr +
		       xenib_queue_slot_offset(cq->cons, cq->log_nslots,
					       XENIB_CQE_SHIFT), sizeof(cqe));
		xenib_cqe_to_wc(&cqe, &wc[n]);
	}
	if (n) {
		/* [C2]: slots copied out before the backend reuses them [P0] */
		smp_store_release(&cq->hdr->cons, cq->cons);
	}
	return n;
}

/*
 * Arms the CQ for one completion event: flags first, then arm_seq + 1
 * (release, so the backend that sees the new arm_seq sees the flags), then
 * a full barrier [A1] so the application's next poll (its load of prod)
 * cannot be ordered before the arming; pairs with the backend's [A2].
 */
void xenib_cq_ring_arm(struct xenib_cq_ring *cq, int solicited_only)
{
	uint32_t seq = cq->hdr->arm_seq;	/* only userlib writes it */

	WRITE_ONCE(cq->hdr->arm_flags,
		   solicited_only ? XENIB_CQ_ARM_SOLICITED : XENIB_CQ_ARM_NEXT);
	/* flags before arm_seq: the backend reads arm_seq, then the flags */
	smp_store_release(&cq->hdr->arm_seq, seq + 1);
	/* [A1], pairs with the backend's [A2] */
	smp_mb();
}
