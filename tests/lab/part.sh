#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# part.sh PART... : run parts of the lab suite (attack, mpi: the files
# tests/lab/PART.sh) against the lab that is up, for iterating on one of
# them without a boot:
#
#   make && tests/lab/lab.sh deploy && tests/lab/part.sh attack
#
# Loads the backend and the frontends and attaches every guest to rxe0
# where that is not done yet (a module already loaded is not reloaded:
# after a deploy, rmmod them first).  Prints the parts' check lines, then
# "N passed, N failed"; exit 0 only if every check passed.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
pass=0
fail=0
dead=0
strikes=0
t_start=$(date +%s.%N)
export LAB_TIMEOUT=${LAB_TIMEOUT:-180}
. "$here/lib.sh"

[ $# -ge 1 ] || { echo "usage: part.sh PART..." >&2; exit 2; }
L status >/dev/null 2>&1 || { echo "part.sh: the lab is not up (lab.sh up)" >&2; exit 2; }
ngu=$(L run dom0 "xl list | awk '\$1 ~ /^guest[0-9]+\$/' | wc -l" 2>/dev/null) || ngu=0
guests=$(seq 1 "$ngu")
suite_guests
L run dom0 "grep -q '^xen_ibback ' /proc/modules || { modprobe ib_core && insmod /opt/xenib/xen-ibback.ko max_mapped_pages=262144; }" >/dev/null
for n in $guests; do
	L run dom0 "xenib list | grep -q -E '^ *${DOMID[guest$n]} +0 ' || xenib attach guest$n --device rxe0" >/dev/null
	L run "guest$n" "grep -q '^xen_ibfront ' /proc/modules || { modprobe ib_uverbs && insmod /opt/xenib/xen-ibfront.ko; }
for i in \$(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done" >/dev/null
done
for p; do
	. "$here/$p.sh"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
