#!/bin/sh
# Print the Debian mirror this host's apt already uses, so that nothing in
# the tree names a host.  Override with XENIB_MIRROR.
if [ -n "${XENIB_MIRROR:-}" ]; then
	echo "$XENIB_MIRROR"
	exit 0
fi
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
done | head -n 1 | grep . && exit 0
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
done | head -n 1 | grep . && exit 0
echo "mirror.sh: no Debian mirror found in /etc/apt; set XENIB_MIRROR" >&2
exit 1
