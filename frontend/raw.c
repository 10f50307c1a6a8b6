// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibfront: raw control requests, for attacking the backend from a
 * guest in tests (tests/progs/xenib-raw.c, docs/security.md).
 *
 * Only with the module parameter raw_requests=1 (read at load; off by
 * default), each device gets, for root only:
 *
 *   /sys/kernel/debug/xen-ibfront/<xenbus device>/request
 *	write: one whole struct xen_vibif_request, sent as it is (only
 *	hdr.id is replaced) through the normal command path; the write
 *	returns once the backend answered (or the command failed);
 *	read: struct xenib_raw_result of the last request
 *   /sys/kernel/debug/xen-ibfront/<xenbus device>/grants
 *	read: the grant references of XIBF_RAW_PAGES zeroed pages granted
 *	to the backend (writable), one per line, to put in directories
 *   /sys/kernel/debug/xen-ibfront/<xenbus device>/pages
 *	read/write: the contents of those pages, page i at offset i * 4096
 *	(to build directory pages, and to change them while the backend
 *	reads them)
 *   /sys/kernel/debug/xen-ibfront/<xenbus device>/event_cons
 *	write: a number stored as the event ring's consumer index (what a
 *	hostile frontend may write there); read: the index
 *
 * This gives a guest's root nothing it does not have already: the threat
 * model (docs/security.md) trusts no guest kernel, and guest root can load
 * any module.  It lets the tests send what no correct frontend would.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_front.h"

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/grant_table.h>
#include <xen/page.h>

/* Pages granted for raw directories. */
#define XIBF_RAW_PAGES	64

/**
 * struct xenib_raw_result - what reading "request" gives
 * @err: xibf_cmd_exec_req()'s return: 0, the errno of the status, or
 *	-ENODEV/-EIO/-ETIMEDOUT for a command that got no valid response
 * @status: the response's status (0 if none came)
 * @answered: 1 if a response came, taken as it came (unchecked)
 * @reserved: zero
 * @rsp: the response (zeroed if none came)
 */
struct xenib_raw_result {
	s32 err;
	u32 status;
	u32 answered;
	u32 reserved;
	struct xen_vibif_response rsp;
};

/**
 * struct xibf_raw - one device's raw interface
 * @lock: one request at a time; guards @res
 * @res: the last result
 * @dir: the debugfs directory
 * @pages: the granted pages
 * @refs: their grant references
 * @npages: pages granted
 */
struct xibf_raw {
	struct mutex lock;		/* see @lock above */
	struct xenib_raw_result res;
	struct dentry *dir;
	struct page *pages[XIBF_RAW_PAGES];
	grant_ref_t refs[XIBF_RAW_PAGES];
	unsigned int npages;
};

static struct dentry *xibf_raw_root;

static ssize_t xibf_raw_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct xibf_device *xdev = file->private_data;
	struct xibf_raw *raw = xdev->raw;
	struct xibf_cmd *cmd;
	int err;

	if (len != sizeof(cmd->req))
		return -EINVAL;
	cmd = kzalloc(sizeof(*cmd), GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	if (copy_from_user(&cmd->req, ubuf, len)) {
		kfree(cmd);
		return -EFAULT;
	}
	cmd->raw = true;
	mutex_lock(&raw->lock);
	err = xibf_cmd_exec_req(xdev, cmd);
	memset(&raw->res, 0, sizeof(raw->res));
	raw->res.err = err;
	if (!cmd->err) {
		raw->res.answered = 1;
		raw->res.status = le32_to_cpu(cmd->rsp.hdr.status);
		raw->res.rsp = cmd->rsp;
	}
	mutex_unlock(&raw->lock);
	kfree(cmd);
	return len;
}

static ssize_t xibf_raw_read(struct file *file, char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct xibf_device *xdev = file->private_data;
	struct xibf_raw *raw = xdev->raw;
	struct xenib_raw_result res;

	mutex_lock(&raw->lock);
	res = raw->res;
	mutex_unlock(&raw->lock);
	return simple_read_from_buffer(ubuf, len, ppos, &res, sizeof(res));
}

static const struct file_operations xibf_raw_request_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = xibf_raw_write,
	.read = xibf_raw_read,
	.llseek = default_llseek,
};

