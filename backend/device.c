// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: device-level verbs (QUERY_DEVICE, QUERY_PORT, QUERY_GID,
 * QUERY_PKEY) on the guest's real device, and the limits the request
 * validator enforces for the guest.
 *
 * Every attribute the guest sees is the real device's reduced by the
 * guest's quotas.  The guest sees one port, its port 1, which is
 * rdma-port of rdma-device.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/string.h>
#include <rdma/ib_cache.h>
#include <rdma/ib_verbs.h>
#include <rdma/xenib-abi.h>

/* Wire numbers that equal kernel enum values (vibif.h, "Wire enumerations"). */
static_assert(XEN_VIBIF_PORT_NOP == IB_PORT_NOP);
static_assert(XEN_VIBIF_PORT_ACTIVE_DEFER == IB_PORT_ACTIVE_DEFER);
static_assert(XEN_VIBIF_MTU_256 == IB_MTU_256);
static_assert(XEN_VIBIF_MTU_4096 == IB_MTU_4096);
static_assert(XEN_VIBIF_ATOMIC_NONE == IB_ATOMIC_NONE);
static_assert(XEN_VIBIF_ATOMIC_GLOB == IB_ATOMIC_GLOB);

/* Most WQEs or CQEs one shared queue can hold (xenib-abi.h). */
#define XIBB_MAX_WR		BIT(XENIB_MAX_LOG_NSLOTS)
/* Most SGEs in the largest send and receive WQE slots (xenib-abi.h). */
#define XIBB_MAX_SEND_SGE						\
	((BIT(XENIB_SQ_WQE_SHIFT_MAX) - XENIB_SEND_WQE_HDR_SIZE) /	\
	 XENIB_SGE_SIZE)
#define XIBB_MAX_RECV_SGE						\
	((BIT(XENIB_RQ_WQE_SHIFT_MAX) - XENIB_RECV_WQE_HDR_SIZE) /	\
	 XENIB_SGE_SIZE)

static u32 xibb_clamp(int dev_max, u32 quota)
{
	return dev_max <= 0 ? 0 : min_t(u32, dev_max, quota);
}

/* Device capability flags shown to the guest as they are (wire bits). */
static const struct {
	u64 ib;
	u32 wire;
} xibb_devcap_pass[] = {
	{ IB_DEVICE_RC_RNR_NAK_GEN, XEN_VIBIF_DEVCAP_RC_RNR_NAK_GEN },
	{ IB_DEVICE_PORT_ACTIVE_EVENT, XEN_VIBIF_DEVCAP_PORT_ACTIVE_EVENT },
	{ IB_DEVICE_SYS_IMAGE_GUID, XEN_VIBIF_DEVCAP_SYS_IMAGE_GUID },
	{ IB_DEVICE_BAD_PKEY_CNTR, XEN_VIBIF_DEVCAP_BAD_PKEY_CNTR },
	{ IB_DEVICE_BAD_QKEY_CNTR, XEN_VIBIF_DEVCAP_BAD_QKEY_CNTR },
	{ IB_DEVICE_AUTO_PATH_MIG, XEN_VIBIF_DEVCAP_AUTO_PATH_MIG },
	{ IB_DEVICE_CHANGE_PHY_PORT, XEN_VIBIF_DEVCAP_CHANGE_PHY_PORT },
	{ IB_DEVICE_UD_AV_PORT_ENFORCE, XEN_VIBIF_DEVCAP_UD_AV_PORT_ENFORCE },
#ifdef XENIB_HAVE_IB_FLUSH
	{ IB_DEVICE_FLUSH_GLOBAL, XEN_VIBIF_DEVCAP_FLUSH_GLOBAL },
	{ IB_DEVICE_FLUSH_PERSISTENT, XEN_VIBIF_DEVCAP_FLUSH_PERSISTENT },
#endif
};

/**
 * xibb_devcap() - the XEN_VIBIF_DEVCAP_* bits a real device offers
 * @ibdev: the real device
 *
 * Return: the wire bits, for QUERY_DEVICE and for the handlers of the
 * optional opcodes and access bits.
 *
 * Context: any.
 */
