// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fake.c - the out-of-line half of the fake kernel in tests/fuzz/kshim:
 * allocation with fault injection, the XArray, work items, threads,
 * the xenstore, irqs, debugfs, the fake guest's memory and grant table,
 * and the fake RDMA device (fake_ib.c).
 *
 * Everything runs on one thread.  What the backend gives the fake kernel
 * is checked as the real kernel or device would rely on it; a violation
 * is reported through kshim_bug() (an abort with the place), which
 * libFuzzer records as a crash.
 */

#define _GNU_SOURCE
#include "kshim.h"

#include <sys/mman.h>
#include <unistd.h>

#include "fake.h"
#include "fake_int.h"
#include "linux/debugfs.h"
#include "linux/kthread.h"
#include "linux/workqueue.h"
#include "linux/xarray.h"
#include "xen/events.h"
#include "xen/grant_table.h"
#include "xen/xenbus.h"

int kshim_verbose;
int kshim_atomic_depth;
unsigned long jiffies;
ktime_t kshim_now_ns;
struct kshim_counts kshim_counts;

static unsigned int kshim_fault_nth[KF_COUNT];
static u64 kshim_rng;

void kshim_printk(const char *fmt, ...)
{
	va_list ap;

	if (!kshim_verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void kshim_bug(const char *what, const char *file, int line)
{
	fprintf(stderr, "kshim: backend bug: %s at %s:%d\n", what, file, line);
	abort();
}

/* ---- fault injection ---------------------------------------------------- */

void kshim_fault_set(enum kshim_fault kind, unsigned int nth)
{
	kshim_fault_nth[kind] = nth;
}

void kshim_faults_off(void)
{
	memset(kshim_fault_nth, 0, sizeof(kshim_fault_nth));
}

bool kshim_fail(enum kshim_fault kind)
{
	if (!kshim_fault_nth[kind])
		return false;
	return --kshim_fault_nth[kind] == 0;
}

/* ---- allocation --------------------------------------------------------- */

void *kshim_alloc(size_t n, size_t size, gfp_t gfp, bool zero)
{
	void *p;

	if (gfp & GFP_KERNEL)
		might_sleep();
	if (kshim_fail(KF_ALLOC))
		return NULL;
	if (n && size > SIZE_MAX / n)
		return NULL;
	/* As kvcalloc() does, refuse what the kernel could never give. */
	if (n * size > (256UL << 20))
		return NULL;
	if (zero)
		p = calloc(n ? n : 1, size ? size : 1);
	else
		p = malloc(n * size ? n * size : 1);
	if (p)
		kshim_counts.allocs++;
	return p;
}

void kshim_free(const void *p)
{
	if (!p)
		return;
	kshim_counts.allocs--;
	free((void *)p);
}

char *kshim_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = kshim_alloc(1, len, GFP_KERNEL, false);

	if (p)
		memcpy(p, s, len);
	return p;
}

/* ---- strings and random numbers ----------------------------------------- */

int kstrtou16(const char *s, unsigned int base, u16 *res)
{
	unsigned long v = 0;
	const char *p = s;

	if (base != 10)
		return -EINVAL;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > U16_MAX)
			return -ERANGE;
	}
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*res = (u16)v;
	return 0;
}

u32 get_random_u32(void)
{
	/* xorshift64*, seeded per input by kshim_reset(). */
	kshim_rng ^= kshim_rng >> 12;
	kshim_rng ^= kshim_rng << 25;
	kshim_rng ^= kshim_rng >> 27;
	return (u32)((kshim_rng * 0x2545f4914f6cdd1dULL) >> 32);
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len--)
		*p++ = (u8)get_random_u32();
}

unsigned long totalram_pages(void)
{
	return 262144;	/* 1 GiB */
}

/* ---- XArray -------------------------------------------------------------- */

/* A reserved index (xa_alloc() of NULL) holds this. */
#define KSHIM_XA_ZERO	((void *)0x406)

struct kshim_xa_slot {
	unsigned long index;
	void *entry;
};

