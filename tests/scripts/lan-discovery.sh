#!/usr/bin/env bash
# LAN tests on real network namespaces joined by veth links (needs root and `ip netns`).
#
#   tclan_a  --- 10.99.0.0/24 ------------------------------- tclan_b   (two hosts)
#   tclan_m  --- 10.99.4.0/22 (not /24) ---------------------- tclan_b   (one multi-homed server,
#            --- 10.99.2.64/26 (not /24) --------------------- tclan_b    two links to the same client host)
#
# Cases: discover finds the server across the link within 3 s; two clients chat across the link over
# TCP (TLS) and UDP (DTLS), and a --plaintext client is refused on both; join without a host picks the single server, or
# in a terminal (tmux) shows a picker of several;
# the multi-homed server is listed once with both addresses; netcheck measures the veth path (1472-byte
# datagrams, the 1500-byte MTU); with --no-discovery the server is not found.
# Every process runs inside a namespace; everything is torn down on exit.
set -uo pipefail

# A missing prerequisite skips on a developer's machine, but fails under CI=true: there, a skip would
# hide that the LAN was never tested.
missing() {
  if [ "${CI:-}" = "true" ]; then echo "FAIL lan-discovery: $* (CI=true: prerequisites must be installed)"; exit 1; fi
  echo "SKIP lan-discovery: $*"
  exit 0
}
[ "$(id -u)" = 0 ] || missing "needs root to create network namespaces"
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
  missing "'ip netns' is not available (install iproute2)"
fi
command -v nft >/dev/null 2>&1 || missing "nftables ('nft') is not installed (apt-get install nftables)"
command -v tmux >/dev/null 2>&1 || missing "tmux is not installed (apt-get install tmux)"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
# The clients pin the servers' keys, and anything a server keeps, in the run's own place, never the user's.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
id=$(( $$ % 10000 ))
A="tclan_a$id" B="tclan_b$id" M="tclan_m$id"
routes=()
routes6=()
failures=0

