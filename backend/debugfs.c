// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-ibback: a per-guest state dump in debugfs, for "what is this guest
 * waiting for?" (docs/debugging.md).
 *
 *   /sys/kernel/debug/xen-ibback/vib-<domid>-<devid>/state
 *
 * One line per object, taken under the guest's object lock and then the
 * engine lock, so that it is a consistent snapshot between two engine
 * passes.  Guest-written indices are read once and shown as read (they
 * are hostile: the dump never uses them for anything else).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "xenib_back.h"

#include <linux/debugfs.h>
#include <linux/seq_file.h>

static struct dentry *xibb_debugfs_root;

static void xibb_dbg_wq(struct seq_file *m, const char *name,
			const struct xibb_gmap *buf,
			const struct xibb_wq_eng *e, u8 log_nslots)
{
	const struct xenib_queue_hdr *hdr = buf->vaddr;

	seq_printf(m, " %s[slots %lu guest-prod %u cons %u posted %u completed %u signaled-end %u inflight %u/%u%s%s%s]",
		   name, BIT(log_nslots), READ_ONCE(hdr->prod), e->cons,
		   e->head, e->tail, e->sig_end, e->head - e->tail,
		   e->max_inflight,
		   e->blocked ? " blocked" : "", e->failed ? " failed" : "",
		   READ_ONCE(hdr->error) ? " error" : "");
}

static void xibb_dbg_qp(struct seq_file *m, struct xibb_qp *qp)
{
	seq_printf(m, "qp %#x qpn %#x type %u%s", qp->obj.handle,
		   qp->qp->qp_num, qp->qp_type, qp->eng_live ? "" : " not-live");
	xibb_dbg_wq(m, "sq", &qp->sq, &qp->eng_sq, qp->sq_log_nslots);
	if (qp->srq)
		seq_printf(m, " srq %#x", qp->srq->obj.handle);
	else
		xibb_dbg_wq(m, "rq", &qp->rq, &qp->eng_rq, qp->rq_log_nslots);
	seq_printf(m, " send-cq %#x recv-cq %#x mcast %u\n",
		   qp->send_cq->obj.handle, qp->recv_cq->obj.handle,
		   qp->nmcast);
}

static void xibb_dbg_cq(struct seq_file *m, struct xibb_cq *cq)
{
	const struct xenib_queue_hdr *hdr = cq->buf.vaddr;
	const struct xibb_cq_eng *e = &cq->eng;

	seq_printf(m, "cq %#x slots %lu shadow %d prod %u guest-cons %u arm-seq %u arm-ack %u overflow %u%s%s%s\n",
		   cq->obj.handle, BIT(cq->log_nslots), cq->cq->cqe, e->prod,
		   READ_ONCE(hdr->cons), READ_ONCE(hdr->arm_seq), e->arm_ack,
		   e->overflow, e->live ? "" : " not-live",
		   e->failed ? " failed" : "",
		   list_empty(&e->pend) ? "" : " pending");
}

static void xibb_dbg_srq(struct seq_file *m, struct xibb_srq *srq)
{
	const struct xenib_queue_hdr *hdr = srq->buf.vaddr;

	seq_printf(m, "srq %#x slots %lu max_wr %u guest-prod %u cons %u posted %u/%u%s%s%s\n",
		   srq->obj.handle, BIT(srq->log_nslots), srq->max_wr,
		   READ_ONCE(hdr->prod), srq->eng_cons,
		   srq->eng_nslots - srq->eng_nfree, srq->eng_nslots,
		   srq->eng_blocked ? " blocked" : "",
		   srq->eng_failed ? " failed" : "",
		   srq->eng_live ? "" : " not-live");
}

/*
 * The shadow PD's local DMA lkey is the key the device takes for "any
 * address of this domain": no guest WQE may name it (the attack suite
 * reads it here to prove that).
 */
static void xibb_dbg_pd(struct seq_file *m, struct xibb_pd *pd)
{
	seq_printf(m, "pd %#x dma-lkey %#x", pd->obj.handle,
		   pd->pd->local_dma_lkey);
	if (pd->reg_qp)
		seq_printf(m, " reg-qp %#x psn %#x", pd->reg_qp->qp_num,
			   pd->reg_psn);
	seq_putc(m, '\n');
}

static void xibb_dbg_mr(struct seq_file *m, struct xibb_mr *mr)
{
	seq_printf(m, "mr %#x pd %#x lkey %#x rkey %#x pages %u\n",
		   mr->obj.handle, mr->pd->obj.handle, mr->mr->lkey,
		   mr->mr->rkey, mr->pages.npages);
}

