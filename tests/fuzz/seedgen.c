// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * seedgen.c - writes a small corpus of valid messages for every fuzz
 * target: seedgen <outdir> creates <outdir>/corpus-<target>/seed-N.
 * The backend targets get programs (back_prog.h): realistic control-path
 * sequences for fuzz_back_cmd, data-path sequences on the fixed guest of
 * fuzz_back_engine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "back_prog.h"
#include "builders.h"

static const char *out;
static int nfail;

static void put(const char *target, int n, const void *a, size_t alen,
		const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/corpus-%s", out, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		nfail++;
		return;
	}
	snprintf(path, sizeof(path), "%s/corpus-%s/seed-%03d", out, target, n);
	f = fopen(path, "wb");
	if (!f) {
		nfail++;
		return;
	}
	if (fwrite(a, 1, alen, f) != alen || (blen && fwrite(b, 1, blen, f) != blen))
		nfail++;
	if (fclose(f))
		nfail++;
}

static void put_prog(const char *target, int n, const struct bp *p)
{
	put(target, n, p->buf, p->len, NULL, 0);
}

static void handle_req(struct bp *p, u16 op, u32 ref, u8 flags)
{
	struct xen_vibif_handle_req h = { .handle = cpu_to_le32(ref) };

	bp_req(p, op, &h, sizeof(h), flags);
}

/* Everything bp_setup() made, destroyed in an order the backend accepts. */
static void destroy_all(struct bp *p)
{
	handle_req(p, XEN_VIBIF_OP_DESTROY_QP, 1, 0);
	handle_req(p, XEN_VIBIF_OP_DESTROY_QP, 2, 0);
	handle_req(p, XEN_VIBIF_OP_DESTROY_AH, 1, 0);
	handle_req(p, XEN_VIBIF_OP_DESTROY_SRQ, 1, 0);
	handle_req(p, XEN_VIBIF_OP_DEREG_MR, 1, 0);
	handle_req(p, XEN_VIBIF_OP_DEREG_MR, 2, 0);
	handle_req(p, XEN_VIBIF_OP_DESTROY_CQ, 1, 0);
	handle_req(p, XEN_VIBIF_OP_DESTROY_CQ, 2, 0);
	handle_req(p, XEN_VIBIF_OP_DEALLOC_PD, 1, 0);
	handle_req(p, XEN_VIBIF_OP_DEALLOC_UCONTEXT, 1, 0);
}

static void queries(struct bp *p)
{
	union xen_vibif_req_body b;

	memset(&b, 0, sizeof(b));
	bp_req(p, XEN_VIBIF_OP_QUERY_DEVICE, &b, 0, 0);
	b.query_port.port_num = 1;
	bp_req(p, XEN_VIBIF_OP_QUERY_PORT, &b, sizeof(b.query_port), 0);
	memset(&b, 0, sizeof(b));
	b.query_gid.port_num = 1;
	b.query_gid.index = cpu_to_le32(1);
	bp_req(p, XEN_VIBIF_OP_QUERY_GID, &b, sizeof(b.query_gid), 0);
	memset(&b, 0, sizeof(b));
	b.query_pkey.port_num = 1;
	bp_req(p, XEN_VIBIF_OP_QUERY_PKEY, &b, sizeof(b.query_pkey), 0);
	memset(&b, 0, sizeof(b));
	b.query_qp.qp = cpu_to_le32(1);
	b.query_qp.attr_mask = cpu_to_le32(XEN_VIBIF_QP_ATTR_AV |
					   XEN_VIBIF_QP_ATTR_RETRY_CNT);
	bp_req(p, XEN_VIBIF_OP_QUERY_QP, &b, sizeof(b.query_qp), 0);
	handle_req(p, XEN_VIBIF_OP_QUERY_SRQ, 1, 0);
}

