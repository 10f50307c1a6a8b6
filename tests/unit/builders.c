// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * builders.c - valid messages for the unit tests and the fuzz seeds.
 */
#include <string.h>

#include "builders.h"
#include "ring.h"

void b_limits(struct xenib_limits *l, int which)
{
	memset(l, 0, sizeof(*l));
	if (which == L_ZERO)
		return;
	l->max_qp_wr = 4096;
	l->max_send_sge = 32;
	l->max_recv_sge = 32;
	l->max_inline_data = 512;
	l->max_cqe = 65536;
	l->max_srq_wr = 4096;
	l->max_srq_sge = 32;
	l->max_qp_rd_atom = 16;
	l->max_qp_init_rd_atom = 16;
	l->num_comp_vectors = 4;
	l->gid_tbl_len = 16;
	l->pkey_tbl_len = 1;
	l->max_queue_pages = 4096;
	l->max_mr_pages = XEN_VIBIF_PGDIR_MAX_PAGES;
	l->max_mr_size = 1ULL << 40;
	l->feature_gfn_mr = false;
	if (which == L_TIGHT) {
		l->max_qp_wr = 8;
		l->max_send_sge = 2;
		l->max_recv_sge = 0;
		l->max_inline_data = 16;
		l->max_cqe = 8;
		l->max_srq_wr = 8;
		l->max_srq_sge = 0;
		l->max_qp_rd_atom = 1;
		l->max_qp_init_rd_atom = 1;
		l->num_comp_vectors = 1;
		l->gid_tbl_len = 1;
		l->max_queue_pages = 1;
		l->max_mr_pages = 1;
		l->max_mr_size = 4096;
	}
	if (which == L_GFN)
		l->feature_gfn_mr = true;
	if (which == L_SMALLQ)
		l->max_queue_pages = 1;
}

void b_pgdir(struct xen_vibif_pgdir *pd, u32 npages, u8 type)
{
	u8 levels = 0;
	u16 nrefs = 0, i;

	memset(pd, 0, sizeof(*pd));
	if (xenib_pgdir_shape(npages, type, &levels, &nrefs))
		return;
	pd->npages = cpu_to_le32(npages);
	pd->levels = levels;
	pd->type = type;
	pd->nrefs = cpu_to_le16(nrefs);
	for (i = 0; i < nrefs; i++)
		pd->ref[i] = cpu_to_le32(100 + i);
}

void b_queue_pgdir(struct xen_vibif_pgdir *pd, u32 log_nslots, u32 shift)
{
	b_pgdir(pd, xenib_queue_npages(log_nslots, shift),
		XEN_VIBIF_PGDIR_GRANT);
}

static void b_ah(struct xen_vibif_ah_attr *ah, bool grh)
{
	int i;

	memset(ah, 0, sizeof(*ah));
	ah->port_num = 1;
	ah->sl = 3;
	ah->static_rate = 0;
	ah->dmac[0] = 0x02;
	ah->dmac[5] = 0x42;
	if (grh) {
		ah->ah_flags = XEN_VIBIF_AH_GRH;
		for (i = 0; i < 16; i++)
			ah->dgid[i] = (u8)(0xfe + i);
		ah->flow_label = cpu_to_le32(0x12345);
		ah->sgid_index = 1;
		ah->hop_limit = 64;
		ah->traffic_class = 0x20;
	} else {
		ah->dlid = cpu_to_le16(7);
	}
}

