// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fake_ib.c - the fake RDMA device of the backend's fuzz targets.
 *
 * One device, "rxe0", one port, whose attributes depend on the input's
 * profile (KSHIM_PROF_*).  It keeps its objects and queues as a device
 * does: work requests wait in their queues until the harness executes
 * them (kshim_dev_complete()), completions go to the CQs, which call
 * their completion handler when armed; an error moves a QP to the error
 * state, which flushes its queues.  REG_MR work requests execute at once
 * (the backend polls for them).
 *
 * What the backend hands the device is checked as a device relies on it
 * (kshim_bug() otherwise):
 *
 * - every SGE of a work request the data engine posts names the key of
 *   an MR that the guest registered in the QP's PD (or the never
 *   registered poison MR, with the address dropped): a key of another PD,
 *   a PD's local DMA key, or one of no live MR is issue #10's hole 1;
 * - a UD send's AH and a REG_MR's MR are in the QP's PD;
 * - objects are live when used and destroyed once, a PD, CQ or SRQ only
 *   when nothing uses it any more, a QP only once it left its multicast
 *   groups;
 * - when the device is unregistered (the ib_client's remove callback
 *   returned), no object of it and no reference on it is left.
 *
 * Addresses within an MR are the device's to check, as on real hardware:
 * an SGE outside its MR, or a receive into an MR without local write,
 * completes with IB_WC_LOC_PROT_ERR.  Executing an SGE touches the first
 * and last octet it names through the MR's pages, so that pages unmapped
 * under a registered MR, or mapped read-only when the MR allows writes,
 * fault.
 */

#include "kshim.h"

#include "fake_int.h"
#include "rdma/ib_cache.h"
#include "rdma/ib_verbs.h"

#define KF_PD_MAGIC	0x70d0b1e5U
#define KF_CQ_MAGIC	0xc0c0b1e5U
#define KF_QP_MAGIC	0x9090b1e5U
#define KF_SRQ_MAGIC	0x5e5eb1e5U
#define KF_AH_MAGIC	0xa4a4b1e5U
#define KF_MR_MAGIC	0x3a3ab1e5U

#define KF_SGES		4	/* SGEs of a WR the device executes */
#define KF_GIDS		4
#define KF_MAX_INLINE	256

struct kf_pd {
	struct ib_pd ib;
	struct list_head node;
	int users;
};

struct kf_cq {
	struct ib_cq ib;
	struct list_head node;
	int users;
	struct ib_wc *ring;
	u32 size, head, count;
	bool armed;
};

struct kf_wr {
	u64 wr_id;
	enum ib_wc_opcode opcode;
	bool signaled;
	enum ib_wc_status status;
	bool write;
	u32 byte_len;
	u32 nsge;
	struct ib_sge sge[KF_SGES];
};

/* A FIFO of work requests. */
struct kf_q {
	struct kf_wr *w;
	u32 cap, head, n;
};

struct kf_srq;

struct kf_qp {
	struct ib_qp ib;
	struct list_head node;
	enum ib_qp_state state;
	struct ib_qp_attr attr;
	struct ib_qp_cap cap;
	enum ib_sig_type sig;
	struct kf_q sq, rq;
	int nmcast;
	bool detach_failed;
};

struct kf_srq {
	struct ib_srq ib;
	struct list_head node;
	int users;
	struct kf_wr *w;
	bool *busy;
	u32 cap, n;
	struct ib_srq_attr attr;
};

struct kf_ah {
	struct ib_ah ib;
	struct list_head node;
};

struct kf_mr {
	struct ib_mr ib;
	struct list_head node;
	bool registered;
	int access;
	u32 max_sg;
	u32 npages;
	struct page **pages;
	u32 first_off;
};

static struct ib_device kf_dev;
static struct ib_port_attr kf_port;
static struct ib_gid_attr kf_gids[KF_GIDS];
static u8 kf_profile;
static bool kf_registered;
static long kf_refs;
static u32 kf_next_qpn, kf_next_key;
static struct ib_client *kf_client;
int kshim_dev_wc_flags;
static LIST_HEAD(kf_handlers);
static LIST_HEAD(kf_pds);
static LIST_HEAD(kf_cqs);
static LIST_HEAD(kf_qps);
static LIST_HEAD(kf_srqs);
static LIST_HEAD(kf_ahs);
static LIST_HEAD(kf_mrs);

static void kf_dev_op(void)
{
}

#define KF_BUG(what)	kshim_bug(what, __FILE__, __LINE__)

static void kf_check(const void *obj, u32 magic, u32 want, const char *what)
{
	if (!obj || magic != want)
		kshim_bug(what, __FILE__, __LINE__);
}

#define KF_OBJ(type, ptr, want, what)					\
({									\
	struct type *_o = container_of(ptr, struct type, ib);		\
									\
	kf_check(ptr, (ptr) ? _o->ib.magic : 0, want, what);		\
	_o;								\
})

/* Everything the device does is done with the device registered. */
static void kf_live(void)
{
	if (!kf_registered)
		KF_BUG("verb on an unregistered device");
}

void kshim_ib_reset(u8 profile)
{
	bool small = profile & KSHIM_PROF_SMALL;
	struct ib_device_attr *a = &kf_dev.attrs;
	unsigned int i;

	kf_profile = profile;
	memset(&kf_dev, 0, sizeof(kf_dev));
	snprintf(kf_dev.name, sizeof(kf_dev.name), "rxe0");
	kf_dev.dev.name = kf_dev.name;
	kf_dev.node_guid = 0x1122334455667788ULL;
	kf_dev.num_comp_vectors = 1;
	kf_dev.phys_port_cnt = 1;
	kf_dev.ops.driver_id = profile & KSHIM_PROF_NOT_RXE ?
			       RDMA_DRIVER_UNKNOWN : RDMA_DRIVER_RXE;
	if (!(profile & KSHIM_PROF_NO_RESIZE))
		kf_dev.ops.resize_cq = kf_dev_op;
	kf_dev.ops.modify_srq = kf_dev_op;
	if (!(profile & KSHIM_PROF_NO_MCAST)) {
		kf_dev.ops.attach_mcast = kf_dev_op;
		kf_dev.ops.detach_mcast = kf_dev_op;
	}
	a->fw_ver = 1;
	a->max_mr_size = 1ULL << 32;
	a->page_size_cap = 0xfffff000;
	a->vendor_id = 0xffffff;
	a->max_qp = 64;
	a->max_qp_wr = small ? 16 : 1024;
	a->device_cap_flags = IB_DEVICE_RC_RNR_NAK_GEN |
			      IB_DEVICE_PORT_ACTIVE_EVENT |
			      IB_DEVICE_SYS_IMAGE_GUID |
			      IB_DEVICE_LOCAL_DMA_LKEY;
	if (!(profile & KSHIM_PROF_NO_RESIZE))
		a->device_cap_flags |= IB_DEVICE_SRQ_RESIZE;
	a->max_send_sge = small ? 2 : 32;
	a->max_recv_sge = small ? 2 : 32;
	a->max_sge_rd = 32;
	a->max_cq = 64;
	a->max_cqe = small ? 16 : 4096;
	a->max_mr = 256;
	a->max_pd = 64;
	a->max_qp_rd_atom = 16;
	a->max_qp_init_rd_atom = 16;
	a->max_srq = profile & KSHIM_PROF_NO_SRQ ? 0 : 32;
	a->max_srq_wr = small ? 16 : 1024;
	a->max_srq_sge = small ? 2 : 32;
	a->max_ah = 256;
	a->max_pkeys = 1;
	a->local_ca_ack_delay = 15;
	a->atomic_cap = IB_ATOMIC_HCA;
	a->max_mcast_qp_attach = profile & KSHIM_PROF_NO_MCAST ? 0 : 2;

	memset(&kf_port, 0, sizeof(kf_port));
	kf_port.state = IB_PORT_ACTIVE;
	kf_port.max_mtu = IB_MTU_4096;
	kf_port.active_mtu = IB_MTU_1024;
	kf_port.gid_tbl_len = KF_GIDS;
	kf_port.pkey_tbl_len = 1;
	kf_port.max_msg_sz = 1U << 31;
	kf_port.lid = profile & KSHIM_PROF_IB ? 5 : 0;
	kf_port.phys_state = 5;

	memset(kf_gids, 0, sizeof(kf_gids));
	for (i = 0; i < 2; i++) {
		kf_gids[i].index = i;
		kf_gids[i].port_num = 1;
		kf_gids[i].gid_type = IB_GID_TYPE_ROCE_UDP_ENCAP;
	}
	kf_gids[0].gid.raw[0] = 0xfe;
	kf_gids[0].gid.raw[1] = 0x80;
	kf_gids[0].gid.raw[15] = 1;
	kf_gids[1].gid.raw[10] = 0xff;
	kf_gids[1].gid.raw[11] = 0xff;
	kf_gids[1].gid.raw[12] = 10;
	kf_gids[1].gid.raw[15] = 1;

	kf_registered = true;
	kf_refs = 0;
	kf_next_qpn = 17;
	kf_next_key = 0x100;
}

