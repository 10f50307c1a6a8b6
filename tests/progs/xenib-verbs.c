// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-verbs: the verbs surface of a device, case by case, in a form that
 * can be compared between devices.  The lab suite runs it on rxe0 natively
 * in Dom0 and on xenib0 in a guest and compares the "case" lines: whatever
 * the native device accepts and does, xenib0 must accept and do the same.
 *
 * Every case prints one line "case NAME: RESULT" where RESULT holds no
 * device-specific value (no keys, QP numbers, addresses or limits): "ok",
 * "errno ENAME", a completion as "wc STATUS OPCODE ...", an async event,
 * and so on.  Device limits are used, never printed on case lines (they
 * are printed as "info:" lines).  Data that a successful operation moved
 * is checked here (a mismatch is a FAIL, counted in the last line).
 *
 * All traffic is loopback: two QPs of this process connected to each other
 * through the port's own GID (-g), so one process per device is enough.
 *
 *   xenib-verbs -d DEV [-g GID_INDEX] [-c CASE_PREFIX] [-t SECONDS]
 *
 * Last line "N passed, N failed" (the internal checks); exit status 0 if
 * none failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "common.h"

#define BUF_SIZE	(64 * 1024)
#define POLL_MS		5000

static struct ibv_context *ctx;
static struct ibv_device_attr_ex dattr;
static struct ibv_port_attr pattr;
static struct xt_port port;
static struct ibv_pd *pd;
static const char *only;

/* ---- output --------------------------------------------------------- */

static void out(const char *name, const char *fmt, ...)
	XT_ATTR_PRINTF(2, 3);

