// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-raw: attacks the backend with raw control requests from a guest,
 * as a hostile guest kernel would (docs/security.md).  Needs root and the
 * frontend loaded with raw_requests=1 (frontend/raw.c).  No libibverbs:
 * this talks to the frontend's debugfs files only.
 *
 *   dup    REG_MRs whose directories name one grant reference twice, or
 *          one another MR has mapped: must answer EINVAL; the same pages
 *          with distinct references must register; ALLOC_UCONTEXTs
 *          whose doorbell reference is no grant, or one mapped already:
 *          refused, and the connection stays (the ALLOC_PD after them)
 *   fuzz   -n N requests of every opcode (and unknown ones) with random
 *          bodies, or valid ones mutated; every one must be answered, and
 *          the device must still work afterwards
 *   pgdir  REG_MRs with malformed page directories, built in the raw
 *          pages (frontend/raw.c's "pages"): garbage references in a leaf,
 *          a leaf naming one page twice, a level 2 directory
 *          whose upper page names itself as a leaf, more levels than
 *          needed, counts that do not match, too many pages; each must be
 *          refused (a well-formed one of the same pages registers, and so
 *          does a leaf that names itself as a data page: the backend reads
 *          a directory into a private copy and unmaps it first); then
 *          -n N REG_MRs while a second thread rewrites the leaf between
 *          valid and garbage references: each is accepted or refused,
 *          never unanswered (the lab suite checks that Dom0 maps no page
 *          more afterwards)
 *   replay DIR...  the fuzz corpora (build/fuzz/corpus-*), replayed and
 *          mutated: a corpus-request file is one request slot, sent as it
 *          is; a corpus-back_* file is a program of the backend fuzz
 *          targets (tests/fuzz/back_prog.h), whose requests are sent in
 *          order with their object references (1..255) replaced by the
 *          handles this run got, grant references below 4096 by the raw
 *          pages' (reference r: raw page r % 64), and whose page writes
 *          and directories go into the raw pages; the operations only the
 *          harness can do (faults, device events, ring indexes) are
 *          skipped.  Every file is replayed once as it is and -m M times
 *          with 1 to 3 bits flipped (seed -S), up to -n N requests in all
 *          (0: no bound).  What a program created is destroyed after it.
 *          Every request must be answered, with a well-formed answer, and
 *          QUERY_DEVICE must work afterwards
 *
 * Last line: N passed, N failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/interface/io/vibif.h>

#include "back_prog_walk.h"
#include "common.h"

#define DBG "/sys/kernel/debug/xen-ibfront"

/* frontend/raw.c's struct xenib_raw_result. */
struct raw_result {
	int32_t err;
	uint32_t status;
	uint32_t answered;
	uint32_t reserved;
	struct xen_vibif_response rsp;
};

static int req_fd = -1;
static int pages_fd = -1;
static uint32_t grefs[64];
static unsigned int ngrefs;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenib-raw [-D DEVDIR] [-n N] [-S SEED] [-m M] dup|fuzz|pgdir|replay DIR...\n"
		"  dup     directories with repeated grant references, bad and\n"
		"          repeated doorbell references\n"
		"  fuzz    N random or mutated requests of every opcode\n"
		"  pgdir   malformed page directories, then N REG_MRs while\n"
		"          another thread rewrites the directory\n"
		"  -D DIR  the device's debugfs directory (default: " DBG "/vib-0)\n"
		"  replay  the fuzz corpora in DIR... (corpus-request, corpus-back_*),\n"
		"          as they are and mutated\n"
		"  -n N    fuzz, pgdir: requests (default 2000); replay: at most N\n"
		"          requests, shared between the DIRs (default: no bound)\n"
		"  -S SEED fuzz, replay: random seed (default 1)\n"
		"  -m M    replay: mutated copies of each file (default 1)\n"
		"Needs root and xen-ibfront loaded with raw_requests=1.\n");
}

/* Sends @req; fills @res.  Returns 0 if the frontend took the request. */
static int send_req(struct xen_vibif_request *req, struct raw_result *res)
{
	if (pwrite(req_fd, req, sizeof(*req), 0) != (ssize_t)sizeof(*req))
		return -1;
	if (pread(req_fd, res, sizeof(*res), 0) != (ssize_t)sizeof(*res))
		return -1;
	return 0;
}

/* An answer came (any status): the backend handled the request. */
static bool answered(const struct raw_result *res)
{
	return res->answered;
}

/* The backend's answer is not a well-formed answer to @req. */
static bool malformed(const struct xen_vibif_request *req,
		      const struct raw_result *res)
{
	return res->rsp.hdr.opcode != req->hdr.opcode ||
	       le32toh(res->rsp.hdr.status) >= XEN_VIBIF_STATUS_COUNT ||
	       res->rsp.hdr.reserved;
}

static int simple(uint16_t op, const void *body, size_t len,
		  struct raw_result *res)
{
	struct xen_vibif_request req;

	memset(&req, 0, sizeof(req));
	req.hdr.opcode = htole16(op);
	memcpy(req.u.raw, body, len);
	return send_req(&req, res);
}

