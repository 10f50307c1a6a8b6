// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: address handles, and the translation of address vectors
 * between the wire and the real device.
 *
 * The guest's port 1 is rdma-port.  On a RoCE port the address needs a GRH
 * and a destination MAC, which the backend resolves from the GIDs: for an
 * AH rdma_create_user_ah() does, for a connected QP xibb_resolve_dmac(),
 * because ib_modify_qp() resolves it only for callers with user data.  The
 * guest's dmac is ignored (the guest has no netdev to resolve it with, and
 * is not trusted to choose where the device sends).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/slab.h>
#include <net/if_inet6.h>
#include <net/ip.h>
#include <rdma/ib_addr.h>

/**
 * xibb_ah_attr_from_wire() - a wire address vector for the real device
 * @guest: the guest
 * @w: validated wire attributes
 * @ah: filled
 *
 * The destination MAC of a RoCE address is left zero: rdma_create_user_ah()
 * resolves it, xibb_resolve_dmac() for a QP.
 *
 * Return: 0, or -EINVAL for an address without GRH on a RoCE port or
 * with an SGID index the admin did not give the guest (gid-indexes: such
 * an entry reads as empty, and an empty entry is refused natively too).
 *
 * Context: any.
 */
int xibb_ah_attr_from_wire(struct xibb_guest *guest,
			   const struct xen_vibif_ah_attr *w,
			   struct rdma_ah_attr *ah)
{
	memset(ah, 0, sizeof(*ah));
	ah->type = rdma_ah_find_type(guest->ibdev, guest->rdma_port);
	rdma_ah_set_port_num(ah, guest->rdma_port);
	rdma_ah_set_sl(ah, w->sl);
	rdma_ah_set_static_rate(ah, w->static_rate);
	rdma_ah_set_path_bits(ah, w->src_path_bits);
	rdma_ah_set_dlid(ah, le16_to_cpu(w->dlid));
	if (w->ah_flags & XEN_VIBIF_AH_GRH) {
		union ib_gid dgid;

		if (!xibb_guest_gid_ok(guest, w->sgid_index)) {
			atomic64_inc(&guest->stats.gid_refused);
			return -EINVAL;
		}
		memcpy(dgid.raw, w->dgid, sizeof(dgid.raw));
		rdma_ah_set_grh(ah, &dgid, le32_to_cpu(w->flow_label),
				w->sgid_index, w->hop_limit, w->traffic_class);
	} else if (ah->type == RDMA_AH_ATTR_TYPE_ROCE) {
		return -EINVAL;
	}
	return 0;
}

/**
 * xibb_resolve_dmac() - resolve a connected QP's address as ib_core would
 * @pd: the QP's shadow PD
 * @ah: from xibb_ah_attr_from_wire(); its roce.dmac (and, as ib_core
 *	does, the GRH's hop limit) are filled
 *
 * A no-op unless the port is RoCE.  ib_modify_qp() resolves the address
 * only for callers with user data, which the backend is not, so this does
 * what the RDMA core does for a native application's modify_qp
 * (ib_resolve_eth_dmac()): a multicast GID maps to its MAC directly; any
 * other GID is resolved by the IP stack (for RoCE v2 also a link-local
 * one, which sets the hop limit from the route: 64 where the application
 * asked 255, as natively).  A kernel caller reaches that code only through
 * rdma_create_user_ah(), which resolves into the attributes it is given:
 * a throwaway AH is created in @pd and destroyed again.
 *
 * Return: 0 or the error of the resolution (-EHOSTUNREACH, -ENODATA, ...).
 *
 * Context: process context, may sleep.
 */
int xibb_resolve_dmac(struct ib_pd *pd, struct rdma_ah_attr *ah)
{
	const struct ib_global_route *grh;
	struct in6_addr *dgid;
	struct ib_ah *tmp;

	if (ah->type != RDMA_AH_ATTR_TYPE_ROCE ||
	    !(rdma_ah_get_ah_flags(ah) & IB_AH_GRH))
		return 0;
	grh = rdma_ah_read_grh(ah);
	dgid = (struct in6_addr *)grh->dgid.raw;
	if (rdma_is_multicast_addr(dgid)) {
		if (ipv6_addr_v4mapped(dgid))
			ip_eth_mc_map(dgid->s6_addr32[3], ah->roce.dmac);
		else
			ipv6_eth_mc_map(dgid, ah->roce.dmac);
		return 0;
	}
	tmp = rdma_create_user_ah(pd, ah, NULL);
	if (IS_ERR(tmp))
		return PTR_ERR(tmp);
	rdma_destroy_ah(tmp, RDMA_DESTROY_AH_SLEEPABLE);
	return 0;
}

