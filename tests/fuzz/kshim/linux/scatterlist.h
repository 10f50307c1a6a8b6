/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/scatterlist.h - scatterlists as one flat array.
 */

#ifndef KSHIM_LINUX_SCATTERLIST_H
#define KSHIM_LINUX_SCATTERLIST_H

#include "mm.h"

struct scatterlist {
	struct page *page;
	unsigned int offset;
	unsigned int length;
	dma_addr_t dma_address;
	unsigned int dma_length;
};

struct sg_table {
	struct scatterlist *sgl;
	unsigned int nents;
	unsigned int orig_nents;
};

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
};

int sg_alloc_table(struct sg_table *table, unsigned int nents, gfp_t gfp);
void sg_free_table(struct sg_table *table);

static inline void sg_set_page(struct scatterlist *sg, struct page *page,
			       unsigned int len, unsigned int offset)
{
	sg->page = page;
	sg->offset = offset;
	sg->length = len;
}

#define for_each_sg(sgl, sg, nr, i)					\
	for ((i) = 0, (sg) = (sgl); (i) < (nr); (i)++, (sg)++)

#endif /* KSHIM_LINUX_SCATTERLIST_H */
