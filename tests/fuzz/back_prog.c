// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * back_prog.c - an encoder for the input language of the backend fuzz
 * targets (back_prog.h), and the standard guest they start from.
 */
#include <string.h>

#include "back_prog.h"

void bp_init(struct bp *p, u8 h0, u8 profile)
{
	memset(p, 0, sizeof(*p));
	p->buf[0] = h0;
	p->buf[1] = profile;
	p->buf[4] = 0x5e;
	p->buf[5] = 0xed;
	p->len = BP_HDR_SIZE;
}

void bp_u8(struct bp *p, u8 v)
{
	if (p->len < sizeof(p->buf))
		p->buf[p->len++] = v;
}

void bp_le16(struct bp *p, u16 v)
{
	bp_u8(p, (u8)v);
	bp_u8(p, (u8)(v >> 8));
}

void bp_le32(struct bp *p, u32 v)
{
	bp_le16(p, (u16)v);
	bp_le16(p, (u16)(v >> 16));
}

void bp_bytes(struct bp *p, const void *v, size_t len)
{
	const u8 *b = v;

	while (len--)
		bp_u8(p, *b++);
}

void bp_req(struct bp *p, u16 op, const void *body, size_t len, u8 flags)
{
	const u8 *b = body;

	/* Trailing zeros need not be sent: the body is zero-padded. */
	while (len && !b[len - 1])
		len--;
	bp_u8(p, BP_OP_REQ);
	bp_u8(p, (u8)op);
	bp_u8(p, (u8)len);
	bp_bytes(p, body, len);
	bp_u8(p, flags);
}

void bp_wqe(struct bp *p, u8 queue, u8 flags, const void *wqe, size_t len)
{
	bp_u8(p, BP_OP_WQE);
	bp_u8(p, queue);
	bp_u8(p, flags);
	bp_u8(p, (u8)len);
	bp_bytes(p, wqe, len);
}

void bp_pgdir(struct xen_vibif_pgdir *d, u32 n, u32 first)
{
	u32 i;

	memset(d, 0, sizeof(*d));
	d->npages = cpu_to_le32(n);
	d->levels = 0;
	d->type = XEN_VIBIF_PGDIR_GRANT;
	d->nrefs = cpu_to_le16((u16)n);
	for (i = 0; i < n; i++)
		d->ref[i] = cpu_to_le32(first + i);
}

static void bp_ah(struct xen_vibif_ah_attr *ah, bool roce)
{
	int i;

	memset(ah, 0, sizeof(*ah));
	ah->port_num = 1;
	ah->sl = 0;
	if (roce) {
		ah->ah_flags = XEN_VIBIF_AH_GRH;
		ah->dgid[10] = 0xff;
		ah->dgid[11] = 0xff;
		for (i = 12; i < 16; i++)
			ah->dgid[i] = (u8)(10 + i);
		ah->sgid_index = 1;
		ah->hop_limit = 64;
	} else {
		ah->dlid = cpu_to_le16(7);
	}
}

static void bp_modify(struct bp *p, u32 qp, u32 mask,
		      const struct xen_vibif_qp_attr *a)
{
	union xen_vibif_req_body b;

	memset(&b, 0, sizeof(b));
	b.modify_qp.qp = cpu_to_le32(qp);
	b.modify_qp.attr_mask = cpu_to_le32(mask);
	b.modify_qp.attr = *a;
	bp_req(p, XEN_VIBIF_OP_MODIFY_QP, &b, sizeof(b.modify_qp), 0);
}

/* RC QP reference 1 to RTS. */
static void bp_rc_rts(struct bp *p, bool roce)
{
	struct xen_vibif_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = XEN_VIBIF_QP_STATE_INIT;
	a.port_num = 1;
	a.qp_access_flags = cpu_to_le32(XEN_VIBIF_ACCESS_REMOTE_WRITE |
					XEN_VIBIF_ACCESS_REMOTE_READ);
	bp_modify(p, 1, XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_PKEY_INDEX |
		  XEN_VIBIF_QP_ATTR_PORT | XEN_VIBIF_QP_ATTR_ACCESS_FLAGS, &a);

	memset(&a, 0, sizeof(a));
	a.qp_state = XEN_VIBIF_QP_STATE_RTR;
	bp_ah(&a.ah_attr, roce);
	a.path_mtu = XEN_VIBIF_MTU_1024;
	a.dest_qp_num = cpu_to_le32(0x1234);
	a.rq_psn = cpu_to_le32(0x100);
	a.max_dest_rd_atomic = 4;
	a.min_rnr_timer = 12;
	bp_modify(p, 1, XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_AV |
		  XEN_VIBIF_QP_ATTR_PATH_MTU | XEN_VIBIF_QP_ATTR_DEST_QPN |
		  XEN_VIBIF_QP_ATTR_RQ_PSN |
		  XEN_VIBIF_QP_ATTR_MAX_DEST_RD_ATOMIC |
		  XEN_VIBIF_QP_ATTR_MIN_RNR_TIMER, &a);

	memset(&a, 0, sizeof(a));
	a.qp_state = XEN_VIBIF_QP_STATE_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = cpu_to_le32(0x200);
	a.max_rd_atomic = 4;
	bp_modify(p, 1, XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_TIMEOUT |
		  XEN_VIBIF_QP_ATTR_RETRY_CNT | XEN_VIBIF_QP_ATTR_RNR_RETRY |
		  XEN_VIBIF_QP_ATTR_SQ_PSN | XEN_VIBIF_QP_ATTR_MAX_QP_RD_ATOMIC,
		  &a);
}

