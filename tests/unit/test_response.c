// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_response.c - xenib_response_check(): for every opcode a valid
 * response to a valid request is accepted, and one patch per rule is
 * refused with -EPROTO.
 */
#include <stdio.h>
#include <string.h>

#include "builders.h"
#include "harness.h"

struct patch {
	u16 off;
	u8 width;
	u64 val;
};

struct scase {
	const char *name;
	u16 op;
	int variant;
	struct patch p[3];
	int expect;
};

#define RS	struct xen_vibif_response
#define P(field, v)							\
	{ offsetof(RS, field), sizeof(((RS *)0)->field), (u64)(v) }
#define P1(field, v)	{ offsetof(RS, field), 1, (u64)(v) }
#define OP(x)		XEN_VIBIF_OP_##x
#define QD(f)		u.query_device.f
#define QPORT(f)	u.query_port.f
#define CQP(f)		u.create_qp.f
#define QQP(f)		u.query_qp.f

static const struct scase cases[] = {
	{ "id mismatch", OP(ALLOC_PD), 0, { P(hdr.id, 1) }, -EPROTO },
	{ "opcode mismatch", OP(ALLOC_PD), 0,
	  { P(hdr.opcode, XEN_VIBIF_OP_CREATE_AH) }, -EPROTO },
	{ "hdr reserved", OP(ALLOC_PD), 0, { P(hdr.reserved, 1) }, -EPROTO },
	{ "status unknown", OP(ALLOC_PD), 0,
	  { P(hdr.status, XEN_VIBIF_STATUS_COUNT) }, -EPROTO },
	{ "status error, body", OP(ALLOC_PD), 0,
	  { P(hdr.status, XEN_VIBIF_EDQUOT) }, -EPROTO },
	{ "status error, empty", OP(ALLOC_PD), 0,
	  { P(hdr.status, XEN_VIBIF_EDQUOT), P(u.handle.handle, 0) }, 0 },
	{ "status last", OP(DESTROY_QP), 0,
	  { P(hdr.status, XEN_VIBIF_STATUS_COUNT - 1) }, 0 },
	{ "empty body octet", OP(DESTROY_QP), 0, { P1(u.raw[100], 1) }, -EPROTO },
	{ "tail octet", OP(ALLOC_PD), 0, { P1(u.raw[8], 1) }, -EPROTO },

	{ "qd reserved", OP(QUERY_DEVICE), 0, { P1(QD(reserved[2]), 1) }, -EPROTO },
	{ "qd devcap", OP(QUERY_DEVICE), 0,
	  { P(QD(device_cap_flags), 0x4000) }, -EPROTO },
	{ "qd devcap v2 bits", OP(QUERY_DEVICE), 0,
	  { P(QD(device_cap_flags), XEN_VIBIF_DEVCAP_ALL) }, 0 },
	{ "qd devcap high", OP(QUERY_DEVICE), 0,
	  { P(QD(device_cap_flags), 1ULL << 63) }, -EPROTO },
	{ "qd ports 2", OP(QUERY_DEVICE), 0, { P(QD(phys_port_cnt), 2) }, -EPROTO },
	{ "qd atomic 3", OP(QUERY_DEVICE), 0, { P(QD(atomic_cap), 3) }, -EPROTO },
	{ "qd qp_wr", OP(QUERY_DEVICE), 0,
	  { P(QD(max_qp_wr), (1 << 20) + 1) }, -EPROTO },
	{ "qd cqe", OP(QUERY_DEVICE), 0, { P(QD(max_cqe), (1 << 20) + 1) }, -EPROTO },
	{ "qd srq_wr", OP(QUERY_DEVICE), 0,
	  { P(QD(max_srq_wr), (1 << 20) + 1) }, -EPROTO },
	{ "qd send_sge", OP(QUERY_DEVICE), 0, { P(QD(max_send_sge), 125) }, -EPROTO },
	{ "qd send_sge max", OP(QUERY_DEVICE), 0, { P(QD(max_send_sge), 124) }, 0 },
	{ "qd recv_sge", OP(QUERY_DEVICE), 0, { P(QD(max_recv_sge), 64) }, -EPROTO },
	{ "qd srq_sge", OP(QUERY_DEVICE), 0, { P(QD(max_srq_sge), 64) }, -EPROTO },
	{ "qd inline", OP(QUERY_DEVICE), 0,
	  { P(QD(max_inline_data), 1985) }, -EPROTO },

	{ "port reserved", OP(QUERY_PORT), 0, { P(QPORT(reserved0), 1) }, -EPROTO },
	{ "port state", OP(QUERY_PORT), 0, { P(QPORT(state), 6) }, -EPROTO },
	{ "port max_mtu 0", OP(QUERY_PORT), 0, { P(QPORT(max_mtu), 0) }, -EPROTO },
	{ "port max_mtu 6", OP(QUERY_PORT), 0, { P(QPORT(max_mtu), 6) }, -EPROTO },
	{ "port active_mtu", OP(QUERY_PORT), 0, { P(QPORT(active_mtu), 0) }, -EPROTO },
	{ "port link layer 0", OP(QUERY_PORT), 0, { P(QPORT(link_layer), 0) }, -EPROTO },
	{ "port link layer 3", OP(QUERY_PORT), 0, { P(QPORT(link_layer), 3) }, -EPROTO },
	{ "port ib", OP(QUERY_PORT), 0, { P(QPORT(link_layer), 1) }, 0 },

	{ "gid type", OP(QUERY_GID), 0, { P(u.query_gid.gid_type, 3) }, -EPROTO },
	{ "gid reserved", OP(QUERY_GID), 0, { P1(u.query_gid.reserved[6], 1) }, -EPROTO },
	{ "pkey reserved", OP(QUERY_PKEY), 0, { P1(u.query_pkey.reserved[0], 1) }, -EPROTO },

	{ "uctx handle 0", OP(ALLOC_UCONTEXT), 0, { P(u.handle.handle, 0) }, -EPROTO },
	{ "pd reserved", OP(ALLOC_PD), 0, { P(u.handle.reserved, 1) }, -EPROTO },
	{ "ah handle 0", OP(CREATE_AH), 0, { P(u.handle.handle, 0) }, -EPROTO },

	{ "cq handle 0", OP(CREATE_CQ), 0, { P(u.create_cq.cq, 0) }, -EPROTO },
	{ "cq cqe half ring", OP(CREATE_CQ), 0, { P(u.create_cq.cqe, 8) }, -EPROTO },
	{ "cq cqe below ring", OP(CREATE_CQ), 0, { P(u.create_cq.cqe, 9) }, 0 },
	{ "cq cqe 0", OP(CREATE_CQ), 0, { P(u.create_cq.cqe, 0) }, -EPROTO },
	{ "cq cqe big", OP(CREATE_CQ), 0, { P(u.create_cq.cqe, 32) }, -EPROTO },
	{ "resize cqe", OP(RESIZE_CQ), 0, { P(u.resize_cq.cqe, 65) }, -EPROTO },
	{ "resize reserved", OP(RESIZE_CQ), 0, { P(u.resize_cq.reserved, 1) }, -EPROTO },
	{ "resize cqe below ring", OP(RESIZE_CQ), 0, { P(u.resize_cq.cqe, 40) }, 0 },
	{ "rsrq max_wr below", OP(RESIZE_SRQ), 0, { P(u.resize_srq.max_wr, 15) }, -EPROTO },
	{ "rsrq max_wr above slots", OP(RESIZE_SRQ), 0,
	  { P(u.resize_srq.max_wr, 33) }, -EPROTO },
	{ "rsrq reserved", OP(RESIZE_SRQ), 0, { P(u.resize_srq.reserved, 1) }, -EPROTO },

	{ "qp handle 0", OP(CREATE_QP), 0, { P(CQP(qp), 0) }, -EPROTO },
	{ "qp qpn", OP(CREATE_QP), 0, { P(CQP(qpn), 0x1000000) }, -EPROTO },
	{ "qp cap reserved", OP(CREATE_QP), 0, { P(CQP(cap.reserved), 1) }, -EPROTO },
	{ "qp send_wr less", OP(CREATE_QP), 0, { P(CQP(cap.max_send_wr), 15) }, -EPROTO },
	{ "qp send_wr more", OP(CREATE_QP), 0, { P(CQP(cap.max_send_wr), 17) }, -EPROTO },
	{ "qp send_sge less", OP(CREATE_QP), 0, { P(CQP(cap.max_send_sge), 3) }, -EPROTO },
	{ "qp send_sge more", OP(CREATE_QP), 0, { P(CQP(cap.max_send_sge), 5) }, -EPROTO },
	{ "qp inline less", OP(CREATE_QP), 0,
	  { P(CQP(cap.max_inline_data), 63) }, -EPROTO },
	{ "qp inline more", OP(CREATE_QP), 0,
	  { P(CQP(cap.max_inline_data), 65) }, -EPROTO },
	{ "qp recv_wr less", OP(CREATE_QP), 0, { P(CQP(cap.max_recv_wr), 15) }, -EPROTO },
	{ "qp recv_wr more", OP(CREATE_QP), 0, { P(CQP(cap.max_recv_wr), 17) }, -EPROTO },
	{ "qp recv_sge less", OP(CREATE_QP), 0, { P(CQP(cap.max_recv_sge), 0) }, -EPROTO },
	{ "qp recv_sge more", OP(CREATE_QP), 0, { P(CQP(cap.max_recv_sge), 2) }, -EPROTO },
	{ "qp srq ok", OP(CREATE_QP), V_QP_SRQ, { { 0 } }, 0 },
	{ "qp srq recv_wr", OP(CREATE_QP), V_QP_SRQ,
	  { P(CQP(cap.max_recv_wr), 1) }, -EPROTO },
	{ "qp big ok", OP(CREATE_QP), V_QP_BIG, { { 0 } }, 0 },
	{ "qp big inline more", OP(CREATE_QP), V_QP_BIG,
	  { P(CQP(cap.max_inline_data), 1985) }, -EPROTO },

	{ "qqp reserved", OP(QUERY_QP), 0, { P1(QQP(reserved[0]), 1) }, -EPROTO },
	{ "qqp sig", OP(QUERY_QP), 0, { P(QQP(sq_sig_all), 2) }, -EPROTO },
	{ "qqp cap reserved", OP(QUERY_QP), 0, { P(QQP(cap.reserved), 1) }, -EPROTO },
	{ "qqp state", OP(QUERY_QP), 0, { P(QQP(attr.qp_state), 7) }, -EPROTO },
	{ "qqp cur state", OP(QUERY_QP), 0, { P(QQP(attr.cur_qp_state), 7) }, -EPROTO },
	{ "qqp mtu", OP(QUERY_QP), 0, { P(QQP(attr.path_mtu), 6) }, -EPROTO },
	{ "qqp mig", OP(QUERY_QP), 0, { P(QQP(attr.path_mig_state), 3) }, -EPROTO },
	{ "qqp draining", OP(QUERY_QP), 0, { P(QQP(attr.sq_draining), 1) }, 0 },
	{ "qqp draining 2", OP(QUERY_QP), 0, { P(QQP(attr.sq_draining), 2) }, -EPROTO },
	{ "qqp access", OP(QUERY_QP), 0,
	  { P(QQP(attr.qp_access_flags), 0x10) }, -EPROTO },
	{ "qqp psn", OP(QUERY_QP), 0, { P(QQP(attr.sq_psn), 0x1000000) }, -EPROTO },
	{ "qqp dest qpn", OP(QUERY_QP), 0,
	  { P(QQP(attr.dest_qp_num), 0x1000000) }, -EPROTO },
	{ "qqp port", OP(QUERY_QP), 0, { P(QQP(attr.port_num), 2) }, -EPROTO },
	{ "qqp rate_limit", OP(QUERY_QP), 0, { P(QQP(attr.rate_limit), 1) }, -EPROTO },
	{ "qqp ah reserved", OP(QUERY_QP), 0,
	  { P(QQP(attr.ah_attr.reserved), 1) }, -EPROTO },
	{ "qqp ah sl", OP(QUERY_QP), 0, { P(QQP(attr.ah_attr.sl), 16) }, -EPROTO },
	{ "qqp alt ah flags", OP(QUERY_QP), 0,
	  { P(QQP(attr.alt_ah_attr.ah_flags), 2) }, -EPROTO },

	{ "srq handle 0", OP(CREATE_SRQ), 0, { P(u.create_srq.srq, 0) }, -EPROTO },
	{ "srq srqn", OP(CREATE_SRQ), 0, { P(u.create_srq.srqn, 0x1000000) }, -EPROTO },
	{ "srq max_wr less", OP(CREATE_SRQ), 0, { P(u.create_srq.max_wr, 15) }, -EPROTO },
	{ "srq max_wr more", OP(CREATE_SRQ), 0, { P(u.create_srq.max_wr, 17) }, -EPROTO },
	{ "srq max_sge less", OP(CREATE_SRQ), 0, { P(u.create_srq.max_sge, 0) }, -EPROTO },
	{ "srq max_sge more", OP(CREATE_SRQ), 0, { P(u.create_srq.max_sge, 2) }, -EPROTO },
	{ "qsrq limit", OP(QUERY_SRQ), 0, { P(u.query_srq.srq_limit, 17) }, -EPROTO },
	{ "qsrq reserved", OP(QUERY_SRQ), 0, { P(u.query_srq.reserved, 1) }, -EPROTO },

	{ "mr handle 0", OP(REG_MR), 0, { P(u.reg_mr.mr, 0) }, -EPROTO },
	{ "mr reserved", OP(REG_MR), 0, { P(u.reg_mr.reserved, 1) }, -EPROTO },
	{ "mr rkey free", OP(REG_MR), 0, { P(u.reg_mr.rkey, 0) }, 0 },
};

