#!/usr/bin/env bash
# The pinned runtimes, installed from the npm registry when missing or at another version: Bun (the
# project's runtime, tests and build) and Deno (the second runtime the apps run on). `.ci/run` and a
# new checkout use the same: `bash scripts/runtimes.sh`.
set -euo pipefail

BUN_VERSION=1.4.5
DENO_VERSION=2.9.6

if [[ "$(bun --version 2>/dev/null)" != "$BUN_VERSION" ]]; then
  echo "runtimes: installing bun $BUN_VERSION" >&2
  npm i -g "bun@$BUN_VERSION" >&2
fi
if [[ "$(deno --version 2>/dev/null | head -1)" != "deno $DENO_VERSION "* ]]; then
  echo "runtimes: installing deno $DENO_VERSION" >&2
  npm i -g "deno@$DENO_VERSION" >&2
fi
bun --version >/dev/null && deno --version >/dev/null
