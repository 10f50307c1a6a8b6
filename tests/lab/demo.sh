#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo.sh (make demo) : the main job of xenib, end to end, in the lab:
# native verbs on rxe0 in Dom0, the backend in Dom0, the frontend in every
# guest, then a guest's xenib0 (attached with the xenib tool) running an
# unmodified ibv_rc_pingpong against a native Dom0 app, with the backend's
# counters before and after.
#
# Boots the lab (or reuses the one that is up, LAB_REUSE=1) and shuts it down
# afterwards (unless LAB_KEEP=1 or reused).  Exit status: non-zero if any
# step fails.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
L=$here/lab.sh
reused=0
declare -a summary=()
hard_fail=0

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' Y=$'\e[33m' N=$'\e[0m'
else
	B='' G='' R='' Y='' N=''
fi
section() { echo; echo "${B}== $* ==${N}"; }
show() { sed 's/^/    /'; }
# step NAME ok|fail DETAIL
step() {
	case "$2" in
	ok) summary+=("${G}ok${N}     $1${3:+ ($3)}") ;;
	*)
		summary+=("${R}FAIL${N}   $1${3:+ ($3)}")
		hard_fail=1
		;;
	esac
}
run() { "$L" run "$@" 2>&1; }

finish() {
	section "Summary"
	printf '  %s\n' "${summary[@]}"
	if [ $reused = 0 ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		echo
		"$L" down 2>&1 | show
	fi
	echo "  logs: $("$L" logs)/logs"
	exit $hard_fail
}

section "The lab: Xen 4.20 + Dom0 + guests in QEMU (TCG), Debian trixie"
if [ "${LAB_REUSE:-0}" = 1 ] && "$L" status >/dev/null 2>&1; then
	reused=1
	echo "  reusing the lab that is up ($("$L" logs))"
else
	echo "  booting (about 2 minutes) ..."
	if "$L" up 2>&1 | grep -E '^lab: ' | show; then
		"$L" status >/dev/null 2>&1 || { step "lab up" fail "see the output above"; finish; }
	fi
fi
run dom0 'xl list' | show
step "lab up" ok

section "1. Native verbs in Dom0 on rxe0 (Soft-RoCE, the lab's real RDMA device)"
run dom0 'rdma link show; ibv_devinfo -d rxe0 | grep -E "hca_id|fw_ver|state|active_mtu|link_layer"' | show
echo "  ibv_rc_pingpong, server and client in Dom0:"
out=$(run dom0 '
timeout 120 ibv_rc_pingpong -d rxe0 -g 0 -n 500 >/tmp/demo-srv.log 2>&1 &
for i in $(seq 60); do
	timeout 100 ibv_rc_pingpong -d rxe0 -g 0 -n 500 127.0.0.1 >/tmp/demo-cli.log 2>&1
	c=$?
	grep -q "Couldn.t connect" /tmp/demo-cli.log || break
	sleep 0.25
done
wait
cat /tmp/demo-cli.log
exit $c')
rc=$?
echo "$out" | show
if [ $rc = 0 ]; then
	step "native ibv_rc_pingpong in Dom0" ok "$(echo "$out" | grep -o '[0-9.]* usec/iter')"
else
	step "native ibv_rc_pingpong in Dom0" fail "rc $rc"
fi

section "2. The backend, xen-ibback, in Dom0"
out=$(run dom0 'set -e
[ -f /opt/xenib/xen-ibback.ko ] || { echo "xen-ibback.ko not built (make modules)"; exit 1; }
modprobe ib_core; modprobe ib_uverbs
grep -q "^xen_ibback " /proc/modules || insmod /opt/xenib/xen-ibback.ko max_mapped_pages=262144
grep "^xen_ibback " /proc/modules | cut -d" " -f1-3
dmesg | grep -i "xen.ibback\|xenib" | grep -v "taints kernel\|module verification" | tail -n 5')
rc=$?
echo "$out" | show
if [ $rc = 0 ]; then step "xen-ibback loaded in Dom0" ok; else step "xen-ibback loaded in Dom0" fail "$(echo "$out" | tail -n 1)"; fi

guests=$(run dom0 "xl list | awk '\$1 ~ /^guest[0-9]+\$/ { print \$1 }' | sort -V")
section "3. The frontend, xen-ibfront, and the provider in the guests"
for g in $guests; do
	echo "  $g:"
	out=$(run "$g" 'set -e
[ -f /opt/xenib/xen-ibfront.ko ] || { echo "xen-ibfront.ko not built (make modules)"; exit 1; }
modprobe ib_core; modprobe ib_uverbs
grep -q "^xen_ibfront " /proc/modules || insmod /opt/xenib/xen-ibfront.ko
grep "^xen_ibfront " /proc/modules | cut -d" " -f1-3
ls /usr/lib/x86_64-linux-gnu/libibverbs/libxenib-rdmav*.so /etc/libibverbs.d/xenib.driver 2>&1')
	rc=$?
	echo "$out" | show
	if [ $rc = 0 ]; then step "xen-ibfront loaded in $g" ok; else step "xen-ibfront loaded in $g" fail "$(echo "$out" | tail -n 1)"; fi
done

section "4. A guest on xenib0: attach, then ibv_rc_pingpong against native Dom0"
g1=$(echo "$guests" | head -n 1)
if [ -z "$g1" ]; then
	step "guest on xenib0" fail "no guest"
elif ! run dom0 'test -x /usr/local/sbin/xenib' >/dev/null; then
	step "xenib attach" fail "the xenib tool is not built (make tools)"
else
	out=$(run dom0 "xenib attach \$(xl domid $g1) --device rxe0 --port 1")
	rc=$?
	echo "  xenib attach $g1 (rc $rc):"
	echo "$out" | show
	out=$(run "$g1" 'for i in $(seq 30); do [ -e /sys/class/infiniband/xenib0 ] && break; sleep 0.5; done
ls /sys/class/infiniband/
[ -e /sys/class/infiniband/xenib0 ] && ibv_devinfo -d xenib0 | grep -E "hca_id|state|link_layer"')
	if [ $? = 0 ]; then
		echo "$out" | show
		step "xenib0 appears in $g1" ok
		out=$(run dom0 "
timeout 120 ibv_rc_pingpong -d rxe0 -g 0 -n 500 >/tmp/demo-srv.log 2>&1 &
sleep 2
lab-on -t 100 $g1 'timeout 90 ibv_rc_pingpong -d xenib0 -g 0 -n 500 dom0'
c=\$?
wait
echo '--- Dom0 side:'
cat /tmp/demo-srv.log
exit \$c")
		rc=$?
		echo "$out" | show
		echo "  the backend's counters for $g1 (xenib stats):"
		run dom0 "xenib stats \$(xl domid $g1)" | show
		if [ $rc = 0 ]; then
			step "ibv_rc_pingpong $g1 (xenib0) <-> Dom0 (rxe0)" ok "$(echo "$out" | grep -o '[0-9.]* usec/iter' | head -n 1)"
		else
			step "ibv_rc_pingpong $g1 (xenib0) <-> Dom0 (rxe0)" fail "rc $rc"
		fi
	else
		echo "$out" | show
		echo "  what the drivers said (dmesg, $g1 then Dom0):"
		run "$g1" 'dmesg | grep -iE "xenib|ibfront|vib" | grep -vE "taints kernel|module verification" | tail -n 8' | show
		run dom0 'dmesg | grep -iE "xenib|ibback|vib" | grep -vE "taints kernel|module verification" | tail -n 8' | show
		step "xenib0 in $g1" fail "no xenib0 device after attach"
	fi
	echo "  xenib detach $g1:"
	run dom0 "xenib detach \$(xl domid $g1) --force" | show
fi

section "5. Unload everything, check the kernel logs"
for g in $guests; do
	out=$(run "$g" '! grep -q "^xen_ibfront " /proc/modules || rmmod xen_ibfront')
	if [ $? = 0 ]; then step "xen-ibfront unloaded in $g" ok; else step "xen-ibfront unloaded in $g" fail "$out"; fi
done
out=$(run dom0 '! grep -q "^xen_ibback " /proc/modules || rmmod xen_ibback')
if [ $? = 0 ]; then step "xen-ibback unloaded in Dom0" ok; else step "xen-ibback unloaded in Dom0" fail "$out"; fi
for d in dom0 $guests; do
	out=$(run "$d" 'b=$(dmesg | grep -E "WARNING:|Oops|BUG:|Call Trace|general protection" | head -n 3)
t=$(cat /proc/sys/kernel/tainted)
[ -z "$b" ] && [ $((t & ~12288)) = 0 ] && echo "clean, taint $t" || { echo "$b (taint $t)"; exit 1; }')
	if [ $? = 0 ]; then step "dmesg of $d" ok "$out"; else step "dmesg of $d" fail "$out"; fi
done

finish