static void apply(struct xen_vibif_response *r, const struct patch *p)
{
	u8 *b = (u8 *)r;
	int i;

	for (; p->width; p++)
		for (i = 0; i < p->width; i++)
			b[p->off + i] = i < 8 ? (u8)(p->val >> (8 * i)) : 0;
}

int main(void)
{
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	size_t i;
	u16 op;
	u32 off, size;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct scase *c = &cases[i];

		if (!b_request(&req, c->op, c->variant)) {
			CHECK(0, "%s: no builder", c->name);
			continue;
		}
		b_response(&rsp, &req);
		apply(&rsp, c->p);
		CHECK_EQ(xenib_response_check(&rsp, &req), c->expect, "%s",
			 c->name);
	}

	/* Every opcode: valid; every error status with empty body valid;
	 * every tail octet refused. */
	for (op = 1; op < XEN_VIBIF_OP_COUNT; op++) {
		u32 st;

		b_request(&req, op, V_DEFAULT);
		b_response(&rsp, &req);
		CHECK_EQ(xenib_response_check(&rsp, &req), 0, "valid op %u", op);
		for (st = 1; st < XEN_VIBIF_STATUS_COUNT; st++) {
			memset(&rsp.u, 0, sizeof(rsp.u));
			rsp.hdr.status = cpu_to_le32(st);
			if (xenib_response_check(&rsp, &req))
				break;
		}
		CHECK(st == XEN_VIBIF_STATUS_COUNT, "error statuses op %u", op);
		size = xenib_response_body_size(op);
		for (off = size; off < XEN_VIBIF_BODY_SIZE; off++) {
			b_response(&rsp, &req);
			rsp.u.raw[off] = 1;
			if (xenib_response_check(&rsp, &req) != -EPROTO)
				break;
		}
		CHECK(off == XEN_VIBIF_BODY_SIZE, "tail op %u octet %u", op, off);
	}

	/* A response to an opcode no one can send. */
	b_request(&req, XEN_VIBIF_OP_ALLOC_PD, V_DEFAULT);
	b_response(&rsp, &req);
	req.hdr.opcode = rsp.hdr.opcode = cpu_to_le16(0);
	CHECK_EQ(xenib_response_check(&rsp, &req), -EPROTO, "op 0");
	req.hdr.opcode = rsp.hdr.opcode = cpu_to_le16(XEN_VIBIF_OP_COUNT);
	CHECK_EQ(xenib_response_check(&rsp, &req), -EPROTO, "op COUNT");

	/* A hostile request shape (fuzzing both sides) must not crash. */
	b_request(&req, XEN_VIBIF_OP_CREATE_QP, V_DEFAULT);
	b_response(&rsp, &req);
	req.u.create_qp.sq_wqe_shift = 200;
	req.u.create_qp.sq_log_nslots = 200;
	CHECK_EQ(xenib_response_check(&rsp, &req), -EPROTO, "qp shape");
	b_request(&req, XEN_VIBIF_OP_CREATE_CQ, V_DEFAULT);
	b_response(&rsp, &req);
	req.u.create_cq.log_nslots = 40;
	CHECK_EQ(xenib_response_check(&rsp, &req), -EPROTO, "cq shape");
	return t_summary();
}