/* Position of @index, or where it would go. */
static unsigned int kshim_xa_pos(const struct xarray *xa, unsigned long index)
{
	unsigned int lo = 0, hi = xa->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (xa->slots[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool kshim_xa_has(const struct xarray *xa, unsigned int pos,
			 unsigned long index)
{
	return pos < xa->n && xa->slots[pos].index == index;
}

static int kshim_xa_put(struct xarray *xa, unsigned int pos,
			unsigned long index, void *entry)
{
	if (kshim_fail(KF_ALLOC))
		return -ENOMEM;
	if (xa->n == xa->room) {
		unsigned int room = xa->room ? xa->room * 2 : 8;
		struct kshim_xa_slot *s = realloc(xa->slots,
						  room * sizeof(*s));

		if (!s)
			return -ENOMEM;
		xa->slots = s;
		xa->room = room;
	}
	memmove(&xa->slots[pos + 1], &xa->slots[pos],
		(xa->n - pos) * sizeof(*xa->slots));
	xa->slots[pos].index = index;
	xa->slots[pos].entry = entry;
	xa->n++;
	return 0;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	unsigned int pos = kshim_xa_pos(xa, index);
	void *e;

	if (!kshim_xa_has(xa, pos, index))
		return NULL;
	e = xa->slots[pos].entry;
	return e == KSHIM_XA_ZERO ? NULL : e;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	unsigned int pos = kshim_xa_pos(xa, index);
	void *old;
	int err;

	if (kshim_xa_has(xa, pos, index)) {
		old = xa->slots[pos].entry;
		xa->slots[pos].entry = entry ? entry :
				       (xa->flags & XA_FLAGS_ALLOC ?
					KSHIM_XA_ZERO : NULL);
		if (!xa->slots[pos].entry)
			xa_erase(xa, index);
		return old == KSHIM_XA_ZERO ? NULL : old;
	}
	if (!entry)
		return NULL;
	if (gfp & GFP_KERNEL)
		might_sleep();
	err = kshim_xa_put(xa, pos, index, entry);
	return err ? (void *)(long)((err << 2) | 2) : NULL;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	unsigned int pos = kshim_xa_pos(xa, index);
	void *old;

	if (!kshim_xa_has(xa, pos, index))
		return NULL;
	old = xa->slots[pos].entry;
	memmove(&xa->slots[pos], &xa->slots[pos + 1],
		(xa->n - pos - 1) * sizeof(*xa->slots));
	xa->n--;
	return old == KSHIM_XA_ZERO ? NULL : old;
}

int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	unsigned int pos = kshim_xa_pos(xa, index);

	if (gfp & GFP_KERNEL)
		might_sleep();
	if (kshim_xa_has(xa, pos, index))
		return -EBUSY;
	return kshim_xa_put(xa, pos, index, entry ? entry : KSHIM_XA_ZERO);
}

int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp)
{
	unsigned long want = limit.min;
	unsigned int pos = kshim_xa_pos(xa, want);
	int err;

	if (gfp & GFP_KERNEL)
		might_sleep();
	/* The lowest free index from min. */
	while (kshim_xa_has(xa, pos, want)) {
		want++;
		pos++;
	}
	if (want > limit.max)
		return -EBUSY;
	err = kshim_xa_put(xa, pos, want, entry ? entry : KSHIM_XA_ZERO);
	if (!err)
		*id = (u32)want;
	return err;
}

void xa_destroy(struct xarray *xa)
{
	free(xa->slots);
	xa->slots = NULL;
	xa->n = 0;
	xa->room = 0;
}

bool xa_empty(const struct xarray *xa)
{
	return xa->n == 0;
}

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max)
{
	unsigned int pos;

	for (pos = kshim_xa_pos(xa, *index); pos < xa->n; pos++) {
		if (xa->slots[pos].index > max)
			return NULL;
		if (xa->slots[pos].entry != KSHIM_XA_ZERO) {
			*index = xa->slots[pos].index;
			return xa->slots[pos].entry;
		}
	}
	return NULL;
}

void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max)
{
	unsigned long next = *index + 1;

	if (!next)
		return NULL;
	*index = next;
	return xa_find(xa, index, max);
}

/* ---- work items and threads --------------------------------------------- */

static LIST_HEAD(kshim_works);
static struct workqueue_struct kshim_wq = { "fake" };

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	(void)fmt;
	(void)flags;
	(void)max_active;
	return &kshim_wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	(void)wq;
}

/* Runs what is queued, as the real one waits for it. */
void flush_workqueue(struct workqueue_struct *wq)
{
	(void)wq;
	while (kshim_run_work(1))
		;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (!wq)
		kshim_bug("queue_work() on no workqueue", __FILE__, __LINE__);
	if (work->pending)
		return false;
	work->pending = true;
	list_add_tail(&work->entry, &kshim_works);
	kshim_counts.works++;
	return true;
}

