/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim.h - the core of a minimal, single-threaded fake kernel, just big
 * enough to compile the backend's C files unchanged in user space for
 * the backend's fuzz targets (tests/fuzz/fuzz_back_*.c).
 *
 * The names are the kernel's, the code is not: every definition here is
 * written for the fuzzers, as small as the backend's use of it allows.
 * kernel/common/compat.h (included first) already maps the names that
 * kernel/common uses; this adds the rest of the kernel core the backend
 * needs: types, allocation (which the fuzz input can make fail), printing,
 * errors, bit and atomic operations, locks, time.  The other headers in
 * this directory (linux/, rdma/, xen/, net/) each declare one subsystem;
 * what is not inline lives in kshim/fake.c.
 *
 * Kernel rules the backend must keep are checked here and abort(), so that
 * libFuzzer reports them as crashes: a WARN*() that fires, a mutex taken
 * twice (a deadlock) or released unheld, sleeping (allocating with
 * GFP_KERNEL, taking a mutex, sleeping verbs) under a spinlock.
 */

#ifndef KSHIM_H
#define KSHIM_H

#include "compat.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types ------------------------------------------------------------ */

typedef unsigned int gfp_t;
typedef u64 dma_addr_t;
typedef s64 ktime_t;
typedef unsigned short umode_t;

#define GFP_KERNEL	0x1u
#define GFP_ATOMIC	0x2u
#define __GFP_ZERO	0x100u

#define U8_MAX		0xffU
#define U16_MAX		0xffffU
#define U32_MAX		0xffffffffU
#define U64_MAX		0xffffffffffffffffULL
#define S32_MAX		0x7fffffff

#define __init
#define __exit
#define __user
#define __iomem
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __maybe_unused		__attribute__((__unused__))
#define fallthrough		__attribute__((__fallthrough__))

/* No CONFIG_ option is set in the fake kernel. */
#define IS_ENABLED(option)	0

/* ---- arithmetic ------------------------------------------------------- */

#define min(a, b)							\
({									\
	__typeof__(a) _ka = (a);					\
	__typeof__(b) _kb = (b);					\
									\
	_ka < _kb ? _ka : _kb;						\
})
#define max(a, b)							\
({									\
	__typeof__(a) _ka = (a);					\
	__typeof__(b) _kb = (b);					\
									\
	_ka > _kb ? _ka : _kb;						\
})
#define min_t(t, a, b)		min((t)(a), (t)(b))
#define max_t(t, a, b)		max((t)(a), (t)(b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)
#define swap(a, b)							\
do {									\
	__typeof__(a) _kt = (a);					\
									\
	(a) = (b);							\
	(b) = _kt;							\
} while (0)
#define DIV_ROUND_UP_ULL(n, d)	(((u64)(n) + (d) - 1) / (d))

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline unsigned long __ffs64(u64 word)
{
	return (unsigned long)__builtin_ctzll(word);
}

static inline unsigned int hweight64(u64 word)
{
	return (unsigned int)__builtin_popcountll(word);
}

static inline int ilog2_u64(u64 n)
{
	return 63 - __builtin_clzll(n);
}

#define ilog2(n)		ilog2_u64((u64)(n))
/* Defined for n >= 1, as in the kernel. */
#define roundup_pow_of_two(n)						\
	((n) <= 1 ? 1UL : 1UL << (ilog2_u64((u64)(n) - 1) + 1))

/* ---- printing (type-checked, silent unless KSHIM_VERBOSE is set) -------- */

extern int kshim_verbose;

__printf(1, 2) void kshim_printk(const char *fmt, ...);

#define pr_fmt_kshim(fmt)	KBUILD_MODNAME ": " fmt
#define pr_err(fmt, ...)	kshim_printk(pr_fmt_kshim(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	kshim_printk(pr_fmt_kshim(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	kshim_printk(pr_fmt_kshim(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	kshim_printk(pr_fmt_kshim(fmt), ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)

