#!/usr/bin/env bash
# Durable history against memory only, side by side (docs/BENCHMARKS.md, "Durable history"):
#   1. async fan-out, 100 subscribers, 20,000 msg/s offered: `serve --data FILE` against `serve --ephemeral`;
#   2. publish throughput to disk: 4 publishers, 1 subscriber, 60,000 msg/s offered. The server delivers a room
#      message to anyone (its sender's echo included) only once the data file has committed it, so every delivery
#      counted is a durable message;
#   3. server CPU per stored message (robust to a busy machine, unlike rates): 200 rooms x 200 messages sent
#      through the server (`termchat-benchtools fill-history`, which waits for every echo), utime+stime of the
#      server over the fill divided by the messages;
#   4. restart with 1,000 rooms x 200 entries: seconds from process start until the port accepts, the server's CPU
#      seconds and resident memory then, against the same server started --ephemeral (an empty server: the
#      process's own cost).
#
#   bench/run-durable.sh [--reps N] [--duration S] [--output FILE.jsonl]
#
# The server runs pinned to CPU 0, the load generator to CPU 1; within a repetition the two variants alternate
# (durable first on odd repetitions, memory first on even ones) so that drifts in machine load hit both alike.
set -euo pipefail

bench_name=run-durable.sh
# shellcheck source=bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
reps=3
duration=1.5
output=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    -h|--help) bench_help 2,17; exit 0 ;;
    *) bench_unknown "$1" ;;
  esac
done
bench_need jq python3 sqlite3 taskset
bench_workdir
server_pid=""
results="${output:-$work/results.jsonl}"
: >"$results"
bench_build tools

# start_server VARIANT PORT [args...]: starts `termchat serve` on CPU 0 and waits until the port accepts.
# Sets ready_seconds to the seconds from start to accepting.
start_server() {
  local variant="$1" port="$2"; shift 2
  local store=(--ephemeral)
  [ "$variant" = durable ] && store=(--data "$work/$port.db")
  local started; started="$(date +%s.%N)"
  taskset -c 0 "${termchat[@]}" serve --mode async --port "$port" --bind 127.0.0.1 "${store[@]}" \
    --flood-rate 0 --max-sendq 67108864 --max-per-ip 100000 --stats-interval 0 --log-level warning "$@" \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  bench_pids=("$server_pid")
  bench_wait_port "$port" "$server_pid"
  ready_seconds="$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$started" "$(date +%s.%N)")"
}

stop_server() {
  kill "$server_pid" && wait "$server_pid" || true
  server_pid=""
}

fanout() { # label port args...
  local label="$1" port="$2"; shift 2
  taskset -c 1 "${termchat[@]}" bench fanout -p "$port" --label "$label" --server-pid "$server_pid" --json --no-progress \
    --duration "$duration" --warmup 0.5 --drain 1 --max-drain 3 "$@" >>"$results" 2>"$work/last-error" \
    || bench_log "  $label failed: $(tail -1 "$work/last-error")"
}

for rep in $(seq 1 "$reps"); do
  order=(durable memory)
  [ $((rep % 2)) = 0 ] && order=(memory durable)
  for variant in "${order[@]}"; do
    bench_log "repetition $rep of $reps: $variant"
    start_server "$variant" 17790
    fanout "fanout-$variant" 17790 -n 100 -r 20000
    stop_server
    start_server "$variant" 17791
    fanout "publish-$variant" 17791 -n 1 -P 4 -r 60000
    stop_server
  done
  rm -f "$work"/1779?.db*
done

for rep in $(seq 1 "$reps"); do
  for variant in durable memory; do
    start_server "$variant" 17793 --max-rooms 2000
    before="$(bench_cpu_seconds "$server_pid")"
    taskset -c 1 "${benchtools[@]}" fill-history -p 17793 --rooms 200 --entries 200 --size 48
    after="$(bench_cpu_seconds "$server_pid")"
    stop_server
    jq -cn --arg v "$variant" --argjson b "$before" --argjson a "$after" \
      '{scenario: "cpu", label: ("cpu-" + $v), serverCpuSeconds: ($a - $b), messages: 40000, usPerMessage: (($a - $b) / 40000 * 1e6)}' >>"$results"
    bench_log "cpu $variant: $(tail -1 "$results")"
  done
  rm -f "$work"/17793.db*
done

bench_log "restart: writing 1,000 rooms x 200 entries through the server"
start_server durable 17792 --max-rooms 2000
taskset -c 1 "${benchtools[@]}" fill-history -p 17792 --rooms 1000 --entries 200 --size 48
stop_server
history_bytes="$(sqlite3 "$work/17792.db" "SELECT sum(length(text) + length(nick) + length(room)) FROM entries")"
file_bytes="$(stat -c %s "$work/17792.db")"
for rep in $(seq 1 "$reps"); do
  for variant in durable memory; do
    start_server "$variant" 17792
    seconds="$ready_seconds"
    rss_kib="$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")"
    ready_cpu="$(bench_cpu_seconds "$server_pid")"
    stop_server
    jq -cn --arg v "$variant" --argjson s "$seconds" --argjson rss "$rss_kib" --argjson hist "$history_bytes" --argjson file "$file_bytes" --argjson cpu "$ready_cpu" \
      '{scenario: "restart", label: ("restart-" + $v), readySeconds: $s, cpuSeconds: $cpu, rssKiB: $rss, historyBytes: $hist, fileBytes: $file}' >>"$results"
    bench_log "restart $variant: ready in $seconds s ($ready_cpu s CPU), RSS $rss_kib KiB"
  done
done

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "load average before: $bench_load_before; after: $load_after; $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
jq -r 'select(.scenario == "fanout") | .label as $l | .fanout[0] |
  "\($l)\tdeliveries/s \(.deliveriesPerSecond | floor)\tloss % \(.lossPercent)\tp50 ms \(.latency.p50Us / 1000)\tp99 ms \(.latency.p99Us / 1000)\tserver CPU s \(.serverCpuSeconds)"' "$results"
jq -r 'select(.scenario == "cpu") | "\(.label)\tserver CPU us per message \(.usPerMessage)"' "$results"
jq -r 'select(.scenario == "restart") | "\(.label)\tready s \(.readySeconds)\tCPU s \(.cpuSeconds)\tRSS KiB \(.rssKiB)\thistory bytes \(.historyBytes)\tfile bytes \(.fileBytes)"' "$results"
