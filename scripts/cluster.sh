#!/usr/bin/env bash
# A local 3-node Parley cluster on loopback, with all its backends: redis-server, a ZooKeeper
# server and the Kafka mock on free ports, and parleyd nodes node-1..3 on 127.0.0.1:7401-7403
# (config/cluster.yaml plus config/cluster/node-N.yaml).
#
#   scripts/cluster.sh start          build if needed, start backends and nodes, print how to chat
#   scripts/cluster.sh stop           stop the nodes, then the backends (only what `start` started)
#   scripts/cluster.sh status         which nodes run
#   scripts/cluster.sh kill N         kill -9 node N, to watch its clients fail over
#   scripts/cluster.sh stop-node N    stop node N cleanly (SIGTERM)
#   scripts/cluster.sh start-node N   start node N again; returns once it is ready
#   scripts/cluster.sh restart N      stop-node N, then start-node N
#   scripts/cluster.sh pause N        SIGSTOP node N; `resume N` sends SIGCONT
#   scripts/cluster.sh backend down|up redis|zookeeper   stop a backend, or start it again
#   scripts/cluster.sh kafka down|up BROKER              a Kafka broker (1..3 or all)
#
# State, logs and a client configuration live in .cluster/ at the repository's root, or in
# $PARLEY_CLUSTER_DIR. Nodes listen on 127.0.0.1:7401-7403, or on free ports with
# PARLEY_CLUSTER_PORTS=auto (the ports are in node-N.yaml in the state directory).
# PARLEY_CLUSTER_BUILD=0 makes `start` use the build as it is.
# PARLEY_CLUSTER_KAFKA_PROPERTIES adds librdkafka properties to every node's transport, as YAML
# map entries: PARLEY_CLUSTER_KAFKA_PROPERTIES='fetch.wait.max.ms: 500, linger.ms: 1' puts back
# librdkafka's fetch wait and the transport's former linger over the defaults, to compare.
# The Kafka mock names no controller, so the nodes cannot create their topics with the
# transport's `partitions` (1) as they do on Kafka: the mock creates them so before the nodes
# start. PARLEY_CLUSTER_PARTITIONS=N gives them N partitions instead, to compare;
# PARLEY_KAFKA_MOCK_TOPICS="NAME:PARTITIONS ..." adds topics of its own (scripts/services.sh).
# PARLEY_CLUSTER_CONFIG=FILE lays one more configuration file over every node's (last), e.g. to
# run the nodes without a message log.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}
state=${PARLEY_CLUSTER_DIR:-$root/.cluster}
nodes=(1 2 3)

node_running() {
    [[ -f $state/node-$1.pid ]] && kill -0 "$(cat "$state/node-$1.pid")" 2>/dev/null
}

node_port() {
    sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$state/node-$1.yaml"
}

# Each node's listen address, as an overlay over config/cluster/node-N.yaml.
write_listen_overlays() {
    local n port
    for n in "${nodes[@]}"; do
        if [[ ${PARLEY_CLUSTER_PORTS:-} == auto ]]; then
            port=$(free_port)
        else
            port=$((7400 + n))
        fi
        cat >"$state/node-$n.yaml" <<YAML
# Where node-$n listens (scripts/cluster.sh).
server:
  listen: ["127.0.0.1:$port"]
YAML
    done
}

# The cluster's topics (config/cluster.yaml's topic_prefix "parley."; an overlay that changes
# the prefix gets the mock's 4 partitions), as NAME:PARTITIONS.
mock_topics() {
    local n partitions=${PARLEY_CLUSTER_PARTITIONS:-1}
    for n in "${nodes[@]}"; do echo "parley.node.node-$n:$partitions"; done
    echo "parley.groups:$partitions"
}

write_overlays() {
    # shellcheck source=/dev/null
    source "$state/services/services.env"
    cat >"$state/backends.yaml" <<YAML
# The local backends started by scripts/cluster.sh.
transport:
  settings:
    brokers: "$PARLEY_TEST_KAFKA"
    properties: {${PARLEY_CLUSTER_KAFKA_PROPERTIES:-}}
registry:
  settings:
    connect: "$PARLEY_TEST_ZOOKEEPER"
store:
  settings:
    address: "$PARLEY_TEST_REDIS"
message_log:
  settings:
    address: "$PARLEY_TEST_REDIS"
YAML
    cat >"$state/client.yaml" <<YAML
# parley-cli -c .cluster/client.yaml --user N: find the nodes in ZooKeeper, pick the least loaded.
registry:
  plugin: zookeeper
  settings:
    connect: "$PARLEY_TEST_ZOOKEEPER"
    root: /parley
policy: least-loaded
YAML
}

start_node() {
    local n=$1 ready=$state/node-$1.ready
    rm -f "$ready"
    "$build/bin/parleyd" -c "$root/config/cluster.yaml" -c "$root/config/cluster/node-$n.yaml" \
        -c "$state/backends.yaml" -c "$state/node-$n.yaml" ${PARLEY_CLUSTER_CONFIG:+-c "$PARLEY_CLUSTER_CONFIG"} \
        --ready-file "$ready" >>"$state/node-$n.log" 2>&1 &
    echo $! >"$state/node-$n.pid"
    for _ in $(seq 300); do
        [[ -f $ready ]] && return
        if ! node_running "$n"; then
            echo "cluster: node-$n exited at start-up; its log:" >&2
            cat "$state/node-$n.log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "cluster: node-$n not ready after 30 s; see $state/node-$n.log" >&2
    return 1
}

