// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-raw: attacks the backend with raw control requests from a guest,
 * as a hostile guest kernel would (docs/security.md).  Needs root and the
 * frontend loaded with raw_requests=1 (frontend/raw.c).  No libibverbs:
 * this talks to the frontend's debugfs files only.
 *
 *   dup    REG_MRs whose directories name one grant reference twice, or
 *          one another MR has mapped: must answer EINVAL; the same pages
 *          with distinct references must register
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
 *
 * Last line: N passed, N failed.
 */
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
		"usage: xenib-raw [-D DEVDIR] [-n N] [-S SEED] dup|fuzz|pgdir\n"
		"  dup     directories with repeated grant references\n"
		"  fuzz    N random or mutated requests of every opcode\n"
		"  pgdir   malformed page directories, then N REG_MRs while\n"
		"          another thread rewrites the directory\n"
		"  -D DIR  the device's debugfs directory (default: " DBG "/vib-0)\n"
		"  -n N    fuzz, pgdir: requests (default 2000)\n"
		"  -S SEED fuzz: random seed (default 1)\n"
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

static int mode_dup(void)
{
	uint32_t pd, mr1, mr2, same[4], two[2];
	int err;

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
		if (res.rsp.hdr.opcode != req.hdr.opcode ||
		    le32toh(res.rsp.hdr.status) >= XEN_VIBIF_STATUS_COUNT ||
		    res.rsp.hdr.reserved) {
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
	char path[256];
	int c;

	while ((c = getopt(argc, argv, "D:n:S:h")) != -1) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		case 'n':
			n = xt_opt_ulong('n', optarg, 1, 100000000);
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
	if (optind != argc - 1) {
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
	} else {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	return xt_finish();
}
