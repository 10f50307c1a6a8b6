# SPDX-License-Identifier: GPL-2.0-only
#
# mpi.sh : the verbs conformance check and the MPI checks of the lab suite.
# Sourced by integration.sh after the guest-to-guest checks (both guests
# attached and idle); uses its L, ok, bad, oneline, elapsed, stat_of and
# DOMID.  Every check prints one "ok"/"FAIL" line.
#
# Conformance: tests/progs/xenib-verbs runs on rxe0 in Dom0 and on xenib0
# in a guest; every "case" line must agree, except the differences listed
# with their reasons in tests/lab/verbs-known-differences.txt.
#
# MPI: unmodified Debian programs and our collectives checker, launched as
# users do (mpirun/mpiexec over ssh between the lab's hosts), with UCX's
# transports restricted to InfiniBand verbs and shared memory so that a
# job cannot silently fall back to TCP; each check also shows that the
# backend's WQE counters moved (docs/mpi.md).
#
# Environment: MPI_CHECKS (1; 0 skips the MPI checks).

mpi_ompi_env='export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;'
MPI_TLS=rc_verbs,ud_verbs,sm,self

# Sum of the backend's WQE counters of every attached guest.
wqes_all() {
	local n s=0 v
	for n in $guests; do
		v=$(stat_of "${DOMID[guest$n]}" wqes 2>/dev/null | tr -d '\r')
		s=$((s + ${v:-0}))
	done
	echo $s
}

# ---- verbs conformance: xenib0 against rxe0 --------------------------------

