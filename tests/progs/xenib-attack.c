// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-attack - what a hostile, unprivileged guest process tries against
 * Dom0 through its verbs device (issue #10, docs/security.md).  A plain
 * libibverbs program: it needs no privilege in the guest beyond opening
 * /dev/infiniband/uverbs*, and it runs on rxe0 natively too (where the
 * kernel's own checks answer).
 *
 * Modes (each prints one "case NAME: RESULT" line per probe, "FAIL ..."
 * for every probe that did not answer as a safe device must, and
 * "N passed, N failed" last):
 *
 *   keys   Local keys that are not this process's own.  One RC QP connected
 *          to itself, an MR of our own (the control: every probe with it
 *          must succeed), then, for each key: an RDMA WRITE whose local
 *          SGE names the key (the device would read what the key covers
 *          and write it into our MR: a read of foreign memory), and with
 *          -W also the probes through which the device would write into
 *          what the key covers: RDMA READ and atomic into a local SGE of
 *          the key, a receive (RQ and SRQ) with the key.  Every foreign
 *          key must complete in error with nothing copied.  Keys:
 *            - a stale key: an MR registered, deregistered, then named;
 *            - -s N: N never-registered keys next to our own (same index,
 *              other key octets, and the indexes just below);
 *            - -f FILE: lines "KEY ADDR LABEL" (hex key, hex address)
 *              written by the lab suite: the shadow PD's local DMA lkey
 *              with a Dom0 kernel address, another guest's MR, ...
 *              The file is awaited for -w seconds after "ready" was
 *              printed (and written to -r FILE), so that its writer can
 *              read this process's PD from Dom0 first.
 *   hold   Registers an MR, writes "LKEY ADDR" to -o FILE and holds it for
 *          -w seconds (the victim of the cross-guest probes).
 *   regqp  Another guest's QPs, reached from ours: one RC QP that, for each
 *          target, is connected to the target's QPN with our own GID and
 *          sends at the target's expected PSN one RDMA WRITE with a key
 *          the target does not have.  A target that answers (any remote
 *          error) has processed our packet; an RC responder that NAKs an
 *          access error moves to the error state.  The backend's
 *          registration QP of a PD is such a target: in error, every later
 *          ibv_reg_mr of that PD fails.  Targets:
 *            - -s N: the N QPNs just below ours at PSN 0 (a sweep: QPNs
 *              are allocated in sequence on one device);
 *            - -f FILE: lines "QPN PSN LABEL" (hex), awaited for -w
 *              seconds (the lab suite writes the victim's registration QP
 *              from Dom0's debugfs: the attacker knowing even the PSN).
 *          Every -f target must not answer; the sweep is reported only
 *          (it may meet QPs that are not the backend's).  No answer does
 *          not prove the target safe: a QP connected to itself, as the
 *          registration QP of a backend without the fix was, NAKs to
 *          itself, not to us.  What the victim's registrations do shows
 *          the harm (regloop, and the lab suite's reg_qp_resets).
 *   gids   The GID indexes of port 1 (the first 16): for each, the GID,
 *          then an AH and an RC QP path (INIT to RTR) with it as SGID
 *          index.  -a LIST names the indexes the admin gave this guest
 *          (xenib attach --gid-index): every other one must read as empty
 *          and be refused; an allowed non-empty one must work.  Without
 *          -a every non-empty index must work (rxe0 natively).
 *   regloop
 *          The victim: registers and deregisters an MR in one PD until
 *          -f FILE exists (then 8 more) or -w seconds pass; -o FILE is
 *          written after the first registration (the PD's registration QP
 *          then exists).  Every registration must succeed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "common.h"

#define BUF_SIZE	65536
#define PROBE_LEN	64
#define MAX_KEYS	64
/* Offsets in our MR: what a probe copies lands at DST, sources at SRC. */
#define DST_OFF		0
#define SRC_OFF		4096
#define ATOMIC_OFF	8192
#define RECV_OFF	12288

static struct ibv_context *ctx;
static struct ibv_pd *pd;
static struct ibv_cq *cq;
static struct ibv_qp *qp;
static struct ibv_srq *srq;
static struct ibv_qp *sqp;	/* a second self-connected QP on the SRQ */
static struct ibv_mr *mr;
static uint8_t *buf;
static struct xt_port port;
static struct xt_dest self, sself;
static unsigned int timeout_ms = 10000;

struct key {
	uint32_t key;
	uint64_t addr;
	char label[48];
	bool allow;	/* our own key: must work */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenib-attack [-d DEV] [-g GIDX] [options] keys|hold|regqp|regloop|gids|hog|pin|storm\n"
		"  keys    probes with local keys that are not ours (see the source)\n"
		"  hold    registers an MR, writes \"LKEY ADDR\" to -o FILE, holds it\n"
		"  regqp   RDMA WRITEs at other QPs (-s sweep, -f targets)\n"
		"  regloop registers and deregisters until -f FILE exists\n"
		"  gids    uses each GID index; -a LIST: the allowed ones\n"
		"  hog     creates CQs and RC QPs of 16384 entries until refused\n"
		"          (-s N: at most N), writes \"N ERRNO\" to -o FILE, holds\n"
		"          them until -f FILE exists or -w SEC\n"
		"  pin     registers 1 MiB regions until refused (-s N: at most N),\n"
		"          -o, -f and -w as for hog\n"
		"  storm   kicks the backend's data channel -s N thousand times\n"
		"          (default 100) with nothing queued\n"
		"  -a LIST  gids: allowed GID indexes, N[,N]... (default: all)\n"
		"  -d DEV   verbs device (default: the first)\n"
		"  -g GIDX  GID index (default 0)\n"
		"  -s N     keys: N never-registered keys next to ours (default 0);\n"
		"           regqp: the N QPNs below ours, at PSN 0; hog, pin: at most N\n"
		"  -f FILE  keys: more keys, lines \"KEY ADDR LABEL\" (hex);\n"
		"           regqp: targets, lines \"QPN PSN LABEL\" (hex);\n"
		"           regloop, hog, pin: stop when FILE exists\n"
		"  -r FILE  keys, regqp: created when ready for -f\n"
		"  -w SEC   keys, regqp: wait for -f; hold: how long;\n"
		"           regloop: at most (default 60)\n"
		"  -W       keys: also the probes that would write through the key\n"
		"  -o FILE  hold: where to write the key; regloop: written when\n"
		"           the first registration is done\n"
		"Last line: N passed, N failed.  Exit 0 only if every probe was refused.\n");
}

static const char *status_str(int st)
{
	return ibv_wc_status_str(st);
}

/* Connects @q to @d, with remote atomics allowed (the atomic probe). */
static int connect_qp(struct ibv_qp *q, const struct xt_dest *d)
{
	struct ibv_qp_attr a = {
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC,
	};
	int ret = xt_qp_connect(q, &port, d, d->psn);

	if (!ret)
		ret = ibv_modify_qp(q, &a, IBV_QP_ACCESS_FLAGS);
	if (ret)
		printf("connecting QP %u: %s\n", q->qp_num, strerror(ret));
	return ret;
}

/* Brings @q back to RTS after an error (RESET, then the connection). */
static int requeue(struct ibv_qp *q, const struct xt_dest *d)
{
	int ret = xt_qp_set_state(q, IBV_QPS_RESET);

	if (ret) {
		printf("modify_qp to RESET: %s\n", strerror(ret));
		return ret;
	}
	return connect_qp(q, d);
}

/*
 * Completions seen, by wr_id (1..7): a probe waits for the one that names
 * the key, and the others of the same probe may come first.
 */
static int seen_st[8];
static unsigned int seen_mask;

/* Waits for the completion of wr_id @id; its status, or -1 on timeout. */
static int wait_wc(uint64_t id)
{
	struct ibv_wc wc;
	int n;

	while (!(seen_mask & 1u << id)) {
		n = xt_poll_cq(cq, &wc, timeout_ms);
		if (n <= 0)
			return -1;
		if (wc.wr_id < 8) {
			seen_mask |= 1u << wc.wr_id;
			seen_st[wc.wr_id] = wc.status;
		}
	}
	return seen_st[id];
}

/* Drains the CQ (flushes of a QP in error). */
static void drain(void)
{
	struct ibv_wc wc;

	while (xt_poll_cq(cq, &wc, 200) > 0)
		;
}

enum probe {
	P_WRITE_FROM,	/* RDMA WRITE, local SGE = key: device reads the key */
	P_SEND_FROM,	/* SEND from the key into our receive */
	P_READ_INTO,	/* RDMA READ into the key: device writes */
	P_ATOMIC_INTO,	/* FETCH_ADD result into the key */
	P_RECV_INTO,	/* RQ receive buffer = key */
	P_SRQ_INTO,	/* SRQ receive buffer = key */
	P_COUNT,
};

static const char *const probe_name[P_COUNT] = {
	"write-from", "send-from", "read-into", "atomic-into", "recv-into",
	"srq-recv-into",
};

static int post_recv_own(struct ibv_qp *q, uint64_t id)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)buf + RECV_OFF, .length = 4096,
		.lkey = mr->lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = id, .sg_list = &sge, .num_sge = 1 };
	struct ibv_recv_wr *bad;

	return ibv_post_recv(q, &wr, &bad);
}

/*
 * One probe with @k.  Returns the status of the probe's completion (the
 * one that names the key), or -1 if it timed out, -2 if it could not be
 * posted at all (also a refusal).
 */
static int probe(enum probe p, const struct key *k)
{
	struct ibv_sge ksge = {
		.addr = k->addr, .length = PROBE_LEN, .lkey = k->key,
	};
	struct ibv_sge own = {
		.addr = (uintptr_t)buf + SRC_OFF, .length = PROBE_LEN,
		.lkey = mr->lkey,
	};
	struct ibv_send_wr wr = { .wr_id = 1, .num_sge = 1,
				  .send_flags = IBV_SEND_SIGNALED };
	struct ibv_recv_wr rwr = { .wr_id = 2, .sg_list = &ksge, .num_sge = 1 };
	struct ibv_send_wr *bad;
	struct ibv_recv_wr *rbad;
	struct ibv_qp *q = qp;
	int st;

	seen_mask = 0;

	switch (p) {
	case P_WRITE_FROM:
		wr.opcode = IBV_WR_RDMA_WRITE;
		wr.sg_list = &ksge;
		wr.wr.rdma.remote_addr = (uintptr_t)buf + DST_OFF;
		wr.wr.rdma.rkey = mr->rkey;
		break;
	case P_SEND_FROM:
		if (post_recv_own(qp, 3))
			return -2;
		wr.opcode = IBV_WR_SEND;
		wr.sg_list = &ksge;
		break;
	case P_READ_INTO:
		wr.opcode = IBV_WR_RDMA_READ;
		wr.sg_list = &ksge;
		wr.wr.rdma.remote_addr = (uintptr_t)buf + SRC_OFF;
		wr.wr.rdma.rkey = mr->rkey;
		break;
	case P_ATOMIC_INTO:
		wr.opcode = IBV_WR_ATOMIC_FETCH_AND_ADD;
		ksge.length = 8;
		wr.sg_list = &ksge;
		wr.wr.atomic.remote_addr = (uintptr_t)buf + ATOMIC_OFF;
		wr.wr.atomic.rkey = mr->rkey;
		wr.wr.atomic.compare_add = 1;
		break;
	case P_RECV_INTO:
	case P_SRQ_INTO:
		if (p == P_SRQ_INTO) {
			q = sqp;
			if (ibv_post_srq_recv(srq, &rwr, &rbad))
				return -2;
		} else if (ibv_post_recv(qp, &rwr, &rbad)) {
			return -2;
		}
		/* Our own send into it: the device writes through the key. */
		wr.opcode = IBV_WR_SEND;
		wr.sg_list = &own;
		wr.wr_id = 4;
		if (ibv_post_send(q, &wr, &bad))
			return -2;
		st = wait_wc(2);
		if (st == IBV_WC_SUCCESS)
			wait_wc(4);
		return st;
	default:
		return -2;
	}
	if (ibv_post_send(q, &wr, &bad))
		return -2;
	st = wait_wc(1);
	if (p == P_SEND_FROM && st == IBV_WC_SUCCESS)
		st = wait_wc(3);
	return st;
}

/* Printable form of what a probe copied (a leak shows up here). */
static void show_bytes(const uint8_t *p, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 2 < len; i++)
		out[o++] = isprint(p[i]) ? (char)p[i] : '.';
	out[o] = 0;
}

