#!/usr/bin/env bash
# The packaged program as a person first meets it. The .deb is installed; an unprivileged user
# starts the program the way the menu entry does (no arguments) on a private X server with a
# tray host. They may not read the system's configuration, so the setup of their own opens
# (screenshot setup.png). It is completed by keyboard against a local Dovecot holding sample
# reports, after which the dashboard opens and fills (screenshot setup-dashboard.png), and the
# configuration is the person's own, with the store and a free metrics port.
#
# Usage: check-desktop-setup.sh OUT_DIR PACKAGE_NAME VERSION DEMO_BINARY SCREENSHOT_DIR  (as root)
# Exit status 77 (skipped) when not root, or without apt-get, xvfb-run, trayer, xdotool or
# ImageMagick's import.
set -euo pipefail

out=$1
package=$2
version=$3
demo=$4
shots=$5
user=dmarc-desktop-check

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: installing the package and adding a user need root"
    exit 77
fi
for tool in apt-get xvfb-run trayer xdotool import runuser useradd; do
    command -v "$tool" >/dev/null || {
        echo "SKIP: no $tool"
        exit 77
    }
done
deb=$(echo "$out/${package}_${version}"-*.deb)
[ -f "$deb" ] || fail "no package in $out (check-package.sh runs first)"
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --reinstall \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$deb" >/dev/null

work=$(mktemp -d)
home=$work/home
imap_pid=
cleanup() {
    [ -z "$imap_pid" ] || kill "$imap_pid" 2>/dev/null || true
    userdel "$user" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
userdel "$user" 2>/dev/null || true
useradd --no-create-home --home-dir "$home" --shell /bin/sh "$user"
mkdir -p "$home"
chown "$user:" "$home"
chmod 755 "$work"

# The IMAP server with sample reports; its first line says where it is.
mkfifo "$work/imap"
"$demo" --imap-only >"$work/imap" 2>"$work/imap.log" &
imap_pid=$!
read -r imap_host imap_port imap_user imap_password <"$work/imap" \
    || fail "the IMAP server did not start: $(cat "$work/imap.log")"

runuser -u "$user" -- test ! -r /etc/dmarc-metrics-exporter.json \
    || fail "$user may read the system's configuration; the check needs a person who may not"

# The session, as the user: the program started as the menu starts it, the assistant filled
# in by keyboard, the dashboard awaited.
cat >"$work/session.sh" <<'EOF'
set -eu
work=$1 imap_host=$2 imap_port=$3 imap_user=$4 imap_password=$5
trayer --edge bottom --align right --widthtype request --height 32 --SetDockType true \
    --transparent false --tint 0x404040 >/dev/null 2>&1 &
tray=$!
dmarc-metrics-exporter 2>"$work/exporter.log" &
app=$!
stop() { kill "$app" "$tray" 2>/dev/null || true; }
trap stop EXIT
setup=$(timeout 60 xdotool search --sync --onlyvisible --name '^Welcome to the DMARC metrics exporter$' | head -n1)
xdotool windowfocus --sync "$setup"
import -window root "$work/setup.png"
# The cursor starts in the server field; the others are reached by their Alt+letter.
xdotool type --delay 20 "$imap_host"
xdotool key alt+p ctrl+a && xdotool type --delay 20 "$imap_port"
# Security: "None (unencrypted)".
xdotool key alt+e && xdotool type N
xdotool key alt+u && xdotool type --delay 20 "$imap_user"
xdotool key alt+w && xdotool type --delay 20 "$imap_password"
xdotool key Return
dashboard=$(timeout 60 xdotool search --sync --onlyvisible --name '^DMARC dashboard$' | head -n1)
[ -n "$dashboard" ]
# The sample reports are counted, then moved: the dashboard has refreshed by then.
deadline=$((SECONDS + 90))
until grep -q 'Emails moved' "$work/exporter.log"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no reports counted" >&2; exit 1; }
    sleep 0.2
done
xdotool windowfocus --sync "$dashboard"
import -window root "$work/setup-dashboard.png"
kill -0 "$app"
EOF
chmod 644 "$work/session.sh"
# What the session writes: the program's log and the screenshots.
mkdir "$work/out"
chown "$user:" "$work/out"
# shellcheck disable=SC2016 # the inner shell expands them
runuser -u "$user" -- env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
    XDG_RUNTIME_DIR="$home/run" \
    sh -c 'mkdir -p -m 700 "$XDG_RUNTIME_DIR" && exec xvfb-run -a -s "-screen 0 1280x900x24" bash "$@"' \
    sh "$work/session.sh" "$work/out" "$imap_host" "$imap_port" "$imap_user" "$imap_password" \
    || {
        cat "$work/out/exporter.log" >&2 || true
        fail "the setup did not lead to a filled dashboard"
    }

# The person's own configuration: private, with their store, and the reports counted there.
config=$home/.config/dmarc-metrics-exporter/config.json
[ "$(stat -c '%U %a' "$config")" = "$user 600" ] || fail "$config is $(stat -c '%U %a' "$config")"
grep -q "\"storage_path\": \"$home/.local/share/dmarc-metrics-exporter\"" "$config" \
    || fail "the store is not in the person's data folder: $(cat "$config")"
grep -q '/etc/dmarc-metrics-exporter.json: Permission denied' "$work/out/exporter.log" \
    || fail "the reason was not said: $(cat "$work/out/exporter.log")"

mkdir -p "$shots"
cp "$work/out/setup.png" "$work/out/setup-dashboard.png" "$shots/"
echo "PASS: the packaged program sets itself up for a person; screenshots in $shots"
