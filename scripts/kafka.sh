#!/usr/bin/env bash
# Manages the project's local Apache Kafka: one KRaft node (broker and controller in one process)
# run with Java from Maven Central jars. Usage: scripts/kafka.sh up [--latency 25ms]|down|status|kill|restart|logs|install
#
# Records are kept whatever their timestamps (retention by size only): a backfill's events carry past
# times. So what the tests and the benchmark write would pile up: `delete-topics 'test-.*'` (a regular
# expression) deletes the topics of their earlier runs, as `bun run test` and `bun run bench` do.
#
# `up --latency 25ms` (or KAFKA_LATENCY=25ms) puts the broker at a distance, like a cloud cluster's
# (`up --latency 0` brings it back):
# Toxiproxy (scripts/toxiproxy.sh) adds 25 ms each way (a 50 ms round trip) on port+2, where a second
# listener (port+3) advertises itself, so that every connection of every client goes through the proxy;
# `up` then prints that address. The direct port stays as it was.
#
# Settings (environment):
#   KAFKA_PORT            client port (default 9092); the controller listens on KAFKA_CONTROLLER_PORT (default port+1)
#   KAFKA_STATE_DIR       data, log and pid file (default ~/.cache/customer-events/broker-<port>)
#   KAFKA_BOOTSTRAP_SERVERS  when set, another cluster is in use: `up` starts nothing
#   KAFKA_UP_TIMEOUT      seconds `up` waits for the broker to answer metadata (default 90)
#   KAFKA_LATENCY         as `up --latency`: milliseconds each way through the proxy (25ms, or 25)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/process.sh
source "$here/lib/process.sh"
pom="$here/kafka/pom.xml"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/customer-events"
libs="$cache_root/kafka-$kafka_version/libs"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
state="${KAFKA_STATE_DIR:-$cache_root/broker-$port}"
pid_file="$state/broker.pid"
log_file="$state/broker.log"
bootstrap="127.0.0.1:$port"
# The listener behind the proxy advertises the proxy's port: metadata sends clients back through it.
proxy_port=$((port + 2))
distant_port=$((port + 3))
latency="${KAFKA_LATENCY:-}"
up_timeout="${KAFKA_UP_TIMEOUT:-90}"

say() { echo "kafka: $*" >&2; }
die() { say "$*"; exit 1; }

require_java_and_maven() {
  command -v java >/dev/null 2>&1 ||
    die "Java 17+ is required but 'java' is not on PATH. Install a JDK 17+ (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless; macOS: brew install openjdk@17)."
  local major
  major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [[ -n "$major" && "$major" -ge 17 ]] ||
    die "Java 17+ is required, found Java ${major:-unknown}. Install a JDK 17+ and put it first on PATH (or set JAVA_HOME)."
  if [[ ! -f "$libs/.complete" ]]; then
    command -v mvn >/dev/null 2>&1 ||
      die "Maven is required once, to fetch the Kafka $kafka_version jars, but 'mvn' is not on PATH. Install it (Debian/Ubuntu: apt-get install maven; macOS: brew install maven)."
  fi
}

# Resolves the broker's jars with Maven into the cache, once per Kafka version.
install_jars() {
  require_java_and_maven
  [[ -f "$libs/.complete" ]] && return 0
  say "fetching Apache Kafka $kafka_version jars into $libs (once, about 55 MB)"
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$libs" >"$cache_root/maven.log" 2>&1 ||
    { tail -20 "$cache_root/maven.log" >&2; die "Maven could not resolve org.apache.kafka:kafka_2.13:$kafka_version (log: $cache_root/maven.log)"; }
  touch "$libs/.complete"
}

# The pid of the broker this script started, if it is still that process.
running_pid() { pid_from_file "$pid_file" "kafka.Kafka $state/server.properties"; }

# Asks the broker for its cluster id: a metadata request through Kafka's own admin client.
answers_metadata() {
  timeout 20 java -cp "$libs/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    org.apache.kafka.tools.ClusterTool cluster-id --bootstrap-server "$bootstrap" >/dev/null 2>&1
}

write_config() {
  mkdir -p "$state/data"
  cat >"$state/server.properties" <<EOF
# Written by scripts/kafka.sh: one KRaft node for local development and tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port,DISTANT://127.0.0.1:$distant_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,DISTANT://127.0.0.1:$proxy_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,DISTANT:PLAINTEXT
log.dirs=$state/data
num.partitions=3
# Like Confluent Cloud: topics are created on purpose (the producer's --create-topic).
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Retention by size, never by time: a record's timestamp is its event's time, and a backfill
# (--start-time in the past) would otherwise be deleted minutes after it was written. 1 GiB a partition.
log.retention.ms=-1
log.retention.bytes=1073741824
EOF
}

