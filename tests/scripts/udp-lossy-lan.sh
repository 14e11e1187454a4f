#!/usr/bin/env bash
# TermChat over UDP on a real lossy LAN.
#
# Two network namespaces joined by a veth pair; nftables drops LOSS% of the packets arriving on each side and
# duplicates DUP% of the UDP packets from the server side. The real `termchat serve` runs in one namespace (each
# server mode in turn); in the other, `termchat join --plain` clients chat through it: alice over UDP, dave over
# TCP, and two listeners, bob (UDP) and carol (TCP). Every message must arrive exactly once and in order.
# The link is not loopback, so by default it is encrypted: DTLS over UDP, TLS over TCP, and every client must say
# so. Then, in PLAINTEXT_MODES, the same again unencrypted (`serve --allow-plaintext`, `join --plaintext`): the
# datagram layer alone on the lossy link.
#
# Needs root, iproute2 (ip netns) and nftables; otherwise it skips (exit 0), except under CI=true, where a
# missing prerequisite fails the run so that a skip cannot hide an untested LAN. Always tears down (trap EXIT).
# Knobs: LOSS (default 20), DUP (10), COUNT (messages per sender, 150), MODES ("select threads async"),
# PLAINTEXT_MODES ("select"; empty for none), CONNECT_TIMEOUT (seconds, 30).
#
# Clients get `--connect-timeout 30` (the default is 10 s): what is tested here is exactly-once delivery, and a DTLS
# connect is five lossy round trips of public-key work. Over this link on an idle machine it takes at most ~6 s (600
# handshakes at 20 % loss each way, an in-memory harness), but with the machine's load at 35-40 process start and
# the key work stretched a connect past 10 s in one run of seven.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="udp-lossy-lan"

