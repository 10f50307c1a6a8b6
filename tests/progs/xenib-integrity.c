// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-integrity - byte-for-byte data integrity between two processes over
 * one RC QP, plus memory-protection negatives.
 *
 *   server:  xenib-integrity [options]
 *   client:  xenib-integrity [options] SERVER
 *
 * The two exchange QPN, PSN, GID, LID, MTU and their MRs' addresses and keys
 * over TCP (as ibv_rc_pingpong does).  The client picks the seed (printed)
 * and the number of cases; both sides then derive the same plan from it, so
 * each side knows what the other will post.  Every case draws:
 *   - an operation: SEND, SEND_WITH_IMM, RDMA_WRITE, RDMA_WRITE_WITH_IMM,
 *     RDMA_READ, and which side initiates it (both directions are tested);
 *   - a size from 1 B to 1 MiB (log-uniform);
 *   - 1..min(4, max_sge) SGEs on each side with random lengths, MRs (two per
 *     side) and unaligned offsets; receives may be larger than the message;
 *   - an immediate value and random payload bytes.
 * The side that receives data first fills the region around its target
 * buffers with a poison byte and the target bytes with the complement of the
 * expected data; after the operation every byte of that region must equal
 * the expected image (data in place, everything else untouched), as must the
 * unregistered guard pages around each MR.  Completions are checked for
 * status, opcode, wr_id, qp_num, byte_len, IBV_WC_WITH_IMM and imm_data.
 * The sides exchange "ready", "done" and a verdict over TCP for each case; a
 * case passes when both sides pass it.  A failed case resets both QPs.
 *
 * Negatives come last, each from both sides, each followed by a QP reset:
 * RDMA_WRITE/READ with a wrong rkey, with the rkey of an MR in another PD and
 * past the end of an MR must complete with IBV_WC_REM_ACCESS_ERR, and with a
 * wrong lkey or the lkey of an MR in another PD with IBV_WC_LOC_PROT_ERR;
 * no byte of either side may change.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common.h"

#define SZ_1M		(1024u * 1024)
#define BUF_SIZE	(2 * SZ_1M)	/* each registered buffer */
#define GUARD		4096u		/* unregistered bytes either side */
#define GUARD_BYTE	0xee
#define NR_DATA_BUF	2		/* buffers the random cases use */
#define BUF_OTHER	2		/* the buffer registered in another PD */
#define NR_BUF		3
#define MAX_MSG		SZ_1M
#define MAX_SGE		4
#define SPAN_GUARD	256u		/* poisoned bytes around each segment */
#define NEG_LEN		256u
#define POLL_MS		20000u
#define DRAIN_MS	5000u
#define WIRE_MAGIC	0x78696e74u	/* "xint" */
#define WIRE_VERSION	1u
#define WIRE_NEGATIVES	0x1u
#define WIRE_STRICT	0x2u

enum op { OP_SEND, OP_SEND_IMM, OP_WRITE, OP_WRITE_IMM, OP_READ, OP_NR };

static const char *const op_names[OP_NR] = {
	[OP_SEND] = "SEND",
	[OP_SEND_IMM] = "SEND_WITH_IMM",
	[OP_WRITE] = "RDMA_WRITE",
	[OP_WRITE_IMM] = "RDMA_WRITE_WITH_IMM",
	[OP_READ] = "RDMA_READ",
};

static const enum ibv_wr_opcode op_wr[OP_NR] = {
	[OP_SEND] = IBV_WR_SEND,
	[OP_SEND_IMM] = IBV_WR_SEND_WITH_IMM,
	[OP_WRITE] = IBV_WR_RDMA_WRITE,
	[OP_WRITE_IMM] = IBV_WR_RDMA_WRITE_WITH_IMM,
	[OP_READ] = IBV_WR_RDMA_READ,
};

static const enum ibv_wc_opcode op_wc[OP_NR] = {
	[OP_SEND] = IBV_WC_SEND,
	[OP_SEND_IMM] = IBV_WC_SEND,
	[OP_WRITE] = IBV_WC_RDMA_WRITE,
	[OP_WRITE_IMM] = IBV_WC_RDMA_WRITE,
	[OP_READ] = IBV_WC_RDMA_READ,
};

static bool op_has_imm(enum op op)
{
	return op == OP_SEND_IMM || op == OP_WRITE_IMM;
}

static bool op_needs_recv(enum op op)
{
	return op == OP_SEND || op == OP_SEND_IMM || op == OP_WRITE_IMM;
}

enum neg {
	NEG_RKEY_KEY, NEG_RKEY_INDEX, NEG_RKEY_OTHER_PD, NEG_WRITE_OOB,
	NEG_READ_RKEY, NEG_LKEY, NEG_LKEY_OTHER_PD, NEG_NR
};

/*
 * @also: a status accepted too unless -s: rxe (Linux 6.12) moves the QP to
 * ERR on a local protection error and then completes the failing WR with
 * IBV_WC_WR_FLUSH_ERR instead of IBV_WC_LOC_PROT_ERR.
 */
static const struct {
	const char *name;
	enum op op;
	enum ibv_wc_status want, also;
} negs[NEG_NR] = {
	[NEG_RKEY_KEY] = { "RDMA_WRITE with a wrong rkey (key byte)",
			   OP_WRITE, IBV_WC_REM_ACCESS_ERR },
	[NEG_RKEY_INDEX] = { "RDMA_WRITE with a wrong rkey (index)",
			     OP_WRITE, IBV_WC_REM_ACCESS_ERR },
	[NEG_RKEY_OTHER_PD] = { "RDMA_WRITE with the rkey of another PD's MR",
				OP_WRITE, IBV_WC_REM_ACCESS_ERR },
	[NEG_WRITE_OOB] = { "RDMA_WRITE past the end of the remote MR",
			    OP_WRITE, IBV_WC_REM_ACCESS_ERR },
	[NEG_READ_RKEY] = { "RDMA_READ with a wrong rkey",
			    OP_READ, IBV_WC_REM_ACCESS_ERR },
	[NEG_LKEY] = { "RDMA_WRITE with a wrong lkey",
		       OP_WRITE, IBV_WC_LOC_PROT_ERR, IBV_WC_WR_FLUSH_ERR },
	[NEG_LKEY_OTHER_PD] = { "RDMA_WRITE with the lkey of another PD's MR",
				OP_WRITE, IBV_WC_LOC_PROT_ERR,
				IBV_WC_WR_FLUSH_ERR },
};

