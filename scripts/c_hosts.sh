#!/usr/bin/env bash
# `make c-test`: the PHP (FFI) and Go (cgo) hosts of the C library: their own
# checks, then the three seed calls and the deliberate error 25 over real HTTP
# against the local gateway. Exits 0 only if all of it passed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/gateway.sh
source scripts/c_env.sh

echo '===== the header compiles as C99 and C++'
gcc -std=c99 -Wall -Wextra -Werror -fsyntax-only -x c "$TOPWIRE_HEADER"
g++ -Wall -Wextra -Werror -fsyntax-only -x c++ "$TOPWIRE_HEADER"

start_gateway gateway python .venv/bin/python -m topwire.gateway
export TOP_GATEWAY=$gateway TOP_APP_KEY=12345678 TOP_APP_SECRET=topwire-local-secret TOP_SESSION=c-session

echo '===== PHP checks'; php examples/php/test.php
echo '===== PHP seed calls'; php examples/php/seed_calls.php
cd examples/go
echo '===== gofmt, go vet'; test -z "$(gofmt -l .)"; go vet ./...
echo '===== go test'; go test -count=1 ./...
echo '===== go test -race: Close against calls in flight'; go test -race -count=1 -run 'Close|Copy|Goroutines' ./topwire
echo '===== Go seed calls'; go run .
