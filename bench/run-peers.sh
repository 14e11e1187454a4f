#!/usr/bin/env bash
# Side-by-side load benchmark: TermChat (async, select and threads modes, plus reliable UDP) against
# nats-server, ngircd, ircd-hybrid, `ncat --chat` and a trivial echo server, all on 127.0.0.1.
#
#   bench/run-peers.sh                 install peers (apt-get), build, run, write docs/BENCHMARKS.md
#   bench/run-peers.sh --reps 5 --duration 1.5 --connections 10000 --threads-connections 4000 --no-sweep
#   bench/run-peers.sh --quick         one short repetition, for checking the script itself
#   bench/run-peers.sh --only nats,termchat-async   measure only these servers
#
# Every server runs pinned to CPU 0 and the load generator (`termchat bench`) to CPU 1, so each server
# gets one core and the generator another. Runs are interleaved: within a repetition every server is
# measured once, peers and TermChat modes alternating, so slow drifts in machine load hit all alike.
# Server CPU seconds come from /proc/PID/stat (utime+stime), memory from /proc/PID/status (VmRSS).
# Only the section between <!-- bench:begin --> and <!-- bench:end --> of the output file is replaced.
set -euo pipefail

bench_name=run-peers.sh
# shellcheck source=bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
here="$bench_here"
# shellcheck source=bench/ngircd-conf.sh
. "$here/bench/ngircd-conf.sh"
reps=5
duration=1.5
warmup=0.5
drain=1
max_drain=3
threads_connections=4000
connections=10000
sweep=1
sweep_duration=1.5
install=1
output="$here/docs/BENCHMARKS.md"
server_cpu=0
gen_cpu=1
udp=1
only=""

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads-connections) threads_connections="$2"; shift 2 ;;
    --no-sweep) sweep=0; shift ;;
    --no-udp) udp=0; shift ;;
    --no-install) install=0; shift ;;
    --output) output="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --quick) reps=1; duration=1; warmup=0.3; connections=2000; threads_connections=1000; sweep=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$(nproc)" -lt 2 ]; then
  echo "run-peers.sh: needs at least 2 CPUs (server on CPU $server_cpu, generator on CPU $gen_cpu)." >&2
  exit 1
