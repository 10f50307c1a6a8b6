// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: per-guest state, connection and the one teardown.
 *
 * xibb_guest_disconnect() is the only teardown.  It is idempotent and
 * safe on half-built state: a failed connection, the frontend closing,
 * the device being removed and the module being unloaded all end there.
 * It never waits for the guest.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/interrupt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xen/xenbus.h>

/* Every guest, for the ib_client (obj.c); guarded by xibb_guests_lock. */
LIST_HEAD(xibb_guests);
/* Guards xibb_guests; process context only; taken before guest->obj_lock. */
DEFINE_MUTEX(xibb_guests_lock);

/* Reads a quota-* key, falling back to the module parameter. */
static u32 xibb_read_quota(struct xenbus_device *dev, const char *key,
			   unsigned int def)
{
	return xenbus_read_unsigned(dev->nodename, key, READ_ONCE(def));
}

/*
 * Reads "gid-indexes": the GID indexes the admin lets this guest use, as
 * decimal numbers separated by commas ("0" or "0,3"), at most
 * XIBB_MAX_GID_ALLOW.  No key: every index.  A malformed key fails the
 * attach rather than allowing more than the admin meant.
 */
static int xibb_read_gid_allow(struct xibb_guest *guest)
{
	char *val, *p, *tok;
	int err = 0;
	u16 idx;

	guest->n_gid_allow = 0;
	val = xenbus_read(XBT_NIL, guest->xbdev->nodename,
			  XEN_VIBIF_FIELD_GID_INDEXES, NULL);
	if (IS_ERR(val))
		return 0;
	p = val;
	while ((tok = strsep(&p, ","))) {
		if (guest->n_gid_allow == XIBB_MAX_GID_ALLOW ||
		    kstrtou16(tok, 10, &idx)) {
			err = -EINVAL;
			break;
		}
		guest->gid_allow[guest->n_gid_allow++] = idx;
	}
	kfree(val);
	if (err)
		dev_err(&guest->xbdev->dev,
			"bad gid-indexes (want up to %u indexes N[,N]...)\n",
			XIBB_MAX_GID_ALLOW);
	return err;
}

/**
 * xibb_guest_gid_ok() - may the guest use GID index @index
 * @guest: the guest
 * @index: a GID index of the backing port
 *
 * Return: true if the admin's gid-indexes name @index, or if there is no
 * such list.
 *
 * Context: any.
 */
bool xibb_guest_gid_ok(const struct xibb_guest *guest, u32 index)
{
	unsigned int i;

	if (!guest->n_gid_allow)
		return true;
	for (i = 0; i < guest->n_gid_allow; i++)
		if (guest->gid_allow[i] == index)
			return true;
	return false;
}

/*
 * The default quota-pinned-pages: the module parameter, or if that is 0
 * the guest's maximum memory (so it can register all of it, queues
 * included), or 65536 pages (256 MiB) if xenstore does not say; and not
 * more than half of max_mapped_pages, so that no one guest takes every
 * mapping all guests may have.
 */
static unsigned int xibb_def_pinned_pages(struct xenbus_device *dev)
{
	unsigned int def = READ_ONCE(xibb_def_quota_pinned_pages);
	char path[32];
	u64 kib;

	if (def)
		return def;
	snprintf(path, sizeof(path), "/local/domain/%d/memory",
		 dev->otherend_id);
	kib = xenbus_read_unsigned(path, "static-max", 0);
	if (!kib)
		kib = 65536 * (PAGE_SIZE / 1024);
	return min_t(u64, kib / (PAGE_SIZE / 1024),
		     READ_ONCE(xibb_max_mapped_pages) / 2);
}

/**
 * xibb_guest_alloc() - allocate a guest from its backend xenstore keys
 * @xbdev: the xenbus device
 *
 * Reads rdma-device, rdma-port, gid-indexes and the quota-* keys the
 * toolstack wrote.
 *
 * Return: the guest or an ERR_PTR(): -EINVAL if rdma-device is missing
 * or too long or gid-indexes is malformed, -ENOMEM.
 *
 * Context: process context (probe), may sleep.
 */
struct xibb_guest *xibb_guest_alloc(struct xenbus_device *xbdev)
{
	struct xibb_guest *guest;
	char *name;

	guest = kzalloc(sizeof(*guest), GFP_KERNEL);
	if (!guest)
		return ERR_PTR(-ENOMEM);
	guest->xbdev = xbdev;
	guest->domid = xbdev->otherend_id;
	/* xenbus frees dev->otherend at removal; the teardown comes later. */
	guest->fe_path = kstrdup(xbdev->otherend, GFP_KERNEL);
	if (!guest->fe_path) {
		kfree(guest);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&guest->lock);
	mutex_init(&guest->obj_lock);
	spin_lock_init(&guest->evt_lock);
	xa_init_flags(&guest->objs, XA_FLAGS_ALLOC1);
	xa_init(&guest->lkeys);
	xa_init(&guest->grefs);
	INIT_WORK(&guest->cmd_work, xibb_cmd_work);
	xibb_engine_init(guest);

