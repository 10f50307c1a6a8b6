/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause) */
/*
 * xenib-abi.h - xenib uverbs ABI and the data-path queue formats.
 *
 * Two contracts live here:
 *
 * 1. The uverbs driver-data (udata) structures exchanged between the
 *    libibverbs provider (userlib, libxenib) and the guest kernel frontend
 *    (xen-ibfront), versioned by XENIB_UVERBS_ABI_VERSION.
 *
 * 2. The formats of the memory shared on the fast path between userlib in
 *    the guest and the backend's data engine in the driver domain: the queue
 *    header, send/receive WQEs, CQEs and the per-context doorbell page.  The
 *    backend reads these from guest memory, so every field is untrusted
 *    there: the backend copies a WQE to private memory and checks it with
 *    xenib_send_wqe_check()/xenib_recv_wqe_check() (kernel/common) before
 *    using it.
 *
 * The control messages (vibif.h) only name these buffers; nothing below is
 * ever carried on the control ring.
 *
 * Byte order: all fields are little-endian, except imm_data which is
 * big-endian exactly as the application passed it.  xenib supports
 * little-endian CPUs only, so userlib and the backend use plain loads and
 * stores; this header refuses big-endian builds.
 *
 * Queue memory ownership (docs/protocol.md): queue buffers (CQ, SQ, RQ,
 * SRQ) are allocated by userlib, page-aligned, passed to the frontend in
 * the create commands below, pinned by the frontend and granted to the
 * backend.  The doorbell page is allocated by the frontend per user context,
 * granted to the backend (ALLOC_UCONTEXT) and mmapped into the process at
 * db_mmap_offset.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef __XENIB_ABI_USER_H__
#define __XENIB_ABI_USER_H__

#include <linux/types.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "xenib supports little-endian CPUs only"
#endif

/* Layout checks that need no header (C11 / C++11). */
#ifdef __cplusplus
#define XENIB_ABI_ASSERT(expr) static_assert(expr, #expr)
#else
#define XENIB_ABI_ASSERT(expr) _Static_assert(expr, #expr)
#endif
#define XENIB_ABI_OFFSET(type, member) __builtin_offsetof(type, member)

#define XENIB_UVERBS_ABI_VERSION	1

/*
 ******************************************************************************
 *                                 Sizes
 ******************************************************************************
 */

#define XENIB_PAGE_SIZE			4096
#define XENIB_CACHE_LINE		64

/* Queue header at the start of every queue buffer. */
#define XENIB_QUEUE_HDR_SIZE		256

/* Slot sizes. */
#define XENIB_CQE_SIZE			64
#define XENIB_CQE_SHIFT			6
#define XENIB_SEND_WQE_HDR_SIZE		64
#define XENIB_RECV_WQE_HDR_SIZE		16
#define XENIB_SGE_SIZE			16

/* Send slot: 2^shift octets, 128 (4 SGEs) .. 2048 (124 SGEs). */
#define XENIB_SQ_WQE_SHIFT_MIN		7
#define XENIB_SQ_WQE_SHIFT_MAX		11
/* Receive slot: 2^shift octets, 32 (1 SGE) .. 1024 (63 SGEs). */
#define XENIB_RQ_WQE_SHIFT_MIN		5
#define XENIB_RQ_WQE_SHIFT_MAX		10

/* Every queue has 2^log_nslots slots, 1 .. 2^XENIB_MAX_LOG_NSLOTS. */
#define XENIB_MAX_LOG_NSLOTS		20

/**
 * XENIB_QUEUE_BYTES - octets a queue buffer needs before page rounding
 * @log_nslots: log2 of the slot count
 * @slot_shift: log2 of the slot size (XENIB_CQE_SHIFT for a CQ)
 *
 * The buffer is this many octets rounded up to XENIB_PAGE_SIZE, starts on a
 * page boundary and is described page by page (in address order) by the
 * create request's page directory.
 */
#define XENIB_QUEUE_BYTES(log_nslots, slot_shift)			\
	(XENIB_QUEUE_HDR_SIZE + (1ULL << ((log_nslots) + (slot_shift))))