/* Runs every probe with @k; counts a pass for each answer as expected. */
static void probe_key(const struct key *k, bool writes)
{
	char seen[PROBE_LEN + 1];
	int p, st;

	for (p = 0; p < P_COUNT; p++) {
		if (!writes && p >= P_READ_INTO && !k->allow)
			continue;
		if (p == P_SRQ_INTO && !srq)
			continue;
		memset(buf + DST_OFF, 0, PROBE_LEN);
		memset(buf + RECV_OFF, 0, PROBE_LEN);
		st = probe(p, k);
		show_bytes(buf + (p == P_SEND_FROM ? RECV_OFF : DST_OFF),
			   PROBE_LEN, seen, sizeof(seen));
		if (k->allow) {
			printf("case keys.%s.%s: %s\n", k->label, probe_name[p],
			       st == IBV_WC_SUCCESS ? "works" :
			       st < 0 ? "timeout" : status_str(st));
			xt_check(st == IBV_WC_SUCCESS,
				 "own key %#x: %s: %s", k->key, probe_name[p],
				 st < 0 ? "timed out or refused" :
				 status_str(st));
		} else {
			printf("case keys.%s.%s: %s\n", k->label, probe_name[p],
			       st == IBV_WC_SUCCESS ? "ALLOWED" : "refused");
			xt_check(st != IBV_WC_SUCCESS,
				 "key %#x (%s) at %#" PRIx64 ": %s completed; the device copied \"%s\"",
				 k->key, k->label, k->addr, probe_name[p],
				 seen);
			if (st != IBV_WC_SUCCESS)
				printf("  key %#x %s: %s\n", k->key,
				       probe_name[p],
				       st == -1 ? "no completion" :
				       st == -2 ? "post refused" :
				       status_str(st));
		}
		/* An error leaves the QPs in ERR: start over. */
		if (st != IBV_WC_SUCCESS) {
			drain();
			if (requeue(qp, &self) || (sqp && requeue(sqp, &sself))) {
				xt_fail("could not bring the QPs back to RTS");
				return;
			}
		}
	}
}

