#!/usr/bin/env bash
# One node alone against a three-node cluster on one nats-server, same run (docs/BENCHMARKS.md, "Cluster"):
#   fan-out to 100 subscribers at the single-node table's offered rates (2,000 and 20,000 msg/s, i.e. 200,000 and
#   2,000,000 deliveries/s), then one sweep each for the highest rate with p99 <= 20 ms and no loss.
#   single:  `serve --mode async` with its default storage (a SQLite file: durable, like the cluster);
#   cluster: three `serve --mode async --cluster nats://…` nodes and `nats-server -js`; the publisher is on node 1
#            and the subscribers are spread over the three nodes in turn (`bench fanout --node`), so two thirds of
#            the deliveries cross nodes through JetStream. A second table gives each cluster run's latency per node:
#            node 1's subscribers get entries without the cross-node hop.
#
#   bench/run-cluster.sh [--reps N] [--duration S] [--warm-up S] [--hold-runs N] [--hold-rate MSGS] [--aot]
#                        [--output FILE.jsonl] [--server-env NAME=VALUE]...
#
# --hold-runs N (default 5) and --hold-rate MSGS (default 10000 messages/s, i.e. 1,000,000 deliveries/s): right after
# the 200,000/s run, each setup runs the fan-out N times at that one rate, labelled "-hold", and the last table counts
# the runs that kept p99 <= 20 ms with no loss. Why: a sweep stops at its first run over the bound, so one stall of the
# machine ends it (sweeps of the same setup minutes apart ranged from 0.27 to 1.8 M deliveries/s); whether a setup
# holds a given rate is a count over several runs, read beside the single node's count from the same window. They come
# before the 2,000,000/s run and the sweep, which overload both setups on purpose: held after them (session 10), the
# cluster's runs at 1 M/s still carried the overload's aftermath.
#
# --warm-up S (default 20, 0 for none): before its measured runs, each setup's server processes carry the same fan-out
# at 200,000 deliveries/s for S seconds, unrecorded, so that both setups are measured on code the JIT has finished
# optimizing. The .NET JIT first compiles a method quickly and recompiles it optimized in the background once it is
# hot; four processes on one core leave that background work little CPU, and the cluster's nodes were seen still
# running most hot methods unoptimized 6-11 s after their first clients came (docs/BENCHMARKS.md, "Cluster"). A server
# runs for days: its steady state is what counts.
#
# --aot runs every server process (the single node and the three nodes alike) from the Native AOT build of termchat,
# the linux-x64 binary `./run.sh publish` makes (needs clang; the publish takes a few minutes); the load generator stays
# the same JIT build. Labels get "+aot". Why: a JIT build recompiles a cluster node's session path (nick claims, KV,
# JSON) for many runs after the warm-up, since every run connects 101 new clients, and on the one shared core that
# work lands in the measured runs (docs/BENCHMARKS.md, "Cluster"). Native AOT code is compiled once, before it runs.
#
# --server-env sets an environment variable for every server process (the single node and the three nodes alike),
# e.g. a .NET runtime knob to compare against a run without it; the label of each result line gets "+env".
#
# Every server process (the nodes and nats-server) runs pinned to CPU 0 and the load generator to CPU 1, so the
# cluster's four processes share the one core the single node has alone. Within a repetition the two setups
# alternate (single first on odd repetitions), so drifts in machine load hit both alike. Each result line gets
# `processCpuSeconds`: utime+stime of every server process over that run, from /proc/PID/stat.
set -euo pipefail

bench_name=run-cluster.sh
# shellcheck source=bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
reps=3
duration=2
warm_up=20
hold_runs=5
hold_rate=10000
p99_limit=20
aot=false
output=""
server_env=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warm-up) warm_up="$2"; shift 2 ;;
    --hold-runs) hold_runs="$2"; shift 2 ;;
    --hold-rate) hold_rate="$2"; shift 2 ;;
    --aot) aot=true; shift ;;
    --output) output="$2"; shift 2 ;;
    --server-env)
      [[ "$2" == *=* ]] || { echo "run-cluster.sh: --server-env takes NAME=VALUE, not $2" >&2; exit 2; }
      server_env+=("$2"); shift 2 ;;
    -h|--help) bench_help 2,41; exit 0 ;;
    *) bench_unknown "$1" ;;
  esac
