# SPDX-License-Identifier: GPL-2.0-only
#
# raw.sh : the hostile-guest-kernel checks of the lab suite (issue #10,
# docs/security.md).  Sourced by attack.sh; uses its L, ok, bad, oneline,
# elapsed, stat_of, G1, G2, DOMID.  One "ok"/"FAIL" line.
#
# Raw control requests (a hostile guest kernel): guest1's frontend is
# reloaded with raw_requests=1 (frontend/raw.c).  xenib-raw dup sends
# REG_MRs naming one grant reference four times and one that another MR
# has mapped (hole 4: EINVAL, dup_grefs) and ALLOC_UCONTEXTs with a
# doorbell reference that is no grant or one mapped already (refused, the
# connection stays), then xenib-raw fuzz sends
# ATTACK_RAW_N (1000) requests of every opcode, random or mutated valid
# ones (seed ATTACK_RAW_SEED, 1); each must be answered and the device
# must work after; xenib-raw replay sends the fuzz corpora of
# build/fuzz (corpus-request and corpus-back_cmd, as make check's fuzz
# step left them, or the seeds alone if it did not run), each file as it
# is and once mutated, at most ATTACK_REPLAY_N (1000; 0: all, as make
# soak does) requests (ATTACK_REPLAY=0 leaves it out): each answered,
# well-formed; xenib-raw pgdir sends malformed page directories
# (and ATTACK_PGDIR_N (200) REG_MRs while a thread rewrites the
# directory): each refused or accepted, and Dom0 maps no page more after;
# then the event ring's consumer index is set 1000 ahead (event_cons) and
# ibv_rc_pingpong -e runs in guest1: the backend must drop the events
# (events_dropped) and nothing else.  Then the frontend is reloaded as
# before (ibv_rc_pingpong -e must work again): what the
# requests created goes with the connection (the suite's last check
# compares rxe0's resources with the baseline).
xenib0_wait() {	# GUEST: until xenib0 is back
	L run "$1" "for i in \$(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done; ibv_devices | grep -q xenib0"
}
if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	dg0=$(stat_of "${DOMID[$G1]}" dup_grefs 2>/dev/null | tr -d '\r')
	rq0=$(stat_of "${DOMID[$G1]}" requests 2>/dev/null | tr -d '\r')
	L run "$G1" "rmmod xen_ibfront && insmod /opt/xenib/xen-ibfront.ko raw_requests=1
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug" >/dev/null 2>&1
	xenib0_wait "$G1" >/dev/null 2>&1
	dout=$(LAB_TIMEOUT=300 L run "$G1" "xenib-raw dup 2>&1 | grep -E '^case|^FAIL|passed,'; exit \${PIPESTATUS[0]}" 2>&1)
	drc=$?
	fout=$(LAB_TIMEOUT=900 L run "$G1" "xenib-raw -n ${ATTACK_RAW_N:-1000} -S ${ATTACK_RAW_SEED:-1} fuzz 2>&1 | grep -E '^fuzz|^FAIL|passed,'; exit \${PIPESTATUS[0]}" 2>&1)
	frc=$?
	# The fuzz corpora, replayed from inside the guest.
	rrc=0
	rout="replay: not run (ATTACK_REPLAY=0)"
	if [ "${ATTACK_REPLAY:-1}" = 1 ]; then
		fz=$here/../../build/fuzz
		[ -d "$fz/corpus-back_cmd" ] && [ -d "$fz/corpus-request" ] ||
			make -s -C "$here/../fuzz" O="$(readlink -f "$here/../..")/build/fuzz" seeds >/dev/null 2>&1
		rtgz=$(mktemp --suffix=.tgz)
		tar -C "$fz" -czf "$rtgz" corpus-request corpus-back_cmd 2>/dev/null &&
			L push "$G1" "$rtgz" /tmp/corpora.tgz >/dev/null 2>&1
		rm -f "$rtgz"
		rout=$(LAB_TIMEOUT=1800 L run "$G1" "rm -rf /tmp/corpora && mkdir /tmp/corpora && tar -C /tmp/corpora -xzf /tmp/corpora.tgz &&
	xenib-raw -n ${ATTACK_REPLAY_N:-1000} -m 1 -S ${ATTACK_RAW_SEED:-1} replay /tmp/corpora/corpus-request /tmp/corpora/corpus-back_cmd 2>&1 | grep -E '^replay|^FAIL|passed,'; exit \${PIPESTATUS[0]}" 2>&1)
		rrc=$?
	fi
	dg1=$(stat_of "${DOMID[$G1]}" dup_grefs 2>/dev/null | tr -d '\r')
	rq1=$(stat_of "${DOMID[$G1]}" requests 2>/dev/null | tr -d '\r')
	# Malformed page directories (xenib-raw pgdir), on purpose.
	read -r pm0 _ <<<"$(attack_mapped)"
	pout=$(LAB_TIMEOUT=300 L run "$G1" "xenib-raw -n ${ATTACK_PGDIR_N:-200} pgdir 2>&1 | grep -E '^pgdir|^FAIL|passed,'; exit \${PIPESTATUS[0]}" 2>&1)
	prc=$?
	read -r pm1 _ <<<"$(attack_mapped)"
	# A bad event-ring consumer index: the backend must stop posting
	# events to this connection (and drop them, counted), nothing more.
	ed0=$(stat_of "${DOMID[$G1]}" events_dropped 2>/dev/null | tr -d '\r')
	L run "$G1" "f=/sys/kernel/debug/xen-ibfront/vib-0/event_cons; echo \$(( \$(cat \$f) + 1000 )) >\$f
(timeout 20 ibv_rc_pingpong -d xenib0 -g 0 -e -p 18650 -n 5 >/dev/null 2>&1 &)
sleep 1; timeout 20 ibv_rc_pingpong -d xenib0 -g 0 -e -p 18650 -n 5 127.0.0.1 >/dev/null 2>&1; sleep 1" >/dev/null 2>&1
	ed1=$(stat_of "${DOMID[$G1]}" events_dropped 2>/dev/null | tr -d '\r')
	alive=$(L run dom0 "echo alive" 2>&1 | tr -d '\r')
	L run "$G1" "pkill -x ibv_rc_pingpong; rmmod xen_ibfront && insmod /opt/xenib/xen-ibfront.ko" >/dev/null 2>&1
	xenib0_wait "$G1" >/dev/null 2>&1
	wrc=$?
	# Events flow again on the new connection.
	eout=$(L run "$G1" "(timeout 60 ibv_rc_pingpong -d xenib0 -g 0 -e -p 18651 -n 5 >/dev/null 2>&1 &)
sleep 1; timeout 60 ibv_rc_pingpong -d xenib0 -g 0 -e -p 18651 -n 5 127.0.0.1 2>&1 | tail -n 1" 2>&1)
	erc=$?
	if [ $drc = 0 ] && [ $frc = 0 ] && [ $rrc = 0 ] && [ $prc = 0 ] && [ $wrc = 0 ] && [ $erc = 0 ] &&
		[ "$alive" = alive ] && [ "$pm1" = "$pm0" ] &&
		[[ $dg0 =~ ^[0-9]+$ ]] && [ "${dg1:-0}" -ge $((dg0 + 2)) ] &&
		[[ $ed0 =~ ^[0-9]+$ ]] && [[ $ed1 =~ ^[0-9]+$ ]] && [ "$ed1" -gt "$ed0" ]; then
		ok "attack: raw control requests ($G1 kernel)" "$(elapsed "$t0") s; $(echo "$dout" | grep '^case' | oneline); dup_grefs +$((dg1 - dg0)); $(echo "$fout" | grep '^fuzz' | oneline); $(echo "$rout" | grep '^replay' | oneline); backend requests +$((rq1 - rq0)); $(echo "$pout" | oneline), mapped pages $pm0 before and after; a bad event-ring consumer index: $((ed1 - ed0)) events dropped; frontend reloaded, ibv_rc_pingpong -e: $eout"
	else
		bad "attack: raw control requests ($G1 kernel)" "dup rc $drc: $(echo "$dout" | oneline); fuzz rc $frc: $(echo "$fout" | oneline); replay rc $rrc: $(echo "$rout" | oneline); pgdir rc $prc: $(echo "$pout" | oneline); mapped $pm0 -> $pm1; dup_grefs ${dg0:-?} -> ${dg1:-?}; events_dropped ${ed0:-?} -> ${ed1:-?}; dom0 '$alive'; xenib0 back rc $wrc; pingpong -e rc $erc: $eout"
	fi
fi
