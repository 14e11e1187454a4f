#!/usr/bin/env bash
# TermChat's IRC front end against ngircd, side by side in one run: `termchat bench fanout --target irc` (NICK/USER,
# JOIN #bench, PRIVMSG #bench) at the same offered rates against ngircd and against `termchat serve --irc-port` in
# each server mode, all on 127.0.0.1.
#
#   bench/run-irc.sh                        build, run, print the tables and put them in docs/BENCHMARKS.md (between
#                                           <!-- bench-irc:begin --> and <!-- bench-irc:end -->, added at the end
#                                           the first time); raw results in docs/BENCHMARKS-irc-results.jsonl
#   bench/run-irc.sh --reps 3 --duration 2 --modes async,select
#   bench/run-irc.sh --quick                one short repetition of two cases, for checking the script itself
#   bench/run-irc.sh --output-dir /tmp/x    write results there instead of docs/
#
# ngircd (the Debian package; installed with apt-get when missing and apt-get is there) runs in the foreground
# (`-n -f CONF`) with a generated configuration (bench/ngircd-conf.sh) and its own pid file under a temporary directory, on a free
# port; nothing is installed as a daemon. Every server runs pinned to CPU 0 and the generator to CPU 1. Within a
# repetition ngircd and the TermChat modes alternate case by case, so slow drifts in machine load hit all alike.
# Cases: 1 publisher to 100 subscribers at 1,000, 5,000 and 20,000 messages/s (100,000, 500,000 and 2,000,000
# deliveries/s offered); 4 publishers to 100 subscribers at 5,000/s together (500,000/s); 1 to 1,000 at 500/s
# (500,000/s). Latency is from each message's scheduled send time (open loop); loss counts deliveries missing 3 s
# after the last send.
set -euo pipefail

bench_name=run-irc.sh
# shellcheck source=bench/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
here="$bench_here"
# shellcheck source=bench/ngircd-conf.sh
. "$here/bench/ngircd-conf.sh"
reps=3
duration=1.5
warmup=0.5
modes="async,select,threads"
outdir="$here/docs"
quick=0
install=1
server_cpu=0
gen_cpu=1

while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --output-dir) outdir="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    --quick) quick=1; reps=1; duration=0.5; warmup=0.2; shift ;;
    -h|--help) bench_help 2,20; exit 0 ;;
    *) bench_unknown "$1" ;;
  esac
done
for mode in ${modes//,/ }; do
  case "$mode" in async|select|threads) ;; *) echo "run-irc.sh: --modes takes async, select and threads, not $mode" >&2; exit 2 ;; esac
done
if [ "$(nproc)" -lt 2 ]; then
  echo "run-irc.sh: needs at least 2 CPUs (servers on CPU $server_cpu, generator on CPU $gen_cpu)." >&2
  exit 1
fi
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bench_workdir
# ngircd started as root drops to its ServerUID, which must still read its configuration.
chmod 755 "$work"

# ---------------------------------------------------------------- ngircd and termchat
ngircd_bin="$(command -v ngircd || true)"
if [ -z "$ngircd_bin" ] && [ "$install" = 1 ] && command -v apt-get >/dev/null; then
  bench_log "installing ngircd with apt-get (only the program is used: the service is not started)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ngircd >/dev/null
  ngircd_bin="$(command -v ngircd || true)"
fi
[ -n "$ngircd_bin" ] || { echo "run-irc.sh: ngircd is missing (apt-get install ngircd)." >&2; exit 1; }
command -v taskset >/dev/null || { echo "run-irc.sh: taskset is missing (util-linux)." >&2; exit 1; }

bench_build
gen=(taskset -c "$gen_cpu" "${termchat[@]}" bench)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
listening() { grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$1") 00000000:0000 0A" /proc/net/tcp; }
wait_port() { # label port
  for _ in $(seq 1 200); do
    listening "$2" && return 0
    sleep 0.1
  done
  echo "run-irc.sh: $1 does not listen on port $2; its log:" >&2
  cat "$work/$1.log" >&2 || true
  exit 1
}
declare -A pid_of port_of

