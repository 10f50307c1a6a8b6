// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_wqe.c - xenib_send_wqe_check(), xenib_recv_wqe_check() and
 * xenib_event_check(): valid entries of every kind, then one patch per rule.
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

#define SW	struct xenib_send_wqe
#define P(field, v)							\
	{ offsetof(SW, field), sizeof(((SW *)0)->field), (u64)(v) }
#define PR(off, width, v)	{ (off), (width), (u64)(v) }
/* SGE n, field at octet f of the SGE. */
#define SGE(n)		(XENIB_SEND_WQE_HDR_SIZE + (n) * XENIB_SGE_SIZE)

#define WR(x)	XENIB_WR_##x
#define RC	XEN_VIBIF_QPT_RC
#define UC	XEN_VIBIF_QPT_UC
#define UD	XEN_VIBIF_QPT_UD

struct wcase {
	const char *name;
	u8 opcode;
	u8 qp_type;
	bool inl;
	s32 len;	/* < 0: what the builder returned, minus len_adj */
	struct patch p[4];
	int expect;
};

static const struct wcase send_cases[] = {
	{ "send rc", WR(SEND), RC, false, -1, { { 0 } }, 0 },
	{ "send imm rc", WR(SEND_WITH_IMM), RC, false, -1, { { 0 } }, 0 },
	{ "write rc", WR(RDMA_WRITE), RC, false, -1, { { 0 } }, 0 },
	{ "write imm uc", WR(RDMA_WRITE_WITH_IMM), UC, false, -1, { { 0 } }, 0 },
	{ "read rc", WR(RDMA_READ), RC, false, -1, { { 0 } }, 0 },
	{ "cas rc", WR(ATOMIC_CMP_AND_SWP), RC, false, -1, { { 0 } }, 0 },
	{ "faa rc", WR(ATOMIC_FETCH_AND_ADD), RC, false, -1, { { 0 } }, 0 },
	{ "send ud", WR(SEND), UD, false, -1, { { 0 } }, 0 },
	{ "send imm ud inline", WR(SEND_WITH_IMM), UD, true, -1, { { 0 } }, 0 },
	{ "send uc", WR(SEND), UC, false, -1, { { 0 } }, 0 },
	{ "write inline", WR(RDMA_WRITE), RC, true, -1, { { 0 } }, 0 },
	{ "full slot", WR(SEND), RC, false, 256, { { 0 } }, 0 },
	{ "all flags", WR(SEND), RC, false, -1,
	  { P(send_flags, XENIB_SEND_FENCE | XENIB_SEND_SIGNALED |
	      XENIB_SEND_SOLICITED) }, 0 },
	{ "no sges", WR(SEND), RC, false, -1, { P(num_sge, 0) }, 0 },
	{ "zero-length sge at top", WR(SEND), RC, false, -1,
	  { PR(SGE(1) + 8, 4, 0), PR(SGE(1), 8, ~0ULL) }, 0 },

	{ "len < hdr", WR(SEND), RC, false, 63, { { 0 } }, -EINVAL },
	{ "len > slot", WR(SEND), RC, false, 257, { { 0 } }, -EINVAL },
	{ "opcode 7", WR(SEND), RC, false, -1, { P(opcode, 7) }, -EPROTO },
	{ "opcode 0xff", WR(SEND), RC, false, -1, { P(opcode, 0xff) }, -EPROTO },
	{ "flags unknown", WR(SEND), RC, false, -1, { P(send_flags, 0x12) }, -EPROTO },
	{ "reserved0", WR(SEND), RC, false, -1, { P(reserved0, 1) }, -EPROTO },
	{ "reserved1", WR(SEND), RC, false, -1, { P(reserved1, 1) }, -EPROTO },
	{ "imm on send", WR(SEND), RC, false, -1, { P(imm_data, 1) }, -EPROTO },
	{ "imm on read", WR(RDMA_READ), RC, false, -1, { P(imm_data, 1) }, -EPROTO },
	{ "ud write", WR(RDMA_WRITE), UD, false, -1, { { 0 } }, -EINVAL },
	{ "ud read", WR(RDMA_READ), UD, false, -1, { { 0 } }, -EINVAL },
	{ "uc read", WR(RDMA_READ), UC, false, -1, { { 0 } }, -EINVAL },
	{ "uc cas", WR(ATOMIC_CMP_AND_SWP), UC, false, -1, { { 0 } }, -EINVAL },
	{ "ud faa", WR(ATOMIC_FETCH_AND_ADD), UD, false, -1, { { 0 } }, -EINVAL },
	{ "qp type 9", WR(SEND), 9, false, -1, { { 0 } }, -EINVAL },
	{ "inline read", WR(RDMA_READ), RC, false, -1,
	  { P(send_flags, XENIB_SEND_INLINE), P(num_sge, 0) }, -EINVAL },
	{ "inline cas", WR(ATOMIC_CMP_AND_SWP), RC, false, -1,
	  { P(send_flags, XENIB_SEND_INLINE), P(num_sge, 0) }, -EINVAL },
	{ "inline + sges", WR(SEND), RC, true, -1, { P(num_sge, 1) }, -EPROTO },
	{ "inline > max", WR(SEND), RC, true, 256,
	  { P(inline_len, B_SQ_MAX_INLINE + 1) }, -EINVAL },
	{ "inline = max", WR(SEND), RC, true, 256,
	  { P(inline_len, B_SQ_MAX_INLINE) }, 0 },
	{ "inline > copy", WR(SEND), RC, true, 163, { { 0 } }, -EINVAL },
	{ "inline_len w/o flag", WR(SEND), RC, false, -1,
	  { P(inline_len, 1) }, -EPROTO },
	{ "num_sge > max", WR(SEND), RC, false, 256,
	  { P(num_sge, B_SQ_MAX_SGE + 1) }, -EINVAL },
	{ "num_sge huge", WR(SEND), RC, false, 256, { P(num_sge, 0xffff) }, -EINVAL },
	{ "num_sge > copy", WR(SEND), RC, false, 95, { { 0 } }, -EINVAL },
	{ "sge wraps", WR(SEND), RC, false, -1,
	  { PR(SGE(1), 8, 0xfffffffffffff001ULL) }, -EINVAL },
	{ "sge total > 2G", WR(SEND), RC, false, -1,
	  { PR(SGE(0) + 8, 4, 0x80000000), PR(SGE(1) + 8, 4, 1),
	    PR(SGE(1), 8, 0) }, -EINVAL },
	{ "sge total = 2G", WR(SEND), RC, false, -1,
	  { PR(SGE(0) + 8, 4, 0x7fffffff), PR(SGE(1) + 8, 4, 1),
	    PR(SGE(1), 8, 0) }, 0 },
	{ "atomic 2 sges", WR(ATOMIC_CMP_AND_SWP), RC, false, 256,
	  { P(num_sge, 2) }, -EINVAL },
	{ "atomic 0 sges", WR(ATOMIC_CMP_AND_SWP), RC, false, 256,
	  { P(num_sge, 0) }, -EINVAL },
	{ "atomic sge len 4", WR(ATOMIC_FETCH_AND_ADD), RC, false, -1,
	  { PR(SGE(0) + 8, 4, 4) }, -EINVAL },
	{ "atomic misaligned", WR(ATOMIC_CMP_AND_SWP), RC, false, -1,
	  { P(wr.atomic.remote_addr, 0x7fff00002004ULL) }, -EINVAL },
	{ "faa swap", WR(ATOMIC_FETCH_AND_ADD), RC, false, -1,
	  { P(wr.atomic.swap, 1) }, -EPROTO },
	{ "atomic reserved", WR(ATOMIC_CMP_AND_SWP), RC, false, -1,
	  { P(wr.atomic.reserved, 1) }, -EPROTO },
	{ "atomic tail", WR(ATOMIC_CMP_AND_SWP), RC, false, -1,
	  { PR(offsetof(SW, wr) + 32, 1, 1) }, -EPROTO },
	{ "rdma reserved", WR(RDMA_WRITE), RC, false, -1,
	  { P(wr.rdma.reserved, 1) }, -EPROTO },
	{ "rdma tail", WR(RDMA_READ), RC, false, -1,
	  { PR(offsetof(SW, wr) + 39, 1, 1) }, -EPROTO },
	{ "rdma remote wraps", WR(RDMA_WRITE), RC, false, -1,
	  { P(wr.rdma.remote_addr, 0xffffffffffffe001ULL) }, -EINVAL },
	{ "rdma remote top", WR(RDMA_WRITE), RC, false, -1,
	  { P(wr.rdma.remote_addr, 0xffffffffffffe000ULL) }, 0 },
	{ "rc send with ud fields", WR(SEND), RC, false, -1,
	  { P(wr.ud.ah, 1) }, -EPROTO },
	{ "rc send tail", WR(SEND), RC, false, -1,
	  { PR(offsetof(SW, wr) + 39, 1, 1) }, -EPROTO },
	{ "ud ah 0", WR(SEND), UD, false, -1, { P(wr.ud.ah, 0) }, -EINVAL },
	{ "ud qpn 2^24", WR(SEND), UD, false, -1,
	  { P(wr.ud.remote_qpn, 0x1000000) }, -EINVAL },
	{ "ud reserved", WR(SEND), UD, false, -1, { P(wr.ud.reserved, 1) }, -EPROTO },
	{ "ud tail", WR(SEND), UD, false, -1,
	  { PR(offsetof(SW, wr) + 20, 1, 1) }, -EPROTO },
};

