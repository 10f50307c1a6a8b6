#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# images.sh : build (once) the lab's boot files and print the directory that
# holds them.  Everything comes from Debian trixie packages; nothing is
# written into the tree.
#
# Two layers, each cached under $XENIB_CACHE/lab/ and keyed by a hash of its
# recipe, so that editing the lab's scripts never reinstalls packages:
#
#   rootfs-<k>/   the heavy layer (minutes, cold): the trixie minbase tarball
#                 of the build root + tests/lab/packages.txt, as
#       rootfs.img   ext4, read-only everywhere (Dom0 and guests overlay a
#                    tmpfs on it)
#       xen          the hypervisor, gunzipped (QEMU's multiboot loader)
#       vmlinuz      the 6.12 kernel of Dom0 and of every guest
#       modules.cpio the few modules the initramfs needs, uncompressed, and a
#                    static busybox
#   boot-<k>/     the light layer (a second): initrd.img = modules.cpio + the
#                 lab's own scripts (tests/lab/files/)
#
# Output (stdout): the boot-<k> directory; it holds links to the rootfs
# layer's files, so it is all `lab.sh up` needs.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
top=$(cd "$here/../.." && pwd -P)
cache=${XENIB_CACHE:-/var/cache/xenib}
labc=$cache/lab
log() { echo "lab-images: $*" >&2; }

mkdir -p "$labc"
exec 9>"$labc/.images.lock"
flock 9

br=$("$top/mk/buildroot.sh")
kabi=$(cd "$br/usr/src" && ls -d linux-headers-6.12*-amd64 | sed 's/^linux-headers-//' | sort -V | tail -n 1)
[ -n "$kabi" ] || { log "no 6.12 headers in the build root $br"; exit 1; }
base=$(ls "$cache"/base-trixie-*.tar 2>/dev/null | head -n 1)
[ -n "$base" ] || { log "no base-trixie-*.tar in $cache (mk/buildroot.sh makes it)"; exit 1; }

# Modules the initramfs loads (dependencies are added), in this order.
INITRD_MODULES="virtio_pci virtio_blk xen-blkfront ext4 overlay"

