#!/usr/bin/env bash
# Installs what is needed (Debian 12), builds, and runs the exporter against a throwaway local
# IMAP server seeded with sample DMARC report emails. Prints the metrics URL; Ctrl-C (or
# SIGTERM) stops everything it started.
# Usage: bash tests/run-demo.sh        (as root, or as a user with sudo)
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
source tests/deps.sh
dmarc_install_packages

export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

echo "== building ($BUILD_DIR)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" --target dmarc-demo dmarc-metrics-exporter
exec "$BUILD_DIR/tests/demo/dmarc-demo" "$BUILD_DIR/app/dmarc-metrics-exporter"
