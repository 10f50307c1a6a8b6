// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: memory regions.
 *
 * REG_MR maps the guest's pages (read-only unless the MR allows local
 * writes) and registers exactly those pages on the real device, so the
 * device DMAs straight into guest memory and the keys are valid only for
 * them, inside the guest's shadow PD:
 *
 *   ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, npages)
 *   ib_dma_map_sg() + ib_map_mr_sg() of the mapped pages, iova = guest iova
 *   IB_WR_REG_MR on the PD's private registration QP (pd.c), polled on
 *   guest->reg_cq
 *
 * Once registered, the MR is entered in guest->lkeys under its lkey: the
 * data engine lets a WQE name only keys found there, in the QP's PD
 * (engine.c, xibb_eng_sges()).
 *
 * This is the kernel's only generic way to register arbitrary pages with
 * real keys; rxe supports it (fast-register page lists are not bounded by
 * max_fast_reg_page_list_len there).  A PD with IB_PD_UNSAFE_GLOBAL_RKEY
 * would break isolation and rxe_reg_user_mr() needs a user address space.
 * docs/control-path.md has the discussion.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

/* How long a REG_MR work request may take, in milliseconds. */
#define XIBB_REG_TIMEOUT_MS	2000

static_assert(XEN_VIBIF_ACCESS_LOCAL_WRITE == IB_ACCESS_LOCAL_WRITE);
static_assert(XEN_VIBIF_ACCESS_REMOTE_WRITE == IB_ACCESS_REMOTE_WRITE);
static_assert(XEN_VIBIF_ACCESS_REMOTE_READ == IB_ACCESS_REMOTE_READ);
static_assert(XEN_VIBIF_ACCESS_REMOTE_ATOMIC == IB_ACCESS_REMOTE_ATOMIC);
static_assert(XEN_VIBIF_ACCESS_MW_BIND == IB_ACCESS_MW_BIND);
#ifdef XENIB_HAVE_IB_FLUSH
static_assert(XEN_VIBIF_ACCESS_FLUSH_GLOBAL == IB_ACCESS_FLUSH_GLOBAL);
static_assert(XEN_VIBIF_ACCESS_FLUSH_PERSISTENT == IB_ACCESS_FLUSH_PERSISTENT);
#endif

/* Builds and DMA-maps the scatterlist of the MR's pages. */
static int xibb_mr_sg(struct xibb_guest *guest, struct xibb_mr *mr,
		      u32 offset, u64 length)
{
	u32 n = mr->pages.npages, i;
	u64 last = offset + length - (u64)(n - 1) * XEN_VIBIF_PAGE_SIZE;
	struct scatterlist *sg;
	int err;

	err = sg_alloc_table(&mr->sgt, n, GFP_KERNEL);
	if (err)
		return err;
	for_each_sg(mr->sgt.sgl, sg, n, i)
		sg_set_page(sg, mr->pages.pages[i],
			    i == n - 1 ? (u32)last : PAGE_SIZE, 0);
	mr->nents = ib_dma_map_sg(guest->ibdev, mr->sgt.sgl, n,
				  DMA_BIDIRECTIONAL);
	if (mr->nents <= 0) {
		mr->nents = 0;
		sg_free_table(&mr->sgt);
		return -ENOMEM;
	}
	return 0;
}

static void xibb_mr_sg_free(struct xibb_guest *guest, struct xibb_mr *mr)
{
	if (!mr->nents)
		return;
	ib_dma_unmap_sg(guest->ibdev, mr->sgt.sgl, mr->pages.npages,
			DMA_BIDIRECTIONAL);
	sg_free_table(&mr->sgt);
	mr->nents = 0;
}

/* Posts REG_MR on the PD's registration QP and waits for it, once. */
static int xibb_mr_post_reg_once(struct xibb_guest *guest, struct xibb_mr *mr,
				 int access)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(XIBB_REG_TIMEOUT_MS);
	const struct ib_send_wr *bad;
	struct ib_reg_wr wr = {};
	struct ib_qp *qp;
	struct ib_wc wc;
	int n, err;

	qp = xibb_pd_reg_qp(guest, mr->pd);
	if (IS_ERR(qp))
		return PTR_ERR(qp);
	wr.wr.opcode = IB_WR_REG_MR;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	wr.wr.wr_id = (uintptr_t)mr;
	wr.mr = mr->mr;
	wr.key = mr->mr->lkey;
	wr.access = access;
	err = ib_post_send(qp, &wr.wr, &bad);
	if (err)
		return err;
	for (;;) {
		n = ib_poll_cq(guest->reg_cq, 1, &wc);
		if (n < 0)
			return n;
		if (n && wc.wr_id == (uintptr_t)mr)
			return wc.status == IB_WC_SUCCESS ? 0 : -EIO;
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		if (!n)
			usleep_range(20, 200);
	}
}

/*
 * Posts REG_MR; if that fails (the QP is in error or stuck), replaces the
 * PD's registration QP and tries once more on the new one, so that no
 * state of an old QP (whoever caused it) outlives one registration.
 */
