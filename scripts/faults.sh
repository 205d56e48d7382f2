#!/usr/bin/env bash
# `bun run test:faults`: the reliability suite against a 3-node cluster (scripts/kafka-cluster.sh),
# which it starts and always stops. Writes RELIABILITY.md (or $RELIABILITY_OUT).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trap 'bash scripts/kafka-cluster.sh down >/dev/null 2>&1 || true' EXIT
rm -rf apps/faults/test-results
cd apps/faults && bun run faults
