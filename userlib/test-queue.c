// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Host unit test of queue.c, the provider's fast path: queue geometry,
 * WQE layout and validation, ring-full handling, the doorbell protocol,
 * CQE polling and arming.  The test plays the backend by reading and
 * writing the shared buffers directly.  Built without rdma-core's private
 * headers and without libibverbs, which is the point: queue.c must not
 * need them.  Last line: "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "harness.h"

static void *alloc_queue(uint32_t log_nslots, uint32_t shift)
{
	size_t len = (xenib_queue_bytes(log_nslots, shift) + 4095) & ~4095UL;
	void *p = aligned_alloc(4096, len);

	if (p)
		memset(p, 0, len);
	return p;
}

static void *slot(void *buf, uint32_t idx, uint32_t log_nslots,
		  uint32_t shift)
{
	return (char *)buf + xenib_queue_slot_offset(idx, log_nslots, shift);
}

static void test_geometry(void)
{
	static const struct { int cqe; uint32_t max; int ret; uint32_t log; } cq[] = {
		{ 1, 20, 0, 0 }, { 2, 20, 0, 1 }, { 3, 20, 0, 2 },
		{ 1024, 20, 0, 10 }, { 1025, 20, 0, 11 },
		{ 1 << 20, 20, 0, 20 }, { (1 << 20) + 1, 20, EINVAL, 0 },
		{ 2000, 10, EINVAL, 0 }, { 0, 20, EINVAL, 0 },
		{ -5, 20, EINVAL, 0 },
	};
	static const struct {
		uint32_t wr, sge, inl, smax; int ret; uint32_t log, shift;
	} sq[] = {
		{ 0, 0, 0, 11, 0, 0, 7 },	/* at least one 128-octet slot */
		{ 1, 4, 0, 11, 0, 0, 7 },	/* 64 + 4 * 16 = 128 */
		{ 5, 5, 0, 11, 0, 3, 8 },	/* 144 -> 256 */
		{ 8, 1, 200, 11, 0, 3, 9 },	/* inline 200: 264 -> 512 */
		{ 16, 124, 0, 11, 0, 4, 11 },	/* 2048 exactly */
		{ 16, 125, 0, 11, EINVAL, 0, 0 },
		{ 16, 30, 0, 9, EINVAL, 0, 0 },	/* 544 > 2^9 */
		{ 16, 30, 0, 15, 0, 4, 10 },	/* shift_max clamped to 11 */
	};
	static const struct {
		uint32_t wr, sge; int ret; uint32_t log, shift;
	} rq[] = {
		{ 1, 0, 0, 0, 5 }, { 1, 1, 0, 0, 5 }, { 3, 2, 0, 2, 6 },
		{ 1, 63, 0, 0, 10 }, { 1, 64, EINVAL, 0, 0 },
	};
	uint32_t log, shift;
	size_t i;

	CHECK(xenib_log2_ceil(0) == 0 && xenib_log2_ceil(1) == 0 &&
	      xenib_log2_ceil(2) == 1 && xenib_log2_ceil(5) == 3 &&
	      xenib_log2_ceil(0x80000000u) == 31 &&
	      xenib_log2_ceil(0x80000001u) == 32);
	for (i = 0; i < sizeof(cq) / sizeof(cq[0]); i++) {
		log = 99;
		CHECK(xenib_cq_geometry(cq[i].cqe, cq[i].max, &log) == cq[i].ret &&
		      (cq[i].ret || log == cq[i].log));
	}
	for (i = 0; i < sizeof(sq) / sizeof(sq[0]); i++) {
		log = 99;
		shift = 99;
		CHECK(xenib_sq_geometry(sq[i].wr, sq[i].sge, sq[i].inl,
					sq[i].smax, 20, &log, &shift) == sq[i].ret &&
		      (sq[i].ret || (log == sq[i].log && shift == sq[i].shift)));
	}
	for (i = 0; i < sizeof(rq) / sizeof(rq[0]); i++) {
		log = 99;
		shift = 99;
		CHECK(xenib_rq_geometry(rq[i].wr, rq[i].sge, 10, 20, &log,
					&shift) == rq[i].ret &&
		      (rq[i].ret || (log == rq[i].log && shift == rq[i].shift)));
	}
	CHECK(xenib_rq_geometry(1 << 21, 1, 10, 20, &log, &shift) == EINVAL);
}

