#!/usr/bin/env bash
# Compares parleyd with nats-server, mosquitto and redis-server on this machine, one server at a
# time: each run starts a fresh server on a free loopback port pinned to CPU 0, drives it with
# parley-bench pinned to CPU 1, and stops it. Every workload runs against every server, several
# times; the report gives medians, spreads and ratios to nats-server from the same run, flags
# figures where the generator itself was the bottleneck, and draws a plot.
#
#   scripts/bench.sh                 the full comparison (5 repetitions)
#   scripts/bench.sh --quick         one short repetition of everything, to check it works
#   scripts/bench.sh --durable       the durable rows: Parley with its SQLite and memory message
#                                    logs, nats-server with JetStream, mosquitto with persistence
#   scripts/bench.sh --edge          the secure edge: parley, nats-server and mosquitto over plain
#                                    TCP, TLS and WebSocket, 1:1 closed and open loop
#
# Results go to bench/results/<timestamp>/: runs/*.json (one per run), results.json,
# results.md, results.png and the servers' logs. See docs/performance.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}

usage() {
    cat <<'EOF'
usage: scripts/bench.sh [options]
  --quick                 one repetition with short windows (warm-up 0.5 s, 2 s measured)
  --reps N                repetitions of every run (5)
  --warmup S --duration S seconds of warm-up and of measurement per run (1, 5)
  --servers "LIST"        any of: parley nats mosquitto mosquitto-qos1 redis (all), and the
                          durable ones: parley-sqlite parley-memory nats-js mosquitto-persist
  --workloads "LIST"      any of: private-closed private-open group idle connect (all), and
                          sync (Parley with a message log only)
  --durable               servers "parley parley-sqlite parley-memory nats-js
                          mosquitto-persist", workloads "private-closed private-open group sync"
  --edge                  servers "parley nats mosquitto", workloads "private-closed
                          private-open", transports "tcp tls ws"
  --transports "LIST"     any of: tcp tls ws wss (tcp); each server except redis is run over
                          each, with certificates from scripts/make-test-certs.sh
  --sync-senders N        users who send the sync workload's 100,000 messages (1)
  --idle-connections N    connections of the idle workload (10000); 100000 or 1000000 spread
                          over 127.0.0.x source addresses and raise the open-file limits
  --cross A,B             also run 1:1 closed and open loop across two Parley nodes already
                          running at A and B (senders on one, recipients on the other)
  --no-build              use the build in $PARLEY_BUILD_DIR (or ./build) as it is
  --no-pin                do not pin servers and generator to CPUs
  --out DIR               where results go (bench/results/<timestamp>)
EOF
}

reps=5
warmup=1
duration=5
hold=5
quick=false
servers="parley nats mosquitto mosquitto-qos1 redis"
workloads="private-closed private-open group idle connect"
idle_connections=10000
transports="tcp"
sync_senders=1
cross=""
do_build=true
pin=true
out=""
command_line="scripts/bench.sh $*"

while (($# > 0)); do
    case $1 in
        --quick) quick=true; reps=1; warmup=0.5; duration=2; hold=2 ;;
        --reps) reps=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --duration) duration=$2; shift ;;
        --servers) servers=$2; shift ;;
        --workloads) workloads=$2; shift ;;
        --idle-connections) idle_connections=$2; shift ;;
        --durable)
            servers="parley parley-sqlite parley-memory nats-js mosquitto-persist"
            workloads="private-closed private-open group sync" ;;
        --edge)
            servers="parley nats mosquitto"
            workloads="private-closed private-open"
            transports="tcp tls ws" ;;
        --transports) transports=$2; shift ;;
        --sync-senders) sync_senders=$2; shift ;;
        --cross) cross=$2; shift ;;
        --no-build) do_build=false ;;
        --no-pin) pin=false ;;
        --out) out=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

log() { printf 'bench: %s\n' "$*" >&2; }

# --- what it needs -------------------------------------------------------------------------
"$root/scripts/install-deps.sh" --bench
if $do_build; then
    "$root/scripts/build.sh"
