#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lab.sh : the xenib lab, Debian's Xen 4.20 + Dom0 + PV guests in QEMU (TCG).
# See docs/lab.md.
#
#   lab.sh images                 build or reuse the cached images, print their dir
#   lab.sh up                     boot Xen + Dom0, rxe0, LAB_GUESTS guests, push artifacts
#   lab.sh run DOM CMD...         run CMD (bash) in DOM; its output and status are ours
#   lab.sh push DOM SRC DST       copy a host file/dir into DOM (DST ending in / : into it)
#   lab.sh pull DOM SRC DST       copy a file/dir of DOM to the host
#   lab.sh deploy                 push the build artifacts again (after a rebuild)
#   lab.sh guest N                start guestN (LAB_GUEST_MEM, LAB_GUEST_VCPUS)
#   lab.sh shell DOM              interactive shell in DOM (Ctrl-] leaves)
#   lab.sh status                 is it up, the domains, rxe0
#   lab.sh logs                   print the run directory (logs/ inside)
#   lab.sh down                   shut down cleanly; kill QEMU if that fails
#
# DOM is dom0, guest1, guest2, ...  Exit status: that of the command (run),
# 0/1 otherwise; 124 a command timed out; 255 the lab is not up or died.
#
# Environment (defaults): LAB_GUESTS (2), LAB_GUEST_MEM (512, MiB),
# LAB_GUEST_VCPUS (1), LAB_MEM (4096, QEMU's MiB), LAB_DOM0_MEM (1024),
# LAB_DOM0_MEMCHECK (Dom0's KFENCE and slub_debug options; empty: none),
# LAB_SMP (2), LAB_RXE (ci0: a dummy netdev; or xenbr0), LAB_TIMEOUT (600 s
# per command), LAB_BOOT_TIMEOUT (600 s to Dom0 ready), LAB_GUEST_TIMEOUT
# (300 s per guest), LAB_DOWN_TIMEOUT (120 s), LAB_KEEP (1: a failed up
# leaves QEMU running), LAB_DIR (build/lab), LAB_ARTIFACTS (build), XENIB_CACHE.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
top=$(cd "$here/../.." && pwd -P)
LAB_DIR=${LAB_DIR:-$top/build/lab}
LAB_ARTIFACTS=${LAB_ARTIFACTS:-$top/build}
LAB_TIMEOUT=${LAB_TIMEOUT:-600}
cur=$LAB_DIR/current

die() { echo "lab: $*" >&2; exit 1; }
say() { echo "lab: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

qemu_alive() {
	local pid
	pid=$(cat "$1/qemu.pid" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null && grep -q qemu "/proc/$pid/cmdline" 2>/dev/null
}

# Xen or Dom0 crashed (Xen's "noreboot" keeps QEMU running after a crash).
lab_crashed() {
	tail -c 65536 "$1/logs/serial.log" 2>/dev/null |
		grep -qE 'Hardware Dom0 crashed|Panic on CPU|Kernel panic - not syncing'
}

# The run directory of the lab that is up, or exit 255.
need_up() {
	[ -d "$cur" ] && qemu_alive "$cur" && [ -e "$cur/state/dom0-ready" ] && return 0
	echo "lab: not up (lab.sh up)" >&2
	exit 255
}

# dom0_exec TIMEOUT SCRIPT : run the bash text SCRIPT in Dom0 through the
# agent, stream its output, return its status (124 timeout, 255 lab died).
dom0_exec() {
	local t=$1 script=$2 S=$cur id w rc
	id=$(date +%s%N).$$.$RANDOM
	: >"$S/out/$id.out"
	printf '%s\n' "$script" >"$S/cmd/.$id.tmp"
	mv "$S/cmd/.$id.tmp" "$S/cmd/$id.sh"
	(
		end=$(($(date +%s) + t))
		i=0
		while [ ! -s "$S/out/$id.rc" ]; do
			i=$((i + 1))
			if [ $((i % 20)) = 0 ]; then
				[ "$(date +%s)" -lt "$end" ] || exit 124
				qemu_alive "$S" || exit 255
				lab_crashed "$S" && exit 255
			fi
			sleep 0.05
		done
	) &
	w=$!
	tail -n +1 -s 0.05 -f --pid=$w "$S/out/$id.out"
	wait $w
	rc=$?
	case $rc in
	124)
		: >"$S/cmd/$id.kill"
		echo "lab: timed out after $t s" >&2
		;;
	255)
		if lab_crashed "$S"; then
			echo "lab: Xen or Dom0 crashed (logs: $S/logs/serial.log)" >&2
		else
			echo "lab: the lab died (logs: $S/logs)" >&2
		fi
		;;
	*) rc=$(cat "$S/out/$id.rc" 2>/dev/null || echo 255) ;;
	esac
	rm -f "$S/cmd/$id.sh" "$S/out/$id.out" "$S/out/$id.rc"
	return "$rc"
}

