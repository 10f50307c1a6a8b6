/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * compat.h - kernel names for kernel/common, in the kernel and in user space.
 *
 * kernel/common is compiled into xen-ibfront.ko and xen-ibback.ko (through
 * one-line wrapper files in each module) and into user-space programs:
 * userlib, the unit tests and the fuzzers.  Code in kernel/common uses only
 * the kernel names below; in user space this header maps them onto
 * <endian.h>, <errno.h>, <stdint.h> and the compiler's __atomic builtins
 * (the same memory model as <stdatomic.h>, usable on plain, non-_Atomic
 * shared fields).
 *
 * Copyright (c) 2025 The xenib authors.
 */

#ifndef XENIB_COMMON_COMPAT_H
#define XENIB_COMMON_COMPAT_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>

#else /* !__KERNEL__ */

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

/* Kernel-internal error numbers that user-space <errno.h> lacks. */
#ifndef ERESTARTSYS
#define ERESTARTSYS	512
#endif
#ifndef ENOTSUPP
#define ENOTSUPP	524
#endif

/* The kernel's static_assert(), whose message is optional. */
#undef static_assert
#define static_assert(expr, ...) __xenib_static_assert(expr, ##__VA_ARGS__, #expr)
#define __xenib_static_assert(expr, msg, ...) _Static_assert(expr, msg)

#define le16_to_cpu(x)		le16toh((__u16)(x))
#define le32_to_cpu(x)		le32toh((__u32)(x))
#define le64_to_cpu(x)		le64toh((__u64)(x))
#define cpu_to_le16(x)		((__le16)htole16(x))
#define cpu_to_le32(x)		((__le32)htole32(x))
#define cpu_to_le64(x)		((__le64)htole64(x))
#define be32_to_cpu(x)		be32toh((__u32)(x))
#define cpu_to_be32(x)		((__be32)htobe32(x))

#define __xenib_attr(a)		__attribute__((a))
#define __always_unused		__xenib_attr(__unused__)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d)	xenib_div_round_up(n, d)
#define BIT(n)			(1UL << (n))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

/* Scalars only, as in the kernel: one untorn access the compiler keeps. */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/*
 * Barriers, with the kernel's meaning, on C11 atomics.  Acquire/release
 * fences order loads before later loads / stores before later stores, as
 * smp_rmb()/smp_wmb() do; smp_mb() is a full (seq_cst) fence.  The virt_*()
 * names are what Xen's ring.h uses in the kernel.
 */
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE) /* acquire load */
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE) /* release store */
#define smp_mb()		atomic_thread_fence(memory_order_seq_cst) /* full */
#define smp_rmb()		atomic_thread_fence(memory_order_acquire) /* load-load */
#define smp_wmb()		atomic_thread_fence(memory_order_release) /* store-store */
#define virt_mb()		smp_mb()	/* full */
#define virt_rmb()		smp_rmb()	/* load-load */
#define virt_wmb()		smp_wmb()	/* store-store */
#define barrier()		atomic_signal_fence(memory_order_seq_cst) /* compiler */
/*
 * Mandatory barriers: libxen-dev's <xen/io/ring.h> maps xen_mb() and
 * friends onto these for guests of the default interface version.
 */
#define mb()			smp_mb()	/* full */
#define rmb()			smp_rmb()	/* load-load */
#define wmb()			smp_wmb()	/* store-store */

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

static inline u64 xenib_div_round_up(u64 n, u64 d)
{
	return n / d + (n % d != 0);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/*
 * array_index_nospec() - clamp an index after its bounds check, so that a
 * mispredicted check cannot index out of bounds speculatively.  The generic
 * kernel mask: ~0UL when index < size, else 0, computed without a branch.
 */
static inline unsigned long
xenib_array_index_mask_nospec(unsigned long index, unsigned long size)
{
	return ~(long)(index | (size - 1UL - index)) >> (sizeof(long) * 8 - 1);
}

#define array_index_nospec(index, size)					\
({									\
	__typeof__(index) _i = (index);					\
	__typeof__(size) _s = (size);					\
	unsigned long _mask = xenib_array_index_mask_nospec(_i, _s);	\
									\
	(__typeof__(_i))(_i & _mask);					\
})

#endif /* __KERNEL__ */

#endif /* XENIB_COMMON_COMPAT_H */
