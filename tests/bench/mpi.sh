#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mpi.sh (make bench-mpi) : MPI over xenib0 against MPI over rxe0, in one
# lab run.  Not part of make check (it takes 30-60 minutes under TCG); the
# lab suite runs a short MPI correctness pass instead.  See docs/mpi.md.
#
#   tests/bench/mpi.sh [--help]
#
# Open MPI 5 + UCX (pml ucx, UCX_TLS=rc_verbs,ud_verbs,self, no shared
# memory, so that every message crosses the RDMA device), the same command
# for each placement of the ranks:
#   native      both ranks in Dom0 on rxe0 (Dom0 has 2 vCPUs)
#   guest       one rank in each of two guests, xenib0 (1 vCPU each)
#   guest-dom0  one rank in a guest on xenib0, one native in Dom0
# Measured:
#   NetPIPE (NPopenmpi, 1 octet .. BENCH_NP_MAX): latency at 8 octets and
#   bandwidth at 1 MiB; the backend's kicks and events per 1,000 messages
#   during the guest run (messages: NetPIPE's repeats, two per round trip);
#   HPC Challenge (hpcc) with 2 ranks (P x Q = 1 x 2) and with 4 ranks
#   (2 x 2; 2 per guest, 4 in Dom0), HPL N = BENCH_HPL_N: HPL, PTRANS,
#   MPIRandomAccess, MPIFFT, StarDGEMM, and the ring latency/bandwidth;
#   hpcc's own verification must pass (a failed one is reported).
# Writes build/bench/mpi-<time>/ (and build/bench/mpi-latest): mpi.md,
# mpi-summary.json, mpi.png (NetPIPE curves), raw/ (every run's output).
# Ratios are guest / native (latency: lower is better; the others: higher
# is better); goals (latency <= 1.10, bandwidth and HPL >= 0.95) are
# reported, never asserted.  Exit status: 0 every measurement was made,
# 1 some could not be, 2 usage error.
#
# Boots the lab if none is up; with a lab up it needs LAB_REUSE=1 (and
# never shuts it down); attaches guest1 and guest2 unless attached.
#
# Environment (defaults):
#   LAB_REUSE (0), LAB_KEEP (0)    as for make bench
#   BENCH_NP_MAX (1048576)         NetPIPE's largest message (-u)
#   BENCH_HPL_N (1000)             HPL problem size for hpcc
#   BENCH_MPI_TIMEOUT (1800)       seconds per MPI job
#   BENCH_OUT (build/bench)        where the results go
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
top=$(cd "$here/../.." && pwd -P)
L=$top/tests/lab/lab.sh

usage() { awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"; }
case "${1:-}" in
-h | --help | help) usage; exit 0 ;;
"") ;;
*) echo "bench-mpi: unknown argument '$1' (--help)" >&2; exit 2 ;;
esac
NP_MAX=${BENCH_NP_MAX:-1048576}
HPL_N=${BENCH_HPL_N:-1000}
JT=${BENCH_MPI_TIMEOUT:-1800}
for v in NP_MAX HPL_N JT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bench-mpi: $v must be a positive integer" >&2; exit 2; }
done
export LAB_TIMEOUT=$((JT + 120))
OUTBASE=${BENCH_OUT:-$top/build/bench}
stamp=mpi-$(date +%Y%m%d-%H%M%S)
OUT=$OUTBASE/$stamp
RAW=$OUT/raw
mkdir -p "$RAW" || exit 1
ln -sfn "$stamp" "$OUTBASE/mpi-latest"
exec > >(tee -a "$OUT/bench-mpi.log") 2>&1
t_start=$(date +%s)
say() { echo "bench-mpi: $*"; }
unmeasured=()
lab_booted=0