static bool b_create_qp(struct xen_vibif_create_qp_req *q, int variant)
{
	q->ucontext = cpu_to_le32(1);
	q->pd = cpu_to_le32(2);
	q->send_cq = cpu_to_le32(3);
	q->recv_cq = cpu_to_le32(4);
	q->db_index = cpu_to_le32(5);
	q->qp_type = XEN_VIBIF_QPT_RC;
	q->sq_sig_all = 0;
	q->sq_wqe_shift = 7;
	q->sq_log_nslots = 4;
	q->rq_wqe_shift = 5;
	q->rq_log_nslots = 4;
	q->cap.max_send_wr = cpu_to_le32(16);
	q->cap.max_recv_wr = cpu_to_le32(16);
	q->cap.max_send_sge = cpu_to_le32(4);
	q->cap.max_recv_sge = cpu_to_le32(1);
	q->cap.max_inline_data = cpu_to_le32(64);
	switch (variant) {
	case V_DEFAULT:
		break;
	case V_QP_SRQ:
		q->srq = cpu_to_le32(6);
		q->rq_wqe_shift = 0;
		q->rq_log_nslots = 0;
		q->cap.max_recv_wr = 0;
		q->cap.max_recv_sge = 0;
		b_queue_pgdir(&q->sq_pgdir, q->sq_log_nslots, q->sq_wqe_shift);
		return true;
	case V_QP_UD:
		q->qp_type = XEN_VIBIF_QPT_UD;
		q->sq_sig_all = 1;
		break;
	case V_QP_UC:
		q->qp_type = XEN_VIBIF_QPT_UC;
		break;
	case V_QP_BIG:	/* 513 pages: levels 1 */
		q->sq_wqe_shift = 11;
		q->sq_log_nslots = 10;
		q->cap.max_send_wr = cpu_to_le32(1024);
		q->cap.max_send_sge = cpu_to_le32(32);
		q->cap.max_inline_data = cpu_to_le32(512);
		q->rq_wqe_shift = 10;
		q->rq_log_nslots = 12;
		q->cap.max_recv_wr = cpu_to_le32(4096);
		q->cap.max_recv_sge = cpu_to_le32(32);
		break;
	case V_QP_2PAGES:	/* 2 pages each, levels 0 */
		q->sq_log_nslots = 5;
		q->cap.max_send_wr = cpu_to_le32(32);
		q->rq_wqe_shift = 7;
		q->rq_log_nslots = 5;
		q->cap.max_recv_sge = cpu_to_le32(4);
		break;
	default:
		return false;
	}
	b_queue_pgdir(&q->sq_pgdir, q->sq_log_nslots, q->sq_wqe_shift);
	b_queue_pgdir(&q->rq_pgdir, q->rq_log_nslots, q->rq_wqe_shift);
	return true;
}

static bool b_modify_qp(struct xen_vibif_modify_qp_req *m, int variant)
{
	struct xen_vibif_qp_attr *a = &m->attr;
	u32 mask;

	m->qp = cpu_to_le32(9);
	switch (variant) {
	case V_DEFAULT:	/* RESET -> INIT */
		mask = XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_PKEY_INDEX |
		       XEN_VIBIF_QP_ATTR_PORT | XEN_VIBIF_QP_ATTR_ACCESS_FLAGS;
		a->qp_state = XEN_VIBIF_QP_STATE_INIT;
		a->pkey_index = 0;
		a->port_num = 1;
		a->qp_access_flags = cpu_to_le32(XEN_VIBIF_ACCESS_REMOTE_WRITE |
						 XEN_VIBIF_ACCESS_REMOTE_READ);
		break;
	case V_MQP_RTR:
	case V_MQP_NOGRH:
		mask = XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_AV |
		       XEN_VIBIF_QP_ATTR_PATH_MTU | XEN_VIBIF_QP_ATTR_DEST_QPN |
		       XEN_VIBIF_QP_ATTR_RQ_PSN |
		       XEN_VIBIF_QP_ATTR_MAX_DEST_RD_ATOMIC |
		       XEN_VIBIF_QP_ATTR_MIN_RNR_TIMER;
		a->qp_state = XEN_VIBIF_QP_STATE_RTR;
		b_ah(&a->ah_attr, variant == V_MQP_RTR);
		a->path_mtu = XEN_VIBIF_MTU_1024;
		a->dest_qp_num = cpu_to_le32(0x123456);
		a->rq_psn = cpu_to_le32(0xabcdef);
		a->max_dest_rd_atomic = 16;
		a->min_rnr_timer = 12;
		break;
	case V_MQP_RTS:
		mask = XEN_VIBIF_QP_ATTR_STATE | XEN_VIBIF_QP_ATTR_TIMEOUT |
		       XEN_VIBIF_QP_ATTR_RETRY_CNT | XEN_VIBIF_QP_ATTR_RNR_RETRY |
		       XEN_VIBIF_QP_ATTR_SQ_PSN |
		       XEN_VIBIF_QP_ATTR_MAX_QP_RD_ATOMIC |
		       XEN_VIBIF_QP_ATTR_CUR_STATE |
		       XEN_VIBIF_QP_ATTR_EN_SQD_ASYNC_NOTIFY |
		       XEN_VIBIF_QP_ATTR_QKEY |
		       XEN_VIBIF_QP_ATTR_PATH_MIG_STATE;
		a->qp_state = XEN_VIBIF_QP_STATE_RTS;
		a->cur_qp_state = XEN_VIBIF_QP_STATE_RTR;
		a->en_sqd_async_notify = 1;
		a->timeout = 14;
		a->retry_cnt = 7;
		a->rnr_retry = 7;
		a->sq_psn = cpu_to_le32(0xffffff);
		a->max_rd_atomic = 16;
		a->qkey = cpu_to_le32(0xffffffff);
		a->path_mig_state = XEN_VIBIF_MIG_ARMED;
		break;
	case V_MQP_ALT:
		mask = XEN_VIBIF_QP_ATTR_ALT_PATH;
		b_ah(&a->alt_ah_attr, true);
		a->alt_port_num = 1;
		a->alt_timeout = 31;
		a->alt_pkey_index = 0;
		break;
	default:
		return false;
	}
	m->attr_mask = cpu_to_le32(mask);
	return true;
}

