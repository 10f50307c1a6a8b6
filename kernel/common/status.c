// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * status.c - one table between Linux errno values and vibif wire statuses
 * (vibif.h, "Error numbers").
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "compat.h"
#include "status.h"
#include <xen/interface/io/vibif.h>

/*
 * Entries are searched in order.  The first entry for a status is its
 * errno; later entries for the same status are aliases that only map errno
 * to status (kernel-internal codes that must never reach the wire).
 */
static const struct {
	u32 status;
	int err;
} xenib_status_tbl[] = {
	{ XEN_VIBIF_OK,		0 },
	{ XEN_VIBIF_EPERM,	EPERM },
	{ XEN_VIBIF_ENOENT,	ENOENT },
	{ XEN_VIBIF_EIO,	EIO },
	{ XEN_VIBIF_E2BIG,	E2BIG },
	{ XEN_VIBIF_EAGAIN,	EAGAIN },
	{ XEN_VIBIF_ENOMEM,	ENOMEM },
	{ XEN_VIBIF_EACCES,	EACCES },
	{ XEN_VIBIF_EFAULT,	EFAULT },
	{ XEN_VIBIF_EBUSY,	EBUSY },
	{ XEN_VIBIF_EEXIST,	EEXIST },
	{ XEN_VIBIF_ENODEV,	ENODEV },
	{ XEN_VIBIF_EINVAL,	EINVAL },
	{ XEN_VIBIF_ENOSPC,	ENOSPC },
	{ XEN_VIBIF_ERANGE,	ERANGE },
	{ XEN_VIBIF_EOPNOTSUPP,	EOPNOTSUPP },
	{ XEN_VIBIF_ETIMEDOUT,	ETIMEDOUT },
	{ XEN_VIBIF_EDQUOT,	EDQUOT },
	{ XEN_VIBIF_EPROTO,	EPROTO },
	{ XEN_VIBIF_EOVERFLOW,	EOVERFLOW },
	{ XEN_VIBIF_ECANCELED,	ECANCELED },
	/* aliases: errno -> status only */
	{ XEN_VIBIF_EOPNOTSUPP,	ENOTSUPP },
	{ XEN_VIBIF_EAGAIN,	ERESTARTSYS },
	{ XEN_VIBIF_EAGAIN,	EINTR },
	{ XEN_VIBIF_ENOENT,	ENXIO },
	{ XEN_VIBIF_EINVAL,	EBADF },
	{ XEN_VIBIF_ENOMEM,	ENOBUFS },
	{ XEN_VIBIF_ENOSPC,	EMFILE },
	{ XEN_VIBIF_ENOSPC,	ENFILE },
	{ XEN_VIBIF_ETIMEDOUT,	ETIME },
	{ XEN_VIBIF_ENODEV,	ENETDOWN },
	{ XEN_VIBIF_ENODEV,	ESHUTDOWN },
};

/**
 * xenib_status_from_errno() - wire status for a kernel return value
 * @negerr: 0 or a negative errno, as returned by kernel functions
 *
 * Kernel-internal codes (-ERESTARTSYS, -ENOTSUPP, ...) map to their nearest
 * wire status, so they never cross the wire.
 *
 * Context: any.
 * Return: XEN_VIBIF_OK for 0, the matching XEN_VIBIF_E* status for a known
 * errno, XEN_VIBIF_EIO for anything else (including positive values).
 */
u32 xenib_status_from_errno(int negerr)
{
	size_t i;

	if (negerr > 0)
		return XEN_VIBIF_EIO;
	for (i = 0; i < ARRAY_SIZE(xenib_status_tbl); i++)
		if (-xenib_status_tbl[i].err == negerr)
			return xenib_status_tbl[i].status;
	return XEN_VIBIF_EIO;
}

/**
 * xenib_status_to_errno() - kernel return value for a wire status
 * @status: status field of a response, untrusted
 *
 * Context: any.
 * Return: 0 for XEN_VIBIF_OK, the matching negative errno for a known
 * status, -EIO for an unknown one.
 */
int xenib_status_to_errno(u32 status)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xenib_status_tbl); i++)
		if (xenib_status_tbl[i].status == status)
			return -xenib_status_tbl[i].err;
	return -EIO;
}