skip() {
  if [ "${CI:-}" = "true" ]; then echo "$name: FAIL: $* (CI=true: prerequisites must be installed)"; exit 1; fi
  echo "$name: SKIP: $*"
  exit 0
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null 2>&1 || skip "iproute2 ('ip') is not installed"
ip netns list >/dev/null 2>&1 || skip "'ip netns' is not available on this system"
command -v nft >/dev/null 2>&1 || skip "nftables ('nft') is not installed (apt-get install nftables)"
command -v dotnet >/dev/null 2>&1 || skip "the .NET SDK ('dotnet') is not on PATH"

LOSS="${LOSS:-20}"
DUP="${DUP:-10}"
COUNT="${COUNT:-150}"
MODES="${MODES:-select threads async}"
PLAINTEXT_MODES="${PLAINTEXT_MODES-select}"
A=tcudp_a B=tcudp_b
IPA=10.99.1.1 IPB=10.99.1.2 NET=10.99.1.0/24
VA=tcudp_va VB=tcudp_vb
PORT=7777

work="$(mktemp -d)"
# The clients pin the server's key, and anything the server keeps, in the run's own place, never the user's.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
pids=()
fds_open=0

cleanup() {
    local status=$?
    set +e
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    ip link del "$VA" 2>/dev/null
    ip route del blackhole "$NET" 2>/dev/null
    if [ "$status" -ne 0 ]; then
        echo "$name: FAILED; logs follow" >&2
        for log in "$work"/*.log "$work"/*.err; do
            [ -s "$log" ] || continue
            echo "---- $(basename "$log") (last 30 lines)" >&2
            tail -n 30 "$log" >&2
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

fail() { echo "$name: FAIL: $*" >&2; exit 1; }

# The real binary, built the way run.sh builds it.
"$root/run.sh" --help >/dev/null
termchat=(dotnet "$root/.build/termchat/termchat.dll")

# ---- the rig ---------------------------------------------------------------------------------------------
# Leftovers of an interrupted run carry our unique names; remove them first.
ip netns del "$A" 2>/dev/null || true
ip netns del "$B" 2>/dev/null || true
ip link del "$VA" 2>/dev/null || true
# The blackhole keeps the test subnet from ever leaking out of the root namespace.
ip route add blackhole "$NET" 2>/dev/null || true
ip netns add "$A"
ip netns add "$B"
ip link add "$VA" type veth peer name "$VB"
ip link set "$VA" netns "$A"
ip link set "$VB" netns "$B"
ip -n "$A" addr add "$IPA/24" dev "$VA"
ip -n "$B" addr add "$IPB/24" dev "$VB"
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up
for ns in "$A" "$B"; do
    ip netns exec "$ns" nft add table inet chaos
    ip netns exec "$ns" nft 'add chain inet chaos in { type filter hook input priority 0; policy accept; }'
    ip netns exec "$ns" nft add rule inet chaos in iifname '"tcudp_v*"' numgen random mod 100 '<' "$LOSS" counter drop
done
ip netns exec "$A" nft add table ip chaosdup
ip netns exec "$A" nft 'add chain ip chaosdup out { type filter hook output priority 0; policy accept; }'
ip netns exec "$A" nft add rule ip chaosdup out ip daddr "$IPB" meta l4proto udp numgen random mod 100 '<' "$DUP" counter dup to "$IPB" device "$VA"
if command -v ping >/dev/null 2>&1; then
    ip netns exec "$B" ping -c 5 -i 0.2 -W 2 "$IPA" >/dev/null 2>&1 || fail "the namespaces cannot reach each other"
fi

# Waits until FILE has at least N lines matching PATTERN, or SECONDS pass.
wait_for() {
    local file=$1 pattern=$2 n=$3 seconds=$4 start=$SECONDS
    while [ $((SECONDS - start)) -lt "$seconds" ]; do
        if [ -f "$file" ] && [ "$(grep -c -- "$pattern" "$file" || true)" -ge "$n" ]; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# Checks that FILE holds exactly the messages PREFIX-000001 .. PREFIX-COUNT from NICK, once each, in order.
check_stream() {
    local file=$1 nick=$2 prefix=$3 who=$4
    grep -o -- "<$nick> $prefix-[0-9]*" "$file" | sed "s/^<$nick> //" >"$work/got" || true
    seq -f "$prefix-%06g" 1 "$COUNT" >"$work/want"
    if ! cmp -s "$work/got" "$work/want"; then
        echo "$name: $who: messages from $nick differ from what was sent (first differences):" >&2
        diff "$work/want" "$work/got" | head -n 10 >&2 || true
        fail "$who did not get $nick's $COUNT messages exactly once and in order"
    fi
}

# Checks that the client whose output is FILE said its link was encrypted with PROTOCOL (SECURITY=encrypted), or
# said nothing of encryption (SECURITY=plaintext).
check_security() {
    local file=$1 protocol=$2 who=$3 security=$4
    if [ "$security" = encrypted ]; then
        grep -qF -- "encrypted: $protocol" "$file" || fail "$who's link across the LAN was not encrypted with $protocol (the default for a link that is not loopback)"
    elif grep -qF -- "encrypted:" "$file"; then
        fail "$who's link is encrypted although it asked for --plaintext"
    fi
}

# run_mode MODE [plaintext]: one server in MODE and the four clients, encrypted (the default) or plaintext.
run_mode() {
    local mode=$1 security=${2:-encrypted}
    local label=$mode serve_extra=() join_extra=(--connect-timeout "${CONNECT_TIMEOUT:-30}")
    if [ "$security" = plaintext ]; then
        label="$mode-plaintext" serve_extra=(--allow-plaintext) join_extra+=(--plaintext)
    fi
    local dir="$work/$label"
    mkdir -p "$dir"

    # --ephemeral: each mode's server starts afresh on the same port, without the last one's history and sessions;
    # --key: with the key the clients pinned at the first mode.
    ip netns exec "$A" "${termchat[@]}" serve --mode "$mode" --bind "$IPA" --port "$PORT" --flood-rate 0 "${serve_extra[@]}" \
        --ephemeral --key "$work/server.key" --log-level warning --stats-interval 0 >"$work/server-$label.log" 2>&1 &
    local server=$!
    pids+=("$server")
    local start=$SECONDS
    until ip netns exec "$A" ss -Huln "sport = :$PORT" | grep -q "$PORT"; do
        [ $((SECONDS - start)) -lt 60 ] || fail "the $label server did not open UDP port $PORT"
        kill -0 "$server" 2>/dev/null || fail "the $label server exited"
        sleep 0.2
    done

    # Listeners read from FIFOs held open here, so they stay until we close them.
    mkfifo "$dir/bob.in" "$dir/carol.in"
    exec 7<>"$dir/bob.in" 8<>"$dir/carol.in"
    ip netns exec "$B" "${termchat[@]}" join "$IPA:$PORT" --plain "${join_extra[@]}" --transport udp --nick bob <"$dir/bob.in" >"$dir/bob.out" 2>"$work/bob-$label.err" 7>&- 8>&- &
    local bob=$!
    ip netns exec "$B" "${termchat[@]}" join "$IPA:$PORT" --plain "${join_extra[@]}" --transport tcp --nick carol <"$dir/carol.in" >"$dir/carol.out" 2>"$work/carol-$label.err" 7>&- 8>&- &
    local carol=$!
    pids+=("$bob" "$carol")
    # Both listeners are in the lobby once each sees the other arrive (or a line of its own).
    wait_for "$dir/bob.out" "" 1 60 || fail "bob (UDP) did not connect through the lossy link in $label mode"
    wait_for "$dir/carol.out" "" 1 60 || fail "carol (TCP) did not connect in $label mode"
    sleep 1

    # The senders: alice over UDP, dave over TCP, at the same time; each quits after its last line.
    seq -f "udp-%06g" 1 "$COUNT" | ip netns exec "$B" "${termchat[@]}" join "$IPA:$PORT" --plain "${join_extra[@]}" --transport udp --nick alice \
        >"$dir/alice.out" 2>"$work/alice-$label.err" 7>&- 8>&- &
    local alice=$!
    seq -f "tcp-%06g" 1 "$COUNT" | ip netns exec "$B" "${termchat[@]}" join "$IPA:$PORT" --plain "${join_extra[@]}" --transport tcp --nick dave \
        >"$dir/dave.out" 2>"$work/dave-$label.err" 7>&- 8>&- &
    local dave=$!
    pids+=("$alice" "$dave")

    for who in bob carol; do
        wait_for "$dir/$who.out" "<alice> udp-" "$COUNT" 180 || fail "$who got $(grep -c '<alice> udp-' "$dir/$who.out" || true) of alice's $COUNT UDP messages in $label mode"
        wait_for "$dir/$who.out" "<dave> tcp-" "$COUNT" 180 || fail "$who got $(grep -c '<dave> tcp-' "$dir/$who.out" || true) of dave's $COUNT TCP messages in $label mode"
    done
    wait "$alice" || fail "alice (UDP sender) exited with an error in $label mode"
    wait "$dave" || fail "dave (TCP sender) exited with an error in $label mode"
    # Let late duplicates land before judging "exactly once".
    sleep 2
    check_stream "$dir/bob.out" alice udp "bob (UDP)"
    check_stream "$dir/bob.out" dave tcp "bob (UDP)"
    check_stream "$dir/carol.out" alice udp "carol (TCP)"
    check_stream "$dir/carol.out" dave tcp "carol (TCP)"
    check_security "$dir/alice.out" "DTLS 1.2" "alice (UDP)" "$security"
    check_security "$dir/bob.out" "DTLS 1.2" "bob (UDP)" "$security"
    check_security "$dir/carol.out" "TLS 1.3" "carol (TCP)" "$security"
    check_security "$dir/dave.out" "TLS 1.3" "dave (TCP)" "$security"

    # Listeners leave at the end of their input (the only writers of their FIFOs are fds 7 and 8 here).
    exec 7>&- 8>&-
    local deadline=$((SECONDS + 30))
    while kill -0 "$bob" 2>/dev/null || kill -0 "$carol" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "the listeners did not quit at the end of their input in $label mode"
        sleep 0.2
    done
    wait "$bob" || fail "bob (UDP listener) exited with an error in $label mode"
    wait "$carol" || fail "carol (TCP listener) exited with an error in $label mode"
    kill -TERM "$server"
    wait "$server" || fail "the $label server did not shut down cleanly on SIGTERM"
    pids=()
    local how="UDP over DTLS, TCP over TLS"
    [ "$security" = encrypted ] || how="plaintext (--allow-plaintext, --plaintext)"
    echo "$name: $mode mode, $how: $COUNT UDP + $COUNT TCP messages delivered exactly once, in order, to a UDP and a TCP listener"
}

for mode in $MODES; do
    run_mode "$mode"
done
for mode in $PLAINTEXT_MODES; do
    run_mode "$mode" plaintext
done

dropped=$( { ip netns exec "$A" nft list table inet chaos; ip netns exec "$B" nft list table inet chaos; } | grep -o 'packets [0-9]*' | awk '{s+=$2} END {print s+0}')
duplicated=$(ip netns exec "$A" nft list table ip chaosdup | grep -o 'packets [0-9]*' | awk '{s+=$2} END {print s+0}')
[ "$dropped" -gt 0 ] || fail "nftables dropped nothing: the link was not lossy"
echo "$name: PASS ($LOSS% loss each way: $dropped packets dropped; $DUP% UDP duplication: $duplicated packets duplicated)"
