#!/usr/bin/env bash
# The whole test suite and CI, from a fresh Debian 12 machine: installs
# dependencies, starts DynamoDB Local, and runs these stages (warnings are
# errors in every build; Ninja; ccache):
#
#   release-gcc     GCC Release: library + CLI, compile only
#   package         installs that build into a temporary prefix, builds
#                   examples/ against it with CMake (find_package) and with
#                   pkg-config only and runs both; `cpack -G DEB`, installs
#                   the .deb with apt-get, runs `mem0 demo`, removes it
#   release-clang   Clang Release: library + CLI, compile only
#   fuzz-smoke      Clang libFuzzer + ASan + UBSan: every fuzz target for
#                   $FUZZ_SMOKE_SECONDS (default 10) s (scripts/fuzz.sh)
#   tsan            Clang + ThreadSanitizer: the concurrency tests ($TSAN_TESTS)
#   relwithdebinfo  GCC RelWithDebInfo: every test (ctest)
#   asan            GCC Debug + AddressSanitizer + UBSan: every test (ctest)
#
# Each stage prints one "stage NAME: N s" line. Exits non-zero when anything
# fails. Build folders: build-ci-<stage>. ccache keeps its cache in
# ${XDG_CACHE_HOME:-$HOME/.cache}/ccache (or $CCACHE_DIR) with the repository
# root as CCACHE_BASEDIR, so clean clones in other folders hit it too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The concurrency tests ThreadSanitizer runs (a gtest filter): every test
# that starts threads (`grep -l std::thread tests/`) and does not need the
# CLI, the tests whose names say concurrent/parallel/multiprocess/racing,
# the soak through the fault proxy (8 writers, 8 readers, retries), the
# in-process REST server under 8 clients, and the DynamoDB graph store's
# tests (its reads and deletes fan out over threads).
TSAN_TESTS="${TSAN_TESTS:-*Concurrent*:*Parallel*:*Multiprocess*:*FourProcesses*:*AcrossThreads*:*Race*:*Racing*:*ForEach*:FaultProxySoakTest.*:ClientRequestChecks.*:SocketTransport.*:DynamoDBGraphTest.*}"

started=$SECONDS
timings=()
stage_start=0
stage_cpu=0
# CPU seconds (user + system) of this script's finished child processes so
# far, in $cpu (`times` must run in this shell, not in a $(...) subshell).
times_file=$(mktemp)
cpu=0
read_cpu() {
  times >"$times_file"
  cpu=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += t[1] * 60 + t[2] }
                       printf "%d", n }' "$times_file")
}
begin() { stage_start=$SECONDS; read_cpu; stage_cpu=$cpu; echo "== stage $1"; }
end() {
  local line
  read_cpu
  line=$(printf 'stage %s: %d s (%d s CPU)' "$1" $((SECONDS - stage_start)) $((cpu - stage_cpu)))
  timings+=("$line")
  echo "$line"
}

begin setup
bash scripts/setup.sh
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null && "$py" -c 'import boto3, botocore, yaml' 2>/dev/null; then
    export MEM0_PYTHON="$py"; break
  fi
done
: "${MEM0_PYTHON:?no python3 with boto3, botocore and yaml found; scripts/setup.sh should have installed it}"
scripts/dynamodb-local.sh fetch >/dev/null
end setup

export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}"
export CCACHE_BASEDIR="$root"
# Debug info names the build folder; without this, -g objects would only be
# reused in the same folder.
export CCACHE_NOHASHDIR=1
ccache --zero-stats >/dev/null
jobs=$(nproc)
common=(-G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DMEM0_WERROR=ON)

tmp=$(mktemp -d)
ddb_pid=""
deb_installed=""
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
cleanup() {
  if [ -n "$deb_installed" ]; then $SUDO apt-get remove -y -qq mem0 >/dev/null 2>&1 || true; fi
  if [ -n "$ddb_pid" ]; then kill "$ddb_pid" 2>/dev/null || true; fi
  rm -rf "$tmp" "$times_file"
}
trap cleanup EXIT

configure() {  # configure DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" "${common[@]}" "$@" >/dev/null
}

# DynamoDB Local for the examples and every test process.
read -r port ddb_pid < <(scripts/dynamodb-local.sh start)
export MEM0_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"

# --- Release builds, and the library as a consumer sees it ---------------
begin release-gcc
configure build-ci-release-gcc -DCMAKE_BUILD_TYPE=Release -DMEM0_BUILD_TESTS=OFF
cmake --build build-ci-release-gcc -j"$jobs" --target mem0_cli
end release-gcc

begin package
prefix="$tmp/prefix"
cmake --install build-ci-release-gcc --prefix "$prefix" >/dev/null
# CMake: find_package(mem0 CONFIG REQUIRED).
cmake -S examples -B build-ci-examples -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-ci-examples
build-ci-examples/quickstart "$tmp/cmake-example.db"
build-ci-examples/memory_default "$tmp/memory-example.db" | tail -1
build-ci-examples/memory_dynamodb "$MEM0_TEST_DYNAMODB_ENDPOINT" | tail -1
# pkg-config only.
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" make -s -C examples CXX="ccache c++" \
  OUT="$tmp/quickstart-pc" MEMORY_OUT="$tmp/memory-pc"