static int alloc_pd(uint32_t *pd)
{
	struct xen_vibif_alloc_pd_req r = { 0 };
	struct raw_result res = { .err = -EIO };

	if (simple(XEN_VIBIF_OP_ALLOC_PD, &r, sizeof(r), &res) || res.err)
		return -1;
	*pd = le32toh(res.rsp.u.handle.handle);
	return 0;
}

static void dealloc(uint16_t op, uint32_t handle)
{
	struct xen_vibif_handle_req r = { .handle = htole32(handle) };
	struct raw_result res = { .err = -EIO };

	xt_check(!simple(op, &r, sizeof(r), &res) && !res.err,
		 "destroy (opcode %u) of %#x: %d", op, handle, res.err);
}

static int reg_mr(uint32_t pd, const uint32_t *refs, unsigned int n,
		  uint32_t *mr);

/* ALLOC_UCONTEXT with @ref as its doorbell page; -ENOLINK: no answer. */
static int alloc_uc(uint32_t ref, uint32_t *uc)
{
	struct xen_vibif_alloc_ucontext_req r = { .db_ref = htole32(ref) };
	struct raw_result res = { .err = -EIO };

	if (simple(XEN_VIBIF_OP_ALLOC_UCONTEXT, &r, sizeof(r), &res) ||
	    !answered(&res))
		return -ENOLINK;
	if (!res.err && uc)
		*uc = le32toh(res.rsp.u.handle.handle);
	return res.err;
}

/*
 * Doorbell references: one that is no grant of ours, and one mapped
 * already, must fail the request only; the connection (checked by the
 * ALLOC_PD after them) stays.
 */
static void dup_doorbell(void)
{
	uint32_t uc1, uc2;
	int err;

	err = alloc_uc(0xfffffff0u, NULL);
	printf("case db.bad: doorbell ref %#x: %s\n", 0xfffffff0u,
	       strerror(-err));
	xt_check(err && err != -ENOLINK, "a bad doorbell reference: %s",
		 err ? strerror(-err) : "accepted");
	err = alloc_uc(grefs[5], &uc1);
	printf("case db.good: doorbell ref %u: %s\n", grefs[5],
	       err ? strerror(-err) : "allocated");
	xt_check(!err, "a doorbell page of ours: %s", strerror(-err));
	if (err)
		return;
	err = alloc_uc(grefs[5], &uc2);
	printf("case db.mapped: doorbell ref %u mapped already: %s\n",
	       grefs[5], strerror(-err));
	xt_check(err == -EINVAL, "a mapped doorbell reference: %s, not EINVAL",
		 strerror(-err));
	if (!err)
		dealloc(XEN_VIBIF_OP_DEALLOC_UCONTEXT, uc2);
	dealloc(XEN_VIBIF_OP_DEALLOC_UCONTEXT, uc1);
}

static int mode_dup(void)
{
	uint32_t pd, mr1, mr2, same[4], two[2];
	int err;

	dup_doorbell();
	if (alloc_pd(&pd)) {
		xt_fail("ALLOC_PD failed");
		return 0;
	}
	same[0] = same[1] = same[2] = same[3] = grefs[0];
	err = reg_mr(pd, same, 4, NULL);
	printf("case dup.same: 4 x ref %u: %s\n", grefs[0], strerror(-err));
	xt_check(err == -EINVAL, "one reference 4 times: %s, not EINVAL",
		 strerror(-err));
	two[0] = grefs[1];
	two[1] = grefs[2];
	err = reg_mr(pd, two, 2, &mr1);
	printf("case dup.distinct: refs %u %u: %s\n", two[0], two[1],
	       err ? strerror(-err) : "registered");
	xt_check(!err, "distinct references: %s", strerror(-err));
	if (!err) {
		/* grefs[2] is mapped by mr1 now. */
		two[0] = grefs[3];
		two[1] = grefs[2];
		err = reg_mr(pd, two, 2, &mr2);
		printf("case dup.mapped: ref %u already mapped: %s\n",
		       grefs[2], strerror(-err));
		xt_check(err == -EINVAL, "a mapped reference: %s, not EINVAL",
			 strerror(-err));
		if (!err)
			dealloc(XEN_VIBIF_OP_DEREG_MR, mr2);
		dealloc(XEN_VIBIF_OP_DEREG_MR, mr1);
		/* Unmapped again: may be mapped anew. */
		err = reg_mr(pd, two, 2, &mr2);
		printf("case dup.again: refs %u %u after deregistration: %s\n",
		       two[0], two[1], err ? strerror(-err) : "registered");
		xt_check(!err, "references freed again: %s", strerror(-err));
		if (!err)
			dealloc(XEN_VIBIF_OP_DEREG_MR, mr2);
	}
	dealloc(XEN_VIBIF_OP_DEALLOC_PD, pd);
	return 0;
}

/*
 * A valid request to mutate: one of a few the backend accepts.  Returns
 * the octets of its body that mean something (the rest must be zero).
 */
static uint32_t fuzz_pd;

