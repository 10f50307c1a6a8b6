/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim/fake_int.h - what fake.c and fake_ib.c share.
 */

#ifndef KSHIM_FAKE_INT_H
#define KSHIM_FAKE_INT_H

#include "fake.h"

/* True if this call of a @kind operation is to fail (kshim_fault_set()). */
bool kshim_fail(enum kshim_fault kind);
char *kshim_strdup(const char *s);
void kshim_ib_reset(u8 profile);

#endif /* KSHIM_FAKE_INT_H */
