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
	char *s = xenib_xs_read(xs, dir, "state");
	unsigned int v;
	int ret;

	if (!s)
		return -1;
	ret = xenib_parse_uint(s, 255, &v) ? -2 : (int)v;
	free(s);
	return ret;
}
