// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-stress - create and destroy verbs objects in a loop and walk QPs
 * through their states, checking every step; print per-operation times.
 *
 * Each iteration: PD, CQ, SRQ (if the device has any), a QP (RC, UC, UD in
 * turn; RC and UD use the SRQ), a small MR; the QP goes RESET -> INIT -> RTR
 * -> RTS -> ERR, RC/UC connected to themselves (loopback: own QPN, own GID,
 * GRH), and ibv_query_qp must report each state just set; then everything is
 * destroyed in reverse order.  Once, at the start, one large MR is allocated,
 * touched, registered and deregistered; at the end a 1 MiB MR is registered
 * and deregistered -r times.
 *
 * -T only measures (create_qp, modify to RTS, reg_mr 1 MiB and the large MR,
 * -n times each) and prints "time:" lines, for comparing guest and native.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define MAX_PRINTED	5	/* failure messages printed per step */
#define MAX_BAD_ITERS	50	/* consecutive failing iterations: give up */
#define SZ_1M		(1024ul * 1024)

enum step_id {
	ST_ALLOC_PD, ST_CREATE_CQ, ST_CREATE_SRQ, ST_CREATE_QP, ST_REG_MR,
	ST_QUERY_QP, ST_MODIFY_INIT, ST_MODIFY_RTR, ST_MODIFY_RTS,
	ST_MODIFY_ERR, ST_DEREG_MR, ST_DESTROY_QP, ST_DESTROY_SRQ,
	ST_DESTROY_CQ, ST_DEALLOC_PD, ST_REG_MR_1M, ST_DEREG_MR_1M,
	ST_TOUCH_BIG, ST_REG_MR_BIG, ST_DEREG_MR_BIG, ST_NR
};

struct step {
	unsigned long ok, failed;
	struct xt_stat t;
};

static struct step steps[ST_NR] = {
	[ST_ALLOC_PD] = { .t.name = "alloc_pd" },
	[ST_CREATE_CQ] = { .t.name = "create_cq" },
	[ST_CREATE_SRQ] = { .t.name = "create_srq" },
	[ST_CREATE_QP] = { .t.name = "create_qp" },
	[ST_REG_MR] = { .t.name = "reg_mr_small" },
	[ST_QUERY_QP] = { .t.name = "query_qp" },
	[ST_MODIFY_INIT] = { .t.name = "modify_init" },
	[ST_MODIFY_RTR] = { .t.name = "modify_rtr" },
	[ST_MODIFY_RTS] = { .t.name = "modify_rts" },
	[ST_MODIFY_ERR] = { .t.name = "modify_err" },
	[ST_DEREG_MR] = { .t.name = "dereg_mr_small" },
	[ST_DESTROY_QP] = { .t.name = "destroy_qp" },
	[ST_DESTROY_SRQ] = { .t.name = "destroy_srq" },
	[ST_DESTROY_CQ] = { .t.name = "destroy_cq" },
	[ST_DEALLOC_PD] = { .t.name = "dealloc_pd" },
	[ST_REG_MR_1M] = { .t.name = "reg_mr_1m" },
	[ST_DEREG_MR_1M] = { .t.name = "dereg_mr_1m" },
	[ST_TOUCH_BIG] = { .t.name = "touch_big" },
	[ST_REG_MR_BIG] = { .t.name = "reg_mr_big" },
	[ST_DEREG_MR_BIG] = { .t.name = "dereg_mr_big" },
};

/* Time from RESET to RTS (three modify_qp calls), per QP type. */
static struct xt_stat to_rts[3] = {
	{ .name = "modify_to_rts_rc" },
	{ .name = "modify_to_rts_uc" },
	{ .name = "modify_to_rts_ud" },
};

static const enum ibv_qp_type qp_types[3] = {
	IBV_QPT_RC, IBV_QPT_UC, IBV_QPT_UD
};

