#!/bin/bash
# buildroot.sh : create, once, the Debian 13 (trixie) build root and print
# its path.  Everything that targets the trixie stack (the 6.12 modules, the
# libibverbs provider against rdma-core 56.1, the xenib tool, the lab's
# images) is built inside it.  It lives in $XENIB_CACHE, never in the tree,
# and is keyed by a hash of this recipe: change the recipe, get a new root.
#
#   base-trixie-<k>.tar   debootstrap --variant=minbase, shared with the lab
#   buildroot-<k>/        base + mk/buildroot-pkgs.txt
#   apt-archives/         downloaded .debs, shared by every chroot
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
cache=${XENIB_CACHE:-/var/cache/xenib}
suite=trixie
mkdir -p "$cache/apt-archives/partial"
export XENIB_APT_ARCHIVES=$cache/apt-archives

basekey=$(printf 'minbase %s v1\n' "$suite" | sha256sum | cut -c1-12)
base=$cache/base-$suite-$basekey.tar
key=$(cat "$here/buildroot.sh" "$here/buildroot-pkgs.txt" "$here/chroot-run.sh" |
	sha256sum | cut -c1-12)
root=$cache/buildroot-$key

exec 9>"$cache/.buildroot.lock"
flock 9

if [ -f "$root/.xenib-ready" ]; then
	echo "$root"
	exit 0
fi

"$here/apt-ensure.sh" debootstrap debian-archive-keyring >&2
mirror=$("$here/mirror.sh")

if [ ! -f "$base" ]; then
	echo "buildroot: debootstrap $suite (minbase) from the host's mirror" >&2
	tmp=$cache/base-tmp.$$
	rm -rf "$tmp"
	debootstrap --variant=minbase --cache-dir="$cache/apt-archives" \
		"$suite" "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
		tail -n 30 "$cache/debootstrap.log" >&2
		exit 1
	}
	rm -f "$tmp/var/cache/apt/archives/"*.deb
	tar -C "$tmp" -cf "$base.tmp" . && mv "$base.tmp" "$base"
	rm -rf "$tmp"
fi

echo "buildroot: unpacking base and installing $(grep -vc '^#' "$here/buildroot-pkgs.txt") packages" >&2
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$base"
# Keep the downloaded packages: the images are built from the same cache.
rm -f "$root/etc/apt/apt.conf.d/docker-clean"
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' \
	>"$root/etc/apt/apt.conf.d/10xenib-keep"
pkgs=$(grep -v '^#' "$here/buildroot-pkgs.txt" | tr '\n' ' ')
(cd / && "$here/chroot-run.sh" "$root" sh -c "apt-get update -qq &&
	apt-get install -y -qq --no-install-recommends $pkgs" \
	>"$cache/buildroot-install.log" 2>&1) || {
	tail -n 30 "$cache/buildroot-install.log" >&2
	exit 1
}
touch "$root/.xenib-ready"
# Older roots of other recipes are dead weight.
for old in "$cache"/buildroot-*; do
	[ "$old" = "$root" ] || [ ! -d "$old" ] || rm -rf "$old"
done
echo "$root"
