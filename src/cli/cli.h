// Shared pieces of the `mem0` command line: global options, output, and the
// registration functions of each command group.
#ifndef MEM0_SRC_CLI_CLI_H_
#define MEM0_SRC_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mem0/core/result.h"
#include "mem0/dynamodb/client.h"
#include "mem0/memory/config.h"
#include "mem0/memory/memory.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::cli {

struct GlobalOptions {
  std::string endpoint_url;
  std::string region;
  std::string profile;
  bool allow_insecure_http = false;  // plain http to a non-loopback endpoint
  std::string output = "json";       // json | text
  std::string engine = "sqlite";     // sqlite | dynamodb
  std::string db;                    // SQLite path; empty: ~/.mem0/mem0.db
  std::string conversation_table = "Mem0Conversations";
  std::string graph_table = "Mem0Graph";
  int ttl_days = 0;         // > 0 enables TTL on stored conversations
  std::string config_file;  // --config: a MemoryConfig file (YAML or JSON)
  const CLI::App* app = nullptr;

  // Whether the flag was given on the command line (it then overrides the
  // config file).
  bool Given(const char* flag) const { return app && app->count(flag) > 0; }
};

// The MemoryConfig the command runs with: --config FILE (or the defaults:
// SQLite at ~/.mem0/mem0.db) with the global flags that were given on top.
Result<memory::MemoryConfig> ResolveConfig(const GlobalOptions& options);
Result<std::unique_ptr<store::ConversationStore>> OpenConversationStore(
    const GlobalOptions& options);
Result<std::unique_ptr<store::GraphStore>> OpenGraphStore(const GlobalOptions& options);
Result<std::unique_ptr<memory::Memory>> OpenMemory(const GlobalOptions& options);

// A Memory together with the graph store it runs on (for the MCP tools
// that read the graph directly).
struct MemoryAndGraph {
  std::shared_ptr<memory::Memory> memory;
  std::shared_ptr<store::GraphStore> graph;
};
Result<MemoryAndGraph> OpenMemoryAndGraph(const GlobalOptions& options);
// The MCP user pin: `flag` when given, else $MEM0_USER_ID, else none.
std::string PinnedUser(const std::string& flag);

// What a command's action returns: the JSON document to print, or an error.
using CommandResult = Result<nlohmann::json>;

// Runs `action` at exit of parsing: prints its JSON (or text) and records
// the exit code in `exit_code`.
class Runner {
 public:
  explicit Runner(GlobalOptions& options) : options_(options) {}
  void Attach(CLI::App* command, std::function<CommandResult()> action,
              std::function<std::string(const nlohmann::json&)> text = nullptr);
  int exit_code() const { return exit_code_; }
  void Fail() { exit_code_ = 1; }
  GlobalOptions& options() { return options_; }

  // A DynamoDB client from the global options (created once).
  Result<dynamodb::Client*> Client();

 private:
  GlobalOptions& options_;
  int exit_code_ = 0;
  std::unique_ptr<dynamodb::Client> client_;
};

// `text` with control characters other than newline and tab (ANSI escapes,
// CR, ...) written as \xNN, so ids and stored text cannot drive a terminal.
std::string TerminalSafe(std::string_view text);

// Reads a JSON argument given inline or as @file (or "-" for stdin).
Result<std::string> ReadArgument(const std::string& value);

// What the CLI reads from a file or stdin ("-" or empty) is bounded.
inline constexpr std::size_t kMaxInputBytes = 16 * 1024 * 1024;
// The whole input; kInvalidArgument naming `what` when it cannot be read or
// is larger than kMaxInputBytes (reading stops there).
Result<std::string> ReadInput(const std::string& path, const std::string& what);

void AddDdbCommand(CLI::App& app, Runner& runner);
void AddConversationCommands(CLI::App& app, Runner& runner);
void AddDemoCommand(CLI::App& app, Runner& runner);
void AddGraphCommands(CLI::App& app, Runner& runner);
void AddMcpCommand(CLI::App& app, Runner& runner);
void AddMemoryCommands(CLI::App& app, Runner& runner);
void AddServeCommand(CLI::App& app, Runner& runner);
void AddTablesCommand(CLI::App& app, Runner& runner);
void AddTransferCommands(CLI::App& app, Runner& runner);

}  // namespace mem0::cli

#endif  // MEM0_SRC_CLI_CLI_H_