check_dom() {
	case "$1" in
	dom0 | guest[1-9] | guest[1-9][0-9]) ;;
	*) die "DOM must be dom0 or guestN, not '$1'" ;;
	esac
}

# run_in DOM TIMEOUT SCRIPT
run_in() {
	local dom=$1 t=$2 script=$3 id f
	if [ "$dom" = dom0 ]; then
		dom0_exec "$t" "$script"
		return
	fi
	id=cmd.$$.$RANDOM
	f=$cur/xfer/$id
	printf '%s\n' "$script" >"$f"
	dom0_exec $((t + 30)) "exec lab-on -t $t $dom \"\$(</mnt/lab/xfer/$id)\""
	local rc=$?
	rm -f "$f"
	return $rc
}

cmd_images() {
	"$here/images.sh"
}

# qemu_cmd BOOT RUN : the QEMU command line, into the array QEMU.
qemu_cmd() {
	local boot=$1 run=$2 dom0mem=${LAB_DOM0_MEM:-1024} smp=${LAB_SMP:-2}
	# Dom0's own memory checkers (docs/lab.md): KFENCE sampling every
	# 10 ms, SLUB red zones, poisoning and sanity checks on the kmalloc
	# caches (where the backend's objects live).  QEMU splits -initrd at
	# commas: a comma of the command line is written ",,".
	local memcheck=${LAB_DOM0_MEMCHECK-kfence.sample_interval=10 slub_debug=FZP,,kmalloc-*}
	# shellcheck disable=SC2054 # commas belong to QEMU option values
	QEMU=(qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64,+svm,+npt,+rdrand
		-m "${LAB_MEM:-4096}" -smp "$smp" -nodefaults -display none
		-no-reboot -monitor none
		-chardev "file,id=ser0,path=$run/logs/serial.log" -serial chardev:ser0
		-kernel "$boot/xen"
		-append "console=com1 com1=115200,8n1 dom0_mem=${dom0mem}M,max:${dom0mem}M dom0_max_vcpus=$smp gnttab_max_frames=512 gnttab_max_maptrack_frames=2048 loglvl=all guest_loglvl=all console_timestamps=boot noreboot bootscrub=0"
		-initrd "$boot/vmlinuz console=hvc0 earlyprintk=xen mitigations=off $memcheck lab.role=dom0 lab.root=/dev/vda lab.rxe=${LAB_RXE:-ci0},$run/boot/initrd.img"
		-drive "file=$boot/rootfs.img,if=virtio,format=raw,readonly=on"
		-virtfs "local,path=$run,mount_tag=lab,security_model=none,id=lab"
		-device virtio-serial-pci
		-chardev "socket,id=shell,path=$(cat "$run/sockdir")/shell.sock,server=on,wait=off"
		-device virtserialport,chardev=shell,name=lab.shell
		-pidfile "$run/qemu.pid")
}

