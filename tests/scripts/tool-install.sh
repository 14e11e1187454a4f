#!/usr/bin/env bash
# termchat as a .NET tool, the way a user installs it: `./run.sh pack` builds artifacts/termchat.VERSION.nupkg,
# `dotnet tool install` puts it in a temporary tool path from that folder alone (no other package source), and the
# installed `termchat` prints its version, serves, chats with `join --plain` and stops (lib/chat-smoke.sh).
# Every step is bounded by a timeout; the server is stopped and the tool path removed on exit.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="tool-install"

if ! command -v dotnet >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then echo "$name: FAIL: the .NET SDK ('dotnet') is not on PATH (CI=true)"; exit 1; fi
  echo "$name: SKIP: the .NET SDK ('dotnet') is not on PATH"; exit 0
fi

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

rm -f "$root"/artifacts/termchat.*.nupkg
timeout 900 "$root/run.sh" pack >"$work/pack.out" 2>"$work/pack.log"
package="$(ls "$root"/artifacts/termchat.*.nupkg 2>/dev/null | head -1)"
check "./run.sh pack builds the tool package into artifacts/" [ -n "$package" ]
[ -n "$package" ] || { echo "$name: $failures failure(s)"; exit 1; }
version="$(basename "$package" .nupkg)"; version="${version#termchat.}"

# Only artifacts/ as a source: the install must not depend on any feed.
cat >"$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="artifacts" value="$root/artifacts" />
  </packageSources>
</configuration>
CONFIG
# A private package cache too: a package of the same version cached by an earlier run must not stand in for this one.
NUGET_PACKAGES="$work/packages" timeout 300 dotnet tool install --tool-path "$work/tools" --configfile "$work/nuget.config" termchat --version "$version" >"$work/install.log" 2>&1
code=$?
check "dotnet tool install from artifacts/ succeeds (exit $code)" [ "$code" = 0 ]
chat_smoke "$work/tools/termchat"

echo "$name: $failures failure(s)"
[ "$failures" = 0 ]
