// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: the xenbus driver, the handshake of vibif.h and the state
 * machine.
 *
 *   backend InitWait   -> allocate a connection, grant the rings, bind the
 *                         event channels, publish our keys, Initialised
 *   backend Connected  -> connect_work: QUERY_DEVICE, QUERY_PORT, register
 *                         xenib<N>, then Connected
 *   backend Closing or Closed, or a broken backend (we go to Closing)
 *                      -> fail all commands, unregister, free, Closed
 *   backend InitWait again after that -> start over with a new connection
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/slab.h>
#include <linux/string.h>
#include <xen/xenbus.h>

/* Whether the backend's "versions" list names XEN_VIBIF_VERSION. */
static bool xibf_version_ok(struct xenbus_device *dev)
{
	char *versions, *p, *tok;
	bool ok = false;

	versions = xenbus_read(XBT_NIL, dev->otherend, XEN_VIBIF_FIELD_VERSIONS,
			       NULL);
	if (IS_ERR(versions))
		return false;
	p = versions;
	while ((tok = strsep(&p, " ")) != NULL) {
		unsigned int v;

		if (!kstrtouint(tok, 10, &v) && v == XEN_VIBIF_VERSION) {
			ok = true;
			break;
		}
	}
	kfree(versions);
	return ok;
}

/* Writes our keys in one transaction, retried on -EAGAIN. */
static int xibf_publish(struct xibf_device *xdev, unsigned int order)
{
	struct xenbus_device *dev = xdev->xbdev;
	struct xenbus_transaction xbt;
	const char *what;
	char key[16];
	unsigned int i;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(dev, err, "starting transaction");
		return err;
	}

	what = XEN_VIBIF_FIELD_VERSION;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", XEN_VIBIF_VERSION);
	if (err)
		goto err_abort;

	what = XEN_VIBIF_FIELD_RING_PAGE_ORDER;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", order);
	if (err)
		goto err_abort;

	what = XEN_VIBIF_FIELD_RING_REF;
	if (order == 0) {
		err = xenbus_printf(xbt, dev->nodename, what, "%u",
				    xdev->ring_refs[0]);
		if (err)
			goto err_abort;
	} else {
		for (i = 0; i < xdev->nr_ring_pages; i++) {
			snprintf(key, sizeof(key),
				 XEN_VIBIF_FIELD_RING_REF_FMT, i);
			err = xenbus_printf(xbt, dev->nodename, key, "%u",
					    xdev->ring_refs[i]);
			if (err)
				goto err_abort;
		}
	}

	what = XEN_VIBIF_FIELD_EVENT_CHANNEL;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", xdev->evtchn);
	if (err)
		goto err_abort;

	what = XEN_VIBIF_FIELD_EVENT_CHANNEL_DATA;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", xdev->data_evtchn);
	if (err)
		goto err_abort;

	what = XEN_VIBIF_FIELD_EVENT_RING_REF;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", xdev->evt_ref);
	if (err)
		goto err_abort;

	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (err) {
		xenbus_dev_fatal(dev, err, "completing transaction");
		return err;
	}
	return 0;

err_abort:
	xenbus_transaction_end(xbt, 1);
	xenbus_dev_fatal(dev, err, "writing %s", what);
	return err;
}

/* Tears the current connection down.  Must hold front->lock. */
static void xibf_disconnect(struct xibf_front *front)
{
	struct xibf_device *xdev = front->xdev;

	lockdep_assert_held(&front->lock);
	if (!xdev)
		return;
	front->xdev = NULL;

	/* Fail what is in flight first, so nothing below waits long. */
	xibf_cmd_kill(xdev, -ENODEV);
	xibf_raw_remove(xdev);
	cancel_work_sync(&xdev->connect_work);
	cancel_work_sync(&xdev->fatal_work);
	/* Frees xdev; the channel is torn down once uverbs is quiet. */
	xibf_device_free(xdev);
}