struct stress {
	struct ibv_context *ctx;
	struct ibv_device_attr dev;
	struct xt_port port;
	unsigned long iters;
	unsigned long big_mib;
	unsigned long small_len;
	unsigned long reps;
	void *small_buf;
	struct xt_rng rng;
};

/* Count a passed step that started at @t0; return its duration. */
static double step_ok(enum step_id st, double t0)
{
	double us = xt_now_us() - t0;

	steps[st].ok++;
	xt_pass();
	xt_stat_add(&steps[st].t, us);
	return us;
}

static void XT_ATTR_PRINTF(2, 3) step_fail(enum step_id st, const char *fmt, ...)
{
	struct step *s = &steps[st];
	va_list ap;

	s->failed++;
	xt_fail_quiet();
	if (s->failed > MAX_PRINTED)
		return;
	printf("FAIL %s: ", s->t.name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (s->failed == MAX_PRINTED)
		printf(" (further %s failures not printed)", s->t.name);
	putchar('\n');
	fflush(stdout);
}

static unsigned long total_failed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < ST_NR; i++)
		n += steps[i].failed;
	return n;
}

/* Buffer of @len bytes, page aligned, every page written once. */
static void *alloc_touched(size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p;
	size_t off;

	if (posix_memalign((void **)&p, page, len))
		return NULL;
	for (off = 0; off < len; off += page)
		p[off] = (unsigned char)(off / page);
	return p;
}

/* ibv_query_qp must report @want and, where set, the attributes just set. */
static bool check_qp(struct ibv_qp *qp, enum ibv_qp_state want, uint32_t psn,
		     unsigned long it)
{
	struct ibv_qp_init_attr ia;
	struct ibv_qp_attr a;
	int mask = IBV_QP_STATE, ret;
	double t0;

	if (want == IBV_QPS_INIT && qp->qp_type == IBV_QPT_UD)
		mask |= IBV_QP_QKEY;
	if (want == IBV_QPS_RTR && qp->qp_type != IBV_QPT_UD)
		mask |= IBV_QP_DEST_QPN | IBV_QP_RQ_PSN;
	if (want == IBV_QPS_RTS)
		mask |= IBV_QP_SQ_PSN;
	memset(&a, 0, sizeof(a));
	t0 = xt_now_us();
	ret = ibv_query_qp(qp, &a, mask, &ia);
	if (ret) {
		step_fail(ST_QUERY_QP, "iter %lu: %s QP %u in %s: %s", it,
			  xt_qp_type_str(qp->qp_type), qp->qp_num,
			  xt_qp_state_str(want), strerror(ret));
		return false;
	}
	if (a.qp_state != want) {
		step_fail(ST_QUERY_QP, "iter %lu: %s QP %u: state %s, want %s",
			  it, xt_qp_type_str(qp->qp_type), qp->qp_num,
			  xt_qp_state_str(a.qp_state), xt_qp_state_str(want));
		return false;
	}
	if ((mask & IBV_QP_QKEY) && a.qkey != XT_QKEY) {
		step_fail(ST_QUERY_QP, "iter %lu: UD QP %u: qkey %#x, want %#x",
			  it, qp->qp_num, a.qkey, XT_QKEY);
		return false;
	}
	if ((mask & IBV_QP_DEST_QPN) &&
	    (a.dest_qp_num != qp->qp_num || a.rq_psn != psn)) {
		step_fail(ST_QUERY_QP,
			  "iter %lu: %s QP %u in RTR: dest_qp_num %u rq_psn %#x, want %u %#x",
			  it, xt_qp_type_str(qp->qp_type), qp->qp_num,
			  a.dest_qp_num, a.rq_psn, qp->qp_num, psn);
		return false;
	}
	if ((mask & IBV_QP_SQ_PSN) && a.sq_psn != psn) {
		step_fail(ST_QUERY_QP, "iter %lu: %s QP %u in RTS: sq_psn %#x, want %#x",
			  it, xt_qp_type_str(qp->qp_type), qp->qp_num,
			  a.sq_psn, psn);
		return false;
	}
	step_ok(ST_QUERY_QP, t0);
	return true;
}