# The proxy `up --latency` made goes with the broker; the proxy server too once it serves no other.
leave_distance() {
  "$here/toxiproxy.sh" status >/dev/null 2>&1 || return 0
  "$here/toxiproxy.sh" remove "kafka-$port" 2>/dev/null || true
  [[ "$("$here/toxiproxy.sh" list)" == "" ]] && "$here/toxiproxy.sh" down
  return 0
}

# The proxy in front of the distant listener, with `latency` each way; prints its address.
put_at_distance() {
  local ms="${latency%ms}"
  [[ "$ms" =~ ^[0-9]+$ ]] || die "--latency must be milliseconds each way (25ms), got '$latency'"
  if ((ms == 0)); then leave_distance; echo "$bootstrap"; return 0; fi
  grep -q "DISTANT://" "$state/server.properties" ||
    die "the running broker was started without the distant listener: scripts/kafka.sh restart --latency $latency"
  "$here/toxiproxy.sh" up
  "$here/toxiproxy.sh" proxy "kafka-$port" "$proxy_port" "$distant_port"
  "$here/toxiproxy.sh" latency "kafka-$port" "$ms"
  echo "127.0.0.1:$proxy_port"
}

cmd_up() {
  if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    say "KAFKA_BOOTSTRAP_SERVERS is set: using $KAFKA_BOOTSTRAP_SERVERS, starting nothing"
    echo "$KAFKA_BOOTSTRAP_SERVERS"
    return 0
  fi
  install_jars
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    if [[ -n "$latency" ]]; then put_at_distance; else echo "$bootstrap"; fi
    return 0
  fi
  write_config
  if [[ ! -f "$state/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null)"
    java -cp "$libs/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$state/server.properties" \
      >>"$log_file" 2>&1 || { tail -20 "$log_file" >&2; die "could not format the storage in $state/data"; }
  fi
  local started=$SECONDS
  # setsid: the broker outlives this script and ignores the terminal's Ctrl-C.
  setsid nohup java -Xms256m -Xmx1g -XX:+UseG1GC \
    -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss.SSS" \
    -cp "$libs/*" kafka.Kafka "$state/server.properties" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  say "starting Apache Kafka $kafka_version on $bootstrap (log: $log_file)"
  until answers_metadata; do
    if ! started_alive "$pid_file"; then
      tail -30 "$log_file" >&2
      die "the broker exited during start-up (log above: $log_file)"
    fi
    if ((SECONDS - started >= up_timeout)); then
      tail -30 "$log_file" >&2
      cmd_down || true
      die "the broker did not answer a metadata request within ${up_timeout}s (log above: $log_file)"
    fi
    sleep 1
  done
  say "up in $((SECONDS - started))s"
  if [[ -n "$latency" ]]; then put_at_distance; else echo "$bootstrap"; fi
}

cmd_down() {
  local pid
  leave_distance
  if ! pid="$(running_pid)"; then
    say "not running"
    rm -f "$pid_file"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; say "stopped"; return 0; }
    sleep 0.1
  done
  say "no clean stop within 30s: killing pid $pid"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

# kill -9, as a crash would: for fault tests.
cmd_kill() {
  local pid
  pid="$(running_pid)" || { say "not running"; return 0; }
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$pid_file"
  say "killed"
}

cmd_status() {
  if pid="$(running_pid)"; then
    echo "up $bootstrap (pid $pid)"
  else
    echo "down"
    return 1
  fi
}

# Deletes the topics whose names match a regular expression (Kafka's own TopicCommand), if any.
cmd_delete_topics() {
  [[ -n "${1:-}" ]] || die "delete-topics needs a regular expression of topic names ('test-.*')"
  if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    say "KAFKA_BOOTSTRAP_SERVERS is set: another cluster is in use, deleting nothing"
    return 0
  fi
  running_pid >/dev/null || die "the broker is not running"
  java -cp "$libs/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=error org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$bootstrap" --delete --topic "$1" --if-exists >/dev/null ||
    die "could not delete the topics matching $1"
}

command="${1:-}"
shift || true
if [[ "${1:-}" == "--latency" ]]; then
  [[ -n "${2:-}" ]] || die "--latency needs milliseconds each way (25ms)"
  latency="$2"
fi

case "$command" in
  up) cmd_up ;;
  down) cmd_down ;;
  kill) cmd_kill ;;
  restart) cmd_down && cmd_up ;;
  status) cmd_status ;;
  install) install_jars && echo "$libs" ;;
  libs) echo "$libs" ;;
  delete-topics) cmd_delete_topics "$@" ;;
  logs) tail -n "${1:-50}" "$log_file" ;;
  *) echo "usage: scripts/kafka.sh up [--latency 25ms]|down|status|restart|kill|logs [N]|install|libs|delete-topics REGEX" >&2; exit 2 ;;
esac