struct ib_device *kshim_ibdev(void)
{
	return &kf_dev;
}

bool kshim_dev_registered(void)
{
	return kf_registered;
}

static long kf_nobjs(void)
{
	struct list_head *lists[] = { &kf_pds, &kf_cqs, &kf_qps, &kf_srqs,
				      &kf_ahs, &kf_mrs };
	struct list_head *p;
	unsigned int i;
	long n = 0;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		for (p = lists[i]->next; p != lists[i]; p = p->next)
			n++;
	return n;
}

void kshim_dev_set_registered(bool on)
{
	if (on) {
		kf_registered = true;
		return;
	}
	/*
	 * ib_unregister_device(): the clients' remove callbacks, then it
	 * waits until the last reference is gone, with every object of
	 * its clients destroyed.
	 */
	if (kf_client && kf_registered)
		kf_client->remove(&kf_dev, NULL);
	if (kf_refs)
		KF_BUG("device references left after the client's remove (unregistration hangs)");
	if (kf_nobjs())
		KF_BUG("device objects left after the client's remove");
	if (!list_empty(&kf_handlers))
		KF_BUG("event handler left after the client's remove");
	kf_registered = false;
}

struct ib_client *kshim_client(void)
{
	return kf_client;
}

/* ---- device, port, clients ---------------------------------------------- */

struct ib_device *ib_device_get_by_name(const char *name,
					enum rdma_driver_id driver_id)
{
	(void)driver_id;
	if (!kf_registered || strcmp(name, kf_dev.name))
		return NULL;
	kf_refs++;
	kshim_counts.dev_refs++;
	return &kf_dev;
}

void ib_device_put(struct ib_device *ibdev)
{
	if (ibdev != &kf_dev || kf_refs <= 0)
		KF_BUG("ib_device_put() without a reference");
	kf_refs--;
	kshim_counts.dev_refs--;
}

bool rdma_is_port_valid(const struct ib_device *ibdev, u32 port)
{
	return port >= 1 && port <= ibdev->phys_port_cnt;
}

bool rdma_protocol_roce(const struct ib_device *ibdev, u32 port)
{
	(void)ibdev;
	(void)port;
	return !(kf_profile & KSHIM_PROF_IB);
}

enum rdma_link_layer rdma_port_get_link_layer(struct ib_device *ibdev,
					      u32 port)
{
	return rdma_protocol_roce(ibdev, port) ? IB_LINK_LAYER_ETHERNET :
						 IB_LINK_LAYER_INFINIBAND;
}

enum rdma_ah_attr_type rdma_ah_find_type(struct ib_device *ibdev, u32 port)
{
	return rdma_protocol_roce(ibdev, port) ? RDMA_AH_ATTR_TYPE_ROCE :
						 RDMA_AH_ATTR_TYPE_IB;
}

int ib_query_port(struct ib_device *ibdev, u32 port,
		  struct ib_port_attr *attr)
{
	kf_live();
	if (ibdev != &kf_dev || !rdma_is_port_valid(ibdev, port))
		return -EINVAL;
	if (kshim_fail(KF_VERB))
		return -EIO;
	*attr = kf_port;
	return 0;
}

int ib_query_pkey(struct ib_device *ibdev, u32 port, u16 index, u16 *pkey)
{
	kf_live();
	if (!rdma_is_port_valid(ibdev, port) || index >= kf_port.pkey_tbl_len)
		return -EINVAL;
	if (kshim_fail(KF_VERB))
		return -EIO;
	*pkey = 0xffff;
	return 0;
}

const struct ib_gid_attr *rdma_get_gid_attr(struct ib_device *ibdev, u32 port,
					    u32 index)
{
	struct ib_gid_attr *a;

	kf_live();
	if (!rdma_is_port_valid(ibdev, port) || index >= KF_GIDS ||
	    !kf_gids[index].port_num)
		return ERR_PTR(-ENOENT);
	a = malloc(sizeof(*a));
	if (!a)
		return ERR_PTR(-ENOMEM);
	*a = kf_gids[index];
	kshim_counts.objs++;
	return a;
}

void rdma_put_gid_attr(const struct ib_gid_attr *attr)
{
	free((void *)attr);
	kshim_counts.objs--;
}

int ib_register_client(struct ib_client *client)
{
	kf_client = client;
	return 0;
}

void ib_unregister_client(struct ib_client *client)
{
	if (kf_client != client)
		KF_BUG("ib_unregister_client() of another client");
	kf_client = NULL;
}

void ib_register_event_handler(struct ib_event_handler *h)
{
	kf_live();
	if (h->device != &kf_dev)
		KF_BUG("event handler of another device");
	list_add_tail(&h->list, &kf_handlers);
	kshim_counts.handlers++;
}

void ib_unregister_event_handler(struct ib_event_handler *h)
{
	struct ib_event_handler *e;

	list_for_each_entry(e, &kf_handlers, list)
		if (e == h)
			break;
	if (e != h)
		KF_BUG("ib_unregister_event_handler() of a handler not registered");
	list_del(&h->list);
	kshim_counts.handlers--;
}

/* ---- PDs ----------------------------------------------------------------- */

struct ib_pd *ib_alloc_pd(struct ib_device *ibdev, unsigned int flags)
{
	struct kf_pd *pd;

	might_sleep();
	kf_live();
	if (ibdev != &kf_dev)
		KF_BUG("ib_alloc_pd() on another device");
	if (flags)
		KF_BUG("a PD with flags (IB_PD_UNSAFE_GLOBAL_RKEY?)");
	if (kshim_fail(KF_CREATE))
		return ERR_PTR(-ENOMEM);
	pd = calloc(1, sizeof(*pd));
	if (!pd)
		return ERR_PTR(-ENOMEM);
	pd->ib.device = ibdev;
	pd->ib.magic = KF_PD_MAGIC;
	/* Valid for every address of this domain: no guest may name it. */
	pd->ib.local_dma_lkey = 0xd3a00000U | (kf_next_key++ & 0xffff);
	list_add_tail(&pd->node, &kf_pds);
	kshim_counts.objs++;
	return &pd->ib;
}

