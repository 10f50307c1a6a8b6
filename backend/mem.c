// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the budget of Dom0 memory that guests' shadow objects take.
 *
 * The object quotas count objects and guest pages; what a shadow object
 * costs this domain is another matter: a QP of 16384 work requests costs
 * the guest about 3 MB of queue pages and the real device (rxe) about
 * 10 MB of vmalloc here.  So every object is charged, before anything is
 * allocated for it, an estimate of what it costs this domain, against
 * two limits:
 *
 * - the guest's quota-mem-kib (default: the quota_mem_kib module
 *   parameter, or if that is 0 half of the global budget), and
 * - the global budget over every guest, mem_budget_kib (default 0: a
 *   quarter of this domain's RAM when the charge is made).
 *
 * Beyond either the request answers EDQUOT.  The charge is released when
 * the object is destroyed (xibb_obj_del()); mapped guest pages are
 * charged by gmap.c, per page.
 *
 * The estimates follow what the lab's device allocates (rdma_rxe, 6.1 and
 * 6.12): rxe_queue_init() rounds a queue of N elements up to a power of
 * two above N slots, and each element up to a power of two of at least
 * 64 octets, in one vmalloc'ed buffer; a send WQE is a 208-octet header
 * followed by SGEs (16 octets) or inline data, a receive WQE a 40-octet
 * header followed by SGEs, a CQE 72 octets.  Hardware devices keep their
 * queues in comparable DMA memory.  docs/security.md (hole 3) compares
 * the estimate with what the lab's Dom0 was measured to lose.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/log2.h>
#include <linux/mm.h>

/* Octets of the device's queue elements (rxe, see above). */
#define XIBB_MEM_SEND_WQE	208
#define XIBB_MEM_RECV_WQE	40
#define XIBB_MEM_SGE		16
#define XIBB_MEM_CQE		72
#define XIBB_MEM_MIN_ELEM	64

/* Fixed cost of each object: structures of ours and the device's. */
#define XIBB_MEM_QP_FIXED	(16 * 1024)
#define XIBB_MEM_CQ_FIXED	(4 * 1024)
#define XIBB_MEM_SRQ_FIXED	(4 * 1024)
/* A PD holds the registration QP and its CQ (mr.c). */
#define XIBB_MEM_PD_FIXED	(48 * 1024)
#define XIBB_MEM_SMALL_FIXED	(2 * 1024)
/* Per page of a memory region: our scatterlist and the device's map. */
#define XIBB_MEM_MR_PAGE	64

/* Octets of Dom0 memory charged so far, over every guest. */
static atomic64_t xibb_mem_used = ATOMIC64_INIT(0);

/**
 * xibb_mem_budget() - the global budget, in octets
 *
 * Return: mem_budget_kib, or if that is 0 a quarter of this domain's RAM.
 *
 * Context: any.
 */
u64 xibb_mem_budget(void)
{
	u64 kib = READ_ONCE(xibb_mem_budget_kib);

	if (kib)
		return kib << 10;
	return ((u64)totalram_pages() << PAGE_SHIFT) / 4;
}

/**
 * xibb_mem_global_used() - octets charged over every guest
 *
 * Context: any.
 */
u64 xibb_mem_global_used(void)
{
	return atomic64_read(&xibb_mem_used);
}

/**
 * xibb_mem_def_quota_kib() - the default quota-mem-kib of a new guest
 *
 * Return: quota_mem_kib, or if that is 0 half of the global budget.
 *
 * Context: any.
 */
u32 xibb_mem_def_quota_kib(void)
{
	u32 kib = READ_ONCE(xibb_def_quota_mem_kib);

	if (kib)
		return kib;
	return min_t(u64, xibb_mem_budget() >> 11, U32_MAX);
}

/**
 * xibb_mem_charge() - charge Dom0 memory to a guest
 * @guest: the guest
 * @bytes: octets
 *
 * Return: 0, or -EDQUOT if the guest's quota-mem-kib or the global budget
 * would be exceeded (counted in the guest's mem_refused).
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_mem_charge(struct xibb_guest *guest, u64 bytes)
{
	u64 quota = (u64)guest->quota.mem_kib << 10;

	lockdep_assert_held(&guest->obj_lock);

	if (bytes > quota || guest->mem_used > quota - bytes)
		goto refuse;
	if (atomic64_add_return(bytes, &xibb_mem_used) > xibb_mem_budget()) {
		atomic64_sub(bytes, &xibb_mem_used);
		goto refuse;
	}
	WRITE_ONCE(guest->mem_used, guest->mem_used + bytes);
	return 0;

refuse:
	atomic64_inc(&guest->stats.mem_refused);
	return -EDQUOT;
}

/**
 * xibb_mem_uncharge() - release what xibb_mem_charge() charged
 * @guest: the guest
 * @bytes: octets charged before
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_mem_uncharge(struct xibb_guest *guest, u64 bytes)
{
	lockdep_assert_held(&guest->obj_lock);

	if (WARN_ON_ONCE(bytes > guest->mem_used))
		bytes = guest->mem_used;
	WRITE_ONCE(guest->mem_used, guest->mem_used - bytes);
	atomic64_sub(bytes, &xibb_mem_used);
}

/**
 * xibb_mem_obj_charge() - charge an object's cost and remember it
 * @guest: the guest
 * @obj: an object xibb_obj_add() accepted; xibb_obj_del() releases the
 *	charge
 * @bytes: octets, from one of the xibb_mem_*_cost() helpers
 *
 * Return: 0 or -EDQUOT.
 *
 * Context: process context, guest->obj_lock held.
 */
