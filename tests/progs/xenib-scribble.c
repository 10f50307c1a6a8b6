// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-scribble - a hostile, unprivileged guest process that writes
 * garbage into the memory it shares with the backend while the backend's
 * engine runs (issue #10, docs/security.md): its doorbell pages, the
 * headers of its queues, and its WQEs, while a second thread posts real
 * work on the same queues (WQEs changed while the engine copies them).
 * xenib0 only: the shared memory is found by the layout of
 * <rdma/xenib-abi.h>.
 *
 *   -c N   contexts (default 8), each with a PD, an MR, a CQ, an RC QP
 *          connected to itself and an SRQ
 *   -t SEC how long to scribble, in all (default 20)
 *   -r N   rounds (default 4): each round makes the contexts, scribbles
 *          for SEC / N seconds and destroys them (a queue the backend
 *          found corrupt is dead for good, so fresh ones keep the
 *          scribbles meaningful)
 *   -S N   seed of the scribbles (default 1)
 *
 * Setup finds, for each context, its SQ, RQ, SRQ and CQ buffers (the
 * first WQEs posted carry unique wr_ids; a queue buffer is page-aligned,
 * its slot 0 after the 256-octet queue header), and the doorbell pages
 * (the mappings of the uverbs file at offset 0).  Then one thread
 * scribbles, per step one of (the WQE steps half of them):
 *   - doorbell: every dirty bit or a random word set, post_seq jumps;
 *   - prod: an SQ/RQ/SRQ producer index past the ring, behind the
 *     consumer, wrapped, or random;
 *   - WQE: one field of a send or receive WQE (opcode, flags, num_sge,
 *     inline length, an SGE's address, length or key), or the whole slot
 *     random; then prod moves on;
 *   - CQ: the consumer index and the arm sequence and flags;
 *   - kick: the uverbs POST_SEND command with no work request;
 * and after the prod and WQE steps every doorbell bit of every context.
 * Meanwhile the other thread sends to itself on context 0's QP, bringing
 * it back to RTS after an error.  The backend must survive and keep
 * serving everyone else; this process may see any error.  What is checked
 * here: every queue was found, and every object is destroyed without
 * error at the end of each round (a backend stuck on a scribbled queue
 * fails that).
 * The lab suite checks Dom0 (tests/lab/scribble.sh).
 *
 * Last line: N passed, N failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rdma/xenib-abi.h>

#include "common.h"

#define MAX_CTX		64
#define BUF_SIZE	65536
#define MAGIC		0x5c81bb1e00000000ULL
#define NSLOT_USED	16

enum { Q_SQ, Q_RQ, Q_SRQ, Q_CQ, Q_N };

static const char *const qname[Q_N] = { "SQ", "RQ", "SRQ", "CQ" };

struct sctx {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_mr *mr;
	struct ibv_cq *cq;
	struct ibv_srq *srq;
	struct ibv_qp *qp;
	struct xt_dest self;
	char *buf;
	struct xenib_queue_hdr *q[Q_N];
	unsigned int stride[Q_N];
};

static struct sctx sc[MAX_CTX];
static unsigned int nctx = 8;
static struct xenib_db_page *dbs[MAX_CTX];
static unsigned int ndb;
static struct xt_port port;
static atomic_bool stop;

enum { S_DB, S_PROD, S_WQE, S_CQ, S_KICK, S_N };
static const char *const sname[S_N] = { "doorbell", "prod", "wqe", "cq",
					"kick" };
static unsigned long scribbles[S_N];
static unsigned long legit_ok, legit_err, legit_reconnects;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenib-scribble [-d DEV] [-g GIDX] [-c N] [-t SEC] [-r N] [-S SEED]\n"
		"Writes garbage into this process's shared queues and doorbell pages\n"
		"on xenib0 while the backend runs (see the source's head).\n"
		"  -d DEV   verbs device (default: the first)\n"
		"  -g GIDX  GID index (default 0)\n"
		"  -c N     contexts (default 8, at most 64)\n"
		"  -t SEC   seconds of scribbling in all (default 20)\n"
		"  -r N     rounds, each with fresh contexts (default 4)\n"
		"  -S N     seed (default 1)\n"
		"Last line: N passed, N failed.\n");
}

