// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * End-to-end load test through the real libibverbs: build a fake sysfs
 * tree with uverbs devices, point libibverbs at it (SYSFS_PATH) and at the
 * provider (RDMAV_DRIVERS=<abs path>/libxenib, suffix -rdmav<PABI>.so
 * added by libibverbs), call ibv_get_device_list() and check which devices
 * the xenib provider claimed.
 *
 *   uverbs0  xenib0   modalias xen:vib     claimed (by name)
 *   uverbs1  vib7     modalias xen:vib     claimed (by modalias: renamed)
 *   uverbs2  xenib1   ABI version + 1      refused (ABI check)
 *   uverbs3  rxe0     no modalias          not ours
 *   uverbs4  foo0     modalias xen:vif     not ours
 *
 * libibverbs only consults sysfs when RDMA netlink is unavailable (no
 * ib_core in this kernel), and it stat()s /dev/infiniband/uverbsN, so the
 * test runs in a private mount namespace with a tmpfs on /dev.  Where
 * that is impossible (not root, or the kernel has RDMA netlink) it says
 * SKIP, and the last line counts it as skipped, not passed (harness.h).
 */
#define _GNU_SOURCE
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/netlink.h>

#include <infiniband/driver.h>
#include <infiniband/verbs.h>
#include <rdma/xenib-abi.h>

#include "harness.h"

#define XENIB_T_UNUSED __attribute__((unused))


static char root[64];

static int rm_one(const char *path, const struct stat *st XENIB_T_UNUSED,
		  int flag XENIB_T_UNUSED, struct FTW *ftw XENIB_T_UNUSED)
{
	return remove(path);
}

static int done(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return t_summary();
}

/* Writes "value\n" to root/path, making the directories on the way. */
static int put(const char *path, const char *fmt, ...)
{
	char full[512], *p;
	va_list ap;
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	for (p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(full, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	f = fopen(full, "w");
	if (!f)
		return -1;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	return fclose(f);
}

struct fake {
	const char *uverbs, *ibdev, *modalias;
	int abi;
	const char *expect;	/* "xenib", "other" (not xenib), "absent" */
};

static const struct fake fakes[] = {
	{ "uverbs0", "xenib0", "xen:vib", XENIB_UVERBS_ABI_VERSION, "xenib" },
	{ "uverbs1", "vib7", "xen:vib", XENIB_UVERBS_ABI_VERSION, "xenib" },
	{ "uverbs2", "xenib1", "xen:vib", XENIB_UVERBS_ABI_VERSION + 1, "absent" },
	{ "uverbs3", "rxe0", NULL, 2, "other" },
	{ "uverbs4", "foo0", "xen:vif", XENIB_UVERBS_ABI_VERSION, "other" },
};

#define NFAKES (sizeof(fakes) / sizeof(fakes[0]))

static int make_tree(void)
{
	char p[256];
	size_t i;

	if (put("class/infiniband_verbs/abi_version", "6"))
		return -1;
	for (i = 0; i < NFAKES; i++) {
		const struct fake *f = &fakes[i];

		snprintf(p, sizeof(p), "class/infiniband_verbs/%s/ibdev", f->uverbs);
		if (put(p, "%s", f->ibdev))
			return -1;
		snprintf(p, sizeof(p), "class/infiniband_verbs/%s/dev", f->uverbs);
		if (put(p, "231:%zu", 192 + i))
			return -1;
		snprintf(p, sizeof(p), "class/infiniband_verbs/%s/abi_version",
			 f->uverbs);
		if (put(p, "%d", f->abi))
			return -1;
		snprintf(p, sizeof(p), "class/infiniband/%s/node_type", f->ibdev);
		if (put(p, "1: CA"))
			return -1;
		snprintf(p, sizeof(p), "class/infiniband/%s/node_guid", f->ibdev);
		if (put(p, "0216:3eff:fe00:%04zx", i))
			return -1;
		if (f->modalias) {
			snprintf(p, sizeof(p), "class/infiniband/%s/device/modalias",
				 f->ibdev);
			if (put(p, "%s", f->modalias))
				return -1;
		}
	}
	return 0;
}

/* /dev/infiniband/uverbsN for libibverbs' try_access_device(). */
static int make_dev(void)
{
	char p[64];
	size_t i;
	int fd;

	/*
	 * Nothing mounted here may reach the host: make the mount that the
	 * tmpfs lands on private first.  In a chroot "/" is no mount point
	 * (EINVAL), but /dev is (mk/chroot-run.sh bind-mounts it).
	 */
	if (unshare(CLONE_NEWNS))
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
	    mount(NULL, "/dev", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	if (mount("xenib-test", "/dev", "tmpfs", 0, "mode=0755") ||
	    mkdir("/dev/infiniband", 0755))
		return -1;
	for (i = 0; i < NFAKES; i++) {
		snprintf(p, sizeof(p), "/dev/infiniband/%s", fakes[i].uverbs);
		fd = open(p, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

static bool rdma_netlink_present(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_RDMA);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int main(void)
{
	struct ibv_device **list;
	char what[256];
	size_t i;
	int n, j;

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_verbose = true;
	if (rdma_netlink_present()) {
		SKIP("this kernel has RDMA netlink: libibverbs would not read the fake sysfs");
		return done();
	}
	snprintf(root, sizeof(root), "/tmp/xenib-sysfs.XXXXXX");
	if (!mkdtemp(root) || make_tree()) {
		CHECK(false, "build the fake sysfs tree");
		return done();
	}
	if (make_dev()) {
		SKIP("cannot make a private /dev/infiniband (%s); run as root",
		     strerror(errno));
		return done();
	}
	setenv("SYSFS_PATH", root, 1);
	setenv("RDMAV_DRIVERS", XENIB_PROVIDER_PREFIX, 1);
	setenv("IBV_SHOW_WARNINGS", "1", 1);

	list = ibv_get_device_list(&n);
	CHECK(list != NULL, "ibv_get_device_list()");
	if (!list)
		return done();
	for (i = 0; i < NFAKES; i++) {
		const struct fake *f = &fakes[i];
		struct ibv_device *dev = NULL;
		const char *drv;

		for (j = 0; j < n; j++)
			if (!strcmp(ibv_get_device_name(list[j]), f->ibdev))
				dev = list[j];
		drv = dev ? verbs_get_device(dev)->ops->name : NULL;
		snprintf(what, sizeof(what), "%s (%s, modalias %s, ABI %d): %s, want %s",
			 f->ibdev, f->uverbs, f->modalias ? f->modalias : "-",
			 f->abi, drv ? drv : "not listed", f->expect);
		if (!strcmp(f->expect, "xenib"))
			CHECK(drv && !strcmp(drv, "xenib"), "%s", what);
		else if (!strcmp(f->expect, "absent"))
			CHECK(!dev, "%s", what);
		else
			CHECK(!drv || strcmp(drv, "xenib"), "%s", what);
		if (!drv || strcmp(drv, "xenib"))
			continue;
		snprintf(what, sizeof(what), "%s: node type CA, transport IB, GUID from sysfs",
			 f->ibdev);
		CHECK(dev->node_type == IBV_NODE_CA &&
		      dev->transport_type == IBV_TRANSPORT_IB &&
		      be64toh(ibv_get_device_guid(dev)) == (0x02163efffe000000ull | i),
		      "%s", what);
	}
	ibv_free_device_list(list);
	return done();
}