static int xibb_dbg_state_show(struct seq_file *m, void *unused)
{
	struct xibb_guest *guest = m->private;
	struct xibb_engine *eng = &guest->eng;
	struct xibb_ucontext *uc;
	struct xibb_obj *obj;
	unsigned long idx;

	mutex_lock(&guest->obj_lock);
	xibb_engine_lock(guest);
	seq_printf(m, "guest %u device %s port %u%s%s%s\n", guest->domid,
		   guest->rdma_name, guest->rdma_port,
		   guest->connected ? " connected" : "",
		   guest->stopping ? " stopping" : "",
		   guest->disabled ? " disabled" : "");
	seq_printf(m, "engine %s poll-window %u us flags %#lx\n",
		   eng->task ? (READ_ONCE(eng->polling) ? "polling" : "idle") :
		   "stopped", eng->poll_us, READ_ONCE(eng->flags));
	list_for_each_entry(uc, &eng->ucs, eng_node)
		seq_printf(m, "ucontext %#x engine-state %u post-seq %u seen %u\n",
			   uc->obj.handle, READ_ONCE(uc->db->engine_state),
			   READ_ONCE(uc->db->post_seq), uc->eng_seq);
	xa_for_each(&guest->objs, idx, obj) {
		switch (obj->kind) {
		case XIBB_KIND_QP:
			xibb_dbg_qp(m, container_of(obj, struct xibb_qp, obj));
			break;
		case XIBB_KIND_CQ:
			xibb_dbg_cq(m, container_of(obj, struct xibb_cq, obj));
			break;
		case XIBB_KIND_SRQ:
			xibb_dbg_srq(m, container_of(obj, struct xibb_srq, obj));
			break;
		case XIBB_KIND_PD:
			xibb_dbg_pd(m, container_of(obj, struct xibb_pd, obj));
			break;
		case XIBB_KIND_MR:
			xibb_dbg_mr(m, container_of(obj, struct xibb_mr, obj));
			break;
		default:
			break;
		}
	}
	xibb_engine_unlock(guest);
	mutex_unlock(&guest->obj_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xibb_dbg_state);

/**
 * xibb_debugfs_add() - the guest's debugfs directory and files
 * @guest: the guest
 *
 * Best effort: debugfs may be absent; nothing depends on it.
 *
 * Context: process context.
 */
void xibb_debugfs_add(struct xibb_guest *guest)
{
	if (!xibb_debugfs_root)
		return;
	guest->debugfs = debugfs_create_dir(dev_name(&guest->xbdev->dev),
					    xibb_debugfs_root);
	debugfs_create_file("state", 0400, guest->debugfs, guest,
			    &xibb_dbg_state_fops);
}

/**
 * xibb_debugfs_remove() - remove the guest's debugfs directory
 * @guest: the guest
 *
 * Waits for readers of its files to leave (debugfs_remove()).
 *
 * Context: process context, neither obj_lock nor the engine lock held.
 */
void xibb_debugfs_remove(struct xibb_guest *guest)
{
	debugfs_remove(guest->debugfs);
	guest->debugfs = NULL;
}

/*
 * "mem": the Dom0 memory budget over every guest (mem.c), KiB, and the
 * guest pages mapped against max_mapped_pages (gmap.c).
 */
static int xibb_dbg_mem_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "used_kib %llu\nbudget_kib %llu\n",
		   DIV_ROUND_UP_ULL(xibb_mem_global_used(), 1024),
		   xibb_mem_budget() >> 10);
	seq_printf(m, "mapped_pages %ld\nmax_mapped_pages %u\n",
		   xibb_gmap_mapped(), READ_ONCE(xibb_max_mapped_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xibb_dbg_mem);

/**
 * xibb_debugfs_init() - /sys/kernel/debug/xen-ibback
 *
 * Context: module init.
 */
void xibb_debugfs_init(void)
{
	xibb_debugfs_root = debugfs_create_dir("xen-ibback", NULL);
	if (IS_ERR(xibb_debugfs_root)) {
		xibb_debugfs_root = NULL;
		return;
	}
	debugfs_create_file("mem", 0400, xibb_debugfs_root, NULL,
			    &xibb_dbg_mem_fops);
}

/**
 * xibb_debugfs_exit() - remove /sys/kernel/debug/xen-ibback
 *
 * Context: module exit, after every guest is gone.
 */
void xibb_debugfs_exit(void)
{
	debugfs_remove(xibb_debugfs_root);
	xibb_debugfs_root = NULL;
}
