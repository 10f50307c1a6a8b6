// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host test of the xenib commands against a fake Xen: this file defines
 * the few libxenstore and libxenctrl functions the tool calls (an
 * in-memory xenstore with transactions and permissions, a table of
 * domains, named in /local/domain/N/name), and links with the real
 * command code.  It checks what attach writes (keys, values, permissions,
 * one transaction, retry on EAGAIN), the "already attached" / "no such
 * domain" / "no such device" errors, domains given by name (unknown,
 * Dom0's, two with one name), detach's Closing -> Closed handshake,
 * timeout (exit 2) and --force, list's columns, and stats on a fake sysfs
 * tree.  Xen's headers are needed to compile, no
 * Xen to run.  Last line: "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "xenib.h"
#include "harness.h"

/* ---- the fake xenstore ---------------------------------------------- */

#define MAXNODES 128

struct node {
	bool used;
	char path[128];
	char val[128];
	unsigned int nperms;
	struct xs_permissions perms[4];
};

struct xs_handle {
	int unused;
};

static struct node tree[MAXNODES], snap[MAXNODES];
static struct xs_handle the_handle;
static int eagain_left;		/* commits that fail with EAGAIN */
static int commits, aborts;
static bool backend_closes;	/* a backend that answers Closing with Closed */

static struct node *find(const char *path)
{
	int i;

	for (i = 0; i < MAXNODES; i++)
		if (tree[i].used && !strcmp(tree[i].path, path))
			return &tree[i];
	return NULL;
}

/* Creates path and missing parents; a new node inherits its parent's perms. */
static struct node *create(const char *path)
{
	struct node *n = find(path), *parent = NULL;
	char up[128], *slash;
	int i;

	if (n)
		return n;
	snprintf(up, sizeof(up), "%s", path);
	slash = strrchr(up, '/');
	if (slash && slash != up) {
		*slash = 0;
		parent = create(up);
	}
	for (i = 0; i < MAXNODES && tree[i].used; i++)
		;
	if (i == MAXNODES)
		abort();
	n = &tree[i];
	memset(n, 0, sizeof(*n));
	n->used = true;
	snprintf(n->path, sizeof(n->path), "%s", path);
	if (parent) {
		n->nperms = parent->nperms;
		memcpy(n->perms, parent->perms, sizeof(n->perms));
	} else {
		n->nperms = 1;	/* owned by Dom0, nobody else */
	}
	return n;
}

struct xs_handle *xs_open(unsigned long flags)
{
	(void)flags;
	return &the_handle;
}

void xs_close(struct xs_handle *h)
{
	(void)h;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
	(void)h;
	memcpy(snap, tree, sizeof(tree));
	return 1;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort_t)
{
	(void)h;
	(void)t;
	if (abort_t) {
		memcpy(tree, snap, sizeof(tree));
		aborts++;
		return true;
	}
	if (eagain_left > 0) {
		eagain_left--;
		memcpy(tree, snap, sizeof(tree));
		errno = EAGAIN;
		return false;
	}
	commits++;
	return true;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len)
{
	struct node *n = find(path);

	(void)h;
	(void)t;
	if (!n) {
		errno = ENOENT;
		return NULL;
	}
	if (backend_closes && strstr(path, "/backend/vib/") &&
	    strlen(path) > 6 && !strcmp(path + strlen(path) - 6, "/state") &&
	    !strcmp(n->val, "5"))
		strcpy(n->val, "6");
	if (len)
		*len = strlen(n->val);
	return strdup(n->val);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const void *data, unsigned int len)
{
	struct node *n = create(path);

	(void)h;
	(void)t;
	if (len >= sizeof(n->val))
		len = sizeof(n->val) - 1;
	memcpy(n->val, data, len);
	n->val[len] = 0;
	return true;
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	(void)h;
	(void)t;
	create(path);
	return true;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	size_t len = strlen(path);
	int i;

	(void)h;
	(void)t;
	if (!find(path)) {
		errno = ENOENT;
		return false;
	}
	for (i = 0; i < MAXNODES; i++)
		if (tree[i].used && !strncmp(tree[i].path, path, len) &&
		    (tree[i].path[len] == 0 || tree[i].path[len] == '/'))
			tree[i].used = false;
	return true;
}