void ib_dealloc_pd(struct ib_pd *ibpd)
{
	struct kf_pd *pd = KF_OBJ(kf_pd, ibpd, KF_PD_MAGIC,
				  "ib_dealloc_pd() of no live PD");

	might_sleep();
	if (pd->users)
		KF_BUG("ib_dealloc_pd() of a PD still in use");
	pd->ib.magic = 0;
	list_del(&pd->node);
	free(pd);
	kshim_counts.objs--;
}

/* ---- CQs ----------------------------------------------------------------- */

struct ib_cq *ib_create_cq(struct ib_device *ibdev, ib_comp_handler comp,
			   void (*event)(struct ib_event *ev, void *ctx),
			   void *ctx, const struct ib_cq_init_attr *attr)
{
	struct kf_cq *cq;

	might_sleep();
	kf_live();
	if (ibdev != &kf_dev)
		KF_BUG("ib_create_cq() on another device");
	if (!attr->cqe || attr->cqe > (unsigned int)kf_dev.attrs.max_cqe ||
	    attr->comp_vector >= (u32)kf_dev.num_comp_vectors)
		return ERR_PTR(-EINVAL);
	if (kshim_fail(KF_CREATE))
		return ERR_PTR(-ENOMEM);
	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return ERR_PTR(-ENOMEM);
	cq->ring = calloc(attr->cqe, sizeof(*cq->ring));
	if (!cq->ring) {
		free(cq);
		return ERR_PTR(-ENOMEM);
	}
	cq->size = attr->cqe;
	cq->ib.device = ibdev;
	cq->ib.cqe = (int)attr->cqe;
	cq->ib.comp_handler = comp;
	cq->ib.event_handler = event;
	cq->ib.cq_context = ctx;
	cq->ib.magic = KF_CQ_MAGIC;
	list_add_tail(&cq->node, &kf_cqs);
	kshim_counts.objs++;
	return &cq->ib;
}

int ib_destroy_cq(struct ib_cq *ibcq)
{
	struct kf_cq *cq = KF_OBJ(kf_cq, ibcq, KF_CQ_MAGIC,
				  "ib_destroy_cq() of no live CQ");

	might_sleep();
	if (cq->users)
		KF_BUG("ib_destroy_cq() of a CQ a QP still uses");
	cq->ib.magic = 0;
	list_del(&cq->node);
	free(cq->ring);
	free(cq);
	kshim_counts.objs--;
	return 0;
}

int ib_resize_cq(struct ib_cq *ibcq, int cqe)
{
	struct kf_cq *cq = KF_OBJ(kf_cq, ibcq, KF_CQ_MAGIC,
				  "ib_resize_cq() of no live CQ");
	struct ib_wc *ring;
	u32 i;

	might_sleep();
	kf_live();
	if (!kf_dev.ops.resize_cq)
		return -EOPNOTSUPP;
	if (cqe <= 0 || cqe > kf_dev.attrs.max_cqe || (u32)cqe < cq->count)
		return -EINVAL;
	if (kshim_fail(KF_VERB))
		return -ENOMEM;
	ring = calloc((size_t)cqe, sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	for (i = 0; i < cq->count; i++)
		ring[i] = cq->ring[(cq->head + i) % cq->size];
	free(cq->ring);
	cq->ring = ring;
	cq->head = 0;
	cq->size = (u32)cqe;
	cq->ib.cqe = cqe;
	return 0;
}

int ib_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags)
{
	struct kf_cq *cq = KF_OBJ(kf_cq, ibcq, KF_CQ_MAGIC,
				  "ib_req_notify_cq() of no live CQ");

	cq->armed = true;
	return (flags & IB_CQ_REPORT_MISSED_EVENTS) && cq->count ? 1 : 0;
}

int ib_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc)
{
	struct kf_cq *cq = KF_OBJ(kf_cq, ibcq, KF_CQ_MAGIC,
				  "ib_poll_cq() of no live CQ");
	int n = 0;

	while (n < num_entries && cq->count) {
		wc[n++] = cq->ring[cq->head];
		cq->head = (cq->head + 1) % cq->size;
		cq->count--;
	}
	return n;
}

/* Device context: the handlers run as from an interrupt. */
static void kf_event(void (*fn)(struct ib_event *ev, void *ctx),
		     struct ib_event *ev, void *ctx)
{
	if (!fn)
		return;
	kshim_atomic_depth++;
	fn(ev, ctx);
	kshim_atomic_depth--;
}

static void kf_cq_push(struct kf_cq *cq, const struct ib_wc *wc)
{
	if (cq->count == cq->size) {
		struct ib_event ev = {
			.device = &kf_dev,
			.element.cq = &cq->ib,
			.event = IB_EVENT_CQ_ERR,
		};

		kf_event(cq->ib.event_handler, &ev, cq->ib.cq_context);
		return;
	}
	cq->ring[(cq->head + cq->count) % cq->size] = *wc;
	cq->count++;
	if (cq->armed && cq->ib.comp_handler) {
		cq->armed = false;
		kshim_atomic_depth++;
		cq->ib.comp_handler(&cq->ib, cq->ib.cq_context);
		kshim_atomic_depth--;
	}
}

/* ---- MRs and SGEs -------------------------------------------------------- */

static struct kf_mr *kf_mr_by_key(u32 lkey)
{
	struct kf_mr *mr;

	list_for_each_entry(mr, &kf_mrs, node)
		if (mr->ib.lkey == lkey)
			return mr;
	return NULL;
}

u32 kshim_dev_lkey(unsigned int n)
{
	struct kf_mr *mr;

	list_for_each_entry(mr, &kf_mrs, node)
		if (mr->registered && !n--)
			return mr->ib.lkey;
	return 0;
}

/*
 * Checks the SGEs of a work request posted on a queue of @pd; returns
 * the completion status the device will give it.
 */
static enum ib_wc_status kf_sges(const struct ib_pd *pd,
				 const struct ib_sge *sg, int n, bool write)
{
	enum ib_wc_status st = IB_WC_SUCCESS;
	int i;

	for (i = 0; i < n; i++) {
		struct kf_mr *mr = kf_mr_by_key(sg[i].lkey);
		u64 end;

		if (!mr)
			KF_BUG("hole 1: SGE with a key of no MR (a local DMA key, forged or stale)");
		if (!mr->registered) {
			/* The poison key: refused by the device. */
			if (sg[i].addr)
				KF_BUG("SGE with the poison key kept the guest's address");
			kshim_counts.bad_key_posts++;
			st = IB_WC_LOC_PROT_ERR;
			continue;
		}
		if (mr->ib.pd != pd)
			KF_BUG("hole 1: SGE with the key of an MR of another PD");
		if (!sg[i].length)
			continue;
		if (check_add_overflow(sg[i].addr, (u64)sg[i].length, &end) ||
		    sg[i].addr < mr->ib.iova ||
		    end > mr->ib.iova + mr->ib.length ||
		    (write && !(mr->access & IB_ACCESS_LOCAL_WRITE)))
			st = IB_WC_LOC_PROT_ERR;
	}
	return st;
}

