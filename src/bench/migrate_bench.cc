// mem0-bench migrate: seeds a SQLite store with N memories (through the
// Memory API, infer off, over 100 users) and history rows up to H, then
// copies it all with memory::Migrate to a fresh SQLite file or fresh
// DynamoDB tables and prints the copy's records per second, the requests
// per record (DynamoDB) and whether the verification matched.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "bench/bench.h"
#include "mem0/memory/memory.h"
#include "mem0/memory/transfer.h"

namespace mem0::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct OpenedStores {
  std::unique_ptr<store::ConversationStore> conversations;
  std::unique_ptr<store::GraphStore> graph;
};

Result<OpenedStores> OpenStores(const memory::MemoryConfig& config) {
  OpenedStores stores;
  if (config.conversation_provider == memory::StoreProvider::kDynamoDB) {
    MEM0_ASSIGN_OR_RETURN(stores.conversations,
                          store::MakeDynamoDBConversationStore(config.dynamodb_conversation));
    MEM0_ASSIGN_OR_RETURN(stores.graph, store::MakeDynamoDBGraphStore(config.dynamodb_graph));
  } else {
    MEM0_ASSIGN_OR_RETURN(stores.conversations,
                          store::MakeSqliteConversationStore(config.sqlite_conversation));
    MEM0_ASSIGN_OR_RETURN(stores.graph, store::MakeSqliteGraphStore(config.sqlite_graph));
  }
  return stores;
}

// Adds `memories` memories from four threads; returns their ids.
Result<std::vector<std::string>> SeedMemories(const memory::MemoryConfig& config, int memories) {
  MEM0_ASSIGN_OR_RETURN(auto memory, memory::Memory::Open(config));
  std::vector<std::string> ids(static_cast<size_t>(memories));
  std::atomic<int> next{0};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(2000 + t);
      for (int i = next++; i < memories; i = next++) {
        memory::AddOptions add;
        add.scope.user_id = "user-" + std::to_string(i % 100);
        add.infer = false;
        auto added =
            memory->Add({{"user", SyntheticMemory(rng) + " #" + std::to_string(i), ""}}, add);
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!added.ok()) {
          if (!first_error) first_error = added.error();
          return;
        }
        if (!added->results.empty()) ids[static_cast<size_t>(i)] = added->results[0].id;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (first_error) return *first_error;
  return ids;
}

}  // namespace

int RunMigrateBench(const MigrateBenchOptions& options) {
  auto source_setup = MemoryBenchStores::Create("sqlite", "", "");
  if (!source_setup.ok()) return Fail(source_setup.error());
  auto target_setup =
      MemoryBenchStores::Create(options.target, options.endpoint_url, options.region);
  if (!target_setup.ok()) return Fail(target_setup.error());

  // The source: memories (each with its ADD history row), then UPDATE rows
  // spread over them up to the history total, written in batches.
  const auto seed_start = Clock::now();
  auto ids = SeedMemories(source_setup->config, options.memories);
  if (!ids.ok()) return Fail(ids.error());
  auto source = OpenStores(source_setup->config);
  if (!source.ok()) return Fail(source.error());
  std::vector<store::HistoryRecord> batch;
  for (int i = options.memories; i < options.history_rows; ++i) {
    store::HistoryRecord row;
    row.memory_id = (*ids)[static_cast<size_t>(i) % ids->size()];
    row.old_memory = "before " + std::to_string(i);
    row.new_memory = "after " + std::to_string(i);
    row.event = "UPDATE";
    row.created_at = "2026-12-01T00:00:00.000000+00:00";
    batch.push_back(std::move(row));
    if (batch.size() == 1000 || i + 1 == options.history_rows) {
      if (auto added = source->conversations->BatchAddHistory(batch); !added.ok()) {
        return Fail(added.error());
      }
      batch.clear();
    }
  }
  const double seed_seconds = Seconds(Clock::now() - seed_start);

  auto target = OpenStores(target_setup->config);
  if (!target.ok()) return Fail(target.error());
  const uint64_t requests_before =
      target_setup->client ? target_setup->client->counters().Total() : 0;
  memory::MigrateOptions migrate_options;
  migrate_options.parallelism = options.parallelism;
  auto report = memory::Migrate(*source->conversations, *source->graph, *target->conversations,
                                *target->graph, migrate_options);
  if (!report.ok()) return Fail(report.error());
  const uint64_t requests =
      target_setup->client ? target_setup->client->counters().Total() - requests_before : 0;

  std::printf("source: sqlite, %d memories, %d history rows (seeded in %.1f s)\n", options.memories,
              std::max(options.memories, options.history_rows), seed_seconds);
  for (const auto& [kind, tally] : report->source.kinds) {
    std::printf("  %-16s %lld\n", kind.c_str(), static_cast<long long>(tally.count));
  }
  std::printf("target: %s, parallelism %d\n", options.target.c_str(), options.parallelism);
  std::printf("records %lld\n", static_cast<long long>(report->records));
  std::printf("copy_s %.2f\n", report->copy_seconds);
  std::printf(
      "records_per_s %.0f\n",
      report->copy_seconds > 0 ? static_cast<double>(report->records) / report->copy_seconds : 0.0);
  if (target_setup->client) {
    std::printf(
        "requests_per_record %.2f (copy and verification)\n",
        static_cast<double>(requests) / static_cast<double>(std::max<int64_t>(1, report->records)));
  }
  std::printf("match %s\n", report->match() ? "true" : "false");
  return report->match() ? 0 : 1;
}

}  // namespace mem0::bench
