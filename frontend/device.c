// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: the ib_device, its device-level verbs and the ops tables
 * (the event ring and async events are event.c's).
 *
 * Every verb is forwarded to the backend (one file per object kind).  The
 * in-kernel fast path (post_send/post_recv with work requests, poll_cq,
 * req_notify_cq, get_dma_mr) exists only so that the RDMA core accepts the
 * device; it refuses everything but the userlib kick (docs/modules.md).
 * SRQ and RESIZE_CQ ops are installed only if the backend offers them.
 *
 * The port is shown with the InfiniBand link layer and a GID table filled
 * from the backend (QUERY_GID), whatever the backing port's link layer is:
 * a guest has no netdev to derive RoCE GIDs from (ARCHITECTURE.md, open
 * question 1; provisional).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/string.h>
#include <rdma/ib_verbs.h>
#include <rdma/ib_mad.h>
#include <rdma/xenib-abi.h>

/* Wire numbers that equal kernel enum values (vibif.h, "Wire enumerations"). */
static_assert(XEN_VIBIF_PORT_ACTIVE_DEFER == IB_PORT_ACTIVE_DEFER);
static_assert(XEN_VIBIF_PORT_NOP == IB_PORT_NOP);
static_assert(XEN_VIBIF_MTU_256 == IB_MTU_256);
static_assert(XEN_VIBIF_MTU_4096 == IB_MTU_4096);
static_assert(XEN_VIBIF_ATOMIC_NONE == IB_ATOMIC_NONE);
static_assert(XEN_VIBIF_ATOMIC_HCA == IB_ATOMIC_HCA);
static_assert(XEN_VIBIF_ATOMIC_GLOB == IB_ATOMIC_GLOB);

/* DEVCAP bits that are the ib_device's device_cap_flags in the guest. */
static const struct {
	u32 wire;
	u64 ib;
} xibf_devcap_map[] = {
	{ XEN_VIBIF_DEVCAP_RC_RNR_NAK_GEN, IB_DEVICE_RC_RNR_NAK_GEN },
	{ XEN_VIBIF_DEVCAP_PORT_ACTIVE_EVENT, IB_DEVICE_PORT_ACTIVE_EVENT },
	{ XEN_VIBIF_DEVCAP_SYS_IMAGE_GUID, IB_DEVICE_SYS_IMAGE_GUID },
	{ XEN_VIBIF_DEVCAP_BAD_PKEY_CNTR, IB_DEVICE_BAD_PKEY_CNTR },
	{ XEN_VIBIF_DEVCAP_BAD_QKEY_CNTR, IB_DEVICE_BAD_QKEY_CNTR },
	{ XEN_VIBIF_DEVCAP_AUTO_PATH_MIG, IB_DEVICE_AUTO_PATH_MIG },
	{ XEN_VIBIF_DEVCAP_CHANGE_PHY_PORT, IB_DEVICE_CHANGE_PHY_PORT },
	{ XEN_VIBIF_DEVCAP_UD_AV_PORT_ENFORCE, IB_DEVICE_UD_AV_PORT_ENFORCE },
	{ XEN_VIBIF_DEVCAP_RESIZE_SRQ, IB_DEVICE_SRQ_RESIZE },
#ifdef XENIB_HAVE_IB_FLUSH
	{ XEN_VIBIF_DEVCAP_FLUSH_GLOBAL, IB_DEVICE_FLUSH_GLOBAL },
	{ XEN_VIBIF_DEVCAP_FLUSH_PERSISTENT, IB_DEVICE_FLUSH_PERSISTENT },
#endif
};

static u64 xibf_devcap_from_wire(u32 devcap)
{
	u64 flags = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xibf_devcap_map); i++)
		if (devcap & xibf_devcap_map[i].wire)
			flags |= xibf_devcap_map[i].ib;
	return flags;
}

/**
 * xibf_qp_access_mask() - the QP access bits the wire may carry
 * @xdev: the device
 *
 * Return: the REMOTE_* bits, and the FLUSH_* bits the backend offers.
 *
 * Context: any.
 */
