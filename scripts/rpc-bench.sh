#!/usr/bin/env bash
# Unary echo RPC on one server core: parleyd's echo service (bench/config/parleyd-rpc-bench.yaml,
# one event loop) against parley-grpc-echo-server (gRPC C++, asynchronous API, one serving
# thread). Both servers start once, pinned to CPU 0; parley-rpc-bench, pinned to CPU 1, drives
# one and then the other in a closed loop, for every message size, several times. The report
# gives medians of calls/s, p50 and p99 per size and server, and the ratios Parley/gRPC.
#
#   scripts/rpc-bench.sh                 3 repetitions of 64 B and 1 KiB, 10 s each (about 3 min)
#   scripts/rpc-bench.sh --quick         one short repetition, to check it works
#
# Results go to bench/results/rpc-<timestamp>/: runs/*.json (one per run), results.md,
# env.json and the servers' logs. See docs/performance.md, "RPC".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}

usage() {
    cat <<'EOF'
usage: scripts/rpc-bench.sh [options]
  --quick                 one repetition, warm-up 0.5 s, 2 s measured
  --reps N                repetitions of every run (3)
  --sizes "LIST"          bytes of text per request (and reply) ("64 1024")
  --concurrency N         calls outstanding on the one connection (64)
  --warmup S --duration S seconds of warm-up and of measurement per run (1, 10)
  --targets "LIST"        parley and/or grpc ("parley grpc")
  --no-build              use the build in $PARLEY_BUILD_DIR (or ./build) as it is
  --no-pin                do not pin the servers and the generator to CPUs
  --out DIR               where results go (bench/results/rpc-<timestamp>)
  --report DIR            only write DIR/results.md again from DIR's runs and env.json
EOF
}

reps=3
sizes="64 1024"
concurrency=64
warmup=1
duration=10
targets="parley grpc"
do_build=true
pin=true
out=""
report_only=""
command_line="scripts/rpc-bench.sh $*"

while (($# > 0)); do
    case $1 in
        --quick) reps=1; warmup=0.5; duration=2 ;;
        --reps) reps=$2; shift ;;
        --sizes) sizes=$2; shift ;;
        --concurrency) concurrency=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --duration) duration=$2; shift ;;
        --targets) targets=$2; shift ;;
        --no-build) do_build=false ;;
        --no-pin) pin=false ;;
        --out) out=$2; shift ;;
        --report) report_only=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "rpc-bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

log() { printf 'rpc-bench: %s\n' "$*" >&2; }

