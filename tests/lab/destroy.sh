# SPDX-License-Identifier: GPL-2.0-only
#
# destroy.sh : destruction under load (issue #10, docs/security.md).
# Sourced by integration.sh among the destructive checks, after attack.sh
# (whose attack_mem, attack_mapped and attack_released it uses); uses its L, ok, bad,
# oneline, elapsed, G1, G2, DOMID.  One "ok"/"FAIL" line.
#
# DESTROY_CYCLES (1; make soak 100) times: guest2 registers 1 MiB regions one after
# another (xenib-attack pin) and runs ibv_rc_pingpong with guest1; once
# the backend has posted its WQEs, guest2 is destroyed with xl destroy.
# Then: Dom0 is alive, guest2's backend device is gone, the Dom0 memory
# the backend charged and the guest pages it maps are back to what they
# were before the load, guest1's xenib0 still answers, and xenwatch
# (sampled every 20 ms from before the destroy until the release) was
# never seen in the backend's teardown (it runs on the backend's
# workqueue: a teardown in xenwatch stalls every other backend of Dom0);
# guest2 is started
# again (lab.sh guest 2), attached, and its frontend loaded.  At the end
# guest1 and the last guest2 must run xenib-integrity together.

# destroy_again : guest2 started again (lab.sh guest 2), attached, its
# frontend loaded; DOMID[guest2] updated.  Returns 0 if it has xenib0.
destroy_again() {
	local g=$G2 nd
	L guest 2 >/dev/null 2>&1 || { d_out+=" guest 2 did not start again"; return 1; }
	nd=$(L run dom0 "xl domid $g" 2>/dev/null | tr -d '\r')
	[[ $nd =~ ^[0-9]+$ ]] || { d_out+=" no domid for $g"; return 1; }
	DOMID[$g]=$nd
	L run dom0 "xenib attach $g --device rxe0" >/dev/null 2>&1 &&
		L run "$g" "modprobe ib_uverbs && insmod /opt/xenib/xen-ibfront.ko
for i in \$(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done; ibv_devices | grep -q xenib0" >/dev/null 2>&1 ||
		{ d_out+=" $g (domid $nd) has no xenib0 again"; return 1; }
}

destroy_cycle() {	# one cycle; what it saw in d_out; returns 0 if clean
	local g=$G2 d=${DOMID[$G2]} w0 w1 m p alive gone port i xwh xwn
	port=$((18700 + RANDOM % 100))
	w0=$(stat_of "$d" wqes 2>/dev/null | tr -d '\r')
	L run "$g" "(timeout 300 xenib-attack -d xenib0 -g 0 -w 290 pin >/dev/null 2>&1 &)
(timeout 300 ibv_rc_pingpong -d xenib0 -g 0 -p $port -n 100000000 >/dev/null 2>&1 &)
for i in \$(seq 60); do ss -ltn | grep -q ':$port ' && break; sleep 0.25; done" >/dev/null 2>&1
	L run "$G1" "(timeout 300 ibv_rc_pingpong -d xenib0 -g 0 -p $port -n 100000000 $(ip_of "$g") >/tmp/destroy.cli 2>&1 &)" >/dev/null 2>&1
	# Load: the backend is posting guest2's WQEs and registering its MRs.
	# (Up to a minute: under TCG on a busy host the pingpong's connection
	# alone can take tens of seconds.)
	for i in $(seq 120); do
		w1=$(stat_of "$d" wqes 2>/dev/null | tr -d '\r')
		[[ $w1 =~ ^[0-9]+$ ]] && [[ $w0 =~ ^[0-9]+$ ]] && [ "$w1" -gt $((w0 + 200)) ] && break
		sleep 0.5
	done
	# Xenwatch (Dom0's one thread for every xenbus watch) is sampled
	# from before the destroy until the release: the teardown must never
	# run in it (it stalls every other backend).
	L run dom0 "rm -f /tmp/xw.stop /tmp/xw.out; (p=\$(pgrep -x xenwatch); n=0; h=0
while [ ! -e /tmp/xw.stop ] && [ \$n -lt 6000 ]; do
	read -r -d '' st </proc/\$p/stack; n=\$((n + 1))
	case \$st in *xibb_guest_disconnect*|*xibb_guest_free*|*xibb_guest_release*) h=\$((h + 1)) ;; esac
	sleep 0.02
done; echo \"\$h \$n\" >/tmp/xw.out) </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	L run dom0 "xl destroy $g; for i in \$(seq 120); do [ -d /sys/bus/xen-backend/devices/vib-$d-0 ] || break; sleep 0.25; done
timeout 30 xenib detach --force $d >/dev/null 2>&1; true" >/dev/null 2>&1
	gone=$(L run dom0 "[ -d /sys/bus/xen-backend/devices/vib-$d-0 ] && echo present || echo gone" 2>&1 | tr -d '\r')
	alive=$(L run dom0 "echo alive" 2>&1 | tr -d '\r')
	# guest1's client loses its peer; once it has gone, its objects too.
	L run "$G1" "pkill -x ibv_rc_pingpong; for i in \$(seq 40); do pgrep -x ibv_rc_pingpong >/dev/null || break; sleep 0.25; done
ibv_devinfo -d xenib0 | grep -q PORT_ACTIVE" >/dev/null 2>&1
	local g1ok=$?
	# What the backend charged and mapped for guest2 is released.
	read -r m p <<<"$(attack_released "$destroy_m0" "$destroy_p0")"
	read -r xwh xwn <<<"$(L run dom0 "touch /tmp/xw.stop; for i in \$(seq 40); do [ -s /tmp/xw.out ] && break; sleep 0.25; done; cat /tmp/xw.out" 2>/dev/null | tr -d '\r')"
	d_out="wqes $w0 -> ${w1:-?} before destroy; device $gone; dom0 ${alive:-silent}; $G1's xenib0 ${g1ok/#0/active}; charged $m KiB, mapped $p pages; xenwatch in the teardown in ${xwh:-?} of ${xwn:-?} samples;"
	if ! { [ "$alive" = alive ] && [ "$gone" = gone ] && [ "$g1ok" = 0 ] &&
		[ "${xwh:-x}" = 0 ] && [[ $xwn =~ ^[0-9]+$ ]] && [ "$xwn" -gt 0 ] &&
		[ "$m" = "$destroy_m0" ] && [ "$p" = "$destroy_p0" ] &&
		[[ $w1 =~ ^[0-9]+$ ]] && [ "$w1" -gt $((w0 + 200)) ]; }; then
		# Start guest2 again all the same: the checks after this one
		# need it, and one failure must not become several.
		[ "$alive" = alive ] && destroy_again
		return 1
	fi
	destroy_again
}

