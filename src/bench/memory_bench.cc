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
#include "core/url.h"
#include "core/uuid.h"
#include "mem0/memory/memory.h"
#include "mem0/provision/provisioning.h"

namespace mem0::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Setup {
  memory::MemoryConfig config;
  std::shared_ptr<dynamodb::Client> client;  // DynamoDB only: counts requests
  std::string db_path;
};

Result<Setup> Prepare(const MemoryBenchOptions& options) {
  Setup setup;
  const std::string run = NewUuid().substr(0, 8);
  if (options.engine == "dynamodb") {
    dynamodb::ClientConfig client_config;
    client_config.endpoint_url = options.endpoint_url;
    client_config.region = options.region.empty() ? "us-east-1" : options.region;
    // DynamoDB Local accepts any key; AWS needs the credential chain.
    if (IsLoopbackHost(HostOfUrl(options.endpoint_url)) && !std::getenv("AWS_ACCESS_KEY_ID")) {
      client_config.access_key_id = "AKIDBENCH";
      client_config.secret_access_key = "bench";
    }
    MEM0_ASSIGN_OR_RETURN(auto client, dynamodb::Client::Create(client_config));
    setup.client = std::move(client);
    provision::TablesConfig tables;
    tables.region = setup.client->region();
    tables.conversation_table = "Mem0BenchMemoryConversations-" + run;
    tables.graph_table = "Mem0BenchMemoryGraph-" + run;
    MEM0_RETURN_IF_ERROR(provision::CreateDynamoDBTables(*setup.client, tables).status());
    auto& config = setup.config;
    config.conversation_provider = config.graph_provider = memory::StoreProvider::kDynamoDB;
    config.dynamodb_conversation.client = config.dynamodb_graph.client = setup.client;
    config.dynamodb_conversation.table_name = tables.conversation_table;
    config.dynamodb_graph.table_name = tables.graph_table;
  } else {
    setup.db_path = "/tmp/mem0-bench-memory-" + run + ".db";
    setup.config.sqlite_conversation.path = setup.config.sqlite_graph.path = setup.db_path;
  }
  return setup;
}

void Cleanup(const Setup& setup) {
  if (setup.client) {
    (void)setup.client->DeleteTable(setup.config.dynamodb_conversation.table_name);
    (void)setup.client->DeleteTable(setup.config.dynamodb_graph.table_name);
  }
  if (!setup.db_path.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((setup.db_path + suffix).c_str());
  }
}

uint64_t Requests(const Setup& setup) {
  return setup.client ? setup.client->counters().Total() : 0;
}

int Run(const MemoryBenchOptions& options, const Setup& setup) {
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
  auto setup = Prepare(options);
  if (!setup.ok()) return Fail(setup.error());
  int code = Run(options, *setup);
  Cleanup(*setup);
  return code;
}

}  // namespace mem0::bench
