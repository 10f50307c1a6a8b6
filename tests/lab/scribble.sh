# SPDX-License-Identifier: GPL-2.0-only
#
# scribble.sh : a guest process writing garbage into the memory it shares
# with the backend while the engine runs (issue #10, docs/security.md).
# Sourced by attack.sh; uses its L, ok, bad, oneline, elapsed, stat_of,
# attack_mem, attack_mapped, attack_released, rdma_res, pair, mark_all,
# since_mark_clean, G1, G2, DOMID.  Two "ok"/"FAIL" lines.
#
# 1. guest1 runs xenib-scribble (8 contexts, ATTACK_SCRIBBLE_S (12)
#    seconds in 4 rounds: doorbell pages, producer indexes, WQE fields, CQ
#    indexes and kicks, while a thread posts real work on the same
#    queues).  Meanwhile another process of guest1 and guest2 each run
#    ibv_rc_pingpong with Dom0.  Then: the scribbler's own checks passed
#    (every object destroyed cleanly each round), Dom0 alive, its log
#    clean, the backend put the corrupted queues in error
#    (statistics/queue_errors), no engine pass examined more doorbell bits
#    and contexts than engine_scan_budget (+ 63: it stops at word
#    boundaries; statistics/scan_max), both pingpongs completed, and
#    rxe0's resources, the charged memory and the mapped pages are back at
#    what they were.
# 2. The same for 6 s with engine_scan_budget 0 (no bound, restored
#    after): one pass must then examine more than the bound allows (the
#    check in 1 can fail), reported as the comparison.
if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	d=${DOMID[$G1]}
	secs=${ATTACK_SCRIBBLE_S:-12}
	smark="xenib-scribble-$$-$RANDOM"
	mark_all "$smark"
	sbud=$(L run dom0 "cat /sys/module/xen_ibback/parameters/engine_scan_budget" 2>/dev/null | tr -d '\r')
	res0=$(rdma_res)
	read -r sm0 _ <<<"$(attack_mem)"
	read -r sp0 _ <<<"$(attack_mapped)"
	qe0=$(stat_of "$d" queue_errors 2>/dev/null | tr -d '\r')
	sc0=$(stat_of "$d" scan_cut 2>/dev/null | tr -d '\r')
	L run "$G1" "rm -f /tmp/scribble.rc; (timeout $((secs + 400)) xenib-scribble -d xenib0 -g 0 -c 8 -t $secs -r 4 >/tmp/scribble.log 2>&1; echo \$? >/tmp/scribble.rc) </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	# Both victims while the scribbler runs (its setup takes a few seconds).
	sleep 4
	p1out=$(pair ibv_rc_pingpong dom0 "$G1" -g 0 -n 200 2>&1)
	p1rc=$?
	p2out=$(pair ibv_rc_pingpong dom0 "$G2" -g 0 -n 200 2>&1)
	p2rc=$?
	sout=$(LAB_TIMEOUT=$((secs + 500)) L run "$G1" "for i in \$(seq $(((secs + 400) * 2))); do [ -s /tmp/scribble.rc ] && break; sleep 0.5; done
grep -E '^scribbles|^legit|^FAIL|passed,' /tmp/scribble.log | head -n 12; exit \$(cat /tmp/scribble.rc 2>/dev/null || echo 1)" 2>&1)
	src=$?
	alive=$(L run dom0 "echo alive" 2>&1 | tr -d '\r')
	qe1=$(stat_of "$d" queue_errors 2>/dev/null | tr -d '\r')
	sc1=$(stat_of "$d" scan_cut 2>/dev/null | tr -d '\r')
	smax=$(stat_of "$d" scan_max 2>/dev/null | tr -d '\r')
	for i in $(seq 40); do
		res1=$(rdma_res)
		[ "$res1" = "$res0" ] && break
		sleep 0.5
	done
	read -r sm1 sp1 <<<"$(attack_released "$sm0" "$sp0")"
	clean=$(since_mark_clean "$smark" 2>&1)
	crc=$?
	if [ $src = 0 ] && [ "$alive" = alive ] && [ $crc = 0 ] &&
		[[ $qe0 =~ ^[0-9]+$ ]] && [[ $qe1 =~ ^[0-9]+$ ]] && [ "$qe1" -gt "$qe0" ] &&
		[[ $sbud =~ ^[0-9]+$ ]] && [ "$sbud" -gt 0 ] &&
		[[ $smax =~ ^[0-9]+$ ]] && [ "$smax" -le $((sbud + 63)) ] &&
		pair_ok "$p1out" && pair_ok "$p2out" &&
		[ "$res1" = "$res0" ] && [ "$sm1" = "$sm0" ] && [ "$sp1" = "$sp0" ]; then
		ok "attack: scribbling on shared queues ($G1), others unharmed" "$(elapsed "$t0") s; $(echo "$sout" | oneline); queue_errors +$((qe1 - qe0)), scans cut short +$((sc1 - sc0)), most examined in a pass $smax (bound $sbud); ibv_rc_pingpong with dom0 meanwhile: $G1 $(echo "$p1out" | grep -o '[0-9.]* usec/iter' | head -n 1), $G2 $(echo "$p2out" | grep -o '[0-9.]* usec/iter' | head -n 1)"
	else
		bad "attack: scribbling on shared queues ($G1), others unharmed" "scribble rc $src: $(echo "$sout" | oneline); dom0 '$alive'; log: $(echo "$clean" | oneline); queue_errors ${qe0:-?} -> ${qe1:-?}; scan_max ${smax:-?} (bound ${sbud:-?}); $G1 pingpong: $(echo "$p1out" | tail -n 1); $G2 pingpong: $(echo "$p2out" | tail -n 1); rdma '$res0' -> '$res1'; mem $sm0 -> $sm1, mapped $sp0 -> $sp1"
	fi

	# 2. Without the bound, for comparison.
	t0=$(date +%s.%N)
	L run dom0 "echo 0 >/sys/module/xen_ibback/parameters/engine_scan_budget" >/dev/null 2>&1
	uout=$(LAB_TIMEOUT=400 L run "$G1" "timeout 300 xenib-scribble -d xenib0 -g 0 -c 8 -t 6 -r 1 2>&1 | tail -n 1" 2>&1)
	urc=$?
	L run dom0 "echo ${sbud:-1024} >/sys/module/xen_ibback/parameters/engine_scan_budget" >/dev/null 2>&1
	umax=$(stat_of "$d" scan_max 2>/dev/null | tr -d '\r')
	if [ $urc = 0 ] && [[ $umax =~ ^[0-9]+$ ]] && [ "$umax" -gt $((${sbud:-1024} + 63)) ]; then
		ok "attack: the doorbell scan without its bound (comparison)" "$(elapsed "$t0") s; engine_scan_budget 0: one pass examined $umax doorbell bits and contexts (bounded: at most $((${sbud:-1024} + 63)), seen $smax); restored to $sbud"
	else
		bad "attack: the doorbell scan without its bound (comparison)" "rc $urc: $(echo "$uout" | oneline); scan_max ${umax:-?} (bounded run: ${smax:-?})"
	fi
fi
