// `mem0 serve`: mem0's REST server (and MCP's streamable HTTP transport on
// /mcp) over the configured Memory, until SIGTERM or SIGINT (then in-flight
// requests finish and it exits 0).
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "cli/cli.h"
#include "mem0/server/server.h"

namespace mem0::cli {

void AddServeCommand(CLI::App& app, Runner& runner) {
  auto options = std::make_shared<server::ServerOptions>();
  auto* serve = app.add_subcommand(
      "serve", "serve mem0's REST API (POST /memories, /search, ...; GET /openapi.json)");
  serve->add_option("--host", options->host, "address to listen on (default 127.0.0.1)");
  serve->add_option("--port", options->port, "port (default 8000; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--api-key", options->api_key,
                    "require this key in X-API-Key or Authorization: Bearer (default: "
                    "$MEM0_API_KEY)");
  serve
      ->add_option("--threads", options->threads,
                   "worker threads, one per open connection (0: 8 per core, at least 64)")
      ->check(CLI::Range(0, 1024));
  serve->add_flag("--allow-remote-without-key", options->allow_remote_without_key,
                  "serve a non-loopback host without an API key");
  auto mcp_user = std::make_shared<std::string>();
  serve->add_option("--mcp-user", *mcp_user,
                    "pin the MCP tools on /mcp to this user (default: $MEM0_USER_ID)");
  serve->callback([options, mcp_user, &runner] {
    // Block the stop signals before any thread starts, so every thread
    // inherits the mask and sigwait below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    auto fail = [&runner](const Error& error) {
      std::cerr << "error: " << error.ToString() << "\n";
      runner.Fail();
    };
    try {
      if (options->api_key.empty()) {
        if (const char* key = std::getenv("MEM0_API_KEY"); key && *key) options->api_key = key;
      }
      // The MCP tools on /mcp see the same stores as the REST routes.
      auto opened = OpenMemoryAndGraph(runner.options());
      if (!opened.ok()) return fail(opened.error());
      server::McpOptions mcp_options;
      mcp_options.pinned_user_id = PinnedUser(*mcp_user);
      auto mcp = std::make_shared<server::McpHandler>(*opened->memory, opened->graph, mcp_options);
      auto created = server::Server::Create(opened->memory, *options, mcp, opened->graph);
      if (!created.ok()) return fail(created.error());
      auto& http = **created;
      if (auto started = http.Start(); !started.ok()) return fail(started.error());
      std::string host =
          options->host.find(':') != std::string::npos && options->host.front() != '['
              ? "[" + options->host + "]"
              : options->host;
      std::cerr << "mem0 serve: listening on http://" << host << ":" << http.port() << std::endl;
      int received = 0;
      sigwait(&stop_signals, &received);
      std::cerr << "mem0 serve: stopping" << std::endl;
      http.Stop();
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      runner.Fail();
    }
  });
}

}  // namespace mem0::cli
