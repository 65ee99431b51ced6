# Sourced by run-tests.sh and run-demo.sh: installs the Debian 12 packages the build, the tests
# and the demo need (apt-get update first; nothing is done when all are installed).

dmarc_packages=(
    g++ cmake ninja-build pkg-config
    qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-translations-l10n libqt6sql6-sqlite libqt6svg6
    libquazip1-qt6-dev prometheus-cpp-dev zlib1g-dev libcrypt-dev libpsl-dev publicsuffix libc-ares-dev
    dovecot-imapd openssl
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
        dmarc_as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends "${dmarc_packages[@]}" "$@"
    fi
}