static void out(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("case %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* "ok" or "errno ENAME": the canonical result of a call. */
static const char *res(int err)
{
	static char buf[8][48];
	static unsigned int n;
	char *b = buf[n++ % 8];
	const char *name;

	if (!err)
		return "ok";
	name = strerrorname_np(err);
	snprintf(b, sizeof(buf[0]), "errno %s", name ? name : "?");
	return b;
}

/* errno of a call that returned NULL (0 if it returned an object). */
static int ptr_err(const void *p)
{
	return p ? 0 : (errno ? errno : EINVAL);
}

static int mtu_num(enum ibv_mtu m)
{
	return m >= IBV_MTU_256 && m <= IBV_MTU_4096 ? 128 << m : 0;
}

static const char *wc_op_str(enum ibv_wc_opcode op)
{
	switch (op) {
	case IBV_WC_SEND: return "SEND";
	case IBV_WC_RDMA_WRITE: return "RDMA_WRITE";
	case IBV_WC_RDMA_READ: return "RDMA_READ";
	case IBV_WC_COMP_SWAP: return "COMP_SWAP";
	case IBV_WC_FETCH_ADD: return "FETCH_ADD";
	case IBV_WC_BIND_MW: return "BIND_MW";
	case IBV_WC_LOCAL_INV: return "LOCAL_INV";
	case IBV_WC_RECV: return "RECV";
	case IBV_WC_RECV_RDMA_WITH_IMM: return "RECV_RDMA_WITH_IMM";
	default: return "?";
	}
}

/* A completion without its device-specific fields. */
static const char *wc_str(const struct ibv_wc *wc)
{
	static char buf[4][128];
	static unsigned int n;
	char *b = buf[n++ % 4];

	snprintf(b, sizeof(buf[0]), "wc %s %s", ibv_wc_status_str(wc->status),
		 wc->status == IBV_WC_SUCCESS ? wc_op_str(wc->opcode) : "-");
	return b;
}

/* ---- objects -------------------------------------------------------- */

struct mr {
	char *buf;
	struct ibv_mr *mr;
};

static int mr_get(struct mr *m, size_t len, int access)
{
	m->buf = aligned_alloc(4096, len);
	if (!m->buf)
		return ENOMEM;
	memset(m->buf, 0, len);
	m->mr = ibv_reg_mr(pd, m->buf, len, access);
	if (!m->mr) {
		int e = ptr_err(NULL);

		free(m->buf);
		m->buf = NULL;
		return e;
	}
	return 0;
}

static void mr_put(struct mr *m)
{
	if (m->mr)
		ibv_dereg_mr(m->mr);
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/* Two QPs of one type connected to each other, one CQ, one MR. */
struct pair {
	struct ibv_cq *cq;
	struct ibv_cq_ex *cqx;
	struct ibv_srq *srq;
	struct ibv_qp *a, *b;
	struct mr m;
};

struct pair_opts {
	enum ibv_qp_type type;
	bool cq_ex;		/* the CQ by ibv_create_cq_ex() */
	bool srq;		/* both QPs receive from one SRQ */
	uint64_t send_ops;	/* ibv_create_qp_ex() with these send ops */
	uint32_t max_inline;
	uint32_t max_send_sge, max_recv_sge;
};

static struct ibv_qp *qp_make(struct pair *p, const struct pair_opts *o)
{
	struct ibv_qp_init_attr_ex ia = {};

	ia.qp_type = o->type;
	ia.send_cq = p->cq;
	ia.recv_cq = p->cq;
	ia.srq = p->srq;
	ia.cap.max_send_wr = 64;
	ia.cap.max_recv_wr = p->srq ? 0 : 64;
	ia.cap.max_send_sge = o->max_send_sge ? o->max_send_sge : 2;
	ia.cap.max_recv_sge = o->max_recv_sge ? o->max_recv_sge : 2;
	ia.cap.max_inline_data = o->max_inline;
	ia.comp_mask = IBV_QP_INIT_ATTR_PD;
	ia.pd = pd;
	if (o->send_ops) {
		ia.comp_mask |= IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
		ia.send_ops_flags = o->send_ops;
	}
	return ibv_create_qp_ex(ctx, &ia);
}

static int qp_connect(struct ibv_qp *qp, struct ibv_qp *peer)
{
	struct xt_dest d = {
		.qpn = peer->qp_num, .psn = 0, .lid = port.lid,
		.gid = port.gid, .mtu = port.mtu,
	};
	struct ibv_qp_attr a = { .qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				 IBV_ACCESS_REMOTE_READ |
				 IBV_ACCESS_REMOTE_ATOMIC };
	int ret;

	ret = xt_qp_connect(qp, &port, &d, 0);
	/* RC may do atomics too (xt_qp_init() gives read and write). */
	if (!ret && qp->qp_type == IBV_QPT_RC)
		ret = ibv_modify_qp(qp, &a, IBV_QP_ACCESS_FLAGS);
	return ret;
}

static void pair_put(struct pair *p)
{
	if (p->a)
		ibv_destroy_qp(p->a);
	if (p->b)
		ibv_destroy_qp(p->b);
	if (p->srq)
		ibv_destroy_srq(p->srq);
	if (p->cq)
		ibv_destroy_cq(p->cq);
	mr_put(&p->m);
	memset(p, 0, sizeof(*p));
}

static int pair_get(struct pair *p, const struct pair_opts *o)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (o->cq_ex) {
		struct ibv_cq_init_attr_ex ca = {
			.cqe = 256,
			.wc_flags = IBV_WC_EX_WITH_BYTE_LEN |
				    IBV_WC_EX_WITH_IMM | IBV_WC_EX_WITH_QP_NUM |
				    IBV_WC_EX_WITH_SRC_QP,
		};

		p->cqx = ibv_create_cq_ex(ctx, &ca);
		if (!p->cqx)
			return ptr_err(NULL);
		p->cq = ibv_cq_ex_to_cq(p->cqx);
	} else {
		p->cq = ibv_create_cq(ctx, 256, NULL, NULL, 0);
		if (!p->cq)
			return ptr_err(NULL);
	}
	if (o->srq) {
		struct ibv_srq_init_attr sa = { .attr = { .max_wr = 64,
							   .max_sge = 2 } };

		p->srq = ibv_create_srq(pd, &sa);
		if (!p->srq) {
			ret = ptr_err(NULL);
			goto err;
		}
	}
	ret = mr_get(&p->m, BUF_SIZE, IBV_ACCESS_LOCAL_WRITE |
		     IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
		     IBV_ACCESS_REMOTE_ATOMIC);
	if (ret)
		goto err;
	p->a = qp_make(p, o);
	if (!p->a) {
		ret = ptr_err(NULL);
		goto err;
	}
	p->b = qp_make(p, o);
	if (!p->b) {
		ret = ptr_err(NULL);
		goto err;
	}
	if (o->type == IBV_QPT_UD) {
		ret = xt_qp_connect(p->a, &port, &(struct xt_dest){ 0 }, 0);
		if (!ret)
			ret = xt_qp_connect(p->b, &port, &(struct xt_dest){ 0 }, 0);
	} else {
		ret = qp_connect(p->a, p->b);
		if (!ret)
			ret = qp_connect(p->b, p->a);
	}
	if (ret)
		goto err;
	return 0;
err:
	pair_put(p);
	return ret;
}

static int post_recv(struct ibv_qp *qp, struct ibv_srq *srq, uint64_t wr_id,
		     void *addr, uint32_t len, uint32_t lkey)
{
	struct ibv_sge sge = { (uintptr_t)addr, len, lkey };
	struct ibv_recv_wr wr = { .wr_id = wr_id, .sg_list = &sge,
				  .num_sge = 1 }, *bad;

	return srq ? ibv_post_srq_recv(srq, &wr, &bad) :
		     ibv_post_recv(qp, &wr, &bad);
}

static int post_send(struct ibv_qp *qp, struct ibv_send_wr *wr)
{
	struct ibv_send_wr *bad;

	return ibv_post_send(qp, wr, &bad);
}

/* The next completion, or a status string for none. */
static int poll_one(struct ibv_cq *cq, struct ibv_wc *wc)
{
	int n = xt_poll_cq(cq, wc, POLL_MS);

	if (n <= 0) {
		memset(wc, 0, sizeof(*wc));
		wc->status = (enum ibv_wc_status)-1;
	}
	return n;
}

static const char *poll_str(struct ibv_cq *cq, struct ibv_wc *wc)
{
	if (poll_one(cq, wc) <= 0)
		return "no completion";
	return wc_str(wc);
}

/* Polls @n completions and describes them in wr_id order. */
static const char *poll_n(struct ibv_cq *cq, int n, struct ibv_wc *wcs)
{
	static char buf[512];
	size_t off = 0;
	int i, j;

	for (i = 0; i < n; i++)
		if (poll_one(cq, &wcs[i]) <= 0)
			return "missing completions";
	for (i = 0; i < n; i++)	/* sort by wr_id, insertion */
		for (j = i; j > 0 && wcs[j - 1].wr_id > wcs[j].wr_id; j--) {
			struct ibv_wc t = wcs[j];

			wcs[j] = wcs[j - 1];
			wcs[j - 1] = t;
		}
	buf[0] = 0;
	for (i = 0; i < n && off < sizeof(buf) - 64; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? "; " : "",
				wc_str(&wcs[i]));
	return buf;
}

/* No completion within @ms (as expected after an error, for example). */
static bool cq_quiet(struct ibv_cq *cq, unsigned int ms)
{
	struct ibv_wc wc;

	return xt_poll_cq(cq, &wc, ms) == 0;
}

/*
 * The next async event before @end (xt_now_us() time): its type and QP
 * (NULL unless a QP event) in @type and @qp; -1 if none came.
 */
static int next_event(double end, int *type, struct ibv_qp **qp)
{
	struct ibv_async_event ev;
	struct pollfd pfd = { .fd = ctx->async_fd, .events = POLLIN };
	int left = (int)((end - xt_now_us()) / 1e3);

	if (left <= 0 || poll(&pfd, 1, left) <= 0 ||
	    ibv_get_async_event(ctx, &ev))
		return -1;
	*type = ev.event_type;
	switch (ev.event_type) {
	case IBV_EVENT_QP_FATAL:
	case IBV_EVENT_QP_REQ_ERR:
	case IBV_EVENT_QP_ACCESS_ERR:
	case IBV_EVENT_COMM_EST:
	case IBV_EVENT_SQ_DRAINED:
	case IBV_EVENT_PATH_MIG:
	case IBV_EVENT_PATH_MIG_ERR:
	case IBV_EVENT_QP_LAST_WQE_REACHED:
		*qp = ev.element.qp;
		break;
	default:
		*qp = NULL;
	}
	ibv_ack_async_event(&ev);
	return 0;
}

/* Waits for one async event of type @want; its type (or -1). */
static int async_event(unsigned int ms, enum ibv_event_type want)
{
	double end = xt_now_us() + ms * 1e3;
	struct ibv_qp *qp;
	int type;

	while (!next_event(end, &type, &qp))
		if (type == (int)want)
			return type;
	return -1;
}

/* Counts the async events of type @want on @qp within @ms. */
static int async_events(unsigned int ms, enum ibv_event_type want,
			struct ibv_qp *qp)
{
	double end = xt_now_us() + ms * 1e3;
	struct ibv_qp *evqp;
	int type, n = 0;

	while (!next_event(end, &type, &evqp))
		if (type == (int)want && evqp == qp)
			n++;
	return n;
}

/* ---- A: device and port ----------------------------------------------- */

static void case_device(void)
{
	static const struct { uint64_t bit; const char *name; } caps[] = {
		{ IBV_DEVICE_RESIZE_MAX_WR, "RESIZE_MAX_WR" },
		{ IBV_DEVICE_BAD_PKEY_CNTR, "BAD_PKEY_CNTR" },
		{ IBV_DEVICE_BAD_QKEY_CNTR, "BAD_QKEY_CNTR" },
		{ IBV_DEVICE_RAW_MULTI, "RAW_MULTI" },
		{ IBV_DEVICE_AUTO_PATH_MIG, "AUTO_PATH_MIG" },
		{ IBV_DEVICE_CHANGE_PHY_PORT, "CHANGE_PHY_PORT" },
		{ IBV_DEVICE_UD_AV_PORT_ENFORCE, "UD_AV_PORT_ENFORCE" },
		{ IBV_DEVICE_CURR_QP_STATE_MOD, "CURR_QP_STATE_MOD" },
		{ IBV_DEVICE_SHUTDOWN_PORT, "SHUTDOWN_PORT" },
		{ IBV_DEVICE_INIT_TYPE, "INIT_TYPE" },
		{ IBV_DEVICE_PORT_ACTIVE_EVENT, "PORT_ACTIVE_EVENT" },
		{ IBV_DEVICE_SYS_IMAGE_GUID, "SYS_IMAGE_GUID" },
		{ IBV_DEVICE_RC_RNR_NAK_GEN, "RC_RNR_NAK_GEN" },
		{ IBV_DEVICE_SRQ_RESIZE, "SRQ_RESIZE" },
		{ IBV_DEVICE_N_NOTIFY_CQ, "N_NOTIFY_CQ" },
		{ IBV_DEVICE_MEM_WINDOW, "MEM_WINDOW" },
		{ IBV_DEVICE_UD_IP_CSUM, "UD_IP_CSUM" },
		{ IBV_DEVICE_XRC, "XRC" },
		{ IBV_DEVICE_MEM_MGT_EXTENSIONS, "MEM_MGT_EXTENSIONS" },
		{ IBV_DEVICE_MEM_WINDOW_TYPE_2A, "MEM_WINDOW_TYPE_2A" },
		{ IBV_DEVICE_MEM_WINDOW_TYPE_2B, "MEM_WINDOW_TYPE_2B" },
		{ IBV_DEVICE_RC_IP_CSUM, "RC_IP_CSUM" },
		{ IBV_DEVICE_MANAGED_FLOW_STEERING, "MANAGED_FLOW_STEERING" },
	};
	const struct ibv_device_attr *a = &dattr.orig_attr;
	char buf[512] = "";
	size_t i, off = 0;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (a->device_cap_flags & caps[i].bit)
			off += snprintf(buf + off, sizeof(buf) - off, " %s",
					caps[i].name);
	out("device.cap_flags", "%s", off ? buf + 1 : "none");
	out("device.atomic_cap", "%s", a->atomic_cap == IBV_ATOMIC_NONE ?
	    "NONE" : a->atomic_cap == IBV_ATOMIC_HCA ? "HCA" : "GLOB");
	out("device.phys_port_cnt", "%u", a->phys_port_cnt);
	out("device.limits", "%s", a->max_qp > 0 && a->max_qp_wr > 0 &&
	    a->max_sge > 1 && a->max_cq > 0 && a->max_cqe > 0 &&
	    a->max_mr > 0 && a->max_pd > 0 && a->max_qp_rd_atom > 0 &&
	    a->max_qp_init_rd_atom > 0 ? "all non-zero" : "some zero");
	out("device.srq", "%s", a->max_srq > 0 && a->max_srq_wr > 0 &&
	    a->max_srq_sge > 0 ? "yes" : "no");
	out("device.max_mw", "%s", a->max_mw ? "non-zero" : "0");
	out("device.odp", "%s", dattr.odp_caps.general_caps ? "yes" : "no");
	out("device.completion_timestamp", "%s",
	    dattr.completion_timestamp_mask ? "yes" : "no");
	printf("info: max_qp %d max_qp_wr %d max_sge %d max_cqe %d max_mr %d max_srq_wr %d max_qp_rd_atom %d max_mr_size 0x%llx\n",
	       a->max_qp, a->max_qp_wr, a->max_sge, a->max_cqe, a->max_mr,
	       a->max_srq_wr, a->max_qp_rd_atom,
	       (unsigned long long)a->max_mr_size);
}

static void case_port(void)
{
	struct ibv_gid_entry ge;
	int ret;

	out("port.state", "%s", ibv_port_state_str(pattr.state));
	out("port.link_layer", "%s", xt_link_layer_str(pattr.link_layer));
	out("port.active_mtu", "%d", mtu_num(pattr.active_mtu));
	out("port.max_mtu", "%d", mtu_num(pattr.max_mtu));
	out("port.lid", "%s", pattr.link_layer == IBV_LINK_LAYER_ETHERNET ?
	    (pattr.lid ? "set" : "0") : (pattr.lid ? "set" : "0"));
	out("port.gid_tbl_len", "%s", pattr.gid_tbl_len > 0 ? "non-zero" : "0");
	out("port.pkey_tbl_len", "%s", pattr.pkey_tbl_len > 0 ? "non-zero" : "0");
	ret = ibv_query_gid_ex(ctx, port.num, port.gid_idx, &ge, 0);
	out("port.gid_type", "%s", ret ? res(ret) :
	    ge.gid_type == IBV_GID_TYPE_ROCE_V2 ? "RoCE v2" :
	    ge.gid_type == IBV_GID_TYPE_ROCE_V1 ? "RoCE v1" : "IB");
	{
		uint16_t pkey;

		ret = ibv_query_pkey(ctx, port.num, 0, &pkey);
		out("port.pkey0", "%s", ret ? res(ret) : "ok");
	}
}

/* ---- B: completion queues ------------------------------------------- */

/* Creates a CQ, prints the result, destroys it again. */
static void try_cq(const char *name, int cqe, int vector)
{
	struct ibv_cq *cq;

	errno = 0;
	cq = ibv_create_cq(ctx, cqe, NULL, NULL, vector);
	out(name, "%s", res(ptr_err(cq)));
	if (cq)
		ibv_destroy_cq(cq);
}

static void case_cq(void)
{
	int max = dattr.orig_attr.max_cqe;
	struct ibv_cq *cq;

	cq = ibv_create_cq(ctx, max, NULL, NULL, 0);
	out("cq.create_max_cqe", "%s", res(ptr_err(cq)));
	if (cq) {
		out("cq.create_max_cqe.size", "%s", cq->cqe >= max ? ">= asked" : "< asked");
		ibv_destroy_cq(cq);
	}
	try_cq("cq.create_above_max_cqe", max + 1, 0);
	try_cq("cq.create_0", 0, 0);
	try_cq("cq.create_1", 1, 0);
	try_cq("cq.create_bad_vector", 16, dattr.orig_attr.phys_port_cnt ?
			   ctx->num_comp_vectors : 0);

	/* resize, empty */
	cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	if (!cq) {
		out("cq.resize", "setup %s", res(ptr_err(NULL)));
		return;
	}
	{
		int r = ibv_resize_cq(cq, 64);

		out("cq.resize_grow", "%s", res(r));
		if (!r)
			out("cq.resize_grow.size", "%s", cq->cqe >= 64 ? ">= asked" : "< asked");
		r = ibv_resize_cq(cq, 8);
		out("cq.resize_shrink", "%s", res(r));
		r = ibv_resize_cq(cq, max + 1);
		out("cq.resize_above_max_cqe", "%s", res(r));
		r = ibv_resize_cq(cq, max);
		out("cq.resize_max_cqe", "%s", res(r));
		r = ibv_resize_cq(cq, 0);
		out("cq.resize_0", "%s", res(r));
	}
	ibv_destroy_cq(cq);
}

/* Resizing a CQ that holds completions keeps them, in order. */
static void case_cq_resize_full(void)
{
	struct pair_opts o = { .type = IBV_QPT_RC };
	struct ibv_send_wr wr = {};
	struct ibv_wc wc[8];
	struct pair p;
	int i, ret;

	ret = pair_get(&p, &o);
	if (ret) {
		out("cq.resize_with_cqes", "setup %s", res(ret));
		return;
	}
	for (i = 0; i < 4; i++)
		post_recv(p.b, NULL, 100 + i, p.m.buf + 4096 + i * 64, 64,
			  p.m.mr->lkey);
	for (i = 0; i < 4; i++) {
		struct ibv_sge sge = { (uintptr_t)p.m.buf + i * 16, 16,
				       p.m.mr->lkey };

		wr = (struct ibv_send_wr){ .wr_id = 200 + i, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_SEND,
			.send_flags = IBV_SEND_SIGNALED };
		post_send(p.a, &wr);
	}
	usleep(300000);	/* let all 8 completions land */
	for (i = 0; i < 50 && ibv_resize_cq(p.cq, 2) == EAGAIN; i++)
		;
	ret = ibv_resize_cq(p.cq, 2);
	out("cq.resize_below_outstanding", "%s", res(ret));
	ret = ibv_resize_cq(p.cq, 512);
	out("cq.resize_with_cqes", "%s", res(ret));
	out("cq.resize_with_cqes.cqes", "%s", poll_n(p.cq, 8, wc));
	pair_put(&p);
}

static void case_cq_ex(void)
{
	struct ibv_cq_init_attr_ex ca = { .cqe = 16 };
	struct pair_opts o = { .type = IBV_QPT_RC, .cq_ex = true };
	struct ibv_poll_cq_attr pa = {};
	struct ibv_cq_ex *cqx;
	struct pair p;
	char buf[512];
	size_t off = 0;
	int i, ret, n;

	ca.wc_flags = IBV_WC_EX_WITH_COMPLETION_TIMESTAMP;
	errno = 0;
	cqx = ibv_create_cq_ex(ctx, &ca);
	out("cq_ex.timestamp", "%s", res(ptr_err(cqx)));
	if (cqx)
		ibv_destroy_cq(ibv_cq_ex_to_cq(cqx));
	ca.wc_flags = IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_IMM |
		      IBV_WC_EX_WITH_QP_NUM | IBV_WC_EX_WITH_SRC_QP |
		      IBV_WC_EX_WITH_SLID | IBV_WC_EX_WITH_SL |
		      IBV_WC_EX_WITH_DLID_PATH_BITS;
	errno = 0;
	cqx = ibv_create_cq_ex(ctx, &ca);
	out("cq_ex.standard_flags", "%s", res(ptr_err(cqx)));
	if (cqx) {
		ret = ibv_start_poll(cqx, &pa);
		out("cq_ex.start_poll_empty", "%s", res(ret));
		if (!ret)
			ibv_end_poll(cqx);
		ibv_destroy_cq(ibv_cq_ex_to_cq(cqx));
	}
	ca.comp_mask = IBV_CQ_INIT_ATTR_MASK_FLAGS;
	ca.flags = IBV_CREATE_CQ_ATTR_SINGLE_THREADED;
	ca.wc_flags = IBV_WC_EX_WITH_BYTE_LEN;
	errno = 0;
	cqx = ibv_create_cq_ex(ctx, &ca);
	out("cq_ex.single_threaded", "%s", res(ptr_err(cqx)));
	if (cqx)
		ibv_destroy_cq(ibv_cq_ex_to_cq(cqx));

	/* Traffic polled with start/next/end_poll. */
	ret = pair_get(&p, &o);
	if (ret) {
		out("cq_ex.poll", "setup %s", res(ret));
		return;
	}
	for (i = 0; i < 3; i++)
		post_recv(p.b, NULL, 10 + i, p.m.buf + 8192 + i * 256, 256,
			  p.m.mr->lkey);
	for (i = 0; i < 3; i++) {
		struct ibv_sge sge = { (uintptr_t)p.m.buf + i * 64, 10 + i,
				       p.m.mr->lkey };
		struct ibv_send_wr wr = { .wr_id = 20 + i, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_SEND_WITH_IMM,
			.send_flags = IBV_SEND_SIGNALED,
			.imm_data = htobe32(0x1000 + i) };

		post_send(p.a, &wr);
	}
	n = 0;
	buf[0] = 0;
	for (i = 0; i < 100 && n < 6; i++) {
		ret = ibv_start_poll(p.cqx, &pa);
		if (ret == ENOENT) {
			usleep(20000);
			continue;
		}
		if (ret)
			break;
		do {
			enum ibv_wc_opcode op = ibv_wc_read_opcode(p.cqx);
			bool recv = op & IBV_WC_RECV;

			if (recv)
				off += snprintf(buf + off, sizeof(buf) - off,
						"%s%s RECV len %u imm %s %s",
						n ? "; " : "",
						ibv_wc_status_str(p.cqx->status),
						ibv_wc_read_byte_len(p.cqx),
						ibv_wc_read_wc_flags(p.cqx) &
						IBV_WC_WITH_IMM &&
						be32toh(ibv_wc_read_imm_data(p.cqx)) ==
						0x1000 + (p.cqx->wr_id - 10) ?
						"right" : "wrong",
						ibv_wc_read_qp_num(p.cqx) == p.b->qp_num ?
						"qp right" : "qp wrong");
			n++;
			ret = ibv_next_poll(p.cqx);
		} while (!ret && n < 6);
		ibv_end_poll(p.cqx);
	}
	out("cq_ex.poll", "%d completions; %s", n, buf);
	out("cq_ex.poll_empty_after", "%s", cq_quiet(p.cq, 200) ? "empty" : "more");
	pair_put(&p);
}

/* ---- C: queue pairs --------------------------------------------------- */

/* Creates a QP, prints the result, destroys it again. */
static void try_qp(const char *name, struct ibv_qp_init_attr *ia)
{
	struct ibv_qp *qp;

	errno = 0;
	qp = ibv_create_qp(pd, ia);
	out(name, "%s", res(ptr_err(qp)));
	if (qp)
		ibv_destroy_qp(qp);
}

static void case_qp_create(void)
{
	struct ibv_cq *cq = ibv_create_cq(ctx, 64, NULL, NULL, 0);
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 32, .max_sge = 1 } };
	struct ibv_qp_init_attr ia;
	struct ibv_srq *srq;
	struct ibv_qp *qp;
	static const enum ibv_qp_type types[] = {
		IBV_QPT_RC, IBV_QPT_UC, IBV_QPT_UD, IBV_QPT_RAW_PACKET,
		IBV_QPT_XRC_SEND, IBV_QPT_DRIVER,
	};
	static const char *const tname[] = { "rc", "uc", "ud", "raw_packet",
					     "xrc_send", "driver" };
	char name[64];
	size_t i;

	if (!cq) {
		out("qp.create", "setup %s", res(ptr_err(NULL)));
		return;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&ia, 0, sizeof(ia));
		ia.qp_type = types[i];
		ia.send_cq = cq;
		ia.recv_cq = cq;
		ia.cap = (struct ibv_qp_cap){ 16, 16, 1, 1, 0 };
		errno = 0;
		qp = ibv_create_qp(pd, &ia);
		snprintf(name, sizeof(name), "qp.create_%s", tname[i]);
		out(name, "%s", res(ptr_err(qp)));
		if (qp)
			ibv_destroy_qp(qp);
	}

	/* What UCX asks for: an SRQ, no RQ but max_recv_sge 1, inline 64. */
	srq = ibv_create_srq(pd, &sa);
	memset(&ia, 0, sizeof(ia));
	ia.qp_type = IBV_QPT_RC;
	ia.send_cq = cq;
	ia.recv_cq = cq;
	ia.srq = srq;
	ia.cap = (struct ibv_qp_cap){ 256, 0, 5, 1, 64 };
	errno = 0;
	qp = ibv_create_qp(pd, &ia);
	out("qp.create_ucx_rc", "%s", res(ptr_err(qp)));
	if (qp) {
		out("qp.create_ucx_rc.caps", "send_wr %s send_sge %s inline %s recv_wr %u recv_sge %u",
		    ia.cap.max_send_wr >= 256 ? ">= asked" : "< asked",
		    ia.cap.max_send_sge >= 5 ? ">= asked" : "< asked",
		    ia.cap.max_inline_data >= 64 ? ">= asked" : "< asked",
		    ia.cap.max_recv_wr, ia.cap.max_recv_sge);
		ibv_destroy_qp(qp);
	}
	/* UD with a deep RQ, as UCX's ud_verbs. */
	memset(&ia, 0, sizeof(ia));
	ia.qp_type = IBV_QPT_UD;
	ia.send_cq = cq;
	ia.recv_cq = cq;
	ia.cap = (struct ibv_qp_cap){ 256, 4096 < dattr.orig_attr.max_qp_wr ?
				      4096 : dattr.orig_attr.max_qp_wr, 5, 1, 64 };
	try_qp("qp.create_ucx_ud", &ia);

	/* Bounds: inline and SGE counts far above any device's. */
	memset(&ia, 0, sizeof(ia));
	ia.qp_type = IBV_QPT_RC;
	ia.send_cq = cq;
	ia.recv_cq = cq;
	ia.cap = (struct ibv_qp_cap){ 16, 16, 1, 1, 1 << 20 };
	try_qp("qp.create_huge_inline", &ia);
	ia.cap = (struct ibv_qp_cap){ 16, 16, 1000, 1, 0 };
	try_qp("qp.create_huge_send_sge", &ia);
	ia.cap = (struct ibv_qp_cap){ dattr.orig_attr.max_qp_wr + 1, 16, 1, 1, 0 };
	try_qp("qp.create_above_max_qp_wr", &ia);
	ia.cap = (struct ibv_qp_cap){ 0, 0, 0, 0, 0 };
	try_qp("qp.create_zero_caps", &ia);
	if (srq)
		ibv_destroy_srq(srq);
	ibv_destroy_cq(cq);
}