u32 xibb_devcap(const struct ib_device *ibdev)
{
	const struct ib_device_attr *a = &ibdev->attrs;
	u32 devcap = 0;
	size_t i;

	/* The data engine moves the CQEs; the shadow CQ must grow too. */
	if (ibdev->ops.resize_cq)
		devcap |= XEN_VIBIF_DEVCAP_RESIZE_CQ;
	if (a->max_srq > 0)
		devcap |= XEN_VIBIF_DEVCAP_SRQ;
	if (a->max_srq > 0 && ibdev->ops.modify_srq &&
	    (a->device_cap_flags & IB_DEVICE_SRQ_RESIZE))
		devcap |= XEN_VIBIF_DEVCAP_RESIZE_SRQ;
	if (ibdev->ops.attach_mcast && ibdev->ops.detach_mcast &&
	    a->max_mcast_qp_attach > 0)
		devcap |= XEN_VIBIF_DEVCAP_MCAST;
	for (i = 0; i < ARRAY_SIZE(xibb_devcap_pass); i++)
		if (a->device_cap_flags & xibb_devcap_pass[i].ib)
			devcap |= xibb_devcap_pass[i].wire;
	return devcap;
}

/**
 * xibb_device_limits() - compute what the validator allows this guest
 * @guest: the guest
 *
 * Return: 0, or -ENODEV if rdma-device is not registered or rdma-port is
 * not one of its ports, or the error of ib_query_port().
 *
 * Context: process context, may sleep.
 */
int xibb_device_limits(struct xibb_guest *guest)
{
	struct xenib_limits *lim = &guest->limits;
	const struct ib_device_attr *a;
	struct ib_port_attr pattr;
	struct ib_device *ibdev;
	int err;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	if (!rdma_is_port_valid(ibdev, guest->rdma_port)) {
		err = -ENODEV;
		goto out_put;
	}
	err = ib_query_port(ibdev, guest->rdma_port, &pattr);
	if (err)
		goto out_put;

	a = &ibdev->attrs;
	memset(lim, 0, sizeof(*lim));
	/* Quotas, and the protocol's own limits (the queue formats). */
	lim->max_qp_wr = xibb_clamp(a->max_qp_wr,
				    min_t(u32, guest->quota.qp_wr, XIBB_MAX_WR));
	lim->max_send_sge = xibb_clamp(a->max_send_sge, XIBB_MAX_SEND_SGE);
	lim->max_recv_sge = xibb_clamp(a->max_recv_sge, XIBB_MAX_RECV_SGE);
	lim->max_cqe = xibb_clamp(a->max_cqe,
				  min_t(u32, guest->quota.cqe, XIBB_MAX_WR));
	lim->max_srq_wr = xibb_clamp(a->max_srq_wr,
				     min_t(u32, guest->quota.qp_wr, XIBB_MAX_WR));
	lim->max_srq_sge = xibb_clamp(a->max_srq_sge, XIBB_MAX_RECV_SGE);
	lim->max_qp_rd_atom = xibb_clamp(a->max_qp_rd_atom, U32_MAX);
	lim->max_qp_init_rd_atom = xibb_clamp(a->max_qp_init_rd_atom, U32_MAX);
	lim->num_comp_vectors = max(ibdev->num_comp_vectors, 1);
	lim->gid_tbl_len = xibb_clamp(pattr.gid_tbl_len, U32_MAX);
	lim->pkey_tbl_len = pattr.pkey_tbl_len;
	lim->max_queue_pages = guest->quota.pinned_pages;
	lim->max_mr_pages = min_t(u32, guest->quota.pinned_pages,
				  XEN_VIBIF_PGDIR_MAX_PAGES);
	lim->max_mr_size = a->max_mr_size;
	lim->feature_gfn_mr = false;
	/* The engine posts inline data from its private copy of the WQE. */
	lim->max_inline_data = xibb_engine_max_inline(ibdev);
out_put:
	ib_device_put(ibdev);
	return err;
}

/**
 * xibb_query_device() - XEN_VIBIF_OP_QUERY_DEVICE
 * @guest: the guest
 * @req: validated private copy of the request
 * @rsp: response to fill (zeroed, header set)
 *
 * Return: 0 or -ENODEV if the real device is gone.
 *
 * Context: process context (cmd_work).
 */
