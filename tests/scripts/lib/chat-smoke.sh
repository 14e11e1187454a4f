# Shared by the packaging tests (sourced, not run): a termchat that was installed or published, rather than built
# in place, prints its version, serves, chats with `join --plain`, and stops cleanly on SIGTERM.
# Needs check/pass/fail from the caller, $work, and $version (the version the artifact must report).
# Usage: chat_smoke RUNNER...   (the command that runs termchat, e.g. "$tools/termchat" or "env -i … $binary")

chat_smoke() {
  local runner=("$@") port="" code server
  timeout 60 "${runner[@]}" --version >"$work/version.out" 2>&1
  check "it prints its version ($version) and commit" grep -qE "^termchat $version \(commit ([0-9a-f]+|unknown)\)$" "$work/version.out"

  "${runner[@]}" serve --port 0 --bind 127.0.0.1 --no-discovery --log-level warning >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  smoke_server=$server
  for _ in $(seq 1 300); do
    port="$(grep -oE 'TCP port [0-9]+' "$work/serve.out" 2>/dev/null | grep -oE '[0-9]+$')"
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  check "it serves" [ -n "$port" ]
  [ -n "$port" ] || return
  printf 'hello from the artifact\n' | timeout 60 "${runner[@]}" join "127.0.0.1:$port" --plain --nick smoke >"$work/join.out" 2>"$work/join.err"
  code=$?
  check "it joins with --plain and exits 0 at end of input (exit $code)" [ "$code" = 0 ]
  check "the message went through the server and came back" grep -q "<smoke> hello from the artifact" "$work/join.out"
  kill -TERM "$server"
  timeout 30 tail --pid="$server" -f /dev/null
  wait "$server"
  code=$?
  smoke_server=""
  check "the server stops cleanly on SIGTERM (exit $code)" [ "$code" = 0 ]
}
