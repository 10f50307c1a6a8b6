// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenib stats: print the counters the backend exports for one guest device
 * in the sysfs group /sys/bus/xen-backend/devices/vib-DOMID-DEVID/statistics
 * (blkback's pattern).  Prints whatever files exist there, sorted by name;
 * the tool does not need to know the counters' names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenib.h"

const char cmd_stats_help[] =
	"Usage: xenib stats DOMAIN [--devid N]\n"
	"\n"
	"Print the backend's counters for guest DOMAIN's vib device, one\n"
	"'name value' line per file in\n"
	"/sys/bus/xen-backend/devices/vib-DOMID-DEVID/statistics/.\n"
	"\n"
	"  --devid N   device number in the guest (default: 0)\n"
	"\n"
	XENIB_DOMAIN_HELP
	"\n"
	"Fails (1) if there is no such domain name, or that directory does not\n"
	"exist (xen-ibback not loaded, or no such device).\n";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a small sysfs file into buf, without the trailing newline. */
static int read_value(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	char path[256], err[160], val[128];
	struct xenib_stats_opts o;
	size_t n = 0, cap = 0, i;
	char **names = NULL, **tmp;
	struct dirent *de;
	DIR *d;
	int ret = XENIB_EXIT_FAIL;

	if (xenib_parse_stats(argc, argv, &o, err, sizeof(err))) {
		xenib_usage_err(argv[0], err);
		return XENIB_EXIT_FAIL;
	}
	if (xenib_domain_resolve(o.domname, &o.domid))
		return XENIB_EXIT_FAIL;
	if (xenib_stats_path(path, sizeof(path), o.domid, o.devid))
		return XENIB_EXIT_FAIL;
	d = opendir(path);
	if (!d) {
		xenib_err("no statistics for domain %u vib %u: %s: %s (is xen-ibback loaded and the device attached?)",
			  o.domid, o.devid, path, strerror(errno));
		return XENIB_EXIT_FAIL;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			tmp = realloc(names, cap * sizeof(*names));
			if (!tmp)
				goto out;
			names = tmp;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto out;
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (read_value(dirfd(d), names[i], val, sizeof(val)))
			snprintf(val, sizeof(val), "? (%s)", strerror(errno));
		printf("%-24s %s\n", names[i], val);
	}
	ret = XENIB_EXIT_OK;
out:
	if (ret)
		xenib_err("out of memory");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}
