/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * common.h - helpers shared by the xenib integration test programs
 * (xenib-stress, xenib-integrity, xenib-kicks).  They are plain libibverbs
 * programs: they run unchanged on xenib0 in a guest and on rxe0 (or any other
 * verbs device) natively, so that the two can be compared.
 *
 * Conventions of every program:
 *   - every check counts one pass or one failure (xt_pass()/xt_fail());
 *     a failure prints one line starting with "FAIL";
 *   - the last line printed is "N passed, N failed" (xt_finish());
 *   - exit status 0 all passed, 1 something failed, 2 usage error;
 *   - timings are information only, printed on lines starting with "time:".
 */
#ifndef XENIB_TEST_COMMON_H
#define XENIB_TEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#define XT_EXIT_OK	0
#define XT_EXIT_FAIL	1
#define XT_EXIT_USAGE	2

#define XT_ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* tally: pass/fail counting and the summary line */
void xt_pass(void);
void xt_fail(const char *fmt, ...) XT_ATTR_PRINTF(1, 2);
bool xt_check(bool ok, const char *fmt, ...) XT_ATTR_PRINTF(2, 3);
void xt_fail_quiet(void);
unsigned long xt_passed(void);
unsigned long xt_failed(void);
int xt_finish(void);
void xt_alarm(unsigned int seconds);

/* options */
unsigned long xt_opt_ulong(char opt, const char *arg, unsigned long min,
			   unsigned long max);

/* time: monotonic microseconds and min/avg/max accumulators */
struct xt_stat {
	const char *name;
	unsigned long n;
	double sum, min, max;
};

double xt_now_us(void);
void xt_stat_add(struct xt_stat *s, double us);
void xt_stat_print(const struct xt_stat *s);

/* device and port */
struct xt_port {
	uint8_t num;			/* port number */
	int gid_idx;
	union ibv_gid gid;		/* our GID at gid_idx */
	uint16_t lid;
	enum ibv_mtu mtu;		/* active MTU */
	uint8_t link_layer;
};

struct ibv_context *xt_open_device(const char *name);
int xt_query_port(struct ibv_context *ctx, uint8_t port, int gid_idx,
		  struct xt_port *out);
const char *xt_gid_str(const union ibv_gid *gid, char *buf, size_t len);
const char *xt_link_layer_str(uint8_t ll);

/* queue pairs: one function per transition; they return 0 or an errno */
struct xt_dest {
	uint32_t qpn;
	uint32_t psn;
	uint16_t lid;
	union ibv_gid gid;
	enum ibv_mtu mtu;
};

#define XT_QKEY		0x11111111u
#define XT_QP_ACCESS	(IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ)
#define XT_MR_ACCESS	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_READ)

int xt_qp_init(struct ibv_qp *qp, uint8_t port);
int xt_qp_rtr(struct ibv_qp *qp, const struct xt_port *port,
	      const struct xt_dest *dest);
int xt_qp_rts(struct ibv_qp *qp, uint32_t sq_psn);
int xt_qp_set_state(struct ibv_qp *qp, enum ibv_qp_state state);
int xt_qp_connect(struct ibv_qp *qp, const struct xt_port *port,
		  const struct xt_dest *dest, uint32_t sq_psn);
const char *xt_qp_state_str(enum ibv_qp_state state);
const char *xt_qp_type_str(enum ibv_qp_type type);

/* completions: 1 got one, 0 timed out, -1 ibv_poll_cq failed */
int xt_poll_cq(struct ibv_cq *cq, struct ibv_wc *wc, unsigned int timeout_ms);

/*
 * A kick: the uverbs POST_SEND command with no work request, written to
 * the context's command file as libibverbs itself would.  The provider
 * makes this call when it needs the backend woken (xenib: a notification
 * of the data event channel).  Returns 0 or an errno.
 */
int xt_kick(struct ibv_qp *qp);

/* deterministic PRNG (splitmix64), identical on every host */
struct xt_rng {
	uint64_t s;
};

void xt_rng_seed(struct xt_rng *r, uint64_t seed);
uint64_t xt_rng_next(struct xt_rng *r);
uint64_t xt_rng_range(struct xt_rng *r, uint64_t lo, uint64_t hi);
void xt_rng_fill(struct xt_rng *r, void *buf, size_t len);

/* TCP side channel: fds, -1 on error (printed) */
int xt_tcp_listen_accept(const char *port);
int xt_tcp_connect(const char *host, const char *port, unsigned int retry_s);
int xt_send_all(int fd, const void *buf, size_t len);
int xt_recv_all(int fd, void *buf, size_t len);

#endif
