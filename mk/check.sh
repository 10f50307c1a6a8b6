#!/bin/bash
# check.sh : everything `make check` runs, in order, on a fresh machine.
#
# Each step is either a single check (ok / FAIL) or a suite whose own last
# line is "N passed, N failed" (", N skipped" when a host-dependent case
# could not run, tests/harness.h); the suite's counts are added to the
# total, and skipped cases are shown on the step's line and in the summary,
# never counted as passed.
# Logs of every step go to build/check/<step>.log.  The last line printed is
# the grand total, "N passed, N failed"; the exit status is 1 if anything
# failed.
#
# Environment:
#   CHECK_SKIP="lab-smoke fuzz"  steps to leave out (reported as skipped)
#   CHECK_ONLY="unit fuzz"       run only these steps
#   FUZZ_SECONDS=N          seconds per fuzz target (default 10; make fuzz 30)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"
logs=$top/build/check
mkdir -p "$logs"
export XENIB_CACHE=${XENIB_CACHE:-/var/cache/xenib}
pass=0
fail=0
skipped=()
skipped_cases=0
t0=$(date +%s)

skip() {
	case " ${CHECK_SKIP:-} " in *" $1 "*) return 0 ;; esac
	if [ -n "${CHECK_ONLY:-}" ]; then
		case " $CHECK_ONLY " in *" $1 "*) return 1 ;; esac
		return 0
	fi
	return 1
}

# one NAME CMD... : a single check.
one() {
	local name=$1 s
	shift
	if skip "$name"; then
		skipped+=("$name")
		return 0
	fi
	s=$(date +%s)
	if "$@" >"$logs/$name.log" 2>&1; then
		pass=$((pass + 1))
		printf 'ok    %-28s %4ss\n' "$name" $(($(date +%s) - s))
	else
		fail=$((fail + 1))
		printf 'FAIL  %-28s %4ss  (build/check/%s.log)\n' "$name" \
			$(($(date +%s) - s)) "$name"
		tail -n 15 "$logs/$name.log" | sed 's/^/      | /'
	fi
}

# suite NAME CMD... : a suite that prints "N passed, N failed" last.
suite() {
	local name=$1 s rc line p f k
	shift
	if skip "$name"; then
		skipped+=("$name")
		return 0
	fi
	s=$(date +%s)
	"$@" >"$logs/$name.log" 2>&1
	rc=$?
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$logs/$name.log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		k=$(sed -nE 's/.* failed, ([0-9]+) skipped.*/\1/p' <<<"$line")
	else
		p=0
		f=1
	fi
	k=${k:-0}
	skipped_cases=$((skipped_cases + k))
	# A suite that exits non-zero failed, whatever it counted.
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -eq 0 ]; then
		printf 'ok    %-28s %4ss  %s passed%s\n' "$name" $(($(date +%s) - s)) \
			"$p" "$( [ "$k" -eq 0 ] || echo ", $k skipped")"
	else
		printf 'FAIL  %-28s %4ss  %s passed, %s failed  (build/check/%s.log)\n' \
			"$name" $(($(date +%s) - s)) "$p" "$f" "$name"
		# The failures themselves first (with what follows each), not
		# every line that merely says "0 failed".
		{ grep -E -A 4 '^ *(FAIL|not ok)' "$logs/$name.log" ||
		  grep -E 'error|Error' "$logs/$name.log" ||
		  tail -n 15 "$logs/$name.log"; } | head -n 40 | sed 's/^/      | /'
	fi
}

modinfo_check() {
	local ko=$1 desc=$2 deps=$3 f
	f=$(modinfo -F filename "$ko") || return 1
	modinfo "$ko"
	[ "$(modinfo -F license "$ko")" = "GPL" ] || { echo "license is not GPL"; return 1; }
	[ "$(modinfo -F description "$ko")" = "$desc" ] || { echo "description mismatch"; return 1; }
	[ -n "$(modinfo -F parm "$ko")" ] || { echo "no module parameters"; return 1; }
	for d in $deps; do
		modinfo -F depends "$ko" | tr ',' '\n' | grep -qx "$d" ||
			{ echo "missing dependency $d"; return 1; }
	done
	echo "modinfo ok: $f"
}

kernel_files() {
	find frontend backend kernel -name '*.[ch]' | sort
}

checkpatch_all() {
	local rc=0
	# The first alone (it may unpack checkpatch into the cache), then
	# one file per call, as many at once as there are CPUs.
	mk/checkpatch.sh "$(kernel_files | head -n 1)" || rc=1
	kernel_files | tail -n +2 | xargs -n 1 -P "$(nproc)" mk/checkpatch.sh || rc=1
	return $rc
}

kerneldoc_all() {
	local out
	out=$(/usr/lib/linux-kbuild-6.1/scripts/kernel-doc -none $(kernel_files) 2>&1)
	echo "$out"
	[ -z "$out" ]
}

echo "== xenib make check ($(date -u +%FT%TZ))"
one   host-deps            sh -c "grep -v '^#' mk/host-deps.txt | xargs mk/apt-ensure.sh"
one   buildroot            mk/buildroot.sh
one   modules-6.12-W1-sparse env XENIB_WERROR=1 mk/kmod.sh 6.12 C=2
one   modules-6.1-W1-sparse  env XENIB_WERROR=1 mk/kmod.sh 6.1 C=2
one   modinfo-front        modinfo_check build/kmod-6.12/xen-ibfront.ko \
	"Xen paravirtual RDMA (InfiniBand/RoCE) frontend" "ib_core ib_uverbs"
one   modinfo-back         modinfo_check build/kmod-6.12/xen-ibback.ko \
	"Xen paravirtual RDMA backend" "ib_core"
one   checkpatch-strict    checkpatch_all
one   kernel-doc           kerneldoc_all
one   rdma-core-56.1       mk/rdma-core.sh
one   userlib-build        make --no-print-directory userlib
suite userlib-load         sh -c 'mk/chroot-run.sh "$(mk/buildroot.sh)" make -C userlib \
	O="$PWD/build/userlib" RDMA_CORE="$(mk/rdma-core.sh)" check'
one   tools-build          make --no-print-directory tools
suite tools-unit           sh -c 'mk/chroot-run.sh "$(mk/buildroot.sh)" make -C tools \
	O="$PWD/build/tools" check'
suite unit                 make --no-print-directory -C tests/unit O="$top/build/unit" run
suite fuzz                 make --no-print-directory -C tests/fuzz O="$top/build/fuzz" \
	FUZZ_SECONDS="${FUZZ_SECONDS:-10}" run
one   progs-build          make --no-print-directory progs
suite lab-smoke            tests/lab/smoke.sh

echo "== $(($(date +%s) - t0))s${skipped[*]:+; skipped: ${skipped[*]}}$( [ "$skipped_cases" -eq 0 ] || echo "; $skipped_cases case(s) skipped (SKIP lines in build/check/*.log)")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