static void case_qp_ex_create(void)
{
	static const struct { const char *name; enum ibv_qp_type t; uint64_t ops; } c[] = {
		{ "qp_ex.rc_basic", IBV_QPT_RC, IBV_QP_EX_WITH_RDMA_WRITE |
		  IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM | IBV_QP_EX_WITH_SEND |
		  IBV_QP_EX_WITH_SEND_WITH_IMM | IBV_QP_EX_WITH_RDMA_READ |
		  IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |
		  IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD },
		{ "qp_ex.rc_local_inv", IBV_QPT_RC, IBV_QP_EX_WITH_LOCAL_INV },
		{ "qp_ex.rc_bind_mw", IBV_QPT_RC, IBV_QP_EX_WITH_BIND_MW },
		{ "qp_ex.rc_send_inv", IBV_QPT_RC, IBV_QP_EX_WITH_SEND_WITH_INV },
		{ "qp_ex.rc_tso", IBV_QPT_RC, IBV_QP_EX_WITH_TSO },
		{ "qp_ex.rc_flush", IBV_QPT_RC, IBV_QP_EX_WITH_FLUSH },
		{ "qp_ex.rc_atomic_write", IBV_QPT_RC, IBV_QP_EX_WITH_ATOMIC_WRITE },
		{ "qp_ex.uc_basic", IBV_QPT_UC, IBV_QP_EX_WITH_RDMA_WRITE |
		  IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM | IBV_QP_EX_WITH_SEND |
		  IBV_QP_EX_WITH_SEND_WITH_IMM },
		{ "qp_ex.uc_read", IBV_QPT_UC, IBV_QP_EX_WITH_RDMA_READ },
		{ "qp_ex.ud_basic", IBV_QPT_UD, IBV_QP_EX_WITH_SEND |
		  IBV_QP_EX_WITH_SEND_WITH_IMM },
		{ "qp_ex.ud_write", IBV_QPT_UD, IBV_QP_EX_WITH_RDMA_WRITE },
	};
	struct ibv_cq *cq = ibv_create_cq(ctx, 64, NULL, NULL, 0);
	struct ibv_qp_init_attr_ex ia;
	struct ibv_qp *qp;
	size_t i;

	if (!cq)
		return;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&ia, 0, sizeof(ia));
		ia.qp_type = c[i].t;
		ia.send_cq = cq;
		ia.recv_cq = cq;
		ia.cap = (struct ibv_qp_cap){ 16, 16, 1, 1, 0 };
		ia.comp_mask = IBV_QP_INIT_ATTR_PD |
			       IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
		ia.pd = pd;
		ia.send_ops_flags = c[i].ops;
		errno = 0;
		qp = ibv_create_qp_ex(ctx, &ia);
		out(c[i].name, "%s", res(ptr_err(qp)));
		if (qp)
			ibv_destroy_qp(qp);
	}
	memset(&ia, 0, sizeof(ia));
	ia.qp_type = IBV_QPT_RC;
	ia.send_cq = cq;
	ia.recv_cq = cq;
	ia.cap = (struct ibv_qp_cap){ 16, 16, 1, 1, 0 };
	ia.comp_mask = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_CREATE_FLAGS;
	ia.pd = pd;
	ia.create_flags = IBV_QP_CREATE_SCATTER_FCS;
	errno = 0;
	qp = ibv_create_qp_ex(ctx, &ia);
	out("qp_ex.create_flags_scatter_fcs", "%s", res(ptr_err(qp)));
	if (qp)
		ibv_destroy_qp(qp);
	ibv_destroy_cq(cq);
}