static bool b_reg_mr(struct xen_vibif_reg_mr_req *m, int variant)
{
	u64 iova = 0x10000100, len = 8192;
	u8 type = XEN_VIBIF_PGDIR_GRANT;
	u32 access = XEN_VIBIF_ACCESS_LOCAL_WRITE |
		     XEN_VIBIF_ACCESS_REMOTE_WRITE |
		     XEN_VIBIF_ACCESS_REMOTE_READ |
		     XEN_VIBIF_ACCESS_REMOTE_ATOMIC;

	switch (variant) {
	case V_DEFAULT:
		break;
	case V_MR_256M:
		iova = 0x40000000;
		len = 256ULL << 20;
		break;
	case V_MR_GFN:
		iova = 0x7f0000001ff8;
		len = 1ULL << 24;
		type = XEN_VIBIF_PGDIR_GFN;
		break;
	case V_MR_MAX:
		iova = 0x100000000;
		len = (u64)XEN_VIBIF_PGDIR_MAX_PAGES * XEN_VIBIF_PAGE_SIZE;
		break;
	case V_MR_RO:
		iova = 0xfffffffffffff000ULL;
		len = 4096;
		access = XEN_VIBIF_ACCESS_REMOTE_READ;
		break;
	default:
		return false;
	}
	m->pd = cpu_to_le32(2);
	m->access = cpu_to_le32(access);
	m->iova = cpu_to_le64(iova);
	m->length = cpu_to_le64(len);
	m->offset = cpu_to_le32(iova & 4095);
	b_pgdir(&m->pgdir, (u32)DIV_ROUND_UP((iova & 4095) + len, 4096), type);
	return true;
}

