// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-kicks - post N work requests under sustained load and print how many
 * were posted, so that the backend's kick and notification counters can be
 * read before and after a run (under load the fast path should cost almost
 * no kicks; with -u, an idle gap before every post, each post should cost
 * one).
 *
 * Two RC QPs on the same port are connected to each other (own GID, GRH).
 * QP A posts SENDs (or RDMA_WRITEs with -o write) to QP B, keeping up to
 * DEPTH WRs in flight, B reposts its receives as they complete.  Every
 * completion's status is checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define POLL_BATCH	16
#define STALL_MS	20000	/* no completion for this long: give up */

struct kicks {
	struct ibv_context *ctx;
	struct xt_port port;
	struct ibv_pd *pd;
	struct ibv_cq *scq, *rcq;
	struct ibv_qp *a, *b;
	struct ibv_mr *mr;
	void *buf;
	bool write;
	unsigned long n, depth, size, batch, gap_us;
	/* counters */
	unsigned long posted, post_calls, send_done, recv_done, recv_posted;
	unsigned long errors;
};

static struct ibv_qp *create_qp(struct kicks *k, struct ibv_cq *scq,
				struct ibv_cq *rcq)
{
	struct ibv_qp_init_attr qia;

	memset(&qia, 0, sizeof(qia));
	qia.send_cq = scq;
	qia.recv_cq = rcq;
	qia.qp_type = IBV_QPT_RC;
	qia.cap.max_send_wr = k->depth;
	qia.cap.max_recv_wr = k->depth;
	qia.cap.max_send_sge = 1;
	qia.cap.max_recv_sge = 1;
	return ibv_create_qp(k->pd, &qia);
}

static int post_recvs(struct kicks *k, unsigned long count)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)k->buf + k->size,
		.length = k->size,
		.lkey = k->mr->lkey,
	};
	struct ibv_recv_wr wr = { .sg_list = &sge, .num_sge = 1 }, *bad;
	unsigned long i;
	int ret;

	for (i = 0; i < count; i++) {
		wr.wr_id = k->recv_posted;
		ret = ibv_post_recv(k->b, &wr, &bad);
		if (ret) {
			xt_fail("ibv_post_recv: %s", strerror(ret));
			return ret;
		}
		k->recv_posted++;
	}
	return 0;
}

static int setup(struct kicks *k, const char *devname, uint8_t port,
		 int gid_idx)
{
	struct xt_dest da, db;

	k->ctx = xt_open_device(devname);
	if (!k->ctx || xt_query_port(k->ctx, port, gid_idx, &k->port))
		return -1;
	k->pd = ibv_alloc_pd(k->ctx);
	k->scq = ibv_create_cq(k->ctx, k->depth, NULL, NULL, 0);
	k->rcq = ibv_create_cq(k->ctx, k->depth, NULL, NULL, 0);
	if (posix_memalign(&k->buf, 4096, 2 * k->size))
		k->buf = NULL;
	if (!k->pd || !k->scq || !k->rcq || !k->buf) {
		printf("setup (PD, CQ, buffer): %s\n", strerror(errno));
		return -1;
	}
	memset(k->buf, 0x5a, 2 * k->size);
	k->mr = ibv_reg_mr(k->pd, k->buf, 2 * k->size, XT_MR_ACCESS);
	k->a = create_qp(k, k->scq, k->scq);
	k->b = create_qp(k, k->rcq, k->rcq);
	if (!k->mr || !k->a || !k->b) {
		printf("setup (MR, QPs): %s\n", strerror(errno));
		return -1;
	}
	da = (struct xt_dest){ .qpn = k->a->qp_num, .psn = 0x1000,
			       .lid = k->port.lid, .gid = k->port.gid,
			       .mtu = k->port.mtu };
	db = da;
	db.qpn = k->b->qp_num;
	db.psn = 0x2000;
	if (xt_qp_connect(k->a, &k->port, &db, da.psn) ||
	    xt_qp_connect(k->b, &k->port, &da, db.psn))
		return -1;
	if (!k->write && post_recvs(k, k->depth))
		return -1;
	return 0;
}