fi
bench_bin=$build/bin/parley-bench
report_bin=$build/bin/parley-bench-report
for binary in "$bench_bin" "$report_bin" "$build/bin/parleyd"; do
    [[ -x $binary ]] || { log "missing $binary; build first (or drop --no-build)"; exit 1; }
done

if $pin && (($(nproc) < 2)); then
    log "only $(nproc) CPU: running without pinning"
    pin=false
fi
server_cpu=(); generator_cpu=()
if $pin; then
    server_cpu=(taskset -c 0)
    generator_cpu=(taskset -c 1)
fi

# Every idle connection takes a descriptor in the generator and one in the server (two
# processes, each with its own limit). Root may raise the hard limit, up to fs.nr_open, unless
# the container forbids it.
needed_files=$((idle_connections + 4096))
if (($(ulimit -Hn) < needed_files)); then
    ulimit -Hn "$needed_files" 2>/dev/null ||
        log "cannot raise the hard open-file limit to $needed_files (it is $(ulimit -Hn))"
fi
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < idle_connections + 1024)); then
    log "open-file limit $(ulimit -n) is too low for $idle_connections idle connections"
    exit 1
fi

# Figures from a busy machine measure the other work as much as the servers.
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v load="$load" 'BEGIN { exit !(load > 0.5) }'; then
    log "warning: load average $load before starting; other work will skew the figures"
fi

# --- where results go ----------------------------------------------------------------------
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-$root/bench/results/$stamp}
mkdir -p "$out/runs" "$out/logs"
log "results in $out"

# --- certificates for the TLS and wss runs ---------------------------------------------------
certs=$out/certs
if [[ " $transports " == *" tls "* || " $transports " == *" wss "* ]]; then
    "$root/scripts/make-test-certs.sh" "$certs" >/dev/null
    # mosquitto started as root reads its key after dropping to its own user; the key is a
    # throw-away for localhost, so every user may read it.
    chmod 755 "$certs"
    chmod 644 "$certs/server.key"
fi

# --- processes this script started, stopped by pid only -------------------------------------
started=()
cleanup() {
    local pid
    for pid in "${started[@]}"; do
        stop_pid "$pid"
    done
    started=()
    if [[ -n $server_dir ]]; then
        rm -rf "$server_dir"
    fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

forget_pid() {
    local keep=() pid
    for pid in "${started[@]}"; do
        [[ $pid == "$1" ]] || keep+=("$pid")
    done
    started=("${keep[@]}")
}

wait_for_port() {  # port pid name
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        kill -0 "$2" 2>/dev/null || { log "$3 exited at start; see its log"; return 1; }
        sleep 0.05
    done
    log "$3 did not listen on port $1 within 10 s"
    return 1
}

# --- the servers ---------------------------------------------------------------------------
server_pid=""
server_port=""
server_dir=""  # a durable server's files, removed when it stops
current_tag=""

start_parley() {  # logfile overlay [config...]
    local logfile=$1 overlay=$2
    shift 2
    local configs=(-c "$root/bench/config/parleyd-bench.yaml")
    local extra
    for extra in "$@"; do
        configs+=(-c "$extra")
    done
    "${server_cpu[@]}" "$build/bin/parleyd" "${configs[@]}" -c "$overlay" >"$logfile" 2>&1 &
}

# The listener block of a parleyd overlay for a TLS or WebSocket port.
parley_edge_listener() {  # transport port
    printf '    - address: "127.0.0.1:%s"\n      protocol: %s\n' "$2" "$1"
    if [[ $1 == tls || $1 == wss ]]; then
        printf '      tls:\n        certificate: %s\n        key: %s\n' \
            "$certs/server.crt" "$certs/server.key"
    fi
}

# What nats-server's configuration adds for a transport: TLS on the client port (nats-server
# 2.9 sends its INFO in plain text first, then the client starts TLS), or a WebSocket port.
nats_edge_config() {  # transport ws_port
    case $1 in
        tls) printf 'tls {\n  cert_file: "%s"\n  key_file: "%s"\n}\n' \
            "$certs/server.crt" "$certs/server.key" ;;
        ws) printf 'websocket {\n  port: %s\n  no_tls: true\n}\n' "$2" ;;
        wss) printf 'websocket {\n  port: %s\n  tls {\n    cert_file: "%s"\n    key_file: "%s"\n  }\n}\n' \
            "$2" "$certs/server.crt" "$certs/server.key" ;;
    esac
}