u32 xibf_qp_access_mask(struct xibf_device *xdev)
{
	u32 mask = XEN_VIBIF_ACCESS_ALL;

	if (xdev->devcap & XEN_VIBIF_DEVCAP_FLUSH_GLOBAL)
		mask |= XEN_VIBIF_ACCESS_FLUSH_GLOBAL;
	if (xdev->devcap & XEN_VIBIF_DEVCAP_FLUSH_PERSISTENT)
		mask |= XEN_VIBIF_ACCESS_FLUSH_PERSISTENT;
	return mask;
}

static int xibf_fetch_device(struct xibf_device *xdev)
{
	const struct xen_vibif_query_device_rsp *r;
	struct ib_device_attr *a = &xdev->attr;
	struct xibf_cmd cmd;
	int err;

	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_QUERY_DEVICE, NULL, 0, &cmd);
	if (err)
		return err;
	r = &cmd.rsp.u.query_device;

	memset(a, 0, sizeof(*a));
	a->fw_ver = le64_to_cpu(r->fw_ver);
	memcpy(&a->sys_image_guid, r->sys_image_guid, sizeof(a->sys_image_guid));
	memcpy(&xdev->ibdev.node_guid, r->node_guid,
	       sizeof(xdev->ibdev.node_guid));
	a->max_mr_size = le64_to_cpu(r->max_mr_size);
	a->page_size_cap = le64_to_cpu(r->page_size_cap);
	xdev->devcap = (u32)le64_to_cpu(r->device_cap_flags);
	a->device_cap_flags = xibf_devcap_from_wire(xdev->devcap);
	a->vendor_id = le32_to_cpu(r->vendor_id);
	a->vendor_part_id = le32_to_cpu(r->vendor_part_id);
	a->hw_ver = le32_to_cpu(r->hw_ver);
	a->max_qp = min_t(u32, le32_to_cpu(r->max_qp), INT_MAX);
	a->max_qp_wr = min_t(u32, le32_to_cpu(r->max_qp_wr), INT_MAX);
	a->max_send_sge = min_t(u32, le32_to_cpu(r->max_send_sge), INT_MAX);
	a->max_recv_sge = min_t(u32, le32_to_cpu(r->max_recv_sge), INT_MAX);
	a->max_sge_rd = min_t(u32, le32_to_cpu(r->max_sge_rd), INT_MAX);
	a->max_cq = min_t(u32, le32_to_cpu(r->max_cq), INT_MAX);
	a->max_cqe = min_t(u32, le32_to_cpu(r->max_cqe), INT_MAX);
	a->max_mr = min_t(u32, le32_to_cpu(r->max_mr), INT_MAX);
	a->max_pd = min_t(u32, le32_to_cpu(r->max_pd), INT_MAX);
	a->max_qp_rd_atom = min_t(u32, le32_to_cpu(r->max_qp_rd_atom), INT_MAX);
	a->max_qp_init_rd_atom = min_t(u32, le32_to_cpu(r->max_qp_init_rd_atom),
				       INT_MAX);
	a->max_srq = min_t(u32, le32_to_cpu(r->max_srq), INT_MAX);
	a->max_srq_wr = min_t(u32, le32_to_cpu(r->max_srq_wr), INT_MAX);
	a->max_srq_sge = min_t(u32, le32_to_cpu(r->max_srq_sge), INT_MAX);
	a->max_ah = min_t(u32, le32_to_cpu(r->max_ah), INT_MAX);
	a->max_pkeys = le16_to_cpu(r->max_pkeys);
	a->local_ca_ack_delay = r->local_ca_ack_delay;
	a->atomic_cap = min_t(u8, r->atomic_cap, XEN_VIBIF_ATOMIC_GLOB);
	a->masked_atomic_cap = IB_ATOMIC_NONE;
	xdev->max_inline_data = le32_to_cpu(r->max_inline_data);
	xdev->ibdev.num_comp_vectors =
		clamp_t(u32, le32_to_cpu(r->num_comp_vectors), 1, 256);
	return 0;
}

static int xibf_query_device(struct ib_device *ibdev,
			     struct ib_device_attr *attr,
			     struct ib_udata *udata)
{
	struct xibf_device *xdev = to_xdev(ibdev);

