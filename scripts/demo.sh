#!/usr/bin/env bash
# The main job on the embedded default: installs dependencies, builds the
# CLI, runs `mem0 demo` (SQLite; no AWS, network or configuration needed).
# Extra arguments go to mem0 before `demo`, e.g. --engine dynamodb --endpoint-url URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target mem0_cli >/dev/null
exec ./build/mem0 "$@" demo