/* Backend InitWait: new connection, publish, Initialised. */
static void xibf_connect(struct xibf_front *front)
{
	struct xenbus_device *dev = front->xbdev;
	struct xibf_device *xdev;
	unsigned int max_order, order;
	int err;

	if (front->xdev)
		return;

	if (!xibf_version_ok(dev)) {
		xenbus_dev_fatal(dev, -EPROTONOSUPPORT,
				 "backend does not speak vibif version %u",
				 XEN_VIBIF_VERSION);
		return;
	}

	max_order = xenbus_read_unsigned(dev->otherend,
					 XEN_VIBIF_FIELD_MAX_RING_PAGE_ORDER,
					 0);
	order = min3(READ_ONCE(xibf_ring_page_order), max_order,
		     (unsigned int)XEN_VIBIF_MAX_RING_PAGE_ORDER);

	xdev = xibf_device_alloc(dev);
	if (!xdev) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating the device");
		return;
	}
	xdev->nr_ring_pages = 1U << order;

	err = xibf_cmd_setup(xdev);
	if (err)
		goto err_free_device;
	err = xibf_event_setup(xdev);
	if (err)
		goto err_free_device;

	err = xibf_publish(xdev, order);
	if (err)
		goto err_free_device;

	front->xdev = xdev;
	xibf_raw_add(xdev);
	xenbus_switch_state(dev, XenbusStateInitialised);
	return;

err_free_device:
	/* Also tears down what xibf_cmd_setup() and xibf_event_setup() built. */
	xibf_device_free(xdev);
}

static void xibf_backend_changed(struct xenbus_device *dev,
				 enum xenbus_state backend_state)
{
	struct xibf_front *front = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "backend %s, frontend %s\n",
		xenbus_strstate(backend_state), xenbus_strstate(dev->state));

	mutex_lock(&front->lock);
	switch (backend_state) {
	case XenbusStateInitialising:
	case XenbusStateInitialised:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
	case XenbusStateUnknown:
		break;

	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising &&
		    dev->state != XenbusStateClosed)
			break;
		if (dev->state == XenbusStateClosed)
			xenbus_switch_state(dev, XenbusStateInitialising);
		xibf_connect(front);
		break;

	case XenbusStateConnected:
		if (dev->state != XenbusStateInitialised || !front->xdev)
			break;
		schedule_work(&front->xdev->connect_work);
		break;

	case XenbusStateClosed:
		if (dev->state == XenbusStateClosed)
			break;
		fallthrough;
	case XenbusStateClosing:
		xibf_disconnect(front);
		xenbus_frontend_closed(dev);
		break;
	}
	mutex_unlock(&front->lock);
}

static int xibf_probe(struct xenbus_device *dev,
		      const struct xenbus_device_id *id)
{
	struct xibf_front *front;

	front = kzalloc(sizeof(*front), GFP_KERNEL);
	if (!front) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating frontend data");
		return -ENOMEM;
	}
	front->xbdev = dev;
	mutex_init(&front->lock);
	dev_set_drvdata(&dev->dev, front);
	/*
	 * A rebind (unbind + bind, or the module reloaded while the device
	 * stayed in xenstore) finds the device Closed, and so is the backend:
	 * announcing Initialising makes the backend start over (InitWait).
	 * On a first probe the state already is Initialising and this is a
	 * no-op.
	 */
	xenbus_switch_state(dev, XenbusStateInitialising);
	return 0;
}

static void xibf_remove(struct xenbus_device *dev)
{
	struct xibf_front *front = dev_get_drvdata(&dev->dev);

	mutex_lock(&front->lock);
	xibf_disconnect(front);
	mutex_unlock(&front->lock);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(front);
}

static const struct xenbus_device_id xibf_ids[] = {
	{ XEN_VIBIF_DEVICE_TYPE },
	{ "" }
};

static struct xenbus_driver xibf_driver = {
	.ids = xibf_ids,
	.probe = xibf_probe,
	.remove = xibf_remove,
	.otherend_changed = xibf_backend_changed,
	.not_essential = true,
};

/**
 * xibf_xenbus_init() - register the "vib" xenbus frontend driver
 *
 * Return: 0 or the error of __xenbus_register_frontend().
 *
 * Context: module init.
 */
int xibf_xenbus_init(void)
{
	/*
	 * No owner: xenbus would otherwise pin this module while a device
	 * is bound, so rmmod would refuse as long as a guest is attached.
	 * Without it, rmmod unbinds every device (a full teardown, as for a
	 * detach) before the module goes; see docs/modules.md.
	 */
	return __xenbus_register_frontend(&xibf_driver, NULL, KBUILD_MODNAME);
}

/**
 * xibf_xenbus_exit() - unregister the driver; removes every device
 *
 * Context: module exit.
 */
void xibf_xenbus_exit(void)
{
	xenbus_unregister_driver(&xibf_driver);
}