/* RESET -> INIT -> RTR -> RTS -> ERR, loopback, querying after each. */
static void walk_qp(struct stress *s, struct ibv_qp *qp, int ti,
		    unsigned long it)
{
	struct xt_dest self = {
		.qpn = qp->qp_num,
		.lid = s->port.lid,
		.gid = s->port.gid,
		.mtu = s->port.mtu,
	};
	const char *type = xt_qp_type_str(qp->qp_type);
	double t0, us;
	int ret;

	self.psn = xt_rng_next(&s->rng) & 0xffffff;
	if (!check_qp(qp, IBV_QPS_RESET, 0, it))
		return;

	t0 = xt_now_us();
	ret = xt_qp_init(qp, s->port.num);
	if (ret) {
		step_fail(ST_MODIFY_INIT, "iter %lu: %s QP %u: %s", it, type,
			  qp->qp_num, strerror(ret));
		return;
	}
	us = step_ok(ST_MODIFY_INIT, t0);
	if (!check_qp(qp, IBV_QPS_INIT, 0, it))
		return;

	t0 = xt_now_us();
	ret = xt_qp_rtr(qp, &s->port, &self);
	if (ret) {
		step_fail(ST_MODIFY_RTR, "iter %lu: %s QP %u: %s", it, type,
			  qp->qp_num, strerror(ret));
		return;
	}
	us += step_ok(ST_MODIFY_RTR, t0);
	if (!check_qp(qp, IBV_QPS_RTR, self.psn, it))
		return;

	t0 = xt_now_us();
	ret = xt_qp_rts(qp, self.psn);
	if (ret) {
		step_fail(ST_MODIFY_RTS, "iter %lu: %s QP %u: %s", it, type,
			  qp->qp_num, strerror(ret));
		return;
	}
	us += step_ok(ST_MODIFY_RTS, t0);
	/* the three modify calls only, not the queries between them */
	xt_stat_add(&to_rts[ti], us);
	if (!check_qp(qp, IBV_QPS_RTS, self.psn, it))
		return;

	t0 = xt_now_us();
	ret = xt_qp_set_state(qp, IBV_QPS_ERR);
	if (ret) {
		step_fail(ST_MODIFY_ERR, "iter %lu: %s QP %u: %s", it, type,
			  qp->qp_num, strerror(ret));
		return;
	}
	step_ok(ST_MODIFY_ERR, t0);
	check_qp(qp, IBV_QPS_ERR, 0, it);
}