# What mosquitto's configuration adds after its plain listener. mosquitto 2.0.11 does not start
# with websockets listeners only, so the plain one stays (on a port nobody uses).
mosquitto_edge_config() {  # transport port
    case $1 in
        ws|wss) printf 'listener %s 127.0.0.1\nprotocol websockets\n' "$2" ;;
    esac
    case $1 in
        tls|wss) printf 'certfile %s\nkeyfile %s\n' "$certs/server.crt" "$certs/server.key" ;;
    esac
}

start_server() {  # name tag [transport]
    local name=$1 tag=$2 transport=${3:-tcp}
    server_port=$("$bench_bin" --free-port)
    # Over ws and wss the generator dials edge_port; the server's own port serves no one.
    local edge_port=$server_port
    if [[ $transport == ws || $transport == wss ]]; then
        edge_port=$("$bench_bin" --free-port)
    fi
    local logfile=$out/logs/$tag.log
    case $name in
        parley-sqlite|nats-js|mosquitto-persist)
            server_dir=$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-$name.XXXXXX") ;;
    esac
    case $name in
        parley|parley-sqlite|parley-memory)
            local overlay=$out/logs/$tag.yaml
            if [[ $transport == tcp ]]; then
                printf 'server:\n  listen: ["127.0.0.1:%s"]\n' "$server_port" >"$overlay"
            else
                # The plain port stays for the registry's endpoint; the generator dials the other.
                edge_port=$("$bench_bin" --free-port)
                {
                    printf 'server:\n  listen:\n    - "127.0.0.1:%s"\n' "$server_port"
                    parley_edge_listener "$transport" "$edge_port"
                } >"$overlay"
            fi
            cat >>"$overlay" <<EOF
registry:
  settings:
    nodes:
      - id: bench
        endpoints: ["127.0.0.1:$server_port"]
EOF
            case $name in
                parley) start_parley "$logfile" "$overlay" ;;
                parley-memory)
                    start_parley "$logfile" "$overlay" \
                        "$root/bench/config/parleyd-bench-memory-log.yaml" ;;
                parley-sqlite)
                    printf 'message_log:\n  settings:\n    path: %s/messages.db\n' \
                        "$server_dir" >>"$overlay"
                    start_parley "$logfile" "$overlay" "$root/bench/config/parleyd-bench-sqlite.yaml" ;;
            esac
            ;;
        nats-js)
            local conf=$out/logs/$tag.conf
            sed "s|@STORE_DIR@|$server_dir|" "$root/bench/config/nats-server-jetstream.conf.in" \
                >"$conf"
            "${server_cpu[@]}" nats-server -c "$conf" -a 127.0.0.1 -p "$server_port" \
                >"$logfile" 2>&1 &
            ;;
        mosquitto-persist)
            local conf=$out/logs/$tag.conf
            sed -e "s/@PORT@/$server_port/" -e "s|@PERSIST_DIR@|$server_dir|" \
                "$root/bench/config/mosquitto-persist.conf.in" >"$conf"
            "${server_cpu[@]}" mosquitto -c "$conf" >"$logfile" 2>&1 &
            ;;
        nats)
            local conf=$root/bench/config/nats-server.conf
            if [[ $transport != tcp ]]; then
                conf=$out/logs/$tag.conf
                { cat "$root/bench/config/nats-server.conf"; nats_edge_config "$transport" "$edge_port"; } >"$conf"
            fi
            "${server_cpu[@]}" nats-server -c "$conf" \
                -a 127.0.0.1 -p "$server_port" >"$logfile" 2>&1 &
            ;;
        mosquitto|mosquitto-qos1)
            local conf=$out/logs/$tag.conf
            {
                sed "s/@PORT@/$server_port/" "$root/bench/config/mosquitto.conf.in"
                mosquitto_edge_config "$transport" "$edge_port"
            } >"$conf"
            "${server_cpu[@]}" mosquitto -c "$conf" >"$logfile" 2>&1 &
            ;;
        redis)
            "${server_cpu[@]}" redis-server --port "$server_port" --bind 127.0.0.1 \
                --save "" --appendonly no --maxclients 2000000 --daemonize no \
                >"$logfile" 2>&1 &
            ;;
    esac
    server_pid=$!
    started+=("$server_pid")
    wait_for_port "$server_port" "$server_pid" "$name" || return 1
    if [[ $edge_port != "$server_port" ]]; then
        wait_for_port "$edge_port" "$server_pid" "$name" || return 1
        server_port=$edge_port
    fi
}

