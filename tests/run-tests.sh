#!/usr/bin/env bash
# Installs what the build and the tests need (Debian 12), builds, runs every test, and cleans up.
# Usage: bash tests/run-tests.sh        (as root, or as a user with sudo)
# Environment: BUILD_DIR (default: build), JOBS (default: number of cores).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

source tests/deps.sh
dmarc_install_packages

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
