#!/usr/bin/env bash
# `make demo`: the three seed calls (and one deliberate error) from Node and
# Python over real HTTP, against topwire's local TOP gateways.
#
# Each language's examples talk to the *other* language's gateway, so both
# servers and both clients are exercised: Node -> Python gateway, Python ->
# Node gateway. Exits 0 only if every example saw what it expected.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# Starts a gateway on a free port and stores its URL in the variable named
# by $1, read from the first line the server writes once it listens (no
# sleeping, no port guessing). Not run in a subshell, so `pids` keeps the pid.
start_gateway() {
  local var=$1 name=$2; shift 2
  mkfifo "$tmp/$name.out"
  "$@" --port 0 >"$tmp/$name.out" 2>"$tmp/$name.log" &
  pids+=($!)
  exec {fd}<"$tmp/$name.out"
  local line
  if ! IFS= read -r -t 60 line <&"$fd"; then
    echo "the $name gateway did not start:" >&2
    cat "$tmp/$name.log" >&2
    exit 1
  fi
  cat <&"$fd" >/dev/null &   # keep draining its stdout
  echo "$line"
  printf -v "$var" '%s' "$(grep -oE 'http://[^ ]+' <<<"$line")"
}

# The Node example imports 'topwire' as a user's program would: link the
# package beside it, as `npm install topwire` would (node_modules/ is ignored).
mkdir -p examples/node/node_modules
ln -sfn ../../../js examples/node/node_modules/topwire

start_gateway py_gateway python "$PY" -m topwire.gateway
start_gateway node_gateway node node js/bin/topwire-gateway.js

export TOP_APP_KEY=12345678 TOP_APP_SECRET=topwire-local-secret TOP_SESSION=demo-session
status=0
run() {
  local gateway=$1; shift
  printf '\n===== %s  ->  %s\n' "$*" "$gateway"
  TOP_GATEWAY=$gateway "$@" || status=1
}
run "$py_gateway" node examples/node/seed_calls.mjs
run "$node_gateway" "$PY" examples/python/seed_calls_urllib.py
run "$node_gateway" "$PY" examples/python/seed_calls_httpx.py

if [ "$status" -eq 0 ]; then
  printf '\ndemo: every call behaved as expected\n'
else
  printf '\ndemo: FAILED (see above)\n' >&2
fi
exit "$status"
