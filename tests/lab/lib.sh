# SPDX-License-Identifier: GPL-2.0-only
#
# lib.sh : the helpers of the lab suite, sourced by smoke.sh (and by
# part.sh, which runs one part of the suite against the lab that is up).
# Needs $here (tests/lab), $t_start, $dead and $strikes set by the caller;
# the checks count into $pass and $fail.

# L ARGS... : lab.sh, but "run" gives up at once when the lab is dead.
L() {
	local rc
	if [ "$1" = run ] && [ $dead = 1 ]; then
		echo "skipped: the lab stopped answering"
		return 255
	fi
	"$here/lab.sh" "$@"
	rc=$?
	if [ "$1" = run ]; then
		case $rc in
		124 | 255) strikes=$((strikes + 1)) ;;
		*) strikes=0 ;;
		esac
		[ $strikes -ge 2 ] && dead=1
	fi
	return $rc
}

# Each line ends with the suite's time so far, to see where the time goes.
ok() { echo "ok   $1${2:+: $2} [t+$(elapsed "$t_start")s]"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2 [t+$(elapsed "$t_start")s]"; fail=$((fail + 1)); }
oneline() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-300; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# What no dmesg of the lab may ever contain (with KFENCE's and SLUB's
# reports, lab.sh's LAB_DOM0_MEMCHECK).
BADRE='WARNING:|Oops|BUG:|kernel BUG|Call Trace|general protection fault|UBSAN|KASAN|list_add corruption|list_del corruption|refcount_t:|soft lockup|hung_task|rcu_sched detected stall|Kernel panic|KFENCE|BUG [^ ]+ \(|Redzone overwritten|Poison overwritten|Object already free'
# Taint bits we accept: O (out-of-tree, 4096) and E (unsigned, 8192).
TAINT_OK=12288

ip_of() {
	case $1 in
	dom0) echo 10.77.0.1 ;;
	guest*) echo "10.77.0.$((10 + ${1#guest}))" ;;
	esac
}
dev_of() { if [ "$1" = dom0 ]; then echo rxe0; else echo xenib0; fi; }

# Resource counts of rxe0 in Dom0 ("pd N cq N qp N ..."), without cm_id.
rdma_res() {
	L run dom0 "rdma resource show | awk '/rxe0/ { \$1 = \$2 = \"\"; print }' | sed 's/^ *//'"
}

# Dom0 and every guest still have clean kernel logs since MARK.
since_mark_clean() {
	local mark=$1 d out rc=0
	for d in dom0 $(for n in $guests; do echo "guest$n"; done); do
		out=$(L run "$d" "dmesg | sed -n '/$mark/,\$p' | grep -E '$BADRE' | head -n 3") || true
		[ -z "$out" ] || { echo "$d: $out"; rc=1; }
	done
	return $rc
}
mark_all() {
	local d
	for d in dom0 $(for n in $guests; do echo "guest$n"; done); do
		L run "$d" "echo '$1' >/dev/kmsg" >/dev/null 2>&1
	done
}

# pair PROG SRV_DOM CLI_DOM [ARGS...] : PROG as server in SRV_DOM, client in
# CLI_DOM to the server's address; both on their device.  The client is
# retried while the server does not listen yet.  Prints the client's and
# server's last lines; returns 0 only if both exited 0.
pair() {
	local prog=$1 sd=$2 cd=$3 tag port
	shift 3
	tag=pair.$$.$RANDOM
	# A port of our own: nothing else in the lab may answer the client.
	port=$((19000 + RANDOM % 1000))
	set -- -p "$port" "$@"
	L run "$sd" "(timeout 150 $prog -d $(dev_of "$sd") $* >/tmp/$tag.log 2>&1; echo \$? >/tmp/$tag.rc) </dev/null >/dev/null 2>&1 &" >/dev/null
	L run "$cd" "
for i in \$(seq 40); do
	timeout 140 $prog -d $(dev_of "$cd") $* $(ip_of "$sd") >/tmp/$tag.cli 2>&1
	c=\$?
	grep -q -E \"Couldn.t connect|Unable to init the socket|Couldn't read/write remote\" /tmp/$tag.cli || break
	[ \$i -lt 40 ] || break
	sleep 0.5
done
tail -n 2 /tmp/$tag.cli | tr '\n' ' '
grep -A 1 -E '^ *#bytes' /tmp/$tag.cli | tail -n 1
grep -h -o -E \"Can't produce a report|Correlation coefficient\" /tmp/$tag.cli
exit \$c"
	local c=$?
	L run "$sd" "for i in \$(seq 300); do [ -s /tmp/$tag.rc ] && break; sleep 0.5; done
echo \"| server: \$(tail -n 1 /tmp/$tag.log)\"
grep -h -o -E \"Can't produce a report|Correlation coefficient\" /tmp/$tag.log
[ -s /tmp/$tag.rc ] || { echo 'server did not finish'; pkill -f '$prog' ; exit 1; }
exit \$(cat /tmp/$tag.rc)"
	local s=$?
	echo "pair-status client=$c server=$s"
	[ $c = 0 ] && [ $s = 0 ]
}
pair_ok() { echo "$1" | grep -q "pair-status client=0 server=0"; }

