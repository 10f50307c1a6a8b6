// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * seedgen.c - writes a small corpus of valid messages for every fuzz
 * target: seedgen <outdir> creates <outdir>/corpus-<target>/seed-N.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "builders.h"

static const char *out;
static int nfail;

static void put(const char *target, int n, const void *a, size_t alen,
		const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/corpus-%s", out, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		nfail++;
		return;
	}
	snprintf(path, sizeof(path), "%s/corpus-%s/seed-%03d", out, target, n);
	f = fopen(path, "wb");
	if (!f) {
		nfail++;
		return;
	}
	if (fwrite(a, 1, alen, f) != alen || (blen && fwrite(b, 1, blen, f) != blen))
		nfail++;
	if (fclose(f))
		nfail++;
}

int main(int argc, char **argv)
{
	struct xen_vibif_request req;
	struct xen_vibif_response rsp;
	struct xen_vibif_event ev;
	u8 buf[4 + 2048];
	int n = 0, v, l;
	u16 op;
	u8 t;

	if (argc != 2) {
		fprintf(stderr, "usage: seedgen <outdir>\n");
		return 2;
	}
	out = argv[1];
	for (op = 1; op < XEN_VIBIF_OP_COUNT; op++) {
		for (v = 0; v < V_COUNT; v++) {
			if (!b_request(&req, op, v))
				continue;
			l = v == V_MR_GFN && op == XEN_VIBIF_OP_REG_MR ? L_GFN : L_DEFAULT;
			u8 sel = (u8)l;

			put("request", n, &req, sizeof(req), &sel, 1);
			b_response(&rsp, &req);
			put("response", n, &req, sizeof(req), &rsp, sizeof(rsp));
			n++;
		}
	}
	n = 0;
	for (t = 0; t < XENIB_WR_COUNT; t++) {
		u8 qpt;

		for (qpt = XEN_VIBIF_QPT_RC; qpt <= XEN_VIBIF_QPT_UD; qpt++) {
			u32 len;

			buf[0] = qpt;
			buf[1] = B_SQ_SHIFT - XENIB_SQ_WQE_SHIFT_MIN;
			buf[2] = B_SQ_MAX_SGE;
			buf[3] = B_SQ_MAX_INLINE / 8;
			len = b_send_wqe(buf + 4, t, qpt, false);
			put("send_wqe", n++, buf, 4 + len, NULL, 0);
			if (t <= XENIB_WR_SEND_WITH_IMM) {
				len = b_send_wqe(buf + 4, t, qpt, true);
				put("send_wqe", n++, buf, 4 + len, NULL, 0);
			}
		}
	}
	n = 0;
	for (v = 0; v <= B_RQ_MAX_SGE; v++) {
		u32 len;

		buf[0] = B_RQ_SHIFT - XENIB_RQ_WQE_SHIFT_MIN;
		buf[1] = B_RQ_MAX_SGE;
		len = b_recv_wqe(buf + 2, (u16)v);
		put("recv_wqe", n++, buf, 2 + len, NULL, 0);
	}
	n = 0;
	for (t = XEN_VIBIF_EVT_COMP; t < XEN_VIBIF_EVT_COUNT; t++) {
		u32 idx[2] = { 5, 0xfffffffe };

		b_event(&ev, t);
		put("event", n++, &ev, sizeof(ev), idx, sizeof(idx));
	}
	return nfail ? 1 : 0;
}
