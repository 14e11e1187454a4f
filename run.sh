#!/usr/bin/env bash
# TermChat launcher.
#   ./run.sh              build if needed, then host a server on port 7777 and open the client
#   ./run.sh test         run every test (unit, integration, tmux end-to-end, network namespaces)
#   ./run.sh pack         build the .NET tool package into artifacts/
#   ./run.sh publish [RID...]  self-contained single-file termchat per runtime (default: this machine's) into artifacts/RID/
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
  pack)
    # termchat as a .NET tool package: artifacts/termchat.VERSION.nupkg (dotnet tool install --add-source artifacts termchat).
    dotnet pack "$here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -o "$here/artifacts" -nologo -v quiet -clp:ErrorsOnly >&2
    ls "$here"/artifacts/termchat.*.nupkg
    ;;
  publish)
    # Self-contained single-file binaries, one per runtime: artifacts/RID/termchat[.exe]. Default: this machine's.
    shift
    rids=("$@")
    [ ${#rids[@]} -gt 0 ] || rids=("$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')")
    for rid in "${rids[@]}"; do
      rm -rf "$here/artifacts/$rid"
      dotnet publish "$here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -r "$rid" --self-contained \
        -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o "$here/artifacts/$rid" -nologo -v quiet -clp:ErrorsOnly >&2
      # Only the binary ships; debug symbols stay in the build output.
      find "$here/artifacts/$rid" -type f ! -name termchat ! -name termchat.exe -delete
      ls -l "$here/artifacts/$rid"/termchat*
    done
    ;;
  *)
    if needs_build; then build; fi
    exec dotnet "$out/termchat.dll" "$@"
    ;;
esac