/*
 ******************************************************************************
 *                               Queue header
 ******************************************************************************
 *
 * Every queue buffer starts with struct xenib_queue_hdr; slot i of a queue
 * with n = 2^log_nslots slots of 2^shift octets is at octet
 * XENIB_QUEUE_HDR_SIZE + ((i & (n - 1)) << shift).  Indices are
 * free-running __u32: the queue holds prod - cons entries (mod 2^32), empty
 * when prod == cons, full when prod - cons == n.  All index arithmetic is in
 * kernel/common/ring.h; userlib includes the same file.
 *
 *   queue    producer (writes prod)      consumer (writes cons)
 *   SQ       userlib                     backend
 *   RQ/SRQ   userlib                     backend
 *   CQ       backend                     userlib
 *
 * Each writer owns one 64-octet line so the two sides never write the same
 * cache line:
 *
 *   octet   0  prod line     written by the producer only
 *   octet  64  cons line     written by the consumer only
 *   octet 128  arm line      written by userlib only (CQ: arm_seq,
 *                            arm_flags; other queues: zero)
 *   octet 192  status line   written by the backend only (arm_ack,
 *                            error, overflow)
 *
 * Producer, per batch:
 *   write the slots prod .. prod + k - 1 (checking space against a cons
 *   read with acquire);
 *   store-release prod + k                      [P1, pairs with C1]
 * Consumer:
 *   p = load-acquire prod                       [C1]
 *   the consumer that is the backend treats p as hostile: p - cons > n
 *   puts the queue in error (ring.h xenib_ring_prod_valid());
 *   copy slots cons .. p - 1 out (the backend copies each WQE to private
 *   memory before checking it);
 *   store-release cons = p                      [C2, pairs with P0]
 * Producer, before reusing a slot:
 *   c = load-acquire cons                       [P0]
 *   the producer that is the backend (CQ) treats c as hostile: c must lie
 *   between the last cons it saw and its prod (xenib_ring_cons_valid()).
 *
 * CQ notification (ibv_req_notify_cq), a Dekker pair on arm_seq vs prod:
 *   userlib:  write arm_flags (XENIB_CQ_ARM_*);
 *             store arm_seq + 1, then a full barrier (seq_cst)  [A1]
 *             (the application then polls the CQ, which loads prod)
 *   backend:  after storing prod for new CQEs, a full barrier   [A2]
 *             (smp_mb()); load arm_seq; if arm_seq != arm_ack and the
 *             flags match (NEXT: any CQE; SOLICITED: any receive or
 *             error CQE, since the kernel's ib_wc has no solicited bit:
 *             more events than a native device, never fewer), store-release
 *             arm_ack = arm_seq, then put XEN_VIBIF_EVT_COMP on the event
 *             ring with data = arm_seq.
 *   A1/A2 guarantee that a CQE pushed concurrently with arming is either
 *   seen by the application's poll after arming or produces an event.
 *   The CQ is armed exactly while arm_seq != arm_ack.
 *
 * error: 0, or a XENIB_QERR_* reason the backend stored (release) when it
 * put the queue (and its QP) into the error state because of malformed
 * shared data; userlib reports it to the application as IBV_WC_FATAL_ERR
 * style completions or errors on post.  overflow (CQ): completions the
 * backend could not write because the CQ was full; the CQ then also
 * raises XEN_VIBIF_EVT_CQ_ERR.
 */

#define XENIB_CQ_ARM_NEXT		0x1 /* next completion */
#define XENIB_CQ_ARM_SOLICITED		0x2 /* next solicited/error completion */
#define XENIB_CQ_ARM_ALL		0x3

#define XENIB_QERR_NONE			0
#define XENIB_QERR_BAD_WQE		1 /* a WQE failed the backend's check */
#define XENIB_QERR_BAD_INDEX		2 /* prod/cons out of range */
#define XENIB_QERR_OVERFLOW		3 /* CQ overrun */
#define XENIB_QERR_DEVICE		4 /* the real device failed the queue */