fi
# 10,000 idle connections need as many descriptors in the generator and in each server.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work="$(mktemp -d /tmp/termchat-bench.XXXXXX)"
chmod 755 "$work"
results="$work/results.jsonl"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/hybrid/ircd.pid" ] && kill "$(cat "$work/hybrid/ircd.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
started_at=$(date +%s)

# ---------------------------------------------------------------- install and build
if [ "$install" = 1 ] && command -v apt-get >/dev/null; then
  bench_log "installing peers (nats-server, ircd-hybrid, ncat, ngircd) with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq nats-server ircd-hybrid ncat libident procps util-linux >/dev/null
fi
# ngircd's package conflicts with ircd-hybrid's, so it is unpacked, not installed.
ngircd_bin="$(command -v ngircd || true)"
if [ -z "$ngircd_bin" ]; then
  (cd "$work" && apt-get download ngircd >/dev/null 2>&1 && dpkg -x ngircd_*.deb ngircd-root)
  ngircd_bin="$work/ngircd-root/usr/sbin/ngircd"
fi
for tool in nats-server ncat taskset /usr/sbin/ircd-hybrid "$ngircd_bin"; do
  command -v "$tool" >/dev/null || { echo "run-peers.sh: $tool is missing (run without --no-install on Debian)." >&2; exit 1; }
done

# BenchTools: the rig's own helpers (echo server, DNS responder, report writer), not part of the termchat product.
bench_build tools
gen=(taskset -c "$gen_cpu" "${termchat[@]}" bench)

# ---------------------------------------------------------------- servers (CPU 0)
listening() { # port; reads /proc/net/tcp rather than connecting (a probe connection can kill ncat --chat)
  grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$1") 00000000:0000 0A" /proc/net/tcp
}
wait_port() { # port
  for _ in $(seq 1 150); do
    listening "$1" && return 0
    sleep 0.1
  done
  echo "run-peers.sh: nothing listens on port $1" >&2; return 1
}
declare -A pid_of port_of target_of

start_bg() { # label port target command...
  local label="$1" port="$2" target="$3"; shift 3
  if listening "$port"; then
    echo "run-peers.sh: port $port (for $label) is already in use; stop whatever listens there." >&2; exit 1
  fi
  taskset -c "$server_cpu" "$@" >"$work/$label.log" 2>&1 &
  pid_of[$label]=$!; port_of[$label]=$port; target_of[$label]=$target; pids+=($!)
  wait_port "$port"
}

bench_log "starting nats-server"
wanted nats && start_bg nats 14222 nats nats-server -a 127.0.0.1 -p 14222

if wanted ngircd; then
bench_log "starting ngircd"
ngircd_conf "$work/ngircd" 16669
start_bg ngircd 16669 irc "$ngircd_bin" -n -f "$work/ngircd/ngircd.conf"
fi

if wanted ircd-hybrid; then
bench_log "starting ircd-hybrid"
mkdir -p "$work/hybrid"
cat >"$work/hybrid/ircd.conf" <<'EOF'
serverinfo {
	name = "hybrid.bench.local";
	sid = "0BN";
	description = "ircd-hybrid benchmark";
	network_name = "bench";
	network_description = "bench";
	hub = no;
	default_max_clients = 15000;
	max_nick_length = 15;
};
admin { name = "bench"; description = "bench"; email = "<root@localhost>"; };
class {
	name = "users";
	ping_time = 5 minutes;
	number_per_ip_local = 20000;
	number_per_ip_global = 20000;
	max_number = 20000;
	cidr_bitlen_ipv4 = 32;
	cidr_bitlen_ipv6 = 128;
	number_per_cidr = 20000;
	sendq = 64 megabytes;
	recvq = 64 megabytes;
};
listen { host = "127.0.0.1"; port = 16668; };
auth { user = "*@127.0.0.1"; class = "users"; flags = can_flood, exceed_limit, kline_exempt, xline_exempt, resv_exempt; };
channel { max_channels = 25; default_join_flood_count = 100000; default_join_flood_time = 1 second; };
general {
	disable_auth = yes;
	throttle_time = 0;
	throttle_count = 100000;
	default_floodcount = 100000;
	default_floodtime = 1 second;
	anti_nick_flood = no;
	ping_cookie = no;
};
EOF
: >"$work/hybrid/ircd.motd"
chown -R irc:irc "$work/hybrid" 2>/dev/null || true
# ircd-hybrid refuses to run as root; it forks nothing with -foreground, so $! is the daemon.
h=(-foreground -configfile "$work/hybrid/ircd.conf" -pidfile "$work/hybrid/ircd.pid" -logfile "$work/hybrid/ircd.log"
   -klinefile "$work/hybrid/k" -dlinefile "$work/hybrid/d" -xlinefile "$work/hybrid/x" -resvfile "$work/hybrid/r")
# ircd-hybrid resolves every client's address with its own resolver, which reads /etc/resolv.conf and
# cannot be turned off. Here that would send DNS queries off the machine and stall each registration for
# the resolver timeout, so it runs in a private mount namespace whose resolv.conf names 127.0.0.53, where
# `termchat-benchtools nxdomain` answers every query at once with NXDOMAIN.
taskset -c "$gen_cpu" "${benchtools[@]}" nxdomain --bind 127.0.0.53 >"$work/nxdomain.log" 2>&1 &
pids+=($!)
echo "nameserver 127.0.0.53" >"$work/hybrid/resolv.conf"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  taskset -c "$server_cpu" unshare --mount sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec runuser -u irc -- "$@"' \
    sh "$work/hybrid/resolv.conf" /usr/sbin/ircd-hybrid "${h[@]}" >"$work/hybrid.log" 2>&1 &
else
  taskset -c "$server_cpu" /usr/sbin/ircd-hybrid "${h[@]}" >"$work/hybrid.log" 2>&1 &
fi
pids+=($!)
wait_port 16668
pid_of[ircd-hybrid]="$(cat "$work/hybrid/ircd.pid")"; port_of[ircd-hybrid]=16668; target_of[ircd-hybrid]=irc
fi

# ncat --chat quits when a client resets at the wrong moment, so it is restarted before each use.
start_ncat() {
  if [ -n "${pid_of[ncat]:-}" ]; then kill "${pid_of[ncat]}" 2>/dev/null || true; wait "${pid_of[ncat]}" 2>/dev/null || true; fi
  start_bg ncat 18888 line ncat -l --chat --max-conns 20000 127.0.0.1 18888
}
wanted ncat && start_ncat

bench_log "starting the echo server"
wanted echo && start_bg echo 17800 echo "${benchtools[@]}" echo-server --port 17800

for mode in async select threads; do
  wanted "termchat-$mode" || continue
  bench_log "starting termchat serve --mode $mode"
  case "$mode" in async) port=17771 ;; select) port=17772 ;; threads) port=17773 ;; esac
  # --ephemeral: the peers keep nothing on disk either; the durable store's cost is measured by run-durable.sh.
  start_bg "termchat-$mode" "$port" termchat "${termchat[@]}" serve --mode "$mode" --port "$port" --bind 127.0.0.1 \
    --ephemeral --flood-rate 0 --max-sendq 67108864 --max-per-ip 100000 --max-clients 20000 --stats-interval 0 --log-level warning