bool b_request(struct xen_vibif_request *r, u16 op, int variant)
{
	union xen_vibif_req_body *b = &r->u;

	memset(r, 0, sizeof(*r));
	r->hdr.id = cpu_to_le64(0x1122334455667788ULL + op);
	r->hdr.opcode = cpu_to_le16(op);
	switch (op) {
	case XEN_VIBIF_OP_QUERY_DEVICE:
		break;
	case XEN_VIBIF_OP_QUERY_PORT:
		b->query_port.port_num = 1;
		break;
	case XEN_VIBIF_OP_QUERY_GID:
		b->query_gid.port_num = 1;
		b->query_gid.index = cpu_to_le32(15);
		break;
	case XEN_VIBIF_OP_QUERY_PKEY:
		b->query_pkey.port_num = 1;
		break;
	case XEN_VIBIF_OP_ALLOC_UCONTEXT:
		b->alloc_ucontext.db_ref = cpu_to_le32(77);
		break;
	case XEN_VIBIF_OP_ALLOC_PD:
		b->alloc_pd.ucontext = cpu_to_le32(1);
		break;
	case XEN_VIBIF_OP_DEALLOC_UCONTEXT:
	case XEN_VIBIF_OP_DEALLOC_PD:
	case XEN_VIBIF_OP_DESTROY_CQ:
	case XEN_VIBIF_OP_DESTROY_QP:
	case XEN_VIBIF_OP_QUERY_SRQ:
	case XEN_VIBIF_OP_DESTROY_SRQ:
	case XEN_VIBIF_OP_DESTROY_AH:
	case XEN_VIBIF_OP_DEREG_MR:
		b->handle.handle = cpu_to_le32(0xdeadbeef);
		break;
	case XEN_VIBIF_OP_CREATE_CQ:
		b->create_cq.ucontext = cpu_to_le32(1);
		b->create_cq.comp_vector = cpu_to_le32(3);
		b->create_cq.log_nslots = variant == V_CQ_BIG ? 16 : 4;
		b_queue_pgdir(&b->create_cq.pgdir, b->create_cq.log_nslots,
			      XENIB_CQE_SHIFT);
		return variant == V_DEFAULT || variant == V_CQ_BIG;
	case XEN_VIBIF_OP_RESIZE_CQ:
		b->resize_cq.cq = cpu_to_le32(3);
		b->resize_cq.log_nslots = 6;
		b_queue_pgdir(&b->resize_cq.pgdir, 6, XENIB_CQE_SHIFT);
		break;
	case XEN_VIBIF_OP_CREATE_QP:
		return b_create_qp(&b->create_qp, variant);
	case XEN_VIBIF_OP_MODIFY_QP:
		return b_modify_qp(&b->modify_qp, variant);
	case XEN_VIBIF_OP_QUERY_QP:
		b->query_qp.qp = cpu_to_le32(9);
		b->query_qp.attr_mask = cpu_to_le32(XEN_VIBIF_QP_ATTR_ALL);
		break;
	case XEN_VIBIF_OP_CREATE_SRQ:
		b->create_srq.ucontext = cpu_to_le32(1);
		b->create_srq.pd = cpu_to_le32(2);
		b->create_srq.db_index = cpu_to_le32(4095);
		b->create_srq.max_wr = cpu_to_le32(16);
		b->create_srq.max_sge = cpu_to_le32(1);
		b->create_srq.srq_limit = cpu_to_le32(15);
		b->create_srq.wqe_shift = 5;
		b->create_srq.log_nslots = 4;
		b_queue_pgdir(&b->create_srq.pgdir, 4, 5);
		break;
	case XEN_VIBIF_OP_MODIFY_SRQ:
		b->modify_srq.srq = cpu_to_le32(6);
		b->modify_srq.attr_mask = cpu_to_le32(XEN_VIBIF_SRQ_ATTR_LIMIT);
		b->modify_srq.srq_limit = cpu_to_le32(5);
		break;
	case XEN_VIBIF_OP_CREATE_AH:
		b->create_ah.pd = cpu_to_le32(2);
		b_ah(&b->create_ah.ah_attr, variant == V_DEFAULT);
		return variant <= 1;
	case XEN_VIBIF_OP_REG_MR:
		return b_reg_mr(&b->reg_mr, variant);
	case XEN_VIBIF_OP_RESIZE_SRQ:
		b->resize_srq.srq = cpu_to_le32(6);
		b->resize_srq.max_wr = cpu_to_le32(20);
		b->resize_srq.log_nslots = 5;
		b->resize_srq.wqe_shift = 5;
		b_queue_pgdir(&b->resize_srq.pgdir, 5, 5);
		break;
	case XEN_VIBIF_OP_ATTACH_MCAST:
	case XEN_VIBIF_OP_DETACH_MCAST:
		b->mcast.qp = cpu_to_le32(9);
		b->mcast.gid[0] = 0xff;
		b->mcast.gid[1] = 0x12;
		b->mcast.gid[15] = 0x34;
		break;
	default:
		return false;
	}
	return variant == V_DEFAULT;
}

static void b_cap_copy(struct xen_vibif_qp_cap *to,
		       const struct xen_vibif_qp_cap *from)
{
	*to = *from;
}

