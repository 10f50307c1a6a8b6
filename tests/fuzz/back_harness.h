/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * back_harness.h - one fake guest of the real backend, driven by an input
 * in the language of back_prog.h (back_harness.c).
 */

#ifndef XENIB_FUZZ_BACK_HARNESS_H
#define XENIB_FUZZ_BACK_HARNESS_H

#include "xenib_back.h"

/* What a target adds to the common harness. */
struct hz_target {
	/* A program run before the input (after its header), or NULL. */
	const u8 *prefix;
	size_t prefix_len;
	/* One pass of the engine (BP_OP_PASS); NULL: a turn of the thread. */
	void (*pass)(struct xibb_guest *guest);
	/* BP_OP_PARAM 1: set engine_budget; NULL: ignored. */
	void (*engine_budget)(unsigned int v);
};

void hz_init(void);
void hz_run(const struct hz_target *t, const u8 *data, size_t size);

#endif /* XENIB_FUZZ_BACK_HARNESS_H */