"$tmp/quickstart-pc" "$tmp/pkg-config-example.db" | tail -1
"$tmp/memory-pc" "$tmp/pkg-config-memory.db" | tail -1
# The .deb: install, run the demo, build the example against /usr, remove.
(cd build-ci-release-gcc && rm -f mem0_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$root"/build-ci-release-gcc/mem0_*.deb)
dpkg-deb -f "$deb" Package Version Depends
# One CI run at a time installs the system package.
exec 9>/tmp/mem0-cpp-ci-deb.lock
flock 9
deb_installed=1
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$deb" >/dev/null
mkdir -p "$tmp/home"
HOME="$tmp/home" TMPDIR="$tmp" /usr/bin/mem0 demo
make -s -C examples CXX="ccache c++" OUT="$tmp/quickstart-deb" MEMORY_OUT="$tmp/memory-deb"
"$tmp/quickstart-deb" "$tmp/deb-example.db" | tail -1
"$tmp/memory-deb" "$tmp/deb-memory.db" | tail -1
$SUDO apt-get remove -y -qq -o DPkg::Lock::Timeout=300 mem0 >/dev/null
deb_installed=""
flock -u 9
if dpkg-query -W -f='${Status}' mem0 2>/dev/null | grep -q "install ok installed"; then
  echo "mem0 is still installed after apt-get remove" >&2; exit 1
fi
end package

begin release-clang
CC=clang CXX=clang++ configure build-ci-release-clang -DCMAKE_BUILD_TYPE=Release \
  -DMEM0_BUILD_TESTS=OFF
cmake --build build-ci-release-clang -j"$jobs" --target mem0_cli
end release-clang

# A short run of each fuzz target (the long runs are scripts/fuzz.sh 600,
# not part of CI); the corpora and crash reproducers are also replayed by
# ctest (fuzz_regression.*) in the test stages below.
begin fuzz-smoke
FUZZ_BUILD_DIR=build-ci-fuzz FUZZ_BUILD_JOBS="$jobs" FUZZ_NICE=0 \
  scripts/fuzz.sh "${FUZZ_SMOKE_SECONDS:-10}"
end fuzz-smoke

# --- Tests ----------------------------------------------------------------
echo "DynamoDB Local on port $port (pid $ddb_pid)"

# ThreadSanitizer: Debug with -g1, no CLI or bench (no CLI test runs here);
# -O0 compiles in less than half the time of -O1, and the few tests run
# slower but still in seconds. TSan needs a non-randomized address space on
# newer kernels ("unexpected memory mapping"): setarch -R.
begin tsan
CC=clang CXX=clang++ configure build-ci-tsan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DMEM0_TSAN=ON -DMEM0_BUILD_TOOLS=OFF
cmake --build build-ci-tsan -j"$jobs" --target mem0_unit_tests mem0_integration_tests
norandom=()
if setarch "$(uname -m)" -R true 2>/dev/null; then norandom=(setarch "$(uname -m)" -R); fi
for binary in mem0_unit_tests mem0_integration_tests; do
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "${norandom[@]}" \
    "build-ci-tsan/tests/$binary" --gtest_filter="$TSAN_TESTS" --gtest_brief=1
done
end tsan

# -g1 (line tables) instead of -g: a third less compile time.
begin relwithdebinfo
configure build-ci-gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
cmake --build build-ci-gcc -j"$jobs"
build-ci-gcc/mem0-bench sign --iterations 2000
ctest --test-dir build-ci-gcc --output-on-failure -j2
# Smoke of the kill -9 harness (the long run: scripts/crash_consistency.py
# with its default 200 runs per engine).
for engine in sqlite dynamodb; do
  python3 scripts/crash_consistency.py build-ci-gcc/mem0 --engine "$engine" \
    --endpoint-url "$MEM0_TEST_DYNAMODB_ENDPOINT" --runs 21
done
end relwithdebinfo

# ASan + UBSan: Debug with -g1 (line tables are enough for the reports), no bench.
begin asan
configure build-ci-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
  -DMEM0_SANITIZE=ON
# mem0_fuzz_replay: ctest replays the fuzz corpora and reproducers under ASan too.
cmake --build build-ci-asan -j"$jobs" --target mem0_unit_tests mem0_integration_tests \
  mem0_fuzz_replay
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-ci-asan --output-on-failure -j2
end asan

echo "ccache: $(ccache --print-stats | awk -F'\t' '$1=="direct_cache_hit"||$1=="preprocessed_cache_hit"{h+=$2} $1=="cache_miss"{m=$2} END{printf "%d hits, %d misses", h, m}')"
printf '%s\n' "${timings[@]}"
echo "total: $((SECONDS - started)) s"
