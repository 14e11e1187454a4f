#!/usr/bin/env bash
# TermChat launcher.
#   ./run.sh              build if needed, then host a server on port 7777 and open the client
#   ./run.sh test         run every test (unit, integration, tmux end-to-end, network namespaces)
#   ./run.sh pack         make the .NET tool package in artifacts/ (dotnet tool install --add-source artifacts termchat)
#   ./run.sh publish [--no-aot] [RID...]
#                         self-contained binaries in artifacts/<rid>/ (default: every supported RID); linux-x64 is
#                         Native AOT (needs clang) unless --no-aot, the others single-file and trimmed
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

# quietly RUN...: the command's output only if it fails, on stderr (stdout stays for the caller).
quietly() {
  local log
  if ! log=$("$@" 2>&1); then
    printf '%s\n' "$log" >&2
    exit 1
  fi
}

needs_build() {
  [ -f "$stamp" ] || return 0
  # Rebuild only when a source or build file is newer than the last build.
  [ -n "$(find "$here/src" "$here/bench" "$here/Directory.Build.props" "$here/Directory.Packages.props" \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -newer "$stamp" -print -quit)" ]
}

build() {
  echo "termchat: building (first run or sources changed)..." >&2
  quietly dotnet build "$here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -o "$out" -nologo -v quiet
  touch "$stamp"
}

# The RIDs we ship binaries for; see README "Install without the source".
all_rids="linux-x64 linux-arm64 win-x64 osx-arm64 osx-x64"
artifacts="$here/artifacts"

publish() {
  local aot=true rids=()
  for arg in "$@"; do
    case "$arg" in
      --no-aot) aot=false ;;
      -*) echo "termchat: unknown publish option '$arg' (see ./run.sh --help)" >&2; exit 2 ;;
      *) rids+=("$arg") ;;
    esac
  done
  [ ${#rids[@]} -gt 0 ] || read -r -a rids <<<"$all_rids"
  for rid in "${rids[@]}"; do
    case " $all_rids " in *" $rid "*) ;; *) echo "termchat: no binary is built for '$rid'; choose from: $all_rids" >&2; exit 2 ;; esac
    local props=(-p:SelfContained=true -p:PublishTrimmed=true)
    if [ "$rid" = linux-x64 ] && $aot; then
      command -v clang >/dev/null 2>&1 || { echo "termchat: Native AOT needs clang (apt-get install clang), or use --no-aot" >&2; exit 1; }
      props+=(-p:PublishAot=true)
    else
      props+=(-p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true)
    fi
    echo "termchat: publishing $rid..." >&2
    rm -rf "$artifacts/$rid"
    quietly dotnet publish "$here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -r "$rid" "${props[@]}" \
      -p:DebugType=none -p:GenerateDocumentationFile=false -p:AllowedReferenceRelatedFileExtensions=none -o "$artifacts/$rid" -nologo -v quiet
    # One file per platform: native symbols (termchat.dbg) and native libraries that packages carry for features
    # TermChat does not use (Terminal.Gui's TextMate highlighter brings Onigwrap's regex library) stay out.
    # tests/scripts/packaging.sh runs the binary alone in an empty folder to prove nothing else is needed.
    find "$artifacts/$rid" -type f ! -name termchat ! -name termchat.exe -delete
    ls "$artifacts/$rid"/termchat*
  done
}

case "${1:-}" in
  pack)
    echo "termchat: packing the .NET tool..." >&2
    quietly dotnet pack "$here/src/TermChat.Cli/TermChat.Cli.csproj" -c Release -o "$artifacts" -nologo -v quiet
    ls "$artifacts"/termchat.*.nupkg
    ;;
  publish)
    shift
    publish "$@"
    ;;
  test)
    shift
    # Servers keep history (and their key) in $XDG_DATA_HOME/termchat by default: the tests get a fresh, private one,
    # so that no run sees another's history and none touches the user's.
    XDG_DATA_HOME="$(mktemp -d "${TMPDIR:-/tmp}/termchat-test-data.XXXXXX")"
    # Clients pin server keys and keep their own key in $XDG_CONFIG_HOME/termchat: private to the run as well.
    XDG_CONFIG_HOME="$XDG_DATA_HOME/config"
    mkdir -p "$XDG_CONFIG_HOME"
    export XDG_DATA_HOME XDG_CONFIG_HOME
    trap 'rm -rf "$XDG_DATA_HOME"' EXIT
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
