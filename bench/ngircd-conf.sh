# Sourced by bench/run-peers.sh and bench/run-irc.sh: the ngircd configuration both benchmark with.
#
# ngircd_conf DIR PORT writes DIR/ngircd.conf for `ngircd -n -f DIR/ngircd.conf`: listening on 127.0.0.1:PORT, its pid
# file in DIR, and its limits off so that ngircd is measured rather than its flood protection: no connection caps,
# no penalty time, no ident, DNS or PAM lookups, and RFC 1459's 9-character nicks (the generator's nicks fit).
ngircd_conf() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  cat >"$dir/ngircd.conf" <<CONF
[Global]
	Name = ngircd.bench.local
	Info = ngircd benchmark
	Listen = 127.0.0.1
	Ports = $port
	MotdPhrase = bench
	PidFile = $dir/ngircd.pid
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 9
	PingTimeout = 600
	PongTimeout = 600
	MaxPenaltyTime = 0
[Options]
	Ident = no
	PAM = no
	DNS = no
	RequireAuthPing = no
CONF
}
