#!/usr/bin/env bash
# Compiler launcher of the fuzz build: clang warns where gcc does not, and the gcc build is the
# one that enforces -Werror; here the code only has to compile with sanitizers.
args=()
for arg in "$@"; do
    [ "$arg" = -Werror ] || args+=("$arg")
done
exec "${args[@]}"
