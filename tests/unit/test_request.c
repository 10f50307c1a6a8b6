// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_request.c - xenib_request_check() and the page directory helpers:
 * for every opcode a valid request (bytes in) is accepted, and one patch per
 * rule turns it into the expected error (result out).
 */
#include <stdio.h>
#include <string.h>

#include "builders.h"
#include "harness.h"

struct patch {
	u16 off;
	u8 width;	/* 0 ends the list */
	u64 val;
};

struct rcase {
	const char *name;
	u16 op;
	int variant;
	int lim;
	struct patch p[6];
	int expect;
};

#define RQ	struct xen_vibif_request
#define P(field, v)							\
	{ offsetof(RQ, field), sizeof(((RQ *)0)->field), (u64)(v) }
/* One octet of an array field. */
#define P1(field, v)	{ offsetof(RQ, field), 1, (u64)(v) }

#define OP(x)		XEN_VIBIF_OP_##x
#define CQ(f)		u.create_cq.f
#define QP(f)		u.create_qp.f
#define MQ(f)		u.modify_qp.attr.f
#define MR(f)		u.reg_mr.f
#define SRQ(f)		u.create_srq.f

static const struct rcase cases[] = {
	/* header */
	{ "opcode 0", OP(QUERY_DEVICE), 0, 0, { P(hdr.opcode, 0) }, -EOPNOTSUPP },
	{ "opcode COUNT", OP(QUERY_DEVICE), 0, 0,
	  { P(hdr.opcode, XEN_VIBIF_OP_COUNT) }, -EOPNOTSUPP },
	{ "opcode 0xffff", OP(QUERY_DEVICE), 0, 0,
	  { P(hdr.opcode, 0xffff) }, -EOPNOTSUPP },
	{ "flags", OP(QUERY_DEVICE), 0, 0, { P(hdr.flags, 1) }, -EPROTO },
	{ "flags high", OP(ALLOC_PD), 0, 0, { P(hdr.flags, 0x8000) }, -EPROTO },
	{ "hdr reserved", OP(QUERY_DEVICE), 0, 0,
	  { P(hdr.reserved, 0x80000000) }, -EPROTO },
	{ "id is free", OP(QUERY_DEVICE), 0, 0, { P(hdr.id, ~0ULL) }, 0 },
	{ "query_device body", OP(QUERY_DEVICE), 0, 0,
	  { P1(u.raw[0], 1) }, -EPROTO },
	{ "query_device last octet", OP(QUERY_DEVICE), 0, 0,
	  { P1(u.raw[239], 1) }, -EPROTO },

	/* QUERY_PORT / GID / PKEY */
	{ "port 0", OP(QUERY_PORT), 0, 0, { P(u.query_port.port_num, 0) }, -EINVAL },
	{ "port 2", OP(QUERY_PORT), 0, 0, { P(u.query_port.port_num, 2) }, -EINVAL },
	{ "port reserved", OP(QUERY_PORT), 0, 0,
	  { P1(u.query_port.reserved[6], 1) }, -EPROTO },
	{ "gid port", OP(QUERY_GID), 0, 0, { P(u.query_gid.port_num, 2) }, -EINVAL },
	{ "gid index = len", OP(QUERY_GID), 0, 0, { P(u.query_gid.index, 16) }, -EINVAL },
	{ "gid index huge", OP(QUERY_GID), 0, 0,
	  { P(u.query_gid.index, 0xffffffff) }, -EINVAL },
	{ "gid index 0", OP(QUERY_GID), 0, 0, { P(u.query_gid.index, 0) }, 0 },
	{ "gid reserved", OP(QUERY_GID), 0, 0,
	  { P1(u.query_gid.reserved[2], 1) }, -EPROTO },
	{ "pkey port", OP(QUERY_PKEY), 0, 0, { P(u.query_pkey.port_num, 0) }, -EINVAL },
	{ "pkey index", OP(QUERY_PKEY), 0, 0, { P(u.query_pkey.index, 1) }, -EINVAL },
	{ "pkey reserved0", OP(QUERY_PKEY), 0, 0,
	  { P(u.query_pkey.reserved0, 1) }, -EPROTO },
	{ "pkey reserved1", OP(QUERY_PKEY), 0, 0,
	  { P(u.query_pkey.reserved1, 1) }, -EPROTO },

	/* ALLOC_UCONTEXT / ALLOC_PD */
	{ "uctx reserved", OP(ALLOC_UCONTEXT), 0, 0,
	  { P(u.alloc_ucontext.reserved, 1) }, -EPROTO },
	{ "uctx any ref", OP(ALLOC_UCONTEXT), 0, 0,
	  { P(u.alloc_ucontext.db_ref, 0xffffffff) }, 0 },
	{ "pd reserved", OP(ALLOC_PD), 0, 0, { P(u.alloc_pd.reserved, 1) }, -EPROTO },
	{ "pd kernel (no ucontext)", OP(ALLOC_PD), 0, 0,
	  { P(u.alloc_pd.ucontext, 0) }, 0 },

	/* CREATE_CQ */
	{ "cq big", OP(CREATE_CQ), V_CQ_BIG, 0, { { 0 } }, 0 },
	{ "cq comp_vector", OP(CREATE_CQ), 0, 0, { P(CQ(comp_vector), 4) }, -EINVAL },
	{ "cq no ucontext", OP(CREATE_CQ), 0, 0, { P(CQ(ucontext), 0) }, 0 },
	{ "cq log > max", OP(CREATE_CQ), 0, 0, { P(CQ(log_nslots), 21) }, -EINVAL },
	{ "cq log 255", OP(CREATE_CQ), 0, 0, { P(CQ(log_nslots), 255) }, -EINVAL },
	{ "cq > max_cqe", OP(CREATE_CQ), 0, L_TIGHT,
	  { P(CQ(comp_vector), 0) }, -EINVAL },
	{ "cq = max_cqe", OP(CREATE_CQ), 0, L_TIGHT,
	  { P(CQ(comp_vector), 0), P(CQ(log_nslots), 3) }, 0 },
	{ "cq reserved", OP(CREATE_CQ), 0, 0, { P1(CQ(reserved[3]), 1) }, -EPROTO },
	{ "cq pgdir npages", OP(CREATE_CQ), 0, 0,
	  { P(CQ(pgdir.npages), 2), P(CQ(pgdir.nrefs), 2), P(CQ(pgdir.ref[1]), 5) },
	  -EINVAL },
	{ "cq pgdir gfn", OP(CREATE_CQ), 0, L_GFN,
	  { P(CQ(pgdir.type), XEN_VIBIF_PGDIR_GFN), P(CQ(pgdir.levels), 1) },
	  -EPROTO },
	{ "cq pgdir type 2", OP(CREATE_CQ), 0, 0, { P(CQ(pgdir.type), 2) }, -EPROTO },
	{ "cq pgdir levels 3", OP(CREATE_CQ), 0, 0, { P(CQ(pgdir.levels), 3) }, -EPROTO },
	{ "cq pgdir levels 1 not minimal", OP(CREATE_CQ), 0, 0,
	  { P(CQ(pgdir.levels), 1) }, -EPROTO },
	{ "cq pgdir nrefs 0", OP(CREATE_CQ), 0, 0, { P(CQ(pgdir.nrefs), 0) }, -EPROTO },
	{ "cq pgdir nrefs 17", OP(CREATE_CQ), 0, 0, { P(CQ(pgdir.nrefs), 17) }, -EPROTO },
	{ "cq pgdir stray ref", OP(CREATE_CQ), 0, 0, { P(CQ(pgdir.ref[15]), 1) }, -EPROTO },
	{ "cq pgdir npages 0", OP(CREATE_CQ), 0, 0, { P(CQ(pgdir.npages), 0) }, -EINVAL },
	{ "cq pgdir npages huge", OP(CREATE_CQ), 0, 0,
	  { P(CQ(pgdir.npages), 0xffffffff) }, -EINVAL },
	{ "cq > max_queue_pages", OP(CREATE_CQ), V_CQ_BIG, L_SMALLQ, { { 0 } },
	  -EINVAL },
	{ "cq = max_queue_pages", OP(CREATE_CQ), 0, L_SMALLQ, { { 0 } }, 0 },

	/* RESIZE_CQ */
	{ "resize cq 0", OP(RESIZE_CQ), 0, 0, { P(u.resize_cq.cq, 0) }, -EINVAL },
	{ "resize reserved0", OP(RESIZE_CQ), 0, 0,
	  { P(u.resize_cq.reserved0, 1) }, -EPROTO },
	{ "resize reserved1", OP(RESIZE_CQ), 0, 0,
	  { P1(u.resize_cq.reserved1[6], 1) }, -EPROTO },
	{ "resize log", OP(RESIZE_CQ), 0, 0, { P(u.resize_cq.log_nslots, 7) }, -EINVAL },
	{ "resize > max_cqe", OP(RESIZE_CQ), 0, L_TIGHT, { { 0 } }, -EINVAL },

	/* RESIZE_SRQ */
	{ "rsrq srq 0", OP(RESIZE_SRQ), 0, 0, { P(u.resize_srq.srq, 0) }, -EINVAL },
	{ "rsrq reserved", OP(RESIZE_SRQ), 0, 0,
	  { P1(u.resize_srq.reserved[5], 1) }, -EPROTO },
	{ "rsrq max_wr 0", OP(RESIZE_SRQ), 0, 0, { P(u.resize_srq.max_wr, 0) }, -EINVAL },
	{ "rsrq max_wr > slots", OP(RESIZE_SRQ), 0, 0,
	  { P(u.resize_srq.max_wr, 33) }, -EINVAL },
	{ "rsrq max_wr = slots", OP(RESIZE_SRQ), 0, 0,
	  { P(u.resize_srq.max_wr, 32) }, 0 },
	{ "rsrq max_wr > max_srq_wr", OP(RESIZE_SRQ), 0, L_TIGHT, { { 0 } }, -EINVAL },
	{ "rsrq shift 4", OP(RESIZE_SRQ), 0, 0, { P(u.resize_srq.wqe_shift, 4) }, -EINVAL },
	{ "rsrq log 21", OP(RESIZE_SRQ), 0, 0, { P(u.resize_srq.log_nslots, 21) }, -EINVAL },
	{ "rsrq pgdir npages", OP(RESIZE_SRQ), 0, 0,
	  { P(u.resize_srq.pgdir.npages, 2), P(u.resize_srq.pgdir.nrefs, 2),
	    P(u.resize_srq.pgdir.ref[1], 5) }, -EINVAL },

	/* ATTACH_MCAST, DETACH_MCAST */
	{ "mcast qp 0", OP(ATTACH_MCAST), 0, 0, { P(u.mcast.qp, 0) }, -EINVAL },
	{ "mcast reserved", OP(DETACH_MCAST), 0, 0, { P(u.mcast.reserved, 1) }, -EPROTO },
	{ "mcast any lid", OP(ATTACH_MCAST), 0, 0, { P(u.mcast.lid, 0xffff) }, 0 },

	/* CREATE_QP */
	{ "qp srq", OP(CREATE_QP), V_QP_SRQ, 0, { { 0 } }, 0 },
	{ "qp ud", OP(CREATE_QP), V_QP_UD, 0, { { 0 } }, 0 },
	{ "qp uc", OP(CREATE_QP), V_QP_UC, 0, { { 0 } }, 0 },
	{ "qp big (levels 1)", OP(CREATE_QP), V_QP_BIG, 0, { { 0 } }, 0 },
	{ "qp 2 pages", OP(CREATE_QP), V_QP_2PAGES, 0, { { 0 } }, 0 },
	{ "qp big > queue pages", OP(CREATE_QP), V_QP_BIG, L_SMALLQ, { { 0 } },
	  -EINVAL },
	{ "qp rq > queue pages", OP(CREATE_QP), V_QP_2PAGES, L_SMALLQ,
	  { P(QP(sq_log_nslots), 4), P(QP(cap.max_send_wr), 16),
	    P(QP(sq_pgdir.npages), 1), P(QP(sq_pgdir.nrefs), 1),
	    P(QP(sq_pgdir.ref[1]), 0) }, -EINVAL },
	{ "qp ucontext 0", OP(CREATE_QP), 0, 0, { P(QP(ucontext), 0) }, -EINVAL },
	{ "qp pd 0", OP(CREATE_QP), 0, 0, { P(QP(pd), 0) }, -EINVAL },
	{ "qp send_cq 0", OP(CREATE_QP), 0, 0, { P(QP(send_cq), 0) }, -EINVAL },
	{ "qp recv_cq 0", OP(CREATE_QP), 0, 0, { P(QP(recv_cq), 0) }, -EINVAL },
	{ "qp type 1", OP(CREATE_QP), 0, 0, { P(QP(qp_type), 1) }, -EPROTO },
	{ "qp type 5", OP(CREATE_QP), 0, 0, { P(QP(qp_type), 5) }, -EPROTO },
	{ "qp sq_sig_all 2", OP(CREATE_QP), 0, 0, { P(QP(sq_sig_all), 2) }, -EPROTO },
	{ "qp db_index 4096", OP(CREATE_QP), 0, 0, { P(QP(db_index), 4096) }, -EINVAL },
	{ "qp db_index 4095", OP(CREATE_QP), 0, 0, { P(QP(db_index), 4095) }, 0 },
	{ "qp reserved", OP(CREATE_QP), 0, 0, { P(QP(reserved), 1) }, -EPROTO },
	{ "qp cap reserved", OP(CREATE_QP), 0, 0, { P(QP(cap.reserved), 1) }, -EPROTO },
	{ "qp sq shift 6", OP(CREATE_QP), 0, 0, { P(QP(sq_wqe_shift), 6) }, -EINVAL },
	{ "qp sq shift 12", OP(CREATE_QP), 0, 0, { P(QP(sq_wqe_shift), 12) }, -EINVAL },
	{ "qp sq log 21", OP(CREATE_QP), 0, 0, { P(QP(sq_log_nslots), 21) }, -EINVAL },
	{ "qp send_wr > slots", OP(CREATE_QP), 0, 0,
	  { P(QP(cap.max_send_wr), 17) }, -EINVAL },
	{ "qp send_wr 0", OP(CREATE_QP), 0, 0, { P(QP(cap.max_send_wr), 0) }, 0 },
	{ "qp send_wr > limit", OP(CREATE_QP), 0, L_TIGHT, { { 0 } }, -EINVAL },
	{ "qp send_sge > slot", OP(CREATE_QP), 0, 0,
	  { P(QP(cap.max_send_sge), 5) }, -EINVAL },
	{ "qp send_sge > limit", OP(CREATE_QP), 0, L_TIGHT,
	  { P(QP(cap.max_send_wr), 8) }, -EINVAL },
	{ "qp inline > slot", OP(CREATE_QP), 0, 0,
	  { P(QP(cap.max_inline_data), 65) }, -EINVAL },
	{ "qp inline huge", OP(CREATE_QP), 0, 0,
	  { P(QP(cap.max_inline_data), 0xffffffff) }, -EINVAL },
	{ "qp inline > limit", OP(CREATE_QP), V_QP_BIG, 0,
	  { P(QP(cap.max_inline_data), 513) }, -EINVAL },
	{ "qp sq pgdir mismatch", OP(CREATE_QP), 0, 0,
	  { P(QP(sq_log_nslots), 5) }, -EINVAL },
	{ "qp sq pgdir gfn", OP(CREATE_QP), 0, L_GFN,
	  { P(QP(sq_pgdir.type), 1), P(QP(sq_pgdir.levels), 1) }, -EPROTO },
	{ "qp rq shift 4", OP(CREATE_QP), 0, 0, { P(QP(rq_wqe_shift), 4) }, -EINVAL },
	{ "qp rq shift 11", OP(CREATE_QP), 0, 0, { P(QP(rq_wqe_shift), 11) }, -EINVAL },
	{ "qp recv_wr > slots", OP(CREATE_QP), 0, 0,
	  { P(QP(cap.max_recv_wr), 17) }, -EINVAL },
	{ "qp recv_sge > slot", OP(CREATE_QP), 0, 0,
	  { P(QP(cap.max_recv_sge), 2) }, -EINVAL },
	{ "qp recv_sge > limit", OP(CREATE_QP), 0, L_TIGHT,
	  { P(QP(cap.max_send_wr), 8), P(QP(cap.max_recv_wr), 8),
	    P(QP(cap.max_send_sge), 2), P(QP(cap.max_inline_data), 16) }, -EINVAL },
	{ "qp rq pgdir stray", OP(CREATE_QP), 0, 0,
	  { P(QP(rq_pgdir.ref[3]), 9) }, -EPROTO },
	{ "qp rq pgdir empty", OP(CREATE_QP), 0, 0,
	  { P(QP(rq_pgdir.npages), 0), P(QP(rq_pgdir.nrefs), 0),
	    P(QP(rq_pgdir.ref[0]), 0) }, -EINVAL },
	{ "qp srq + rq shift", OP(CREATE_QP), V_QP_SRQ, 0,
	  { P(QP(rq_wqe_shift), 5) }, -EINVAL },
	{ "qp srq + rq log", OP(CREATE_QP), V_QP_SRQ, 0,
	  { P(QP(rq_log_nslots), 1) }, -EINVAL },
	{ "qp srq + recv_wr", OP(CREATE_QP), V_QP_SRQ, 0,
	  { P(QP(cap.max_recv_wr), 1) }, -EINVAL },
	{ "qp srq + recv_sge", OP(CREATE_QP), V_QP_SRQ, 0,
	  { P(QP(cap.max_recv_sge), 1) }, -EINVAL },
	{ "qp srq + rq pgdir", OP(CREATE_QP), V_QP_SRQ, 0,
	  { P(QP(rq_pgdir.ref[0]), 1) }, -EINVAL },

	/* MODIFY_QP */
	{ "mqp rtr", OP(MODIFY_QP), V_MQP_RTR, 0, { { 0 } }, 0 },
	{ "mqp rtr no grh", OP(MODIFY_QP), V_MQP_NOGRH, 0, { { 0 } }, 0 },
	{ "mqp rts", OP(MODIFY_QP), V_MQP_RTS, 0, { { 0 } }, 0 },
	{ "mqp alt", OP(MODIFY_QP), V_MQP_ALT, 0, { { 0 } }, 0 },
	{ "mqp qp 0", OP(MODIFY_QP), 0, 0, { P(u.modify_qp.qp, 0) }, -EINVAL },
	{ "mqp mask 0", OP(MODIFY_QP), 0, 0,
	  { P(u.modify_qp.attr_mask, 0), P(MQ(qp_state), 0), P(MQ(port_num), 0),
	    P(MQ(qp_access_flags), 0) }, -EINVAL },
	{ "mqp mask unknown", OP(MODIFY_QP), 0, 0,
	  { P(u.modify_qp.attr_mask, 0x200039) }, -EPROTO },
	{ "mqp mask rate limit", OP(MODIFY_QP), 0, 0,
	  { P(u.modify_qp.attr_mask, 0x2000039) }, -EPROTO },
	{ "mqp mask CAP", OP(MODIFY_QP), 0, 0,
	  { P(u.modify_qp.attr_mask, 0x80039) }, -EOPNOTSUPP },
	{ "mqp state 7", OP(MODIFY_QP), 0, 0, { P(MQ(qp_state), 7) }, -EINVAL },
	{ "mqp state ERR", OP(MODIFY_QP), 0, 0, { P(MQ(qp_state), 6) }, 0 },
	{ "mqp cur_state 7", OP(MODIFY_QP), V_MQP_RTS, 0,
	  { P(MQ(cur_qp_state), 7) }, -EINVAL },
	{ "mqp sqd notify 2", OP(MODIFY_QP), V_MQP_RTS, 0,
	  { P(MQ(en_sqd_async_notify), 2) }, -EINVAL },
	{ "mqp access 0x10", OP(MODIFY_QP), 0, 0,
	  { P(MQ(qp_access_flags), 0x10) }, -EINVAL },
	{ "mqp pkey_index 1", OP(MODIFY_QP), 0, 0, { P(MQ(pkey_index), 1) }, -EINVAL },
	{ "mqp port 0", OP(MODIFY_QP), 0, 0, { P(MQ(port_num), 0) }, -EINVAL },
	{ "mqp port 2", OP(MODIFY_QP), 0, 0, { P(MQ(port_num), 2) }, -EINVAL },
	{ "mqp qkey w/o bit", OP(MODIFY_QP), 0, 0, { P(MQ(qkey), 1) }, -EPROTO },
	{ "mqp mtu 0", OP(MODIFY_QP), V_MQP_RTR, 0, { P(MQ(path_mtu), 0) }, -EINVAL },
	{ "mqp mtu 6", OP(MODIFY_QP), V_MQP_RTR, 0, { P(MQ(path_mtu), 6) }, -EINVAL },
	{ "mqp timeout 32", OP(MODIFY_QP), V_MQP_RTS, 0, { P(MQ(timeout), 32) }, -EINVAL },
	{ "mqp retry 8", OP(MODIFY_QP), V_MQP_RTS, 0, { P(MQ(retry_cnt), 8) }, -EINVAL },
	{ "mqp rnr_retry 8", OP(MODIFY_QP), V_MQP_RTS, 0, { P(MQ(rnr_retry), 8) }, -EINVAL },
	{ "mqp rq_psn 2^24", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(rq_psn), 0x1000000) }, -EINVAL },
	{ "mqp rd_atomic > lim", OP(MODIFY_QP), V_MQP_RTS, 0,
	  { P(MQ(max_rd_atomic), 17) }, -EINVAL },
	{ "mqp min_rnr 32", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(min_rnr_timer), 32) }, -EINVAL },
	{ "mqp sq_psn 2^24", OP(MODIFY_QP), V_MQP_RTS, 0,
	  { P(MQ(sq_psn), 0x1000000) }, -EINVAL },
	{ "mqp dest_rd_atomic > lim", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(max_dest_rd_atomic), 17) }, -EINVAL },
	{ "mqp dest_rd_atomic tight", OP(MODIFY_QP), V_MQP_RTR, L_TIGHT,
	  { P(MQ(max_dest_rd_atomic), 2), P(MQ(ah_attr.sgid_index), 0) }, -EINVAL },
	{ "mqp mig 3", OP(MODIFY_QP), V_MQP_RTS, 0, { P(MQ(path_mig_state), 3) }, -EINVAL },
	{ "mqp dest_qpn 2^24", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(dest_qp_num), 0x1000000) }, -EINVAL },
	{ "mqp alt port 0", OP(MODIFY_QP), V_MQP_ALT, 0, { P(MQ(alt_port_num), 0) }, -EINVAL },
	{ "mqp alt timeout", OP(MODIFY_QP), V_MQP_ALT, 0, { P(MQ(alt_timeout), 32) }, -EINVAL },
	{ "mqp alt pkey", OP(MODIFY_QP), V_MQP_ALT, 0, { P(MQ(alt_pkey_index), 1) }, -EINVAL },
	{ "mqp alt w/o bit", OP(MODIFY_QP), 0, 0, { P(MQ(alt_timeout), 1) }, -EPROTO },
	{ "mqp alt ah w/o bit", OP(MODIFY_QP), 0, 0,
	  { P(MQ(alt_ah_attr.port_num), 1) }, -EPROTO },
	{ "mqp ah w/o AV", OP(MODIFY_QP), 0, 0, { P1(MQ(ah_attr.dmac[0]), 1) }, -EPROTO },
	{ "mqp reserved0", OP(MODIFY_QP), 0, 0, { P(MQ(reserved0), 1) }, -EPROTO },
	{ "mqp reserved1", OP(MODIFY_QP), 0, 0, { P(MQ(reserved1), 1) }, -EPROTO },
	{ "mqp rate_limit", OP(MODIFY_QP), 0, 0, { P(MQ(rate_limit), 1) }, -EPROTO },
	{ "mqp sq_draining", OP(MODIFY_QP), 0, 0, { P(MQ(sq_draining), 1) }, -EPROTO },
	{ "ah reserved", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.reserved), 1) }, -EPROTO },
	{ "ah flags 2", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.ah_flags), 3) }, -EPROTO },
	{ "ah port 0", OP(MODIFY_QP), V_MQP_RTR, 0, { P(MQ(ah_attr.port_num), 0) }, -EINVAL },
	{ "ah sl 16", OP(MODIFY_QP), V_MQP_RTR, 0, { P(MQ(ah_attr.sl), 16) }, -EINVAL },
	{ "ah spb 128", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.src_path_bits), 128) }, -EINVAL },
	{ "ah rate 23", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.static_rate), 23) }, -EINVAL },
	{ "ah rate 22", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.static_rate), 22) }, 0 },
	{ "ah sgid_index", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.sgid_index), 16) }, -EINVAL },
	{ "ah flow_label", OP(MODIFY_QP), V_MQP_RTR, 0,
	  { P(MQ(ah_attr.flow_label), 0x100000) }, -EINVAL },
	{ "ah no grh + dgid", OP(MODIFY_QP), V_MQP_NOGRH, 0,
	  { P1(MQ(ah_attr.dgid[15]), 1) }, -EPROTO },
	{ "ah no grh + hop", OP(MODIFY_QP), V_MQP_NOGRH, 0,
	  { P(MQ(ah_attr.hop_limit), 1) }, -EPROTO },
	{ "ah no grh + tclass", OP(MODIFY_QP), V_MQP_NOGRH, 0,
	  { P(MQ(ah_attr.traffic_class), 1) }, -EPROTO },
	{ "ah no grh + sgid", OP(MODIFY_QP), V_MQP_NOGRH, 0,
	  { P(MQ(ah_attr.sgid_index), 1) }, -EPROTO },
	{ "ah no grh + flow", OP(MODIFY_QP), V_MQP_NOGRH, 0,
	  { P(MQ(ah_attr.flow_label), 1) }, -EPROTO },
	{ "alt ah bad", OP(MODIFY_QP), V_MQP_ALT, 0,
	  { P(MQ(alt_ah_attr.sl), 16) }, -EINVAL },

	/* QUERY_QP */
	{ "qqp qp 0", OP(QUERY_QP), 0, 0, { P(u.query_qp.qp, 0) }, -EINVAL },
	{ "qqp mask", OP(QUERY_QP), 0, 0,
	  { P(u.query_qp.attr_mask, 0x00200000) }, -EPROTO },
	{ "qqp mask 0", OP(QUERY_QP), 0, 0, { P(u.query_qp.attr_mask, 0) }, 0 },

	/* CREATE_SRQ */
	{ "srq ucontext 0", OP(CREATE_SRQ), 0, 0, { P(SRQ(ucontext), 0) }, -EINVAL },
	{ "srq pd 0", OP(CREATE_SRQ), 0, 0, { P(SRQ(pd), 0) }, -EINVAL },
	{ "srq db 4096", OP(CREATE_SRQ), 0, 0, { P(SRQ(db_index), 4096) }, -EINVAL },
	{ "srq max_wr 0", OP(CREATE_SRQ), 0, 0,
	  { P(SRQ(max_wr), 0), P(SRQ(srq_limit), 0) }, -EINVAL },
	{ "srq max_wr > slots", OP(CREATE_SRQ), 0, 0, { P(SRQ(max_wr), 17) }, -EINVAL },
	{ "srq max_wr > limit", OP(CREATE_SRQ), 0, L_TIGHT,
	  { P(SRQ(max_sge), 0), P(SRQ(srq_limit), 0) }, -EINVAL },
	{ "srq max_sge > slot", OP(CREATE_SRQ), 0, 0, { P(SRQ(max_sge), 2) }, -EINVAL },
	{ "srq max_sge > limit", OP(CREATE_SRQ), 0, L_TIGHT,
	  { P(SRQ(max_wr), 8), P(SRQ(srq_limit), 0) }, -EINVAL },
	{ "srq limit = max_wr", OP(CREATE_SRQ), 0, 0, { P(SRQ(srq_limit), 16) }, -EINVAL },
	{ "srq shift 11", OP(CREATE_SRQ), 0, 0, { P(SRQ(wqe_shift), 11) }, -EINVAL },
	{ "srq shift 4", OP(CREATE_SRQ), 0, 0, { P(SRQ(wqe_shift), 4) }, -EINVAL },
	{ "srq reserved", OP(CREATE_SRQ), 0, 0, { P1(SRQ(reserved[5]), 1) }, -EPROTO },
	{ "srq pgdir mismatch", OP(CREATE_SRQ), 0, 0, { P(SRQ(log_nslots), 8) }, -EINVAL },

	/* MODIFY_SRQ */
	{ "msrq mask 0", OP(MODIFY_SRQ), 0, 0,
	  { P(u.modify_srq.attr_mask, 0), P(u.modify_srq.srq_limit, 0) }, -EINVAL },
	{ "msrq mask MAX_WR", OP(MODIFY_SRQ), 0, 0,
	  { P(u.modify_srq.attr_mask, 3) }, -EOPNOTSUPP },
	{ "msrq mask unknown", OP(MODIFY_SRQ), 0, 0,
	  { P(u.modify_srq.attr_mask, 6) }, -EPROTO },
	{ "msrq max_wr", OP(MODIFY_SRQ), 0, 0, { P(u.modify_srq.max_wr, 1) }, -EPROTO },
	{ "msrq limit w/o bit", OP(MODIFY_SRQ), 0, 0,
	  { P(u.modify_srq.attr_mask, 0) }, -EPROTO },
	{ "msrq srq 0", OP(MODIFY_SRQ), 0, 0, { P(u.modify_srq.srq, 0) }, -EINVAL },
	{ "msrq limit > max", OP(MODIFY_SRQ), 0, 0,
	  { P(u.modify_srq.srq_limit, 4096) }, -EINVAL },

	/* CREATE_AH */
	{ "ah no grh", OP(CREATE_AH), 1, 0, { { 0 } }, 0 },
	{ "ah pd 0", OP(CREATE_AH), 0, 0, { P(u.create_ah.pd, 0) }, -EINVAL },
	{ "ah req reserved", OP(CREATE_AH), 0, 0, { P(u.create_ah.reserved, 1) }, -EPROTO },
	{ "ah req port", OP(CREATE_AH), 0, 0,
	  { P(u.create_ah.ah_attr.port_num, 2) }, -EINVAL },
	{ "ah req sgid tight", OP(CREATE_AH), 0, L_TIGHT, { { 0 } }, -EINVAL },

	/* REG_MR */
	{ "mr 256M", OP(REG_MR), V_MR_256M, 0, { { 0 } }, 0 },
	{ "mr 256M shape", OP(REG_MR), V_MR_256M, 0,
	  { P(MR(pgdir.levels), 1), P(MR(pgdir.nrefs), 64) }, -EPROTO },
	{ "mr max 64G", OP(REG_MR), V_MR_MAX, 0, { { 0 } }, 0 },
	{ "mr max + 1 page", OP(REG_MR), V_MR_MAX, 0,
	  { P(MR(length), (1ULL << 36) + 1) }, -EINVAL },
	{ "mr gfn", OP(REG_MR), V_MR_GFN, L_GFN, { { 0 } }, 0 },
	{ "mr gfn w/o feature", OP(REG_MR), V_MR_GFN, 0, { { 0 } }, -EOPNOTSUPP },
	{ "mr gfn levels 0", OP(REG_MR), 0, L_GFN, { P(MR(pgdir.type), 1) }, -EPROTO },
	{ "mr read-only top of space", OP(REG_MR), V_MR_RO, 0, { { 0 } }, 0 },
	{ "mr wraps", OP(REG_MR), V_MR_RO, 0, { P(MR(length), 4097) }, -EINVAL },
	{ "mr wraps far", OP(REG_MR), V_MR_RO, 0,
	  { P(MR(length), 0xffffffffffffffffULL) }, -EINVAL },
	{ "mr pd 0", OP(REG_MR), 0, 0, { P(MR(pd), 0) }, -EINVAL },
	{ "mr access zero-based", OP(REG_MR), 0, 0, { P(MR(access), 0x2f) }, -EPROTO },
	{ "mr access mw_bind", OP(REG_MR), 0, 0, { P(MR(access), 0x1f) }, 0 },
	{ "mr access flush", OP(REG_MR), 0, 0, { P(MR(access), 0x30f) }, 0 },
	{ "mr access 0x400", OP(REG_MR), 0, 0, { P(MR(access), 0x40f) }, -EPROTO },
	{ "mr rw w/o lw", OP(REG_MR), 0, 0,
	  { P(MR(access), XEN_VIBIF_ACCESS_REMOTE_WRITE) }, -EINVAL },
	{ "mr ratomic w/o lw", OP(REG_MR), 0, 0,
	  { P(MR(access), XEN_VIBIF_ACCESS_REMOTE_ATOMIC) }, -EINVAL },
	{ "mr local only", OP(REG_MR), 0, 0, { P(MR(access), 0) }, 0 },
	{ "mr length 0", OP(REG_MR), 0, 0, { P(MR(length), 0) }, -EINVAL },
	{ "mr > max_mr_size", OP(REG_MR), 0, L_TIGHT, { { 0 } }, -EINVAL },
	{ "mr > max_mr_pages", OP(REG_MR), 0, L_TIGHT,
	  { P(MR(length), 4096) }, -EINVAL },
	{ "mr offset 4096", OP(REG_MR), 0, 0, { P(MR(offset), 4096) }, -EINVAL },
	{ "mr offset != iova", OP(REG_MR), 0, 0, { P(MR(offset), 0x200) }, -EINVAL },
	{ "mr npages mismatch", OP(REG_MR), 0, 0,
	  { P(MR(pgdir.npages), 4), P(MR(pgdir.nrefs), 4), P(MR(pgdir.ref[3]), 7) },
	  -EINVAL },
	{ "mr reserved", OP(REG_MR), 0, 0, { P(MR(reserved), 1) }, -EPROTO },
	{ "mr stray ref", OP(REG_MR), 0, 0, { P(MR(pgdir.ref[3]), 7) }, -EPROTO },
};

