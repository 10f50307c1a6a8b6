#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh (make bench) : guest vs native RDMA benchmarks on the same rxe0, in
# one lab run.  See docs/bench.md.
#
#   tests/bench/run.sh [--help]
#
# Native: perftest server and client both in Dom0 on rxe0.  Guest: the
# client in a guest on xenib0, the server native in Dom0 on rxe0.  Measured:
# ib_send_lat and ib_write_lat (8 B..64 KiB), ib_write_bw and ib_send_bw
# (4 KiB..1 MiB), the backend's kicks and events per 1,000 posts during each
# guest run, and xenib-kicks (kicks under sustained load).  Native and guest
# runs of one size follow each other.  Writes build/bench/<time>/ (and the
# link build/bench/latest): bench.md, bench-summary.json, bench.png,
# results.tsv and raw/ (every run's client and server output, counters).
#
# The goals (8 B latency guest/native <= 1.05, bandwidth >= 0.98 of native
# at >= 64 KiB, no kicks per post under load) are reported, never asserted.
# Exit status: 0 every measurement was made; 1 some could not be made (the
# output says which); 2 usage error.
#
# Latency: perftest -C (cycles) t_avg / the client's cpu MHz (a guest's
# rdtsc is emulated by Xen and perftest's own calibration fails there);
# bandwidth: BW average.  Ratio = guest / native.
#
# Boots the lab (tests/lab/lab.sh up) if none is up; with a lab up it needs
# LAB_REUSE=1 (and then never shuts it down).  Loads the modules and
# attaches the guest(s) it uses unless done already; shuts a lab it booted
# down at the end (unless LAB_KEEP=1).
#
# Environment (defaults):
#   LAB_REUSE (0)          1: use the lab that is up instead of booting one
#   LAB_KEEP (0)           1: leave a lab this script booted running
#   BENCH_GUEST (guest1)   the guest whose xenib0 is measured
#   BENCH_G2G (0)          1: also guest to guest (client BENCH_GUEST,
#                          server BENCH_PEER, both on xenib0)
#   BENCH_PEER (guest2)    the server guest of BENCH_G2G
#   BENCH_LAT_SIZES        "8 64 512 4096 16384 65536" (bytes)
#   BENCH_BW_SIZES         "4096 16384 65536 262144 1048576" (bytes)
#   BENCH_ITERS (1000)     iterations per latency run (perftest -n)
#   BENCH_BW_MIB (64)      MiB moved per bandwidth run: -n is
#                          BENCH_BW_MIB MiB / size, clamped to
#                          [BENCH_BW_MIN_ITERS (100), BENCH_BW_MAX_ITERS (2000)]
#   BENCH_KICKS_POSTS (20000)  xenib-kicks -n
#   BENCH_REPS (1)         runs per point and side; the median counts (the
#                          order of native and guest alternates)
#   BENCH_TRIES (4)        attempts per run (perftest's TCP exchange or its
#                          clock calibration fails now and then under TCG;
#                          every retry is shown)
#   BENCH_RUN_TIMEOUT (180)   seconds per perftest process
#   BENCH_MAX_SECONDS (2400)  after this, the remaining runs are skipped
#                             (and reported as not measured)
#   BENCH_KICKS_GOAL (1.0) kicks per 1,000 posts that count as "no kicks
#                          per post" (the goal line; reported only)
#   BENCH_OUT (build/bench)    where the results go
#   LAB_TIMEOUT (300 here) and everything tests/lab/lab.sh reads.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
top=$(cd "$here/../.." && pwd -P)
L=$top/tests/lab/lab.sh

usage() { awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"; }
case "${1:-}" in
-h | --help | help) usage; exit 0 ;;
"") ;;
*) echo "bench: unknown argument '$1' (--help)" >&2; exit 2 ;;
esac

