// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenib: attach paravirtual RDMA devices (xenstore type "vib") to Xen
 * guests, detach them, list them and show the backend's counters.
 *
 * Runs in Dom0 (the backend domain).  Subcommands live in cmd_*.c, the
 * helpers they share in helpers.c; this file holds the subcommand table
 * and the help.
 */
#include <stdio.h>
#include <string.h>

#include "xenib.h"

struct xenib_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *help;
};

static const struct xenib_cmd cmds[] = {
	{ "attach", cmd_attach, "give a guest an RDMA device", cmd_attach_help },
	{ "detach", cmd_detach, "take it away again", cmd_detach_help },
	{ "list", cmd_list, "show the attached devices", cmd_list_help },
	{ "stats", cmd_stats, "show a device's backend counters", cmd_stats_help },
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char exit_help[] =
	"Exit status:\n"
	"  0  success\n"
	"  1  failure, including usage errors; the same command will fail again\n"
	"  2  try again: xenstore stayed busy, or the guest did not finish\n"
	"     closing in time\n";

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s COMMAND [ARGS]\n"
		"       %s COMMAND --help\n"
		"       %s --help\n"
		"\n"
		"Paravirtual RDMA (xenib) for Xen guests: the toolstack part.  Run in\n"
		"Dom0, which hosts the backends (xen-ibback).\n"
		"\n"
		"Commands:\n",
		xenib_progname, xenib_progname, xenib_progname);
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n%s", exit_help);
}

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return XENIB_EXIT_FAIL;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return XENIB_EXIT_OK;
	}
	for (i = 0; i < NR_CMDS; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (wants_help(argc - 1, argv + 1)) {
			printf("%s\n%s", cmds[i].help, exit_help);
			return XENIB_EXIT_OK;
		}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	xenib_err("unknown command '%s'; try '%s --help'", argv[1], xenib_progname);
	return XENIB_EXIT_FAIL;
}
