/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/interrupt.h - irqs of the fake event channels (fake.c).
 */

#ifndef KSHIM_LINUX_INTERRUPT_H
#define KSHIM_LINUX_INTERRUPT_H

#include "../kshim.h"

typedef enum {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
} irqreturn_t;

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_NO_AUTOEN	0x00080000u

void enable_irq(unsigned int irq);
void synchronize_irq(unsigned int irq);

#endif /* KSHIM_LINUX_INTERRUPT_H */
