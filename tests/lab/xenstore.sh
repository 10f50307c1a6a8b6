# SPDX-License-Identifier: GPL-2.0-only
#
# xenstore.sh : a guest kernel that writes garbage into its own xenstore
# keys and flips its xenbus state in a loop (issue #10, docs/security.md).
# Sourced by attack.sh; uses its L, ok, bad, oneline, elapsed, stat_of,
# attack_mem, attack_mapped, attack_released, pair, G1, G2, DOMID.  One
# "ok"/"FAIL" line.
#
# guest2 unloads its frontend; then its root (what a hostile guest kernel
# can do) writes, ATTACK_XS_ROUNDS (24) times, one of: random ring,
# event-ring and event-channel numbers with a valid version; a wrong
# version and missing keys; values that are not numbers; a ring page
# order beyond the limit; each followed by the states Initialising,
# Initialised, (Connected,) Closing, Closed in a row: each round asks for
# a connection.  Meanwhile guest1 runs ibv_rc_pingpong with Dom0.  Then:
# Dom0 alive, the backend refused connections (statistics/connect_errors)
# but made no more attempts than its rate limit allows (8 at once, then
# one per reconnect_ms, set to ATTACK_XS_RECONNECT_MS (4000) for the
# attack and restored after; the attempts it put off are in
# connects_delayed, reported), guest1's pingpong
# completed, the backend's charged memory and mapped pages are back at
# what they were, and guest2's frontend, loaded again, brings xenib0 back
# and runs ibv_rc_pingpong with Dom0.
if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	g=$G2
	d=${DOMID[$g]}
	read -r xm0 _ <<<"$(attack_mem)"
	read -r xp0 _ <<<"$(attack_mapped)"
	ce0=$(stat_of "$d" connect_errors 2>/dev/null | tr -d '\r')
	cd0=$(stat_of "$d" connects_delayed 2>/dev/null | tr -d '\r')
	[[ $cd0 =~ ^[0-9]+$ ]] || cd0=0
	# A slower rate than the default one a second, so that even a writer
	# slowed down by TCG runs into it; restored before guest2 reconnects.
	xrms=${ATTACK_XS_RECONNECT_MS:-4000}
	rms0=$(L run dom0 "cat /sys/module/xen_ibback/parameters/reconnect_ms" 2>/dev/null | tr -d '\r')
	L run dom0 "echo $xrms >/sys/module/xen_ibback/parameters/reconnect_ms" >/dev/null 2>&1
	tw=$(date +%s)
	cn0=$(stat_of "$d" connects 2>/dev/null | tr -d '\r')
	L run "$g" "rmmod xen_ibfront; for i in \$(seq 40); do ibv_devices | grep -q xenib0 || break; sleep 0.25; done" >/dev/null 2>&1
	# guest2's root writes in the background; guest1 meanwhile runs its
	# traffic with Dom0 (isolation).
	xs=$(mktemp)
	cat >"$xs" <<XS
b=device/vib/0; n=0
for r in \$(seq ${ATTACK_XS_ROUNDS:-24}); do
	case \$((r % 4)) in
	0) xenstore-write \$b/version 2 \$b/ring-page-order 0 \$b/ring-ref \$RANDOM \$b/event-ring-ref \$RANDOM \\
		\$b/event-channel \$((RANDOM % 256)) \$b/event-channel-data \$((RANDOM % 256)) ;;
	1) xenstore-write \$b/version \$RANDOM; xenstore-rm \$b/event-channel ;;
	2) xenstore-write \$b/version 2 \$b/ring-ref abc \$b/event-ring-ref 12abc \$b/event-channel x ;;
	3) xenstore-write \$b/version 2 \$b/ring-page-order \$((5 + RANDOM % 28)) \$b/ring-ref0 \$RANDOM ;;
	esac
	st="1 3 5 6"; [ \$((r % 2)) = 0 ] && st="1 3 4 5 6"
	for s in \$st; do xenstore-write \$b/state \$s && n=\$((n + 1)); done
