#!/usr/bin/env bash
# `bun run test:faults`: the reliability suite against a 3-node cluster (scripts/kafka-cluster.sh),
# which it starts and always stops. Writes RELIABILITY.md (or $RELIABILITY_OUT, an absolute path).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trap 'bash scripts/kafka-cluster.sh down >/dev/null 2>&1 || true' EXIT
rm -rf apps/faults/test-results
status=0
(cd apps/faults && bun run faults) || status=$?
# Biome aligns Markdown tables; `bun run test` checks the committed report is formatted.
bunx biome format --write "${RELIABILITY_OUT:-RELIABILITY.md}" >/dev/null 2>&1 || true
exit "$status"
