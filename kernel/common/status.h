/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * status.h - translation between Linux errno values and vibif wire statuses.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef XENIB_COMMON_STATUS_H
#define XENIB_COMMON_STATUS_H

#include "compat.h"

u32 xenib_status_from_errno(int negerr);
int xenib_status_to_errno(u32 status);

#endif /* XENIB_COMMON_STATUS_H */