static void test_post_send(void)
{
	char payload[16] = "0123456789abcdef";
	struct ibv_sge sg[5] = {
		{ .addr = 0x1000, .length = 100, .lkey = 11 },
		{ .addr = 0x2000, .length = 200, .lkey = 22 },
		{ .addr = 0x3000, .length = 8, .lkey = 33 },
		{ .addr = (uintptr_t)payload, .length = 4 },
		{ .addr = (uintptr_t)payload + 4, .length = 6 },
	};
	struct ibv_send_wr wr[5], *bad;
	struct xenib_send_wqe *w;
	struct xenib_sge *s;
	struct xenib_wq sq;
	unsigned int posted;
	void *buf;
	int ret;

	buf = alloc_queue(2, 7);		/* 4 slots of 128 octets */
	if (!buf)
		return;
	xenib_wq_init(&sq, buf, 2, 7, 100, 1000, true);
	CHECK(sq.max_sge == 4 && sq.max_inline == 64);	/* clamped to the slot */

	memset(wr, 0, sizeof(wr));
	wr[0].wr_id = 0xaaaa;
	wr[0].opcode = IBV_WR_SEND;
	wr[0].send_flags = IBV_SEND_SIGNALED | IBV_SEND_SOLICITED;
	wr[0].sg_list = sg;
	wr[0].num_sge = 2;
	wr[0].next = &wr[1];
	wr[1].wr_id = 0xbbbb;
	wr[1].opcode = IBV_WR_RDMA_WRITE_WITH_IMM;
	wr[1].imm_data = htobe32(0x12345678);
	wr[1].wr.rdma.remote_addr = 0xdead0000;
	wr[1].wr.rdma.rkey = 0x77;
	wr[1].sg_list = sg;
	wr[1].num_sge = 1;
	ret = xenib_wq_post_send(&sq, IBV_QPT_RC, wr, &bad, &posted);
	CHECK(ret == 0 && posted == 2 && sq.hdr->prod == 2);
	w = slot(buf, 0, 2, 7);
	s = (struct xenib_sge *)(w + 1);
	CHECK(w->wr_id == 0xaaaa && w->opcode == XENIB_WR_SEND &&
	      w->send_flags == (XENIB_SEND_SIGNALED | XENIB_SEND_SOLICITED) &&
	      w->num_sge == 2 && w->inline_len == 0 && w->imm_data == 0 &&
	      w->reserved0 == 0 && w->reserved1 == 0);
	CHECK(s[0].addr == 0x1000 && s[0].length == 100 && s[0].lkey == 11 &&
	      s[1].addr == 0x2000 && s[1].length == 200 && s[1].lkey == 22);
	w = slot(buf, 1, 2, 7);
	CHECK(w->opcode == XENIB_WR_RDMA_WRITE_WITH_IMM &&
	      w->imm_data == htobe32(0x12345678) &&
	      w->wr.rdma.remote_addr == 0xdead0000 && w->wr.rdma.rkey == 0x77 &&
	      w->wr.rdma.reserved == 0 && w->num_sge == 1);

	/* Two slots left: the third of three WRs finds the queue full. */
	wr[0].next = &wr[1];
	wr[1].next = &wr[2];
	wr[2] = wr[0];
	wr[2].wr_id = 0xcccc;
	wr[2].next = NULL;
	ret = xenib_wq_post_send(&sq, IBV_QPT_RC, wr, &bad, &posted);
	CHECK(ret == ENOMEM && bad == &wr[2] && posted == 2 && sq.hdr->prod == 4);
	/* The backend consumes three: the slot of index 4 is slot 0. */
	sq.hdr->cons = 3;
	ret = xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[2], &bad, &posted);
	w = slot(buf, 4, 2, 7);
	CHECK(ret == 0 && posted == 1 && sq.hdr->prod == 5 && w->wr_id == 0xcccc);
	sq.hdr->cons = 5;

	/* Inline: the data, not the SGEs, goes into the slot. */
	memset(&wr[3], 0, sizeof(wr[3]));
	wr[3].wr_id = 3;
	wr[3].opcode = IBV_WR_SEND;
	wr[3].send_flags = IBV_SEND_INLINE;
	wr[3].sg_list = &sg[3];
	wr[3].num_sge = 2;
	ret = xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[3], &bad, &posted);
	w = slot(buf, 5, 2, 7);
	CHECK(ret == 0 && w->inline_len == 10 && w->num_sge == 0 &&
	      w->send_flags == XENIB_SEND_INLINE &&
	      !memcmp(w + 1, "0123456789", 10));
	sq.hdr->cons = sq.hdr->prod;

	/* UD: the AH handle, QPN and Q_Key; RDMA is not for UD. */
	{
		struct xenib_ah ah = { .ah_handle = 0x4242 };

		memset(&wr[4], 0, sizeof(wr[4]));
		wr[4].opcode = IBV_WR_SEND;
		wr[4].wr.ud.ah = &ah.ibv_ah;
		wr[4].wr.ud.remote_qpn = 0xabcdef;
		wr[4].wr.ud.remote_qkey = 0x11111111;
		ret = xenib_wq_post_send(&sq, IBV_QPT_UD, &wr[4], &bad, &posted);
		w = slot(buf, sq.prod - 1, 2, 7);
		CHECK(ret == 0 && w->wr.ud.ah == 0x4242 &&
		      w->wr.ud.remote_qpn == 0xabcdef &&
		      w->wr.ud.remote_qkey == 0x11111111);
		wr[4].wr.ud.remote_qpn = 0x1000000;
		CHECK(xenib_wq_post_send(&sq, IBV_QPT_UD, &wr[4], &bad, &posted) == EINVAL);
		wr[4].wr.ud.remote_qpn = 1;
		wr[4].wr.ud.ah = NULL;
		CHECK(xenib_wq_post_send(&sq, IBV_QPT_UD, &wr[4], &bad, &posted) == EINVAL);
		wr[4].wr.ud.ah = &ah.ibv_ah;
		wr[4].opcode = IBV_WR_RDMA_WRITE;
		CHECK(xenib_wq_post_send(&sq, IBV_QPT_UD, &wr[4], &bad, &posted) == EINVAL &&
		      bad == &wr[4] && posted == 0);
		sq.hdr->cons = sq.hdr->prod;
	}

	/* Atomics: one 8-octet SGE, aligned remote address, RC only. */
	memset(&wr[0], 0, sizeof(wr[0]));
	wr[0].opcode = IBV_WR_ATOMIC_FETCH_AND_ADD;
	wr[0].sg_list = &sg[2];
	wr[0].num_sge = 1;
	wr[0].wr.atomic.remote_addr = 0x8000;
	wr[0].wr.atomic.compare_add = 5;
	wr[0].wr.atomic.swap = 99;	/* ignored for FETCH_AND_ADD */
	wr[0].wr.atomic.rkey = 9;
	ret = xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted);
	w = slot(buf, sq.prod - 1, 2, 7);
	CHECK(ret == 0 && w->wr.atomic.compare_add == 5 && w->wr.atomic.swap == 0 &&
	      w->wr.atomic.rkey == 9 && w->wr.atomic.remote_addr == 0x8000);
	sq.hdr->cons = sq.hdr->prod;
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_UC, &wr[0], &bad, &posted) == EINVAL);
	wr[0].wr.atomic.remote_addr = 0x8004;
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);
	wr[0].wr.atomic.remote_addr = 0x8000;
	wr[0].sg_list = &sg[0];
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);

	/* Refused: too many SGEs, unknown flags and opcodes, bad inline. */
	memset(&wr[0], 0, sizeof(wr[0]));
	wr[0].opcode = IBV_WR_SEND;
	wr[0].sg_list = sg;
	wr[0].num_sge = 5;
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);
	wr[0].num_sge = 1;
	wr[0].send_flags = IBV_SEND_IP_CSUM;
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);
	wr[0].send_flags = 0;
	wr[0].opcode = IBV_WR_LOCAL_INV;
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);
	wr[0].opcode = IBV_WR_RDMA_READ;
	wr[0].send_flags = IBV_SEND_INLINE;
	wr[0].sg_list = &sg[3];
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);
	wr[0].opcode = IBV_WR_SEND;
	wr[0].sg_list = &sg[0];		/* 100 octets > max_inline 64 */
	CHECK(xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted) == EINVAL);

	/* A bad WR mid-chain: the ones before it are published. */
	{
		uint32_t prod0 = sq.hdr->prod;

		wr[0].send_flags = 0;
		wr[0].next = &wr[1];
		wr[1].opcode = 42;
		wr[1].next = NULL;
		ret = xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted);
		CHECK(ret == EINVAL && bad == &wr[1] && posted == 1 &&
		      sq.hdr->prod == prod0 + 1);
	}

	/* The backend put the queue in error: nothing more is posted. */
	sq.hdr->cons = sq.hdr->prod;
	sq.hdr->error = XENIB_QERR_BAD_WQE;
	wr[0].next = NULL;
	ret = xenib_wq_post_send(&sq, IBV_QPT_RC, &wr[0], &bad, &posted);
	CHECK(ret == EIO && bad == &wr[0] && posted == 0);
	free(buf);
}