static size_t template(struct xt_rng *rng, struct xen_vibif_request *req)
{
	memset(req, 0, sizeof(*req));
	switch (xt_rng_range(rng, 0, 3)) {
	case 0:
		req->hdr.opcode = htole16(XEN_VIBIF_OP_QUERY_DEVICE);
		return 0;
	case 1:
		req->hdr.opcode = htole16(XEN_VIBIF_OP_QUERY_PORT);
		req->u.query_port.port_num = 1;
		return sizeof(req->u.query_port);
	case 2:
		req->hdr.opcode = htole16(XEN_VIBIF_OP_ALLOC_PD);
		return sizeof(req->u.alloc_pd);
	default:
		req->hdr.opcode = htole16(XEN_VIBIF_OP_REG_MR);
		req->u.reg_mr.pd = htole32(fuzz_pd);
		req->u.reg_mr.access = htole32(1);
		req->u.reg_mr.length = htole64(4096);
		req->u.reg_mr.pgdir.npages = htole32(1);
		req->u.reg_mr.pgdir.nrefs = htole16(1);
		req->u.reg_mr.pgdir.ref[0] =
			htole32(grefs[xt_rng_range(rng, 0, ngrefs - 1)]);
		return sizeof(req->u.reg_mr);
	}
}

static int mode_fuzz(unsigned long n, uint64_t seed)
{
	unsigned long i, ok = 0, refused = 0, lost = 0, mutated = 0, bad = 0;
	unsigned long valid = 0, valid_ok = 0;
	bool cur_valid = false;
	size_t size;
	struct xen_vibif_request req;
	struct raw_result res;
	struct xt_rng rng;
	unsigned int k, flips;

	xt_rng_seed(&rng, seed);
	if (alloc_pd(&fuzz_pd)) {
		xt_fail("ALLOC_PD failed");
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (xt_rng_range(&rng, 0, 1)) {
			/*
			 * Bits flipped in the fields that mean something
			 * (now and then in the header or anywhere), so that
			 * the requests get past the zero checks; 0 flips:
			 * the valid request itself.
			 */
			size = template(&rng, &req);
			flips = (unsigned int)xt_rng_range(&rng, 0, 3);
			for (k = 0; k < flips; k++) {
				size_t at = offsetof(struct xen_vibif_request, u) +
					    xt_rng_range(&rng, 0, size ? size - 1 : 0);

				if (!size || !xt_rng_range(&rng, 0, 7))
					at = xt_rng_range(&rng, 8, sizeof(req) - 1);
				((uint8_t *)&req)[at] ^=
					(uint8_t)(1u << xt_rng_range(&rng, 0, 7));
			}
			mutated++;
			cur_valid = !flips;
			valid += cur_valid;
		} else {
			cur_valid = false;
			xt_rng_fill(&rng, &req, sizeof(req));
			req.hdr.opcode = htole16((uint16_t)
				xt_rng_range(&rng, 0, XEN_VIBIF_OP_COUNT + 2));
		}
		if (send_req(&req, &res)) {
			xt_fail("request %lu: %s", i, strerror(errno));
			break;
		}
		if (!answered(&res)) {
			if (lost++ < 5)
				xt_fail("request %lu (opcode %u) not answered: %s",
					i, le16toh(req.hdr.opcode),
					strerror(-res.err));
			continue;
		}
		if (malformed(&req, &res)) {
			if (bad++ < 5)
				xt_fail("request %lu (opcode %u): malformed answer (opcode %u, status %u)",
					i, le16toh(req.hdr.opcode),
					le16toh(res.rsp.hdr.opcode),
					le32toh(res.rsp.hdr.status));
		}
		if (res.err)
			refused++;
		else
			ok++;
		/* What was made is undone: quotas and references free. */
		if (!res.err && res.rsp.hdr.opcode ==
				htole16(XEN_VIBIF_OP_REG_MR))
			dealloc(XEN_VIBIF_OP_DEREG_MR,
				le32toh(res.rsp.u.reg_mr.mr));
		else if (!res.err && res.rsp.hdr.opcode ==
				htole16(XEN_VIBIF_OP_ALLOC_PD))
			dealloc(XEN_VIBIF_OP_DEALLOC_PD,
				le32toh(res.rsp.u.handle.handle));
		/* An unchanged valid request is accepted (or over a quota). */
		if (cur_valid)
			valid_ok += !res.err || res.err == -EDQUOT;
	}
	printf("fuzz: %lu requests sent (%lu from valid ones, %lu of them unchanged), %lu accepted, %lu refused, %lu unanswered, %lu malformed answers\n",
	       i, mutated, valid, ok, refused, lost, bad);
	xt_check(valid_ok == valid, "%lu of %lu unchanged valid requests refused",
		 valid - valid_ok, valid);
	dealloc(XEN_VIBIF_OP_DEALLOC_PD, fuzz_pd);
	/* Still works. */
	res.err = -EIO;
	simple(XEN_VIBIF_OP_QUERY_DEVICE, NULL, 0, &res);
	xt_check(!res.err, "QUERY_DEVICE after the fuzz: %s",
		 strerror(-res.err));
	return 0;
}

