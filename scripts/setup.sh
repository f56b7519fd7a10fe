#!/usr/bin/env bash
# Installs what mem0-cpp needs to build and test, with apt. Idempotent: when
# everything is present it installs nothing and prints one line.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates curl
  libcurl4-openssl-dev libssl-dev libsqlite3-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev libstemmer-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-format
  openjdk-17-jre-headless npm python3
  # CI (scripts/test.sh): Ninja, ccache, Clang with its sanitizer runtimes
  # (ThreadSanitizer), and `file` for cpack's dpkg-shlibdeps step.
  ninja-build ccache clang libclang-rt-14-dev file
  # The page test (tests/integration/page_test.cc) drives headless Chromium.
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # A command already on PATH (e.g. java or npm installed another way) counts.
    case "$p" in
      openjdk-17-jre-headless) command -v java >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      python3) command -v python3 >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done

# The interoperability and signing tests cross-check against boto3/botocore;
# the CloudFormation test parses the template with PyYAML.
python_with_boto3() {
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import boto3, botocore, yaml' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  return 1
}
if ! python_with_boto3 >/dev/null; then
  missing+=(python3-boto3 python3-botocore python3-yaml)
fi

# The MCP test drives `mem0 mcp` with the official TypeScript SDK, pinned in
# tests/mcp/package-lock.json; the page test drives Chromium with
# puppeteer-core (no browser download), pinned in tests/page. Each is
# installed with `npm ci` when its lock file changed since the last install
# (a stamp in node_modules records it); when npm fails (offline) an
# installed copy is kept.
npm_ci() {  # FOLDER (under tests/) PACKAGE (the one that must be there)
  local dir stamp want
  dir="$(dirname "$0")/../tests/$1"
  stamp="$dir/node_modules/.mem0-lock-sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "setup: npm ci in tests/$1"
  if (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "$want" >"$stamp"
  elif [ -d "$dir/node_modules/$2" ]; then
    echo "setup: npm ci failed; keeping the installed tests/$1/node_modules" >&2
  else
    echo "setup: npm ci in tests/$1 failed" >&2
    return 1
  fi
}
node_packages() {
  npm_ci mcp @modelcontextprotocol/sdk
  npm_ci page puppeteer-core
}

if [ ${#missing[@]} -eq 0 ]; then
  node_packages
  echo "setup: all dependencies present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
node_packages
echo "setup: done"
