// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenib attach: write a vib device's two xenstore directories, as libxl
 * does for vif (libxl__device_generic_add()); cmd_detach.c removes them.
 *
 *   /local/domain/0/backend/vib/DOMID/DEVID   owned by Dom0, guest may read
 *   /local/domain/DOMID/device/vib/DEVID      owned by the guest, Dom0 may read
 *
 * Both are written in one transaction, so the frontend and the backend
 * drivers see the device appear (and disappear) as a whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>

#include <xenstore.h>

#include "xenib.h"


const char cmd_attach_help[] =
	"Usage: xenib attach DOMAIN [--device DEV] [--port N] [--devid N]\n"
	"                           [--gid-index N[,N]...] [--quota KEY=N]...\n"
	"\n"
	"Give guest DOMAIN a paravirtual RDMA device backed by port N of Dom0's\n"
	"RDMA device DEV.  Writes the backend directory\n"
	"/local/domain/0/backend/vib/DOMID/DEVID and the frontend directory\n"
	"/local/domain/DOMID/device/vib/DEVID in one xenstore transaction; the\n"
	"guest's xen-ibfront then connects to Dom0's xen-ibback.\n"
	"\n"
	"  --device DEV    RDMA device in Dom0, as in /sys/class/infiniband\n"
	"                  (default: " XENIB_DEFAULT_DEVICE ")\n"
	"  --port N        its port, 1..255 (default: 1)\n"
	"  --devid N       device number in the guest, 0..65535 (default: 0)\n"
	"  --gid-index N[,N]...\n"
	"                  the GID indexes of the port the guest may send with\n"
	"                  (its AHs and QP paths), at most 16; the others read as\n"
	"                  empty in the guest and are refused.  Repeat to add.\n"
	"                  Default: every index\n"
	"  --quota KEY=N   per-guest limit the backend enforces, N 0..4294967295;\n"
	"                  repeat for several.  Unset keys are not written and the\n"
	"                  backend uses its own defaults.  KEY (or quota-KEY):\n"
	"                    pd cq qp srq mr ah   objects of each kind\n"
	"                    pinned-pages         guest pages pinned for MRs and queues\n"
	"                    cqe                  entries of one CQ\n"
	"                    qp-wr                work requests of one QP queue\n"
	"                    mem-kib              Dom0 memory the guest's shadow\n"
	"                                         objects may take, KiB (beyond:\n"
	"                                         EDQUOT; default: the backend's\n"
	"                                         quota_mem_kib, half its budget)\n"
	"\n"
	XENIB_DOMAIN_HELP
	"\n"
	"Fails (1) if DOMAIN does not exist, DEV or its port does not exist, or\n"
	"the guest already has a vib device DEVID.\n";

struct kv {
	const char *key;
	char val[128];
};

/* "65535," per GID index. */
_Static_assert(XENIB_MAX_GID_INDEXES * 6 <= sizeof(((struct kv *)0)->val),
	       "gid-indexes must fit in a kv value");

static bool set_perms(struct xs_handle *xs, xs_transaction_t t,
		      const char *path, unsigned int owner, unsigned int reader)
{
	struct xs_permissions perms[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = reader, .perms = XS_PERM_READ },
	};

	return xs_set_permissions(xs, t, path, perms, 2);
}

/* mkdir dir, set its permissions, write the keys (they inherit them). */
static bool write_dir(struct xs_handle *xs, xs_transaction_t t, const char *dir,
		      unsigned int owner, unsigned int reader,
		      const struct kv *kv, size_t n)
{
	char path[256];
	size_t i;

	if (!xs_mkdir(xs, t, dir) || !set_perms(xs, t, dir, owner, reader))
		return false;
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, kv[i].key) >=
		    (int)sizeof(path)) {
			errno = ENAMETOOLONG;
			return false;
		}
		if (!xs_write(xs, t, path, kv[i].val, strlen(kv[i].val)))
			return false;
	}
	return true;
}