static uint64_t tag(unsigned int c, unsigned int q, unsigned int n)
{
	return MAGIC | (uint64_t)c << 16 | q << 8 | n;
}

static int connect_self(struct sctx *s)
{
	s->self.qpn = s->qp->qp_num;
	s->self.psn = 0x2345;
	s->self.lid = port.lid;
	s->self.gid = port.gid;
	s->self.mtu = port.mtu;
	return xt_qp_connect(s->qp, &port, &s->self, s->self.psn);
}

static int post_recv(struct ibv_qp *q, struct ibv_srq *srq, char *addr,
		     uint32_t lkey, uint64_t wr_id)
{
	struct ibv_sge sge = { .addr = (uintptr_t)addr, .length = 64,
			       .lkey = lkey };
	struct ibv_recv_wr wr = { .wr_id = wr_id, .sg_list = &sge,
				  .num_sge = 1 }, *bad;

	return srq ? ibv_post_srq_recv(srq, &wr, &bad) :
		     ibv_post_recv(q, &wr, &bad);
}

static int post_send(struct sctx *s, uint64_t wr_id)
{
	struct ibv_sge sge = { .addr = (uintptr_t)s->buf, .length = 64,
			       .lkey = s->mr->lkey };
	struct ibv_send_wr wr = { .wr_id = wr_id, .sg_list = &sge,
				  .num_sge = 1, .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_SIGNALED }, *bad;

	return ibv_post_send(s->qp, &wr, &bad);
}

/* A context: objects, then two WQEs with tags on each queue. */
static int make_ctx(const char *dev, int gidx, unsigned int c)
{
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = NSLOT_USED,
						  .max_sge = 1 } };
	struct ibv_qp_init_attr ia = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = NSLOT_USED,
			 .max_recv_wr = NSLOT_USED,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct sctx *s = &sc[c];
	struct ibv_wc wc;
	int i, n = 0;

	s->ctx = xt_open_device(dev);
	if (!s->ctx)
		return -1;
	if (!c && xt_query_port(s->ctx, 1, gidx, &port))
		return -1;
	s->pd = ibv_alloc_pd(s->ctx);
	if (!s->pd || posix_memalign((void **)&s->buf, 4096, BUF_SIZE))
		return -1;
	memset(s->buf, 0, BUF_SIZE);
	s->mr = ibv_reg_mr(s->pd, s->buf, BUF_SIZE, IBV_ACCESS_LOCAL_WRITE);
	s->cq = s->mr ? ibv_create_cq(s->ctx, 64, NULL, NULL, 0) : NULL;
	s->srq = s->cq ? ibv_create_srq(s->pd, &sa) : NULL;
	if (!s->srq) {
		printf("context %u: MR/CQ/SRQ: %s\n", c, strerror(errno));
		return -1;
	}
	ia.send_cq = ia.recv_cq = s->cq;
	s->qp = ibv_create_qp(s->pd, &ia);
	if (!s->qp || connect_self(s)) {
		printf("context %u: QP: %s\n", c, strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++)
		if (post_recv(s->qp, NULL, s->buf + 4096 + 64 * i, s->mr->lkey,
			      tag(c, Q_RQ, i)) ||
		    post_recv(NULL, s->srq, s->buf + 8192 + 64 * i,
			      s->mr->lkey, tag(c, Q_SRQ, i)))
			return -1;
	for (i = 0; i < 2; i++)
		if (post_send(s, tag(c, Q_SQ, i)))
			return -1;
	while (n < 4) {
		if (xt_poll_cq(s->cq, &wc, 5000) <= 0 ||
		    wc.status != IBV_WC_SUCCESS) {
			printf("context %u: setup traffic failed\n", c);
			return -1;
		}
		n++;
	}
	return 0;
}

