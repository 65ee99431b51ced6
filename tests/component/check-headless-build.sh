#!/usr/bin/env bash
# Builds the program with -DBUILD_GUI=OFF and checks that it runs and links no QtWidgets/QtGui.
# Usage: check-headless-build.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_GUI=OFF -DBUILD_TESTING=OFF -DBUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target dmarc-metrics-exporter >/dev/null
binary=$build/app/dmarc-metrics-exporter
"$binary" --version
if ldd "$binary" | grep -E 'libQt6(Widgets|Gui)'; then
    echo "FAIL: the headless binary links QtWidgets/QtGui" >&2
    exit 1
fi
echo "headless binary links: $(ldd "$binary" | grep -o 'libQt6[A-Za-z]*' | sort -u | tr '\n' ' ')"