/* One create/walk/destroy round; returns whether every step passed. */
static bool stress_once(struct stress *s, unsigned long it)
{
	unsigned long failed_before = total_failed();
	int ti = it % 3;
	enum ibv_qp_type type = qp_types[ti];
	struct ibv_srq_init_attr sia;
	struct ibv_qp_init_attr qia;
	struct ibv_srq *srq = NULL;
	struct ibv_mr *mr;
	struct ibv_qp *qp;
	struct ibv_cq *cq;
	struct ibv_pd *pd;
	double t0;
	int ret;

	t0 = xt_now_us();
	pd = ibv_alloc_pd(s->ctx);
	if (!pd) {
		step_fail(ST_ALLOC_PD, "iter %lu: %s", it, strerror(errno));
		goto out;
	}
	step_ok(ST_ALLOC_PD, t0);

	t0 = xt_now_us();
	cq = ibv_create_cq(s->ctx, 32, NULL, NULL, 0);
	if (!cq) {
		step_fail(ST_CREATE_CQ, "iter %lu: %s", it, strerror(errno));
		goto out_pd;
	}
	step_ok(ST_CREATE_CQ, t0);

	if (s->dev.max_srq > 0) {
		memset(&sia, 0, sizeof(sia));
		sia.attr.max_wr = 16;
		sia.attr.max_sge = 1;
		t0 = xt_now_us();
		srq = ibv_create_srq(pd, &sia);
		if (!srq) {
			step_fail(ST_CREATE_SRQ, "iter %lu: %s", it,
				  strerror(errno));
			goto out_cq;
		}
		step_ok(ST_CREATE_SRQ, t0);
	}

	memset(&qia, 0, sizeof(qia));
	qia.send_cq = cq;
	qia.recv_cq = cq;
	qia.srq = type == IBV_QPT_UC ? NULL : srq;
	qia.qp_type = type;
	qia.cap.max_send_wr = 8;
	qia.cap.max_recv_wr = qia.srq ? 0 : 8;
	qia.cap.max_send_sge = 1;
	qia.cap.max_recv_sge = qia.srq ? 0 : 1;
	t0 = xt_now_us();
	qp = ibv_create_qp(pd, &qia);
	if (!qp) {
		step_fail(ST_CREATE_QP, "iter %lu: %s%s: %s", it,
			  xt_qp_type_str(type), qia.srq ? " with SRQ" : "",
			  strerror(errno));
		goto out_srq;
	}
	if (qp->qp_type != type || qp->qp_num < 2 ||
	    qia.cap.max_send_wr < 8 || qia.cap.max_send_sge < 1 ||
	    (!qia.srq && (qia.cap.max_recv_wr < 8 || qia.cap.max_recv_sge < 1)))
		step_fail(ST_CREATE_QP,
			  "iter %lu: %s QP %u: type %s, caps send %u/%u recv %u/%u",
			  it, xt_qp_type_str(type), qp->qp_num,
			  xt_qp_type_str(qp->qp_type), qia.cap.max_send_wr,
			  qia.cap.max_send_sge, qia.cap.max_recv_wr,
			  qia.cap.max_recv_sge);
	else
		step_ok(ST_CREATE_QP, t0);

	t0 = xt_now_us();
	mr = ibv_reg_mr(pd, s->small_buf, s->small_len, XT_MR_ACCESS);
	if (!mr)
		step_fail(ST_REG_MR, "iter %lu: %lu bytes: %s", it, s->small_len,
			  strerror(errno));
	else if (mr->addr != s->small_buf || mr->length != s->small_len)
		step_fail(ST_REG_MR, "iter %lu: MR addr %p length %zu, want %p %lu",
			  it, mr->addr, mr->length, s->small_buf, s->small_len);
	else
		step_ok(ST_REG_MR, t0);

	walk_qp(s, qp, ti, it);

	if (mr) {
		t0 = xt_now_us();
		ret = ibv_dereg_mr(mr);
		if (ret)
			step_fail(ST_DEREG_MR, "iter %lu: %s", it, strerror(ret));
		else
			step_ok(ST_DEREG_MR, t0);
	}
	t0 = xt_now_us();
	ret = ibv_destroy_qp(qp);
	if (ret)
		step_fail(ST_DESTROY_QP, "iter %lu: %s", it, strerror(ret));
	else
		step_ok(ST_DESTROY_QP, t0);
out_srq:
	if (srq) {
		t0 = xt_now_us();
		ret = ibv_destroy_srq(srq);
		if (ret)
			step_fail(ST_DESTROY_SRQ, "iter %lu: %s", it,
				  strerror(ret));
		else
			step_ok(ST_DESTROY_SRQ, t0);
	}
out_cq:
	t0 = xt_now_us();
	ret = ibv_destroy_cq(cq);
	if (ret)
		step_fail(ST_DESTROY_CQ, "iter %lu: %s", it, strerror(ret));
	else
		step_ok(ST_DESTROY_CQ, t0);
out_pd:
	t0 = xt_now_us();
	ret = ibv_dealloc_pd(pd);
	if (ret)
		step_fail(ST_DEALLOC_PD, "iter %lu: %s", it, strerror(ret));
	else
		step_ok(ST_DEALLOC_PD, t0);
out:
	return total_failed() == failed_before;
}

