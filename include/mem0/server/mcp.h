// McpHandler: a Model Context Protocol server over a Memory, independent of
// the transport. It speaks JSON-RPC 2.0 one message at a time: the stdio
// transport (`mem0 mcp`) feeds it one line of stdin per call and writes each
// reply as one line; an HTTP transport (streamable HTTP, POST /mcp) feeds it
// a request body and returns the reply as the response body (202 Accepted
// with no body when HandleMessage returns nullopt).
//
// Protocol: initialize (the client's protocolVersion when supported, else
// the newest supported), notifications/initialized, ping, tools/list and
// tools/call; JSON-RPC batches are refused (MCP removed them in 2025-06-18).
// Errors: -32700 parse error, -32600 invalid request (also for lines larger
// than kMaxMessageBytes or nested deeper than kMaxJsonDepth), -32601 unknown
// method, -32602 invalid params (and unknown tools). A tool's own failures
// (bad arguments, unknown or foreign memory ids, store errors) are results
// with isError: true, so the model sees them.
//
// Tools: add_memory, search_memories, list_memories, get_memory,
// update_memory, delete_memory, memory_history, related_memories. Each
// result carries mem0's JSON as text content and the same JSON object as
// structuredContent.
//
// Scoping: with McpOptions::pinned_user_id set, every tool works in that
// user's memories only: a `user_id` argument naming someone else is refused,
// and by-id tools refuse memories owned by another user. Without it, tools
// that need a scope take user_id / agent_id / run_id arguments.
//
// Thread-safety: HandleMessage may be called from several threads (the HTTP
// server does); the session state it keeps (initialized, protocol version)
// is guarded.
#ifndef MEM0_SERVER_MCP_H_
#define MEM0_SERVER_MCP_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mem0/memory/memory.h"
#include "mem0/store/graph_store.h"

namespace mem0::server {

inline constexpr std::size_t kMaxMessageBytes = 4 * 1024 * 1024;
inline constexpr int kMaxJsonDepth = 64;

// Newest first.
const std::vector<std::string>& SupportedProtocolVersions();

struct McpOptions {
  std::string pinned_user_id;  // empty: tools name the scope themselves
  std::string server_name = "mem0-cpp";
  std::string server_version = "0.1.0";
};

class McpHandler {
 public:
  // `memory` must outlive the handler. `graph` (optional; the store the
  // Memory uses) serves related_memories; without it that tool reports an
  // error.
  McpHandler(memory::Memory& memory, std::shared_ptr<store::GraphStore> graph, McpOptions options);
  ~McpHandler();
  McpHandler(const McpHandler&) = delete;
  McpHandler& operator=(const McpHandler&) = delete;

  // One JSON-RPC message in; the reply (one line of JSON, no newline) out,
  // or nullopt when the message was a notification or a response. Never
  // throws.
  std::optional<std::string> HandleMessage(const std::string& message);

  // The protocol version initialize agreed on (empty before initialize).
  std::string protocol_version() const;

  // One HTTP exchange of the streamable HTTP transport, for a server that
  // mounts the handler at /mcp (stateless: no Mcp-Session-Id, no SSE).
  //   POST: the body is one JSON-RPC message; a request gets 200 with the
  //         reply as application/json, a notification or response 202 with
  //         no body, a message that is not valid JSON-RPC 400 with the error.
  //   other methods: 405 (no server-initiated stream, no sessions to end).
  // Refused first: an Origin that is not a loopback origin and not in
  // `allowed_origins` (403; DNS rebinding), an MCP-Protocol-Version header we
  // do not support (400), a POST whose Accept admits neither
  // application/json nor */* (406), or whose Content-Type is not JSON (415).
  struct HttpRequest {
    std::string method;            // "POST", "GET", ...
    std::string origin;            // Origin header; empty when absent
    std::string accept;            // Accept header; empty when absent
    std::string content_type;      // Content-Type header; empty when absent
    std::string protocol_version;  // MCP-Protocol-Version header; empty when absent
    std::string body;
  };
  struct HttpResponse {
    int status = 200;
    std::string content_type;  // empty: no body
    std::string body;
    std::string allow;  // the Allow header of a 405
  };
  HttpResponse HandleHttp(const HttpRequest& request,
                          const std::vector<std::string>& allowed_origins = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mem0::server

#endif  // MEM0_SERVER_MCP_H_
