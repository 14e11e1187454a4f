#!/usr/bin/env bash
# Reliable UDP encrypted against plaintext, same server, same run: TermChat async mode on 127.0.0.1 serving
# plaintext and DTLS 1.2 datagrams on one port, driven by `termchat bench udp` without and with --dtls.
#
#   bench/run-dtls.sh                  build, run, print one line per run; results in docs/BENCHMARKS-dtls-results.jsonl
#   bench/run-dtls.sh --reps 3 --duration 5 --rates "60000 120000" --connections 1000
#   bench/run-dtls.sh --reps 2 --rates "" --connections 1000     the handshake cost alone
#
# The server runs pinned to CPU 0 and the generator to CPU 1. Within a repetition plaintext and DTLS alternate, so
# slow drifts in machine load hit both alike. Each rate run: one publisher and one subscriber over reliable UDP, open
# loop at the offered rate (the issue's target is >= 50,000 messages/s delivered with DTLS). Then the handshake cost
# of a new UDP connection: N idle sessions opened 8 at a time (`bench connections -t termchat-udp` and
# `-t termchat-udp-dtls`; 8 is the server's limit of DTLS handshakes per address), each the cookie handshake and
# Hello/Welcome, plus the DTLS 1.2 handshake (ECDHE P-256, an ECDSA signature each way) for the encrypted one; the
# ramp time per session, the server's CPU time per session and its RSS per session. --connections 0 skips it.
set -euo pipefail

bench_name=run-dtls.sh
# shellcheck source=bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
here="$bench_here"
reps=3
duration=5
warmup=1
rates="60000 120000"
connections=1000
server_cpu=0
gen_cpu=1
output="$here/docs/BENCHMARKS-dtls-results.jsonl"

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    -h|--help) bench_help 2,15; exit 0 ;;
    *) bench_unknown "$1" ;;
  esac
done

bench_workdir
bench_build
gen=(taskset -c "$gen_cpu" "${termchat[@]}" bench)

port=17792
bench_log "starting termchat serve --mode async (plaintext from loopback and DTLS on UDP port $port)"
XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" taskset -c "$server_cpu" "${termchat[@]}" serve --mode async \
  --port "$port" --bind 127.0.0.1 --ephemeral --flood-rate 0 --max-sendq 67108864 --max-per-ip 100000 --max-clients 20000 \
  --stats-interval 0 --log-level warning --no-discovery >"$work/server.log" 2>&1 &
server_pid=$!
bench_pids+=("$server_pid")
bench_wait_port "$port" "$server_pid"

: >"$output"
# Runs one `termchat bench` command with --json; its JSON goes to $output and one line, printed by the Python
# expression given (of d, the run's document), to stdout; a failed run is logged with its last error line.
run_one() { # what format args...
  local what="$1" format="$2" out
  shift 2
  if out="$("${gen[@]}" "$@" --json --no-progress 2>"$work/last-error")"; then :; fi
  if [ -n "$out" ]; then
    echo "$out" >>"$output"
    echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); $format" 2>/dev/null || echo "$out"
  else
    bench_log "  $what failed: $(tail -1 "$work/last-error")"
  fi
}
# One line per rate run: target, offered, delivered msg/s, loss, p50, p99, server CPU.
udp_line='u=d["udp"]; l=u["latency"]; print("%-18s offered %9.0f  delivered %9.0f msg/s  loss %.2f %%  p50 %.3f ms  p99 %.1f ms  server cpu %s s" % (d["target"], u["offeredRate"], u["messagesPerSecond"], u["lossPercent"], l["p50Us"] / 1000, l["p99Us"] / 1000, u.get("serverCpuSeconds")))'
# One line per connections run: time per session (the ramp, client and server together), server CPU and RSS per session.
connections_line='c=d["connections"]; n=max(1, c["established"]); cpu=c.get("serverCpuSeconds"); print("connections %-18s %5d of %d  %8.0f us per connection  server cpu %s us per connection  %6.1f KiB RSS per connection%s" % (c["target"], c["established"], c["requested"], c["rampSeconds"] / n * 1e6, "-" if cpu is None else "%.0f" % (cpu / n * 1e6), c["rssPerConnectionBytes"] / 1024, "  (" + c["error"] + ")" if c.get("error") else ""))'

for rep in $(seq 1 "$reps"); do
  bench_log "repetition $rep of $reps"
  for rate in $rates; do
    for mode in plaintext dtls; do
      flag=(); [ "$mode" = dtls ] && flag=(--dtls)
      bench_log "  udp $mode at $rate msg/s offered"
      run_one "udp $mode" "$udp_line" udp -p "$port" -n 1 -r "$rate" --duration "$duration" --warmup "$warmup" --server-pid "$server_pid" "${flag[@]}"
    done
  done
done
if [ "$connections" -gt 0 ]; then
  for rep in $(seq 1 "$reps"); do
    for target in termchat-udp termchat-udp-dtls; do
      bench_log "  connections $target ($connections, repetition $rep of $reps)"
      run_one "connections $target" "$connections_line" connections -t "$target" -p "$port" -n "$connections" --settle 1 --server-pid "$server_pid"
    done
  done
fi
bench_log "results: $output"