/* A piece of one side's buffer @buf. */
struct seg {
	uint32_t buf;
	uint32_t off;
	uint32_t len;
};

/* One case, identical on both sides. */
struct plan {
	unsigned int k;
	enum op op;
	int neg;			/* -1, or an enum neg */
	int initiator;			/* 0 client, 1 server */
	uint32_t len;
	uint32_t imm;
	uint8_t poison;
	int nloc;			/* initiator's SGEs */
	struct seg loc[MAX_SGE];
	struct seg remote;		/* target of RDMA ops, on the target */
	int nrecv;			/* target's receive SGEs */
	struct seg recv[MAX_SGE];
};

/* What each side tells the other; network byte order on the wire. */
struct wire_side {
	uint64_t addr[NR_BUF];
	uint64_t seed;
	uint32_t magic;
	uint32_t version;
	uint32_t qpn;
	uint32_t psn;
	uint32_t rkey[NR_BUF];
	uint32_t lid;
	uint32_t mtu;
	uint32_t sge_limit;
	uint32_t iters;
	uint32_t flags;			/* WIRE_NEGATIVES | WIRE_STRICT */
	uint32_t pad;
	uint8_t gid[16];
};

struct side {
	uint64_t addr[NR_BUF];
	uint32_t rkey[NR_BUF];
	struct xt_dest dest;
	uint32_t sge_limit;
};

enum sync_type { SYNC_HELLO = 1, SYNC_READY, SYNC_DONE, SYNC_VERDICT,
		 SYNC_ERR, SYNC_RTS, SYNC_END };

struct sync_msg {
	uint32_t type;
	uint32_t k;
	uint32_t ok;
	uint32_t pad;
};

struct span {
	uint32_t lo, hi;		/* hi == 0: buffer not involved */
};

struct test {
	struct ibv_context *ctx;
	struct ibv_device_attr dev;
	struct xt_port port;
	struct ibv_pd *pd, *pd2;
	struct ibv_cq *scq, *rcq;
	struct ibv_qp *qp;
	unsigned char *mem[NR_BUF];	/* GUARD + BUF_SIZE + GUARD */
	unsigned char *buf[NR_BUF];	/* the registered part */
	unsigned char *expect[NR_BUF];	/* expected image of buf */
	struct ibv_mr *mr[NR_BUF];
	unsigned char *msg;
	int fd;
	int me;				/* 0 client, 1 server */
	bool verbose;
	bool strict;
	struct side self, peer;
	uint32_t sge_limit;
	uint64_t seed;
	unsigned int iters;
	bool negatives;
	unsigned int resets;
	unsigned int sq_out, rq_out;	/* posted, not yet completed */
	unsigned long ops_passed[OP_NR], ops_failed[OP_NR];
	unsigned long long bytes;
};

/* ---- plan ---- */

/* Split @total into @n >= 1 positive lengths at distinct random cuts. */
static void split(struct xt_rng *r, uint32_t total, int n, uint32_t *lens)
{
	uint32_t cut[MAX_SGE + 1], t;
	int i, j;

	cut[0] = 0;
	cut[n] = total;
	for (i = 1; i < n; i++) {
again:
		cut[i] = xt_rng_range(r, 1, total - 1);
		for (j = 1; j < i; j++)
			if (cut[j] == cut[i])
				goto again;
	}
	for (i = 1; i < n; i++)		/* sort cut[1..n-1] */
		for (j = i + 1; j < n; j++)
			if (cut[j] < cut[i]) {
				t = cut[i];
				cut[i] = cut[j];
				cut[j] = t;
			}
	for (i = 0; i < n; i++)
		lens[i] = cut[i + 1] - cut[i];
}

/*
 * Lay out @n segments of @lens in the data buffers: random buffer, random
 * start, random gaps (so unaligned offsets), never overlapping.
 */
static void place(struct xt_rng *r, const uint32_t *lens, int n,
		  struct seg *out)
{
	uint32_t cur[NR_DATA_BUF];
	int i, b;

	for (b = 0; b < NR_DATA_BUF; b++)
		cur[b] = xt_rng_range(r, SPAN_GUARD, BUF_SIZE / 4);
	for (i = 0; i < n; i++) {
		b = xt_rng_range(r, 0, NR_DATA_BUF - 1);
		out[i].buf = b;
		out[i].off = cur[b] + xt_rng_range(r, 16, 4096);
		out[i].len = lens[i];
		cur[b] = out[i].off + lens[i];
		if (cur[b] + SPAN_GUARD > BUF_SIZE) {
			fprintf(stderr, "BUG: layout overflows the buffer\n");
			abort();
		}
	}
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void gen_plan(struct test *t, struct xt_rng *r, unsigned int k,
		     struct plan *p)
{
	uint32_t lens[MAX_SGE + 1], lo, cap;
	struct seg segs[MAX_SGE + 1];
	int e, i;

	memset(p, 0, sizeof(*p));
	p->k = k;
	p->neg = -1;
	p->op = xt_rng_range(r, 0, OP_NR - 1);
	p->initiator = xt_rng_range(r, 0, 1);
	e = xt_rng_range(r, 0, 20);
	lo = 1u << e;
	p->len = xt_rng_range(r, lo, min_u32(2 * lo - 1, MAX_MSG));
	p->imm = (uint32_t)xt_rng_next(r);
	p->poison = (uint8_t)xt_rng_next(r);

