// mem0's REST server (the v1 routes of mem0's FastAPI server) over a
// Memory: POST/GET/DELETE /memories, GET/PUT/DELETE /memories/{id},
// GET /memories/{id}/history, POST /search, POST /reset, GET /health,
// GET /metrics (Prometheus text) and GET /openapi.json. Bodies and replies are
// mem0's JSON; errors are {"detail": "..."} with 400 / 401 / 404 / 405 / 413
// for what a client sent and 503 / 500 for storage and internal failures.
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

namespace mem0::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port (see Server::port())
  // Required in X-API-Key or "Authorization: Bearer" on every route but
  // /health when set. Never logged or echoed.
  std::string api_key;
  int threads = 0;  // workers; 0: twice the hardware concurrency (at least 4)
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
  static Result<std::unique_ptr<Server>> Create(std::shared_ptr<memory::Memory> memory,
                                                ServerOptions options,
                                                std::shared_ptr<McpHandler> mcp = nullptr);
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
