// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_back_cmd.c - libFuzzer target for the backend's control path: the
 * real backend (the C files of backend/, unchanged, engine.c as built)
 * over the fake kernel of kshim/, one guest per input, set up by
 * xibb_guest_alloc() and xibb_guest_connect() and torn down by
 * xibb_guest_disconnect(); the input (back_prog.h) is the frontend's
 * requests on the control ring, with everything else a guest and the
 * device can do in between.  The harness and its invariants are in
 * back_harness.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "back_harness.h"

static const struct hz_target fz_target;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hz_run(&fz_target, data, size);
	return 0;
}
