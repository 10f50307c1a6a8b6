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

static int check_cap(struct xenib_context *ctx, enum ibv_qp_type qp_type,
		     bool srq, struct ibv_qp_cap *cap)
{
	if (qp_type != IBV_QPT_RC && qp_type != IBV_QPT_UC &&
	    qp_type != IBV_QPT_UD)
		return EOPNOTSUPP;
	if (cap->max_send_sge > ctx->max_send_sge ||
	    cap->max_inline_data > ctx->max_inline_data)
		return EINVAL;
	if (!srq && cap->max_recv_sge > ctx->max_recv_sge)
		return EINVAL;
	/* Every queue has at least one slot (vibif.h: 1 <= max_*_wr). */
	if (!cap->max_send_wr)
		cap->max_send_wr = 1;
	if (!srq && !cap->max_recv_wr)
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

/* Shape of the queues, their buffers, and the create command's udata. */
static int prepare_qp(struct xenib_context *ctx, struct xenib_qp *qp,
		      enum ibv_qp_type qp_type, bool srq,
		      struct ibv_qp_cap *cap, struct xenib_create_qp *cmd)
{
	uint32_t sq_log, sq_shift, rq_log = 0, rq_shift = 0;
	int ret;

	ret = check_cap(ctx, qp_type, srq, cap);
	if (!ret)
		ret = xenib_sq_geometry(cap->max_send_wr, cap->max_send_sge,
					cap->max_inline_data,
					ctx->sq_wqe_shift_max,
					ctx->max_log_nslots, &sq_log, &sq_shift);
	if (!ret && !srq)
		ret = xenib_rq_geometry(cap->max_recv_wr, cap->max_recv_sge,
					ctx->rq_wqe_shift_max,
					ctx->max_log_nslots, &rq_log, &rq_shift);
	if (ret)
		return ret;
	pthread_spin_init(&qp->sq_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&qp->rq_lock, PTHREAD_PROCESS_PRIVATE);
	ret = xenib_alloc_buf(&qp->sq_buf, sq_log, sq_shift);
	if (!ret && !srq)
		ret = xenib_alloc_buf(&qp->rq_buf, rq_log, rq_shift);
	if (ret)
		return ret;

	cmd->sq_buf_addr = (uintptr_t)qp->sq_buf.addr;
	cmd->sq_buf_size = qp->sq_buf.length;
	cmd->sq_wqe_shift = sq_shift;
	cmd->sq_log_nslots = sq_log;
	if (!srq) {
		cmd->rq_buf_addr = (uintptr_t)qp->rq_buf.addr;
		cmd->rq_buf_size = qp->rq_buf.length;
		cmd->rq_wqe_shift = rq_shift;
		cmd->rq_log_nslots = rq_log;
	}
	return 0;
}

/*
 * After the create command: the doorbell index must be ours to use; the
 * queues are set up with what the frontend granted (cap).
 */
static int finish_qp(struct xenib_context *ctx, struct xenib_qp *qp,
		     const struct xenib_create_qp *cmd,
		     const struct xenib_create_qp_resp *resp,
		     const struct ibv_qp_cap *cap, bool srq)
{
	if (resp->db_index >= ctx->num_db) {
		verbs_err(&ctx->ibv_ctx, "xenib: QP doorbell index %u out of range\n",
			  resp->db_index);
		ibv_cmd_destroy_qp(&qp->vqp.qp);
		return EPROTO;
	}
	qp->qp_handle = resp->qp_handle;
	qp->db_index = resp->db_index;
	xenib_wq_init(&qp->sq, qp->sq_buf.addr, cmd->sq_log_nslots,
		      cmd->sq_wqe_shift, cap->max_send_sge,
		      cap->max_inline_data, true);
	if (!srq)
		xenib_wq_init(&qp->rq, qp->rq_buf.addr, cmd->rq_log_nslots,
			      cmd->rq_wqe_shift, cap->max_recv_sge, 0, false);
	return 0;
}

struct ibv_qp *xenib_create_qp(struct ibv_pd *pd,
			       struct ibv_qp_init_attr *attr)
{
	struct xenib_context *ctx = to_xctx(pd->context);
	struct uxenib_create_qp_resp resp = {};
	struct uxenib_create_qp cmd = {};
	struct xenib_qp *qp;
	int ret;

	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	ret = prepare_qp(ctx, qp, attr->qp_type, attr->srq, &attr->cap,
			 &cmd.drv_payload);
	if (ret)
		goto err_free;
	ret = ibv_cmd_create_qp(pd, &qp->vqp.qp, attr, &cmd.ibv_cmd,
				sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (ret)
		goto err_free;
	/* attr->cap now holds what the frontend granted. */
	ret = finish_qp(ctx, qp, &cmd.drv_payload, &resp.drv_payload,
			&attr->cap, attr->srq);
	if (ret)
		goto err_free;
	return &qp->vqp.qp;

err_free:
	free_qp(qp);
	errno = ret;
	return NULL;
}

/* ---- the extended QP (ibv_create_qp_ex with send_ops_flags) ------------ */

static void qpx_wr_start(struct ibv_qp_ex *ibqp)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	pthread_spin_lock(&qp->sq_lock);
	xenib_wr_start(&qp->sq, &qp->wr, qp->vqp.qp.qp_type);
}

static int ring_send(struct xenib_qp *qp);

static int qpx_wr_complete(struct ibv_qp_ex *ibqp)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);
	unsigned int posted;
	int ret;

	ret = xenib_wr_complete(&qp->sq, &qp->wr, &posted);
	pthread_spin_unlock(&qp->sq_lock);
	if (!ret && posted)
		ret = ring_send(qp);
	return ret;
}

