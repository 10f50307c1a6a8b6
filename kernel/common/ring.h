/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * ring.h - the only index arithmetic of xenib's shared queues.
 *
 * Every queue xenib shares between domains (SQ, RQ, SRQ and CQ buffers in
 * guest memory, the event ring page, the doorbell bitmap) uses free-running
 * u32 indices and a power-of-two slot count n:
 *
 *   entries = prod - cons   (mod 2^32, so wraparound at 2^32 is harmless)
 *   empty   : prod == cons
 *   full    : prod - cons == n
 *   slot    : idx & (n - 1)
 *
 * An index read from the other domain is hostile until checked:
 *   a consumer checks a producer index with xenib_ring_prod_valid(),
 *   a producer checks a consumer index with xenib_ring_cons_valid().
 * The event ring is the same with n = XEN_VIBIF_EVENT_RING_SIZE (this
 * file does not include vibif.h, so that userlib needs no Xen headers).
 * Read the index once (READ_ONCE()/smp_load_acquire()), check the value
 * read, and use only that value.
 *
 * The control ring uses Xen's ring.h macros; xenib_ring_idx_overflow() has
 * the semantics of RING_REQUEST_PROD_OVERFLOW() for code that wants them
 * without a ring structure.
 *
 * Userlib includes this file too, so user space and both modules share one
 * copy of the arithmetic.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef XENIB_COMMON_RING_H
#define XENIB_COMMON_RING_H

#include "compat.h"
#include <rdma/xenib-abi.h>

/**
 * xenib_ring_nslots_valid() - is @nslots a usable slot count?
 * @nslots: slot count
 *
 * Return: true if @nslots is a power of two between 1 and 2^31.
 */
static inline bool xenib_ring_nslots_valid(u32 nslots)
{
	return nslots != 0 && (nslots & (nslots - 1)) == 0;
}

/**
 * xenib_ring_slot() - slot number of a free-running index
 * @idx: free-running index
 * @nslots: slot count, a power of two
 *
 * Return: @idx modulo @nslots.
 */
static inline u32 xenib_ring_slot(u32 idx, u32 nslots)
{
	return idx & (nslots - 1);
}

/**
 * xenib_ring_count() - entries between a consumer and a producer index
 * @prod: producer index
 * @cons: consumer index
 *
 * Only meaningful once xenib_ring_prod_valid() or xenib_ring_cons_valid()
 * accepted the pair.
 *
 * Return: prod - cons, modulo 2^32.
 */
static inline u32 xenib_ring_count(u32 prod, u32 cons)
{
	return prod - cons;
}

/**
 * xenib_ring_empty() - does the queue hold no entry?
 * @prod: producer index
 * @cons: consumer index
 *
 * Return: true if @prod equals @cons.
 */
static inline bool xenib_ring_empty(u32 prod, u32 cons)
{
	return prod == cons;
}

/**
 * xenib_ring_full() - is the queue full (or, for hostile input, overfull)?
 * @prod: producer index
 * @cons: consumer index
 * @nslots: slot count
 *
 * Return: true if no slot is free.
 */
static inline bool xenib_ring_full(u32 prod, u32 cons, u32 nslots)
{
	return prod - cons >= nslots;
}

/**
 * xenib_ring_space() - free slots a producer may fill
 * @prod: producer index
 * @cons: consumer index
 * @nslots: slot count
 *
 * Return: free slots, 0 when full; never more than @nslots, and 0 if the
 * pair is inconsistent (prod - cons > nslots).
 */
static inline u32 xenib_ring_space(u32 prod, u32 cons, u32 nslots)
{
	u32 used = prod - cons;

	return used >= nslots ? 0 : nslots - used;
}

/**
 * xenib_ring_prod_valid() - may a consumer trust a producer index?
 * @prod: producer index just read from shared memory
 * @cons: the consumer's own (private) consumer index
 * @nslots: slot count
 *
 * A producer can be at most @nslots ahead of the consumer.
 *
 * Return: true if 0 <= prod - cons <= nslots (mod 2^32).
 */
static inline bool xenib_ring_prod_valid(u32 prod, u32 cons, u32 nslots)
{
	return prod - cons <= nslots;
}