	p->nloc = xt_rng_range(r, 1, min_u32(t->sge_limit, p->len));
	split(r, p->len, p->nloc, lens);
	place(r, lens, p->nloc, p->loc);

	switch (p->op) {
	case OP_SEND:
	case OP_SEND_IMM:
		cap = p->len;
		if (xt_rng_next(r) & 1)
			cap += xt_rng_range(r, 1, 512);
		p->nrecv = xt_rng_range(r, 1, min_u32(t->sge_limit, cap));
		split(r, cap, p->nrecv, lens);
		place(r, lens, p->nrecv, p->recv);
		break;
	case OP_WRITE:
	case OP_READ:
		place(r, &p->len, 1, &p->remote);
		break;
	case OP_WRITE_IMM:
		/* receive SGEs that must stay untouched */
		p->nrecv = xt_rng_range(r, 1, t->sge_limit);
		lens[0] = p->len;
		for (i = 1; i <= p->nrecv; i++)
			lens[i] = xt_rng_range(r, 1, 64);
		place(r, lens, p->nrecv + 1, segs);
		p->remote = segs[0];
		memcpy(p->recv, segs + 1, p->nrecv * sizeof(segs[0]));
		break;
	default:
		break;
	}
}

/* A wrong key: @key with @bits flipped, but none of @known. */
static uint32_t wrong_key(uint32_t key, uint32_t bits, const uint32_t *known,
			  int n)
{
	uint32_t bad = key ^ bits;
	int i;

again:
	for (i = 0; i < n; i++) {
		if (bad == known[i]) {
			bits = bits << 1 ? bits << 1 : 1;
			bad = key ^ bits;
			goto again;
		}
	}
	return bad;
}

static void gen_neg_plan(struct xt_rng *r, unsigned int k, enum neg neg,
			 int initiator, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->k = k;
	p->neg = neg;
	p->op = negs[neg].op;
	p->initiator = initiator;
	p->len = NEG_LEN;
	p->poison = (uint8_t)xt_rng_next(r);
	p->nloc = 1;
	place(r, &p->len, 1, p->loc);
	place(r, &p->len, 1, &p->remote);
	if (neg == NEG_WRITE_OOB) {
		/* the first 64 bytes inside the MR, the rest beyond it */
		p->remote.buf = 0;
		p->remote.off = BUF_SIZE - 64;
	} else if (neg == NEG_RKEY_OTHER_PD) {
		p->remote.buf = BUF_OTHER;
	} else if (neg == NEG_LKEY_OTHER_PD) {
		p->loc[0].buf = BUF_OTHER;
	}
}

static const char *describe(const struct plan *p, char *b, size_t len)
{
	int n;

	if (p->neg >= 0) {
		snprintf(b, len, "negative %u (%s, by the %s)", p->k,
			 negs[p->neg].name, p->initiator ? "server" : "client");
		return b;
	}
	n = snprintf(b, len, "case %u (%s %u B by the %s, %d SGE%s", p->k,
		     op_names[p->op], p->len,
		     p->initiator ? "server" : "client", p->nloc,
		     p->nloc > 1 ? "s" : "");
	if (p->nrecv && n > 0 && (size_t)n < len)
		n += snprintf(b + n, len - n, ", %d receive SGE%s", p->nrecv,
			      p->nrecv > 1 ? "s" : "");
	if (n > 0 && (size_t)n < len)
		snprintf(b + n, len - n, ")");
	return b;
}

/* ---- buffers ---- */

static void span_add(struct span *sp, const struct seg *s, int n)
{
	uint32_t lo, hi;
	int i;

	for (i = 0; i < n; i++) {
		lo = s[i].off > SPAN_GUARD ? s[i].off - SPAN_GUARD : 0;
		hi = min_u32(s[i].off + s[i].len + SPAN_GUARD, BUF_SIZE);
		if (!sp[s[i].buf].hi || lo < sp[s[i].buf].lo)
			sp[s[i].buf].lo = lo;
		if (hi > sp[s[i].buf].hi)
			sp[s[i].buf].hi = hi;
	}
}

/*
 * Copy the first @len bytes of @msg across @segs in order into the buffers
 * @base (t->buf or t->expect), inverted if @invert.
 */
static void scatter(unsigned char *const *base, const struct seg *segs, int n,
		    const unsigned char *msg, uint32_t len, bool invert)
{
	uint32_t done = 0, l, j;
	int i;

	for (i = 0; i < n && done < len; i++) {
		l = min_u32(segs[i].len, len - done);
		if (invert)
			for (j = 0; j < l; j++)
				base[segs[i].buf][segs[i].off + j] =
					~msg[done + j];
		else
			memcpy(base[segs[i].buf] + segs[i].off, msg + done, l);
		done += l;
	}
}

/*
 * Before an operation that writes into this side's memory: poison the
 * spans, put the complement of the data where data is due (@data, the
 * first @len bytes), and record the expected image: the data if
 * @want_data, else the memory as it is now.
 */
static void dst_prepare(struct test *t, const struct plan *p,
			const struct span *sp, const struct seg *data, int n,
			uint32_t len, bool want_data)
{
	int b;

	for (b = 0; b < NR_BUF; b++)
		if (sp[b].hi)
			memset(t->buf[b] + sp[b].lo, p->poison,
			       sp[b].hi - sp[b].lo);
	scatter(t->buf, data, n, t->msg, len, true);
	for (b = 0; b < NR_BUF; b++)
		if (sp[b].hi)
			memcpy(t->expect[b] + sp[b].lo, t->buf[b] + sp[b].lo,
			       sp[b].hi - sp[b].lo);
	if (want_data)
		scatter(t->expect, data, n, t->msg, len, false);
}

static bool dst_verify(struct test *t, const char *what, const struct span *sp)
{
	uint32_t i, first = 0, bad;
	bool ok = true;
	int b;

	for (b = 0; b < NR_BUF; b++) {
		if (!sp[b].hi || !memcmp(t->buf[b] + sp[b].lo,
					 t->expect[b] + sp[b].lo,
					 sp[b].hi - sp[b].lo))
			continue;
		bad = 0;
		for (i = sp[b].lo; i < sp[b].hi; i++) {
			if (t->buf[b][i] == t->expect[b][i])
				continue;
			if (!bad++)
				first = i;
		}
		printf("  %s: buffer %d: %u bytes differ in [%u, %u);",
		       what, b, bad, sp[b].lo, sp[b].hi);
		printf(" first at %u: got %#04x want %#04x\n", first,
		       t->buf[b][first], t->expect[b][first]);
		ok = false;
	}
	return ok;
}

/* The unregistered pages around each MR must never change. */
static bool check_guards(struct test *t, const char *what)
{
	static unsigned char ref[GUARD];
	bool ok = true;
	int b;

	memset(ref, GUARD_BYTE, sizeof(ref));
	for (b = 0; b < NR_BUF; b++) {
		if (memcmp(t->mem[b], ref, GUARD)) {
			printf("  %s: guard page before buffer %d changed\n",
			       what, b);
			ok = false;
			memset(t->mem[b], GUARD_BYTE, GUARD);
		}
		if (memcmp(t->mem[b] + GUARD + BUF_SIZE, ref, GUARD)) {
			printf("  %s: guard page after buffer %d changed\n",
			       what, b);
			ok = false;
			memset(t->mem[b] + GUARD + BUF_SIZE, GUARD_BYTE, GUARD);
		}
	}
	return ok;
}

static void gen_msg(struct test *t, const struct plan *p)
{
	struct xt_rng r;

	xt_rng_seed(&r, t->seed ^ (0x6d7367ull << 32) ^ p->k ^
			(p->neg >= 0 ? 0x80000000ull : 0));
	xt_rng_fill(&r, t->msg, p->len);
}

/* ---- verbs ---- */

static void to_sges(struct test *t, const struct seg *s, int n,
		    struct ibv_sge *sge)
{
	int i;