static void case_qp_states(void)
{
	struct ibv_cq *cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	struct ibv_qp_init_attr ia = {}, qia;
	struct ibv_qp_attr a, qa;
	struct ibv_qp *qp, *peer;
	int ret;

	if (!cq)
		return;
	ia.qp_type = IBV_QPT_RC;
	ia.send_cq = cq;
	ia.recv_cq = cq;
	ia.cap = (struct ibv_qp_cap){ 16, 16, 1, 1, 0 };
	qp = ibv_create_qp(pd, &ia);
	peer = ibv_create_qp(pd, &ia);
	if (!qp || !peer) {
		out("qp.states", "setup failed");
		goto out;
	}
	ret = ibv_query_qp(qp, &qa, IBV_QP_STATE, &qia);
	out("qp.query_new", "%s %s", res(ret), xt_qp_state_str(qa.qp_state));
	ret = xt_qp_set_state(qp, IBV_QPS_RTS);
	out("qp.reset_to_rts", "%s", res(ret));
	ret = xt_qp_set_state(qp, IBV_QPS_INIT);
	out("qp.reset_to_init_no_attrs", "%s", res(ret));
	ret = xt_qp_init(qp, port.num);
	out("qp.reset_to_init", "%s", res(ret));
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	ret = ibv_modify_qp(qp, &a, IBV_QP_STATE);
	out("qp.init_to_rtr_no_av", "%s", res(ret));
	/* RTR with the extreme values applications use. */
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = port.mtu;
	a.dest_qp_num = peer->qp_num;
	a.rq_psn = 0xffffff;
	a.max_dest_rd_atomic = dattr.orig_attr.max_qp_rd_atom;
	a.min_rnr_timer = 31;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = port.gid;
	a.ah_attr.grh.sgid_index = port.gid_idx;
	a.ah_attr.grh.hop_limit = 255;
	a.ah_attr.grh.traffic_class = 106;
	a.ah_attr.grh.flow_label = 0xffffffff;
	a.ah_attr.dlid = 0xc000;
	a.ah_attr.port_num = port.num;
	ret = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			    IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			    IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
	out("qp.init_to_rtr_ucx_av", "%s", res(ret));
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.sq_psn = 0xffffff;
	a.timeout = 31;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = dattr.orig_attr.max_qp_rd_atom;
	ret = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN |
			    IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
			    IBV_QP_RNR_RETRY | IBV_QP_MAX_QP_RD_ATOMIC);
	out("qp.rtr_to_rts_extremes", "%s", res(ret));
	ret = ibv_query_qp(qp, &qa, IBV_QP_STATE | IBV_QP_CUR_STATE |
			   IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
			   IBV_QP_RNR_RETRY | IBV_QP_MIN_RNR_TIMER |
			   IBV_QP_SQ_PSN | IBV_QP_RQ_PSN | IBV_QP_DEST_QPN |
			   IBV_QP_PATH_MTU | IBV_QP_AV, &qia);
	out("qp.query_rts", "%s %s timeout %u retry %u rnr %u min_rnr %u sq_psn %x rq_psn %x dest %s mtu %d", res(ret),
	    xt_qp_state_str(qa.qp_state), qa.timeout, qa.retry_cnt,
	    qa.rnr_retry, qa.min_rnr_timer, qa.sq_psn, qa.rq_psn,
	    qa.dest_qp_num == peer->qp_num ? "right" : "wrong",
	    mtu_num(qa.path_mtu));
	out("qp.query_rts.av", "global %u sgid_index %s hop_limit %u tclass %u",
	    qa.ah_attr.is_global,
	    qa.ah_attr.grh.sgid_index == port.gid_idx ? "right" : "wrong",
	    qa.ah_attr.grh.hop_limit, qa.ah_attr.grh.traffic_class);
	ret = xt_qp_set_state(qp, IBV_QPS_SQD);
	out("qp.rts_to_sqd", "%s", res(ret));
	ret = xt_qp_set_state(qp, IBV_QPS_ERR);
	out("qp.to_err", "%s", res(ret));
	ret = xt_qp_set_state(qp, IBV_QPS_RTS);
	out("qp.err_to_rts", "%s", res(ret));
	ret = xt_qp_set_state(qp, IBV_QPS_RESET);
	out("qp.err_to_reset", "%s", res(ret));
out:
	if (qp)
		ibv_destroy_qp(qp);
	if (peer)
		ibv_destroy_qp(peer);
	ibv_destroy_cq(cq);
}

