#!/usr/bin/env bash
# systemd-analyze verify for one unit file, tolerating only what a machine without a running
# systemd (a container) cannot provide: the default dependencies such as sysinit.target.
# Usage: verify-unit.sh UNIT_FILE [--man=no]
#   The man pages named in Documentation= are looked up unless --man=no or man is missing.
set -euo pipefail
verify=(systemd-analyze verify "${@:2}")
command -v man >/dev/null || verify+=(--man=no)
output=$("${verify[@]}" "$1" 2>&1 || true)
if grep -v 'Unit sysinit.target not found' <<<"$output" | grep -q .; then
    echo "$output" >&2
    echo "FAIL: systemd-analyze verify $1" >&2
    exit 1
fi
