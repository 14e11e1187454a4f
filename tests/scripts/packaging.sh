#!/usr/bin/env bash
# TermChat installed without the source tree, as a user gets it.
#
#   1. `./run.sh pack`, then `dotnet tool install --tool-path TMP --add-source artifacts termchat`: the installed
#      tool prints the version from Directory.Build.props, serves, and two plain clients chat through it.
#   2. `./run.sh publish linux-x64` (Native AOT): the binary serves and chats with no .NET on the machine. As root
#      the SDK's folder is hidden by an empty tmpfs in a private mount namespace; otherwise PATH and DOTNET_* are
#      cleared.
#   3. `./run.sh publish` for the other RIDs: each file is of the right format (ELF/aarch64, PE/x86-64,
#      Mach-O/arm64 and x86-64), with its size.
#
# Needs the .NET SDK and clang (Native AOT). A missing prerequisite skips, except under CI=true, where it fails.
# Knob: RIDS (default "linux-arm64 win-x64 osx-arm64 osx-x64") for step 3; RIDS="" skips step 3.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="packaging"
failures=0

skip() {
  if [ "${CI:-}" = "true" ]; then echo "$name: FAIL: $* (CI=true: prerequisites must be installed)"; exit 1; fi
  echo "$name: SKIP: $*"
  exit 0
}
command -v dotnet >/dev/null 2>&1 || skip "the .NET SDK ('dotnet') is not on PATH"
command -v clang >/dev/null 2>&1 || skip "clang is not installed (apt-get install clang), so Native AOT cannot be built"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)
RIDS="${RIDS-linux-arm64 win-x64 osx-arm64 osx-x64}"

