#!/usr/bin/env bash
# Starts and stops the backends a cluster needs, on free loopback ports, with throw-away data:
# redis-server (append-only file fsynced on every write, in STATE_DIR/redis), a ZooKeeper server
# and the Kafka mock (parley-kafka-mock, from the build).
#
#   services.sh start STATE_DIR         start all three; write STATE_DIR/services.env
#   services.sh stop STATE_DIR          stop what `start` started there (by pid), remove its data
#   services.sh down STATE_DIR NAME     stop redis or zookeeper alone, keeping its data and port
#   services.sh up STATE_DIR NAME       start it again on the same port, from the same data
#   services.sh kafka STATE_DIR down|up BROKER   a Kafka mock broker (1..3, or all) down or up
#
# PARLEY_KAFKA_MOCK_TOPICS="NAME:PARTITIONS ..." has the mock create those topics before it is
# ready; others are created on first use with 4 partitions.
#
# services.env defines PARLEY_TEST_REDIS, PARLEY_TEST_ZOOKEEPER and PARLEY_TEST_KAFKA
# ("host:port" lists). `start` fails, after stopping what it had started, when a server does not
# come up: nothing that needs these servers should run without them. The Kafka mock reads its
# commands (docs/kafka-mock.md) from the FIFO STATE_DIR/kafka-mock.in and answers in
# STATE_DIR/kafka-mock.log; `down`, `up` and `kafka` exist for fault injection (scripts/faults.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}

usage() {
    echo "usage: $0 start|stop STATE_DIR | down|up STATE_DIR redis|zookeeper" \
        "| kafka STATE_DIR down|up BROKER" >&2
    exit 2
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

# The port a running service was given, from services.env.
service_port() {
    sed -n "s/^$1=127.0.0.1://p" "$state/services.env"
}

# run_redis PORT: as durable as message-log-redis needs (docs/plugins/message-log-redis.md):
# every write is in the append-only file, fsynced, before Redis answers; no RDB snapshots of its
# own. `up` after `down` finds the data again in the same directory.
run_redis() {
    mkdir -p "$state/redis"
    redis-server --port "$1" --bind 127.0.0.1 --save "" \
        --appendonly yes --appendfsync always \
        --dir "$state/redis" --daemonize no >>"$state/redis.log" 2>&1 &
    echo $! >"$state/redis.pid"
    wait_for_port redis-server "$1" "$!" "$state/redis.log"
}

# start_on_free_port NAME RUN LOG: RUN PORT on a free port, and on another one when the server
# found its port taken after all (someone bound it between the probe and the server's bind);
# prints the port it got. Any other failure is final.
start_on_free_port() {
    local name=$1 run=$2 log=$3 port attempt logged
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        logged=$(stat -c %s "$log" 2>/dev/null || echo 0)
        if "$run" "$port" >&2; then
            echo "$port"
            return
        fi
        if ! tail -c +"$((logged + 1))" "$log" 2>/dev/null | grep -qi "address already in use"; then
            return 1
        fi
        echo "services: $name found port $port taken (attempt $attempt); trying another" >&2
    done
    return 1
}

start_redis() {
    local port
    port=$(start_on_free_port redis run_redis "$state/redis.log")
    echo "PARLEY_TEST_REDIS=127.0.0.1:$port" >>"$state/services.env"
}

run_zookeeper() {
    "$root/scripts/services/zookeeper.sh" start "$1" "$state/zookeeper" \
        "$state/zookeeper.pid" >>"$state/zookeeper.log" 2>&1
    wait_for_port ZooKeeper "$1" "$(cat "$state/zookeeper.pid")" "$state/zookeeper.log"
}

start_zookeeper() {
    local port
    port=$(start_on_free_port ZooKeeper run_zookeeper "$state/zookeeper.log")
    echo "PARLEY_TEST_ZOOKEEPER=127.0.0.1:$port" >>"$state/services.env"
}

# The mock's stdin is a FIFO it opens for reading and writing itself, so it never sees the end
# of input and anyone may write commands to it, one line each.
start_kafka_mock() {
    local ready=$state/kafka-mock.ready control=$state/kafka-mock.in
    rm -f "$control"
    mkfifo "$control"
    local topics=() topic
    for topic in ${PARLEY_KAFKA_MOCK_TOPICS:-}; do topics+=(--topic "$topic"); done
    "$build/bin/parley-kafka-mock" --brokers 3 "${topics[@]}" --ready-file "$ready" \
        <>"$control" >"$state/kafka-mock.log" 2>&1 &
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

# kafka_command down|up BROKER: sends it and waits for the mock's answer.
kafka_command() {
    local log=$state/kafka-mock.log before
    if [[ ! -p $state/kafka-mock.in ]] || ! kill -0 "$(cat "$state/kafka-mock.pid")" 2>/dev/null; then
        echo "services: no Kafka mock runs in $state" >&2
        return 1
    fi
    before=$(grep -c '' "$log" || true)
    echo "$1 $2" >"$state/kafka-mock.in"
    for _ in $(seq 100); do
        if tail -n +"$((before + 1))" "$log" | grep -q "^ok $1 $2\$"; then
            return
        fi
        if tail -n +"$((before + 1))" "$log" | grep -q "^error"; then
            tail -n +"$((before + 1))" "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "services: the Kafka mock did not answer '$1 $2' within 10 s" >&2
    return 1
}

service_down() {
    local pid
    case $1 in
        redis)
            [[ -f $state/redis.pid ]] || return 0
            pid=$(cat "$state/redis.pid")
            redis-cli -p "$(service_port PARLEY_TEST_REDIS)" shutdown save >/dev/null 2>&1 || true
            stop_pid "$pid" 10
            rm -f "$state/redis.pid"
            ;;
        zookeeper) "$root/scripts/services/zookeeper.sh" stop "$state/zookeeper.pid" ;;
        *) usage ;;
    esac
}

service_up() {
    case $1 in
        redis) run_redis "$(service_port PARLEY_TEST_REDIS)" ;;
        zookeeper) run_zookeeper "$(service_port PARLEY_TEST_ZOOKEEPER)" ;;
        *) usage ;;
    esac
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
    rm -f "$state/kafka-mock.in"
}

(($# >= 2)) || usage
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
    down | up)
        (($# == 3)) || usage
        state=$(cd "$state" && pwd)
        "service_$1" "$3"
        ;;
    kafka)
        (($# == 4)) || usage
        [[ $3 == down || $3 == up ]] || usage
        state=$(cd "$state" && pwd)
        kafka_command "$3" "$4"
        ;;
    *) usage ;;
esac
