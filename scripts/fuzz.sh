#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang into build-fuzz/ (or $PARLEY_FUZZ_BUILD_DIR)
# and runs each for a while, starting from its seed corpus in fuzz/corpus/<target>/.
#
#   fuzz.sh [--time SECONDS] [--runs N] [TARGET...]
#
# TARGET is a name under fuzz/corpus (frame-decoder, chat-message-scan, sequenced-frame,
# config, token-verifier, signed-token, ws-frame-reader); none means all of them. --time is per
# target (default 60); --runs N stops a target after N inputs instead (its time is then only a
# bound of 24 h), and the log of each run says how long it took. New
# inputs that add coverage go to build-fuzz/corpus/<target>/, never into the repository's seed
# corpus; a crash leaves its input in build-fuzz/findings/<target>/ and fails the script, after
# the other targets ran.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=60
runs=""
targets=()
while (($#)); do
    case $1 in
        --time) seconds=$2; shift 2 ;;
        --time=*) seconds=${1#--time=}; shift ;;
        --runs) runs=$2; seconds=86400; shift 2 ;;
        --runs=*) runs=${1#--runs=}; seconds=86400; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option '$1'" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(cd "$root/fuzz/corpus" && ls)
fi
for target in "${targets[@]}"; do
    if [[ ! -d "$root/fuzz/corpus/$target" ]]; then
        echo "fuzz.sh: unknown target '$target' (see fuzz/corpus/)" >&2
        exit 2
    fi
done

"$root/scripts/install-deps.sh" --fuzz
# The rest of the tree is configured but only the fuzz targets (and what they link) are built.
CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DPARLEY_FUZZ=ON -DPARLEY_BUILD_TESTS=OFF \
    >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/#/fuzz-}"

failed=()
for target in "${targets[@]}"; do
    corpus=$build/corpus/$target
    findings=$build/findings/$target
    mkdir -p "$corpus" "$findings"
    if [[ -n $runs ]]; then
        echo "fuzz.sh: $target for $runs inputs"
    else
        echo "fuzz.sh: $target for ${seconds}s"
    fi
    # One input that takes 10 s is a hang, and a finding; ASan needs room above the default.
    options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
             -artifact_prefix="$findings/")
    if [[ -n $runs ]]; then
        options+=(-runs="$runs")
    fi
    started=$SECONDS
    # A dictionary of the input's words, where one helps (fuzz/<target>.dict).
    if [[ -f "$root/fuzz/$target.dict" ]]; then
        options+=(-dict="$root/fuzz/$target.dict")
    fi
    if ! "$build/fuzz/fuzz-$target" "$corpus" "$root/fuzz/corpus/$target" "${options[@]}" \
        2>"$build/fuzz-$target.log"; then
        failed+=("$target")
        tail -n 60 "$build/fuzz-$target.log" >&2
    fi
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
        "$build/fuzz-$target.log" | sed "s/^/fuzz.sh: $target /"
    echo "fuzz.sh: $target took $((SECONDS - started)) s"
done

if ((${#failed[@]})); then
    echo "fuzz.sh: FAILED: ${failed[*]} (inputs in $build/findings/)" >&2
    exit 1
fi
if [[ -n $runs ]]; then
    echo "fuzz.sh: ${#targets[@]} targets ran $runs inputs each without a finding"
else
    echo "fuzz.sh: ${#targets[@]} targets ran ${seconds}s each without a finding"
fi