static void apply(u8 *b, const struct patch *p)
{
	int i;

	for (; p->width; p++)
		for (i = 0; i < p->width; i++)
			b[p->off + i] = (u8)(p->val >> (8 * i));
}

static void run_send(void)
{
	struct xenib_sq_params sq = {
		.wqe_shift = B_SQ_SHIFT,
		.max_sge = B_SQ_MAX_SGE,
		.max_inline = B_SQ_MAX_INLINE,
	};
	u8 buf[1 << B_SQ_SHIFT];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(send_cases); i++) {
		const struct wcase *c = &send_cases[i];
		u32 len = b_send_wqe(buf, c->opcode, c->qp_type, c->inl);

		if (c->len >= 0)
			len = (u32)c->len;
		apply(buf, c->p);
		sq.qp_type = c->qp_type;
		CHECK_EQ(xenib_send_wqe_check(buf, len, &sq), c->expect, "%s",
			 c->name);
	}
	/* A nonsense slot shift never shifts out of range. */
	sq.qp_type = RC;
	sq.wqe_shift = 200;
	b_send_wqe(buf, WR(SEND), RC, false);
	CHECK_EQ(xenib_send_wqe_check(buf, 64, &sq), -EINVAL, "shift 200");
}

static const struct wcase recv_cases[] = {
	{ "recv 2 sge", 2, 0, false, -1, { { 0 } }, 0 },
	{ "recv 0 sge", 0, 0, false, -1, { { 0 } }, 0 },
	{ "recv max sge", B_RQ_MAX_SGE, 0, false, -1, { { 0 } }, 0 },
	{ "recv full slot", 1, 0, false, 128, { { 0 } }, 0 },
	{ "recv reserved0", 1, 0, false, -1, { PR(10, 2, 1) }, -EPROTO },
	{ "recv reserved1", 1, 0, false, -1, { PR(12, 4, 1) }, -EPROTO },
	{ "recv sge > max", 1, 0, false, 128, { PR(8, 2, B_RQ_MAX_SGE + 1) }, -EINVAL },
	{ "recv sge huge", 1, 0, false, 128, { PR(8, 2, 0xffff) }, -EINVAL },
	{ "recv sge > copy", 2, 0, false, 47, { { 0 } }, -EINVAL },
	{ "recv len < hdr", 0, 0, false, 15, { { 0 } }, -EINVAL },
	{ "recv len > slot", 0, 0, false, 129, { { 0 } }, -EINVAL },
	{ "recv sge wraps", 1, 0, false, -1,
	  { PR(16, 8, 0xfffffffffffff001ULL) }, -EINVAL },
	{ "recv total > 2G", 2, 0, false, -1,
	  { PR(24, 4, 0x80000000), PR(16, 8, 0) }, -EINVAL },
};

