/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * harness.h - the one harness of every C unit test (tests/unit, userlib's
 * and tools' tests).  Each check counts as one case; a failure prints one
 * line, "FAIL file:line: expression: message".  A test that cannot run on
 * this host says so with SKIP() (counted, never as passed).  t_summary()
 * prints the last line:
 *
 *	N passed, N failed		(no skip)
 *	N passed, N failed, N skipped	(some case skipped)
 *
 * and returns the exit status.  tests/run-tests.sh sums the last lines of
 * several binaries, and mk/check.sh shows the skips in make check's
 * summary.
 *
 * The message of CHECK() is optional: CHECK(cond) or CHECK(cond, fmt, ...).
 * With t_verbose set, passing checks that have a message print "ok   ...".
 */
#ifndef XENIB_TEST_HARNESS_H
#define XENIB_TEST_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * CHECK(cond) passes t_check() the format "": a check without a message.
 * Formats are still checked; only the empty one is allowed.
 */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

static unsigned int t_pass, t_fail, t_skip;
static bool t_verbose;

static inline __attribute__((format(printf, 5, 6))) void
t_check(bool ok, const char *file, int line, const char *expr,
	const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		t_pass++;
		if (!t_verbose || !*fmt)
			return;
		printf("ok   ");
	} else {
		t_fail++;
		printf("FAIL %s:%d: %s%s", file, line, expr, *fmt ? ": " : "");
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define CHECK(cond, ...)						\
	t_check(!!(cond), __FILE__, __LINE__, #cond, "" __VA_ARGS__)

#define CHECK_EQ(got, want, ...)					\
	do {								\
		long long _g = (long long)(got), _w = (long long)(want); \
		if (_g != _w)						\
			printf("     got %lld want %lld\n", _g, _w);	\
		t_check(_g == _w, __FILE__, __LINE__, #got " == " #want, \
			"" __VA_ARGS__);				\
	} while (0)

/* A case (or the rest of the test) that cannot run on this host. */
#define SKIP(...)							\
	do {								\
		t_skip++;						\
		printf("SKIP ");					\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

static inline int t_summary(void)
{
	if (t_skip)
		printf("%u passed, %u failed, %u skipped\n", t_pass, t_fail,
		       t_skip);
	else
		printf("%u passed, %u failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