int xibb_mem_obj_charge(struct xibb_guest *guest, struct xibb_obj *obj,
			u64 bytes)
{
	int err = xibb_mem_charge(guest, bytes);

	lockdep_assert_held(&guest->obj_lock);

	if (!err)
		obj->mem += bytes;
	return err;
}

/* One device queue of @n elements of @elem octets (rxe_queue_init()). */
static u64 xibb_mem_queue(u32 n, u32 elem)
{
	u64 slots = roundup_pow_of_two((u64)n + 1);
	u64 size = roundup_pow_of_two(max_t(u32, elem, XIBB_MEM_MIN_ELEM));

	/* vmalloc: whole pages and a guard page. */
	return PAGE_ALIGN(slots * size) + PAGE_SIZE;
}

/* The engine's ring of a queue of @depth WQEs (engine.c). */
static u64 xibb_mem_eng_ring(u32 depth)
{
	return roundup_pow_of_two(max_t(u64, depth, 1)) *
	       sizeof(struct xibb_wr_slot);
}

/**
 * xibb_mem_qp_cost() - Dom0 memory of a shadow QP and its engine state
 * @cap: the capacities asked of the device
 * @has_rq: the QP has its own receive queue (no SRQ)
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_qp_cost(const struct ib_qp_cap *cap, bool has_rq)
{
	u32 sq_elem = XIBB_MEM_SEND_WQE +
		      max_t(u32, min_t(u32, cap->max_send_sge, 1U << 16) *
				 XIBB_MEM_SGE,
			    min_t(u32, cap->max_inline_data, 1U << 20));
	u64 cost = XIBB_MEM_QP_FIXED;

	cost += xibb_mem_queue(cap->max_send_wr, sq_elem);
	cost += xibb_mem_eng_ring(cap->max_send_wr);
	if (has_rq) {
		cost += xibb_mem_queue(cap->max_recv_wr, XIBB_MEM_RECV_WQE +
				       min_t(u32, cap->max_recv_sge, 1U << 16) *
				       XIBB_MEM_SGE);
		cost += xibb_mem_eng_ring(cap->max_recv_wr);
	}
	return cost;
}

/**
 * xibb_mem_cq_cost() - Dom0 memory of a shadow CQ
 * @cqe: CQEs asked of the device
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_cq_cost(u32 cqe)
{
	return XIBB_MEM_CQ_FIXED + xibb_mem_queue(cqe, XIBB_MEM_CQE);
}

/**
 * xibb_mem_srq_cost() - Dom0 memory of a shadow SRQ and its engine state
 * @max_wr: depth asked of the device
 * @max_sge: SGEs per WQE
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_srq_cost(u32 max_wr, u32 max_sge)
{
	return XIBB_MEM_SRQ_FIXED +
	       xibb_mem_queue(max_wr, XIBB_MEM_RECV_WQE +
			      min_t(u32, max_sge, 1U << 16) * XIBB_MEM_SGE) +
	       (u64)max(max_wr, 1U) * (sizeof(struct xibb_wr_slot) +
				       sizeof(u32));
}

/**
 * xibb_mem_mr_cost() - Dom0 memory of a memory region, its pages aside
 * @npages: pages of the region (gmap.c charges the mapping itself)
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_mr_cost(u32 npages)
{
	return XIBB_MEM_SMALL_FIXED + (u64)npages * XIBB_MEM_MR_PAGE;
}

/**
 * xibb_mem_pd_cost() - Dom0 memory of a PD and its registration QP
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_pd_cost(void)
{
	return XIBB_MEM_PD_FIXED;
}

/**
 * xibb_mem_small_cost() - Dom0 memory of a context or an AH
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_small_cost(void)
{
	return XIBB_MEM_SMALL_FIXED;
}

/**
 * xibb_mem_page_cost() - Dom0 memory per mapped guest page
 *
 * The page pointer, grant handle and reference of the mapping with its
 * entry in the guest's table of mapped references, and the struct page
 * the mapping occupies: with CONFIG_XEN_UNPOPULATED_ALLOC the pages come
 * from unpopulated address space and only their struct page is real
 * memory; without it each mapping takes a ballooned-out page of this
 * domain.
 *
 * Return: octets.
 *
 * Context: any.
 */
u64 xibb_mem_page_cost(void)
{
	/* Pointer, handle, reference, its entry in guest->grefs. */
	u64 track = sizeof(struct page *) + sizeof(grant_handle_t) +
		    sizeof(u32) + 16;

	if (IS_ENABLED(CONFIG_XEN_UNPOPULATED_ALLOC))
		return track + sizeof(struct page);
	return track + PAGE_SIZE;
}
