# SPDX-License-Identifier: GPL-2.0-only
#
# perftest.sh : the perftest programs guest1 -> guest2 (make soak; make
# check runs them guest -> Dom0 only, LAB_PERFTEST_G2G=1 adds these).
# Sourced by part.sh after integration.sh's functions; uses pt_all, G1,
# G2.  One "ok"/"FAIL" line per program.
if [ "$ngu_int" -ge 2 ]; then
	pt_all "$G2" "$G1"
fi