	if (udata && (udata->inlen || udata->outlen))
		return -EINVAL;
	*attr = xdev->attr;
	return 0;
}

static int xibf_fetch_port(struct xibf_device *xdev, u32 port,
			   struct ib_port_attr *attr)
{
	const struct xen_vibif_query_port_rsp *r;
	struct xen_vibif_port_req req = {};
	struct xibf_cmd cmd;
	int err;

	if (port < 1 || port > XEN_VIBIF_NUM_PORTS)
		return -EINVAL;
	req.port_num = port;
	err = xibf_cmd_exec(xdev, XEN_VIBIF_OP_QUERY_PORT, &req, sizeof(req),
			    &cmd);
	if (err)
		return err;
	r = &cmd.rsp.u.query_port;

	attr->state = min_t(u8, r->state, XEN_VIBIF_PORT_ACTIVE_DEFER);
	attr->max_mtu = clamp_t(u8, r->max_mtu, XEN_VIBIF_MTU_256,
				XEN_VIBIF_MTU_4096);
	attr->active_mtu = clamp_t(u8, r->active_mtu, XEN_VIBIF_MTU_256,
				   XEN_VIBIF_MTU_4096);
	attr->phys_mtu = ib_mtu_enum_to_int(attr->max_mtu);
	attr->gid_tbl_len = min_t(u32, le32_to_cpu(r->gid_tbl_len),
				  XIBF_MAX_GID_TBL_LEN);
	attr->port_cap_flags = le32_to_cpu(r->port_cap_flags);
	attr->max_msg_sz = le32_to_cpu(r->max_msg_sz);
	attr->bad_pkey_cntr = le32_to_cpu(r->bad_pkey_cntr);
	attr->qkey_viol_cntr = le32_to_cpu(r->qkey_viol_cntr);
	attr->pkey_tbl_len = le16_to_cpu(r->pkey_tbl_len);
	attr->lid = le16_to_cpu(r->lid);
	attr->sm_lid = le16_to_cpu(r->sm_lid);
	attr->lmc = r->lmc;
	attr->max_vl_num = r->max_vl_num;
	attr->sm_sl = r->sm_sl;
	attr->subnet_timeout = r->subnet_timeout;
	attr->init_type_reply = r->init_type_reply;
	attr->active_width = r->active_width;
	attr->active_speed = le16_to_cpu(r->active_speed);
	attr->phys_state = r->phys_state;
	if (port == 1)
		WRITE_ONCE(xdev->link_layer,
			   r->link_layer == XEN_VIBIF_LINK_LAYER_ETHERNET ?
			   IB_LINK_LAYER_ETHERNET : IB_LINK_LAYER_INFINIBAND);
	return 0;
}

static int xibf_query_port(struct ib_device *ibdev, u32 port,
			   struct ib_port_attr *attr)
{
	return xibf_fetch_port(to_xdev(ibdev), port, attr);
}

static int xibf_query_gid(struct ib_device *ibdev, u32 port, int index,
			  union ib_gid *gid)
{
	struct xen_vibif_query_gid_req req = {};
	struct xibf_cmd cmd;
	int err;

	if (port < 1 || port > XEN_VIBIF_NUM_PORTS || index < 0 ||
	    index >= XIBF_MAX_GID_TBL_LEN)
		return -EINVAL;
	req.port_num = port;
	req.index = cpu_to_le32(index);
	err = xibf_cmd_exec(to_xdev(ibdev), XEN_VIBIF_OP_QUERY_GID, &req,
			    sizeof(req), &cmd);
	if (err)
		return err;
	memcpy(gid->raw, cmd.rsp.u.query_gid.gid, sizeof(gid->raw));
	return 0;
}