# The backend's debugfs "mem" (attack.sh, destroy.sh).
attack_mem() {	# the backend's debugfs "mem": "USED BUDGET" in KiB
	L run dom0 "mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
awk '{ v[\$1] = \$2 } END { print v[\"used_kib\"] + 0, v[\"budget_kib\"] + 0 }' /sys/kernel/debug/xen-ibback/mem 2>/dev/null || echo '0 0'" 2>/dev/null | tr -d '\r'
}
attack_mapped() {	# "MAPPED MAX" from the backend's debugfs "mem"
	L run dom0 "mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
awk '{ v[\$1] = \$2 } END { print v[\"mapped_pages\"] + 0, v[\"max_mapped_pages\"] + 0 }' /sys/kernel/debug/xen-ibback/mem 2>/dev/null || echo '0 0'" 2>/dev/null | tr -d '\r'
}
# attack_released M0 P0 : "USED MAPPED" once the backend's charged memory
# (KiB) and mapped pages are back at M0 and P0, or what they are after
# 20 s (a teardown releases them; it is not asserted to be fast).
attack_released() {
	local i m p
	for i in $(seq 40); do
		read -r m _ <<<"$(attack_mem)"
		read -r p _ <<<"$(attack_mapped)"
		[ "$m" = "$1" ] && [ "$p" = "$2" ] && break
		sleep 0.5
	done
	echo "$m $p"
}

# stat_of DOMID NAME : one backend counter.
stat_of() {
	L run dom0 "cat /sys/bus/xen-backend/devices/vib-$1-0/statistics/$2"
}


# suite_guests : ngu_int (how many guests), G1, G2 and DOMID[guestN] of
# the guests in $guests.
suite_guests() {
	local n
	ngu_int=$(echo "$guests" | wc -w)
	G1=guest1
	G2=guest2
	declare -g -A DOMID
	for n in $guests; do
		DOMID[guest$n]=$(L run dom0 "xl domid guest$n" 2>/dev/null | tr -d '\r')
	done
}

# perftest fits rdtsc against gettimeofday() before it reports, and under
# TCG, in Dom0 as in a guest, a vCPU descheduled at the wrong moment makes
# the fit fail now and then ("Correlation coefficient r^2 < 0.9").  The
# checks pass -F, with which a bandwidth test whose fit failed still exits
# 0 (its figures are then 0) instead of "Can't produce a report" and exit
# 1: a check here is about the transfers (both sides exit 0, a result
# line), never about perftest's clock.  A failed fit is shown on the line.
# (Guests also run rdtsc natively, see lab-guest-start, so that their
# clock is Dom0's.)  Latency figures come from make bench (-C, cycles).
# pt_all A B [PROG...]: PROGs (default: all seven) from B to server A.
pt_all() {
	local a=$1 b=$2 t out note
	shift 2
	[ $# -gt 0 ] || set -- ib_send_lat ib_write_lat ib_read_lat ib_atomic_lat ib_send_bw ib_write_bw ib_read_bw
	for t; do
		out=$(pair "$t" "$a" "$b" -x 0 -n "${PT_ITERS:-100}" -F 2>&1)
		note=
		echo "$out" | grep -q "Correlation coefficient" && note=" (perftest's clock fit failed: figures not meaningful)"
		if pair_ok "$out" && ! echo "$out" | grep -q -i -E 'error|fail' &&
			echo "$out" | grep -q -E '^ *[0-9]+ +[0-9]+ +[0-9.inf]+ +[0-9.inf]+'; then
			ok "$t $b -> $a" "$(echo "$out" | grep -o -E '^ *[0-9]+ +[0-9]+ +[0-9.inf]+ +[0-9.inf]+ +[0-9.inf]+' | head -n 1 | oneline)$note"
		else
			bad "$t $b -> $a" "$(echo "$out" | oneline)$note"
		fi
	done
}

# pp_all A B [KIND...]: ibv_KIND_pingpong from B to server A; KIND one of
# rc uc ud srq "rc -e" (default: all five).
pp_all() {
	local a=$1 b=$2 t out
	shift 2
	[ $# -gt 0 ] || set -- rc uc ud srq "rc -e"
	for t; do
		set -- $t
		if out=$(pair "ibv_${1}_pingpong" "$a" "$b" -g 0 -n "${PP_ITERS:-50}" "${@:2}" 2>&1); then
			ok "ibv_${t// /_}_pingpong $b -> $a" "$(echo "$out" | grep -o '[0-9.]* usec/iter' | head -n 1) (client)"
		else
			bad "ibv_${t// /_}_pingpong $b -> $a" "$(echo "$out" | oneline)"
		fi
	done
}

# Control-path costs, guest vs native in this run (information only: the
# check fails only if a program fails, never on the times).
costs() {
	L run "$1" "xenib-stress -d $(dev_of "$1") -g 0 -T -n ${COST_ITERS:-10} -m ${STRESS_MR_MIB:-256}" 2>&1 |
		awk '/^time: (create_qp|modify_to_rts_rc|reg_mr_1m|reg_mr_256m) / {
			sub("avg_us=", "", $4); printf "%s %.1f\n", $2, $4 / 1000 }
			/passed,/ { st = $0 } END { print "status", (st ~ / 0 failed/) ? "ok" : "failed" }'
}
costs_check() {
	local cn cg
	cn=$(costs dom0)
	cg=$(costs "$G1")
	if echo "$cn" | grep -q "status ok" && echo "$cg" | grep -q "status ok"; then
		ok "control-path costs, ms, guest vs native" "$(join <(echo "$cg" | grep -v status | sort) <(echo "$cn" | grep -v status | sort) |
			awk '{ printf "%s %s vs %s (x%.1f); ", $1, $2, $3, $2 / $3 }')"
	else
		bad "control-path costs, ms, guest vs native" "native: $(echo "$cn" | oneline); guest: $(echo "$cg" | oneline)"
	fi
}
