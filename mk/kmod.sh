#!/bin/bash
# kmod.sh KVER [MAKE-ARGS...] : build xen-ibfront.ko and xen-ibback.ko.
#
#   KVER=6.12  against trixie's headers, inside the build root (the target)
#   KVER=6.1   against bookworm's headers, on the host (compile-only target)
#
# Kbuild writes objects beside the sources, so each kernel gets its own copy
# of the module sources under build/kmod-KVER/ (files are copied only when
# they changed, so rebuilds stay incremental).  Output: build/kmod-KVER/*.ko
# and build/kmod-KVER/build.log.  With XENIB_WERROR=1 any compiler or sparse
# warning fails the build.
set -euo pipefail
kver=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd -P)
out=$top/build/kmod-$kver
cd "$top"

case "$kver" in
6.12)
	br=$(mk/buildroot.sh)
	hdr=$(cd "$br" && ls -d usr/src/linux-headers-6.12*-amd64 | tail -n 1)
	run() { mk/chroot-run.sh "$br" "$@"; }
	[ -n "$hdr" ] || { echo "kmod: no 6.12 headers in $br" >&2; exit 1; }
	hdr=/$hdr
	;;
6.1)
	mk/apt-ensure.sh linux-headers-amd64 build-essential sparse >&2
	hdr=$(ls -d /usr/src/linux-headers-6.1*-amd64 | tail -n 1)
	run() { "$@"; }
	;;
*)
	echo "kmod: KVER must be 6.12 (trixie) or 6.1 (bookworm), not '$kver'" >&2
	exit 2
	;;
esac

mkdir -p "$out"
# Mirror the module sources (Kbuild, frontend/, backend/, kernel/).
find Kbuild frontend backend kernel -type f \( -name '*.[ch]' -o -name Kbuild \) |
while read -r f; do
	mkdir -p "$out/$(dirname "$f")"
	cmp -s "$f" "$out/$f" || cp "$f" "$out/$f"
done
# Drop sources that no longer exist in the tree.
(cd "$out" && find Kbuild frontend backend kernel -type f \( -name '*.[ch]' -o -name Kbuild \) 2>/dev/null) |
while read -r f; do
	[ -e "$f" ] || rm -f "$out/$f" "$out/${f%.c}.o"
done

set +e
run make -j"$(nproc)" -C "$hdr" M="$out" W=1 "$@" modules 2>&1 | tee "$out/build.log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || exit "$rc"
if [ "${XENIB_WERROR:-0}" = 1 ] && grep -E 'warning:|error:' "$out/build.log" >/dev/null; then
	echo "kmod: warnings in the $kver build (see $out/build.log)" >&2
	exit 1
fi
