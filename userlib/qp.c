// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * qp.c - queue pairs.  RC, UC and UD only (version 1 of the protocol).
 * The send and receive queue buffers are ours, pinned by the frontend;
 * posting writes WQEs into them (queue.c) and rings the context's doorbell
 * page, and costs a system call only when the backend's engine sleeps.
 */
#include <errno.h>
#include <stdlib.h>

#include "xenib.h"

static int check_cap(struct xenib_context *ctx, struct ibv_qp_init_attr *attr)
{
	struct ibv_qp_cap *cap = &attr->cap;

	if (attr->qp_type != IBV_QPT_RC && attr->qp_type != IBV_QPT_UC &&
	    attr->qp_type != IBV_QPT_UD)
		return EOPNOTSUPP;
	if (cap->max_send_sge > ctx->max_send_sge ||
	    cap->max_inline_data > ctx->max_inline_data)
		return EINVAL;
	if (!attr->srq && cap->max_recv_sge > ctx->max_recv_sge)
		return EINVAL;
	/* Every queue has at least one slot (vibif.h: 1 <= max_*_wr). */
	if (!cap->max_send_wr)
		cap->max_send_wr = 1;
	if (!attr->srq && !cap->max_recv_wr)
		cap->max_recv_wr = 1;
	return 0;
}

static void free_qp(struct xenib_qp *qp)
{
	xenib_free_buf(&qp->rq_buf);
	xenib_free_buf(&qp->sq_buf);
	pthread_spin_destroy(&qp->rq_lock);
	pthread_spin_destroy(&qp->sq_lock);
	free(qp);
}

struct ibv_qp *xenib_create_qp(struct ibv_pd *pd,
			       struct ibv_qp_init_attr *attr)
{
	struct xenib_context *ctx = to_xctx(pd->context);
	uint32_t sq_log, sq_shift, rq_log = 0, rq_shift = 0;
	struct uxenib_create_qp_resp resp = {};
	struct uxenib_create_qp cmd = {};
	struct ibv_qp_cap *cap = &attr->cap;
	struct xenib_qp *qp;
	int ret;

	ret = check_cap(ctx, attr);
	if (!ret)
		ret = xenib_sq_geometry(cap->max_send_wr, cap->max_send_sge,
					cap->max_inline_data,
					ctx->sq_wqe_shift_max,
					ctx->max_log_nslots, &sq_log, &sq_shift);
	if (!ret && !attr->srq)
		ret = xenib_rq_geometry(cap->max_recv_wr, cap->max_recv_sge,
					ctx->rq_wqe_shift_max,
					ctx->max_log_nslots, &rq_log, &rq_shift);
	if (ret) {
		errno = ret;
		return NULL;
	}

	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	pthread_spin_init(&qp->sq_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&qp->rq_lock, PTHREAD_PROCESS_PRIVATE);
	ret = xenib_alloc_buf(&qp->sq_buf, sq_log, sq_shift);
	if (!ret && !attr->srq)
		ret = xenib_alloc_buf(&qp->rq_buf, rq_log, rq_shift);
	if (ret)
		goto err_free;