static void apply(struct xen_vibif_request *r, const struct patch *p)
{
	u8 *b = (u8 *)r;
	int i;

	for (; p->width; p++)
		for (i = 0; i < p->width; i++)
			b[p->off + i] = i < 8 ? (u8)(p->val >> (8 * i)) : 0;
}

static void run_cases(void)
{
	struct xen_vibif_request r;
	struct xenib_limits lim;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct rcase *c = &cases[i];

		if (!b_request(&r, c->op, c->variant)) {
			CHECK(0, "%s: no builder for op %u variant %d", c->name,
			      c->op, c->variant);
			continue;
		}
		apply(&r, c->p);
		b_limits(&lim, c->lim);
		CHECK_EQ(xenib_request_check(&r, &lim), c->expect, "%s", c->name);
	}
}

/* Every opcode: default request valid; every octet of its tail refused;
 * zero limits refuse what they bound. */
static void run_per_opcode(void)
{
	struct xen_vibif_request r;
	struct xenib_limits lim;
	u16 op;
	u32 size, off;

	b_limits(&lim, L_DEFAULT);
	for (op = 1; op < XEN_VIBIF_OP_COUNT; op++) {
		CHECK(b_request(&r, op, V_DEFAULT), "builder op %u", op);
		CHECK_EQ(xenib_request_check(&r, &lim), 0, "valid op %u", op);
		size = xenib_request_body_size(op);
		CHECK(size <= XEN_VIBIF_BODY_SIZE, "size op %u", op);
		/* One case per opcode: the first tail octet not refused. */
		for (off = size; off < XEN_VIBIF_BODY_SIZE; off++) {
			b_request(&r, op, V_DEFAULT);
			r.u.raw[off] = 0x80;
			if (xenib_request_check(&r, &lim) != -EPROTO)
				break;
		}
		CHECK(off == XEN_VIBIF_BODY_SIZE,
		      "tail op %u: octet %u not refused with EPROTO", op, off);
	}
	/* Body sizes equal the structures. */
	CHECK_EQ(xenib_request_body_size(XEN_VIBIF_OP_CREATE_QP),
		 sizeof(struct xen_vibif_create_qp_req), "qp size");
	CHECK_EQ(xenib_request_body_size(XEN_VIBIF_OP_REG_MR),
		 sizeof(struct xen_vibif_reg_mr_req), "mr size");
	CHECK_EQ(xenib_request_body_size(XEN_VIBIF_OP_QUERY_DEVICE), 0, "qd");
	CHECK_EQ(xenib_request_body_size(0), 0, "op 0");
	CHECK_EQ(xenib_request_body_size(XEN_VIBIF_OP_COUNT), 0, "op max");
	CHECK_EQ(xenib_response_body_size(XEN_VIBIF_OP_QUERY_QP),
		 sizeof(struct xen_vibif_query_qp_rsp), "qqp rsp");

	/* With all limits zero, size-bounded creates fail. */
	b_limits(&lim, L_ZERO);
	b_request(&r, XEN_VIBIF_OP_CREATE_CQ, V_DEFAULT);
	CHECK_EQ(xenib_request_check(&r, &lim), -EINVAL, "zero lim cq");
	b_request(&r, XEN_VIBIF_OP_CREATE_QP, V_DEFAULT);
	CHECK_EQ(xenib_request_check(&r, &lim), -EINVAL, "zero lim qp");
	b_request(&r, XEN_VIBIF_OP_REG_MR, V_DEFAULT);
	CHECK_EQ(xenib_request_check(&r, &lim), -EINVAL, "zero lim mr");
	b_request(&r, XEN_VIBIF_OP_QUERY_GID, V_DEFAULT);
	CHECK_EQ(xenib_request_check(&r, &lim), -EINVAL, "zero lim gid");

	/* Handle-only opcodes: handle 0 and reserved. */
	for (op = 1; op < XEN_VIBIF_OP_COUNT; op++) {
		if (xenib_request_body_size(op) != sizeof(struct xen_vibif_handle_req) ||
		    op == XEN_VIBIF_OP_ALLOC_UCONTEXT || op == XEN_VIBIF_OP_ALLOC_PD ||
		    op == XEN_VIBIF_OP_QUERY_PORT || op == XEN_VIBIF_OP_QUERY_GID ||
		    op == XEN_VIBIF_OP_QUERY_PKEY || op == XEN_VIBIF_OP_QUERY_QP)
			continue;
		b_limits(&lim, L_DEFAULT);
		b_request(&r, op, V_DEFAULT);
		r.u.handle.handle = 0;
		CHECK_EQ(xenib_request_check(&r, &lim), -EINVAL, "handle 0 op %u", op);
		b_request(&r, op, V_DEFAULT);
		r.u.handle.reserved = cpu_to_le32(1);
		CHECK_EQ(xenib_request_check(&r, &lim), -EPROTO, "handle rsvd op %u", op);
	}
}

