#!/usr/bin/env bash
# Configures and builds Parley into ./build (or $PARLEY_BUILD_DIR) with ninja and ccache,
# installing the Debian packages it needs first. Extra arguments go to CMake's configure step
# (e.g. -DPARLEY_SANITIZE=address, as scripts/test.sh --sanitize passes).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
# Two cores build Parley comfortably; more jobs than cores only thrash memory.
# $PARLEY_BUILD_TARGETS (space-separated) builds only those targets and what they need.
targets=()
if [[ -n ${PARLEY_BUILD_TARGETS:-} ]]; then
    read -ra names <<<"$PARLEY_BUILD_TARGETS"
    targets=(--target "${names[@]}")
fi
cmake --build "$build" --parallel "$(nproc)" "${targets[@]}"
