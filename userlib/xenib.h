/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * xenib.h - libibverbs provider for xenib, the Xen paravirtual RDMA device.
 *
 * The guest kernel's xen-ibfront registers ib_device xenib<N> (driver id
 * RDMA_DRIVER_UNKNOWN: xenib has no id of its own).  This provider creates
 * every object through uverbs (ibv_cmd_*) with the driver data of
 * <rdma/xenib-abi.h>; the frontend forwards the commands to the backend in
 * the driver domain.  Queue buffers are allocated here, page-aligned, and
 * pinned by the frontend; the doorbell page comes from the frontend by
 * mmap().  Posting and polling then happen in that shared memory without a
 * system call (queue.c), except for a kick when the backend's engine sleeps.
 *
 * Private header; prototypes grouped by file.
 */
#ifndef XENIB_H
#define XENIB_H

#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/driver.h>
#include <infiniband/kern-abi.h>
#include <rdma/xenib-abi.h>
#include <kernel-abi/xenib-abi.h>

#include "queue.h"

#define XENIB_UNUSED __attribute__((unused))

DECLARE_DRV_CMD(uxenib_alloc_ucontext, IB_USER_VERBS_CMD_GET_CONTEXT,
		empty, xenib_alloc_ucontext_resp);
DECLARE_DRV_CMD(uxenib_alloc_pd, IB_USER_VERBS_CMD_ALLOC_PD,
		empty, xenib_alloc_pd_resp);
DECLARE_DRV_CMD(uxenib_create_cq, IB_USER_VERBS_CMD_CREATE_CQ,
		xenib_create_cq, xenib_create_cq_resp);
DECLARE_DRV_CMD(uxenib_create_cq_ex, IB_USER_VERBS_EX_CMD_CREATE_CQ,
		xenib_create_cq, xenib_create_cq_resp);
DECLARE_DRV_CMD(uxenib_resize_cq, IB_USER_VERBS_CMD_RESIZE_CQ,
		xenib_resize_cq, empty);
DECLARE_DRV_CMD(uxenib_create_qp, IB_USER_VERBS_CMD_CREATE_QP,
		xenib_create_qp, xenib_create_qp_resp);
DECLARE_DRV_CMD(uxenib_create_qp_ex, IB_USER_VERBS_EX_CMD_CREATE_QP,
		xenib_create_qp, xenib_create_qp_resp);
DECLARE_DRV_CMD(uxenib_create_srq, IB_USER_VERBS_CMD_CREATE_SRQ,
		xenib_create_srq, xenib_create_srq_resp);
DECLARE_DRV_CMD(uxenib_create_srq_ex, IB_USER_VERBS_CMD_CREATE_XSRQ,
		xenib_create_srq, xenib_create_srq_resp);
DECLARE_DRV_CMD(uxenib_modify_srq, IB_USER_VERBS_CMD_MODIFY_SRQ,
		xenib_modify_srq, empty);
DECLARE_DRV_CMD(uxenib_create_ah, IB_USER_VERBS_CMD_CREATE_AH,
		empty, xenib_create_ah_resp);

struct xenib_device {
	struct verbs_device ibv_dev;
	uint32_t abi_version;
};

/**
 * struct xenib_context - a process's open xenib device
 * @ibv_ctx: libibverbs' part
 * @db: the doorbell page, mmapped from the frontend, shared with the backend
 * @db_size: its mapped length
 * @max_inline_data: largest inline send the frontend allows
 * @max_send_sge: largest SGE count per send WQE
 * @max_recv_sge: largest SGE count per receive WQE
 * @sq_wqe_shift_max: largest send slot shift
 * @rq_wqe_shift_max: largest receive slot shift
 * @num_db: doorbell indices the frontend hands out (db_index below this)
 * @max_log_nslots: largest log2 slot count of any queue
 *
 * The limits come from the ALLOC_UCONTEXT response, clamped to the ABI's.
 */
struct xenib_context {
	struct verbs_context ibv_ctx;
	struct xenib_db_page *db;
	size_t db_size;
	uint32_t max_inline_data;
	uint32_t max_send_sge;
	uint32_t max_recv_sge;
	uint32_t sq_wqe_shift_max;
	uint32_t rq_wqe_shift_max;
	uint32_t num_db;
	uint32_t max_log_nslots;
};

/* A page-aligned, zeroed queue buffer the frontend pins. */
struct xenib_buf {
	void *addr;
	size_t length;
};

struct xenib_pd {
	struct ibv_pd ibv_pd;
	uint32_t pdn;
};

/**
 * struct xenib_cq - completion queue
 * @vcq: what the application holds (ibv_cq, or ibv_cq_ex for a CQ made by
 *       ibv_create_cq_ex())
 * @lock: guards @ring (poll, arm, resize); a spinlock as in other providers
 * @buf: the CQ buffer (queue header + CQEs)
 * @ring: consumer state on @buf
 * @cq_handle: the frontend's handle
 * @cur: extended poll API: the CQE the application is reading, translated
 * @have_cur: @cur is valid and not consumed yet (between a successful
 *            start_poll/next_poll and the next next_poll/end_poll)
 */
struct xenib_cq {
	struct verbs_cq vcq;
	pthread_spinlock_t lock;
	struct xenib_buf buf;
	struct xenib_cq_ring ring;
	uint32_t cq_handle;
	struct ibv_wc cur;
	bool have_cur;
};

/**
 * struct xenib_qp - queue pair
 * @vqp: what the application holds (ibv_qp; ibv_qp_ex when created with
 *       send_ops_flags)
 * @sq_lock: guards @sq (ibv_post_send)
 * @rq_lock: guards @rq (ibv_post_recv)
 * @sq_buf: send queue buffer
 * @rq_buf: receive queue buffer; empty with an SRQ
 * @sq: producer state on @sq_buf
 * @rq: producer state on @rq_buf
 * @qp_handle: the frontend's handle
 * @db_index: this QP's bit in the doorbell page
 * @wr: state of an extended post (ibv_wr_start() .. ibv_wr_complete(),
 *      under @sq_lock)
 */