static void test_post_recv(void)
{
	struct ibv_sge sg[2] = {
		{ .addr = 0x5000, .length = 64, .lkey = 5 },
		{ .addr = 0x6000, .length = 64, .lkey = 6 },
	};
	struct ibv_recv_wr wr[3], *bad;
	struct xenib_recv_wqe *w;
	struct xenib_sge *s;
	struct xenib_wq rq;
	unsigned int posted;
	void *buf;
	int ret;

	buf = alloc_queue(1, 5);		/* 2 slots of 32 octets */
	if (!buf)
		return;
	xenib_wq_init(&rq, buf, 1, 5, 8, 0, false);
	CHECK(rq.max_sge == 1 && rq.max_inline == 0);
	memset(wr, 0, sizeof(wr));
	wr[0].wr_id = 7;
	wr[0].sg_list = sg;
	wr[0].num_sge = 1;
	ret = xenib_wq_post_recv(&rq, wr, &bad, &posted);
	w = slot(buf, 0, 1, 5);
	s = (struct xenib_sge *)(w + 1);
	CHECK(ret == 0 && posted == 1 && rq.hdr->prod == 1 && w->wr_id == 7 &&
	      w->num_sge == 1 && s->addr == 0x5000 && s->lkey == 5);
	wr[1] = wr[0];
	wr[1].num_sge = 2;
	CHECK(xenib_wq_post_recv(&rq, &wr[1], &bad, &posted) == EINVAL &&
	      bad == &wr[1] && posted == 0);
	wr[0].next = &wr[2];
	wr[2] = wr[0];
	wr[2].next = NULL;
	ret = xenib_wq_post_recv(&rq, wr, &bad, &posted);
	CHECK(ret == ENOMEM && posted == 1 && bad == &wr[2] && rq.hdr->prod == 2);
	rq.hdr->cons = 2;
	rq.hdr->error = XENIB_QERR_BAD_INDEX;
	CHECK(xenib_wq_post_recv(&rq, &wr[2], &bad, &posted) == EIO &&
	      bad == &wr[2] && posted == 0 && rq.hdr->prod == 2);
	free(buf);
}

