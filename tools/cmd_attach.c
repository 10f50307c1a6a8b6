// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenib attach / detach: write and remove a vib device's two xenstore
 * directories, as libxl does for vif (libxl__device_generic_add() and
 * libxl__initiate_device_generic_remove()).
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

#define XS_TRIES	16	/* transaction attempts before giving up (exit 2) */
#define POLL_MS		100	/* detach: how often the backend state is read */

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

const char cmd_detach_help[] =
	"Usage: xenib detach DOMAIN [--devid N] [--timeout S] [--force]\n"
	"\n"
	"Take guest DOMAIN's vib device away: set the backend's state to Closing\n"
	"(and online to 0), wait until the backend reports Closed, then remove\n"
	"both xenstore directories.  If the domain no longer exists there is\n"
	"nobody to wait for and the directories are removed at once.\n"
	"\n"
	"  --devid N     device number in the guest (default: 0)\n"
	"  --timeout S   seconds to wait for Closed, 0..3600 (default: 10)\n"
	"  --force       remove the directories even if the backend has not\n"
	"                reached Closed in time (the backend then tears down as\n"
	"                for a crashed guest)\n"
	"\n"
	XENIB_DOMAIN_HELP
	"A domain that is gone has no name any more: remove what it left\n"
	"behind by domid (see 'xenib list').\n"
	"\n"
	"Fails (1) if there is no such domain name or the guest has no such\n"
	"device; exits 2 if the backend did not reach Closed in time and\n"
	"--force was not given.\n";

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

static bool xs_exists(struct xs_handle *xs, xs_transaction_t t, const char *path)
{
	unsigned int len;
	char *v = xs_read(xs, t, path, &len);

	free(v);
	return v != NULL;
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

int cmd_attach(int argc, char **argv)
{
	struct kv fkv[3], bkv[7 + XENIB_NR_QUOTAS];
	struct xenib_attach_opts o;
	char be[128], fe[128], err[160];
	struct xs_handle *xs;
	xs_transaction_t t;
	size_t nb;
	bool exists;
	int tries, ret = XENIB_EXIT_FAIL;

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
	nb = attach_backend_kv(&o, fe, bkv);

	xs = xenib_xs_open();
	if (!xs)
		return XENIB_EXIT_FAIL;
	for (tries = 0; tries < XS_TRIES; tries++) {
		t = xs_transaction_start(xs);
		if (t == XBT_NULL) {
			xenib_err("cannot start a xenstore transaction: %s",
				  strerror(errno));
			goto out;
		}
		if (xs_exists(xs, t, be) || xs_exists(xs, t, fe)) {
			xs_transaction_end(xs, t, true);
			xenib_err("domain %u already has vib device %u (%s exists); detach it first",
				  o.domid, o.devid,
				  xs_exists(xs, XBT_NULL, be) ? be : fe);
			goto out;
		}
		/* vibif.h: the backend directory first (same transaction). */
		if (!write_dir(xs, t, be, XENIB_BACKEND_DOMID, o.domid, bkv, nb) ||
		    !write_dir(xs, t, fe, o.domid, XENIB_BACKEND_DOMID, fkv, 3)) {
			xenib_err("cannot write xenstore: %s", strerror(errno));
			xs_transaction_end(xs, t, true);
			goto out;
		}
		if (xs_transaction_end(xs, t, false)) {
			printf("domain %u: vib %u on %s port %u\n", o.domid,
			       o.devid, o.device, o.port);
			ret = XENIB_EXIT_OK;
			goto out;
		}
		if (errno != EAGAIN) {
			xenib_err("xenstore transaction failed: %s",
				  strerror(errno));
			goto out;
		}
	}
	xenib_err("xenstore stayed busy (%d attempts); try again", XS_TRIES);
	ret = XENIB_EXIT_AGAIN;
out:
	xs_close(xs);
	return ret;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* online=0, state=Closing in the backend directory, if it still exists. */
static int detach_close(struct xs_handle *xs, const char *be)
{
	char online[256], state[256], val[4];
	xs_transaction_t t;
	int tries;

	snprintf(online, sizeof(online), "%s/" XEN_VIBIF_FIELD_ONLINE, be);
	snprintf(state, sizeof(state), "%s/" XEN_VIBIF_FIELD_STATE, be);
	snprintf(val, sizeof(val), "%d", XENIB_STATE_CLOSING);
	for (tries = 0; tries < XS_TRIES; tries++) {
		t = xs_transaction_start(xs);
		if (t == XBT_NULL)
			break;
		if (!xs_exists(xs, t, be)) {
			xs_transaction_end(xs, t, true);
			return XENIB_EXIT_OK;
		}
		if (!xs_write(xs, t, online, "0", 1) ||
		    !xs_write(xs, t, state, val, strlen(val))) {
			xs_transaction_end(xs, t, true);
			break;
		}
		if (xs_transaction_end(xs, t, false))
			return XENIB_EXIT_OK;
		if (errno != EAGAIN)
			break;
	}
	if (tries == XS_TRIES) {
		xenib_err("xenstore stayed busy (%d attempts); try again", XS_TRIES);
		return XENIB_EXIT_AGAIN;
	}
	xenib_err("cannot write %s: %s", state, strerror(errno));
	return XENIB_EXIT_FAIL;
}

/* Removes both directories, and the guest's backend/vib/DOMID if empty. */
static int detach_remove(struct xs_handle *xs, const char *be, const char *fe,
			 unsigned int domid)
{
	char parent[128];
	xs_transaction_t t;
	unsigned int n;
	char **ents;
	int tries;

	if (xenib_backend_type_path(parent, sizeof(parent)))
		return XENIB_EXIT_FAIL;
	snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent),
		 "/%u", domid);
	for (tries = 0; tries < XS_TRIES; tries++) {
		t = xs_transaction_start(xs);
		if (t == XBT_NULL)
			break;
		if ((!xs_rm(xs, t, fe) && errno != ENOENT) ||
		    (!xs_rm(xs, t, be) && errno != ENOENT)) {
			xs_transaction_end(xs, t, true);
			break;
		}
		ents = xs_directory(xs, t, parent, &n);
		if (ents && !n)
			xs_rm(xs, t, parent);
		free(ents);
		if (xs_transaction_end(xs, t, false))
			return XENIB_EXIT_OK;
		if (errno != EAGAIN)
			break;
	}
	if (tries == XS_TRIES) {
		xenib_err("xenstore stayed busy (%d attempts); try again", XS_TRIES);
		return XENIB_EXIT_AGAIN;
	}
	xenib_err("cannot remove %s: %s", be, strerror(errno));
	return XENIB_EXIT_FAIL;
}

