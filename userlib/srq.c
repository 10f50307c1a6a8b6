// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * srq.c - shared receive queues, installed only when the device offers
 * them (xenib.c).  Like a QP's receive queue: our buffer, pinned by the
 * frontend, with its own doorbell index.
 */
#include <errno.h>
#include <stdlib.h>

#include "xenib.h"

/* Shape and buffer of an SRQ, and the create command's udata. */
static int prepare_srq(struct xenib_context *ctx, struct xenib_srq *srq,
		       struct ibv_srq_attr *attr, struct xenib_create_srq *cmd)
{
	uint32_t log_nslots, wqe_shift;
	int ret;

	if (attr->max_sge > ctx->max_recv_sge)
		return EINVAL;
	ret = xenib_rq_geometry(attr->max_wr, attr->max_sge,
				ctx->rq_wqe_shift_max, ctx->max_log_nslots,
				&log_nslots, &wqe_shift);
	if (ret)
		return ret;
	pthread_spin_init(&srq->lock, PTHREAD_PROCESS_PRIVATE);
	ret = xenib_alloc_buf(&srq->buf, log_nslots, wqe_shift);
	if (ret)
		return ret;
	cmd->buf_addr = (uintptr_t)srq->buf.addr;
	cmd->buf_size = srq->buf.length;
	cmd->wqe_shift = wqe_shift;
	cmd->log_nslots = log_nslots;
	return 0;
}

static int finish_srq(struct xenib_context *ctx, struct xenib_srq *srq,
		      const struct xenib_create_srq *cmd,
		      const struct xenib_create_srq_resp *resp,
		      const struct ibv_srq_attr *attr)
{
	if (resp->db_index >= ctx->num_db) {
		verbs_err(&ctx->ibv_ctx, "xenib: SRQ doorbell index %u out of range\n",
			  resp->db_index);
		ibv_cmd_destroy_srq(&srq->vsrq.srq);
		return EPROTO;
	}
	srq->srq_handle = resp->srq_handle;
	srq->srqn = resp->srqn;
	srq->db_index = resp->db_index;
	srq->wqe_shift = cmd->wqe_shift;
	/* attr now holds what the frontend granted. */
	xenib_wq_init(&srq->wq, srq->buf.addr, cmd->log_nslots, cmd->wqe_shift,
		      attr->max_sge, 0, false);
	return 0;
}

static void free_srq(struct xenib_srq *srq)
{
	xenib_free_buf(&srq->buf);
	pthread_spin_destroy(&srq->lock);
	free(srq);
}

struct ibv_srq *xenib_create_srq(struct ibv_pd *pd,
				 struct ibv_srq_init_attr *attr)
{
	struct xenib_context *ctx = to_xctx(pd->context);
	struct uxenib_create_srq_resp resp = {};
	struct uxenib_create_srq cmd = {};
	struct xenib_srq *srq;
	int ret;

	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	ret = prepare_srq(ctx, srq, &attr->attr, &cmd.drv_payload);
	if (ret)
		goto err_free;
	ret = ibv_cmd_create_srq(pd, &srq->vsrq.srq, attr, &cmd.ibv_cmd,
				 sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (!ret)
		ret = finish_srq(ctx, srq, &cmd.drv_payload, &resp.drv_payload,
				 &attr->attr);
	if (ret)
		goto err_free;
	return &srq->vsrq.srq;

err_free:
	free_srq(srq);
	errno = ret;
	return NULL;
}

/*
 * Basic SRQs only, as on rxe; the kernel judges the other types and
 * attributes (XRC and tag matching need a CQ: EINVAL; with one, the
 * frontend answers EOPNOTSUPP).
 */
struct ibv_srq *xenib_create_srq_ex(struct ibv_context *context,
				    struct ibv_srq_init_attr_ex *attr)
{
	struct xenib_context *ctx = to_xctx(context);
	struct uxenib_create_srq_ex_resp resp = {};
	struct uxenib_create_srq_ex cmd = {};
	struct xenib_srq *srq;
	int ret;

	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	ret = prepare_srq(ctx, srq, &attr->attr, &cmd.drv_payload);
	if (ret)
		goto err_free;
	ret = ibv_cmd_create_srq_ex(context, &srq->vsrq, attr, &cmd.ibv_cmd,
				    sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (!ret)
		ret = finish_srq(ctx, srq, &cmd.drv_payload, &resp.drv_payload,
				 &attr->attr);
	if (ret)
		goto err_free;
	return &srq->vsrq.srq;

err_free:
	free_srq(srq);
	errno = ret;
	return NULL;
}

/*
 * A resize (IBV_SRQ_MAX_WR) hands the frontend a new buffer of the same
 * slot size; the backend moves the unconsumed WQEs to the same indices,
 * so posting goes on where it was (the private prod is unchanged).
 * Posting waits on the lock meanwhile, as rxe does.
 */
int xenib_modify_srq(struct ibv_srq *ibsrq, struct ibv_srq_attr *attr,
		     int attr_mask)
{
	struct xenib_context *ctx = to_xctx(ibsrq->context);
	struct xenib_srq *srq = to_xsrq(ibsrq);
	struct uxenib_modify_srq cmd = {};
	struct xenib_buf buf, old;
	uint32_t log_nslots, shift;
	int ret;

	if (!(attr_mask & IBV_SRQ_MAX_WR))
		return ibv_cmd_modify_srq(ibsrq, attr, attr_mask, &cmd.ibv_cmd,
					  sizeof(cmd.ibv_cmd));
	ret = xenib_rq_geometry(attr->max_wr, srq->wq.max_sge,
				ctx->rq_wqe_shift_max, ctx->max_log_nslots,
				&log_nslots, &shift);
	if (ret)
		return ret;
	ret = xenib_alloc_buf(&buf, log_nslots, srq->wqe_shift);
	if (ret)
		return ret;
	cmd.buf_addr = (uintptr_t)buf.addr;
	cmd.buf_size = buf.length;
	cmd.wqe_shift = srq->wqe_shift;
	cmd.log_nslots = log_nslots;

	pthread_spin_lock(&srq->lock);
	ret = ibv_cmd_modify_srq(ibsrq, attr, attr_mask, &cmd.ibv_cmd,
				 sizeof(cmd));
	if (ret) {
		pthread_spin_unlock(&srq->lock);
		xenib_free_buf(&buf);
		return ret;
	}
	old = srq->buf;
	srq->buf = buf;
	srq->wq.hdr = buf.addr;
	srq->wq.log_nslots = log_nslots;
	pthread_spin_unlock(&srq->lock);
	xenib_free_buf(&old);
	return 0;
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
	free_srq(srq);
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