/**
 * struct xenib_queue_hdr - header of every shared queue buffer
 * @prod: producer index, free-running (producer's line)
 * @prod_pad: zero
 * @cons: consumer index, free-running (consumer's line)
 * @cons_pad: zero
 * @arm_seq: CQ arm sequence, incremented by userlib per request (userlib)
 * @arm_flags: XENIB_CQ_ARM_* of the last arm request (userlib)
 * @arm_pad: zero
 * @arm_ack: the last arm_seq the backend consumed (backend)
 * @error: XENIB_QERR_* (backend)
 * @overflow: CQEs dropped on a full CQ (backend)
 * @status_pad: zero
 *
 * Initialised to all zero by userlib before the create command.
 */
struct xenib_queue_hdr {
	__u32 prod;
	__u32 prod_pad[15];
	__u32 cons;
	__u32 cons_pad[15];
	__u32 arm_seq;
	__u32 arm_flags;
	__u32 arm_pad[14];
	__u32 arm_ack;
	__u32 error;
	__u32 overflow;
	__u32 status_pad[13];
};

XENIB_ABI_ASSERT(sizeof(struct xenib_queue_hdr) == XENIB_QUEUE_HDR_SIZE);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_queue_hdr, cons) == 64);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_queue_hdr, arm_seq) == 128);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_queue_hdr, arm_flags) == 132);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_queue_hdr, arm_ack) == 192);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_queue_hdr, error) == 196);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_queue_hdr, overflow) == 200);

/*
 ******************************************************************************
 *                         Work queue entries
 ******************************************************************************
 */

/* Send opcodes (same numbers as enum ibv_wr_opcode). */
#define XENIB_WR_RDMA_WRITE		0
#define XENIB_WR_RDMA_WRITE_WITH_IMM	1
#define XENIB_WR_SEND			2
#define XENIB_WR_SEND_WITH_IMM		3
#define XENIB_WR_RDMA_READ		4
#define XENIB_WR_ATOMIC_CMP_AND_SWP	5
#define XENIB_WR_ATOMIC_FETCH_AND_ADD	6
#define XENIB_WR_COUNT			7

/* Send flags (same bits as enum ibv_send_flags). */
#define XENIB_SEND_FENCE		0x0001
#define XENIB_SEND_SIGNALED		0x0002
#define XENIB_SEND_SOLICITED		0x0004
#define XENIB_SEND_INLINE		0x0008
#define XENIB_SEND_ALL			0x000f

/**
 * struct xenib_sge - scatter/gather entry
 * @addr: I/O virtual address inside the MR named by @lkey
 * @length: octets
 * @lkey: local key from REG_MR (the shadow MR's lkey)
 */
struct xenib_sge {
	__aligned_u64 addr;
	__u32 length;
	__u32 lkey;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_sge) == XENIB_SGE_SIZE);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_sge, length) == 8);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_sge, lkey) == 12);

/**
 * struct xenib_wqe_rdma - RDMA WRITE/READ fields of a send WQE
 * @remote_addr: remote I/O virtual address
 * @rkey: remote key
 * @reserved: zero
 */
struct xenib_wqe_rdma {
	__aligned_u64 remote_addr;
	__u32 rkey;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_wqe_rdma) == 16);

/**
 * struct xenib_wqe_atomic - atomic fields of a send WQE
 * @remote_addr: remote I/O virtual address, 8-octet aligned
 * @compare_add: compare value (CMP_AND_SWP) or addend (FETCH_AND_ADD)
 * @swap: swap value (CMP_AND_SWP); zero for FETCH_AND_ADD
 * @rkey: remote key
 * @reserved: zero
 */
struct xenib_wqe_atomic {
	__aligned_u64 remote_addr;
	__aligned_u64 compare_add;
	__aligned_u64 swap;
	__u32 rkey;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_wqe_atomic) == 32);

/**
 * struct xenib_wqe_ud - UD fields of a send WQE
 * @ah: AH handle from CREATE_AH (xenib_create_ah_resp.ah_handle)
 * @remote_qpn: destination QP number, at most 0xffffff
 * @remote_qkey: destination Q_Key
 * @reserved: zero
 */
