#!/usr/bin/env bash
# Manages the project's local Schema Registry: Apicurio Registry 3.0.9 (a Quarkus runner from Maven
# Central, in-memory storage: empty at each start), Confluent-compatible at /apis/ccompat/v7.
# Usage: scripts/schema-registry.sh up|down|status|url|logs|install
#
# Settings (environment):
#   SCHEMA_REGISTRY_PORT        HTTP port on 127.0.0.1 (default 28081)
#   SCHEMA_REGISTRY_STATE_DIR   log and pid file (default ~/.cache/customer-events/registry-<port>)
#   SCHEMA_REGISTRY_URL         when set, another registry is in use: `up` starts nothing and prints it
#   SCHEMA_REGISTRY_UP_TIMEOUT  seconds `up` waits for /health/ready (default 90)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/process.sh
source "$here/lib/process.sh"
version="3.0.9"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/customer-events"
install_dir="$cache_root/apicurio-registry-$version"
port="${SCHEMA_REGISTRY_PORT:-28081}"
state="${SCHEMA_REGISTRY_STATE_DIR:-$cache_root/registry-$port}"
pid_file="$state/registry.pid"
log_file="$state/registry.log"
base="http://127.0.0.1:$port"
up_timeout="${SCHEMA_REGISTRY_UP_TIMEOUT:-90}"

say() { echo "schema-registry: $*" >&2; }
die() { say "$*"; exit 1; }

# The Quarkus runner jar of the unpacked distribution.
runner() { find "$install_dir" -name "apicurio-registry-app-$version-runner.jar" -print -quit 2>/dev/null; }

require_java() {
  command -v java >/dev/null 2>&1 ||
    die "Java 17+ is required but 'java' is not on PATH. Install a JDK 17+ (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless; macOS: brew install openjdk@17)."
}

# Fetches the distribution with Maven into the cache, once (about 104 MB), beside the Kafka jars.
install() {
  require_java
  [[ -f "$install_dir/.complete" ]] && return 0
  command -v mvn >/dev/null 2>&1 ||
    die "Maven is required once, to fetch Apicurio Registry $version, but 'mvn' is not on PATH. Install it (Debian/Ubuntu: apt-get install maven; macOS: brew install maven)."
  say "fetching Apicurio Registry $version into $install_dir (once, about 104 MB)"
  local artifact="io.apicurio:apicurio-registry-app:$version:tar.gz:all" repo="$cache_root/maven-repo"
  mkdir -p "$cache_root"
  mvn -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false -Dmaven.repo.local="$repo" \
    >"$cache_root/maven-registry.log" 2>&1 ||
    { tail -20 "$cache_root/maven-registry.log" >&2; die "Maven could not fetch $artifact (log: $cache_root/maven-registry.log)"; }
  local archive
  archive="$(find "$repo/io/apicurio/apicurio-registry-app/$version" -name "*-all.tar.gz" -print -quit)"
  [[ -n "$archive" ]] || die "Maven fetched nothing for $artifact (log: $cache_root/maven-registry.log)"
  rm -rf "$install_dir" && mkdir -p "$install_dir"
  tar -xzf "$archive" -C "$install_dir"
  [[ -n "$(runner)" ]] || die "no apicurio-registry-app-$version-runner.jar in $archive"
  touch "$install_dir/.complete"
}

# The pid of the registry this script started, if it is still that process.
running_pid() { pid_from_file "$pid_file" "quarkus.http.port=$port"; }

ready() { curl -fsS --max-time 2 "$base/health/ready" 2>/dev/null | grep -q '"UP"'; }

# The Confluent-compatible endpoint clients are given.
url() { echo "${SCHEMA_REGISTRY_URL:-$base/apis/ccompat/v7}"; }

cmd_up() {
  if [[ -n "${SCHEMA_REGISTRY_URL:-}" ]]; then url; return 0; fi
  if running_pid >/dev/null && ready; then
    say "already running (pid $(running_pid))"
    url
    return 0
  fi
  install
  mkdir -p "$state"
  if ! running_pid >/dev/null; then
    say "starting Apicurio Registry $version on $base (log: $log_file)"
    # setsid: the registry outlives the shell that started it, as the broker does.
    setsid java -Xmx256m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -jar "$(runner)" \
      >"$log_file" 2>&1 </dev/null &
    echo $! >"$pid_file"
  fi
  local started=$SECONDS
  until ready; do
    started_alive "$pid_file" || { tail -20 "$log_file" >&2; die "the registry exited during start-up (log: $log_file)"; }
    ((SECONDS - started < up_timeout)) || die "the registry was not ready within ${up_timeout}s (log: $log_file)"
    sleep 0.5
  done
  url
}

cmd_down() {
  local pid
  pid="$(running_pid)" || { say "not running"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  say "stopped (killed)"
}

cmd_status() {
  if running_pid >/dev/null && ready; then
    echo "up $(url) (pid $(running_pid))"
  else
    echo "down"
    return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  url) url ;;
  logs) tail -50 "$log_file" ;;
  install) install ;;
  *) die "usage: scripts/schema-registry.sh up|down|status|url|logs|install" ;;
esac