struct xenib_qp {
	struct verbs_qp vqp;
	pthread_spinlock_t sq_lock;
	pthread_spinlock_t rq_lock;
	struct xenib_buf sq_buf;
	struct xenib_buf rq_buf;
	struct xenib_wq sq;
	struct xenib_wq rq;
	uint32_t qp_handle;
	uint32_t db_index;
	struct xenib_wr_build wr;
};

/**
 * struct xenib_srq - shared receive queue
 * @vsrq: what the application holds
 * @lock: guards @wq and @buf (ibv_post_srq_recv, resize)
 * @buf: the SRQ buffer
 * @wq: producer state on @buf
 * @wqe_shift: slot size 2^wqe_shift, fixed at creation
 * @srq_handle: the frontend's handle
 * @srqn: SRQ number
 * @db_index: this SRQ's bit in the doorbell page
 */
struct xenib_srq {
	struct verbs_srq vsrq;
	pthread_spinlock_t lock;
	struct xenib_buf buf;
	struct xenib_wq wq;
	uint32_t wqe_shift;
	uint32_t srq_handle;
	uint32_t srqn;
	uint32_t db_index;
};

static inline struct xenib_device *to_xdev(struct ibv_device *ibdev)
{
	return container_of(ibdev, struct xenib_device, ibv_dev.device);
}

static inline struct xenib_context *to_xctx(struct ibv_context *ibctx)
{
	return container_of(ibctx, struct xenib_context, ibv_ctx.context);
}

static inline struct xenib_pd *to_xpd(struct ibv_pd *ibpd)
{
	return container_of(ibpd, struct xenib_pd, ibv_pd);
}

static inline struct xenib_cq *to_xcq(struct ibv_cq *ibcq)
{
	return container_of(ibcq, struct xenib_cq, vcq.cq);
}

static inline struct xenib_cq *to_xcq_ex(struct ibv_cq_ex *ibcq)
{
	return container_of(ibcq, struct xenib_cq, vcq.cq_ex);
}

static inline struct xenib_qp *to_xqp(struct ibv_qp *ibqp)
{
	return container_of(ibqp, struct xenib_qp, vqp.qp);
}

static inline struct xenib_qp *to_xqp_ex(struct ibv_qp_ex *ibqp)
{
	return container_of(ibqp, struct xenib_qp, vqp.qp_ex);
}

static inline struct xenib_srq *to_xsrq(struct ibv_srq *ibsrq)
{
	return container_of(ibsrq, struct xenib_srq, vsrq.srq);
}

/* xenib.c */
int xenib_alloc_buf(struct xenib_buf *buf, uint32_t log_nslots,
		    uint32_t slot_shift);
void xenib_free_buf(struct xenib_buf *buf);

/* verbs.c */
int xenib_query_device(struct ibv_context *context,
		       const struct ibv_query_device_ex_input *input,
		       struct ibv_device_attr_ex *attr, size_t attr_size);
int xenib_query_port(struct ibv_context *context, uint8_t port,
		     struct ibv_port_attr *attr);
struct ibv_pd *xenib_alloc_pd(struct ibv_context *context);
int xenib_dealloc_pd(struct ibv_pd *pd);
struct ibv_mr *xenib_reg_mr(struct ibv_pd *pd, void *addr, size_t length,
			    uint64_t hca_va, int access);
int xenib_dereg_mr(struct verbs_mr *vmr);
struct ibv_ah *xenib_create_ah(struct ibv_pd *pd, struct ibv_ah_attr *attr);
int xenib_destroy_ah(struct ibv_ah *ah);

/* cq.c */
struct ibv_cq *xenib_create_cq(struct ibv_context *context, int cqe,
			       struct ibv_comp_channel *channel,
			       int comp_vector);
struct ibv_cq_ex *xenib_create_cq_ex(struct ibv_context *context,
				     struct ibv_cq_init_attr_ex *attr);
int xenib_resize_cq(struct ibv_cq *cq, int cqe);
int xenib_destroy_cq(struct ibv_cq *cq);
int xenib_poll_cq(struct ibv_cq *cq, int ne, struct ibv_wc *wc);
int xenib_req_notify_cq(struct ibv_cq *cq, int solicited_only);

/* qp.c */
struct ibv_qp *xenib_create_qp(struct ibv_pd *pd,
			       struct ibv_qp_init_attr *attr);
struct ibv_qp *xenib_create_qp_ex(struct ibv_context *context,
				  struct ibv_qp_init_attr_ex *attr);
int xenib_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int attr_mask,
		   struct ibv_qp_init_attr *init_attr);
int xenib_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr,
		    int attr_mask);
int xenib_destroy_qp(struct ibv_qp *qp);
int xenib_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr,
		    struct ibv_send_wr **bad_wr);
int xenib_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr,
		    struct ibv_recv_wr **bad_wr);

/* srq.c */
struct ibv_srq *xenib_create_srq(struct ibv_pd *pd,
				 struct ibv_srq_init_attr *attr);
struct ibv_srq *xenib_create_srq_ex(struct ibv_context *context,
				    struct ibv_srq_init_attr_ex *attr);
int xenib_modify_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr,
		     int attr_mask);
int xenib_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr);
int xenib_destroy_srq(struct ibv_srq *srq);
int xenib_post_srq_recv(struct ibv_srq *srq, struct ibv_recv_wr *wr,
			struct ibv_recv_wr **bad_wr);

#endif /* XENIB_H */
