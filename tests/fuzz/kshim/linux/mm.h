/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/mm.h - pages.  A struct page of the fake kernel is only a
 * handle on what is mapped into it: the fake grant table (fake.c) sets
 * its address when a guest frame is mapped there and clears it on unmap,
 * and page_address() of a page with nothing mapped is a bug.  A "pfn" is
 * the struct page's own address, so that the kernel's round trip
 * pfn_to_kaddr(page_to_pfn(page)) names the page in grant operations.
 */

#ifndef KSHIM_LINUX_MM_H
#define KSHIM_LINUX_MM_H

#include "../kshim.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

struct page {
	void *virtual;
	u32 magic;
};

static inline void *kshim_page_address(const struct page *page,
				       const char *file, int line)
{
	if (!page->virtual)
		kshim_bug("page_address() of a page with nothing mapped",
			  file, line);
	return page->virtual;
}

#define page_address(page)	kshim_page_address(page, __FILE__, __LINE__)
#define page_to_pfn(page)	((unsigned long)(page))
#define pfn_to_kaddr(pfn)	((void *)(pfn))

static inline unsigned long offset_in_page(unsigned long off)
{
	return off & (PAGE_SIZE - 1);
}

unsigned long totalram_pages(void);

#endif /* KSHIM_LINUX_MM_H */