	name = xenbus_read(XBT_NIL, xbdev->nodename,
			   XEN_VIBIF_FIELD_RDMA_DEVICE, NULL);
	if (IS_ERR(name)) {
		kfree(guest->fe_path);
		kfree(guest);
		return ERR_PTR(-EINVAL);
	}
	if (strscpy(guest->rdma_name, name, sizeof(guest->rdma_name)) < 0 ||
	    !guest->rdma_name[0]) {
		kfree(name);
		kfree(guest->fe_path);
		kfree(guest);
		return ERR_PTR(-EINVAL);
	}
	kfree(name);
	guest->rdma_port = xenbus_read_unsigned(xbdev->nodename,
						XEN_VIBIF_FIELD_RDMA_PORT, 1);
	if (xibb_read_gid_allow(guest)) {
		kfree(guest->fe_path);
		kfree(guest);
		return ERR_PTR(-EINVAL);
	}

	guest->quota.pd = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_PD,
					  xibb_def_quota_pd);
	guest->quota.cq = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_CQ,
					  xibb_def_quota_cq);
	guest->quota.qp = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_QP,
					  xibb_def_quota_qp);
	guest->quota.srq = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_SRQ,
					   xibb_def_quota_srq);
	guest->quota.mr = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_MR,
					  xibb_def_quota_mr);
	guest->quota.ah = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_AH,
					  xibb_def_quota_ah);
	guest->quota.pinned_pages =
		xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_PINNED_PAGES,
				xibb_def_pinned_pages(xbdev));
	guest->quota.cqe = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_CQE,
					   xibb_def_quota_cqe);
	guest->quota.qp_wr = xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_QP_WR,
					     xibb_def_quota_qp_wr);
	guest->quota.mem_kib =
		xibb_read_quota(xbdev, XEN_VIBIF_FIELD_QUOTA_MEM_KIB,
				xibb_mem_def_quota_kib());

	mutex_lock(&xibb_guests_lock);
	list_add(&guest->list, &xibb_guests);
	mutex_unlock(&xibb_guests_lock);
	xibb_debugfs_add(guest);
	return guest;
}

/**
 * xibb_guest_free() - disconnect and free a guest
 * @guest: the guest
 *
 * Context: process context (remove), may sleep.
 */
void xibb_guest_free(struct xibb_guest *guest)
{
	xibb_debugfs_remove(guest);
	mutex_lock(&xibb_guests_lock);
	list_del(&guest->list);
	mutex_unlock(&xibb_guests_lock);
	xibb_guest_disconnect(guest);
	xa_destroy(&guest->objs);
	xa_destroy(&guest->lkeys);
	xa_destroy(&guest->grefs);
	kfree(guest->fe_path);
	kfree(guest);
}

/**
 * xibb_guest_ibdev() - look up the guest's real RDMA device
 * @guest: the guest
 *
 * The reference is held only for one command, so that the real device
 * can always be unregistered.
 *
 * Return: the device with a reference (release with ib_device_put()), or
 * NULL if no device of that name is registered.
 *
 * Context: process context.
 */
struct ib_device *xibb_guest_ibdev(struct xibb_guest *guest)
{
	return ib_device_get_by_name(guest->rdma_name, RDMA_DRIVER_UNKNOWN);
}

/* Reads the frontend's ring references into @refs; returns the count. */
static int xibb_read_ring_refs(struct xibb_guest *guest, grant_ref_t *refs,
			       unsigned int *nr_pages)
{
	struct xenbus_device *dev = guest->xbdev;
	unsigned int order, i;
	char key[16];
	int err;

	order = xenbus_read_unsigned(guest->fe_path,
				     XEN_VIBIF_FIELD_RING_PAGE_ORDER, 0);
	if (order > READ_ONCE(xibb_max_ring_page_order) ||
	    order > XEN_VIBIF_MAX_RING_PAGE_ORDER) {
		xenbus_dev_fatal(dev, -EINVAL, "ring-page-order %u too large",
				 order);
		return -EINVAL;
	}
	*nr_pages = 1U << order;

	if (order == 0) {
		err = xenbus_scanf(XBT_NIL, guest->fe_path,
				   XEN_VIBIF_FIELD_RING_REF, "%u", &refs[0]);
		if (err != 1) {
			xenbus_dev_fatal(dev, -EINVAL, "reading %s/ring-ref",
					 guest->fe_path);
			return -EINVAL;
		}
		return 0;
	}
	for (i = 0; i < *nr_pages; i++) {
		snprintf(key, sizeof(key), XEN_VIBIF_FIELD_RING_REF_FMT, i);
		err = xenbus_scanf(XBT_NIL, guest->fe_path, key, "%u", &refs[i]);
		if (err != 1) {
			xenbus_dev_fatal(dev, -EINVAL, "reading %s/%s",
					 guest->fe_path, key);
			return -EINVAL;
		}
	}
	return 0;
}

