// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenib list: one line per vib device found under Dom0's
 * /local/domain/0/backend/vib, with the frontend's state read from the
 * path the backend directory names and the guest's name from
 * /local/domain/DOMID/name.  New columns go at the end: scripts split the
 * lines on blanks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xenib.h"

const char cmd_list_help[] =
	"Usage: xenib list\n"
	"\n"
	"List the vib devices whose backends live in this domain, from\n"
	"/local/domain/0/backend/vib/DOMID/DEVID:\n"
	"\n"
	"  domid devid device port state-front state-back name\n"
	"\n"
	"States are XenbusState names (Initialising, InitWait, Initialised,\n"
	"Connected, Closing, Closed); name is the domain's name\n"
	"(/local/domain/DOMID/name), last so that a name with spaces stays one\n"
	"field.  '-' means the node is missing (for name: the domain is gone).\n"
	"Prints only the header if there are none.\n";

static int cmp_uint(const void *a, const void *b)
{
	unsigned long x = strtoul(*(char *const *)a, NULL, 10);
	unsigned long y = strtoul(*(char *const *)b, NULL, 10);

	return x < y ? -1 : x > y;
}

/* Directory entries sorted numerically; NULL (n = 0) if absent. */
static char **numeric_dir(struct xs_handle *xs, const char *path,
			  unsigned int *n)
{
	char **ents = xs_directory(xs, XBT_NULL, path, n);

	if (!ents)
		*n = 0;
	else
		qsort(ents, *n, sizeof(*ents), cmp_uint);
	return ents;
}

static void print_dev(struct xs_handle *xs, const char *domid,
		      const char *devid)
{
	char *dev, *port, *fe, *name;
	unsigned int dom, dev_nr;
	char be[128], dir[64];
	int fstate = -1;

	/* Not ours (not numbers): skip rather than guess. */
	if (xenib_parse_uint(domid, XENIB_DOMID_MAX, &dom) ||
	    xenib_parse_uint(devid, XENIB_DEVID_MAX, &dev_nr) ||
	    xenib_backend_path(be, sizeof(be), dom, dev_nr) ||
	    xenib_domain_path(dir, sizeof(dir), dom))
		return;
	dev = xenib_xs_read(xs, be, XEN_VIBIF_FIELD_RDMA_DEVICE);
	port = xenib_xs_read(xs, be, XEN_VIBIF_FIELD_RDMA_PORT);
	fe = xenib_xs_read(xs, be, XEN_VIBIF_FIELD_FRONTEND);
	if (fe)
		fstate = xenib_xs_read_state(xs, fe);
	name = xenib_xs_read(xs, dir, "name");
	printf("%5s %5s %-10s %4s %-12s %-12s %s\n", domid, devid,
	       dev ? dev : "-", port ? port : "-", xenib_state_name(fstate),
	       xenib_state_name(xenib_xs_read_state(xs, be)),
	       name && *name ? name : "-");
	free(dev);
	free(port);
	free(fe);
	free(name);
}

int cmd_list(int argc, char **argv)
{
	char root[128], path[160], err[160];
	unsigned int nd, nv, i, j;
	char **doms, **devs;
	struct xs_handle *xs;

	if (xenib_parse_noargs(argc, argv, err, sizeof(err))) {
		xenib_usage_err(argv[0], err);
		return XENIB_EXIT_FAIL;
	}
	if (xenib_backend_type_path(root, sizeof(root)))
		return XENIB_EXIT_FAIL;
	xs = xenib_xs_open();
	if (!xs)
		return XENIB_EXIT_FAIL;

	printf("%5s %5s %-10s %4s %-12s %-12s %s\n", "domid", "devid",
	       "device", "port", "state-front", "state-back", "name");
	doms = numeric_dir(xs, root, &nd);
	for (i = 0; i < nd; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, doms[i]);
		devs = numeric_dir(xs, path, &nv);
		for (j = 0; j < nv; j++)
			print_dev(xs, doms[i], devs[j]);
		free(devs);
	}
	free(doms);
	xs_close(xs);
	return XENIB_EXIT_OK;
}
