// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenib detach: take a vib device away as libxl does for vif
 * (libxl__initiate_device_generic_remove()): set the backend's state to
 * Closing, wait for Closed, then remove both xenstore directories in one
 * transaction.  A domain that is gone has nobody to wait for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "xenib.h"

#define POLL_MS		100	/* how often the backend state is read */

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

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

struct detach_tx {
	const char *be, *fe;
	char parent[128];	/* backend/vib/DOMID */
};

/* online=0, state=Closing in the backend directory, if it still exists. */
static int detach_close_tx(struct xs_handle *xs, xs_transaction_t t,
			   void *arg)
{
	const struct detach_tx *x = arg;
	char path[256], val[4];

	if (!xenib_xs_exists(xs, t, x->be))
		return XENIB_TX_DONE;
	snprintf(path, sizeof(path), "%s/" XEN_VIBIF_FIELD_ONLINE, x->be);
	if (!xs_write(xs, t, path, "0", 1))
		goto err;
	snprintf(path, sizeof(path), "%s/" XEN_VIBIF_FIELD_STATE, x->be);
	snprintf(val, sizeof(val), "%d", XENIB_STATE_CLOSING);
	if (!xs_write(xs, t, path, val, strlen(val)))
		goto err;
	return XENIB_TX_COMMIT;
err:
	xenib_err("cannot write %s: %s", path, strerror(errno));
	return XENIB_TX_FAIL;
}

/* Removes both directories, and the guest's backend/vib/DOMID if empty. */
static int detach_remove_tx(struct xs_handle *xs, xs_transaction_t t,
			    void *arg)
{
	const struct detach_tx *x = arg;
	unsigned int n;
	char **ents;

	if ((!xs_rm(xs, t, x->fe) && errno != ENOENT) ||
	    (!xs_rm(xs, t, x->be) && errno != ENOENT)) {
		xenib_err("cannot remove %s: %s", x->be, strerror(errno));
		return XENIB_TX_FAIL;
	}
	ents = xs_directory(xs, t, x->parent, &n);
	if (ents && !n)
		xs_rm(xs, t, x->parent);
	free(ents);
	return XENIB_TX_COMMIT;
}

int cmd_detach(int argc, char **argv)
{
	struct xenib_detach_opts o;
	char be[128], fe[128], err[160];
	struct detach_tx tx = { .be = be, .fe = fe };
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
	    xenib_frontend_path(fe, sizeof(fe), o.domid, o.devid) ||
	    xenib_backend_type_path(tx.parent, sizeof(tx.parent)))
		return XENIB_EXIT_FAIL;
	snprintf(tx.parent + strlen(tx.parent),
		 sizeof(tx.parent) - strlen(tx.parent), "/%u", o.domid);

	xs = xenib_xs_open();
	if (!xs)
		return XENIB_EXIT_FAIL;
	if (!xenib_xs_exists(xs, XBT_NULL, be) && !xenib_xs_exists(xs, XBT_NULL, fe)) {
		xenib_err("domain %u has no vib device %u (no %s)", o.domid,
			  o.devid, be);
		goto out;
	}
	if (xenib_domain_check(o.domid, &exists))
		goto out;

	if (exists && xenib_xs_exists(xs, XBT_NULL, be)) {
		ret = xenib_xs_transact(xs, detach_close_tx, &tx);
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
	ret = xenib_xs_transact(xs, detach_remove_tx, &tx);
	if (!ret)
		printf("domain %u: vib %u detached\n", o.domid, o.devid);
out:
	xs_close(xs);
	return ret;
}
