#!/bin/bash
# checkpatch.sh FILE... : run the kernel's checkpatch.pl --strict on files.
# checkpatch.pl and its data files come from Debian's linux-source-6.1 and
# are unpacked once into $XENIB_CACHE/checkpatch-6.1/.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
cache=${XENIB_CACHE:-/var/cache/xenib}
cp=$cache/checkpatch-6.1
if [ ! -x "$cp/scripts/checkpatch.pl" ]; then
	"$here/apt-ensure.sh" linux-source-6.1 perl >&2
	mkdir -p "$cp.tmp"
	tar -C "$cp.tmp" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	rm -rf "$cp" && mv "$cp.tmp" "$cp"
fi
exec perl "$cp/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types -f "$@"
