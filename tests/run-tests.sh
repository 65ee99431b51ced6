#!/usr/bin/env bash
# Installs what the build and the tests need (Debian 12), builds, runs every test, and cleans up.
# Usage: bash tests/run-tests.sh        (as root, or as a user with sudo)
# Environment: BUILD_DIR (default: build), JOBS (default: number of cores).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

packages=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite libqt6svg6
    libquazip1-qt6-dev prometheus-cpp-dev zlib1g-dev
    dovecot-imapd openssl
    xvfb xauth trayer
)

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
fi

# Each integration test starts its own Dovecot in a process group under $TMPDIR/dmarc-dovecot-*;
# whatever a crashed test left behind is stopped here.
stop_leftovers() {
    local pidfile
    for pidfile in "${TMPDIR:-/tmp}"/dmarc-dovecot-*/run/master.pid; do
        [ -f "$pidfile" ] && kill -KILL -- "-$(cat "$pidfile")" 2>/dev/null || true
    done
}
trap stop_leftovers EXIT

export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

echo "== configuring ($BUILD_DIR)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== building"
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "== testing"
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j "$JOBS"