static void qpx_wr_abort(struct ibv_qp_ex *ibqp)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	xenib_wr_abort(&qp->sq, &qp->wr);
	pthread_spin_unlock(&qp->sq_lock);
}

static struct xenib_send_wqe *qpx_new(struct ibv_qp_ex *ibqp, uint8_t opcode)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	return xenib_wr_new(&qp->sq, &qp->wr, ibqp->wr_id, ibqp->wr_flags,
			    opcode);
}

static void qpx_rdma(struct ibv_qp_ex *ibqp, uint8_t opcode, uint32_t rkey,
		     uint64_t remote_addr, __be32 imm)
{
	struct xenib_send_wqe *w = qpx_new(ibqp, opcode);

	if (!w)
		return;
	w->wr.rdma.remote_addr = remote_addr;
	w->wr.rdma.rkey = rkey;
	w->imm_data = imm;
}

static void qpx_rdma_write(struct ibv_qp_ex *ibqp, uint32_t rkey,
			   uint64_t remote_addr)
{
	qpx_rdma(ibqp, IBV_WR_RDMA_WRITE, rkey, remote_addr, 0);
}

static void qpx_rdma_write_imm(struct ibv_qp_ex *ibqp, uint32_t rkey,
			       uint64_t remote_addr, __be32 imm_data)
{
	qpx_rdma(ibqp, IBV_WR_RDMA_WRITE_WITH_IMM, rkey, remote_addr, imm_data);
}

static void qpx_rdma_read(struct ibv_qp_ex *ibqp, uint32_t rkey,
			  uint64_t remote_addr)
{
	qpx_rdma(ibqp, IBV_WR_RDMA_READ, rkey, remote_addr, 0);
}

static void qpx_send(struct ibv_qp_ex *ibqp)
{
	qpx_new(ibqp, IBV_WR_SEND);
}

static void qpx_send_imm(struct ibv_qp_ex *ibqp, __be32 imm_data)
{
	struct xenib_send_wqe *w = qpx_new(ibqp, IBV_WR_SEND_WITH_IMM);

	if (w)
		w->imm_data = imm_data;
}

