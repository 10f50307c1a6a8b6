// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: memory regions.
 *
 * reg_user_mr pins the range (ib_umem_get()), grants every page to the
 * backend (read-only unless the MR allows local writes) and sends the page
 * directory; the backend maps the pages and registers them on the real
 * device, which then DMAs straight into guest memory.  The lkey and rkey
 * are the real device's keys of the shadow MR.
 *
 * Every page costs one grant reference: a guest registering 256 MiB needs
 * 65536 grant entries plus 65 directory pages, more than Xen's default
 * grant table (docs/control-path.md explains max_grant_frames and
 * feature-gfn-mr).  A full grant table fails the registration with
 * -ENOSPC.
 *
 * get_dma_mr has no in-guest consumer in version 1 and is refused.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

/* Wire access bits equal enum ib_access_flags bits. */
static_assert(XEN_VIBIF_ACCESS_LOCAL_WRITE == IB_ACCESS_LOCAL_WRITE);
static_assert(XEN_VIBIF_ACCESS_REMOTE_WRITE == IB_ACCESS_REMOTE_WRITE);
static_assert(XEN_VIBIF_ACCESS_REMOTE_READ == IB_ACCESS_REMOTE_READ);
static_assert(XEN_VIBIF_ACCESS_REMOTE_ATOMIC == IB_ACCESS_REMOTE_ATOMIC);
static_assert(XEN_VIBIF_ACCESS_MW_BIND == IB_ACCESS_MW_BIND);
#ifdef XENIB_HAVE_IB_FLUSH
static_assert(XEN_VIBIF_ACCESS_FLUSH_GLOBAL == IB_ACCESS_FLUSH_GLOBAL);
static_assert(XEN_VIBIF_ACCESS_FLUSH_PERSISTENT == IB_ACCESS_FLUSH_PERSISTENT);
#endif

/**
 * xibf_get_dma_mr() - ib_device_ops.get_dma_mr
 * @ibpd: the PD
 * @access: access flags
 *
 * Return: ERR_PTR(-EOPNOTSUPP): no in-guest kernel consumer in version 1.
 *
 * Context: any.
 */
struct ib_mr *xibf_get_dma_mr(struct ib_pd *ibpd, int access)
{
	return ERR_PTR(-EOPNOTSUPP);
}

/**
 * xibf_reg_user_mr() - ib_device_ops.reg_user_mr
 * @ibpd: the PD
 * @start: user address of the region
 * @length: octets
 * @virt_addr: I/O virtual address of @start, same offset within a page
 * @access: IB_ACCESS_*: LOCAL_WRITE, the REMOTE_* bits, MW_BIND, and the
 *	FLUSH_* bits (ib_core checked those against the device's flags);
 *	optional bits are ignored; anything else is -EOPNOTSUPP, as rxe
 *	answers for ZERO_BASED or HUGETLB
 * @udata: no driver data
 *
 * Return: the MR or an ERR_PTR().
 *
 * Context: process context (uverbs), may sleep.
 */
struct ib_mr *xibf_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 length,
			       u64 virt_addr, int access,
			       struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibpd->device);
	const struct xen_vibif_reg_mr_rsp *r;
	struct xen_vibif_reg_mr_req *req;
	struct xibf_cmd *cmd;
	struct xibf_mr *mr;
	int err;

	/*
	 * Optional bits (relaxed ordering, ...) are hints a device may
	 * ignore, and perftest sets them: drop them rather than fail.
	 */
	access &= ~IB_ACCESS_OPTIONAL;
	if (!udata || (access & ~XEN_VIBIF_ACCESS_MR_ALL))
		return ERR_PTR(-EOPNOTSUPP);
	if (!length || (start & ~PAGE_MASK) != (virt_addr & ~PAGE_MASK))
		return ERR_PTR(-EINVAL);

	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL);
	if (!mr || !req || !cmd) {
		err = -ENOMEM;
		goto err_free;
	}
	err = xibf_pgdir_get(xdev, &mr->pages, start, length, access,
			     !(access & IB_ACCESS_LOCAL_WRITE));
	if (err)
		goto err_free;

	req->pd = cpu_to_le32(to_xpd(ibpd)->handle);
	req->access = cpu_to_le32(access);
	req->iova = cpu_to_le64(virt_addr);
	req->length = cpu_to_le64(length);
	req->offset = cpu_to_le32(virt_addr & (XEN_VIBIF_PAGE_SIZE - 1));
	req->pgdir = mr->pages.wire;
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_REG_MR, req, sizeof(*req), cmd);
	if (err)
		goto err_put_pages;
	r = &cmd->rsp.u.reg_mr;
	mr->handle = le32_to_cpu(r->mr);
	mr->ibmr.lkey = le32_to_cpu(r->lkey);
	mr->ibmr.rkey = le32_to_cpu(r->rkey);
	mr->ibmr.iova = virt_addr;
	mr->ibmr.length = length;
	mr->ibmr.page_size = PAGE_SIZE;
	kfree(cmd);
	kfree(req);
	return &mr->ibmr;

err_put_pages:
	xibf_pgdir_put(&mr->pages);
err_free:
	kfree(cmd);
	kfree(req);
	kfree(mr);
	return ERR_PTR(err);
}

/**
 * xibf_dereg_mr() - ib_device_ops.dereg_mr
 * @ibmr: the MR
 * @udata: unused
 *
 * Return: 0, or -EBUSY if the backend refused.
 *
 * Context: process context, may sleep.
 */
int xibf_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata)
{
	struct xibf_mr *mr = to_xmr(ibmr);
	struct xen_vibif_handle_req req = {};
	struct xibf_cmd cmd;
	int err;

	req.handle = cpu_to_le32(mr->handle);
	err = xibf_destroy_result(xibf_cmd_exec(to_xdev(ibmr->device),
						XEN_VIBIF_OP_DEREG_MR, &req,
						sizeof(req), &cmd));
	if (err)
		return err;
	xibf_pgdir_put(&mr->pages);
	kfree(mr);
	return 0;
}