static int xibf_query_pkey(struct ib_device *ibdev, u32 port, u16 index,
			   u16 *pkey)
{
	struct xen_vibif_query_pkey_req req = {};
	struct xibf_cmd cmd;
	int err;

	if (port < 1 || port > XEN_VIBIF_NUM_PORTS)
		return -EINVAL;
	req.port_num = port;
	req.index = cpu_to_le16(index);
	err = xibf_cmd_exec(to_xdev(ibdev), XEN_VIBIF_OP_QUERY_PKEY, &req,
			    sizeof(req), &cmd);
	if (err)
		return err;
	*pkey = le16_to_cpu(cmd.rsp.u.query_pkey.pkey);
	return 0;
}

static int xibf_get_port_immutable(struct ib_device *ibdev, u32 port,
				   struct ib_port_immutable *immutable)
{
	struct ib_port_attr attr = {};
	int err;

	err = xibf_fetch_port(to_xdev(ibdev), port, &attr);
	if (err)
		return err;
	immutable->pkey_tbl_len = attr.pkey_tbl_len;
	immutable->gid_tbl_len = attr.gid_tbl_len;
	/*
	 * The IB protocol alone (docs/addressing.md): ib_core then takes the
	 * GID table from query_gid, i.e. from the backing port, even when that
	 * port is RoCE; no MAD, SMI, CM or SA capability, since a guest has no
	 * QP0/QP1 and no kernel verbs consumers.
	 */
	immutable->core_cap_flags = RDMA_CORE_CAP_PROT_IB;
	immutable->max_mad_size = 0;
	return 0;
}

/* What applications see: the backing port's link layer (RoCE needs -g). */
static enum rdma_link_layer xibf_get_link_layer(struct ib_device *ibdev,
						u32 port)
{
	return READ_ONCE(to_xdev(ibdev)->link_layer);
}

static void xibf_get_dev_fw_str(struct ib_device *ibdev, char *str)
{
	u64 fw = to_xdev(ibdev)->attr.fw_ver;

	snprintf(str, IB_FW_VERSION_NAME_MAX, "%llu.%llu.%llu",
		 fw >> 32, (fw >> 16) & 0xffff, fw & 0xffff);
}

static const struct ib_device_ops xibf_dev_ops = {
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_UNKNOWN,
	.uverbs_abi_ver = XENIB_UVERBS_ABI_VERSION,

	.alloc_pd = xibf_alloc_pd,
	.alloc_ucontext = xibf_alloc_ucontext,
	.create_ah = xibf_create_ah,
	.create_cq = xibf_create_cq,
	.create_qp = xibf_create_qp,
	.create_user_ah = xibf_create_ah,
	.dealloc_pd = xibf_dealloc_pd,
	.dealloc_ucontext = xibf_dealloc_ucontext,
	.dereg_mr = xibf_dereg_mr,
	.destroy_ah = xibf_destroy_ah,
	.destroy_cq = xibf_destroy_cq,
	.destroy_qp = xibf_destroy_qp,
	.disassociate_ucontext = xibf_disassociate_ucontext,
	.get_dev_fw_str = xibf_get_dev_fw_str,
	.get_link_layer = xibf_get_link_layer,
	.get_dma_mr = xibf_get_dma_mr,
	.get_port_immutable = xibf_get_port_immutable,
	.mmap = xibf_mmap,
	.modify_qp = xibf_modify_qp,
	.poll_cq = xibf_poll_cq,
	.post_recv = xibf_post_recv,
	.post_send = xibf_post_send,
	.query_device = xibf_query_device,
	.query_gid = xibf_query_gid,
	.query_pkey = xibf_query_pkey,
	.query_port = xibf_query_port,
	.query_qp = xibf_query_qp,
	.reg_user_mr = xibf_reg_user_mr,
	.req_notify_cq = xibf_req_notify_cq,

	INIT_RDMA_OBJ_SIZE(ib_ah, xibf_ah, ibah),
	INIT_RDMA_OBJ_SIZE(ib_cq, xibf_cq, ibcq),
	INIT_RDMA_OBJ_SIZE(ib_pd, xibf_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_qp, xibf_qp, ibqp),
	INIT_RDMA_OBJ_SIZE(ib_ucontext, xibf_ucontext, ibuc),
};