/* ---- D: data ---------------------------------------------------------- */

static void case_rc_ops(bool ex)
{
	struct pair_opts o = { .type = IBV_QPT_RC, .max_inline = 64 };
	const char *pfx = ex ? "wr_ex" : "post";
	char name[64], *src, *dst;
	struct ibv_wc wc[4];
	uint64_t *atom;
	struct pair p;
	uint32_t lkey, rkey;
	int ret, i;

	if (ex)
		o.send_ops = IBV_QP_EX_WITH_RDMA_WRITE |
			     IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM |
			     IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM |
			     IBV_QP_EX_WITH_RDMA_READ |
			     IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |
			     IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD;
	ret = pair_get(&p, &o);
	snprintf(name, sizeof(name), "%s.rc_setup", pfx);
	out(name, "%s", res(ret));
	if (ret)
		return;
	src = p.m.buf;
	dst = p.m.buf + 16384;
	atom = (uint64_t *)(p.m.buf + 32768);
	lkey = p.m.mr->lkey;
	rkey = p.m.mr->rkey;
	for (i = 0; i < 4096; i++)
		src[i] = (char)(i * 7 + 3);

#define SEND_WR(_op, _len, _flags)					\
	do {								\
		struct ibv_sge sge = { (uintptr_t)src, (_len), lkey };	\
		struct ibv_send_wr wr = { .wr_id = 1, .sg_list = &sge,	\
			.num_sge = (_len) ? 1 : 0, .opcode = (_op),	\
			.send_flags = IBV_SEND_SIGNALED | (_flags),	\
			.imm_data = htobe32(0xabcd) };			\
		wr.wr.rdma.remote_addr = (uintptr_t)dst;		\
		wr.wr.rdma.rkey = rkey;					\
		if (ex) {						\
			struct ibv_qp_ex *x = ibv_qp_to_qp_ex(p.a);	\
			ibv_wr_start(x);				\
			x->wr_id = 1;					\
			x->wr_flags = IBV_SEND_SIGNALED | (_flags);	\
			switch (_op) {					\
			case IBV_WR_SEND:				\
				ibv_wr_send(x);				\
				break;					\
			case IBV_WR_SEND_WITH_IMM:			\
				ibv_wr_send_imm(x, htobe32(0xabcd));	\
				break;					\
			case IBV_WR_RDMA_WRITE:				\
				ibv_wr_rdma_write(x, rkey, (uintptr_t)dst); \
				break;					\
			case IBV_WR_RDMA_WRITE_WITH_IMM:		\
				ibv_wr_rdma_write_imm(x, rkey, (uintptr_t)dst, \
						      htobe32(0xabcd));	\
				break;					\
			default:					\
				ibv_wr_rdma_read(x, rkey, (uintptr_t)dst); \
			}						\
			if ((_flags) & IBV_SEND_INLINE)			\
				ibv_wr_set_inline_data(x, src, (_len));	\
			else if (_len)					\
				ibv_wr_set_sge(x, lkey, (uintptr_t)src, (_len)); \
			else						\
				ibv_wr_set_sge_list(x, 0, NULL);	\
			ret = ibv_wr_complete(x);			\
		} else {						\
			ret = post_send(p.a, &wr);			\
		}							\
	} while (0)

	/* SEND and SEND_WITH_IMM, 1 and 0 octets, inline 64 */
	{
		static const struct { const char *n; int op; uint32_t len; int fl; } s[] = {
			{ "send_1000", IBV_WR_SEND, 1000, 0 },
			{ "send_imm", IBV_WR_SEND_WITH_IMM, 100, 0 },
			{ "send_0", IBV_WR_SEND, 0, 0 },
			{ "send_inline_64", IBV_WR_SEND, 64, IBV_SEND_INLINE },
			{ "send_inline_0", IBV_WR_SEND, 0, IBV_SEND_INLINE },
		};
		size_t k;

		for (k = 0; k < sizeof(s) / sizeof(s[0]); k++) {
			memset(dst, 0, 4096);
			post_recv(p.b, NULL, 2, dst, 4096, lkey);
			SEND_WR(s[k].op, s[k].len, s[k].fl);
			snprintf(name, sizeof(name), "%s.rc_%s", pfx, s[k].n);
			if (ret) {
				out(name, "post %s", res(ret));
				/* drain the receive we posted */
				continue;
			}
			out(name, "%s", poll_n(p.cq, 2, wc));
			xt_check(!memcmp(src, dst, s[k].len), "%s data", name);
			if (s[k].op == IBV_WR_SEND_WITH_IMM)
				xt_check(wc[1].wc_flags & IBV_WC_WITH_IMM &&
					 be32toh(wc[1].imm_data) == 0xabcd,
					 "%s imm", name);
			xt_check(wc[1].byte_len == s[k].len, "%s byte_len %u",
				 name, wc[1].byte_len);
		}
	}
	/* RDMA WRITE, WRITE_WITH_IMM, READ, 0-octet inline WRITE (UCX) */
	memset(dst, 0, 4096);
	SEND_WR(IBV_WR_RDMA_WRITE, 3000, 0);
	snprintf(name, sizeof(name), "%s.rc_write", pfx);
	out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
	xt_check(!memcmp(src, dst, 3000), "%s data", name);
	memset(dst, 0, 4096);
	post_recv(p.b, NULL, 2, NULL, 0, lkey);
	SEND_WR(IBV_WR_RDMA_WRITE_WITH_IMM, 500, 0);
	snprintf(name, sizeof(name), "%s.rc_write_imm", pfx);
	out(name, "%s", ret ? res(ret) : poll_n(p.cq, 2, wc));
	xt_check(!memcmp(src, dst, 500), "%s data", name);
	SEND_WR(IBV_WR_RDMA_WRITE, 0, IBV_SEND_INLINE);
	snprintf(name, sizeof(name), "%s.rc_write_inline_0", pfx);
	out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
	SEND_WR(IBV_WR_RDMA_WRITE, 48, IBV_SEND_INLINE);
	snprintf(name, sizeof(name), "%s.rc_write_inline_48", pfx);
	out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
	memset(src + 8192, 0, 4096);
	{
		char *save = src;

		memcpy(dst, save, 4096);
		src = p.m.buf + 8192;	/* READ lands here, from dst */
		SEND_WR(IBV_WR_RDMA_READ, 2000, 0);
		src = save;
	}
	snprintf(name, sizeof(name), "%s.rc_read", pfx);
	out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
	xt_check(!memcmp(p.m.buf + 8192, dst, 2000), "%s data", name);

	/* atomics */
	atom[0] = 5;
	atom[1] = 0;
	{
		struct ibv_sge sge = { (uintptr_t)&atom[1], 8, lkey };
		struct ibv_send_wr wr = { .wr_id = 3, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_ATOMIC_FETCH_AND_ADD,
			.send_flags = IBV_SEND_SIGNALED };

		wr.wr.atomic.remote_addr = (uintptr_t)&atom[0];
		wr.wr.atomic.rkey = rkey;
		wr.wr.atomic.compare_add = 10;
		if (ex) {
			struct ibv_qp_ex *x = ibv_qp_to_qp_ex(p.a);

			ibv_wr_start(x);
			x->wr_id = 3;
			x->wr_flags = IBV_SEND_SIGNALED;
			ibv_wr_atomic_fetch_add(x, rkey, (uintptr_t)&atom[0], 10);
			ibv_wr_set_sge(x, lkey, (uintptr_t)&atom[1], 8);
			ret = ibv_wr_complete(x);
		} else {
			ret = post_send(p.a, &wr);
		}
		snprintf(name, sizeof(name), "%s.rc_fetch_add", pfx);
		out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
		xt_check(atom[0] == 15 && atom[1] == 5, "%s values %llu %llu",
			 name, (unsigned long long)atom[0],
			 (unsigned long long)atom[1]);
		wr.opcode = IBV_WR_ATOMIC_CMP_AND_SWP;
		wr.wr.atomic.compare_add = 15;
		wr.wr.atomic.swap = 99;
		if (ex) {
			struct ibv_qp_ex *x = ibv_qp_to_qp_ex(p.a);

			ibv_wr_start(x);
			x->wr_id = 3;
			x->wr_flags = IBV_SEND_SIGNALED;
			ibv_wr_atomic_cmp_swp(x, rkey, (uintptr_t)&atom[0], 15, 99);
			ibv_wr_set_sge(x, lkey, (uintptr_t)&atom[1], 8);
			ret = ibv_wr_complete(x);
		} else {
			ret = post_send(p.a, &wr);
		}
		snprintf(name, sizeof(name), "%s.rc_cmp_swp", pfx);
		out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
		xt_check(atom[0] == 99 && atom[1] == 15, "%s values %llu %llu",
			 name, (unsigned long long)atom[0],
			 (unsigned long long)atom[1]);
		/* unaligned remote address */
		wr.wr.atomic.remote_addr = (uintptr_t)&atom[0] + 4;
		if (ex) {
			struct ibv_qp_ex *x = ibv_qp_to_qp_ex(p.a);

			ibv_wr_start(x);
			x->wr_id = 3;
			x->wr_flags = IBV_SEND_SIGNALED;
			ibv_wr_atomic_cmp_swp(x, rkey, (uintptr_t)&atom[0] + 4,
					      15, 99);
			ibv_wr_set_sge(x, lkey, (uintptr_t)&atom[1], 8);
			ret = ibv_wr_complete(x);
		} else {
			ret = post_send(p.a, &wr);
		}
		snprintf(name, sizeof(name), "%s.rc_atomic_unaligned", pfx);
		out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
	}
	pair_put(&p);

	/* error completions: bad rkey, receive too small */
	if (pair_get(&p, &o))
		return;
	src = p.m.buf;
	dst = p.m.buf + 16384;
	lkey = p.m.mr->lkey;
	rkey = p.m.mr->rkey ^ 0x80;
	SEND_WR(IBV_WR_RDMA_WRITE, 100, 0);
	snprintf(name, sizeof(name), "%s.rc_write_bad_rkey", pfx);
	out(name, "%s", ret ? res(ret) : poll_str(p.cq, wc));
	pair_put(&p);
	if (pair_get(&p, &o))
		return;
	src = p.m.buf;
	dst = p.m.buf + 16384;
	lkey = p.m.mr->lkey;
	rkey = p.m.mr->rkey;
	post_recv(p.b, NULL, 2, dst, 16, lkey);
	SEND_WR(IBV_WR_SEND, 100, 0);
	snprintf(name, sizeof(name), "%s.rc_send_recv_too_small", pfx);
	out(name, "%s", ret ? res(ret) : poll_n(p.cq, 2, wc));
	pair_put(&p);
#undef SEND_WR
}

