#!/usr/bin/env bash
# Installs the Debian 12 packages Parley's build and tests need. Idempotent: a package that is
# already installed is skipped, and apt is not touched at all when nothing is missing.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build ccache pkg-config clang-format clang-tidy
    # libraries
    libboost1.81-dev libprotobuf-dev protobuf-compiler libyaml-cpp-dev libspdlog-dev libfmt-dev
    libssl-dev
    # tests
    libgtest-dev libgmock-dev
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=""
if ((EUID != 0)); then
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
