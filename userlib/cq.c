// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * cq.c - completion queues.  The CQ buffer is ours (allocated here, pinned
 * by the frontend); the backend writes CQEs into it and we poll it without
 * a system call (queue.c).  Arming is a store into the queue header; the
 * event itself comes back through uverbs' completion channel.
 */
#include <errno.h>
#include <stdlib.h>

#include "xenib.h"

/* A CQ buffer for at least cqe CQEs, and the lock. */
static int cq_prepare(struct xenib_context *ctx, struct xenib_cq *cq, int cqe,
		      uint32_t *log_nslots)
{
	int ret;

	ret = xenib_cq_geometry(cqe, ctx->max_log_nslots, log_nslots);
	if (ret)
		return ret;
	ret = pthread_spin_init(&cq->lock, PTHREAD_PROCESS_PRIVATE);
	if (ret)
		return ret;
	ret = xenib_alloc_buf(&cq->buf, *log_nslots, XENIB_CQE_SHIFT);
	if (ret)
		pthread_spin_destroy(&cq->lock);
	return ret;
}

static void cq_unprepare(struct xenib_cq *cq)
{
	xenib_free_buf(&cq->buf);
	pthread_spin_destroy(&cq->lock);
}

/*
 * After the create command: the CQ holds at least what was asked and at
 * most the ring (the backend may hold less than the ring when the device's
 * max_cqe is not a power of two).
 */
static int cq_finish(struct xenib_context *ctx, struct xenib_cq *cq,
		     const struct xenib_create_cq_resp *resp, int cqe,
		     uint32_t log_nslots)
{
	if (resp->cqe < (uint32_t)cqe || resp->cqe > 1U << log_nslots) {
		verbs_err(&ctx->ibv_ctx, "xenib: CQ of %u CQEs, asked for %d\n",
			  resp->cqe, cqe);
		ibv_cmd_destroy_cq(&cq->vcq.cq);
		return EPROTO;
	}
	cq->cq_handle = resp->cq_handle;
	xenib_cq_ring_init(&cq->ring, cq->buf.addr, log_nslots);
	return 0;
}

struct ibv_cq *xenib_create_cq(struct ibv_context *context, int cqe,
			       struct ibv_comp_channel *channel,
			       int comp_vector)
{
	struct xenib_context *ctx = to_xctx(context);
	struct uxenib_create_cq_resp resp = {};
	struct uxenib_create_cq cmd = {};
	uint32_t log_nslots;
	struct xenib_cq *cq;
	int ret;

	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return NULL;
	ret = cq_prepare(ctx, cq, cqe, &log_nslots);
	if (ret)
		goto err_free;

	cmd.buf_addr = (uintptr_t)cq->buf.addr;
	cmd.buf_size = cq->buf.length;
	cmd.log_nslots = log_nslots;
	ret = ibv_cmd_create_cq(context, cqe, channel, comp_vector, &cq->vcq.cq,
				&cmd.ibv_cmd, sizeof(cmd), &resp.ibv_resp,
				sizeof(resp));
	if (!ret)
		ret = cq_finish(ctx, cq, &resp.drv_payload, cqe, log_nslots);
	if (ret)
		goto err_unprepare;
	return &cq->vcq.cq;

err_unprepare:
	cq_unprepare(cq);
err_free:
	free(cq);
	errno = ret;
	return NULL;
}

/* ---- the extended CQ (ibv_create_cq_ex) -------------------------------- */

/*
 * start_poll/next_poll/end_poll on our own ring: start_poll takes the lock
 * and makes the CQE at the consumer index current; next_poll consumes the
 * current one and makes the next current; end_poll consumes the current
 * one (if any), publishes the consumer index and unlocks.  ENOENT when
 * there is none: after start_poll the lock is then already released (no
 * end_poll follows, libibverbs' rule); after next_poll it is not.
 */
static int cq_start_poll(struct ibv_cq_ex *ibcq,
			 struct ibv_poll_cq_attr *attr)
{
	struct xenib_cq *cq = to_xcq_ex(ibcq);
	int ret;