int xibb_query_device(struct xibb_guest *guest,
		      const struct xen_vibif_request *req,
		      struct xen_vibif_response *rsp)
{
	struct xen_vibif_query_device_rsp *r = &rsp->u.query_device;
	const struct xibb_quota *q = &guest->quota;
	const struct ib_device_attr *a;
	struct ib_device *ibdev;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	a = &ibdev->attrs;

	r->fw_ver = cpu_to_le64(a->fw_ver);
	memcpy(r->node_guid, &ibdev->node_guid, sizeof(r->node_guid));
	memcpy(r->sys_image_guid, &a->sys_image_guid,
	       sizeof(r->sys_image_guid));
	r->max_mr_size = cpu_to_le64(a->max_mr_size);
	r->page_size_cap = cpu_to_le64(a->page_size_cap);
	r->device_cap_flags = cpu_to_le64(xibb_devcap(ibdev));
	r->vendor_id = cpu_to_le32(a->vendor_id);
	r->vendor_part_id = cpu_to_le32(a->vendor_part_id);
	r->hw_ver = cpu_to_le32(a->hw_ver);
	r->max_qp = cpu_to_le32(xibb_clamp(a->max_qp, q->qp));
	r->max_qp_wr = cpu_to_le32(guest->limits.max_qp_wr);
	r->max_send_sge = cpu_to_le32(guest->limits.max_send_sge);
	r->max_recv_sge = cpu_to_le32(guest->limits.max_recv_sge);
	r->max_sge_rd = cpu_to_le32(xibb_clamp(a->max_sge_rd, U32_MAX));
	r->max_cq = cpu_to_le32(xibb_clamp(a->max_cq, q->cq));
	r->max_cqe = cpu_to_le32(guest->limits.max_cqe);
	r->max_mr = cpu_to_le32(xibb_clamp(a->max_mr, q->mr));
	r->max_pd = cpu_to_le32(xibb_clamp(a->max_pd, q->pd));
	r->max_qp_rd_atom = cpu_to_le32(guest->limits.max_qp_rd_atom);
	r->max_qp_init_rd_atom = cpu_to_le32(guest->limits.max_qp_init_rd_atom);
	r->max_srq = cpu_to_le32(xibb_clamp(a->max_srq, q->srq));
	r->max_srq_wr = cpu_to_le32(guest->limits.max_srq_wr);
	r->max_srq_sge = cpu_to_le32(guest->limits.max_srq_sge);
	r->max_ah = cpu_to_le32(xibb_clamp(a->max_ah, q->ah));
	r->max_inline_data = cpu_to_le32(guest->limits.max_inline_data);
	r->num_comp_vectors = cpu_to_le32(guest->limits.num_comp_vectors);
	r->max_pkeys = cpu_to_le16(min_t(u16, a->max_pkeys,
					 guest->limits.pkey_tbl_len));
	r->local_ca_ack_delay = a->local_ca_ack_delay;
	r->phys_port_cnt = XEN_VIBIF_NUM_PORTS;
	r->atomic_cap = min_t(u8, a->atomic_cap, XEN_VIBIF_ATOMIC_GLOB);

	ib_device_put(ibdev);
	return 0;
}

/**
 * xibb_query_port() - XEN_VIBIF_OP_QUERY_PORT
 * @guest: the guest
 * @req: validated private copy of the request (port 1)
 * @rsp: response to fill
 *
 * Return: 0, -ENODEV, or the error of ib_query_port().
 *
 * Context: process context (cmd_work).
 */
