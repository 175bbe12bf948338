# Sourced by scripts/demo.sh and scripts/c_hosts.sh: start local TOP gateways
# on free ports, and stop them when the script exits.
#   start_gateway VAR NAME COMMAND...   runs COMMAND --port 0 and stores its URL in $VAR

gateway_tmp=$(mktemp -d)
gateway_pids=()
stop_gateways() {
  for pid in "${gateway_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$gateway_tmp"
}
trap stop_gateways EXIT

# The URL is read from the first line the server writes once it listens (no
# sleeping, no port guessing). Not run in a subshell, so the pid is kept.
start_gateway() {
  local var=$1 name=$2; shift 2
  mkfifo "$gateway_tmp/$name.out"
  "$@" --port 0 >"$gateway_tmp/$name.out" 2>"$gateway_tmp/$name.log" &
  gateway_pids+=($!)
  exec {fd}<"$gateway_tmp/$name.out"
  local line
  if ! IFS= read -r -t 60 line <&"$fd"; then
    echo "the $name gateway did not start:" >&2
    cat "$gateway_tmp/$name.log" >&2
    exit 1
  fi
  cat <&"$fd" >/dev/null &   # keep draining its stdout
  echo "$line"
  printf -v "$var" '%s' "$(grep -oE 'http://[^ ]+' <<<"$line")"
}
