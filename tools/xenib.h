/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenib: the Dom0 tool that attaches paravirtual RDMA devices (vib) to
 * guests.  Private header; prototypes are grouped by the file that defines
 * them.
 *
 * args.c links against no Xen library (no libxenstore, no libxenctrl): it
 * parses the command line and builds the xenstore and sysfs paths, so that
 * test-args.c can check it on any machine with Xen's headers (the protocol
 * header, for the key names, includes <xen/io/ring.h>).
 */
#ifndef XENIB_TOOL_H
#define XENIB_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/interface/io/vibif.h>

/* Exit codes, documented in `xenib --help`. */
enum {
	XENIB_EXIT_OK = 0,	/* done */
	XENIB_EXIT_FAIL = 1,	/* failed; retrying the same command won't help */
	XENIB_EXIT_AGAIN = 2,	/* transient (busy xenstore, slow guest): retry */
};

/* The backend runs in the domain this tool runs in: Dom0. */
#define XENIB_BACKEND_DOMID	0u
/* Domain ids at and above this are reserved (DOMID_FIRST_RESERVED). */
#define XENIB_DOMID_MAX		0x7fefu
#define XENIB_DEVID_MAX		65535u
#define XENIB_PORT_MAX		255u
/* IB_DEVICE_NAME_MAX in the kernel, including the NUL. */
#define XENIB_IBDEV_NAME_MAX	64

#define XENIB_DEFAULT_DEVICE	"rxe0"
#define XENIB_DEFAULT_PORT	1u
#define XENIB_DEFAULT_DEVID	0u
#define XENIB_DEFAULT_TIMEOUT	10u	/* seconds, detach */

/*
 * The xenstore and sysfs roots the tool reads.  The device type and the key
 * names (XEN_VIBIF_DEVICE_TYPE, XEN_VIBIF_FIELD_*) come from the protocol
 * header, as the modules' do.
 */
#define XENIB_XS_DOMAINS	"/local/domain"	/* one N/ per domain, N/name */
#define XENIB_SYSFS_IBDEV	"/sys/class/infiniband"
#define XENIB_SYSFS_BACKEND	"/sys/bus/xen-backend/devices"

/* The DOMAIN argument, in every command's --help. */
#define XENIB_DOMAIN_HELP \
	"DOMAIN is a domid (1..32751) or a domain name, as xl takes them: all\n" \
	"digits is a domid, anything else the name of exactly one domain in\n" \
	"xenstore (/local/domain/DOMID/name, case-sensitive).  Dom0 is refused.\n"

/* XenbusState values (xen/include/public/io/xenbus.h). */
enum xenib_xenbus_state {
	XENIB_STATE_UNKNOWN = 0,
	XENIB_STATE_INITIALISING = 1,
	XENIB_STATE_INITWAIT = 2,
	XENIB_STATE_INITIALISED = 3,
	XENIB_STATE_CONNECTED = 4,
	XENIB_STATE_CLOSING = 5,
	XENIB_STATE_CLOSED = 6,
	XENIB_STATE_RECONFIGURING = 7,
	XENIB_STATE_RECONFIGURED = 8,
};

/* One per-guest limit the backend enforces; see quota_table in args.c. */
struct xenib_quota_key {
	const char *name;	/* on the command line: --quota NAME=N */
	const char *xs_key;	/* in the backend directory */
	const char *help;
};

#define XENIB_NR_QUOTAS		10

/*
 * Every command that takes a DOMAIN argument has these two: a number sets
 * domid (name NULL); anything else sets name (domid 0) until
 * xenib_domain_resolve() looks it up.
 */
/* --gid-index: most indexes (the backend's XIBB_MAX_GID_ALLOW). */
#define XENIB_MAX_GID_INDEXES	16
#define XENIB_GID_INDEX_MAX	65535

struct xenib_attach_opts {
	unsigned int domid;
	const char *domname;
	unsigned int devid;
	const char *device;
	unsigned int port;
	bool quota_set[XENIB_NR_QUOTAS];
	uint32_t quota[XENIB_NR_QUOTAS];
	unsigned int n_gid;		/* 0: every GID index */
	uint16_t gid[XENIB_MAX_GID_INDEXES];
};