finish() {
	local rc=$1 d
	[ -s "$OUT/mpi.md" ] && { echo; cat "$OUT/mpi.md"; }
	if [ "$lab_booted" = 1 ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		say "shutting the lab down"
		"$L" down 2>&1 | sed 's/^/  /'
	fi
	if [ ${#unmeasured[@]} -gt 0 ]; then
		say "${#unmeasured[@]} measurement(s) could not be made:"
		for d in "${unmeasured[@]}"; do echo "  - $d"; done
		rc=1
	fi
	say "results: $OUT (also $OUTBASE/mpi-latest); $(($(date +%s) - t_start)) s; exit $rc"
	exit "$rc"
}

if "$L" status >/dev/null 2>&1; then
	[ "${LAB_REUSE:-0}" = 1 ] || { unmeasured+=("everything: a lab is up already; LAB_REUSE=1 uses it"); finish 1; }
	say "reusing the lab that is up ($("$L" logs))"
else
	say "booting the lab"
	"$L" up 2>&1 | sed 's/^/  /'
	"$L" status >/dev/null 2>&1 || { unmeasured+=("everything: the lab did not come up"); finish 1; }
	lab_booted=1
fi

declare -A DOMID
"$L" run dom0 'modprobe ib_core; modprobe ib_uverbs; grep -q "^xen_ibback " /proc/modules || insmod /opt/xenib/xen-ibback.ko max_mapped_pages=262144' >/dev/null 2>&1
for g in guest1 guest2; do
	DOMID[$g]=$("$L" run dom0 "xl domid $g" 2>/dev/null | tr -d '\r\n ')
	[[ ${DOMID[$g]} =~ ^[0-9]+$ ]] || { unmeasured+=("everything: $g is not running"); finish 1; }
	"$L" run dom0 "xenib list | grep -q -E '^ *${DOMID[$g]} +0 ' || xenib attach ${DOMID[$g]} --device rxe0" >/dev/null 2>&1
	"$L" run "$g" 'modprobe ib_uverbs; grep -q "^xen_ibfront " /proc/modules || insmod /opt/xenib/xen-ibfront.ko
for i in $(seq 120); do ibv_devices | grep -q xenib0 && break; sleep 0.5; done; ibv_devices | grep -q xenib0' >/dev/null 2>&1 ||
		{ unmeasured+=("everything: no xenib0 in $g"); finish 1; }
done
say "guests attached: guest1 (domid ${DOMID[guest1]}), guest2 (domid ${DOMID[guest2]})"

# counters: "kicks events wqes" summed over both guests
counters() {
	"$L" run dom0 "for d in ${DOMID[guest1]} ${DOMID[guest2]}; do s=/sys/bus/xen-backend/devices/vib-\$d-0/statistics; echo \$(cat \$s/kicks) \$(cat \$s/events) \$(cat \$s/wqes); done" 2>/dev/null |
		awk '{ k += $1; e += $2; w += $3 } END { print k + 0, e + 0, w + 0 }'
}

ENV='export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; cd /tmp;'
MCA="--bind-to none --mca pml ucx -x UCX_TLS=rc_verbs,ud_verbs,self"
declare -A HOSTS=([native]="dom0:2" [guest]="guest1,guest2" [guest-dom0]="guest1,dom0")
declare -A HOSTS4=([native]="dom0:4" [guest]="guest1:2,guest2:2")
FROM=guest1

# job NAME FROM CMD : one MPI job; output in raw/NAME.out, status in
# raw/NAME.rc, counters before/after in raw/NAME.counters.
job() {
	local name=$1 from=$2 cmd=$3 c0 c1 rc t
	t=$(date +%s)
	c0=$(counters)
	"$L" run "$from" "$ENV timeout $JT $cmd" >"$RAW/$name.out" 2>&1
	rc=$?
	c1=$(counters)
	echo "$rc" >"$RAW/$name.rc"
	echo "$c0 $c1" >"$RAW/$name.counters"
	say "$name: exit $rc in $(($(date +%s) - t)) s"
	[ "$rc" = 0 ] || unmeasured+=("$name: exit $rc (raw/$name.out)")
}

# NetPIPE
for p in native guest guest-dom0; do
	from=$FROM
	[ $p = native ] && from=dom0
	job "netpipe-$p" "$from" "mpirun -H ${HOSTS[$p]} -np 2 $MCA NPopenmpi -u $NP_MAX"
done

# HPC Challenge, 2 and 4 ranks
hpcc_job() {
	local name=$1 from=$2 hosts=$3 np=$4 pq=$5 d
	sed -e "s/@N@/$HPL_N/" -e "s/@P@/${pq% *}/" -e "s/@Q@/${pq#* }/" \
		"$here/hpccinf.txt" >"$RAW/$name.hpccinf.txt"
	for d in dom0 guest1 guest2; do
		"$L" push "$d" "$RAW/$name.hpccinf.txt" /tmp/ >/dev/null 2>&1
		"$L" run "$d" "mkdir -p /tmp/$name; cp /tmp/$name.hpccinf.txt /tmp/$name/hpccinf.txt" >/dev/null 2>&1
	done
	job "$name" "$from" "mpirun -H $hosts -np $np --wdir /tmp/$name $MCA hpcc"
	"$L" run "$from" "cat /tmp/$name/hpccoutf.txt" >"$RAW/$name.hpccoutf.txt" 2>/dev/null
}
hpcc_job hpcc2-native dom0 "${HOSTS[native]}" 2 "1 2"
hpcc_job hpcc2-guest "$FROM" "${HOSTS[guest]}" 2 "1 2"
hpcc_job hpcc4-native dom0 "${HOSTS4[native]}" 4 "2 2"
hpcc_job hpcc4-guest "$FROM" "${HOSTS4[guest]}" 4 "2 2"

python3 "$here/mpi_report.py" "$OUT" || unmeasured+=("the report: tests/bench/mpi_report.py failed")
if "$top/mk/apt-ensure.sh" gnuplot-nox >/dev/null 2>&1 && [ -s "$OUT/netpipe.dat" ]; then
	gnuplot -e "dir='$OUT'" "$here/mpi.gp" 2>"$OUT/gnuplot.err" || say "gnuplot failed"
fi
finish 0