/* Resizes, SRQ limit, multicast: the rarer requests, after bp_setup(). */
static void rare(struct bp *p)
{
	union xen_vibif_req_body b;

	memset(&b, 0, sizeof(b));
	b.resize_cq.cq = cpu_to_le32(1);
	b.resize_cq.log_nslots = 5;
	bp_pgdir(&b.resize_cq.pgdir, 1, 30);
	bp_req(p, XEN_VIBIF_OP_RESIZE_CQ, &b, sizeof(b.resize_cq), 0);
	memset(&b, 0, sizeof(b));
	b.modify_srq.srq = cpu_to_le32(1);
	b.modify_srq.attr_mask = cpu_to_le32(XEN_VIBIF_SRQ_ATTR_LIMIT);
	b.modify_srq.srq_limit = cpu_to_le32(4);
	bp_req(p, XEN_VIBIF_OP_MODIFY_SRQ, &b, sizeof(b.modify_srq), 0);
	memset(&b, 0, sizeof(b));
	b.resize_srq.srq = cpu_to_le32(1);
	b.resize_srq.max_wr = cpu_to_le32(32);
	b.resize_srq.log_nslots = 5;
	b.resize_srq.wqe_shift = 6;
	bp_pgdir(&b.resize_srq.pgdir, 1, 31);
	bp_req(p, XEN_VIBIF_OP_RESIZE_SRQ, &b, sizeof(b.resize_srq), 0);
	memset(&b, 0, sizeof(b));
	b.mcast.qp = cpu_to_le32(2);
	b.mcast.lid = cpu_to_le16(0xc001);
	b.mcast.gid[0] = 0xff;
	b.mcast.gid[1] = 0x12;
	b.mcast.gid[15] = 1;
	bp_req(p, XEN_VIBIF_OP_ATTACH_MCAST, &b, sizeof(b.mcast), 0);
	bp_req(p, XEN_VIBIF_OP_ATTACH_MCAST, &b, sizeof(b.mcast), 0);
	bp_u8(p, BP_OP_DUMP);
	bp_req(p, XEN_VIBIF_OP_DETACH_MCAST, &b, sizeof(b.mcast), 0);
	bp_req(p, XEN_VIBIF_OP_ATTACH_MCAST, &b, sizeof(b.mcast), 0);
}

/* A 24-page MR: a directory of levels 1 in frame 40, data frames 41..64. */
static void big_mr(struct bp *p)
{
	struct xen_vibif_reg_mr_req m;

	bp_u8(p, BP_OP_DIR);
	bp_le16(p, 40);
	bp_le16(p, 41);
	bp_le16(p, 24);
	memset(&m, 0, sizeof(m));
	m.pd = cpu_to_le32(1);
	m.access = cpu_to_le32(XEN_VIBIF_ACCESS_LOCAL_WRITE);
	m.iova = cpu_to_le64(0x100000);
	m.length = cpu_to_le64(24 * 4096);
	m.pgdir.npages = cpu_to_le32(24);
	m.pgdir.levels = 1;
	m.pgdir.type = XEN_VIBIF_PGDIR_GRANT;
	m.pgdir.nrefs = cpu_to_le16(1);
	m.pgdir.ref[0] = cpu_to_le32(40);
	bp_req(p, XEN_VIBIF_OP_REG_MR, &m, sizeof(m), 0);
}

