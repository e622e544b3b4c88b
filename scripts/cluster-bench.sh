#!/usr/bin/env bash
# The cluster's rows of docs/performance.md, in one run on one local 3-node cluster
# (scripts/cluster.sh: Redis, ZooKeeper, the Kafka mock, parleyd node-1..3, all on loopback):
#
#   single node     1:1 closed loop with every user on node-1
#   cross-node      1:1 closed loop, and open loops at 25,000 and 2,000 msgs/s, users spread
#                   over node-1 and node-2, each sending to users on the other: every message
#                   relayed through Kafka; during each open loop, the CPU every process of the
#                   machine used (the nodes, the generator, the Kafka mock, Redis, ZooKeeper),
#                   as the machine's sharing
#   group 3 nodes   group fan-out with each group's members spread over the three nodes
#   group 2 of 3    the same with members on node-1 and node-2 only, node-3 idle
#   log ceiling     parley-kafka-ceiling against the same Kafka mock (idempotent, acks=all)
#
# Each phase runs with the message log (config/cluster.yaml: Redis) and without one
# (`message_log: ~`, ACK after Kafka took the message); the group runs also with
# `server.group_routing: broadcast`, to compare the cluster's traffic per group message: the
# records and bytes every node read from Kafka (parley_transport_*_total on /metrics), divided
# by the group messages sent. Every 1:1 run checks that each message arrived exactly once.
#
#   scripts/cluster-bench.sh             3 repetitions, 5 s measured each (about 15 min)
#   scripts/cluster-bench.sh --quick     one short repetition, to check it works
#   scripts/cluster-bench.sh --open-only --logs none
#                                        only the open loops and the log ceiling (a few
#                                        minutes): to compare transport settings, e.g.
#                                        PARLEY_CLUSTER_KAFKA_PROPERTIES='linger.ms: 1'
#
# The cluster's topics have the transport's default of 1 partition: PARLEY_CLUSTER_PARTITIONS=4
# (scripts/cluster.sh) runs the versions before, to compare. The ceiling keeps a topic the mock
# creates on first use (4 partitions): the mock keeps at most 5 MiB per partition and drops the
# oldest records beyond it (docs/kafka-mock.md); with all 200,000 records (about 25 MiB) on one
# partition the ceiling's reader fell more than that behind and lost most of them.
#
# Results go to bench/results/cluster-<timestamp>/: runs/*.json, results.md, logs/<phase>/.
# See docs/performance.md, "Cluster".
set -euo pipefail
export LC_ALL=C  # $EPOCHREALTIME and awk's numbers with a decimal point

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}

usage() {
    cat <<'EOF'
usage: scripts/cluster-bench.sh [options]
  --quick                 one repetition, warm-up 0.5 s, 2 s measured
  --reps N                repetitions of every run (3)
  --warmup S --duration S seconds of warm-up and of measurement per run (1, 5)
  --logs "LIST"           message log settings to run: redis and/or none ("redis none")
  --open-only             only the cross-node open loops and the log ceiling
  --no-build              use the build in $PARLEY_BUILD_DIR (or ./build) as it is
  --out DIR               where results go (bench/results/cluster-<timestamp>)
EOF
}

reps=3
warmup=1
duration=5
logs="redis none"
build_first=true
open_only=false
out=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) reps=1; warmup=0.5; duration=2 ;;
        --reps) reps=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --duration) duration=$2; shift ;;
        --logs) logs=$2; shift ;;
        --no-build) build_first=false ;;
        --open-only) open_only=true ;;
        --out) out=$2; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "cluster-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

log() { echo "cluster-bench: $*" >&2; }

if $build_first; then
    "$root/scripts/build.sh"
fi
"$root/scripts/install-deps.sh" --services --bench >/dev/null
command -v jq >/dev/null || { log "needs jq (scripts/install-deps.sh --bench)"; exit 1; }

