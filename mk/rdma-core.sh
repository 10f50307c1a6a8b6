#!/bin/bash
# rdma-core.sh : fetch, verify, unpack and configure rdma-core 56.1 (the
# trixie version) once, and print the path of the result.  libibverbs-dev
# ships no provider-private headers (infiniband/driver.h, kernel-abi/*.h,
# config.h with IBVERBS_PABI_VERSION); they come from the source of the same
# version, configured by cmake.  userlib builds against them:
#
#   make -C userlib RDMA_CORE=$(mk/rdma-core.sh)
#
# The printed path is $XENIB_CACHE/rdma-core-56.1-<key>, valid both on the
# host and inside the build root: the tree really lives at the same path
# inside the build root (so cmake runs there and `make -C userlib` in the
# build root finds it), and on the host that path is a symlink into it.  A
# new build root therefore gets a fresh, freshly configured tree.
#   src/     the unpacked orig tarball
#   build/   cmake -GNinja build dir: include/ (public + private headers),
#            include/kernel-abi/*.h, config.h (IBVERBS_PABI_VERSION)
#
# The orig tarball comes from the Debian mirror this host already uses
# (mk/mirror.sh), is cached in $XENIB_CACHE and must match the sha256 below.
# The Debian .dsc of 56.1-1 is missing from the archive, so the tarball is
# unpacked directly.  Idempotent: a finished tree has a .xenib-ready stamp.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
top=$(dirname "$here")
cache=${XENIB_CACHE:-/var/cache/xenib}
ver=56.1
sha256=63ce7f2baa7242c2dbc76375dac957c420187dd27f8c5e148efc07971ee522a8
tarball=rdma-core_$ver.orig.tar.gz

key=$(sha256sum "$here/rdma-core.sh" | cut -c1-8)
dir=$cache/rdma-core-$ver-$key

mkdir -p "$cache"
exec 8>"$cache/.rdma-core.lock"
flock 8

br=$("$here/buildroot.sh")
if [ "$(readlink "$dir" 2>/dev/null)" = "$br$dir" ] && [ -f "$dir/.xenib-ready" ]; then
	echo "$dir"
	exit 0
fi

tgz=$cache/$tarball
if [ ! -f "$tgz" ] || ! echo "$sha256  $tgz" | sha256sum -c --quiet - >/dev/null 2>&1; then
	mirror=$("$here/mirror.sh")
	url=${mirror%/}/pool/main/r/rdma-core/$tarball
	echo "rdma-core: downloading $url" >&2
	rm -f "$tgz.tmp"
	if command -v curl >/dev/null; then
		curl -fsSL -o "$tgz.tmp" "$url"
	else
		wget -q -O "$tgz.tmp" "$url"
	fi
	if ! echo "$sha256  $tgz.tmp" | sha256sum -c --quiet - >/dev/null 2>&1; then
		echo "rdma-core: sha256 mismatch for $url (want $sha256)" >&2
		rm -f "$tgz.tmp"
		exit 1
	fi
	mv "$tgz.tmp" "$tgz"
fi

echo "rdma-core: unpacking and configuring $ver in $br$dir" >&2
real=$br$dir
rm -rf "$real" "$dir"
mkdir -p "$real/src" "$real/build"
ln -s "$real" "$dir"
tar -C "$real/src" --strip-components=1 -xzf "$tgz"
[ -f "$real/src/CMakeLists.txt" ] || {
	echo "rdma-core: $tgz has no CMakeLists.txt" >&2
	exit 1
}

# cmake runs inside the trixie build root, with the compiler and libraries
# the provider is built with.  Only what a provider needs is built: the
# kernel ABI headers (include/ and config.h come from the configure step).
log=$real/configure.log
(cd "$top" && "$here/chroot-run.sh" "$br" sh -c "
	set -e
	cd '$dir/build'
	cmake -GNinja -DNO_PYVERBS=1 -DNO_MAN_PAGES=1 -DENABLE_RESOLVE_NEIGH=0 \
		-DCMAKE_BUILD_TYPE=Release ../src
	ninja kern-abi
" >"$log" 2>&1) || {
	tail -n 30 "$log" >&2
	exit 1
}

for f in build/include/config.h build/include/infiniband/driver.h \
	build/include/kernel-abi/ib_user_verbs.h; do
	[ -e "$dir/$f" ] || {
		echo "rdma-core: configure did not produce $f (see $log)" >&2
		exit 1
	}
done
touch "$dir/.xenib-ready"
# Older trees of other recipes are dead weight.
for old in "$cache"/rdma-core-*-*; do
	[ "$old" = "$dir" ] || [ ! -L "$old" ] || rm -rf "$(readlink "$old")" "$old"
done
echo "$dir"