/* Data-path traffic on bp_setup()'s guest (fake QPs: 1 RC, 2 UD). */
static void traffic(struct bp *p, int variant)
{
	u8 w[256];
	size_t len;
	int k;

	switch (variant) {
	case 0:	/* sends on the RC QP, completed, CQ consumed */
		len = bp_send_wqe(w, XENIB_WR_SEND, XENIB_SEND_SIGNALED, 2);
		bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len);
		len = bp_send_wqe(w, XENIB_WR_RDMA_WRITE, 0, 1);
		bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len);
		len = bp_send_wqe(w, XENIB_WR_RDMA_READ, XENIB_SEND_SIGNALED, 1);
		bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len);
		bp_u8(p, BP_OP_PASS);
		bp_u8(p, BP_OP_DEVCOMP);
		bp_bytes(p, "\x01\x00\x03\x00\x00", 5);
		bp_u8(p, BP_OP_CQ);
		bp_bytes(p, "\x00\x01\x01\x00\x00\x00", 6);
		bp_u8(p, BP_OP_PASS);
		bp_u8(p, BP_OP_CQ);
		bp_bytes(p, "\x00\x00\x00\x00\x00\x00", 6);
		break;
	case 1:	/* receives on the RC RQ and the SRQ, a UD send */
		len = bp_recv_wqe(w, 2);
		bp_wqe(p, BP_SETUP_QIDX_RC_RQ, BP_WQE_ALL, w, len);
		len = bp_recv_wqe(w, 3);
		bp_wqe(p, BP_SETUP_QIDX_SRQ, BP_WQE_ALL, w, len);
		len = bp_send_wqe(w, XENIB_WR_SEND_WITH_IMM, 0, 1);
		((struct xenib_send_wqe *)w)->imm_data = 0x01020304;
		((struct xenib_send_wqe *)w)->wr.ud.remote_qpn = 0x42;
		((struct xenib_send_wqe *)w)->wr.ud.remote_qkey = 0x11111111;
		bp_wqe(p, BP_SETUP_QIDX_UD_SQ, BP_WQE_ALL, w, len);
		bp_u8(p, BP_OP_PASS);
		bp_u8(p, BP_OP_DEVCOMP);
		bp_bytes(p, "\x01\x01\x01\x00\x00", 5);
		bp_u8(p, BP_OP_DEVCOMP);
		bp_bytes(p, "\x02\x01\x01\x00\x00", 5);
		bp_u8(p, BP_OP_DEVCOMP);
		bp_bytes(p, "\x02\x00\x01\x00\x00", 5);
		bp_u8(p, BP_OP_PASS);
		break;
	case 2:	/* an inline send, an atomic, an error completion */
		len = bp_send_wqe(w, XENIB_WR_SEND, XENIB_SEND_INLINE |
				  XENIB_SEND_SIGNALED, 0);
		((struct xenib_send_wqe *)w)->inline_len = 48;
		memset(w + len, 0xab, 48);
		bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len + 48);
		len = bp_send_wqe(w, XENIB_WR_ATOMIC_FETCH_AND_ADD,
				  XENIB_SEND_SIGNALED, 1);
		((struct xenib_sge *)(w + 64))->length = 8;
		bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len);
		bp_u8(p, BP_OP_PASS);
		bp_u8(p, BP_OP_DEVCOMP);
		bp_bytes(p, "\x01\x00\x02\x00\x05", 5);
		bp_u8(p, BP_OP_PASS);
		break;
	case 3:	/* the CQ overrun: 17 completions the guest does not consume */
		len = bp_send_wqe(w, XENIB_WR_SEND, XENIB_SEND_SIGNALED, 1);
		for (k = 0; k < 17; k++) {
			bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len);
			if (k % 8 == 7 || k == 16) {
				bp_u8(p, BP_OP_PASS);
				bp_u8(p, BP_OP_DEVCOMP);
				bp_bytes(p, "\x01\x00\x08\x00\x00", 5);
				bp_u8(p, BP_OP_PASS);
			}
		}
		bp_u8(p, BP_OP_TIME);
		bp_u8(p, 20);
		bp_u8(p, BP_OP_THREAD);
		bp_u8(p, 63);
		break;
	default: /* a forged key, a budget of 1, the thread, a bad prod */
		len = bp_send_wqe(w, XENIB_WR_SEND, XENIB_SEND_SIGNALED, 1);
		((struct xenib_sge *)(w + 64))->lkey = 0x12345678;
		bp_wqe(p, BP_SETUP_QIDX_RC_SQ, BP_WQE_ALL, w, len);
		bp_u8(p, BP_OP_PARAM);
		bp_bytes(p, "\x01\x01", 2);
		len = bp_recv_wqe(w, 1);
		bp_wqe(p, BP_SETUP_QIDX_RC_RQ, BP_WQE_ALL, w, len);
		bp_wqe(p, BP_SETUP_QIDX_RC_RQ, BP_WQE_ALL, w, len);
		bp_u8(p, BP_OP_IRQ);
		bp_u8(p, 1);
		bp_u8(p, BP_OP_THREAD);
		bp_u8(p, 3);
		bp_u8(p, BP_OP_DEVCOMP);
		bp_bytes(p, "\x01\x00\x01\x00\x00", 5);
		bp_u8(p, BP_OP_DUMP);
		bp_wqe(p, BP_SETUP_QIDX_SRQ, BP_WQE_ALL | BP_WQE_RAW_PROD, w,
		       len);
		bp_le32(p, 0x80000000);
		bp_u8(p, BP_OP_PASS);
		break;
	}
}