/* Reads one mandatory unsigned key of the frontend. */
static int xibb_read_fe_uint(struct xibb_guest *guest, const char *key,
			     unsigned int *val)
{
	struct xenbus_device *dev = guest->xbdev;

	if (xenbus_scanf(XBT_NIL, guest->fe_path, key, "%u", val) != 1) {
		xenbus_dev_fatal(dev, -EINVAL, "reading %s/%s", guest->fe_path,
				 key);
		return -EINVAL;
	}
	return 0;
}

/**
 * xibb_guest_connect() - map the frontend's rings and bind its channels
 * @guest: the guest, disconnected
 *
 * Validates the keys the frontend wrote (version, ring-page-order,
 * ring-ref*, event-channel, event-channel-data, event-ring-ref), checks
 * that rdma-device exists, and starts servicing the control ring.  Errors
 * are reported with xenbus_dev_fatal() and undone by
 * xibb_guest_disconnect().
 *
 * Return: 0 or a negative errno.
 *
 * Context: process context (state_work, connect_work), may sleep.
 */
int xibb_guest_connect(struct xibb_guest *guest)
{
	struct xenbus_device *dev = guest->xbdev;
	grant_ref_t refs[1U << XEN_VIBIF_MAX_RING_PAGE_ORDER];
	unsigned int version, evtchn, data_evtchn, evt_ref;
	unsigned int nr_pages;
	void *addr;
	int err;

	mutex_lock(&guest->lock);
	if (guest->connected) {
		mutex_unlock(&guest->lock);
		return 0;
	}

	err = xibb_read_fe_uint(guest, XEN_VIBIF_FIELD_VERSION, &version);
	if (err)
		goto err_unlock;
	if (version != XEN_VIBIF_VERSION) {
		err = -EPROTONOSUPPORT;
		xenbus_dev_fatal(dev, err, "unsupported version %u", version);
		goto err_unlock;
	}
	err = xibb_read_ring_refs(guest, refs, &nr_pages);
	if (err)
		goto err_unlock;
	err = xibb_read_fe_uint(guest, XEN_VIBIF_FIELD_EVENT_CHANNEL, &evtchn);
	if (err)
		goto err_unlock;
	err = xibb_read_fe_uint(guest, XEN_VIBIF_FIELD_EVENT_CHANNEL_DATA,
				&data_evtchn);
	if (err)
		goto err_unlock;
	err = xibb_read_fe_uint(guest, XEN_VIBIF_FIELD_EVENT_RING_REF,
				&evt_ref);
	if (err)
		goto err_unlock;

	err = xibb_device_limits(guest);
	if (err) {
		xenbus_dev_fatal(dev, err, "rdma-device %s", guest->rdma_name);
		goto err_unlock;
	}

	/* Claimed like any mapping: distinct, never mapped again. */
	memcpy(guest->conn_refs, refs, nr_pages * sizeof(refs[0]));
	guest->conn_refs[nr_pages] = evt_ref;
	mutex_lock(&guest->obj_lock);
	err = xibb_gref_note(guest, guest->conn_refs, nr_pages + 1);
	mutex_unlock(&guest->obj_lock);
	if (err) {
		xenbus_dev_fatal(dev, err, "claiming ring-ref and event-ring-ref");
		goto err_unlock;
	}
	guest->n_conn_refs = nr_pages + 1;

	guest->stopping = false;
	guest->disabled = false;

	err = xenbus_map_ring_valloc(dev, refs, nr_pages, &addr);
	if (err)
		goto err_disconnect;
	guest->ring_addr = addr;
	guest->nr_ring_pages = nr_pages;
	BACK_RING_INIT(&guest->ring, (struct xen_vibif_cmd_sring *)addr,
		       XEN_PAGE_SIZE * nr_pages);

	err = xenbus_map_ring_valloc(dev, &evt_ref, 1, &addr);
	if (err)
		goto err_disconnect;
	spin_lock_irq(&guest->evt_lock);
	guest->evt_page = addr;
	guest->evt_prod = 0;
	guest->evt_broken = false;
	spin_unlock_irq(&guest->evt_lock);

	/*
	 * Binding an interdomain channel marks it pending, so the handler
	 * would run at once, before guest->irq is set: xibb_cmd_work()
	 * would then send its late EOI to no irq and leave the channel
	 * masked for good.  The irq stays disabled until the guest is
	 * complete (enable_irq() below).
	 */
	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, evtchn,
							    xibb_cmd_interrupt,
							    IRQF_NO_AUTOEN,
							    "xenib-back",
							    guest);
	if (err < 0) {
		xenbus_dev_fatal(dev, err, "binding event-channel %u", evtchn);
		goto err_disconnect;
	}
	guest->irq = err;

	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, data_evtchn,
							    xibb_engine_interrupt,
							    0, "xenib-back-data",
							    guest);
	if (err < 0) {
		xenbus_dev_fatal(dev, err, "binding event-channel-data %u",
				 data_evtchn);
		goto err_disconnect;
	}
	guest->data_irq = err;

	err = xibb_guest_attach_device(guest);
	if (err) {
		xenbus_dev_fatal(dev, err, "attaching to %s",
				 guest->rdma_name);
		goto err_disconnect;
	}

	err = xibb_engine_start(guest);
	if (err) {
		xenbus_dev_fatal(dev, err, "starting the data engine");
		goto err_disconnect;
	}

	guest->connected = true;
	atomic64_inc(&guest->stats.connects);
	/* An event that came while disabled is delivered now. */
	enable_irq(guest->irq);
	mutex_unlock(&guest->lock);

	/* Requests may already be waiting. */
	queue_work(xibb_wq, &guest->cmd_work);
	xibb_dbg(guest, "connected to %s port %u, %u ring pages\n",
		 guest->rdma_name, guest->rdma_port, nr_pages);
	return 0;