# --- the report: medians per size and target, and Parley's ratios to gRPC -------------------
# report DIR: DIR/results.md from DIR/runs/*.json and DIR/env.json.
report() {
    jq -rs --slurpfile env "$1/env.json" '
  def median: sort | if length == 0 then null
    elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def num(f): if . == null then "–" else f end;
  def k: num(if . >= 1000 then "\(. / 100 | round / 10)k" else "\(. | round)" end);
  def us: num("\(. | round) µs");
  def ratio: num((. * 100 | round) as $c
    | "\($c / 100 | floor).\($c % 100 | tostring | if length < 2 then "0" + . else . end)×");
  def pct: num("\(. * 100 | round)%");
  $env[0] as $env
  | (group_by(.size) | map(
     . as $runs
     | { size: .[0].size,
         by: (group_by(.target) | sort_by(.[0].target != "parley") | map({ key: .[0].target, value: {
               runs: length,
               errors: (map(.errors) | add),
               calls_per_s: (map(.calls_per_s) | median),
               calls_min: (map(.calls_per_s) | min),
               calls_max: (map(.calls_per_s) | max),
               p50: (map(.latency_us.p50) | median),
               p99: (map(.latency_us.p99) | median),
               server_cpu: (map(.server_cpu_share // empty) | median),
               server_waited: (map(.server_waited_share // empty) | median),
               server_us_per_call: (map(.server_cpu_us_per_call // empty) | median),
               generator_cpu: (map(.generator_cpu_share) | median) } }) | from_entries) })) as $rows
  | "Medians of \($rows[0].by | to_entries[0].value.runs) runs; load average \($env.load_average_at_start) at the start, \($env.load_average_at_end) at the end; \($env.pinning).",
    "`\($env.command)`",
    "",
    "| size | server | calls/s (min–max) | p50 | p99 | errors | server CPU (waited) | server CPU per call | generator CPU |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ($rows[] as $row | $row.by | to_entries[] |
      "| \($row.size) B | \(.key) | \(.value.calls_per_s | k) (\(.value.calls_min | k)–\(.value.calls_max | k)) | \(.value.p50 | us) | \(.value.p99 | us) | \(.value.errors) | \(.value.server_cpu | pct) (\(.value.server_waited | pct)) | \(.value.server_us_per_call | num("\(. * 10 | round / 10) µs")) | \(.value.generator_cpu | pct) |"),
    "",
    "| size | calls/s Parley/gRPC (higher is better) | p99 Parley/gRPC (lower is better) | server CPU per call Parley/gRPC |",
    "| ---: | ---: | ---: | ---: |",
    ($rows[] | select(.by.parley and .by.grpc) |
      "| \(.size) B | \(.by.parley.calls_per_s / .by.grpc.calls_per_s | ratio) | \(.by.parley.p99 / .by.grpc.p99 | ratio) | \(if .by.parley.server_us_per_call and .by.grpc.server_us_per_call then .by.parley.server_us_per_call / .by.grpc.server_us_per_call else null end | ratio) |")
' "$1"/runs/*.json >"$1/results.md"
}

if [[ -n $report_only ]]; then
    report "$report_only"
    cat "$report_only/results.md"
    exit 0
fi

# --- what it needs -------------------------------------------------------------------------
"$root/scripts/install-deps.sh" --bench
if $do_build; then
    PARLEY_BUILD_TARGETS="parleyd parley-service-echo parley-transport-local \
parley-registry-static parley-store-memory parley-rpc-bench parley-grpc-echo-server" \
        "$root/scripts/build.sh"
fi
bench_bin=$build/bin/parley-rpc-bench
grpc_bin=$build/bin/parley-grpc-echo-server
for binary in "$bench_bin" "$build/bin/parleyd"; do
    [[ -x $binary ]] || { log "missing $binary; build first (or drop --no-build)"; exit 1; }
done
if [[ " $targets " == *" grpc "* && ! -x $grpc_bin ]]; then
    log "missing $grpc_bin: gRPC C++ was not found when the build was configured"
    log "(scripts/install-deps.sh --bench installs it; then configure again)"
    exit 1
fi

if $pin && (($(nproc) < 2)); then
    log "only $(nproc) CPU: running without pinning"
    pin=false
fi
server_cpu=(); generator_cpu=()
if $pin; then
    server_cpu=(taskset -c 0)
    generator_cpu=(taskset -c 1)
fi

# Figures from a busy machine measure the other work as much as the servers.
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v load="${load_start%% *}" 'BEGIN { exit !(load > 0.5) }'; then
    log "warning: load average $load_start before starting; other work will skew the figures"
fi

out=${out:-$root/bench/results/rpc-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/runs" "$out/logs"
log "results in $out"

# --- the servers, stopped by pid only ------------------------------------------------------
started=()
cleanup() {
    local pid
    for pid in "${started[@]}"; do
        stop_pid "$pid"
    done
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

declare -A endpoint pid_of

start_parley() {
    local ready=$out/logs/parleyd.ready
    "${server_cpu[@]}" "$build/bin/parleyd" -c "$root/bench/config/parleyd-rpc-bench.yaml" \
        --ready-file "$ready" >"$out/logs/parleyd.log" 2>&1 &
    pid_of[parley]=$!
    started+=("$!")
    for _ in $(seq 1 200); do
        if [[ -s $ready ]] && grep -q '^rpc=' "$ready"; then
            endpoint[parley]=$(sed -n 's/^rpc=//p' "$ready")
            return 0
        fi
        kill -0 "${pid_of[parley]}" 2>/dev/null || break
        sleep 0.05
    done
    log "parleyd did not get ready; see $out/logs/parleyd.log"
    return 1
}

start_grpc() {
    local port
    port=$(free_port)
    "${server_cpu[@]}" "$grpc_bin" --listen "127.0.0.1:$port" --node-id bench \
        >"$out/logs/grpc-echo-server.log" 2>&1 &
    pid_of[grpc]=$!
    started+=("$!")
    for _ in $(seq 1 200); do
        if grep -q '^listening on ' "$out/logs/grpc-echo-server.log"; then
            endpoint[grpc]=127.0.0.1:$port
            return 0
        fi
        kill -0 "${pid_of[grpc]}" 2>/dev/null || break
        sleep 0.05
    done
    log "parley-grpc-echo-server did not listen; see $out/logs/grpc-echo-server.log"
    return 1
}

for target in $targets; do
    case $target in
        parley) start_parley ;;
        grpc) start_grpc ;;
        *) log "unknown target '$target'"; exit 2 ;;
    esac
done

# --- the runs: the targets alternate within every repetition and size -----------------------
failures=0
for rep in $(seq 1 "$reps"); do
    for size in $sizes; do
        for target in $targets; do
            tag=$size-$target-r$rep
            if ! "${generator_cpu[@]}" "$bench_bin" --target "$target" \
                --endpoint "${endpoint[$target]}" --concurrency "$concurrency" --size "$size" \
                --warmup "${warmup}s" --duration "${duration}s" \
                --server-pid "${pid_of[$target]}" --json "$out/runs/$tag.json" \
                >"$out/logs/$tag.bench.log" 2>&1; then
                failures=$((failures + 1))
                log "$tag reported problems (see logs/$tag.bench.log)"
            fi
            log "$(cat "$out/logs/$tag.bench.log")"
        done
    done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the record of the machine -------------------------------------------------------------
package_version() {
    dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown
}
jq -n --arg command "$command_line" --arg load_start "$load_start" --arg load_end "$load_end" \
    --arg pinning "$($pin && echo "servers on CPU 0, generator on CPU 1" || echo none)" \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --arg kernel "$(uname -r)" --arg parleyd "$("$build/bin/parleyd" --version)" \
    --arg grpc "$(package_version libgrpc++-dev)" --arg nproc "$(nproc)" \
    --arg compiler "$(c++ --version | head -1)" \
    --argjson reps "$reps" --argjson concurrency "$concurrency" \
    --arg windows "warm-up $warmup s, measured $duration s" \
    '{command: $command, repetitions: $reps, concurrency: $concurrency, windows: $windows,
      pinning: $pinning, load_average_at_start: $load_start, load_average_at_end: $load_end,
      machine: {nproc: ($nproc | tonumber), cpu: $cpu, kernel: $kernel},
      versions: {parleyd: $parleyd, grpc: $grpc, compiler: $compiler}}' >"$out/env.json"

report "$out"
cat "$out/results.md"
log "done: $out/results.md ($failures run(s) reported problems)"
((failures == 0))