static void test_doorbell(void)
{
	struct xenib_db_page *db = aligned_alloc(4096, sizeof(*db));

	if (!db)
		return;
	memset(db, 0, sizeof(*db));
	CHECK(xenib_db_ring(db, 70) == true);		/* engine idle: kick */
	CHECK(db->dirty[1] == (1ULL << 6) && db->post_seq == 1);
	db->engine_state = XENIB_ENGINE_POLLING;
	CHECK(xenib_db_ring(db, 4095) == false);
	CHECK(db->dirty[63] == (1ULL << 63) && db->post_seq == 2);
	CHECK(xenib_db_ring(db, 70) == false && db->dirty[1] == (1ULL << 6));
	free(db);
}

static void put_cqe(void *buf, uint32_t idx, uint32_t log, uint64_t wr_id,
		    uint8_t status, uint8_t opcode, uint16_t flags)
{
	struct xenib_cqe *c = slot(buf, idx, log, XENIB_CQE_SHIFT);

	memset(c, 0, sizeof(*c));
	c->wr_id = wr_id;
	c->status = status;
	c->opcode = opcode;
	c->wc_flags = flags;
	c->byte_len = 1000 + idx;
	c->qp_num = 0x123;
	c->src_qp = 0x456;
	c->imm_data = htobe32(0xfeed);
	c->vendor_err = 3;
	c->pkey_index = 1;
	c->slid = 2;
	c->sl = 3;
	c->dlid_path_bits = 4;
}