static int read_keyfile(const char *path, struct key *keys, int max)
{
	char line[256], label[40];
	unsigned long long k, a;
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f) {
		printf("%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' ||
		    sscanf(line, "%llx %llx %39s", &k, &a, label) != 3)
			continue;
		keys[n].key = (uint32_t)k;
		keys[n].addr = a;
		snprintf(keys[n].label, sizeof(keys[n].label), "%s", label);
		keys[n].allow = false;
		n++;
	}
	fclose(f);
	return n;
}

static struct ibv_qp *self_qp(struct ibv_srq *s, struct xt_dest *d)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = cq, .recv_cq = cq, .srq = s, .qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 16, .max_recv_wr = s ? 0 : 16,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_qp *q = ibv_create_qp(pd, &ia);

	if (!q) {
		printf("ibv_create_qp: %s\n", strerror(errno));
		return NULL;
	}
	d->qpn = q->qp_num;
	d->psn = 0x1234;
	d->lid = port.lid;
	d->gid = port.gid;
	d->mtu = port.mtu;
	if (connect_qp(q, d)) {
		ibv_destroy_qp(q);
		return NULL;
	}
	return q;
}

static int setup(const char *dev, int gidx)
{
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 16, .max_sge = 1 } };

	ctx = xt_open_device(dev);
	if (!ctx)
		return -1;
	if (xt_query_port(ctx, 1, gidx, &port))
		return -1;
	pd = ibv_alloc_pd(ctx);
	cq = pd ? ibv_create_cq(ctx, 256, NULL, NULL, 0) : NULL;
	if (!cq) {
		printf("PD/CQ: %s\n", strerror(errno));
		return -1;
	}
	if (posix_memalign((void **)&buf, 4096, BUF_SIZE))
		return -1;
	memset(buf, 0, BUF_SIZE);
	mr = ibv_reg_mr(pd, buf, BUF_SIZE, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
			IBV_ACCESS_REMOTE_ATOMIC);
	if (!mr) {
		printf("ibv_reg_mr: %s\n", strerror(errno));
		return -1;
	}
	qp = self_qp(NULL, &self);
	if (!qp)
		return -1;
	srq = ibv_create_srq(pd, &sa);
	if (srq)
		sqp = self_qp(srq, &sself);
	if (!srq || !sqp) {
		printf("SRQ: %s (SRQ probes left out)\n", strerror(errno));
		if (srq)
			ibv_destroy_srq(srq);
		srq = NULL;
	}
	return 0;
}