struct xenib_wqe_ud {
	__u32 ah;
	__u32 remote_qpn;
	__u32 remote_qkey;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_wqe_ud) == 16);

/**
 * union xenib_send_wqe_wr - opcode-dependent part of a send WQE
 * @rdma: RDMA_WRITE, RDMA_WRITE_WITH_IMM, RDMA_READ
 * @atomic: ATOMIC_CMP_AND_SWP, ATOMIC_FETCH_AND_ADD
 * @ud: SEND, SEND_WITH_IMM on a UD QP
 * @raw: all 40 octets; octets not used by the opcode's member are zero
 *       (SEND on RC/UC uses none)
 */
union xenib_send_wqe_wr {
	struct xenib_wqe_rdma rdma;
	struct xenib_wqe_atomic atomic;
	struct xenib_wqe_ud ud;
	__u8 raw[40];
};

XENIB_ABI_ASSERT(sizeof(union xenib_send_wqe_wr) == 40);

/**
 * struct xenib_send_wqe - send work queue entry header
 * @wr_id: the application's wr_id, returned in the CQE
 * @opcode: XENIB_WR_*
 * @reserved0: zero
 * @send_flags: XENIB_SEND_*
 * @num_sge: SGEs following the header; 0 with XENIB_SEND_INLINE
 * @inline_len: inline octets following the header with XENIB_SEND_INLINE,
 *              else 0
 * @imm_data: immediate data (big-endian, as given) for *_WITH_IMM, else 0
 * @reserved1: zero
 * @wr: opcode-dependent fields
 *
 * Followed in the same slot by @num_sge struct xenib_sge or by @inline_len
 * octets of data.  Written by userlib, read (copied, then checked) by the
 * backend.  Rules (xenib_send_wqe_check()): the opcode is allowed on the QP
 * type (UD: SEND, SEND_WITH_IMM; UC: those and RDMA_WRITE*; RC: all); the
 * header and its SGEs or inline data fit the slot; num_sge and inline_len
 * stay within the QP's capacities; INLINE only with SEND* and RDMA_WRITE*;
 * atomics carry exactly one SGE of 8 octets and an 8-octet-aligned remote
 * address; no SGE wraps the 64-bit address space.
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                     wr_id                     |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |opcod|rsvd0|send_flags |  num_sge  |inline_len |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       imm_data        |       reserved1       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                wr (40 octets)                 |  24
 * /                                               /
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          SGEs or inline data ...              |  64
 */
struct xenib_send_wqe {
	__aligned_u64 wr_id;
	__u8 opcode;
	__u8 reserved0;
	__u16 send_flags;
	__u16 num_sge;
	__u16 inline_len;
	__be32 imm_data;
	__u32 reserved1;
	union xenib_send_wqe_wr wr;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_send_wqe) == XENIB_SEND_WQE_HDR_SIZE);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, opcode) == 8);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, send_flags) == 10);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, num_sge) == 12);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, inline_len) == 14);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, imm_data) == 16);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, reserved1) == 20);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_send_wqe, wr) == 24);

/**
 * struct xenib_recv_wqe - receive work queue entry header (RQ and SRQ)
 * @wr_id: the application's wr_id, returned in the CQE
 * @num_sge: SGEs following the header, within the queue's max_recv_sge
 * @reserved0: zero
 * @reserved1: zero
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                     wr_id                     |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |  num_sge  | reserved0 |       reserved1       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |          SGEs ...                             |  16
 */
struct xenib_recv_wqe {
	__aligned_u64 wr_id;
	__u16 num_sge;
	__u16 reserved0;
	__u32 reserved1;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_recv_wqe) == XENIB_RECV_WQE_HDR_SIZE);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_recv_wqe, num_sge) == 8);

/*
 ******************************************************************************
 *                           Completion entries
 ******************************************************************************
 */

