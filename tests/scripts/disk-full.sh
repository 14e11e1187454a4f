#!/usr/bin/env bash
# Durable history on a disk that fills (issue 14).
#
# In a private mount namespace (unshare -m), a 2 MB tmpfs holds the data file of the real `termchat serve`. A
# raw-protocol client (disk-full-client.py) sends messages, fills the tmpfs to the last byte and keeps sending:
# the server must stay up and refuse room messages with Error StorageUnavailable (23) while the disk is full, then
# accept them again by itself once the space is freed, with every message it took written. The server is then
# restarted on the same file: the history holds every acknowledged message once, in order, and no refused one.
# Each server mode in turn (MODES, default "select threads async").
#
# Needs root (for the mount namespace and the tmpfs), unshare and python3; otherwise it skips (exit 0), except under
# CI=true, where a missing prerequisite fails the run so that a skip cannot hide an untested refusal.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="disk-full"

skip() {
  if [ "${CI:-}" = "true" ]; then echo "$name: FAIL: $* (CI=true: prerequisites must be installed)"; exit 1; fi
  echo "$name: SKIP: $*"
  exit 0
}
fail() { echo "$name: FAIL: $*" >&2; exit 1; }

if [ "${1:-}" != "--inside" ]; then
  [ "$(id -u)" -eq 0 ] || skip "needs root for a private mount namespace and a tmpfs"
  command -v unshare >/dev/null 2>&1 || skip "unshare (util-linux) is not installed"
  command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
  command -v dotnet >/dev/null 2>&1 || skip "the .NET SDK ('dotnet') is not on PATH"
  unshare --mount --propagation private true 2>/dev/null || skip "this system does not allow a private mount namespace"
  # The real binary, built the way run.sh builds it.
  "$root/run.sh" --help >/dev/null
  exec unshare --mount --propagation private bash "${BASH_SOURCE[0]}" --inside
fi

# ---- inside the private mount namespace: the tmpfs is seen by nothing else and goes away with it -------------
MODES="${MODES:-select threads async}"
termchat=(dotnet "$root/.build/termchat/termchat.dll")
work="$(mktemp -d)"
disk="$work/disk"
mkdir "$disk"
mount -t tmpfs -o size=2m tmpfs "$disk"
server_pid=""

cleanup() {
  local status=$?
  set +e
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [ "$status" -ne 0 ]; then
    echo "$name: FAILED; server log follows" >&2
    tail -n 30 "$work/server.log" >&2
  fi
  umount "$disk"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# start_server MODE PORT: starts the server on the tmpfs data file and sets port to the port it listens on.
start_server() {
  "${termchat[@]}" serve --mode "$1" --port "$2" --bind 127.0.0.1 --data "$disk/chat.db" --history 10000 \
    --history-bytes 100000000 --flood-rate 0 --stats-interval 0 >"$work/server.log" 2>&1 &
  server_pid=$!
  local waited=0
  until port="$(grep -oE 'TCP port [0-9]+' "$work/server.log" | grep -oE '[0-9]+$')"; do
    kill -0 "$server_pid" 2>/dev/null || fail "termchat serve exited: $(tail -n 3 "$work/server.log")"
    [ "$waited" -lt 3000 ] || fail "termchat serve did not start listening in 30 s"
    waited=$((waited + 1))
    sleep 0.01
  done
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || fail "termchat serve exited with $? after SIGTERM"
  server_pid=""
}

for mode in $MODES; do
  echo "$name: $mode mode"
  rm -f "$disk"/chat.db*
  start_server "$mode" 0
  python3 "$here/disk-full-client.py" fill "$port" "$disk/filler" "$work/record" || fail "$mode mode: the disk-full run failed"
  kill -0 "$server_pid" 2>/dev/null || fail "$mode mode: the server died"
  grep -q "Cannot write the data file" "$work/server.log" || fail "$mode mode: the server did not log the failed write"
  grep -q "writable again" "$work/server.log" || fail "$mode mode: the server did not log its recovery"
  stop_server
  start_server "$mode" "$port"
  python3 "$here/disk-full-client.py" verify "$port" "$work/record" || fail "$mode mode: the history after the restart is wrong"
  stop_server
done
echo "$name: PASS"
