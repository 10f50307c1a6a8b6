// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_ring.c - kernel/common/ring.h: index arithmetic with wraparound at
 * 2^32 and hostile indices, queue geometry, doorbell bits, and agreement
 * with Xen's own RING_*_PROD_OVERFLOW() on the control ring type.
 */
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "ring.h"
#include <xen/interface/io/vibif.h>
#include "harness.h"

struct idx_case {
	u32 prod, cons, n;
	u32 count;
	bool empty, full, prod_valid;
	u32 space;
};

static const struct idx_case idx_cases[] = {
	{ 0, 0, 8, 0, true, false, true, 8 },
	{ 8, 0, 8, 8, false, true, true, 0 },
	{ 9, 0, 8, 9, false, true, false, 0 },		/* hostile: overfull */
	{ 5, 0xfffffffe, 8, 7, false, false, true, 1 },	/* wraps at 2^32 */
	{ 6, 0xfffffffe, 8, 8, false, true, true, 0 },
	{ 7, 0xfffffffe, 8, 9, false, true, false, 0 },
	{ 0xfffffffe, 0xfffffffe, 8, 0, true, false, true, 8 },
	{ 0xfffffffd, 0xfffffffe, 8, 0xffffffff, false, true, false, 0 },	/* behind */
	{ 0x80000000, 0, 8, 0x80000000, false, true, false, 0 },
	{ 0, 1, 1, 0xffffffff, false, true, false, 0 },
	{ 1, 0, 1, 1, false, true, true, 0 },
	{ 0x80000000, 0, 0x80000000, 0x80000000, false, true, true, 0 },
	{ 0x7fffffff, 0xffffffff, 0x80000000, 0x80000000, false, true, true, 0 },
};

struct cons_case {
	u32 cons, old_cons, prod;
	bool valid;
};

static const struct cons_case cons_cases[] = {
	{ 0, 0, 0, true },
	{ 3, 0, 5, true },
	{ 5, 0, 5, true },
	{ 6, 0, 5, false },		/* past the producer */
	{ 0xffffffff, 0, 5, false },	/* went backwards */
	{ 2, 0xfffffffe, 4, true },	/* across 2^32 */
	{ 4, 0xfffffffe, 4, true },
	{ 5, 0xfffffffe, 4, false },
	{ 0xfffffffd, 0xfffffffe, 4, false },
	{ 0x80000000, 0, 0x10, false },
};

static void run_idx(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(idx_cases); i++) {
		const struct idx_case *c = &idx_cases[i];

		CHECK_EQ(xenib_ring_count(c->prod, c->cons), c->count, "count %zu", i);
		CHECK_EQ(xenib_ring_empty(c->prod, c->cons), c->empty, "empty %zu", i);
		CHECK_EQ(xenib_ring_full(c->prod, c->cons, c->n), c->full, "full %zu", i);
		CHECK_EQ(xenib_ring_prod_valid(c->prod, c->cons, c->n), c->prod_valid,
			 "prod_valid %zu", i);
		CHECK_EQ(xenib_ring_space(c->prod, c->cons, c->n), c->space,
			 "space %zu", i);
		CHECK_EQ(xenib_ring_idx_overflow(c->prod, c->cons, c->n),
			 !c->prod_valid, "overflow %zu", i);
	}
	for (i = 0; i < ARRAY_SIZE(cons_cases); i++) {
		const struct cons_case *c = &cons_cases[i];

		CHECK_EQ(xenib_ring_cons_valid(c->cons, c->old_cons, c->prod),
			 c->valid, "cons_valid %zu", i);
	}
	CHECK_EQ(xenib_ring_slot(0xffffffff, 8), 7, "slot wrap");
	CHECK_EQ(xenib_ring_slot(0x100000000ULL - 8, 8), 0, "slot wrap 0");
	CHECK_EQ(xenib_ring_slot(12345, 1), 0, "slot n=1");
	CHECK_EQ(xenib_ring_slot(0xdeadbeef, 1U << 31), 0x5eadbeef, "slot 2^31");
	CHECK(xenib_ring_nslots_valid(1), "nslots 1");
	CHECK(xenib_ring_nslots_valid(1U << 31), "nslots 2^31");
	CHECK(!xenib_ring_nslots_valid(0), "nslots 0");
	CHECK(!xenib_ring_nslots_valid(3), "nslots 3");
	CHECK(!xenib_ring_nslots_valid(0xffffffff), "nslots ~0");
}