# wait_for FILE TEXT: up to 30 s for TEXT to appear in FILE.
wait_for() {
  for _ in $(seq 1 300); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# chat LABEL RUNNER...: RUNNER (a command prefix that runs termchat) serves on a free port; alice says a line, and bob,
# joining after her, gets it in the room's history; the server stops cleanly on SIGTERM; `history search` finds the line in the
# data file.
chat() {
  local label="$1"; shift
  local log="$work/$label-serve.log"
  # A data file: the shipped file must carry SQLite's native library too (a Native AOT binary embeds it).
  local data="$work/$label.db"
  "$@" serve --port 0 --bind 127.0.0.1 --no-discovery --data "$data" >"$log" 2>&1 &
  local server=$!
  pids+=("$server")
  if ! wait_for "$log" "Press Ctrl+C"; then echo "--- server log"; cat "$log"; return 1; fi
  local port
  port=$(sed -n 's/^  TCP port \([0-9]*\)$/\1/p' "$log")
  printf 'hello from %s\n' "$label" | timeout 30 "$@" join "127.0.0.1:$port" --plain --nick alice >"$work/$label-alice.out" 2>&1
  printf '/quit\n' | timeout 30 "$@" join "127.0.0.1:$port" --plain --nick bob >"$work/$label-bob.out" 2>&1
  kill -TERM "$server"
  local code=0
  wait "$server" || code=$?
  "$@" history search hello --data "$data" >"$work/$label-search.out" 2>&1
  if grep -qF "<alice> hello from $label" "$work/$label-bob.out" && [ "$code" = 0 ] \
    && grep -qF "<alice> hello from $label" "$work/$label-search.out"; then return 0; fi
  echo "--- server (exit $code)"; cat "$log"; echo "--- alice"; cat "$work/$label-alice.out"; echo "--- bob"; cat "$work/$label-bob.out"
  echo "--- history search"; cat "$work/$label-search.out"
  return 1
}

# fullscreen BIN: BIN serves; BIN's full-screen client, in tmux, sends a line, sees it, and /quit exits 0. Trimming
# and Native AOT remove code that reflection would need, so the terminal UI is checked in the shipped file itself.
fullscreen() {
  local bin="$1" log="$work/tui-serve.log" sock="tcpack$$" screen="$work/tui.screen"
  command -v tmux >/dev/null 2>&1 || skip "tmux is not installed (apt-get install tmux)"
  "$bin" serve --port 0 --bind 127.0.0.1 --no-discovery >"$log" 2>&1 &
  local server=$!
  pids+=("$server")
  wait_for "$log" "Press Ctrl+C" || { cat "$log"; return 1; }
  local port ok=1
  port=$(sed -n 's/^  TCP port \([0-9]*\)$/\1/p' "$log")
  tmux -L "$sock" new-session -d -x 100 -y 30 "NO_COLOR=1 '$bin' join 127.0.0.1:$port --nick tui; echo exit=\$?; sleep 30"
  for _ in $(seq 1 300); do tmux -L "$sock" capture-pane -p >"$screen" 2>/dev/null; grep -q "connected" "$screen" && break; sleep 0.1; done
  tmux -L "$sock" send-keys "hello from the binary" Enter
  for _ in $(seq 1 300); do tmux -L "$sock" capture-pane -p >"$screen"; grep -q "<tui> hello from the binary" "$screen" && break; sleep 0.1; done
  if grep -q "<tui> hello from the binary" "$screen"; then
    tmux -L "$sock" send-keys "/quit" Enter
    for _ in $(seq 1 300); do tmux -L "$sock" capture-pane -p >"$screen"; grep -q "exit=" "$screen" && break; sleep 0.1; done
    grep -q "exit=0" "$screen" && ok=0
  fi
  [ "$ok" = 0 ] || { echo "--- screen"; cat "$screen"; }
  tmux -L "$sock" kill-server 2>/dev/null
  kill -TERM "$server" 2>/dev/null
  return "$ok"
}

# --- 1. the .NET tool ---------------------------------------------------------------------------------
start=$SECONDS
if "$root/run.sh" pack >"$work/pack.out" 2>&1; then
  nupkg=$(grep -o '[^ ]*termchat\.[0-9.]*\.nupkg' "$work/pack.out" | tail -n 1)
  check "./run.sh pack makes artifacts/termchat.$version.nupkg" [ "$(basename "$nupkg")" = "termchat.$version.nupkg" ]
  if dotnet tool install --tool-path "$work/tools" --add-source "$root/artifacts" --version "$version" termchat >"$work/install.out" 2>&1; then
    pass "dotnet tool install --add-source artifacts termchat"
    shown=$("$work/tools/termchat" --version)
    check "the installed tool's --version shows $version and the commit ($shown)" \
      bash -c "[[ '$shown' =~ ^termchat\ $version(\ \(commit\ [0-9a-f]+\))?$ ]]"
    check "the installed tool serves, and two plain clients chat through it" chat tool "$work/tools/termchat"
  else
    fail "dotnet tool install --add-source artifacts termchat"; cat "$work/install.out"
  fi
else
  fail "./run.sh pack"; cat "$work/pack.out"
fi
echo "$name: tool steps took $((SECONDS - start)) s"

# --- 2. the linux-x64 binary, without the SDK ----------------------------------------------------------
start=$SECONDS
if "$root/run.sh" publish linux-x64 >"$work/publish-linux.out" 2>&1; then
  built="$root/artifacts/linux-x64/termchat"
  check "./run.sh publish linux-x64 makes one executable file ($(du -h "$built" | cut -f1))" bash -c "[ -x '$built' ] && [ \$(ls '$root/artifacts/linux-x64' | wc -l) = 1 ]"
  # The file alone, as a user copies it to another machine.
  mkdir -p "$work/alone"
  bin="$work/alone/termchat"
  cp "$built" "$bin"
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    # A private mount namespace where the SDK's folder is an empty tmpfs: the binary must need nothing from it.
    cat >"$work/no-sdk.sh" <<'SH'
#!/bin/sh
mount -t tmpfs none "$SDK_ROOT" || exit 99
exec env -i HOME="$WORK" PATH=/usr/bin:/bin "$@"
SH
    no_sdk=(unshare --mount --propagation private env SDK_ROOT="$(dirname "$(readlink -f "$(command -v dotnet)")")" WORK="$work" sh "$work/no-sdk.sh")
    code=0
    "${no_sdk[@]}" dotnet --version >/dev/null 2>&1 || code=$?
    check "where the binary runs, dotnet does not (exit $code)" [ "$code" != 0 ]
  else
    no_sdk=(env -i HOME="$work" PATH=/usr/bin:/bin)
  fi
  check "the linux-x64 binary serves and chats without the SDK" chat binary "${no_sdk[@]}" "$bin"
  check "the linux-x64 binary's full-screen client chats in a real terminal (tmux) and exits 0" fullscreen "$bin"
else
  fail "./run.sh publish linux-x64"; cat "$work/publish-linux.out"
fi
echo "$name: linux-x64 steps took $((SECONDS - start)) s"

# --- 3. the other platforms' files are of the right format ----------------------------------------------
# hex FILE OFFSET COUNT: COUNT bytes at OFFSET as lowercase hex.
hex() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
format_of() {
  local file="$1"
  case "$(hex "$file" 0 4)" in
    7f454c46) [ "$(hex "$file" 18 2)" = b700 ] && echo "ELF aarch64" || echo "ELF other" ;;
    cffaedfe)
      case "$(hex "$file" 4 4)" in 0c000001) echo "Mach-O arm64" ;; 07000001) echo "Mach-O x86-64" ;; *) echo "Mach-O other" ;; esac ;;
    4d5a*)
      local pe
      pe=$(( 0x$(hex "$file" 63 1)$(hex "$file" 62 1)$(hex "$file" 61 1)$(hex "$file" 60 1) ))
      [ "$(hex "$file" "$pe" 6)" = 504500006486 ] && echo "PE x86-64" || echo "PE other" ;;
    *) echo "unknown" ;;
  esac
}
for rid in $RIDS; do
  start=$SECONDS
  case "$rid" in
    linux-arm64) file=termchat; want="ELF aarch64" ;;
    win-x64) file=termchat.exe; want="PE x86-64" ;;
    osx-arm64) file=termchat; want="Mach-O arm64" ;;
    osx-x64) file=termchat; want="Mach-O x86-64" ;;
    *) fail "no expected format known for $rid"; continue ;;
  esac
  if "$root/run.sh" publish "$rid" >"$work/publish-$rid.out" 2>&1; then
    path="$root/artifacts/$rid/$file"
    got=$(format_of "$path")
    check "artifacts/$rid/$file is $want ($got, $(du -h "$path" | cut -f1), $((SECONDS - start)) s)" [ "$got" = "$want" ]
  else
    fail "./run.sh publish $rid"; cat "$work/publish-$rid.out"
  fi
done

echo "$name: $failures failure(s)"
[ "$failures" = 0 ]
