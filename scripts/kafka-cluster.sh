#!/usr/bin/env bash
# A 3-node Apache Kafka cluster (KRaft, each node broker and controller) on loopback ports, for the
# reliability suite: replication factor 3, min.insync.replicas=2, unclean leader election off, topic
# auto-creation off, ACLs (StandardAuthorizer; everyone a super user but the SASL_SSL user carol), a SASL_SSL
# listener (PLAIN and SCRAM-SHA-512 users) and an SSL listener that requires a
# client certificate (mutual TLS), whose certificates come from a CA this script makes with openssl, and
# a PLAINTEXT listener behind Toxiproxy (scripts/toxiproxy.sh) for network faults: each node advertises
# its proxy's address there, so every client connection made through `proxied-bootstrap` goes through
# the node's proxy (named cluster-PORT-node-N), while the nodes talk to each other directly, as a cloud
# cluster's brokers do. Jars come from scripts/kafka.sh.
#
# Usage: scripts/kafka-cluster.sh up | down | status | start N | stop N | kill N | pause N | resume N |
#        bootstrap | sasl-bootstrap | ssl-bootstrap | proxied-bootstrap | proxy N | ca | untrusted-ca |
#        client-cert | client-key | pid N | logs N
#
# Settings (environment): KAFKA_CLUSTER_PORT (default 31092): node N listens on PORT+10*(N-1) (PLAINTEXT),
# +1 (SASL_SSL), +2 (controller), +3 (SSL, client certificate required) and +4 (PLAINTEXT behind its proxy,
# which listens on +5). KAFKA_CLUSTER_DIR: state (default ~/.cache/customer-events/cluster-PORT).
# The ports stay below Linux's ephemeral range (32768 up): there a client's own end of a connection can
# hold a listener's port, and the node then fails to start ("Address already in use").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/process.sh
source "$here/lib/process.sh"
base_port="${KAFKA_CLUSTER_PORT:-31092}"
dir="${KAFKA_CLUSTER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/customer-events/cluster-$base_port}"
nodes=(1 2 3)
tls="$dir/tls"

# Users of the SASL_SSL listener (test credentials for a local cluster, not secrets). alice and bob are
# super users, as is everyone on the other listeners; carol has only the ACLs a test grants her.
plain_user=alice
plain_password=alice-secret
acl_user=carol
acl_password=carol-secret
scram_user=bob
scram_password=bob-secret

say() { echo "kafka-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

port() { echo $((base_port + 10 * ($1 - 1) + $2)); }
bootstrap() { local out=() n; for n in "${nodes[@]}"; do out+=("127.0.0.1:$(port "$n" 0)"); done; (IFS=,; echo "${out[*]}"); }
sasl_bootstrap() { local out=() n; for n in "${nodes[@]}"; do out+=("127.0.0.1:$(port "$n" 1)"); done; (IFS=,; echo "${out[*]}"); }
ssl_bootstrap() { local out=() n; for n in "${nodes[@]}"; do out+=("127.0.0.1:$(port "$n" 3)"); done; (IFS=,; echo "${out[*]}"); }
proxied_bootstrap() { local out=() n; for n in "${nodes[@]}"; do out+=("127.0.0.1:$(port "$n" 5)"); done; (IFS=,; echo "${out[*]}"); }
proxy_name() { echo "cluster-$base_port-node-$1"; }
voters() { local out=() n; for n in "${nodes[@]}"; do out+=("$n@127.0.0.1:$(port "$n" 2)"); done; (IFS=,; echo "${out[*]}"); }

libs() { bash "$here/kafka.sh" install 2>/dev/null || bash "$here/kafka.sh" install; }

# A CA and a server certificate for 127.0.0.1/localhost, plus an unrelated CA for "untrusted" tests.
make_tls() {
  [[ -f "$tls/server.pem" && -f "$tls/client.crt" ]] && return 0
  command -v openssl >/dev/null || die "openssl is required for the SASL_SSL listener (apt-get install openssl)"
  mkdir -p "$tls"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=customer-events test CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
    printf "subjectAltName=IP:127.0.0.1,DNS:localhost\n" >san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -extfile san.ext \
      -out server.crt 2>/dev/null
    # Kafka's PEM keystore: the PKCS#8 key, then the certificate chain.
    openssl pkcs8 -topk8 -nocrypt -in server.key -out server.p8
    cat server.p8 server.crt ca.pem >server.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=some other CA" \
      -keyout untrusted-ca.key -out untrusted-ca.pem 2>/dev/null
    # The client certificate for the SSL listener, which requires one (mutual TLS, as Aiven hands out).
    openssl req -newkey rsa:2048 -nodes -subj "/CN=customer-events test client" -keyout client.key \
      -out client.csr 2>/dev/null
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -out client.crt 2>/dev/null
  )
}

