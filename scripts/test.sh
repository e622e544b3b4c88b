#!/usr/bin/env bash
# Builds Parley and runs every test: formatting, unit, plugin, client and end-to-end tests
# (real parleyd processes over loopback). Extra arguments go to ctest, e.g. -L unit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}

"$root/scripts/build.sh"
"$root/scripts/check-format.sh"
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 300 "$@"
