#!/bin/sh
# Runs a program on a private X server that has a system tray (trayer as the XEmbed tray host).
# Usage: run-with-tray.sh PROGRAM [ARGS...]; exits with the program's exit code.
set -eu
XDG_RUNTIME_DIR="${TMPDIR:-/tmp}/runtime-$(id -u)"
export XDG_RUNTIME_DIR
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM
exec xvfb-run -a -s "-screen 0 1280x900x24" sh -c '
    trayer --edge bottom --align right --widthtype request --height 32 \
           --SetDockType true --transparent false --tint 0x404040 >/dev/null 2>&1 &
    tray=$!
    rc=0
    "$@" || rc=$?
    kill "$tray"
    exit "$rc"' sh "$@"
