/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * back_prog_walk.h - what a reader of the backend fuzz targets' inputs
 * (back_prog.h) needs besides the harness: the size of each operation,
 * and which request fields name objects by reference.  Used by the
 * harness (back_harness.c, which checks on every operation that it read
 * exactly bp_op_size() octets) and by tests/progs/xenib-raw's replay of
 * the corpora from inside a guest.  Header-only and free of the fuzz
 * shims, so that a guest program can include it with vibif.h alone.
 */

#ifndef XENIB_FUZZ_BACK_PROG_WALK_H
#define XENIB_FUZZ_BACK_PROG_WALK_H

#include <stddef.h>
#include <stdint.h>

#include <xen/interface/io/vibif.h>

/*
 * The operation codes of back_prog.h's enum bp_op, in its order; the
 * static asserts in back_harness.c keep the two the same.
 */
enum bp_walk_op {
	BPW_REQ, BPW_KICK, BPW_FAULT, BPW_WRITE, BPW_DIR, BPW_RING,
	BPW_DEVEV, BPW_REMOVE, BPW_THREAD, BPW_DEVCOMP, BPW_DUMP,
	BPW_RECONNECT, BPW_TIME, BPW_IRQ, BPW_WQE, BPW_PASS, BPW_CQ,
	BPW_PARAM, BPW_COUNT,
};

/* BP_WQE_RAW_PROD of back_prog.h: a le32 follows the WQE. */
#define BPW_WQE_RAW_PROD	0x08

/**
 * bp_op_size() - octets of the operation at @p
 * @p: the operation's opcode octet
 * @n: octets left in the input (at least 1)
 *
 * Return: the octets the harness reads for it (opcode included), at most
 * @n: an input that ends early reads zeros.
 */
static inline size_t bp_op_size(const uint8_t *p, size_t n)
{
	size_t k;

#define BPW_AT(i) ((i) < n ? p[i] : 0)
	switch (p[0] % BPW_COUNT) {
	case BPW_REQ:		/* opcode, len, body, flags */
		k = 3 + (size_t)BPW_AT(2) + 1;
		break;
	case BPW_FAULT:
	case BPW_PARAM:
		k = 3;
		break;
	case BPW_WRITE:		/* frame, offset, len, octets */
		k = 6 + (size_t)BPW_AT(5);
		break;
	case BPW_DIR:
		k = 7;
		break;
	case BPW_RING:
		k = 6;
		break;
	case BPW_DEVEV:
		k = 4;
		break;
	case BPW_THREAD:
	case BPW_TIME:
	case BPW_IRQ:
		k = 2;
		break;
	case BPW_DEVCOMP:
		k = 6;
		break;
	case BPW_WQE:		/* queue, flags, len, octets, [le32] */
		k = 4 + (size_t)BPW_AT(3) +
		    (BPW_AT(2) & BPW_WQE_RAW_PROD ? 4 : 0);
		break;
	case BPW_CQ:
		k = 7;
		break;
	default:		/* KICK, REMOVE, DUMP, RECONNECT, PASS */
		k = 1;
		break;
	}
#undef BPW_AT
	return k < n ? k : n;
}

/* The kinds of object a request field may name. */
enum bp_kind {
	BPK_NONE, BPK_UCONTEXT, BPK_PD, BPK_CQ, BPK_MR, BPK_AH, BPK_SRQ,
	BPK_QP, BPK_COUNT,
};

/**
 * bp_request_refs() - calls @fix on each field of @r that names an object
 * @r: a request (opcode set)
 * @fix: called with @ctx, the kind, and the field
 * @ctx: passed through
 */
static inline void bp_request_refs(struct xen_vibif_request *r,
				   void (*fix)(void *ctx, enum bp_kind kind,
					       __le32 *field),
				   void *ctx)
{
	union xen_vibif_req_body *b = &r->u;
	const uint8_t *o = (const uint8_t *)&r->hdr.opcode;

	switch (o[0] | o[1] << 8) {	/* __le16 */
	case XEN_VIBIF_OP_DEALLOC_UCONTEXT:
		fix(ctx, BPK_UCONTEXT, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_DEALLOC_PD:
		fix(ctx, BPK_PD, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_DESTROY_CQ:
		fix(ctx, BPK_CQ, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_DESTROY_QP:
		fix(ctx, BPK_QP, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_DESTROY_SRQ:
	case XEN_VIBIF_OP_QUERY_SRQ:
		fix(ctx, BPK_SRQ, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_DESTROY_AH:
		fix(ctx, BPK_AH, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_DEREG_MR:
		fix(ctx, BPK_MR, &b->handle.handle);
		break;
	case XEN_VIBIF_OP_ALLOC_PD:
		fix(ctx, BPK_UCONTEXT, &b->alloc_pd.ucontext);
		break;
	case XEN_VIBIF_OP_CREATE_CQ:
		fix(ctx, BPK_UCONTEXT, &b->create_cq.ucontext);
		break;
	case XEN_VIBIF_OP_RESIZE_CQ:
		fix(ctx, BPK_CQ, &b->resize_cq.cq);
		break;
	case XEN_VIBIF_OP_CREATE_QP:
		fix(ctx, BPK_UCONTEXT, &b->create_qp.ucontext);
		fix(ctx, BPK_PD, &b->create_qp.pd);
		fix(ctx, BPK_CQ, &b->create_qp.send_cq);
		fix(ctx, BPK_CQ, &b->create_qp.recv_cq);
		fix(ctx, BPK_SRQ, &b->create_qp.srq);
		break;
	case XEN_VIBIF_OP_MODIFY_QP:
		fix(ctx, BPK_QP, &b->modify_qp.qp);
		break;
	case XEN_VIBIF_OP_QUERY_QP:
		fix(ctx, BPK_QP, &b->query_qp.qp);
		break;
	case XEN_VIBIF_OP_CREATE_SRQ:
		fix(ctx, BPK_UCONTEXT, &b->create_srq.ucontext);
		fix(ctx, BPK_PD, &b->create_srq.pd);
		break;
	case XEN_VIBIF_OP_MODIFY_SRQ:
		fix(ctx, BPK_SRQ, &b->modify_srq.srq);
		break;
	case XEN_VIBIF_OP_RESIZE_SRQ:
		fix(ctx, BPK_SRQ, &b->resize_srq.srq);
		break;
	case XEN_VIBIF_OP_CREATE_AH:
		fix(ctx, BPK_PD, &b->create_ah.pd);
		break;
	case XEN_VIBIF_OP_REG_MR:
		fix(ctx, BPK_PD, &b->reg_mr.pd);
		break;
	case XEN_VIBIF_OP_ATTACH_MCAST:
	case XEN_VIBIF_OP_DETACH_MCAST:
		fix(ctx, BPK_QP, &b->mcast.qp);
		break;
	default:
		break;
	}
}

#endif /* XENIB_FUZZ_BACK_PROG_WALK_H */