stop_server() {
    stop_pid "$server_pid"
    forget_pid "$server_pid"
    if [[ -n $server_dir ]]; then
        # What the durable server left on disk, for the record.
        du -sk "$server_dir" | cut -f1 >"$out/logs/$current_tag.disk-kib" || true
        rm -rf "$server_dir"
        server_dir=""
    fi
}

protocol_args() {
    case $1 in
        parley) echo "--protocol parley" ;;
        nats) echo "--protocol nats" ;;
        mosquitto) echo "--protocol mqtt --qos 0" ;;
        mosquitto-qos1) echo "--protocol mqtt --qos 1" ;;
        redis) echo "--protocol redis" ;;
        parley-sqlite|parley-memory) echo "--protocol parley --durable" ;;
        nats-js) echo "--protocol nats --durable" ;;
        mosquitto-persist) echo "--protocol mqtt --qos 1 --durable" ;;
    esac
}

workload_args() {
    local timing="--warmup ${warmup}s --duration ${duration}s"
    case $1 in
        private-closed) echo "--workload private --mode closed --users 1000 --window 8 $timing" ;;
        private-open) echo "--workload private --mode open --users 1000 --rate 25000 $timing" ;;
        group) echo "--workload group --groups 10 --members 100 --group-senders 1 --window 32 $timing" ;;
        idle) echo "--workload idle --connections $idle_connections --hold ${hold}s" ;;
        connect) echo "--workload connect --connect-concurrency 256 --duration ${duration}s" ;;
        # While the user is offline each sender keeps 64 messages awaiting their ACK; the replay
        # after the login is what is measured.
        sync) echo "--workload sync --messages 100000 --senders $sync_senders --window 64 --drain-timeout 60s" ;;
    esac
}

transport_args() {
    case $1 in
        tcp) ;;
        *) echo "--transport $1 --ca $certs/ca.crt" ;;
    esac
}

# The label of a server over a transport: the plain name over TCP, as in every other run.
label_of() {  # server transport
    if [[ $2 == tcp ]]; then echo "$1"; else echo "$1-$2"; fi
}

# Servers the generator can reach over TLS and WebSocket (redis-server has no WebSocket).
over_transport() {  # server transport
    case $2 in
        tcp) return 0 ;;
        *) [[ $1 == parley || $1 == nats || $1 == mosquitto || $1 == mosquitto-qos1 ]] ;;
    esac
}

applies() {  # server workload
    case $1 in
        # MQTT QoS 1 and the durable servers only change how messages travel.
        mosquitto-qos1|nats-js|mosquitto-persist) [[ $2 == private-* || $2 == group ]] ;;
        parley-sqlite|parley-memory) [[ $2 == private-* || $2 == group || $2 == sync ]] ;;
        *) [[ $2 != sync ]] ;;
    esac
}

failures=0
run_one() {  # server workload rep [transport]
    local server=$1 workload=$2 rep=$3 transport=${4:-tcp}
    local label
    label=$(label_of "$server" "$transport")
    local tag=$workload-$label-r$rep
    current_tag=$tag
    start_server "$server" "$tag" "$transport" || { failures=$((failures + 1)); stop_server; return; }
    # With the server's pid the generator also reports its CPU use and run-queue waits.
    # shellcheck disable=SC2046 # the argument lists are meant to split
    if ! "${generator_cpu[@]}" "$bench_bin" $(protocol_args "$server") $(workload_args "$workload") \
        $(transport_args "$transport") \
        --endpoint "127.0.0.1:$server_port" --label "$label" --server-pid "$server_pid" \
        --json "$out/runs/$tag.json" 2>"$out/logs/$tag.bench.log"; then
        failures=$((failures + 1))
        log "$tag reported problems (see runs/$tag.json)"
    fi
    stop_server
    if [[ -s $out/runs/$tag.json ]]; then
        log "$tag: $(grep -o '"throughput":[^,]*' "$out/runs/$tag.json" | head -1)"
    fi
}