node_dir() { echo "$dir/node-$1"; }

write_config() {
  local n="$1" d
  d="$(node_dir "$n")"
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
# Written by scripts/kafka-cluster.sh: node $n of a 3-node local cluster.
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://127.0.0.1:$(port "$n" 0),SASL_SSL://127.0.0.1:$(port "$n" 1),CONTROLLER://127.0.0.1:$(port "$n" 2),SSL://127.0.0.1:$(port "$n" 3),PROXIED://127.0.0.1:$(port "$n" 4)
advertised.listeners=PLAINTEXT://127.0.0.1:$(port "$n" 0),SASL_SSL://127.0.0.1:$(port "$n" 1),SSL://127.0.0.1:$(port "$n" 3),PROXIED://127.0.0.1:$(port "$n" 5)
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,PROXIED:PLAINTEXT
log.dirs=$d/data
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$plain_user="$plain_password" user_$acl_user="$acl_password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:ANONYMOUS;User:$plain_user;User:$scram_user;User:CN=customer-events test client
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$tls/server.pem
listener.name.ssl.ssl.client.auth=required
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$tls/ca.pem
EOF
}

pid_of() { pid_from_file "$(node_dir "$1")/broker.pid" "kafka.Kafka $(node_dir "$1")/server.properties"; }

answers() {
  timeout 20 java -cp "$1/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    org.apache.kafka.tools.ClusterTool cluster-id --bootstrap-server "127.0.0.1:$(port "$2" 0)" >/dev/null 2>&1
}