/* Register and deregister @len bytes at @buf in @pd, @n times. */
static void reg_dereg(struct ibv_pd *pd, void *buf, size_t len,
		      unsigned long n, enum step_id reg, enum step_id dereg)
{
	struct ibv_mr *mr;
	unsigned long i;
	double t0;
	int ret;

	for (i = 0; i < n; i++) {
		t0 = xt_now_us();
		mr = ibv_reg_mr(pd, buf, len, XT_MR_ACCESS);
		if (!mr) {
			step_fail(reg, "%zu bytes (#%lu): %s", len, i,
				  strerror(errno));
			continue;
		}
		if (mr->addr != buf || mr->length != len)
			step_fail(reg, "MR addr %p length %zu, want %p %zu",
				  mr->addr, mr->length, buf, len);
		else
			step_ok(reg, t0);
		t0 = xt_now_us();
		ret = ibv_dereg_mr(mr);
		if (ret)
			step_fail(dereg, "%zu bytes (#%lu): %s", len, i,
				  strerror(ret));
		else
			step_ok(dereg, t0);
	}
}

/* Allocate, touch, register and deregister a large buffer @n times. */
static void big_mr(struct stress *s, struct ibv_pd *pd, unsigned long n)
{
	size_t len = s->big_mib * SZ_1M;
	double t0;
	void *buf;

	t0 = xt_now_us();
	buf = alloc_touched(len);
	if (!buf) {
		step_fail(ST_TOUCH_BIG, "cannot allocate %lu MiB", s->big_mib);
		return;
	}
	step_ok(ST_TOUCH_BIG, t0);
	reg_dereg(pd, buf, len, n, ST_REG_MR_BIG, ST_DEREG_MR_BIG);
	free(buf);
}

static void one_mib(struct ibv_pd *pd, unsigned long n)
{
	void *buf = alloc_touched(SZ_1M);

	if (!buf) {
		step_fail(ST_REG_MR_1M, "cannot allocate 1 MiB");
		return;
	}
	reg_dereg(pd, buf, SZ_1M, n, ST_REG_MR_1M, ST_DEREG_MR_1M);
	free(buf);
}

/* -T: create_qp, modify to RTS, reg_mr 1 MiB and the big MR, n times each. */
static void timing_only(struct stress *s)
{
	struct xt_stat *rts = &to_rts[0];
	struct xt_dest self = {
		.lid = s->port.lid,
		.gid = s->port.gid,
		.mtu = s->port.mtu,
	};
	struct ibv_qp_init_attr qia;
	struct ibv_qp *qp;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	unsigned long i;
	double t0;
	int ret;

	pd = ibv_alloc_pd(s->ctx);
	if (!pd) {
		step_fail(ST_ALLOC_PD, "%s", strerror(errno));
		return;
	}
	cq = ibv_create_cq(s->ctx, 32, NULL, NULL, 0);
	if (!cq) {
		step_fail(ST_CREATE_CQ, "%s", strerror(errno));
		goto out_pd;
	}
	for (i = 0; i < s->iters; i++) {
		memset(&qia, 0, sizeof(qia));
		qia.send_cq = cq;
		qia.recv_cq = cq;
		qia.qp_type = IBV_QPT_RC;
		qia.cap.max_send_wr = 8;
		qia.cap.max_recv_wr = 8;
		qia.cap.max_send_sge = 1;
		qia.cap.max_recv_sge = 1;
		t0 = xt_now_us();
		qp = ibv_create_qp(pd, &qia);
		if (!qp) {
			step_fail(ST_CREATE_QP, "RC (#%lu): %s", i,
				  strerror(errno));
			continue;
		}
		step_ok(ST_CREATE_QP, t0);
		self.qpn = qp->qp_num;
		self.psn = i & 0xffffff;
		t0 = xt_now_us();
		ret = xt_qp_connect(qp, &s->port, &self, self.psn);
		if (ret)
			step_fail(ST_MODIFY_RTS, "RC QP %u: %s", qp->qp_num,
				  strerror(ret));
		else
			xt_stat_add(rts, xt_now_us() - t0);
		t0 = xt_now_us();
		ret = ibv_destroy_qp(qp);
		if (ret)
			step_fail(ST_DESTROY_QP, "QP %u: %s", self.qpn,
				  strerror(ret));
		else
			step_ok(ST_DESTROY_QP, t0);
	}
	one_mib(pd, s->iters);
	if (s->big_mib)
		big_mr(s, pd, s->iters);

	xt_stat_print(&steps[ST_CREATE_QP].t);
	xt_stat_print(rts);
	xt_stat_print(&steps[ST_DESTROY_QP].t);
	xt_stat_print(&steps[ST_REG_MR_1M].t);
	xt_stat_print(&steps[ST_DEREG_MR_1M].t);
	if (s->big_mib) {
		xt_stat_print(&steps[ST_REG_MR_BIG].t);
		xt_stat_print(&steps[ST_DEREG_MR_BIG].t);
	}
	ibv_destroy_cq(cq);
out_pd:
	ibv_dealloc_pd(pd);
}

