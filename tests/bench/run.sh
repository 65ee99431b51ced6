#!/usr/bin/env bash
# Runs a benchmark in an optimised (Release, -O2) build of its own.
# Usage: bash tests/bench/run.sh report|store|endtoend|series|sharedscrape|twoinstances|attack|dashboard|sources     (BENCH_BUILD_DIR overrides the build directory)
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:-}
options=()
case "$name" in
    report) target=bench_report ;;
    store) target=bench_store ;;
    endtoend) target=bench_endtoend ;;
    series) target=bench_series ;;
    sharedscrape) target=bench_sharedscrape ;;
    twoinstances) target=bench_twoinstances ;;
    attack) target=bench_attack ;;
    dashboard) target=bench_dashboard ;;
    sources) target=bench_dashboard; options=(--sources) ;;
    *) echo "usage: $0 report|store|endtoend|series|sharedscrape|twoinstances|attack|dashboard|sources" >&2; exit 2 ;;
esac
# The dashboard's benchmark needs the widgets, in a build of its own.
gui=OFF
default_build=build-bench
if [ "$target" = bench_dashboard ]; then
    gui=ON
    default_build=build-bench-gui
fi
build=${BENCH_BUILD_DIR:-$default_build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DBUILD_GUI=$gui -DBUILD_TESTING=ON -DBUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j 2 --target "$target"
echo "== $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $(lscpu | sed -n 's/^Model name: *//p')"
if [ "$target" = bench_endtoend ] || [ "$target" = bench_attack ] || [ "$target" = bench_series ] ||
    [ "$target" = bench_sharedscrape ]; then
    cmake --build "$build" -j 2 --target dmarc-metrics-exporter
    "$build/tests/bench/$target" "$build/app/dmarc-metrics-exporter" "${@:2}"
else
    "$build/tests/bench/$target" "${options[@]}" "${@:2}"
fi
