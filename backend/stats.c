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

/* A read-only sysfs file per counter of struct xibb_stats. */
#define XIBB_STAT_ATTR(name)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return xibb_stat_show(dev, buf,					\
			      offsetof(struct xibb_stats, name));	\
}									\
static DEVICE_ATTR_RO(name)

XIBB_STAT_ATTR(requests);
XIBB_STAT_ATTR(rejected);
XIBB_STAT_ATTR(failed);
XIBB_STAT_ATTR(kicks);
XIBB_STAT_ATTR(ring_errors);
XIBB_STAT_ATTR(events);
XIBB_STAT_ATTR(events_dropped);
XIBB_STAT_ATTR(wqes);
XIBB_STAT_ATTR(cqes);
XIBB_STAT_ATTR(wqe_errors);
XIBB_STAT_ATTR(bad_keys);
XIBB_STAT_ATTR(queue_errors);
XIBB_STAT_ATTR(reg_qp_resets);
XIBB_STAT_ATTR(gid_refused);
XIBB_STAT_ATTR(engine_passes);
XIBB_STAT_ATTR(engine_sleeps);
XIBB_STAT_ATTR(mem_refused);
XIBB_STAT_ATTR(dup_grefs);
XIBB_STAT_ATTR(map_refused);
XIBB_STAT_ATTR(spurious_kicks);
XIBB_STAT_ATTR(scan_cut);
XIBB_STAT_ATTR(scan_max);
XIBB_STAT_ATTR(connects);
XIBB_STAT_ATTR(connects_delayed);
XIBB_STAT_ATTR(connect_errors);

/*
 * Not counters: the Dom0 memory the guest's shadow objects take now and
 * may take (mem.c), KiB.
 */
static ssize_t mem_used_kib_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct xibb_guest *guest = dev_get_drvdata(dev);

	if (!guest)
		return -ENODEV;
	return sysfs_emit(buf, "%llu\n",
			  DIV_ROUND_UP_ULL(READ_ONCE(guest->mem_used), 1024));
}
static DEVICE_ATTR_RO(mem_used_kib);

static ssize_t mem_quota_kib_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct xibb_guest *guest = dev_get_drvdata(dev);

	if (!guest)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n", guest->quota.mem_kib);
}
static DEVICE_ATTR_RO(mem_quota_kib);

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
	&dev_attr_bad_keys.attr,
	&dev_attr_queue_errors.attr,
	&dev_attr_reg_qp_resets.attr,
	&dev_attr_gid_refused.attr,
	&dev_attr_engine_passes.attr,
	&dev_attr_engine_sleeps.attr,
	&dev_attr_mem_refused.attr,
	&dev_attr_dup_grefs.attr,
	&dev_attr_map_refused.attr,
	&dev_attr_spurious_kicks.attr,
	&dev_attr_scan_cut.attr,
	&dev_attr_scan_max.attr,
	&dev_attr_connects.attr,
	&dev_attr_connects_delayed.attr,
	&dev_attr_connect_errors.attr,
	&dev_attr_mem_used_kib.attr,
	&dev_attr_mem_quota_kib.attr,
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
