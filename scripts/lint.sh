#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over the project's sources using the build's compile database.
# Slow on a small machine; give file paths to check only those.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}
[[ -f "$build/compile_commands.json" ]] || "$root/scripts/build.sh"

cd "$root"
if (($# == 0)); then
    mapfile -t files < <(git ls-files 'core/*.cpp' 'plugins/*.cpp' 'client/*.cpp')
else
    files=("$@")
fi
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet
