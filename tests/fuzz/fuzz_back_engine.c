// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_back_engine.c - libFuzzer target for the backend's data engine:
 * its queue consumers (SQ, RQ, SRQ), its CQ producer and its doorbell
 * scan.  Every input starts from the same guest, built through the real
 * control path (bp_setup(): a context, a PD, two CQs, two MRs, an SRQ,
 * an RC QP and a UD QP in RTS, an AH); the input is then what the guest
 * writes into its queues and doorbell page (WQEs with real, stale and
 * forged keys, producer indexes, dirty bits, post_seq, CQ consumer and
 * arm state), what the fake device completes, and passes of the engine.
 *
 * backend/engine.c is compiled into this file, unchanged, so that its
 * static pass function (xibb_eng_pass()) can be called directly; the
 * rest of the backend is linked as for fuzz_back_cmd.  The fake device
 * aborts if the engine ever hands it an SGE whose key the guest does not
 * own in the QP's PD (issue #10, hole 1: kshim/fake_ib.c).
 */
#include "../../backend/engine.c"

#include <stddef.h>
#include <stdint.h>

#include "back_harness.h"
#include "back_prog.h"
#include "fake.h"

static struct bp fz_setup_roce, fz_setup_ib;
static unsigned int fz_budget0;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_pass(struct xibb_guest *guest)
{
	bool more;

	mutex_lock(&guest->eng.lock);
	xibb_eng_pass(guest, &more);
	mutex_unlock(&guest->eng.lock);
}

static void fz_engine_budget(unsigned int v)
{
	xibb_eng_budget = v;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hz_init();
	bp_init(&fz_setup_roce, 0, 0);
	bp_setup(&fz_setup_roce, true);
	bp_init(&fz_setup_ib, 0, 0);
	bp_setup(&fz_setup_ib, false);
	fz_budget0 = xibb_eng_budget;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bp *s = size > 1 && (data[1] & KSHIM_PROF_IB) ?
			     &fz_setup_ib : &fz_setup_roce;
	struct hz_target t = {
		.prefix = s->buf + BP_HDR_SIZE,
		.prefix_len = s->len - BP_HDR_SIZE,
		.pass = fz_pass,
		.engine_budget = fz_engine_budget,
	};

	xibb_eng_budget = fz_budget0;
	hz_run(&t, data, size);
	return 0;
}