/*
 * Finds each queue's buffer: the page whose slot 0 holds the tag of the
 * queue's first WQE (for the CQ: of any first completion) under a header
 * whose prod says what was posted.  The stride is where the second tag is.
 */
static void find_queues(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], perm[8], path[256];
	unsigned long lo, hi, off, a;
	unsigned int c, q, k;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		path[0] = 0;
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255s", &lo, &hi,
			   perm, &off, path) < 4)
			continue;
		if (strstr(path, "/dev/infiniband/uverbs") && !off &&
		    hi - lo == XENIB_DB_PAGE_SIZE && ndb < MAX_CTX) {
			dbs[ndb++] = (void *)lo;
			continue;
		}
		/* Queue buffers are anonymous memory, or the heap. */
		if (strncmp(perm, "rw", 2) || (path[0] && strcmp(path, "[heap]")))
			continue;
		for (a = lo; a + 4096 <= hi; a += 4096) {
			struct xenib_queue_hdr *h = (void *)a;
			uint64_t v = *(uint64_t *)(a + XENIB_QUEUE_HDR_SIZE);

			if ((v & 0xffffffff00000000ULL) != MAGIC)
				continue;
			c = (v >> 16) & 0xffff;
			q = (v >> 8) & 0xff;
			k = v & 0xff;
			if (c >= nctx || q >= Q_N || k > 1)
				continue;
			if (h->prod == 4 && h->cons <= 4 && q != Q_SRQ)
				q = Q_CQ;	/* 4 completions: a CQ */
			else if (h->prod != 2 || k)
				continue;
			if (sc[c].q[q])
				continue;
			sc[c].q[q] = h;
			/* The stride: the second tag (CQ: any tag). */
			for (unsigned int sh = 5; sh <= 11; sh++) {
				uint64_t w = *(uint64_t *)(a + XENIB_QUEUE_HDR_SIZE +
							   (1u << sh));

				if ((w & ~0xffffULL) == (MAGIC | (uint64_t)c << 16) &&
				    a + XENIB_QUEUE_HDR_SIZE + (NSLOT_USED << sh) <= hi) {
					sc[c].stride[q] = 1u << sh;
					break;
				}
			}
		}
	}
	fclose(f);
}

static void ring_all(void)
{
	unsigned int d, w;

	for (d = 0; d < ndb; d++) {
		for (w = 0; w < XENIB_DB_WORDS; w++)
			__atomic_store_n(&dbs[d]->dirty[w], ~0ULL,
					 __ATOMIC_RELAXED);
		__atomic_fetch_add(&dbs[d]->post_seq, 1, __ATOMIC_SEQ_CST);
	}
}

static uint32_t bad_index(struct xt_rng *r, uint32_t prod, uint32_t cons)
{
	switch (xt_rng_range(r, 0, 6)) {
	case 0: return cons + 0x10000;		/* far past the ring */
	case 1: return cons - 1;		/* behind the consumer */
	case 2: return 0xffffffffu;
	case 3: return 0x80000000u;
	case 4: return prod + 1;		/* one more, maybe garbage */
	case 5: return prod + NSLOT_USED;
	default: return (uint32_t)xt_rng_next(r);
	}
}