	if (attr->comp_mask)
		return EINVAL;
	pthread_spin_lock(&cq->lock);
	ret = xenib_cq_ring_peek(&cq->ring, &cq->cur);
	if (ret) {
		cq->have_cur = false;
		pthread_spin_unlock(&cq->lock);
		return ret;
	}
	cq->have_cur = true;
	ibcq->wr_id = cq->cur.wr_id;
	ibcq->status = cq->cur.status;
	return 0;
}

static int cq_next_poll(struct ibv_cq_ex *ibcq)
{
	struct xenib_cq *cq = to_xcq_ex(ibcq);
	int ret;

	if (cq->have_cur)
		xenib_cq_ring_next(&cq->ring);
	ret = xenib_cq_ring_peek(&cq->ring, &cq->cur);
	cq->have_cur = !ret;
	if (ret)
		return ret;
	ibcq->wr_id = cq->cur.wr_id;
	ibcq->status = cq->cur.status;
	return 0;
}

static void cq_end_poll(struct ibv_cq_ex *ibcq)
{
	struct xenib_cq *cq = to_xcq_ex(ibcq);

	if (cq->have_cur)
		xenib_cq_ring_next(&cq->ring);
	cq->have_cur = false;
	xenib_cq_ring_publish(&cq->ring);
	pthread_spin_unlock(&cq->lock);
}

static enum ibv_wc_opcode cq_read_opcode(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.opcode;
}

static uint32_t cq_read_vendor_err(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.vendor_err;
}

static unsigned int cq_read_wc_flags(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.wc_flags;
}

static uint32_t cq_read_byte_len(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.byte_len;
}

/* Also the invalidated rkey (ibv_wc_read_invalidated_rkey()). */
static __be32 cq_read_imm_data(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.imm_data;
}

static uint32_t cq_read_qp_num(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.qp_num;
}

static uint32_t cq_read_src_qp(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.src_qp;
}

static uint32_t cq_read_slid(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.slid;
}

static uint8_t cq_read_sl(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.sl;
}

static uint8_t cq_read_dlid_path_bits(struct ibv_cq_ex *ibcq)
{
	return to_xcq_ex(ibcq)->cur.dlid_path_bits;
}

/* What a CQE carries; the rest (time stamps, flow tags, ...) is refused. */
#define XENIB_CQ_EX_WC_FLAGS						\
	(IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_IMM |			\
	 IBV_WC_EX_WITH_QP_NUM | IBV_WC_EX_WITH_SRC_QP |			\
	 IBV_WC_EX_WITH_SLID | IBV_WC_EX_WITH_SL |			\
	 IBV_WC_EX_WITH_DLID_PATH_BITS)

static void cq_set_ex_ops(struct ibv_cq_ex *ex, uint64_t wc_flags)
{
	ex->start_poll = cq_start_poll;
	ex->next_poll = cq_next_poll;
	ex->end_poll = cq_end_poll;
	ex->read_opcode = cq_read_opcode;
	ex->read_vendor_err = cq_read_vendor_err;
	ex->read_wc_flags = cq_read_wc_flags;
	if (wc_flags & IBV_WC_EX_WITH_BYTE_LEN)
		ex->read_byte_len = cq_read_byte_len;
	if (wc_flags & IBV_WC_EX_WITH_IMM)
		ex->read_imm_data = cq_read_imm_data;
	if (wc_flags & IBV_WC_EX_WITH_QP_NUM)
		ex->read_qp_num = cq_read_qp_num;
	if (wc_flags & IBV_WC_EX_WITH_SRC_QP)
		ex->read_src_qp = cq_read_src_qp;
	if (wc_flags & IBV_WC_EX_WITH_SLID)
		ex->read_slid = cq_read_slid;
	if (wc_flags & IBV_WC_EX_WITH_SL)
		ex->read_sl = cq_read_sl;
	if (wc_flags & IBV_WC_EX_WITH_DLID_PATH_BITS)
		ex->read_dlid_path_bits = cq_read_dlid_path_bits;
}