struct xenib_detach_opts {
	unsigned int domid;
	const char *domname;
	unsigned int devid;
	bool force;
	unsigned int timeout;	/* seconds */
};

struct xenib_stats_opts {
	unsigned int domid;
	const char *domname;
	unsigned int devid;
};

/* args.c */
extern const struct xenib_quota_key xenib_quota_keys[XENIB_NR_QUOTAS];
extern const char *xenib_sysfs_prefix;
int xenib_ibdev_dir(char *buf, size_t len);
const char *xenib_state_name(int state);
int xenib_parse_uint(const char *s, unsigned int max, unsigned int *out);
int xenib_parse_domid(const char *s, unsigned int *out);
int xenib_parse_domain(const char *s, unsigned int *domid, const char **name);
int xenib_parse_quota(const char *arg, struct xenib_attach_opts *o);
int xenib_parse_gid_indexes(const char *arg, struct xenib_attach_opts *o);
int xenib_format_gid_indexes(const struct xenib_attach_opts *o, char *buf,
			     size_t len);
bool xenib_ibdev_name_ok(const char *name);
int xenib_parse_attach(int argc, char **argv, struct xenib_attach_opts *o,
		       char *err, size_t errlen);
int xenib_parse_detach(int argc, char **argv, struct xenib_detach_opts *o,
		       char *err, size_t errlen);
int xenib_parse_stats(int argc, char **argv, struct xenib_stats_opts *o,
		      char *err, size_t errlen);
int xenib_parse_noargs(int argc, char **argv, char *err, size_t errlen);
int xenib_backend_path(char *buf, size_t len, unsigned int domid,
		       unsigned int devid);
int xenib_backend_type_path(char *buf, size_t len);
int xenib_domain_path(char *buf, size_t len, unsigned int domid);
int xenib_frontend_path(char *buf, size_t len, unsigned int domid,
			unsigned int devid);
int xenib_ibdev_path(char *buf, size_t len, const char *device,
		     unsigned int port);
int xenib_stats_path(char *buf, size_t len, unsigned int domid,
		     unsigned int devid);

/* helpers.c */
struct xs_handle;
/* xenib_xs_transact(): a transaction is tried this often (then exit 2). */
#define XENIB_XS_TRIES		16
/* What a xenib_xs_transact() body asks for. */
enum {
	XENIB_TX_COMMIT = 0,	/* commit (retried on EAGAIN) */
	XENIB_TX_DONE = 1,	/* nothing to write: abort, success */
	XENIB_TX_FAIL = 2,	/* abort, failure (the body said why) */
};
extern const char *xenib_progname;
struct xs_handle *xenib_xs_open(void);
int xenib_domain_check(unsigned int domid, bool *exists);
int xenib_domain_lookup(struct xs_handle *xs, const char *name,
			unsigned int *domid);
int xenib_domain_resolve(const char *name, unsigned int *domid);
char *xenib_xs_read(struct xs_handle *xs, const char *dir, const char *key);
int xenib_xs_read_state(struct xs_handle *xs, const char *dir);
bool xenib_xs_exists(struct xs_handle *xs, uint32_t t, const char *path);
int xenib_xs_transact(struct xs_handle *xs,
		      int (*body)(struct xs_handle *xs, uint32_t t, void *arg),
		      void *arg);
void xenib_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xenib_usage_err(const char *cmd, const char *msg);

/* cmd_attach.c */
int cmd_attach(int argc, char **argv);
extern const char cmd_attach_help[];

/* cmd_detach.c */
int cmd_detach(int argc, char **argv);
extern const char cmd_detach_help[];

/* cmd_list.c */
int cmd_list(int argc, char **argv);
extern const char cmd_list_help[];

/* cmd_stats.c */
int cmd_stats(int argc, char **argv);
extern const char cmd_stats_help[];

#endif /* XENIB_TOOL_H */
