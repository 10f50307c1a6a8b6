// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit test of args.c: option parsing and path building, no Xen
 * needed.  Cases are tables; the last line printed is "N passed, N failed"
 * and the exit status is 1 if anything failed.
 */
#include <stdio.h>
#include <string.h>

#include "xenib.h"
#include "harness.h"

/* The table tests name their case (@what) and say what went wrong. */
static void check(bool ok, const char *what, const char *detail)
{
	t_check(ok, __FILE__, __LINE__, what, "%s", detail ? detail : "");
}

#define MAXARGS 12

/* argv as one string, split on spaces (no quoting needed here). */
static int split(const char *line, char *buf, size_t len, char **argv)
{
	int argc = 0;
	char *tok, *save;

	snprintf(buf, len, "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < MAXARGS - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

/* --gid-index: parsing and the gid-indexes value. */
static void test_gid_indexes(void)
{
	char buf[256], err[160];
	struct xenib_attach_opts o;
	char *argv[MAXARGS];
	int argc, ret;

	static const struct {
		const char *line;
		int ret;
		const char *want;	/* gid-indexes value */
	} g[] = {
		{ "attach 3", 0, "" },
		{ "attach 3 --gid-index 0", 0, "0" },
		{ "attach 3 --gid-index 0,3", 0, "0,3" },
		{ "attach 3 --gid-index 3 --gid-index 1,3", 0, "3,1" },
		{ "attach 3 --gid-index 65535", 0, "65535" },
		{ "attach 3 --gid-index 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15", 0,
		  "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15" },
		{ "attach 3 --gid-index 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", -1, NULL },
		{ "attach 3 --gid-index 65536", -1, NULL },
		{ "attach 3 --gid-index -1", -1, NULL },
		{ "attach 3 --gid-index 1,", -1, NULL },
		{ "attach 3 --gid-index ,1", -1, NULL },
		{ "attach 3 --gid-index 1,,2", -1, NULL },
		{ "attach 3 --gid-index 0x1", -1, NULL },
		{ "attach 3 --gid-index +1", -1, NULL },
		{ "attach 3 --gid-index a", -1, NULL },
	};
	char v[128];
	unsigned int k;

	for (k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
		argc = split(g[k].line, buf, sizeof(buf), argv);
		ret = xenib_parse_attach(argc, argv, &o, err,
					 sizeof(err));
		check((ret ? -1 : 0) == g[k].ret, g[k].line, err);
		if (ret || !g[k].want)
			continue;
		check(!xenib_format_gid_indexes(&o, v, sizeof(v)) &&
		      !strcmp(v, g[k].want), g[k].line, v);
	}
	/* The value must not be cut: a shorter list allows less. */
	argc = split("attach 3 --gid-index 65535,65534", buf,
		     sizeof(buf), argv);
	ret = xenib_parse_attach(argc, argv, &o, err, sizeof(err));
	check(!ret && xenib_format_gid_indexes(&o, v, 8) == -1,
	      "gid-indexes too long for the buffer", v);
}

struct attach_case {
	const char *line;
	int ret;
	unsigned int domid, devid, port;
	const char *device;
	int quota_idx;		/* -1: no quota expected set */
	uint32_t quota;
};

static const struct attach_case attach_cases[] = {
	{ "attach 5", 0, 5, 0, 1, "rxe0", -1, 0 },
	{ "attach 5 --device mlx5_0 --port 2 --devid 3", 0, 5, 3, 2, "mlx5_0", -1, 0 },
	{ "attach --device=rxe1 7", 0, 7, 0, 1, "rxe1", -1, 0 },
	{ "attach -d rxe1 -p 1 -i 9 12", 0, 12, 9, 1, "rxe1", -1, 0 },
	{ "attach 5 --quota qp=64", 0, 5, 0, 1, "rxe0", 2, 64 },
	{ "attach 5 --quota quota-pinned-pages=262144", 0, 5, 0, 1, "rxe0", 6, 262144 },
	{ "attach 5 --quota qp-wr=4294967295", 0, 5, 0, 1, "rxe0", 8, 4294967295u },
	{ "attach 5 --quota cqe=0", 0, 5, 0, 1, "rxe0", 7, 0 },
	{ "attach 5 --quota mem-kib=65536", 0, 5, 0, 1, "rxe0", 9, 65536 },
	{ "attach 5 --quota quota-mem-kib=1", 0, 5, 0, 1, "rxe0", 9, 1 },
	{ "attach 32751", 0, 32751, 0, 1, "rxe0", -1, 0 },
	{ "attach", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 0", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 32752", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach -5", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 6", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --port 0", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --port 256", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --devid 65536", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --device ../etc", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --device ..", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --quota qp", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --quota bogus=1", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --quota qp=4294967296", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --quota qp=-1", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --quota quota-=1", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --bogus", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 -x", -1, 0, 0, 0, NULL, -1, 0 },
	{ "attach 5 --port", -1, 0, 0, 0, NULL, -1, 0 },
};

static void test_attach(void)
{
	char buf[256], err[160], name[300];
	struct xenib_attach_opts o;
	char *argv[MAXARGS];
	size_t i;
	int argc, ret, q, nset;

	for (i = 0; i < sizeof(attach_cases) / sizeof(attach_cases[0]); i++) {
		const struct attach_case *c = &attach_cases[i];

		argc = split(c->line, buf, sizeof(buf), argv);
		err[0] = 0;
		ret = xenib_parse_attach(argc, argv, &o, err, sizeof(err));
		snprintf(name, sizeof(name), "'%s'", c->line);
		check(ret == c->ret, name, ret ? err : "accepted");
		if (ret || c->ret)
			continue;
		check(o.domid == c->domid && !o.domname &&
		      o.devid == c->devid && o.port == c->port &&
		      !strcmp(o.device, c->device), name, "fields");
		for (q = 0, nset = 0; q < XENIB_NR_QUOTAS; q++)
			nset += o.quota_set[q];
		check(c->quota_idx < 0 ? nset == 0 :
		      nset == 1 && o.quota_set[c->quota_idx] &&
		      o.quota[c->quota_idx] == c->quota, name, "quota");
	}
	/* Errors say why. */
	argc = split("attach 5 --port 0", buf, sizeof(buf), argv);
	xenib_parse_attach(argc, argv, &o, err, sizeof(err));
	check(strstr(err, "--port") != NULL, "error names --port", err);
	argc = split("attach", buf, sizeof(buf), argv);
	xenib_parse_attach(argc, argv, &o, err, sizeof(err));
	check(strstr(err, "DOMAIN missing") != NULL, "error names DOMAIN", err);
	argc = split("attach 0", buf, sizeof(buf), argv);
	xenib_parse_attach(argc, argv, &o, err, sizeof(err));
	check(strstr(err, "'0'") && strstr(err, "1..32751") &&
	      strstr(err, "name"), "error gives the domid range", err);
	/* A name: left for xenib_domain_resolve(), options still parsed. */
	argc = split("attach guest1 --device rxe1 --devid 2", buf, sizeof(buf),
		     argv);
	ret = xenib_parse_attach(argc, argv, &o, err, sizeof(err));
	check(!ret && o.domname && !strcmp(o.domname, "guest1") && !o.domid &&
	      !strcmp(o.device, "rxe1") && o.devid == 2, "attach by name", err);
	argc = split("attach guest1 guest2", buf, sizeof(buf), argv);
	check(xenib_parse_attach(argc, argv, &o, err, sizeof(err)) &&
	      strstr(err, "unexpected argument 'guest2'"), "two names", err);
	/* Several quotas at once. */
	argc = split("attach 3 --quota pd=1 --quota mr=2 --quota ah=3", buf,
		     sizeof(buf), argv);
	ret = xenib_parse_attach(argc, argv, &o, err, sizeof(err));
	check(!ret && o.quota_set[0] && o.quota[0] == 1 && o.quota_set[4] &&
	      o.quota[4] == 2 && o.quota_set[5] && o.quota[5] == 3 &&
	      !o.quota_set[1], "three quotas", err);
}

struct detach_case {
	const char *line;
	int ret;
	unsigned int domid, devid, timeout;
	bool force;
};

static const struct detach_case detach_cases[] = {
	{ "detach 5", 0, 5, 0, XENIB_DEFAULT_TIMEOUT, false },
	{ "detach 5 --force", 0, 5, 0, XENIB_DEFAULT_TIMEOUT, true },
	{ "detach --devid 2 -f 5 --timeout 0", 0, 5, 2, 0, true },
	{ "detach 5 -t 3600", 0, 5, 0, 3600, false },
	{ "detach 5 -t 3601", -1, 0, 0, 0, false },
	{ "detach", -1, 0, 0, 0, false },
	{ "detach 5 --force=yes", -1, 0, 0, 0, false },
	{ "detach 5 --device rxe0", -1, 0, 0, 0, false },
};

static void test_detach(void)
{
	char buf[256], err[160], name[300];
	struct xenib_detach_opts o;
	char *argv[MAXARGS];
	size_t i;
	int argc, ret;

	for (i = 0; i < sizeof(detach_cases) / sizeof(detach_cases[0]); i++) {
		const struct detach_case *c = &detach_cases[i];

		argc = split(c->line, buf, sizeof(buf), argv);
		ret = xenib_parse_detach(argc, argv, &o, err, sizeof(err));
		snprintf(name, sizeof(name), "'%s'", c->line);
		check(ret == c->ret, name, ret ? err : "accepted");
		if (ret || c->ret)
			continue;
		check(o.domid == c->domid && !o.domname &&
		      o.devid == c->devid && o.timeout == c->timeout &&
		      o.force == c->force, name, "fields");
	}
	argc = split("detach --force guest1 --devid 3", buf, sizeof(buf), argv);
	ret = xenib_parse_detach(argc, argv, &o, err, sizeof(err));
	check(!ret && o.domname && !strcmp(o.domname, "guest1") && !o.domid &&
	      o.force && o.devid == 3, "detach by name", err);
}

static void test_stats_list(void)
{
	const char *ok_stats[] = { "stats 4", "stats 4 --devid 1" };
	const char *bad_stats[] = { "stats", "stats 4 5", "stats 4 --force" };
	const char *bad_list[] = { "list 4", "list --all" };
	char buf[256], err[160];
	struct xenib_stats_opts o;
	char *argv[MAXARGS];
	size_t i;
	int argc;

	for (i = 0; i < 2; i++) {
		argc = split(ok_stats[i], buf, sizeof(buf), argv);
		check(!xenib_parse_stats(argc, argv, &o, err, sizeof(err)) &&
		      o.domid == 4 && !o.domname && o.devid == i, ok_stats[i],
		      err);
	}
	argc = split("stats guest1 --devid 1", buf, sizeof(buf), argv);
	check(!xenib_parse_stats(argc, argv, &o, err, sizeof(err)) &&
	      o.domname && !strcmp(o.domname, "guest1") && !o.domid &&
	      o.devid == 1, "stats by name", err);
	for (i = 0; i < 3; i++) {
		argc = split(bad_stats[i], buf, sizeof(buf), argv);
		check(xenib_parse_stats(argc, argv, &o, err, sizeof(err)),
		      bad_stats[i], "accepted");
	}
	argc = split("list", buf, sizeof(buf), argv);
	check(!xenib_parse_noargs(argc, argv, err, sizeof(err)), "list", err);
	for (i = 0; i < 2; i++) {
		argc = split(bad_list[i], buf, sizeof(buf), argv);
		check(xenib_parse_noargs(argc, argv, err, sizeof(err)),
		      bad_list[i], "accepted");
	}
}

/* xenib_parse_domain(): all digits is a domid, anything else a name. */
struct domain_case {
	const char *arg;
	int ret;
	unsigned int domid;
	const char *name;
};

static const struct domain_case domain_cases[] = {
	{ "5", 0, 5, NULL },
	{ "32751", 0, 32751, NULL },
	{ "007", 0, 7, NULL },
	{ "0", -1, 0, NULL },
	{ "32752", -1, 0, NULL },
	{ "99999999999999999999", -1, 0, NULL },
	{ "", -1, 0, NULL },
	{ "guest1", 0, 0, "guest1" },
	{ "5x", 0, 0, "5x" },
	{ "-5", 0, 0, "-5" },
	{ "0x10", 0, 0, "0x10" },
	{ "my guest", 0, 0, "my guest" },
	/* Dom0's name: the parser can't know, xenib_domain_lookup() refuses. */
	{ "Domain-0", 0, 0, "Domain-0" },
};

static void test_domain(void)
{
	const char *name;
	unsigned int domid;
	char what[64];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(domain_cases) / sizeof(domain_cases[0]); i++) {
		const struct domain_case *c = &domain_cases[i];

		domid = 12345;
		name = "junk";
		ret = xenib_parse_domain(c->arg, &domid, &name);
		snprintf(what, sizeof(what), "domain '%s'", c->arg);
		check(ret == c->ret, what, ret ? "refused" : "accepted");
		if (ret || c->ret)
			continue;
		check(domid == c->domid &&
		      (c->name ? name && !strcmp(name, c->name) : !name),
		      what, "fields");
	}
}

static void test_paths(void)
{
	char p[128], small[16];

	check(!xenib_backend_path(p, sizeof(p), 5, 0) &&
	      !strcmp(p, "/local/domain/0/backend/vib/5/0"), "backend path", p);
	check(!xenib_backend_type_path(p, sizeof(p)) &&
	      !strcmp(p, "/local/domain/0/backend/vib"), "backend root", p);
	check(!xenib_domain_path(p, sizeof(p), 5) &&
	      !strcmp(p, "/local/domain/5"), "domain path", p);
	check(!xenib_frontend_path(p, sizeof(p), 5, 3) &&
	      !strcmp(p, "/local/domain/5/device/vib/3"), "frontend path", p);
	check(!xenib_ibdev_path(p, sizeof(p), "rxe0", 0) &&
	      !strcmp(p, "/sys/class/infiniband/rxe0"), "ibdev path", p);
	check(!xenib_ibdev_path(p, sizeof(p), "rxe0", 1) &&
	      !strcmp(p, "/sys/class/infiniband/rxe0/ports/1"), "port path", p);
	check(xenib_ibdev_path(p, sizeof(p), "a/b", 1), "ibdev with /", NULL);
	check(!xenib_stats_path(p, sizeof(p), 7, 1) &&
	      !strcmp(p, "/sys/bus/xen-backend/devices/vib-7-1/statistics"),
	      "stats path", p);
	check(xenib_backend_path(small, sizeof(small), 5, 0) == -1,
	      "truncation is an error", NULL);
}

static void test_misc(void)
{
	unsigned int v;
	size_t i;

	check(!strcmp(xenib_state_name(4), "Connected"), "state 4", NULL);
	check(!strcmp(xenib_state_name(6), "Closed"), "state 6", NULL);
	check(!strcmp(xenib_state_name(-1), "-"), "state missing", NULL);
	check(!strcmp(xenib_state_name(9), "?"), "state 9", NULL);
	check(!strcmp(xenib_state_name(-2), "?"), "state garbage", NULL);
	check(xenib_parse_uint("", 10, &v), "empty number", NULL);
	check(xenib_parse_uint(" 1", 10, &v), "leading space", NULL);
	check(xenib_parse_uint("+1", 10, &v), "plus sign", NULL);
	check(!xenib_parse_uint("10", 10, &v) && v == 10, "max itself", NULL);
	check(xenib_parse_uint("99999999999999999999", ~0u, &v), "overflow", NULL);
	for (i = 0; i < XENIB_NR_QUOTAS; i++)
		check(!strncmp(xenib_quota_keys[i].xs_key, "quota-", 6) &&
		      !strcmp(xenib_quota_keys[i].xs_key + 6,
			      xenib_quota_keys[i].name),
		      "quota key name", xenib_quota_keys[i].xs_key);
	check(xenib_ibdev_name_ok("rxe0") && !xenib_ibdev_name_ok("") &&
	      !xenib_ibdev_name_ok(".") &&
	      !xenib_ibdev_name_ok("0123456789012345678901234567890123456789012345678901234567890123"),
	      "ibdev names", NULL);
}

int main(void)
{
	test_attach();
	test_gid_indexes();
	test_detach();
	test_stats_list();
	test_domain();
	test_paths();
	test_misc();
	return t_summary();
}
