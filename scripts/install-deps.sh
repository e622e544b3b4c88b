#!/usr/bin/env bash
# Installs the Debian 12 packages Parley needs. Idempotent: a package that is already installed
# is skipped, and apt is not touched at all when nothing is missing.
#
#   install-deps.sh            what building parleyd and its plugins needs
#   install-deps.sh --services also the servers the tests and a local cluster run against, and
#                              promtool (Debian package prometheus) for the metrics test and
#                              curl for the HTTP API test
#   install-deps.sh --bench    also the peers the benchmark compares with, the plot tool, jq,
#                              RocksDB for bench/message-log, and gRPC C++ (library and protoc
#                              plugin) for bench/rpc's gRPC echo server and client
#   install-deps.sh --browser  also Chromium (headless) and a font, and the npm packages of the
#                              browser test (tests/web/browser: puppeteer-core, no browser download)
#   install-deps.sh --fuzz     also clang and its runtimes (libFuzzer, ASan, UBSan), for
#                              scripts/fuzz.sh
#
# Node.js and npm (the web client's tests) come from Debian unless `node` and `npm` are already
# on the PATH, from whatever source.
set -euo pipefail

packages=(
    # toolchain
    g++ cmake ninja-build ccache pkg-config clang-format clang-tidy
    # libraries
    libboost1.81-dev libprotobuf-dev protobuf-compiler libyaml-cpp-dev libspdlog-dev libfmt-dev
    libssl-dev librdkafka-dev libhiredis-dev libzookeeper-mt-dev libsqlite3-dev
    # tests
    libgtest-dev libgmock-dev
    # scripts/make-test-certs.sh
    openssl
)
if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi
browser=0
for arg in "$@"; do
    case $arg in
        # prometheus brings promtool, which checks the admin listener's /metrics in the tests.
        # Under systemd the package also starts a Prometheus server on :9090: stopped and
        # disabled below when this script installed it, which leaves promtool.
        --services) packages+=(redis-server zookeeper default-jre-headless prometheus curl) ;;
        --bench)
            packages+=(redis-server nats-server mosquitto gnuplot-nox jq librocksdb-dev
                       libgrpc++-dev protobuf-compiler-grpc)
            ;;
        --browser)
            packages+=(chromium fonts-dejavu-core)
            browser=1
            ;;
        # libclang-rt-14-dev holds libFuzzer's runtime (-fsanitize=fuzzer) and
        # FuzzedDataProvider.h; libfuzzer-14-dev (a libFuzzer for a main of one's own) is not
        # needed.
        --fuzz) packages+=(clang libclang-rt-14-dev) ;;
        *)
            echo "install-deps: unknown option '$arg' (expected --services, --bench, --browser or --fuzz)" >&2
            exit 2
            ;;
    esac
done

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
else
    sudo=""
    if ((EUID != 0)); then
        sudo="sudo"
    fi
    echo "install-deps: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    # Only promtool is wanted: not a Prometheus server listening on every address.
    if [[ " ${missing[*]} " == *" prometheus "* && -d /run/systemd/system ]]; then
        $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
fi

# The browser test's npm packages, exactly as package-lock.json pins them; skipped while the
# installed tree is newer than the lock file.
if ((browser)); then
    web_test="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/web/browser"
    if [[ ! "$web_test/node_modules/.package-lock.json" -nt "$web_test/package-lock.json" ]]; then
        echo "install-deps: npm ci in tests/web/browser"
        # puppeteer-core downloads no browser; it drives Debian's /usr/bin/chromium.
        (cd "$web_test" && npm ci --no-audit --no-fund --loglevel=error)
    else
        echo "install-deps: npm packages of tests/web/browser present"
    fi
fi
