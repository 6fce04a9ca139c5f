#!/bin/sh
# Install the Debian packages named in $DEBS when missing (as root), or say exactly what to run.
set -eu
missing=""
for pkg in $DEBS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
  echo "Missing system packages:$missing" >&2
  echo "Install them with:  sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