int cmd_detach(int argc, char **argv)
{
	struct xenib_detach_opts o;
	char be[128], fe[128], err[160];
	int state = -1, ret = XENIB_EXIT_FAIL;
	struct xs_handle *xs;
	unsigned int waited;
	bool exists;

	if (xenib_parse_detach(argc, argv, &o, err, sizeof(err))) {
		xenib_usage_err(argv[0], err);
		return XENIB_EXIT_FAIL;
	}
	if (xenib_domain_resolve(o.domname, &o.domid))
		return XENIB_EXIT_FAIL;
	if (xenib_backend_path(be, sizeof(be), o.domid, o.devid) ||
	    xenib_frontend_path(fe, sizeof(fe), o.domid, o.devid))
		return XENIB_EXIT_FAIL;

	xs = xenib_xs_open();
	if (!xs)
		return XENIB_EXIT_FAIL;
	if (!xs_exists(xs, XBT_NULL, be) && !xs_exists(xs, XBT_NULL, fe)) {
		xenib_err("domain %u has no vib device %u (no %s)", o.domid,
			  o.devid, be);
		goto out;
	}
	if (xenib_domain_check(o.domid, &exists))
		goto out;

	if (exists && xs_exists(xs, XBT_NULL, be)) {
		ret = detach_close(xs, be);
		if (ret)
			goto out;
		for (waited = 0;; waited += POLL_MS) {
			state = xenib_xs_read_state(xs, be);
			if (state == XENIB_STATE_CLOSED || state == -1)
				break;
			if (waited >= o.timeout * 1000)
				break;
			sleep_ms(POLL_MS);
		}
		if (state != XENIB_STATE_CLOSED && state != -1) {
			if (!o.force) {
				xenib_err("backend still %s after %us (frontend %s); try again, or use --force",
					  xenib_state_name(state), o.timeout,
					  xenib_state_name(xenib_xs_read_state(xs, fe)));
				ret = XENIB_EXIT_AGAIN;
				goto out;
			}
			xenib_err("backend still %s after %us; removing it anyway (--force)",
				  xenib_state_name(state), o.timeout);
		}
	}
	if (!exists)
		printf("domain %u is gone: not waiting for its frontend\n",
		       o.domid);
	ret = detach_remove(xs, be, fe, o.domid);
	if (!ret)
		printf("domain %u: vib %u detached\n", o.domid, o.devid);
out:
	xs_close(xs);
	return ret;
}