# The heavy layer.  Everything that shapes it is in this function, the
# package list and the inputs named in its key.
build_rootfs() {
	local out=$1 tmp=$1.tmp mirror pkgs
	mirror=$("$top/mk/mirror.sh")
	pkgs=$(grep -v '^#' "$here/packages.txt" | sed "s/@KABI@/$kabi/" | tr '\n' ' ')
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	log "unpacking $(basename "$base")"
	tar -C "$tmp/root" -xf "$base"
	log "installing $(echo "$pkgs" | wc -w) packages (log: $tmp/install.log)"
	(cd / && XENIB_APT_ARCHIVES=$cache/apt-archives \
		"$top/mk/chroot-run.sh" "$tmp/root" sh -c '
		set -e
		rm -f /etc/apt/sources.list.d/*
		echo "deb $1 trixie main" >/etc/apt/sources.list
		rm -f /etc/apt/apt.conf.d/docker-clean
		echo "Binary::apt::APT::Keep-Downloaded-Packages \"true\";" \
			>/etc/apt/apt.conf.d/10lab-keep
		cat >/etc/dpkg/dpkg.cfg.d/10lab <<-EOF
		force-unsafe-io
		path-exclude=/usr/share/doc/*
		path-exclude=/usr/share/man/*
		path-exclude=/usr/share/info/*
		path-exclude=/usr/share/locale/*
		path-exclude=/usr/share/lintian/*
		EOF
		printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		# The lab boots its own small initramfs: never build Debian s.
		dpkg-divert --quiet --local --rename \
			--divert /usr/sbin/update-initramfs.lab --add /usr/sbin/update-initramfs
		ln -sf /bin/true /usr/sbin/update-initramfs
		apt-get update -qq
		shift
		apt-get install -y -q --no-install-recommends "$@"
		rm -f /etc/apt/apt.conf.d/10lab-keep
		rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man
		echo lab >/etc/hostname
		: >/etc/fstab
		passwd -d root >/dev/null
		# ssh between the lab domains, as MPI launchers use it: one host
		# key set and one root key pair, shared by every domain of
		# this image (a lab, not a deployment).
		ssh-keygen -A >/dev/null
		mkdir -m 700 -p /root/.ssh
		ssh-keygen -q -t ed25519 -N "" -C lab -f /root/.ssh/id_ed25519
		cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys
		printf "Host *\n\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n\tLogLevel ERROR\n" \
			>/etc/ssh/ssh_config.d/10lab.conf
		printf "UseDNS no\nPermitRootLogin prohibit-password\n" \
			>/etc/ssh/sshd_config.d/10lab.conf
		' sh "$mirror" $pkgs) >"$tmp/install.log" 2>&1 || {
		tail -n 30 "$tmp/install.log" >&2
		log "package installation failed (log: $tmp/install.log)"
		return 1
	}
	local r=$tmp/root
	[ -d "$r/lib/modules/$kabi" ] || { log "kernel $kabi missing in the image"; return 1; }
	log "extracting xen, vmlinuz and the initramfs modules"
	gunzip -c "$(ls "$r"/boot/xen-4.20*.gz | head -n 1)" >"$tmp/xen"
	cp "$r/boot/vmlinuz-$kabi" "$tmp/vmlinuz"
	# Uncompressed modules in load order, and a static busybox.
	local ird=$tmp/initrd m f
	mkdir -p "$ird/lib/modules" "$ird/bin"
	cp "$r/usr/bin/busybox" "$ird/bin/busybox"
	: >"$ird/lib/modules/order"
	for m in $INITRD_MODULES; do
		(cd / && "$top/mk/chroot-run.sh" "$r" modprobe -S "$kabi" --show-depends "$m") |
			awk '$1 == "insmod" { print $2 }'
	done | while read -r f; do
		n=$(basename "$f" | sed 's/\.ko.*//')
		grep -qx "$n" "$ird/lib/modules/order" && continue
		case "$f" in
		*.xz) xz -dc "$r$f" >"$ird/lib/modules/$n.ko" ;;
		*.zst) zstd -qdc "$r$f" >"$ird/lib/modules/$n.ko" ;;
		*) cp "$r$f" "$ird/lib/modules/$n.ko" ;;
		esac
		echo "$n" >>"$ird/lib/modules/order"
	done
	log "initramfs modules: $(tr '\n' ' ' <"$ird/lib/modules/order")"
	(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$tmp/modules.cpio"
	# ext4 without a journal: nobody ever writes it.
	local kb
	kb=$(du -sk "$r" | cut -f1)
	kb=$((kb + kb / 5 + 65536))
	log "mkfs.ext4 -d ($((kb / 1024)) MiB)"
	rm -f "$tmp/rootfs.img"
	mkfs.ext4 -q -F -L xenib-lab -O ^has_journal -m 0 -N 120000 -E root_owner=0:0 \
		-d "$r" "$tmp/rootfs.img" "${kb}K" >&2
	echo "$kabi" >"$tmp/kabi"
	rm -rf "$r" "$ird"
	rm -rf "$out"
	mv "$tmp" "$out"
	touch "$out/.ready"
}

rkey=$( { declare -f build_rootfs; cat "$here/packages.txt"; echo "$kabi $base $INITRD_MODULES"; } |
	sha256sum | cut -c1-12)
rdir=$labc/rootfs-$rkey
if [ ! -f "$rdir/.ready" ]; then
	"$top/mk/apt-ensure.sh" e2fsprogs cpio xz-utils zstd >&2
	t0=$(date +%s)
	build_rootfs "$rdir"
	log "rootfs layer built in $(($(date +%s) - t0)) s: $rdir"
	for old in "$labc"/rootfs-*; do
		[ "$old" = "$rdir" ] || [ "$old" = "$rdir.tmp" ] || rm -rf "$old"
	done
fi

# The light layer: the lab's scripts, appended to the modules as a second
# cpio archive (the kernel unpacks concatenated archives).
bkey=$( { echo "$rkey"; cd "$here/files" && find . -type f | LC_ALL=C sort | xargs cat; \
	find . | LC_ALL=C sort; } | sha256sum | cut -c1-12)
bdir=$labc/boot-$bkey
if [ ! -f "$bdir/.ready" ]; then
	rm -rf "$bdir.tmp"
	mkdir -p "$bdir.tmp/files"
	cp -a "$here/files/." "$bdir.tmp/files/"
	chmod -R go-w "$bdir.tmp/files"
	(cd "$bdir.tmp/files" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$bdir.tmp/files.cpio"
	cat "$rdir/modules.cpio" "$bdir.tmp/files.cpio" >"$bdir.tmp/initrd.img"
	rm -rf "$bdir.tmp/files" "$bdir.tmp/files.cpio"
	for f in rootfs.img xen vmlinuz kabi; do ln -s "$rdir/$f" "$bdir.tmp/$f"; done
	rm -rf "$bdir"
	mv "$bdir.tmp" "$bdir"
	touch "$bdir/.ready"
	for old in "$labc"/boot-*; do
		[ "$old" = "$bdir" ] || rm -rf "$old"
	done
fi
echo "$bdir"