static void scribble_wqe(struct xt_rng *r, struct sctx *s, unsigned int q)
{
	struct xenib_queue_hdr *h = s->q[q];
	uint8_t *slot = (uint8_t *)h + XENIB_QUEUE_HDR_SIZE +
			xt_rng_range(r, 0, NSLOT_USED - 1) * s->stride[q];
	struct xenib_sge *sge;

	if (q == Q_SQ) {
		struct xenib_send_wqe *w = (void *)slot;

		sge = (void *)(slot + XENIB_SEND_WQE_HDR_SIZE);
		switch (xt_rng_range(r, 0, 9)) {
		case 0: w->opcode = xt_rng_next(r); break;
		case 1: w->send_flags = xt_rng_next(r); break;
		case 2: w->num_sge = xt_rng_next(r); break;
		case 3: w->inline_len = xt_rng_next(r); break;
		case 4: w->opcode = xt_rng_range(r, 0, XENIB_WR_COUNT - 1);
			w->wr.rdma.rkey = xt_rng_next(r); break;
		case 5: sge->lkey = xt_rng_next(r); break;
		case 6: sge->addr = xt_rng_next(r); break;
		case 7: sge->length = xt_rng_next(r); break;
		case 8: w->send_flags |= XENIB_SEND_INLINE;
			w->inline_len = 0xffff; break;
		default: xt_rng_fill(r, slot, s->stride[q]); break;
		}
	} else {
		struct xenib_recv_wqe *w = (void *)slot;

		sge = (void *)(slot + XENIB_RECV_WQE_HDR_SIZE);
		switch (xt_rng_range(r, 0, 4)) {
		case 0: w->num_sge = xt_rng_next(r); break;
		case 1: sge->lkey = xt_rng_next(r); break;
		case 2: sge->addr = xt_rng_next(r); break;
		case 3: sge->length = xt_rng_next(r); break;
		default: xt_rng_fill(r, slot, s->stride[q]); break;
		}
	}
	__atomic_store_n(&h->prod, h->prod + (uint32_t)xt_rng_range(r, 1, 4),
			 __ATOMIC_RELEASE);
}

static void *scribbler(void *arg)
{
	struct xt_rng r;
	unsigned int what, q, k;
	struct sctx *s;

	xt_rng_seed(&r, *(uint64_t *)arg);
	while (!atomic_load(&stop)) {
		/* Mostly WQEs: a bad prod kills a queue at once. */
		k = xt_rng_range(&r, 0, 99);
		what = k < 20 ? S_DB : k < 24 ? S_PROD : k < 74 ? S_WQE :
		       k < 86 ? S_CQ : S_KICK;
		s = &sc[xt_rng_range(&r, 0, nctx - 1)];
		switch (what) {
		case S_DB: {
			struct xenib_db_page *db = dbs[xt_rng_range(&r, 0,
								    ndb - 1)];

			if (xt_rng_next(&r) & 1)
				ring_all();
			else
				db->dirty[xt_rng_range(&r, 0,
						       XENIB_DB_WORDS - 1)] =
					xt_rng_next(&r);
			db->post_seq += xt_rng_range(&r, 1, 1000);
			break;
		}
		case S_PROD:
			q = xt_rng_range(&r, Q_SQ, Q_SRQ);
			__atomic_store_n(&s->q[q]->prod,
					 bad_index(&r, s->q[q]->prod,
						   s->q[q]->cons),
					 __ATOMIC_RELEASE);
			ring_all();
			break;
		case S_WQE:
			scribble_wqe(&r, s, xt_rng_range(&r, Q_SQ, Q_SRQ));
			ring_all();
			break;
		case S_CQ:
			s->q[Q_CQ]->cons = bad_index(&r, s->q[Q_CQ]->prod,
						     s->q[Q_CQ]->cons);
			s->q[Q_CQ]->arm_flags = xt_rng_next(&r);
			s->q[Q_CQ]->arm_seq++;
			break;
		default:
			xt_kick(s->qp);
			break;
		}
		scribbles[what]++;
		if (!(scribbles[what] & 63))
			usleep(100);	/* let the engine see each state */
	}
	return NULL;
}

/* Every object must go away cleanly, however it was scribbled on. */
static void destroy_all(void)
{
	unsigned int c;

	for (c = 0; c < nctx; c++) {
		struct sctx *s = &sc[c];

		xt_check(!ibv_destroy_qp(s->qp), "context %u destroy QP", c);
		xt_check(!ibv_destroy_srq(s->srq), "context %u destroy SRQ", c);
		xt_check(!ibv_destroy_cq(s->cq), "context %u destroy CQ", c);
		xt_check(!ibv_dereg_mr(s->mr), "context %u deregister MR", c);
		xt_check(!ibv_dealloc_pd(s->pd), "context %u free PD", c);
		xt_check(!ibv_close_device(s->ctx), "context %u close", c);
		free(s->buf);
		memset(s, 0, sizeof(*s));
	}
	ndb = 0;
}

