# SPDX-License-Identifier: GPL-2.0-only
#
# attack.sh : the hostile-guest checks of the lab suite (issue #10,
# docs/security.md).  Sourced by integration.sh while both guests are
# attached; uses its L, ok, bad, oneline, elapsed, DOMID, G1, G2.  Every
# check prints one "ok"/"FAIL" line.
#
# Keys: guest1, an unprivileged verbs process, names local keys that are
# not its own in every kind of WQE: the shadow PD's local DMA lkey (read
# from Dom0's debugfs) with the address of Dom0's linux_banner, an MR of
# guest2 (held by "xenib-attack hold"), a stale key and never-registered
# keys next to its own.  Every probe must complete in error with nothing
# copied, its own key must work, and the backend must count the refusals.
#
# Registration QP: guest2 registers and deregisters in one PD while
# guest1 sends RDMA WRITEs with a bad key at guest2's registration QPs
# (QPN and PSN read from Dom0's debugfs: an attacker who knows even the
# PSN) and at the QPNs just below its own at PSN 0 (the sweep that killed
# the QP of a backend without the fix).  Every registration must succeed,
# no target may answer, and the backend must not have needed to replace a
# registration QP (reg_qp_resets unchanged: the QP never saw a packet).
#
# GID indexes: Dom0's RoCE netdev gets a second address, so rxe0 has a
# second GID (index 1); guest1 is re-attached with --gid-index 0.  In
# guest1 index 1 must read as empty and an AH or QP path with it must be
# refused, index 0 must work; natively rxe0 uses both.  Then the address
# goes and guest1 is attached as before.
#
# Environment: ATTACK_SWEEP (16: QPNs of the sweep), ATTACK_WRITES (1; 0 leaves out the probes through which an
# unfixed backend would write into Dom0, for showing the hole safely).

attack_dbg() {
	L run dom0 "mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
cat /sys/kernel/debug/xen-ibback/vib-$1-0/state"
}

