#!/usr/bin/env bash
# Before/after: the same TermChat scenarios against two builds of the server, interleaved, in one run.
#
#   bench/ab-builds.sh BEFORE AFTER [--reps N] [--duration S] [-- EXTRA SERVE OPTIONS]
#
# BEFORE and AFTER are git commits (or branches). Each is built into a temporary folder; the server runs pinned to
# CPU 0 and the load generator (`termchat bench` of AFTER) to CPU 1, one server at a time, alternating, so that
# slow drifts in machine load hit both alike. Scenarios: async fan-out (100 subscribers, 20,000 msg/s offered),
# ping-pong, 2,000 idle connections (RSS), reliable UDP (1 subscriber, 120,000 msg/s offered). Prints one JSON
# line per run (the `termchat bench --json` format) to stdout; progress to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
before="$1" after="$2"; shift 2
reps=3 duration=2 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "ab-builds.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
log() { echo "ab-builds.sh: $*" >&2; }

for side in before after; do
  commit="${!side}"
  log "building $side ($commit)"
  git -C "$here" worktree add --detach "$work/src-$side" "$commit" >/dev/null 2>&1
  dotnet build "$work/src-$side/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -o "$work/$side" -nologo -v quiet -clp:ErrorsOnly >&2
  git -C "$here" worktree remove --force "$work/src-$side"
done
gen=(taskset -c 1 dotnet "$work/after/termchat.dll" bench)

serve() { # side port
  XDG_DATA_HOME="$work/data-$1" taskset -c 0 dotnet "$work/$1/termchat.dll" serve --port "$2" --bind 127.0.0.1 --mode async \
    --flood-rate 0 --max-per-ip 5000 --max-clients 5000 --no-discovery --stats-interval 0 "${extra[@]}" >"$work/$1.log" 2>&1 &
  pids+=($!)
  echo $!
}
wait_port() { for _ in $(seq 1 150); do grep -q "^  TCP port" "$work/$1.log" 2>/dev/null && return 0; sleep 0.1; done; cat "$work/$1.log" >&2; return 1; }

for rep in $(seq 1 "$reps"); do
  for side in before after; do
    log "repetition $rep: $side"
    port=$((17900 + RANDOM % 900))
    pid=$(serve "$side" "$port")
    wait_port "$side"
    common=(-p "$port" --label "$side" --server-pid "$pid" --json --no-progress)
    "${gen[@]}" fanout "${common[@]}" -n 100 -r 20000 --duration "$duration" || log "fanout $side failed"
    "${gen[@]}" pingpong "${common[@]}" --count 10000 --warmup-count 1000 || log "pingpong $side failed"
    "${gen[@]}" connections "${common[@]}" -n 2000 || log "connections $side failed"
    "${gen[@]}" udp -t termchat-udp "${common[@]}" --duration "$duration" --subscribers 1 --rate 120000 || log "udp $side failed"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
