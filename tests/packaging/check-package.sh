#!/usr/bin/env bash
# Builds the .deb and .tar.gz of a configured and built tree with CPack and checks what they
# ship: Debian metadata and dependencies, lintian, the desktop entry and AppStream metainfo,
# the systemd unit (syntax and exposure score), the versions in changelog and metainfo.
#
# Usage: check-package.sh BUILD_DIR OUT_DIR PACKAGE_NAME VERSION
#   BUILD_DIR     a built tree (cmake --build); the package name follows its BUILD_GUI
#   OUT_DIR       emptied, then receives the packages and an unpacked copy in OUT_DIR/root
# Exit status 77 (skipped) when BUILD_DIR has not been built.
set -euo pipefail

build=$1
out=$2
package=$3
version=$4
# systemd-analyze security: exposure 0.0 (locked down) .. 10.0 (exposed), --threshold counts in
# tenths. The unit scores 1.1.
max_exposure=20

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

if [ ! -x "$build/app/dmarc-metrics-exporter" ] || [ ! -f "$build/CPackConfig.cmake" ]; then
    echo "SKIP: $build is not a built tree"
    exit 77
fi

rm -rf "$out"
mkdir -p "$out"
# cpack installs but does not build; a tree built only for its binary lacks the compressed
# man page and changelog.
cmake --build "$build" --target dmarc_installer_files >"$out/build.log" 2>&1 || {
    cat "$out/build.log" >&2
    fail "building the installer files"
}
(cd "$build" && cpack -G "DEB;TGZ" -B "$out") >"$out/cpack.log" 2>&1 || {
    cat "$out/cpack.log" >&2
    fail "cpack"
}
deb=$(echo "$out/${package}_${version}"-*.deb)
tgz=$out/$package-$version-linux-$(uname -m).tar.gz
[ -f "$deb" ] || fail "no $package .deb in $out: $(ls "$out")"
[ -f "$tgz" ] || fail "no $tgz"
echo "built: $(basename "$deb") $(basename "$tgz")"

field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = "$package" ] || fail "Package: $(field Package)"
depends=$(field Depends)
echo "Depends: $depends"

root=$out/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$out/control"
grep -qx /etc/dmarc-metrics-exporter.json "$out/control/conffiles" \
    || fail "the configuration is not a conffile"

# Every library the binary links must come from a package in Depends (dpkg-shlibdeps ran),
# and the headless package must not pull in Qt GUI or Qt Widgets.
binary=$root/usr/bin/dmarc-metrics-exporter
needed=$(objdump -p "$binary" | awk '/NEEDED/ { print $2 }')
# Package names in Depends, one a line, versions dropped, alternatives split.
depends_names=$(awk -v RS='[,|]' '{ sub(/\(.*\)/, ""); gsub(/[ \n]/, ""); if ($0 != "") print }' <<<"$depends")
owner_of() {
    # dpkg may record the /usr/lib or the /lib spelling of a path on a merged-/usr system.
    local path=$1 candidate
    for candidate in "$path" "/usr${path#/usr}" "${path#/usr}"; do
        dpkg-query -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1 && return 0
    done
    return 1
}
for lib in $needed; do
    # "libfoo.so.1 => /path (addr)", or "/lib64/ld-linux-x86-64.so.2 (addr)" for the loader.
    path=$(ldd "$binary" | awk -v lib="$lib" '$1 == lib { print $3 } $1 ~ ("/" lib "$") { print $1 }')
    [ -n "$path" ] || fail "$lib is not found by ldd"
    owner=$(owner_of "$(realpath "$path")") || owner=$(owner_of "$path") \
        || fail "no installed package owns $path"
    grep -qxF "$owner" <<<"$depends_names" || fail "$lib ($owner) is linked but not in Depends"
done
if [ "$package" = dmarc-metrics-exporter-headless ]; then
    if grep -qiE 'libqt6(gui|widgets)' <<<"$depends $needed"; then
        fail "the headless package depends on Qt GUI or Qt Widgets"
    fi
