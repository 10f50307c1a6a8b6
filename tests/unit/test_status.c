// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_status.c - kernel/common/status.c: every wire status round-trips,
 * every errno of the table maps and back, aliases and unknowns.
 */
#include <stdio.h>

#include "compat.h"
#include "status.h"
#include <xen/interface/io/vibif.h>
#include "harness.h"

static const struct {
	u32 status;
	int err;
} primary[] = {
	{ XEN_VIBIF_OK, 0 },
	{ XEN_VIBIF_EPERM, EPERM },
	{ XEN_VIBIF_ENOENT, ENOENT },
	{ XEN_VIBIF_EIO, EIO },
	{ XEN_VIBIF_E2BIG, E2BIG },
	{ XEN_VIBIF_EAGAIN, EAGAIN },
	{ XEN_VIBIF_ENOMEM, ENOMEM },
	{ XEN_VIBIF_EACCES, EACCES },
	{ XEN_VIBIF_EFAULT, EFAULT },
	{ XEN_VIBIF_EBUSY, EBUSY },
	{ XEN_VIBIF_EEXIST, EEXIST },
	{ XEN_VIBIF_ENODEV, ENODEV },
	{ XEN_VIBIF_EINVAL, EINVAL },
	{ XEN_VIBIF_ENOSPC, ENOSPC },
	{ XEN_VIBIF_ERANGE, ERANGE },
	{ XEN_VIBIF_EOPNOTSUPP, EOPNOTSUPP },
	{ XEN_VIBIF_ETIMEDOUT, ETIMEDOUT },
	{ XEN_VIBIF_EDQUOT, EDQUOT },
	{ XEN_VIBIF_EPROTO, EPROTO },
	{ XEN_VIBIF_EOVERFLOW, EOVERFLOW },
	{ XEN_VIBIF_ECANCELED, ECANCELED },
};

static const struct {
	int negerr;
	u32 status;
} aliases[] = {
	{ -ENOTSUPP, XEN_VIBIF_EOPNOTSUPP },
	{ -ERESTARTSYS, XEN_VIBIF_EAGAIN },
	{ -EINTR, XEN_VIBIF_EAGAIN },
	{ -EWOULDBLOCK, XEN_VIBIF_EAGAIN },
	{ -ENXIO, XEN_VIBIF_ENOENT },
	{ -EBADF, XEN_VIBIF_EINVAL },
	{ -ENOBUFS, XEN_VIBIF_ENOMEM },
	{ -EMFILE, XEN_VIBIF_ENOSPC },
	{ -ETIME, XEN_VIBIF_ETIMEDOUT },
	{ -ENETDOWN, XEN_VIBIF_ENODEV },
	{ -ESHUTDOWN, XEN_VIBIF_ENODEV },
	{ -ENOSYS, XEN_VIBIF_EIO },	/* unknown */
	{ -9999, XEN_VIBIF_EIO },
	{ -2147483647 - 1, XEN_VIBIF_EIO },
	{ 1, XEN_VIBIF_EIO },		/* positive is a bug */
	{ 0x7fffffff, XEN_VIBIF_EIO },
};

int main(void)
{
	size_t i;
	u32 s;

	CHECK_EQ(sizeof(primary) / sizeof(primary[0]), XEN_VIBIF_STATUS_COUNT,
		 "every status listed");
	for (i = 0; i < ARRAY_SIZE(primary); i++) {
		CHECK_EQ(primary[i].status, i, "dense numbering %zu", i);
		CHECK_EQ(xenib_status_to_errno(primary[i].status), -primary[i].err,
			 "to_errno %u", primary[i].status);
		CHECK_EQ(xenib_status_from_errno(-primary[i].err), primary[i].status,
			 "from_errno %d", primary[i].err);
		CHECK_EQ(xenib_status_from_errno(xenib_status_to_errno(primary[i].status)),
			 primary[i].status, "round trip %u", primary[i].status);
	}
	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		CHECK_EQ(xenib_status_from_errno(aliases[i].negerr), aliases[i].status,
			 "alias %d", aliases[i].negerr);
	CHECK_EQ(xenib_status_to_errno(XEN_VIBIF_STATUS_COUNT), -EIO, "unknown");
	CHECK_EQ(xenib_status_to_errno(0xffffffff), -EIO, "unknown ~0");
	/*
	 * No status ever becomes a kernel-internal or positive errno; every
	 * known one round-trips, every unknown one is EIO.  One case per
	 * sweep, naming the first value that fails.
	 */
	for (s = 0; s < 4096; s++) {
		int e = xenib_status_to_errno(s);

		if (e == -ERESTARTSYS || e == -ENOTSUPP || e > 0 ||
		    (s < XEN_VIBIF_STATUS_COUNT && xenib_status_from_errno(e) != s) ||
		    (s >= XEN_VIBIF_STATUS_COUNT && e != -EIO))
			break;
	}
	CHECK(s == 4096, "status sweep: status %u", s);
	/* Every errno maps to a status of the table, and 0 only from 0. */
	for (i = 0; i < 4096; i++) {
		u32 st = xenib_status_from_errno(-(int)i);

		if (st >= XEN_VIBIF_STATUS_COUNT || (i && st == XEN_VIBIF_OK))
			break;
	}
	CHECK(i == 4096, "errno sweep: errno %zu", i);
	return t_summary();
}
