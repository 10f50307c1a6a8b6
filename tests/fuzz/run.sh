#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# run.sh OUTDIR SECONDS RUNS TARGET... - run each fuzz target bounded, from
# OUTDIR/corpus-TARGET; one pass or fail per target, with the executions
# and executions per second of libFuzzer's final stats, then the total;
# last line "N passed, N failed".  FUZZ_JOBS targets run at a time
# (default: the number of CPUs), each for SECONDS on a CPU of its own.
o=$1
secs=$2
runs=$3
shift 3
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
pass=0
fail=0
total=0
mkdir -p "$o/artifacts"

one() {
	t=$1
	log="$o/fuzz_$t.log"
	"$o/fuzz_$t" -max_total_time="$secs" -runs="$runs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$o/artifacts/$t-" "$o/corpus-$t" >"$log" 2>&1
	echo $? >"$o/fuzz_$t.rc"
}

# Start up to $jobs at once; wait for a whole batch (targets take the same
# time, SECONDS, so batches waste nothing).
set -- "$@"
todo="$*"
while [ -n "$todo" ]; do
	batch=
	n=0
	for t in $todo; do
		[ "$n" -lt "$jobs" ] || break
		batch="$batch $t"
		n=$((n + 1))
	done
	for t in $batch; do
		one "$t" &
	done
	wait
	rest=
	for t in $todo; do
		case " $batch " in *" $t "*) ;; *) rest="$rest $t" ;; esac
	done
	todo=${rest# }
done

for t in "$@"; do
	log="$o/fuzz_$t.log"
	if [ "$(cat "$o/fuzz_$t.rc" 2>/dev/null)" = 0 ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
		echo "fuzz_$t: ok ($execs runs, $rate/s, $cov)"
		total=$((total + ${execs:-0}))
		pass=$((pass + 1))
	else
		echo "fuzz_$t: FAILED, see $log"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 5
		fail=$((fail + 1))
	fi
done
echo "total: $total runs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
