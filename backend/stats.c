// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: per-guest counters in sysfs, as blkback's "statistics"
 * group: /sys/bus/xen-backend/devices/vib-<domid>-<devid>/statistics/.
 * "xenib stats" reads them.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/device.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>
#include <xen/xenbus.h>

/* Prints the counter at octet @off of struct xibb_stats. */
static ssize_t xibb_stat_show(struct device *dev, char *buf, size_t off)
{
	struct xibb_guest *guest = dev_get_drvdata(dev);
	atomic64_t *ctr;

	if (!guest)
		return -ENODEV;
	ctr = (atomic64_t *)((char *)&guest->stats + off);
	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(ctr));
}

static ssize_t requests_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, requests));
}
static DEVICE_ATTR_RO(requests);

static ssize_t rejected_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, rejected));
}
static DEVICE_ATTR_RO(rejected);

static ssize_t failed_show(struct device *dev,
			   struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, failed));
}
static DEVICE_ATTR_RO(failed);

static ssize_t kicks_show(struct device *dev,
			  struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, kicks));
}
static DEVICE_ATTR_RO(kicks);

static ssize_t ring_errors_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf,
			      offsetof(struct xibb_stats, ring_errors));
}
static DEVICE_ATTR_RO(ring_errors);

static ssize_t events_show(struct device *dev,
			   struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, events));
}
static DEVICE_ATTR_RO(events);

static ssize_t events_dropped_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf,
			      offsetof(struct xibb_stats, events_dropped));
}
static DEVICE_ATTR_RO(events_dropped);

static ssize_t wqes_show(struct device *dev,
			 struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, wqes));
}
static DEVICE_ATTR_RO(wqes);

static ssize_t cqes_show(struct device *dev,
			 struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf, offsetof(struct xibb_stats, cqes));
}
static DEVICE_ATTR_RO(cqes);

static ssize_t wqe_errors_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf,
			      offsetof(struct xibb_stats, wqe_errors));
}
static DEVICE_ATTR_RO(wqe_errors);

static ssize_t queue_errors_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf,
			      offsetof(struct xibb_stats, queue_errors));
}
static DEVICE_ATTR_RO(queue_errors);

static ssize_t engine_passes_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf,
			      offsetof(struct xibb_stats, engine_passes));
}
static DEVICE_ATTR_RO(engine_passes);

static ssize_t engine_sleeps_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return xibb_stat_show(dev, buf,
			      offsetof(struct xibb_stats, engine_sleeps));
}
static DEVICE_ATTR_RO(engine_sleeps);

static struct attribute *xibb_stat_attrs[] = {
	&dev_attr_requests.attr,
	&dev_attr_rejected.attr,
	&dev_attr_failed.attr,
	&dev_attr_kicks.attr,
	&dev_attr_ring_errors.attr,
	&dev_attr_events.attr,
	&dev_attr_events_dropped.attr,
	&dev_attr_wqes.attr,
	&dev_attr_cqes.attr,
	&dev_attr_wqe_errors.attr,
	&dev_attr_queue_errors.attr,
	&dev_attr_engine_passes.attr,
	&dev_attr_engine_sleeps.attr,
	NULL
};

static const struct attribute_group xibb_stat_group = {
	.name = "statistics",
	.attrs = xibb_stat_attrs,
};

/* The xenbus device's sysfs groups, created by the driver core. */
const struct attribute_group *xibb_groups[] = {
	&xibb_stat_group,
	NULL
};