static int mode_keys(const char *file, const char *ready, unsigned int wait_s,
		     unsigned int sweep, bool writes)
{
	static struct key keys[MAX_KEYS + 260];
	struct ibv_mr *gone;
	int n = 0, i, m;
	unsigned int j;
	void *tmp;

	/* The control: our own key must work for every probe. */
	keys[n] = (struct key){ .key = mr->lkey,
				.addr = (uintptr_t)buf + SRC_OFF,
				.allow = true };
	snprintf(keys[n++].label, sizeof(keys[0].label), "own");

	/* A stale key: registered, deregistered, named again. */
	if (!posix_memalign(&tmp, 4096, 4096)) {
		gone = ibv_reg_mr(pd, tmp, 4096, IBV_ACCESS_LOCAL_WRITE);
		if (gone) {
			keys[n] = (struct key){ .key = gone->lkey,
						.addr = (uintptr_t)tmp };
			snprintf(keys[n++].label, sizeof(keys[0].label),
				 "stale");
			ibv_dereg_mr(gone);
		}
		/* tmp stays allocated: only the key is stale. */
	}

	/* Never-registered keys next to ours. */
	for (j = 0; j < sweep && j < 256; j++) {
		uint32_t idx = (mr->lkey >> 8) - j / 64;
		uint32_t key = (idx << 8) | ((mr->lkey + 1 + j) & 0xff);

		if (key == mr->lkey)
			continue;
		keys[n] = (struct key){ .key = key,
					.addr = (uintptr_t)buf + SRC_OFF };
		snprintf(keys[n++].label, sizeof(keys[0].label), "never%u", j);
	}

	printf("own lkey %#x rkey %#x buf %p\n", mr->lkey, mr->rkey,
	       (void *)buf);
	printf("ready\n");
	fflush(stdout);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f) {
			fprintf(f, "%#x %p\n", mr->lkey, (void *)buf);
			fclose(f);
		}
	}
	if (file) {
		struct stat st;

		for (j = 0; j < wait_s * 10 && stat(file, &st); j++)
			usleep(100000);
		m = read_keyfile(file, keys + n, MAX_KEYS);
		if (m < 0) {
			xt_fail("no key file %s after %u s", file, wait_s);
		} else {
			printf("keys from %s: %d\n", file, m);
			n += m;
		}
	}
	for (i = 0; i < n; i++)
		probe_key(&keys[i], writes);
	return 0;
}