/* The device's DMA of one SGE: the first and the last octet. */
static void kf_touch(const struct ib_sge *sg, bool write)
{
	struct kf_mr *mr = kf_mr_by_key(sg->lkey);
	u64 off[2];
	unsigned int i;

	if (!mr || !mr->registered || !sg->length)
		return;
	off[0] = sg->addr - mr->ib.iova + mr->first_off;
	off[1] = off[0] + sg->length - 1;
	for (i = 0; i < 2; i++) {
		u64 pg = off[i] >> PAGE_SHIFT;
		volatile u8 *p;

		if (pg >= mr->npages)
			KF_BUG("MR shorter than its registered length");
		p = (u8 *)page_address(mr->pages[pg]) + offset_in_page(off[i]);
		if (write)
			*p = *p;
		else
			(void)*p;
	}
}

struct ib_mr *ib_alloc_mr(struct ib_pd *ibpd, enum ib_mr_type type,
			  u32 max_num_sg)
{
	struct kf_pd *pd = KF_OBJ(kf_pd, ibpd, KF_PD_MAGIC,
				  "ib_alloc_mr() in no live PD");
	struct kf_mr *mr;

	might_sleep();
	kf_live();
	if (type != IB_MR_TYPE_MEM_REG || !max_num_sg)
		return ERR_PTR(-EINVAL);
	if (kshim_fail(KF_CREATE))
		return ERR_PTR(-ENOMEM);
	mr = calloc(1, sizeof(*mr));
	if (!mr)
		return ERR_PTR(-ENOMEM);
	mr->pages = calloc(max_num_sg, sizeof(*mr->pages));
	if (!mr->pages) {
		free(mr);
		return ERR_PTR(-ENOMEM);
	}
	mr->max_sg = max_num_sg;
	mr->ib.device = &kf_dev;
	mr->ib.pd = ibpd;
	mr->ib.lkey = (kf_next_key++ << 8) | 0x5a;
	mr->ib.rkey = mr->ib.lkey;
	mr->ib.magic = KF_MR_MAGIC;
	pd->users++;
	list_add_tail(&mr->node, &kf_mrs);
	kshim_counts.objs++;
	return &mr->ib;
}

int ib_dereg_mr(struct ib_mr *ibmr)
{
	struct kf_mr *mr = KF_OBJ(kf_mr, ibmr, KF_MR_MAGIC,
				  "ib_dereg_mr() of no live MR");
	struct kf_pd *pd = container_of(mr->ib.pd, struct kf_pd, ib);

	might_sleep();
	pd->users--;
	mr->ib.magic = 0;
	list_del(&mr->node);
	free(mr->pages);
	free(mr);
	kshim_counts.objs--;
	return 0;
}

int ib_dma_map_sg(struct ib_device *ibdev, struct scatterlist *sg, int nents,
		  enum dma_data_direction dir)
{
	int i;

	(void)dir;
	kf_live();
	if (ibdev != &kf_dev)
		KF_BUG("ib_dma_map_sg() on another device");
	if (kshim_fail(KF_VERB))
		return 0;
	for (i = 0; i < nents; i++) {
		/* The page must be mapped: its address is what is DMAed. */
		(void)page_address(sg[i].page);
		sg[i].dma_address = (dma_addr_t)(unsigned long)sg[i].page;
		sg[i].dma_length = sg[i].length;
	}
	kshim_counts.dma_maps++;
	return nents;
}

void ib_dma_unmap_sg(struct ib_device *ibdev, struct scatterlist *sg,
		     int nents, enum dma_data_direction dir)
{
	(void)ibdev;
	(void)sg;
	(void)nents;
	(void)dir;
	if (kshim_counts.dma_maps <= 0)
		KF_BUG("ib_dma_unmap_sg() without a mapping");
	kshim_counts.dma_maps--;
}

int ib_map_mr_sg(struct ib_mr *ibmr, struct scatterlist *sg, int sg_nents,
		 unsigned int *sg_offset, unsigned int page_size)
{
	struct kf_mr *mr = KF_OBJ(kf_mr, ibmr, KF_MR_MAGIC,
				  "ib_map_mr_sg() of no live MR");
	int i, n = min_t(int, sg_nents, (int)mr->max_sg);

	if (page_size != PAGE_SIZE)
		return -EINVAL;
	if (kshim_fail(KF_VERB))
		return -ENOMEM;
	for (i = 0; i < n; i++)
		mr->pages[i] = sg[i].page;
	mr->npages = (u32)n;
	mr->first_off = sg_offset ? *sg_offset : 0;
	return n;
}

/* ---- QPs and SRQs -------------------------------------------------------- */

static int kf_q_init(struct kf_q *q, u32 cap)
{
	q->cap = cap;
	q->head = 0;
	q->n = 0;
	q->w = calloc(cap ? cap : 1, sizeof(*q->w));
	return q->w ? 0 : -ENOMEM;
}

static struct kf_wr *kf_q_push(struct kf_q *q)
{
	struct kf_wr *w;

	if (q->n == q->cap)
		return NULL;
	w = &q->w[(q->head + q->n) % q->cap];
	q->n++;
	memset(w, 0, sizeof(*w));
	return w;
}

static struct kf_wr *kf_q_pop(struct kf_q *q)
{
	struct kf_wr *w;

	if (!q->n)
		return NULL;
	w = &q->w[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	return w;
}

struct ib_qp *ib_create_qp(struct ib_pd *ibpd, struct ib_qp_init_attr *attr)
{
	struct kf_pd *pd = KF_OBJ(kf_pd, ibpd, KF_PD_MAGIC,
				  "ib_create_qp() in no live PD");
	struct kf_cq *scq = KF_OBJ(kf_cq, attr->send_cq, KF_CQ_MAGIC,
				   "ib_create_qp() with no live send CQ");
	struct kf_cq *rcq = KF_OBJ(kf_cq, attr->recv_cq, KF_CQ_MAGIC,
				   "ib_create_qp() with no live receive CQ");
	struct kf_srq *srq = NULL;
	const struct ib_device_attr *a = &kf_dev.attrs;
	struct ib_qp_cap *c = &attr->cap;
	struct kf_qp *qp;

	might_sleep();
	kf_live();
	if (attr->srq)
		srq = KF_OBJ(kf_srq, attr->srq, KF_SRQ_MAGIC,
			     "ib_create_qp() with no live SRQ");
	if (attr->qp_type != IB_QPT_RC && attr->qp_type != IB_QPT_UC &&
	    attr->qp_type != IB_QPT_UD)
		return ERR_PTR(-EOPNOTSUPP);
	if (c->max_send_wr > (u32)a->max_qp_wr ||
	    c->max_send_sge > (u32)a->max_send_sge ||
	    c->max_inline_data > KF_MAX_INLINE ||
	    (!srq && (c->max_recv_wr > (u32)a->max_qp_wr ||
		      c->max_recv_sge > (u32)a->max_recv_sge)))
		return ERR_PTR(-EINVAL);
	if (kshim_fail(KF_CREATE))
		return ERR_PTR(-ENOMEM);
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return ERR_PTR(-ENOMEM);
	if (srq) {
		c->max_recv_wr = 0;
		c->max_recv_sge = 0;
	}
	if (kf_q_init(&qp->sq, c->max_send_wr) ||
	    kf_q_init(&qp->rq, c->max_recv_wr)) {
		free(qp->sq.w);
		free(qp->rq.w);
		free(qp);
		return ERR_PTR(-ENOMEM);
	}
	qp->cap = *c;
	qp->sig = attr->sq_sig_type;
	qp->state = IB_QPS_RESET;
	qp->ib.device = &kf_dev;
	qp->ib.pd = ibpd;
	qp->ib.send_cq = attr->send_cq;
	qp->ib.recv_cq = attr->recv_cq;
	qp->ib.srq = attr->srq;
	qp->ib.event_handler = attr->event_handler;
	qp->ib.qp_context = attr->qp_context;
	qp->ib.qp_type = attr->qp_type;
	qp->ib.qp_num = kf_next_qpn++ & 0xffffff;
	qp->ib.magic = KF_QP_MAGIC;
	pd->users++;
	scq->users++;
	rcq->users++;
	if (srq)
		srq->users++;
	list_add_tail(&qp->node, &kf_qps);
	kshim_counts.objs++;
	return &qp->ib;
}

int ib_destroy_qp(struct ib_qp *ibqp)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_destroy_qp() of no live QP");