# --- the record of the machine -------------------------------------------------------------
json_string() {
    local text=${1//\\/\\\\}
    printf '"%s"' "${text//\"/\\\"}"
}
package_version() {
    dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown
}
{
    printf '{\n'
    printf '  "started": %s,\n' "$(json_string "$stamp")"
    printf '  "mode": %s,\n' "$(json_string "$($quick && echo quick || echo full)")"
    printf '  "repetitions": %s,\n' "$reps"
    printf '  "transports": %s,\n' "$(json_string "$transports")"
    printf '  "windows": %s,\n' "$(json_string "warm-up ${warmup} s, measured ${duration} s, idle hold ${hold} s")"
    printf '  "pinning": %s,\n' "$(json_string "$($pin && echo "servers on CPU 0, generator on CPU 1" || echo none)")"
    printf '  "command": %s,\n' "$(json_string "$command_line")"
    printf '  "load_average_at_start": %s,\n' "$(json_string "$(cut -d' ' -f1-3 /proc/loadavg)")"
    printf '  "machine": {\n'
    printf '    "nproc": %s,\n' "$(nproc)"
    printf '    "cpu": %s,\n' "$(json_string "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')")"
    printf '    "kernel": %s,\n' "$(json_string "$(uname -r)")"
    printf '    "memory": %s,\n' "$(json_string "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)")"
    # Where the durable servers keep their files: fsync costs what this file system makes it cost.
    printf '    "temp_dir": %s\n' "$(json_string "$(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2 " on " $1}')")"
    printf '  },\n'
    printf '  "versions": {\n'
    printf '    "parleyd": %s,\n' "$(json_string "$("$build/bin/parleyd" --version)")"
    printf '    "nats-server": %s,\n' "$(json_string "$(package_version nats-server)")"
    printf '    "mosquitto": %s,\n' "$(json_string "$(package_version mosquitto)")"
    printf '    "redis-server": %s,\n' "$(json_string "$(package_version redis-server)")"
    printf '    "compiler": %s\n' "$(json_string "$(c++ --version | head -1)")"
    printf '  }\n'
    printf '}\n'
} >"$out/env.json"

# --- the runs ------------------------------------------------------------------------------
# Cross-node user ids start at a new million for each run, from one that depends on the time,
# so that runs minutes apart use different users too.
cross_users=$(( ($(date +%s) / 60 % 2000) * 1000000 ))
for rep in $(seq 1 "$reps"); do
    for workload in $workloads; do
        for server in $servers; do
            applies "$server" "$workload" || continue
            for transport in $transports; do
                over_transport "$server" "$transport" || continue
                run_one "$server" "$workload" "$rep" "$transport"
            done
        done
    done
    if [[ -n $cross ]]; then
        for workload in private-closed private-open; do
            # Users new to the cluster each run: a node's message log takes a repeated
            # client_msg_id in one conversation within its dedup_window for a resend, and
            # pushes it to nobody, so users of an earlier run would count as losses.
            cross_users=$((cross_users + 1000000))
            # shellcheck disable=SC2046
            "${generator_cpu[@]}" "$bench_bin" --protocol parley $(workload_args "$workload") \
                --endpoint "${cross%%,*}" --endpoint "${cross#*,}" --cross-node \
                --id-base "$cross_users" --label parley-cluster \
                --json "$out/runs/cross-node-$workload-parley-cluster-r$rep.json" ||
                failures=$((failures + 1))
        done
    fi
done

# --- the report ----------------------------------------------------------------------------
"$report_bin" "$out"
if command -v gnuplot >/dev/null; then
    (cd "$out" && gnuplot plot.gp) || log "gnuplot failed; results.png is missing"
fi
cat "$out/results.md"
log "done: $out/results.md, results.json, results.png ($failures run(s) reported problems)"