static int mode_hold(const char *out, unsigned int wait_s)
{
	FILE *f;

	if (!out) {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	f = fopen(out, "w");
	if (!f) {
		printf("%s: %s\n", out, strerror(errno));
		return XT_EXIT_FAIL;
	}
	fprintf(f, "%x %" PRIxPTR "\n", mr->lkey, (uintptr_t)buf + SRC_OFF);
	fclose(f);
	printf("holding lkey %#x for %u s\n", mr->lkey, wait_s);
	fflush(stdout);
	sleep(wait_s);
	xt_pass();
	return xt_finish();
}

/* regqp: our one attacking QP and the results per target. */
static struct ibv_qp *aqp;

enum reach { R_NONE, R_ANSWERED, R_ALLOWED, R_ERROR };

/*
 * Sends one RDMA WRITE with a key nobody has to QPN @qpn, at PSN @psn,
 * from our own GID.  R_NONE: no answer (the target dropped the packet or
 * does not exist); R_ANSWERED: the target NAKed it; R_ALLOWED: it wrote.
 */
static enum reach hit_qp(uint32_t qpn, uint32_t psn)
{
	struct xt_dest d = { .qpn = qpn, .psn = psn, .lid = port.lid,
			     .gid = port.gid, .mtu = port.mtu };
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTS, .sq_psn = psn & 0xffffff,
		.timeout = 10,		/* 4 ms: one try, then RETRY_EXC */
		.retry_cnt = 0, .rnr_retry = 0, .max_rd_atomic = 1,
	};
	struct ibv_sge sge = {
		.addr = (uintptr_t)buf + SRC_OFF, .length = PROBE_LEN,
		.lkey = mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = 1, .sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE, .send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = 0x10000, .rkey = 0x5a5a5a00u },
	};
	struct ibv_send_wr *bad;
	struct ibv_wc wc;
	int ret;

	ret = xt_qp_set_state(aqp, IBV_QPS_RESET);
	if (!ret)
		ret = xt_qp_init(aqp, port.num);
	if (!ret)
		ret = xt_qp_rtr(aqp, &port, &d);
	if (!ret)
		ret = ibv_modify_qp(aqp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN |
				    IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				    IBV_QP_RNR_RETRY | IBV_QP_MAX_QP_RD_ATOMIC);
	if (ret) {
		printf("  QPN %#x: modify_qp: %s\n", qpn, strerror(ret));
		return R_ERROR;
	}
	if (ibv_post_send(aqp, &wr, &bad)) {
		printf("  QPN %#x: post_send refused\n", qpn);
		return R_ERROR;
	}
	if (xt_poll_cq(cq, &wc, timeout_ms) <= 0) {
		printf("  QPN %#x: no completion in %u ms\n", qpn, timeout_ms);
		return R_ERROR;
	}
	switch (wc.status) {
	case IBV_WC_SUCCESS:
		return R_ALLOWED;
	case IBV_WC_RETRY_EXC_ERR:
		return R_NONE;
	default:
		printf("  QPN %#x: %s\n", qpn, status_str(wc.status));
		return R_ANSWERED;
	}
}

static const char *const reach_str[] = {
	[R_NONE] = "no answer", [R_ANSWERED] = "ANSWERED",
	[R_ALLOWED] = "ALLOWED", [R_ERROR] = "error",
};