static void print_report(struct stress *s)
{
	int i;

	for (i = 0; i < ST_NR; i++) {
		if (i == ST_CREATE_SRQ || i == ST_DESTROY_SRQ) {
			if (!s->dev.max_srq) {
				printf("step %s: skipped (max_srq 0)\n",
				       steps[i].t.name);
				continue;
			}
		}
		if (!s->big_mib && (i == ST_TOUCH_BIG || i == ST_REG_MR_BIG ||
				    i == ST_DEREG_MR_BIG))
			continue;
		printf("step %s: %lu ok, %lu failed\n", steps[i].t.name,
		       steps[i].ok, steps[i].failed);
	}
	for (i = 0; i < ST_NR; i++)
		if (steps[i].t.n)
			xt_stat_print(&steps[i].t);
	for (i = 0; i < 3; i++)
		xt_stat_print(&to_rts[i]);
}

static void usage(const char *argv0)
{
	printf("Usage: %s [options]\n"
	       "Create/destroy verbs objects in a loop and walk QP states.\n"
	       "\n"
	       "  -d DEV      verbs device (default: the first one)\n"
	       "  -P PORT     port number (default 1)\n"
	       "  -i|-g GID_IDX GID index for the loopback path (default 0)\n"
	       "  -n ITER     iterations (default 1000; with -T: 50)\n"
	       "  -m MR_MIB   large MR size in MiB, 0 for none (default 256)\n"
	       "  -s KIB      small MR size in KiB (default 64)\n"
	       "  -r REPS     1 MiB reg_mr/dereg_mr repetitions (default 50)\n"
	       "  -T          timing only: create_qp, modify to RTS, reg_mr\n"
	       "              1 MiB and MR_MIB MiB, ITER times each; prints\n"
	       "              only \"time:\" lines and the summary\n"
	       "  -t SECS     give up after SECS (default 1800, 0: never)\n"
	       "\n"
	       "Last line: \"N passed, N failed\"; exit 0 if none failed, 1 if\n"
	       "some did, 2 on a usage error.  Lines \"time: ...\" are info.\n",
	       argv0);
}

