#!/usr/bin/env bash
# Encrypted against plaintext, same server, same run: TermChat async mode on 127.0.0.1 serving plaintext and TLS 1.3
# on one port, driven by `termchat bench` with --target termchat (plaintext) and --target termchat-tls.
#
#   bench/run-tls.sh                   build, run, print a summary (python3); results in docs/BENCHMARKS-tls-results.jsonl
#   bench/run-tls.sh --reps 3 --duration 2 --connections 2000
#
# The server runs pinned to CPU 0 and the generator to CPU 1. Within a repetition plaintext and TLS alternate, so
# slow drifts in machine load hit both alike. Cases: fan-out to 100 subscribers at 2,000,000 and 200,000 deliveries/s
# offered; one sweep each for the highest rate with p99 <= 10 ms and no loss; and N idle connections opened 32 at a
# time, whose ramp time per connection is the handshake cost (TCP connect + Hello/Welcome, plus the TLS 1.3 handshake:
# ECDHE P-256 and an ECDSA signature on the server) and whose server RSS per connection shows what TLS keeps.
set -euo pipefail

bench_name=run-tls.sh
# shellcheck source=bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
here="$bench_here"
reps=3
duration=1.5
warmup=0.5
connections=2000
sweep=1
server_cpu=0
gen_cpu=1
output="$here/docs/BENCHMARKS-tls-results.jsonl"

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --no-sweep) sweep=0; shift ;;
    --output) output="$2"; shift 2 ;;
    -h|--help) bench_help 2,12; exit 0 ;;
    *) bench_unknown "$1" ;;
  esac
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bench_workdir
bench_build
gen=(taskset -c "$gen_cpu" "${termchat[@]}" bench)

port=17791
bench_log "starting termchat serve --mode async (plaintext from loopback and TLS on port $port)"
XDG_DATA_HOME="$work/data" taskset -c "$server_cpu" "${termchat[@]}" serve --mode async --port "$port" --bind 127.0.0.1 --ephemeral \
  --flood-rate 0 --max-sendq 67108864 --max-per-ip 100000 --max-clients 20000 --stats-interval 0 --log-level warning \
  --no-discovery >"$work/server.log" 2>&1 &
server_pid=$!
bench_pids+=("$server_pid")
bench_wait_port "$port" "$server_pid"

: >"$output"
run() { # scenario target extra-args...
  local scenario="$1" target="$2"; shift 2
  local out
  if out="$("${gen[@]}" "$scenario" -t "$target" -p "$port" --label "$target" --server-pid "$server_pid" --json --no-progress "$@" 2>"$work/last-error")"; then :; fi
  if [ -n "$out" ]; then echo "$out" >>"$output"; else bench_log "  $scenario $target failed: $(tail -1 "$work/last-error")"; fi
}

fan=(--duration "$duration" --warmup "$warmup" --drain 1 --max-drain 3)
for rep in $(seq 1 "$reps"); do
  bench_log "repetition $rep of $reps"
  for target in termchat termchat-tls; do
    bench_log "  fanout $target"
    run fanout "$target" "${fan[@]}" -n 100 -r 20000   # 2,000,000 deliveries/s offered
    run fanout "$target" "${fan[@]}" -n 100 -r 2000    #   200,000 deliveries/s offered
  done
done
if [ "$sweep" = 1 ]; then
  for target in termchat termchat-tls; do
    bench_log "  sweep $target"
    run fanout "$target" --sweep --bisections 2 -n 100 -r 4000 --max-rate 64000 --duration "$duration" --warmup "$warmup" --drain 1 --max-drain 3
  done
fi
for rep in $(seq 1 "$reps"); do
  for target in termchat termchat-tls; do
    bench_log "  connections $target ($connections)"
    run connections "$target" -n "$connections" --settle 1
  done
done
bench_log "results: $output"
# One line per case, plaintext beside TLS (each figure is one run; the JSONL holds every repetition).
if command -v python3 >/dev/null; then
  python3 - "$output" <<'PY'
import json, sys
def show(d):
    if d["scenario"] == "fanout":
        for f in d["fanout"]:
            l = f["latency"]
            print(f"fanout      {f['target']:13} offered {f['offeredRate'] * f['subscribers']:>9,}/s  delivered {f['deliveriesPerSecond']:>11,.0f}/s  "
                  f"loss {f['lossPercent']:5.1f}%  p50 {l['p50Us'] / 1000:8.1f} ms  p99 {l['p99Us'] / 1000:8.1f} ms  server CPU {f['serverCpuSeconds']:.2f} s")
    elif d["scenario"] == "connections":
        c = d["connections"]
        print(f"connections {c['target']:13} {c['established']:>6} of {c['requested']}  {c['rampSeconds'] / max(1, c['established']) * 1e6:8.0f} us per connection  "
              f"{c['rssPerConnectionBytes'] / 1024:8.1f} KiB RSS per connection")
for line in open(sys.argv[1]):
    d = json.loads(line)
    try:
        show(d)
    except (KeyError, TypeError):
        print(f"{d.get('scenario')} {d.get('target')}: see the JSONL")
PY
fi