done
echo "state writes: \$n"
XS
	L push "$g" "$xs" /tmp/xs.sh >/dev/null 2>&1
	rm -f "$xs"
	L run "$g" "rm -f /tmp/xs.rc; (timeout 500 bash /tmp/xs.sh >/tmp/xs.log 2>&1; echo \$? >/tmp/xs.rc) </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	pout=$(pair ibv_rc_pingpong dom0 "$G1" -g 0 -n 400 2>&1)
	prc=$?
	xout=$(LAB_TIMEOUT=600 L run "$g" "for i in \$(seq 1000); do [ -s /tmp/xs.rc ] && break; sleep 0.5; done
tail -n 3 /tmp/xs.log; exit \$(cat /tmp/xs.rc 2>/dev/null || echo 1)" 2>&1)
	xrc=$?
	alive=$(L run dom0 "echo alive" 2>&1 | tr -d '\r')
	ce1=$(stat_of "$d" connect_errors 2>/dev/null | tr -d '\r')
	cd1=$(stat_of "$d" connects_delayed 2>/dev/null | tr -d '\r')
	[[ $cd1 =~ ^[0-9]+$ ]] || cd1=0
	# The rate limit's bound: 8 at once, then one per reconnect_ms.
	tmax=$((8 + ($(date +%s) - tw + 1) * 1000 / xrms + 1))
	[[ $rms0 =~ ^[0-9]+$ ]] && L run dom0 "echo $rms0 >/sys/module/xen_ibback/parameters/reconnect_ms" >/dev/null 2>&1
	cn1=$(stat_of "$d" connects 2>/dev/null | tr -d '\r')
	bstate=$(L run dom0 "xenstore-read /local/domain/0/backend/vib/$d/0/state" 2>&1 | tr -d '\r')
	read -r xm1 xp1 <<<"$(attack_released "$xm0" "$xp0")"
	# What a guest does next: load its frontend again.
	L run "$g" "insmod /opt/xenib/xen-ibfront.ko; for i in \$(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done; ibv_devices | grep -q xenib0" >/dev/null 2>&1
	wrc=$?
	gout=
	grc=1
	[ $wrc = 0 ] && { gout=$(pair ibv_rc_pingpong dom0 "$g" -g 0 -n 50 2>&1); grc=$?; }
	if [ $xrc = 0 ] && [ "$alive" = alive ] && [ $prc = 0 ] && [ $grc = 0 ] &&
		[ "$xm1" = "$xm0" ] && [ "$xp1" = "$xp0" ] &&
		[[ $ce0 =~ ^[0-9]+$ ]] && [[ $ce1 =~ ^[0-9]+$ ]] && [ "$ce1" -gt "$ce0" ] &&
		[ $((ce1 - ce0)) -le "$tmax" ]; then
		ok "attack: xenstore garbage and state flips ($g kernel), $G1 unharmed" "$(elapsed "$t0") s; ${ATTACK_XS_ROUNDS:-24} rounds, $(echo "$xout" | grep '^state writes' | oneline); backend refused +$((ce1 - ce0)) connection attempts (at most $tmax in that time at one per $xrms ms), put off +$((cd1 - cd0)) (connects_delayed), connects +$((cn1 - cn0)), its state then $bstate; charged $xm1 KiB, mapped $xp1 pages as before; $G1 <-> dom0 meanwhile: $(echo "$pout" | grep -o '[0-9.]* usec/iter' | head -n 1); $g's frontend loaded again: $(echo "$gout" | grep -o '[0-9.]* usec/iter' | head -n 1)"
	else
		bad "attack: xenstore garbage and state flips ($g kernel), $G1 unharmed" "writer rc $xrc: $(echo "$xout" | oneline); dom0 '$alive'; connect_errors ${ce0:-?} -> ${ce1:-?} (at most $tmax more), connects_delayed ${cd0:-?} -> ${cd1:-?}, connects ${cn0:-?} -> ${cn1:-?}, backend state '$bstate'; charged $xm0 -> $xm1 KiB, mapped $xp0 -> $xp1; $G1 pingpong rc $prc: $(echo "$pout" | oneline); $g xenib0 back rc $wrc, pingpong rc $grc: $(echo "$gout" | oneline)"
	fi
fi
