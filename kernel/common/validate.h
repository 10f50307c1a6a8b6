/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * validate.h - checks of every message and shared entry that crosses the
 * domain boundary.  Callers pass a private copy, never shared memory.
 *
 * Return convention of every checker:
 *   0            valid
 *   -EOPNOTSUPP  unknown opcode, or a defined feature not offered/allowed
 *   -EPROTO      malformed: a reserved field, padding octet, tail octet or
 *                unknown flag bit is not zero, an enum is out of its range,
 *                a page directory is inconsistent
 *   -EINVAL      well-formed but out of bounds: a count, length or index
 *                beyond a limit, a missing handle, a length that overflows
 * The backend turns the result into the response status with
 * xenib_status_from_errno().
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef XENIB_COMMON_VALIDATE_H
#define XENIB_COMMON_VALIDATE_H

#include "compat.h"
#include <xen/interface/io/vibif.h>
#include <rdma/xenib-abi.h>

/**
 * struct xenib_limits - what the backend allows one guest
 * @max_qp_wr: WRs per send or receive queue (device, quota-qp-wr)
 * @max_send_sge: SGEs per send WQE
 * @max_recv_sge: SGEs per receive WQE
 * @max_inline_data: inline octets per send WQE
 * @max_cqe: CQEs per CQ (device, quota-cqe)
 * @max_srq_wr: WRs per SRQ
 * @max_srq_sge: SGEs per SRQ WQE
 * @max_qp_rd_atom: responder RDMA reads/atomics (max_dest_rd_atomic)
 * @max_qp_init_rd_atom: initiator RDMA reads/atomics (max_rd_atomic)
 * @num_comp_vectors: completion vectors
 * @gid_tbl_len: GID table length of the port
 * @pkey_tbl_len: P_Key table length of the port
 * @max_queue_pages: pages of one queue buffer
 * @max_mr_pages: pages of one MR, at most XEN_VIBIF_PGDIR_MAX_PAGES
 * @max_mr_size: octets of one MR
 * @feature_gfn_mr: the backend wrote feature-gfn-mr = 1
 *
 * Filled by the backend from the real device's attributes and the guest's
 * quotas; a limit of 0 refuses everything it bounds.
 */
struct xenib_limits {
	u32 max_qp_wr;
	u32 max_send_sge;
	u32 max_recv_sge;
	u32 max_inline_data;
	u32 max_cqe;
	u32 max_srq_wr;
	u32 max_srq_sge;
	u32 max_qp_rd_atom;
	u32 max_qp_init_rd_atom;
	u32 num_comp_vectors;
	u32 gid_tbl_len;
	u32 pkey_tbl_len;
	u32 max_queue_pages;
	u32 max_mr_pages;
	u64 max_mr_size;
	bool feature_gfn_mr;
};

/**
 * struct xenib_sq_params - what a send WQE is checked against
 * @qp_type: XEN_VIBIF_QPT_* of the QP
 * @wqe_shift: slot size 2^wqe_shift, as created
 * @max_sge: granted max_send_sge
 * @max_inline: granted max_inline_data
 */
struct xenib_sq_params {
	u8 qp_type;
	u8 wqe_shift;
	u32 max_sge;
	u32 max_inline;
};

/**
 * struct xenib_rq_params - what a receive WQE is checked against
 * @wqe_shift: slot size 2^wqe_shift, as created
 * @max_sge: granted max_recv_sge (or SRQ max_sge)
 */
struct xenib_rq_params {
	u8 wqe_shift;
	u32 max_sge;
};

/* Largest message, and largest sum of SGE lengths, in octets (IB: 2^31). */
#define XENIB_MAX_MSG_SIZE	0x80000000U

int xenib_pgdir_shape(u32 npages, u8 type, u8 *levels, u16 *nrefs);
int xenib_pgdir_check(const struct xen_vibif_pgdir *pgdir, bool allow_gfn);
u32 xenib_request_body_size(u16 opcode);
u32 xenib_response_body_size(u16 opcode);
int xenib_request_check(const struct xen_vibif_request *copy,
			const struct xenib_limits *lim);
int xenib_response_check(const struct xen_vibif_response *copy,
			 const struct xen_vibif_request *req);
int xenib_send_wqe_check(const void *copy, u32 len,
			 const struct xenib_sq_params *p);
int xenib_recv_wqe_check(const void *copy, u32 len,
			 const struct xenib_rq_params *p);
int xenib_event_check(const struct xen_vibif_event *copy);

#endif /* XENIB_COMMON_VALIDATE_H */