static int mode_regqp(const char *file, const char *ready, unsigned int wait_s,
		      unsigned int sweep)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = cq, .recv_cq = cq, .qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	unsigned int j, answered = 0;
	enum reach r;

	aqp = ibv_create_qp(pd, &ia);
	if (!aqp) {
		xt_fail("ibv_create_qp: %s", strerror(errno));
		return -1;
	}
	printf("own QPN %#x\n", aqp->qp_num);
	printf("ready\n");
	fflush(stdout);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f) {
			fprintf(f, "%#x\n", aqp->qp_num);
			fclose(f);
		}
	}
	/* The sweep: information only. */
	for (j = 1; j <= sweep && j < aqp->qp_num; j++) {
		r = hit_qp(aqp->qp_num - j, 0);
		if (r == R_ANSWERED || r == R_ALLOWED)
			answered++;
	}
	printf("sweep: %u QPNs below %#x at PSN 0, %u answered\n",
	       sweep, aqp->qp_num, answered);
	if (file) {
		char line[256], label[40];
		unsigned int qpn, psn;
		struct stat st;
		FILE *f;
		int n = 0;

		for (j = 0; j < wait_s * 10 && stat(file, &st); j++)
			usleep(100000);
		f = fopen(file, "r");
		if (!f) {
			xt_fail("no target file %s after %u s", file, wait_s);
			return -1;
		}
		while (fgets(line, sizeof(line), f)) {
			if (line[0] == '#' ||
			    sscanf(line, "%x %x %39s", &qpn, &psn, label) != 3)
				continue;
			r = hit_qp(qpn, psn);
			printf("case regqp.%s: %s\n", label, reach_str[r]);
			xt_check(r == R_NONE,
				 "QPN %#x PSN %#x (%s): %s", qpn, psn, label,
				 reach_str[r]);
			n++;
		}
		fclose(f);
		printf("targets from %s: %d\n", file, n);
	}
	return 0;
}

static bool gid_empty(const union ibv_gid *g)
{
	static const union ibv_gid zero;

	return !memcmp(g, &zero, sizeof(zero));
}

/* The path of an RC QP with @sgid as SGID index: 0 or an errno. */
static int gid_qp(uint8_t sgid, const union ibv_gid *dgid)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = cq, .recv_cq = cq, .qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 1, .max_recv_wr = 1,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct xt_port p = port;
	struct xt_dest d = { .qpn = 1, .lid = port.lid, .mtu = port.mtu };
	struct ibv_qp *q = ibv_create_qp(pd, &ia);
	int ret;

	if (!q)
		return errno;
	p.gid_idx = sgid;
	d.gid = *dgid;
	ret = xt_qp_init(q, port.num);
	if (!ret)
		ret = xt_qp_rtr(q, &p, &d);
	ibv_destroy_qp(q);
	return ret;
}