static int xibb_mr_post_reg(struct xibb_guest *guest, struct xibb_mr *mr,
			    int access)
{
	int err = xibb_mr_post_reg_once(guest, mr, access);

	if (!err || !mr->pd->reg_qp)
		return err;
	xibb_dbg(guest, "REG_MR: %d, replacing the registration QP\n", err);
	xibb_pd_reg_qp_reset(guest, mr->pd);
	err = xibb_mr_post_reg_once(guest, mr, access);
	if (err && mr->pd->reg_qp) {
		xibb_err(guest, "REG_MR failed twice (%d)\n", err);
		xibb_pd_reg_qp_reset(guest, mr->pd);
	}
	return err;
}

/**
 * xibb_reg_mr() - XEN_VIBIF_OP_REG_MR
 * @guest: the guest
 * @req: validated private copy (length, offset and directory agree, and
 *	are within max_mr_size and quota-pinned-pages)
 * @rsp: response: handle, lkey, rkey
 *
 * Return: 0, -ENOENT, -EDQUOT, -EFAULT, -ETIMEDOUT, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_reg_mr(struct xibb_guest *guest, const struct xen_vibif_request *req,
		struct xen_vibif_response *rsp)
{
	const struct xen_vibif_reg_mr_req *r = &req->u.reg_mr;
	int access = le32_to_cpu(r->access);
	u32 offset = le32_to_cpu(r->offset);
	u64 length = le64_to_cpu(r->length);
	unsigned int sg_offset = offset;
	struct xibb_obj *pdobj;
	struct xibb_mr *mr;
	int err, n;

	lockdep_assert_held(&guest->obj_lock);

	pdobj = xibb_obj_find(guest, le32_to_cpu(r->pd), XIBB_KIND_PD);
	if (!pdobj)
		return -ENOENT;
	/* Remote peers may flush the region only if the device can do it. */
	if (((access & XEN_VIBIF_ACCESS_FLUSH_GLOBAL) &&
	     !(xibb_devcap(guest->ibdev) & XEN_VIBIF_DEVCAP_FLUSH_GLOBAL)) ||
	    ((access & XEN_VIBIF_ACCESS_FLUSH_PERSISTENT) &&
	     !(xibb_devcap(guest->ibdev) & XEN_VIBIF_DEVCAP_FLUSH_PERSISTENT)))
		return -EOPNOTSUPP;
	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr)
		return -ENOMEM;
	mr->pd = container_of(pdobj, struct xibb_pd, obj);
	err = xibb_obj_add(guest, &mr->obj, XIBB_KIND_MR);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &mr->obj,
				  xibb_mem_mr_cost(le32_to_cpu(r->pgdir.npages)));
	if (err)
		goto err_del;
	err = xibb_gmap_pgdir(guest, &r->pgdir,
			      !(access & IB_ACCESS_LOCAL_WRITE), &mr->pages);
	if (err)
		goto err_del;
	err = xibb_mr_sg(guest, mr, offset, length);
	if (err)
		goto err_unmap;

	mr->mr = ib_alloc_mr(mr->pd->pd, IB_MR_TYPE_MEM_REG, mr->pages.npages);
	if (IS_ERR(mr->mr)) {
		err = PTR_ERR(mr->mr);
		goto err_sg;
	}
	n = ib_map_mr_sg(mr->mr, mr->sgt.sgl, mr->nents, &sg_offset,
			 PAGE_SIZE);
	if (n != mr->nents) {
		err = n < 0 ? n : -EINVAL;
		goto err_dereg;
	}
	mr->mr->iova = le64_to_cpu(r->iova);
	mr->mr->length = length;
	err = xibb_mr_post_reg(guest, mr, access);
	if (err)
		goto err_dereg;
	xibb_engine_lock(guest);
	err = xa_insert(&guest->lkeys, mr->mr->lkey, mr, GFP_KERNEL);
	xibb_engine_unlock(guest);
	if (err)
		goto err_dereg;		/* -EBUSY: the device reused a live key */

	xibb_obj_use(&mr->pd->obj);
	xibb_obj_publish(guest, &mr->obj);
	rsp->u.reg_mr.mr = cpu_to_le32(mr->obj.handle);
	rsp->u.reg_mr.lkey = cpu_to_le32(mr->mr->lkey);
	rsp->u.reg_mr.rkey = cpu_to_le32(access & (IB_ACCESS_REMOTE_READ |
						   IB_ACCESS_REMOTE_WRITE |
						   IB_ACCESS_REMOTE_ATOMIC) ?
					 mr->mr->rkey : 0);
	return 0;

err_dereg:
	ib_dereg_mr(mr->mr);
err_sg:
	xibb_mr_sg_free(guest, mr);
err_unmap:
	xibb_gmap_unmap(guest, &mr->pages);
err_del:
	xibb_obj_del(guest, &mr->obj);
err_free:
	kfree(mr);
	return err;
}

/**
 * xibb_mr_destroy() - deregister an MR and unmap its pages
 * @guest: the guest
 * @obj: the MR
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_mr_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_mr *mr = container_of(obj, struct xibb_mr, obj);

	lockdep_assert_held(&guest->obj_lock);

	/* Before the key can be the device's again: no WQE names it now. */
	xibb_engine_lock(guest);
	xa_erase(&guest->lkeys, mr->mr->lkey);
	xibb_engine_unlock(guest);
	xibb_obj_del(guest, obj);
	ib_dereg_mr(mr->mr);
	xibb_mr_sg_free(guest, mr);
	xibb_gmap_unmap(guest, &mr->pages);
	xibb_obj_unuse(&mr->pd->obj);
	kfree(mr);
}
