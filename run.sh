#!/usr/bin/env bash
# TermChat launcher.
#   ./run.sh              build if needed, then host a server on port 7777 and open the client
#   ./run.sh test         run every test (unit, integration, tmux end-to-end, network namespaces)
#   ./run.sh ARGS...      pass ARGS to termchat (serve, join, bench, discover, netcheck, --help)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/.build/termchat"
stamp="$out/.stamp"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "termchat: the .NET 10 SDK is needed (https://dot.net); 'dotnet' was not found on PATH." >&2
  exit 127
fi

needs_build() {
  [ -f "$stamp" ] || return 0
  # Rebuild only when a source or build file is newer than the last build.
  [ -n "$(find "$here/src" "$here/Directory.Build.props" "$here/Directory.Packages.props" \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -newer "$stamp" -print -quit)" ]
}

build() {
  echo "termchat: building (first run or sources changed)..." >&2
  local log
  # Quiet on success; the whole build log on failure.
  if ! log=$(dotnet build "$here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -o "$out" -nologo -v quiet 2>&1); then
    printf '%s\n' "$log" >&2
    exit 1
  fi
  touch "$stamp"
}

case "${1:-}" in
  test)
    shift
    dotnet build "$here/TermChat.sln" -c Release -nologo -v quiet -clp:ErrorsOnly
    dotnet test "$here/TermChat.sln" -c Release --no-build -nologo "$@"
    # Scripted tests that need root (network namespaces) or external tools.
    for script in "$here"/tests/scripts/*.sh; do
      [ -e "$script" ] || continue
      echo "== $(basename "$script")"
      bash "$script"
    done
    ;;
  *)
    if needs_build; then build; fi
    exec dotnet "$out/termchat.dll" "$@"
    ;;
esac
