#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# smoke.sh : the lab suite (make lab-smoke, and make check's last step).
# Boots the lab once (or reuses the one that is up, with LAB_REUSE=1), runs
# the smoke checks (Xen, Dom0, rxe0, guests, network, modules load and
# unload), then the control-path and fast-path checks of integration.sh in
# the same boot, prints one line per check ("ok   NAME: detail" or
# "FAIL NAME: reason"), then exactly "N passed, N failed", and shuts the lab
# down (unless LAB_KEEP=1 or it was reused).  Exit status 0 only if every
# check passed.  The run's logs stay in build/lab/runs/<time>/logs (failed
# runs are never pruned first).
#
# Every step is bounded: each command by LAB_TIMEOUT (here 180 s), the
# whole suite by SMOKE_TIMEOUT (3600 s), and once the lab stops answering
# (two commands in a row time out or find it dead) the remaining checks
# fail at once instead of waiting.
#
# Environment: LAB_GUESTS (2) and everything lab.sh reads; PP_TRIES (3),
# how many times the native pingpong may be tried; LAB_INTEGRATION (1; 0
# runs the smoke checks only); what integration.sh reads.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
pass=0
fail=0
t_start=$(date +%s.%N)
reused=0
export LAB_TIMEOUT=${LAB_TIMEOUT:-180}
dead=0
strikes=0

. "$here/lib.sh"

