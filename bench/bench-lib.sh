# Plumbing shared by the bench/run-*.sh scripts; sourced, never run. A script sets `bench_name` (its file name, for
# messages) and then uses:
#   bench_help RANGE          its header comment lines (sed range such as 2,15) as --help
#   bench_unknown OPTION      the one-line error for an unknown option, exit 2
#   bench_need TOOL...        exits 1 naming the first missing tool
#   bench_workdir             creates $work; on exit kills every pid in bench_pids and removes $work
#   bench_build [tools]       builds the CLI (and BenchTools) into $work; sets termchat=(…) (and benchtools=(…))
#   bench_wait_port PORT PID  waits until 127.0.0.1:PORT accepts; if PID exits first, shows $work/server.log or
#                             the log named by a third argument, and exits 1
#   bench_cpu_seconds PID     utime+stime of PID from /proc, in seconds
#   bench_log MESSAGE…        one timestamped line on stderr
# shellcheck shell=bash

bench_here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_pids=()
bench_load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

bench_log() { printf '[%s] %s: %s\n' "$(date -u +%H:%M:%S)" "$bench_name" "$*" >&2; }

bench_help() { sed -n "$1p" "$0" | sed 's/^# \{0,1\}//'; }

bench_unknown() { echo "$bench_name: unknown option $1 (see --help)" >&2; exit 2; }

bench_need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$bench_name: needs $tool (Debian: apt-get install it)" >&2; exit 1; }
  done
}

bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

bench_workdir() {
  work="$(mktemp -d "/tmp/termchat-${bench_name%.sh}.XXXXXX")"
  trap bench_cleanup EXIT
}

# Builds into $work so a run measures exactly the tree it was started from, whatever else is built meanwhile.
bench_build() {
  bench_log "building into $work"
  dotnet build "$bench_here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -o "$work/termchat" -nologo -v quiet -clp:ErrorsOnly \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  termchat=(dotnet "$work/termchat/termchat.dll")
  if [ "${1:-}" = tools ]; then
    dotnet build "$bench_here/bench/TermChat.BenchTools/TermChat.BenchTools.csproj" -c Release -o "$work/benchtools" -nologo -v quiet \
      -clp:ErrorsOnly >"$work/build-tools.log" 2>&1 || { cat "$work/build-tools.log" >&2; exit 1; }
    benchtools=(dotnet "$work/benchtools/termchat-benchtools.dll")
  fi
}

bench_wait_port() { # port pid [log]
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "$bench_name: the process for port $1 exited:" >&2; cat "${3:-$work/server.log}" >&2; exit 1; }
    sleep 0.005
  done
}

bench_cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
