#!/bin/sh
# apt-ensure.sh PKG... : install the Debian packages that are missing, and
# nothing else.  Idempotent; runs `apt-get update` at most once, and only
# when something has to be installed.
set -eu
missing=
for p in "$@"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "apt-ensure: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