static void qpx_atomic(struct ibv_qp_ex *ibqp, uint8_t opcode, uint32_t rkey,
		       uint64_t remote_addr, uint64_t compare_add,
		       uint64_t swap)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);
	struct xenib_send_wqe *w;

	if (remote_addr & 7) {
		qp->wr.err = qp->wr.err ? qp->wr.err : EINVAL;
		return;
	}
	w = qpx_new(ibqp, opcode);
	if (!w)
		return;
	w->wr.atomic.remote_addr = remote_addr;
	w->wr.atomic.compare_add = compare_add;
	w->wr.atomic.swap = swap;
	w->wr.atomic.rkey = rkey;
}

static void qpx_atomic_cmp_swp(struct ibv_qp_ex *ibqp, uint32_t rkey,
			       uint64_t remote_addr, uint64_t compare,
			       uint64_t swap)
{
	qpx_atomic(ibqp, IBV_WR_ATOMIC_CMP_AND_SWP, rkey, remote_addr, compare,
		   swap);
}

static void qpx_atomic_fetch_add(struct ibv_qp_ex *ibqp, uint32_t rkey,
				 uint64_t remote_addr, uint64_t add)
{
	qpx_atomic(ibqp, IBV_WR_ATOMIC_FETCH_AND_ADD, rkey, remote_addr, add,
		   0);
}

static void qpx_set_sge(struct ibv_qp_ex *ibqp, uint32_t lkey, uint64_t addr,
			uint32_t length)
{
	struct ibv_sge sge = { .addr = addr, .length = length, .lkey = lkey };
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	xenib_wr_set_sge_list(&qp->sq, &qp->wr, 1, &sge);
}

static void qpx_set_sge_list(struct ibv_qp_ex *ibqp, size_t num_sge,
			     const struct ibv_sge *sg_list)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	xenib_wr_set_sge_list(&qp->sq, &qp->wr, num_sge, sg_list);
}

static void qpx_set_inline_data(struct ibv_qp_ex *ibqp, void *addr,
				size_t length)
{
	struct ibv_data_buf buf = { .addr = addr, .length = length };
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	xenib_wr_set_inline_list(&qp->sq, &qp->wr, 1, &buf);
}

static void qpx_set_inline_data_list(struct ibv_qp_ex *ibqp, size_t num_buf,
				     const struct ibv_data_buf *buf_list)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	xenib_wr_set_inline_list(&qp->sq, &qp->wr, num_buf, buf_list);
}

static void qpx_set_ud_addr(struct ibv_qp_ex *ibqp, struct ibv_ah *ah,
			    uint32_t remote_qpn, uint32_t remote_qkey)
{
	struct xenib_qp *qp = to_xqp_ex(ibqp);

	if (!ah) {
		qp->wr.err = qp->wr.err ? qp->wr.err : EINVAL;
		return;
	}
	xenib_wr_set_ud(&qp->wr, to_xah(ah)->ah_handle, remote_qpn,
			remote_qkey);
}

/* What each QP type may do, as on the device (rxe) minus memory windows. */
#define XENIB_QPX_UD_OPS (IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM)
#define XENIB_QPX_UC_OPS (XENIB_QPX_UD_OPS | IBV_QP_EX_WITH_RDMA_WRITE |	\
			  IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM)
#define XENIB_QPX_RC_OPS (XENIB_QPX_UC_OPS | IBV_QP_EX_WITH_RDMA_READ |	\
			  IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |		\
			  IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD)
#define XENIB_QPX_COMP_MASK (IBV_QP_INIT_ATTR_PD |			\
			     IBV_QP_INIT_ATTR_CREATE_FLAGS |		\
			     IBV_QP_INIT_ATTR_SEND_OPS_FLAGS)