/* Completion status (same numbers as enum ibv_wc_status). */
#define XENIB_WC_SUCCESS		0
#define XENIB_WC_LOC_LEN_ERR		1
#define XENIB_WC_LOC_QP_OP_ERR		2
#define XENIB_WC_LOC_EEC_OP_ERR		3
#define XENIB_WC_LOC_PROT_ERR		4
#define XENIB_WC_WR_FLUSH_ERR		5
#define XENIB_WC_MW_BIND_ERR		6
#define XENIB_WC_BAD_RESP_ERR		7
#define XENIB_WC_LOC_ACCESS_ERR		8
#define XENIB_WC_REM_INV_REQ_ERR	9
#define XENIB_WC_REM_ACCESS_ERR		10
#define XENIB_WC_REM_OP_ERR		11
#define XENIB_WC_RETRY_EXC_ERR		12
#define XENIB_WC_RNR_RETRY_EXC_ERR	13
#define XENIB_WC_LOC_RDD_VIOL_ERR	14
#define XENIB_WC_REM_INV_RD_REQ_ERR	15
#define XENIB_WC_REM_ABORT_ERR		16
#define XENIB_WC_INV_EECN_ERR		17
#define XENIB_WC_INV_EEC_STATE_ERR	18
#define XENIB_WC_FATAL_ERR		19
#define XENIB_WC_RESP_TIMEOUT_ERR	20
#define XENIB_WC_GENERAL_ERR		21
#define XENIB_WC_STATUS_COUNT		22

/* Completion opcodes (same numbers as enum ibv_wc_opcode). */
#define XENIB_WC_SEND			0
#define XENIB_WC_RDMA_WRITE		1
#define XENIB_WC_RDMA_READ		2
#define XENIB_WC_COMP_SWAP		3
#define XENIB_WC_FETCH_ADD		4
#define XENIB_WC_RECV			128
#define XENIB_WC_RECV_RDMA_WITH_IMM	129

/* Completion flags (own bits; userlib maps GRH, WITH_IMM, IP_CSUM_OK). */
#define XENIB_WC_F_GRH			0x0001
#define XENIB_WC_F_WITH_IMM		0x0002
#define XENIB_WC_F_IP_CSUM_OK		0x0004
#define XENIB_WC_F_WITH_SMAC		0x0008
#define XENIB_WC_F_WITH_VLAN		0x0010
#define XENIB_WC_F_WITH_NETWORK_HDR_TYPE 0x0020
#define XENIB_WC_F_SOLICITED		0x0040 /* reserved: never set (see arming) */
#define XENIB_WC_F_ALL			0x007f

/**
 * struct xenib_cqe - completion queue entry
 * @wr_id: wr_id of the completed WQE
 * @status: XENIB_WC_* status
 * @opcode: XENIB_WC_* opcode (valid when @status is XENIB_WC_SUCCESS)
 * @wc_flags: XENIB_WC_F_*
 * @vendor_err: the real device's vendor error
 * @byte_len: octets received or transferred
 * @imm_data: immediate data (big-endian) with XENIB_WC_F_WITH_IMM
 * @qp_num: local QP number
 * @src_qp: source QP number (UD)
 * @pkey_index: P_Key index (UD/GSI)
 * @slid: source LID
 * @sl: service level
 * @dlid_path_bits: destination LID path bits
 * @port_num: port (1)
 * @network_hdr_type: RoCE network header type with
 *                    XENIB_WC_F_WITH_NETWORK_HDR_TYPE
 * @smac: source MAC with XENIB_WC_F_WITH_SMAC
 * @vlan_id: VLAN id with XENIB_WC_F_WITH_VLAN
 * @reserved: zero
 *
 * Written by the backend into the CQ ring, read by userlib (the frontend
 * refuses kernel CQs, so it never reads one).
 *
 *    0     1     2     3     4     5     6     7  octet
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                     wr_id                     |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |statu|opcod| wc_flags  |      vendor_err       |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |       byte_len        |       imm_data        |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |        qp_num         |        src_qp         |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |pkey_index |   slid    | sl  |dlpb |port |nhtyp|
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |             smac                  |  vlan_id  |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 * |                    reserved                   |
 * +                                               +
 * |                                               |
 * +-----+-----+-----+-----+-----+-----+-----+-----+
 */