void b_response(struct xen_vibif_response *rsp,
		const struct xen_vibif_request *req)
{
	union xen_vibif_rsp_body *b = &rsp->u;
	const union xen_vibif_req_body *q = &req->u;
	u16 op = le16_to_cpu(req->hdr.opcode);
	int i;

	memset(rsp, 0, sizeof(*rsp));
	rsp->hdr.id = req->hdr.id;
	rsp->hdr.opcode = req->hdr.opcode;
	rsp->hdr.status = cpu_to_le32(XEN_VIBIF_OK);
	switch (op) {
	case XEN_VIBIF_OP_QUERY_DEVICE:
		b->query_device.fw_ver = cpu_to_le64(0x100);
		b->query_device.max_mr_size = cpu_to_le64(~0ULL);
		b->query_device.page_size_cap = cpu_to_le64(0xfffff000);
		b->query_device.device_cap_flags =
			cpu_to_le64(XEN_VIBIF_DEVCAP_SRQ |
				    XEN_VIBIF_DEVCAP_RESIZE_CQ);
		b->query_device.max_qp = cpu_to_le32(64);
		b->query_device.max_qp_wr = cpu_to_le32(4096);
		b->query_device.max_send_sge = cpu_to_le32(32);
		b->query_device.max_recv_sge = cpu_to_le32(32);
		b->query_device.max_sge_rd = cpu_to_le32(32);
		b->query_device.max_cq = cpu_to_le32(64);
		b->query_device.max_cqe = cpu_to_le32(65536);
		b->query_device.max_srq_sge = cpu_to_le32(32);
		b->query_device.max_inline_data = cpu_to_le32(512);
		b->query_device.num_comp_vectors = cpu_to_le32(1);
		b->query_device.max_pkeys = cpu_to_le16(1);
		b->query_device.phys_port_cnt = 1;
		b->query_device.atomic_cap = XEN_VIBIF_ATOMIC_HCA;
		for (i = 0; i < 8; i++)
			b->query_device.node_guid[i] = (u8)i;
		break;
	case XEN_VIBIF_OP_QUERY_PORT:
		b->query_port.state = XEN_VIBIF_PORT_ACTIVE;
		b->query_port.max_mtu = XEN_VIBIF_MTU_4096;
		b->query_port.active_mtu = XEN_VIBIF_MTU_1024;
		b->query_port.gid_tbl_len = cpu_to_le32(16);
		b->query_port.pkey_tbl_len = cpu_to_le16(1);
		b->query_port.link_layer = XEN_VIBIF_LINK_LAYER_ETHERNET;
		b->query_port.max_msg_sz = cpu_to_le32(0x80000000);
		break;
	case XEN_VIBIF_OP_QUERY_GID:
		b->query_gid.gid[0] = 0xfe;
		b->query_gid.gid[1] = 0x80;
		b->query_gid.gid_type = XEN_VIBIF_GID_TYPE_ROCE_UDP_ENCAP;
		break;
	case XEN_VIBIF_OP_QUERY_PKEY:
		b->query_pkey.pkey = cpu_to_le16(0xffff);
		break;
	case XEN_VIBIF_OP_ALLOC_UCONTEXT:
	case XEN_VIBIF_OP_ALLOC_PD:
	case XEN_VIBIF_OP_CREATE_AH:
		b->handle.handle = cpu_to_le32(0x1000 + op);
		break;
	case XEN_VIBIF_OP_CREATE_CQ:
		b->create_cq.cq = cpu_to_le32(0x2000);
		b->create_cq.cqe = cpu_to_le32(1U << q->create_cq.log_nslots);
		break;
	case XEN_VIBIF_OP_RESIZE_CQ:
		b->resize_cq.cqe = cpu_to_le32(1U << q->resize_cq.log_nslots);
		break;
	case XEN_VIBIF_OP_RESIZE_SRQ:
		b->resize_srq.max_wr = q->resize_srq.max_wr;
		break;
	case XEN_VIBIF_OP_CREATE_QP:
		b->create_qp.qp = cpu_to_le32(0x3000);
		b->create_qp.qpn = cpu_to_le32(0x11);
		b_cap_copy(&b->create_qp.cap, &q->create_qp.cap);
		break;
	case XEN_VIBIF_OP_QUERY_QP:
		b->query_qp.attr.qp_state = XEN_VIBIF_QP_STATE_RTS;
		b->query_qp.attr.path_mtu = XEN_VIBIF_MTU_1024;
		b->query_qp.attr.port_num = 1;
		b->query_qp.attr.dest_qp_num = cpu_to_le32(0x123456);
		b_ah(&b->query_qp.attr.ah_attr, true);
		b->query_qp.cap.max_send_wr = cpu_to_le32(16);
		b->query_qp.sq_sig_all = 1;
		break;
	case XEN_VIBIF_OP_CREATE_SRQ:
		b->create_srq.srq = cpu_to_le32(0x4000);
		b->create_srq.srqn = cpu_to_le32(0x22);
		b->create_srq.max_wr = q->create_srq.max_wr;
		b->create_srq.max_sge = q->create_srq.max_sge;
		break;
	case XEN_VIBIF_OP_QUERY_SRQ:
		b->query_srq.max_wr = cpu_to_le32(16);
		b->query_srq.max_sge = cpu_to_le32(1);
		b->query_srq.srq_limit = cpu_to_le32(16);
		break;
	case XEN_VIBIF_OP_REG_MR:
		b->reg_mr.mr = cpu_to_le32(0x5000);
		b->reg_mr.lkey = cpu_to_le32(0x1234);
		b->reg_mr.rkey = cpu_to_le32(0x1234);
		break;
	default:
		break;
	}
}