	might_sleep();
	/* Unless the device refused to detach it (nothing to be done). */
	if (qp->nmcast && !qp->detach_failed)
		KF_BUG("ib_destroy_qp() of a QP still in multicast groups");
	container_of(qp->ib.pd, struct kf_pd, ib)->users--;
	container_of(qp->ib.send_cq, struct kf_cq, ib)->users--;
	container_of(qp->ib.recv_cq, struct kf_cq, ib)->users--;
	if (qp->ib.srq)
		container_of(qp->ib.srq, struct kf_srq, ib)->users--;
	/* Its completions stay in the CQs, naming a freed QP. */
	qp->ib.magic = 0;
	list_del(&qp->node);
	free(qp->sq.w);
	free(qp->rq.w);
	free(qp);
	kshim_counts.objs--;
	return 0;
}

static struct kf_cq *kf_cq_of(struct ib_cq *ibcq)
{
	return container_of(ibcq, struct kf_cq, ib);
}

/* Completes @w of @qp with @st into @cq (sends: signaled or failed only). */
static void kf_wc(struct kf_qp *qp, struct ib_cq *cq, const struct kf_wr *w,
		  enum ib_wc_status st, bool recv)
{
	struct ib_wc wc = {
		.wr_id = w->wr_id,
		.status = st,
		.opcode = w->opcode,
		.qp = &qp->ib,
		.port_num = 1,
	};

	if (!recv && !w->signaled && st == IB_WC_SUCCESS)
		return;
	if (st == IB_WC_SUCCESS) {
		wc.byte_len = w->byte_len;
		if (recv && qp->ib.qp_type == IB_QPT_UD)
			wc.wc_flags = IB_WC_GRH;
		if (recv) {
			wc.wc_flags |= kshim_dev_wc_flags;
			wc.ex.imm_data = 0x04030201;
			wc.smac[0] = 0x02;
			wc.vlan_id = 7;
			wc.network_hdr_type = 2;
			if (kshim_dev_wc_flags & IB_WC_WITH_INVALIDATE)
				wc.opcode = IB_WC_RECV_RDMA_WITH_IMM;
		}
		wc.src_qp = qp->ib.qp_num;
	} else {
		wc.vendor_err = 0x42;
	}
	kf_cq_push(kf_cq_of(cq), &wc);
}

/* The error state: every queued WR completes with a flush error. */
static void kf_qp_flush(struct kf_qp *qp)
{
	struct kf_wr *w;

	while ((w = kf_q_pop(&qp->sq)))
		kf_wc(qp, qp->ib.send_cq, w, IB_WC_WR_FLUSH_ERR, false);
	while ((w = kf_q_pop(&qp->rq)))
		kf_wc(qp, qp->ib.recv_cq, w, IB_WC_WR_FLUSH_ERR, true);
}

/* Attributes a transition needs (the IB spec's table, RC/UC/UD only). */
static int kf_qp_needs(enum ib_qp_type t, enum ib_qp_state from,
		       enum ib_qp_state to)
{
	if (from == IB_QPS_RESET && to == IB_QPS_INIT)
		return IB_QP_PKEY_INDEX | IB_QP_PORT |
		       (t == IB_QPT_UD ? IB_QP_QKEY : IB_QP_ACCESS_FLAGS);
	if (from == IB_QPS_INIT && to == IB_QPS_RTR) {
		if (t == IB_QPT_RC)
			return IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN |
			       IB_QP_RQ_PSN | IB_QP_MAX_DEST_RD_ATOMIC |
			       IB_QP_MIN_RNR_TIMER;
		if (t == IB_QPT_UC)
			return IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN |
			       IB_QP_RQ_PSN;
		return 0;
	}
	if (from == IB_QPS_RTR && to == IB_QPS_RTS) {
		if (t == IB_QPT_RC)
			return IB_QP_SQ_PSN | IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
			       IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC;
		return IB_QP_SQ_PSN;
	}
	return 0;
}

static bool kf_qp_can(enum ib_qp_state from, enum ib_qp_state to)
{
	if (to == IB_QPS_RESET || to == IB_QPS_ERR)
		return true;
	switch (from) {
	case IB_QPS_RESET:
		return to == IB_QPS_INIT;
	case IB_QPS_INIT:
		return to == IB_QPS_INIT || to == IB_QPS_RTR;
	case IB_QPS_RTR:
		return to == IB_QPS_RTS;
	case IB_QPS_RTS:
	case IB_QPS_SQD:
		return to == IB_QPS_RTS || to == IB_QPS_SQD;
	case IB_QPS_SQE:
		return to == IB_QPS_RTS;
	default:
		return false;
	}
}

static int kf_av_ok(const struct rdma_ah_attr *ah)
{
	if (!rdma_is_port_valid(&kf_dev, ah->port_num) ||
	    ah->type != rdma_ah_find_type(&kf_dev, ah->port_num))
		return -EINVAL;
	if (ah->type == RDMA_AH_ATTR_TYPE_ROCE) {
		if (!(ah->ah_flags & IB_AH_GRH))
			return -EINVAL;
	}
	if ((ah->ah_flags & IB_AH_GRH) &&
	    (ah->grh.sgid_index >= KF_GIDS ||
	     !kf_gids[ah->grh.sgid_index].port_num))
		return -EINVAL;
	return 0;
}

