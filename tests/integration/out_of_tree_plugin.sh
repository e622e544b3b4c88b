#!/usr/bin/env bash
# Builds examples/dice-plugin and examples/greeter-service against an installed Parley, as a
# plugin author would, and runs out_of_tree_plugin_test against the installed parleyd.
#
# usage: out_of_tree_plugin.sh <out_of_tree_plugin_test binary> [gtest args...]
# env:   PARLEY_BUILD_DIR, PARLEY_SOURCE_DIR (ctest sets both)
set -euo pipefail

test_binary=${1:?usage: out_of_tree_plugin.sh <test binary> [gtest args...]}
shift
: "${PARLEY_BUILD_DIR:?PARLEY_BUILD_DIR must name the Parley build directory}"
: "${PARLEY_SOURCE_DIR:?PARLEY_SOURCE_DIR must name the Parley source directory}"

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-oot.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
build=$work/build-dice
build_greeter=$work/build-greeter

# Runs a step quietly; shows its output only when it fails.
step() {
    local name=$1
    shift
    if ! "$@" >"$work/$name.log" 2>&1; then
        echo "out_of_tree_plugin: '$name' failed: $*" >&2
        cat "$work/$name.log" >&2
        exit 1
    fi
}

step install cmake --install "$PARLEY_BUILD_DIR" --prefix "$prefix"

# One toolchain: the plugin is compiled by the compiler that built the daemon.
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$PARLEY_BUILD_DIR/CMakeCache.txt")
configure=(-S "$PARLEY_SOURCE_DIR/examples/dice-plugin" -B "$build" -G Ninja
           -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo
           -DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
if [[ -n $compiler ]]; then
    configure+=(-DCMAKE_CXX_COMPILER="$compiler")
fi
if command -v ccache >/dev/null; then
    configure+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
step configure cmake "${configure[@]}"
step build ninja -C "$build" -j2
configure[1]=$PARLEY_SOURCE_DIR/examples/greeter-service
configure[3]=$build_greeter
step configure-greeter cmake "${configure[@]}"
step build-greeter ninja -C "$build_greeter" -j2

# Only the installed SDK may have been used: no include path or library from the Parley tree.
for dir in "$build" "$build_greeter"; do
    if ninja -C "$dir" -t commands | grep -F -e "$PARLEY_SOURCE_DIR/core" -e "$PARLEY_BUILD_DIR"; then
        echo "out_of_tree_plugin: $dir used the Parley tree, not the install" >&2
        exit 1
    fi
done

# The installed daemon must find its own plugins, not the build tree's.
unset PARLEY_PLUGIN_PATH
PARLEY_INSTALL_PREFIX=$prefix PARLEY_DICE_PLUGIN_DIR=$build/plugins \
    PARLEY_GREETER_BUILD_DIR=$build_greeter "$test_binary" "$@"