static void teardown(struct kicks *k)
{
	if (k->b)
		ibv_destroy_qp(k->b);
	if (k->a)
		ibv_destroy_qp(k->a);
	if (k->mr)
		ibv_dereg_mr(k->mr);
	if (k->rcq)
		ibv_destroy_cq(k->rcq);
	if (k->scq)
		ibv_destroy_cq(k->scq);
	if (k->pd)
		ibv_dealloc_pd(k->pd);
	free(k->buf);
	if (k->ctx)
		ibv_close_device(k->ctx);
}

/* Post up to @count chained WRs in one ibv_post_send() call. */
static int post_batch(struct kicks *k, unsigned long count)
{
	struct ibv_send_wr wr[64], *bad;
	struct ibv_sge sge = {
		.addr = (uintptr_t)k->buf,
		.length = k->size,
		.lkey = k->mr->lkey,
	};
	unsigned long i;
	int ret;

	for (i = 0; i < count; i++) {
		memset(&wr[i], 0, sizeof(wr[i]));
		wr[i].wr_id = k->posted + i;
		wr[i].sg_list = &sge;
		wr[i].num_sge = 1;
		wr[i].send_flags = IBV_SEND_SIGNALED;
		wr[i].next = i + 1 < count ? &wr[i + 1] : NULL;
		if (k->write) {
			wr[i].opcode = IBV_WR_RDMA_WRITE;
			wr[i].wr.rdma.remote_addr =
				(uintptr_t)k->buf + k->size;
			wr[i].wr.rdma.rkey = k->mr->rkey;
		} else {
			wr[i].opcode = IBV_WR_SEND;
		}
	}
	ret = ibv_post_send(k->a, wr, &bad);
	k->post_calls++;
	if (ret) {
		xt_fail("ibv_post_send (%lu WRs after %lu): %s", count,
			k->posted, strerror(ret));
		return ret;
	}
	k->posted += count;
	return 0;
}

/* Reap completions on both CQs; repost receives.  Returns how many. */
static int reap(struct kicks *k)
{
	struct ibv_wc wc[POLL_BATCH];
	int n, m, i;

	n = ibv_poll_cq(k->scq, POLL_BATCH, wc);
	if (n < 0) {
		xt_fail("ibv_poll_cq (send)");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (wc[i].status != IBV_WC_SUCCESS ||
		    wc[i].wr_id != k->send_done + i) {
			if (!k->errors++)
				printf("send completion %lu: %s wr_id %llu\n",
				       k->send_done + i,
				       ibv_wc_status_str(wc[i].status),
				       (unsigned long long)wc[i].wr_id);
		}
	}
	k->send_done += n;
	if (k->write)
		return n;
	m = ibv_poll_cq(k->rcq, POLL_BATCH, wc);
	if (m < 0) {
		xt_fail("ibv_poll_cq (receive)");
		return -1;
	}
	for (i = 0; i < m; i++) {
		if (wc[i].status != IBV_WC_SUCCESS ||
		    wc[i].byte_len != k->size) {
			if (!k->errors++)
				printf("receive completion %lu: %s byte_len %u\n",
				       k->recv_done + i,
				       ibv_wc_status_str(wc[i].status),
				       wc[i].byte_len);
		}
	}
	k->recv_done += m;
	if (m && post_recvs(k, m))
		return -1;
	return n + m;
}