done
bench_need jq nats-server taskset
if $aot; then bench_need clang; fi
bench_workdir
declare -A pids=()
results="${output:-$work/results.jsonl}"
: >"$results"
bench_build
server=("${termchat[@]}")
if $aot; then
  bench_log "publishing the Native AOT build into $work/aot"
  dotnet publish "$bench_here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -r linux-x64 -p:SelfContained=true -p:PublishTrimmed=true \
    -p:PublishAot=true -p:DebugType=none -o "$work/aot" -nologo -v quiet -clp:ErrorsOnly >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
  server=("$work/aot/termchat")
fi

wait_port() { bench_wait_port "$2" "${pids[$1]}" "$work/$1.log"; } # name port

start_nats() { # port
  rm -rf "$work/js"
  taskset -c 0 nats-server -js -sd "$work/js" -a 127.0.0.1 -p "$1" >"$work/nats.log" 2>&1 &
  pids[nats]=$!
  bench_pids+=($!)
  wait_port nats "$1"
}

start_node() { # name port [args...]
  local name="$1" port="$2"; shift 2
  env ${server_env[@]+"${server_env[@]}"} taskset -c 0 "${server[@]}" serve --mode async --port "$port" --bind 127.0.0.1 --no-discovery \
    --flood-rate 0 --max-sendq 67108864 --max-per-ip 100000 --stats-interval 0 --log-level warning "$@" \
    >"$work/$name.log" 2>&1 &
  pids[$name]=$!
  bench_pids+=($!)
  wait_port "$name" "$port"
}

stop_all() {
  for name in "${!pids[@]}"; do kill "${pids[$name]}" 2>/dev/null || true; done
  for name in "${!pids[@]}"; do wait "${pids[$name]}" 2>/dev/null || true; done
  pids=()
  bench_pids=()
}

cpu_snapshot() { # prints {"name": seconds, ...} for every running server process
  local json="{}"
  for name in "${!pids[@]}"; do
    json="$(jq -c --arg n "$name" --argjson s "$(bench_cpu_seconds "${pids[$name]}")" '. + {($n): $s}' <<<"$json")"
  done
  echo "$json"
}

