#!/usr/bin/env bash
# What only the tests need, installed or checked by `bun run test` itself (quick when present): the
# pinned Deno (the apps' second runtime), Java and Maven (the local Kafka), openssl (the SASL_SSL
# certificates), Toxiproxy built with Go (the broker at a distance), and pinned Python packages that
# the tests use as independent references: jsonschema (the published JSON Schema's second validator),
# prometheus_client (the /metrics text's parser), confluent-kafka with its Schema Registry
# deserializers and grpcio-tools' protoc (the registry formats' reader). One clear line when something
# cannot be had.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() { echo "test needs: $*" >&2; exit 1; }

bash scripts/runtimes.sh || fail "could not install the pinned bun and deno (bash scripts/runtimes.sh)"
command -v java >/dev/null || fail "Java 17+ is required for the local Kafka (apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null || fail "Maven is required to fetch the Kafka jars (apt-get install maven)"
command -v openssl >/dev/null || { command -v apt-get >/dev/null && apt-get install -y openssl >/dev/null 2>&1; } ||
  fail "openssl is required for the SASL_SSL tests (apt-get install openssl)"
command -v go >/dev/null || [[ -x "${XDG_CACHE_HOME:-$HOME/.cache}/customer-events/toxiproxy-2.5.0/server" ]] ||
  fail "Go is required once, to build Toxiproxy for the tests at a distance (https://go.dev/doc/install)"
bash scripts/toxiproxy.sh install >/dev/null || fail "could not build Toxiproxy (bash scripts/toxiproxy.sh install)"
command -v python3 >/dev/null || fail "Python 3 is required for two reference checks (apt-get install python3 python3-pip)"

# name==version for pip, and the module python imports.
python_packages=(
  "jsonschema==4.26.0:jsonschema"
  "prometheus_client==0.26.0:prometheus_client"
  "confluent-kafka[avro,json,protobuf,schemaregistry]==2.12.1:confluent_kafka.schema_registry.avro"
  "fastavro==1.13.1:fastavro"
  "grpcio-tools==1.85.1:grpc_tools.protoc"
)
for entry in "${python_packages[@]}"; do
  requirement="${entry%%:*}" module="${entry##*:}"
  name="${requirement%%==*}" version="${requirement##*==}"
  name="${name%%[*}"
  installed=$(python3 -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null)
  [[ "$installed" == "$version" ]] && python3 -c "import $module" 2>/dev/null && continue
  echo "test needs: installing $requirement (python3 -m pip)" >&2
  python3 -m pip install --quiet "$requirement" >&2 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "$requirement" >&2 ||
    fail "could not install $requirement (python3 -m pip install $requirement)"
done
