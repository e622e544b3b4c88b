#!/usr/bin/env bash
# Attacks a standalone parleyd, one attack at a time, while an innocent pair of users exchanges
# private messages with it at 200 a second: each run starts a fresh node (bench/config/
# parleyd-abuse.yaml, a free loopback port), runs parley-abuse (bench/abuse/) through a quiet
# baseline, the attack and a recovery, and stops the node by its pid. The report gives, per
# attack, the node's memory (peak, end) against the bound its limits document, the innocent's
# latency during the attack, what the attacker was answered, and how soon the node served the
# innocent as before.
#
#   scripts/abuse-bench.sh            every attack, 3 repetitions (about 20 minutes)
#   scripts/abuse-bench.sh --quick    every attack once, briefly (about 2 minutes)
#
# Results go to bench/results/abuse-<timestamp>/: runs/*.json (one per run), results.json,
# results.md, env.json and the nodes' logs. See docs/performance.md, "Under abuse".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/process.sh
source "$root/scripts/lib/process.sh"
build=${PARLEY_BUILD_DIR:-$root/build}
config=$root/bench/config/parleyd-abuse.yaml

all_attacks="group-flood group-flood-limited slow-readers prelogin-flood prelogin-hold trickle trickle-logged-in connection-flood descriptor-flood failed-logins"

usage() {
    cat <<EOF
usage: scripts/abuse-bench.sh [options]
  --quick             one repetition, short phases and smaller attacks
  --reps N            repetitions of every attack (3)
  --attacks "LIST"    any of: $all_attacks
  --duration S        seconds each attack lasts (10; quick 3)
  --recovery S        seconds the innocent is watched after it (15; quick 4)
  --no-build          use the build in \$PARLEY_BUILD_DIR (or ./build) as it is
  --out DIR           where results go (bench/results/abuse-<timestamp>)
EOF
}

reps=3
quick=false
attacks=$all_attacks
duration=""
recovery=""
do_build=true
out=""
command_line="scripts/abuse-bench.sh $*"

while (($# > 0)); do
    case $1 in
        --quick) quick=true; reps=1 ;;
        --reps) reps=$2; shift ;;
        --attacks) attacks=$2; shift ;;
        --duration) duration=$2; shift ;;
        --recovery) recovery=$2; shift ;;
        --no-build) do_build=false ;;
        --out) out=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "abuse-bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

baseline=3
if $quick; then
    baseline=1
    duration=${duration:-3}
    recovery=${recovery:-4}
else
    duration=${duration:-10}
    recovery=${recovery:-15}
fi

log() { printf 'abuse-bench: %s\n' "$*" >&2; }

if $do_build; then
    cmake -S "$root" -B "$build" -G Ninja >/dev/null
    cmake --build "$build" --parallel "$(nproc)" --target parleyd parley-abuse \
        parley-transport-local parley-registry-static parley-store-memory \
        parley-handler-handshake parley-handler-heartbeat parley-handler-private \
        parley-handler-group parley-handler-presence
fi
abuse_bin=$build/bin/parley-abuse
for binary in "$abuse_bin" "$build/bin/parleyd"; do
    [[ -x $binary ]] || { log "$binary is missing; build first or drop --no-build"; exit 2; }
done