struct ibv_cq_ex *xenib_create_cq_ex(struct ibv_context *context,
				     struct ibv_cq_init_attr_ex *attr)
{
	struct xenib_context *ctx = to_xctx(context);
	struct uxenib_create_cq_ex_resp resp = {};
	struct uxenib_create_cq_ex cmd = {};
	uint32_t log_nslots;
	struct xenib_cq *cq;
	int ret;

	if (attr->wc_flags & ~(uint64_t)XENIB_CQ_EX_WC_FLAGS) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	if (attr->cqe > INT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return NULL;
	ret = cq_prepare(ctx, cq, attr->cqe, &log_nslots);
	if (ret)
		goto err_free;

	cmd.buf_addr = (uintptr_t)cq->buf.addr;
	cmd.buf_size = cq->buf.length;
	cmd.log_nslots = log_nslots;
	ret = ibv_cmd_create_cq_ex(context, attr, &cq->vcq, &cmd.ibv_cmd,
				   sizeof(cmd), &resp.ibv_resp, sizeof(resp), 0);
	if (!ret)
		ret = cq_finish(ctx, cq, &resp.drv_payload, attr->cqe,
				log_nslots);
	if (ret)
		goto err_unprepare;
	cq_set_ex_ops(&cq->vcq.cq_ex, attr->wc_flags);
	return &cq->vcq.cq_ex;

err_unprepare:
	cq_unprepare(cq);
err_free:
	free(cq);
	errno = ret;
	return NULL;
}

/*
 * The backend moves the unconsumed CQEs into the new buffer at the same
 * indices (our cons is already published in the old header) and writes
 * the new header's prod and cons.  Polling waits on the lock meanwhile,
 * as mlx5 does.
 */
int xenib_resize_cq(struct ibv_cq *ibcq, int cqe)
{
	struct xenib_context *ctx = to_xctx(ibcq->context);
	struct xenib_cq *cq = to_xcq(ibcq);
	struct ib_uverbs_resize_cq_resp resp;
	struct uxenib_resize_cq cmd = {};
	struct xenib_buf buf, old;
	uint32_t log_nslots;
	int ret;

	ret = xenib_cq_geometry(cqe, ctx->max_log_nslots, &log_nslots);
	if (ret)
		return ret;
	ret = xenib_alloc_buf(&buf, log_nslots, XENIB_CQE_SHIFT);
	if (ret)
		return ret;
	cmd.buf_addr = (uintptr_t)buf.addr;
	cmd.buf_size = buf.length;
	cmd.log_nslots = log_nslots;

	pthread_spin_lock(&cq->lock);
	ret = ibv_cmd_resize_cq(ibcq, cqe, &cmd.ibv_cmd, sizeof(cmd), &resp,
				sizeof(resp));
	if (ret) {
		pthread_spin_unlock(&cq->lock);
		xenib_free_buf(&buf);
		return ret;
	}
	old = cq->buf;
	cq->buf = buf;
	xenib_cq_ring_init(&cq->ring, buf.addr, log_nslots);
	pthread_spin_unlock(&cq->lock);
	xenib_free_buf(&old);
	return 0;
}

int xenib_destroy_cq(struct ibv_cq *ibcq)
{
	struct xenib_cq *cq = to_xcq(ibcq);
	int ret;

	ret = ibv_cmd_destroy_cq(ibcq);
	if (ret)
		return ret;
	/* The frontend has released the pages: ours again. */
	cq_unprepare(cq);
	free(cq);
	return 0;
}

int xenib_poll_cq(struct ibv_cq *ibcq, int ne, struct ibv_wc *wc)
{
	struct xenib_cq *cq = to_xcq(ibcq);
	int n;

	pthread_spin_lock(&cq->lock);
	n = xenib_cq_ring_poll(&cq->ring, ne, wc);
	pthread_spin_unlock(&cq->lock);
	return n;
}

int xenib_req_notify_cq(struct ibv_cq *ibcq, int solicited_only)
{
	struct xenib_cq *cq = to_xcq(ibcq);

	pthread_spin_lock(&cq->lock);
	xenib_cq_ring_arm(&cq->ring, solicited_only);
	pthread_spin_unlock(&cq->lock);
	return 0;
}