teardown() {
  for ns in "$A" "$B" "$M"; do
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    fi
  done
  sleep 0.3
  for ns in "$A" "$B" "$M"; do
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  for route in "${routes[@]}"; do ip route del blackhole "$route" 2>/dev/null || true; done
  for route in "${routes6[@]}"; do ip -6 route del blackhole "$route" 2>/dev/null || true; done
  rm -rf "$work"
}
trap teardown EXIT
trap 'exit 130' INT TERM
trap '' PIPE # a client that died must show up as a FAIL, not kill the script

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
# check NAME COMMAND...: PASS when the command succeeds.
check() { local name="$1"; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

# --- termchat, built once ---------------------------------------------------------------------------
# `./run.sh test` has just built the solution in Release: reuse that build when it is newer than every
# source file; otherwise let run.sh build (or reuse) .build/termchat.
built="$root/src/TermChat.Cli/bin/Release/net10.0/termchat.dll"
if [ -f "$built" ] && [ -z "$(find "$root/src" \( -name '*.cs' -o -name '*.csproj' \) -newer "$built" -print -quit)" ]; then
  termchat=(dotnet "$built")
else
  "$root/run.sh" --help >/dev/null 2>"$work/build.log" || { cat "$work/build.log"; echo "FAIL lan-discovery: termchat does not build"; exit 1; }
  termchat=(dotnet "$root/.build/termchat/termchat.dll")
fi
started=$SECONDS
in_ns() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

# --- the rig ----------------------------------------------------------------------------------------
blackhole() {
  # A blackhole in the root namespace keeps these private subnets from leaking anywhere real.
  if ip route add blackhole "$1" 2>/dev/null; then routes+=("$1"); fi
}
link() { # link NS1 IF1 ADDR1 NS2 IF2 ADDR2
  ip link add "$2" type veth peer name "$5"
  ip link set "$2" netns "$1"; ip link set "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2"; ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up; ip -n "$4" link set "$5" up
}
set -e
blackhole 10.99.0.0/24; blackhole 10.99.4.0/22; blackhole 10.99.2.64/26
for ns in "$A" "$B" "$M"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
link "$A" "tca$id" 10.99.0.1/24 "$B" "tcb0$id" 10.99.0.2/24
link "$M" "tcm1$id" 10.99.4.1/22 "$B" "tcb1$id" 10.99.5.2/22
link "$M" "tcm2$id" 10.99.2.65/26 "$B" "tcb2$id" 10.99.2.66/26
# IPv6 (a private ULA prefix) on the A-B link, without duplicate address detection so it is usable at once.
ip -n "$A" addr add fd99:7e57::1/64 dev "tca$id" nodad
ip -n "$B" addr add fd99:7e57::2/64 dev "tcb0$id" nodad
ip -6 route add blackhole fd99:7e57::/48 2>/dev/null && routes6=(fd99:7e57::/48)
set +e

# serve NS NAME LOG ARGS...: start a server in the background and wait until its TCP port answers.
serve() {
  local ns="$1" name="$2" log="$3" address="$4"; shift 4
  # --ephemeral: the servers share port 7777, so by default they would share one data file, and the second would be
  # refused (the file is in use); these cases need no history. --key: a server restarted at the same address keeps
  # the key its clients pinned (an ephemeral server's key would be new, and rightly refused as changed).
  in_ns "$ns" "${termchat[@]}" serve --name "$name" --ephemeral --key "$work/$name.key" "$@" >"$log" 2>&1 &
  for _ in $(seq 1 100); do
    if in_ns "$ns" bash -c "exec 3<>/dev/tcp/$address/7777" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server $name did not start:"; cat "$log"
  return 1
}
stop_servers() { # stop every process in a namespace
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do [ -z "$(ip netns pids "$1" 2>/dev/null)" ] && return 0; sleep 0.1; done
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
}
# wait_for FILE TEXT: wait up to 15 s for TEXT to appear in FILE.
wait_for() {
  for _ in $(seq 1 150); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

serve "$A" alpha "$work/alpha.log" 10.99.0.1 || { fail "server alpha starts in $A"; exit 1; }
# The banner says whether this build serves UDP (the UDP transport may not be built in yet).
wait_for "$work/alpha.log" "Press Ctrl+C" >/dev/null
serve "$M" multi "$work/multi.log" 10.99.4.1 || { fail "server multi starts in $M"; exit 1; }

# --- discovery across the link, multi-homing ----------------------------------------------------------
in_ns "$B" "${termchat[@]}" discover --timeout 3 >"$work/discover.txt" 2>"$work/discover.err"
code=$?
check "discover exits 0" [ "$code" = 0 ]
check "discover finds alpha across the link, at 10.99.0.1" grep -qE '^alpha +10\.99\.0\.1:7777 ' "$work/discover.txt"
in_ns "$B" "${termchat[@]}" discover --timeout 3 --json >"$work/discover.json" 2>/dev/null
rtt=$(grep -A60 '"name": "alpha"' "$work/discover.json" | grep -m1 '"rttMs"' | grep -oE '[0-9.]+' | cut -d. -f1)
check "alpha answers within 3 s (first reply after ${rtt:-?} ms)" [ "${rtt:-99999}" -lt 3000 ]
check "multi-homed server is listed once" [ "$(grep -cE '^multi ' "$work/discover.txt")" = 1 ]
check "multi-homed server shows both addresses with their real prefixes (/22 and /26)" \
  grep -qE '^multi .*10\.99\.4\.1/22.*10\.99\.2\.65/26|^multi .*10\.99\.2\.65/26.*10\.99\.4\.1/22' "$work/discover.txt"
check "multi-homed server's JSON entry appears once with both reply sources" \
  bash -c "[ \$(grep -c '\"name\": \"multi\"' '$work/discover.json') = 1 ] && grep -A40 '\"name\": \"multi\"' '$work/discover.json' | sed -n '/respondedFrom/,/]/p' | grep -q 10.99.4.1 && grep -A40 '\"name\": \"multi\"' '$work/discover.json' | sed -n '/respondedFrom/,/]/p' | grep -q 10.99.2.65"
udp_port=$(grep -A60 '"name": "alpha"' "$work/discover.json" | grep -m1 '"udpPort"' | grep -oE '[0-9]+|null')
expected_udp=7777
check "discovery reply carries the UDP chat port ($udp_port)" [ "$udp_port" = "$expected_udp" ]
check "no reply lists 0.0.0.0 or loopback" bash -c "! grep -qE '0\.0\.0\.0|127\.0\.0\.1|\"::1\"' '$work/discover.json'"
if [ "$code" != 0 ] || ! grep -q alpha "$work/discover.txt"; then cat "$work/discover.txt" "$work/discover.err"; fi

# --- two clients chat across the link ---------------------------------------------------------------
# chat TRANSPORT ENCRYPTION: bob and alice, both in $B, talk through alpha in $A; each client says its link is
# encrypted with ENCRYPTION (by default every link that is not loopback is: TLS over TCP, DTLS over UDP).
chat() {
  local transport="$1" encryption="$2" dir="$work/chat-$1"
  mkdir -p "$dir"; mkfifo "$dir/bob.in" "$dir/alice.in"
  in_ns "$B" "${termchat[@]}" join --plain --transport "$transport" --nick "bob$transport" 10.99.0.1:7777 <"$dir/bob.in" >"$dir/bob.out" 2>&1 &
  local bob=$!
  exec 7<>"$dir/bob.in"
  in_ns "$B" "${termchat[@]}" join --plain --transport "$transport" --nick "alice$transport" 10.99.0.1:7777 <"$dir/alice.in" >"$dir/alice.out" 2>&1 &
  local alice=$!
  exec 8<>"$dir/alice.in"
  local ok=0
  if wait_for "$dir/bob.out" "#lobby" && wait_for "$dir/alice.out" "#lobby"; then
    echo "hello bob, this is alice over $transport" >&8
    echo "hi alice, bob here over $transport" >&7
    wait_for "$dir/bob.out" "<alice$transport> hello bob, this is alice over $transport" || ok=1
    wait_for "$dir/alice.out" "<bob$transport> hi alice, bob here over $transport" || ok=1
    grep -qF -- "encrypted: $encryption" "$dir/bob.out" || { echo "--- bob's link is not '$encryption'"; ok=1; }
    grep -qF -- "encrypted: $encryption" "$dir/alice.out" || { echo "--- alice's link is not '$encryption'"; ok=1; }
  else
    ok=1
  fi
  echo "/quit" >&7; echo "/quit" >&8
  exec 7>&- 8>&-
  for _ in $(seq 1 100); do kill -0 "$bob" 2>/dev/null || kill -0 "$alice" 2>/dev/null || break; sleep 0.1; done
  kill "$bob" "$alice" 2>/dev/null
  if [ $ok != 0 ]; then echo "--- bob"; cat "$dir/bob.out"; echo "--- alice"; cat "$dir/alice.out"; fi
  return $ok
}
check "two clients chat across the link over TCP, encrypted with TLS" chat tcp "TLS 1.3"
check "two clients chat across the link over UDP, encrypted with DTLS" chat udp "DTLS 1.2"

# --- plaintext from another machine is refused with why, over TCP and over UDP (no --allow-plaintext) ----------
for transport in tcp udp; do
  echo "/quit" | timeout 40 ip netns exec "$B" "${termchat[@]}" join --plain --plaintext --transport "$transport" --nick clear 10.99.0.1:7777 \
    >"$work/plaintext-$transport.out" 2>&1
  code=$?
  check "a --plaintext $transport client from another machine is refused: the server accepts only encrypted connections (exit $code)" \
    bash -c "[ $code != 0 ] && grep -q 'accepts only encrypted connections' '$work/plaintext-$transport.out'"
  [ "$code" != 0 ] || cat "$work/plaintext-$transport.out"
done

# --- netcheck across the veth link -------------------------------------------------------------------
in_ns "$B" "${termchat[@]}" netcheck --json --count 10 10.99.0.1 >"$work/netcheck.json" 2>"$work/netcheck.err"
code=$?
check "netcheck to alpha exits 0" [ "$code" = 0 ]
check "netcheck measures TCP round trips with no loss" grep -qE '"received": 10,' "$work/netcheck.json"
check "netcheck finds 1472-byte UDP datagrams fit the 1500-byte veth MTU" grep -q '"largestUdpPayload": 1472' "$work/netcheck.json"
check "netcheck sees fragmented datagrams arrive" grep -q '"fragmentedArrives": true' "$work/netcheck.json"
check "netcheck sees discovery reach alpha by broadcast/multicast" grep -q '"discoveryBroadcast": true' "$work/netcheck.json"
check "netcheck shows progress on stderr" grep -q 'netcheck: UDP' "$work/netcheck.err"
if [ "$code" != 0 ]; then cat "$work/netcheck.json" "$work/netcheck.err"; fi

# --- IPv6: dual-stack by default, [addr]:port in join and netcheck ---------------------------------------
printf 'hello over ipv6\n' | in_ns "$B" "${termchat[@]}" join --plain --nick six '[fd99:7e57::1]:7777' >"$work/six.out" 2>&1
code=$?
check "join [fd99:7e57::1]:7777 chats over IPv6 (exit $code)" bash -c "[ $code = 0 ] && grep -qF '<six> hello over ipv6' '$work/six.out'"
[ "$code" = 0 ] || cat "$work/six.out"
in_ns "$B" "${termchat[@]}" netcheck --count 3 '[fd99:7e57::1]:7777' >"$work/netcheck6.txt" 2>/dev/null
check "netcheck [fd99:7e57::1]:7777 measures TCP and UDP over IPv6" bash -c "grep -q 'TCP .*loss 0% (3/3)' '$work/netcheck6.txt' && grep -q 'UDP .*loss 0% (3/3)' '$work/netcheck6.txt'"

# --- a clear message for each kind of connection failure ----------------------------------------------
# expect_failure NAME TEXT ADDRESS: join ADDRESS must fail with TEXT in its output.
expect_failure() {
  local out="$work/fail-$1.out"
  echo "/quit" | timeout 40 ip netns exec "$B" "${termchat[@]}" join --plain --nick probe "$3" >"$out" 2>&1
  local code=$?
  if [ "$code" != 0 ] && grep -qi -- "$2" "$out"; then pass "join $3 fails with '$2' (exit $code)"; return 0; fi
  fail "join $3 fails with '$2' (exit $code)"; cat "$out"; return 1
}
# Timing out takes the client's whole connect timeout: start it first and collect it last.
timeout_check=""
if in_ns "$A" nft -f - <<'NFT'
table inet tclan {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 7002 drop
  }
}
NFT
then
  expect_failure timeout "timed out" 10.99.0.1:7002 &
  timeout_check=$!
else
  fail "join fails with 'timed out': nft could not install the rule that drops packets"
fi
expect_failure refused "refused" 10.99.0.1:7001
expect_failure unreachable "unreachable" 10.99.200.1:7777
expect_failure unresolved "does not resolve" no-such-host.invalid:7777

# --- join without a host -----------------------------------------------------------------------------
echo "/quit" | in_ns "$B" "${termchat[@]}" join --plain --nick picker >"$work/join-several.out" 2>&1
code=$?
check "join without a host refuses to guess between two servers (exit $code)" [ "$code" != 0 ]
check "join without a host names the servers it found" bash -c "grep -q alpha '$work/join-several.out' && grep -q multi '$work/join-several.out'"
# The full-screen picker, in a real terminal (tmux) inside the client's namespace: it lists both servers,
# Down and Enter join the second one listed (over TLS: it is not loopback), and /quit ends the client.
picker() {
  local sock="tclan$id" screen="$work/picker.screen" chosen=""
  # capture SECONDS TEXT...: wait until the pane shows every TEXT.
  capture() {
    local tries=$(( $1 * 10 )); shift
    for _ in $(seq 1 "$tries"); do
      tmux -L "$sock" capture-pane -p >"$screen" 2>/dev/null || return 1
      local all=0
      for text in "$@"; do grep -qF -- "$text" "$screen" || all=1; done
      [ $all = 0 ] && return 0
      sleep 0.1
    done
    return 1
  }
  in_ns "$B" tmux -L "$sock" new-session -d -x 110 -y 30 "${termchat[*]} join --nick picky; echo exit=\$?; sleep 30"
  if capture 15 "Choose a server" "alpha" "multi" "2 server(s) found"; then
    # The second server listed is the one Down selects; the status bar then names its address.
    chosen=$(grep -oE '(alpha|multi)  [0-9.]+:7777' "$screen" | sed -n 2p | awk '{print $2}')
    tmux -L "$sock" send-keys Down Enter
    if [ -n "$chosen" ] && capture 15 "picky │ TCP+TLS $chosen │ #lobby │ connected"; then
      tmux -L "$sock" send-keys "/quit" Enter
      capture 15 "exit=0" || { echo "--- the client did not exit with 0 after /quit:"; cat "$screen"; chosen=""; }
    else
      echo "--- not connected to the second server listed ($chosen) after Down, Enter:"; cat "$screen"; chosen=""
    fi
  else
    echo "--- the picker did not list both servers:"; cat "$screen"
  fi
  tmux -L "$sock" kill-server 2>/dev/null
  [ -n "$chosen" ]
}
check "join without a host in a terminal shows a picker of both servers; Down, Enter joins the second" picker
stop_servers "$M"
echo "/quit" | in_ns "$B" "${termchat[@]}" join --plain --nick picker >"$work/join-one.out" 2>&1
code=$?
check "join without a host connects to the single server found (exit $code)" bash -c "[ $code = 0 ] && grep -q '#lobby' '$work/join-one.out'"
[ "$code" = 0 ] || cat "$work/join-one.out"

if [ -n "$timeout_check" ] && ! wait "$timeout_check"; then failures=$((failures + 1)); fi

# --- discovery off -------------------------------------------------------------------------------------
stop_servers "$A"
serve "$A" alpha "$work/alpha-quiet.log" 10.99.0.1 --no-discovery || fail "server alpha restarts with --no-discovery"
in_ns "$B" "${termchat[@]}" discover --timeout 1.5 >"$work/quiet.txt" 2>"$work/quiet.err"
code=$?
check "with --no-discovery, discover exits 1 (nothing found)" [ "$code" = 1 ]
check "with --no-discovery, the server is not found" bash -c "! grep -q alpha '$work/quiet.txt'"
check "with nothing found, discover says so plainly" grep -q "no servers found" "$work/quiet.err"
echo "/quit" | in_ns "$B" "${termchat[@]}" join --plain --nick picker >"$work/join-none.out" 2>&1
code=$?
check "join without a host says there are none (exit $code)" bash -c "[ $code != 0 ] && grep -q 'no servers found' '$work/join-none.out'"

# --- a non-default discovery port -----------------------------------------------------------------------
stop_servers "$A"
serve "$A" alpha "$work/alpha-port.log" 10.99.0.1 --discovery-port 17778 || fail "server alpha restarts with --discovery-port 17778"
echo "/quit" | in_ns "$B" "${termchat[@]}" join --plain --nick porter --discovery-port 17778 >"$work/join-port.out" 2>&1
code=$?
check "join --discovery-port finds the server on a non-default discovery port (exit $code)" bash -c "[ $code = 0 ] && grep -q '#lobby' '$work/join-port.out'"
[ "$code" = 0 ] || cat "$work/join-port.out"
in_ns "$B" "${termchat[@]}" netcheck --json --count 3 10.99.0.1 >"$work/netcheck-port.json" 2>/dev/null
check "netcheck measures UDP on the chat port whatever the discovery port" grep -qE '"received": 3,' <(sed -n '/"udp": {/,/}/p' "$work/netcheck-port.json")
check "netcheck does not call UDP broken when only the discovery port is elsewhere" bash -c "! grep -q 'may not work' '$work/netcheck-port.json'"

echo "lan-discovery: $failures failure(s) in $((SECONDS - started)) s"
[ "$failures" = 0 ]