out=${out:-$root/bench/results/abuse-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/runs" "$out/logs"

node_pid=""
cleanup() {
    if [[ -n $node_pid ]]; then
        stop_pid "$node_pid"
    fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# --- the attacks ---------------------------------------------------------------------------
# Each attack: its parley-abuse arguments, the node's overlay and descriptor limit, and the
# memory bound the node's documented limits give it, as growth over the baseline RSS:
#   - output queued for clients, all together: max_queued_output (512 MiB);
#   - per connection: 2 KiB for the session (the documented idle cost is 1.2 KB, see
#     docs/architecture.md), plus what its decoder may hold: prelogin_max_frame_size (4 KiB)
#     before login, max_frame_size (64 KiB) after;
#   - 4 MiB for the allocator: code paths, throttle tables and per-thread arenas touched for
#     the first time move RSS by a few hundred KiB to a few MiB whatever the attack.
kib_per_prelogin=$((2 + 4))
kib_per_session=$((2 + 64))
queued_mib=512
slack_mib=4

attack_args=()
node_overlay=""
node_files=20000
bound_mib=0
bound_basis=""

mib() {  # KIB -> MiB with one decimal, plus the allocator's slack
    awk -v k="$1" -v s=$slack_mib 'BEGIN { printf "%.1f", s + k / 1024 }'
}

plan() {  # attack name -> attack_args, node_overlay, node_files, bound_mib, bound_basis
    local name=$1 n
    node_overlay=""
    node_files=20000
    case $name in
        group-flood|group-flood-limited)
            local members=50000 online=20
            $quick && members=5000
            attack_args=(--attack group-flood --members "$members" --online-members "$online"
                         --payload 64)
            if [[ $name == group-flood-limited ]]; then
                # The per-user rate limit an operator sets against floods (docs/plugins/
                # interceptor-rate-limit.md), above the innocent's 200 messages a second.
                node_overlay="interceptors: [{plugin: rate-limit, settings: {messages_per_second: 300, burst: 600, types: [group, private]}}]"
            fi
            n=$((online + 1))
            bound_mib=$(mib $((queued_mib * 1024 + n * kib_per_session)))
            bound_basis="max_queued_output 512 MiB + $n logged-in connections x 66 KiB + 4 MiB"
            ;;
        slow-readers)
            n=200
            attack_args=(--attack slow-readers --connections "$n" --concurrency 256
                         --payload 1024 --feed-rate 2000)
            bound_mib=$(mib $((queued_mib * 1024 + (n + 1) * kib_per_session)))
            bound_basis="max_queued_output 512 MiB + $((n + 1)) logged-in connections x 66 KiB + 4 MiB"
            ;;
        prelogin-flood|prelogin-hold)
            n=6000
            $quick && n=1500
            local announce=67108864
            [[ $name == prelogin-hold ]] && announce=4000
            attack_args=(--attack prelogin-flood --connections "$n" --announce "$announce")
            local held=$((n < 5000 ? n : 5000))
            bound_mib=$(mib $((held * kib_per_prelogin)))
            bound_basis="$held pre-login connections (max_prelogin_connections 5000) x 6 KiB + 4 MiB"
            ;;
        trickle|trickle-logged-in)
            n=4000
            $quick && n=1000
            if [[ $name == trickle ]]; then
                attack_args=(--attack trickle --connections "$n" --interval 1000)
                bound_mib=$(mib $((n * kib_per_prelogin)))
                bound_basis="$n pre-login connections x 6 KiB + 4 MiB"
            else
                attack_args=(--attack trickle --logged-in --connections "$n" --interval 1000)
                bound_mib=$(mib $((n * kib_per_session)))
                bound_basis="$n logged-in connections x 66 KiB + 4 MiB"
            fi
            ;;
        connection-flood)
            # max_connections lowered so that one generator (20,000 descriptors here) can pass it.
            n=6000
            local limit=5000
            if $quick; then n=1500; limit=1000; fi
            attack_args=(--attack connection-flood --connections "$n")
            node_overlay="server: {max_connections: $limit}"
            bound_mib=$(mib $((limit * kib_per_prelogin)))
            bound_basis="max_connections $limit x 6 KiB + 4 MiB"
            ;;
        descriptor-flood)
            # The node's descriptor limit below max_connections (50,000): the EMFILE path.
            n=3000
            node_files=2048
            if $quick; then n=1500; node_files=1024; fi
            attack_args=(--attack connection-flood --connections "$n")
            bound_mib=$(mib $((node_files * kib_per_prelogin)))
            bound_basis="$node_files descriptors (ulimit -n) x 6 KiB + 4 MiB"
            ;;
        failed-logins)
            n=500
            $quick && n=100
            attack_args=(--attack failed-logins --connections "$n")
            bound_mib=$(mib $((n * kib_per_prelogin)))
            bound_basis="$n pre-login connections x 6 KiB + 4 MiB"
            ;;
        *) log "unknown attack '$name'"; exit 2 ;;
    esac
}

