/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * queue.h - userlib's fast path on the queues shared with the backend.
 *
 * Depends only on <infiniband/verbs.h>, <rdma/xenib-abi.h> and
 * kernel/common/ring.h (no rdma-core private header, no libibverbs call),
 * so unit tests compile queue.c on any host.  The provider (qp.c, cq.c,
 * srq.c) takes the locks and does the system calls around these
 * functions; nothing here locks, sleeps or prints.
 *
 * Who writes what (xenib-abi.h): userlib produces SQ, RQ and SRQ entries
 * and consumes CQEs; the backend's data engine does the opposite.  Indices
 * are free-running u32, published with release stores and read with
 * acquire loads; the backend's side of each pairing is named in
 * xenib-abi.h ([P0] [P1] [C1] [C2] [A1] [U1]..[U4]).
 */
#ifndef XENIB_QUEUE_H
#define XENIB_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#include "ring.h"

/**
 * struct xenib_wq - a work queue userlib produces into (SQ, RQ or SRQ)
 * @hdr: start of the shared buffer, the queue header
 * @log_nslots: the queue has 2^log_nslots slots
 * @wqe_shift: each slot has 2^wqe_shift octets
 * @prod: the producer index, private copy (hdr->prod is its published one)
 * @max_sge: SGEs per WQE, at most what a slot holds
 * @max_inline: inline octets per send WQE (SQ only), at most what a slot holds
 *
 * Must hold the owner's lock for every call that takes a struct xenib_wq.
 */
struct xenib_wq {
	struct xenib_queue_hdr *hdr;
	uint32_t log_nslots;
	uint32_t wqe_shift;
	uint32_t prod;
	uint32_t max_sge;
	uint32_t max_inline;
};

/**
 * struct xenib_cq_ring - a completion queue userlib consumes from
 * @hdr: start of the shared buffer, the queue header
 * @log_nslots: the CQ has 2^log_nslots CQEs
 * @cons: the consumer index, private copy (hdr->cons is its published one)
 *
 * Must hold the CQ's lock for every call that takes a struct xenib_cq_ring.
 */
struct xenib_cq_ring {
	struct xenib_queue_hdr *hdr;
	uint32_t log_nslots;
	uint32_t cons;
};

/**
 * struct xenib_ah - address handle
 * @ibv_ah: what the application holds
 * @ah_handle: the frontend's handle, carried in UD send WQEs
 */
struct xenib_ah {
	struct ibv_ah ibv_ah;
	uint32_t ah_handle;
};

static inline struct xenib_ah *to_xah(struct ibv_ah *ibah)
{
	return (struct xenib_ah *)((char *)ibah - offsetof(struct xenib_ah, ibv_ah));
}

/**
 * struct xenib_wr_build - state of an extended post (ibv_wr_start() ..
 * ibv_wr_complete()) on a send queue
 * @qp_type: the QP's type
 * @pending: WQEs built since wr_start, not yet published
 * @space: free slots seen at the last look at cons
 * @err: first error of the batch; wr_complete returns it and posts nothing
 * @cur: the WQE being built (its slot), NULL before the first builder
 * @has_ah: @cur is UD and wr_set_ud_addr() gave it an address
 *
 * Builders write straight into the slots after prod; nothing is visible
 * to the backend before xenib_wr_complete() publishes prod.
 */
struct xenib_wr_build {
	enum ibv_qp_type qp_type;
	uint32_t pending;
	uint32_t space;
	int err;
	struct xenib_send_wqe *cur;
	bool has_ah;
};

/* Queue shapes (geometry): 0 or EINVAL. */
int xenib_log2_ceil(uint32_t n);
int xenib_cq_geometry(int cqe, uint32_t max_log_nslots, uint32_t *log_nslots);
int xenib_sq_geometry(uint32_t max_wr, uint32_t max_sge, uint32_t max_inline,
		      uint32_t shift_max, uint32_t max_log_nslots,
		      uint32_t *log_nslots, uint32_t *wqe_shift);
int xenib_rq_geometry(uint32_t max_wr, uint32_t max_sge, uint32_t shift_max,
		      uint32_t max_log_nslots, uint32_t *log_nslots,
		      uint32_t *wqe_shift);

/* Setting up a queue on a zeroed, page-aligned buffer. */
void xenib_wq_init(struct xenib_wq *wq, void *buf, uint32_t log_nslots,
		   uint32_t wqe_shift, uint32_t max_sge, uint32_t max_inline,
		   bool is_send);
void xenib_cq_ring_init(struct xenib_cq_ring *cq, void *buf,
			uint32_t log_nslots);

/* The fast path.  Return a positive errno and set *bad_wr, as rdma-core. */
int xenib_wq_post_send(struct xenib_wq *sq, enum ibv_qp_type qp_type,
		       struct ibv_send_wr *wr, struct ibv_send_wr **bad_wr,
		       unsigned int *posted);
int xenib_wq_post_recv(struct xenib_wq *rq, struct ibv_recv_wr *wr,
		       struct ibv_recv_wr **bad_wr, unsigned int *posted);
bool xenib_db_ring(struct xenib_db_page *db, uint32_t db_index);

/* The extended post API (ibv_wr_*), on the owner's lock like the rest. */
void xenib_wr_start(struct xenib_wq *sq, struct xenib_wr_build *b,
		    enum ibv_qp_type qp_type);
struct xenib_send_wqe *xenib_wr_new(struct xenib_wq *sq,
				    struct xenib_wr_build *b, uint64_t wr_id,
				    unsigned int wr_flags, uint8_t opcode);
void xenib_wr_set_sge_list(struct xenib_wq *sq, struct xenib_wr_build *b,
			   size_t num_sge, const struct ibv_sge *sg_list);
void xenib_wr_set_inline_list(struct xenib_wq *sq, struct xenib_wr_build *b,
			      size_t num_buf, const struct ibv_data_buf *buf);
void xenib_wr_set_ud(struct xenib_wr_build *b, uint32_t ah_handle,
		     uint32_t remote_qpn, uint32_t remote_qkey);
int xenib_wr_complete(struct xenib_wq *sq, struct xenib_wr_build *b,
		      unsigned int *posted);
void xenib_wr_abort(struct xenib_wq *sq, struct xenib_wr_build *b);
int xenib_cq_ring_poll(struct xenib_cq_ring *cq, int ne, struct ibv_wc *wc);
int xenib_cq_ring_peek(struct xenib_cq_ring *cq, struct ibv_wc *wc);
void xenib_cq_ring_next(struct xenib_cq_ring *cq);
void xenib_cq_ring_publish(struct xenib_cq_ring *cq);
void xenib_cq_ring_arm(struct xenib_cq_ring *cq, int solicited_only);
void xenib_cqe_to_wc(const struct xenib_cqe *cqe, struct ibv_wc *wc);

#endif /* XENIB_QUEUE_H */
