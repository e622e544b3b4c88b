#!/usr/bin/env bash
# Builds Parley and runs every test: formatting, unit, plugin, client and end-to-end tests
# (real parleyd processes over loopback, against a real redis-server, a real ZooKeeper server and
# the Kafka mock, which this script starts on free loopback ports and stops at the end).
# Extra arguments go to ctest, e.g. -L unit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}
export PARLEY_BUILD_DIR=$build

"$root/scripts/install-deps.sh" --services --browser
"$root/scripts/build.sh"
"$root/scripts/check-format.sh"

services=$(mktemp -d "${TMPDIR:-/tmp}/parley-test-services.XXXXXX")
cleanup() {
    "$root/scripts/services.sh" stop "$services"
    rm -rf "$services"
}
trap cleanup EXIT
"$root/scripts/services.sh" start "$services"
set -a
# shellcheck source=/dev/null
source "$services/services.env"
set +a

cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 300 "$@"
