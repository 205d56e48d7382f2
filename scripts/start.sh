#!/usr/bin/env bash
# `bun run start [options]`: the local Kafka (started if needed), the local Schema Registry too when a
# registry format is asked for (--format avro|protobuf|json-schema or EVENT_FORMAT) and no registry is
# given, then the producer with --create-topic and the options given.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

format="${EVENT_FORMAT:-json}"
registry_given="${SCHEMA_REGISTRY_URL:-}"
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    --format) format="${args[$((i + 1))]:-json}" ;;
    --format=*) format="${args[$i]#--format=}" ;;
    --schema-registry-url | --schema-registry-url=* | --config | --config=*) registry_given=yes ;;
  esac
done

bash scripts/kafka.sh up >/dev/null
if [[ "$format" != "json" && -z "$registry_given" ]]; then
  SCHEMA_REGISTRY_URL="$(bash scripts/schema-registry.sh up)"
  export SCHEMA_REGISTRY_URL
fi
exec bun run apps/producer --create-topic "$@"
