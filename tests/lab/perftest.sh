# SPDX-License-Identifier: GPL-2.0-only
#
# perftest.sh : the fast-path runs make check leaves out to keep inside its
# time budget (make soak; tests/lab/soak.sh): the three perftest programs
# guest -> Dom0 that integration.sh does not run (it runs one of each
# kind), all seven guest1 -> guest2, ibv_uc_pingpong and ibv_rc_pingpong
# -e guest1 -> guest2 (make check runs them guest -> Dom0), and the
# control-path costs, guest vs native.  Sourced by part.sh; uses pt_all,
# pp_all, costs_check (lib.sh), G1, G2.  One "ok"/"FAIL" line each.
if [ "$ngu_int" -ge 1 ]; then
	pt_all dom0 "$G1" ib_send_lat ib_read_lat ib_write_bw
	costs_check
fi
if [ "$ngu_int" -ge 2 ]; then
	pp_all "$G2" "$G1" uc "rc -e"
	pt_all "$G2" "$G1"
fi
