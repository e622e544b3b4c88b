#!/usr/bin/env bash
# Starts and stops the backends a cluster needs, on free loopback ports, with throw-away data:
# redis-server (append-only file fsynced on every write, in STATE_DIR/redis), a ZooKeeper server
# and the Kafka mock (parley-kafka-mock, from the build).
#
#   services.sh start STATE_DIR   start all three; write STATE_DIR/services.env
#   services.sh stop STATE_DIR    stop what `start` started there (by pid), remove its data
#
# services.env defines PARLEY_TEST_REDIS, PARLEY_TEST_ZOOKEEPER and PARLEY_TEST_KAFKA
# ("host:port" lists). `start` fails, after stopping what it had started, when a server does not
# come up: nothing that needs these servers should run without them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}

usage() {
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
}

# A loopback port nothing listens on right now.
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "services: no free loopback port found" >&2
    return 1
}

wait_for_port() {
    local name=$1 port=$2 pid=$3 log=$4
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "services: $name exited before it listened on port $port; its log:" >&2
            cat "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "services: $name did not listen on port $port within 30 s; its log:" >&2
    cat "$log" >&2
    return 1
}

start_redis() {
    local port
    port=$(free_port)
    mkdir -p "$state/redis"
    # As durable as message-log-redis needs (docs/plugins/message-log-redis.md): every write is
    # in the append-only file, fsynced, before Redis answers. No RDB snapshots.
    redis-server --port "$port" --bind 127.0.0.1 --save "" \
        --appendonly yes --appendfsync always \
        --dir "$state/redis" --daemonize no >"$state/redis.log" 2>&1 &
    echo $! >"$state/redis.pid"
    wait_for_port redis-server "$port" "$!" "$state/redis.log"
    echo "PARLEY_TEST_REDIS=127.0.0.1:$port" >>"$state/services.env"
}

start_zookeeper() {
    local port
    port=$(free_port)
    "$root/scripts/services/zookeeper.sh" start "$port" "$state/zookeeper" \
        "$state/zookeeper.pid" >"$state/zookeeper.log" 2>&1
    wait_for_port ZooKeeper "$port" "$(cat "$state/zookeeper.pid")" "$state/zookeeper.log"
    echo "PARLEY_TEST_ZOOKEEPER=127.0.0.1:$port" >>"$state/services.env"
}

start_kafka_mock() {
    local ready=$state/kafka-mock.ready
    "$build/bin/parley-kafka-mock" --brokers 3 --ready-file "$ready" \
        </dev/null >"$state/kafka-mock.log" 2>&1 &
    echo $! >"$state/kafka-mock.pid"
    for _ in $(seq 100); do
        if [[ -f $ready ]]; then
            echo "PARLEY_TEST_KAFKA=$(sed -n 's/^bootstrap=//p' "$ready")" >>"$state/services.env"
            return
        fi
        if ! kill -0 "$(cat "$state/kafka-mock.pid")" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "services: the Kafka mock did not start; its log:" >&2
    cat "$state/kafka-mock.log" >&2
    return 1
}

stop_all() {
    local name pid
    for name in kafka-mock zookeeper redis; do
        [[ -f $state/$name.pid ]] || continue
        pid=$(cat "$state/$name.pid")
        stop_pid "$pid"
        rm -f "$state/$name.pid"
    done
    rm -rf "$state/redis" "$state/zookeeper"
}

(($# == 2)) || usage
state=$2
case $1 in
    start)
        mkdir -p "$state"
        state=$(cd "$state" && pwd)
        : >"$state/services.env"
        trap 'stop_all' ERR
        start_redis
        start_zookeeper
        start_kafka_mock
        trap - ERR
        echo "services: started (see $state/services.env)"
        ;;
    stop)
        [[ -d $state ]] || exit 0
        state=$(cd "$state" && pwd)
        stop_all
        ;;
    *) usage ;;
esac
