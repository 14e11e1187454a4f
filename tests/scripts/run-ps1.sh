#!/usr/bin/env bash
# run.ps1 under real PowerShell (7.6.10, installed as a .NET tool; .ci/run installs it):
#   * `run.ps1 --help` twice in a row: the first run builds, and its build output stays off stdout; the second
#     run finds the build stamp (a dot-file, hidden to PowerShell) and reuses the build;
#   * `run.ps1 serve` and `run.ps1 join --plain` chat through the server;
#   * stopping pwsh stops the server it started (PowerShell cannot exec, so termchat watches its parent).
# Without pwsh it skips (exit 0), except under CI=true, where a missing prerequisite fails the run. Every step is
# bounded by a timeout; everything started is stopped on exit.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="run-ps1"

skip() {
  if [ "${CI:-}" = "true" ]; then echo "$name: FAIL: $* (CI=true: prerequisites must be installed)"; exit 1; fi
  echo "$name: SKIP: $*"
  exit 0
}
pwsh="$(command -v pwsh 2>/dev/null || true)"
if [ -z "$pwsh" ] && [ -x /opt/pwsh/pwsh ]; then pwsh=/opt/pwsh/pwsh; fi
[ -n "$pwsh" ] || skip "PowerShell ('pwsh') is not installed (dotnet tool install --tool-path /opt/pwsh PowerShell --version 7.6.10)"
command -v dotnet >/dev/null 2>&1 || skip "the .NET SDK ('dotnet') is not on PATH"

work="$(mktemp -d)"
marker="pwsh-test-$$"
launcher=""
cleanup() {
  local status=$?
  for pid in $(pgrep -f -- "--name $marker" 2>/dev/null) $launcher; do kill -9 "$pid" 2>/dev/null; done
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*; do [ -s "$log" ] && { echo "--- $(basename "$log")"; tail -20 "$log"; }; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
ps1() { local limit="$1"; shift; timeout "$limit" "$pwsh" -NoLogo -NoProfile -NonInteractive -File "$root/run.ps1" "$@"; }

# --- --help twice: build once, quietly, then reuse --------------------------------------------------------
# An old stamp makes the first run rebuild, so the build's own output is exercised too.
[ -f "$root/.build/termchat/.stamp" ] && touch -d '2000-01-01' "$root/.build/termchat/.stamp"
for run in 1 2; do
  ps1 900 --help >"$work/help$run.out" 2>"$work/help$run.err"
  code=$?
  check "run.ps1 --help, run $run, exits 0 (exit $code)" [ "$code" = 0 ]
  check "run.ps1 --help, run $run, prints termchat's help and nothing else on stdout" \
    bash -c "[ \"\$(head -1 '$work/help$run.out')\" = 'Description:' ] && ! grep -qiE 'build succeeded|warning|error' '$work/help$run.out'"
done
check "the first run says it builds, on stderr" grep -q "termchat: building" "$work/help1.err"
check "the second run reuses the build (no stamp error, no rebuild)" bash -c "[ ! -s '$work/help2.err' ]"

# --- serve and join --plain --------------------------------------------------------------------------------
"$pwsh" -NoLogo -NoProfile -NonInteractive -File "$root/run.ps1" serve --port 0 --bind 127.0.0.1 --no-discovery --name "$marker" \
  >"$work/serve.out" 2>"$work/serve.err" &
launcher=$!
port=""
for _ in $(seq 1 600); do
  port="$(grep -oE 'TCP port [0-9]+' "$work/serve.out" 2>/dev/null | grep -oE '[0-9]+$')"
  [ -n "$port" ] && grep -q "Ctrl+C" "$work/serve.out" && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.1
done
check "run.ps1 serve prints its port" [ -n "$port" ]
server="$(pgrep -f -- "termchat.dll serve .*--name $marker" | head -1)"   # termchat itself, not the pwsh running run.ps1
if [ -n "$port" ] && [ -n "$server" ]; then
  printf 'hello from pwsh\n' | ps1 120 join "127.0.0.1:$port" --plain --nick pwshy >"$work/join.out" 2>"$work/join.err"
  code=$?
  check "run.ps1 join --plain exits 0 at end of input (exit $code)" [ "$code" = 0 ]
  check "the message went through the server and came back" grep -q "<pwshy> hello from pwsh" "$work/join.out"

  # --- stopping pwsh stops the server ----------------------------------------------------------------------
  shell="$(ps -o ppid= -p "$server" | tr -d ' ')"   # the PowerShell process running run.ps1
  kill -TERM "$shell"
  for _ in $(seq 1 200); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  check "stopping pwsh stops the server it started" bash -c "! kill -0 $server 2>/dev/null"
  check "the server shut down gracefully" grep -q "termchat serve: stopped." "$work/serve.out"
else
  fail "run.ps1 serve started a server (pid '${server}', port '${port}')"
fi

# --- run.ps1 pack: the .NET tool, as run.sh pack makes it -------------------------------------------------
code=0
"$pwsh" -NoProfile -File "$root/run.ps1" pack >"$work/pack.out" 2>"$work/pack.err" || code=$?
check "run.ps1 pack exits 0 and prints the package it made (exit $code)" \
  bash -c "[ $code = 0 ] && grep -qE 'artifacts/termchat\.[0-9.]+\.nupkg$' '$work/pack.out'"
"$pwsh" -NoProfile -File "$root/run.ps1" publish no-such-rid >/dev/null 2>"$work/publish.err"
code=$?
check "run.ps1 publish refuses an unknown RID in one line with exit 2 (exit $code)" \
  bash -c "[ $code = 2 ] && [ \$(wc -l <'$work/publish.err') = 1 ] && grep -q 'choose from' '$work/publish.err'"

echo "$name: $failures failure(s)"
[ "$failures" = 0 ]