export LAB_TIMEOUT=${LAB_TIMEOUT:-300}
GUEST=${BENCH_GUEST:-guest1}
PEER=${BENCH_PEER:-guest2}
G2G=${BENCH_G2G:-0}
LAT_SIZES=${BENCH_LAT_SIZES:-8 64 512 4096 16384 65536}
BW_SIZES=${BENCH_BW_SIZES:-4096 16384 65536 262144 1048576}
ITERS=${BENCH_ITERS:-1000}
BW_MIB=${BENCH_BW_MIB:-64}
BW_MIN=${BENCH_BW_MIN_ITERS:-100}
BW_MAX=${BENCH_BW_MAX_ITERS:-2000}
KPOSTS=${BENCH_KICKS_POSTS:-20000}
TRIES=${BENCH_TRIES:-4}
REPS=${BENCH_REPS:-1}
RT=${BENCH_RUN_TIMEOUT:-180}
MAXS=${BENCH_MAX_SECONDS:-2400}
KGOAL=${BENCH_KICKS_GOAL:-1.0}
OUTBASE=${BENCH_OUT:-$top/build/bench}

for v in ITERS BW_MIB BW_MIN BW_MAX KPOSTS TRIES REPS RT MAXS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $v must be a positive integer, not '${!v}'" >&2; exit 2; }
done
for s in $LAT_SIZES $BW_SIZES; do
	[[ $s =~ ^[1-9][0-9]*$ ]] || { echo "bench: bad size '$s'" >&2; exit 2; }
done
case $GUEST in guest[1-9] | guest[1-9][0-9]) ;; *) echo "bench: BENCH_GUEST must be guestN" >&2; exit 2 ;; esac
case $PEER in guest[1-9] | guest[1-9][0-9]) ;; *) echo "bench: BENCH_PEER must be guestN" >&2; exit 2 ;; esac
[ "$G2G" = 1 ] && [ "$PEER" = "$GUEST" ] && { echo "bench: BENCH_PEER must differ from BENCH_GUEST" >&2; exit 2; }

stamp=$(date +%Y%m%d-%H%M%S)
OUT=$OUTBASE/$stamp
RAW=$OUT/raw
mkdir -p "$RAW" || exit 1
ln -sfn "$stamp" "$OUTBASE/latest"
RES=$OUT/results.tsv
printf 'kind\ttest\tsize\tside\trep\titers\tvalue\taux\tattempts\tstatus\tkicks\tevents\twqes\tcqes\tengine_passes\tengine_sleeps\tnote\tlog\n' >"$RES"
LOGF=$OUT/bench.log
exec > >(tee -a "$LOGF") 2>&1

t_start=$(date +%s)
reused=0
declare -a unmeasured=()
declare -A DOMID MHZ

say() { echo "bench: $*"; }
elapsed() { echo $(($(date +%s) - t_start)); }
oneline() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-300; }
dev_of() { if [ "$1" = dom0 ]; then echo rxe0; else echo xenib0; fi; }
ip_of() {
	case $1 in
	dom0) echo 10.77.0.1 ;;
	guest*) echo "10.77.0.$((10 + ${1#guest}))" ;;
	esac
}
human() {
	awk -v s="$1" 'BEGIN {
		if (s >= 1048576 && s % 1048576 == 0) printf "%d MiB", s / 1048576
		else if (s >= 1024 && s % 1024 == 0) printf "%d KiB", s / 1024
		else printf "%d B", s }'
}