/**
 * xenib_ring_cons_valid() - may a producer trust a consumer index?
 * @cons: consumer index just read from shared memory
 * @old_cons: the last consumer index the producer accepted
 * @prod: the producer's own (private) producer index
 *
 * A consumer only moves forward, and never past the producer.
 *
 * Return: true if @cons lies in [@old_cons, @prod] (mod 2^32).
 */
static inline bool xenib_ring_cons_valid(u32 cons, u32 old_cons, u32 prod)
{
	return cons - old_cons <= prod - old_cons;
}

/**
 * xenib_ring_idx_overflow() - RING_REQUEST_PROD_OVERFLOW() without a ring
 * @prod: producer index read from the peer
 * @base: the reader's private index that @prod may run ahead of (the
 *        backend's rsp_prod_pvt for requests, as in Xen's ring.h)
 * @nslots: slot count
 *
 * Return: true if @prod is more than @nslots ahead of @base, i.e. the peer
 * claims more entries than can exist.
 */
static inline bool xenib_ring_idx_overflow(u32 prod, u32 base, u32 nslots)
{
	return prod - base > nslots;
}

/**
 * xenib_queue_geometry_valid() - is a queue shape within the ABI limits?
 * @log_nslots: log2 of the slot count
 * @slot_shift: log2 of the slot size
 *
 * Return: true if 2^log_nslots slots of 2^slot_shift octets stay within
 * XENIB_MAX_LOG_NSLOTS and fit below 2^32 octets.
 */
static inline bool xenib_queue_geometry_valid(u32 log_nslots, u32 slot_shift)
{
	return log_nslots <= XENIB_MAX_LOG_NSLOTS &&
	       slot_shift <= XENIB_SQ_WQE_SHIFT_MAX;
}

/**
 * xenib_queue_bytes() - octets of a queue buffer before page rounding
 * @log_nslots: log2 of the slot count
 * @slot_shift: log2 of the slot size
 *
 * Call only with a shape xenib_queue_geometry_valid() accepted.
 *
 * Return: XENIB_QUEUE_HDR_SIZE plus the slots.
 */
static inline u64 xenib_queue_bytes(u32 log_nslots, u32 slot_shift)
{
	return XENIB_QUEUE_HDR_SIZE + (1ULL << (log_nslots + slot_shift));
}

/**
 * xenib_queue_npages() - 4 KiB pages of a queue buffer
 * @log_nslots: log2 of the slot count
 * @slot_shift: log2 of the slot size
 *
 * Call only with a shape xenib_queue_geometry_valid() accepted.
 *
 * Return: DIV_ROUND_UP(xenib_queue_bytes(), XENIB_PAGE_SIZE).
 */
static inline u32 xenib_queue_npages(u32 log_nslots, u32 slot_shift)
{
	return (u32)DIV_ROUND_UP(xenib_queue_bytes(log_nslots, slot_shift),
				 XENIB_PAGE_SIZE);
}

/**
 * xenib_queue_slot_offset() - octet offset of a slot in a queue buffer
 * @idx: free-running index
 * @log_nslots: log2 of the slot count
 * @slot_shift: log2 of the slot size
 *
 * Return: offset from the start of the buffer (after the queue header);
 * always below xenib_queue_bytes(), whatever @idx is.
 */
static inline u64 xenib_queue_slot_offset(u32 idx, u32 log_nslots,
					  u32 slot_shift)
{
	u32 slot = xenib_ring_slot(idx, 1U << log_nslots);

	return XENIB_QUEUE_HDR_SIZE + ((u64)slot << slot_shift);
}

/**
 * xenib_db_word() - word of the doorbell bitmap holding a db index
 * @db_index: doorbell index, below XENIB_DB_BITS
 *
 * Return: index into struct xenib_db_page.dirty[], clamped below
 * XENIB_DB_WORDS even for a hostile @db_index.
 */
static inline u32 xenib_db_word(u32 db_index)
{
	return (db_index / 64) & (XENIB_DB_WORDS - 1);
}

/**
 * xenib_db_mask() - bit of a db index within its bitmap word
 * @db_index: doorbell index
 *
 * Return: 1 << (db_index % 64).
 */
static inline u64 xenib_db_mask(u32 db_index)
{
	return 1ULL << (db_index % 64);
}

#endif /* XENIB_COMMON_RING_H */
