// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Load test of the provider without libibverbs' help: dlopen() it and
 * catch its constructor's call to verbs_register_driver_<PABI>(), which
 * this executable defines and exports (-rdynamic).
 *
 * Why that binds to us: the provider's reference is versioned
 * (verbs_register_driver_34@IBVERBS_PRIVATE_34), our definition is not.
 * ld.so searches the global scope (this executable first) before the
 * provider's own dependencies (libibverbs.so.1), and glibc's check_match()
 * accepts an unversioned definition for a versioned reference.  If that
 * ever changes, the registration lands in libibverbs instead and the
 * "constructor registered" check below fails: the test cannot pass by
 * accident.
 *
 * Then the match table is run through the same fnmatch() rules as
 * libibverbs' init.c (match_name(), match_modalias_device()), and
 * alloc_device()/uninit_device() are called.  Last line: "N passed,
 * N failed"; exit status 1 on any failure.
 */
#include <config.h>

#include <dlfcn.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/driver.h>
#include <rdma/xenib-abi.h>

#include "harness.h"

static int registered;
static const struct verbs_device_ops *reg_ops;

/*
 * driver.h turns this name into verbs_register_driver_<PABI>; defining it
 * here is what makes the provider's constructor call us.
 */
void verbs_register_driver(const struct verbs_device_ops *ops)
{
	registered++;
	reg_ops = ops;
}

/* libibverbs' match_modalias() for the kinds it knows. */
static bool ent_matches(const struct verbs_match_ent *e, const char *value)
{
	char pci[100];

	switch (e->kind) {
	case VERBS_MATCH_MODALIAS:
		return fnmatch(e->u.modalias, value, 0) == 0;
	case VERBS_MATCH_PCI:
		snprintf(pci, sizeof(pci), "pci:v%08Xd%08Xsv*", e->vendor,
			 e->device);
		return fnmatch(pci, value, 0) == 0;
	default:
		return false;
	}
}

static bool table_matches(const struct verbs_match_ent *t, const char *value)
{
	for (; t->kind != VERBS_MATCH_SENTINEL; t++)
		if (ent_matches(t, value))
			return true;
	return false;
}

static const struct {
	const char *value;	/* as libibverbs builds it */
	bool match;
} match_cases[] = {
	/* match_name(): "rdma_device:N" + the ib_device name */
	{ "rdma_device:Nxenib0", true },
	{ "rdma_device:Nxenib17", true },
	{ "rdma_device:Nrxe0", false },
	{ "rdma_device:Nmlx5_0", false },
	{ "rdma_device:Nsiw0", false },
	/* match_modalias_device(): <ibdev>/device/modalias, the xenbus device */
	{ "xen:vib", true },
	{ "xen:vif", false },
	{ "xen:vbd", false },
	{ "xen:vibx", false },
	{ "pci:v000015ADd00000820sv000015ADsd00000820bc02sc00i00", false },
	{ "", false },
};

static void test_match_table(const struct verbs_match_ent *t)
{
	const struct verbs_match_ent *e;
	char what[160];
	size_t i;
	int n = 0, drvid = 0;

	for (e = t; e->kind != VERBS_MATCH_SENTINEL; e++) {
		n++;
		drvid += e->kind == VERBS_MATCH_DRIVER_ID;
	}
	CHECK(n >= 2, "match table has a name and a modalias entry");
	/*
	 * libibverbs never matches RDMA_DRIVER_UNKNOWN by driver id
	 * (match_driver_id()), so such an entry would be dead weight.
	 */
	CHECK(drvid == 0, "match table has no driver-id entry");
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		snprintf(what, sizeof(what), "'%s' %s", match_cases[i].value,
			 match_cases[i].match ? "matches" : "does not match");
		CHECK(table_matches(t, match_cases[i].value) ==
		      match_cases[i].match, "%s", what);
	}
}

static void test_device(const struct verbs_device_ops *ops)
{
	struct verbs_sysfs_dev *sd;
	struct verbs_device *vd;

	sd = calloc(1, sizeof(*sd));
	if (!sd) {
		CHECK(false, "calloc");
		return;
	}
	snprintf(sd->ibdev_name, sizeof(sd->ibdev_name), "xenib0");
	snprintf(sd->sysfs_name, sizeof(sd->sysfs_name), "uverbs0");
	sd->abi_ver = XENIB_UVERBS_ABI_VERSION;
	sd->node_type = IBV_NODE_CA;
	vd = ops->alloc_device(sd);
	CHECK(vd != NULL, "alloc_device() returns a device");
	if (vd)
		ops->uninit_device(vd);
	free(sd);
}

int main(void)
{
	const struct verbs_device_ops *ops;
	char what[200];
	void *h;

	t_verbose = true;
	CHECK(registered == 0, "nothing registered before dlopen()");
	h = dlopen(XENIB_PROVIDER, RTLD_NOW | RTLD_LOCAL);
	snprintf(what, sizeof(what), "dlopen(%s)%s%s", XENIB_PROVIDER,
		 h ? "" : ": ", h ? "" : dlerror());
	CHECK(h != NULL, "%s", what);
	if (!h)
		goto out;
	snprintf(what, sizeof(what),
		 "constructor registered once via verbs_register_driver_%d (%d)",
		 IBVERBS_PABI_VERSION, registered);
	CHECK(registered == 1 && reg_ops, "%s", what);
	if (!reg_ops)
		goto out_close;
	ops = reg_ops;

	CHECK(ops->name && !strcmp(ops->name, "xenib"), "driver name is \"xenib\"");
	snprintf(what, sizeof(what), "accepts uverbs ABI %d only (%u..%u)",
		 XENIB_UVERBS_ABI_VERSION, ops->match_min_abi_version,
		 ops->match_max_abi_version);
	CHECK(ops->match_min_abi_version == XENIB_UVERBS_ABI_VERSION &&
	      ops->match_max_abi_version == XENIB_UVERBS_ABI_VERSION, "%s", what);
	CHECK(ops->alloc_device && ops->uninit_device && ops->alloc_context,
	      "alloc_device, uninit_device, alloc_context set");
	CHECK(!ops->match_device, "no match_device hook (table match only)");
	CHECK(ops->match_table != NULL, "has a match table");
	if (ops->match_table)
		test_match_table(ops->match_table);
	if (ops->alloc_device && ops->uninit_device)
		test_device(ops);
	/* rdma-core's provider.map: a provider exports nothing. */
	CHECK(!dlsym(h, "verbs_provider_xenib"), "exports no symbols");
out_close:
	dlclose(h);
out:
	return t_summary();
}
