/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * harness.h - minimal table-driven test harness.  Every check counts as one
 * case; failures print one line each; t_summary() prints the last line,
 * "N passed, N failed", and returns the exit status.
 */
#ifndef XENIB_TEST_HARNESS_H
#define XENIB_TEST_HARNESS_H

#include <stdio.h>

static unsigned int t_pass, t_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			t_pass++;					\
		} else {						\
			t_fail++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

#define CHECK_EQ(got, want, ...)					\
	do {								\
		long long _g = (long long)(got), _w = (long long)(want); \
		if (_g == _w) {						\
			t_pass++;					\
		} else {						\
			t_fail++;					\
			printf("FAIL %s:%d: got %lld want %lld: ",	\
			       __FILE__, __LINE__, _g, _w);		\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static inline int t_summary(void)
{
	printf("%u passed, %u failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