struct xenib_cqe {
	__aligned_u64 wr_id;
	__u8 status;
	__u8 opcode;
	__u16 wc_flags;
	__u32 vendor_err;
	__u32 byte_len;
	__be32 imm_data;
	__u32 qp_num;
	__u32 src_qp;
	__u16 pkey_index;
	__u16 slid;
	__u8 sl;
	__u8 dlid_path_bits;
	__u8 port_num;
	__u8 network_hdr_type;
	__u8 smac[6];
	__u16 vlan_id;
	__aligned_u64 reserved[2];
};

XENIB_ABI_ASSERT(sizeof(struct xenib_cqe) == XENIB_CQE_SIZE);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, status) == 8);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, wc_flags) == 10);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, vendor_err) == 12);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, byte_len) == 16);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, qp_num) == 24);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, pkey_index) == 32);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, sl) == 36);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, smac) == 40);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, vlan_id) == 46);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_cqe, reserved) == 48);

/*
 ******************************************************************************
 *                             Doorbell page
 ******************************************************************************
 *
 * One 4 KiB page per user context, allocated and zeroed by the frontend,
 * granted to the backend, mmapped by userlib at
 * xenib_alloc_ucontext_resp.db_mmap_offset.
 *
 *   octet    0  engine line: engine_state, written by the backend only
 *   octet   64  post line: post_seq, written by userlib only
 *   octet  512  dirty bitmap: XENIB_DB_BITS bits, bit i in dirty[i / 64]
 *               at (1 << (i % 64)); userlib sets bits, the backend clears
 *               whole words
 *
 * Every QP and SRQ has a db index (CREATE_QP/CREATE_SRQ db_index): its bit
 * means "new WQEs may be waiting on this QP's SQ or RQ, or this SRQ".
 *
 * Userlib, after each post batch (ibv_post_send/ibv_post_recv/
 * ibv_post_srq_recv):
 *   store-release the queue's prod                       [U1]
 *   atomic OR of the db bit into dirty[] (seq_cst)       [U2]
 *   atomic add 1 to post_seq (seq_cst)                   [U3]
 *   s = load engine_state (after U2/U3's full barrier)   [U4]
 *   if s == XENIB_ENGINE_IDLE: kick, i.e. ibv_cmd_post_send() (or
 *   ibv_cmd_post_recv()) with no work requests; the frontend's post_send
 *   sees wr == NULL and notifies event-channel-data.
 *
 * Backend engine, per poll round of a user context:
 *   q = load-acquire post_seq; if q equals the value it saw last round,
 *   nothing was posted: skip the bitmap (an idle poll costs O(1), not
 *   O(idle QPs));
 *   else for each non-zero word w: bits = xchg(&dirty[w], 0) (full
 *   barrier), and for each set bit look up the QP/SRQ and consume its
 *   queues [pairs with U1 through U2: the bit is set after prod].
 * Backend going idle:
 *   store engine_state = XENIB_ENGINE_IDLE; smp_mb()       [B1]
 *   re-read post_seq (or rescan dirty[]); if anything changed, store
 *   XENIB_ENGINE_POLLING and keep polling.
 *   U2/U3-U4 against B1-reread is a Dekker pair: either the backend sees
 *   the new post or userlib sees IDLE and kicks; no post is ever lost.
 *
 * The page is hostile to the backend: any bit may be set, post_seq may
 * jump; the backend only uses them as hints and checks every queue index
 * it reads (kernel/common/ring.h).
 */

#define XENIB_DB_PAGE_SIZE		4096
#define XENIB_DB_BITS			4096
#define XENIB_DB_WORDS			(XENIB_DB_BITS / 64)

#define XENIB_ENGINE_IDLE		0 /* a post must kick */
#define XENIB_ENGINE_POLLING		1 /* the engine polls, no kick needed */

/**
 * struct xenib_db_page - per user context doorbell page
 * @engine_state: XENIB_ENGINE_* (backend)
 * @engine_pad: zero
 * @post_seq: incremented by userlib after each post batch
 * @post_pad: zero
 * @reserved: zero
 * @dirty: one bit per db index
 * @reserved2: zero
 */
