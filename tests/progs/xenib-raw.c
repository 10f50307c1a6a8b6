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
 *
 * Last line: N passed, N failed.
 */
#include <errno.h>
#include <fcntl.h>
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
static uint32_t grefs[16];
static unsigned int ngrefs;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenib-raw [-D DEVDIR] [-n N] [-S SEED] dup|fuzz\n"
		"  dup     directories with repeated grant references\n"
		"  fuzz    N random or mutated requests of every opcode\n"
		"  -D DIR  the device's debugfs directory (default: " DBG "/vib-0)\n"
		"  -n N    fuzz: requests (default 2000)\n"
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

/* REG_MR of @n pages named by @refs; returns the frontend's err. */
static int reg_mr(uint32_t pd, const uint32_t *refs, unsigned int n,
		  uint32_t *mr)
{
	struct xen_vibif_reg_mr_req r = { 0 };
	struct raw_result res = { .err = -EIO };
	unsigned int i;

	r.pd = htole32(pd);
	r.access = htole32(1);	/* IB_ACCESS_LOCAL_WRITE */
	r.iova = htole64(0x10000);
	r.length = htole64((uint64_t)n * 4096);
	r.pgdir.npages = htole32(n);
	r.pgdir.levels = 0;
	r.pgdir.type = XEN_VIBIF_PGDIR_GRANT;
	r.pgdir.nrefs = htole16(n);
	for (i = 0; i < n; i++)
		r.pgdir.ref[i] = htole32(refs[i]);
	if (simple(XEN_VIBIF_OP_REG_MR, &r, sizeof(r), &res))
		return -EFAULT;
	if (!res.err && mr)
		*mr = le32toh(res.rsp.u.reg_mr.mr);
	return res.err;
}

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

static int read_grants(const char *dir)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/grants", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (ngrefs < 16 && fscanf(f, "%" SCNu32, &grefs[ngrefs]) == 1)
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
	} else {
		usage(stderr);
		return XT_EXIT_USAGE;
	}
	return xt_finish();
}
