// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: the frontend's counters (struct xibf_stats) as the
 * ib_device's hw counters, where the RDMA core shows every driver's:
 * /sys/class/infiniband/xenibN/hw_counters/ and "rdma statistic show".
 * The backend's own counters of the same guest are in Dom0 ("xenib stats").
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <rdma/ib_verbs.h>

enum {
	XIBF_CTR_REQUESTS,
	XIBF_CTR_RESPONSES,
	XIBF_CTR_RESPONSES_DROPPED,
	XIBF_CTR_TIMEOUTS,
	XIBF_CTR_EVENTS,
	XIBF_CTR_EVENTS_DROPPED,
	XIBF_CTR_KICKS,
	XIBF_CTR_COUNT,
};

static const struct rdma_stat_desc xibf_ctr_descs[XIBF_CTR_COUNT] = {
	[XIBF_CTR_REQUESTS].name = "ctrl_requests",
	[XIBF_CTR_RESPONSES].name = "ctrl_responses",
	[XIBF_CTR_RESPONSES_DROPPED].name = "ctrl_responses_dropped",
	[XIBF_CTR_TIMEOUTS].name = "ctrl_timeouts",
	[XIBF_CTR_EVENTS].name = "events",
	[XIBF_CTR_EVENTS_DROPPED].name = "events_dropped",
	[XIBF_CTR_KICKS].name = "kicks",
};

static struct rdma_hw_stats *xibf_alloc_hw_device_stats(struct ib_device *ibdev)
{
	return rdma_alloc_hw_stats_struct(xibf_ctr_descs, XIBF_CTR_COUNT,
					  RDMA_HW_STATS_DEFAULT_LIFESPAN);
}

static int xibf_get_hw_stats(struct ib_device *ibdev,
			     struct rdma_hw_stats *stats, u32 port, int index)
{
	const struct xibf_stats *s = &to_xdev(ibdev)->stats;

	stats->value[XIBF_CTR_REQUESTS] = atomic64_read(&s->requests);
	stats->value[XIBF_CTR_RESPONSES] = atomic64_read(&s->responses);
	stats->value[XIBF_CTR_RESPONSES_DROPPED] =
		atomic64_read(&s->responses_dropped);
	stats->value[XIBF_CTR_TIMEOUTS] = atomic64_read(&s->timeouts);
	stats->value[XIBF_CTR_EVENTS] = atomic64_read(&s->events);
	stats->value[XIBF_CTR_EVENTS_DROPPED] =
		atomic64_read(&s->events_dropped);
	stats->value[XIBF_CTR_KICKS] = atomic64_read(&s->kicks);
	return XIBF_CTR_COUNT;
}

/* Installed on every xenib device with the verbs (device.c). */
const struct ib_device_ops xibf_counter_ops = {
	.alloc_hw_device_stats = xibf_alloc_hw_device_stats,
	.get_hw_stats = xibf_get_hw_stats,
};
