// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: the xenbus backend driver and its state machine.
 *
 *   probe                       -> read rdma-device, rdma-port, quotas;
 *                                  write versions, max-ring-page-order,
 *                                  feature-gfn-mr; InitWait
 *   frontend Initialised        -> xibb_guest_connect(); Connected
 *   frontend Closing            -> xibb_guest_disconnect(); Closing
 *   frontend Closed             -> xibb_guest_disconnect(); Closed, and
 *                                  unregister the device if offline
 *   frontend Initialising again -> disconnect, InitWait (reconnect)
 *
 * Xenwatch, the one thread that runs every xenbus watch of Dom0 (every
 * other backend's too), only notes the change and queues state_work on
 * xibb_wq: tearing a guest down unmaps and destroys all it registered
 * (about a second per 256 MiB), which must not stall the others.  The
 * work acts on the frontend's state as it reads it then, so a change that
 * needs a teardown (Initialising, Closing, Closed, gone) is remembered in
 * XIBB_XB_RESET in case the frontend has moved on by then (a reload:
 * Closed, Initialising, Initialised).  Removal (xibb_remove(), in
 * xenwatch too) hands the guest to free_work the same way; the device is
 * unregistered only in xenwatch.
 *
 * Connection attempts are rate-limited per guest: XIBB_CONNECT_BURST at
 * once, then one per reconnect_ms.  An attempt beyond that is not refused
 * but put off (connect_work), and made then if the frontend still asks
 * for it, so a guest that flips its state in a loop (or writes garbage
 * keys and retries) costs Dom0 a bounded number of attempts a second,
 * while a frontend that reconnects now and then never waits.  Each
 * attempt maps rings, binds channels and queries the real device.
 * xb_lock serialises the state changes and connect_work.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/device.h>
#include <linux/err.h>
#include <xen/xenbus.h>

/* Writes the backend's keys in one transaction, retried on -EAGAIN. */
static int xibb_publish(struct xenbus_device *dev)
{
	unsigned int order = min_t(unsigned int,
				   READ_ONCE(xibb_max_ring_page_order),
				   XEN_VIBIF_MAX_RING_PAGE_ORDER);
	struct xenbus_transaction xbt;
	const char *what;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(dev, err, "starting transaction");
		return err;
	}

	what = XEN_VIBIF_FIELD_VERSIONS;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", XEN_VIBIF_VERSION);
	if (err)
		goto err_abort;

	what = XEN_VIBIF_FIELD_MAX_RING_PAGE_ORDER;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", order);
	if (err)
		goto err_abort;

	what = XEN_VIBIF_FIELD_FEATURE_GFN_MR;
	err = xenbus_printf(xbt, dev->nodename, what, "%u", 0);
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

/*
 * xb_flags: a state that needs a teardown was seen since the last look;
 * the device was removed (state_work then does nothing: free_work tears
 * the guest down).
 */
#define XIBB_XB_RESET	0
#define XIBB_XB_REMOVED	1

static void xibb_connect_work(struct work_struct *work);
static void xibb_state_work(struct work_struct *work);

static int xibb_probe(struct xenbus_device *dev,
		      const struct xenbus_device_id *id)
{
	struct xibb_guest *guest;
	int err;

	guest = xibb_guest_alloc(dev);
	if (IS_ERR(guest)) {
		err = PTR_ERR(guest);
		xenbus_dev_fatal(dev, err, "reading rdma-device");
		return err;
	}
	dev_set_drvdata(&dev->dev, guest);
	mutex_init(&guest->xb_lock);
	INIT_DELAYED_WORK(&guest->connect_work, xibb_connect_work);
	INIT_WORK(&guest->state_work, xibb_state_work);
	guest->conn_tokens = XIBB_CONNECT_BURST;
	guest->conn_stamp = jiffies;

	err = xibb_publish(dev);
	if (err)
		goto err_free_guest;

	err = xenbus_switch_state(dev, XenbusStateInitWait);
	if (err)
		goto err_free_guest;
	return 0;

err_free_guest:
	dev_set_drvdata(&dev->dev, NULL);
	xibb_guest_free(guest);
	return err;
}

/*
 * May a connection attempt run now?  0 if so (a token taken), else the
 * jiffies until the next token.  Context: guest->xb_lock held.
 */
static unsigned long xibb_connect_delay(struct xibb_guest *guest)
{
	unsigned long iv = msecs_to_jiffies(READ_ONCE(xibb_reconnect_ms));
	unsigned long now = jiffies, n;

	lockdep_assert_held(&guest->xb_lock);

	if (!iv)
		return 0;
	if (guest->conn_tokens >= XIBB_CONNECT_BURST) {
		guest->conn_stamp = now;
	} else {
		n = (now - guest->conn_stamp) / iv;
		if (n) {
			guest->conn_tokens = min_t(unsigned long,
						   XIBB_CONNECT_BURST,
						   guest->conn_tokens + n);
			guest->conn_stamp += n * iv;
		}
	}
	if (guest->conn_tokens) {
		guest->conn_tokens--;
		return 0;
	}
	return guest->conn_stamp + iv - now ?: 1;
}

/*
 * Connects if the frontend asks for it (Initialised or Connected) and
 * the backend waits for it (InitWait), now or, beyond the rate limit,
 * from connect_work later.  Context: guest->xb_lock held.
 */
static void xibb_try_connect(struct xibb_guest *guest)
{
	struct xenbus_device *dev = guest->xbdev;
	enum xenbus_state fe = xenbus_read_driver_state(guest->fe_path);
	unsigned long delay;

	lockdep_assert_held(&guest->xb_lock);

	if (fe != XenbusStateInitialised && fe != XenbusStateConnected)
		return;
	if (dev->state != XenbusStateInitWait)
		return;
	delay = xibb_connect_delay(guest);
	if (delay) {
		atomic64_inc(&guest->stats.connects_delayed);
		mod_delayed_work(xibb_wq, &guest->connect_work, delay);
		return;
	}
	if (xibb_guest_connect(guest))
		return;
	xenbus_switch_state(dev, XenbusStateConnected);
}

static void xibb_connect_work(struct work_struct *work)
{
	struct xibb_guest *guest = container_of(to_delayed_work(work),
						struct xibb_guest,
						connect_work);

	mutex_lock(&guest->xb_lock);
	xibb_try_connect(guest);
	mutex_unlock(&guest->xb_lock);
}

/*
 * Brings the backend where the frontend's state asks for.
 * Context: guest->xb_lock held.
 */
static void xibb_state(struct xibb_guest *guest, enum xenbus_state fe,
		       bool reset)
{
	struct xenbus_device *dev = guest->xbdev;

	lockdep_assert_held(&guest->xb_lock);

	switch (fe) {
	case XenbusStateInitialising:
	case XenbusStateInitialised:
	case XenbusStateConnected:
		/* The frontend started over (resume, reload): so do we. */
		if (reset && (dev->state == XenbusStateClosed ||
			      dev->state == XenbusStateClosing ||
			      dev->state == XenbusStateConnected)) {
			xibb_guest_disconnect(guest);
			xenbus_switch_state(dev, XenbusStateInitWait);
		}
		xibb_try_connect(guest);
		break;

	case XenbusStateClosing:
		xibb_guest_disconnect(guest);
		xenbus_switch_state(dev, XenbusStateClosing);
		break;

	case XenbusStateClosed:
		xibb_guest_disconnect(guest);
		xenbus_switch_state(dev, XenbusStateClosed);
		break;

	case XenbusStateUnknown:
		/* The frontend is gone (xibb_frontend_changed() unregisters). */
		xibb_guest_disconnect(guest);
		break;

	default:
		xenbus_dev_fatal(dev, -EINVAL, "saw state %d at frontend", fe);
		break;
	}
}

static void xibb_state_work(struct work_struct *work)
{
	struct xibb_guest *guest = container_of(work, struct xibb_guest,
						state_work);
	struct xenbus_device *dev = guest->xbdev;
	enum xenbus_state fe;

	if (test_bit(XIBB_XB_REMOVED, &guest->xb_flags))
		return;
	mutex_lock(&guest->xb_lock);
	fe = xenbus_read_driver_state(guest->fe_path);
	dev_dbg(&dev->dev, "frontend %s, backend %s\n",
		xenbus_strstate(fe), xenbus_strstate(dev->state));
	xibb_state(guest, fe, test_and_clear_bit(XIBB_XB_RESET,
						 &guest->xb_flags));
	mutex_unlock(&guest->xb_lock);
}

/*
 * In xenwatch: note the change, act on it in state_work.  A frontend gone
 * for good (Closed with the backend offline, or its directory removed)
 * unregisters the device here, as netback does: only in xenwatch, where
 * xenbus's own removal of the device runs too, so the two never race.
 * The teardown then runs in free_work.
 */
static void xibb_frontend_changed(struct xenbus_device *dev,
				  enum xenbus_state frontend_state)
{
	struct xibb_guest *guest = dev_get_drvdata(&dev->dev);

	if (!guest)
		return;
	switch (frontend_state) {
	case XenbusStateClosed:
		if (!xenbus_dev_is_online(dev)) {
			device_unregister(&dev->dev);
			return;
		}
		fallthrough;
	case XenbusStateInitialising:
	case XenbusStateClosing:
		set_bit(XIBB_XB_RESET, &guest->xb_flags);
		break;
	case XenbusStateUnknown:
		device_unregister(&dev->dev);
		return;
	default:
		break;
	}
	queue_work(xibb_wq, &guest->state_work);
}

static void xibb_free_work(struct work_struct *work)
{
	struct xibb_guest *guest = container_of(work, struct xibb_guest,
						free_work);
	struct xenbus_device *dev = guest->xbdev;

	/* No new state_work: xenbus dropped the watch before remove. */
	cancel_work_sync(&guest->state_work);
	cancel_delayed_work_sync(&guest->connect_work);
	xibb_guest_free(guest);
	put_device(&dev->dev);
}

/*
 * In xenwatch: the teardown goes to free_work, which holds a reference to
 * the device until it is done.
 */
static void xibb_remove(struct xenbus_device *dev)
{
	struct xibb_guest *guest = dev_get_drvdata(&dev->dev);

	dev_set_drvdata(&dev->dev, NULL);
	if (!guest)
		return;
	set_bit(XIBB_XB_REMOVED, &guest->xb_flags);
	get_device(&dev->dev);
	INIT_WORK(&guest->free_work, xibb_free_work);
	queue_work(xibb_wq, &guest->free_work);
}

static const struct xenbus_device_id xibb_ids[] = {
	{ XEN_VIBIF_DEVICE_TYPE },
	{ "" }
};

static struct xenbus_driver xibb_driver = {
	.ids = xibb_ids,
	.probe = xibb_probe,
	.remove = xibb_remove,
	.otherend_changed = xibb_frontend_changed,
	.driver = {
		.dev_groups = xibb_groups,
	},
};

/**
 * xibb_xenbus_init() - register the "vib" xenbus backend driver
 *
 * Return: 0 or the error of __xenbus_register_backend().
 *
 * Context: module init.
 */
int xibb_xenbus_init(void)
{
	/*
	 * No owner: xenbus would otherwise pin this module while a device
	 * is bound, so rmmod would refuse as long as a guest is attached.
	 * Without it, rmmod unbinds every device (a full teardown, as for a
	 * detach) before the module goes; see docs/modules.md.
	 */
	return __xenbus_register_backend(&xibb_driver, NULL, KBUILD_MODNAME);
}

/**
 * xibb_xenbus_exit() - unregister the driver; removes every device
 *
 * Context: module exit.
 */
void xibb_xenbus_exit(void)
{
	xenbus_unregister_driver(&xibb_driver);
}