fi
# The desktop's dialogs use Qt's own words (Save, Cancel), translated by Qt's catalogues.
recommends=$(field Recommends)
echo "Recommends: $recommends"
if [ "$package" = dmarc-metrics-exporter ]; then
    grep -qw qt6-translations-l10n <<<"$recommends" \
        || fail "the desktop package does not recommend qt6-translations-l10n"
elif grep -qw qt6-translations-l10n <<<"$recommends"; then
    fail "the headless package recommends Qt's translations"
fi
file "$binary" | grep -q 'not stripped' && fail "the binary is not stripped"

expected_files=(
    usr/bin/dmarc-metrics-exporter
    etc/dmarc-metrics-exporter.json
    lib/systemd/system/dmarc-metrics-exporter.service
    usr/share/man/man1/dmarc-metrics-exporter.1.gz
    "usr/share/doc/$package/copyright"
    "usr/share/doc/$package/changelog.Debian.gz"
    "usr/share/doc/$package/grafana-dashboard.json"
    "usr/share/doc/$package/prometheus-alerts.yml"
)
app_id=io.github.dmarc_metrics_exporter.DmarcMetricsExporter
gui_files=(
    "usr/share/applications/$app_id.desktop"
    "usr/share/metainfo/$app_id.metainfo.xml"
    usr/share/icons/hicolor/scalable/apps/dmarc-metrics-exporter.svg
    usr/share/dmarc-metrics-exporter/autostart/dmarc-metrics-exporter.desktop
)
if [ "$package" = dmarc-metrics-exporter ]; then
    expected_files+=("${gui_files[@]}")
else
    for f in "${gui_files[@]}"; do
        [ ! -e "$root/$f" ] || fail "the headless package ships $f"
    done
fi
tar_files=$(tar -tzf "$tgz")
for f in "${expected_files[@]}"; do
    [ -f "$root/$f" ] || fail "the .deb lacks $f"
    grep -qx "$f" <<<"$tar_files" || fail "the .tar.gz lacks $f"
done
[ "$(stat -c %a "$root/etc/dmarc-metrics-exporter.json")" = 640 ] \
    || fail "the configuration is readable by others"
python3 -m json.tool "$root/etc/dmarc-metrics-exporter.json" >/dev/null

# Versions: a version bump needs a changelog entry and an AppStream release.
changelog_version=$(zcat "$root/usr/share/doc/$package/changelog.Debian.gz" | head -n1 | sed -E 's/.*\(([^)]*)\).*/\1/')
[ "$changelog_version" = "$(field Version)" ] \
    || fail "changelog.Debian starts with $changelog_version, the package is $(field Version)"
if [ "$package" = dmarc-metrics-exporter ]; then
    grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/$app_id.metainfo.xml" \
        || fail "the metainfo has no <release version=\"$version\">"
    desktop-file-validate "$root/usr/share/applications/$app_id.desktop" \
        "$root/usr/share/dmarc-metrics-exporter/autostart/dmarc-metrics-exporter.desktop"
    appstreamcli validate --no-net --explain "$root/usr/share/metainfo/$app_id.metainfo.xml"
fi

# The unit, pointed at the unpacked binary: systemd-analyze verify checks that it exists.
unit_dir=$out/unit
mkdir -p "$unit_dir"
sed "s#^ExecStart=/usr/bin/#ExecStart=$root/usr/bin/#" \
    "$root/lib/systemd/system/dmarc-metrics-exporter.service" >"$unit_dir/dmarc-metrics-exporter.service"
# The man page is not installed yet; check-install.sh verifies the installed unit with it.
"$(dirname "$0")/verify-unit.sh" "$unit_dir/dmarc-metrics-exporter.service" --man=no
systemd-analyze security --offline=true --threshold="$max_exposure" \
    "$unit_dir/dmarc-metrics-exporter.service" >"$out/security.txt" \
    || { cat "$out/security.txt" >&2; fail "exposure above $max_exposure tenths"; }
grep 'Overall exposure level' "$out/security.txt"

lintian_output=$(lintian --fail-on error,warning "$deb" 2>&1) || {
    echo "$lintian_output" >&2
    fail "lintian reports errors or warnings"
}
echo "PASS: $package $version"