/* Bounds that post_send/post_recv themselves enforce. */
static void case_post_bounds(void)
{
	struct pair_opts o = { .type = IBV_QPT_RC, .max_inline = 64,
			       .max_send_sge = 2, .max_recv_sge = 2 };
	struct ibv_qp_init_attr qia;
	struct ibv_qp_attr qa;
	struct ibv_sge sge[8];
	struct pair p;
	int i, ret, n;

	if (pair_get(&p, &o))
		return;
	ibv_query_qp(p.a, &qa, IBV_QP_CAP, &qia);
	for (i = 0; i < 8; i++)
		sge[i] = (struct ibv_sge){ (uintptr_t)p.m.buf + i * 64, 8,
					   p.m.mr->lkey };
	{
		struct ibv_send_wr wr = { .wr_id = 1, .sg_list = sge,
			.num_sge = qia.cap.max_send_sge + 1,
			.opcode = IBV_WR_SEND, .send_flags = IBV_SEND_SIGNALED };

		ret = post_send(p.a, &wr);
		out("post.bounds_send_too_many_sge", "%s", res(ret));
		wr.num_sge = 1;
		sge[0].length = qia.cap.max_inline_data + 1;
		wr.send_flags |= IBV_SEND_INLINE;
		ret = post_send(p.a, &wr);
		out("post.bounds_send_inline_above_max", "%s", res(ret));
		sge[0].length = 8;
	}
	{
		struct ibv_recv_wr wr = { .wr_id = 1, .sg_list = sge,
			.num_sge = qia.cap.max_recv_sge + 1 }, *bad;

		ret = ibv_post_recv(p.b, &wr, &bad);
		out("post.bounds_recv_too_many_sge", "%s", res(ret));
		wr.num_sge = 1;
		for (n = 0; n < 100000; n++) {
			ret = ibv_post_recv(p.b, &wr, &bad);
			if (ret)
				break;
		}
		out("post.bounds_recv_until_full", "%s after %s", res(ret),
		    n >= (int)qia.cap.max_recv_wr ? ">= max_recv_wr" : "< max_recv_wr");
	}
	pair_put(&p);
}

static void case_ud(bool ex)
{
	struct pair_opts o = { .type = IBV_QPT_UD };
	struct ibv_ah_attr aa = {};
	const char *pfx = ex ? "wr_ex" : "post";
	char name[64];
	struct ibv_wc wc[2];
	struct ibv_ah *ah;
	struct pair p;
	int ret;

	if (ex)
		o.send_ops = IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM;
	ret = pair_get(&p, &o);
	snprintf(name, sizeof(name), "%s.ud_setup", pfx);
	out(name, "%s", res(ret));
	if (ret)
		return;
	/* What UCX puts in its RoCE address vectors. */
	aa.is_global = 1;
	aa.grh.dgid = port.gid;
	aa.grh.sgid_index = port.gid_idx;
	aa.grh.hop_limit = 255;
	aa.grh.flow_label = 0xffffffff;
	aa.grh.traffic_class = 106;
	aa.dlid = 0xc000;
	aa.port_num = port.num;
	errno = 0;
	ah = ibv_create_ah(pd, &aa);
	snprintf(name, sizeof(name), "%s.ud_ah_ucx", pfx);
	out(name, "%s", res(ptr_err(ah)));
	if (!ah) {
		aa.grh.flow_label = 0;
		aa.dlid = 0;
		ah = ibv_create_ah(pd, &aa);
	}
	if (ah) {
		char *dst = p.m.buf + 8192;

		memset(p.m.buf, 0x5a, 256);
		memset(dst, 0, 512);
		post_recv(p.b, NULL, 2, dst, 40 + 256, p.m.mr->lkey);
		if (ex) {
			struct ibv_qp_ex *x = ibv_qp_to_qp_ex(p.a);

			ibv_wr_start(x);
			x->wr_id = 1;
			x->wr_flags = IBV_SEND_SIGNALED;
			ibv_wr_send_imm(x, htobe32(7));
			ibv_wr_set_ud_addr(x, ah, p.b->qp_num, XT_QKEY);
			ibv_wr_set_sge(x, p.m.mr->lkey, (uintptr_t)p.m.buf, 256);
			ret = ibv_wr_complete(x);
		} else {
			struct ibv_sge sge = { (uintptr_t)p.m.buf, 256,
					       p.m.mr->lkey };
			struct ibv_send_wr wr = { .wr_id = 1, .sg_list = &sge,
				.num_sge = 1, .opcode = IBV_WR_SEND_WITH_IMM,
				.send_flags = IBV_SEND_SIGNALED,
				.imm_data = htobe32(7) };

			wr.wr.ud.ah = ah;
			wr.wr.ud.remote_qpn = p.b->qp_num;
			wr.wr.ud.remote_qkey = XT_QKEY;
			ret = post_send(p.a, &wr);
		}
		snprintf(name, sizeof(name), "%s.ud_send", pfx);
		out(name, "%s", ret ? res(ret) : poll_n(p.cq, 2, wc));
		if (!ret) {
			xt_check(wc[1].byte_len == 40 + 256, "%s byte_len %u",
				 name, wc[1].byte_len);
			xt_check(wc[1].src_qp == p.a->qp_num, "%s src_qp", name);
			xt_check(!memcmp(dst + 40, p.m.buf, 256), "%s data", name);
			snprintf(name, sizeof(name), "%s.ud_recv_flags", pfx);
			out(name, "grh %s imm %s", wc[1].wc_flags & IBV_WC_GRH ?
			    "yes" : "no", wc[1].wc_flags & IBV_WC_WITH_IMM ?
			    "yes" : "no");
		}
		/* above the MTU */
		if (!ex) {
			struct ibv_sge sge = { (uintptr_t)p.m.buf,
				mtu_num(port.mtu) + 1, p.m.mr->lkey };
			struct ibv_send_wr wr = { .wr_id = 1, .sg_list = &sge,
				.num_sge = 1, .opcode = IBV_WR_SEND,
				.send_flags = IBV_SEND_SIGNALED };

			wr.wr.ud.ah = ah;
			wr.wr.ud.remote_qpn = p.b->qp_num;
			wr.wr.ud.remote_qkey = XT_QKEY;
			ret = post_send(p.a, &wr);
			out("post.ud_send_above_mtu", "%s", ret ? res(ret) :
			    poll_str(p.cq, wc));
		}
		ibv_destroy_ah(ah);
	}
	aa.grh.sgid_index = pattr.gid_tbl_len;
	errno = 0;
	ah = ibv_create_ah(pd, &aa);
	snprintf(name, sizeof(name), "%s.ud_ah_bad_sgid", pfx);
	out(name, "%s", res(ptr_err(ah)));
	if (ah)
		ibv_destroy_ah(ah);
	aa.grh.sgid_index = port.gid_idx;
	aa.is_global = 0;
	errno = 0;
	ah = ibv_create_ah(pd, &aa);
	snprintf(name, sizeof(name), "%s.ud_ah_no_grh", pfx);
	out(name, "%s", res(ptr_err(ah)));
	if (ah)
		ibv_destroy_ah(ah);
	pair_put(&p);
}

/*
 * A UD send whose AH belongs to another PD: rxe fails it when it gets to
 * it (LOC_QP_OP_ERR), xenib's backend refuses it.  Once alone, once after
 * unsignaled sends: their completions never come, and the error
 * completion must not wait for them (issue #10, hole 6).
 */