bool cancel_work_sync(struct work_struct *work)
{
	might_sleep();
	if (!work->pending)
		return false;
	list_del_init(&work->entry);
	work->pending = false;
	kshim_counts.works--;
	return true;
}

unsigned int kshim_run_work(unsigned int max)
{
	unsigned int n = 0;

	while (!list_empty(&kshim_works) && n < max) {
		struct work_struct *w = list_first_entry(&kshim_works,
							 struct work_struct,
							 entry);

		list_del_init(&w->entry);
		w->pending = false;
		kshim_counts.works--;
		w->func(w);
		n++;
	}
	return n;
}

static int kshim_stop_turns = -1;

struct task_struct *kshim_kthread_create(int (*fn)(void *data), void *data,
					 const char *fmt, ...)
{
	struct task_struct *t;
	va_list ap;

	might_sleep();
	if (kshim_fail(KF_XEN))
		return ERR_PTR(-ENOMEM);
	t = calloc(1, sizeof(*t));
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->fn = fn;
	t->data = data;
	va_start(ap, fmt);
	vsnprintf(t->comm, sizeof(t->comm), fmt, ap);
	va_end(ap);
	kshim_counts.tasks++;
	return t;
}

int kthread_stop(struct task_struct *task)
{
	might_sleep();
	if (IS_ERR_OR_NULL(task))
		kshim_bug("kthread_stop() of no thread", __FILE__, __LINE__);
	free(task);
	kshim_counts.tasks--;
	return 0;
}

bool kthread_should_stop(void)
{
	if (kshim_stop_turns <= 0)
		return true;
	kshim_stop_turns--;
	return false;
}

void kshim_thread_run(struct task_struct *task, unsigned int turns)
{
	kshim_stop_turns = (int)turns;
	task->fn(task->data);
	kshim_stop_turns = -1;
}

/* ---- xenstore ----------------------------------------------------------- */

struct kshim_xs_node {
	char path[128];
	char val[64];
};

#define KSHIM_XS_MAX	64
static struct kshim_xs_node kshim_xs[KSHIM_XS_MAX];
static unsigned int kshim_xs_n;

void kshim_xs_clear(void)
{
	kshim_xs_n = 0;
}

static struct kshim_xs_node *kshim_xs_find(const char *dir, const char *node)
{
	char path[128];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	for (i = 0; i < kshim_xs_n; i++)
		if (!strcmp(kshim_xs[i].path, path))
			return &kshim_xs[i];
	return NULL;
}

void kshim_xs_write(const char *dir, const char *node, const char *val)
{
	struct kshim_xs_node *n = kshim_xs_find(dir, node);

	if (!n) {
		if (kshim_xs_n == KSHIM_XS_MAX)
			return;
		n = &kshim_xs[kshim_xs_n++];
		snprintf(n->path, sizeof(n->path), "%s/%s", dir, node);
	}
	snprintf(n->val, sizeof(n->val), "%s", val);
}

void *xenbus_read(struct xenbus_transaction t, const char *dir,
		  const char *node, unsigned int *len)
{
	struct kshim_xs_node *n = kshim_xs_find(dir, node);
	char *s;

	(void)t;
	might_sleep();
	if (!n)
		return ERR_PTR(-ENOENT);
	s = kshim_strdup(n->val);
	if (!s)
		return ERR_PTR(-ENOMEM);
	if (len)
		*len = (unsigned int)strlen(s);
	return s;
}

unsigned int xenbus_read_unsigned(const char *dir, const char *node,
				  unsigned int default_val)
{
	struct kshim_xs_node *n = kshim_xs_find(dir, node);
	unsigned int v;

	might_sleep();
	if (!n || sscanf(n->val, "%u", &v) != 1)
		return default_val;
	return v;
}

int xenbus_scanf(struct xenbus_transaction t, const char *dir,
		 const char *node, const char *fmt, ...)
{
	struct kshim_xs_node *n = kshim_xs_find(dir, node);
	va_list ap;
	int ret;

	(void)t;
	might_sleep();
	if (!n)
		return -ENOENT;
	va_start(ap, fmt);
	ret = vsscanf(n->val, fmt, ap);
	va_end(ap);
	return ret > 0 ? ret : -ERANGE;
}