finish() {
	local run
	kill "$watchdog" 2>/dev/null
	run=$(L logs 2>/dev/null)
	if [ $reused = 0 ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		if L down >/tmp/lab-smoke-down.$$ 2>&1; then
			ok "shutdown" "$(oneline </tmp/lab-smoke-down.$$ | sed 's/^lab: //')"
		else
			bad "shutdown" "$(oneline </tmp/lab-smoke-down.$$)"
		fi
		rm -f /tmp/lab-smoke-down.$$
	fi
	if [ -n "$run" ] && [ -d "$run/state" ]; then
		if [ $fail = 0 ]; then echo passed; else echo failed; fi >"$run/state/result"
		[ $fail = 0 ] || echo "logs: $run/logs"
	fi
	echo "smoke suite: $(elapsed "$t_start") s"
	echo "$pass passed, $fail failed"
	[ $fail = 0 ]
	exit
}

# The suite's own deadline: report, shut the lab down, exit.
trap 'bad "suite" "SMOKE_TIMEOUT (${SMOKE_TIMEOUT:-3600} s) reached"; dead=1; finish' USR1
(
	trap 'kill $sp; exit' TERM
	sleep "${SMOKE_TIMEOUT:-3600}" &
	sp=$!
	wait $sp && kill -USR1 $$
) </dev/null >/dev/null 2>&1 &
watchdog=$!

# 1. The lab.
if [ "${LAB_REUSE:-0}" = 1 ] && L status >/dev/null 2>&1; then
	reused=1
	ok "lab up" "reusing $(L logs)"
else
	t0=$(date +%s.%N)
	if L up >/tmp/lab-smoke-up.$$ 2>&1; then
		ok "lab up" "$(elapsed "$t0") s; $(grep -E 'Dom0 ready|guest\(s\) up' /tmp/lab-smoke-up.$$ | sed 's/^lab: //' | oneline)"
		rm -f /tmp/lab-smoke-up.$$
	else
		bad "lab up" "$(tail -n 4 /tmp/lab-smoke-up.$$ | oneline)"
		cat /tmp/lab-smoke-up.$$ >&2
		rm -f /tmp/lab-smoke-up.$$
		finish
	fi
fi
ngu=$(L run dom0 "xl list | awk '\$1 ~ /^guest[0-9]+\$/' | wc -l" 2>/dev/null) || ngu=0
guests=$(seq 1 "$ngu")

# 2. Dom0 and the real RDMA device.
if out=$(L run dom0 'set -e; x=$(xl info | awk "/^xen_version/ { print \$3 }"); echo "Xen $x, Dom0 $(uname -r), $(nproc) vCPUs, $(($(awk "/MemTotal/ { print \$2 }" /proc/meminfo) / 1024)) MiB"' 2>&1); then
	ok "dom0 up" "$out"
else
	bad "dom0 up" "$(echo "$out" | oneline)"
fi
if out=$(L run dom0 'cat /sys/class/infiniband/rxe0/ports/1/state; rdma link show rxe0/1' 2>&1) &&
	echo "$out" | grep -q ACTIVE; then
	ok "rxe0 active" "$(echo "$out" | tail -n 1 | oneline)"
else
	bad "rxe0 active" "$(echo "$out" | oneline)"
fi

# 3. Native ibv_rc_pingpong on rxe0 in Dom0 (server and client in Dom0, the
# TCP side channel on 127.0.0.1).  The client is retried while the server is
# not listening yet; a failed exchange is retried up to PP_TRIES times and
# each failure is shown, so that flakiness is visible rather than hidden.
pp_script='
timeout 120 ibv_rc_pingpong -d rxe0 -g 0 -n 500 >/tmp/pp-srv.log 2>&1 &
srv=$!
for i in $(seq 60); do
	timeout 100 ibv_rc_pingpong -d rxe0 -g 0 -n 500 127.0.0.1 >/tmp/pp-cli.log 2>&1
	c=$?
	grep -q "Couldn.t connect" /tmp/pp-cli.log || break
	kill -0 $srv 2>/dev/null || break
	sleep 0.25
done
wait $srv
s=$?
echo "client rc=$c server rc=$s"
grep -h -E "usec/iter|rror|ailed|Couldn" /tmp/pp-cli.log /tmp/pp-srv.log
[ $c = 0 ] && [ $s = 0 ] && grep -q usec/iter /tmp/pp-cli.log'
tries=${PP_TRIES:-3}
pp_fail=""
for try in $(seq "$tries"); do
	if out=$(L run dom0 "$pp_script" 2>&1); then
		ok "native ibv_rc_pingpong (dom0, rxe0)" "$(echo "$out" | grep usec/iter | head -n 1 | oneline)${pp_fail:+ (after $((try - 1)) failed attempt(s): $pp_fail)}"
		break
	fi
	pp_fail+="[$try: $(echo "$out" | oneline)] "
	[ "$try" = "$tries" ] && bad "native ibv_rc_pingpong (dom0, rxe0)" "$pp_fail"
done

# 4. Guests.
want=${LAB_GUESTS:-2}
if [ $reused = 0 ] && [ "$ngu" != "$want" ]; then
	bad "guests" "$ngu running, $want wanted"
fi
for n in $guests; do
	if out=$(L run "guest$n" 'echo "$(hostname), $(uname -r), $(($(awk "/MemTotal/ { print \$2 }" /proc/meminfo) / 1024)) MiB, $(ip -4 -o addr show eth0 | awk "{ print \$4 }")"' 2>&1); then
		ok "guest$n up" "$out"
	else
		bad "guest$n up" "$(echo "$out" | oneline)"
	fi
done
pingchk() {
	local from=$1 to=$2 out
	if out=$(L run "$from" "ping -c 2 -W 5 -i 0.3 $to" 2>&1); then
		ok "ping $from -> $to" "$(echo "$out" | grep -o 'rtt.*' | oneline)"
	else
		bad "ping $from -> $to" "$(echo "$out" | tail -n 3 | oneline)"
	fi
}
for n in $guests; do
	pingchk dom0 "guest$n"
	pingchk "guest$n" dom0
done
for a in $guests; do
	for b in $guests; do
		[ "$a" != "$b" ] && pingchk "guest$a" "guest$b"
	done
done

# 5. The project's artifacts and modules.
art_script='
miss=""
for f in "$@"; do [ -e "$f" ] || miss+=" $(basename "$f")"; done
if [ -n "$miss" ]; then
	echo "missing:$miss (not built? make modules userlib tools; then lab.sh deploy)"
	exit 1
fi
echo "$(cat /opt/xenib/MANIFEST | wc -l) file(s) in /opt/xenib"'
if out=$(L run dom0 "set -- /opt/xenib/xen-ibback.ko /usr/local/sbin/xenib
$art_script" 2>&1); then
	ok "artifacts in dom0" "$out"
else
	bad "artifacts in dom0" "$(echo "$out" | oneline)"
fi
for n in $guests; do
	if out=$(L run "guest$n" "set -- /opt/xenib/xen-ibfront.ko /usr/lib/x86_64-linux-gnu/libibverbs/libxenib-rdmav34.so /etc/libibverbs.d/xenib.driver
$art_script" 2>&1); then
		ok "artifacts in guest$n" "$out"
	else
		bad "artifacts in guest$n" "$(echo "$out" | oneline)"
	fi
done

# load_script KO MODNAME : insmod and rmmod in a clean way, checked in dmesg
# and the taint mask.
load_script='
ko=/opt/xenib/$1
mod=$2
[ -f "$ko" ] || { echo "$1 was not pushed (not built? make modules)"; exit 1; }
modprobe ib_core && modprobe ib_uverbs || { echo "modprobe ib_core ib_uverbs failed"; exit 1; }
if grep -q "^$mod " /proc/modules; then
	rmmod "$mod" || { echo "$mod was loaded already and does not unload"; exit 1; }
fi
mark="lab-smoke: $mod $$.$RANDOM"
echo "$mark" >/dev/kmsg
t0=$EPOCHREALTIME
insmod "$ko" || { echo "insmod $1 failed: $(dmesg | tail -n 3 | tr "\n" " ")"; exit 1; }
grep -q "^$mod " /proc/modules || { echo "$mod is not in /proc/modules after insmod"; exit 1; }
sleep 1
rmmod "$mod" || { echo "rmmod $mod failed"; exit 1; }
! grep -q "^$mod " /proc/modules || { echo "$mod still loaded after rmmod"; exit 1; }
t1=$EPOCHREALTIME
sleep 0.5
b=$(dmesg | sed -n "/$mark/,\$p" | grep -E "$3" | head -n 3)
[ -z "$b" ] || { echo "dmesg: $b"; exit 1; }
t=$(cat /proc/sys/kernel/tainted)
[ $((t & ~$4)) = 0 ] || { echo "kernel tainted $t"; exit 1; }
printf "insmod+rmmod clean (%.1f s, taint %s)\n" "$(awk -v a=$t0 -v b=$t1 "BEGIN { print b - a }")" "$t"'
if out=$(L run dom0 "set -- xen-ibback.ko xen_ibback '$BADRE' $TAINT_OK
$load_script" 2>&1); then
	ok "xen-ibback loads and unloads (dom0)" "$out"
else
	bad "xen-ibback loads and unloads (dom0)" "$(echo "$out" | oneline)"
fi
for n in $guests; do
	if out=$(L run "guest$n" "set -- xen-ibfront.ko xen_ibfront '$BADRE' $TAINT_OK
$load_script" 2>&1); then
		ok "xen-ibfront loads and unloads (guest$n)" "$out"
	else
		bad "xen-ibfront loads and unloads (guest$n)" "$(echo "$out" | oneline)"
	fi
done

# 6. The control path and the fast path (integration.sh), unless
# LAB_INTEGRATION=0.
if [ "${LAB_INTEGRATION:-1}" != 0 ] && [ $dead = 0 ]; then
	. "$here/integration.sh"
fi

# 7. Every kernel log is clean, from boot on.
dmesg_script='
b=$(dmesg | grep -E "$1" | head -n 3)
[ -z "$b" ] || { echo "dmesg: $b"; exit 1; }
t=$(cat /proc/sys/kernel/tainted)
[ $((t & ~$2)) = 0 ] || { echo "kernel tainted $t"; exit 1; }
echo "$(dmesg | wc -l) lines, taint $t"'
for d in dom0 $(for n in $guests; do echo "guest$n"; done); do
	if out=$(L run "$d" "set -- '$BADRE' $TAINT_OK
$dmesg_script" 2>&1); then
		ok "dmesg clean ($d)" "$out"
	else
		bad "dmesg clean ($d)" "$(echo "$out" | oneline)"
	fi
done
# The checkers behind Dom0's clean log were on (lab.sh's LAB_DOM0_MEMCHECK).
if [ -z "${LAB_DOM0_MEMCHECK-x}" ]; then
	ok "Dom0 memory checkers" "off (LAB_DOM0_MEMCHECK is empty)"
elif out=$(L run dom0 'k=/sys/kernel/debug/kfence/stats s=/sys/kernel/slab/kmalloc-64
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
grep -q "^enabled: 1" $k || { echo "KFENCE is off"; exit 1; }
a=$(awk "/^total allocations:/ { print \$3 }" $k)
[ "${a:-0}" -gt 0 ] || { echo "KFENCE sampled nothing"; exit 1; }
grep -q "^total bugs: 0$" $k || { echo "KFENCE: $(grep "^total bugs" $k)"; exit 1; }
for f in sanity_checks red_zone poison; do
	[ "$(cat $s/$f)" = 1 ] || { echo "kmalloc-64 $f is off"; exit 1; }
done
echo "KFENCE sampled $a allocations, kmalloc-* red zones, poisoning and sanity checks on"' 2>&1); then
	ok "Dom0 memory checkers" "$out"
else
	bad "Dom0 memory checkers" "$(echo "$out" | oneline)"
fi
if out=$(L run dom0 'xl dmesg | grep -E "\(XEN\).*(Assertion|FATAL|Panic|BUG)" | head -n 3' 2>&1) && [ -z "$out" ]; then
	ok "xl dmesg clean"
else
	bad "xl dmesg clean" "$(echo "$out" | oneline)"
fi
# How many commands the suite ran in the domains (lab.sh run): where the
# suite's time goes beyond the programs themselves.
cf="$("$here/lab.sh" logs 2>/dev/null)/state/calls"
[ -s "$cf" ] && echo "lab.sh run calls: $(sort "$cf" | uniq -c | awk '{ printf "%s%s %s", n++ ? ", " : "", $1, $2 }')"

finish