static void case_ud_refused(void)
{
	struct pair_opts o = { .type = IBV_QPT_UD };
	struct ibv_ah_attr aa = {
		.is_global = 1, .port_num = port.num,
		.grh = { .dgid = port.gid, .sgid_index = port.gid_idx,
			 .hop_limit = 1 },
	};
	struct ibv_ah *ah = NULL, *ah2 = NULL;
	struct ibv_pd *pd2;
	const char *got;
	struct ibv_wc wc;
	struct pair p;
	int round, i, nrecv, ret;

	pd2 = ibv_alloc_pd(ctx);
	if (pd2)
		ah2 = ibv_create_ah(pd2, &aa);
	ah = ibv_create_ah(pd, &aa);
	out("post.ud_ah_other_pd_setup", "%s", res(ptr_err(ah && ah2 ?
						   ah : NULL)));
	if (!ah || !ah2)
		goto out;
	for (round = 0; round < 2; round++) {
		struct ibv_sge sge = { 0, 64, 0 };
		struct ibv_send_wr wr = { .sg_list = &sge, .num_sge = 1,
					  .opcode = IBV_WR_SEND };
		const char *name = round ? "post.ud_ah_other_pd_after_unsignaled" :
					   "post.ud_ah_other_pd";
		int unsig = round ? 3 : 0;

		ret = pair_get(&p, &o);
		if (ret) {
			out(name, "%s", res(ret));
			continue;
		}
		sge.addr = (uintptr_t)p.m.buf;
		sge.lkey = p.m.mr->lkey;
		wr.wr.ud.remote_qpn = p.b->qp_num;
		wr.wr.ud.remote_qkey = XT_QKEY;
		for (i = 0; i < unsig; i++) {
			post_recv(p.b, NULL, 100 + i, p.m.buf + 8192 + i * 256,
				  40 + 64, p.m.mr->lkey);
			wr.wr_id = 10 + i;
			wr.wr.ud.ah = ah;
			ret = post_send(p.a, &wr);
			if (ret)
				break;
		}
		if (!ret) {
			wr.wr_id = 9;
			wr.wr.ud.ah = ah2;
			wr.send_flags = IBV_SEND_SIGNALED;
			ret = post_send(p.a, &wr);
		}
		if (ret) {
			out(name, "%s", res(ret));
			pair_put(&p);
			continue;
		}
		/*
		 * The send's completion and the receives of the good sends,
		 * in whatever order they come (rxe may fail the send first).
		 */
		nrecv = 0;
		got = NULL;
		while (!got || nrecv < unsig) {
			if (poll_one(p.cq, &wc) <= 0)
				break;
			if (wc.wr_id >= 100 && wc.status == IBV_WC_SUCCESS)
				nrecv++;
			else if (!got)
				got = wc.wr_id == 9 ? wc_str(&wc) : "another WR";
		}
		out(name, "%s, %d of %d received", got ? got : "no completion",
		    nrecv, unsig);
		xt_check(got, "%s: no completion for the refused send", name);
		pair_put(&p);
	}
out:
	if (ah)
		ibv_destroy_ah(ah);
	if (ah2)
		ibv_destroy_ah(ah2);
	if (pd2)
		ibv_dealloc_pd(pd2);
}

static void case_uc(void)
{
	struct pair_opts o = { .type = IBV_QPT_UC };
	struct ibv_wc wc[2];
	struct pair p;
	int ret;

	ret = pair_get(&p, &o);
	out("post.uc_setup", "%s", res(ret));
	if (ret)
		return;
	{
		struct ibv_sge sge = { (uintptr_t)p.m.buf, 700, p.m.mr->lkey };
		struct ibv_send_wr wr = { .wr_id = 1, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_RDMA_WRITE,
			.send_flags = IBV_SEND_SIGNALED };

		memset(p.m.buf, 0x33, 700);
		wr.wr.rdma.remote_addr = (uintptr_t)p.m.buf + 16384;
		wr.wr.rdma.rkey = p.m.mr->rkey;
		ret = post_send(p.a, &wr);
		out("post.uc_write", "%s", ret ? res(ret) : poll_str(p.cq, wc));
		xt_check(!memcmp(p.m.buf, p.m.buf + 16384, 700), "uc write data");
		wr.opcode = IBV_WR_RDMA_READ;
		ret = post_send(p.a, &wr);
		out("post.uc_read", "%s", ret ? res(ret) : poll_str(p.cq, wc));
	}
	pair_put(&p);
}

/* ---- E: shared receive queues ---------------------------------------- */

static void case_srq(void)
{
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 16, .max_sge = 1 } };
	struct pair_opts o = { .type = IBV_QPT_RC, .srq = true };
	struct ibv_srq_attr qa;
	struct ibv_srq *srq;
	struct ibv_wc wc[16];
	struct pair p;
	int ret, i;

	srq = ibv_create_srq(pd, &sa);
	out("srq.create", "%s", res(ptr_err(srq)));
	if (!srq)
		return;
	out("srq.create.size", "%s", sa.attr.max_wr >= 16 ? ">= asked" : "< asked");
	qa.srq_limit = 4;
	ret = ibv_modify_srq(srq, &qa, IBV_SRQ_LIMIT);
	out("srq.modify_limit", "%s", res(ret));
	ret = ibv_query_srq(srq, &qa);
	out("srq.query", "%s limit %u", res(ret), qa.srq_limit);
	qa.max_wr = 64;
	ret = ibv_modify_srq(srq, &qa, IBV_SRQ_MAX_WR);
	out("srq.resize_grow", "%s", res(ret));
	ret = ibv_query_srq(srq, &qa);
	out("srq.resize_grow.size", "%s %s", res(ret),
	    qa.max_wr >= 64 ? ">= asked" : "< asked");
	qa.srq_limit = 1000000;
	ret = ibv_modify_srq(srq, &qa, IBV_SRQ_LIMIT);
	out("srq.modify_limit_above_size", "%s", res(ret));
	ibv_destroy_srq(srq);

	{
		struct ibv_srq_init_attr_ex sx = { .attr = { .max_wr = 16,
							     .max_sge = 1 } };

		sx.comp_mask = IBV_SRQ_INIT_ATTR_PD | IBV_SRQ_INIT_ATTR_TYPE;
		sx.pd = pd;
		sx.srq_type = IBV_SRQT_BASIC;
		errno = 0;
		srq = ibv_create_srq_ex(ctx, &sx);
		out("srq_ex.basic", "%s", res(ptr_err(srq)));
		if (srq)
			ibv_destroy_srq(srq);
		sx.srq_type = IBV_SRQT_TM;
		errno = 0;
		srq = ibv_create_srq_ex(ctx, &sx);
		out("srq_ex.tm", "%s", res(ptr_err(srq)));
		if (srq)
			ibv_destroy_srq(srq);
	}

	/* RC traffic from two QPs into one SRQ; then the limit event. */
	ret = pair_get(&p, &o);
	out("srq.rc_setup", "%s", res(ret));
	if (ret)
		return;
	for (i = 0; i < 8; i++)
		post_recv(NULL, p.srq, 100 + i, p.m.buf + 8192 + i * 512, 512,
			  p.m.mr->lkey);
	qa.srq_limit = 6;
	ret = ibv_modify_srq(p.srq, &qa, IBV_SRQ_LIMIT);
	out("srq.arm_limit", "%s", res(ret));
	for (i = 0; i < 4; i++) {
		struct ibv_sge sge = { (uintptr_t)p.m.buf + i * 64, 32 + i,
				       p.m.mr->lkey };
		struct ibv_send_wr wr = { .wr_id = 10 + i, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_SEND,
			.send_flags = IBV_SEND_SIGNALED };

		post_send(i & 1 ? p.b : p.a, &wr);
	}
	out("srq.rc_traffic", "%s", poll_n(p.cq, 8, wc));
	ret = async_event(3000, IBV_EVENT_SRQ_LIMIT_REACHED);
	out("srq.limit_event", "%s", ret == IBV_EVENT_SRQ_LIMIT_REACHED ?
	    "SRQ_LIMIT_REACHED" : "none");
	ret = ibv_query_srq(p.srq, &qa);
	out("srq.limit_after_event", "%s limit %u", res(ret), qa.srq_limit);
	/* resize with 4 receives outstanding; they stay usable */
	qa.max_wr = 128;
	ret = ibv_modify_srq(p.srq, &qa, IBV_SRQ_MAX_WR);
	out("srq.resize_with_wqes", "%s", res(ret));
	for (i = 0; i < 4; i++) {
		struct ibv_sge sge = { (uintptr_t)p.m.buf, 8, p.m.mr->lkey };
		struct ibv_send_wr wr = { .wr_id = 20 + i, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_SEND,
			.send_flags = IBV_SEND_SIGNALED };

		post_send(p.a, &wr);
	}
	out("srq.resize_with_wqes.traffic", "%s", poll_n(p.cq, 8, wc));

	/*
	 * An SRQ-attached QP moved to the error state reports Last WQE
	 * Reached once (IB spec 11.6.3), even while its peer still sends:
	 * UCX's rc_verbs asserts on a second one.
	 */
	{
		struct ibv_qp_attr ea = { .qp_state = IBV_QPS_ERR };

		ret = ibv_modify_qp(p.b, &ea, IBV_QP_STATE);
		for (i = 0; !ret && i < 3; i++) {
			struct ibv_sge sge = { (uintptr_t)p.m.buf, 8,
					       p.m.mr->lkey };
			struct ibv_send_wr wr = { .wr_id = 30 + i,
				.sg_list = &sge, .num_sge = 1,
				.opcode = IBV_WR_SEND };

			post_send(p.a, &wr);
			usleep(100000);
		}
		i = ret ? -1 : async_events(1500, IBV_EVENT_QP_LAST_WQE_REACHED,
					    p.b);
		out("srq.last_wqe_once", "%s", ret ? res(ret) :
		    i == 1 ? "once" : i == 0 ? "never" : "more than once");
	}
	pair_put(&p);
}

/* ---- F: memory registration ------------------------------------------ */