int main(int argc, char **argv)
{
	struct stress s = { .iters = 0, .big_mib = 256, .reps = 50 };
	unsigned long small_kib = 64, timeout = 1800, it, bad = 0;
	const char *devname = NULL;
	bool timing = false, iters_set = false;
	unsigned long port = 1, gid_idx = 0;
	char gid[64], big_names[3][32];
	struct ibv_pd *pd;
	int c, ret;

	while ((c = getopt(argc, argv, "d:P:i:g:n:m:s:r:Tt:h")) != -1) {
		switch (c) {
		case 'd':
			devname = optarg;
			break;
		case 'P':
			port = xt_opt_ulong(c, optarg, 1, 255);
			break;
		case 'i':
		case 'g':
			gid_idx = xt_opt_ulong(c, optarg, 0, 65535);
			break;
		case 'n':
			s.iters = xt_opt_ulong(c, optarg, 1, 100000000);
			iters_set = true;
			break;
		case 'm':
			s.big_mib = xt_opt_ulong(c, optarg, 0, 1024 * 1024);
			break;
		case 's':
			small_kib = xt_opt_ulong(c, optarg, 1, 1024 * 1024);
			break;
		case 'r':
			s.reps = xt_opt_ulong(c, optarg, 0, 1000000);
			break;
		case 'T':
			timing = true;
			break;
		case 't':
			timeout = xt_opt_ulong(c, optarg, 0, 1000000);
			break;
		case 'h':
			usage(argv[0]);
			return XT_EXIT_OK;
		default:
			usage(argv[0]);
			return XT_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(argv[0]);
		return XT_EXIT_USAGE;
	}
	if (!iters_set)
		s.iters = timing ? 50 : 1000;
	snprintf(big_names[0], sizeof(big_names[0]), "touch_%lum", s.big_mib);
	snprintf(big_names[1], sizeof(big_names[1]), "reg_mr_%lum", s.big_mib);
	snprintf(big_names[2], sizeof(big_names[2]), "dereg_mr_%lum", s.big_mib);
	steps[ST_TOUCH_BIG].t.name = big_names[0];
	steps[ST_REG_MR_BIG].t.name = big_names[1];
	steps[ST_DEREG_MR_BIG].t.name = big_names[2];
	s.small_len = small_kib * 1024;
	setvbuf(stdout, NULL, _IOLBF, 0);
	xt_alarm(timeout);
	xt_rng_seed(&s.rng, 1);

	s.ctx = xt_open_device(devname);
	if (!s.ctx) {
		xt_fail("open device");
		return xt_finish();
	}
	ret = ibv_query_device(s.ctx, &s.dev);
	if (ret) {
		xt_fail("ibv_query_device: %s", strerror(ret));
		goto out;
	}
	if (xt_query_port(s.ctx, port, gid_idx, &s.port)) {
		xt_fail("port %lu / GID index %lu unusable", port, gid_idx);
		goto out;
	}
	if (timing) {
		/* only "time:" lines (and failures, and the summary) */
		timing_only(&s);
		goto out;
	}
	printf("device %s port %u (%s) gid[%d] %s lid %u mtu %d max_srq %d\n",
	       ibv_get_device_name(s.ctx->device), s.port.num,
	       xt_link_layer_str(s.port.link_layer), s.port.gid_idx,
	       xt_gid_str(&s.port.gid, gid, sizeof(gid)), s.port.lid,
	       128 << s.port.mtu, s.dev.max_srq);

	s.small_buf = alloc_touched(s.small_len);
	pd = ibv_alloc_pd(s.ctx);
	if (!s.small_buf || !pd) {
		xt_fail("setup: %s", strerror(errno));
		goto out;
	}
	if (s.big_mib)
		big_mr(&s, pd, 1);

	printf("%lu iterations, QP types RC/UC/UD in turn, small MR %lu KiB\n",
	       s.iters, small_kib);
	for (it = 0; it < s.iters; it++) {
		bad = stress_once(&s, it) ? 0 : bad + 1;
		if (bad >= MAX_BAD_ITERS) {
			xt_fail("giving up after %d failing iterations in a row",
				MAX_BAD_ITERS);
			break;
		}
		if (s.iters >= 10 && (it + 1) % (s.iters / 10) == 0)
			printf("progress: %lu/%lu iterations, %lu failures\n",
			       it + 1, s.iters, total_failed());
	}
	one_mib(pd, s.reps);
	ret = ibv_dealloc_pd(pd);
	xt_check(!ret, "dealloc_pd (setup PD): %s", strerror(ret));
	print_report(&s);
out:
	free(s.small_buf);
	ret = ibv_close_device(s.ctx);
	xt_check(!ret, "ibv_close_device: %s", strerror(errno));
	return xt_finish();
}