static int mode_gids(const char *allow)
{
	struct ibv_port_attr pa;
	union ibv_gid gid[16], dgid;
	bool ok[16] = { false };
	unsigned int n, i;
	int ahret, qpret;
	char str[64];

	if (ibv_query_port(ctx, port.num, &pa)) {
		xt_fail("ibv_query_port: %s", strerror(errno));
		return -1;
	}
	n = pa.gid_tbl_len < 16 ? pa.gid_tbl_len : 16;
	if (allow) {
		char buf[128], *tok, *save;

		snprintf(buf, sizeof(buf), "%s", allow);
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (atoi(tok) >= 0 && atoi(tok) < 16)
				ok[atoi(tok)] = true;
	} else {
		memset(ok, 1, sizeof(ok));
	}
	memset(&dgid, 0, sizeof(dgid));
	for (i = 0; i < n; i++) {
		if (ibv_query_gid(ctx, port.num, i, &gid[i]))
			memset(&gid[i], 0, sizeof(gid[i]));
		if (gid_empty(&dgid) && !gid_empty(&gid[i]))
			dgid = gid[i];
	}
	if (gid_empty(&dgid)) {
		xt_fail("no GID at all in the first %u", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* Our own address: an IPv4 SGID needs an IPv4 DGID. */
		const union ibv_gid *to = gid_empty(&gid[i]) ? &dgid : &gid[i];
		struct ibv_ah_attr aa = {
			.is_global = 1, .port_num = port.num,
			.grh = { .dgid = *to, .sgid_index = i, .hop_limit = 1 },
		};
		struct ibv_ah *ah;

		if (!ok[i] || !gid_empty(&gid[i])) {
			errno = 0;
			ah = ibv_create_ah(pd, &aa);
			ahret = ah ? 0 : errno ? errno : EINVAL;
			if (ah)
				ibv_destroy_ah(ah);
			qpret = gid_qp(i, to);
		} else {
			ahret = qpret = -1;	/* an empty entry: not tried */
		}
		xt_gid_str(&gid[i], str, sizeof(str));
		printf("case gids.%u: %s gid %s ah %s qp %s\n", i,
		       ok[i] ? "allowed" : "not-allowed",
		       gid_empty(&gid[i]) ? "empty" : str,
		       ahret < 0 ? "-" : ahret ? strerror(ahret) : "ok",
		       qpret < 0 ? "-" : qpret ? strerror(qpret) : "ok");
		if (ok[i] && !gid_empty(&gid[i]))
			xt_check(!ahret && !qpret,
				 "GID index %u (allowed, %s): AH %s, QP %s", i,
				 str, ahret ? strerror(ahret) : "ok",
				 qpret ? strerror(qpret) : "ok");
		else if (!ok[i])
			xt_check(gid_empty(&gid[i]) && ahret && qpret,
				 "GID index %u (not allowed): gid %s, AH %s, QP %s",
				 i, str, ahret ? "refused" : "CREATED",
				 qpret ? "refused" : "ACCEPTED");
	}
	return 0;
}

static int mode_regloop(const char *stop, const char *ready,
			unsigned int wait_s)
{
	unsigned long n = 0, failed = 0;
	unsigned int extra = 0;
	double t_end = xt_now_us() + wait_s * 1e6;
	struct ibv_mr *m;
	struct stat st;

	while (extra < 8) {
		/* A different length each time: not one cached translation. */
		m = ibv_reg_mr(pd, buf, 4096 * (1 + n % 16), XT_MR_ACCESS);
		if (!m) {
			if (failed++ < 5)
				printf("FAIL registration %lu: %s\n", n,
				       strerror(errno));
		} else if (ibv_dereg_mr(m)) {
			if (failed++ < 5)
				printf("FAIL deregistration %lu: %s\n", n,
				       strerror(errno));
		}
		if (!n++ && ready) {
			FILE *f = fopen(ready, "w");

			if (f) {
				fprintf(f, "%s\n", failed ? "failed" : "registered");
				fclose(f);
			}
		}
		if (extra || (stop && !stat(stop, &st)) || xt_now_us() > t_end)
			extra++;
	}
	printf("registrations: %lu, failed: %lu\n", n, failed);
	if (failed)
		xt_fail_quiet();
	else
		xt_pass();
	return 0;
}

/*
 * hog: takes as much of Dom0's memory as the backend lets one guest take,
 * the way a hostile process would: pairs of a CQ of HOG_CQE entries and an
 * RC QP of HOG_WR work requests each way, until a creation fails (or -s N
 * pairs exist).  Writes "N ERRNO-NAME" to -o FILE when done, holds the
 * objects until -f FILE exists (or -w SEC), then frees them.  Passes if
 * the creation that failed failed with EDQUOT, or the -s cap was reached.
 */
#define HOG_WR		16384
#define HOG_CQE		16384
#define HOG_MAX		400

static int mode_hog(const char *out, const char *stop, unsigned int wait_s,
		    unsigned int cap)
{
	static struct ibv_qp *qps[HOG_MAX];
	static struct ibv_cq *cqs[HOG_MAX];
	double t_end = xt_now_us() + wait_s * 1e6;
	unsigned int n = 0, i, max = cap ? cap : HOG_MAX;
	struct ibv_device_attr da;
	const char *what = "";
	struct stat st;
	int err = 0;
	FILE *f;

	if (ibv_query_device(ctx, &da)) {
		xt_fail("ibv_query_device: %s", strerror(errno));
		return 0;
	}
	while (n < max) {
		struct ibv_qp_init_attr ia = {
			.qp_type = IBV_QPT_RC,
			.cap = {
				.max_send_wr = HOG_WR < da.max_qp_wr ? HOG_WR :
					       (uint32_t)da.max_qp_wr,
				.max_recv_wr = HOG_WR < da.max_qp_wr ? HOG_WR :
					       (uint32_t)da.max_qp_wr,
				.max_send_sge = 1,
				.max_recv_sge = 1,
			},
		};

		cqs[n] = ibv_create_cq(ctx, HOG_CQE < da.max_cqe ? HOG_CQE :
				       da.max_cqe, NULL, NULL, 0);
		if (!cqs[n]) {
			err = errno;
			what = "CQ";
			break;
		}
		ia.send_cq = ia.recv_cq = cqs[n];
		qps[n] = ibv_create_qp(pd, &ia);
		if (!qps[n]) {
			err = errno;
			what = "QP";
			ibv_destroy_cq(cqs[n]);
			break;
		}
		n++;
	}
	printf("hog: %u CQs of %d CQEs and RC QPs of %d WRs, then %s%s%s\n",
	       n, HOG_CQE, HOG_WR, what, *what ? ": " : "",
	       err ? strerror(err) : "cap reached");
	fflush(stdout);
	if (out) {
		f = fopen(out, "w");
		if (f) {
			fprintf(f, "%u %s\n", n, err == EDQUOT ? "EDQUOT" :
				err ? strerror(err) : "cap");
			fclose(f);
		}
	}
	while (stop && stat(stop, &st) && xt_now_us() < t_end)
		usleep(200000);
	for (i = 0; i < n; i++) {
		xt_check(!ibv_destroy_qp(qps[i]), "destroy QP %u", i);
		xt_check(!ibv_destroy_cq(cqs[i]), "destroy CQ %u", i);
	}
	xt_check(err == EDQUOT || (!err && cap),
		 "creation ended with %s, not EDQUOT",
		 err ? strerror(err) : "nothing");
	return 0;
}

/*
 * pin: registers 1 MiB regions of fresh memory until a registration fails
 * (or -s N MiB are registered), the way a process would take as many of
 * the backend's grant mappings as it can.  Writes "MIB ERRNO-NAME" to
 * -o FILE, holds the regions until -f FILE exists (or -w SEC).  Passes if
 * the registration that failed failed with EDQUOT, or the cap was reached.
 */
#define PIN_CHUNK	(1u << 20)
#define PIN_MAX		400

static int mode_pin(const char *out, const char *stop, unsigned int wait_s,
		    unsigned int cap)
{
	static struct ibv_mr *mrs[PIN_MAX];
	static void *bufs[PIN_MAX];
	double t_end = xt_now_us() + wait_s * 1e6;
	unsigned int n = 0, i, max = cap ? cap : PIN_MAX;
	struct stat st;
	int err = 0;
	FILE *f;

	while (n < max) {
		if (posix_memalign(&bufs[n], 4096, PIN_CHUNK)) {
			err = ENOMEM;
			break;
		}
		memset(bufs[n], 0x5a, PIN_CHUNK);
		mrs[n] = ibv_reg_mr(pd, bufs[n], PIN_CHUNK, XT_MR_ACCESS);
		if (!mrs[n]) {
			err = errno;
			free(bufs[n]);
			break;
		}
		n++;
	}
	printf("pin: %u MiB registered, then %s\n", n,
	       err ? strerror(err) : "cap reached");
	fflush(stdout);
	if (out) {
		f = fopen(out, "w");
		if (f) {
			fprintf(f, "%u %s\n", n, err == EDQUOT ? "EDQUOT" :
				err ? strerror(err) : "cap");
			fclose(f);
		}
	}
	while (stop && stat(stop, &st) && xt_now_us() < t_end)
		usleep(200000);
	for (i = 0; i < n; i++) {
		xt_check(!ibv_dereg_mr(mrs[i]), "deregister MR %u", i);
		free(bufs[i]);
	}
	xt_check(err == EDQUOT || (!err && cap),
		 "registration ended with %s, not EDQUOT",
		 err ? strerror(err) : "nothing");
	return 0;
}

/*
 * storm: -s N thousand kicks (default 100) as fast as the process can
 * send them: the uverbs POST_SEND command with no work request, which
 * the frontend turns into a notification of the backend's data event
 * channel, on a QP with nothing queued.  Prints how many it sent and how
 * long it took; the backend's statistics tell how many it took.
 */
static int mode_storm(unsigned int thousands)
{
	unsigned long i, n = (thousands ? thousands : 100) * 1000UL, bad = 0;
	double t0 = xt_now_us();
	int err = 0;

	for (i = 0; i < n; i++) {
		int e = xt_kick(qp);

		if (e) {
			bad++;
			err = e;
		}
	}
	printf("storm: %lu kicks in %.1f s, %lu refused\n", n,
	       (xt_now_us() - t0) / 1e6, bad);
	xt_check(bad == 0, "%lu kicks refused (%s)", bad, strerror(err));
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *file = NULL, *ready = NULL, *out = NULL;
	const char *allow = NULL;
	unsigned int wait_s = 60, sweep = 0;
	bool writes = false;
	int gidx = 0, c;

	while ((c = getopt(argc, argv, "d:g:s:f:r:w:Wo:a:h")) != -1) {
		switch (c) {
		case 'a':
			allow = optarg;
			break;
		case 'd':
			dev = optarg;
			break;
		case 'g':
			gidx = (int)xt_opt_ulong('g', optarg, 0, 255);
			break;
		case 's':
			sweep = (unsigned int)xt_opt_ulong('s', optarg, 0, 256);
			break;
		case 'f':
			file = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'w':
			wait_s = (unsigned int)xt_opt_ulong('w', optarg, 0, 3600);
			break;
		case 'W':
			writes = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return XT_EXIT_OK;
		default:
			usage(stderr);
			return XT_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	xt_alarm(wait_s + 600);
	if (setup(dev, gidx)) {
		xt_fail("setup failed");
		return xt_finish();
	}
	if (!strcmp(argv[optind], "hold"))
		return mode_hold(out, wait_s);
	if (!strcmp(argv[optind], "regqp")) {
		mode_regqp(file, ready, wait_s, sweep);
	} else if (!strcmp(argv[optind], "gids")) {
		mode_gids(allow);
	} else if (!strcmp(argv[optind], "regloop")) {
		mode_regloop(file, out, wait_s);
	} else if (!strcmp(argv[optind], "storm")) {
		mode_storm(sweep);
	} else if (!strcmp(argv[optind], "pin")) {
		mode_pin(out, file, wait_s, sweep);
	} else if (!strcmp(argv[optind], "hog")) {
		mode_hog(out, file, wait_s, sweep);
	} else if (!strcmp(argv[optind], "keys")) {
		mode_keys(file, ready, wait_s, sweep, writes);
	} else {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	return xt_finish();
}
