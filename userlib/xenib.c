// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * xenib.c - provider registration, device and context, queue buffers.
 *
 * Matching: the frontend's ib_device has driver id RDMA_DRIVER_UNKNOWN, so
 * libibverbs never matches it by id (init.c, match_driver_id()).  It tries
 * the table below in two ways: by name, "rdma_device:N<ibdev name>" against
 * VERBS_NAME_MATCH("xenib") (the frontend names its devices xenib%d); and
 * by <ibdev>/device/modalias, which for a device whose parent is the xenbus
 * device reads "xen:vib" (xenbus' modalias is "xen:<devicetype>").  The
 * modalias entry keeps matching if the device is renamed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xenib.h"

static void xenib_free_context(struct ibv_context *ibctx);

/*
 * Multicast is a plain command; a frontend without it (the backend's
 * device has none) answers EOPNOTSUPP, as ib_core does natively.
 */
static const struct verbs_context_ops xenib_ctx_ops = {
	.alloc_pd = xenib_alloc_pd,
	.attach_mcast = ibv_cmd_attach_mcast,
	.create_ah = xenib_create_ah,
	.create_cq = xenib_create_cq,
	.create_cq_ex = xenib_create_cq_ex,
	.create_qp = xenib_create_qp,
	.create_qp_ex = xenib_create_qp_ex,
	.dealloc_pd = xenib_dealloc_pd,
	.dereg_mr = xenib_dereg_mr,
	.destroy_ah = xenib_destroy_ah,
	.destroy_cq = xenib_destroy_cq,
	.destroy_qp = xenib_destroy_qp,
	.detach_mcast = ibv_cmd_detach_mcast,
	.free_context = xenib_free_context,
	.modify_qp = xenib_modify_qp,
	.poll_cq = xenib_poll_cq,
	.post_recv = xenib_post_recv,
	.post_send = xenib_post_send,
	.query_device_ex = xenib_query_device,
	.query_port = xenib_query_port,
	.query_qp = xenib_query_qp,
	.reg_mr = xenib_reg_mr,
	.req_notify_cq = xenib_req_notify_cq,
	.resize_cq = xenib_resize_cq,
};

/* Installed only if the device offers SRQs (max_srq > 0). */
static const struct verbs_context_ops xenib_srq_ops = {
	.create_srq = xenib_create_srq,
	.create_srq_ex = xenib_create_srq_ex,
	.destroy_srq = xenib_destroy_srq,
	.modify_srq = xenib_modify_srq,
	.post_srq_recv = xenib_post_srq_recv,
	.query_srq = xenib_query_srq,
};

/*
 * A queue buffer: 2^log_nslots slots of 2^slot_shift octets after the queue
 * header, rounded up to whole pages, page-aligned and zeroed (anonymous
 * mmap), and kept out of fork() children like every provider's queues:
 * the frontend pins these pages and grants them to the backend.
 */
int xenib_alloc_buf(struct xenib_buf *buf, uint32_t log_nslots,
		    uint32_t slot_shift)
{
	size_t page = sysconf(_SC_PAGESIZE);
	int ret;

	buf->length = (xenib_queue_bytes(log_nslots, slot_shift) + page - 1) &
		~(page - 1);
	buf->addr = mmap(NULL, buf->length, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf->addr == MAP_FAILED) {
		buf->addr = NULL;
		return errno;
	}
	ret = ibv_dontfork_range(buf->addr, buf->length);
	if (ret) {
		munmap(buf->addr, buf->length);
		buf->addr = NULL;
	}
	return ret;
}

void xenib_free_buf(struct xenib_buf *buf)
{
	if (!buf->addr)
		return;
	ibv_dofork_range(buf->addr, buf->length);
	munmap(buf->addr, buf->length);
	buf->addr = NULL;
}

static uint32_t clamp(uint32_t v, uint32_t max)
{
	return v < max ? v : max;
}

/* Takes the frontend's limits, refusing what this ABI cannot mean. */
static int xenib_init_limits(struct xenib_context *ctx,
			     const struct uxenib_alloc_ucontext_resp *resp)
{
	if (resp->abi_version != XENIB_UVERBS_ABI_VERSION ||
	    resp->db_size != XENIB_DB_PAGE_SIZE ||
	    resp->sq_wqe_shift_max < XENIB_SQ_WQE_SHIFT_MIN ||
	    resp->rq_wqe_shift_max < XENIB_RQ_WQE_SHIFT_MIN ||
	    !resp->num_db) {
		verbs_err(&ctx->ibv_ctx,
			  "xenib: bad ALLOC_UCONTEXT response (abi %u, db_size %u, shifts %u/%u, num_db %u)\n",
			  resp->abi_version, resp->db_size,
			  resp->sq_wqe_shift_max, resp->rq_wqe_shift_max,
			  resp->num_db);
		return EPROTO;
	}
	ctx->db_size = resp->db_size;
	ctx->max_inline_data = resp->max_inline_data;
	ctx->max_send_sge = resp->max_send_sge;
	ctx->max_recv_sge = resp->max_recv_sge;
	ctx->sq_wqe_shift_max = clamp(resp->sq_wqe_shift_max,
				      XENIB_SQ_WQE_SHIFT_MAX);
	ctx->rq_wqe_shift_max = clamp(resp->rq_wqe_shift_max,
				      XENIB_RQ_WQE_SHIFT_MAX);
	ctx->num_db = clamp(resp->num_db, XENIB_DB_BITS);
	ctx->max_log_nslots = clamp(resp->max_log_nslots, XENIB_MAX_LOG_NSLOTS);
	return 0;
}

/* SRQ verbs only if the device has SRQs (STYLE: optional ops apart). */
static int xenib_set_optional_ops(struct xenib_context *ctx)
{
	struct ib_uverbs_ex_query_device_resp resp;
	size_t resp_size = sizeof(resp);
	struct ibv_device_attr_ex attr = {};
	int ret;

	ret = ibv_cmd_query_device_any(&ctx->ibv_ctx.context, NULL, &attr,
				       sizeof(attr), &resp, &resp_size);
	if (ret)
		return ret;
	if (attr.orig_attr.max_srq > 0)
		verbs_set_ops(&ctx->ibv_ctx, &xenib_srq_ops);
	return 0;
}

static struct verbs_context *xenib_alloc_context(struct ibv_device *ibdev,
						 int cmd_fd,
						 void *private_data XENIB_UNUSED)
{
	struct uxenib_alloc_ucontext_resp resp = {};
	struct ibv_get_context cmd = {};
	struct xenib_context *ctx;
	void *db;
	int ret;

	ctx = verbs_init_and_alloc_context(ibdev, cmd_fd, ctx, ibv_ctx,
					   RDMA_DRIVER_UNKNOWN);
	if (!ctx)
		return NULL;

	ret = ibv_cmd_get_context(&ctx->ibv_ctx, &cmd, sizeof(cmd),
				  &resp.ibv_resp, sizeof(resp));
	if (ret)
		goto err_uninit;
	ret = xenib_init_limits(ctx, &resp);
	if (ret)
		goto err_uninit;

	db = mmap(NULL, ctx->db_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		  cmd_fd, resp.db_mmap_offset);
	if (db == MAP_FAILED) {
		ret = errno;
		verbs_err(&ctx->ibv_ctx, "xenib: cannot map the doorbell page: %s\n",
			  strerror(ret));
		goto err_uninit;
	}
	ctx->db = db;

	verbs_set_ops(&ctx->ibv_ctx, &xenib_ctx_ops);
	ret = xenib_set_optional_ops(ctx);
	if (ret)
		goto err_unmap;
	return &ctx->ibv_ctx;

err_unmap:
	munmap(ctx->db, ctx->db_size);
err_uninit:
	verbs_uninit_context(&ctx->ibv_ctx);
	free(ctx);
	errno = ret;
	return NULL;
}

static void xenib_free_context(struct ibv_context *ibctx)
{
	struct xenib_context *ctx = to_xctx(ibctx);

	munmap(ctx->db, ctx->db_size);
	verbs_uninit_context(&ctx->ibv_ctx);
	free(ctx);
}

static struct verbs_device *xenib_device_alloc(struct verbs_sysfs_dev *sysfs_dev)
{
	struct xenib_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return NULL;
	dev->abi_version = sysfs_dev->abi_ver;
	return &dev->ibv_dev;
}

static void xenib_uninit_device(struct verbs_device *verbs_device)
{
	free(to_xdev(&verbs_device->device));
}

static const struct verbs_match_ent xenib_match_table[] = {
	VERBS_NAME_MATCH("xenib", NULL),
	VERBS_MODALIAS_MATCH("xen:vib", NULL),
	{}
};

static const struct verbs_device_ops xenib_dev_ops = {
	.name = "xenib",
	.match_min_abi_version = XENIB_UVERBS_ABI_VERSION,
	.match_max_abi_version = XENIB_UVERBS_ABI_VERSION,
	.match_table = xenib_match_table,
	.alloc_device = xenib_device_alloc,
	.uninit_device = xenib_uninit_device,
	.alloc_context = xenib_alloc_context,
};

PROVIDER_DRIVER(xenib, xenib_dev_ops);
