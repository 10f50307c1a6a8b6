#!/bin/sh
# chroot-run.sh ROOT CMD... : run CMD inside the chroot ROOT, with /proc,
# /dev and this source tree bind-mounted at the same path it has on the host,
# in a private mount namespace so nothing stays mounted afterwards.  Run
# from / to bind nothing.
set -eu
root=$1
shift
src=$(pwd -P)
exec unshare -m sh -c '
	set -e
	root=$1; src=$2; shift 2
	mount --make-rprivate /
	mkdir -p "$root/proc" "$root/dev" "$root$src"
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	[ "$src" = / ] || mount --bind "$src" "$root$src"
	if [ -n "${XENIB_APT_ARCHIVES:-}" ]; then
		mkdir -p "$XENIB_APT_ARCHIVES/partial" "$root/var/cache/apt/archives"
		mount --bind "$XENIB_APT_ARCHIVES" "$root/var/cache/apt/archives"
	fi
	cd "$root$src"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		sh -c "cd \"$src\" && exec \"\$@\"" sh "$@"
' sh "$root" "$src" "$@"