static int check_qpx_attr(const struct ibv_qp_init_attr_ex *attr)
{
	uint64_t ops;

	if ((attr->comp_mask & ~XENIB_QPX_COMP_MASK) ||
	    !(attr->comp_mask & IBV_QP_INIT_ATTR_PD))
		return EOPNOTSUPP;
	if ((attr->comp_mask & IBV_QP_INIT_ATTR_CREATE_FLAGS) &&
	    attr->create_flags)
		return EOPNOTSUPP;
	if (!(attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS))
		return 0;
	switch (attr->qp_type) {
	case IBV_QPT_RC:
		ops = XENIB_QPX_RC_OPS;
		break;
	case IBV_QPT_UC:
		ops = XENIB_QPX_UC_OPS;
		break;
	case IBV_QPT_UD:
		ops = XENIB_QPX_UD_OPS;
		break;
	default:
		return EOPNOTSUPP;
	}
	return attr->send_ops_flags & ~ops ? EOPNOTSUPP : 0;
}

static void set_qpx_ops(struct ibv_qp_ex *qpx, uint64_t ops)
{
	if (ops & IBV_QP_EX_WITH_RDMA_WRITE)
		qpx->wr_rdma_write = qpx_rdma_write;
	if (ops & IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM)
		qpx->wr_rdma_write_imm = qpx_rdma_write_imm;
	if (ops & IBV_QP_EX_WITH_SEND)
		qpx->wr_send = qpx_send;
	if (ops & IBV_QP_EX_WITH_SEND_WITH_IMM)
		qpx->wr_send_imm = qpx_send_imm;
	if (ops & IBV_QP_EX_WITH_RDMA_READ)
		qpx->wr_rdma_read = qpx_rdma_read;
	if (ops & IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP)
		qpx->wr_atomic_cmp_swp = qpx_atomic_cmp_swp;
	if (ops & IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD)
		qpx->wr_atomic_fetch_add = qpx_atomic_fetch_add;
	qpx->wr_set_sge = qpx_set_sge;
	qpx->wr_set_sge_list = qpx_set_sge_list;
	qpx->wr_set_inline_data = qpx_set_inline_data;
	qpx->wr_set_inline_data_list = qpx_set_inline_data_list;
	qpx->wr_set_ud_addr = qpx_set_ud_addr;
	qpx->wr_start = qpx_wr_start;
	qpx->wr_complete = qpx_wr_complete;
	qpx->wr_abort = qpx_wr_abort;
}

struct ibv_qp *xenib_create_qp_ex(struct ibv_context *context,
				  struct ibv_qp_init_attr_ex *attr)
{
	struct xenib_context *ctx = to_xctx(context);
	struct uxenib_create_qp_ex_resp resp = {};
	struct uxenib_create_qp_ex cmd = {};
	struct xenib_qp *qp;
	int ret;

	ret = check_qpx_attr(attr);
	if (ret) {
		errno = ret;
		return NULL;
	}
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	ret = prepare_qp(ctx, qp, attr->qp_type, attr->srq, &attr->cap,
			 &cmd.drv_payload);
	if (ret)
		goto err_free;
	ret = ibv_cmd_create_qp_ex2(context, &qp->vqp, attr, &cmd.ibv_cmd,
				    sizeof(cmd), &resp.ibv_resp, sizeof(resp));
	if (ret)
		goto err_free;
	ret = finish_qp(ctx, qp, &cmd.drv_payload, &resp.drv_payload,
			&attr->cap, attr->srq);
	if (ret)
		goto err_free;
	if (attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) {
		set_qpx_ops(&qp->vqp.qp_ex, attr->send_ops_flags);
		qp->vqp.comp_mask |= VERBS_QP_EX;
	}
	return &qp->vqp.qp;

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
	struct xenib_context *ctx = to_xctx(qp->vqp.qp.context);
	struct ibv_send_wr *bad;

	if (!xenib_db_ring(ctx->db, qp->db_index))
		return 0;
	return ibv_cmd_post_send(&qp->vqp.qp, NULL, &bad);
}

static int ring_recv(struct xenib_qp *qp)
{
	struct xenib_context *ctx = to_xctx(qp->vqp.qp.context);
	struct ibv_recv_wr *bad;

	if (!xenib_db_ring(ctx->db, qp->db_index))
		return 0;
	return ibv_cmd_post_recv(&qp->vqp.qp, NULL, &bad);
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