done

# ---------------------------------------------------------------- runs
# Interleaved order: a peer, a TermChat mode, the next peer, the next mode...
order=()
for label in nats termchat-async ngircd termchat-select ircd-hybrid termchat-threads ncat; do
  wanted "$label" && order+=("$label")
done

run() { # scenario label extra-args...
  local scenario="$1" label="$2"; shift 2
  [ "$label" = ncat ] && start_ncat
  local out
  if out="$("${gen[@]}" "$scenario" -t "${target_of[$label]}" -p "${port_of[$label]}" --label "$label" \
      --server-pid "${pid_of[$label]}" --json --no-progress "$@" 2>"$work/last-error")"; then :; fi
  if [ -n "$out" ]; then
    echo "$out" >>"$results"
  else
    bench_log "  $scenario $label failed: $(tail -1 "$work/last-error")"
  fi
}

fan=(--duration "$duration" --warmup "$warmup" --drain "$drain" --max-drain "$max_drain")
for rep in $(seq 1 "$reps"); do
  bench_log "repetition $rep of $reps"
  for label in "${order[@]}"; do
    bench_log "  fanout $label"
    run fanout "$label" "${fan[@]}" -n 100 -r 20000    # 2,000,000 deliveries/s offered
    run fanout "$label" "${fan[@]}" -n 100 -r 2000     #   200,000 deliveries/s offered
    run fanout "$label" "${fan[@]}" -n 10 -r 20000     #   200,000 deliveries/s offered
    # ncat --chat uses select(): 1000 clients sit at its 1024-descriptor limit, and each arrival is
    # announced to every client (quadratic), so it sits out the 1000-subscriber case.
    [ "$label" = ncat ] || run fanout "$label" "${fan[@]}" -n 1000 -r 1000    # 1,000,000 deliveries/s offered
  done
  for label in echo "${order[@]}"; do
    wanted "$label" || continue
    bench_log "  pingpong $label"
    run pingpong "$label" --count 10000 --warmup-count 1000
  done
  if [ "$udp" = 1 ] && wanted termchat-async; then
    bench_log "  udp termchat-async"
    before=$(wc -l <"$results" 2>/dev/null || echo 0)
    # Offered above the 100,000/s target, so the figure shows whether there is headroom.
    run udp termchat-async --duration "$duration" --subscribers 1 --rate 120000
    if [ "$(wc -l <"$results" 2>/dev/null || echo 0)" = "$before" ]; then
      bench_log "  (no reliable-UDP result: this build or server does not serve UDP; skipping the udp scenario)"
      udp=0
    fi
  fi
