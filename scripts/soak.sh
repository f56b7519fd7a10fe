#!/usr/bin/env bash
# Soak with faults: 8 writers + 8 readers on the Memory API through the test
# suite's fault proxy (throttles, 500s, connections dropped before and after
# the write) in front of DynamoDB Local, for SECONDS (default 300). Prints
# the figures; fails when an acknowledged write is missing or duplicated, a
# reader saw an error, or resident memory grew by more than 64 MB.
# Usage: scripts/soak.sh [SECONDS] (after scripts/test.sh or a build in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
binary=${MEM0_TEST_BINARY:-build/tests/mem0_integration_tests}
[ -x "$binary" ] || { echo "soak: build $binary first (cmake --build build)" >&2; exit 2; }
if [ -z "${MEM0_TEST_DYNAMODB_ENDPOINT:-}" ]; then
  read -r port pid < <(scripts/dynamodb-local.sh start)
  trap 'kill "$pid" 2>/dev/null || true' EXIT
  export MEM0_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
fi
MEM0_SOAK_SECONDS="$seconds" "$binary" \
  --gtest_filter='FaultProxySoakTest.*' --gtest_brief=1