static void test_poll(void)
{
	struct xenib_cq_ring cq;
	struct ibv_wc wc[4];
	void *buf;
	int n;

	buf = alloc_queue(2, XENIB_CQE_SHIFT);	/* 4 CQEs */
	if (!buf)
		return;
	xenib_cq_ring_init(&cq, buf, 2);
	CHECK(xenib_cq_ring_poll(&cq, 4, wc) == 0);

	put_cqe(buf, 0, 2, 10, XENIB_WC_SUCCESS, XENIB_WC_SEND, 0);
	put_cqe(buf, 1, 2, 11, XENIB_WC_SUCCESS, XENIB_WC_RECV,
		XENIB_WC_F_WITH_IMM | XENIB_WC_F_GRH | XENIB_WC_F_SOLICITED);
	put_cqe(buf, 2, 2, 12, XENIB_WC_WR_FLUSH_ERR, 0, 0);
	cq.hdr->prod = 3;
	n = xenib_cq_ring_poll(&cq, 2, wc);
	CHECK(n == 2 && cq.hdr->cons == 2);
	CHECK(wc[0].wr_id == 10 && wc[0].status == IBV_WC_SUCCESS &&
	      wc[0].opcode == IBV_WC_SEND && wc[0].wc_flags == 0 &&
	      wc[0].byte_len == 1000 && wc[0].qp_num == 0x123 &&
	      wc[0].vendor_err == 3 && wc[0].imm_data == 0);
	CHECK(wc[1].wr_id == 11 && wc[1].opcode == IBV_WC_RECV &&
	      wc[1].wc_flags == (IBV_WC_WITH_IMM | IBV_WC_GRH) &&
	      wc[1].imm_data == htobe32(0xfeed) && wc[1].src_qp == 0x456 &&
	      wc[1].pkey_index == 1 && wc[1].slid == 2 && wc[1].sl == 3 &&
	      wc[1].dlid_path_bits == 4);
	n = xenib_cq_ring_poll(&cq, 4, wc);
	CHECK(n == 1 && wc[0].status == IBV_WC_WR_FLUSH_ERR && cq.hdr->cons == 3);
	CHECK(xenib_cq_ring_poll(&cq, 4, wc) == 0);

	/* Undefined status or opcode: a general error, not garbage. */
	put_cqe(buf, 3, 2, 13, 99, XENIB_WC_SEND, 0);
	put_cqe(buf, 4, 2, 14, XENIB_WC_SUCCESS, 77, 0);
	cq.hdr->prod = 5;
	n = xenib_cq_ring_poll(&cq, 4, wc);
	CHECK(n == 2 && wc[0].status == IBV_WC_GENERAL_ERR &&
	      wc[1].status == IBV_WC_GENERAL_ERR);

	/* A backend that claims more CQEs than the ring holds. */
	cq.hdr->prod = cq.cons + 5;
	CHECK(xenib_cq_ring_poll(&cq, 4, wc) == -EIO && cq.cons == 5);
	cq.hdr->prod = cq.cons;
	cq.hdr->error = XENIB_QERR_OVERFLOW;
	CHECK(xenib_cq_ring_poll(&cq, 4, wc) == -EIO);
	free(buf);

	/* Free-running indices across 2^32. */
	buf = alloc_queue(2, XENIB_CQE_SHIFT);
	if (!buf)
		return;
	((struct xenib_queue_hdr *)buf)->cons = 0xfffffffeu;
	xenib_cq_ring_init(&cq, buf, 2);
	put_cqe(buf, 0xfffffffeu, 2, 20, 0, XENIB_WC_SEND, 0);
	put_cqe(buf, 0xffffffffu, 2, 21, 0, XENIB_WC_SEND, 0);
	put_cqe(buf, 0, 2, 22, 0, XENIB_WC_SEND, 0);
	cq.hdr->prod = 1;
	n = xenib_cq_ring_poll(&cq, 4, wc);
	CHECK(n == 3 && wc[0].wr_id == 20 && wc[2].wr_id == 22 &&
	      cq.hdr->cons == 1);
	free(buf);
}

static void test_arm(void)
{
	struct xenib_cq_ring cq;
	void *buf = alloc_queue(0, XENIB_CQE_SHIFT);

	if (!buf)
		return;
	xenib_cq_ring_init(&cq, buf, 0);
	xenib_cq_ring_arm(&cq, 0);
	CHECK(cq.hdr->arm_seq == 1 && cq.hdr->arm_flags == XENIB_CQ_ARM_NEXT);
	xenib_cq_ring_arm(&cq, 1);
	CHECK(cq.hdr->arm_seq == 2 &&
	      cq.hdr->arm_flags == XENIB_CQ_ARM_SOLICITED);
	CHECK(cq.hdr->arm_ack == 0 && cq.hdr->prod == 0 && cq.hdr->cons == 0);
	free(buf);
}

int main(void)
{
	test_geometry();
	test_post_send();
	test_post_recv();
	test_doorbell();
	test_poll();
	test_arm();
	return t_summary();
}