/* Print the RDMA devices Dom0 has, for a "no such device" message. */
static void list_ibdevs(void)
{
	struct dirent *de;
	char path[256];
	DIR *d = NULL;
	int n = 0;

	if (!xenib_ibdev_dir(path, sizeof(path)))
		d = opendir(path);
	fprintf(stderr, "  RDMA devices in Dom0:");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		fprintf(stderr, " %s", de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	fprintf(stderr, "%s\n", n ? "" : " none (try: rdma link add rxe0 type rxe netdev ETH)");
}

static int check_ibdev(const char *device, unsigned int port)
{
	char path[256];
	struct stat st;

	if (xenib_ibdev_path(path, sizeof(path), device, 0) ||
	    stat(path, &st)) {
		xenib_err("no such RDMA device: %s (no %s)", device, path);
		list_ibdevs();
		return -1;
	}
	if (xenib_ibdev_path(path, sizeof(path), device, port) ||
	    stat(path, &st)) {
		xenib_err("RDMA device %s has no port %u (no %s)", device, port,
			  path);
		return -1;
	}
	return 0;
}

static size_t attach_backend_kv(const struct xenib_attach_opts *o,
				const char *fe, struct kv *kv)
{
	size_t n = 0;
	int i;

	kv[n].key = XEN_VIBIF_FIELD_FRONTEND;
	snprintf(kv[n++].val, sizeof(kv->val), "%s", fe);
	kv[n].key = XEN_VIBIF_FIELD_FRONTEND_ID;
	snprintf(kv[n++].val, sizeof(kv->val), "%u", o->domid);
	kv[n].key = XEN_VIBIF_FIELD_ONLINE;
	snprintf(kv[n++].val, sizeof(kv->val), "1");
	kv[n].key = XEN_VIBIF_FIELD_STATE;
	snprintf(kv[n++].val, sizeof(kv->val), "%d", XENIB_STATE_INITIALISING);
	kv[n].key = XEN_VIBIF_FIELD_RDMA_DEVICE;
	snprintf(kv[n++].val, sizeof(kv->val), "%s", o->device);
	kv[n].key = XEN_VIBIF_FIELD_RDMA_PORT;
	snprintf(kv[n++].val, sizeof(kv->val), "%u", o->port);
	if (o->n_gid) {
		kv[n].key = XEN_VIBIF_FIELD_GID_INDEXES;
		/* Fits: see the static assertion at struct kv. */
		xenib_format_gid_indexes(o, kv[n++].val, sizeof(kv->val));
	}
	for (i = 0; i < XENIB_NR_QUOTAS; i++) {
		if (!o->quota_set[i])
			continue;
		kv[n].key = xenib_quota_keys[i].xs_key;
		snprintf(kv[n++].val, sizeof(kv->val), "%u", o->quota[i]);
	}
	return n;
}

struct attach_tx {
	const struct xenib_attach_opts *o;
	const char *be, *fe;
	const struct kv *bkv, *fkv;
	size_t nb;
};

/* The transaction of attach: refuse an existing device, write both. */
static int attach_tx(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
	const struct attach_tx *x = arg;

	if (xenib_xs_exists(xs, t, x->be) || xenib_xs_exists(xs, t, x->fe)) {
		xenib_err("domain %u already has vib device %u (%s exists); detach it first",
			  x->o->domid, x->o->devid,
			  xenib_xs_exists(xs, XBT_NULL, x->be) ? x->be : x->fe);
		return XENIB_TX_FAIL;
	}
	/* vibif.h: the backend directory first (same transaction). */
	if (!write_dir(xs, t, x->be, XENIB_BACKEND_DOMID, x->o->domid, x->bkv,
		       x->nb) ||
	    !write_dir(xs, t, x->fe, x->o->domid, XENIB_BACKEND_DOMID, x->fkv,
		       3)) {
		xenib_err("cannot write xenstore: %s", strerror(errno));
		return XENIB_TX_FAIL;
	}
	return XENIB_TX_COMMIT;
}

int cmd_attach(int argc, char **argv)
{
	struct kv fkv[3], bkv[7 + XENIB_NR_QUOTAS];
	struct xenib_attach_opts o;
	char be[128], fe[128], err[160];
	struct xs_handle *xs;
	struct attach_tx tx = { .o = &o, .be = be, .fe = fe, .bkv = bkv,
				.fkv = fkv };
	bool exists;
	int ret;

	if (xenib_parse_attach(argc, argv, &o, err, sizeof(err))) {
		xenib_usage_err(argv[0], err);
		return XENIB_EXIT_FAIL;
	}
	if (xenib_domain_resolve(o.domname, &o.domid))
		return XENIB_EXIT_FAIL;
	if (xenib_backend_path(be, sizeof(be), o.domid, o.devid) ||
	    xenib_frontend_path(fe, sizeof(fe), o.domid, o.devid))
		return XENIB_EXIT_FAIL;
	if (check_ibdev(o.device, o.port))
		return XENIB_EXIT_FAIL;
	if (xenib_domain_check(o.domid, &exists))
		return XENIB_EXIT_FAIL;
	if (!exists) {
		xenib_err("no such domain: %u", o.domid);
		return XENIB_EXIT_FAIL;
	}

	fkv[0].key = XEN_VIBIF_FIELD_BACKEND;
	snprintf(fkv[0].val, sizeof(fkv[0].val), "%s", be);
	fkv[1].key = XEN_VIBIF_FIELD_BACKEND_ID;
	snprintf(fkv[1].val, sizeof(fkv[1].val), "%u", XENIB_BACKEND_DOMID);
	fkv[2].key = XEN_VIBIF_FIELD_STATE;
	snprintf(fkv[2].val, sizeof(fkv[2].val), "%d", XENIB_STATE_INITIALISING);
	tx.nb = attach_backend_kv(&o, fe, bkv);

	xs = xenib_xs_open();
	if (!xs)
		return XENIB_EXIT_FAIL;
	ret = xenib_xs_transact(xs, attach_tx, &tx);
	if (ret == XENIB_EXIT_OK)
		printf("domain %u: vib %u on %s port %u\n", o.domid, o.devid,
		       o.device, o.port);
	xs_close(xs);
	return ret;
}
