// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_send_wqe.c - libFuzzer target for xenib_send_wqe_check().
 * Input: qp_type, wqe_shift, max_sge, max_inline (one octet each, the
 * shift reduced to the ABI range), then the slot copy.  The copy length is
 * what remains, capped at the slot size.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builders.h"

#define INVARIANT(c)	do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 slot[1 << XENIB_SQ_WQE_SHIFT_MAX];
	struct xenib_sq_params p;
	const struct xenib_send_wqe *w = (const void *)slot;
	u32 len;
	int ret;

	if (size < 4)
		return 0;
	p.qp_type = data[0] % 6;
	p.wqe_shift = XENIB_SQ_WQE_SHIFT_MIN +
		      data[1] % (XENIB_SQ_WQE_SHIFT_MAX - XENIB_SQ_WQE_SHIFT_MIN + 1);
	p.max_sge = data[2];
	p.max_inline = data[3] * 8U;
	data += 4;
	size -= 4;
	len = size > (1U << p.wqe_shift) ? 1U << p.wqe_shift : (u32)size;
	memset(slot, 0, sizeof(slot));
	memcpy(slot, data, len);

	ret = xenib_send_wqe_check(slot, len, &p);
	INVARIANT(ret == 0 || ret == -EINVAL || ret == -EPROTO);
	if (ret)
		return 0;
	INVARIANT(w->opcode < XENIB_WR_COUNT);
	if (w->send_flags & XENIB_SEND_INLINE)
		INVARIANT(64U + w->inline_len <= len &&
			  w->inline_len <= p.max_inline);
	else
		INVARIANT(64U + 16U * w->num_sge <= len &&
			  w->num_sge <= p.max_sge);
	if (p.qp_type == XEN_VIBIF_QPT_UD)
		INVARIANT(w->opcode == XENIB_WR_SEND ||
			  w->opcode == XENIB_WR_SEND_WITH_IMM);
	return 0;
}
