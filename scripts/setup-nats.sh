#!/usr/bin/env bash
# Fetches the nats-server the tests run (Debian 13's package, 2.10.x: it has sync_interval,
# which production sets) into .data/bin/nats-server, without touching the machine's own apt
# sources or package database. Safe to run again; instant once the binary is there. When the
# download fails, the tests fall back to the system's nats-server (Debian 12: 2.9.10).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.data/bin/nats-server"
apt_dir="$root/.data/apt"
mirror="${NATS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite="${NATS_DEBIAN_SUITE:-trixie}"

if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "nats-server for tests: $("$bin" --version) ($bin)"
  exit 0
fi

fallback() {
  echo "WARNING: could not fetch nats-server from Debian $suite ($1);" \
    "tests will use the system's $(nats_version_of_system)" >&2
  exit 0
}
nats_version_of_system() {
  local system
  system="$(command -v nats-server || echo /usr/sbin/nats-server)"
  "$system" --version 2>/dev/null || echo "nats-server (none found)"
}

mkdir -p "$apt_dir/etc" "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
  >"$apt_dir/etc/sources.list"
touch "$apt_dir/state/status"
# A private sources list, state and cache: apt sees only this one suite, and the machine's
# package lists and installed-package database stay as they were.
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State=$apt_dir/state"
  -o "Dir::State::status=$apt_dir/state/status"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=$(id -un)"
)

echo "fetching nats-server from Debian $suite ($mirror)"
apt-get "${apt_opts[@]}" -qq update || fallback "apt-get update failed"
rm -f "$apt_dir/debs"/nats-server_*.deb
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -qq download nats-server) || fallback "apt-get download failed"
deb="$(ls "$apt_dir/debs"/nats-server_*.deb 2>/dev/null | head -n1 || true)"
[ -n "$deb" ] || fallback "no package downloaded"

# Not .data/nats: that is the local stack's JetStream store (scripts/up.ts).
rm -rf "$apt_dir/root"
dpkg-deb -x "$deb" "$apt_dir/root" || fallback "dpkg-deb -x failed"
mkdir -p "$root/.data/bin"
cp "$apt_dir/root/usr/sbin/nats-server" "$bin.tmp"
if ! "$bin.tmp" --version >/dev/null 2>&1; then
  rm -f "$bin.tmp"
  fallback "the downloaded binary does not run here"
fi
mv "$bin.tmp" "$bin"
echo "nats-server for tests: $("$bin" --version) ($bin, from $(basename "$deb"))"