int ib_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_modify_qp() of no live QP");
	enum ib_qp_state to = mask & IB_QP_STATE ? attr->qp_state : qp->state;
	int need;

	might_sleep();
	kf_live();
	if ((mask & IB_QP_CUR_STATE) && attr->cur_qp_state != qp->state)
		return -EINVAL;
	if ((unsigned int)to > IB_QPS_ERR || !kf_qp_can(qp->state, to))
		return -EINVAL;
	need = kf_qp_needs(qp->ib.qp_type, qp->state, to);
	if ((mask & need) != need)
		return -EINVAL;
	if ((mask & IB_QP_PORT) && !rdma_is_port_valid(&kf_dev, attr->port_num))
		return -EINVAL;
	if ((mask & IB_QP_PKEY_INDEX) &&
	    attr->pkey_index >= kf_port.pkey_tbl_len)
		return -EINVAL;
	if ((mask & IB_QP_AV) && kf_av_ok(&attr->ah_attr))
		return -EINVAL;
	if ((mask & IB_QP_ALT_PATH) && kf_av_ok(&attr->alt_ah_attr))
		return -EINVAL;
	if ((mask & IB_QP_MAX_QP_RD_ATOMIC) &&
	    attr->max_rd_atomic > kf_dev.attrs.max_qp_init_rd_atom)
		return -EINVAL;
	if ((mask & IB_QP_MAX_DEST_RD_ATOMIC) &&
	    attr->max_dest_rd_atomic > kf_dev.attrs.max_qp_rd_atom)
		return -EINVAL;
	if (kshim_fail(KF_VERB))
		return -EINVAL;
	if (mask & IB_QP_QKEY)
		qp->attr.qkey = attr->qkey;
	if (mask & IB_QP_AV)
		qp->attr.ah_attr = attr->ah_attr;
	if (mask & IB_QP_ALT_PATH)
		qp->attr.alt_ah_attr = attr->alt_ah_attr;
	if (mask & IB_QP_RETRY_CNT)
		qp->attr.retry_cnt = attr->retry_cnt;
	if (mask & IB_QP_SQ_PSN)
		qp->attr.sq_psn = attr->sq_psn;
	if (mask & IB_QP_RQ_PSN)
		qp->attr.rq_psn = attr->rq_psn;
	if (mask & IB_QP_DEST_QPN)
		qp->attr.dest_qp_num = attr->dest_qp_num;
	if (mask & IB_QP_PORT)
		qp->attr.port_num = attr->port_num;
	if (mask & IB_QP_PATH_MTU)
		qp->attr.path_mtu = attr->path_mtu;
	qp->state = to;
	if (to == IB_QPS_ERR) {
		kf_qp_flush(qp);
	} else if (to == IB_QPS_RESET) {
		qp->sq.n = 0;
		qp->rq.n = 0;
	}
	return 0;
}

int ib_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		struct ib_qp_init_attr *init)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_query_qp() of no live QP");

	(void)mask;
	kf_live();
	if (kshim_fail(KF_VERB))
		return -EIO;
	*attr = qp->attr;
	attr->qp_state = qp->state;
	attr->cur_qp_state = qp->state;
	attr->cap = qp->cap;
	memset(init, 0, sizeof(*init));
	init->cap = qp->cap;
	init->qp_type = qp->ib.qp_type;
	init->sq_sig_type = qp->sig;
	return 0;
}

static enum ib_wc_opcode kf_wc_opcode(enum ib_wr_opcode op)
{
	switch (op) {
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		return IB_WC_RDMA_WRITE;
	case IB_WR_RDMA_READ:
		return IB_WC_RDMA_READ;
	case IB_WR_ATOMIC_CMP_AND_SWP:
		return IB_WC_COMP_SWAP;
	case IB_WR_ATOMIC_FETCH_AND_ADD:
		return IB_WC_FETCH_ADD;
	case IB_WR_REG_MR:
		return IB_WC_REG_MR;
	default:
		return IB_WC_SEND;
	}
}

static bool kf_op_ok(enum ib_qp_type t, enum ib_wr_opcode op)
{
	switch (op) {
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_IMM:
	case IB_WR_REG_MR:
		return true;
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		return t != IB_QPT_UD;
	case IB_WR_RDMA_READ:
	case IB_WR_ATOMIC_CMP_AND_SWP:
	case IB_WR_ATOMIC_FETCH_AND_ADD:
		return t == IB_QPT_RC;
	default:
		return false;
	}
}

/* Executes a REG_MR at once: the backend waits for its completion. */
static void kf_reg_mr(struct kf_qp *qp, const struct ib_send_wr *wr,
		      struct kf_wr *w)
{
	const struct ib_reg_wr *reg = container_of(wr, struct ib_reg_wr, wr);
	struct kf_mr *mr = KF_OBJ(kf_mr, reg->mr, KF_MR_MAGIC,
				  "REG_MR of no live MR");

	if (mr->ib.pd != qp->ib.pd)
		KF_BUG("REG_MR on a QP of another PD");
	if (reg->key != mr->ib.lkey)
		KF_BUG("REG_MR with another key");
	w->status = IB_WC_SUCCESS;
	if (kshim_fail(KF_REGLOST)) {
		/* Lost: the QP is stuck, nothing completes. */
		kf_q_pop(&qp->sq);
		return;
	}
	if (kshim_fail(KF_REGWC)) {
		w->status = IB_WC_LOC_PROT_ERR;
	} else {
		mr->registered = true;
		mr->access = reg->access;
	}
	kf_q_pop(&qp->sq);
	kf_wc(qp, qp->ib.send_cq, w, w->status, false);
	if (w->status != IB_WC_SUCCESS) {
		qp->state = IB_QPS_ERR;
		kf_qp_flush(qp);
	}
}

int ib_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_post_send() on no live QP");
	struct kf_wr *w;
	int i;

	kf_live();
	for (; wr; wr = wr->next) {
		u8 inl[KF_MAX_INLINE];
		u32 len = 0;

		*bad = wr;
		if (qp->state < IB_QPS_RTS && qp->state != IB_QPS_ERR)
			return -EINVAL;
		if (!kf_op_ok(qp->ib.qp_type, wr->opcode) ||
		    wr->num_sge < 0 || (u32)wr->num_sge > qp->cap.max_send_sge)
			return -EINVAL;
		if (kshim_fail(KF_POST))
			return -ENOMEM;
		w = kf_q_push(&qp->sq);
		if (!w)
			return -ENOMEM;
		w->wr_id = wr->wr_id;
		w->opcode = kf_wc_opcode(wr->opcode);
		w->signaled = qp->sig == IB_SIGNAL_ALL_WR ||
			      (wr->send_flags & IB_SEND_SIGNALED);
		if (wr->opcode == IB_WR_REG_MR) {
			kf_reg_mr(qp, wr, w);
			continue;
		}
		if (wr->send_flags & IB_SEND_INLINE) {
			/* The device copies inline data while posting. */
			for (i = 0; i < wr->num_sge; i++) {
				if (len + wr->sg_list[i].length >
				    qp->cap.max_inline_data) {
					qp->sq.n--;
					return -EINVAL;
				}
				memcpy(inl + len, (void *)(unsigned long)
				       wr->sg_list[i].addr,
				       wr->sg_list[i].length);
				len += wr->sg_list[i].length;
			}
		} else {
			/* READ and atomics write into the local MR. */
			w->write = wr->opcode == IB_WR_RDMA_READ ||
				   wr->opcode == IB_WR_ATOMIC_CMP_AND_SWP ||
				   wr->opcode == IB_WR_ATOMIC_FETCH_AND_ADD;
			w->status = kf_sges(qp->ib.pd, wr->sg_list,
					    wr->num_sge, w->write);
			w->nsge = min_t(u32, (u32)wr->num_sge, KF_SGES);
			memcpy(w->sge, wr->sg_list, w->nsge * sizeof(*w->sge));
			for (i = 0; i < wr->num_sge; i++)
				len += wr->sg_list[i].length;
		}
		w->byte_len = len;
		if (qp->ib.qp_type == IB_QPT_UD) {
			const struct ib_ud_wr *ud = container_of(wr,
							struct ib_ud_wr, wr);
			struct kf_ah *ah = KF_OBJ(kf_ah, ud->ah, KF_AH_MAGIC,
						  "UD send with no live AH");

			if (ah->ib.pd != qp->ib.pd)
				KF_BUG("UD send with an AH of another PD");
		}
		kshim_counts.posts++;
		if (qp->state == IB_QPS_ERR) {
			w = kf_q_pop(&qp->sq);
			kf_wc(qp, qp->ib.send_cq, w, IB_WC_WR_FLUSH_ERR, false);
		}
	}
	*bad = NULL;
	return 0;
}