static void case_mr(void)
{
	static const struct { const char *n; int a; } acc[] = {
		{ "none", 0 },
		{ "lw", IBV_ACCESS_LOCAL_WRITE },
		{ "rw_only", IBV_ACCESS_REMOTE_WRITE },
		{ "ra_only", IBV_ACCESS_REMOTE_ATOMIC },
		{ "rr", IBV_ACCESS_REMOTE_READ },
		{ "lw_rw_rr_ra", IBV_ACCESS_LOCAL_WRITE |
		  IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
		  IBV_ACCESS_REMOTE_ATOMIC },
		{ "mw_bind", IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND },
		{ "zero_based", IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_ZERO_BASED },
		{ "relaxed", IBV_ACCESS_LOCAL_WRITE |
		  IBV_ACCESS_RELAXED_ORDERING },
		{ "on_demand", IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_ON_DEMAND },
		{ "hugetlb", IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_HUGETLB },
		{ "flush_global", IBV_ACCESS_LOCAL_WRITE |
		  IBV_ACCESS_FLUSH_GLOBAL },
	};
	char name[64], *buf;
	struct ibv_mr *mr;
	size_t i;
	int ret;

	buf = aligned_alloc(4096, 1 << 20);
	if (!buf)
		return;
	memset(buf, 0, 1 << 20);
	for (i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		errno = 0;
		mr = ibv_reg_mr(pd, buf, 65536, acc[i].a);
		snprintf(name, sizeof(name), "mr.access_%s", acc[i].n);
		out(name, "%s", res(ptr_err(mr)));
		if (mr)
			ibv_dereg_mr(mr);
	}
	errno = 0;
	mr = ibv_reg_mr(pd, buf + 100, 1000, IBV_ACCESS_LOCAL_WRITE);
	out("mr.unaligned", "%s", res(ptr_err(mr)));
	if (mr)
		ibv_dereg_mr(mr);
	errno = 0;
	mr = ibv_reg_mr(pd, buf, 0, IBV_ACCESS_LOCAL_WRITE);
	out("mr.length_0", "%s", res(ptr_err(mr)));
	if (mr)
		ibv_dereg_mr(mr);
	errno = 0;
	mr = ibv_reg_mr(pd, (void *)0x10000, 4096, IBV_ACCESS_LOCAL_WRITE);
	out("mr.unmapped", "%s", res(ptr_err(mr)));
	if (mr)
		ibv_dereg_mr(mr);
	errno = 0;
	mr = ibv_reg_mr_iova(pd, buf, 65536, 0x100000000ULL,
			     IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE);
	out("mr.iova", "%s", res(ptr_err(mr)));
	if (mr)
		ibv_dereg_mr(mr);
	errno = 0;
	mr = ibv_reg_mr(pd, buf, 65536, IBV_ACCESS_LOCAL_WRITE);
	if (mr) {
		ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_ACCESS, NULL, NULL, 0,
				   IBV_ACCESS_LOCAL_WRITE |
				   IBV_ACCESS_REMOTE_READ);
		out("mr.rereg_access", "%s", ret ? "failed" : "ok");
		ibv_dereg_mr(mr);
	}
	errno = 0;
	mr = ibv_reg_dmabuf_mr(pd, 0, 4096, 0, -1, IBV_ACCESS_LOCAL_WRITE);
	out("mr.dmabuf_bad_fd", "%s", res(ptr_err(mr)));
	if (mr)
		ibv_dereg_mr(mr);
	errno = 0;
	mr = ibv_alloc_null_mr(pd);
	out("mr.null_mr", "%s", res(ptr_err(mr)));
	if (mr)
		ibv_dereg_mr(mr);
	free(buf);
}

/* RDMA through an MR whose iova is not its address. */
static void case_mr_iova_rdma(void)
{
	struct pair_opts o = { .type = IBV_QPT_RC };
	const uint64_t iova = 0x7000000000ULL;
	struct ibv_mr *mr;
	struct ibv_wc wc;
	struct pair p;
	char *buf;
	int ret;

	if (pair_get(&p, &o))
		return;
	buf = aligned_alloc(4096, 65536);
	memset(buf, 0, 65536);
	mr = ibv_reg_mr_iova(pd, buf, 65536, iova, IBV_ACCESS_LOCAL_WRITE |
			     IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (!mr) {
		out("mr.iova_write", "setup %s", res(ptr_err(NULL)));
		goto out;
	}
	memset(p.m.buf, 0x77, 1000);
	{
		struct ibv_sge sge = { (uintptr_t)p.m.buf, 1000, p.m.mr->lkey };
		struct ibv_send_wr wr = { .wr_id = 1, .sg_list = &sge,
			.num_sge = 1, .opcode = IBV_WR_RDMA_WRITE,
			.send_flags = IBV_SEND_SIGNALED };

		wr.wr.rdma.remote_addr = iova + 4096;
		wr.wr.rdma.rkey = mr->rkey;
		ret = post_send(p.a, &wr);
		out("mr.iova_write", "%s", ret ? res(ret) : poll_str(p.cq, &wc));
		xt_check(!memcmp(buf + 4096, p.m.buf, 1000), "iova write data");
		/* local SGE by iova */
		memset(buf + 8192, 0x44, 100);
		sge = (struct ibv_sge){ iova + 8192, 100, mr->lkey };
		wr.wr.rdma.remote_addr = (uintptr_t)p.m.buf + 16384;
		wr.wr.rdma.rkey = p.m.mr->rkey;
		ret = post_send(p.a, &wr);
		out("mr.iova_local_sge", "%s", ret ? res(ret) : poll_str(p.cq, &wc));
		xt_check(!memcmp(buf + 8192, p.m.buf + 16384, 100),
			 "iova local sge data");
	}
	ibv_dereg_mr(mr);
out:
	free(buf);
	pair_put(&p);
}

/* ---- G: memory windows, multicast ------------------------------------- */

static void case_mw(void)
{
	struct pair_opts o = { .type = IBV_QPT_RC };
	struct ibv_mw *mw;
	struct ibv_wc wc;
	struct pair p;
	int ret;

	errno = 0;
	mw = ibv_alloc_mw(pd, IBV_MW_TYPE_1);
	out("mw.alloc_type1", "%s", res(ptr_err(mw)));
	if (mw) {
		if (!pair_get(&p, &o)) {
			struct ibv_mr *mr = ibv_reg_mr(pd, p.m.buf + 32768, 4096,
				IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND |
				IBV_ACCESS_REMOTE_WRITE);
			struct ibv_mw_bind bind = { .wr_id = 9,
				.send_flags = IBV_SEND_SIGNALED };

			if (mr) {
				bind.bind_info.mr = mr;
				bind.bind_info.addr = (uintptr_t)p.m.buf + 32768;
				bind.bind_info.length = 4096;
				bind.bind_info.mw_access_flags =
					IBV_ACCESS_REMOTE_WRITE;
				ret = ibv_bind_mw(p.a, mw, &bind);
				out("mw.bind_type1", "%s", ret ? res(ret) :
				    poll_str(p.cq, &wc));
				ibv_dereg_mr(mr);
			}
			pair_put(&p);
		}
		ibv_dealloc_mw(mw);
	}
	errno = 0;
	mw = ibv_alloc_mw(pd, IBV_MW_TYPE_2);
	out("mw.alloc_type2", "%s", res(ptr_err(mw)));
	if (mw)
		ibv_dealloc_mw(mw);
}

static void case_mcast(void)
{
	struct ibv_cq *cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	struct ibv_qp_init_attr ia = {};
	union ibv_gid mgid = { .raw = { 0xff, 0x12, 0x40, 0x1b, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0x12, 0x34 } };
	struct ibv_qp *qp;
	int ret;

	if (!cq)
		return;
	ia.qp_type = IBV_QPT_UD;
	ia.send_cq = cq;
	ia.recv_cq = cq;
	ia.cap = (struct ibv_qp_cap){ 16, 16, 1, 1, 0 };
	qp = ibv_create_qp(pd, &ia);
	if (qp) {
		xt_qp_init(qp, port.num);
		ret = ibv_attach_mcast(qp, &mgid, 0);
		out("mcast.attach", "%s", res(ret));
		if (!ret) {
			ret = ibv_detach_mcast(qp, &mgid, 0);
			out("mcast.detach", "%s", res(ret));
		}
		ibv_destroy_qp(qp);
	}
	ibv_destroy_cq(cq);
}

static void case_rc_post(void)
{
	case_rc_ops(false);
}

static void case_rc_wr_ex(void)
{
	case_rc_ops(true);
}

static void case_ud_post(void)
{
	case_ud(false);
	case_ud_refused();
}

static void case_ud_wr_ex(void)
{
	case_ud(true);
}

/* ---- main ------------------------------------------------------------- */

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -d DEV [-g GID_INDEX] [-c CASE_PREFIX] [-t SECONDS]\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; void (*fn)(void); } groups[] = {
		{ "device", case_device }, { "port", case_port },
		{ "cq.", case_cq }, { "cq.resize_", case_cq_resize_full },
		{ "cq_ex", case_cq_ex }, { "qp.create", case_qp_create },
		{ "qp_ex", case_qp_ex_create }, { "qp.", case_qp_states },
		{ "post.rc", case_rc_post }, { "wr_ex.rc", case_rc_wr_ex },
		{ "post.bounds", case_post_bounds }, { "post.ud", case_ud_post },
		{ "wr_ex.ud", case_ud_wr_ex }, { "post.uc", case_uc },
		{ "srq", case_srq }, { "mr.", case_mr },
		{ "mr.iova", case_mr_iova_rdma }, { "mw", case_mw },
		{ "mcast", case_mcast },
	};
	const char *dev = NULL;
	unsigned long timeout = 600, gid = 0;
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "d:g:c:t:h")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'g':
			gid = xt_opt_ulong('g', optarg, 0, 255);
			break;
		case 'c':
			only = optarg;
			break;
		case 't':
			timeout = xt_opt_ulong('t', optarg, 1, 86400);
			break;
		default:
			usage(argv[0]);
			return XT_EXIT_USAGE;
		}
	}
	xt_alarm(timeout);
	ctx = xt_open_device(dev);
	if (!ctx)
		return XT_EXIT_FAIL;
	if (ibv_query_device_ex(ctx, NULL, &dattr) ||
	    ibv_query_port(ctx, 1, &pattr) ||
	    xt_query_port(ctx, 1, gid, &port)) {
		printf("cannot query %s\n", ibv_get_device_name(ctx->device));
		return XT_EXIT_FAIL;
	}
	pd = ibv_alloc_pd(ctx);
	if (!pd) {
		printf("ibv_alloc_pd: %s\n", strerror(errno));
		return XT_EXIT_FAIL;
	}
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!only || !strncmp(groups[i].name, only, strlen(only)) ||
		    !strncmp(only, groups[i].name, strlen(groups[i].name)))
			groups[i].fn();
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	return xt_finish();
}
