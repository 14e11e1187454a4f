#!/usr/bin/env bash
# The self-contained single-file binary, run where no .NET is installed: `./run.sh publish linux-x64` builds
# artifacts/linux-x64/termchat, which then runs with an environment holding no dotnet on PATH and no DOTNET_*
# variables; it prints its version, serves, chats with `join --plain` and stops (lib/chat-smoke.sh).
# Only on x86-64 Linux, where the binary can run; elsewhere it skips (it fails under CI=true). Bounded by timeouts.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="single-file"

skip() {
  if [ "${CI:-}" = "true" ]; then echo "$name: FAIL: $* (CI=true: prerequisites must be installed)"; exit 1; fi
  echo "$name: SKIP: $*"
  exit 0
}
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || skip "the linux-x64 binary runs only on x86-64 Linux"
command -v dotnet >/dev/null 2>&1 || skip "the .NET SDK ('dotnet') is needed to publish"

work="$(mktemp -d)"
smoke_server=""
cleanup() {
  local status=$?
  [ -n "$smoke_server" ] && kill -9 "$smoke_server" 2>/dev/null
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log "$work"/*.out "$work"/*.err; do [ -s "$log" ] && { echo "--- $(basename "$log")"; tail -20 "$log"; }; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
# shellcheck source=lib/chat-smoke.sh
. "$here/lib/chat-smoke.sh"

timeout 900 "$root/run.sh" publish linux-x64 >"$work/publish.out" 2>"$work/publish.log"
binary="$root/artifacts/linux-x64/termchat"
check "./run.sh publish linux-x64 builds artifacts/linux-x64/termchat" [ -x "$binary" ]
[ -x "$binary" ] || { echo "$name: $failures failure(s)"; exit 1; }
check "artifacts/linux-x64 holds the binary alone" [ "$(ls "$root/artifacts/linux-x64")" = termchat ]
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")"

# No SDK: an empty PATH (so not even /usr/bin/dotnet) and nothing else from this environment.
mkdir "$work/empty"
check "the environment it runs in has no dotnet" env -i PATH="$work/empty" /bin/bash -c '! command -v dotnet >/dev/null && [ -z "${DOTNET_ROOT:-}" ]'
chat_smoke env -i PATH="$work/empty" HOME="$work" "$binary"
echo "  size: $(stat -c %s "$binary") bytes"

echo "$name: $failures failure(s)"
[ "$failures" = 0 ]
