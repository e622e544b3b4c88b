#!/usr/bin/env bash
# Builds Parley and runs one standalone parleyd on config/standalone.yaml (127.0.0.1:7400).
# Extra arguments go to parleyd, e.g. --log-level debug. Stop it with Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}

"$root/scripts/build.sh"
exec "$build/bin/parleyd" -c "$root/config/standalone.yaml" "$@"
