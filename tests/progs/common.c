// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * common.c - helpers shared by the xenib integration test programs; see
 * common.h for the conventions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rdma/ib_user_verbs.h>

#include "common.h"

/* Read by the SIGALRM handler, hence volatile. */
static volatile unsigned long xt_npass, xt_nfail;
static unsigned int xt_alarm_s;

void xt_pass(void)
{
	xt_npass++;
}

void xt_fail(const char *fmt, ...)
{
	va_list ap;

	xt_nfail++;
	fputs("FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

bool xt_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		xt_npass++;
		return true;
	}
	xt_nfail++;
	fputs("FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return false;
}

/* Count a failure whose message was already printed or is suppressed. */
void xt_fail_quiet(void)
{
	xt_nfail++;
}

unsigned long xt_passed(void)
{
	return xt_npass;
}

unsigned long xt_failed(void)
{
	return xt_nfail;
}

int xt_finish(void)
{
	printf("%lu passed, %lu failed\n", xt_npass, xt_nfail);
	fflush(stdout);
	return xt_nfail ? XT_EXIT_FAIL : XT_EXIT_OK;
}

/* Async-signal-safe decimal formatting for the alarm handler. */
static char *xt_utoa(unsigned long v, char *end)
{
	*--end = '\0';
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

static void xt_sigalrm(int sig)
{
	char b1[24], b2[24], b3[24], line[160];
	const char *parts[8];
	size_t n = 0, i, len = 0;

	(void)sig;
	parts[n++] = "FAIL timeout: gave up after ";
	parts[n++] = xt_utoa(xt_alarm_s, b3 + sizeof(b3));
	parts[n++] = " s\n";
	parts[n++] = xt_utoa(xt_npass, b1 + sizeof(b1));
	parts[n++] = " passed, ";
	parts[n++] = xt_utoa(xt_nfail + 1, b2 + sizeof(b2));
	parts[n++] = " failed\n";
	for (i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);

		memcpy(line + len, parts[i], l);
		len += l;
	}
	/*
	 * Output still buffered in stdio is lost; the programs use line
	 * buffering, so that is at most a partial line.
	 */
	if (write(STDOUT_FILENO, line, len) < 0)
		_exit(XT_EXIT_FAIL);
	_exit(XT_EXIT_FAIL);
}

/**
 * xt_alarm() - end the program after @seconds with a failure and the summary
 * line, whatever it is blocked in (a CQ that never completes, a peer that
 * never answers).  0 disables.
 */
void xt_alarm(unsigned int seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = xt_sigalrm;
	sigaction(SIGALRM, &sa, NULL);
	xt_alarm_s = seconds;
	alarm(seconds);
}

unsigned long xt_opt_ulong(char opt, const char *arg, unsigned long min,
			   unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "invalid -%c '%s' (want %lu..%lu)\n", opt, arg,
			min, max);
		exit(XT_EXIT_USAGE);
	}
	return v;
}

double xt_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

void xt_stat_add(struct xt_stat *s, double us)
{
	if (!s->n || us < s->min)
		s->min = us;
	if (!s->n || us > s->max)
		s->max = us;
	s->sum += us;
	s->n++;
}

void xt_stat_print(const struct xt_stat *s)
{
	if (!s->n) {
		printf("time: %s n=0\n", s->name);
		return;
	}
	printf("time: %s n=%lu avg_us=%.1f min_us=%.1f max_us=%.1f\n",
	       s->name, s->n, s->sum / s->n, s->min, s->max);
}

/**
 * xt_open_device() - open the verbs device @name, or the first one if @name
 * is NULL.  Prints why on failure and returns NULL.
 */
struct ibv_context *xt_open_device(const char *name)
{
	struct ibv_device **list, *dev = NULL;
	struct ibv_context *ctx = NULL;
	int i, n;

	list = ibv_get_device_list(&n);
	if (!list) {
		printf("ibv_get_device_list: %s\n", strerror(errno));
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!name || !strcmp(ibv_get_device_name(list[i]), name)) {
			dev = list[i];
			break;
		}
	}
	if (!dev) {
		if (name)
			printf("no verbs device %s; found:", name);
		else
			printf("no verbs device found");
		for (i = 0; i < n; i++)
			printf(" %s", ibv_get_device_name(list[i]));
		printf("\n");
		goto out;
	}
	ctx = ibv_open_device(dev);
	if (!ctx)
		printf("ibv_open_device(%s): %s\n", ibv_get_device_name(dev),
		       strerror(errno));
out:
	ibv_free_device_list(list);
	return ctx;
}

/**
 * xt_query_port() - fill @out for @port and GID index @gid_idx.  The port
 * must be ACTIVE and the GID non-zero.  Return: 0 or an errno (printed).
 */