/* One allocation, as libxenstore's: the caller frees the array only. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t,
		    const char *path, unsigned int *num)
{
	size_t len = strlen(path);
	char **ents, *p;
	int i, n = 0;

	(void)h;
	(void)t;
	if (!find(path)) {
		errno = ENOENT;
		return NULL;
	}
	ents = malloc(MAXNODES * (sizeof(char *) + 128));
	p = (char *)(ents + MAXNODES);
	for (i = 0; i < MAXNODES; i++) {
		const char *rest = tree[i].path + len;

		if (!tree[i].used || strncmp(tree[i].path, path, len) ||
		    rest[0] != '/' || strchr(rest + 1, '/'))
			continue;
		strcpy(p, rest + 1);
		ents[n++] = p;
		p += 128;
	}
	*num = n;
	return ents;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
			const char *path, struct xs_permissions *perms,
			unsigned int num_perms)
{
	struct node *n = find(path);

	(void)h;
	(void)t;
	if (!n || num_perms > 4) {
		errno = n ? E2BIG : ENOENT;
		return false;
	}
	n->nperms = num_perms;
	memcpy(n->perms, perms, num_perms * sizeof(*perms));
	return true;
}

/* ---- the fake hypervisor -------------------------------------------- */

static unsigned int live_domains[4] = { 5, 6, 7 };
/* Their names in xenstore, as xl writes them; Dom0's too. */
static const char *const domain_names[][2] = {
	{ "0", "Domain-0" },
	{ "5", "guest1" },
	{ "6", "guest2" },
	{ "7", "guest3" },
};
static char fake_xch;

xc_interface *xc_interface_open(xentoollog_logger *logger,
				xentoollog_logger *dombuild_logger,
				unsigned int open_flags)
{
	(void)logger;
	(void)dombuild_logger;
	(void)open_flags;
	return (xc_interface *)&fake_xch;
}

int xc_interface_close(xc_interface *xch)
{
	(void)xch;
	return 0;
}

int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid,
			     xc_domaininfo_t *info)
{
	size_t i;

	(void)xch;
	for (i = 0; i < sizeof(live_domains) / sizeof(live_domains[0]); i++) {
		if (live_domains[i] && live_domains[i] == domid) {
			memset(info, 0, sizeof(*info));
			info->domain = domid;
			return 0;
		}
	}
	errno = ESRCH;
	return -1;
}

/* ---- the tests ------------------------------------------------------ */

static char root[64];		/* the fake sysfs tree, and scratch files */
static int base;		/* nodes in the fake xenstore before any attach */


static int run(int (*fn)(int, char **), const char *line)
{
	char buf[256], *argv[16], *tok, *save;
	int argc = 0;

	printf("$ xenib %s\n", line);
	fflush(stdout);
	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 15;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return fn(argc, argv);
}

static char out[4096];

