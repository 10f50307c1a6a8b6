// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line parsing and path building for the xenib tool.  Nothing here
 * touches Xen, xenstore or sysfs, so test-args.c runs it anywhere.
 *
 * The parsers take argv as the subcommand sees it (argv[0] is the
 * subcommand's name), return 0 or -1, and on -1 leave a one-line reason in
 * err.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenib.h"

const struct xenib_quota_key xenib_quota_keys[XENIB_NR_QUOTAS] = {
	{ "pd", XEN_VIBIF_FIELD_QUOTA_PD, "protection domains" },
	{ "cq", XEN_VIBIF_FIELD_QUOTA_CQ, "completion queues" },
	{ "qp", XEN_VIBIF_FIELD_QUOTA_QP, "queue pairs" },
	{ "srq", XEN_VIBIF_FIELD_QUOTA_SRQ, "shared receive queues" },
	{ "mr", XEN_VIBIF_FIELD_QUOTA_MR, "memory regions" },
	{ "ah", XEN_VIBIF_FIELD_QUOTA_AH, "address handles" },
	{ "pinned-pages", XEN_VIBIF_FIELD_QUOTA_PINNED_PAGES,
	  "guest pages mapped and pinned for MRs and queues" },
	{ "cqe", XEN_VIBIF_FIELD_QUOTA_CQE, "entries of one CQ" },
	{ "qp-wr", XEN_VIBIF_FIELD_QUOTA_QP_WR, "work requests of one QP queue" },
	{ "mem-kib", XEN_VIBIF_FIELD_QUOTA_MEM_KIB,
	  "Dom0 memory for the guest's shadow objects, KiB" },
};

/*
 * Prepended to every sysfs path; "" in the tool.  Tests point it at a
 * fake tree.
 */
const char *xenib_sysfs_prefix = "";

static const char *const state_names[] = {
	[XENIB_STATE_UNKNOWN] = "Unknown",
	[XENIB_STATE_INITIALISING] = "Initialising",
	[XENIB_STATE_INITWAIT] = "InitWait",
	[XENIB_STATE_INITIALISED] = "Initialised",
	[XENIB_STATE_CONNECTED] = "Connected",
	[XENIB_STATE_CLOSING] = "Closing",
	[XENIB_STATE_CLOSED] = "Closed",
	[XENIB_STATE_RECONFIGURING] = "Reconfiguring",
	[XENIB_STATE_RECONFIGURED] = "Reconfigured",
};

/* Name of a XenbusState; "-" for a missing node (-1), "?" for garbage. */
const char *xenib_state_name(int state)
{
	if (state == -1)
		return "-";
	if (state < 0 || (size_t)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[state];
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Decimal only, no sign, no spaces, <= max.  Returns 0 or -1. */
int xenib_parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A guest's domid: 1 .. DOMID_FIRST_RESERVED - 1, and not the backend's. */
int xenib_parse_domid(const char *s, unsigned int *out)
{
	unsigned int v;

	if (xenib_parse_uint(s, XENIB_DOMID_MAX, &v) ||
	    v == XENIB_BACKEND_DOMID)
		return -1;
	*out = v;
	return 0;
}

/*
 * The DOMAIN argument, as xl takes it: all digits is a domid (checked as
 * xenib_parse_domid() does), anything else a domain name, left for
 * xenib_domain_resolve() to look up.  Sets *domid or *name, and the other
 * to 0 / NULL.  Returns 0 or -1 (empty, or a number out of range).
 */
int xenib_parse_domain(const char *s, unsigned int *domid, const char **name)
{
	*domid = 0;
	*name = NULL;
	if (!s || !*s)
		return -1;
	if (strspn(s, "0123456789") == strlen(s))
		return xenib_parse_domid(s, domid);
	*name = s;
	return 0;
}

/*
 * N[,N]... GID indexes, each 0..XENIB_GID_INDEX_MAX, appended to o->gid
 * (repeated options add up), at most XENIB_MAX_GID_INDEXES in all; an
 * index named twice counts once.  Nothing is changed on an error.
 */
int xenib_parse_gid_indexes(const char *arg, struct xenib_attach_opts *o)
{
	uint16_t gid[XENIB_MAX_GID_INDEXES];
	unsigned int n = o->n_gid, v, i;
	char buf[256], *tok, *save;

	if (!arg || !*arg || strlen(arg) >= sizeof(buf))
		return -1;
	memcpy(gid, o->gid, sizeof(gid));
	snprintf(buf, sizeof(buf), "%s", arg);
	/* strtok_r would skip empty items: look for them first. */
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (xenib_parse_uint(tok, XENIB_GID_INDEX_MAX, &v))
			return -1;
		for (i = 0; i < n && gid[i] != v; i++)
			;
		if (i < n)
			continue;
		if (n == XENIB_MAX_GID_INDEXES)
			return -1;
		gid[n++] = v;
	}
	memcpy(o->gid, gid, sizeof(gid));
	o->n_gid = n;
	return 0;
}

/* The value of the gid-indexes key: "0,3"; -1 if @buf is too small. */
int xenib_format_gid_indexes(const struct xenib_attach_opts *o, char *buf,
			     size_t len)
{
	size_t off = 0;
	unsigned int i;
	int w;

	if (!len)
		return -1;
	buf[0] = 0;
	for (i = 0; i < o->n_gid; i++) {
		w = snprintf(buf + off, len - off, "%s%u", i ? "," : "",
			     o->gid[i]);
		if (w < 0 || (size_t)w >= len - off)
			return -1;
		off += w;
	}
	return 0;
}

#define QUOTA_PREFIX_LEN (sizeof(XEN_VIBIF_FIELD_QUOTA_PREFIX) - 1)

/* KEY=N with KEY a quota name (with or without the "quota-" prefix). */
int xenib_parse_quota(const char *arg, struct xenib_attach_opts *o)
{
	const char *eq = strchr(arg, '=');
	size_t klen;
	unsigned int v;
	int i;

	if (!eq)
		return -1;
	klen = eq - arg;
	if (klen > QUOTA_PREFIX_LEN &&
	    !strncmp(arg, XEN_VIBIF_FIELD_QUOTA_PREFIX, QUOTA_PREFIX_LEN)) {
		arg += QUOTA_PREFIX_LEN;
		klen -= QUOTA_PREFIX_LEN;
	}
	for (i = 0; i < XENIB_NR_QUOTAS; i++) {
		if (strlen(xenib_quota_keys[i].name) != klen ||
		    strncmp(xenib_quota_keys[i].name, arg, klen))
			continue;
		if (xenib_parse_uint(eq + 1, UINT32_MAX, &v))
			return -1;
		o->quota[i] = v;
		o->quota_set[i] = true;
		return 0;
	}
	return -1;
}

/* A name that can be a directory in /sys/class/infiniband. */
bool xenib_ibdev_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len < XENIB_IBDEV_NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/*
 * getopt_long() keeps state in globals: start afresh for every parse, and
 * keep it quiet (the caller prints err).
 */
static void getopt_reset(void)
{
	optind = 0;
	opterr = 0;
}

static int bad_option(int c, char **argv, char *err, size_t errlen)
{
	if (c == ':')
		seterr(err, errlen, "option %s needs a value", argv[optind - 1]);
	else if (optopt)
		seterr(err, errlen, "unknown option -%c", optopt);
	else
		seterr(err, errlen, "unknown option %s", argv[optind - 1]);
	return -1;
}

static int one_domain(int argc, char **argv, unsigned int *domid,
		      const char **name, char *err, size_t errlen)
{
	if (optind >= argc) {
		seterr(err, errlen, "DOMAIN missing");
		return -1;
	}
	if (optind + 1 < argc) {
		seterr(err, errlen, "unexpected argument '%s'", argv[optind + 1]);
		return -1;
	}
	if (xenib_parse_domain(argv[optind], domid, name)) {
		seterr(err, errlen,
		       "bad DOMAIN '%s' (want a domid 1..%u or a domain name)",
		       argv[optind], XENIB_DOMID_MAX);
		return -1;
	}
	return 0;
}

static int parse_devid(const char *s, unsigned int *devid, char *err,
		       size_t errlen)
{
	if (xenib_parse_uint(s, XENIB_DEVID_MAX, devid)) {
		seterr(err, errlen, "bad --devid '%s' (want 0..%u)", s,
		       XENIB_DEVID_MAX);
		return -1;
	}
	return 0;
}

int xenib_parse_attach(int argc, char **argv, struct xenib_attach_opts *o,
		       char *err, size_t errlen)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "devid", required_argument, NULL, 'i' },
		{ "quota", required_argument, NULL, 'q' },
		{ "gid-index", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->device = XENIB_DEFAULT_DEVICE;
	o->port = XENIB_DEFAULT_PORT;
	o->devid = XENIB_DEFAULT_DEVID;

	getopt_reset();
	while ((c = getopt_long(argc, argv, ":d:p:i:q:g:", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!xenib_ibdev_name_ok(optarg)) {
				seterr(err, errlen, "bad --device '%s'", optarg);
				return -1;
			}
			o->device = optarg;
			break;
		case 'p':
			if (xenib_parse_uint(optarg, XENIB_PORT_MAX, &o->port) ||
			    !o->port) {
				seterr(err, errlen, "bad --port '%s' (want 1..%u)",
				       optarg, XENIB_PORT_MAX);
				return -1;
			}
			break;
		case 'i':
			if (parse_devid(optarg, &o->devid, err, errlen))
				return -1;
			break;
		case 'q':
			if (xenib_parse_quota(optarg, o)) {
				seterr(err, errlen,
				       "bad --quota '%s' (want KEY=N, N 0..%u)",
				       optarg, UINT32_MAX);
				return -1;
			}
			break;
		case 'g':
			if (xenib_parse_gid_indexes(optarg, o)) {
				seterr(err, errlen,
				       "bad --gid-index '%s' (want N[,N]..., N 0..%u, at most %u in all)",
				       optarg, XENIB_GID_INDEX_MAX,
				       XENIB_MAX_GID_INDEXES);
				return -1;
			}
			break;
		default:
			return bad_option(c, argv, err, errlen);
		}
	}
	return one_domain(argc, argv, &o->domid, &o->domname, err, errlen);
}

int xenib_parse_detach(int argc, char **argv, struct xenib_detach_opts *o,
		       char *err, size_t errlen)
{
	static const struct option lopts[] = {
		{ "devid", required_argument, NULL, 'i' },
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->devid = XENIB_DEFAULT_DEVID;
	o->timeout = XENIB_DEFAULT_TIMEOUT;

	getopt_reset();
	while ((c = getopt_long(argc, argv, ":i:ft:", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_devid(optarg, &o->devid, err, errlen))
				return -1;
			break;
		case 'f':
			o->force = true;
			break;
		case 't':
			if (xenib_parse_uint(optarg, 3600, &o->timeout)) {
				seterr(err, errlen,
				       "bad --timeout '%s' (want 0..3600)", optarg);
				return -1;
			}
			break;
		default:
			return bad_option(c, argv, err, errlen);
		}
	}
	return one_domain(argc, argv, &o->domid, &o->domname, err, errlen);
}

int xenib_parse_stats(int argc, char **argv, struct xenib_stats_opts *o,
		      char *err, size_t errlen)
{
	static const struct option lopts[] = {
		{ "devid", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->devid = XENIB_DEFAULT_DEVID;

	getopt_reset();
	while ((c = getopt_long(argc, argv, ":i:", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_devid(optarg, &o->devid, err, errlen))
				return -1;
			break;
		default:
			return bad_option(c, argv, err, errlen);
		}
	}
	return one_domain(argc, argv, &o->domid, &o->domname, err, errlen);
}

int xenib_parse_noargs(int argc, char **argv, char *err, size_t errlen)
{
	static const struct option lopts[] = {
		{ NULL, 0, NULL, 0 },
	};
	int c;

	getopt_reset();
	c = getopt_long(argc, argv, ":", lopts, NULL);
	if (c != -1)
		return bad_option(c, argv, err, errlen);
	if (optind < argc) {
		seterr(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

/* snprintf that reports truncation as failure.  Returns 0 or -1. */
static int pathf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* /local/domain/0/backend/vib: every guest's backend directories. */
int xenib_backend_type_path(char *buf, size_t len)
{
	return pathf(buf, len, "/local/domain/%u/backend/" XEN_VIBIF_DEVICE_TYPE,
		     XENIB_BACKEND_DOMID);
}

/* /local/domain/DOMID: the domain's own directory (name, device/, ...). */
int xenib_domain_path(char *buf, size_t len, unsigned int domid)
{
	return pathf(buf, len, XENIB_XS_DOMAINS "/%u", domid);
}

/* /local/domain/0/backend/vib/DOMID/DEVID */
int xenib_backend_path(char *buf, size_t len, unsigned int domid,
		       unsigned int devid)
{
	return pathf(buf, len, "/local/domain/%u/backend/" XEN_VIBIF_DEVICE_TYPE "/%u/%u",
		     XENIB_BACKEND_DOMID, domid, devid);
}

/* /local/domain/DOMID/device/vib/DEVID */
int xenib_frontend_path(char *buf, size_t len, unsigned int domid,
			unsigned int devid)
{
	return pathf(buf, len, "/local/domain/%u/device/" XEN_VIBIF_DEVICE_TYPE "/%u",
		     domid, devid);
}

/* /sys/class/infiniband */
int xenib_ibdev_dir(char *buf, size_t len)
{
	return pathf(buf, len, "%s" XENIB_SYSFS_IBDEV, xenib_sysfs_prefix);
}

/* /sys/class/infiniband/DEV, or .../DEV/ports/PORT if port != 0. */
int xenib_ibdev_path(char *buf, size_t len, const char *device,
		     unsigned int port)
{
	if (!xenib_ibdev_name_ok(device))
		return -1;
	if (!port)
		return pathf(buf, len, "%s" XENIB_SYSFS_IBDEV "/%s",
			     xenib_sysfs_prefix, device);
	return pathf(buf, len, "%s" XENIB_SYSFS_IBDEV "/%s/ports/%u",
		     xenib_sysfs_prefix, device, port);
}

/* /sys/bus/xen-backend/devices/vib-DOMID-DEVID/statistics */
int xenib_stats_path(char *buf, size_t len, unsigned int domid,
		     unsigned int devid)
{
	return pathf(buf, len,
		     "%s" XENIB_SYSFS_BACKEND "/" XEN_VIBIF_DEVICE_TYPE "-%u-%u/statistics",
		     xenib_sysfs_prefix, domid, devid);
}
