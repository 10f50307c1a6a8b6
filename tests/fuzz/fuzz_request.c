// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_request.c - libFuzzer target for xenib_request_check().
 * Input: a 256-octet request slot (zero-padded), then one octet choosing
 * the limit set.  Accepted requests must satisfy the invariants below.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builders.h"
#include "ring.h"

#define INVARIANT(c)	do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_vibif_request r;
	struct xenib_limits lim;
	u16 op;
	u32 body;
	int ret;

	memset(&r, 0, sizeof(r));
	memcpy(&r, data, size < sizeof(r) ? size : sizeof(r));
	b_limits(&lim, size > sizeof(r) ? data[sizeof(r)] % L_COUNT : L_DEFAULT);

	ret = xenib_request_check(&r, &lim);
	INVARIANT(ret == 0 || ret == -EINVAL || ret == -EPROTO ||
		  ret == -EOPNOTSUPP);
	if (ret)
		return 0;

	op = le16_to_cpu(r.hdr.opcode);
	INVARIANT(op > 0 && op < XEN_VIBIF_OP_COUNT);
	INVARIANT(!r.hdr.flags && !r.hdr.reserved);
	body = xenib_request_body_size(op);
	for (u32 i = body; i < XEN_VIBIF_BODY_SIZE; i++)
		INVARIANT(!r.u.raw[i]);
	switch (op) {
	case XEN_VIBIF_OP_CREATE_CQ:
		INVARIANT((1U << r.u.create_cq.log_nslots) <= lim.max_cqe);
		INVARIANT(le32_to_cpu(r.u.create_cq.pgdir.npages) <=
			  lim.max_queue_pages);
		break;
	case XEN_VIBIF_OP_CREATE_QP:
		INVARIANT(le32_to_cpu(r.u.create_qp.db_index) < XENIB_DB_BITS);
		INVARIANT(le32_to_cpu(r.u.create_qp.cap.max_send_wr) <=
			  lim.max_qp_wr);
		INVARIANT(xenib_pgdir_check(&r.u.create_qp.sq_pgdir, false) == 0);
		break;
	case XEN_VIBIF_OP_REG_MR: {
		u64 len = le64_to_cpu(r.u.reg_mr.length);
		u64 iova = le64_to_cpu(r.u.reg_mr.iova);

		INVARIANT(len && len <= lim.max_mr_size);
		INVARIANT(iova + (len - 1) >= iova);
		INVARIANT(le32_to_cpu(r.u.reg_mr.pgdir.npages) <=
			  lim.max_mr_pages);
		INVARIANT(r.u.reg_mr.pgdir.type == XEN_VIBIF_PGDIR_GRANT ||
			  lim.feature_gfn_mr);
		break;
	}
	default:
		break;
	}
	/* Checking is a pure function of the copy. */
	INVARIANT(xenib_request_check(&r, &lim) == 0);
	return 0;
}
