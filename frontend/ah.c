// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: address handles.  The backend creates the shadow AH on the
 * real device (resolving the destination MAC itself on RoCE); the guest
 * keeps only the handle, which UD send WQEs carry (struct xenib_wqe_ud).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

/**
 * xibf_ah_attr_to_wire() - an address vector as the wire carries it
 * @xdev: the device
 * @ah: the RDMA core's attributes
 * @w: wire block to fill (zeroed by the caller)
 *
 * The guest has one port, so the port is always 1.  What a native device
 * accepts and ignores is normalised here, so that the wire stays strict:
 * the flow label has 20 bits and devices drop the rest (UCX passes
 * 0xffffffff); on an Ethernet (RoCE) port the LID means nothing and is
 * sent as 0 (UCX puts 0xc000 | path there).
 *
 * Context: any.
 */
void xibf_ah_attr_to_wire(struct xibf_device *xdev,
			  const struct rdma_ah_attr *ah,
			  struct xen_vibif_ah_attr *w)
{
	if (READ_ONCE(xdev->link_layer) != IB_LINK_LAYER_ETHERNET)
		w->dlid = cpu_to_le16((u16)rdma_ah_get_dlid(ah));
	w->sl = rdma_ah_get_sl(ah);
	w->src_path_bits = rdma_ah_get_path_bits(ah);
	w->static_rate = rdma_ah_get_static_rate(ah);
	w->port_num = 1;
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
 * xibf_create_ah() - ib_device_ops.create_ah
 * @ibah: the AH, allocated by the RDMA core
 * @init: attributes
 * @udata: response: struct xenib_create_ah_resp; NULL for a kernel AH
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context; -EOPNOTSUPP for a non-sleepable creation
 * (RDMA_CREATE_AH_SLEEPABLE not set), which the control ring cannot serve.
 */
int xibf_create_ah(struct ib_ah *ibah, struct rdma_ah_init_attr *init,
		   struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibah->device);
	struct xen_vibif_create_ah_req req = {};
	struct xenib_create_ah_resp resp = {};
	struct xibf_ah *ah = to_xah(ibah);
	struct xibf_cmd cmd;
	int err;

	if (!(init->flags & RDMA_CREATE_AH_SLEEPABLE))
		return -EOPNOTSUPP;
	req.pd = cpu_to_le32(to_xpd(ibah->pd)->handle);
	xibf_ah_attr_to_wire(xdev, init->ah_attr, &req.ah_attr);
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_CREATE_AH, &req, sizeof(req),
			    &cmd);
	if (err)
		return err;
	ah->handle = le32_to_cpu(cmd.rsp.u.handle.handle);

	resp.ah_handle = ah->handle;
	err = xibf_udata_out(udata, &resp, sizeof(resp));
	if (err) {
		xibf_destroy_ah(ibah, RDMA_DESTROY_AH_SLEEPABLE);
		return err;
	}
	return 0;
}

/**
 * xibf_destroy_ah() - ib_device_ops.destroy_ah
 * @ibah: the AH
 * @flags: RDMA_DESTROY_AH_*
 *
 * Return: 0; -EOPNOTSUPP for a non-sleepable destruction.
 *
 * Context: process context.
 */
int xibf_destroy_ah(struct ib_ah *ibah, u32 flags)
{
	struct xen_vibif_handle_req req = {};
	struct xibf_cmd cmd;

	if (!(flags & RDMA_DESTROY_AH_SLEEPABLE))
		return -EOPNOTSUPP;
	req.handle = cpu_to_le32(to_xah(ibah)->handle);
	return xibf_destroy_result(xibf_cmd_exec(to_xdev(ibah->device),
						 XEN_VIBIF_OP_DESTROY_AH, &req,
						 sizeof(req), &cmd));
}
