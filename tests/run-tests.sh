#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# run-tests.sh BINARY... : run C unit tests built on tests/harness.h.  Each
# prints per-case failures and ends with "N passed, N failed" (", N skipped"
# when it skipped cases).  Prints every binary's output, prefixed with its
# name, then the sum as the last line, in the same form.  A binary that
# crashes, prints no summary, or exits non-zero with 0 failed counts one
# failure.
pass=0
fail=0
skip=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s|^|$(basename "$t"): |"
	last=$(printf '%s\n' "$out" | tail -n 1)
	re='^\([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$'
	p=$(printf '%s\n' "$last" | sed -n "s/$re/\1/p")
	f=$(printf '%s\n' "$last" | sed -n "s/$re/\2/p")
	s=$(printf '%s\n' "$last" | sed -n "s/$re/\4/p")
	if [ -z "$p" ]; then
		echo "$(basename "$t"): no summary (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + ${s:-0}))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$(basename "$t"): exit $rc"
		fail=$((fail + 1))
	fi
done
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
