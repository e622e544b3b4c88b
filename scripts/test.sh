#!/usr/bin/env bash
# Builds Parley and runs every test: formatting, unit, plugin, client and end-to-end tests
# (real parleyd processes over loopback, against a real redis-server, a real ZooKeeper server and
# the Kafka mock, which this script starts on free loopback ports and stops at the end).
#
#   test.sh [--sanitize address|thread] [CTEST-ARGS...]
#
# Extra arguments go to ctest, e.g. -L unit. --sanitize builds the tree instrumented, in a
# build directory of its own, and runs the tests under the sanitizer (options and suppressions:
# scripts/sanitizers/):
#   address  build-asan/, AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, every
#            test
#   thread   build-tsan/, ThreadSanitizer; by default the unit, plugin and client tests
#            (-L 'unit|plugins|client'): core, the plugins and the client library with real
#            parleyd processes; all but the Kafka tests (see below)
# A sanitized run given labels by name (-L unit, -L 'unit|plugins') builds only the tests of
# those labels and what they need, unless $PARLEY_BUILD_TARGETS says what to build.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sanitize=""
ctest_args=()
while (($#)); do
    case $1 in
        --sanitize) sanitize=${2:?--sanitize needs address or thread}; shift 2 ;;
        --sanitize=*) sanitize=${1#--sanitize=}; shift ;;
        *) ctest_args+=("$1"); shift ;;
    esac
done

configure=()
case $sanitize in
    "") build=${PARLEY_BUILD_DIR:-$root/build} ;;
    address) build=$root/build-asan; configure=(-DPARLEY_SANITIZE=address) ;;
    thread)
        build=$root/build-tsan
        configure=(-DPARLEY_SANITIZE=thread)
        if ((${#ctest_args[@]} == 0)); then
            # Not the tests that load librdkafka: it starts its threads with C11 thrd_create,
            # which GCC 12's ThreadSanitizer does not intercept, so they crash in TSan's
            # allocator before any test code runs. The ASan run covers them.
            echo "test.sh: thread sanitizer: leaving out the Kafka tests (librdkafka's threads" \
                 "are invisible to TSan)"
            ctest_args=(-L 'unit|plugins|client' -E 'Kafka|/kafka\.')
        fi
        ;;
    *) echo "test.sh: --sanitize '$sanitize': expected address or thread" >&2; exit 2 ;;
esac
# A sanitized build of the whole tree is slow; labels named plainly need only their tests
# (parley-tests-LABEL), and the services need the Kafka mock.
if [[ -n $sanitize && -z ${PARLEY_BUILD_TARGETS:-} ]]; then
    labels=""
    for ((i = 0; i < ${#ctest_args[@]}; i++)); do
        case ${ctest_args[i]} in
            -L | --label-regex) labels=${ctest_args[i + 1]:-} ;;
        esac
    done
    if [[ $labels =~ ^[a-z]+(\|[a-z]+)*$ ]]; then
        targets="parley-kafka-mock"
        IFS='|' read -ra names <<<"$labels"
        for name in "${names[@]}"; do
            targets+=" parley-tests-$name"
        done
        export PARLEY_BUILD_TARGETS=$targets
        echo "test.sh: building only $PARLEY_BUILD_TARGETS"
    fi
fi
export PARLEY_BUILD_DIR=$build

"$root/scripts/install-deps.sh" --services --browser
"$root/scripts/build.sh" "${configure[@]}"
if [[ -z $sanitize ]]; then
    "$root/scripts/check-format.sh"
fi

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
# After the services: the sanitizers judge Parley's tests and what they start, not the servers
# they run against.
if [[ -n $sanitize ]]; then
    # shellcheck source=scripts/sanitizers/options.sh
    source "$root/scripts/sanitizers/options.sh" "$sanitize"
fi

cd "$build"
status=0
# --no-tests=error: a selection that matches nothing (a mistyped label) fails, not passes.
ctest --output-on-failure --no-tests=error --parallel "$(nproc)" --timeout 300 \
    "${ctest_args[@]}" || status=$?
if [[ -n $sanitize ]]; then
    sanitizer_reports_check || status=1
fi
exit "$status"
