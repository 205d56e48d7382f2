#!/usr/bin/env bash
# `bun run test`: what the tests need (scripts/test-needs.sh), lint, the size rules (scripts/sizes.ts),
# typecheck and every workspace's tests, against the local broker and Schema Registry (started here if
# needed) or against KAFKA_BOOTSTRAP_SERVERS when it is set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/test-needs.sh

bun run lint
bun scripts/sizes.ts
bootstrap="$(bash scripts/kafka.sh up)"
# The local broker keeps every record (scripts/kafka.sh): the topics of earlier test runs go first.
bash scripts/kafka.sh delete-topics 'test-.*'
export KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
# The registry formats' tests use the local Schema Registry (Apicurio), started here if needed.
SCHEMA_REGISTRY_URL="$(bash scripts/schema-registry.sh up)"
export SCHEMA_REGISTRY_URL
rm -rf packages/*/test-results apps/*/test-results
# Tests run one workspace at a time: they share the broker and the machine's 2 cores.
bunx turbo run typecheck
bunx turbo run test --concurrency=1 --continue