struct device {
	const char *name;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->name;
}

#define dev_printk_kshim(dev, fmt, ...)					\
	kshim_printk("%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)	dev_printk_kshim(dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)	dev_printk_kshim(dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)	dev_printk_kshim(dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)	dev_printk_kshim(dev, fmt, ##__VA_ARGS__)
#define dev_err_ratelimited(dev, fmt, ...)				\
	dev_printk_kshim(dev, fmt, ##__VA_ARGS__)

/* A kernel warning is a backend bug: stop here, with the place. */
void kshim_bug(const char *what, const char *file, int line)
	__attribute__((__noreturn__));

#define WARN_ON(cond)							\
({									\
	bool _kc = !!(cond);						\
									\
	if (unlikely(_kc))						\
		kshim_bug("WARN_ON(" #cond ")", __FILE__, __LINE__);	\
	_kc;								\
})
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define BUG_ON(cond)		((void)WARN_ON(cond))

/* ---- errors as pointers ------------------------------------------------- */

#define MAX_ERRNO	4095

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

/* ---- sleeping and atomic context ---------------------------------------- */

/* Spinlocks held now: sleeping is a bug while it is not 0. */
extern int kshim_atomic_depth;

static inline void might_sleep(void)
{
	if (kshim_atomic_depth)
		kshim_bug("sleeping function called under a spinlock",
			  __FILE__, __LINE__);
}

static inline void cond_resched(void)
{
	might_sleep();
}

/* ---- allocation (fake.c: can be made to fail by the fuzz input) --------- */

void *kshim_alloc(size_t n, size_t size, gfp_t gfp, bool zero);
void kshim_free(const void *p);

#define kmalloc(size, gfp)	kshim_alloc(1, size, gfp, false)
#define kzalloc(size, gfp)	kshim_alloc(1, size, gfp, true)
#define kcalloc(n, size, gfp)	kshim_alloc(n, size, gfp, true)
#define kvcalloc(n, size, gfp)	kshim_alloc(n, size, gfp, true)
#define kfree(p)		kshim_free(p)

static inline char *kstrdup(const char *s, gfp_t gfp)
{
	size_t n = strlen(s) + 1;
	char *p = kmalloc(n, gfp);

	if (p)
		memcpy(p, s, n);
	return p;
}
#define kvfree(p)		kshim_free(p)

/* ---- strings ------------------------------------------------------------ */

static inline long strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (long)len;
}

int kstrtou16(const char *s, unsigned int base, u16 *res);

/* ---- bits and atomics (single-threaded: plain operations suffice) ------- */

static inline void set_bit(long nr, volatile unsigned long *addr)
{
	addr[nr / 64] |= 1UL << (nr % 64);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	addr[nr / 64] &= ~(1UL << (nr % 64));
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return addr[nr / 64] & (1UL << (nr % 64));
}

static inline bool test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	clear_bit(nr, addr);
	return old;
}

#define xchg(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

static inline void atomic_set(atomic_t *v, int i)
{
	v->counter = i;
}

static inline int atomic_read(const atomic_t *v)
{
	return v->counter;
}

static inline int atomic_xchg(atomic_t *v, int i)
{
	int old = v->counter;

	v->counter = i;
	return old;
}

static inline void atomic64_inc(atomic64_t *v)
{
	v->counter++;
}

static inline s64 atomic64_read(const atomic64_t *v)
{
	return v->counter;
}

static inline void atomic64_set(atomic64_t *v, s64 i)
{
	v->counter = i;
}

static inline void atomic64_sub(s64 i, atomic64_t *v)
{
	v->counter -= i;
}

static inline s64 atomic64_add_return(s64 i, atomic64_t *v)
{
	return v->counter += i;
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	return v->counter;
}

static inline void atomic_long_sub(long i, atomic_long_t *v)
{
	v->counter -= i;
}

static inline long atomic_long_add_return(long i, atomic_long_t *v)
{
	return v->counter += i;
}

/* ---- locks -------------------------------------------------------------- */

/*
 * One thread runs everything, so a lock only has to be free when taken:
 * a mutex taken while held is a deadlock in the kernel.
 */
struct mutex {
	bool held;
};

#define DEFINE_MUTEX(name)	struct mutex name = { false }

static inline void mutex_init(struct mutex *m)
{
	m->held = false;
}

static inline void mutex_lock(struct mutex *m)
{
	might_sleep();
	if (m->held)
		kshim_bug("mutex_lock() of a held mutex (deadlock)",
			  __FILE__, __LINE__);
	m->held = true;
}

static inline void mutex_unlock(struct mutex *m)
{
	if (!m->held)
		kshim_bug("mutex_unlock() of a free mutex", __FILE__,
			  __LINE__);
	m->held = false;
}

static inline bool mutex_is_locked(const struct mutex *m)
{
	return m->held;
}

typedef struct {
	bool held;
} spinlock_t;

static inline void spin_lock_init(spinlock_t *l)
{
	l->held = false;
}

static inline void kshim_spin_lock(spinlock_t *l)
{
	if (l->held)
		kshim_bug("spin_lock() of a held spinlock (deadlock)",
			  __FILE__, __LINE__);
	l->held = true;
	kshim_atomic_depth++;
}

static inline void kshim_spin_unlock(spinlock_t *l)
{
	if (!l->held)
		kshim_bug("spin_unlock() of a free spinlock", __FILE__,
			  __LINE__);
	l->held = false;
	kshim_atomic_depth--;
}

#define spin_lock(l)			kshim_spin_lock(l)
#define spin_unlock(l)			kshim_spin_unlock(l)
#define spin_lock_irq(l)		kshim_spin_lock(l)
#define spin_unlock_irq(l)		kshim_spin_unlock(l)
#define spin_lock_irqsave(l, flags)	((flags) = 0, kshim_spin_lock(l))
#define spin_unlock_irqrestore(l, flags) ((void)(flags), kshim_spin_unlock(l))

/*
 * Every lock here (mutex or spinlock) records whether it is held, so the
 * kernel's lockdep assertion is a real check in the fuzzers: a function
 * reached without the lock its kernel-doc names is a bug report.
 */
#define lockdep_assert_held(l)						\
	do {								\
		if (!(l)->held)						\
			kshim_bug("lockdep_assert_held(" #l ") not held", \
				  __FILE__, __LINE__);			\
	} while (0)

/* ---- time: a fake clock, advanced by sleeps and by the fuzz input -------- */

#define HZ		1000
#define NSEC_PER_USEC	1000L
#define NSEC_PER_MSEC	1000000L

extern unsigned long jiffies;
extern ktime_t kshim_now_ns;

static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
	return ms;
}

#define time_after(a, b)	((long)((b) - (a)) < 0)

static inline void kshim_advance_ns(ktime_t ns)
{
	kshim_now_ns += ns;
	jiffies = (unsigned long)(kshim_now_ns / NSEC_PER_MSEC);
}

static inline ktime_t ktime_get(void)
{
	return kshim_now_ns;
}

static inline s64 ktime_us_delta(ktime_t later, ktime_t earlier)
{
	return (later - earlier) / NSEC_PER_USEC;
}

static inline ktime_t ns_to_ktime(u64 ns)
{
	return (ktime_t)ns;
}

static inline void usleep_range(unsigned long min_us, unsigned long max_us)
{
	might_sleep();
	(void)max_us;
	/* At least a jiffy, so that a timeout loop ends quickly. */
	kshim_advance_ns(max_t(ktime_t, (ktime_t)min_us * NSEC_PER_USEC,
			       NSEC_PER_MSEC));
}

/* ---- random: deterministic, reset for every fuzz input ------------------- */

u32 get_random_u32(void);
void get_random_bytes(void *buf, size_t len);

#endif /* KSHIM_H */