/* Writes @n __le32 entries into raw page @page. */
static int put_refs(unsigned int page, const uint32_t *refs, unsigned int n)
{
	uint32_t le[1024];
	unsigned int i;

	memset(le, 0, sizeof(le));
	for (i = 0; i < n && i < 1024; i++)
		le[i] = htole32(refs[i]);
	return pwrite(pages_fd, le, sizeof(le), (off_t)page * 4096) ==
	       (ssize_t)sizeof(le) ? 0 : -1;
}

/* REG_MR of @npages with a directory of @levels over ref[0 .. nrefs-1]. */
static int reg_mr_dir(uint32_t pd, uint32_t npages, uint8_t levels,
		      const uint32_t *refs, unsigned int nrefs, uint32_t *mr)
{
	struct xen_vibif_reg_mr_req r = { 0 };
	struct raw_result res = { .err = -EIO };
	unsigned int i;

	r.pd = htole32(pd);
	r.access = htole32(1);	/* IB_ACCESS_LOCAL_WRITE */
	r.iova = htole64(0x10000);
	r.length = htole64((uint64_t)npages * 4096);
	r.pgdir.npages = htole32(npages);
	r.pgdir.levels = levels;
	r.pgdir.type = XEN_VIBIF_PGDIR_GRANT;
	r.pgdir.nrefs = htole16(nrefs);
	for (i = 0; i < nrefs && i < XEN_VIBIF_PGDIR_INLINE; i++)
		r.pgdir.ref[i] = htole32(refs[i]);
	/* -ENOLINK: no answer (the frontend's own errors are negative). */
	if (simple(XEN_VIBIF_OP_REG_MR, &r, sizeof(r), &res) ||
	    !answered(&res))
		return -ENOLINK;
	if (!res.err && mr)
		*mr = le32toh(res.rsp.u.reg_mr.mr);
	return res.err;
}

/* REG_MR of @n pages named inline by @refs (levels 0). */
static int reg_mr(uint32_t pd, const uint32_t *refs, unsigned int n,
		  uint32_t *mr)
{
	return reg_mr_dir(pd, n, 0, refs, n, mr);
}

/* One case: the directory must be refused (or, @ok, accepted). */
static void dir_case(const char *name, uint32_t pd, uint32_t npages,
		     uint8_t levels, const uint32_t *refs, unsigned int nrefs,
		     bool ok)
{
	uint32_t mr = 0;
	int err = reg_mr_dir(pd, npages, levels, refs, nrefs, &mr);

	printf("case %s: %s\n", name, err ? strerror(-err) : "registered");
	if (ok) {
		xt_check(!err, "%s: refused (%s)", name, strerror(-err));
	} else {
		xt_check(err && err != -ENOLINK,
			 "%s: %s", name, err ? "not answered" : "registered");
	}
	if (!err)
		dealloc(XEN_VIBIF_OP_DEREG_MR, mr);
}

static atomic_bool flip_stop;

/*
 * Data pages of the directories: the smallest count that needs a leaf
 * (levels 0 holds 16), raw pages 2 .. NDATA + 1.
 */
#define NDATA	20

static uint32_t data[NDATA];

/* Rewrites the leaf (raw page 0) between valid and garbage entries. */
static void *flipper(void *arg)
{
	uint32_t junk[NDATA];
	struct xt_rng rng;
	unsigned int i;

	(void)arg;
	xt_rng_seed(&rng, 7);
	memcpy(junk, data, sizeof(junk));
	while (!atomic_load(&flip_stop)) {
		/* A few entries garbage at a time: part of the leaf valid. */
		i = (unsigned int)xt_rng_range(&rng, 0, NDATA - 1);
		junk[i] = xt_rng_range(&rng, 0, 1) ? data[i] :
			  (uint32_t)xt_rng_next(&rng);
		if (put_refs(0, xt_rng_range(&rng, 0, 2) ? junk : data, NDATA))
			break;
	}
	return NULL;
}

/* A leaf of the NDATA data pages, entry @at replaced by @ref. */
static void leaf_with(unsigned int at, uint32_t ref)
{
	uint32_t l[NDATA];

	memcpy(l, data, sizeof(l));
	if (at < NDATA)
		l[at] = ref;
	put_refs(0, l, NDATA);
}