if [ "$ngu_int" -ge 2 ] && [ "${DESTROY_CYCLES:-1}" -gt 0 ]; then
	t0=$(date +%s.%N)
	read -r destroy_m0 _ <<<"$(attack_mem)"
	read -r destroy_p0 _ <<<"$(attack_mapped)"
	d_ok=0
	d_log=
	for c in $(seq "${DESTROY_CYCLES:-1}"); do
		d_out=
		# Not in a subshell: a cycle changes DOMID[guest2].
		if destroy_cycle >/dev/null 2>&1; then
			d_ok=$((d_ok + 1))
			d_log="cycle $c: $d_out"
		else
			d_log="cycle $c FAILED: $d_out"
			break
		fi
	done
	iout=
	irc=1
	if [ "$d_ok" = "${DESTROY_CYCLES:-1}" ]; then
		iout=$(pair xenib-integrity "$G2" "$G1" -g 0 -n 50 2>&1)
		irc=$?
	fi
	if [ "$irc" = 0 ]; then
		ok "xl destroy of $G2 under load, $d_ok cycle(s)" "$(elapsed "$t0") s; each: traffic with $G1 and REG_MRs in flight, Dom0 alive, device gone, charged $destroy_m0 KiB and mapped $destroy_p0 pages as before, $G1's xenib0 active, $G2 started and attached again; last: $d_log; then xenib-integrity $G1 -> $G2: $(echo "$iout" | grep -o -E '[0-9]+ passed, [0-9]+ failed' | head -n 2 | oneline)"
	else
		bad "xl destroy of $G2 under load, $d_ok cycle(s)" "$d_log; integrity rc $irc: $(echo "$iout" | oneline)"
	fi
fi
