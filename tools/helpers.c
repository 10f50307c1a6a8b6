// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers the xenib subcommands share: messages, and access to xenstore
 * and the hypervisor.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "xenib.h"

const char *xenib_progname = "xenib";

void xenib_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", xenib_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void xenib_usage_err(const char *cmd, const char *msg)
{
	fprintf(stderr, "%s %s: %s\nTry '%s %s --help'.\n", xenib_progname, cmd, msg,
		xenib_progname, cmd);
}

/* Opens a xenstore connection or says why not. */
struct xs_handle *xenib_xs_open(void)
{
	struct xs_handle *xs = xs_open(0);

	if (!xs)
		xenib_err("cannot connect to xenstore: %s (is this Dom0 with xenstored running?)",
			  strerror(errno));
	return xs;
}

/*
 * Asks the hypervisor whether domid exists.  Returns 0 with *exists set,
 * or -1 (message printed) if the hypervisor cannot be asked.
 */
int xenib_domain_check(unsigned int domid, bool *exists)
{
	xc_domaininfo_t info;
	xc_interface *xch;
	int ret = 0;

	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		xenib_err("cannot open the Xen control interface: %s (is this Dom0 with xen-privcmd loaded?)",
			  strerror(errno));
		return -1;
	}
	*exists = true;
	if (xc_domain_getinfo_single(xch, domid, &info) < 0) {
		if (errno == ESRCH) {
			*exists = false;
		} else {
			xenib_err("cannot look up domain %u: %s", domid,
				  strerror(errno));
			ret = -1;
		}
	} else if (info.flags & XEN_DOMINF_dying) {
		*exists = false;
	}
	xc_interface_close(xch);
	return ret;
}

/*
 * Finds the domain called name as xl does: the N under /local/domain
 * whose N/name is exactly name (case-sensitive).  Entries that are not
 * domids are skipped.  Returns 0 with *domid set, or XENIB_EXIT_FAIL with
 * a message printed: no such name, more than one domain with it (xl does
 * not allow that, but refuse rather than pick one), Dom0's name, or
 * /local/domain unreadable.
 */
int xenib_domain_lookup(struct xs_handle *xs, const char *name,
			unsigned int *domid)
{
	unsigned int n, i, id, found = 0, nfound = 0;
	char dir[64];
	char **ents;
	char *v;

	ents = xs_directory(xs, XBT_NULL, XENIB_XS_DOMAINS, &n);
	if (!ents) {
		xenib_err("cannot read " XENIB_XS_DOMAINS " to look up domain '%s': %s",
			  name, strerror(errno));
		return XENIB_EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (xenib_parse_uint(ents[i], XENIB_DOMID_MAX, &id) ||
		    xenib_domain_path(dir, sizeof(dir), id))
			continue;
		v = xenib_xs_read(xs, dir, "name");
		if (v && !strcmp(v, name)) {
			if (!nfound)
				found = id;
			else if (nfound == 1)
				xenib_err("more than one domain is called '%s' (domids %u and %u); give the domid",
					  name, found, id);
			nfound++;
		}
		free(v);
	}
	free(ents);
	if (!nfound) {
		xenib_err("no such domain '%s'", name);
		return XENIB_EXIT_FAIL;
	}
	if (nfound > 1)
		return XENIB_EXIT_FAIL;
	if (found == XENIB_BACKEND_DOMID) {
		xenib_err("domain '%s' is Dom0 (domid %u), where the backends run; give a guest",
			  name, XENIB_BACKEND_DOMID);
		return XENIB_EXIT_FAIL;
	}
	*domid = found;
	return XENIB_EXIT_OK;
}

/*
 * The commands' step after parsing: if the DOMAIN argument was a name
 * (name != NULL), looks it up in xenstore and sets *domid; a number is
 * already in *domid.  Returns 0 or XENIB_EXIT_FAIL (message printed).
 */
int xenib_domain_resolve(const char *name, unsigned int *domid)
{
	struct xs_handle *xs;
	int ret;

	if (!name)
		return XENIB_EXIT_OK;
	xs = xenib_xs_open();
	if (!xs)
		return XENIB_EXIT_FAIL;
	ret = xenib_domain_lookup(xs, name, domid);
	xs_close(xs);
	return ret;
}

/* Reads dir/key outside a transaction; NULL if absent.  Caller frees. */
char *xenib_xs_read(struct xs_handle *xs, const char *dir, const char *key)
{
	char path[256];
	unsigned int len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >= (int)sizeof(path))
		return NULL;
	return xs_read(xs, XBT_NULL, path, &len);
}

/* dir/state as a number; -1 if absent, -2 if not a number. */
int xenib_xs_read_state(struct xs_handle *xs, const char *dir)
{
	char *s = xenib_xs_read(xs, dir, XEN_VIBIF_FIELD_STATE);
	unsigned int v;
	int ret;

	if (!s)
		return -1;
	ret = xenib_parse_uint(s, 255, &v) ? -2 : (int)v;
	free(s);
	return ret;
}

/* Whether @path exists, in transaction @t (XBT_NULL: none). */
bool xenib_xs_exists(struct xs_handle *xs, xs_transaction_t t, const char *path)
{
	unsigned int len;
	char *v = xs_read(xs, t, path, &len);

	free(v);
	return v != NULL;
}

/*
 * Runs @body in a new transaction and commits it if @body returns
 * XENIB_TX_COMMIT; a commit that fails with EAGAIN (someone else wrote) is
 * retried from the start, XENIB_XS_TRIES times in all.  Returns an exit
 * code: XENIB_EXIT_OK (committed, or XENIB_TX_DONE), XENIB_EXIT_FAIL, or
 * XENIB_EXIT_AGAIN when xenstore stayed busy.
 */
int xenib_xs_transact(struct xs_handle *xs,
		      int (*body)(struct xs_handle *xs, xs_transaction_t t,
				  void *arg),
		      void *arg)
{
	xs_transaction_t t;
	int tries, r;

	for (tries = 0; tries < XENIB_XS_TRIES; tries++) {
		t = xs_transaction_start(xs);
		if (t == XBT_NULL) {
			xenib_err("cannot start a xenstore transaction: %s",
				  strerror(errno));
			return XENIB_EXIT_FAIL;
		}
		r = body(xs, t, arg);
		if (r != XENIB_TX_COMMIT) {
			xs_transaction_end(xs, t, true);
			return r == XENIB_TX_DONE ? XENIB_EXIT_OK :
						    XENIB_EXIT_FAIL;
		}
		if (xs_transaction_end(xs, t, false))
			return XENIB_EXIT_OK;
		if (errno != EAGAIN) {
			xenib_err("xenstore transaction failed: %s",
				  strerror(errno));
			return XENIB_EXIT_FAIL;
		}
	}
	xenib_err("xenstore stayed busy (%d attempts); try again",
		  XENIB_XS_TRIES);
	return XENIB_EXIT_AGAIN;
}