finish() {
	local rc=$1 d
	echo
	if [ -s "$OUT/bench.md" ]; then
		cat "$OUT/bench.md"
		echo
	fi
	if [ $reused = 0 ] && [ "${lab_booted:-0}" = 1 ]; then
		if [ "${LAB_KEEP:-0}" = 1 ]; then
			say "LAB_KEEP=1: the lab stays up ($("$L" logs))"
		else
			say "shutting the lab down"
			"$L" down 2>&1 | sed 's/^/  /'
		fi
	fi
	if [ ${#unmeasured[@]} -gt 0 ]; then
		say "${#unmeasured[@]} measurement(s) could not be made:"
		for d in "${unmeasured[@]}"; do echo "  - $d"; done
		rc=1
	fi
	say "results: $OUT (also $OUTBASE/latest)"
	say "total $(elapsed) s; exit $rc"
	exit "$rc"
}

# ---- the lab -------------------------------------------------------------

# lab_booted=1 only once our own "lab.sh up" succeeded: a lab somebody
# else runs is never shut down here.
lab_booted=0
if "$L" status >/dev/null 2>&1; then
	if [ "${LAB_REUSE:-0}" != 1 ]; then
		unmeasured+=("everything: a lab is up already ($("$L" logs)); LAB_REUSE=1 uses it, tests/lab/lab.sh down stops it")
		finish 1
	fi
	reused=1
	say "reusing the lab that is up ($("$L" logs))"
else
	say "booting the lab (about 2 minutes; LAB_REUSE=1 reuses a running one)"
	if ! "$L" up 2>&1 | sed 's/^/  /'; then
		unmeasured+=("everything: the lab did not come up (tests/lab/lab.sh up; logs: $("$L" logs)/logs)")
		finish 1
	fi
	lab_booted=1
	"$L" status >/dev/null 2>&1 || {
		unmeasured+=("everything: the lab is not up after lab.sh up (logs: $("$L" logs)/logs)")
		finish 1
	}
fi
LABRUN=$("$L" logs)

# setup_fail WHAT OUTPUT : a step without which nothing can be measured.
setup_fail() {
	say "setup failed: $1"
	echo "$2" | sed 's/^/  /'
	unmeasured+=("everything: $1")
	finish 1
}

used=("$GUEST")
[ "$G2G" = 1 ] && used+=("$PEER")
out=$("$L" run dom0 'xl list' 2>&1) || setup_fail "xl list in Dom0" "$out"
for g in "${used[@]}"; do
	echo "$out" | awk -v g="$g" '$1 == g { f = 1 } END { exit !f }' ||
		setup_fail "$g is not running (xl list; LAB_GUESTS, BENCH_GUEST)" "$out"
done

# Dom0: the backend, then attach each guest used (unless attached already).
out=$("$L" run dom0 'modprobe ib_core; modprobe ib_uverbs
if grep -q "^xen_ibback " /proc/modules; then echo "xen-ibback: loaded already"
else insmod /opt/xenib/xen-ibback.ko max_mapped_pages=262144 && echo "xen-ibback: loaded"; fi
cat /sys/class/infiniband/rxe0/ports/1/state' 2>&1) || setup_fail "loading xen-ibback in Dom0" "$out"
echo "$out" | sed 's/^/  /'
for g in "${used[@]}"; do
	DOMID[$g]=$("$L" run dom0 "xl domid $g" 2>/dev/null | tr -d '\r\n ')
	[[ ${DOMID[$g]} =~ ^[0-9]+$ ]] || setup_fail "the domid of $g" "${DOMID[$g]}"
	if "$L" run dom0 "xenib list | grep -q -E '^ *${DOMID[$g]} +0 '" >/dev/null 2>&1; then
		say "$g (domid ${DOMID[$g]}): attached already"
	else
		out=$("$L" run dom0 "xenib attach ${DOMID[$g]} --device rxe0" 2>&1) ||
			setup_fail "xenib attach ${DOMID[$g]} --device rxe0 ($g)" "$out"
		say "$g (domid ${DOMID[$g]}): attached to rxe0"
	fi
	out=$("$L" run "$g" 'modprobe ib_core; modprobe ib_uverbs
grep -q "^xen_ibfront " /proc/modules || insmod /opt/xenib/xen-ibfront.ko || exit 1
for i in $(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done
ibv_devices | grep -q xenib0 || { echo "no xenib0 after 60 s"; ibv_devices; dmesg | tail -n 5; exit 1; }
echo "xenib0 present"' 2>&1) || setup_fail "xen-ibfront and xenib0 in $g" "$out"
done
out=$("$L" run dom0 'xenib list' 2>&1)
echo "$out" | sed 's/^/  /'
for d in dom0 "${used[@]}"; do
	MHZ[$d]=$("$L" run "$d" "awk '/^cpu MHz/ { print \$4; exit }' /proc/cpuinfo" 2>/dev/null | tr -d '\r\n ')
	[[ ${MHZ[$d]} =~ ^[0-9]+(\.[0-9]+)?$ ]] || setup_fail "cpu MHz of $d" "${MHZ[$d]}"
done
say "cpu MHz (from /proc/cpuinfo, converts latency cycles to us): $(for d in dom0 "${used[@]}"; do printf '%s %s  ' "$d" "${MHZ[$d]}"; done)"
{
	echo "lab_run=$LABRUN"
	echo "reused=$reused"
	echo "guest=$GUEST"
	echo "guest_domid=${DOMID[$GUEST]}"
	echo "g2g=$G2G"
	[ "$G2G" = 1 ] && echo "peer=$PEER" && echo "peer_domid=${DOMID[$PEER]}"
	for d in dom0 "${used[@]}"; do echo "mhz_$d=${MHZ[$d]}"; done
	echo "iters_lat=$ITERS"
	echo "bw_mib=$BW_MIB"
	echo "tries=$TRIES"
	echo "reps=$REPS"
	echo "kicks_goal=$KGOAL"
	echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ -d "@$t_start")"
	echo "host=$(hostname)"
	"$L" run dom0 'echo "xen=$(xl info | awk "/^xen_version/ { print \$3 }")"; echo "dom0_kernel=$(uname -r)"; echo "dom0_vcpus=$(nproc)"; echo "perftest=$(dpkg-query -W -f="\${Version}" perftest 2>/dev/null)"' 2>/dev/null
} >"$OUT/meta.env"

# ---- one measurement -------------------------------------------------------

# The backend's counters of the guests in $*, one line each:
# "stats DOMID kicks events wqes cqes engine_passes engine_sleeps".
stats_sh() {
	local d
	for d in "$@"; do
		printf '%s\n' "s=/sys/bus/xen-backend/devices/vib-$d-0/statistics; printf 'stats %s' $d; for f in kicks events wqes cqes engine_passes engine_sleeps; do printf ' %s' \$(cat \$s/\$f 2>/dev/null || echo NA); done; echo"
	done
}

# attempt TEST ARGS SD CD TAG : one perftest run, server in SD, client in
# CD.  Sets A_CLI (client output), A_SRV (server output), A_CRC, A_SRC,
# A_STATS0, A_STATS1 (counter lines of the guests involved).
attempt() {
	local test=$1 args=$2 sd=$3 cd=$4 tag=$5 port ids="" d out
	# A port of our own (smoke/integration use 18515 and 19000..19999).
	port=$((20000 + RANDOM % 1000))
	for d in "$sd" "$cd"; do [ "$d" != dom0 ] && ids+=" ${DOMID[$d]}"; done
	# The counters are read in the server's command when it runs in Dom0
	# (every lab.sh run costs a second or more under TCG).
	local pre="" post=""
	if [ "$sd" = dom0 ]; then pre=$(stats_sh $ids); else A_STATS0=$("$L" run dom0 "$(stats_sh $ids)" 2>/dev/null); fi
	out=$("$L" run "$sd" "rm -f /tmp/$tag.*
$pre
(timeout $RT $test -d $(dev_of "$sd") $args -p $port >/tmp/$tag.srv 2>&1 </dev/null & echo \$! >/tmp/$tag.pid; wait \$!; echo \$? >/tmp/$tag.rc) </dev/null >/dev/null 2>&1 &
for i in \$(seq 50); do [ -s /tmp/$tag.pid ] && break; sleep 0.1; done" 2>/dev/null)
	[ "$sd" = dom0 ] && A_STATS0=$out
	# The client is retried while the server does not listen yet
	# ("Couldn't connect"), for at most 20 s.
	A_CLI=$("$L" run "$cd" "for i in \$(seq 40); do
	timeout $RT $test -d $(dev_of "$cd") $args -p $port $(ip_of "$sd") >/tmp/$tag.cli 2>&1 </dev/null
	c=\$?
	grep -q 'Couldn.t connect' /tmp/$tag.cli || break
	sleep 0.5
done
cat /tmp/$tag.cli; rm -f /tmp/$tag.cli
echo \"client-rc \$c\"
exit \$c" 2>&1)
	A_CRC=$?
	# The server ends on its own after a good run; after a failed client it
	# gets 10 s, then it is stopped (by its pid).
	local wait=$((RT * 2)) srv_end=":"
	[ $A_CRC = 0 ] || { wait=20; srv_end="kill \$(cat /tmp/$tag.pid) 2>/dev/null; sleep 1"; }
	[ "$sd" = dom0 ] && post=$(stats_sh $ids)
	A_SRV=$("$L" run "$sd" "for i in \$(seq $wait); do [ -s /tmp/$tag.rc ] && break; sleep 0.5; done
[ -s /tmp/$tag.rc ] || { echo 'server still running: stopped'; $srv_end; }
cat /tmp/$tag.srv
echo \"server-rc \$(cat /tmp/$tag.rc 2>/dev/null || echo none)\"
$post
r=\$(cat /tmp/$tag.rc 2>/dev/null || echo 1); rm -f /tmp/$tag.*; exit \$r" 2>&1)
	A_SRC=$?
	if [ "$sd" = dom0 ]; then
		A_STATS1=$(grep '^stats ' <<<"$A_SRV")
		A_SRV=$(grep -v '^stats ' <<<"$A_SRV")
	else
		A_STATS1=$("$L" run dom0 "$(stats_sh $ids)" 2>/dev/null)
	fi
}

# why TEXT : a short reason for a failed attempt.
why() {
	local t=$1
	if grep -q -E "Can.t produce a report" <<<"$t"; then
		echo "perftest could not calibrate its clock (Can't produce a report)"
	elif grep -q -E "Couldn.t connect|Unable to init the socket|read/write remote|[Ff]ailed to exchange|exchange data|Couldn.t (read|send|get)|ethernet_(read|write)" <<<"$t"; then
		echo "perftest's TCP exchange failed"
	elif grep -q -E "Did not detect devices|Unable to find the Infiniband" <<<"$t"; then
		echo "device not found"
	elif grep -q -E "timed out|client-rc 124|server-rc 124" <<<"$t"; then
		echo "timed out"
	elif grep -q -E "Correlation coefficient" <<<"$t" && ! grep -q -i -E 'rror|ail|Couldn|Unable' <<<"$t"; then
		echo "perftest could not calibrate its clock (Correlation coefficient < 0.9)"
	else
		echo "$(grep -i -E 'rror|ail|Couldn|Unable' <<<"$t" | head -n 2 | oneline)"
	fi
}

# parse KIND SIZE TEXT : "value aux" from perftest's table, or nothing.
# lat (run with -C): t_avg and t_typical, in cycles; bw: BW average and
# BW peak, MiB/s.
parse() {
	awk -v kind="$1" -v size="$2" '
		kind == "lat" && /t_typical/ { h = 1; next }
		kind == "bw" && /BW average/ { h = 1; next }
		h && $1 == size {
			if (kind == "lat") { v = $6; a = $5 } else { v = $4; a = $3 }
			if (v ~ /^[0-9]+(\.[0-9]+)?$/ && v + 0 > 0) print v, a
			exit
		}' <<<"$3"
}

# Counter deltas "kicks events wqes cqes passes sleeps" for DOMID between
# the two counter texts, or "NA ...".
deltas() {
	awk -v d="$1" -v b="$2" -v a="$3" 'BEGIN {
		n = split(b, x, "\n"); for (i = 1; i <= n; i++) { split(x[i], f, " "); if (f[1] == "stats" && f[2] == d) for (j = 3; j <= 8; j++) B[j] = f[j] }
		n = split(a, x, "\n"); for (i = 1; i <= n; i++) { split(x[i], f, " "); if (f[1] == "stats" && f[2] == d) for (j = 3; j <= 8; j++) A[j] = f[j] }
		s = ""
		for (j = 3; j <= 8; j++) {
			if (B[j] ~ /^[0-9]+$/ && A[j] ~ /^[0-9]+$/) v = A[j] - B[j]; else v = "NA"
			s = s (j > 3 ? " " : "") v
		}
		print s }'
}

# measure KIND TEST SIZE SIDE REP : one run with retries; appends a row to
# results.tsv and sets M_VAL (us or MiB/s; "" if it could not be made) and
# M_NOTE.
measure() {
	local kind=$1 test=$2 size=$3 side=$4 rep=$5 sd cd iters args tag log n r st v a
	local notes="" res="" k="NA NA NA NA NA NA" try
	case $side in
	native) sd=dom0 cd=dom0 ;;
	guest) sd=dom0 cd=$GUEST ;;
	g2g) sd=$PEER cd=$GUEST ;;
	esac
	if [ "$kind" = lat ]; then
		iters=$ITERS
		args="-x 0 -s $size -n $iters -C"
	else
		iters=$((BW_MIB * 1048576 / size))
		[ $iters -lt "$BW_MIN" ] && iters=$BW_MIN
		[ $iters -gt "$BW_MAX" ] && iters=$BW_MAX
		args="-x 0 -s $size -n $iters"
	fi
	log=raw/$test-$size-$side.log
	M_VAL=""
	M_NOTE=""
	if [ "$(elapsed)" -ge "$MAXS" ]; then
		M_NOTE="skipped: BENCH_MAX_SECONDS ($MAXS s) reached"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t\t\t0\tskipped\tNA\tNA\tNA\tNA\tNA\tNA\t%s\t\n' "$kind" "$test" "$size" "$side" "$rep" "$iters" "$M_NOTE" >>"$RES"
		return
	fi
	for try in $(seq "$TRIES"); do
		tag=bench.$$.$RANDOM
		attempt "$test" "$args" "$sd" "$cd" "$tag"
		{
			echo "=== rep $rep attempt $try: $test $args; server $sd ($(dev_of "$sd")), client $cd ($(dev_of "$cd")) -> $(ip_of "$sd")"
			echo "--- counters before"; echo "$A_STATS0"
			echo "--- client ($cd)"; echo "$A_CLI"
			echo "--- server ($sd)"; echo "$A_SRV"
			echo "--- counters after"; echo "$A_STATS1"
		} >>"$OUT/$log"
		r=$(parse "$kind" "$size" "$A_CLI")
		if [ $A_CRC = 0 ] && [ -n "$r" ]; then
			if [ $A_SRC = 0 ]; then
				res=$r
				break
			fi
			# The traffic ran and the client reported; only the server
			# could not make its own report: the client's result stands.
			if grep -q "Can.t produce a report" <<<"$A_SRV"; then
				res=$r
				notes+="${notes:+; }attempt $try: the server could not calibrate its clock for its own report; the client's result is used"
				break
			fi
		fi
		n=$(why "$A_CLI
$A_SRV")
		if [ $A_CRC = 0 ] && [ $A_SRC = 0 ]; then
			n="no result in perftest's output${n:+ ($n)}"
		else
			n="${n:+$n, }client rc $A_CRC, server rc $A_SRC"
		fi
		notes+="${notes:+; }attempt $try: $n"
		say "  $test $(human "$size") $side: attempt $try failed: $n"
		# A guest side that fails: keep both kernels' last words for the report.
		if [ "$side" != native ]; then
			{
				echo "--- dmesg | tail ($cd)"; "$L" run "$cd" 'dmesg | tail -n 15' 2>&1
				echo "--- dmesg | tail (dom0)"; "$L" run dom0 'dmesg | tail -n 15' 2>&1
			} >>"$OUT/$log"
		fi
	done
	if [ "$side" != native ]; then
		k=$(deltas "${DOMID[$GUEST]}" "$A_STATS0" "$A_STATS1")
	fi
	if [ -n "$res" ]; then
		read -r v a <<<"$res"
		if [ "$kind" = lat ]; then
			# cycles -> us with the client's clock rate
			v=$(awk -v c="$v" -v m="${MHZ[$cd]}" 'BEGIN { printf "%.3f", c / m }')
			a=$(awk -v c="$a" -v m="${MHZ[$cd]}" 'BEGIN { printf "%.3f", c / m }')
		fi
		st=ok
		M_VAL=$v
	else
		v="" a="" st=failed
	fi
	M_NOTE="$notes (log: $OUT/$log)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$test" "$size" "$side" "$rep" "$iters" "$v" "$a" "$try" "$st" \
		"$(tr ' ' '\t' <<<"$k")" "$notes	$log" >>"$RES"
}

# median VALUES... : the median of the numbers given (nothing if none).
median() {
	printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%s", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- the runs ----------------------------------------------------------------

sides="native guest"
[ "$G2G" = 1 ] && sides+=" g2g"
rsides=$(echo "$sides" | tr ' ' '\n' | tac | tr '\n' ' ')
say "latency: t_avg, perftest -C (cycles) / cpu MHz; bandwidth: BW average (MiB/s)"
say "native: server and client in Dom0 on rxe0; guest: client in $GUEST on xenib0, server in Dom0 on rxe0"
[ "$G2G" = 1 ] && say "g2g: client in $GUEST, server in $PEER, both on xenib0"
[ "$REPS" -gt 1 ] && say "$REPS repetitions per point, the order of the sides alternating; the median counts"
for test in ib_send_lat ib_write_lat ib_write_bw ib_send_bw; do
	case $test in *_lat) kind=lat sizes=$LAT_SIZES unit=us ;; *) kind=bw sizes=$BW_SIZES unit=MiB/s ;; esac
	for size in $sizes; do
		declare -A vals=() lastnote=()
		for rep in $(seq "$REPS"); do
			order=$sides
			[ $((rep % 2)) = 0 ] && order=$rsides
			for side in $order; do
				measure "$kind" "$test" "$size" "$side" "$rep"
				vals[$side]+="$M_VAL "
				[ -n "$M_VAL" ] || lastnote[$side]=$M_NOTE
			done
		done
		line=$(printf '%-13s %8s' "$test" "$(human "$size")")
		nat=$(median ${vals[native]:-})
		for side in $sides; do
			m=$(median ${vals[$side]:-})
			if [ -n "$m" ]; then
				line+=$(printf '  %s %s %s' "$side" "$m" "$unit")
				[ "$REPS" -gt 1 ] && line+=" [$(echo ${vals[$side]:-} | tr ' ' ',')]"
				if [ "$side" != native ] && [ -n "$nat" ]; then
					line+=$(awk -v g="$m" -v n="$nat" 'BEGIN { printf " (x%.3f)", g / n }')
				fi
			else
				line+="  $side -"
				unmeasured+=("$test $(human "$size") $side: ${lastnote[$side]:-not measured}")
			fi
		done
		echo "$line  [$(elapsed) s]"
		unset vals lastnote
	done
done

# Kicks under sustained load: xenib-kicks in the guest, counters around it.
kicks_log=raw/xenib-kicks.log
d=${DOMID[$GUEST]}
if [ "$(elapsed)" -lt "$MAXS" ]; then
	s0=$("$L" run dom0 "$(stats_sh "$d")" 2>/dev/null)
	kout=$("$L" run "$GUEST" "xenib-kicks -d xenib0 -i 0 -n $KPOSTS -q 64" 2>&1)
	krc=$?
	s1=$("$L" run dom0 "$(stats_sh "$d")" 2>/dev/null)
	{
		echo "=== xenib-kicks -d xenib0 -i 0 -n $KPOSTS -q 64 in $GUEST (rc $krc)"
		echo "--- counters before"; echo "$s0"
		echo "--- output"; echo "$kout"
		echo "--- counters after"; echo "$s1"
	} >"$OUT/$kicks_log"
	posts=$(awk '/^posts:/ { print $2 }' <<<"$kout")
	if [ $krc = 0 ] && [ -n "$posts" ]; then
		printf 'kicks\txenib-kicks\t64\tguest\t1\t%s\t%s\t\t1\tok\t%s\t\t%s\n' "$KPOSTS" "$posts" \
			"$(deltas "$d" "$s0" "$s1" | tr ' ' '\t')" "$kicks_log" >>"$RES"
		say "xenib-kicks: $(deltas "$d" "$s0" "$s1" | awk '{ printf "%s kicks, %s events for %s WQEs", $1, $2, $3 }') ($posts posts)"
	else
		unmeasured+=("xenib-kicks in $GUEST: rc $krc: $(tail -n 2 <<<"$kout" | oneline) (log: $OUT/$kicks_log)")
		printf 'kicks\txenib-kicks\t64\tguest\t1\t%s\t\t\t1\tfailed\tNA\tNA\tNA\tNA\tNA\tNA\trc %s\t%s\n' "$KPOSTS" "$krc" "$kicks_log" >>"$RES"
	fi
else
	unmeasured+=("xenib-kicks: skipped: BENCH_MAX_SECONDS ($MAXS s) reached")
fi

# ---- the report ----------------------------------------------------------------

echo "duration_s=$(elapsed)" >>"$OUT/meta.env"
if ! python3 "$here/report.py" "$OUT"; then
	unmeasured+=("the report: tests/bench/report.py failed")
	finish 1
fi
if "$top/mk/apt-ensure.sh" gnuplot-nox >/dev/null 2>&1 && command -v gnuplot >/dev/null; then
	if ! gnuplot -e "dir='$OUT'" "$here/plot.gp" 2>"$OUT/gnuplot.err"; then
		say "gnuplot failed: $(oneline <"$OUT/gnuplot.err")"
	fi
else
	say "gnuplot-nox could not be installed: no bench.png"
fi
[ -s "$OUT/bench.png" ] || say "no bench.png"
finish 0
