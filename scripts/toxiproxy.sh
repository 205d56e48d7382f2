#!/usr/bin/env bash
# Toxiproxy (Shopify's TCP fault proxy), built once from its Go module, for a link like a cloud
# cluster's (latency) and for network faults. Usage:
#   scripts/toxiproxy.sh install|up|down|status
#   scripts/toxiproxy.sh proxy NAME LISTEN_PORT UPSTREAM_PORT   a proxy 127.0.0.1:LISTEN -> 127.0.0.1:UPSTREAM
#   scripts/toxiproxy.sh latency NAME MS                        MS added each way (2 x MS per round trip), replacing any
#   scripts/toxiproxy.sh clear NAME                             the proxy's toxics removed
#   scripts/toxiproxy.sh remove NAME | list                     a proxy removed; the proxies' names
#
# Settings (environment):
#   TOXIPROXY_PORT       the proxy's HTTP API port (default 28474)
#   TOXIPROXY_STATE_DIR  log and pid file (default ~/.cache/customer-events/toxiproxy-<port>)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/process.sh
source "$here/lib/process.sh"
version="2.5.0"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/customer-events"
bin_dir="$cache_root/toxiproxy-$version"
server="$bin_dir/server"
api_port="${TOXIPROXY_PORT:-28474}"
api="http://127.0.0.1:$api_port"
state="${TOXIPROXY_STATE_DIR:-$cache_root/toxiproxy-$api_port}"
pid_file="$state/toxiproxy.pid"
log_file="$state/toxiproxy.log"

say() { echo "toxiproxy: $*" >&2; }
die() { say "$*"; exit 1; }

install_server() {
  [[ -x "$server" ]] && return 0
  command -v go >/dev/null 2>&1 ||
    die "Go is required once, to build Toxiproxy $version, but 'go' is not on PATH (https://go.dev/doc/install)."
  say "building Toxiproxy $version into $bin_dir (once)"
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" go install "github.com/Shopify/toxiproxy/v2/cmd/server@v$version" >"$bin_dir/build.log" 2>&1 ||
    { tail -20 "$bin_dir/build.log" >&2; die "go install of Toxiproxy $version failed (log: $bin_dir/build.log)"; }
}

running_pid() { pid_from_file "$pid_file" "$server -host 127.0.0.1 -port $api_port"; }

# The HTTP API: METHOD PATH [JSON]; fails with the server's answer on an error status.
call() {
  local out
  out="$(curl -sS -X "$1" "$api$2" -H 'Content-Type: application/json' ${3:+-d "$3"} -w '\n%{http_code}')" ||
    die "no answer from $api (is it up? scripts/toxiproxy.sh up)"
  local status="${out##*$'\n'}"
  [[ "$status" =~ ^2 ]] || die "$1 $2: HTTP $status ${out%$'\n'*}"
}

cmd_up() {
  install_server
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    return 0
  fi
  mkdir -p "$state"
  setsid nohup "$server" -host 127.0.0.1 -port "$api_port" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 100); do
    curl -sf "$api/version" >/dev/null 2>&1 && { say "up on $api (log: $log_file)"; return 0; }
    started_alive "$pid_file" || { tail -20 "$log_file" >&2; die "exited during start-up (log above)"; }
    sleep 0.1
  done
  die "did not answer on $api within 10s (log: $log_file)"
}

cmd_down() {
  local pid
  pid="$(running_pid)" || { say "not running"; rm -f "$pid_file"; return 0; }
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$pid_file"
  say "stopped"
}

# A proxy NAME from LISTEN to UPSTREAM, made afresh (an earlier one of that name is replaced).
cmd_proxy() {
  local name="$1" listen="$2" upstream="$3"
  curl -sS -X DELETE "$api/proxies/$name" >/dev/null 2>&1 || true
  call POST /proxies "{\"name\":\"$name\",\"listen\":\"127.0.0.1:$listen\",\"upstream\":\"127.0.0.1:$upstream\"}"
  say "proxy $name: 127.0.0.1:$listen -> 127.0.0.1:$upstream"
}

# MS of latency each way: both directions, so a round trip gains 2 x MS.
cmd_latency() {
  local name="$1" ms="$2" stream
  [[ "$ms" =~ ^[0-9]+$ ]] || die "latency must be whole milliseconds, got '$ms'"
  for stream in upstream downstream; do
    curl -sS -X DELETE "$api/proxies/$name/toxics/latency_$stream" >/dev/null 2>&1 || true
    call POST "/proxies/$name/toxics" \
      "{\"name\":\"latency_$stream\",\"type\":\"latency\",\"stream\":\"$stream\",\"attributes\":{\"latency\":$ms}}"
  done
  say "proxy $name: ${ms} ms each way (${ms}x2 ms round trip)"
}

cmd_clear() {
  local name="$1" toxic
  for toxic in $(curl -sS "$api/proxies/$name/toxics" | grep -o '"name":"[^"]*"' | cut -d'"' -f4); do
    call DELETE "/proxies/$name/toxics/$toxic"
  done
}

# The names of the proxies, one a line.
cmd_list() { curl -sS "$api/proxies" | grep -o '"name":"[^"]*","listen"' | cut -d'"' -f4; }

case "${1:-}" in
  install) install_server && echo "$server" ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) if pid="$(running_pid)"; then echo "up $api (pid $pid)"; else echo "down"; exit 1; fi ;;
  proxy) [[ $# -eq 4 ]] || die "usage: scripts/toxiproxy.sh proxy NAME LISTEN_PORT UPSTREAM_PORT"; cmd_proxy "$2" "$3" "$4" ;;
  latency) [[ $# -eq 3 ]] || die "usage: scripts/toxiproxy.sh latency NAME MS"; cmd_latency "$2" "$3" ;;
  clear) [[ $# -eq 2 ]] || die "usage: scripts/toxiproxy.sh clear NAME"; cmd_clear "$2" ;;
  remove) [[ $# -eq 2 ]] || die "usage: scripts/toxiproxy.sh remove NAME"; call DELETE "/proxies/$2" ;;
  list) cmd_list ;;
  *) echo "usage: scripts/toxiproxy.sh install|up|down|status|list|proxy NAME LISTEN UPSTREAM|latency NAME MS|clear NAME|remove NAME" >&2; exit 2 ;;
esac
