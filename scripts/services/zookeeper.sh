#!/usr/bin/env bash
# A standalone ZooKeeper server on 127.0.0.1, from Debian's `zookeeper` package, for tests and
# local clusters. The tests (tests/support/zookeeper_server.cpp) run it with `run`; the test
# command and scripts/cluster.sh (through scripts/services.sh) use `start` and `stop`.
#
#   zookeeper.sh run PORT DATA_DIR                in the foreground: execs java, so the pid is the
#                                                 server's own
#   zookeeper.sh start PORT DATA_DIR PID_FILE     in the background; returns once it serves.
#                                                 Its log is DATA_DIR/zookeeper.log.
#   zookeeper.sh stop PID_FILE                    SIGTERM that pid, SIGKILL after 10 s
#
# The server ticks every $PARLEY_ZOOKEEPER_TICK_MS ms (default 100), so sessions may last from
# two ticks (200 ms) to 60 s and a test's session expiry takes a fraction of a second. Set
# $PARLEY_ZOOKEEPER_CLASSPATH to use another ZooKeeper installation.
set -euo pipefail
# shellcheck source=scripts/lib/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/process.sh"

usage() {
    echo "usage: $0 run PORT DATA_DIR | start PORT DATA_DIR PID_FILE | stop PID_FILE" >&2
    exit 2
}

die() {
    echo "zookeeper.sh: $*" >&2
    exit 1
}

# The server jar from Debian's libzookeeper-java (its manifest names the jars it needs) and
# slf4j-simple, so the server logs to stdout instead of nowhere.
classpath() {
    if [[ -n ${PARLEY_ZOOKEEPER_CLASSPATH:-} ]]; then
        echo "$PARLEY_ZOOKEEPER_CLASSPATH"
        return
    fi
    local jar=/usr/share/java/zookeeper.jar logger=/usr/share/java/slf4j-simple.jar
    [[ -f $jar ]] || die "$jar not found: install Debian's zookeeper package" \
        "(scripts/install-deps.sh --services) or set PARLEY_ZOOKEEPER_CLASSPATH"
    if [[ -f $logger ]]; then
        echo "$jar:$logger"
    else
        echo "$jar"
    fi
}

check_port() {
    if [[ ! $1 =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > 65535)); then
        die "bad port '$1'"
    fi
}

write_config() {
    local port=$1 data=$2 tick=${PARLEY_ZOOKEEPER_TICK_MS:-100}
    cat >"$data/zoo.cfg" <<CFG
tickTime=$tick
minSessionTimeout=$((2 * tick))
maxSessionTimeout=60000
dataDir=$data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok
preAllocSize=1024
snapCount=10000
CFG
}

cmd_run() {
    (($# == 2)) || usage
    local port=$1 data=$2
    check_port "$port"
    command -v java >/dev/null || die "java not found: install openjdk-17-jre-headless"
    mkdir -p "$data"
    data=$(cd "$data" && pwd)
    write_config "$port" "$data"
    exec java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Djava.awt.headless=true -Dzookeeper.forceSync=no \
        -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
        -cp "$(classpath)" org.apache.zookeeper.server.ZooKeeperServerMain "$data/zoo.cfg"
}

# True once the server answers the `srvr` four-letter command as a serving standalone server.
serving() {
    local reply
    reply=$(
        { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || exit 1
        printf srvr >&3
        timeout 2 cat <&3
    ) || return 1
    [[ $reply == *"Mode: standalone"* ]]
}

cmd_start() {
    (($# == 3)) || usage
    local port=$1 data=$2 pid_file=$3 pid
    check_port "$port"
    mkdir -p "$data"
    data=$(cd "$data" && pwd)
    "$0" run "$port" "$data" </dev/null >"$data/zookeeper.log" 2>&1 &
    pid=$!
    echo "$pid" >"$pid_file"
    for _ in $(seq 300); do
        if serving "$port"; then
            echo "zookeeper.sh: serving on 127.0.0.1:$port (pid $pid, data $data)"
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$data/zookeeper.log" >&2
            die "the server exited before it served on port $port"
        fi
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    cat "$data/zookeeper.log" >&2
    die "the server did not serve on port $port within 30 s"
}

cmd_stop() {
    (($# == 1)) || usage
    local pid_file=$1 pid
    [[ -f $pid_file ]] || return 0
    pid=$(cat "$pid_file")
    stop_pid "$pid" 10
    rm -f "$pid_file"
}

(($# >= 1)) || usage
command=$1
shift
case $command in
    run) cmd_run "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    *) usage ;;
esac
