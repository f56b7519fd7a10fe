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

std::string TerminalSafe(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void Runner::Attach(CLI::App* command, std::function<CommandResult()> action,
                    std::function<std::string(const nlohmann::json&)> text) {
  command->callback([this, action = std::move(action), text = std::move(text)] {
    // Exceptions (e.g. from malformed JSON another tool stored) end here as
    // an error exit, never as std::terminate.
    try {
      CommandResult result = action();
      if (!result.ok()) {
        std::cerr << "error: " << TerminalSafe(result.error().ToString()) << "\n";
        exit_code_ = 1;
        return;
      }
      // JSON escapes control characters itself; text output is made safe.
      std::cout << (options_.output == "text" && text ? TerminalSafe(text(*result))
                                                      : result->dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "error: " << TerminalSafe(e.what()) << "\n";
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
    config.allow_insecure_http = options_.allow_insecure_http;
    MEM0_ASSIGN_OR_RETURN(client_, dynamodb::Client::Create(std::move(config)));
  }
  return client_.get();
}

Result<std::string> ReadInput(const std::string& path, const std::string& what) {
  std::string content;
  // Reads in slices and stops past the bound, so /dev/zero or a pipe that
  // never ends cannot make the CLI read forever.
  auto read = [&](std::istream& in) {
    char buffer[65536];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
      content.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (content.size() > kMaxInputBytes) return false;
    }
    return true;
  };
  bool within = true;
  if (path.empty() || path == "-") {
    within = read(std::cin);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kInvalidArgument, what + ": cannot read " + path);
    within = read(in);
  }
  if (!within) {
    return MakeError(ErrorCode::kInvalidArgument,
                     what + ": input is larger than " + std::to_string(kMaxInputBytes) + " bytes");
  }
  return content;
}

Result<std::string> ReadArgument(const std::string& value) {
  if (value == "-" || value == "@-") return ReadInput("-", "request body");
  if (!value.empty() && value[0] == '@') return ReadInput(value.substr(1), "request body");
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
  app.add_flag("--allow-insecure-http", options.allow_insecure_http,
               "allow a plain http endpoint that is not loopback (requests and credentials "
               "travel in cleartext)");
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