	for (i = 0; i < n; i++) {
		sge[i].addr = (uintptr_t)(t->buf[s[i].buf] + s[i].off);
		sge[i].length = s[i].len;
		sge[i].lkey = t->mr[s[i].buf]->lkey;
	}
}

static int post_recv(struct test *t, const struct seg *s, int n,
		     uint64_t wr_id)
{
	struct ibv_recv_wr wr, *bad;
	struct ibv_sge sge[MAX_SGE];
	int ret;

	to_sges(t, s, n, sge);
	memset(&wr, 0, sizeof(wr));
	wr.wr_id = wr_id;
	wr.sg_list = sge;
	wr.num_sge = n;
	ret = ibv_post_recv(t->qp, &wr, &bad);
	if (!ret)
		t->rq_out++;
	return ret;
}

static int post_send(struct test *t, enum op opc, struct ibv_sge *sge, int n,
		     uint64_t raddr, uint32_t rkey, uint32_t imm,
		     uint64_t wr_id)
{
	struct ibv_send_wr wr, *bad;
	int ret;

	memset(&wr, 0, sizeof(wr));
	wr.wr_id = wr_id;
	wr.sg_list = sge;
	wr.num_sge = n;
	wr.opcode = op_wr[opc];
	wr.send_flags = IBV_SEND_SIGNALED;
	if (op_has_imm(opc))
		wr.imm_data = htonl(imm);
	if (opc == OP_WRITE || opc == OP_WRITE_IMM || opc == OP_READ) {
		wr.wr.rdma.remote_addr = raddr;
		wr.wr.rdma.rkey = rkey;
	}
	ret = ibv_post_send(t->qp, &wr, &bad);
	if (!ret)
		t->sq_out++;
	return ret;
}

/*
 * Wait for one completion on @cq and check it against the expectation:
 * @status, or @also if that is not IBV_WC_SUCCESS (a tolerated deviation,
 * noted).
 */
static bool wait_wc(struct test *t, struct ibv_cq *cq, const char *what,
		    unsigned int timeout_ms, uint64_t wr_id,
		    enum ibv_wc_status status, enum ibv_wc_status also,
		    enum ibv_wc_opcode opcode, struct ibv_wc *wc)
{
	unsigned int *out = cq == t->scq ? &t->sq_out : &t->rq_out;
	int ret;