struct xenib_db_page {
	__u32 engine_state;
	__u32 engine_pad[15];
	__u32 post_seq;
	__u32 post_pad[15];
	__u8 reserved[384];
	__aligned_u64 dirty[XENIB_DB_WORDS];
	__u8 reserved2[3072];
};

XENIB_ABI_ASSERT(sizeof(struct xenib_db_page) == XENIB_DB_PAGE_SIZE);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_db_page, post_seq) == 64);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_db_page, dirty) == 512);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_db_page, reserved2) == 1024);

/*
 ******************************************************************************
 *                     uverbs driver data (udata)
 ******************************************************************************
 *
 * Requests are written by userlib into the uverbs command's driver data;
 * responses by the frontend.  Reserved fields are zero both ways and the
 * frontend refuses non-zero ones.  Buffers (buf_addr) are page-aligned
 * process memory of exactly PAGE_ALIGN(XENIB_QUEUE_BYTES(...)) octets
 * (buf_size), zeroed by userlib; the frontend pins and grants them for the
 * life of the object.
 */

/**
 * struct xenib_alloc_ucontext_resp - ALLOC_UCONTEXT driver data
 * @abi_version: XENIB_UVERBS_ABI_VERSION
 * @db_size: XENIB_DB_PAGE_SIZE
 * @db_mmap_offset: mmap() offset of the doorbell page
 * @max_inline_data: largest inline send
 * @max_send_sge: largest SGE count per send WQE
 * @max_recv_sge: largest SGE count per receive WQE
 * @sq_wqe_shift_max: largest send slot shift the frontend accepts
 * @rq_wqe_shift_max: largest receive slot shift the frontend accepts
 * @num_db: db indices available, at most XENIB_DB_BITS
 * @max_log_nslots: largest log2 slot count of any queue
 * @reserved: zero
 */
struct xenib_alloc_ucontext_resp {
	__u32 abi_version;
	__u32 db_size;
	__aligned_u64 db_mmap_offset;
	__u32 max_inline_data;
	__u32 max_send_sge;
	__u32 max_recv_sge;
	__u32 sq_wqe_shift_max;
	__u32 rq_wqe_shift_max;
	__u32 num_db;
	__u32 max_log_nslots;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_alloc_ucontext_resp) == 48);
XENIB_ABI_ASSERT(XENIB_ABI_OFFSET(struct xenib_alloc_ucontext_resp,
				  db_mmap_offset) == 8);

/**
 * struct xenib_alloc_pd_resp - ALLOC_PD driver data
 * @pdn: the PD handle
 * @reserved: zero
 */
struct xenib_alloc_pd_resp {
	__u32 pdn;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_alloc_pd_resp) == 8);

/**
 * struct xenib_create_cq - CREATE_CQ driver data
 * @buf_addr: CQ buffer (queue header + CQEs), page-aligned
 * @buf_size: octets, PAGE_ALIGN(XENIB_QUEUE_BYTES(log_nslots, 6))
 * @log_nslots: 2^log_nslots CQEs, at least the requested cqe
 * @reserved: zero
 */
struct xenib_create_cq {
	__aligned_u64 buf_addr;
	__aligned_u64 buf_size;
	__u32 log_nslots;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_cq) == 24);

/**
 * struct xenib_create_cq_resp - CREATE_CQ driver data response
 * @cq_handle: the CQ handle
 * @cqe: CQEs the CQ holds: the backend's answer, min(2^log_nslots,
 *	max_cqe) (backend/cq.c, xibb_cq_shadow_cqe())
 */
struct xenib_create_cq_resp {
	__u32 cq_handle;
	__u32 cqe;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_cq_resp) == 8);

/**
 * struct xenib_resize_cq - RESIZE_CQ driver data
 * @buf_addr: the new CQ buffer, page-aligned, zeroed
 * @buf_size: octets, as for struct xenib_create_cq
 * @log_nslots: new size
 * @reserved: zero
 *
 * The backend moves the unconsumed CQEs into the new buffer; userlib
 * switches to it when the command returns and then frees the old one.
 */