err_disconnect:
	atomic64_inc(&guest->stats.connect_errors);
	guest->connected = true;	/* let the teardown see the pieces */
	mutex_unlock(&guest->lock);
	xibb_guest_disconnect(guest);
	return err;

err_unlock:
	atomic64_inc(&guest->stats.connect_errors);
	mutex_unlock(&guest->lock);
	return err;
}

/**
 * xibb_guest_disconnect() - the one teardown of a guest's connection
 * @guest: the guest
 *
 * Stops servicing the ring and the data engine, destroys every object the
 * guest owns (QPs, SRQs, AHs, MRs, CQs, PDs, contexts, each unmapping its
 * guest pages), lets go of the real device, unbinds both event channels,
 * unmaps the rings and releases the claim on their grant references
 * (@guest->conn_refs in @guest->grefs, so a later connection may name them
 * again).  Idempotent, safe on half-built state, never waits for the guest.
 *
 * Context: process context, may sleep.
 */
void xibb_guest_disconnect(struct xibb_guest *guest)
{
	struct xenbus_device *dev = guest->xbdev;

	mutex_lock(&guest->lock);
	if (!guest->connected)
		goto out_unlock;

	/* The handler stops queueing work; the work stops requeueing. */
	WRITE_ONCE(guest->stopping, true);
	if (guest->irq > 0)
		synchronize_irq(guest->irq);
	cancel_work_sync(&guest->cmd_work);

	/* Before the queues are unmapped with their objects. */
	xibb_engine_stop(guest);

	/* Before the channels go: the shadows' handlers post events. */
	xibb_guest_release_device(guest, false);

	if (guest->data_irq > 0) {
		unbind_from_irqhandler(guest->data_irq, guest);
		guest->data_irq = 0;
	}
	if (guest->irq > 0) {
		unbind_from_irqhandler(guest->irq, guest);
		guest->irq = 0;
	}
	clear_bit(0, &guest->eoi_pending);
	guest->eoi_found = false;

	if (guest->evt_page) {
		void *page = guest->evt_page;

		spin_lock_irq(&guest->evt_lock);
		guest->evt_page = NULL;
		spin_unlock_irq(&guest->evt_lock);
		xenbus_unmap_ring_vfree(dev, page);
	}
	if (guest->ring_addr) {
		xenbus_unmap_ring_vfree(dev, guest->ring_addr);
		guest->ring_addr = NULL;
		memset(&guest->ring, 0, sizeof(guest->ring));
	}
	if (guest->n_conn_refs) {
		mutex_lock(&guest->obj_lock);
		xibb_gref_forget(guest, guest->conn_refs, guest->n_conn_refs);
		mutex_unlock(&guest->obj_lock);
		guest->n_conn_refs = 0;
	}
	guest->connected = false;
	xibb_dbg(guest, "disconnected\n");
out_unlock:
	mutex_unlock(&guest->lock);
}