start_node() {  # tag -> node_pid, node_port
    local tag=$1
    local ready=$out/logs/$tag.ready
    local configs=(-c "$config")
    rm -f "$ready"
    if [[ -n $node_overlay ]]; then
        printf '%s\n' "$node_overlay" >"$out/logs/$tag.yaml"
        configs+=(-c "$out/logs/$tag.yaml")
    fi
    # The subshell lowers only its own descriptor limit, then becomes parleyd: $! is its pid.
    (ulimit -n "$node_files" && exec "$build/bin/parleyd" "${configs[@]}" --ready-file "$ready") \
        >"$out/logs/$tag.log" 2>&1 &
    node_pid=$!
    for _ in $(seq 1 200); do
        [[ -s $ready ]] && break
        kill -0 "$node_pid" 2>/dev/null || { log "parleyd exited at start; see $out/logs/$tag.log"; return 1; }
        sleep 0.05
    done
    node_port=$(sed -n 's/^listen=.*:\([0-9]*\)$/\1/p' "$ready" | head -n 1)
    [[ -n $node_port ]] || { log "parleyd did not become ready; see $out/logs/$tag.log"; return 1; }
}

run_attack() {  # name rep
    local name=$1 rep=$2 tag="$1-r$2"
    plan "$name"
    start_node "$tag"
    local load_before
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    log "$tag: node pid $node_pid, port $node_port"
    local status=0
    "$abuse_bin" "${attack_args[@]}" --port "$node_port" --server-pid "$node_pid" \
        --baseline "$baseline" --duration "$duration" --recovery "$recovery" \
        --memory-bound-mib "$bound_mib" --memory-bound-basis "$bound_basis" --label "$name" \
        --json "$out/runs/$tag.raw.json" 2>"$out/logs/$tag.abuse.log" || status=$?
    local alive=true
    kill -0 "$node_pid" 2>/dev/null || alive=false
    stop_pid "$node_pid"
    node_pid=""
    if [[ ! -s $out/runs/$tag.raw.json ]]; then
        log "$tag: parley-abuse failed (status $status); see $out/logs/$tag.abuse.log"
        return 0
    fi
    jq --argjson alive "$alive" --argjson status "$status" --arg load "$load_before" \
        --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" --argjson rep "$rep" \
        '. + {rep: $rep, node_alive_after: $alive, exit_status: $status,
              loadavg_before: $load, loadavg_after: $load_after}' \
        "$out/runs/$tag.raw.json" >"$out/runs/$tag.json"
    rm -f "$out/runs/$tag.raw.json"
}

{
    printf '{\n  "command": %s,\n' "$(jq -Rn --arg c "$command_line" '$c')"
    printf '  "started_utc": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '  "cpus": %s,\n' "$(nproc)"
    printf '  "cpu_model": %s,\n' "$(jq -Rn --arg c "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" '$c')"
    printf '  "loadavg_at_start": "%s",\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '  "parleyd": %s,\n' "$(jq -Rn --arg c "$("$build/bin/parleyd" --version)" '$c')"
    printf '  "phases_s": {"baseline": %s, "attack": %s, "recovery": %s},\n' \
        "$baseline" "$duration" "$recovery"
    printf '  "repetitions": %s\n}\n' "$reps"
} >"$out/env.json"

for rep in $(seq 1 "$reps"); do
    for name in $attacks; do
        run_attack "$name" "$rep"
    done
done
printf '{"loadavg_at_end": "%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/env-end.json"