struct xenib_resize_cq {
	__aligned_u64 buf_addr;
	__aligned_u64 buf_size;
	__u32 log_nslots;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_resize_cq) == 24);

/**
 * struct xenib_create_qp - CREATE_QP driver data
 * @sq_buf_addr: send queue buffer, page-aligned
 * @sq_buf_size: octets, PAGE_ALIGN(XENIB_QUEUE_BYTES(sq_log_nslots,
 *               sq_wqe_shift))
 * @rq_buf_addr: receive queue buffer, 0 with an SRQ
 * @rq_buf_size: octets, 0 with an SRQ
 * @sq_wqe_shift: send slot size 2^shift
 * @rq_wqe_shift: receive slot size 2^shift, 0 with an SRQ
 * @sq_log_nslots: send queue has 2^sq_log_nslots slots
 * @rq_log_nslots: receive queue has 2^rq_log_nslots slots, 0 with an SRQ
 */
struct xenib_create_qp {
	__aligned_u64 sq_buf_addr;
	__aligned_u64 sq_buf_size;
	__aligned_u64 rq_buf_addr;
	__aligned_u64 rq_buf_size;
	__u32 sq_wqe_shift;
	__u32 rq_wqe_shift;
	__u32 sq_log_nslots;
	__u32 rq_log_nslots;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_qp) == 48);

/**
 * struct xenib_create_qp_resp - CREATE_QP driver data response
 * @qpn: the QP number
 * @qp_handle: the QP handle
 * @db_index: this QP's bit in the doorbell page's dirty bitmap
 * @reserved: zero
 */
struct xenib_create_qp_resp {
	__u32 qpn;
	__u32 qp_handle;
	__u32 db_index;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_qp_resp) == 16);

/**
 * struct xenib_create_srq - CREATE_SRQ driver data
 * @buf_addr: SRQ buffer, page-aligned
 * @buf_size: octets, PAGE_ALIGN(XENIB_QUEUE_BYTES(log_nslots, wqe_shift))
 * @wqe_shift: receive slot size 2^shift
 * @log_nslots: 2^log_nslots slots
 */
struct xenib_create_srq {
	__aligned_u64 buf_addr;
	__aligned_u64 buf_size;
	__u32 wqe_shift;
	__u32 log_nslots;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_srq) == 24);

/**
 * struct xenib_create_srq_resp - CREATE_SRQ driver data response
 * @srqn: the SRQ number
 * @srq_handle: the SRQ handle
 * @db_index: this SRQ's bit in the doorbell page's dirty bitmap
 * @reserved: zero
 */
struct xenib_create_srq_resp {
	__u32 srqn;
	__u32 srq_handle;
	__u32 db_index;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_srq_resp) == 16);

/**
 * struct xenib_modify_srq - MODIFY_SRQ driver data, with IBV_SRQ_MAX_WR
 * @buf_addr: the new SRQ buffer, page-aligned, zeroed
 * @buf_size: octets, PAGE_ALIGN(XENIB_QUEUE_BYTES(log_nslots, wqe_shift))
 * @wqe_shift: the SRQ's receive slot shift, as at creation
 * @log_nslots: the new buffer has 2^log_nslots slots, at least max_wr
 *
 * The backend moves the unconsumed WQEs into the new buffer at the same
 * indices (RESIZE_SRQ, vibif.h); userlib stops posting meanwhile, switches
 * to the new buffer when the command returns and frees the old one.
 * Without IBV_SRQ_MAX_WR the command carries no driver data.
 */
struct xenib_modify_srq {
	__aligned_u64 buf_addr;
	__aligned_u64 buf_size;
	__u32 wqe_shift;
	__u32 log_nslots;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_modify_srq) == 24);

/**
 * struct xenib_create_ah_resp - CREATE_AH driver data response
 * @ah_handle: what UD send WQEs carry in wr.ud.ah
 * @reserved: zero
 */
struct xenib_create_ah_resp {
	__u32 ah_handle;
	__u32 reserved;
};

XENIB_ABI_ASSERT(sizeof(struct xenib_create_ah_resp) == 8);

#endif /* __XENIB_ABI_USER_H__ */