int ib_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_post_recv() on no live QP");
	struct kf_wr *w;
	int i;

	kf_live();
	for (; wr; wr = wr->next) {
		*bad = wr;
		if (qp->ib.srq || qp->state == IB_QPS_RESET)
			return -EINVAL;
		if (wr->num_sge < 0 || (u32)wr->num_sge > qp->cap.max_recv_sge)
			return -EINVAL;
		if (kshim_fail(KF_POST))
			return -ENOMEM;
		w = kf_q_push(&qp->rq);
		if (!w)
			return -ENOMEM;
		w->wr_id = wr->wr_id;
		w->opcode = IB_WC_RECV;
		w->write = true;
		w->status = kf_sges(qp->ib.pd, wr->sg_list, wr->num_sge, true);
		w->nsge = min_t(u32, (u32)wr->num_sge, KF_SGES);
		memcpy(w->sge, wr->sg_list, w->nsge * sizeof(*w->sge));
		for (i = 0; i < wr->num_sge; i++)
			w->byte_len += wr->sg_list[i].length;
		kshim_counts.posts++;
		if (qp->state == IB_QPS_ERR) {
			w = kf_q_pop(&qp->rq);
			kf_wc(qp, qp->ib.recv_cq, w, IB_WC_WR_FLUSH_ERR, true);
		}
	}
	*bad = NULL;
	return 0;
}

int ib_attach_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_attach_mcast() of no live QP");

	(void)lid;
	might_sleep();
	kf_live();
	if (!kf_dev.ops.attach_mcast)
		return -EOPNOTSUPP;
	if (qp->ib.qp_type != IB_QPT_UD || gid->raw[0] != 0xff)
		return -EINVAL;
	if (qp->nmcast >= kf_dev.attrs.max_mcast_qp_attach)
		return -ENOMEM;
	if (kshim_fail(KF_VERB))
		return -ENOMEM;
	qp->nmcast++;
	return 0;
}

int ib_detach_mcast(struct ib_qp *ibqp, union ib_gid *gid, u16 lid)
{
	struct kf_qp *qp = KF_OBJ(kf_qp, ibqp, KF_QP_MAGIC,
				  "ib_detach_mcast() of no live QP");

	(void)gid;
	(void)lid;
	might_sleep();
	/* A group the QP is not in: refused, as rxe does. */
	if (!qp->nmcast)
		return -EINVAL;
	/* Detaching may fail on a device: the QP stays in the group. */
	if (kshim_fail(KF_VERB)) {
		qp->detach_failed = true;
		return -EINVAL;
	}
	qp->nmcast--;
	return 0;
}

struct ib_srq *ib_create_srq(struct ib_pd *ibpd, struct ib_srq_init_attr *attr)
{
	struct kf_pd *pd = KF_OBJ(kf_pd, ibpd, KF_PD_MAGIC,
				  "ib_create_srq() in no live PD");
	struct kf_srq *srq;

	might_sleep();
	kf_live();
	if (!kf_dev.attrs.max_srq)
		return ERR_PTR(-EOPNOTSUPP);
	if (attr->srq_type != IB_SRQT_BASIC || !attr->attr.max_wr ||
	    attr->attr.max_wr > (u32)kf_dev.attrs.max_srq_wr ||
	    attr->attr.max_sge > (u32)kf_dev.attrs.max_srq_sge ||
	    attr->attr.srq_limit > attr->attr.max_wr)
		return ERR_PTR(-EINVAL);
	if (kshim_fail(KF_CREATE))
		return ERR_PTR(-ENOMEM);
	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return ERR_PTR(-ENOMEM);
	srq->cap = attr->attr.max_wr;
	srq->w = calloc(srq->cap, sizeof(*srq->w));
	srq->busy = calloc(srq->cap, sizeof(*srq->busy));
	if (!srq->w || !srq->busy) {
		free(srq->w);
		free(srq->busy);
		free(srq);
		return ERR_PTR(-ENOMEM);
	}
	srq->attr = attr->attr;
	srq->ib.device = &kf_dev;
	srq->ib.pd = ibpd;
	srq->ib.event_handler = attr->event_handler;
	srq->ib.srq_context = attr->srq_context;
	srq->ib.magic = KF_SRQ_MAGIC;
	pd->users++;
	list_add_tail(&srq->node, &kf_srqs);
	kshim_counts.objs++;
	return &srq->ib;
}

int ib_destroy_srq(struct ib_srq *ibsrq)
{
	struct kf_srq *srq = KF_OBJ(kf_srq, ibsrq, KF_SRQ_MAGIC,
				    "ib_destroy_srq() of no live SRQ");

	might_sleep();
	if (srq->users)
		KF_BUG("ib_destroy_srq() of an SRQ a QP still uses");
	container_of(srq->ib.pd, struct kf_pd, ib)->users--;
	srq->ib.magic = 0;
	list_del(&srq->node);
	free(srq->w);
	free(srq->busy);
	free(srq);
	kshim_counts.objs--;
	return 0;
}

int ib_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr, int mask)
{
	struct kf_srq *srq = KF_OBJ(kf_srq, ibsrq, KF_SRQ_MAGIC,
				    "ib_modify_srq() of no live SRQ");

	might_sleep();
	kf_live();
	if (kshim_fail(KF_VERB))
		return -EINVAL;
	if (mask & IB_SRQ_MAX_WR) {
		bool *busy;
		struct kf_wr *w;

		if (!(kf_dev.attrs.device_cap_flags & IB_DEVICE_SRQ_RESIZE))
			return -EOPNOTSUPP;
		if (attr->max_wr < srq->cap ||
		    attr->max_wr > (u32)kf_dev.attrs.max_srq_wr)
			return -EINVAL;
		w = calloc(attr->max_wr, sizeof(*w));
		busy = calloc(attr->max_wr, sizeof(*busy));
		if (!w || !busy) {
			free(w);
			free(busy);
			return -ENOMEM;
		}
		memcpy(w, srq->w, srq->cap * sizeof(*w));
		memcpy(busy, srq->busy, srq->cap * sizeof(*busy));
		free(srq->w);
		free(srq->busy);
		srq->w = w;
		srq->busy = busy;
		srq->cap = attr->max_wr;
		srq->attr.max_wr = attr->max_wr;
	}
	if (mask & IB_SRQ_LIMIT) {
		if (attr->srq_limit > srq->cap)
			return -EINVAL;
		srq->attr.srq_limit = attr->srq_limit;
	}
	return 0;
}

int ib_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr)
{
	struct kf_srq *srq = KF_OBJ(kf_srq, ibsrq, KF_SRQ_MAGIC,
				    "ib_query_srq() of no live SRQ");

	kf_live();
	if (kshim_fail(KF_VERB))
		return -EIO;
	*attr = srq->attr;
	return 0;
}