static void back_seeds(void)
{
	struct bp p;
	int n = 0, v;

	/* fuzz_back_cmd: control-path sequences. */
	bp_init(&p, 0, 0);
	put_prog("back_cmd", n++, &p);
	bp_init(&p, 0, 0);
	bp_setup(&p, true);
	destroy_all(&p);
	put_prog("back_cmd", n++, &p);
	bp_init(&p, 1, 0);
	bp_setup(&p, true);
	queries(&p);
	rare(&p);
	destroy_all(&p);
	put_prog("back_cmd", n++, &p);
	bp_init(&p, 2, 0x01);	/* InfiniBand, 4 ring pages */
	bp_setup(&p, false);
	queries(&p);
	put_prog("back_cmd", n++, &p);
	bp_init(&p, 0, 0);
	bp_setup(&p, true);
	big_mr(&p);
	bp_u8(&p, BP_OP_REMOVE);
	queries(&p);
	bp_u8(&p, BP_OP_REMOVE);
	bp_u8(&p, BP_OP_RECONNECT);
	bp_setup(&p, true);
	put_prog("back_cmd", n++, &p);
	bp_init(&p, BP_H0_TIGHT | BP_H0_GID_ALLOW | BP_H0_BUDGET1, 0x20);
	bp_setup(&p, true);
	big_mr(&p);
	put_prog("back_cmd", n++, &p);
	bp_init(&p, 0, 0x1e);	/* no SRQ, no resize, no mcast, not rxe */
	bp_setup(&p, true);
	rare(&p);
	put_prog("back_cmd", n++, &p);
	for (v = 0; v < 5; v++) {
		bp_init(&p, 0, 0);
		bp_setup(&p, true);
		traffic(&p, v);
		destroy_all(&p);
		put_prog("back_cmd", n++, &p);
	}
	/* Faults in the middle of the set-up. */
	for (v = 0; v < 8; v++) {
		bp_init(&p, 0, 0);
		bp_u8(&p, BP_OP_FAULT);
		bp_u8(&p, (u8)v);
		bp_u8(&p, (u8)(3 + v));
		bp_setup(&p, true);
		destroy_all(&p);
		put_prog("back_cmd", n++, &p);
	}
	/* Requests in a batch, then a corrupted producer. */
	bp_init(&p, 0, 0);
	bp_setup(&p, true);
	handle_req(&p, XEN_VIBIF_OP_QUERY_SRQ, 1, BP_REQ_BATCH);
	handle_req(&p, XEN_VIBIF_OP_QUERY_SRQ, 1, BP_REQ_BATCH | BP_REQ_BAD_HDR);
	bp_u8(&p, BP_OP_KICK);
	bp_u8(&p, BP_OP_RING);
	bp_u8(&p, BP_RING_REQ_PROD);
	bp_le32(&p, 0x1000);
	put_prog("back_cmd", n++, &p);

	/* fuzz_back_engine: data-path traffic on its fixed guest. */
	n = 0;
	bp_init(&p, 0, 0);
	put_prog("back_engine", n++, &p);
	for (v = 0; v < 5; v++) {
		bp_init(&p, 0, 0);
		traffic(&p, v);
		put_prog("back_engine", n++, &p);
		bp_init(&p, 0, 0x01);
		traffic(&p, v);
		put_prog("back_engine", n++, &p);
	}
}

int main(int argc, char **argv)
{
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	struct xen_vibif_event ev;
	u8 buf[4 + 2048];
	int n = 0, v, l;
	u16 op;
	u8 t;

	if (argc != 2) {
		fprintf(stderr, "usage: seedgen <outdir>\n");
		return 2;
	}
	out = argv[1];
	for (op = 1; op < XEN_VIBIF_OP_COUNT; op++) {
		for (v = 0; v < V_COUNT; v++) {
			if (!b_request(&req, op, v))
				continue;
			l = v == V_MR_GFN && op == XEN_VIBIF_OP_REG_MR ? L_GFN : L_DEFAULT;
			u8 sel = (u8)l;

			put("request", n, &req, sizeof(req), &sel, 1);
			b_response(&rsp, &req);
			put("response", n, &req, sizeof(req), &rsp, sizeof(rsp));
			n++;
		}
	}
	n = 0;
	for (t = 0; t < XENIB_WR_COUNT; t++) {
		u8 qpt;

		for (qpt = XEN_VIBIF_QPT_RC; qpt <= XEN_VIBIF_QPT_UD; qpt++) {
			u32 len;

			buf[0] = qpt;
			buf[1] = B_SQ_SHIFT - XENIB_SQ_WQE_SHIFT_MIN;
			buf[2] = B_SQ_MAX_SGE;
			buf[3] = B_SQ_MAX_INLINE / 8;
			len = b_send_wqe(buf + 4, t, qpt, false);
			put("send_wqe", n++, buf, 4 + len, NULL, 0);
			if (t <= XENIB_WR_SEND_WITH_IMM) {
				len = b_send_wqe(buf + 4, t, qpt, true);
				put("send_wqe", n++, buf, 4 + len, NULL, 0);
			}
		}
	}
	n = 0;
	for (v = 0; v <= B_RQ_MAX_SGE; v++) {
		u32 len;

		buf[0] = B_RQ_SHIFT - XENIB_RQ_WQE_SHIFT_MIN;
		buf[1] = B_RQ_MAX_SGE;
		len = b_recv_wqe(buf + 2, (u16)v);
		put("recv_wqe", n++, buf, 2 + len, NULL, 0);
	}
	n = 0;
	for (t = XEN_VIBIF_EVT_COMP; t < XEN_VIBIF_EVT_COUNT; t++) {
		u32 idx[2] = { 5, 0xfffffffe };

		b_event(&ev, t);
		put("event", n++, &ev, sizeof(ev), idx, sizeof(idx));
	}
	back_seeds();
	return nfail ? 1 : 0;
}