void xenbus_dev_fatal(struct xenbus_device *dev, int err, const char *fmt,
		      ...)
{
	va_list ap;

	if (!kshim_verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: fatal %d: ", dev->nodename, err);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void xenbus_dev_error(struct xenbus_device *dev, int err, const char *fmt,
		      ...)
{
	va_list ap;

	if (!kshim_verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: error %d: ", dev->nodename, err);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- irqs ---------------------------------------------------------------- */

#define KSHIM_IRQS	8

struct kshim_irq {
	bool bound;
	bool enabled;
	bool pending;
	bool owes_eoi;
	irq_handler_t handler;
	void *dev_id;
};

static struct kshim_irq kshim_irqs[KSHIM_IRQS];

static struct kshim_irq *kshim_irq_get(int irq, const char *what)
{
	if (irq <= 0 || irq >= KSHIM_IRQS || !kshim_irqs[irq].bound)
		kshim_bug(what, __FILE__, __LINE__);
	return &kshim_irqs[irq];
}

int bind_interdomain_evtchn_to_irqhandler_lateeoi(struct xenbus_device *dev,
						  unsigned int evtchn,
						  irq_handler_t handler,
						  unsigned long flags,
						  const char *name,
						  void *dev_id)
{
	int irq;

	(void)dev;
	(void)name;
	might_sleep();
	if (kshim_fail(KF_XEN) || evtchn == 0 || evtchn > 1024)
		return -EINVAL;
	for (irq = 1; irq < KSHIM_IRQS; irq++) {
		struct kshim_irq *i = &kshim_irqs[irq];

		if (i->bound)
			continue;
		memset(i, 0, sizeof(*i));
		i->bound = true;
		i->enabled = !(flags & IRQF_NO_AUTOEN);
		i->handler = handler;
		i->dev_id = dev_id;
		/* Binding an interdomain channel marks it pending. */
		i->pending = true;
		kshim_counts.irqs++;
		if (i->enabled)
			kshim_irq_raise(irq);
		return irq;
	}
	return -ENOSPC;
}

void unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
	struct kshim_irq *i = kshim_irq_get((int)irq,
					    "unbind_from_irqhandler() of an unbound irq");

	might_sleep();
	if (i->dev_id != dev_id)
		kshim_bug("unbind_from_irqhandler() with another dev_id",
			  __FILE__, __LINE__);
	i->bound = false;
	kshim_counts.irqs--;
}

void enable_irq(unsigned int irq)
{
	struct kshim_irq *i = kshim_irq_get((int)irq,
					    "enable_irq() of an unbound irq");

	if (i->enabled)
		kshim_bug("enable_irq() of an enabled irq (unbalanced)",
			  __FILE__, __LINE__);
	i->enabled = true;
	if (i->pending)
		kshim_irq_raise((int)irq);
}

void synchronize_irq(unsigned int irq)
{
	kshim_irq_get((int)irq, "synchronize_irq() of an unbound irq");
	might_sleep();
}

void notify_remote_via_irq(int irq)
{
	kshim_irq_get(irq, "notify_remote_via_irq() of an unbound irq");
}

void xen_irq_lateeoi(unsigned int irq, unsigned int eoi_flags)
{
	struct kshim_irq *i = kshim_irq_get((int)irq,
					    "xen_irq_lateeoi() of an unbound irq");

	(void)eoi_flags;
	if (!i->owes_eoi)
		kshim_counts.eoi_extra++;
	i->owes_eoi = false;
	if (i->pending)
		kshim_irq_raise((int)irq);
}

void kshim_irq_raise(int irq)
{
	struct kshim_irq *i;

	if (irq <= 0 || irq >= KSHIM_IRQS || !kshim_irqs[irq].bound)
		return;
	i = &kshim_irqs[irq];
	/* A lateeoi channel stays masked until its EOI. */
	if (!i->enabled || i->owes_eoi) {
		i->pending = true;
		return;
	}
	i->pending = false;
	i->owes_eoi = true;
	kshim_atomic_depth++;
	i->handler(irq, i->dev_id);
	kshim_atomic_depth--;
}

bool kshim_irq_owes_eoi(int irq)
{
	return irq > 0 && irq < KSHIM_IRQS && kshim_irqs[irq].bound &&
	       kshim_irqs[irq].owes_eoi;
}

/* ---- debugfs and seq_file ----------------------------------------------- */

struct dentry {
	char name[64];
	struct dentry *parent;
	void *data;
	const struct file_operations *fops;
	struct list_head node;
};

static LIST_HEAD(kshim_dentries);

static struct dentry *kshim_dentry_new(const char *name, struct dentry *parent,
				       void *data,
				       const struct file_operations *fops)
{
	struct dentry *d;

	might_sleep();
	if (IS_ERR(parent))
		return parent;
	if (kshim_fail(KF_ALLOC))
		return ERR_PTR(-ENOMEM);
	d = calloc(1, sizeof(*d));
	if (!d)
		return ERR_PTR(-ENOMEM);
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->parent = parent;
	d->data = data;
	d->fops = fops;
	list_add_tail(&d->node, &kshim_dentries);
	kshim_counts.dentries++;
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return kshim_dentry_new(name, parent, NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	(void)mode;
	return kshim_dentry_new(name, parent, data, fops);
}

void debugfs_remove(struct dentry *dentry)
{
	struct dentry *d, *n;

	if (IS_ERR_OR_NULL(dentry))
		return;
	might_sleep();
	list_for_each_entry_safe(d, n, &kshim_dentries, node)
		if (d->parent == dentry)
			debugfs_remove(d);
	list_del(&dentry->node);
	free(dentry);
	kshim_counts.dentries--;
}

size_t kshim_debugfs_read(const char *name, void *data, char *buf,
			  size_t size)
{
	struct seq_file m = { .buf = buf, .size = size };
	struct dentry *d;

	list_for_each_entry(d, &kshim_dentries, node) {
		if (!d->fops || d->data != data || strcmp(d->name, name))
			continue;
		m.private = data;
		d->fops->show(&m, NULL);
		return m.count;
	}
	return 0;
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->count + 1 >= m->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->count = min(m->count + (size_t)n, m->size - 1);
}

void seq_putc(struct seq_file *m, char c)
{
	if (m->count + 1 < m->size) {
		m->buf[m->count++] = c;
		m->buf[m->count] = '\0';
	}
}

/* ---- scatterlists ------------------------------------------------------- */

int sg_alloc_table(struct sg_table *table, unsigned int nents, gfp_t gfp)
{
	memset(table, 0, sizeof(*table));
	table->sgl = kshim_alloc(nents, sizeof(*table->sgl), gfp, true);
	if (!table->sgl)
		return -ENOMEM;
	table->nents = nents;
	table->orig_nents = nents;
	return 0;
}

void sg_free_table(struct sg_table *table)
{
	kshim_free(table->sgl);
	table->sgl = NULL;
}

/* ---- the fake guest's memory and grant table ----------------------------- */

/*
 * The guest's frames are one memfd; the frontend's view maps all of it,
 * each backend mapping maps its frames again, between PROT_NONE guard
 * pages, and is unmapped by the backend's unmap.
 */
static int kshim_memfd = -1;
static u8 *kshim_guest;
static bool kshim_grant_ro[KSHIM_FRAMES];
static u8 kshim_mapcount[KSHIM_FRAMES];
static bool kshim_aliased[KSHIM_FRAMES];

u8 *kshim_guest_frame(u32 ref)
{
	if (!ref || ref >= KSHIM_FRAMES)
		return NULL;
	return kshim_guest + (size_t)ref * PAGE_SIZE;
}

bool kshim_frame_aliased(u32 ref)
{
	return ref < KSHIM_FRAMES && kshim_aliased[ref];
}

void kshim_grant_readonly(u32 ref, bool ro)
{
	if (ref && ref < KSHIM_FRAMES)
		kshim_grant_ro[ref] = ro;
}

/* Can @ref be mapped (@ro: read-only)? */
static bool kshim_grant_ok(u32 ref, bool ro)
{
	return ref && ref < KSHIM_FRAMES && (ro || !kshim_grant_ro[ref]);
}

static void kshim_map_count(u32 ref, int delta)
{
	if (delta > 0 && kshim_mapcount[ref]) {
		kshim_counts.double_maps++;
		kshim_aliased[ref] = true;
	}
	kshim_mapcount[ref] += delta;
}

/* Maps frames @refs at consecutive addresses between guard pages. */
static void *kshim_alias(const u32 *refs, unsigned int n, bool ro)
{
	size_t len = ((size_t)n + 2) * PAGE_SIZE;
	u8 *base, *p;
	unsigned int i;

	base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i++) {
		p = mmap(base + (i + 1) * PAGE_SIZE, PAGE_SIZE,
			 ro ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, kshim_memfd,
			 (off_t)refs[i] * PAGE_SIZE);
		if (p == MAP_FAILED) {
			munmap(base, len);
			return NULL;
		}
	}
	return base + PAGE_SIZE;
}

static void kshim_unalias(void *addr, unsigned int n)
{
	munmap((u8 *)addr - PAGE_SIZE, ((size_t)n + 2) * PAGE_SIZE);
}

#define KSHIM_PAGE_MAGIC	0x9a9e5a9eU

/* Grant mappings by handle (handle = index + 1). */
struct kshim_gmap {
	struct page *page;
	u32 ref;
	bool used;
};

static struct kshim_gmap *kshim_gmaps;
static unsigned int kshim_ngmaps;

int gnttab_alloc_pages(int nr_pages, struct page **pages)
{
	int i;

	might_sleep();
	if (kshim_fail(KF_GRANT))
		return -ENOMEM;
	for (i = 0; i < nr_pages; i++) {
		pages[i] = calloc(1, sizeof(**pages));
		if (!pages[i]) {
			gnttab_free_pages(i, pages);
			return -ENOMEM;
		}
		pages[i]->magic = KSHIM_PAGE_MAGIC;
		kshim_counts.pages++;
	}
	return 0;
}

void gnttab_free_pages(int nr_pages, struct page **pages)
{
	int i;

	for (i = 0; i < nr_pages; i++) {
		if (pages[i]->magic != KSHIM_PAGE_MAGIC)
			kshim_bug("gnttab_free_pages() of a page it did not allocate",
				  __FILE__, __LINE__);
		if (pages[i]->virtual)
			kshim_bug("gnttab_free_pages() of a page with a grant mapped",
				  __FILE__, __LINE__);
		pages[i]->magic = 0;
		free(pages[i]);
		pages[i] = NULL;
		kshim_counts.pages--;
	}
}

static grant_handle_t kshim_gmap_new(struct page *page, u32 ref)
{
	unsigned int i;

	for (i = 0; i < kshim_ngmaps; i++)
		if (!kshim_gmaps[i].used)
			break;
	if (i == kshim_ngmaps) {
		unsigned int n = kshim_ngmaps ? kshim_ngmaps * 2 : 64;
		struct kshim_gmap *g = realloc(kshim_gmaps, n * sizeof(*g));

		if (!g)
			abort();
		memset(g + kshim_ngmaps, 0, (n - kshim_ngmaps) * sizeof(*g));
		kshim_gmaps = g;
		kshim_ngmaps = n;
	}
	kshim_gmaps[i].used = true;
	kshim_gmaps[i].page = page;
	kshim_gmaps[i].ref = ref;
	return i + 1;
}

int gnttab_map_refs(struct gnttab_map_grant_ref *map_ops, void *kmap_ops,
		    struct page **pages, unsigned int count)
{
	unsigned int i;

	(void)kmap_ops;
	for (i = 0; i < count; i++) {
		struct gnttab_map_grant_ref *op = &map_ops[i];
		bool ro = op->flags & GNTMAP_readonly;
		void *addr;

		if (pages[i]->magic != KSHIM_PAGE_MAGIC)
			kshim_bug("grant map onto a page gnttab_alloc_pages() did not give",
				  __FILE__, __LINE__);
		if (op->host_addr != (u64)(unsigned long)pages[i])
			kshim_bug("grant map op for another page",
				  __FILE__, __LINE__);
		if (pages[i]->virtual)
			kshim_bug("grant map onto a page with a grant mapped",
				  __FILE__, __LINE__);
		op->handle = 0;
		if (!kshim_grant_ok(op->ref, ro) || kshim_fail(KF_GRANT)) {
			op->status = GNTST_bad_gntref;
			continue;
		}
		addr = kshim_alias(&op->ref, 1, ro);
		if (!addr) {
			op->status = GNTST_general_error;
			continue;
		}
		pages[i]->virtual = addr;
		op->handle = kshim_gmap_new(pages[i], op->ref);
		op->status = GNTST_okay;
		kshim_map_count(op->ref, 1);
		kshim_counts.maps++;
	}
	return 0;
}

int gnttab_unmap_refs(struct gnttab_unmap_grant_ref *unmap_ops,
		      void *kunmap_ops, struct page **pages,
		      unsigned int count)
{
	unsigned int i;

	(void)kunmap_ops;
	for (i = 0; i < count; i++) {
		struct gnttab_unmap_grant_ref *op = &unmap_ops[i];
		struct kshim_gmap *g;

		if (!op->handle || op->handle > kshim_ngmaps ||
		    !kshim_gmaps[op->handle - 1].used)
			kshim_bug("grant unmap of a handle that is not mapped",
				  __FILE__, __LINE__);
		g = &kshim_gmaps[op->handle - 1];
		if (g->page != pages[i] ||
		    op->host_addr != (u64)(unsigned long)pages[i])
			kshim_bug("grant unmap of a handle with another page",
				  __FILE__, __LINE__);
		kshim_unalias(pages[i]->virtual, 1);
		pages[i]->virtual = NULL;
		kshim_map_count(g->ref, -1);
		g->used = false;
		op->status = GNTST_okay;
		kshim_counts.maps--;
	}
	return 0;
}

/* xenbus ring mappings: contiguous, read-write. */
struct kshim_ring {
	void *addr;
	unsigned int n;
	u32 refs[16];
	struct list_head node;
};

static LIST_HEAD(kshim_rings);

int xenbus_map_ring_valloc(struct xenbus_device *dev, grant_ref_t *refs,
			   unsigned int nr_grefs, void **vaddr)
{
	struct kshim_ring *r;
	unsigned int i;

	might_sleep();
	*vaddr = NULL;
	if (!nr_grefs || nr_grefs > ARRAY_SIZE(r->refs))
		kshim_bug("xenbus_map_ring_valloc() of too many pages",
			  __FILE__, __LINE__);
	for (i = 0; i < nr_grefs; i++)
		if (!kshim_grant_ok(refs[i], false))
			break;
	if (i < nr_grefs || kshim_fail(KF_GRANT)) {
		xenbus_dev_error(dev, -ENOENT, "mapping ring");
		return -ENOENT;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->addr = kshim_alias(refs, nr_grefs, false);
	if (!r->addr) {
		free(r);
		return -ENOMEM;
	}
	r->n = nr_grefs;
	memcpy(r->refs, refs, nr_grefs * sizeof(*refs));
	for (i = 0; i < nr_grefs; i++)
		kshim_map_count(refs[i], 1);
	list_add(&r->node, &kshim_rings);
	kshim_counts.ring_maps++;
	*vaddr = r->addr;
	return 0;
}

void xenbus_unmap_ring_vfree(struct xenbus_device *dev, void *vaddr)
{
	struct kshim_ring *r;
	unsigned int i;

	(void)dev;
	might_sleep();
	list_for_each_entry(r, &kshim_rings, node) {
		if (r->addr != vaddr)
			continue;
		kshim_unalias(r->addr, r->n);
		for (i = 0; i < r->n; i++)
			kshim_map_count(r->refs[i], -1);
		list_del(&r->node);
		free(r);
		kshim_counts.ring_maps--;
		return;
	}
	kshim_bug("xenbus_unmap_ring_vfree() of an address not mapped",
		  __FILE__, __LINE__);
}

/* ---- set-up -------------------------------------------------------------- */

void kshim_init(void)
{
	size_t len = (size_t)KSHIM_FRAMES * PAGE_SIZE;

	kshim_verbose = getenv("KSHIM_VERBOSE") != NULL;
	kshim_memfd = memfd_create("kshim-guest", 0);
	if (kshim_memfd < 0 || ftruncate(kshim_memfd, (off_t)len))
		abort();
	kshim_guest = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			   kshim_memfd, 0);
	if (kshim_guest == MAP_FAILED)
		abort();
}

void kshim_reset(u32 seed, u8 profile)
{
	/* What an input left behind was reported by the harness already. */
	memset(kshim_guest, 0, (size_t)KSHIM_FRAMES * PAGE_SIZE);
	memset(kshim_grant_ro, 0, sizeof(kshim_grant_ro));
	memset(kshim_aliased, 0, sizeof(kshim_aliased));
	kshim_faults_off();
	kshim_counts.posts = 0;
	kshim_counts.bad_key_posts = 0;
	kshim_counts.double_maps = 0;
	kshim_counts.eoi_extra = 0;
	kshim_dev_wc_flags = 0;
	kshim_rng = 0x9e3779b97f4a7c15ULL ^ seed;
	kshim_now_ns = 1000 * NSEC_PER_MSEC;
	jiffies = 1000;
	kshim_atomic_depth = 0;
	kshim_xs_clear();
	kshim_ib_reset(profile);
}
