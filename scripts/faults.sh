#!/usr/bin/env bash
# shellcheck disable=SC2317  # begin_KIND and end_KIND are called by name
# The fault-injection suite (docs/reliability.md): a local 3-node cluster (scripts/cluster.sh,
# on free ports, state in OUT/cluster), steady private and group traffic from
# parley-fault-load, rounds of faults, then parley-fault-check's verdict.
#
#   scripts/faults.sh [--rounds N] [--kinds LIST] [--seed N] [--duration SECONDS] [--out DIR]
#                     [--hold KIND=SECONDS] [--users N] [--rate R] [--baseline SECONDS]
#                     [--drain SECONDS] [--tolerate LIST]
#
# Kinds: kill (kill -9 a node, start it again), stop (SIGSTOP a node past the ZooKeeper and
# Kafka session time-outs, then SIGCONT), redis (restart Redis), zookeeper (restart ZooKeeper),
# kafka-broker (one Kafka broker down, then up), kafka-all (every broker down, then up), double
# (two of the others at once). A round lasts --duration seconds: the fault, held for its kind's
# time, then the recovery. Rounds cycle through the kinds in an order the seed shuffles.
#
# OUT gets events.log (every client event), timeline.txt (every fault: ROUND KIND TARGET
# START_MS END_MS), report.txt and report.json (the table), anomalies.txt (each finding) and
# the cluster's logs. Exit status: the checker's (0 clean, 1 findings that break the guarantee
# and are not tolerated, 2 an error), or 3 when the cluster or the traffic did not start.
# Needs a build (parleyd, its plugins, parley-kafka-mock, parley-fault-load, parley-fault-check).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PARLEY_BUILD_DIR:-$root/build}
all_kinds=(kill stop redis zookeeper kafka-broker kafka-all double)
single_kinds=(kill stop redis zookeeper kafka-broker kafka-all)
# How long each kind holds its fault. A stop outlasts the 10 s ZooKeeper session and Kafka
# consumer session time-outs of config/cluster.yaml.
declare -A hold=([kill]=5 [stop]=15 [redis]=5 [zookeeper]=5 [kafka-broker]=10 [kafka-all]=10)

rounds=7
kinds=all
seed=1
duration=45
out=""
users=24
rate=2
baseline=10
drain=15
tolerate=""

usage() {
    sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

while (($#)); do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --kinds) kinds=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --baseline) baseline=$2; shift 2 ;;
        --drain) drain=$2; shift 2 ;;
        --tolerate) tolerate=$2; shift 2 ;;
        --hold)
            [[ $2 =~ ^([a-z-]+)=([0-9]+)$ && -n ${hold[${BASH_REMATCH[1]}]:-} ]] || {
                echo "faults: --hold takes KIND=SECONDS for one of: ${single_kinds[*]}" >&2
                exit 2
            }
            hold[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
            shift 2
            ;;
        -h | --help) usage ;;
        *) echo "faults: unknown option '$1'" >&2; usage ;;
    esac
done

if [[ $kinds == all ]]; then
    chosen=("${all_kinds[@]}")
else
    IFS=, read -r -a chosen <<<"$kinds"
fi
for kind in "${chosen[@]}"; do
    [[ " ${all_kinds[*]} " == *" $kind "* ]] || {
        echo "faults: unknown kind '$kind' (${all_kinds[*]})" >&2
        exit 2
    }
done
for program in parleyd parley-kafka-mock parley-fault-load parley-fault-check; do
    [[ -x $build/bin/$program ]] || {
        echo "faults: $build/bin/$program is missing; build first (scripts/build.sh)" >&2
        exit 3
    }
done