cmd_up() {
	local boot run t0 t1 n rc
	if [ -d "$cur" ] && qemu_alive "$cur"; then
		die "a lab is already up ($(readlink -f "$cur")); lab.sh down first"
	fi
	"$top/mk/apt-ensure.sh" qemu-system-x86 socat >&2 || die "host packages"
	boot=$("$here/images.sh") || die "image build failed"
	mkdir -p "$LAB_DIR/runs"
	run=$LAB_DIR/runs/$(date +%Y%m%d-%H%M%S)
	mkdir -p "$run"/{logs,state,cmd,out,xfer,boot}
	cp "$boot/initrd.img" "$run/boot/initrd.img"
	# QEMU's UNIX socket path must be under 108 bytes: not in the run
	# directory, whose path grows with the clone's (issue #12).
	mktemp -d "${TMPDIR:-/tmp}/xenib-lab.XXXXXX" >"$run/sockdir" || die "no socket directory"
	n=$(cat "$run/sockdir")/shell.sock
	[ ${#n} -lt 108 ] || die "$n: too long for a UNIX socket (108 bytes); set a shorter TMPDIR"
	ln -sfn "$run" "$cur"
	ln -sfn "runs/${run##*/}/logs" "$LAB_DIR/logs"
	prune_runs
	qemu_cmd "$boot" "$run"
	printf '%q ' "${QEMU[@]}" >"$run/qemu.cmd"
	echo >>"$run/qemu.cmd"
	t0=$(now)
	say "booting Xen + Dom0 (logs: $run/logs)"
	setsid "${QEMU[@]}" </dev/null >"$run/logs/qemu.log" 2>&1 &
	local launcher=$! i
	for i in $(seq 150); do
		[ -s "$run/qemu.pid" ] && break
		kill -0 $launcher 2>/dev/null || break
		sleep 0.1
	done
	local end=$(($(date +%s) + ${LAB_BOOT_TIMEOUT:-600}))
	while [ ! -e "$run/state/dom0-ready" ]; do
		if [ -e "$run/state/dom0-failed" ]; then
			say "Dom0 failed: $(cat "$run/state/dom0-failed")"
			fail_up "$run"
		fi
		qemu_alive "$run" || { say "QEMU exited during boot"; fail_up "$run"; }
		lab_crashed "$run" && { say "Xen or Dom0 crashed during boot"; fail_up "$run"; }
		if [ "$(date +%s)" -ge "$end" ]; then
			say "Dom0 not ready after ${LAB_BOOT_TIMEOUT:-600} s"
			fail_up "$run"
		fi
		sleep 0.5
	done
	t1=$(since "$t0")
	echo "dom0_ready_s=$t1" >"$run/state/timings"
	say "Dom0 ready in $t1 s"
	n=${LAB_GUESTS:-2}
	if [ "$n" -gt 0 ]; then
		t0=$(now)
		start_guests $(seq 1 "$n") || fail_up "$run"
		t1=$(since "$t0")
		echo "guests_up_s=$t1" >>"$run/state/timings"
		say "$n guest(s) up in $t1 s"
	fi
	cmd_deploy || say "WARNING: pushing the artifacts failed"
	echo "$n" >"$run/state/guests"
	say "up: $(cmd_status_line)"
}

start_guests() {
	local s="" n
	for n in "$@"; do
		s+="LAB_GUEST_TIMEOUT=${LAB_GUEST_TIMEOUT:-300} lab-guest-start $n ${LAB_GUEST_MEM:-512} ${LAB_GUEST_VCPUS:-1} & pids+=(\$!)
"
	done
	s+='rc=0; for p in "${pids[@]}"; do wait $p || rc=1; done; exit $rc'
	dom0_exec $((${LAB_GUEST_TIMEOUT:-300} + 60)) "$s"
}

cmd_guest() {
	need_up
	[[ "${1:-}" =~ ^[1-9][0-9]?$ ]] || die "usage: lab.sh guest N"
	start_guests "$1" && deploy_to "guest$1"
}

# A failed boot: keep the logs, stop QEMU (unless LAB_KEEP=1), fail.
fail_up() {
	local run=$1
	echo failed >"$run/state/result"
	if [ "${LAB_KEEP:-0}" = 1 ] && qemu_alive "$run"; then
		say "LAB_KEEP=1: leaving the lab up for debugging (lab.sh down)"
	else
		stop_qemu "$run"
	fi
	say "last lines of the serial log ($run/logs/serial.log):"
	tail -n 25 "$run/logs/serial.log" >&2
	exit 1
}

stop_qemu() {
	local run=$1 pid i
	pid=$(cat "$run/qemu.pid" 2>/dev/null) || return 0
	qemu_alive "$run" || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do
		qemu_alive "$run" || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# Keep the newest 5 runs and every failed run among the newest 20.
prune_runs() {
	local i=0 r
	for r in $(ls -1d "$LAB_DIR"/runs/* 2>/dev/null | sort -r); do
		i=$((i + 1))
		[ "$r" = "$(readlink -f "$cur")" ] && continue
		[ $i -le 5 ] && continue
		if [ $i -le 20 ] && [ "$(cat "$r/state/result" 2>/dev/null)" = failed ]; then
			continue
		fi
		drop_sockdir "$r"
		rm -rf "$r"
	done
}

# drop_sockdir RUN : removes RUN's socket directory (outside the run).
drop_sockdir() {
	local d
	d=$(cat "$1/sockdir" 2>/dev/null) || return 0
	case $d in */xenib-lab.*) rm -rf "$d" ;; esac
}

cmd_down() {
	local run t0
	[ -d "$cur" ] || { say "no lab"; return 0; }
	run=$(readlink -f "$cur")
	if ! qemu_alive "$run"; then
		drop_sockdir "$run"
		say "not up"
		return 0
	fi
	if lab_crashed "$run"; then
		say "Xen or Dom0 crashed: stopping QEMU (logs: $run/logs)"
		stop_qemu "$run"
		drop_sockdir "$run"
		echo crashed >"$run/state/down"
		return 1
	fi
	t0=$(now)
	: >"$run/cmd/shutdown"
	local end=$(($(date +%s) + ${LAB_DOWN_TIMEOUT:-120}))
	while qemu_alive "$run" && [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.5
	done
	if qemu_alive "$run"; then
		say "clean shutdown did not finish in ${LAB_DOWN_TIMEOUT:-120} s: killing QEMU"
		stop_qemu "$run"
		drop_sockdir "$run"
		echo killed >"$run/state/down"
		return 1
	fi
	drop_sockdir "$run"
	say "down in $(since "$t0") s (logs: $run/logs)"
}

# The test programs of tests/progs that go into every domain.
LAB_PROGS="xenib-stress xenib-integrity xenib-kicks xenib-verbs xenib-attack xenib-raw xenib-scribble
	xenib-mpi-coll.openmpi xenib-mpi-coll.mpich"
LAB_PROGS=$(echo $LAB_PROGS)

artifact() {
	local f
	for f in "$@"; do
		[ -f "$LAB_ARTIFACTS/$f" ] && { echo "$LAB_ARTIFACTS/$f"; return 0; }
	done
	return 1
}

# deploy_to DOM : push whatever of the build artifacts exists into DOM.
#   Dom0:   /opt/xenib/xen-ibback.ko, /usr/local/sbin/xenib
#   all:    the test programs (tests/progs) in /usr/local/bin
#   guests: /opt/xenib/xen-ibfront.ko, the provider in libibverbs' directory
#           and xenib.driver in /etc/libibverbs.d
# Everything pushed also lands in /opt/xenib/ with a MANIFEST (sha256 of the
# pushed, debug-stripped, copies).
deploy_to() {
	local dom=$1 id d f list=() script
	if [ "$dom" = dom0 ]; then
		f=$(artifact kmod-6.12/xen-ibback.ko) && list+=("$f")
		f=$(artifact tools/xenib) && list+=("$f")
	fi
	for f in $LAB_PROGS; do
		f=$(artifact "progs/$f") && list+=("$f")
	done
	if [ "$dom" != dom0 ]; then
		f=$(artifact kmod-6.12/xen-ibfront.ko) && list+=("$f")
		f=$(ls "$LAB_ARTIFACTS"/userlib/libxenib-rdmav*.so 2>/dev/null | head -n 1) &&
			[ -n "$f" ] && list+=("$f")
		f=$(artifact userlib/xenib.driver) && list+=("$f")
	fi
	if [ ${#list[@]} = 0 ]; then
		say "$dom: no artifacts to push (none built yet)"
		run_in "$dom" 60 'rm -rf /opt/xenib; mkdir -p /opt/xenib; : >/opt/xenib/MANIFEST' >/dev/null
		return
	fi
	id=deploy.$$.$RANDOM
	d=$cur/xfer/$id
	mkdir -p "$d/xenib"
	cp "${list[@]}" "$d/xenib/"
	# Debug info is most of a module's size (7 MB -> 0.2 MB) and slow to move
	# under TCG; decode traces with the unstripped .ko in build/.
	if command -v objcopy >/dev/null; then
		for f in "$d"/xenib/*.ko; do
			[ -f "$f" ] && objcopy --strip-debug "$f"
		done
	fi
	(cd "$d/xenib" && sha256sum -- * >MANIFEST)
	script='set -e
src=$1
rm -rf /opt/xenib
cp -a "$src" /opt/xenib
cd /opt/xenib
[ ! -f xenib ] || install -m 755 xenib /usr/local/sbin/xenib
for p in '"$LAB_PROGS"'; do [ ! -f $p ] || install -m 755 $p /usr/local/bin/$p; done
pd=$(dirname "$(ls /usr/lib/*/libibverbs/libmlx5-rdmav*.so | head -n 1)")
for so in libxenib-rdmav*.so; do [ ! -f "$so" ] || install -m 644 "$so" "$pd/$so"; done
[ ! -f xenib.driver ] || install -m 644 xenib.driver /etc/libibverbs.d/xenib.driver
awk "{ print \$2 }" MANIFEST | tr "\n" " "'
	if [ "$dom" = dom0 ]; then
		out=$(dom0_exec 120 "set -- /mnt/lab/xfer/$id/xenib
$script")
	else
		out=$(dom0_exec 180 "exec lab-on -t 120 -f /mnt/lab/xfer/$id/xenib $dom $(printf %q "set -- \"\$LAB_REQ/xenib\"
$script")")
	fi
	local rc=$?
	rm -rf "$d"
	[ $rc = 0 ] && say "$dom: pushed $out"
	return $rc
}

cmd_deploy() {
	need_up
	local rc=0 n p pids=()
	deploy_to dom0 &
	pids+=($!)
	for n in $(guest_list); do
		deploy_to "guest$n" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	return $rc
}

# The numbers of the guests that run now.
guest_list() {
	dom0_exec 30 "xl list | awk 'NR > 2 && \$1 ~ /^guest[0-9]+\$/ { sub(\"guest\", \"\", \$1); print \$1 }'" 2>/dev/null
}

cmd_run() {
	[ $# -ge 2 ] || die "usage: lab.sh run DOM CMD..."
	local dom=$1
	shift
	check_dom "$dom"
	need_up
	# One line per call, for the suite's count of them (smoke.sh).
	echo "$dom" >>"$cur/state/calls"
	run_in "$dom" "$LAB_TIMEOUT" "$*"
}

cmd_push() {
	[ $# = 3 ] || die "usage: lab.sh push DOM SRC DST"
	local dom=$1 src=$2 dst=$3 id d b q
	check_dom "$dom"
	need_up
	[ -e "$src" ] || die "no $src"
	id=push.$$.$RANDOM
	d=$cur/xfer/$id
	mkdir -p "$d"
	cp -a "$src" "$d/"
	b=$(basename "$src")
	case "$dst" in
	*/) q="mkdir -p $(printf %q "$dst") && cp -a \"\$src\" $(printf %q "$dst")" ;;
	*) q="mkdir -p \"\$(dirname $(printf %q "$dst"))\" && rm -rf $(printf %q "$dst") && cp -a \"\$src\" $(printf %q "$dst")" ;;
	esac
	if [ "$dom" = dom0 ]; then
		dom0_exec "$LAB_TIMEOUT" "src=/mnt/lab/xfer/$id/$b; $q"
	else
		dom0_exec $((LAB_TIMEOUT + 30)) "exec lab-on -t $LAB_TIMEOUT -f /mnt/lab/xfer/$id/$b $dom $(printf %q "src=\$LAB_REQ/$b; $q")"
	fi
	local rc=$?
	rm -rf "$d"
	return $rc
}

cmd_pull() {
	[ $# = 3 ] || die "usage: lab.sh pull DOM SRC DST"
	local dom=$1 src=$2 dst=$3 id d b rc qs
	check_dom "$dom"
	need_up
	id=pull.$$.$RANDOM
	d=$cur/xfer/$id
	mkdir -p "$d"
	qs=$(printf %q "$src")
	if [ "$dom" = dom0 ]; then
		dom0_exec "$LAB_TIMEOUT" "cp -a $qs /mnt/lab/xfer/$id/"
	else
		dom0_exec $((LAB_TIMEOUT + 30)) "set -o pipefail
lab-on -t $LAB_TIMEOUT $dom $(printf %q "tar -C \"\$(dirname $qs)\" -cf - \"\$(basename $qs)\" | base64") |
	base64 -d | tar -C /mnt/lab/xfer/$id -xf -"
	fi
	rc=$?
	b=$(basename "$src")
	if [ $rc = 0 ]; then
		if [ -d "$dst" ]; then
			cp -a "$d/$b" "$dst/" || rc=1
		else
			cp -a "$d/$b" "$dst" || rc=1
		fi
	fi
	rm -rf "$d"
	return $rc
}

cmd_shell() {
	local dom=${1:-dom0}
	check_dom "$dom"
	need_up
	local sock
	sock=$(cat "$cur/sockdir")/shell.sock
	if [ -t 0 ]; then
		echo "lab: shell in $dom; Ctrl-] leaves (exit first, then Ctrl-])" >&2
		dom0_exec 10 "setsid lab-shellgate $dom ${TERM:-vt100} </dev/null >/tmp/shellgate.log 2>&1 &" >/dev/null
		exec socat -,rawer,escape=0x1d "UNIX-CONNECT:$sock"
	else
		dom0_exec 10 "setsid lab-shellgate $dom dumb </dev/null >/tmp/shellgate.log 2>&1 &" >/dev/null
		exec socat - "UNIX-CONNECT:$sock"
	fi
}

cmd_status_line() {
	dom0_exec 30 'printf "%s domain(s) [%s]; rxe0 %s" "$(($(xl list | wc -l) - 1))" \
		"$(xl list | awk "NR > 1 { printf \"%s%s\", s, \$1; s = \" \" }")" \
		"$(cat /sys/class/infiniband/rxe0/ports/1/state 2>/dev/null || echo missing)"'
}

cmd_status() {
	if [ ! -d "$cur" ] || ! qemu_alive "$cur"; then
		echo "down${cur:+ (last run: $(readlink -f "$cur" 2>/dev/null))}"
		return 1
	fi
	local run
	run=$(readlink -f "$cur")
	if [ ! -e "$run/state/dom0-ready" ]; then
		echo "booting (run: $run)"
		return 1
	fi
	echo "up (run: $run, QEMU pid $(cat "$run/qemu.pid"))"
	[ -f "$run/state/timings" ] && tr '\n' ' ' <"$run/state/timings" && echo
	dom0_exec 30 'xl list; echo; rdma link show; echo; cat /opt/xenib/MANIFEST 2>/dev/null'
}

cmd=${1:-help}
shift || true
case "$cmd" in
images) cmd_images ;;
up) cmd_up ;;
down) cmd_down ;;
run) cmd_run "$@" ;;
push) cmd_push "$@" ;;
pull) cmd_pull "$@" ;;
deploy) cmd_deploy ;;
guest) cmd_guest "$@" ;;
shell) cmd_shell "$@" ;;
status) cmd_status ;;
logs) readlink -f "$cur" ;;
help | -h | --help) sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown command '$cmd' (lab.sh help)" ;;
esac