/* run(), with its stdout and stderr in out (and then printed). */
static int run_out(int (*fn)(int, char **), const char *line)
{
	int fd, save1, save2, ret;
	char path[96];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/out", root);
	fflush(stdout);
	fflush(stderr);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	save1 = dup(1);
	save2 = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	ret = run(fn, line);
	fflush(stdout);
	fflush(stderr);
	dup2(save1, 1);
	dup2(save2, 2);
	close(save1);
	close(save2);
	n = pread(fd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = 0;
	close(fd);
	fputs(out, stdout);
	return ret;
}

static void set(const char *path, const char *v)
{
	xs_write(&the_handle, XBT_NULL, path, v, strlen(v));
}

static const char *val(const char *path)
{
	struct node *n = find(path);

	return n ? n->val : NULL;
}

static bool is(const char *path, const char *want)
{
	const char *v = val(path);

	return v && !strcmp(v, want);
}

static bool perms_are(const char *path, unsigned int owner,
		      unsigned int reader)
{
	struct node *n = find(path);

	return n && n->nperms == 2 && n->perms[0].id == owner &&
	       n->perms[0].perms == XS_PERM_NONE && n->perms[1].id == reader &&
	       n->perms[1].perms == XS_PERM_READ;
}

static int nodes(void)
{
	int i, n = 0;

	for (i = 0; i < MAXNODES; i++)
		n += tree[i].used;
	return n;
}

static void mkpath(const char *rel, const char *content)
{
	char p[256], *s;
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	if (!content) {
		mkdir(p, 0755);
		return;
	}
	f = fopen(p, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

#define BE5 "/local/domain/0/backend/vib/5/0"
#define FE5 "/local/domain/5/device/vib/0"

static void test_attach(void)
{
	int n;

	/* Before Dom0 has the RDMA device: refused, nothing written. */
	CHECK(run(cmd_attach, "attach 5") == XENIB_EXIT_FAIL && nodes() == base);
	mkpath("/sys/class/infiniband/rxe0/ports/1", NULL);
	CHECK(run(cmd_attach, "attach 5 --port 2") == XENIB_EXIT_FAIL);
	CHECK(run(cmd_attach, "attach 9") == XENIB_EXIT_FAIL && nodes() == base);
	CHECK(run(cmd_attach, "attach 5 --bogus") == XENIB_EXIT_FAIL);

	commits = 0;
	CHECK(run(cmd_attach,
		  "attach 5 --quota qp=64 --quota pinned-pages=1000 --quota mem-kib=4096") ==
	      XENIB_EXIT_OK);
	CHECK(commits == 1);
	CHECK(is(BE5 "/frontend", FE5) && is(BE5 "/frontend-id", "5") &&
	      is(BE5 "/online", "1") && is(BE5 "/state", "1") &&
	      is(BE5 "/rdma-device", "rxe0") && is(BE5 "/rdma-port", "1") &&
	      is(BE5 "/quota-qp", "64") &&
	      is(BE5 "/quota-pinned-pages", "1000") &&
	      is(BE5 "/quota-mem-kib", "4096") && !val(BE5 "/quota-pd") &&
	      !val(BE5 "/gid-indexes"));
	CHECK(is(FE5 "/backend", BE5) && is(FE5 "/backend-id", "0") &&
	      is(FE5 "/state", "1"));
	/* libxl's vif permissions: owner first, then the peer may read. */
	CHECK(perms_are(BE5, 0, 5) && perms_are(BE5 "/state", 0, 5) &&
	      perms_are(BE5 "/rdma-device", 0, 5));
	CHECK(perms_are(FE5, 5, 0) && perms_are(FE5 "/state", 5, 0) &&
	      perms_are(FE5 "/backend", 5, 0));

	n = nodes();
	aborts = 0;
	CHECK(run(cmd_attach, "attach 5 --device rxe0") == XENIB_EXIT_FAIL &&
	      nodes() == n && aborts == 1);

	/* EAGAIN from the commit: retried, one device in the end. */
	eagain_left = 2;
	CHECK(run(cmd_attach, "attach 5 --devid 1 --gid-index 0,3") == XENIB_EXIT_OK &&
	      eagain_left == 0 && is("/local/domain/0/backend/vib/5/1/state", "1") &&
	      is("/local/domain/0/backend/vib/5/1/gid-indexes", "0,3") &&
	      is("/local/domain/5/device/vib/1/backend-id", "0"));
	/* Always EAGAIN: exit 2, nothing left behind. */
	n = nodes();
	eagain_left = 1000;
	CHECK(run(cmd_attach, "attach 6") == XENIB_EXIT_AGAIN && nodes() == n);
	eagain_left = 0;
	CHECK(run(cmd_list, "list") == XENIB_EXIT_OK);
	CHECK(run(cmd_list, "list extra") == XENIB_EXIT_FAIL);
}

#define BE6 "/local/domain/0/backend/vib/6/2"
#define FE6 "/local/domain/6/device/vib/2"

/* DOMAIN as a name, resolved through /local/domain/N/name. */
static void test_names(void)
{
	int n = nodes();

	/* Unknown, a prefix, the wrong case: exit 1 (not 2), nothing written. */
	CHECK(XENIB_EXIT_FAIL == 1);
	CHECK(run_out(cmd_attach, "attach nosuch") == XENIB_EXIT_FAIL &&
	      strstr(out, "xenib: no such domain 'nosuch'\n") && nodes() == n);
	CHECK(run_out(cmd_attach, "attach guest") == XENIB_EXIT_FAIL &&
	      strstr(out, "no such domain 'guest'") && nodes() == n);
	CHECK(run(cmd_attach, "attach GUEST2") == XENIB_EXIT_FAIL && nodes() == n);
	/* Dom0 by name is refused as domid 0 is. */
	CHECK(run_out(cmd_attach, "attach Domain-0") == XENIB_EXIT_FAIL &&
	      strstr(out, "Dom0") && nodes() == n);
	CHECK(run_out(cmd_attach, "attach 0") == XENIB_EXIT_FAIL &&
	      strstr(out, "bad DOMAIN '0'") && nodes() == n);

	/* By name: what attach by domid writes, for that domid. */
	commits = 0;
	CHECK(run(cmd_attach, "attach guest2 --devid 2") == XENIB_EXIT_OK &&
	      commits == 1);
	CHECK(is(BE6 "/frontend", FE6) && is(BE6 "/frontend-id", "6") &&
	      is(BE6 "/state", "1") && is(FE6 "/backend", BE6) &&
	      is(FE6 "/backend-id", "0") && perms_are(BE6, 0, 6) &&
	      perms_are(FE6, 6, 0));
	CHECK(run_out(cmd_attach, "attach guest2 --devid 2") == XENIB_EXIT_FAIL &&
	      strstr(out, "domain 6 already has vib device 2"));

	/* Two domains with one name: refused, not guessed. */
	set("/local/domain/7/name", "guest2");
	n = nodes();
	CHECK(run_out(cmd_attach, "attach guest2 --devid 3") == XENIB_EXIT_FAIL &&
	      strstr(out, "more than one domain is called 'guest2' (domids 6 and 7)") &&
	      nodes() == n);
	CHECK(run(cmd_stats, "stats guest2") == XENIB_EXIT_FAIL);
	/* All digits is a domid, even if some domain is called that. */
	set("/local/domain/7/name", "6");
	CHECK(run(cmd_attach, "attach 6 --devid 3") == XENIB_EXIT_OK &&
	      val("/local/domain/0/backend/vib/6/3") &&
	      !val("/local/domain/0/backend/vib/7/3"));
	set("/local/domain/7/name", "guest3");

	/* list: the old columns first, the name last. */
	CHECK(run_out(cmd_list, "list") == XENIB_EXIT_OK);
	CHECK(strstr(out, "\ndomid devid device     port state-front  state-back   name\n"));
	CHECK(strstr(out, "\n    5     0 rxe0          1 Initialising Initialising guest1\n"));
	CHECK(strstr(out, "\n    6     2 rxe0          1 Initialising Initialising guest2\n"));

	/* detach by name; then the name is still there, the device is not. */
	backend_closes = true;
	CHECK(run(cmd_detach, "detach guest2 --devid 2") == XENIB_EXIT_OK &&
	      !val(BE6) && !val(FE6) && val("/local/domain/0/backend/vib/6/3"));
	CHECK(run(cmd_detach, "detach guest2 --devid 3") == XENIB_EXIT_OK &&
	      !val("/local/domain/0/backend/vib/6"));
	backend_closes = false;
	CHECK(run(cmd_detach, "detach guest2 --devid 2") == XENIB_EXIT_FAIL);
	CHECK(run_out(cmd_detach, "detach nosuch") == XENIB_EXIT_FAIL &&
	      strstr(out, "no such domain 'nosuch'"));
	CHECK(run(cmd_detach, "detach Domain-0") == XENIB_EXIT_FAIL);
}

static void test_detach(void)
{
	time_t t0;

	/* Nobody answers Closing: exit 2, state Closing and online 0 stay. */
	CHECK(run(cmd_detach, "detach 5 --devid 1 --timeout 0") == XENIB_EXIT_AGAIN);
	CHECK(is("/local/domain/0/backend/vib/5/1/state", "5") &&
	      is("/local/domain/0/backend/vib/5/1/online", "0") &&
	      val("/local/domain/5/device/vib/1"));
	/* --force removes both directories anyway. */
	CHECK(run(cmd_detach, "detach 5 --devid 1 --timeout 0 --force") ==
	      XENIB_EXIT_OK);
	CHECK(!val("/local/domain/0/backend/vib/5/1") &&
	      !val("/local/domain/5/device/vib/1") &&
	      val("/local/domain/0/backend/vib/5"));

	/* A backend that closes: removed, and the empty domid dir too. */
	backend_closes = true;
	CHECK(run(cmd_detach, "detach 5") == XENIB_EXIT_OK);
	CHECK(!val(BE5) && !val(FE5) && !val("/local/domain/0/backend/vib/5"));
	backend_closes = false;
	CHECK(run(cmd_detach, "detach 5") == XENIB_EXIT_FAIL);

	/*
	 * The guest is gone (and its name with it): detach by name fails,
	 * list shows '-' for the name, detach by domid removes at once.
	 */
	CHECK(run(cmd_attach, "attach guest3") == XENIB_EXIT_OK &&
	      is("/local/domain/0/backend/vib/7/0/frontend-id", "7"));
	live_domains[2] = 0;
	xs_rm(&the_handle, XBT_NULL, "/local/domain/7/name");
	CHECK(run_out(cmd_detach, "detach guest3") == XENIB_EXIT_FAIL &&
	      strstr(out, "no such domain 'guest3'") &&
	      val("/local/domain/0/backend/vib/7/0"));
	CHECK(run_out(cmd_list, "list") == XENIB_EXIT_OK &&
	      strstr(out, "\n    7     0 rxe0          1 Initialising Initialising -\n"));
	t0 = time(NULL);
	CHECK(run(cmd_detach, "detach 7 --timeout 30") == XENIB_EXIT_OK &&
	      time(NULL) - t0 < 5 && !val("/local/domain/0/backend/vib/7/0") &&
	      !val("/local/domain/7/device/vib/0"));
}

static void test_stats(void)
{
	mkpath("/sys/bus/xen-backend/devices/vib-5-0/statistics/kicks", "12\n");
	mkpath("/sys/bus/xen-backend/devices/vib-5-0/statistics/notifies", "3\n");
	CHECK(run(cmd_stats, "stats 5") == XENIB_EXIT_OK);
	CHECK(run_out(cmd_stats, "stats guest1") == XENIB_EXIT_OK &&
	      strstr(out, "\nkicks                    12\n") &&
	      strstr(out, "\nnotifies                 3\n"));
	CHECK(run_out(cmd_stats, "stats nosuch") == XENIB_EXIT_FAIL &&
	      strstr(out, "no such domain 'nosuch'"));
	CHECK(run(cmd_stats, "stats Domain-0") == XENIB_EXIT_FAIL);
	CHECK(run(cmd_stats, "stats guest1 --devid 1") == XENIB_EXIT_FAIL);
	CHECK(run(cmd_stats, "stats 5 --devid 1") == XENIB_EXIT_FAIL);
	CHECK(run(cmd_stats, "stats") == XENIB_EXIT_FAIL);
}

int main(void)
{
	char cmd[128], path[64];
	size_t i;

	snprintf(root, sizeof(root), "/tmp/xenib-test-xs.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	xenib_sysfs_prefix = root;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(domain_names) / sizeof(domain_names[0]); i++) {
		snprintf(path, sizeof(path), "/local/domain/%s/name",
			 domain_names[i][0]);
		set(path, domain_names[i][1]);
	}
	base = nodes();
	test_attach();
	test_names();
	test_detach();
	test_stats();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		printf("warning: could not remove %s\n", root);
	return t_summary();
}
