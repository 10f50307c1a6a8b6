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
# --no-tree cannot see the kernel headers that define enum xenbus_state, so
# checkpatch flags the kernel's own XenbusState* names (and C11's
# _Static_assert, needed where the uapi headers build in user space) as
# CamelCase: drop exactly those reports.  Likewise MACRO_ARG_REUSE where the
# argument is a member designator passed to offsetof() and sizeof() (table
# rows of validate.c), which has no side effects to repeat.  Everything else
# is kept.  Run from a scratch directory
# so checkpatch's CamelCase cache files stay out of the tree.
files=()
for f in "$@"; do files+=("$(readlink -f "$f")"); done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
out=$(cd "$scratch" && perl "$cp/scripts/checkpatch.pl" --strict --no-tree --quiet \
	--show-types --no-summary -f "${files[@]}" 2>"$scratch/err" |
	awk -v RS= -v ORS='\n\n' '
		/^CHECK:CAMELCASE: Avoid CamelCase: <(Xenbus|_Static_assert)/ { next }
		/^CHECK:MACRO_ARG_REUSE:/ && /offsetof\(/ { next }
		{ print }' || true)
# Without a tree, checkpatch's CamelCase seeding complains about $root.
out=$out$(grep -v -e 'uninitialized value $root' -e "find: .*/include" "$scratch/err" || true)
if [ -n "$(printf '%s' "$out" | tr -d '[:space:]')" ]; then
	printf '%s\n' "$out"
	exit 1
fi
exit 0