ngircd_port="$(free_port)"
ngircd_conf "$work/ngircd" "$ngircd_port"
bench_log "starting ngircd $("$ngircd_bin" --version 2>/dev/null | head -1 | awk '{print $2}' | cut -d- -f1) on port $ngircd_port"
taskset -c "$server_cpu" "$ngircd_bin" -n -f "$work/ngircd/ngircd.conf" >"$work/ngircd.log" 2>&1 &
bench_pids+=($!); pid_of[ngircd]=$!; port_of[ngircd]=$ngircd_port
wait_port ngircd "$ngircd_port"

labels=(ngircd)
for mode in ${modes//,/ }; do
  label="termchat-$mode"
  irc_port="$(free_port)"
  bench_log "starting termchat serve --mode $mode, IRC on port $irc_port"
  # The same limits off as for ngircd: no flood control, a send queue no run fills, caps above the run's connections.
  XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" taskset -c "$server_cpu" "${termchat[@]}" serve --mode "$mode" \
    --port 0 --irc-port "$irc_port" --bind 127.0.0.1 --ephemeral --no-discovery --flood-rate 0 --max-sendq 67108864 \
    --max-per-ip 100000 --max-clients 20000 --stats-interval 0 --log-level warning >"$work/$label.log" 2>&1 &
  bench_pids+=($!); pid_of[$label]=$!; port_of[$label]=$irc_port
  wait_port "$label" "$irc_port"
  labels+=("$label")
done

# ---------------------------------------------------------------- runs
mkdir -p "$outdir"
results="$outdir/BENCHMARKS-irc-results.jsonl"
report="$outdir/BENCHMARKS.md"
: >"$results"
run() { # label case-args...
  local label="$1"; shift
  local out
  if out="$("${gen[@]}" fanout -t irc -p "${port_of[$label]}" --label "$label" --server-pid "${pid_of[$label]}" \
      --json --no-progress --duration "$duration" --warmup "$warmup" --drain 1 --max-drain 3 "$@" 2>"$work/last-error")"; then :; fi
  if [ -n "$out" ]; then
    echo "$out" >>"$results"
  else
    bench_log "  $label $* failed: $(tail -1 "$work/last-error")"
  fi
}

cases=("-n 100 -r 1000" "-n 100 -r 5000" "-n 100 -r 20000" "-n 100 -P 4 -r 5000" "-n 1000 -r 500")
[ "$quick" = 1 ] && cases=("-n 100 -r 1000" "-n 100 -P 4 -r 5000")
started=$(date +%s)
for rep in $(seq 1 "$reps"); do
  bench_log "repetition $rep of $reps"
  for case in "${cases[@]}"; do
    for label in "${labels[@]}"; do
      bench_log "  $label: fanout $case"
      # shellcheck disable=SC2086 # the case is words on purpose
      run "$label" $case
    done
  done
done
elapsed=$(( $(date +%s) - started ))

# ---------------------------------------------------------------- summary
cpu_model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
machine="${cpu_model:-unknown CPU}, $(nproc) CPUs; $(uname -sr); .NET $(dotnet --version) SDK; ngircd $("$ngircd_bin" --version 2>/dev/null | head -1 | awk '{print $2}')"
python3 - "$results" "$report" "$machine" "$reps" "$duration" "$bench_load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "$elapsed" "${labels[@]}" <<'EOF'
import json, statistics, sys
path, out, machine, reps, duration, load_before, load_after, elapsed, *labels = sys.argv[1:]
rows = {}
for line in open(path):
    if not line.startswith("{"):
        continue
    doc = json.loads(line)
    for r in doc.get("fanout") or []:
        key = (r["subscribers"], r["publishers"], r["offeredRate"])
        rows.setdefault(key, {}).setdefault(doc["label"], []).append(r)

def med(values):
    return statistics.median(values) if values else float("nan")

lines = [
    "| Subscribers × rate (publishers) | Offered deliveries/s | Server | Runs | Delivered/s (median) | Loss % (max) | p50 ms | p99 ms (median) | p99 ms (max) | Server CPU s |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
]
verdicts = []
for (subs, pubs, rate), by_label in sorted(rows.items(), key=lambda kv: (kv[0][0] * kv[0][2], kv[0])):
    offered = subs * rate
    p99s = {}
    for label in labels:
        runs = by_label.get(label, [])
        if not runs:
            lines.append(f"| {subs} × {rate:,.0f} ({pubs}) | {offered:,.0f} | {label} | 0 | failed | | | | | |")
            continue
        ok = [r for r in runs if not r.get("error")]
        p99 = med([r["latency"]["p99Us"] / 1000 for r in runs])
        p99s[label] = (p99, max(r["lossPercent"] for r in runs), len(ok) == len(runs))
        cpu = [r["serverCpuSeconds"] for r in runs if r.get("serverCpuSeconds") is not None]
        lines.append(
            f"| {subs} × {rate:,.0f} ({pubs}) | {offered:,.0f} | {label} | {len(runs)}{'' if len(ok) == len(runs) else f' ({len(runs) - len(ok)} with errors)'} "
            f"| {med([r['deliveriesPerSecond'] for r in runs]):,.0f} | {max(r['lossPercent'] for r in runs):.2f} "
            f"| {med([r['latency']['p50Us'] / 1000 for r in runs]):.3f} | {p99:.3f} | {max(r['latency']['p99Us'] for r in runs) / 1000:.3f} "
            f"| {med(cpu):.2f} |")
    if "ngircd" in p99s:
        base = p99s["ngircd"]
        for label, (p99, loss, clean) in p99s.items():
            if label == "ngircd":
                continue
            # Less loss is ahead whatever the p99: a server that lost most deliveries has a p99 of the few it made
            # (or 0 when none arrived in the measured window).
            ahead = clean and (loss < base[1] or (loss == base[1] and p99 < base[0]))
            verdicts.append(f"| {label} vs ngircd, {subs} × {rate:,.0f} ({pubs}), {offered:,.0f} deliveries/s | p99 {p99:.3f} vs {base[0]:.3f} ms, loss {loss:.2f} vs {base[1]:.2f} % | {'yes' if ahead else 'NO'} |")

text = [
    "## IRC front end against ngircd (`bench/run-irc.sh`)",
    "",
    f"Generated by `bench/run-irc.sh --reps {reps} --duration {duration}` in {elapsed} s: `termchat bench fanout --target irc`",
    "(NICK/USER, JOIN #bench, PRIVMSG #bench) against ngircd and `termchat serve --irc-port` in each mode, same offered",
    "rates, interleaved case by case; servers on CPU 0, the generator on CPU 1; flood control and connection caps off",
    "on both sides. Latency from each message's scheduled send time; loss = deliveries missing 3 s after the last send.",
    f"Machine: {machine}. Load average (1, 5, 15 min) before the run: {load_before}; after: {load_after}.",
    "",
    *lines,
    "",
    "| Ahead of ngircd (less loss, or the same loss and a lower p99; no errors)? | Figures | |",
    "|---|---|---|",
    *verdicts,
    "",
]
section = "\n".join(text).rstrip("\n")
print(section)
begin, end = "<!-- bench-irc:begin -->", "<!-- bench-irc:end -->"
try:
    document = open(out).read()
except FileNotFoundError:
    document = "# Benchmarks\n"
block = f"{begin}\n{section}\n{end}"
if begin in document and end in document:
    document = document[:document.index(begin)] + block + document[document.index(end) + len(end):]
else:
    document = document.rstrip("\n") + "\n\n" + block + "\n"
open(out, "w").write(document)
EOF
bench_log "done in ${elapsed} s; raw results $results, tables in $report"