/**
 * xibb_ah_attr_to_wire() - the real device's address vector for the wire
 * @guest: the guest
 * @ah: the device's attributes
 * @w: filled (zeroed by the caller)
 *
 * Context: any.
 */
void xibb_ah_attr_to_wire(struct xibb_guest *guest,
			  const struct rdma_ah_attr *ah,
			  struct xen_vibif_ah_attr *w)
{
	w->dlid = cpu_to_le16((u16)rdma_ah_get_dlid(ah));
	w->sl = min_t(u8, rdma_ah_get_sl(ah), XEN_VIBIF_MAX_SL);
	w->src_path_bits = min_t(u8, rdma_ah_get_path_bits(ah),
				 XEN_VIBIF_MAX_SRC_PATH_BITS);
	w->static_rate = min_t(u8, rdma_ah_get_static_rate(ah),
			       XEN_VIBIF_RATE_MAX);
	w->port_num = rdma_ah_get_port_num(ah) == guest->rdma_port ? 1 : 0;
	if (rdma_ah_get_ah_flags(ah) & IB_AH_GRH) {
		const struct ib_global_route *grh = rdma_ah_read_grh(ah);

		w->ah_flags = XEN_VIBIF_AH_GRH;
		memcpy(w->dgid, grh->dgid.raw, sizeof(w->dgid));
		w->flow_label = cpu_to_le32(grh->flow_label &
					    XEN_VIBIF_FLOW_LABEL_MASK);
		w->sgid_index = grh->sgid_index;
		w->hop_limit = grh->hop_limit;
		w->traffic_class = grh->traffic_class;
	}
	if (ah->type == RDMA_AH_ATTR_TYPE_ROCE)
		memcpy(w->dmac, ah->roce.dmac, sizeof(w->dmac));
}

/**
 * xibb_create_ah() - XEN_VIBIF_OP_CREATE_AH
 * @guest: the guest
 * @req: validated private copy
 * @rsp: response: the handle
 *
 * Return: 0, -ENOENT, -EDQUOT, -EINVAL, or the device's error.
 *
 * Context: process context (cmd_work), guest->obj_lock held.
 */
int xibb_create_ah(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	const struct xen_vibif_create_ah_req *r = &req->u.create_ah;
	struct rdma_ah_attr attr;
	struct xibb_obj *pdobj;
	struct xibb_pd *pd;
	struct xibb_ah *ah;
	int err;

	lockdep_assert_held(&guest->obj_lock);

	pdobj = xibb_obj_find(guest, le32_to_cpu(r->pd), XIBB_KIND_PD);
	if (!pdobj)
		return -ENOENT;
	pd = container_of(pdobj, struct xibb_pd, obj);
	err = xibb_ah_attr_from_wire(guest, &r->ah_attr, &attr);
	if (err)
		return err;
	ah = kzalloc(sizeof(*ah), GFP_KERNEL);
	if (!ah)
		return -ENOMEM;
	err = xibb_obj_add(guest, &ah->obj, XIBB_KIND_AH);
	if (err)
		goto err_free;
	err = xibb_mem_obj_charge(guest, &ah->obj, xibb_mem_small_cost());
	if (err)
		goto err_del;
	ah->ah = rdma_create_user_ah(pd->pd, &attr, NULL);
	if (IS_ERR(ah->ah)) {
		err = PTR_ERR(ah->ah);
		goto err_del;
	}
	ah->pd = pd;
	xibb_obj_use(&pd->obj);
	xibb_obj_publish(guest, &ah->obj);
	rsp->u.handle.handle = cpu_to_le32(ah->obj.handle);
	return 0;

err_del:
	xibb_obj_del(guest, &ah->obj);
err_free:
	kfree(ah);
	return err;
}

/**
 * xibb_ah_destroy() - destroy an AH
 * @guest: the guest
 * @obj: the AH
 *
 * Context: process context, guest->obj_lock held.
 */
void xibb_ah_destroy(struct xibb_guest *guest, struct xibb_obj *obj)
{
	struct xibb_ah *ah = container_of(obj, struct xibb_ah, obj);

	lockdep_assert_held(&guest->obj_lock);

	xibb_obj_del(guest, obj);
	rdma_destroy_ah(ah->ah, RDMA_DESTROY_AH_SLEEPABLE);
	xibb_obj_unuse(&ah->pd->obj);
	kfree(ah);
}