static const struct {
	u32 npages;
	u8 type;
	int ret;
	u8 levels;
	u16 nrefs;
} shapes[] = {
	{ 0, XEN_VIBIF_PGDIR_GRANT, -EINVAL, 0, 0 },
	{ 1, XEN_VIBIF_PGDIR_GRANT, 0, 0, 1 },
	{ 16, XEN_VIBIF_PGDIR_GRANT, 0, 0, 16 },
	{ 17, XEN_VIBIF_PGDIR_GRANT, 0, 1, 1 },
	{ 1024, XEN_VIBIF_PGDIR_GRANT, 0, 1, 1 },
	{ 1025, XEN_VIBIF_PGDIR_GRANT, 0, 1, 2 },
	{ 16384, XEN_VIBIF_PGDIR_GRANT, 0, 1, 16 },
	{ 16385, XEN_VIBIF_PGDIR_GRANT, 0, 2, 1 },
	{ 65536, XEN_VIBIF_PGDIR_GRANT, 0, 2, 1 },	/* 256 MiB */
	{ 1 << 20, XEN_VIBIF_PGDIR_GRANT, 0, 2, 1 },
	{ (1 << 20) + 1, XEN_VIBIF_PGDIR_GRANT, 0, 2, 2 },
	{ 1 << 24, XEN_VIBIF_PGDIR_GRANT, 0, 2, 16 },
	{ (1 << 24) + 1, XEN_VIBIF_PGDIR_GRANT, -EINVAL, 0, 0 },
	{ 0xffffffff, XEN_VIBIF_PGDIR_GRANT, -EINVAL, 0, 0 },
	{ 1, XEN_VIBIF_PGDIR_GFN, 0, 1, 1 },
	{ 512, XEN_VIBIF_PGDIR_GFN, 0, 1, 1 },
	{ 513, XEN_VIBIF_PGDIR_GFN, 0, 1, 2 },
	{ 8192, XEN_VIBIF_PGDIR_GFN, 0, 1, 16 },
	{ 8193, XEN_VIBIF_PGDIR_GFN, 0, 2, 1 },
	{ 65536, XEN_VIBIF_PGDIR_GFN, 0, 2, 1 },
	{ 1 << 23, XEN_VIBIF_PGDIR_GFN, 0, 2, 16 },
	{ (1 << 23) + 1, XEN_VIBIF_PGDIR_GFN, -EINVAL, 0, 0 },
	{ 1, 2, -EPROTO, 0, 0 },
};

