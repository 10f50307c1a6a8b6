/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * builders.h - valid messages for the unit tests and the fuzz seeds.
 */
#ifndef XENIB_TEST_BUILDERS_H
#define XENIB_TEST_BUILDERS_H

#include "compat.h"
#include "validate.h"

/* Variants of b_request() per opcode. */
enum {
	V_DEFAULT = 0,
	/* CREATE_QP */
	V_QP_SRQ = 1, V_QP_UD = 2, V_QP_UC = 3, V_QP_BIG = 4, V_QP_2PAGES = 5,
	/* MODIFY_QP */
	V_MQP_RTR = 1, V_MQP_RTS = 2, V_MQP_ALT = 3, V_MQP_NOGRH = 4,
	/* REG_MR */
	V_MR_256M = 1, V_MR_GFN = 2, V_MR_MAX = 3, V_MR_RO = 4,
	/* CREATE_CQ */
	V_CQ_BIG = 1,
	V_COUNT = 6,
};

/* Limit sets. */
enum { L_DEFAULT, L_TIGHT, L_GFN, L_ZERO, L_SMALLQ, L_COUNT };

void b_limits(struct xenib_limits *l, int which);
void b_pgdir(struct xen_vibif_pgdir *pd, u32 npages, u8 type);
void b_queue_pgdir(struct xen_vibif_pgdir *pd, u32 log_nslots, u32 shift);
/* Returns false if @op has no such variant. */
bool b_request(struct xen_vibif_request *r, u16 op, int variant);
void b_response(struct xen_vibif_response *rsp,
		const struct xen_vibif_request *req);
/* Send WQE of @opcode for @qp_type into @buf (at least 256 octets). */
u32 b_send_wqe(void *buf, u8 opcode, u8 qp_type, bool inl);
u32 b_recv_wqe(void *buf, u16 nsge);
void b_event(struct xen_vibif_event *ev, u8 type);

/* Send queue parameters the WQE builders target: RC, 256-octet slots. */
#define B_SQ_SHIFT	8
#define B_SQ_MAX_SGE	4
#define B_SQ_MAX_INLINE	128
#define B_RQ_SHIFT	7
#define B_RQ_MAX_SGE	4

#endif