start_node() {
  local n="$1" lib="$2" d
  d="$(node_dir "$n")"
  if pid_of "$n" >/dev/null; then return 0; fi
  write_config "$n"
  setsid nohup java -Xms128m -Xmx512m -XX:+UseG1GC -XX:TieredStopAtLevel=1 \
    -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$lib/*" kafka.Kafka "$d/server.properties" \
    >>"$d/broker.log" 2>&1 </dev/null &
  echo $! >"$d/broker.pid"
}

wait_node() {
  local n="$1" lib="$2" started=$SECONDS
  until answers "$lib" "$n"; do
    started_alive "$(node_dir "$n")/broker.pid" || { tail -30 "$(node_dir "$n")/broker.log" >&2; die "node $n exited during start-up"; }
    ((SECONDS - started < 120)) || { tail -30 "$(node_dir "$n")/broker.log" >&2; die "node $n did not answer within 120s"; }
    sleep 1
  done
}

cmd_up() {
  local lib
  lib="$(libs)"
  make_tls
  if [[ ! -f "$dir/cluster.id" ]]; then
    java -cp "$lib/*" kafka.tools.StorageTool random-uuid >"$dir/cluster.id" 2>/dev/null
  fi
  local n started=$SECONDS
  for n in "${nodes[@]}"; do
    if [[ ! -f "$(node_dir "$n")/data/meta.properties" ]]; then
      write_config "$n"
      java -cp "$lib/*" kafka.tools.StorageTool format -t "$(cat "$dir/cluster.id")" -c "$(node_dir "$n")/server.properties" \
        --add-scram "SCRAM-SHA-512=[name=$scram_user,password=$scram_password]" >>"$(node_dir "$n")/broker.log" 2>&1 ||
        die "could not format node $n (log: $(node_dir "$n")/broker.log)"
    fi
    start_node "$n" "$lib"
  done
  for n in "${nodes[@]}"; do wait_node "$n" "$lib"; done
  make_proxies
  say "up in $((SECONDS - started))s: PLAINTEXT $(bootstrap), SASL_SSL $(sasl_bootstrap), SSL with client certificates $(ssl_bootstrap), through Toxiproxy $(proxied_bootstrap)"
  bootstrap
}

# Each node's proxy, without toxics (made afresh: an earlier run's toxics go).
make_proxies() {
  local n
  "$here/toxiproxy.sh" up
  for n in "${nodes[@]}"; do "$here/toxiproxy.sh" proxy "$(proxy_name "$n")" "$(port "$n" 5)" "$(port "$n" 4)"; done
}

# The proxies go with the cluster; the proxy server too once it serves no other.
remove_proxies() {
  local n
  "$here/toxiproxy.sh" status >/dev/null 2>&1 || return 0
  for n in "${nodes[@]}"; do "$here/toxiproxy.sh" remove "$(proxy_name "$n")" 2>/dev/null || true; done
  [[ "$("$here/toxiproxy.sh" list)" == "" ]] && "$here/toxiproxy.sh" down
  return 0
}

stop_node() {
  local n="$1" pid
  pid="$(pid_of "$n")" || return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_down() {
  local n
  for n in "${nodes[@]}"; do stop_node "$n" & done
  wait
  remove_proxies
  say "stopped"
}

cmd_status() {
  local n pid state
  for n in "${nodes[@]}"; do
    if pid="$(pid_of "$n")"; then
      state="$(awk '/^State:/ {print $2}' "/proc/$pid/status")"
      [[ "$state" == "T" ]] && echo "node $n paused (pid $pid)" || echo "node $n up 127.0.0.1:$(port "$n" 0) (pid $pid)"
    else
      echo "node $n down"
    fi
  done
}

need_node() { [[ "${1:-}" =~ ^[123]$ ]] || die "expected a node number 1, 2 or 3, got '${1:-}'"; }

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  start) need_node "${2:-}"; lib="$(libs)"; start_node "$2" "$lib"; wait_node "$2" "$lib"; say "node $2 up" ;;
  stop) need_node "${2:-}"; stop_node "$2"; say "node $2 stopped" ;;
  kill) need_node "${2:-}"; pid="$(pid_of "$2")" && kill -KILL "$pid" && while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; say "node $2 killed" ;;
  pause) need_node "${2:-}"; kill -STOP "$(pid_of "$2")"; say "node $2 paused" ;;
  resume) need_node "${2:-}"; kill -CONT "$(pid_of "$2")"; say "node $2 resumed" ;;
  pid) need_node "${2:-}"; pid_of "$2" ;;
  bootstrap) bootstrap ;;
  sasl-bootstrap) sasl_bootstrap ;;
  ssl-bootstrap) ssl_bootstrap ;;
  proxied-bootstrap) proxied_bootstrap ;;
  proxy) need_node "${2:-}"; proxy_name "$2" ;;
  client-cert) make_tls; echo "$tls/client.crt" ;;
  client-key) make_tls; echo "$tls/client.key" ;;
  ca) make_tls; echo "$tls/ca.pem" ;;
  untrusted-ca) make_tls; echo "$tls/untrusted-ca.pem" ;;
  logs) need_node "${2:-}"; tail -n 50 "$(node_dir "$2")/broker.log" ;;
  *) echo "usage: scripts/kafka-cluster.sh up|down|status|start N|stop N|kill N|pause N|resume N|bootstrap|sasl-bootstrap|ssl-bootstrap|proxied-bootstrap|proxy N|ca|untrusted-ca|client-cert|client-key|pid N|logs N" >&2; exit 2 ;;
esac