stop_nodes() {
    local n pid
    for n in "${nodes[@]}"; do
        node_running "$n" || { rm -f "$state/node-$n.pid"; continue; }
        pid=$(cat "$state/node-$n.pid")
        kill -CONT "$pid" 2>/dev/null || true  # a paused node cannot hear SIGTERM
        stop_pid "$pid" 10
        rm -f "$state/node-$n.pid"
    done
}

cmd_start() {
    if [[ -d $state/services ]]; then
        echo "cluster: already started (scripts/cluster.sh stop first)" >&2
        exit 1
    fi
    "$root/scripts/install-deps.sh" --services
    if [[ ${PARLEY_CLUSTER_BUILD:-1} != 0 ]]; then
        "$root/scripts/build.sh"
    fi
    mkdir -p "$state"
    rm -f "$state"/node-*.log
    trap 'stop_nodes; "$root/scripts/services.sh" stop "$state/services"; rm -rf "$state/services"' ERR
    PARLEY_KAFKA_MOCK_TOPICS="$(mock_topics) ${PARLEY_KAFKA_MOCK_TOPICS:-}" \
        "$root/scripts/services.sh" start "$state/services"
    write_overlays
    write_listen_overlays
    for n in "${nodes[@]}"; do
        start_node "$n"
        echo "cluster: node-$n ready on 127.0.0.1:$(node_port "$n") (log: $state/node-$n.log)"
    done
    trap - ERR
    cat <<TEXT

The cluster is up. Chat across nodes from two terminals:

  $build/bin/parley-cli --server 127.0.0.1:$(node_port 1) --user 1
  $build/bin/parley-cli --server 127.0.0.1:$(node_port 2) --user 2

then type "/msg 2 hello" in the first. Or let the client find a node in ZooKeeper:

  $build/bin/parley-cli -c $state/client.yaml --user 3

Stop everything with: scripts/cluster.sh stop
TEXT
}

cmd_stop() {
    stop_nodes
    "$root/scripts/services.sh" stop "$state/services"
    rm -rf "$state/services"
    echo "cluster: stopped"
}

cmd_status() {
    for n in "${nodes[@]}"; do
        if node_running "$n"; then
            echo "node-$n: running (pid $(cat "$state/node-$n.pid"), 127.0.0.1:$(node_port "$n"))"
        else
            echo "node-$n: stopped"
        fi
    done
}

cmd_kill() {
    local n=${1:?which node? 1, 2 or 3}
    node_running "$n" || { echo "cluster: node-$n is not running" >&2; exit 1; }
    kill -9 "$(cat "$state/node-$n.pid")"
    rm -f "$state/node-$n.pid"
    echo "cluster: node-$n killed"
}

node_arg() {
    [[ ${1:-} =~ ^[123]$ ]] || { echo "cluster: which node? 1, 2 or 3" >&2; exit 2; }
    [[ -d $state/services ]] || { echo "cluster: not started" >&2; exit 1; }
}

cmd_stop_node() {
    node_arg "${1:-}"
    node_running "$1" || { echo "cluster: node-$1 is not running" >&2; exit 1; }
    kill -CONT "$(cat "$state/node-$1.pid")" 2>/dev/null || true
    stop_pid "$(cat "$state/node-$1.pid")" 10
    rm -f "$state/node-$1.pid"
    echo "cluster: node-$1 stopped"
}

cmd_start_node() {
    node_arg "${1:-}"
    node_running "$1" && { echo "cluster: node-$1 is already running" >&2; exit 1; }
    start_node "$1"
    echo "cluster: node-$1 ready on 127.0.0.1:$(node_port "$1")"
}

# signal_node N SIGNAL: SIGSTOP or SIGCONT, to freeze a node past its session time-outs.
signal_node() {
    node_arg "${1:-}"
    node_running "$1" || { echo "cluster: node-$1 is not running" >&2; exit 1; }
    kill "-$2" "$(cat "$state/node-$1.pid")"
    echo "cluster: node-$1 got SIG$2"
}

usage() {
    echo "usage: $0 start|stop|status | kill|stop-node|start-node|restart|pause|resume N" \
        "| backend down|up redis|zookeeper | kafka down|up BROKER" >&2
    exit 2
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    kill) shift; cmd_kill "$@" ;;
    stop-node) cmd_stop_node "${2:-}" ;;
    start-node) cmd_start_node "${2:-}" ;;
    restart) cmd_stop_node "${2:-}"; cmd_start_node "${2:-}" ;;
    pause) signal_node "${2:-}" STOP ;;
    resume) signal_node "${2:-}" CONT ;;
    backend)
        [[ ${2:-} == down || ${2:-} == up ]] || usage
        "$root/scripts/services.sh" "$2" "$state/services" "${3:-}"
        ;;
    kafka)
        [[ ${2:-} == down || ${2:-} == up ]] || usage
        "$root/scripts/services.sh" kafka "$state/services" "$2" "${3:-}"
        ;;
    *) usage ;;
esac
