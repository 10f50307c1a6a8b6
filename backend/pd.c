// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: protection domains.
 *
 * Each guest PD is a shadow PD on the real device, without
 * IB_PD_UNSAFE_GLOBAL_RKEY: a guest's keys are valid only for its own
 * memory.  The first REG_MR in a PD also creates the PD's private
 * registration QP (see mr.c and docs/control-path.md).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/random.h>
#include <linux/slab.h>
#include <rdma/ib_cache.h>

/**
 * xibb_alloc_pd() - XEN_VIBIF_OP_ALLOC_PD
 * @guest: the guest
 * @req: validated private copy of the request
 * @rsp: response: the handle
 *
 * Return: 0, -ENOENT (unknown context), -EDQUOT, or ib_alloc_pd()'s error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_alloc_pd(struct xibb_guest *guest,
		  const struct xen_vibif_request *req,
		  struct xen_vibif_response *rsp)
{
	struct xibb_ucontext *uc;
	struct xibb_pd *pd;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	uc = xibb_ucontext_get(guest, le32_to_cpu(req->u.alloc_pd.ucontext),
			       true, &err);
	if (err)
		return err;
	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return -ENOMEM;
	err = xibb_obj_add(guest, &pd->obj, XIBB_KIND_PD);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &pd->obj, xibb_mem_pd_cost());
	if (err)
		goto err_del;
	pd->pd = ib_alloc_pd(guest->ibdev, 0);
	if (IS_ERR(pd->pd)) {
		err = PTR_ERR(pd->pd);
		goto err_del;
	}
	pd->uc = uc;
	if (uc)
		xibb_obj_use(&uc->obj);
	xibb_obj_publish(guest, &pd->obj);
	rsp->u.handle.handle = cpu_to_le32(pd->obj.handle);
	return 0;

err_del:
	xibb_obj_del(guest, &pd->obj);
err_free:
	kfree(pd);
	return err;
}

/**
 * xibb_pd_destroy() - destroy a PD (no users left) and its registration QP
 * @guest: the guest
 * @obj: the PD
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_pd_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_pd *pd = container_of(obj, struct xibb_pd, obj);

	lockdep_assert_held(&guest->obj_lock);

	xibb_obj_del(guest, obj);
	if (pd->reg_qp)
		ib_destroy_qp(pd->reg_qp);
	ib_dealloc_pd(pd->pd);
	if (pd->uc)
		xibb_obj_unuse(&pd->uc->obj);
	kfree(pd);
}

/*
 * Moves the registration QP to RTS, "connected" to itself.  It executes
 * only local work requests and never sends a packet, but as an RC QP in
 * RTR it accepts packets: any QP on the device (another guest's) that
 * names its QPN with a matching address and PSN could put it in error,
 * and every later REG_MR of the PD would fail (docs/security.md, hole 2).
 * So its address vector names a link-local GID that no port has: the
 * device drops RC packets whose source is not the QP's destination (rxe:
 * check_addr() in rxe_recv.c; the IB spec's path checks), and no guest
 * can send from a GID outside the table.  The PSN is random too.
 */
static int xibb_reg_qp_connect(struct xibb_guest *guest, struct xibb_pd *pd,
			       struct ib_qp *qp)
{
	struct ib_device *ibdev = guest->ibdev;
	u32 port = guest->rdma_port;
	struct ib_port_attr pattr;
	struct ib_qp_attr a = {};
	u32 psn = get_random_u32() & 0xffffff;
	int err;

	err = ib_query_port(ibdev, port, &pattr);
	if (err)
		return err;

	a.qp_state = IB_QPS_INIT;
	a.port_num = port;
	err = ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_PKEY_INDEX |
			   IB_QP_PORT | IB_QP_ACCESS_FLAGS);
	if (err)
		return err;

	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTR;
	a.path_mtu = min_t(enum ib_mtu, pattr.active_mtu, IB_MTU_1024);
	a.dest_qp_num = qp->qp_num;
	a.min_rnr_timer = 1;
	a.ah_attr.type = rdma_ah_find_type(ibdev, port);
	rdma_ah_set_port_num(&a.ah_attr, port);
	a.rq_psn = psn;
	if (rdma_protocol_roce(ibdev, port)) {
		union ib_gid gid = { .raw = { 0xfe, 0x80 } };

		/*
		 * fe80::/64 with a random interface identifier that is not
		 * MAC-derived (octet 11 is 0xff in those): the kernel takes
		 * the MAC of a link-local GID from the GID itself, without a
		 * neighbour lookup, and nothing is ever sent to it.
		 */
		get_random_bytes(&gid.raw[8], 8);
		gid.raw[11] = 0;
		rdma_ah_set_grh(&a.ah_attr, &gid, 0, 0, 1, 0);
	} else {
		rdma_ah_set_dlid(&a.ah_attr, pattr.lid);
	}
	err = ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU |
			   IB_QP_DEST_QPN | IB_QP_RQ_PSN |
			   IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER);
	if (err)
		return err;

	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = psn;
	pd->reg_psn = psn;
	return ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
			    IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
			    IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC);
}

/**
 * xibb_pd_reg_qp() - the PD's registration QP, created on first use
 * @guest: the guest
 * @pd: the PD
 *
 * A small RC QP in the shadow PD, in RTS and connected to itself, whose
 * send queue executes IB_WR_REG_MR work requests; its completions go to
 * guest->reg_cq.  It never sends a packet.
 *
 * Return: the QP or an ERR_PTR().
 *
 * Context: process context, guest->obj_lock held.
 */
struct ib_qp *xibb_pd_reg_qp(struct xibb_guest *guest, struct xibb_pd *pd)
{
	struct ib_qp_init_attr ia = {
		.send_cq = guest->reg_cq,
		.recv_cq = guest->reg_cq,
		.cap = {
			.max_send_wr = 4,
			.max_recv_wr = 1,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = IB_QPT_RC,
	};
	struct ib_qp *qp;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	if (pd->reg_qp)
		return pd->reg_qp;
	qp = ib_create_qp(pd->pd, &ia);
	if (IS_ERR(qp))
		return qp;
	err = xibb_reg_qp_connect(guest, pd, qp);
	if (err) {
		xibb_dbg(guest, "registration QP: %d\n", err);
		ib_destroy_qp(qp);
		return ERR_PTR(err);
	}
	pd->reg_qp = qp;
	return qp;
}

/**
 * xibb_pd_reg_qp_reset() - drop the PD's registration QP after a failure
 * @guest: the guest
 * @pd: the PD
 *
 * Destroys the QP (which flushes what it still had) and empties
 * guest->reg_cq; the next xibb_pd_reg_qp() makes a new one.
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_pd_reg_qp_reset(struct xibb_guest *guest, struct xibb_pd *pd)
{
	struct ib_wc wc;

	lockdep_assert_held(&guest->obj_lock);

	if (!pd->reg_qp)
		return;
	ib_destroy_qp(pd->reg_qp);
	pd->reg_qp = NULL;
	while (ib_poll_cq(guest->reg_cq, 1, &wc) > 0)
		;
	atomic64_inc(&guest->stats.reg_qp_resets);
}
