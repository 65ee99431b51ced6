#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UBSan) into their own build
# directory and runs one of them.
# Usage: bash tests/fuzz/run.sh <target> <seconds>     e.g. bash tests/fuzz/run.sh fuzz_email 600
# Seeds: tests/fuzz/corpus/<target>/ (read only). New inputs go to <build>/corpus/<target>/,
# crashes to <build>/artifacts/<target>/. FUZZ_BUILD_DIR overrides the build directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: $0 <target> <seconds>}
seconds=${2:?usage: $0 <target> <seconds>}
build=${FUZZ_BUILD_DIR:-build-fuzz}
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS="$sanitizers -fsanitize=fuzzer-no-link" \
    -DCMAKE_EXE_LINKER_FLAGS="$sanitizers" \
    -DBUILD_FUZZERS=ON -DBUILD_GUI=OFF -DBUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j 2 --target "$target"

seeds=tests/fuzz/corpus/$target
work=$build/corpus/$target
artifacts=$build/artifacts/$target
mkdir -p "$work" "$artifacts" "$seeds"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
"$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$seeds"
