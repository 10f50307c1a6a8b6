// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the guest's hold on the real RDMA device, and the backend's
 * ib_client.
 *
 * The guest holds a reference on the real device from connection to
 * teardown, with a private CQ for memory registrations, the poison key
 * the engine substitutes for refused lkeys, and a port event handler.
 * The ib_client's remove callback lets the device go away at any time:
 * it destroys every shadow object of every guest on the device and tells
 * the guests (XEN_VIBIF_EVT_DEVICE_FATAL); their later object requests
 * answer XEN_VIBIF_ENODEV.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

/**
 * xibb_guest_attach_device() - take the guest's hold on rdma-device
 * @guest: the guest, connecting
 *
 * Takes a device reference, creates the private CQ for memory
 * registrations and the poison key (engine.c), and registers the port
 * event handler.
 *
 * Return: 0, -ENODEV if the device is not registered, or the error of
 * ib_create_cq(), ib_alloc_pd() or ib_alloc_mr().
 *
 * Context: process context, may sleep.
 */
int xibb_guest_attach_device(struct xibb_guest *guest)
{
	struct ib_cq_init_attr cqa = { .cqe = 16 };
	struct ib_device *ibdev;
	struct ib_cq *cq;
	struct ib_pd *ppd;
	struct ib_mr *pmr;
	int err;

	ibdev = xibb_guest_ibdev(guest);
	if (!ibdev)
		return -ENODEV;
	cq = ib_create_cq(ibdev, NULL, NULL, NULL, &cqa);
	if (IS_ERR(cq)) {
		err = PTR_ERR(cq);
		goto err_put;
	}
	/*
	 * The poison key: an MR that is never registered, in a PD of its
	 * own.  Not a PD's local_dma_lkey: on devices with a global DMA
	 * key (IB_DEVICE_LOCAL_DMA_LKEY) that one is valid in every PD.
	 */
	ppd = ib_alloc_pd(ibdev, 0);
	if (IS_ERR(ppd)) {
		err = PTR_ERR(ppd);
		goto err_cq;
	}
	pmr = ib_alloc_mr(ppd, IB_MR_TYPE_MEM_REG, 1);
	if (IS_ERR(pmr)) {
		err = PTR_ERR(pmr);
		goto err_pd;
	}

	mutex_lock(&guest->obj_lock);
	guest->ibdev = ibdev;
	guest->reg_cq = cq;
	guest->poison_pd = ppd;
	guest->poison_mr = pmr;
	INIT_IB_EVENT_HANDLER(&guest->event_handler, ibdev, xibb_port_event);
	ib_register_event_handler(&guest->event_handler);
	mutex_unlock(&guest->obj_lock);
	return 0;

err_pd:
	ib_dealloc_pd(ppd);
err_cq:
	ib_destroy_cq(cq);
err_put:
	ib_device_put(ibdev);
	return err;
}

/**
 * xibb_guest_release_device() - destroy every shadow object, drop the device
 * @guest: the guest
 * @fatal: tell the guest its device is gone (XEN_VIBIF_EVT_DEVICE_FATAL)
 *
 * Idempotent.  After this every object request answers XEN_VIBIF_ENODEV.
 *
 * Context: process context, may sleep; takes guest->obj_lock.
 */
void xibb_guest_release_device(struct xibb_guest *guest, bool fatal)
{
	mutex_lock(&guest->obj_lock);
	xibb_obj_destroy_all(guest);
	if (guest->ibdev) {
		ib_unregister_event_handler(&guest->event_handler);
		ib_destroy_cq(guest->reg_cq);
		guest->reg_cq = NULL;
		ib_dereg_mr(guest->poison_mr);
		guest->poison_mr = NULL;
		ib_dealloc_pd(guest->poison_pd);
		guest->poison_pd = NULL;
		ib_device_put(guest->ibdev);
		guest->ibdev = NULL;
		if (fatal)
			xibb_event_post(guest, XEN_VIBIF_EVT_DEVICE_FATAL,
					XEN_VIBIF_IBEV_DEVICE_FATAL, 0, 0);
	}
	mutex_unlock(&guest->obj_lock);
}

static int xibb_client_add(struct ib_device *ibdev)
{
	return 0;
}

/* The real device is being unregistered: let go of it everywhere. */
static void xibb_client_remove(struct ib_device *ibdev, void *client_data)
{
	struct xibb_guest *guest;

	mutex_lock(&xibb_guests_lock);
	list_for_each_entry(guest, &xibb_guests, list) {
		if (READ_ONCE(guest->ibdev) != ibdev)
			continue;
		dev_warn(&guest->xbdev->dev,
			 "%s is going away, destroying the guest's objects\n",
			 dev_name(&ibdev->dev));
		xibb_guest_release_device(guest, true);
	}
	mutex_unlock(&xibb_guests_lock);
}

static struct ib_client xibb_client = {
	.name = "xen-ibback",
	.add = xibb_client_add,
	.remove = xibb_client_remove,
};

/**
 * xibb_client_init() - register the backend's ib_client
 *
 * Return: 0 or the error of ib_register_client().
 *
 * Context: module init.
 */
int xibb_client_init(void)
{
	return ib_register_client(&xibb_client);
}

/**
 * xibb_client_exit() - unregister the ib_client
 *
 * Context: module exit, after every guest is gone.
 */
void xibb_client_exit(void)
{
	ib_unregister_client(&xibb_client);
}