partitions=${PARLEY_CLUSTER_PARTITIONS:-1}
out=${out:-$root/bench/results/cluster-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out/runs"
state=$out/cluster
export PARLEY_BUILD_DIR=$build PARLEY_CLUSTER_BUILD=0 PARLEY_CLUSTER_PORTS=auto
export PARLEY_CLUSTER_DIR=$state

# Every node: an admin listener for /metrics, and no per-address cap (every generator
# connection comes from 127.0.0.1). The log and routing settings vary per phase.
overlay() {  # log routing
    local file=$out/overlay-$1-$2.yaml
    {
        echo 'server:'
        echo '  max_connections_per_address: 1000000'
        echo "  group_routing: $2"
        echo 'admin: {listen: "127.0.0.1:0"}'
        if [[ $1 == none ]]; then echo 'message_log: ~'; fi
    } >"$file"
    echo "$file"
}

# The generator of the run under way, stopped too if this script is interrupted.
generator=""
cleanup() {
    if [[ -n $generator ]]; then kill "$generator" 2>/dev/null || true; fi
    "$root/scripts/cluster.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# A fresh cluster (backends too) for each setting: nothing left over from the last phase. The
# nodes' logs of each phase are kept in logs/<phase>/.
phase=""
keep_logs() {
    [[ -n $phase ]] || return 0
    mkdir -p "$out/logs/$phase"
    mv "$state"/node-*.log "$out/logs/$phase/" 2>/dev/null || true
}
start_cluster() {  # log routing
    cleanup
    keep_logs
    phase=$1-$2
    PARLEY_CLUSTER_CONFIG=$(overlay "$1" "$2") "$root/scripts/cluster.sh" start >"$out/cluster-start-$phase.log"
}
endpoint() { echo "127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$state/node-$1.yaml" | head -1)"; }
admin() { sed -n 's/^admin=//p' "$state/node-$1.ready"; }
# Records and bytes node $1 read from Kafka so far, both routes: "records bytes".
received() {
    local metrics
    metrics=$(curl -sf "http://$(admin "$1")/metrics") || { log "no /metrics from node-$1"; exit 1; }
    echo "$metrics" | awk '
        /^parley_transport_records_total\{.*direction="received"/ { r += $NF }
        /^parley_transport_bytes_total\{.*direction="received"/ { b += $NF }
        END { printf "%d %d\n", r, b }'
}

# Waits until no node has read anything from Kafka for 2 s (at most 3 minutes): an overloaded
# run (the open loop against the Redis log) leaves messages in flight that would land in the next.
settle() {
    local last="" now n
    for _ in $(seq 90); do
        now=""
        for n in 1 2 3; do now+="$(received "$n") "; done
        [[ $now == "$last" ]] && return 0
        last=$now
        sleep 2
    done
    log "the cluster was still relaying after 3 minutes"
}

# The CPU every process of the machine's sharing used while a run measured, in % of one core:
# runs/<run>.cpu, a line "process percent" each ("-" for a process that was gone). The window
# runs from 1 s after the warm-up began, counted from the generator's start (its 1,000 logins
# take a few hundred milliseconds here), to half a second before the end.
cluster_processes() {  # "name pid" lines
    local n s
    for n in 1 2 3; do echo "node-$n $(cat "$state/node-$n.pid")"; done
    for s in kafka-mock redis zookeeper; do echo "$s $(cat "$state/services/$s.pid")"; done
}
# "seconds ticks": the time and the CPU ticks process $1 used so far, read together so that each
# process's window is its own ("seconds -1" when it is gone).
cpu_reading() {
    local line fields
    { read -r line <"/proc/$1/stat"; } 2>/dev/null || { echo "$EPOCHREALTIME -1"; return; }
    read -r -a fields <<<"${line##*) }"  # after the command name, which may hold spaces
    echo "$EPOCHREALTIME $((fields[11] + fields[12]))"  # utime + stime
}
sample_cpu() {  # run generator-pid
    local processes name pid ticks_per_s
    processes=$(cluster_processes; echo "generator $2")
    ticks_per_s=$(getconf CLK_TCK)
    sleep "$(awk -v w="$warmup" 'BEGIN { print w + 1 }')"
    local -A reading_at_start
    while read -r name pid; do reading_at_start[$name]=$(cpu_reading "$pid"); done <<<"$processes"
    sleep "$(awk -v d="$duration" 'BEGIN { print (d > 1.7 ? d - 1.5 : 0.2) }')"
    while read -r name pid; do
        echo "$name ${reading_at_start[$name]} $(cpu_reading "$pid")"
    done <<<"$processes" | awk -v hz="$ticks_per_s" '
        $3 < 0 || $5 < 0 { print $1, "-"; next }
        { printf "%s %.1f\n", $1, 100 * ($5 - $3) / hz / ($4 - $2) }' >"$out/runs/$1.cpu"
}

# User ids new to the cluster for each run: the message log remembers client_msg_ids.
users=$(( ($(date +%s) / 60 % 2000) * 1000000 ))
bench() {  # [--cpu] name endpoints... -- args...
    local cpu=false
    if [[ $1 == --cpu ]]; then cpu=true; shift; fi
    local name=$1; shift
    local endpoints=()
    while [[ $1 != -- ]]; do endpoints+=(--endpoint "$1"); shift; done
    shift
    users=$((users + 1000000))
    settle
    "$build/bin/parley-bench" --protocol parley "${endpoints[@]}" --id-base "$users" \
        --warmup "${warmup}s" --duration "${duration}s" "$@" \
        --json "$out/runs/$name.json" >"$out/runs/$name.txt" 2>&1 &
    generator=$!
    if $cpu; then sample_cpu "$name" "$generator"; fi
    wait "$generator" || log "$name reported problems (see runs/$name.txt)"
    generator=""
}
private_closed=(--workload private --mode closed --users 1000 --window 8)
private_open=(--workload private --mode open --users 1000 --rate 25000)
private_open_low=(--workload private --mode open --users 1000 --rate 2000)
group=(--workload group --groups 10 --members 100 --group-senders 1 --window 32)

# Group runs also record what each node read from Kafka meanwhile.
group_bench() {  # name endpoints...
    local name=$1; shift
    local before=() n
    for n in 1 2 3; do before+=("$(received "$n")"); done
    bench "$name" "$@" -- "${group[@]}"
    local records=0 bytes=0
    for n in 1 2 3; do
        read -r r b <<<"$(received "$n")"
        read -r r0 b0 <<<"${before[$((n - 1))]}"
        records=$((records + r - r0)); bytes=$((bytes + b - b0))
    done
    echo "{\"records_received\": $records, \"bytes_received\": $bytes}" >"$out/runs/$name.traffic"
}

for log_kind in $logs; do
    start_cluster "$log_kind" interest
    e1=$(endpoint 1); e2=$(endpoint 2); e3=$(endpoint 3)
    if ! $open_only; then
        for rep in $(seq 1 "$reps"); do
            log "log $log_kind, repetition $rep"
            group_bench "group3-interest-$log_kind-r$rep" "$e1" "$e2" "$e3"
            group_bench "group2-interest-$log_kind-r$rep" "$e1" "$e2"
            bench "single-closed-$log_kind-r$rep" "$e1" -- "${private_closed[@]}"
            bench "cross-closed-$log_kind-r$rep" "$e1" "$e2" -- "${private_closed[@]}" --cross-node
        done
    fi
    # The open loops last: over capacity (with the Redis log), each leaves messages being stored
    # and pushed for a minute or more, which would land in the runs after it.
    for rep in $(seq 1 "$reps"); do
        log "log $log_kind, open loops, repetition $rep"
        bench --cpu "cross-open-$log_kind-r$rep" "$e1" "$e2" -- "${private_open[@]}" --cross-node
        bench --cpu "cross-open2k-$log_kind-r$rep" "$e1" "$e2" -- "${private_open_low[@]}" --cross-node
    done
    $open_only && continue
    start_cluster "$log_kind" broadcast
    e1=$(endpoint 1); e2=$(endpoint 2); e3=$(endpoint 3)
    for rep in $(seq 1 "$reps"); do
        group_bench "group3-broadcast-$log_kind-r$rep" "$e1" "$e2" "$e3"
        group_bench "group2-broadcast-$log_kind-r$rep" "$e1" "$e2"
    done
done
# shellcheck source=/dev/null
source "$state/services/services.env"
for rep in $(seq 1 "$reps"); do
    "$build/bin/parley-kafka-ceiling" --brokers "$PARLEY_TEST_KAFKA" --records 200000 --size 100 \
        --json "$out/runs/ceiling-r$rep.json" >"$out/runs/ceiling-r$rep.txt" 2>&1 ||
        log "the ceiling run $rep failed (see runs/ceiling-r$rep.txt)"
done
cleanup
keep_logs

# --- the report: medians over the repetitions ----------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() {  # prefix jq-expression
    for f in "$out/runs/$1"-r*.json; do [[ -f $f ]] && jq -r "$2" "$f"; done | median
}
sum_field() {  # prefix jq-expression: the sum over the repetitions
    for f in "$out/runs/$1"-r*.json; do [[ -f $f ]] && jq -r "$2" "$f"; done | awk '{ s += $1 } END { print s + 0 }'
}
# A median rounded to $2 decimals, or "-" when no run gave it (--open-only has no closed runs).
rounded() { awk -v v="$1" -v d="${2:-0}" 'BEGIN { if (v == "-") print "-"; else printf "%.*f", d, v }'; }
# The median share of process $2 over the runs named $1, in % of one core.
cpu_share() {
    for f in "$out/runs/$1"-r*.cpu; do
        [[ -f $f ]] && awk -v p="$2" '$1 == p && $2 != "-" { print $2 }' "$f"
    done | median
}
cpu_all() {  # the median over the runs named $1 of every process together
    for f in "$out/runs/$1"-r*.cpu; do [[ -f $f ]] && awk '{ s += $2 } END { print s }' "$f"; done | median
}
# "lost, duplicated" summed over the closed runs of log $1, or "-, -" when none ran.
closed_losses() {
    local f
    for f in "$out/runs/single-closed-$1"-r*.json "$out/runs/cross-closed-$1"-r*.json; do
        [[ -f $f ]] && jq -r '"\(.lost) \(.duplicated)"' "$f"
    done | awk '{ l += $1; d += $2; n++ } END { if (n) printf "%d, %d", l, d; else print "-, -" }'
}
ceiling=$(field ceiling .end_to_end_per_s)
{
    echo "# Cluster bench $(date -u +%Y-%m-%d) ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo
    echo "Medians of $reps; 1000 users, 8 in flight each (closed), 25,000 and 2,000 msgs/s (open); groups"
    echo "10 x 100 members, one sender each, 32 in flight. Log ceiling: $ceiling records/s end to end."
    echo "Route topics of $partitions partition(s), the ceiling's of 4; librdkafka properties over the transport's: {${PARLEY_CLUSTER_KAFKA_PROPERTIES:-}}."
    echo
    echo "| message log | single node closed, msgs/s | cross-node closed, msgs/s | closed runs: lost, duplicated | cross-node open 25k/s: p50 / p99 ms | open 25k/s: sent, undelivered after the drain, duplicated | cross-node open 2k/s: p50 / p99 ms |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for log_kind in $logs; do
        printf '| %s | %s | %s | %s | %s / %s | %s, %s, %s | %s / %s |\n' "$log_kind" \
            "$(rounded "$(field "single-closed-$log_kind" .throughput)")" \
            "$(rounded "$(field "cross-closed-$log_kind" .throughput)")" \
            "$(closed_losses "$log_kind")" \
            "$(rounded "$(field "cross-open-$log_kind" '.latency_us.p50 / 1000')" 1)" \
            "$(rounded "$(field "cross-open-$log_kind" '.latency_us.p99 / 1000')" 1)" \
            "$(sum_field "cross-open-$log_kind" .sent)" "$(sum_field "cross-open-$log_kind" .lost)" \
            "$(sum_field "cross-open-$log_kind" .duplicated)" \
            "$(rounded "$(field "cross-open2k-$log_kind" '.latency_us.p50 / 1000')" 1)" \
            "$(rounded "$(field "cross-open2k-$log_kind" '.latency_us.p99 / 1000')" 1)"
    done
    echo
    echo "CPU during the open loops, % of one core (medians; the machine has $(nproc) cores, $(( $(nproc) * 100 ))%):"
    echo
    echo "| message log | rate, msgs/s | node-1 | node-2 | node-3 | generator | Kafka mock | Redis | ZooKeeper | all |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for log_kind in $logs; do
        for rate in 25000 2000; do
            name=cross-open-$log_kind
            [[ $rate == 2000 ]] && name=cross-open2k-$log_kind
            printf '| %s | %s |' "$log_kind" "$rate"
            for process in node-1 node-2 node-3 generator kafka-mock redis zookeeper; do
                printf ' %s |' "$(rounded "$(cpu_share "$name" "$process")")"
            done
            printf ' %s |\n' "$(rounded "$(cpu_all "$name")")"
        done
    done
    if ! $open_only; then
        echo
        echo "| message log | group routing | members on | deliveries/s | Kafka records read per group message | Kafka bytes read per group message |"
        echo "| --- | --- | --- | ---: | ---: | ---: |"
        for log_kind in $logs; do
            for routing in interest broadcast; do
                for spread in group3 group2; do
                    name=$spread-$routing-$log_kind
                    sent=$(sum_field "$name" .sent)
                    records=0 bytes=0
                    for f in "$out/runs/$name"-r*.traffic; do
                        [[ -f $f ]] || continue
                        records=$((records + $(jq .records_received "$f")))
                        bytes=$((bytes + $(jq .bytes_received "$f")))
                    done
                    printf '| %s | %s | %s | %.0f | %s | %s |\n' "$log_kind" "$routing" \
                        "$([[ $spread == group3 ]] && echo "3 of 3 nodes" || echo "2 of 3 nodes")" \
                        "$(field "$name" .throughput)" \
                        "$(awk -v r="$records" -v s="$sent" 'BEGIN { if (s > 0) printf "%.2f", r / s; else print "-" }')" \
                        "$(awk -v b="$bytes" -v s="$sent" 'BEGIN { if (s > 0) printf "%.0f", b / s; else print "-" }')"
                done
            done
        done
    fi
} >"$out/results.md"
cat "$out/results.md"
log "done: $out/results.md"
