#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# soak.sh : make soak, the long hostile-guest runs (not in make check):
# the fast-path runs make check leaves out (tests/lab/perftest.sh), the
# attacks of tests/lab/attack.sh once, then SOAK_CYCLES (100) cycles
# of xl destroy under load (tests/lab/destroy.sh; make check runs 1);
# the attacks replay the whole fuzz corpora (ATTACK_REPLAY_N=0).
# Boots the lab unless one is up (and then leaves it up); LAB_KEEP=1 keeps
# a lab it booted.  Prints the check lines, then "N passed, N failed".
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
L=$here/lab.sh
booted=0
if ! "$L" status >/dev/null 2>&1; then
	"$L" up || exit 1
	booted=1
fi
ATTACK_REPLAY=1 ATTACK_REPLAY_N=${ATTACK_REPLAY_N:-0} DESTROY_CYCLES=${SOAK_CYCLES:-100} "$here/part.sh" perftest attack destroy
rc=$?
if [ $booted = 1 ] && [ "${LAB_KEEP:-0}" != 1 ]; then
	"$L" down
fi
exit $rc