/* Real traffic on context 0's queues while they are scribbled on. */
static void *legit(void *arg)
{
	struct sctx *s = &sc[0];
	struct ibv_wc wc;
	uint64_t n = 0;
	int got;

	(void)arg;
	while (!atomic_load(&stop)) {
		n++;
		if (post_recv(s->qp, NULL, s->buf + 4096, s->mr->lkey, n) ||
		    post_send(s, n)) {
			legit_err++;
		} else {
			got = xt_poll_cq(s->cq, &wc, 200);
			if (got > 0 && wc.status == IBV_WC_SUCCESS) {
				legit_ok++;
				continue;
			}
			legit_err++;
		}
		/* Drain, then back to RTS (the QP may be in error). */
		while (ibv_poll_cq(s->cq, 1, &wc) > 0)
			;
		if (!xt_qp_set_state(s->qp, IBV_QPS_RESET) && !connect_self(s))
			legit_reconnects++;
		usleep(1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned int secs = 20, rounds = 4, c, q, found, d, r;
	const char *dev = NULL;
	uint64_t seed = 1;
	pthread_t ts, tl;
	int gidx = 0, o;

	while ((o = getopt(argc, argv, "d:g:c:t:r:S:h")) != -1) {
		switch (o) {
		case 'd':
			dev = optarg;
			break;
		case 'g':
			gidx = (int)xt_opt_ulong('g', optarg, 0, 255);
			break;
		case 'c':
			nctx = (unsigned int)xt_opt_ulong('c', optarg, 1, MAX_CTX);
			break;
		case 't':
			secs = (unsigned int)xt_opt_ulong('t', optarg, 1, 3600);
			break;
		case 'r':
			rounds = (unsigned int)xt_opt_ulong('r', optarg, 1, 1000);
			break;
		case 'S':
			seed = xt_opt_ulong('S', optarg, 0, ~0UL);
			break;
		case 'h':
			usage(stdout);
			return XT_EXIT_OK;
		default:
			usage(stderr);
			return XT_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	xt_alarm(secs + 60 * rounds + 120);
	for (r = 0; r < rounds; r++) {
		for (c = 0; c < nctx; c++)
			if (!xt_check(!make_ctx(dev, gidx, c),
				      "round %u: context %u set up", r, c))
				return xt_finish();
		find_queues();
		found = 0;
		for (c = 0; c < nctx; c++)
			for (q = 0; q < Q_N; q++)
				found += sc[c].q[q] && sc[c].stride[q];
		if (!xt_check(found == nctx * Q_N && ndb == nctx,
			      "round %u: found %u of %u queues, %u of %u doorbell pages (xenib0 only)",
			      r, found, nctx * Q_N, ndb, nctx))
			return xt_finish();
		if (!r)
			for (q = 0; q < Q_N; q++)
				printf("context 0 %s at %p, slot %u octets\n",
				       qname[q], (void *)sc[0].q[q],
				       sc[0].stride[q]);
		atomic_store(&stop, false);
		seed += r;
		if (pthread_create(&ts, NULL, scribbler, &seed) ||
		    pthread_create(&tl, NULL, legit, NULL)) {
			xt_fail("pthread_create");
			return xt_finish();
		}
		usleep(secs * 1000000ULL / rounds);
		atomic_store(&stop, true);
		pthread_join(ts, NULL);
		pthread_join(tl, NULL);
		destroy_all();
	}
	for (d = 0; d < S_N; d++)
		printf("scribbles %s: %lu\n", sname[d], scribbles[d]);
	printf("legit traffic on context 0: %lu ok, %lu failed, %lu reconnects\n",
	       legit_ok, legit_err, legit_reconnects);
	return xt_finish();
}
