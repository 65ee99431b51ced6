#!/bin/bash
# Container health check without curl: GET /metrics over bash's /dev/tcp; healthy on HTTP 200.
# Usage: healthcheck.sh [HOST [PORT]]   (default 127.0.0.1 9797)
set -eu
# A server that hangs up makes a write fail (exit 1) instead of killing the check.
trap "" PIPE
host=${1:-127.0.0.1}
port=${2:-9797}
exec 3<>"/dev/tcp/$host/$port"
printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3
status=
IFS= read -r -t 5 status <&3 || true
# Read the rest, so that the exporter does not see its answer cut off.
while IFS= read -r -t 5 _ <&3; do :; done || true
case $status in
"HTTP/1."[01]" 200"*) exit 0 ;;
*)
    echo "unhealthy: ${status:-no answer}" >&2
    exit 1
    ;;
esac