/* Walk a full 2^32 wrap in strides and check invariants. */
static void run_walk(void)
{
	u32 n = 64, prod = 0xffffff00, cons = 0xffffff00;
	unsigned int bad = 0;
	int step;

	for (step = 0; step < 1000; step++) {
		u32 k = xenib_ring_space(prod, cons, n);

		prod += k > 3 ? 3 : k;
		if (!xenib_ring_prod_valid(prod, cons, n) ||
		    xenib_ring_count(prod, cons) > n)
			bad++;
		if (step % 2) {
			u32 c = cons + (xenib_ring_count(prod, cons) + 1) / 2;

			if (!xenib_ring_cons_valid(c, cons, prod))
				bad++;
			cons = c;
		}
	}
	CHECK_EQ(bad, 0, "walk across 2^32");
	CHECK(prod < 0x1000, "walk wrapped (prod %#x)", prod);
}

static void run_geometry(void)
{
	u32 idx;
	unsigned int bad = 0;

	CHECK_EQ(xenib_queue_bytes(4, 6), 256 + 1024, "cq bytes");
	CHECK_EQ(xenib_queue_npages(4, 6), 1, "cq pages");
	CHECK_EQ(xenib_queue_npages(6, 6), 2, "cq 64 pages");
	CHECK_EQ(xenib_queue_npages(0, 5), 1, "min queue");
	CHECK_EQ(xenib_queue_npages(10, 11), 513, "sq 2 MiB");
	CHECK_EQ(xenib_queue_npages(20, 11), (1 << 19) + 1, "largest sq");
	CHECK(xenib_queue_geometry_valid(20, 11), "geom max");
	CHECK(!xenib_queue_geometry_valid(21, 6), "geom log 21");
	CHECK(!xenib_queue_geometry_valid(4, 12), "geom shift 12");
	CHECK_EQ(xenib_queue_slot_offset(0, 4, 7), 256, "slot 0");
	CHECK_EQ(xenib_queue_slot_offset(17, 4, 7), 256 + 128, "slot 17");
	for (idx = 0xfffff000; idx != 0x1000; idx += 0x11) {
		if (xenib_queue_slot_offset(idx, 4, 7) + 128 >
		    xenib_queue_bytes(4, 7))
			bad++;
	}
	CHECK_EQ(bad, 0, "hostile idx stays inside the buffer");

	CHECK_EQ(xenib_db_word(0), 0, "db 0");
	CHECK_EQ(xenib_db_word(4095), 63, "db 4095");
	CHECK_EQ(xenib_db_mask(4095), 1ULL << 63, "db mask 4095");
	CHECK_EQ(xenib_db_mask(64), 1, "db mask 64");
	CHECK(xenib_db_word(0xffffffff) < XENIB_DB_WORDS, "db hostile");
	CHECK(xenib_db_word(4096) < XENIB_DB_WORDS, "db 4096 clamped");
}

/* Control ring: libxen's macros agree with ring.h and the header sizes. */
static void run_xen_ring(void)
{
	static u8 page[XEN_VIBIF_PAGE_SIZE << XEN_VIBIF_MAX_RING_PAGE_ORDER];
	struct xen_vibif_cmd_sring *s = (void *)page;
	struct xen_vibif_cmd_back_ring back;
	struct xen_vibif_cmd_front_ring front;
	u32 order, prods[] = { 0, 1, 8, 9, 128, 129, 0xffffffff, 0x80000000 };
	size_t i;

	for (order = 0; order <= XEN_VIBIF_MAX_RING_PAGE_ORDER; order++) {
		memset(page, 0, sizeof(page));
		SHARED_RING_INIT(s);
		BACK_RING_INIT(&back, s, XEN_VIBIF_PAGE_SIZE << order);
		FRONT_RING_INIT(&front, s, XEN_VIBIF_PAGE_SIZE << order);
		CHECK_EQ(RING_SIZE(&back), XEN_VIBIF_CMD_RING_SIZE(order),
			 "ring size order %u", order);
		CHECK_EQ(RING_SIZE(&back), 8U << order, "8 << order %u", order);
		for (i = 0; i < ARRAY_SIZE(prods); i++) {
			back.rsp_prod_pvt = 3;
			CHECK_EQ(RING_REQUEST_PROD_OVERFLOW(&back, 3 + prods[i]),
				 xenib_ring_idx_overflow(3 + prods[i], 3,
							 RING_SIZE(&back)),
				 "overflow order %u prod %u", order, prods[i]);
		}
		/* Push one request through the real macros. */
		RING_GET_REQUEST(&front, front.req_prod_pvt)->hdr.opcode =
			cpu_to_le16(XEN_VIBIF_OP_QUERY_DEVICE);
		front.req_prod_pvt++;
		RING_PUSH_REQUESTS(&front);
		CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&back), 1, "one request");
	}
	CHECK_EQ(sizeof(*s) - sizeof(s->ring), 64, "sring header");
}

int main(void)
{
	run_idx();
	run_walk();
	run_geometry();
	run_xen_ring();
	return t_summary();
}
