// mem0-bench memory: the Memory API on one engine with N memories in one
// scope: adds (infer off) per second, warm search latency, get_all pages per
// second and, on DynamoDB, requests per search warm (index cached, version
// unchanged) and cold (a fresh process's first search).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "bench/bench.h"
#include "mem0/memory/memory.h"

namespace mem0::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

uint64_t Requests(const MemoryBenchStores& setup) {
  return setup.client ? setup.client->counters().Total() : 0;
}

int Run(const MemoryBenchOptions& options, const MemoryBenchStores& setup) {
  auto opened = memory::Memory::Open(setup.config);
  if (!opened.ok()) return Fail(opened.error());
  memory::Memory& memory = **opened;
  memory::Scope scope{"bench-user", "", ""};

  // Adds, one memory per call, from `threads` threads.
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  Error first_error;
  std::mutex error_mutex;
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      memory::AddOptions add;
      add.scope = scope;
      add.infer = false;
      for (int i = next++; i < options.memories && !failed; i = next++) {
        std::string text = SyntheticMemory(rng) + " #" + std::to_string(i);
        auto added = memory.Add({{"user", text, ""}}, add);
        if (!added.ok()) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!failed.exchange(true)) first_error = added.error();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (failed) return Fail(first_error);
  const double add_seconds = Seconds(Clock::now() - t0);

  // Searches: the first loads the index (cold); the rest are warm.
  std::mt19937 rng(7);
  memory::SearchOptions search;
  search.scope = scope;
  search.limit = 10;
  uint64_t before = Requests(setup);
  const auto cold_start = Clock::now();
  if (auto found = memory.Search(SyntheticQuery(rng), search); !found.ok()) {
    return Fail(found.error());
  }
  const double cold_ms = Seconds(Clock::now() - cold_start) * 1000;
  const uint64_t cold_requests = Requests(setup) - before;
  std::vector<double> millis;
  before = Requests(setup);
  for (int i = 0; i < options.queries; ++i) {
    const std::string query = SyntheticQuery(rng);
    const auto a = Clock::now();
    auto found = memory.Search(query, search);
    if (!found.ok()) return Fail(found.error());
    millis.push_back(Seconds(Clock::now() - a) * 1000);
  }
  const double warm_requests =
      static_cast<double>(Requests(setup) - before) / std::max(1, options.queries);
  std::sort(millis.begin(), millis.end());
  auto pct = [&](double p) { return millis[static_cast<size_t>(p * (millis.size() - 1))]; };

  // get_all: first pages of 100, for about two seconds.
  memory::ListOptions list;
  list.scope = scope;
  list.limit = 100;
  int pages = 0;
  const auto g0 = Clock::now();
  while (Seconds(Clock::now() - g0) < 2) {
    auto page = memory.GetAll(list);
    if (!page.ok()) return Fail(page.error());
    ++pages;
  }
  const double get_all_seconds = Seconds(Clock::now() - g0);

  std::printf("engine %s\n", options.engine.c_str());
  std::printf("memories %d\n", options.memories);
  std::printf("add_ops_per_s %.0f\n", options.memories / add_seconds);
  std::printf("search_p50_ms %.3f\n", pct(0.5));
  std::printf("search_p99_ms %.3f\n", pct(0.99));
  std::printf("search_cold_ms %.1f\n", cold_ms);
  if (setup.client) {
    std::printf("search_requests %.2f\n", warm_requests);
    std::printf("search_requests_cold %llu\n", static_cast<unsigned long long>(cold_requests));
  }
  std::printf("get_all_ops_per_s %.0f\n", pages / get_all_seconds);
  return 0;
}

}  // namespace

int RunMemoryBench(const MemoryBenchOptions& options) {
  auto setup = MemoryBenchStores::Create(options.engine, options.endpoint_url, options.region);
  if (!setup.ok()) return Fail(setup.error());
  return Run(options, *setup);
}

}  // namespace mem0::bench
