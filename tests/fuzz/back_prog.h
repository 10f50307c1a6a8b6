/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * back_prog.h - the input language of the backend fuzz targets
 * (fuzz_back_cmd, fuzz_back_engine), and an encoder for it that seedgen
 * and fuzz_back_engine's fixed set-up share.
 *
 * An input is an 8-octet header, then operations, each an opcode octet
 * (taken modulo BP_OP_COUNT) and its operands; an input that ends early
 * reads zeros.  The harness (back_harness.c) executes them against one
 * guest of the real backend.
 *
 * Header: [0] BP_H0_* bits (ring order in the low two), [1] the fake
 * device's profile (KSHIM_PROF_*), [2] a fault class + 1 and [3] its
 * countdown, both for the connection, [4..7] the seed of the fake
 * kernel's random numbers.
 *
 * References: a handle field of a request (in the fields that name an
 * object of a known kind) with a value 1..255 is replaced by the
 * (v - 1)-th handle of that kind the backend returned (modulo their
 * number); other values are sent as they are (forged or stale handles).
 * In a WQE, an lkey below 256 is replaced by the (v % n)-th lkey REG_MR
 * returned, and the SGE's address, if below 0x10000, is taken as an
 * offset into that MR; a UD WQE's AH below 256 names the (v % n)-th AH.
 * Grant references are sent as they are: reference r is guest frame r.
 */

#ifndef XENIB_FUZZ_BACK_PROG_H
#define XENIB_FUZZ_BACK_PROG_H

#include "compat.h"
#include <xen/interface/io/vibif.h>
#include <rdma/xenib-abi.h>

#define BP_HDR_SIZE		8

#define BP_H0_ORDER		0x03	/* ring-page-order, modulo 3 */
#define BP_H0_GID_ALLOW		0x04	/* gid-indexes "0" */
#define BP_H0_TIGHT		0x08	/* small quotas */
#define BP_H0_BAD_PORT		0x10	/* rdma-port 2 (no such port) */
#define BP_H0_BAD_VERSION	0x20	/* the frontend writes version 1 */
#define BP_H0_NO_EVT_REF	0x40	/* no event-ring-ref */
#define BP_H0_BUDGET1		0x80	/* cmd_budget 1 */

/* Guest frames the harness uses itself; the others are the input's. */
#define BP_FRAME_RING		1	/* up to 4 pages */
#define BP_FRAME_EVT		8
#define BP_FRAME_FREE		16

enum bp_op {
	/* opcode, len, len octets of body, flags (BP_REQ_*) */
	BP_OP_REQ,
	/* raise the control channel's irq, run the work, read responses */
	BP_OP_KICK,
	/* class (enum kshim_fault), countdown (0: off) */
	BP_OP_FAULT,
	/* frame (le16), offset (le16), len, len octets */
	BP_OP_WRITE,
	/* frame (le16), first ref (le16), count (le16): a directory page */
	BP_OP_DIR,
	/* what (BP_RING_*), value (le32) */
	BP_OP_RING,
	/* kind (0 QP, 1 CQ, 2 SRQ, 3 port), index, event */
	BP_OP_DEVEV,
	/* the real device is unregistered (again registered if it was) */
	BP_OP_REMOVE,
	/* turns (1 + v % 64): run the engine thread's loop */
	BP_OP_THREAD,
	/*
	 * QP index, flags (bit 0 receive, bits 1-7 the IB_WC_* flags of
	 * successful receive completions), count, slot, status
	 */
	BP_OP_DEVCOMP,
	/* read the debugfs files */
	BP_OP_DUMP,
	/* tear the connection down and connect again */
	BP_OP_RECONNECT,
	/* milliseconds of the fake clock */
	BP_OP_TIME,
	/* 0: control irq, 1: data irq (a kick of the engine) */
	BP_OP_IRQ,
	/* queue index, flags (BP_WQE_*), len, len octets of the WQE */
	BP_OP_WQE,
	/* one pass of the data engine */
	BP_OP_PASS,
	/* CQ index, what (BP_CQ_*), value (le32) */
	BP_OP_CQ,
	/* which (0 cmd_budget, 1 engine_budget), value */
	BP_OP_PARAM,
	BP_OP_COUNT,
};

#define BP_REQ_BAD_HDR		0x01	/* a reserved header field set */
#define BP_REQ_BATCH		0x02	/* push only, no kick */

#define BP_RING_REQ_PROD	0	/* the request producer, raw */
#define BP_RING_REQ_EVENT	1
#define BP_RING_EVT_CONS	2	/* the event ring's consumer, raw */
#define BP_RING_EVT_STALL	3	/* stop (value 1) reading events */

#define BP_WQE_PROD		0x01	/* publish it: prod + 1 */
#define BP_WQE_DIRTY		0x02	/* set its doorbell bit */
#define BP_WQE_SEQ		0x04	/* bump post_seq */
#define BP_WQE_RAW_PROD		0x08	/* then prod = le32 that follows */
#define BP_WQE_ALL		(BP_WQE_PROD | BP_WQE_DIRTY | BP_WQE_SEQ)

#define BP_CQ_CONSUME		0	/* cons = prod */
#define BP_CQ_ARM		1	/* arm_flags = value, arm_seq + 1 */
#define BP_CQ_RAW_CONS		2	/* cons = value */

/* The queues of the harness's registry, in creation order. */
#define BP_Q_SQ			0
#define BP_Q_RQ			1
#define BP_Q_SRQ		2
#define BP_Q_CQ			3

/* An input being built. */
struct bp {
	u8 buf[8192];
	size_t len;
};

void bp_init(struct bp *p, u8 h0, u8 profile);
void bp_u8(struct bp *p, u8 v);
void bp_le16(struct bp *p, u16 v);
void bp_le32(struct bp *p, u32 v);
void bp_bytes(struct bp *p, const void *v, size_t len);
/* A request of @op with the body @body (what the opcode uses of it). */
void bp_req(struct bp *p, u16 op, const void *body, size_t len, u8 flags);
void bp_wqe(struct bp *p, u8 queue, u8 flags, const void *wqe, size_t len);

/* Directory of @n pages, levels 0, from frame @first. */
void bp_pgdir(struct xen_vibif_pgdir *d, u32 n, u32 first);

/*
 * The engine target's guest, and a realistic start of a control-path
 * sequence: a context (doorbell frame 16), a PD, two CQs, two MRs (one
 * writable at iova 0x10000, two pages; one read-only), an SRQ, an RC QP
 * (send CQ 1, receive CQ 2, its own RQ) moved to RTS, a UD QP on the
 * SRQ moved to RTS, and an AH.  Queues of the registry: 0 CQ1, 1 CQ2,
 * 2 SRQ, 3 RC SQ, 4 RC RQ, 5 UD SQ.
 */
void bp_setup(struct bp *p, bool roce);

#define BP_SETUP_MR_IOVA	0x10000ULL
#define BP_SETUP_QIDX_CQ1	0
#define BP_SETUP_QIDX_CQ2	1
#define BP_SETUP_QIDX_SRQ	2
#define BP_SETUP_QIDX_RC_SQ	3
#define BP_SETUP_QIDX_RC_RQ	4
#define BP_SETUP_QIDX_UD_SQ	5

/*
 * A send WQE with @nsge SGEs in MR reference 0, for an RC QP (a UD send
 * sets wr.ud; its AH 0 is a reference too); returns its length.
 */
size_t bp_send_wqe(void *buf, u8 opcode, u16 flags, u16 nsge);
size_t bp_recv_wqe(void *buf, u16 nsge);

#endif /* XENIB_FUZZ_BACK_PROG_H */
