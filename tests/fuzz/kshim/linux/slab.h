/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* kshim linux/slab.h - all of it is in kshim.h. */
#include "../kshim.h"
