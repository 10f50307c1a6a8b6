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

	ret = xenib_cq_geometry(cqe, ctx->max_log_nslots, &log_nslots);
	if (ret) {
		errno = ret;
		return NULL;
	}
	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return NULL;
	ret = pthread_spin_init(&cq->lock, PTHREAD_PROCESS_PRIVATE);
	if (ret)
		goto err_free;
	ret = xenib_alloc_buf(&cq->buf, log_nslots, XENIB_CQE_SHIFT);
	if (ret)
		goto err_lock;

	cmd.buf_addr = (uintptr_t)cq->buf.addr;
	cmd.buf_size = cq->buf.length;
	cmd.log_nslots = log_nslots;
	ret = ibv_cmd_create_cq(context, cqe, channel, comp_vector, &cq->ibv_cq,
				&cmd.ibv_cmd, sizeof(cmd), &resp.ibv_resp,
				sizeof(resp));
	if (ret)
		goto err_buf;
	if (resp.cqe != 1U << log_nslots) {
		verbs_err(&ctx->ibv_ctx, "xenib: CQ of %u CQEs, asked for %u\n",
			  resp.cqe, 1U << log_nslots);
		ibv_cmd_destroy_cq(&cq->ibv_cq);
		ret = EPROTO;
		goto err_buf;
	}
	cq->cq_handle = resp.cq_handle;
	xenib_cq_ring_init(&cq->ring, cq->buf.addr, log_nslots);
	return &cq->ibv_cq;

err_buf:
	xenib_free_buf(&cq->buf);
err_lock:
	pthread_spin_destroy(&cq->lock);
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
	xenib_free_buf(&cq->buf);
	pthread_spin_destroy(&cq->lock);
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