	cmd.sq_buf_addr = (uintptr_t)qp->sq_buf.addr;
	cmd.sq_buf_size = qp->sq_buf.length;
	cmd.sq_wqe_shift = sq_shift;
	cmd.sq_log_nslots = sq_log;
	if (!attr->srq) {
		cmd.rq_buf_addr = (uintptr_t)qp->rq_buf.addr;
		cmd.rq_buf_size = qp->rq_buf.length;
		cmd.rq_wqe_shift = rq_shift;
		cmd.rq_log_nslots = rq_log;
	}
	ret = ibv_cmd_create_qp(pd, &qp->ibv_qp, attr, &cmd.ibv_cmd,
				sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (ret)
		goto err_free;
	if (resp.db_index >= ctx->num_db) {
		verbs_err(&ctx->ibv_ctx, "xenib: QP doorbell index %u out of range\n",
			  resp.db_index);
		ibv_cmd_destroy_qp(&qp->ibv_qp);
		ret = EPROTO;
		goto err_free;
	}
	qp->qp_handle = resp.qp_handle;
	qp->db_index = resp.db_index;
	/* attr->cap now holds what the frontend granted. */
	xenib_wq_init(&qp->sq, qp->sq_buf.addr, sq_log, sq_shift,
		      cap->max_send_sge, cap->max_inline_data, true);
	if (!attr->srq)
		xenib_wq_init(&qp->rq, qp->rq_buf.addr, rq_log, rq_shift,
			      cap->max_recv_sge, 0, false);
	return &qp->ibv_qp;

err_free:
	free_qp(qp);
	errno = ret;
	return NULL;
}

int xenib_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int attr_mask,
		   struct ibv_qp_init_attr *init_attr)
{
	struct ibv_query_qp cmd;

	return ibv_cmd_query_qp(qp, attr, attr_mask, init_attr, &cmd,
				sizeof(cmd));
}

int xenib_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr,
		    int attr_mask)
{
	struct ibv_modify_qp cmd;

	return ibv_cmd_modify_qp(qp, attr, attr_mask, &cmd, sizeof(cmd));
}

int xenib_destroy_qp(struct ibv_qp *ibqp)
{
	int ret;

	ret = ibv_cmd_destroy_qp(ibqp);
	if (ret)
		return ret;
	/* The backend no longer reads the queues, the frontend unpinned them. */
	free_qp(to_xqp(ibqp));
	return 0;
}

/*
 * Doorbell after a post: if the backend's engine sleeps, wake it with a
 * uverbs post carrying no work request (the frontend then notifies the
 * event channel).  A failed kick means the device is gone; the WRs are in
 * the queue but nothing will run them, so the caller reports an error.
 */
static int ring_send(struct xenib_qp *qp)
{
	struct xenib_context *ctx = to_xctx(qp->ibv_qp.context);
	struct ibv_send_wr *bad;

	if (!xenib_db_ring(ctx->db, qp->db_index))
		return 0;
	return ibv_cmd_post_send(&qp->ibv_qp, NULL, &bad);
}

static int ring_recv(struct xenib_qp *qp)
{
	struct xenib_context *ctx = to_xctx(qp->ibv_qp.context);
	struct ibv_recv_wr *bad;

	if (!xenib_db_ring(ctx->db, qp->db_index))
		return 0;
	return ibv_cmd_post_recv(&qp->ibv_qp, NULL, &bad);
}

int xenib_post_send(struct ibv_qp *ibqp, struct ibv_send_wr *wr,
		    struct ibv_send_wr **bad_wr)
{
	struct xenib_qp *qp = to_xqp(ibqp);
	unsigned int posted;
	int ret, kick;

	pthread_spin_lock(&qp->sq_lock);
	ret = xenib_wq_post_send(&qp->sq, ibqp->qp_type, wr, bad_wr, &posted);
	pthread_spin_unlock(&qp->sq_lock);
	if (!posted)
		return ret;
	kick = ring_send(qp);
	if (kick && !ret) {
		*bad_wr = wr;
		ret = kick;
	}
	return ret;
}

int xenib_post_recv(struct ibv_qp *ibqp, struct ibv_recv_wr *wr,
		    struct ibv_recv_wr **bad_wr)
{
	struct xenib_qp *qp = to_xqp(ibqp);
	unsigned int posted;
	int ret, kick;

	if (ibqp->srq) {
		*bad_wr = wr;
		return EINVAL;
	}
	pthread_spin_lock(&qp->rq_lock);
	ret = xenib_wq_post_recv(&qp->rq, wr, bad_wr, &posted);
	pthread_spin_unlock(&qp->rq_lock);
	if (!posted)
		return ret;
	kick = ring_recv(qp);
	if (kick && !ret) {
		*bad_wr = wr;
		ret = kick;
	}
	return ret;
}