out=${out:-$root/.faults/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/events.log" "$out/timeline.txt" "$out/stop"
export PARLEY_CLUSTER_DIR=$out/cluster PARLEY_CLUSTER_PORTS=auto PARLEY_CLUSTER_BUILD=0
RANDOM=$seed

say() { echo "faults: $(date +%T) $*"; }
cluster() { "$root/scripts/cluster.sh" "$@" >>"$out/cluster.log" 2>&1; }
now_ms() { date +%s%3N; }

load_pid=""
started=0
cleanup() {
    if [[ -n $load_pid ]] && kill -0 "$load_pid" 2>/dev/null; then
        kill "$load_pid" 2>/dev/null || true
        wait "$load_pid" 2>/dev/null || true
    fi
    if ((started)); then
        cluster stop || true
    fi
}
trap cleanup EXIT

# --- faults: begin_KIND picks a target and breaks it; end_KIND mends it -----------------------
declare -A target

begin_kill() {
    local n=$1
    target[kill]=node-$n
    cluster kill "$n"
}
end_kill() { start_node "${target[kill]#node-}"; }

# Not `status | grep -q`: grep's early exit fails the pipeline under pipefail.
node_up() {
    local status
    status=$("$root/scripts/cluster.sh" status)
    [[ $status == *"node-$1: running"* ]]
}

# start_node N: starts node N, again if it gave up (a node whose Kafka route is still held by
# the others may not get its partitions within startup_timeout and exit), as a supervisor
# would. Fails after three tries.
start_node() {
    local try
    for try in 1 2 3; do
        cluster start-node "$1" && return
        say "node-$1 did not start (try $try; see $PARLEY_CLUSTER_DIR/node-$1.log)"
        if node_up "$1"; then
            cluster stop-node "$1" || true
        fi
        sleep 5
    done
    return 1
}

# Before a round: every node runs, whatever the last round left behind.
ensure_nodes() {
    local n
    for n in 1 2 3; do
        if ! node_up "$n"; then
            say "node-$n is not running; starting it"
            start_node "$n" || say "node-$n could not be started"
        fi
    done
}
begin_stop() {
    local n=$1
    target[stop]=node-$n
    cluster pause "$n"
}
end_stop() { cluster resume "${target[stop]#node-}"; }
begin_redis() { target[redis]=redis; cluster backend down redis; }
end_redis() { cluster backend up redis; }
begin_zookeeper() { target[zookeeper]=zookeeper; cluster backend down zookeeper; }
end_zookeeper() { cluster backend up zookeeper; }
begin_kafka-broker() {
    local b=$((RANDOM % 3 + 1))
    target[kafka-broker]=broker-$b
    cluster kafka down "$b"
}
end_kafka-broker() { cluster kafka up "${target[kafka-broker]#broker-}"; }
begin_kafka-all() { target[kafka-all]=brokers; cluster kafka down all; }
end_kafka-all() { cluster kafka up all; }

# The kinds a round applies, into `parts`: one, or two for double. Node faults come first, so
# they are mended last, once the backends a starting node needs are back. RANDOM is only drawn
# in this shell (a subshell would reseed it), so a seed replays the same run.
pick_parts() {
    local kind=$1 first second k
    parts=()
    if [[ $kind != double ]]; then
        parts=("$kind")
        return
    fi
    first=${single_kinds[RANDOM % ${#single_kinds[@]}]}
    while :; do
        second=${single_kinds[RANDOM % ${#single_kinds[@]}]}
        [[ $second != "$first" ]] || continue
        # Two Kafka faults at once are one fault.
        [[ $first == kafka-* && $second == kafka-* ]] && continue
        break
    done
    for k in "${single_kinds[@]}"; do
        if [[ $k == "$first" || $k == "$second" ]]; then
            parts+=("$k")
        fi
    done
}

# Each kind once per cycle, in an order the seed shuffles, into `order`.
shuffle_kinds() {
    local i j swap
    order=("${chosen[@]}")
    for ((i = ${#order[@]} - 1; i > 0; i--)); do
        j=$((RANDOM % (i + 1)))
        swap=${order[i]}
        order[i]=${order[j]}
        order[j]=$swap
    done
}

run_round() {
    local number=$1 kind=$2 start end longest=0 k n i node=$((RANDOM % 3 + 1)) names=""
    pick_parts "$kind"
    ensure_nodes
    start=$(now_ms)
    for k in "${parts[@]}"; do
        n=$node
        # kill and stop together hit two different nodes.
        [[ $k == stop && " ${parts[*]} " == *" kill "* ]] && n=$((node % 3 + 1))
        # A fault that could not be made is recorded as such; the run goes on.
        local made=""
        "begin_$k" "$n" || { say "could not begin $k"; made="!failed"; }
        if ((${hold[$k]} > longest)); then longest=${hold[$k]}; fi
        names+=${names:+"+"}$k:${target[$k]}$made
    done
    say "round $number: $kind ($names), held ${longest}s"
    sleep "$longest"
    for ((i = ${#parts[@]} - 1; i >= 0; i--)); do
        "end_${parts[i]}" || say "could not end ${parts[i]}"
    done
    end=$(now_ms)
    echo "$number $kind $names $start $end" >>"$out/timeline.txt"
    local rest=$((duration - (end - start) / 1000))
    if ((rest < 10)); then rest=10; fi
    sleep "$rest"
}

# --- the run -------------------------------------------------------------------------------
say "output in $out"
started=1
if ! cluster start; then
    echo "faults: the cluster did not start; see $out/cluster.log" >&2
    exit 3
fi
say "cluster up: $(grep -c 'ready on' "$out/cluster.log") nodes"

"$build/bin/parley-fault-load" --config "$PARLEY_CLUSTER_DIR/client.yaml" \
    --events "$out/events.log" --stop-file "$out/stop" --users "$users" --rate "$rate" \
    --seed "$seed" --drain "$drain" >"$out/fault-load.log" 2>&1 &
load_pid=$!
for _ in $(seq 900); do
    grep -q ' phase traffic$' "$out/events.log" 2>/dev/null && break
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q ' phase traffic$' "$out/events.log" 2>/dev/null; then
    echo "faults: the traffic did not start; see $out/fault-load.log" >&2
    exit 3
fi
say "traffic flowing ($users users, $rate msg/s each); baseline ${baseline}s"
sleep "$baseline"

echo "# round kind targets start_ms end_ms" >"$out/timeline.txt"
order=()
parts=()
for ((r = 0; r < rounds; r++)); do
    if ((r % ${#chosen[@]} == 0)); then
        shuffle_kinds
    fi
    run_round "$((r + 1))" "${order[r % ${#chosen[@]}]}"
done

say "traffic stops; draining ${drain}s"
touch "$out/stop"
wait "$load_pid" || say "parley-fault-load exited with $?"
load_pid=""
cluster stop
started=0

holds=""
for k in "${single_kinds[@]}"; do holds+=" $k=${hold[$k]}"; done
parameters="$rounds rounds of ${chosen[*]}; seed $seed; ${duration}s a round; held (s):$holds;"
parameters+=" $users users at $rate msg/s"
parameters+=" each; 3 nodes, 3 Kafka brokers, routes of ${PARLEY_CLUSTER_PARTITIONS:-1} partition(s);"
parameters+=" $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
status=0
"$build/bin/parley-fault-check" --events "$out/events.log" --timeline "$out/timeline.txt" \
    --report "$out/report.txt" --json "$out/report.json" --anomalies "$out/anomalies.txt" \
    --parameters "$parameters" ${tolerate:+--tolerate "$tolerate"} || status=$?
cat "$out/report.txt"
say "report: $out/report.txt (findings: $out/anomalies.txt); exit $status"
exit "$status"
