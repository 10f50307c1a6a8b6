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
# Environment: ATTACK_WRITES (1; 0 leaves out the probes through which an
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