/* UD QP reference 2 to RTS. */
static void bp_ud_rts(struct bp *p)
{
	struct xen_vibif_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = XEN_VIBIF_QP_STATE_INIT;
	a.port_num = 1;
	a.qkey = cpu_to_le32(0x11111111);
	bp_modify(p, 2, XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_PKEY_INDEX |
		  XEN_VIBIF_QP_ATTR_PORT | XEN_VIBIF_QP_ATTR_QKEY, &a);
	memset(&a, 0, sizeof(a));
	a.qp_state = XEN_VIBIF_QP_STATE_RTR;
	bp_modify(p, 2, XEN_VIBIF_QP_ATTR_STATE, &a);
	memset(&a, 0, sizeof(a));
	a.qp_state = XEN_VIBIF_QP_STATE_RTS;
	a.sq_psn = cpu_to_le32(0x300);
	bp_modify(p, 2, XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_SQ_PSN, &a);
}

void bp_setup(struct bp *p, bool roce)
{
	union xen_vibif_req_body b;

	memset(&b, 0, sizeof(b));
	b.alloc_ucontext.db_ref = cpu_to_le32(BP_FRAME_FREE);
	bp_req(p, XEN_VIBIF_OP_ALLOC_UCONTEXT, &b, sizeof(b.alloc_ucontext), 0);

	memset(&b, 0, sizeof(b));
	b.alloc_pd.ucontext = cpu_to_le32(1);
	bp_req(p, XEN_VIBIF_OP_ALLOC_PD, &b, sizeof(b.alloc_pd), 0);

	/* CQs of 16 CQEs, one page each: frames 17, 18. */
	memset(&b, 0, sizeof(b));
	b.create_cq.ucontext = cpu_to_le32(1);
	b.create_cq.log_nslots = 4;
	bp_pgdir(&b.create_cq.pgdir, 1, 17);
	bp_req(p, XEN_VIBIF_OP_CREATE_CQ, &b, sizeof(b.create_cq), 0);
	bp_pgdir(&b.create_cq.pgdir, 1, 18);
	bp_req(p, XEN_VIBIF_OP_CREATE_CQ, &b, sizeof(b.create_cq), 0);

	/* MR 1: 8 KiB writable at BP_SETUP_MR_IOVA (frames 20, 21). */
	memset(&b, 0, sizeof(b));
	b.reg_mr.pd = cpu_to_le32(1);
	b.reg_mr.access = cpu_to_le32(XEN_VIBIF_ACCESS_LOCAL_WRITE |
				      XEN_VIBIF_ACCESS_REMOTE_WRITE |
				      XEN_VIBIF_ACCESS_REMOTE_READ);
	b.reg_mr.iova = cpu_to_le64(BP_SETUP_MR_IOVA);
	b.reg_mr.length = cpu_to_le64(8192);
	bp_pgdir(&b.reg_mr.pgdir, 2, 20);
	bp_req(p, XEN_VIBIF_OP_REG_MR, &b, sizeof(b.reg_mr), 0);
	/* MR 2: 4 KiB read-only, 0x100 into its page (frame 22). */
	b.reg_mr.access = cpu_to_le32(XEN_VIBIF_ACCESS_REMOTE_READ);
	b.reg_mr.iova = cpu_to_le64(0x40100);
	b.reg_mr.offset = cpu_to_le32(0x100);
	b.reg_mr.length = cpu_to_le64(0xf00);
	bp_pgdir(&b.reg_mr.pgdir, 1, 22);
	bp_req(p, XEN_VIBIF_OP_REG_MR, &b, sizeof(b.reg_mr), 0);

	/* SRQ: 16 slots of 64 octets (3 SGEs), frame 23, doorbell 3. */
	memset(&b, 0, sizeof(b));
	b.create_srq.ucontext = cpu_to_le32(1);
	b.create_srq.pd = cpu_to_le32(1);
	b.create_srq.db_index = cpu_to_le32(3);
	b.create_srq.max_wr = cpu_to_le32(16);
	b.create_srq.max_sge = cpu_to_le32(3);
	b.create_srq.wqe_shift = 6;
	b.create_srq.log_nslots = 4;
	bp_pgdir(&b.create_srq.pgdir, 1, 23);
	bp_req(p, XEN_VIBIF_OP_CREATE_SRQ, &b, sizeof(b.create_srq), 0);

	/* RC QP: SQ 16 x 256 (frames 24, 25), RQ 16 x 64 (26), db 1. */
	memset(&b, 0, sizeof(b));
	b.create_qp.ucontext = cpu_to_le32(1);
	b.create_qp.pd = cpu_to_le32(1);
	b.create_qp.send_cq = cpu_to_le32(1);
	b.create_qp.recv_cq = cpu_to_le32(2);
	b.create_qp.db_index = cpu_to_le32(1);
	b.create_qp.qp_type = XEN_VIBIF_QPT_RC;
	b.create_qp.sq_wqe_shift = 8;
	b.create_qp.sq_log_nslots = 4;
	b.create_qp.rq_wqe_shift = 6;
	b.create_qp.rq_log_nslots = 4;
	b.create_qp.cap.max_send_wr = cpu_to_le32(16);
	b.create_qp.cap.max_recv_wr = cpu_to_le32(16);
	b.create_qp.cap.max_send_sge = cpu_to_le32(4);
	b.create_qp.cap.max_recv_sge = cpu_to_le32(3);
	b.create_qp.cap.max_inline_data = cpu_to_le32(64);
	bp_pgdir(&b.create_qp.sq_pgdir, 2, 24);
	bp_pgdir(&b.create_qp.rq_pgdir, 1, 26);
	bp_req(p, XEN_VIBIF_OP_CREATE_QP, &b, sizeof(b.create_qp), 0);

	/* UD QP on the SRQ: SQ 8 x 128 (frame 27), db 2, signals all. */
	memset(&b, 0, sizeof(b));
	b.create_qp.ucontext = cpu_to_le32(1);
	b.create_qp.pd = cpu_to_le32(1);
	b.create_qp.send_cq = cpu_to_le32(1);
	b.create_qp.recv_cq = cpu_to_le32(2);
	b.create_qp.srq = cpu_to_le32(1);
	b.create_qp.db_index = cpu_to_le32(2);
	b.create_qp.qp_type = XEN_VIBIF_QPT_UD;
	b.create_qp.sq_sig_all = 1;
	b.create_qp.sq_wqe_shift = 7;
	b.create_qp.sq_log_nslots = 3;
	b.create_qp.cap.max_send_wr = cpu_to_le32(8);
	b.create_qp.cap.max_send_sge = cpu_to_le32(2);
	bp_pgdir(&b.create_qp.sq_pgdir, 1, 27);
	bp_req(p, XEN_VIBIF_OP_CREATE_QP, &b, sizeof(b.create_qp), 0);

	memset(&b, 0, sizeof(b));
	b.create_ah.pd = cpu_to_le32(1);
	bp_ah(&b.create_ah.ah_attr, roce);
	bp_req(p, XEN_VIBIF_OP_CREATE_AH, &b, sizeof(b.create_ah), 0);

	bp_rc_rts(p, roce);
	bp_ud_rts(p);
}

