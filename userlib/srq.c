// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * srq.c - shared receive queues, installed only when the device offers
 * them (xenib.c).  Like a QP's receive queue: our buffer, pinned by the
 * frontend, with its own doorbell index.
 */
#include <errno.h>
#include <stdlib.h>

#include "xenib.h"

struct ibv_srq *xenib_create_srq(struct ibv_pd *pd,
				 struct ibv_srq_init_attr *attr)
{
	struct xenib_context *ctx = to_xctx(pd->context);
	struct uxenib_create_srq_resp resp = {};
	struct uxenib_create_srq cmd = {};
	uint32_t log_nslots, wqe_shift;
	struct xenib_srq *srq;
	int ret;

	if (attr->attr.max_sge > ctx->max_recv_sge) {
		errno = EINVAL;
		return NULL;
	}
	ret = xenib_rq_geometry(attr->attr.max_wr, attr->attr.max_sge,
				ctx->rq_wqe_shift_max, ctx->max_log_nslots,
				&log_nslots, &wqe_shift);
	if (ret) {
		errno = ret;
		return NULL;
	}
	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	pthread_spin_init(&srq->lock, PTHREAD_PROCESS_PRIVATE);
	ret = xenib_alloc_buf(&srq->buf, log_nslots, wqe_shift);
	if (ret)
		goto err_free;

	cmd.buf_addr = (uintptr_t)srq->buf.addr;
	cmd.buf_size = srq->buf.length;
	cmd.wqe_shift = wqe_shift;
	cmd.log_nslots = log_nslots;
	ret = ibv_cmd_create_srq(pd, &srq->ibv_srq, attr, &cmd.ibv_cmd,
				 sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (ret)
		goto err_buf;
	if (resp.db_index >= ctx->num_db) {
		verbs_err(&ctx->ibv_ctx, "xenib: SRQ doorbell index %u out of range\n",
			  resp.db_index);
		ibv_cmd_destroy_srq(&srq->ibv_srq);
		ret = EPROTO;
		goto err_buf;
	}
	srq->srq_handle = resp.srq_handle;
	srq->srqn = resp.srqn;
	srq->db_index = resp.db_index;
	/* attr->attr now holds what the frontend granted. */
	xenib_wq_init(&srq->wq, srq->buf.addr, log_nslots, wqe_shift,
		      attr->attr.max_sge, 0, false);
	return &srq->ibv_srq;

err_buf:
	xenib_free_buf(&srq->buf);
err_free:
	pthread_spin_destroy(&srq->lock);
	free(srq);
	errno = ret;
	return NULL;
}

int xenib_modify_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr,
		     int attr_mask)
{
	struct ibv_modify_srq cmd;

	return ibv_cmd_modify_srq(srq, attr, attr_mask, &cmd, sizeof(cmd));
}

int xenib_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr)
{
	struct ibv_query_srq cmd;

	return ibv_cmd_query_srq(srq, attr, &cmd, sizeof(cmd));
}

int xenib_destroy_srq(struct ibv_srq *ibsrq)
{
	struct xenib_srq *srq = to_xsrq(ibsrq);
	int ret;

	ret = ibv_cmd_destroy_srq(ibsrq);
	if (ret)
		return ret;
	xenib_free_buf(&srq->buf);
	pthread_spin_destroy(&srq->lock);
	free(srq);
	return 0;
}

int xenib_post_srq_recv(struct ibv_srq *ibsrq, struct ibv_recv_wr *wr,
			struct ibv_recv_wr **bad_wr)
{
	struct xenib_context *ctx = to_xctx(ibsrq->context);
	struct xenib_srq *srq = to_xsrq(ibsrq);
	struct ibv_recv_wr *bad;
	unsigned int posted;
	int ret, kick = 0;

	pthread_spin_lock(&srq->lock);
	ret = xenib_wq_post_recv(&srq->wq, wr, bad_wr, &posted);
	pthread_spin_unlock(&srq->lock);
	if (!posted)
		return ret;
	/* As ring_recv() in qp.c. */
	if (xenib_db_ring(ctx->db, srq->db_index))
		kick = ibv_cmd_post_srq_recv(ibsrq, NULL, &bad);
	if (kick && !ret) {
		*bad_wr = wr;
		ret = kick;
	}
	return ret;
}