static int mode_pgdir(const char *dir, unsigned long n)
{
	uint32_t pd, refs[XEN_VIBIF_PGDIR_INLINE] = { 0 }, mr;
	unsigned long i, ok = 0, refused = 0, lost = 0;
	char path[256];
	pthread_t t;
	int err;

	snprintf(path, sizeof(path), "%s/pages", dir);
	pages_fd = open(path, O_RDWR);
	if (!xt_check(pages_fd >= 0 && ngrefs >= NDATA + 2, "%s: %s (%u pages)",
		      path, strerror(errno), ngrefs) || alloc_pd(&pd)) {
		xt_fail("setup");
		return 0;
	}
	/* Raw page 0: a leaf; page 1: an upper page; 2 ..: data. */
	for (i = 0; i < NDATA; i++)
		data[i] = grefs[2 + i];

	refs[0] = grefs[0];
	leaf_with(NDATA, 0);
	dir_case("leaf of 20 pages (well-formed)", pd, NDATA, 1, refs, 1, true);
	leaf_with(7, 0x7ffffff0);
	dir_case("leaf with a reference never granted", pd, NDATA, 1, refs, 1,
		 false);
	/*
	 * Allowed: the backend reads a directory page into a private copy
	 * and unmaps it before it maps the data pages, so the page is never
	 * mapped twice.
	 */
	leaf_with(3, grefs[0]);
	dir_case("leaf naming itself as data (allowed)", pd, NDATA, 1, refs, 1,
		 true);
	leaf_with(5, data[4]);
	dir_case("leaf naming one page twice", pd, NDATA, 1, refs, 1, false);
	leaf_with(NDATA, 0);
	dir_case("levels 1 where levels 0 suffices", pd, 16, 1, refs, 1, false);

	refs[0] = grefs[1];
	put_refs(1, (uint32_t[]){ grefs[0] }, 1);
	dir_case("levels 2 where levels 1 suffices", pd, NDATA, 2, refs, 1,
		 false);
	/* 16385 pages need levels 2 (2 leaves); the upper page names itself. */
	put_refs(1, (uint32_t[]){ grefs[1], grefs[0] }, 2);
	dir_case("upper page naming itself as a leaf", pd, 16385, 2, refs, 1,
		 false);
	put_refs(1, (uint32_t[]){ grefs[0], grefs[0] }, 2);
	dir_case("upper page naming one leaf twice", pd, 16385, 2, refs, 1,
		 false);
	put_refs(1, (uint32_t[]){ grefs[0], 0x7ffffff0 }, 2);
	dir_case("upper page with a leaf never granted", pd, 16385, 2, refs, 1,
		 false);
	put_refs(1, (uint32_t[]){ grefs[0], grefs[2] }, 2);
	dir_case("upper page with a data page as a leaf", pd, 16385, 2, refs,
		 1, false);
	refs[0] = grefs[0];
	refs[1] = grefs[1];
	dir_case("two leaves for 20 pages (nrefs too big)", pd, NDATA, 1, refs,
		 2, false);
	refs[1] = 0;
	dir_case("one leaf for 1025 pages (nrefs too small)", pd, 1025, 1,
		 refs, 1, false);
	dir_case("levels 3", pd, NDATA, 3, refs, 1, false);
	dir_case("no pages", pd, 0, 1, refs, 1, false);
	dir_case("more pages than any directory", pd,
		 XEN_VIBIF_PGDIR_MAX_PAGES + 1, 2, refs, 1, false);
	dir_case("levels 0 naming the same page twice", pd, 2, 0,
		 (uint32_t[]){ data[0], data[0] }, 2, false);

	/* The leaf rewritten while the backend reads it. */
	leaf_with(NDATA, 0);
	atomic_store(&flip_stop, false);
	if (pthread_create(&t, NULL, flipper, NULL)) {
		xt_fail("pthread_create");
		return 0;
	}
	refs[0] = grefs[0];
	for (i = 0; i < n; i++) {
		mr = 0;
		err = reg_mr_dir(pd, NDATA, 1, refs, 1, &mr);
		if (err == -ENOLINK) {
			if (lost++ < 5)
				xt_fail("REG_MR %lu with a changing leaf: not answered",
					i);
			continue;
		}
		if (err) {
			refused++;
		} else {
			ok++;
			dealloc(XEN_VIBIF_OP_DEREG_MR, mr);
		}
	}
	atomic_store(&flip_stop, true);
	pthread_join(t, NULL);
	printf("pgdir: %lu REG_MRs with a leaf rewritten meanwhile: %lu registered, %lu refused, %lu unanswered\n",
	       n, ok, refused, lost);
	xt_check(!lost, "%lu unanswered", lost);

	/* What was well-formed still works. */
	leaf_with(NDATA, 0);
	dir_case("leaf of 20 pages, after", pd, NDATA, 1, refs, 1, true);
	dealloc(XEN_VIBIF_OP_DEALLOC_PD, pd);
	return 0;
}

/* ---- replay of the fuzz corpora ------------------------------------------ */

#define RP_HANDLES	32
#define RP_MADE		256
#define RP_FILE_MAX	65536

struct replay {
	uint32_t handles[BPK_COUNT][RP_HANDLES];
	unsigned int nhandles[BPK_COUNT];
	struct {
		enum bp_kind kind;
		uint32_t handle;
	} made[RP_MADE];		/* what the current file created */
	unsigned int nmade;
	unsigned long limit;		/* stop at this many sent (0: never) */
	unsigned long sent, ok, refused, lost, bad, skipped, files;
	bool stop;
};

