#!/usr/bin/env bash
# A local 3-node Parley cluster on loopback, with all its backends: redis-server, a ZooKeeper
# server and the Kafka mock on free ports, and parleyd nodes node-1..3 on 127.0.0.1:7401-7403
# (config/cluster.yaml plus config/cluster/node-N.yaml).
#
#   scripts/cluster.sh start     build if needed, start backends and nodes, print how to chat
#   scripts/cluster.sh stop      stop the nodes, then the backends (only what `start` started)
#   scripts/cluster.sh status    which nodes run
#   scripts/cluster.sh kill N    kill -9 node N, to watch its clients fail over
#
# State, logs and a client configuration live in .cluster/ at the repository's root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}
state=$root/.cluster
nodes=(1 2 3)

node_running() {
    [[ -f $state/node-$1.pid ]] && kill -0 "$(cat "$state/node-$1.pid")" 2>/dev/null
}

write_overlays() {
    # shellcheck source=/dev/null
    source "$state/services/services.env"
    cat >"$state/backends.yaml" <<YAML
# The local backends started by scripts/cluster.sh.
transport:
  settings:
    brokers: "$PARLEY_TEST_KAFKA"
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
        -c "$state/backends.yaml" --ready-file "$ready" >"$state/node-$n.log" 2>&1 &
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
    "$root/scripts/build.sh"
    mkdir -p "$state"
    trap 'stop_nodes; "$root/scripts/services.sh" stop "$state/services"; rm -rf "$state/services"' ERR
    "$root/scripts/services.sh" start "$state/services"
    write_overlays
    for n in "${nodes[@]}"; do
        start_node "$n"
        echo "cluster: node-$n ready on 127.0.0.1:740$n (log: .cluster/node-$n.log)"
    done
    trap - ERR
    cat <<TEXT

The cluster is up. Chat across nodes from two terminals:

  $build/bin/parley-cli --server 127.0.0.1:7401 --user 1
  $build/bin/parley-cli --server 127.0.0.1:7402 --user 2

then type "/msg 2 hello" in the first. Or let the client find a node in ZooKeeper:

  $build/bin/parley-cli -c .cluster/client.yaml --user 3

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
            echo "node-$n: running (pid $(cat "$state/node-$n.pid"), 127.0.0.1:740$n)"
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

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    kill) shift; cmd_kill "$@" ;;
    *) echo "usage: $0 start|stop|status|kill N" >&2; exit 2 ;;
esac
