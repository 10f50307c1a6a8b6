/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim xen/events.h - event channels bound to irqs of the fake kernel
 * (fake.c): it remembers each irq's handler so that the fuzz harness can
 * raise it, and checks that EOIs and notifications name bound irqs.
 */

#ifndef KSHIM_XEN_EVENTS_H
#define KSHIM_XEN_EVENTS_H

#include "../kshim.h"
#include "../linux/interrupt.h"

#define XEN_EOI_FLAG_SPURIOUS	0x1u

struct xenbus_device;

int bind_interdomain_evtchn_to_irqhandler_lateeoi(struct xenbus_device *dev,
						  unsigned int evtchn,
						  irq_handler_t handler,
						  unsigned long flags,
						  const char *name,
						  void *dev_id);
void unbind_from_irqhandler(unsigned int irq, void *dev_id);
void notify_remote_via_irq(int irq);
void xen_irq_lateeoi(unsigned int irq, unsigned int eoi_flags);

#endif /* KSHIM_XEN_EVENTS_H */