/* An object reference 1..255 names the (v - 1)-th handle of its kind. */
static void rp_fix(void *ctx, enum bp_kind kind, __le32 *field)
{
	struct replay *rp = ctx;
	uint32_t v = le32toh(*field);

	if (v >= 1 && v <= 255 && rp->nhandles[kind])
		*field = htole32(rp->handles[kind][(v - 1) %
						   rp->nhandles[kind]]);
}

/* A grant reference below 4096 (a frame of the harness) is a raw page's. */
static uint32_t rp_gref(uint32_t v)
{
	return v < 4096 ? grefs[v % ngrefs] : v;
}

static void rp_pgdir(struct xen_vibif_pgdir *d)
{
	unsigned int i;

	if (d->type != XEN_VIBIF_PGDIR_GRANT)
		return;
	for (i = 0; i < XEN_VIBIF_PGDIR_INLINE; i++)
		d->ref[i] = htole32(rp_gref(le32toh(d->ref[i])));
}

static void rp_grants(struct xen_vibif_request *r)
{
	union xen_vibif_req_body *b = &r->u;

	switch (le16toh(r->hdr.opcode)) {
	case XEN_VIBIF_OP_ALLOC_UCONTEXT:
		b->alloc_ucontext.db_ref =
			htole32(rp_gref(le32toh(b->alloc_ucontext.db_ref)));
		break;
	case XEN_VIBIF_OP_CREATE_CQ:
		rp_pgdir(&b->create_cq.pgdir);
		break;
	case XEN_VIBIF_OP_RESIZE_CQ:
		rp_pgdir(&b->resize_cq.pgdir);
		break;
	case XEN_VIBIF_OP_CREATE_QP:
		rp_pgdir(&b->create_qp.sq_pgdir);
		rp_pgdir(&b->create_qp.rq_pgdir);
		break;
	case XEN_VIBIF_OP_CREATE_SRQ:
		rp_pgdir(&b->create_srq.pgdir);
		break;
	case XEN_VIBIF_OP_RESIZE_SRQ:
		rp_pgdir(&b->resize_srq.pgdir);
		break;
	case XEN_VIBIF_OP_REG_MR:
		rp_pgdir(&b->reg_mr.pgdir);
		break;
	default:
		break;
	}
}

/* What the accepted answer @rsp to @op created; its handle in @h. */
static enum bp_kind rp_made(uint16_t op, const struct xen_vibif_response *rsp,
			    uint32_t *h)
{
	const union xen_vibif_rsp_body *u = &rsp->u;

	switch (op) {
	case XEN_VIBIF_OP_ALLOC_UCONTEXT:
		*h = le32toh(u->handle.handle);
		return BPK_UCONTEXT;
	case XEN_VIBIF_OP_ALLOC_PD:
		*h = le32toh(u->handle.handle);
		return BPK_PD;
	case XEN_VIBIF_OP_CREATE_CQ:
		*h = le32toh(u->create_cq.cq);
		return BPK_CQ;
	case XEN_VIBIF_OP_CREATE_QP:
		*h = le32toh(u->create_qp.qp);
		return BPK_QP;
	case XEN_VIBIF_OP_CREATE_SRQ:
		*h = le32toh(u->create_srq.srq);
		return BPK_SRQ;
	case XEN_VIBIF_OP_CREATE_AH:
		*h = le32toh(u->handle.handle);
		return BPK_AH;
	case XEN_VIBIF_OP_REG_MR:
		*h = le32toh(u->reg_mr.mr);
		return BPK_MR;
	default:
		return BPK_NONE;
	}
}

static void rp_send(struct replay *rp, struct xen_vibif_request *req)
{
	struct raw_result res;
	enum bp_kind k;
	uint32_t h;

	if (rp->limit && rp->sent >= rp->limit) {
		rp->stop = true;
		return;
	}
	memset(&res, 0, sizeof(res));
	if (send_req(req, &res)) {
		xt_fail("replay: request %lu: %s", rp->sent, strerror(errno));
		rp->stop = true;
		return;
	}
	rp->sent++;
	if (!answered(&res)) {
		if (rp->lost++ < 5)
			xt_fail("replay: request %lu (opcode %u) not answered: %s",
				rp->sent, le16toh(req->hdr.opcode),
				strerror(-res.err));
		return;
	}
	if (malformed(req, &res) && rp->bad++ < 5)
		xt_fail("replay: request %lu (opcode %u): malformed answer (opcode %u, status %u)",
			rp->sent, le16toh(req->hdr.opcode),
			le16toh(res.rsp.hdr.opcode),
			le32toh(res.rsp.hdr.status));
	if (res.err) {
		rp->refused++;
		return;
	}
	rp->ok++;
	k = rp_made(le16toh(req->hdr.opcode), &res.rsp, &h);
	if (k == BPK_NONE)
		return;
	rp->handles[k][rp->nhandles[k] % RP_HANDLES] = h;
	if (rp->nhandles[k] < RP_HANDLES)
		rp->nhandles[k]++;
	if (rp->nmade < RP_MADE) {
		rp->made[rp->nmade].kind = k;
		rp->made[rp->nmade++].handle = h;
	}
}

