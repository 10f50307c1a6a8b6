// SPDX-License-Identifier: GPL-2.0-only
/* kernel/common, compiled into xen-ibfront.ko (see Kbuild). */
#include "../kernel/common/status.c"
#include "../kernel/common/validate.c"