static void run_shapes(void)
{
	struct xen_vibif_pgdir pd;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		u8 levels = 0xee;
		u16 nrefs = 0xeeee;
		int ret = xenib_pgdir_shape(shapes[i].npages, shapes[i].type,
					    &levels, &nrefs);

		CHECK_EQ(ret, shapes[i].ret, "shape %u/%u", shapes[i].npages,
			 shapes[i].type);
		if (ret || shapes[i].ret)
			continue;
		CHECK_EQ(levels, shapes[i].levels, "levels %u", shapes[i].npages);
		CHECK_EQ(nrefs, shapes[i].nrefs, "nrefs %u", shapes[i].npages);
		b_pgdir(&pd, shapes[i].npages, shapes[i].type);
		CHECK_EQ(xenib_pgdir_check(&pd, true), 0, "check %u",
			 shapes[i].npages);
		CHECK_EQ(xenib_pgdir_check(&pd, false),
			 shapes[i].type == XEN_VIBIF_PGDIR_GFN ? -EOPNOTSUPP : 0,
			 "check no gfn %u", shapes[i].npages);
		/* One level more or less than canonical is refused. */
		pd.levels = shapes[i].levels + 1;
		CHECK_EQ(xenib_pgdir_check(&pd, true), -EPROTO, "levels+1 %u",
			 shapes[i].npages);
		if (!shapes[i].levels)
			continue;
		pd.levels = shapes[i].levels - 1;
		CHECK_EQ(xenib_pgdir_check(&pd, true), -EPROTO, "levels-1 %u",
			 shapes[i].npages);
	}
}

int main(void)
{
	run_cases();
	run_per_opcode();
	run_shapes();
	return t_summary();
}