/* Destroys what the file created, users before what they use. */
static void rp_cleanup(struct replay *rp)
{
	static const enum bp_kind order[] = {
		BPK_QP, BPK_SRQ, BPK_AH, BPK_MR, BPK_CQ, BPK_PD, BPK_UCONTEXT,
	};
	static const uint16_t op[BPK_COUNT] = {
		[BPK_UCONTEXT] = XEN_VIBIF_OP_DEALLOC_UCONTEXT,
		[BPK_PD] = XEN_VIBIF_OP_DEALLOC_PD,
		[BPK_CQ] = XEN_VIBIF_OP_DESTROY_CQ,
		[BPK_MR] = XEN_VIBIF_OP_DEREG_MR,
		[BPK_AH] = XEN_VIBIF_OP_DESTROY_AH,
		[BPK_SRQ] = XEN_VIBIF_OP_DESTROY_SRQ,
		[BPK_QP] = XEN_VIBIF_OP_DESTROY_QP,
	};
	struct xen_vibif_handle_req r = { 0 };
	struct raw_result res;
	unsigned int i, j;

	/* Refusals are expected: the program may have destroyed it. */
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		for (j = rp->nmade; j-- > 0;)
			if (rp->made[j].kind == order[i]) {
				r.handle = htole32(rp->made[j].handle);
				simple(op[order[i]], &r, sizeof(r), &res);
			}
	rp->nmade = 0;
	memset(rp->nhandles, 0, sizeof(rp->nhandles));
}

/* A corpus-request file: one request slot, then a limit octet (unused). */
static void rp_slot(struct replay *rp, const uint8_t *buf, size_t len)
{
	struct xen_vibif_request req;

	memset(&req, 0, sizeof(req));
	memcpy(&req, buf, len < sizeof(req) ? len : sizeof(req));
	rp_send(rp, &req);
}