int xt_query_port(struct ibv_context *ctx, uint8_t port, int gid_idx,
		  struct xt_port *out)
{
	static const union ibv_gid zero;
	struct ibv_port_attr pa;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = ibv_query_port(ctx, port, &pa);
	if (ret) {
		printf("ibv_query_port(%u): %s\n", port, strerror(ret));
		return ret;
	}
	if (pa.state != IBV_PORT_ACTIVE) {
		printf("port %u is %s, not ACTIVE\n", port,
		       ibv_port_state_str(pa.state));
		return ENETDOWN;
	}
	ret = ibv_query_gid(ctx, port, gid_idx, &out->gid);
	if (ret) {
		ret = errno ? errno : EINVAL;
		printf("ibv_query_gid(port %u, index %d): %s\n", port, gid_idx,
		       strerror(ret));
		return ret;
	}
	if (!memcmp(&out->gid, &zero, sizeof(zero))) {
		printf("GID index %d of port %u is empty\n", gid_idx, port);
		return ENOENT;
	}
	out->num = port;
	out->gid_idx = gid_idx;
	out->lid = pa.lid;
	out->mtu = pa.active_mtu;
	out->link_layer = pa.link_layer;
	return 0;
}

const char *xt_gid_str(const union ibv_gid *gid, char *buf, size_t len)
{
	if (!inet_ntop(AF_INET6, gid->raw, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *xt_link_layer_str(uint8_t ll)
{
	switch (ll) {
	case IBV_LINK_LAYER_INFINIBAND:
		return "InfiniBand";
	case IBV_LINK_LAYER_ETHERNET:
		return "Ethernet";
	default:
		return "unspecified";
	}
}

int xt_qp_init(struct ibv_qp *qp, uint8_t port)
{
	struct ibv_qp_attr a;
	int mask = IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.pkey_index = 0;
	a.port_num = port;
	switch (qp->qp_type) {
	case IBV_QPT_RC:
		a.qp_access_flags = XT_QP_ACCESS;
		mask |= IBV_QP_ACCESS_FLAGS;
		break;
	case IBV_QPT_UC:
		a.qp_access_flags = IBV_ACCESS_REMOTE_WRITE;
		mask |= IBV_QP_ACCESS_FLAGS;
		break;
	case IBV_QPT_UD:
		a.qkey = XT_QKEY;
		mask |= IBV_QP_QKEY;
		break;
	default:
		return EINVAL;
	}
	return ibv_modify_qp(qp, &a, mask);
}

/*
 * RTR towards @dest, always with a GRH (is_global = 1): RoCE needs it and IB
 * accepts it.  UD only changes state.
 */
int xt_qp_rtr(struct ibv_qp *qp, const struct xt_port *port,
	      const struct xt_dest *dest)
{
	struct ibv_qp_attr a;
	int mask = IBV_QP_STATE;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	if (qp->qp_type == IBV_QPT_RC || qp->qp_type == IBV_QPT_UC) {
		a.path_mtu = port->mtu < dest->mtu ? port->mtu : dest->mtu;
		a.dest_qp_num = dest->qpn;
		a.rq_psn = dest->psn;
		a.ah_attr.is_global = 1;
		a.ah_attr.grh.dgid = dest->gid;
		a.ah_attr.grh.sgid_index = port->gid_idx;
		a.ah_attr.grh.hop_limit = 1;
		a.ah_attr.dlid = dest->lid;
		a.ah_attr.sl = 0;
		a.ah_attr.src_path_bits = 0;
		a.ah_attr.port_num = port->num;
		mask |= IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN |
			IBV_QP_RQ_PSN;
	}
	if (qp->qp_type == IBV_QPT_RC) {
		a.max_dest_rd_atomic = 1;
		a.min_rnr_timer = 12;
		mask |= IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER;
	}
	return ibv_modify_qp(qp, &a, mask);
}

int xt_qp_rts(struct ibv_qp *qp, uint32_t sq_psn)
{
	struct ibv_qp_attr a;
	int mask = IBV_QP_STATE | IBV_QP_SQ_PSN;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.sq_psn = sq_psn;
	if (qp->qp_type == IBV_QPT_RC) {
		a.timeout = 17;		/* 4.096 us << 17: about 0.5 s */
		a.retry_cnt = 7;
		a.rnr_retry = 7;	/* infinite */
		a.max_rd_atomic = 1;
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			IBV_QP_MAX_QP_RD_ATOMIC;
	}
	return ibv_modify_qp(qp, &a, mask);
}

int xt_qp_set_state(struct ibv_qp *qp, enum ibv_qp_state state)
{
	struct ibv_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = state;
	return ibv_modify_qp(qp, &a, IBV_QP_STATE);
}

/* RESET -> INIT -> RTR -> RTS; prints the step that failed. */
int xt_qp_connect(struct ibv_qp *qp, const struct xt_port *port,
		  const struct xt_dest *dest, uint32_t sq_psn)
{
	int ret;

	ret = xt_qp_init(qp, port->num);
	if (ret) {
		printf("modify_qp %u to INIT: %s\n", qp->qp_num, strerror(ret));
		return ret;
	}
	ret = xt_qp_rtr(qp, port, dest);
	if (ret) {
		printf("modify_qp %u to RTR: %s\n", qp->qp_num, strerror(ret));
		return ret;
	}
	ret = xt_qp_rts(qp, sq_psn);
	if (ret)
		printf("modify_qp %u to RTS: %s\n", qp->qp_num, strerror(ret));
	return ret;
}

const char *xt_qp_state_str(enum ibv_qp_state state)
{
	static const char *const names[] = {
		[IBV_QPS_RESET] = "RESET", [IBV_QPS_INIT] = "INIT",
		[IBV_QPS_RTR] = "RTR",     [IBV_QPS_RTS] = "RTS",
		[IBV_QPS_SQD] = "SQD",     [IBV_QPS_SQE] = "SQE",
		[IBV_QPS_ERR] = "ERR",
	};

	if ((unsigned int)state < sizeof(names) / sizeof(names[0]) &&
	    names[state])
		return names[state];
	return "?";
}

const char *xt_qp_type_str(enum ibv_qp_type type)
{
	switch (type) {
	case IBV_QPT_RC:
		return "RC";
	case IBV_QPT_UC:
		return "UC";
	case IBV_QPT_UD:
		return "UD";
	default:
		return "?";
	}
}

/*
 * Busy-poll for the first millisecond, then sleep 50 us between polls so
 * that a soft device (rxe) sharing our CPU can make progress.
 */
int xt_kick(struct ibv_qp *qp)
{
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_post_send cmd;
	} req;
	struct ib_uverbs_post_send_resp resp;

	memset(&req, 0, sizeof(req));
	req.hdr.command = IB_USER_VERBS_CMD_POST_SEND;
	req.hdr.in_words = sizeof(req) / 4;
	req.hdr.out_words = sizeof(resp) / 4;
	req.cmd.response = (uintptr_t)&resp;
	req.cmd.qp_handle = qp->handle;
	req.cmd.wqe_size = sizeof(struct ib_uverbs_send_wr);
	if (write(qp->context->cmd_fd, &req, sizeof(req)) != (ssize_t)sizeof(req))
		return errno ? errno : EIO;
	return 0;
}

int xt_poll_cq(struct ibv_cq *cq, struct ibv_wc *wc, unsigned int timeout_ms)
{
	double start = xt_now_us(), now;
	unsigned long spins = 0;
	int n;

	for (;;) {
		n = ibv_poll_cq(cq, 1, wc);
		if (n)
			return n < 0 ? -1 : 1;
		if (++spins % 64)
			continue;
		now = xt_now_us();
		if (now - start > timeout_ms * 1e3)
			return 0;
		if (now - start > 1000)
			usleep(50);
	}
}

void xt_rng_seed(struct xt_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t xt_rng_next(struct xt_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (modulo bias is irrelevant here). */
uint64_t xt_rng_range(struct xt_rng *r, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;

	if (!span)
		return xt_rng_next(r);
	return lo + xt_rng_next(r) % span;
}

void xt_rng_fill(struct xt_rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t v;

	while (len >= 8) {
		v = xt_rng_next(r);
		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		v = xt_rng_next(r);
		memcpy(p, &v, len);
	}
}

static void xt_tcp_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Listen on @port (any address, v4 and v6), accept one peer. */
int xt_tcp_listen_accept(const char *port)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE,
		.ai_family = AF_INET6,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	int ret, lfd = -1, fd, one = 1, zero = 0;

	ret = getaddrinfo(NULL, port, &hints, &res);
	if (ret) {
		/* no IPv6 at all: fall back to IPv4 */
		hints.ai_family = AF_INET;
		ret = getaddrinfo(NULL, port, &hints, &res);
	}
	if (ret) {
		printf("getaddrinfo(port %s): %s\n", port, gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		lfd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (lfd < 0)
			continue;
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
				   sizeof(zero));
		if (!bind(lfd, ai->ai_addr, ai->ai_addrlen) && !listen(lfd, 1))
			break;
		close(lfd);
		lfd = -1;
	}
	freeaddrinfo(res);
	if (lfd < 0) {
		printf("cannot listen on TCP port %s: %s\n", port,
		       strerror(errno));
		return -1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		printf("accept: %s\n", strerror(errno));
	close(lfd);
	if (fd >= 0)
		xt_tcp_nodelay(fd);
	return fd;
}

/* Connect to @host:@port, retrying for @retry_s while nobody listens. */
int xt_tcp_connect(const char *host, const char *port, unsigned int retry_s)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	double end = xt_now_us() + retry_s * 1e6;
	int ret, fd = -1, err = 0;

	ret = getaddrinfo(host, port, &hints, &res);
	if (ret) {
		printf("getaddrinfo(%s:%s): %s\n", host, port,
		       gai_strerror(ret));
		return -1;
	}
	for (;;) {
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype,
				    ai->ai_protocol);
			if (fd < 0) {
				err = errno;
				continue;
			}
			if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
				goto out;
			err = errno;
			close(fd);
			fd = -1;
		}
		if (xt_now_us() > end)
			break;
		usleep(200000);
	}
	printf("cannot connect to %s:%s: %s\n", host, port, strerror(err));
out:
	freeaddrinfo(res);
	if (fd >= 0)
		xt_tcp_nodelay(fd);
	return fd;
}

int xt_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("send to peer: %s\n", strerror(errno));
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int xt_recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("receive from peer: %s\n",
			       n ? strerror(errno) : "peer closed");
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}