done

if [ "$sweep" = 1 ]; then
  bench_log "sweeps (one each): highest rate with p99 <= 10 ms and no loss, 100 subscribers"
  for label in "${order[@]}"; do
    bench_log "  sweep $label"
    run fanout "$label" --sweep --bisections 2 -n 100 -r 4000 --max-rate 64000 --duration "$sweep_duration" --warmup "$warmup" --drain "$drain" --max-drain "$max_drain"
  done
fi

# Idle connections last: 10,000 connections (and their teardown) must not disturb the runs above.
for rep in $(seq 1 "$reps"); do
  bench_log "idle connections, repetition $rep of $reps"
  for label in "${order[@]}"; do
    [ "$label" = ncat ] && continue   # ncat uses select(): at most 1024 descriptors
    n="$connections"
    # Two threads per connection: the machine-wide pid limit caps thread-per-connection servers.
    [ "$label" = termchat-threads ] && [ "$n" -gt "$threads_connections" ] && n="$threads_connections"
    bench_log "  connections $label ($n)"
    run connections "$label" --connections "$n" --settle 1
  done
done

# ---------------------------------------------------------------- report
elapsed=$(( $(date +%s) - started_at ))
cpu_model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
machine="$work/machine.md"
{
  echo "## Load tests (\`bench/run-peers.sh\`)"
  echo
  echo "Generated by \`bench/run-peers.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') in ${elapsed} s. Each server ran pinned to CPU $server_cpu"
  echo "(\`taskset -c $server_cpu\`), the load generator \`termchat bench\` to CPU $gen_cpu. $reps interleaved repetitions:"
  echo "within each, every server is measured once in the order ${order[*]}; tables give the median over"
  echo "repetitions in bold and the spread (min–max) in brackets. Ratios are computed within each repetition (same"
  echo "conditions) and then summarised. Latency is measured from each message's *scheduled* send time (open loop,"
  echo "no coordinated omission). Loss counts deliveries that had not arrived ${max_drain} s after the last send (a chat"
  echo "message that late is as good as lost; a server far behind would otherwise take minutes to drain)."
  echo "Server CPU is utime+stime from /proc/PID/stat over the run. The generator reads its subscribers every 0.5 ms and"
  echo "its publisher wakes at most every 0.1 ms, so up to about 0.6 ms of each latency is the generator's own (the same"
  echo "for every server); the raw JSON also records the generator's CPU seconds per run."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | ${cpu_model:-unknown}, $(nproc) CPUs |"
  echo "| Memory | $(free -g | awk '/^Mem:/ {print $2}') GiB |"
  echo "| Kernel | $(uname -sr) |"
  echo "| .NET | $(dotnet --version) SDK, runtime $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}') |"
  echo "| Peers | nats-server $(nats-server --version 2>&1 | awk '{print $NF}' | head -1), ngircd $("$ngircd_bin" --version 2>/dev/null | head -1 | awk '{print $2}'), ircd-hybrid $(dpkg-query -W -f '${Version}' ircd-hybrid 2>/dev/null), $(ncat --version 2>&1 | head -1) |"
  echo "| Load | load average (1, 5, 15 min) before the run: $bench_load_before; after: $(cut -d' ' -f1-3 /proc/loadavg). The 1-minute figure before says whether other work shared the CPUs; the run itself raises the figures after (thousands of connection threads count as load). |"
  echo
  echo "Reproduce: \`bench/run-peers.sh --reps $reps --duration $duration --connections $connections --threads-connections $threads_connections$([ "$sweep" = 1 ] || echo ' --no-sweep')\`"
  echo "(raw JSON lines of this run: \`$(basename "$output" .md)-results.jsonl\` next to this file)."
} >"$machine"
"${benchtools[@]}" report --input "$results" --machine "$machine" --output "$output"
cp "$results" "$(dirname "$output")/$(basename "$output" .md)-results.jsonl"
bench_log "done in ${elapsed} s; results in $output"