/* A corpus-back_* file: back_prog.h's language, from the guest's side. */
static void rp_program(struct replay *rp, const uint8_t *p, size_t n)
{
	uint8_t z[4 + 255 + 4 + 16];
	struct xen_vibif_request req;
	uint32_t le[XEN_VIBIF_PGDIR_GRANTS_PER_PAGE];
	unsigned int page, off, len, c;
	size_t k;

	if (n <= 8)
		return;
	p += 8;		/* the header: the harness's set-up */
	n -= 8;
	while (n && !rp->stop) {
		k = bp_op_size(p, n);
		memset(z, 0, sizeof(z));
		memcpy(z, p, k);
		p += k;
		n -= k;
		switch (z[0] % BPW_COUNT) {
		case BPW_REQ:
			memset(&req, 0, sizeof(req));
			req.hdr.opcode = htole16(z[1]);
			len = z[2];
			memcpy(req.u.raw, z + 3,
			       len < sizeof(req.u.raw) ? len : sizeof(req.u.raw));
			if (z[3 + len] & 0x01)	/* BP_REQ_BAD_HDR */
				req.hdr.reserved = htole32(1);
			bp_request_refs(&req, rp_fix, rp);
			rp_grants(&req);
			rp_send(rp, &req);
			break;
		case BPW_WRITE:
			page = (z[1] | z[2] << 8) % ngrefs;
			off = (z[3] | z[4] << 8) % 4096;
			len = z[5];
			if (len > 4096 - off)
				len = 4096 - off;
			if (pwrite(pages_fd, z + 6, len,
				   (off_t)page * 4096 + off) != (ssize_t)len)
				xt_fail("replay: raw page %u: %s", page,
					strerror(errno));
			break;
		case BPW_DIR:
			page = (z[1] | z[2] << 8) % ngrefs;
			len = (z[5] | z[6] << 8) %
			      (XEN_VIBIF_PGDIR_GRANTS_PER_PAGE + 1);
			for (c = 0; c < len; c++)
				le[c] = htole32(rp_gref((z[3] | z[4] << 8) + c));
			if (len && pwrite(pages_fd, le, len * 4,
					  (off_t)page * 4096) != (ssize_t)len * 4)
				xt_fail("replay: raw page %u: %s", page,
					strerror(errno));
			break;
		default:	/* only the harness can do these */
			rp->skipped++;
			break;
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the files of @dir, in an order drawn from @rng. */
static void rp_dir(struct replay *rp, const char *dir, unsigned int mut,
		   struct xt_rng *rng)
{
	bool prog = strstr(dir, "corpus-back_") != NULL;
	unsigned long f0 = rp->files, s0 = rp->sent, ok0 = rp->ok;
	unsigned long rf0 = rp->refused, sk0 = rp->skipped;
	char **names = NULL, path[4096];
	size_t nn = 0, i, j, len;
	struct dirent *e;
	uint8_t *buf, *cp;
	unsigned int m, flips;
	DIR *d;
	int fd;

	if (!prog && !strstr(dir, "corpus-request")) {
		xt_fail("replay: %s: not a corpus-request or corpus-back_* directory",
			dir);
		return;
	}
	d = opendir(dir);
	if (!xt_check(d != NULL, "replay: %s: %s", dir, strerror(errno)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (nn + 1) * sizeof(*names));
		if (!names || !(names[nn] = strdup(e->d_name)))
			abort();
		nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp_str);
	for (i = nn; i > 1; i--) {
		char *t;

		j = xt_rng_range(rng, 0, i - 1);
		t = names[i - 1];
		names[i - 1] = names[j];
		names[j] = t;
	}
	buf = malloc(RP_FILE_MAX);
	cp = malloc(RP_FILE_MAX);
	if (!buf || !cp)
		abort();
	for (i = 0; i < nn && !rp->stop; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = 0;
		for (ssize_t r; len < RP_FILE_MAX &&
		     (r = read(fd, buf + len, RP_FILE_MAX - len)) > 0;)
			len += (size_t)r;
		close(fd);
		if (!len)
			continue;
		rp->files++;
		for (m = 0; m <= mut && !rp->stop; m++) {
			memcpy(cp, buf, len);
			flips = m ? (unsigned int)xt_rng_range(rng, 1, 3) : 0;
			while (flips--)
				cp[xt_rng_range(rng, 0, len - 1)] ^=
					(uint8_t)(1u << xt_rng_range(rng, 0, 7));
			if (prog)
				rp_program(rp, cp, len);
			else
				rp_slot(rp, cp, len);
			rp_cleanup(rp);
		}
	}
	printf("replay: %s: %lu files, %lu requests sent, %lu accepted, %lu refused, %lu harness-only operations skipped\n",
	       dir, rp->files - f0, rp->sent - s0, rp->ok - ok0,
	       rp->refused - rf0, rp->skipped - sk0);
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(buf);
	free(cp);
}

static int mode_replay(const char *devdir, char **dirs, int ndirs,
		       unsigned long n, unsigned int mut, uint64_t seed)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	struct raw_result res = { .err = -EIO };
	struct xt_rng rng;
	char path[256];
	int i;

	if (!rp)
		abort();
	snprintf(path, sizeof(path), "%s/pages", devdir);
	pages_fd = open(path, O_RDWR);
	if (!xt_check(pages_fd >= 0, "%s: %s", path, strerror(errno)))
		return 0;
	xt_rng_seed(&rng, seed);
	for (i = 0; i < ndirs; i++) {
		/* Each corpus gets its share of the requests. */
		rp->stop = false;
		rp->limit = n ? rp->sent + n / (unsigned long)ndirs : 0;
		rp_dir(rp, dirs[i], mut, &rng);
	}
	printf("replay: %lu requests sent from %lu files of %d corpora (each file as it is and %u times mutated), %lu accepted, %lu refused, %lu unanswered, %lu malformed answers\n",
	       rp->sent, rp->files, ndirs, mut, rp->ok, rp->refused, rp->lost,
	       rp->bad);
	xt_check(rp->sent > 0 && rp->ok > 0,
		 "replay: %lu requests sent, %lu accepted: nothing replayed right",
		 rp->sent, rp->ok);
	xt_check(!rp->lost && !rp->bad, "replay: %lu unanswered, %lu malformed",
		 rp->lost, rp->bad);
	simple(XEN_VIBIF_OP_QUERY_DEVICE, NULL, 0, &res);
	xt_check(!res.err, "QUERY_DEVICE after the replay: %s",
		 strerror(-res.err));
	free(rp);
	return 0;
}

static int read_grants(const char *dir)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/grants", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (ngrefs < 64 && fscanf(f, "%" SCNu32, &grefs[ngrefs]) == 1)
		ngrefs++;
	fclose(f);
	return ngrefs >= 4 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *dir = DBG "/vib-0";
	unsigned long n = 2000;
	uint64_t seed = 1;
	unsigned long mut = 1;
	bool n_set = false;
	char path[256];
	int c;

	while ((c = getopt(argc, argv, "D:n:S:m:h")) != -1) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		case 'n':
			n = xt_opt_ulong('n', optarg, 0, 100000000);
			n_set = true;
			break;
		case 'm':
			mut = xt_opt_ulong('m', optarg, 0, 1000);
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
	if (optind >= argc ||
	    (strcmp(argv[optind], "replay") ? optind != argc - 1 :
					      optind == argc - 1) ||
	    (!n && strcmp(argv[optind], "replay"))) {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/request", dir);
	req_fd = open(path, O_RDWR);
	if (req_fd < 0 || read_grants(dir)) {
		xt_fail("%s: %s (xen-ibfront loaded with raw_requests=1?)",
			dir, strerror(errno));
		return xt_finish();
	}
	xt_alarm(3600);
	if (!strcmp(argv[optind], "dup")) {
		mode_dup();
	} else if (!strcmp(argv[optind], "fuzz")) {
		mode_fuzz(n, seed);
	} else if (!strcmp(argv[optind], "pgdir")) {
		mode_pgdir(dir, n);
	} else if (!strcmp(argv[optind], "replay")) {
		mode_replay(dir, argv + optind + 1, argc - optind - 1,
			    n_set ? n : 0, (unsigned int)mut, seed);
	} else {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	return xt_finish();
}
