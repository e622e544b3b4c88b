# shellcheck shell=bash
# Shell helpers shared by the scripts that start and stop servers. Source, don't run.

# stop_pid PID [SECONDS]: SIGTERM, wait up to SECONDS (default 5) for the exit, then SIGKILL;
# reaps it when it is this shell's child. Only ever the given pid; nothing happens when it is
# already gone.
stop_pid() {
    local pid=$1 seconds=${2:-5}
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq $((seconds * 10))); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# free_port: a loopback port nothing listens on right now, chosen below the kernel's ephemeral
# range (ip_local_port_range), so no outgoing connection of this machine can be holding it as
# its local port when a server binds it a moment later. Callers retry a start that still finds
# the port taken (another process may bind it first).
free_port() {
    local low=32768 port
    if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
        read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    fi
    ((low > 11024)) || low=32768
    for _ in $(seq 200); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free loopback port found below $low" >&2
    return 1
}