/* Installed when QUERY_DEVICE reports XEN_VIBIF_DEVCAP_SRQ. */
static const struct ib_device_ops xibf_srq_ops = {
	.create_srq = xibf_create_srq,
	.destroy_srq = xibf_destroy_srq,
	.modify_srq = xibf_modify_srq,
	.post_srq_recv = xibf_post_srq_recv,
	.query_srq = xibf_query_srq,

	INIT_RDMA_OBJ_SIZE(ib_srq, xibf_srq, ibsrq),
};

/* Installed when QUERY_DEVICE reports XEN_VIBIF_DEVCAP_RESIZE_CQ. */
static const struct ib_device_ops xibf_resize_cq_ops = {
	.resize_cq = xibf_resize_cq,
};

/* Installed when QUERY_DEVICE reports XEN_VIBIF_DEVCAP_MCAST. */
static const struct ib_device_ops xibf_mcast_ops = {
	.attach_mcast = xibf_attach_mcast,
	.detach_mcast = xibf_detach_mcast,
};

/**
 * xibf_destroy_result() - what a destroy verb returns for a command result
 * @err: the result of the destroy command
 *
 * Only the backend's XEN_VIBIF_EBUSY (the object is still in use) keeps
 * the object alive.  Any other failure means the backend no longer has it
 * or is gone (the connection is dead and the backend frees everything on
 * its side), so the guest's object is released.
 *
 * Return: -EBUSY or 0.
 *
 * Context: any.
 */
int xibf_destroy_result(int err)
{
	return err == -EBUSY ? -EBUSY : 0;
}

/**
 * xibf_destroy_handle() - send a destroy command for one object
 * @xdev: the device
 * @opcode: XEN_VIBIF_OP_DESTROY_* / DEALLOC_* / DEREG_MR
 * @handle: the object
 *
 * Return: as xibf_destroy_result().
 *
 * Context: process context, may sleep.
 */
int xibf_destroy_handle(struct xibf_device *xdev, u16 opcode, u32 handle)
{
	struct xen_vibif_handle_req req = {};
	struct xibf_cmd cmd;

	req.handle = cpu_to_le32(handle);
	return xibf_destroy_result(xibf_cmd_exec(xdev, opcode, &req,
						 sizeof(req), &cmd));
}

static void xibf_fatal_work(struct work_struct *work)
{
	struct xibf_device *xdev = container_of(work, struct xibf_device,
						fatal_work);

	xenbus_dev_fatal(xdev->xbdev, -EIO,
			 "backend misbehaved or stopped answering");
}

static void xibf_connect_work(struct work_struct *work)
{
	struct xibf_device *xdev = container_of(work, struct xibf_device,
						connect_work);
	int err;

	/* The backend's Connected may be seen more than once. */
	if (xdev->registered)
		return;
	err = xibf_device_register(xdev);
	if (err) {
		if (!xibf_cmd_is_dead(xdev))
			xenbus_dev_fatal(xdev->xbdev, err,
					 "registering the RDMA device");
		return;
	}
	xenbus_switch_state(xdev->xbdev, XenbusStateConnected);
}

/**
 * xibf_device_alloc() - allocate a connection and its ib_device
 * @xbdev: the xenbus device
 *
 * Return: the device, with its channel not yet set up, or NULL.
 *
 * Context: process context, may sleep.
 */
struct xibf_device *xibf_device_alloc(struct xenbus_device *xbdev)
{
	struct xibf_device *xdev;

	xdev = ib_alloc_device(xibf_device, ibdev);
	if (!xdev)
		return NULL;
	xdev->xbdev = xbdev;
	spin_lock_init(&xdev->ring_lock);
	init_waitqueue_head(&xdev->slot_wq);
	xdev->dead = true;
	INIT_WORK(&xdev->fatal_work, xibf_fatal_work);
	INIT_WORK(&xdev->connect_work, xibf_connect_work);
	xa_init_flags(&xdev->cq_xa, XA_FLAGS_LOCK_IRQ);
	xa_init_flags(&xdev->qp_xa, XA_FLAGS_LOCK_IRQ);
	xa_init_flags(&xdev->srq_xa, XA_FLAGS_LOCK_IRQ);
	for (unsigned int i = 0; i < ARRAY_SIZE(xdev->ring_refs); i++)
		xdev->ring_refs[i] = INVALID_GRANT_REF;
	xdev->evt_ref = INVALID_GRANT_REF;
	return xdev;
}