static void run(struct kicks *k)
{
	double start = xt_now_us(), last = start, us;
	unsigned long room, count;
	int got;

	while (k->send_done < k->n) {
		/* in flight: on A's send queue, and receives B still has */
		room = k->depth - (k->posted - k->send_done);
		if (!k->write)
			room = room < k->depth - (k->posted - k->recv_done) ?
			       room : k->depth - (k->posted - k->recv_done);
		count = k->n - k->posted;
		if (count > room)
			count = room;
		if (count > k->batch)
			count = k->batch;
		if (count) {
			if (k->gap_us)
				usleep(k->gap_us);
			if (post_batch(k, count))
				break;
		}
		got = reap(k);
		if (got < 0 || k->errors)
			break;
		if (got) {
			last = xt_now_us();
		} else if (xt_now_us() - last > STALL_MS * 1e3) {
			xt_fail("no completion for %d ms (posted %lu, completed %lu)",
				STALL_MS, k->posted, k->send_done);
			break;
		}
	}
	/* the last receives may complete after the last send completion */
	while (!k->write && !k->errors && k->recv_done < k->send_done &&
	       xt_now_us() - last < STALL_MS * 1e3)
		if (reap(k) < 0)
			break;
	us = xt_now_us() - start;
	printf("posts: %lu\n", k->posted);
	printf("post_calls: %lu\n", k->post_calls);
	printf("completions: %lu send, %lu receive\n", k->send_done,
	       k->recv_done);
	printf("time: %lu %s of %lu B in %.1f ms, %.1f us/post, %.0f posts/s\n",
	       k->posted, k->write ? "RDMA_WRITEs" : "SENDs", k->size,
	       us / 1e3, k->posted ? us / k->posted : 0.0,
	       us > 0 ? k->posted / (us / 1e6) : 0.0);
	xt_check(k->posted == k->n, "posted %lu of %lu", k->posted, k->n);
	xt_check(!k->errors && k->send_done == k->n,
		 "%lu errors; %lu of %lu sends completed", k->errors,
		 k->send_done, k->n);
	if (!k->write)
		xt_check(k->recv_done == k->n, "%lu of %lu receives completed",
			 k->recv_done, k->n);
}

static void usage(const char *argv0)
{
	printf("Usage: %s [options]\n"
	       "Post N WRs under sustained load between two loopback RC QPs.\n"
	       "\n"
	       "  -d DEV      verbs device (default: the first one)\n"
	       "  -P PORT     port number (default 1)\n"
	       "  -i|-g GID_IDX GID index (default 0)\n"
	       "  -n N        work requests to post (default 100000)\n"
	       "  -q DEPTH    WRs in flight at most (default 64)\n"
	       "  -b BATCH    WRs per ibv_post_send call (default 1, max 64)\n"
	       "  -s SIZE     bytes per WR (default 64)\n"
	       "  -o OP       send or write (default send)\n"
	       "  -u USEC     sleep before each post (default 0: no gaps)\n"
	       "  -t SECS     give up after SECS (default 600, 0: never)\n"
	       "\n"
	       "Prints \"posts: N\"; last line \"N passed, N failed\"; exit 0\n"
	       "if none failed, 1 if some did, 2 on a usage error.\n",
	       argv0);
}

int main(int argc, char **argv)
{
	struct kicks k = { .n = 100000, .depth = 64, .size = 64, .batch = 1 };
	unsigned long port = 1, gid_idx = 0, timeout = 600;
	const char *devname = NULL;
	char gid[64];
	int c;

	while ((c = getopt(argc, argv, "d:P:i:g:n:q:b:s:o:u:t:h")) != -1) {
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
			k.n = xt_opt_ulong(c, optarg, 1, ~0ul >> 1);
			break;
		case 'q':
			k.depth = xt_opt_ulong(c, optarg, 1, 4096);
			break;
		case 'b':
			k.batch = xt_opt_ulong(c, optarg, 1, 64);
			break;
		case 's':
			k.size = xt_opt_ulong(c, optarg, 1, 1 << 24);
			break;
		case 'o':
			if (!strcmp(optarg, "write")) {
				k.write = true;
			} else if (strcmp(optarg, "send")) {
				usage(argv[0]);
				return XT_EXIT_USAGE;
			}
			break;
		case 'u':
			k.gap_us = xt_opt_ulong(c, optarg, 0, 10000000);
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
	setvbuf(stdout, NULL, _IOLBF, 0);
	xt_alarm(timeout);

	if (setup(&k, devname, port, gid_idx)) {
		xt_fail("setup");
		goto out;
	}
	printf("device %s port %u gid[%d] %s: %lu %s of %lu B, depth %lu, batch %lu, gap %lu us\n",
	       ibv_get_device_name(k.ctx->device), k.port.num, k.port.gid_idx,
	       xt_gid_str(&k.port.gid, gid, sizeof(gid)), k.n,
	       k.write ? "RDMA_WRITEs" : "SENDs", k.size, k.depth, k.batch,
	       k.gap_us);
	run(&k);
out:
	teardown(&k);
	return xt_finish();
}