fanout() { # label port [bench args...]: appends one result line with each server process's CPU over the run
  local label="$1" port="$2"; shift 2
  [ ${#server_env[@]} -eq 0 ] || label="$label+env"
  if $aot; then label="$label+aot"; fi
  local before after
  before="$(cpu_snapshot)"
  if taskset -c 1 "${termchat[@]}" bench fanout -p "$port" --label "$label" --json --no-progress \
      --duration "$duration" --warmup 0.5 --drain 1 --max-drain 5 "$@" >"$work/last.json" 2>"$work/last-error"; then
    after="$(cpu_snapshot)"
    jq -c --argjson b "$before" --argjson a "$after" \
      '. + {processCpuSeconds: ($a | with_entries(.value -= ($b[.key] // 0)))}' "$work/last.json" >>"$results"
  else
    bench_log "  $label failed: $(tail -1 "$work/last-error")"
  fi
}

warm() { # port [bench args...]: the unrecorded warm-up (see --warm-up)
  local port="$1"; shift
  if [ "$warm_up" = 0 ]; then return 0; fi
  taskset -c 1 "${termchat[@]}" bench fanout -p "$port" --json --no-progress -n 100 -r 2000 --duration "$warm_up" --warmup 0.5 \
    --drain 1 --max-drain 5 "$@" >/dev/null 2>"$work/last-error" || bench_log "  warm-up failed: $(tail -1 "$work/last-error")"
}

scenarios() { # label port [extra bench args...]
  local label="$1" port="$2"; shift 2
  warm "$port" "$@"
  fanout "$label" "$port" -n 100 -r 2000 "$@"
  local run
  for run in $(seq 1 "$hold_runs"); do fanout "$label-hold" "$port" -n 100 -r "$hold_rate" "$@"; done
  fanout "$label" "$port" -n 100 -r 20000 "$@"
  fanout "$label-sweep" "$port" -n 100 -r 2000 --sweep --p99-limit "$p99_limit" --max-rate 40000 "$@"
}

single() {
  bench_log "  single node"
  start_node single 17890 --data "$work/single.db"
  scenarios single 17890
  stop_all
  rm -f "$work"/single.db*
}

cluster() {
  bench_log "  three nodes on one nats-server"
  start_nats 17899
  local urls=nats://127.0.0.1:17899
  start_node node1 17891 --cluster "$urls" --cluster-name "bench$rep"
  start_node node2 17892 --cluster "$urls" --cluster-name "bench$rep"
  start_node node3 17893 --cluster "$urls" --cluster-name "bench$rep"
  scenarios cluster 17891 --node 127.0.0.1:17892 127.0.0.1:17893
  stop_all
}

for rep in $(seq 1 "$reps"); do
  bench_log "repetition $rep of $reps"
  if [ $((rep % 2)) = 1 ]; then single; cluster; else cluster; single; fi
done

bench_log "load average before: $bench_load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
jq -r 'select(.label | test("-hold") | not) | .fanout[] as $f | [.label, ($f.offeredRate | floor), ($f.deliveriesPerSecond | floor), ($f.latency.p99Us / 1000 * 100 | floor / 100), $f.lossPercent] | @tsv' \
  "$results" | sort -k1,1 -k2,2n | awk 'BEGIN { print "label\toffered msg/s\tdeliveries/s\tp99 ms\tloss %" } { print }'
jq -r '.label as $l | .fanout[] | select(.byNode) | (.offeredRate | floor) as $r | .byNode[]
  | [$l, $r, .node, (.latency.p50Us / 1000 * 100 | floor / 100), (.latency.p99Us / 1000 * 100 | floor / 100)] | @tsv' "$results" \
  | sort -k1,1 -k2,2n | awk 'BEGIN { print "label\toffered msg/s\tsubscribers on\tp50 ms\tp99 ms" } { print }'
jq -r 'select(.sweep) | [.label, (.best.deliveriesPerSecond // 0 | floor), ((.best.latency.p99Us // 0) / 1000 * 100 | floor / 100)] | @tsv' "$results" \
  | awk 'BEGIN { print "sweep\tbest deliveries/s (p99 <= 20 ms, no loss)\tits p99 ms" } { print }'
jq -r 'select((.sweep | not) and (.label | test("-hold") | not)) | [.label, (.fanout[0].offeredRate | floor), (.processCpuSeconds | to_entries | map("\(.key)=\(.value * 100 | floor / 100)") | join(" "))] | @tsv' "$results" \
  | awk 'BEGIN { print "label\toffered msg/s\tserver-side CPU seconds per run" } { print }'
jq -rs --argjson limit "$p99_limit" 'map(select(.label | test("-hold"))) | group_by(.label)[] | map(.fanout[0]) as $runs
  | ($runs | map(.latency.p99Us / 1000) | sort) as $p99
  | [.[0].label, ($runs[0].offeredRate * $runs[0].subscribers | floor), ($runs | length),
     ($runs | map(select(.lossPercent == 0 and .latency.p99Us <= $limit * 1000)) | length),
     ($p99[(($p99 | length) - 1) / 2 | floor] * 100 | floor / 100), ($p99[-1] * 100 | floor / 100)] | @tsv' "$results" \
  | awk -v limit="$p99_limit" 'BEGIN { print "hold\toffered deliveries/s\truns\truns with p99 <= " limit " ms and no loss\tmedian p99 ms\tworst p99 ms" } { print }'
[ -z "$output" ] || bench_log "results in $output"
