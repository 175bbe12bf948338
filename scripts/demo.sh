#!/usr/bin/env bash
# `make demo`: over real HTTP against topwire's local TOP gateways, the three
# seed calls (and one deliberate error) from Node, Python, PHP and Go, then the
# merchant's whole workflow from Node and Python (upload a QR image, send the
# code with it, redeem, undo, resend, fail a send, look up, extend; verify and
# refund a ticket order; consult and reverse a local-services voucher; a batch
# of three ma.available and a tbma.get in one /router/batch request; PHP and
# Go send a batch too), then the message channel (TMC) from Node and Python.
#
# Each language's examples talk to the *other* language's gateway, so both
# servers and both clients are exercised: Node -> Python gateway, Python ->
# Node gateway. Exits 0 only if every example saw what it expected.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
source scripts/gateway.sh

# The Node example imports 'topwire' as a user's program would: link the
# package beside it, as `npm install topwire` would (node_modules/ is ignored).
mkdir -p examples/node/node_modules
ln -sfn ../../../js examples/node/node_modules/topwire
# The TMC consumer's WebSocket where Node has no global one (`npm install ws`).
ln -sfn ../../../js/node_modules/ws examples/node/node_modules/ws

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
run "$py_gateway" node examples/node/merchant_workflow.mjs
run "$node_gateway" "$PY" examples/python/merchant_workflow.py
# PHP (FFI) and Go (cgo) load the C library that `make c-build` made.
source scripts/c_env.sh
run "$py_gateway" php examples/php/seed_calls.php
run "$node_gateway" bash -c 'cd examples/go && exec go run .'
# The message channel (TMC): each demo starts its language's local gateway in
# process, publishes three messages (one gzip-compressed, one with an id above
# 2^53) and consumes them over a WebSocket (confirm after handling, one failure
# that comes back, a dropped socket and the reconnect), then two by polling.
printf '\n===== node examples/node/tmc_demo.mjs\n'
node examples/node/tmc_demo.mjs || status=1
printf '\n===== %s examples/python/tmc_demo.py\n' "$PY"
"$PY" examples/python/tmc_demo.py || status=1

if [ "$status" -eq 0 ]; then
  printf '\ndemo: every call behaved as expected\n'
else
  printf '\ndemo: FAILED (see above)\n' >&2
fi
exit "$status"
