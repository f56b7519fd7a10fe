// `mem0 mcp`: a Model Context Protocol server on stdin/stdout (the stdio
// transport: one JSON-RPC message per line each way) over the configured
// Memory, for agents (Claude Desktop, VS Code, ...). Logs go to stderr only;
// it exits at the end of stdin.
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/cli.h"
#include "mem0/server/mcp.h"

namespace mem0::cli {
namespace {

// Reads one line of stdin (without the newline) into `line`, keeping at most
// `max_bytes` + 1 bytes of it (the rest is read and dropped, so an oversized
// line is seen as oversized). False at the end of input with nothing read.
bool ReadLine(std::FILE* in, std::string& line, std::size_t max_bytes) {
  line.clear();
  bool any = false;
  int c;
  while ((c = std::getc(in)) != EOF) {
    any = true;
    if (c == '\n') return true;
    if (line.size() <= max_bytes) line.push_back(static_cast<char>(c));
  }
  return any;
}

struct McpArgs {
  std::string user;
};

Result<int> ServeStdio(const GlobalOptions& options, const McpArgs& args) {
  MEM0_ASSIGN_OR_RETURN(auto opened, OpenMemoryAndGraph(options));
  server::McpOptions mcp_options;
  mcp_options.pinned_user_id = PinnedUser(args.user);
  server::McpHandler handler(*opened.memory, opened.graph, mcp_options);
  std::cerr << "mem0 mcp: serving on stdio"
            << (mcp_options.pinned_user_id.empty() ? std::string(" (no pinned user)")
                                                   : " for user " + mcp_options.pinned_user_id)
            << "\n";

  std::string line;
  while (ReadLine(stdin, line, server::kMaxMessageBytes)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::optional<std::string> reply = handler.HandleMessage(line);
    if (!reply) continue;
    reply->push_back('\n');
    if (std::fwrite(reply->data(), 1, reply->size(), stdout) != reply->size() ||
        std::fflush(stdout) != 0) {
      return MakeError(ErrorCode::kInternal, "cannot write to stdout");
    }
  }
  return 0;
}

}  // namespace

void AddMcpCommand(CLI::App& app, Runner& runner) {
  auto args = std::make_shared<McpArgs>();
  auto* mcp = app.add_subcommand(
      "mcp", "serve the memories to agents over MCP (stdio: JSON-RPC lines on stdin/stdout)");
  mcp->add_option("--user", args->user,
                  "pin every tool to this user (default: $MEM0_USER_ID; none: tools name the "
                  "user)");
  auto& options = runner.options();
  mcp->callback([args, &options, &runner] {
    try {
      auto served = ServeStdio(options, *args);
      if (!served.ok()) {
        std::cerr << "error: " << served.error().ToString() << "\n";
        runner.Fail();
      }
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      runner.Fail();
    }
  });
}

}  // namespace mem0::cli