if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	aw=-W
	[ "${ATTACK_WRITES:-1}" = 0 ] && aw=
	bk0=$(stat_of "${DOMID[$G1]}" bad_keys 2>/dev/null | tr -d '\r')
	# The victim: an MR of guest2's, held while guest1 attacks.
	vict=$(L run "$G2" "rm -f /tmp/att.hold
(timeout 400 xenib-attack -d xenib0 -g 0 -w 300 -o /tmp/att.hold hold >/tmp/att.hold.log 2>&1 &) </dev/null >/dev/null 2>&1
for i in \$(seq 100); do [ -s /tmp/att.hold ] && break; sleep 0.3; done
cat /tmp/att.hold" 2>&1 | tr -d '\r')
	# The attacker: waits for its key file once its PD exists.
	L run "$G1" "rm -f /tmp/att.keys /tmp/att.ready /tmp/att.rc
(timeout 500 xenib-attack -d xenib0 -g 0 -s 8 $aw -f /tmp/att.keys -r /tmp/att.ready -w 120 keys >/tmp/att.log 2>&1; echo \$? >/tmp/att.rc) </dev/null >/dev/null 2>&1 &
for i in \$(seq 200); do [ -s /tmp/att.ready ] && break; sleep 0.3; done
cat /tmp/att.ready" >/dev/null 2>&1
	banner=$(L run dom0 "awk '\$3 == \"linux_banner\" { print \$1 }' /proc/kallsyms" 2>&1 | tr -d '\r')
	keys=$( {
		attack_dbg "${DOMID[$G1]}" | awk -v a="$banner" '$1 == "pd" && $3 == "dma-lkey" { printf "%s %s dma-lkey-own-guest-pd%d\n", $4, a, n++ }'
		attack_dbg "${DOMID[$G2]}" | awk -v a="$banner" '$1 == "pd" && $3 == "dma-lkey" { printf "%s %s dma-lkey-other-guest-pd%d\n", $4, a, n++ }'
		[ -n "$vict" ] && echo "$vict other-guest-mr"
	} 2>/dev/null)
	L run "$G1" "cat >/tmp/att.keys.tmp <<'EOF'
$keys
EOF
mv /tmp/att.keys.tmp /tmp/att.keys" >/dev/null 2>&1
	out=$(LAB_TIMEOUT=600 L run "$G1" "for i in \$(seq 1000); do [ -s /tmp/att.rc ] && break; sleep 0.5; done
grep -E '^FAIL|^keys from|passed,' /tmp/att.log | head -n 8
exit \$(cat /tmp/att.rc 2>/dev/null || echo 1)" 2>&1)
	rc=$?
	L run "$G2" "pkill -f 'xenib-attack.*hold' ; true" >/dev/null 2>&1
	bk1=$(stat_of "${DOMID[$G1]}" bad_keys 2>/dev/null | tr -d '\r')
	nk=$(echo "$keys" | grep -c .)
	nread=$(echo "$out" | sed -n 's/^keys from .*: //p')
	if [ $rc = 0 ] && [ "$nk" -ge 3 ] && [ "$nread" = "$nk" ] && [ -n "$banner" ] &&
		[ "${bk1:-0}" -gt "${bk0:-0}" ] 2>/dev/null; then
		ok "attack: foreign local keys refused ($G1)" "$(elapsed "$t0") s; $nk keys from Dom0 (PD DMA lkeys at linux_banner $banner, $G2's MR), stale and 8 never-registered; ${aw:+write probes too; }backend bad_keys +$((bk1 - bk0)); $(echo "$out" | tail -n 1)"
	else
		bad "attack: foreign local keys refused ($G1)" "rc $rc; keys: $(echo "$keys" | oneline); $nk keys, ${nread:-none} read; bad_keys ${bk0:-?} -> ${bk1:-?}; $(echo "$out" | oneline)"
	fi
fi

if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	rs0=$(stat_of "${DOMID[$G2]}" reg_qp_resets 2>/dev/null | tr -d '\r')
	# The victim: keeps registering until /tmp/rq.stop.
	vready=$(L run "$G2" "rm -f /tmp/rq.stop /tmp/rq.ready /tmp/rq.rc
(timeout 400 xenib-attack -d xenib0 -g 0 -w 300 -f /tmp/rq.stop -o /tmp/rq.ready regloop >/tmp/rq.log 2>&1; echo \$? >/tmp/rq.rc) </dev/null >/dev/null 2>&1 &
for i in \$(seq 200); do [ -s /tmp/rq.ready ] && break; sleep 0.3; done
cat /tmp/rq.ready" 2>&1 | tr -d '\r')
	targets=$(attack_dbg "${DOMID[$G2]}" 2>/dev/null | awk '$1 == "pd" && $5 == "reg-qp" { printf "%s %s reg-qp-pd%d\n", $6, $8, n++ }')
	nt=$(echo "$targets" | grep -c .)
	aout=$(LAB_TIMEOUT=400 L run "$G1" "cat >/tmp/rq.targets <<'EOF'
$targets
EOF
timeout 300 xenib-attack -d xenib0 -g 0 -s ${ATTACK_SWEEP:-16} -f /tmp/rq.targets regqp >/tmp/rq.att.log 2>&1
rc=\$?
grep -E '^FAIL|^sweep|^targets from|passed,' /tmp/rq.att.log | head -n 8
exit \$rc" 2>&1)
	arc=$?
	vout=$(LAB_TIMEOUT=400 L run "$G2" "touch /tmp/rq.stop
for i in \$(seq 600); do [ -s /tmp/rq.rc ] && break; sleep 0.5; done
grep -E '^FAIL|^registrations|passed,' /tmp/rq.log | head -n 8
exit \$(cat /tmp/rq.rc 2>/dev/null || echo 1)" 2>&1)
	vrc=$?
	rs1=$(stat_of "${DOMID[$G2]}" reg_qp_resets 2>/dev/null | tr -d '\r')
	nreg=$(echo "$vout" | sed -n 's/^registrations: \([0-9]*\),.*/\1/p')
	ntread=$(echo "$aout" | sed -n 's/^targets from .*: //p')
	if [ $arc = 0 ] && [ $vrc = 0 ] && [ "$nt" -ge 1 ] && [ "$ntread" = "$nt" ] &&
		[ "$vready" = registered ] && [ "${nreg:-0}" -gt 8 ] &&
		[[ $rs0 =~ ^[0-9]+$ ]] && [ "$rs1" = "$rs0" ]; then
		ok "attack: registration QP survives another guest ($G1 -> $G2)" "$(elapsed "$t0") s; $nt reg QPs of $G2 (QPN and PSN from debugfs) unanswered; $(echo "$aout" | grep '^sweep' | oneline); $G2: $(echo "$vout" | grep '^registrations' | oneline); reg_qp_resets $rs0"
	else
		bad "attack: registration QP survives another guest ($G1 -> $G2)" "attacker rc $arc, victim rc $vrc ($vready); ${ntread:-no} of $nt targets read; targets: $(echo "$targets" | oneline); reg_qp_resets ${rs0:-?} -> ${rs1:-?}; $G1: $(echo "$aout" | oneline); $G2: $(echo "$vout" | oneline)"
	fi
fi

attach_wait() {	# GUEST [ATTACH-OPTIONS]: attach and wait for xenib0
	L run dom0 "xenib attach $1 --device rxe0 ${2:-}" >/dev/null &&
	L run "$1" "for i in \$(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done; ibv_devices | grep -q xenib0"
}

if [ "$ngu_int" -ge 1 ]; then
	t0=$(date +%s.%N)
	nd=$(L run dom0 "rdma link show rxe0/1 | sed -n 's/.* netdev \([^ ]*\).*/\1/p'" 2>&1 | tr -d '\r')
	nat=$(L run dom0 "ip addr add 10.99.0.1/24 dev $nd && for i in \$(seq 40); do [ -n \"\$(ibv_devinfo -v -d rxe0 | grep 'GID\[ *1\]')\" ] && break; sleep 0.25; done
xenib-attack -d rxe0 -g 0 gids 2>&1 | grep -E '^case gids\.[01]:|^FAIL|passed,'" 2>&1)
	nrc=$?
	L run dom0 "xenib detach $G1" >/dev/null 2>&1
	gout=""
	grc=1
	if attach_wait "$G1" "--gid-index 0" >/dev/null 2>&1; then
		gout=$(L run "$G1" "xenib-attack -d xenib0 -g 0 -a 0 gids 2>&1 | grep -E '^case gids\.[01]:|^FAIL|passed,'; exit \${PIPESTATUS[0]}" 2>&1)
		grc=$?
	fi
	gkey=$(L run dom0 "xenstore-read /local/domain/0/backend/vib/${DOMID[$G1]}/0/gid-indexes" 2>&1 | tr -d '\r')
	# Back as before, for the checks that follow.
	L run dom0 "xenib detach $G1; ip addr del 10.99.0.1/24 dev $nd" >/dev/null 2>&1
	attach_wait "$G1" >/dev/null 2>&1
	rrc=$?
	if [ $nrc = 0 ] && echo "$nat" | grep -q '^case gids\.1: allowed gid [0-9a-f:.]* ah ok qp ok' &&
		[ $grc = 0 ] && [ "$gkey" = 0 ] &&
		echo "$gout" | grep -q '^case gids\.0: allowed gid [0-9a-f:.]* ah ok qp ok' &&
		echo "$gout" | grep -q '^case gids\.1: not-allowed gid empty ah [A-Za-z]' && [ $rrc = 0 ]; then
		ok "attack: GID index allow-list ($G1 --gid-index 0)" "$(elapsed "$t0") s; rxe0: $(echo "$nat" | grep 'gids\.1' | oneline); $G1: $(echo "$gout" | grep 'gids\.' | oneline); re-attached without the list"
	else
		bad "attack: GID index allow-list ($G1 --gid-index 0)" "native rc $nrc: $(echo "$nat" | oneline); $G1 rc $grc (gid-indexes '${gkey}'): $(echo "$gout" | oneline); re-attach rc $rrc"
	fi
fi

# Dom0 memory (hole 3): both guests at once create CQs and RC QPs of
# 16384 entries until the backend refuses (xenib-attack hog).  Each must
# end with EDQUOT, Dom0 must stay alive, what Dom0 lost meanwhile must be
# within what the backend charged (x 1.5 + 32 MiB: the estimate is not
# below the real cost), and everything must come back when they free it.
# Then the global budget is lowered to one guest's quota: the two together
# must stay within it.  ATTACK_HOG_CAP=N stops each guest at N pairs (for
# showing an unfixed backend without taking Dom0 down).
attack_dom0_used() {	# KiB of Dom0 RAM in use (MemTotal - MemAvailable)
	L run dom0 "awk '/^MemTotal:/ { t = \$2 } /^MemAvailable:/ { a = \$2 } END { print t - a }' /proc/meminfo" 2>/dev/null | tr -d '\r'
}
attack_refused() {	# mem_refused of both guests together
	local g v n=0
	for g in $G1 $G2; do
		v=$(stat_of "${DOMID[$g]}" mem_refused 2>/dev/null | tr -d '\r')
		[[ $v =~ ^[0-9]+$ ]] && n=$((n + v))
	done
	echo $n
}
attack_hog() {	# TAG: both guests hog; sets hog_out, hog_rc, hog_held, hog_used
	local g
	for g in $G1 $G2; do
		L run "$g" "rm -f /tmp/hog.out /tmp/hog.stop /tmp/hog.rc
(timeout 900 xenib-attack -d xenib0 -g 0 -s ${ATTACK_HOG_CAP:-0} -o /tmp/hog.out -f /tmp/hog.stop -w 600 hog >/tmp/hog.log 2>&1; echo \$? >/tmp/hog.rc) </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	done
	hog_out=
	for g in $G1 $G2; do
		hog_out+="$g $(LAB_TIMEOUT=700 L run "$g" "for i in \$(seq 1200); do [ -s /tmp/hog.out ] && break; sleep 0.5; done; cat /tmp/hog.out" 2>&1 | tr -d '\r' | oneline); "
	done
	# Held: what Dom0 lost and what the backend charged.
	hog_held=$(attack_dom0_used)
	hog_used=$(attack_mem)
	hog_alive=$(L run dom0 "echo alive" 2>&1 | tr -d '\r')
	hog_gused=
	for g in $G1 $G2; do
		hog_gused+="$g $(stat_of "${DOMID[$g]}" mem_used_kib 2>/dev/null | tr -d '\r')/$(stat_of "${DOMID[$g]}" mem_quota_kib 2>/dev/null | tr -d '\r') KiB; "
	done
	hog_rc=0
	for g in $G1 $G2; do
		L run "$g" "touch /tmp/hog.stop" >/dev/null 2>&1
	done
	for g in $G1 $G2; do
		LAB_TIMEOUT=400 L run "$g" "for i in \$(seq 600); do [ -s /tmp/hog.rc ] && break; sleep 0.5; done
grep -E '^FAIL' /tmp/hog.log | head -n 4
exit \$(cat /tmp/hog.rc 2>/dev/null || echo 1)" >/tmp/hog.$g.log 2>&1 || { hog_rc=1; hog_out+="$g: $(oneline </tmp/hog.$g.log); "; }
	done
}

if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	mr0=$(attack_refused)
	read -r m0 budget <<<"$(attack_mem)"
	d0=$(attack_dom0_used)
	attack_hog
	read -r m1 _ <<<"$hog_used"
	sleep 2
	read -r m2 _ <<<"$(attack_mem)"
	d2=$(attack_dom0_used)
	mr1=$(attack_refused)
	lost=$((hog_held - d0))
	charged=$((m1 - m0))
	if [ "$hog_rc" = 0 ] && [ "$hog_alive" = alive ] &&
		[ "$(echo "$hog_out" | grep -o ' EDQUOT' | wc -l)" = 2 ] &&
		[ "$mr1" -gt "$mr0" ] && [ "$m1" -le "$budget" ] && [ "$m2" = "$m0" ] &&
		[ "$lost" -le $((charged * 3 / 2 + 32768)) ] &&
		[ $((d2 - d0)) -le 32768 ]; then
		ok "attack: Dom0 memory budget, both guests hogging" "$(elapsed "$t0") s; $hog_out charged $((charged / 1024)) MiB ($hog_gused global budget $((budget / 1024)) MiB), Dom0 lost $((lost / 1024)) MiB meanwhile, $(((d2 - d0) / 1024)) MiB after; mem_refused +$((mr1 - mr0))"
	else
		bad "attack: Dom0 memory budget, both guests hogging" "rc $hog_rc, dom0 '${hog_alive}'; $hog_out charged ${m0}->${m1}->${m2} KiB of $budget ($hog_gused); Dom0 used $d0 -> $hog_held -> $d2 KiB; mem_refused $mr0 -> $mr1"
	fi

	# The global budget: one guest's quota for the two of them.
	t0=$(date +%s.%N)
	q1=$(stat_of "${DOMID[$G1]}" mem_quota_kib 2>/dev/null | tr -d '\r')
	if [[ $q1 =~ ^[0-9]+$ ]] && L run dom0 "echo $((m0 + q1)) >/sys/module/xen_ibback/parameters/mem_budget_kib" >/dev/null 2>&1; then
		attack_hog
		L run dom0 "echo 0 >/sys/module/xen_ibback/parameters/mem_budget_kib" >/dev/null 2>&1
		read -r m1 b1 <<<"$hog_used"
		sleep 2
		read -r m2 _ <<<"$(attack_mem)"
		if [ "$hog_rc" = 0 ] && [ "$hog_alive" = alive ] && [ "$b1" = $((m0 + q1)) ] &&
			[ "$(echo "$hog_out" | grep -o ' EDQUOT' | wc -l)" = 2 ] &&
			[ "$m1" -le "$b1" ] && [ "$m1" -gt "$m0" ] && [ "$m2" = "$m0" ]; then
			ok "attack: Dom0 memory budget, global limit" "$(elapsed "$t0") s; budget set to $((b1 / 1024)) MiB (one guest's quota): $hog_out together $(((m1 - m0) / 1024)) MiB ($hog_gused)"
		else
			bad "attack: Dom0 memory budget, global limit" "rc $hog_rc, dom0 '${hog_alive}'; budget $b1 (want $((m0 + q1))); $hog_out charged ${m0}->${m1}->${m2} KiB ($hog_gused)"
		fi
	else
		bad "attack: Dom0 memory budget, global limit" "no mem_quota_kib ('$q1') or mem_budget_kib not writable"
	fi
fi

# Grant mappings (hole 4): with max_mapped_pages set to what is mapped now
# plus 16384 pages, guest1 registers 1 MiB regions until refused
# (xenib-attack pin); while it holds them guest2's blkfront (O_DIRECT
# reads of its disk) and netfront (a TCP stream to Dom0) must keep
# working, and once guest1 frees them the mappings are back at baseline.
if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	read -r p0 pmax <<<"$(attack_mapped)"
	rf0=$(stat_of "${DOMID[$G1]}" map_refused 2>/dev/null | tr -d '\r')
	L run dom0 "echo $((p0 + 16384)) >/sys/module/xen_ibback/parameters/max_mapped_pages" >/dev/null 2>&1
	L run "$G1" "rm -f /tmp/pin.out /tmp/pin.stop /tmp/pin.rc
(timeout 900 xenib-attack -d xenib0 -g 0 -o /tmp/pin.out -f /tmp/pin.stop -w 600 pin >/tmp/pin.log 2>&1; echo \$? >/tmp/pin.rc) </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	pout=$(LAB_TIMEOUT=700 L run "$G1" "for i in \$(seq 1200); do [ -s /tmp/pin.out ] && break; sleep 0.5; done; cat /tmp/pin.out" 2>&1 | tr -d '\r' | oneline)
	read -r p1 _ <<<"$(attack_mapped)"
	# The other guest's own I/O, while guest1 holds every mapping it may.
	blk=$(LAB_TIMEOUT=300 L run "$G2" "dd if=/dev/xvda of=/dev/null bs=1M count=64 iflag=direct 2>&1 | tail -n 1" 2>&1 | tr -d '\r' | oneline)
	brc=$?
	net=$(LAB_TIMEOUT=300 L run "$G2" "dd if=/dev/zero bs=1M count=32 2>/dev/null | ssh -o BatchMode=yes dom0 'wc -c'" 2>&1 | tr -d '\r' | oneline)
	L run "$G1" "touch /tmp/pin.stop" >/dev/null 2>&1
	prc=$(LAB_TIMEOUT=400 L run "$G1" "for i in \$(seq 600); do [ -s /tmp/pin.rc ] && break; sleep 0.5; done
grep -E '^FAIL' /tmp/pin.log | head -n 4; exit \$(cat /tmp/pin.rc 2>/dev/null || echo 1)" 2>&1)
	prc_rc=$?
	L run dom0 "echo $pmax >/sys/module/xen_ibback/parameters/max_mapped_pages" >/dev/null 2>&1
	sleep 1
	read -r p2 _ <<<"$(attack_mapped)"
	rf1=$(stat_of "${DOMID[$G1]}" map_refused 2>/dev/null | tr -d '\r')
	if [ "$prc_rc" = 0 ] && echo "$pout" | grep -q -E '^[1-9][0-9]* EDQUOT$' &&
		[ "$p1" -le $((p0 + 16384)) ] && [ "$p2" = "$p0" ] && [ "$brc" = 0 ] &&
		echo "$blk" | grep -q '^67108864 bytes' && [ "$net" = 33554432 ] &&
		[[ $rf0 =~ ^[0-9]+$ ]] && [ "${rf1:-0}" -gt "$rf0" ]; then
		ok "attack: grant mappings capped, other guest's I/O unharmed" "$(elapsed "$t0") s; max_mapped_pages $((p0 + 16384)): $G1 registered $pout (mapped $p0 -> $p1 -> $p2 pages); $G2 meanwhile: blkfront $blk; netfront $net octets to dom0; map_refused +$((rf1 - rf0))"
	else
		bad "attack: grant mappings capped, other guest's I/O unharmed" "$G1 rc $prc_rc: '$pout' $(echo "$prc" | oneline); mapped $p0 -> $p1 -> $p2 (max $pmax, set $((p0 + 16384))); $G2 blkfront rc $brc '$blk', netfront '$net'; map_refused ${rf0:-?} -> ${rf1:-?}"
	fi
fi


# Kick storm (hole 5): guest1 sends ATTACK_STORM_K (100) thousand kicks
# with nothing queued (xenib-attack storm) while guest2 runs
# ibv_rc_pingpong with Dom0.  Each kick whose engine pass found nothing
# is answered with a spurious late EOI, so Xen delays the next ones: the
# backend must take fewer than a tenth of them (statistics/kicks), count
# the spurious ones, stay alive, and guest2's pingpong must complete.
if [ "$ngu_int" -ge 2 ]; then
	t0=$(date +%s.%N)
	k0=$(stat_of "${DOMID[$G1]}" kicks 2>/dev/null | tr -d '\r')
	s0=$(stat_of "${DOMID[$G1]}" spurious_kicks 2>/dev/null | tr -d '\r')
	L run "$G1" "rm -f /tmp/storm.rc; (timeout 600 xenib-attack -d xenib0 -g 0 -s ${ATTACK_STORM_K:-100} storm >/tmp/storm.log 2>&1; echo \$? >/tmp/storm.rc) </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	pout=$(pair ibv_rc_pingpong dom0 "$G2" -g 0 -n 200 2>&1)
	prc=$?
	sout=$(LAB_TIMEOUT=700 L run "$G1" "for i in \$(seq 1200); do [ -s /tmp/storm.rc ] && break; sleep 0.5; done
grep -E '^storm|^FAIL' /tmp/storm.log; exit \$(cat /tmp/storm.rc 2>/dev/null || echo 1)" 2>&1)
	src=$?
	k1=$(stat_of "${DOMID[$G1]}" kicks 2>/dev/null | tr -d '\r')
	s1=$(stat_of "${DOMID[$G1]}" spurious_kicks 2>/dev/null | tr -d '\r')
	alive=$(L run dom0 "echo alive" 2>&1 | tr -d '\r')
	sent=$((${ATTACK_STORM_K:-100} * 1000))
	if [ $src = 0 ] && [ $prc = 0 ] && [ "$alive" = alive ] &&
		[[ $k0 =~ ^[0-9]+$ ]] && [[ $k1 =~ ^[0-9]+$ ]] && [[ $s0 =~ ^[0-9]+$ ]] &&
		[ $(((k1 - k0) * 10)) -lt "$sent" ] && [ "${s1:-0}" -gt "$s0" ]; then
		ok "attack: kick storm ($G1), $G2 unharmed" "$(elapsed "$t0") s; $(echo "$sout" | oneline); backend took $((k1 - k0)) of them ($((s1 - s0)) spurious); $G2 <-> dom0 ibv_rc_pingpong meanwhile: $(echo "$pout" | grep -o '[0-9.]* usec/iter' | head -n 1)"
	else
		bad "attack: kick storm ($G1), $G2 unharmed" "storm rc $src: $(echo "$sout" | oneline); kicks ${k0:-?} -> ${k1:-?} of $sent, spurious ${s0:-?} -> ${s1:-?}; dom0 '$alive'; pingpong rc $prc: $(echo "$pout" | oneline)"
	fi
fi

# A guest process scribbling on its shared queues (tests/lab/scribble.sh).
. "$here/scribble.sh"

# Raw control requests from a guest kernel (tests/lab/raw.sh).
. "$here/raw.sh"

# A guest kernel writing garbage into xenstore and flipping its state
# (tests/lab/xenstore.sh).
. "$here/xenstore.sh"