u32 b_send_wqe(void *buf, u8 opcode, u8 qp_type, bool inl)
{
	struct xenib_send_wqe *w = buf;
	struct xenib_sge *sge = (struct xenib_sge *)(w + 1);
	u32 len = XENIB_SEND_WQE_HDR_SIZE;

	memset(buf, 0, 1U << B_SQ_SHIFT);
	w->wr_id = 0xfeedfacecafebeefULL;
	w->opcode = opcode;
	w->send_flags = XENIB_SEND_SIGNALED;
	if (opcode == XENIB_WR_SEND_WITH_IMM ||
	    opcode == XENIB_WR_RDMA_WRITE_WITH_IMM)
		w->imm_data = htobe32(0x01020304);
	switch (opcode) {
	case XENIB_WR_RDMA_WRITE:
	case XENIB_WR_RDMA_WRITE_WITH_IMM:
	case XENIB_WR_RDMA_READ:
		w->wr.rdma.remote_addr = 0x7fff00001000ULL;
		w->wr.rdma.rkey = 0x55;
		break;
	case XENIB_WR_ATOMIC_CMP_AND_SWP:
	case XENIB_WR_ATOMIC_FETCH_AND_ADD:
		w->wr.atomic.remote_addr = 0x7fff00002008ULL;
		w->wr.atomic.compare_add = 1;
		if (opcode == XENIB_WR_ATOMIC_CMP_AND_SWP)
			w->wr.atomic.swap = 2;
		w->wr.atomic.rkey = 0x56;
		w->num_sge = 1;
		sge[0].addr = 0x10000000;
		sge[0].length = 8;
		sge[0].lkey = 0x57;
		return len + XENIB_SGE_SIZE;
	default:
		if (qp_type == XEN_VIBIF_QPT_UD) {
			w->wr.ud.ah = 0x1014;
			w->wr.ud.remote_qpn = 0xffffff;
			w->wr.ud.remote_qkey = 0x11111111;
		}
		break;
	}
	if (inl) {
		w->send_flags |= XENIB_SEND_INLINE;
		w->inline_len = 100;
		memset(sge, 0xab, 100);
		return len + 100;
	}
	w->num_sge = 2;
	sge[0].addr = 0x10000000;
	sge[0].length = 4096;
	sge[0].lkey = 0x57;
	sge[1].addr = 0xfffffffffffff000ULL;
	sge[1].length = 4096;
	sge[1].lkey = 0x58;
	return len + 2 * XENIB_SGE_SIZE;
}

u32 b_recv_wqe(void *buf, u16 nsge)
{
	struct xenib_recv_wqe *w = buf;
	struct xenib_sge *sge = (struct xenib_sge *)(w + 1);
	u16 i;

	memset(buf, 0, 1U << B_RQ_SHIFT);
	w->wr_id = 42;
	w->num_sge = nsge;
	for (i = 0; i < nsge; i++) {
		sge[i].addr = 0x20000000 + 0x1000ULL * i;
		sge[i].length = 0x1000;
		sge[i].lkey = 0x60 + i;
	}
	return XENIB_RECV_WQE_HDR_SIZE + nsge * XENIB_SGE_SIZE;
}

void b_event(struct xen_vibif_event *ev, u8 type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	switch (type) {
	case XEN_VIBIF_EVT_COMP:
		ev->handle = cpu_to_le32(0x2000);
		ev->data = cpu_to_le32(7);
		break;
	case XEN_VIBIF_EVT_CQ_ERR:
		ev->code = XEN_VIBIF_IBEV_CQ_ERR;
		ev->handle = cpu_to_le32(0x2000);
		break;
	case XEN_VIBIF_EVT_QP_EVENT:
		ev->code = XEN_VIBIF_IBEV_QP_FATAL;
		ev->handle = cpu_to_le32(0x3000);
		break;
	case XEN_VIBIF_EVT_SRQ_EVENT:
		ev->code = XEN_VIBIF_IBEV_SRQ_LIMIT_REACHED;
		ev->handle = cpu_to_le32(0x4000);
		break;
	case XEN_VIBIF_EVT_PORT_EVENT:
		ev->code = XEN_VIBIF_IBEV_PORT_ACTIVE;
		ev->handle = cpu_to_le32(1);
		break;
	case XEN_VIBIF_EVT_DEVICE_FATAL:
		ev->code = XEN_VIBIF_IBEV_DEVICE_FATAL;
		break;
	}
}