# --- the report ----------------------------------------------------------------------------
# Per attack, the median over repetitions of each figure; a latency that was never answered
# (a quantile that fell on a message with no answer) counts as larger than any answer.
order=$(tr -s ' ' '\n' <<<"$attacks" | jq -R . | jq -s -c .)
jq -s --argjson order "$order" '
  def median: sort | if length == 0 then null
                     elif length % 2 == 1 then .[(length - 1) / 2]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def inf_median: map(if . == null then 1e18 else . end) | median
                  | if . != null and . >= 1e18 then null else . end;
  group_by(.label) | map({
    attack: .[0].label,
    runs: length,
    memory_bound_mib: .[0].memory_bound.allowed_growth_mib,
    memory_bound_basis: .[0].memory_bound.basis,
    rss_baseline_mib: (map(.rss_kib.baseline / 1024) | median),
    rss_peak_mib: (map(.rss_kib.peak / 1024) | median),
    rss_end_mib: (map(.rss_kib.end / 1024) | median),
    peak_growth_mib: (map(.memory_bound.peak_growth_mib) | median),
    within_memory_bound_runs: (map(select(.memory_bound.within == true)) | length),
    baseline_p99_ms: (map(.innocent.baseline.p99_ms) | inf_median),
    ack_p50_ms: (map(.innocent.attack.p50_ms) | inf_median),
    ack_p99_ms: (map(.innocent.attack.p99_ms) | inf_median),
    ack_max_ms: (map(.innocent.attack.max_answered_ms) | median),
    delivery_p99_ms: (map(.innocent.attack_delivery.p99_ms) | inf_median),
    unanswered_in_attack: (map(.innocent.attack.unanswered) | median),
    undelivered_in_attack: (map(.innocent.attack_delivery.unanswered) | median),
    within_latency_bound_runs: (map(select(.attack_within_latency_bound)) | length),
    recovered_in_s: (map(.recovered_in_s) | inf_median),
    node_cpu_share: (map(.node_during_attack.cpu_share) | median),
    node_waited_share: (map(.node_during_attack.waited_for_cpu_share) | median),
    attacker_cpu_share: (map(.attacker.cpu_share) | median),
    recovered_runs: (map(select(.recovered_in_s != null)) | length),
    node_alive_runs: (map(select(.node_alive_after)) | length),
    answers: ([.[].attacker.answers | to_entries[]] | group_by(.key)
              | map({key: .[0].key, value: (map(.value) | add)}) | from_entries),
    attacker_first_run: .[0].attacker
  }) | sort_by(.attack as $a | $order | index($a))' "$out"/runs/*.json >"$out/results.json"

jq -r --argjson recovery "$recovery" '
  def ms: if . == null then "no answer" elif . < 1 then "\(. * 1000 | round) µs"
          elif . < 100 then "\(. * 100 | round / 100) ms" else "\(. | round) ms" end;
  def mb: "\(. * 10 | round / 10)";
  def pct: "\(. * 100 | round)%";
  def codes: to_entries | sort_by(-.value) | map("\(.key) ×\(.value)") | join(", ");
  "| attack | node RSS peak / end (MiB) | growth / bound (MiB) | innocent ACK p50 / p99 / max | delivery p99 | innocent unanswered / undelivered | attacker was answered (all runs) | recovered in | node CPU (waited) / attacker CPU |",
  "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
  (.[] | "| \(.attack) | \(.rss_peak_mib | mb) / \(.rss_end_mib | mb) | \(.peak_growth_mib | mb) / \(.memory_bound_mib)\(if .within_memory_bound_runs < .runs then " ✗" else "" end) | \(.ack_p50_ms | ms) / \(.ack_p99_ms | ms) / \(.ack_max_ms | ms)\(if .within_latency_bound_runs < .runs then " ✗" else "" end) | \(.delivery_p99_ms | ms) | \(.unanswered_in_attack) / \(.undelivered_in_attack) | \(.answers | codes) | \(if .recovered_in_s == null then "not in \($recovery) s" else "\(.recovered_in_s) s" end) (\(.recovered_runs)/\(.runs)) | \(.node_cpu_share | pct) (\(.node_waited_share | pct)) / \(.attacker_cpu_share | pct) |")
' "$out/results.json" >"$out/results.md"

log "results: $out/results.md"
cat "$out/results.md"
