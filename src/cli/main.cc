// mem0: command line for mem0-cpp's memories (mem0's add/search/list/...),
// its conversation and graph stores, table provisioning, and raw DynamoDB
// calls.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/cli.h"

namespace mem0::cli {

void Runner::Attach(CLI::App* command, std::function<CommandResult()> action,
                    std::function<std::string(const nlohmann::json&)> text) {
  command->callback([this, action = std::move(action), text = std::move(text)] {
    // Exceptions (e.g. from malformed JSON another tool stored) end here as
    // an error exit, never as std::terminate.
    try {
      CommandResult result = action();
      if (!result.ok()) {
        std::cerr << "error: " << result.error().ToString() << "\n";
        exit_code_ = 1;
        return;
      }
      std::cout << (options_.output == "text" && text ? text(*result) : result->dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code_ = 1;
    }
  });
}

Result<dynamodb::Client*> Runner::Client() {
  if (!client_) {
    dynamodb::ClientConfig config;
    config.endpoint_url = options_.endpoint_url;
    config.region = options_.region;
    config.profile = options_.profile;
    MEM0_ASSIGN_OR_RETURN(client_, dynamodb::Client::Create(std::move(config)));
  }
  return client_.get();
}

Result<std::string> ReadArgument(const std::string& value) {
  if (value == "-" || value == "@-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  if (!value.empty() && value[0] == '@') {
    std::ifstream in(value.substr(1), std::ios::binary);
    if (!in) return MakeError(ErrorCode::kInvalidArgument, "cannot read " + value.substr(1));
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  return value;
}

}  // namespace mem0::cli

int main(int argc, char** argv) {
  using mem0::cli::GlobalOptions;
  GlobalOptions options;
  CLI::App app{"mem0: agent memory (conversations, history, graph) on SQLite or DynamoDB"};
  app.require_subcommand(1);
  options.app = &app;
  app.add_option("--config", options.config_file,
                 "mem0 config file, YAML or JSON (stores, llm, embedder, search); flags given "
                 "here override it");
  app.add_option("--endpoint-url", options.endpoint_url, "DynamoDB endpoint (e.g. DynamoDB Local)");
  app.add_option("--region", options.region, "AWS region");
  app.add_option("--profile", options.profile, "AWS shared-config profile");
  app.add_option("--output", options.output, "json or text")
      ->check(CLI::IsMember({"json", "text"}));
  app.add_option("--engine", options.engine, "storage engine: sqlite (default) or dynamodb")
      ->check(CLI::IsMember({"sqlite", "dynamodb"}));
  app.add_option("--db", options.db, "SQLite database path (default ~/.mem0/mem0.db)");
  app.add_option("--conversation-table", options.conversation_table, "DynamoDB conversation table");
  app.add_option("--graph-table", options.graph_table, "DynamoDB graph table");
  app.add_option("--ttl-days", options.ttl_days, "expire conversations after N days (0: never)")
      ->check(CLI::NonNegativeNumber);

  mem0::cli::Runner runner(options);
  mem0::cli::AddDemoCommand(app, runner);
  mem0::cli::AddMemoryCommands(app, runner);
  mem0::cli::AddConversationCommands(app, runner);
  mem0::cli::AddGraphCommands(app, runner);
  mem0::cli::AddMcpCommand(app, runner);
  mem0::cli::AddDdbCommand(app, runner);
  mem0::cli::AddTablesCommand(app, runner);
  mem0::cli::AddServeCommand(app, runner);
  mem0::cli::AddTransferCommands(app, runner);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return runner.exit_code();
}
