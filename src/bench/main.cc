// mem0-bench: prints benchmark figures as "name value" lines.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bench/bench.h"

namespace mem0::bench {

int Fail(const Error& error) {
  std::cerr << "error: " << error.ToString() << "\n";
  return 1;
}

Result<double> RunPythonForNumber(const std::string& python, const std::string& script,
                                  const std::vector<std::string>& args, const std::string& input) {
  char script_path[] = "/tmp/mem0-bench-XXXXXX.py";
  int fd = mkstemps(script_path, 3);
  if (fd < 0) return MakeError(ErrorCode::kStorageError, "mkstemps failed");
  bool written = write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
  close(fd);
  char input_path[] = "/tmp/mem0-bench-in-XXXXXX";
  int in_fd = mkstemp(input_path);
  written = written && in_fd >= 0 &&
            write(in_fd, input.data(), input.size()) == static_cast<ssize_t>(input.size());
  if (in_fd >= 0) close(in_fd);
  if (!written) return MakeError(ErrorCode::kStorageError, "cannot write temporary files");
  std::string command = python + " " + script_path;
  for (const auto& arg : args) command += " '" + arg + "'";
  command += std::string(" < ") + input_path;
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  if (pipe) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  }
  int status = pipe ? pclose(pipe) : -1;
  unlink(script_path);
  unlink(input_path);
  if (status != 0 || out.empty()) {
    return MakeError(ErrorCode::kInternal,
                     python + " failed (exit " + std::to_string(status) + ")");
  }
  return std::stod(out.substr(out.find_last_of('\n', out.size() - 2) + 1));
}

}  // namespace mem0::bench