	ret = xt_poll_cq(cq, wc, timeout_ms);
	if (ret < 0) {
		printf("  %s: ibv_poll_cq failed\n", what);
		return false;
	}
	if (!ret) {
		printf("  %s: no completion in %u ms\n", what, timeout_ms);
		return false;
	}
	if (*out)
		(*out)--;
	if (wc->status != status && also != IBV_WC_SUCCESS &&
	    wc->status == also) {
		printf("  note: %s: status %s, not %s (tolerated; -s refuses)\n",
		       what, ibv_wc_status_str(also), ibv_wc_status_str(status));
		status = also;
	}
	if (wc->status != status) {
		printf("  %s: status %s (%d, vendor_err %#x), want %s\n", what,
		       ibv_wc_status_str(wc->status), wc->status,
		       wc->vendor_err, ibv_wc_status_str(status));
		return false;
	}
	if (wc->wr_id != wr_id || wc->qp_num != t->qp->qp_num) {
		printf("  %s: wr_id %#llx qp_num %u, want %#llx %u\n", what,
		       (unsigned long long)wc->wr_id, wc->qp_num,
		       (unsigned long long)wr_id, t->qp->qp_num);
		return false;
	}
	if (status == IBV_WC_SUCCESS && wc->opcode != opcode) {
		printf("  %s: opcode %d, want %d\n", what, wc->opcode, opcode);
		return false;
	}
	return true;
}

/* After an error completion the QP must be in the error state. */
static bool check_err_state(struct test *t, const char *what)
{
	struct ibv_qp_init_attr ia;
	struct ibv_qp_attr a;
	int ret;

	ret = ibv_query_qp(t->qp, &a, IBV_QP_STATE, &ia);
	if (ret) {
		printf("  %s: ibv_query_qp: %s\n", what, strerror(ret));
		return false;
	}
	if (a.qp_state != IBV_QPS_ERR) {
		printf("  %s: QP in %s after the error completion, want ERR\n",
		       what, xt_qp_state_str(a.qp_state));
		return false;
	}
	return true;
}

/* ---- side channel ---- */

static int sync_peer(struct test *t, enum sync_type type, unsigned int k,
		     bool ok, bool *peer_ok)
{
	struct sync_msg m = { htonl(type), htonl(k), htonl(ok), 0 };

	if (xt_send_all(t->fd, &m, sizeof(m)) || xt_recv_all(t->fd, &m, sizeof(m)))
		return -1;
	if (ntohl(m.type) != type || ntohl(m.k) != k) {
		printf("protocol error: peer sent step %u of case %u, want %u of %u\n",
		       ntohl(m.type), ntohl(m.k), type, k);
		return -1;
	}
	if (peer_ok)
		*peer_ok = ntohl(m.ok);
	return 0;
}

static int exchange(struct test *t, bool client)
{
	struct wire_side w;
	int b;

	memset(&w, 0, sizeof(w));
	w.magic = htonl(WIRE_MAGIC);
	w.version = htonl(WIRE_VERSION);
	w.qpn = htonl(t->self.dest.qpn);
	w.psn = htonl(t->self.dest.psn);
	w.lid = htonl(t->self.dest.lid);
	w.mtu = htonl(t->self.dest.mtu);
	w.sge_limit = htonl(t->self.sge_limit);
	memcpy(w.gid, t->self.dest.gid.raw, 16);
	for (b = 0; b < NR_BUF; b++) {
		w.addr[b] = htobe64(t->self.addr[b]);
		w.rkey[b] = htonl(t->self.rkey[b]);
	}
	if (client) {
		w.seed = htobe64(t->seed);
		w.iters = htonl(t->iters);
		w.flags = htonl((t->negatives ? WIRE_NEGATIVES : 0) |
				(t->strict ? WIRE_STRICT : 0));
	}
	if (xt_send_all(t->fd, &w, sizeof(w)) || xt_recv_all(t->fd, &w, sizeof(w)))
		return -1;
	if (ntohl(w.magic) != WIRE_MAGIC || ntohl(w.version) != WIRE_VERSION) {
		printf("peer is not xenib-integrity version %u\n", WIRE_VERSION);
		return -1;
	}
	t->peer.dest.qpn = ntohl(w.qpn);
	t->peer.dest.psn = ntohl(w.psn);
	t->peer.dest.lid = ntohl(w.lid);
	t->peer.dest.mtu = ntohl(w.mtu);
	t->peer.sge_limit = ntohl(w.sge_limit);
	memcpy(t->peer.dest.gid.raw, w.gid, 16);
	for (b = 0; b < NR_BUF; b++) {
		t->peer.addr[b] = be64toh(w.addr[b]);
		t->peer.rkey[b] = ntohl(w.rkey[b]);
	}
	if (!client) {
		t->seed = be64toh(w.seed);
		t->iters = ntohl(w.iters);
		t->negatives = ntohl(w.flags) & WIRE_NEGATIVES;
		t->strict = ntohl(w.flags) & WIRE_STRICT;
	}
	t->sge_limit = min_u32(t->self.sge_limit, t->peer.sge_limit);
	if (!t->sge_limit || t->sge_limit > MAX_SGE) {
		printf("peer offers %u SGEs\n", t->peer.sge_limit);
		return -1;
	}
	return 0;
}

/* ---- QP ---- */

static uint32_t psn_after_resets(uint32_t psn, unsigned int resets)
{
	return (psn + resets * 0x10101u) & 0xffffff;
}

static bool connect_qp(struct test *t)
{
	struct xt_dest d = t->peer.dest;

	d.psn = psn_after_resets(t->peer.dest.psn, t->resets);
	return !xt_qp_connect(t->qp, &t->port, &d,
			      psn_after_resets(t->self.dest.psn, t->resets));
}

/* Poll both CQs until every posted WR has completed (flushed). */
static bool drain(struct test *t)
{
	double end = xt_now_us() + DRAIN_MS * 1e3;
	struct ibv_wc wc;

	while (t->sq_out || t->rq_out) {
		if (ibv_poll_cq(t->scq, 1, &wc) > 0 && t->sq_out)
			t->sq_out--;
		else if (ibv_poll_cq(t->rcq, 1, &wc) > 0 && t->rq_out)
			t->rq_out--;
		else if (xt_now_us() <= end)
			usleep(100);
		else
			break;
	}
	/* and whatever came in unexpected */
	while (ibv_poll_cq(t->scq, 1, &wc) > 0 || ibv_poll_cq(t->rcq, 1, &wc) > 0)
		;
	if (t->sq_out || t->rq_out) {
		printf("  reset: %u send and %u receive WRs not flushed after %u ms in ERR\n",
		       t->sq_out, t->rq_out, DRAIN_MS);
		t->sq_out = 0;
		t->rq_out = 0;
		return false;
	}
	return true;
}

/*
 * Both sides: ERR, flush, RESET, reconnect with fresh PSNs.  Returns 0 if
 * the QPs work again, 1 if they do but something was wrong on the way
 * (counted as a failure), -1 if the test cannot go on.
 */
static int reset_qps(struct test *t, unsigned int k)
{
	bool ok = true, flushed, peer_ok;
	int ret;

	t->resets++;
	ret = xt_qp_set_state(t->qp, IBV_QPS_ERR);
	if (ret) {
		printf("  reset: modify_qp to ERR: %s\n", strerror(ret));
		ok = false;
	}
	flushed = drain(t);
	if (sync_peer(t, SYNC_ERR, k, flushed, &peer_ok))
		return -1;
	ok = ok && flushed && peer_ok;
	ret = xt_qp_set_state(t->qp, IBV_QPS_RESET);
	if (ret)
		printf("  reset: modify_qp to RESET: %s\n", strerror(ret));
	if (ret || !connect_qp(t)) {
		sync_peer(t, SYNC_RTS, k, false, NULL);
		return -1;
	}
	if (sync_peer(t, SYNC_RTS, k, true, &peer_ok) || !peer_ok)
		return -1;
	return ok ? 0 : 1;
}

/* ---- cases ---- */

/*
 * Run one case, positive or negative.  Both sides call it with the same
 * plan and go through the same three exchanges.  Returns 1 passed, 0
 * failed, -1 the test cannot go on.
 */
static int run_case(struct test *t, const struct plan *p)
{
	bool init = p->initiator == t->me, ok = true, peer_ok, has_recv;
	struct span sp[NR_BUF] = { { 0, 0 } };
	struct ibv_sge sge[MAX_SGE];
	uint32_t rkey = 0, bits;
	uint64_t raddr = 0;
	enum ibv_wc_status want, also = IBV_WC_SUCCESS;
	struct ibv_wc wc;
	char what[160];
	int ret;

	describe(p, what, sizeof(what));
	gen_msg(t, p);
	has_recv = op_needs_recv(p->op) && p->neg < 0;
	want = p->neg >= 0 ? negs[p->neg].want : IBV_WC_SUCCESS;
	if (p->neg >= 0 && !t->strict)
		also = negs[p->neg].also;

	/*
	 * Prepare: sources hold the message, destinations the poison and the
	 * complement of what is due.  A negative must change nothing.
	 */
	if (init) {
		if (p->op == OP_READ || p->neg >= 0) {
			span_add(sp, p->loc, p->nloc);
			dst_prepare(t, p, sp, p->loc, p->nloc, p->len,
				    p->op == OP_READ && p->neg < 0);
		} else {
			scatter(t->buf, p->loc, p->nloc, t->msg, p->len, false);
		}
	} else {
		if (p->neg >= 0) {
			/* may reach past the MR's end: no data, poison only */
			span_add(sp, &p->remote, 1);
			dst_prepare(t, p, sp, NULL, 0, 0, false);
		} else if (p->op == OP_READ) {
			scatter(t->buf, &p->remote, 1, t->msg, p->len, false);
		} else if (p->op == OP_SEND || p->op == OP_SEND_IMM) {
			span_add(sp, p->recv, p->nrecv);
			dst_prepare(t, p, sp, p->recv, p->nrecv, p->len, true);
		} else {
			span_add(sp, &p->remote, 1);
			span_add(sp, p->recv, p->nrecv);
			dst_prepare(t, p, sp, &p->remote, 1, p->len, true);
		}
		if (has_recv) {
			ret = post_recv(t, p->recv, p->nrecv, p->k);
			if (ret) {
				printf("  %s: ibv_post_recv: %s\n", what,
				       strerror(ret));
				ok = false;
			}
		}
	}
	if (sync_peer(t, SYNC_READY, p->k, ok, &peer_ok))
		return -1;

	/* the initiator posts and waits for its completion */
	if (init && ok && peer_ok) {
		to_sges(t, p->loc, p->nloc, sge);
		if (p->op != OP_SEND && p->op != OP_SEND_IMM) {
			raddr = t->peer.addr[p->remote.buf] + p->remote.off;
			rkey = t->peer.rkey[p->remote.buf];
		}
		switch (p->neg) {
		case NEG_RKEY_KEY:
		case NEG_READ_RKEY:
		case NEG_RKEY_INDEX:
			bits = p->neg == NEG_RKEY_INDEX ? 0x00800000 : 0x01;
			rkey = wrong_key(rkey, bits, t->peer.rkey, NR_BUF);
			break;
		case NEG_LKEY:
			sge[0].lkey = wrong_key(sge[0].lkey, 0x01,
						(uint32_t[]){ t->mr[0]->lkey,
							      t->mr[1]->lkey,
							      t->mr[2]->lkey },
						NR_BUF);
			break;
		default:
			break;		/* the plan did it */
		}
		ret = post_send(t, p->op, sge, p->nloc, raddr, rkey, p->imm,
				p->k);
		if (ret) {
			printf("  %s: ibv_post_send: %s\n", what, strerror(ret));
			ok = false;
		} else {
			ok = wait_wc(t, t->scq, what, POLL_MS, p->k, want,
				     also, op_wc[p->op], &wc);
			if (ok && want != IBV_WC_SUCCESS)
				ok = check_err_state(t, what);
		}
	}
	if (sync_peer(t, SYNC_DONE, p->k, ok, &peer_ok))
		return -1;

	/* the target checks its receive completion */
	if (!init && has_recv && ok) {
		if (peer_ok) {
			ok = wait_wc(t, t->rcq, what, POLL_MS, p->k,
				     IBV_WC_SUCCESS, IBV_WC_SUCCESS,
				     p->op == OP_WRITE_IMM ?
				     IBV_WC_RECV_RDMA_WITH_IMM : IBV_WC_RECV,
				     &wc);
			if (ok && wc.byte_len != p->len) {
				printf("  %s: receive byte_len %u, want %u\n",
				       what, wc.byte_len, p->len);
				ok = false;
			}
			if (ok && !!(wc.wc_flags & IBV_WC_WITH_IMM) !=
			    op_has_imm(p->op)) {
				printf("  %s: receive wc_flags %#x\n", what,
				       wc.wc_flags);
				ok = false;
			}
			if (ok && op_has_imm(p->op) &&
			    wc.imm_data != htonl(p->imm)) {
				printf("  %s: imm_data %#x, want %#x\n", what,
				       ntohl(wc.imm_data), p->imm);
				ok = false;
			}
		}
	}
	/* every side checks the bytes it prepared and its guard pages */
	if (!dst_verify(t, what, sp))
		ok = false;
	if (!check_guards(t, what))
		ok = false;
	if (sync_peer(t, SYNC_VERDICT, p->k, ok, &peer_ok))
		return -1;
	if (ok && !peer_ok)
		printf("  %s: the peer saw it fail\n", what);
	ok = ok && peer_ok;

	if (ok && p->neg < 0) {
		t->bytes += p->len;
		return 1;
	}
	/* a failed case or a negative: start both QPs afresh */
	ret = reset_qps(t, p->k);
	if (ret < 0)
		return -1;
	return ok && !ret;
}

/* ---- setup ---- */

static int setup(struct test *t, const char *devname, uint8_t port,
		 int gid_idx)
{
	struct ibv_qp_init_attr qia;
	struct ibv_pd *pd;
	int b, ret;

	t->ctx = xt_open_device(devname);
	if (!t->ctx)
		return -1;
	ret = ibv_query_device(t->ctx, &t->dev);
	if (ret) {
		printf("ibv_query_device: %s\n", strerror(ret));
		return -1;
	}
	if (xt_query_port(t->ctx, port, gid_idx, &t->port))
		return -1;
	t->self.sge_limit = min_u32(MAX_SGE, t->dev.max_sge);
	if (t->dev.max_sge_rd > 0)
		t->self.sge_limit = min_u32(t->self.sge_limit, t->dev.max_sge_rd);
	t->pd = ibv_alloc_pd(t->ctx);
	t->pd2 = ibv_alloc_pd(t->ctx);
	t->scq = ibv_create_cq(t->ctx, 16, NULL, NULL, 0);
	t->rcq = ibv_create_cq(t->ctx, 16, NULL, NULL, 0);
	t->msg = malloc(MAX_MSG);
	if (!t->pd || !t->pd2 || !t->scq || !t->rcq || !t->msg) {
		printf("PD, CQ: %s\n", strerror(errno));
		return -1;
	}
	for (b = 0; b < NR_BUF; b++) {
		if (posix_memalign((void **)&t->mem[b], GUARD,
				   BUF_SIZE + 2 * GUARD) ||
		    posix_memalign((void **)&t->expect[b], GUARD, BUF_SIZE)) {
			printf("buffers: out of memory\n");
			return -1;
		}
		t->buf[b] = t->mem[b] + GUARD;
		memset(t->mem[b], GUARD_BYTE, BUF_SIZE + 2 * GUARD);
		memset(t->expect[b], GUARD_BYTE, BUF_SIZE);
		pd = b == BUF_OTHER ? t->pd2 : t->pd;
		t->mr[b] = ibv_reg_mr(pd, t->buf[b], BUF_SIZE, XT_MR_ACCESS);
		if (!t->mr[b]) {
			printf("ibv_reg_mr(%u bytes): %s\n", BUF_SIZE,
			       strerror(errno));
			return -1;
		}
		t->self.addr[b] = (uintptr_t)t->buf[b];
		t->self.rkey[b] = t->mr[b]->rkey;
	}
	memset(&qia, 0, sizeof(qia));
	qia.send_cq = t->scq;
	qia.recv_cq = t->rcq;
	qia.qp_type = IBV_QPT_RC;
	qia.cap.max_send_wr = 8;
	qia.cap.max_recv_wr = 8;
	qia.cap.max_send_sge = t->self.sge_limit;
	qia.cap.max_recv_sge = t->self.sge_limit;
	t->qp = ibv_create_qp(t->pd, &qia);
	if (!t->qp) {
		printf("ibv_create_qp(RC, %u SGEs): %s\n", t->self.sge_limit,
		       strerror(errno));
		return -1;
	}
	t->self.dest.qpn = t->qp->qp_num;
	t->self.dest.psn = (getpid() * 2654435761u ^ (uint32_t)xt_now_us()) &
			   0xffffff;
	t->self.dest.lid = t->port.lid;
	t->self.dest.gid = t->port.gid;
	t->self.dest.mtu = t->port.mtu;
	return 0;
}

static void teardown(struct test *t)
{
	int b;

	if (t->qp)
		ibv_destroy_qp(t->qp);
	for (b = 0; b < NR_BUF; b++) {
		if (t->mr[b])
			ibv_dereg_mr(t->mr[b]);
		free(t->mem[b]);
		free(t->expect[b]);
	}
	if (t->rcq)
		ibv_destroy_cq(t->rcq);
	if (t->scq)
		ibv_destroy_cq(t->scq);
	if (t->pd2)
		ibv_dealloc_pd(t->pd2);
	if (t->pd)
		ibv_dealloc_pd(t->pd);
	free(t->msg);
	if (t->ctx)
		ibv_close_device(t->ctx);
	if (t->fd >= 0)
		close(t->fd);
}

static void usage(const char *argv0)
{
	printf("Usage: %s [options]                    server\n"
	       "       %s [options] SERVER | -a SERVER    client\n"
	       "Byte-for-byte RC data integrity between two processes.\n"
	       "\n"
	       "  -d DEV      verbs device (default: the first one)\n"
	       "  -P PORT     device port (default 1)\n"
	       "  -g GID_IDX  GID index (default 0)\n"
	       "  -a SERVER   the server's host name or address (client)\n"
	       "  -p PORT     TCP port (default 18520)\n"
	       "  -n ITER     random cases (default 200; the client's counts)\n"
	       "  -S SEED     seed (client; default from time and pid)\n"
	       "  -x          skip the negative tests (client's counts)\n"
	       "  -s          strict: a wrong lkey must complete with\n"
	       "              LOC_PROT_ERR (rxe reports WR_FLUSH_ERR;\n"
	       "              the client's counts)\n"
	       "  -t SECS     give up after SECS (default 600, 0: never)\n"
	       "  -v          print every case\n"
	       "\n"
	       "Last line: \"N passed, N failed\" (cases; each passes only if\n"
	       "both sides pass it); exit 0 if none failed, 1 if some did, 2\n"
	       "on a usage error.\n",
	       argv0, argv0);
}

int main(int argc, char **argv)
{
	struct test t = { .fd = -1, .iters = 200, .negatives = true };
	unsigned long port = 1, gid_idx = 0, timeout = 600;
	const char *devname = NULL, *tcp_port = "18520", *server = NULL;
	struct xt_rng plan_rng;
	char gid[64], pgid[64], what[160];
	unsigned int k, who;
	bool seed_set = false;
	struct plan p;
	double t0;
	int c, ret, n;

	while ((c = getopt(argc, argv, "d:P:g:a:p:n:S:xst:vh")) != -1) {
		switch (c) {
		case 'd':
			devname = optarg;
			break;
		case 'P':
			port = xt_opt_ulong(c, optarg, 1, 255);
			break;
		case 'a':
			server = optarg;
			break;
		case 'g':
			gid_idx = xt_opt_ulong(c, optarg, 0, 65535);
			break;
		case 'p':
			xt_opt_ulong(c, optarg, 1, 65535);
			tcp_port = optarg;
			break;
		case 'n':
			t.iters = xt_opt_ulong(c, optarg, 0, 10000000);
			break;
		case 'S':
			t.seed = xt_opt_ulong(c, optarg, 0, ~0ul);
			seed_set = true;
			break;
		case 'x':
			t.negatives = false;
			break;
		case 's':
			t.strict = true;
			break;
		case 't':
			timeout = xt_opt_ulong(c, optarg, 0, 1000000);
			break;
		case 'v':
			t.verbose = true;
			break;
		case 'h':
			usage(argv[0]);
			return XT_EXIT_OK;
		default:
			usage(argv[0]);
			return XT_EXIT_USAGE;
		}
	}
	if (argc - optind > 1 || (server && argc - optind == 1)) {
		usage(argv[0]);
		return XT_EXIT_USAGE;
	}
	if (argc - optind == 1)
		server = argv[optind];
	t.me = server ? 0 : 1;
	if (!seed_set)
		t.seed = (uint64_t)xt_now_us() ^ ((uint64_t)getpid() << 40);
	setvbuf(stdout, NULL, _IOLBF, 0);
	xt_alarm(timeout);

	if (setup(&t, devname, port, gid_idx)) {
		xt_fail("setup");
		goto out;
	}
	t.fd = server ? xt_tcp_connect(server, tcp_port, 30) :
			xt_tcp_listen_accept(tcp_port);
	if (t.fd < 0 || exchange(&t, t.me == 0)) {
		xt_fail("exchanging QP and MR details with the peer");
		goto out;
	}
	printf("%s: device %s port %u (%s) gid[%d] %s qpn %u mtu %d\n",
	       server ? "client" : "server",
	       ibv_get_device_name(t.ctx->device), t.port.num,
	       xt_link_layer_str(t.port.link_layer), t.port.gid_idx,
	       xt_gid_str(&t.port.gid, gid, sizeof(gid)), t.qp->qp_num,
	       128 << t.port.mtu);
	printf("peer: gid %s qpn %u mtu %d; SGEs up to %u\n",
	       xt_gid_str(&t.peer.dest.gid, pgid, sizeof(pgid)),
	       t.peer.dest.qpn, 128 << t.peer.dest.mtu, t.sge_limit);
	printf("seed %#llx%s, %u cases%s\n", (unsigned long long)t.seed,
	       server ? "" : " (the client's)", t.iters,
	       t.negatives ? " + negatives" : "");

	ret = connect_qp(&t) ? 0 : -1;
	if (sync_peer(&t, SYNC_HELLO, 0, !ret, NULL) || ret) {
		xt_fail("connecting the QPs");
		goto out;
	}

	xt_rng_seed(&plan_rng, t.seed);
	t0 = xt_now_us();
	for (k = 0; k < t.iters; k++) {
		gen_plan(&t, &plan_rng, k, &p);
		ret = run_case(&t, &p);
		if (ret < 0) {
			xt_fail("%s: lost the peer or the QP; stopping",
				describe(&p, what, sizeof(what)));
			goto out;
		}
		if (ret) {
			t.ops_passed[p.op]++;
			xt_pass();
			if (t.verbose)
				printf("ok %s\n", what);
		} else {
			t.ops_failed[p.op]++;
			xt_fail("%s", describe(&p, what, sizeof(what)));
		}
	}
	printf("time: %u cases, %llu bytes verified, %.1f ms\n", t.iters,
	       t.bytes, (xt_now_us() - t0) / 1e3);

	n = 0;
	for (who = 0; t.negatives && who < 2; who++) {
		for (c = 0; c < NEG_NR; c++, n++) {
			gen_neg_plan(&plan_rng, n, c, who, &p);
			describe(&p, what, sizeof(what));
			ret = run_case(&t, &p);
			if (ret < 0) {
				xt_fail("%s: lost the peer or the QP; stopping",
					what);
				goto out;
			}
			if (xt_check(ret, "%s", what) && t.verbose)
				printf("ok %s\n", what);
		}
	}
	for (c = 0; c < OP_NR; c++)
		printf("%s: %lu passed, %lu failed\n", op_names[c],
		       t.ops_passed[c], t.ops_failed[c]);
	if (t.negatives)
		printf("negatives: %d run\n", n);
	if (sync_peer(&t, SYNC_END, 0, true, NULL))
		xt_fail("the peer did not finish");
out:
	teardown(&t);
	return xt_finish();
}