static void run_recv(void)
{
	struct xenib_rq_params rq = {
		.wqe_shift = B_RQ_SHIFT,
		.max_sge = B_RQ_MAX_SGE,
	};
	u8 buf[1 << B_RQ_SHIFT];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(recv_cases); i++) {
		const struct wcase *c = &recv_cases[i];
		u32 len = b_recv_wqe(buf, c->opcode);

		if (c->len >= 0)
			len = (u32)c->len;
		apply(buf, c->p);
		CHECK_EQ(xenib_recv_wqe_check(buf, len, &rq), c->expect, "%s",
			 c->name);
	}
	rq.wqe_shift = 32;
	b_recv_wqe(buf, 0);
	CHECK_EQ(xenib_recv_wqe_check(buf, 16, &rq), -EINVAL, "shift 32");
}

struct ecase {
	const char *name;
	u8 type;
	struct patch p[2];
	int expect;
};

#define EV	struct xen_vibif_event
#define PE(field, v)							\
	{ offsetof(EV, field), sizeof(((EV *)0)->field), (u64)(v) }
#define EVT(x)	XEN_VIBIF_EVT_##x
#define IBEV(x)	XEN_VIBIF_IBEV_##x

static const struct ecase ev_cases[] = {
	{ "comp", EVT(COMP), { { 0 } }, 0 },
	{ "cq err", EVT(CQ_ERR), { { 0 } }, 0 },
	{ "qp fatal", EVT(QP_EVENT), { { 0 } }, 0 },
	{ "qp comm est", EVT(QP_EVENT), { PE(code, IBEV(COMM_EST)) }, 0 },
	{ "qp path mig err", EVT(QP_EVENT), { PE(code, IBEV(PATH_MIG_ERR)) }, 0 },
	{ "qp last wqe", EVT(QP_EVENT), { PE(code, IBEV(QP_LAST_WQE_REACHED)) }, 0 },
	{ "srq limit", EVT(SRQ_EVENT), { { 0 } }, 0 },
	{ "srq err", EVT(SRQ_EVENT), { PE(code, IBEV(SRQ_ERR)) }, 0 },
	{ "port active", EVT(PORT_EVENT), { { 0 } }, 0 },
	{ "port err", EVT(PORT_EVENT), { PE(code, IBEV(PORT_ERR)) }, 0 },
	{ "port sm change", EVT(PORT_EVENT), { PE(code, IBEV(SM_CHANGE)) }, 0 },
	{ "port gid change", EVT(PORT_EVENT), { PE(code, IBEV(GID_CHANGE)) }, 0 },
	{ "port rereg", EVT(PORT_EVENT), { PE(code, IBEV(CLIENT_REREGISTER)) }, 0 },
	{ "fatal", EVT(DEVICE_FATAL), { { 0 } }, 0 },

	{ "type 0", EVT(COMP), { PE(type, 0) }, -EPROTO },
	{ "type 7", EVT(COMP), { PE(type, 7) }, -EPROTO },
	{ "type 0xff", EVT(COMP), { PE(type, 0xff) }, -EPROTO },
	{ "comp code", EVT(COMP), { PE(code, 1) }, -EPROTO },
	{ "cq err code", EVT(CQ_ERR), { PE(code, IBEV(QP_FATAL)) }, -EPROTO },
	{ "qp code device fatal", EVT(QP_EVENT), { PE(code, IBEV(DEVICE_FATAL)) }, -EPROTO },
	{ "qp code srq", EVT(QP_EVENT), { PE(code, IBEV(SRQ_ERR)) }, -EPROTO },
	{ "qp code cq err", EVT(QP_EVENT), { PE(code, IBEV(CQ_ERR)) }, -EPROTO },
	{ "srq code qp", EVT(SRQ_EVENT), { PE(code, IBEV(QP_FATAL)) }, -EPROTO },
	{ "port code srq", EVT(PORT_EVENT), { PE(code, IBEV(SRQ_ERR)) }, -EPROTO },
	{ "port code 19", EVT(PORT_EVENT), { PE(code, IBEV(COUNT)) }, -EPROTO },
	{ "fatal code", EVT(DEVICE_FATAL), { PE(code, IBEV(PORT_ERR)) }, -EPROTO },
	{ "reserved", EVT(COMP), { PE(reserved, 1) }, -EPROTO },
	{ "reserved2", EVT(QP_EVENT), { PE(reserved2, 1) }, -EPROTO },
	{ "data on qp", EVT(QP_EVENT), { PE(data, 1) }, -EPROTO },
	{ "comp handle 0", EVT(COMP), { PE(handle, 0) }, -EPROTO },
	{ "cq err handle 0", EVT(CQ_ERR), { PE(handle, 0) }, -EPROTO },
	{ "qp handle 0", EVT(QP_EVENT), { PE(handle, 0) }, -EPROTO },
	{ "srq handle 0", EVT(SRQ_EVENT), { PE(handle, 0) }, -EPROTO },
	{ "port 0", EVT(PORT_EVENT), { PE(handle, 0) }, -EPROTO },
	{ "port 2", EVT(PORT_EVENT), { PE(handle, 2) }, -EPROTO },
	{ "fatal handle", EVT(DEVICE_FATAL), { PE(handle, 1) }, -EPROTO },
};

static void run_events(void)
{
	struct xen_vibif_event ev;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ev_cases); i++) {
		b_event(&ev, ev_cases[i].type);
		apply((u8 *)&ev, ev_cases[i].p);
		CHECK_EQ(xenib_event_check(&ev), ev_cases[i].expect, "%s",
			 ev_cases[i].name);
	}
}

int main(void)
{
	run_send();
	run_recv();
	run_events();
	return t_summary();
}
