# Sourced by run-tests.sh and run-demo.sh: installs the Debian 12 packages the build, the tests
# and the demo need (apt-get update first; nothing is done when all are installed).

dmarc_packages=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-translations-l10n libqt6sql6-sqlite libqt6svg6
    libquazip1-qt6-dev prometheus-cpp-dev zlib1g-dev libcrypt-dev libpsl-dev publicsuffix libc-ares-dev
    libsqlite3-dev
    dovecot-imapd openssl
    postgresql-15 libqt6sql6-psql
    xvfb xauth trayer xdotool imagemagick
    dpkg-dev file lintian appstream desktop-file-utils systemd prometheus python3 python3-yaml
    shellcheck
    ansible-core
)

dmarc_as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

dmarc_install_packages() {
    local missing=() p
    for p in "${dmarc_packages[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing: ${missing[*]}"
        dmarc_as_root apt-get update
        dmarc_apt_install "${dmarc_packages[@]}" "$@"
    fi
}

# postgresql-15 creates a cluster "main" when it is installed and starts it on port 5432. The
# tests run their own servers on free ports (tests/support/postgresserver.*) and use none of it,
# so the installation may not start it: for its duration a policy-rc.d refuses the postgresql
# services (only when the system has no policy-rc.d of its own, which then decides).
dmarc_apt_install() {
    local policy=/usr/sbin/policy-rc.d
    if [ -e "$policy" ]; then
        dmarc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
        return
    fi
    (
        trap 'dmarc_as_root rm -f "$policy"' EXIT
        dmarc_as_root install -m 755 /dev/stdin "$policy" <<'EOF'
#!/bin/sh
# dmarc-metrics-exporter's tests/deps.sh, for one apt-get install: PostgreSQL's cluster stays off.
for argument; do case "$argument" in postgresql*) exit 101 ;; esac; done
exit 0
EOF
        dmarc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
    )
}