int main(int argc, char** argv) {
  CLI::App app{"mem0-bench: mem0-cpp benchmarks"};
  app.require_subcommand(1);

  mem0::bench::ClientBenchOptions client_options;
  auto* client =
      app.add_subcommand("client", "PutItem/GetItem loops on a conversation-keyed table");
  client->add_option("--endpoint-url", client_options.endpoint_url)->required();
  client->add_option("--region", client_options.region);
  client->add_option("--table", client_options.table)->required();
  client->add_option("--seconds", client_options.seconds)->check(CLI::PositiveNumber);
  client->add_option("--item-bytes", client_options.item_bytes)->check(CLI::PositiveNumber);
  client->add_flag("!--no-compare", client_options.compare,
                   "skip the raw-sender and boto3 baselines");

  mem0::bench::StoreBenchOptions store_options;
  auto* conversation = app.add_subcommand(
      "conversation", "conversation store ops/s and requests per op; SQLite history figures");
  conversation->add_option("--engine", store_options.engine)
      ->check(CLI::IsMember({"sqlite", "dynamodb"}));
  conversation->add_option("--endpoint-url", store_options.endpoint_url);
  conversation->add_option("--region", store_options.region);
  conversation->add_option("--table", store_options.conversation_table);
  conversation->add_option("--seconds", store_options.seconds)->check(CLI::PositiveNumber);
  conversation->add_option("--history-rows", store_options.history_rows)
      ->check(CLI::Range(20000, 10000000));
  auto* graph = app.add_subcommand("graph", "graph store requests per op and ops/s (DynamoDB)");
  graph->add_option("--endpoint-url", store_options.endpoint_url)->required();
  graph->add_option("--region", store_options.region);
  graph->add_option("--table", store_options.graph_table);
  graph->add_option("--seconds", store_options.seconds)->check(CLI::PositiveNumber);

  mem0::bench::SignBenchOptions sign_options;
  auto* sign = app.add_subcommand("sign", "SigV4 signing cost per request (no server)");
  sign->add_option("--iterations", sign_options.iterations)->check(CLI::PositiveNumber);
  sign->add_option("--body-bytes", sign_options.body_bytes)->check(CLI::NonNegativeNumber);

  auto* search = app.add_subcommand("search", "memory search index: build cost, query p50/p99");

  mem0::bench::MemoryBenchOptions memory_options;
  auto* memory = app.add_subcommand(
      "memory", "Memory API: adds/s, search p50/p99 and requests, get_all pages/s");
  memory->add_option("--engine", memory_options.engine)
      ->check(CLI::IsMember({"sqlite", "dynamodb"}));
  memory->add_option("--endpoint-url", memory_options.endpoint_url, "DynamoDB endpoint");
  memory->add_option("--region", memory_options.region);
  memory->add_option("--memories", memory_options.memories, "memories in the scope (default 1000)")
      ->check(CLI::Range(1, 1000000));
  memory->add_option("--threads", memory_options.threads, "concurrent adds (default 4)")
      ->check(CLI::Range(1, 64));
  memory->add_option("--queries", memory_options.queries, "warm searches timed (default 300)")
      ->check(CLI::Range(1, 1000000));

  mem0::bench::ServeBenchOptions serve_options;
  auto* serve = app.add_subcommand(
      "serve", "REST load over loopback: add/search/get requests/s and p50/p99 per connections");
  serve->add_option("--engine", serve_options.engine)->check(CLI::IsMember({"sqlite", "dynamodb"}));
  serve->add_option("--endpoint-url", serve_options.endpoint_url, "DynamoDB endpoint");
  serve->add_option("--region", serve_options.region);
  serve->add_option("--url", serve_options.urls, "running server(s) to load instead")
      ->delimiter(',');
  serve->add_option("--api-key", serve_options.api_key);
  serve->add_option("--connections", serve_options.connections, "default 1,8,32")
      ->delimiter(',')
      ->check(CLI::Range(1, 256));
  serve->add_option("--seconds", serve_options.seconds, "per phase (default 5)")
      ->check(CLI::Range(0.1, 600.0));
  serve->add_option("--users", serve_options.users, "scopes (default 8)")
      ->check(CLI::Range(1, 1000));

  mem0::bench::MigrateBenchOptions migrate_options;
  auto* migrate = app.add_subcommand(
      "migrate", "memory::Migrate from a seeded SQLite store: records/s and requests per record");
  migrate->add_option("--to", migrate_options.target, "sqlite (default) or dynamodb")
      ->check(CLI::IsMember({"sqlite", "dynamodb"}));
  migrate->add_option("--endpoint-url", migrate_options.endpoint_url, "DynamoDB endpoint");
  migrate->add_option("--region", migrate_options.region);
  migrate->add_option("--memories", migrate_options.memories, "default 10000")
      ->check(CLI::Range(1, 10000000));
  migrate
      ->add_option("--history-rows", migrate_options.history_rows,
                   "history rows in all, each memory's ADD included (default 100000)")
      ->check(CLI::Range(0, 100000000));
  migrate->add_option("--parallelism", migrate_options.parallelism, "writes in flight (default 8)")
      ->check(CLI::Range(1, 64));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (client->parsed()) return mem0::bench::RunClientBench(client_options);
  if (conversation->parsed()) return mem0::bench::RunConversationBench(store_options);
  if (graph->parsed()) return mem0::bench::RunGraphBench(store_options);
  if (sign->parsed()) return mem0::bench::RunSignBench(sign_options);
  if (search->parsed()) return mem0::bench::RunSearchBench();
  if (serve->parsed()) {
    if (serve_options.urls.empty() && serve_options.engine == "dynamodb" &&
        serve_options.endpoint_url.empty()) {
      std::cerr
          << "serve --engine dynamodb needs --endpoint-url (tables are created and deleted)\n";
      return 2;
    }
    return mem0::bench::RunServeBench(serve_options);
  }
  if (migrate->parsed()) {
    if (migrate_options.target == "dynamodb" && migrate_options.endpoint_url.empty()) {
      std::cerr << "migrate --to dynamodb needs --endpoint-url (tables are created and deleted)\n";
      return 2;
    }
    return mem0::bench::RunMigrateBench(migrate_options);
  }
  if (memory->parsed()) {
    if (memory_options.engine == "dynamodb" && memory_options.endpoint_url.empty()) {
      std::cerr
          << "memory --engine dynamodb needs --endpoint-url (tables are created and deleted)\n";
      return 2;
    }
    return mem0::bench::RunMemoryBench(memory_options);
  }
  return 2;
}
