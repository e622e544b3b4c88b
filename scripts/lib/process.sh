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
