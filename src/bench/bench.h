// mem0-bench: benchmark modes and their shared helpers.
#ifndef MEM0_SRC_BENCH_BENCH_H_
#define MEM0_SRC_BENCH_BENCH_H_

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "mem0/core/result.h"
#include "mem0/dynamodb/client.h"
#include "mem0/memory/memory.h"

namespace mem0::bench {

struct ClientBenchOptions {
  std::string endpoint_url;
  std::string region;
  std::string table;
  double seconds = 10;
  int item_bytes = 1024;
  bool compare = true;  // also measure the raw-sender and boto3 baselines
};
int RunClientBench(const ClientBenchOptions& options);

struct StoreBenchOptions {
  std::string engine = "sqlite";  // conversation bench: sqlite | dynamodb
  std::string endpoint_url;
  std::string region;
  std::string conversation_table = "Mem0BenchConversations";
  std::string graph_table = "Mem0BenchGraph";
  double seconds = 8;
  int history_rows = 200000;  // get_history is measured at 20,000 and this many rows
};
int RunConversationBench(const StoreBenchOptions& options);
int RunGraphBench(const StoreBenchOptions& options);

struct SignBenchOptions {
  int iterations = 20000;
  int body_bytes = 1024;  // a PutItem of about 1 KB
};
// Prints sign_us_per_kb (key cache warm, as the client signs) and
// sign_us_per_kb_uncached.
int RunSignBench(const SignBenchOptions& options);

// Prints the lexical search index's build cost and query p50/p99 at 1,000
// and 10,000 memories (no server).
int RunSearchBench();

// Synthetic conversational memories (~15 words, names, dates, a Zipf-ish
// vocabulary) and questions about them, deterministic for a seeded rng.
std::string SyntheticMemory(std::mt19937& rng);
std::string SyntheticQuery(std::mt19937& rng);

// Fresh stores for one run (a temporary SQLite file or two DynamoDB tables
// named for the run), removed when this is destroyed.
struct MemoryBenchStores {
  static Result<MemoryBenchStores> Create(const std::string& engine,
                                          const std::string& endpoint_url,
                                          const std::string& region);
  MemoryBenchStores() = default;
  MemoryBenchStores(MemoryBenchStores&& other) noexcept
      : config(std::move(other.config)),
        client(std::move(other.client)),
        db_path(std::move(other.db_path)) {
    other.db_path.clear();
  }
  MemoryBenchStores& operator=(MemoryBenchStores&&) = delete;
  ~MemoryBenchStores();

  memory::MemoryConfig config;
  std::shared_ptr<dynamodb::Client> client;  // DynamoDB only: counts requests
  std::string db_path;                       // SQLite only
};

struct MemoryBenchOptions {
  std::string engine = "sqlite";  // sqlite | dynamodb
  std::string endpoint_url;
  std::string region;
  int memories = 1000;  // in one scope
  int threads = 4;      // concurrent adds
  int queries = 300;
};
// Prints add_ops_per_s (infer off), search_p50_ms, search_p99_ms,
// get_all_ops_per_s and, on DynamoDB, search_requests (warm) and
// search_requests_cold.
int RunMemoryBench(const MemoryBenchOptions& options);

struct ServeBenchOptions {
  std::string engine = "sqlite";  // the in-process server's stores
  std::string endpoint_url;       // DynamoDB
  std::string region;
  std::vector<std::string> urls;  // running servers instead of an in-process one
  std::string api_key;
  std::vector<int> connections = {1, 8, 32};
  double seconds = 5;  // per phase
  int users = 8;       // scopes the adds are spread over
};
// Per connection count: add_cN_*, search_cN_*, get_cN_* (rps, p50_ms,
// p99_ms, errors); then acked_adds, missing and duplicates. Exit 1 when a
// request failed or an acknowledged memory is missing or listed twice.
int RunServeBench(const ServeBenchOptions& options);

struct MigrateBenchOptions {
  std::string target = "sqlite";  // sqlite | dynamodb
  std::string endpoint_url;
  std::string region;
  int memories = 10000;
  int history_rows = 100000;  // including each memory's ADD row
  int parallelism = 8;
};
// Prints the seeded counts, then records, copy_s, records_per_s,
// requests_per_record (DynamoDB) and match; exit 1 when it did not match.
int RunMigrateBench(const MigrateBenchOptions& options);

// Prints the error to stderr and returns the exit code 1.
int Fail(const Error& error);

// Runs python with `script` (args, stdin) and parses the last stdout line
// as a number.
Result<double> RunPythonForNumber(const std::string& python, const std::string& script,
                                  const std::vector<std::string>& args, const std::string& input);

}  // namespace mem0::bench

#endif  // MEM0_SRC_BENCH_BENCH_H_
