/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim linux/module.h - module parameters are plain variables; the
 * module's init and exit functions are reachable as kshim_module_init and
 * kshim_module_exit (one module per program).
 */

#ifndef KSHIM_LINUX_MODULE_H
#define KSHIM_LINUX_MODULE_H

#include "../kshim.h"

#define module_param_named(name, value, type, perm)			\
	static const void *const kshim_param_##name __maybe_unused = &(value)
#define MODULE_PARM_DESC(name, desc)	extern int kshim_module_info
#define MODULE_DESCRIPTION(desc)	extern int kshim_module_info
#define MODULE_LICENSE(lic)		extern int kshim_module_info
#define MODULE_ALIAS(alias)		extern int kshim_module_info

#define module_init(fn)		int (*kshim_module_init)(void) = fn
#define module_exit(fn)		void (*kshim_module_exit)(void) = fn

#endif /* KSHIM_LINUX_MODULE_H */