size_t bp_send_wqe(void *buf, u8 opcode, u16 flags, u16 nsge)
{
	struct xenib_send_wqe *w = buf;
	struct xenib_sge *sge = (void *)((u8 *)buf + XENIB_SEND_WQE_HDR_SIZE);
	u16 i;

	memset(buf, 0, XENIB_SEND_WQE_HDR_SIZE + nsge * XENIB_SGE_SIZE);
	w->wr_id = 0x1000 + opcode;
	w->opcode = opcode;
	w->send_flags = flags;
	w->num_sge = nsge;
	if (opcode == XENIB_WR_RDMA_WRITE || opcode == XENIB_WR_RDMA_READ) {
		w->wr.rdma.remote_addr = 0x7000;
		w->wr.rdma.rkey = 0x1234;
	}
	if (opcode == XENIB_WR_ATOMIC_FETCH_AND_ADD ||
	    opcode == XENIB_WR_ATOMIC_CMP_AND_SWP) {
		w->wr.atomic.remote_addr = 0x7008;
		w->wr.atomic.rkey = 0x1234;
		w->wr.atomic.compare_add = 1;
	}
	for (i = 0; i < nsge; i++) {
		sge[i].addr = 0x100 * i;	/* offset into MR reference 0 */
		sge[i].length = 64;
		sge[i].lkey = 0;
	}
	return XENIB_SEND_WQE_HDR_SIZE + nsge * XENIB_SGE_SIZE;
}

size_t bp_recv_wqe(void *buf, u16 nsge)
{
	struct xenib_recv_wqe *w = buf;
	struct xenib_sge *sge = (void *)((u8 *)buf + XENIB_RECV_WQE_HDR_SIZE);
	u16 i;

	memset(buf, 0, XENIB_RECV_WQE_HDR_SIZE + nsge * XENIB_SGE_SIZE);
	w->wr_id = 0x2000 + nsge;
	w->num_sge = nsge;
	for (i = 0; i < nsge; i++) {
		sge[i].addr = 0x200 * i;
		sge[i].length = 128;
		sge[i].lkey = 0;
	}
	return XENIB_RECV_WQE_HDR_SIZE + nsge * XENIB_SGE_SIZE;
}
