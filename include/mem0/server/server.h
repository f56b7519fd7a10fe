// mem0's REST server (the v1 routes of mem0's FastAPI server) over a
// Memory: POST/GET/DELETE /memories, GET/PUT/DELETE /memories/{id},
// GET /memories/{id}/history, POST /search, POST /reset, GET /health,
// GET /metrics (Prometheus text) and GET /openapi.json. Bodies and replies are
// mem0's JSON; errors are {"detail": "..."} with 400 / 401 / 404 / 405 / 413
// for what a client sent and 503 / 500 for storage and internal failures.
//
// Beyond mem0's routes:
//  - GET /graph?user_id=U (or agent_id / run_id; limit 1..1000, default 200
//    memories, oldest first): the scope's memory graph, read-only,
//    {"nodes": [{"id", "kind": "memory"|"entity", "label", ...}],
//     "edges": [{"id", "source", "target", "kind": "mentions"|"relation",
//     "label"}], "truncated": bool}. Entities and their links need the
//    graph store (Create's `graph`); without it only memories are listed.
//  - GET / (also /?user_id=U), /page.js, /page.css, /favicon.svg: a page
//    that lists, searches and draws a scope's memories through the routes
//    above (src/server/page/, compiled in). These files need no API key
//    (they hold no data; the page asks for the key when the API answers
//    401) and are served with a strict Content-Security-Policy (same
//    origin only, no inline script or style), ETag and Cache-Control:
//    no-cache.
//
// Thread-safety: Start/Stop/port may be called from any thread; requests
// are served by a worker pool sharing the Memory (which is thread-safe).
#ifndef MEM0_SERVER_SERVER_H_
#define MEM0_SERVER_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "mem0/core/result.h"
#include "mem0/memory/memory.h"
#include "mem0/server/mcp.h"
#include "mem0/store/graph_store.h"

namespace mem0::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port (see Server::port())
  // Required in X-API-Key or "Authorization: Bearer" on every route but
  // /health when set. Never logged or echoed.
  std::string api_key;
  // Workers; each holds one keep-alive connection while it is open.
  // 0: 8 per core, at least 64.
  int threads = 0;
  std::size_t max_body_bytes = 1024 * 1024;
  // Without an API key only loopback hosts are served unless this is set.
  bool allow_remote_without_key = false;
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
};

class Server {
 public:
  // Checks the options (kInvalidArgument: bad port, non-loopback host
  // without a key, ...). Nothing is bound yet.
  // `mcp` (optional) answers POST /mcp, MCP's streamable HTTP transport.
  // `graph` (optional; the graph store the Memory uses) lets GET /graph
  // draw the entities memories mention and their relations.
  static Result<std::unique_ptr<Server>> Create(std::shared_ptr<memory::Memory> memory,
                                                ServerOptions options,
                                                std::shared_ptr<McpHandler> mcp = nullptr,
                                                std::shared_ptr<store::GraphStore> graph = nullptr);
  virtual ~Server() = default;

  // Binds and starts serving on a background thread; returns once the
  // socket listens. kInvalidArgument / kNetworkError when it cannot bind.
  virtual Result<void> Start() = 0;
  // The bound port (the real one for port 0); 0 before Start.
  virtual int port() const = 0;
  // Stops accepting, lets in-flight requests finish, joins the workers.
  // Idempotent; also run by the destructor. Not async-signal-safe: call it
  // from a thread (e.g. after sigwait), not from a signal handler.
  virtual void Stop() = 0;
};

// The OpenAPI 3.1 document of the routes above (JSON text).
std::string OpenApiJson();

}  // namespace mem0::server

#endif  // MEM0_SERVER_SERVER_H_