/**
 * xibf_device_register() - query the backend and register xenib<N>
 * @xdev: a device whose channel is up
 *
 * Return: 0 or a negative errno (the device stays unregistered).
 *
 * Context: process context (connect_work), may sleep.
 */
int xibf_device_register(struct xibf_device *xdev)
{
	struct ib_device *ibdev = &xdev->ibdev;
	int err;

	err = xibf_fetch_device(xdev);
	if (err)
		return err;
	err = xibf_fetch_port(xdev, 1, &xdev->port_attr);
	if (err)
		return err;

	ibdev->node_type = RDMA_NODE_IB_CA;
	ibdev->phys_port_cnt = XEN_VIBIF_NUM_PORTS;
	ibdev->dev.parent = &xdev->xbdev->dev;
	ibdev->attrs = xdev->attr;
	strscpy(ibdev->node_desc, "xenib paravirtual RDMA",
		sizeof(ibdev->node_desc));
	ib_set_device_ops(ibdev, &xibf_dev_ops);
	ib_set_device_ops(ibdev, &xibf_counter_ops);
	/*
	 * ib_core enables the uverbs POST_* write commands only for drivers
	 * that ask: userlib's kick is a POST_SEND/POST_RECV/POST_SRQ_RECV
	 * with no work request.
	 */
	ibdev->uverbs_cmd_mask |= BIT_ULL(IB_USER_VERBS_CMD_POST_SEND) |
				  BIT_ULL(IB_USER_VERBS_CMD_POST_RECV);
	if (xdev->devcap & XEN_VIBIF_DEVCAP_SRQ) {
		ib_set_device_ops(ibdev, &xibf_srq_ops);
		ibdev->uverbs_cmd_mask |=
			BIT_ULL(IB_USER_VERBS_CMD_POST_SRQ_RECV);
	}
	if (xdev->devcap & XEN_VIBIF_DEVCAP_RESIZE_CQ)
		ib_set_device_ops(ibdev, &xibf_resize_cq_ops);
	if (xdev->devcap & XEN_VIBIF_DEVCAP_MCAST)
		ib_set_device_ops(ibdev, &xibf_mcast_ops);

	/*
	 * No DMA device: the frontend never maps memory for DMA itself, it
	 * grants pages to the backend, whose device does the DMA.
	 */
	err = ib_register_device(ibdev, "xenib%d", NULL);
	if (err) {
		dev_err(&xdev->xbdev->dev, "ib_register_device: %d\n", err);
		return err;
	}
	WRITE_ONCE(xdev->registered, true);
	dev_info(&xdev->xbdev->dev,
		 "registered %s (port state %d, %u command slots)\n",
		 dev_name(&ibdev->dev), xdev->port_attr.state, xdev->nr_slots);
	return 0;
}

/**
 * xibf_device_free() - unregister and free a connection
 * @xdev: the device; its channel must already be killed and its work
 *	items cancelled
 *
 * Tells the RDMA core's consumers the device is gone
 * (IB_EVENT_DEVICE_FATAL), unregisters it, tears the channel down and
 * frees everything.
 *
 * Context: process context, may sleep.
 */
void xibf_device_free(struct xibf_device *xdev)
{
	/* The channel is dead: after this no handler dispatches events. */
	if (xdev->data_irq > 0)
		synchronize_irq(xdev->data_irq);
	if (xdev->registered) {
		struct ib_event ibev = {
			.device = &xdev->ibdev,
			.event = IB_EVENT_DEVICE_FATAL,
		};

		ib_dispatch_event(&ibev);
		ib_unregister_device(&xdev->ibdev);
		WRITE_ONCE(xdev->registered, false);
	}
	xibf_event_teardown(xdev);
	xibf_cmd_teardown(xdev);
	xa_destroy(&xdev->cq_xa);
	xa_destroy(&xdev->qp_xa);
	xa_destroy(&xdev->srq_xa);
	ib_dealloc_device(&xdev->ibdev);
}