vk=$here/verbs-known-differences.txt
t0=$(date +%s.%N)
vn=$(L run dom0 "xenib-verbs -d rxe0 -g 0 -t 300" 2>&1)
vnrc=$?
vg=$(L run "$G2" "xenib-verbs -d xenib0 -g 0 -t 300" 2>&1)
vgrc=$?
# "case NAME: RESULT" lines of each side; compared name by name.
vcmp=$(LC_ALL=C join -t $'\t' -a 1 -a 2 -e '(absent)' -o 0,1.2,2.2 \
	<(echo "$vn" | sed -n 's/^case \([^:]*\): /\1\t/p' | LC_ALL=C sort -t $'\t' -k 1,1) \
	<(echo "$vg" | sed -n 's/^case \([^:]*\): /\1\t/p' | LC_ALL=C sort -t $'\t' -k 1,1) |
	awk -F '\t' -v known="$vk" '
		BEGIN { while ((getline l < known) > 0) if (l !~ /^#/ && l != "") { split(l, f, "\t"); k[f[1]] = 1 } }
		{ n++ }
		$2 == $3 { same++; next }
		($1 in k) { kd++; kl = kl " " $1; next }
		{ bad++; bl = bl sprintf("; %s: rxe0 \"%s\" xenib0 \"%s\"", $1, $2, $3) }
		END { printf "%d %d %d %d%s|%s\n", n, same, kd, bad, kl, bl }')
vtot=${vcmp%% *}
read -r vtot vsame vknown vbad _ <<<"${vcmp%%|*}"
if [ $vnrc = 0 ] && [ $vgrc = 0 ] && [ "${vbad:-1}" = 0 ] && [ "${vtot:-0}" -gt 100 ]; then
	ok "verbs conformance: xenib0 ($G2) against rxe0" "$(elapsed "$t0") s; $vsame of $vtot cases agree, $vknown known differences (tests/lab/verbs-known-differences.txt); internal checks: $(echo "$vg" | tail -n 1)"
else
	echo "${vcmp#*|}" | tr ';' '\n' | sed -n 's/^ /      unexpected: /p'
	bad "verbs conformance: xenib0 ($G2) against rxe0" "rc rxe0 $vnrc xenib0 $vgrc; $vsame of $vtot agree, $vbad unexpected${vcmp#*|}; rxe0: $(echo "$vn" | grep -E '^FAIL|passed' | oneline); xenib0: $(echo "$vg" | grep -E '^FAIL|passed' | oneline)"
fi

# ---- MPI over xenib0 ---------------------------------------------------------
if [ "${MPI_CHECKS:-1}" != 0 ] && [ "$ngu_int" -ge 2 ]; then

# mpi_check NAME DOM CMD : run the MPI command CMD from DOM; it must exit
# 0, its last line must be "N passed, 0 failed" (our checker) or NetPIPE's
# last size line, and the guests' WQE counters must have moved.
mpi_check() {
	local name=$1 dom=$2 cmd=$3 w0 w1 out rc t
	t=$(date +%s.%N)
	w0=$(wqes_all)
	out=$(LAB_TIMEOUT=300 L run "$dom" "$mpi_ompi_env cd /tmp; timeout 240 $cmd" 2>&1)
	rc=$?
	w1=$(wqes_all)
	if [ $rc = 0 ] && echo "$out" | tail -n 1 | grep -q -E ' 0 failed$' &&
		[ $((w1 - w0)) -gt 0 ]; then
		ok "$name" "$(elapsed "$t") s; $(echo "$out" | grep -E 'octets:|passed,' | oneline); backend WQEs +$((w1 - w0))"
	else
		bad "$name" "rc $rc; WQEs +$((w1 - w0)); $(echo "$out" | grep -m 4 -i -E 'assert|abort|signal|error' | oneline) ... $(echo "$out" | grep -v -E '^rank [0-9]+ of' | tail -n 4 | oneline)"
	fi
}

coll="xenib-mpi-coll.openmpi -n 1 -s 65536"
mpi_check "mpi: Open MPI + UCX, 1 rank in each guest (rc_verbs, ud_verbs)" "$G1" \
	"mpirun -H $G1,$G2 -np 2 --mca pml ucx -x UCX_TLS=$MPI_TLS $coll"
mpi_check "mpi: Open MPI + UCX, 2 ranks in each guest" "$G1" \
	"mpirun -H $G1:2,$G2:2 -np 4 --bind-to none --mca pml ucx -x UCX_TLS=$MPI_TLS $coll"
mpi_check "mpi: Open MPI + UCX, ud_verbs only" "$G1" \
	"mpirun -H $G1,$G2 -np 2 --mca pml ucx -x UCX_TLS=ud_verbs,self xenib-mpi-coll.openmpi -n 1 -s 8192"
mpi_check "mpi: Open MPI + UCX, a guest rank and a native Dom0 rank" "$G1" \
	"mpirun -H $G1,dom0 -np 2 --mca pml ucx -x UCX_TLS=$MPI_TLS $coll"
mpi_check "mpi: MPICH (ch4:ucx), 1 rank in each guest" "$G1" \
	"mpiexec.mpich -hosts $G1,$G2 -n 2 -env UCX_TLS $MPI_TLS xenib-mpi-coll.mpich -n 1 -s 65536"

# NetPIPE, unmodified: every round trip is at least two sends through the
# backend, so its WQE counters grow by at least twice NetPIPE's repeats.
t0=$(date +%s.%N)
w0=$(wqes_all)
out=$(LAB_TIMEOUT=300 L run "$G1" "$mpi_ompi_env cd /tmp; timeout 240 mpirun -H $G1,$G2 -np 2 --mca pml ucx -x UCX_TLS=$MPI_TLS NPopenmpi -u 2048" 2>&1)
rc=$?
w1=$(wqes_all)
reps=$(echo "$out" | awk '/bytes .* times -->/ { s += $4 } END { print s + 0 }')
last=$(echo "$out" | grep -E 'bytes .* times -->' | tail -n 1 | sed 's/^ *//')
if [ $rc = 0 ] && [ "$reps" -gt 0 ] && [ $((w1 - w0)) -ge $((2 * reps)) ]; then
	ok "mpi: NetPIPE (NPopenmpi) $G1 <-> $G2 over xenib0" "$(elapsed "$t0") s; last: $last; backend WQEs +$((w1 - w0)) >= 2 x $reps repeats"
else
	bad "mpi: NetPIPE (NPopenmpi) $G1 <-> $G2 over xenib0" "rc $rc; WQEs +$((w1 - w0)), repeats $reps; $(echo "$out" | tail -n 4 | oneline)"
fi

fi # MPI_CHECKS
