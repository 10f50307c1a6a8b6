// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_recv_wqe.c - libFuzzer target for xenib_recv_wqe_check().
 * Input: wqe_shift, max_sge (one octet each), then the slot copy.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builders.h"

#define INVARIANT(c)	do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 slot[1 << XENIB_RQ_WQE_SHIFT_MAX];
	const struct xenib_recv_wqe *w = (const void *)slot;
	struct xenib_rq_params p;
	u32 len;
	int ret;

	if (size < 2)
		return 0;
	p.wqe_shift = XENIB_RQ_WQE_SHIFT_MIN +
		      data[0] % (XENIB_RQ_WQE_SHIFT_MAX - XENIB_RQ_WQE_SHIFT_MIN + 1);
	p.max_sge = data[1];
	data += 2;
	size -= 2;
	len = size > (1U << p.wqe_shift) ? 1U << p.wqe_shift : (u32)size;
	memset(slot, 0, sizeof(slot));
	memcpy(slot, data, len);

	ret = xenib_recv_wqe_check(slot, len, &p);
	INVARIANT(ret == 0 || ret == -EINVAL || ret == -EPROTO);
	if (!ret)
		INVARIANT(16U + 16U * w->num_sge <= len && w->num_sge <= p.max_sge);
	return 0;
}
