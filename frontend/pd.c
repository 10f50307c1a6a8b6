// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: protection domains.  A PD of a user context names the
 * context (ALLOC_PD ucontext); a PD of an in-guest kernel consumer names
 * none.  The PD handle is also what userlib sees as the PD number.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

/**
 * xibf_alloc_pd() - ib_device_ops.alloc_pd
 * @ibpd: the PD, allocated by the RDMA core
 * @udata: response: struct xenib_alloc_pd_resp; NULL for a kernel PD
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context, may sleep.
 */
int xibf_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibpd->device);
	struct xibf_ucontext *uc = rdma_udata_to_drv_context(udata,
					struct xibf_ucontext, ibuc);
	struct xen_vibif_alloc_pd_req req = {};
	struct xenib_alloc_pd_resp resp = {};
	struct xibf_pd *pd = to_xpd(ibpd);
	struct xibf_cmd cmd;
	int err;

	req.ucontext = cpu_to_le32(uc ? uc->handle : XEN_VIBIF_HANDLE_NONE);
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_ALLOC_PD, &req, sizeof(req),
			    &cmd);
	if (err)
		return err;
	pd->handle = le32_to_cpu(cmd.rsp.u.handle.handle);

	resp.pdn = pd->handle;
	err = xibf_udata_out(udata, &resp, sizeof(resp));
	if (err) {
		xibf_dealloc_pd(ibpd, udata);
		return err;
	}
	return 0;
}

/**
 * xibf_dealloc_pd() - ib_device_ops.dealloc_pd
 * @ibpd: the PD
 * @udata: unused
 *
 * Return: 0, or -EBUSY if the backend still has objects in the PD.
 *
 * Context: process context, may sleep.
 */
int xibf_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct xen_vibif_handle_req req = {};
	struct xibf_cmd cmd;

	req.handle = cpu_to_le32(to_xpd(ibpd)->handle);
	return xibf_destroy_result(xibf_cmd_exec(to_xdev(ibpd->device),
						 XEN_VIBIF_OP_DEALLOC_PD, &req,
						 sizeof(req), &cmd));
}
