// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_response.c - libFuzzer target for xenib_response_check().
 * Input: the 256-octet request the frontend sent, then the 256-octet
 * response (both zero-padded).  Both are fuzzed: the check must not fault
 * even on a request the frontend would never send.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builders.h"

#define INVARIANT(c)	do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	size_t n;
	int ret;

	memset(&req, 0, sizeof(req));
	memset(&rsp, 0, sizeof(rsp));
	n = size < sizeof(req) ? size : sizeof(req);
	memcpy(&req, data, n);
	if (size > sizeof(req)) {
		size -= sizeof(req);
		memcpy(&rsp, data + sizeof(req),
		       size < sizeof(rsp) ? size : sizeof(rsp));
	}
	ret = xenib_response_check(&rsp, &req);
	INVARIANT(ret == 0 || ret == -EPROTO);
	if (ret)
		return 0;
	INVARIANT(rsp.hdr.id == req.hdr.id && rsp.hdr.opcode == req.hdr.opcode);
	INVARIANT(le32_to_cpu(rsp.hdr.status) < XEN_VIBIF_STATUS_COUNT);
	return 0;
}