int xibb_query_port(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp)
{
	struct xen_vibif_query_port_rsp *r = &rsp->u.query_port;
	struct ib_port_attr a;
	struct ib_device *ibdev;
	int err;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	err = ib_query_port(ibdev, guest->rdma_port, &a);
	if (err)
		goto out_put;

	r->port_cap_flags = cpu_to_le32(a.port_cap_flags);
	r->max_msg_sz = cpu_to_le32(a.max_msg_sz);
	r->bad_pkey_cntr = cpu_to_le32(a.bad_pkey_cntr);
	r->qkey_viol_cntr = cpu_to_le32(a.qkey_viol_cntr);
	r->gid_tbl_len = cpu_to_le32(xibb_clamp(a.gid_tbl_len, U32_MAX));
	r->pkey_tbl_len = cpu_to_le16(a.pkey_tbl_len);
	r->lid = cpu_to_le16((u16)a.lid);
	r->sm_lid = cpu_to_le16((u16)a.sm_lid);
	r->state = min_t(u8, a.state, XEN_VIBIF_PORT_ACTIVE_DEFER);
	r->max_mtu = clamp_t(u8, a.max_mtu, XEN_VIBIF_MTU_256,
			     XEN_VIBIF_MTU_4096);
	r->active_mtu = clamp_t(u8, a.active_mtu, XEN_VIBIF_MTU_256,
				XEN_VIBIF_MTU_4096);
	r->lmc = a.lmc;
	r->max_vl_num = a.max_vl_num;
	r->sm_sl = a.sm_sl;
	r->subnet_timeout = a.subnet_timeout;
	r->init_type_reply = a.init_type_reply;
	r->active_width = a.active_width;
	r->phys_state = a.phys_state;
	r->link_layer = rdma_port_get_link_layer(ibdev, guest->rdma_port) ==
			IB_LINK_LAYER_ETHERNET ? XEN_VIBIF_LINK_LAYER_ETHERNET :
						 XEN_VIBIF_LINK_LAYER_INFINIBAND;
	r->active_speed = cpu_to_le16(a.active_speed);
out_put:
	ib_device_put(ibdev);
	return err;
}

static u8 xibb_gid_type_to_wire(enum ib_gid_type type)
{
	switch (type) {
	case IB_GID_TYPE_ROCE:
		return XEN_VIBIF_GID_TYPE_ROCE;
	case IB_GID_TYPE_ROCE_UDP_ENCAP:
		return XEN_VIBIF_GID_TYPE_ROCE_UDP_ENCAP;
	default:
		return XEN_VIBIF_GID_TYPE_IB;
	}
}

/**
 * xibb_query_gid() - XEN_VIBIF_OP_QUERY_GID
 * @guest: the guest
 * @req: validated private copy of the request (index below gid_tbl_len)
 * @rsp: response to fill; an unused entry, or one the admin did not give
 *	the guest (gid-indexes), is answered with a zero GID
 *
 * Return: 0 or -ENODEV.
 *
 * Context: process context (cmd_work).
 */
int xibb_query_gid(struct xibb_guest *guest,
		   const struct xen_vibif_request *req,
		   struct xen_vibif_response *rsp)
{
	struct xen_vibif_query_gid_rsp *r = &rsp->u.query_gid;
	const struct ib_gid_attr *attr;
	struct ib_device *ibdev;
	u32 index;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	index = le32_to_cpu(req->u.query_gid.index);
	attr = xibb_guest_gid_ok(guest, index) ?
	       rdma_get_gid_attr(ibdev, guest->rdma_port, index) :
	       ERR_PTR(-ENOENT);
	if (!IS_ERR(attr)) {
		memcpy(r->gid, attr->gid.raw, sizeof(r->gid));
		r->gid_type = xibb_gid_type_to_wire(attr->gid_type);
		rdma_put_gid_attr(attr);
	}
	ib_device_put(ibdev);
	return 0;
}

/**
 * xibb_query_pkey() - XEN_VIBIF_OP_QUERY_PKEY
 * @guest: the guest
 * @req: validated private copy of the request (index below pkey_tbl_len)
 * @rsp: response to fill
 *
 * Return: 0, -ENODEV, or the error of ib_query_pkey().
 *
 * Context: process context (cmd_work).
 */
int xibb_query_pkey(struct xibb_guest *guest,
		    const struct xen_vibif_request *req,
		    struct xen_vibif_response *rsp)
{
	struct ib_device *ibdev;
	u16 pkey;
	int err;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	err = ib_query_pkey(ibdev, guest->rdma_port,
			    le16_to_cpu(req->u.query_pkey.index), &pkey);
	if (!err)
		rsp->u.query_pkey.pkey = cpu_to_le16(pkey);
	ib_device_put(ibdev);
	return err;
}
