#!/usr/bin/env bash
# Installs the .deb that check-package.sh built with apt-get, twice (the second time as a
# reinstall, which runs the maintainer scripts again), and checks the installed system: the
# program runs, the service account exists and alone can read the configuration, the unit
# verifies, and nothing was enabled or started.
#
# Usage: check-install.sh OUT_DIR PACKAGE_NAME VERSION     (as root)
# Exit status 77 (skipped) when not root or without apt-get.
set -euo pipefail

out=$1
package=$2
version=$3
config=/etc/dmarc-metrics-exporter.json
unit=/lib/systemd/system/dmarc-metrics-exporter.service
user=dmarc-metrics-exporter

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: installing the package needs root (run the tests as root to include this check)"
    exit 77
fi
command -v apt-get >/dev/null || {
    echo "SKIP: no apt-get"
    exit 77
}
deb=$(echo "$out/${package}_${version}"-*.deb)
[ -f "$deb" ] || fail "no package in $out (check-package.sh runs first)"

install_deb() {
    # --force-confold: an administrator's edited configuration is kept, without a prompt.
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$deb"
}

check_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$package")" = "install ok installed" ] \
        || fail "$package is not installed"
    local printed
    printed=$(/usr/bin/dmarc-metrics-exporter --version)
    [ "$printed" = "dmarc-metrics-exporter $version" ] || fail "--version printed: $printed"

    getent passwd "$user" >/dev/null || fail "no user $user"
    [ "$(getent passwd "$user" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "$user can log in"
    [ "$(stat -c '%U:%G %a' "$config")" = "root:$user 640" ] \
        || fail "$config is $(stat -c '%U:%G %a' "$config")"
    runuser -u "$user" -- test -r "$config" || fail "$user cannot read $config"
    [ "$(stat -c '%U:%G %a' /var/lib/dmarc-metrics-exporter)" = "$user:$user 700" ] \
        || fail "/var/lib/dmarc-metrics-exporter is $(stat -c '%U:%G %a' /var/lib/dmarc-metrics-exporter)"
    if runuser -u nobody -- test -r "$config"; then fail "others can read $config"; fi

    "$(dirname "$0")/verify-unit.sh" "$unit"

    # Installing neither enables nor starts the service: the sample configuration has no real
    # IMAP account, and CI must keep port 9797 free.
    [ ! -e /etc/systemd/system/multi-user.target.wants/dmarc-metrics-exporter.service ] \
        || fail "the service was enabled"
    if pgrep -f '^/usr/bin/dmarc-metrics-exporter' >/dev/null; then fail "the service was started"; fi
}

# --reinstall each time: the maintainer scripts run even when this version is installed already,
# and the second run shows that they can run again.
install_deb --reinstall
check_installed
install_deb --reinstall
check_installed
echo "PASS: $package $version installs and reinstalls"
