#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (Clang, ASan + UBSan) and runs
# each for SECONDS_PER_TARGET (default 600), one target at a time:
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Each run starts from the seeds in tests/fuzz/corpus/<target>/ plus what
# earlier runs found (kept in $FUZZ_BUILD_DIR/corpus/<target>/, not in the
# repo), and prints one line per target: runs, exec/s, coverage, corpus size
# and crashes. A crash, leak, timeout or out-of-memory input is saved in
# $FUZZ_BUILD_DIR/artifacts/<target>/; once fixed, copy it to
# tests/fuzz/regressions/<target>/ so every test build replays it (ctest
# fuzz_regression.<target>). Exits non-zero when any target failed.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_BUILD_JOBS (default
# nproc), FUZZ_NICE (niceness of the runs, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-600}
shift || true
build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_BUILD_JOBS:-$(nproc)}
niceness=${FUZZ_NICE:-10}

# Largest input per target: a few times the biggest realistic input, small
# enough that libFuzzer spends its time on structure rather than length.
declare -A max_len=(
  [attribute_value_json]=16384 [client_response]=16384 [page_tokens]=4096
  [memory_config]=8192 [aws_profile]=8192 [messages]=16384 [sigv4]=4096)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(attribute_value_json client_response page_tokens memory_config aws_profile messages sigv4)
fi

export CCACHE_BASEDIR="$root"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja "${launcher[@]}" -DMEM0_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DMEM0_FUZZ=ON -DMEM0_BUILD_TESTS=OFF -DMEM0_BUILD_TOOLS=OFF -DMEM0_INSTALL=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}"

failed=0
summary=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  log="$build/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$build/logs"
  # Crashes of this run only: artifacts of earlier runs stay for reference.
  stamp="$build/logs/$target.started"
  touch "$stamp"
  status=0
  # New inputs go to the first folder (the build's), never into the repo's seeds.
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    nice -n "$niceness" "$build/tests/fuzz/fuzz_$target" \
    -max_total_time="$seconds" -max_len="${max_len[$target]:-8192}" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log")
  speed=$(awk '/stat::average_exec_per_sec:/ { print $2 }' "$log")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
  features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
  crashes=$(find "$artifacts" -type f -newer "$stamp" | wc -l)
  line=$(printf '%-22s %6s s  runs %10s  exec/s %7s  cov %6s  ft %7s  corpus %5s  crashes %s' \
    "$target" "$seconds" "${runs:-?}" "${speed:-?}" "${coverage:-?}" "${features:-?}" \
    "$(find "$corpus" -type f | wc -l)" "$crashes")
  echo "$line"
  summary+=("$line")
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    echo "fuzz_$target failed (exit $status); log: $log; inputs: $artifacts" >&2
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" >&2 || true
  fi
done
printf '%s\n' "${summary[@]}"
exit "$failed"