static int xibf_raw_grants_show(struct seq_file *m, void *unused)
{
	struct xibf_device *xdev = m->private;
	unsigned int i;

	for (i = 0; i < xdev->raw->npages; i++)
		seq_printf(m, "%u\n", xdev->raw->refs[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xibf_raw_grants);

/* Reads or writes the raw pages' contents at *@ppos. */
static ssize_t xibf_raw_pages_rw(struct xibf_raw *raw, char __user *ubuf,
				 const char __user *cbuf, size_t len,
				 loff_t *ppos)
{
	loff_t end = (loff_t)raw->npages * PAGE_SIZE;
	size_t done = 0, n, off;
	unsigned int i;
	void *addr;

	if (*ppos < 0)
		return -EINVAL;
	mutex_lock(&raw->lock);
	while (done < len && *ppos < end) {
		i = *ppos >> PAGE_SHIFT;
		off = offset_in_page(*ppos);
		n = min_t(size_t, len - done, PAGE_SIZE - off);
		addr = page_address(raw->pages[i]) + off;
		if (ubuf ? copy_to_user(ubuf + done, addr, n) :
			   copy_from_user(addr, cbuf + done, n)) {
			mutex_unlock(&raw->lock);
			return done ? done : -EFAULT;
		}
		done += n;
		*ppos += n;
	}
	mutex_unlock(&raw->lock);
	return done;
}

static ssize_t xibf_raw_pages_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct xibf_device *xdev = file->private_data;

	return xibf_raw_pages_rw(xdev->raw, ubuf, NULL, len, ppos);
}

static ssize_t xibf_raw_pages_write(struct file *file,
				    const char __user *ubuf, size_t len,
				    loff_t *ppos)
{
	struct xibf_device *xdev = file->private_data;

	return xibf_raw_pages_rw(xdev->raw, NULL, ubuf, len, ppos);
}

static const struct file_operations xibf_raw_pages_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = xibf_raw_pages_read,
	.write = xibf_raw_pages_write,
	.llseek = default_llseek,
};

static int xibf_raw_cons_get(void *data, u64 *val)
{
	struct xibf_device *xdev = data;

	*val = le32_to_cpu(READ_ONCE(xdev->evt_page->cons));
	return 0;
}

static int xibf_raw_cons_set(void *data, u64 val)
{
	struct xibf_device *xdev = data;

	if (val > U32_MAX)
		return -EINVAL;
	WRITE_ONCE(xdev->evt_page->cons, cpu_to_le32((u32)val));
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(xibf_raw_cons_fops, xibf_raw_cons_get,
			 xibf_raw_cons_set, "%llu\n");

/**
 * xibf_raw_add() - the raw interface of a new connection, if enabled
 * @xdev: the device, its command channel set up
 *
 * Best effort: without debugfs or memory there is no raw interface.
 *
 * Context: process context.
 */
void xibf_raw_add(struct xibf_device *xdev)
{
	domid_t be = xdev->xbdev->otherend_id;
	struct xibf_raw *raw;
	int ref;

	if (!xibf_raw_requests || !xibf_raw_root)
		return;
	raw = kzalloc(sizeof(*raw), GFP_KERNEL);
	if (!raw)
		return;
	mutex_init(&raw->lock);
	while (raw->npages < XIBF_RAW_PAGES) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		if (!page)
			break;
		ref = gnttab_grant_foreign_access(be, xen_page_to_gfn(page), 0);
		if (ref < 0) {
			__free_page(page);
			break;
		}
		raw->pages[raw->npages] = page;
		raw->refs[raw->npages++] = ref;
	}
	xdev->raw = raw;
	raw->dir = debugfs_create_dir(dev_name(&xdev->xbdev->dev),
				      xibf_raw_root);
	debugfs_create_file("request", 0600, raw->dir, xdev,
			    &xibf_raw_request_fops);
	debugfs_create_file("grants", 0400, raw->dir, xdev,
			    &xibf_raw_grants_fops);
	debugfs_create_file("pages", 0600, raw->dir, xdev,
			    &xibf_raw_pages_fops);
	debugfs_create_file_unsafe("event_cons", 0600, raw->dir, xdev,
				   &xibf_raw_cons_fops);
	dev_warn(&xdev->xbdev->dev,
		 "raw control requests enabled (raw_requests=1): for tests only\n");
}

/**
 * xibf_raw_remove() - remove the raw interface of a connection
 * @xdev: the device; its commands already fail (xibf_cmd_kill())
 *
 * Waits for the interface's readers and writers to leave.
 *
 * Context: process context.
 */
void xibf_raw_remove(struct xibf_device *xdev)
{
	struct xibf_raw *raw = xdev->raw;
	unsigned int i;

	if (!raw)
		return;
	debugfs_remove(raw->dir);
	/* Each page is freed once the backend no longer maps it. */
	for (i = 0; i < raw->npages; i++)
		gnttab_end_foreign_access(raw->refs[i], raw->pages[i]);
	xdev->raw = NULL;
	kfree(raw);
}

/**
 * xibf_raw_init() - /sys/kernel/debug/xen-ibfront, if raw_requests=1
 *
 * Context: module init.
 */
void xibf_raw_init(void)
{
	if (!xibf_raw_requests)
		return;
	xibf_raw_root = debugfs_create_dir("xen-ibfront", NULL);
	if (IS_ERR(xibf_raw_root))
		xibf_raw_root = NULL;
}

/**
 * xibf_raw_exit() - remove /sys/kernel/debug/xen-ibfront
 *
 * Context: module exit, after every device is gone.
 */
void xibf_raw_exit(void)
{
	debugfs_remove(xibf_raw_root);
	xibf_raw_root = NULL;
}