int ib_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
		     const struct ib_recv_wr **bad)
{
	struct kf_srq *srq = KF_OBJ(kf_srq, ibsrq, KF_SRQ_MAGIC,
				    "ib_post_srq_recv() on no live SRQ");
	u32 i;
	int k;

	kf_live();
	for (; wr; wr = wr->next) {
		struct kf_wr *w;

		*bad = wr;
		if (wr->num_sge < 0 || (u32)wr->num_sge > srq->attr.max_sge)
			return -EINVAL;
		if (kshim_fail(KF_POST))
			return -ENOMEM;
		for (i = 0; i < srq->cap && srq->busy[i]; i++)
			;
		if (i == srq->cap)
			return -ENOMEM;
		w = &srq->w[i];
		memset(w, 0, sizeof(*w));
		w->wr_id = wr->wr_id;
		w->opcode = IB_WC_RECV;
		w->write = true;
		w->status = kf_sges(srq->ib.pd, wr->sg_list, wr->num_sge, true);
		w->nsge = min_t(u32, (u32)wr->num_sge, KF_SGES);
		memcpy(w->sge, wr->sg_list, w->nsge * sizeof(*w->sge));
		for (k = 0; k < wr->num_sge; k++)
			w->byte_len += wr->sg_list[k].length;
		srq->busy[i] = true;
		srq->n++;
		kshim_counts.posts++;
	}
	*bad = NULL;
	return 0;
}

/* ---- AHs ----------------------------------------------------------------- */

struct ib_ah *rdma_create_user_ah(struct ib_pd *ibpd, struct rdma_ah_attr *attr,
				  void *udata)
{
	struct kf_pd *pd = KF_OBJ(kf_pd, ibpd, KF_PD_MAGIC,
				  "rdma_create_user_ah() in no live PD");
	struct kf_ah *ah;
	unsigned int i;

	(void)udata;
	might_sleep();
	kf_live();
	if (kf_av_ok(attr))
		return ERR_PTR(-EINVAL);
	if (attr->type == RDMA_AH_ATTR_TYPE_ROCE) {
		const u8 *g = attr->grh.dgid.raw;

		/* "Resolves" the neighbour: unreachable if all zero. */
		for (i = 0; i < 16 && !g[i]; i++)
			;
		if (i == 16)
			return ERR_PTR(-EHOSTUNREACH);
		attr->roce.dmac[0] = 0x02;
		memcpy(&attr->roce.dmac[1], &g[11], 5);
	}
	if (kshim_fail(KF_CREATE))
		return ERR_PTR(-ENOMEM);
	ah = calloc(1, sizeof(*ah));
	if (!ah)
		return ERR_PTR(-ENOMEM);
	ah->ib.device = &kf_dev;
	ah->ib.pd = ibpd;
	ah->ib.magic = KF_AH_MAGIC;
	pd->users++;
	list_add_tail(&ah->node, &kf_ahs);
	kshim_counts.objs++;
	return &ah->ib;
}

int rdma_destroy_ah(struct ib_ah *ibah, u32 flags)
{
	struct kf_ah *ah = KF_OBJ(kf_ah, ibah, KF_AH_MAGIC,
				  "rdma_destroy_ah() of no live AH");

	(void)flags;
	might_sleep();
	container_of(ah->ib.pd, struct kf_pd, ib)->users--;
	ah->ib.magic = 0;
	list_del(&ah->node);
	free(ah);
	kshim_counts.objs--;
	return 0;
}

/* ---- what the harness makes the device do -------------------------------- */

static struct kf_qp *kf_nth_qp(unsigned int n)
{
	struct kf_qp *qp;
	unsigned int count = 0;

	list_for_each_entry(qp, &kf_qps, node)
		count++;
	if (!count)
		return NULL;
	n %= count;
	list_for_each_entry(qp, &kf_qps, node)
		if (!n--)
			return qp;
	return NULL;
}

static void kf_exec(const struct kf_wr *w, enum ib_wc_status *st)
{
	u32 i;

	if (*st != IB_WC_SUCCESS)
		return;
	for (i = 0; i < w->nsge; i++) {
		struct kf_mr *mr = kf_mr_by_key(w->sge[i].lkey);

		/* Deregistered since the post: the device refuses it. */
		if (!mr || !mr->registered) {
			*st = IB_WC_LOC_PROT_ERR;
			return;
		}
		kf_touch(&w->sge[i], w->write);
	}
}

void kshim_dev_complete(unsigned int qpn, bool recv, unsigned int n,
			unsigned int slot, enum ib_wc_status status)
{
	struct kf_qp *qp = kf_nth_qp(qpn);
	struct kf_q *q;
	bool first = true;

	if (!qp || !kf_registered)
		return;
	if (recv && qp->ib.srq) {
		struct kf_srq *srq = container_of(qp->ib.srq, struct kf_srq,
						  ib);
		u32 i, k;
		struct kf_wr w;
		enum ib_wc_status st;

		if (!srq->n || qp->state < IB_QPS_RTR)
			return;
		k = slot % srq->n;
		for (i = 0; i < srq->cap; i++)
			if (srq->busy[i] && !k--)
				break;
		w = srq->w[i];
		srq->busy[i] = false;
		srq->n--;
		st = status ? status : w.status;
		kf_exec(&w, &st);
		kf_wc(qp, qp->ib.recv_cq, &w, st, true);
		if (st != IB_WC_SUCCESS) {
			qp->state = IB_QPS_ERR;
			kf_qp_flush(qp);
		}
		return;
	}
	/* A QP that is not ready yet executes nothing. */
	if (qp->state < (recv ? IB_QPS_RTR : IB_QPS_RTS) ||
	    qp->state == IB_QPS_ERR)
		return;
	q = recv ? &qp->rq : &qp->sq;
	while (n-- && q->n) {
		struct kf_wr *w = kf_q_pop(q);
		enum ib_wc_status st = first && status ? status : w->status;

		first = false;
		kf_exec(w, &st);
		kf_wc(qp, recv ? qp->ib.recv_cq : qp->ib.send_cq, w, st, recv);
		if (st != IB_WC_SUCCESS) {
			qp->state = IB_QPS_ERR;
			kf_qp_flush(qp);
			break;
		}
	}
}

void kshim_dev_event(unsigned int kind, unsigned int idx,
		     enum ib_event_type type)
{
	struct ib_event ev = { .device = &kf_dev, .event = type };
	struct ib_event_handler *h, *hn;

	if (!kf_registered)
		return;
	switch (kind % 4) {
	case 0: {
		struct kf_qp *qp = kf_nth_qp(idx);

		if (qp) {
			ev.element.qp = &qp->ib;
			kf_event(qp->ib.event_handler, &ev, qp->ib.qp_context);
		}
		break;
	}
	case 1: {
		struct kf_cq *cq;

		list_for_each_entry(cq, &kf_cqs, node)
			if (!idx--)
				break;
		if (&cq->node != &kf_cqs) {
			ev.element.cq = &cq->ib;
			kf_event(cq->ib.event_handler, &ev, cq->ib.cq_context);
		}
		break;
	}
	case 2: {
		struct kf_srq *srq;

		list_for_each_entry(srq, &kf_srqs, node)
			if (!idx--)
				break;
		if (&srq->node != &kf_srqs) {
			ev.element.srq = &srq->ib;
			kf_event(srq->ib.event_handler, &ev,
				 srq->ib.srq_context);
		}
		break;
	}
	default:
		ev.element.port_num = idx % 3;
		kshim_atomic_depth++;
		list_for_each_entry_safe(h, hn, &kf_handlers, list)
			h->handler(h, &ev);
		kshim_atomic_depth--;
		break;
	}
}
