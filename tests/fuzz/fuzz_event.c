// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_event.c - libFuzzer target for xenib_event_check() on one
 * 16-octet event ring entry, and the event ring index check on the
 * prod/cons pair that follows it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builders.h"
#include "ring.h"

#define INVARIANT(c)	do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_vibif_event ev;
	u32 idx[2] = { 0, 0 };
	int ret;

	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, data, size < sizeof(ev) ? size : sizeof(ev));
	ret = xenib_event_check(&ev);
	INVARIANT(ret == 0 || ret == -EPROTO);
	if (!ret)
		INVARIANT(ev.type >= XEN_VIBIF_EVT_COMP &&
			  ev.type < XEN_VIBIF_EVT_COUNT && !ev.reserved &&
			  !ev.reserved2);
	if (size >= sizeof(ev) + sizeof(idx)) {
		memcpy(idx, data + sizeof(ev), sizeof(idx));
		if (xenib_ring_prod_valid(idx[0], idx[1],
					  XEN_VIBIF_EVENT_RING_SIZE))
			INVARIANT(xenib_ring_count(idx[0], idx[1]) <=
				  XEN_VIBIF_EVENT_RING_SIZE);
	}
	return 0;
}
