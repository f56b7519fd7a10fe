// mem0's REST server on cpp-httplib: one catch-all handler per method routes
// by hand, so unknown routes are 404, known routes with another method 405,
// and every error (also httplib's own 413) is {"detail": ...} JSON. The
// page's files (src/server/page/, compiled in) are served from memory.
#include "mem0/server/server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "core/encoding.h"
#include "core/hash.h"
#include "core/url.h"
#include "server/graph_view.h"
#include "server/metrics.h"
#include "server/page_assets.h"

namespace mem0::server {
namespace {

using Json = nlohmann::json;

// Nesting deeper than this is refused before parsing.
constexpr int kMaxJsonDepth = 64;

struct Reply {
  int status = 200;
  std::string body;  // JSON text unless content_type says otherwise
  std::string content_type = "application/json";
  std::string allow;                                         // Allow header for 405
  std::vector<std::pair<std::string, std::string>> headers;  // more headers
};

Reply Detail(int status, const std::string& detail) {
  return {status, Json{{"detail", detail}}.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

Reply JsonReply(const Json& json) {
  return {200, json.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

// A client error whose message may be shown; anything else is a status only.
struct BadInput {
  std::string message;
};

Reply FromError(const Error& error, bool memory_route = false) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return Detail(400, error.message);
    case ErrorCode::kNotFound:
      return Detail(404, memory_route ? "Memory not found" : error.message);
    case ErrorCode::kConditionFailed:
    case ErrorCode::kAlreadyExists:
      return Detail(409, "conflicting concurrent change; retry");
    case ErrorCode::kThrottled:
    case ErrorCode::kNetworkError:
    case ErrorCode::kStorageError:
    case ErrorCode::kServiceError:
    case ErrorCode::kTimeout:
    case ErrorCode::kCredentialsError:
      return Detail(503, std::string("storage unavailable (") + ErrorCodeName(error.code) + ")");
    default:
      return Detail(500, "internal error");
  }
}

bool IsLoopback(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return IsLoopbackHost(host);
}

Json ParseBody(const std::string& body) {
  if (body.empty()) throw BadInput{"request body: expected a JSON object"};
  if (!JsonNestingWithin(body, kMaxJsonDepth)) throw BadInput{"request body: nested too deeply"};
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw BadInput{"request body: malformed JSON"};
  if (!parsed.is_object()) throw BadInput{"request body: expected a JSON object"};
  return parsed;
}

// Optional string field (null counts as absent).
std::string OptionalString(const Json& body, const char* field, std::size_t max_bytes) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) throw BadInput{std::string(field) + ": expected a string"};
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > max_bytes) {
    throw BadInput{std::string(field) + ": longer than " + std::to_string(max_bytes) + " bytes"};
  }
  return value;
}

std::string RequiredString(const Json& body, const char* field, std::size_t max_bytes) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) throw BadInput{std::string(field) + ": required"};
  return OptionalString(body, field, max_bytes);
}

// Optional object field, as JSON text ("" when absent).
std::string OptionalObject(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_object()) throw BadInput{std::string(field) + ": expected an object"};
  return it->dump(-1, ' ', false, Json::error_handler_t::replace);
}

memory::Scope BodyScope(const Json& body) {
  memory::Scope scope{OptionalString(body, "user_id", memory::kMaxScopeIdBytes),
                      OptionalString(body, "agent_id", memory::kMaxScopeIdBytes),
                      OptionalString(body, "run_id", memory::kMaxScopeIdBytes)};
  if (scope.empty()) throw BadInput{"one of user_id, agent_id, run_id is required"};
  return scope;
}

std::string QueryValue(const httplib::Request& request, const char* name) {
  auto it = request.params.find(name);
  return it == request.params.end() ? std::string() : it->second;
}

memory::Scope QueryScope(const httplib::Request& request) {
  memory::Scope scope{QueryValue(request, "user_id"), QueryValue(request, "agent_id"),
                      QueryValue(request, "run_id")};
  for (const auto* id : {&scope.user_id, &scope.agent_id, &scope.run_id}) {
    if (id->size() > memory::kMaxScopeIdBytes) throw BadInput{"scope id too long"};
  }
  if (scope.empty()) throw BadInput{"one of user_id, agent_id, run_id is required"};
  return scope;
}

int ParseLimit(std::string_view text, const char* field) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > memory::kMaxLimit) {
    throw BadInput{std::string(field) + ": expected an integer from 1 to " +
                   std::to_string(memory::kMaxLimit)};
  }
  return value;
}

std::vector<memory::Message> BodyMessages(const Json& body) {
  auto it = body.find("messages");
  if (it == body.end() || it->is_null()) throw BadInput{"messages: required"};
  if (!it->is_array()) throw BadInput{"messages: expected an array"};
  if (it->empty()) throw BadInput{"messages: expected at least one message"};
  if (it->size() > memory::kMaxMessages) {
    throw BadInput{"messages: more than " + std::to_string(memory::kMaxMessages)};
  }
  std::vector<memory::Message> messages;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& m = (*it)[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) throw BadInput{at + ": expected an object"};
    memory::Message message;
    try {
      message.role = RequiredString(m, "role", 64);
      message.content = RequiredString(m, "content", memory::kMaxMessageBytes);
      message.name = OptionalString(m, "name", memory::kMaxScopeIdBytes);
    } catch (const BadInput& bad) {
      throw BadInput{at + "." + bad.message};
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

// Route templates: the metrics labels and the OpenAPI paths.
struct Route {
  std::string name;  // "" when no route matched
  std::string id;    // {memory_id}
  std::vector<std::string> methods;
};

Route Match(const std::string& path) {
  if (FindPageAsset(path)) return {path, "", {"GET"}};
  if (path == "/health") return {"/health", "", {"GET"}};
  if (path == "/graph") return {"/graph", "", {"GET"}};
  if (path == "/metrics") return {"/metrics", "", {"GET"}};
  if (path == "/openapi.json") return {"/openapi.json", "", {"GET"}};
  if (path == "/search") return {"/search", "", {"POST"}};
  if (path == "/reset") return {"/reset", "", {"POST"}};
  if (path == "/mcp") return {"/mcp", "", {"POST", "GET", "DELETE"}};
  if (path == "/memories" || path == "/memories/") {
    return {"/memories", "", {"GET", "POST", "DELETE"}};
  }
  constexpr std::string_view kPrefix = "/memories/";
  if (path.size() > kPrefix.size() && path.compare(0, kPrefix.size(), kPrefix) == 0) {
    std::string rest = path.substr(kPrefix.size());
    constexpr std::string_view kHistory = "/history";
    if (rest.size() > kHistory.size() &&
        rest.compare(rest.size() - kHistory.size(), kHistory.size(), kHistory) == 0) {
      std::string id = rest.substr(0, rest.size() - kHistory.size());
      if (id.find('/') == std::string::npos) {
        return {"/memories/{memory_id}/history", id, {"GET"}};
      }
    } else if (rest.find('/') == std::string::npos) {
      return {"/memories/{memory_id}", rest, {"GET", "PUT", "DELETE"}};
    }
  }
  return {};
}

std::string MethodLabel(const std::string& method) {
  for (const char* known : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
    if (method == known) return method;
  }
  return "OTHER";
}

// Constant-time comparison of the digests of both keys.
bool SameKey(const std::string& given, const std::string& expected) {
  const std::string a = Sha256Hex(given), b = Sha256Hex(expected);
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// One of the page's files: revalidated on every load (ETag), under the
// page's Content-Security-Policy.
Reply PageReply(const PageAsset& asset, const httplib::Request& request) {
  Reply reply{200, std::string(asset.body), asset.content_type};
  if (request.get_header_value("If-None-Match") == asset.etag) {
    reply = {304, "", ""};
  }
  reply.headers = {{"ETag", asset.etag},
                   {"Cache-Control", "no-cache"},
                   {"Content-Security-Policy", kPageContentSecurityPolicy},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"},
                   {"X-Frame-Options", "DENY"}};
  return reply;
}

thread_local std::optional<std::chrono::steady_clock::time_point> request_start;

class HttpServer final : public Server {
 public:
  HttpServer(std::shared_ptr<memory::Memory> memory, ServerOptions options,
             std::shared_ptr<McpHandler> mcp, std::shared_ptr<store::GraphStore> graph)
      : memory_(std::move(memory)),
        options_(std::move(options)),
        mcp_(std::move(mcp)),
        graph_(std::move(graph)) {}
  ~HttpServer() override { Stop(); }

  Result<void> Start() override;
  int port() const override { return port_.load(); }
  void Stop() override;

 private:
  Reply Dispatch(const httplib::Request& request);
  Reply Handle(const Route& route, const httplib::Request& request);
  bool Authorized(const httplib::Request& request) const;

  std::shared_ptr<memory::Memory> memory_;
  ServerOptions options_;
  std::shared_ptr<McpHandler> mcp_;
  std::shared_ptr<store::GraphStore> graph_;  // may be null
  Metrics metrics_;
  std::unique_ptr<httplib::Server> http_;
  std::thread listener_;
  std::atomic<int> port_{0};
  std::mutex stop_mu_;
};

bool HttpServer::Authorized(const httplib::Request& request) const {
  if (options_.api_key.empty()) return true;
  if (request.has_header("X-API-Key")) {
    return SameKey(request.get_header_value("X-API-Key"), options_.api_key);
  }
  const std::string authorization = request.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      authorization.compare(0, kBearer.size(), kBearer) == 0) {
    return SameKey(authorization.substr(kBearer.size()), options_.api_key);
  }
  return false;
}

Reply HttpServer::Dispatch(const httplib::Request& request) {
  Route route = Match(request.path);
  // The page's files carry no data: they load without a key, and the page
  // asks for one when the API answers 401.
  const bool open_route = route.name == "/health" || FindPageAsset(route.name) != nullptr;
  if (!open_route && !Authorized(request)) {
    return Detail(401, "missing or invalid API key");
  }
  if (route.name.empty()) return Detail(404, "Not Found");
  std::string method = request.method == "HEAD" ? "GET" : request.method;
  if (std::find(route.methods.begin(), route.methods.end(), method) == route.methods.end()) {
    Reply reply = Detail(405, "Method Not Allowed");
    for (const auto& m : route.methods) reply.allow += (reply.allow.empty() ? "" : ", ") + m;
    return reply;
  }
  try {
    return Handle(route, request);
  } catch (const BadInput& bad) {
    return Detail(400, bad.message);
  }
}

Reply HttpServer::Handle(const Route& route, const httplib::Request& request) {
  const std::string& method = request.method;
  const bool memory_route = !route.id.empty();
  if (memory_route && route.id.size() > 1024) return Detail(404, "Memory not found");

  if (route.name == "/health") return JsonReply({{"status", "ok"}});
  if (const PageAsset* asset = FindPageAsset(route.name)) return PageReply(*asset, request);
  if (route.name == "/graph") {
    memory::Scope scope = QueryScope(request);
    int limit = kDefaultGraphMemories;
    if (request.has_param("limit")) {
      limit = ParseLimit(QueryValue(request, "limit"), "limit");
      if (limit > kMaxGraphMemories) {
        throw BadInput{"limit: expected an integer from 1 to " + std::to_string(kMaxGraphMemories)};
      }
    }
    auto graph = GraphJson(*memory_, graph_.get(), scope, limit);
    if (!graph.ok()) return FromError(graph.error());
    Reply reply{200, std::move(*graph)};
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
  }
  if (route.name == "/metrics") {
    return {200, metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8"};
  }
  if (route.name == "/openapi.json") return {200, OpenApiJson()};
  if (route.name == "/mcp") {
    if (!mcp_) return Detail(404, "MCP is not served here");
    McpHandler::HttpRequest exchange{method,
                                     request.get_header_value("Origin"),
                                     request.get_header_value("Accept"),
                                     request.get_header_value("Content-Type"),
                                     request.get_header_value("MCP-Protocol-Version"),
                                     request.body};
    McpHandler::HttpResponse answer = mcp_->HandleHttp(exchange);
    return {answer.status, answer.body, answer.content_type, answer.allow};
  }

  if (route.name == "/memories" && method == "POST") {
    Json body = ParseBody(request.body);
    memory::AddOptions options;
    auto messages = BodyMessages(body);
    options.scope = BodyScope(body);
    std::string metadata = OptionalObject(body, "metadata");
    if (!metadata.empty()) options.metadata_json = metadata;
    if (auto it = body.find("infer"); it != body.end() && !it->is_null()) {
      if (!it->is_boolean()) throw BadInput{"infer: expected a boolean"};
      options.infer = it->get<bool>();
    }
    auto added = memory_->Add(messages, options);
    if (!added.ok()) return FromError(added.error());
    return {200, memory::ToJson(*added)};
  }
  if (route.name == "/memories" && method == "DELETE") {
    auto deleted = memory_->DeleteAll(QueryScope(request));
    if (!deleted.ok()) return FromError(deleted.error());
    return JsonReply({{"message", "All relevant memories deleted"}, {"deleted", *deleted}});
  }
  if (route.name == "/memories") {  // GET
    memory::ListOptions options;
    options.scope = QueryScope(request);
    if (request.has_param("limit"))
      options.limit = ParseLimit(QueryValue(request, "limit"), "limit");
    options.page_token = QueryValue(request, "next_token");
    if (options.page_token.size() > memory::kMaxPageTokenBytes) {
      throw BadInput{"next_token: too long"};
    }
    auto page = memory_->GetAll(options);
    if (!page.ok()) return FromError(page.error());
    return {200, memory::ToJson(*page)};
  }
  if (route.name == "/memories/{memory_id}" && method == "PUT") {
    Json body = ParseBody(request.body);
    std::string text = RequiredString(body, "text", memory::kMaxMemoryBytes);
    std::optional<std::string> metadata;
    if (std::string given = OptionalObject(body, "metadata"); !given.empty()) metadata = given;
    auto updated = memory_->Update(route.id, text, metadata);
    if (!updated.ok()) return FromError(updated.error(), true);
    Json item = Json::parse(memory::ToJson(*updated), nullptr, false);
    return JsonReply({{"message", "Memory updated successfully!"}, {"result", item}});
  }
  if (route.name == "/memories/{memory_id}" && method == "DELETE") {
    auto deleted = memory_->Delete(route.id);
    if (!deleted.ok()) return FromError(deleted.error(), true);
    return JsonReply({{"message", "Memory deleted successfully"}});
  }
  if (route.name == "/memories/{memory_id}") {  // GET
    auto item = memory_->Get(route.id);
    if (!item.ok()) return FromError(item.error(), true);
    if (!*item) return Detail(404, "Memory not found");
    return {200, memory::ToJson(**item)};
  }
  if (route.name == "/memories/{memory_id}/history") {
    auto rows = memory_->History(route.id);
    if (!rows.ok()) return FromError(rows.error(), true);
    return {200, memory::ToJson(*rows)};
  }
  if (route.name == "/search") {
    Json body = ParseBody(request.body);
    std::string query = RequiredString(body, "query", memory::kMaxMessageBytes);
    memory::SearchOptions options;
    options.scope = BodyScope(body);
    options.filters_json = OptionalObject(body, "filters");
    if (auto it = body.find("limit"); it != body.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
          it->get<int64_t>() > memory::kMaxLimit) {
        throw BadInput{"limit: expected an integer from 1 to " + std::to_string(memory::kMaxLimit)};
      }
      options.limit = it->get<int>();
    }
    if (auto it = body.find("threshold"); it != body.end() && !it->is_null()) {
      if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
        throw BadInput{"threshold: expected a number from 0 to 1"};
      }
      options.threshold = it->get<double>();
    }
    auto found = memory_->Search(query, options);
    if (!found.ok()) return FromError(found.error());
    return {200, memory::ToJson(*found)};
  }
  if (route.name == "/reset") {
    auto reset = memory_->Reset();
    if (!reset.ok()) return FromError(reset.error());
    return JsonReply({{"message", "Reset all memories"}});
  }
  return Detail(404, "Not Found");
}

Result<void> HttpServer::Start() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (http_) return MakeError(ErrorCode::kInvalidArgument, "server already started");
  http_ = std::make_unique<httplib::Server>();
  int threads = options_.threads;
  if (threads <= 0) {
    // cpp-httplib holds a worker for as long as a keep-alive connection is
    // open, so the pool is sized for connections, not only for cores: idle
    // workers cost a parked thread each.
    threads = static_cast<int>(std::max(64u, std::thread::hardware_concurrency() * 8));
  }
  http_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_read_timeout(options_.read_timeout_seconds, 0);
  http_->set_write_timeout(options_.write_timeout_seconds, 0);
  http_->set_keep_alive_timeout(5);
  http_->set_keep_alive_max_count(1000);
  // Replies go out as headers then body; without this, Nagle's algorithm
  // and the client's delayed ACK add 40 ms to every small reply.
  http_->set_tcp_nodelay(true);

  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    Reply reply;
    try {
      reply = Dispatch(request);
    } catch (...) {
      reply = Detail(500, "internal error");
    }
    response.status = reply.status;
    if (!reply.allow.empty()) response.set_header("Allow", reply.allow);
    for (const auto& [name, value] : reply.headers) response.set_header(name, value);
    if (!reply.content_type.empty()) response.set_content(reply.body, reply.content_type.c_str());
  };
  const std::string any = ".*";
  http_->Get(any, handler);
  http_->Post(any, handler);
  http_->Put(any, handler);
  http_->Delete(any, handler);
  http_->Patch(any, handler);
  http_->Options(any, handler);

  http_->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own errors (413 payload too large, 400 unparsable request,
  // unsupported methods) get a {"detail"} body too.
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string detail = response.status == 413   ? "request body larger than the limit"
                             : response.status == 404 ? "Not Found"
                             : response.status == 405 ? "Method Not Allowed"
                                                      : "bad request";
        response.set_content(Json{{"detail", detail}}.dump(), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }));
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
        response.status = 500;
        response.set_content(R"({"detail":"internal error"})", "application/json");
      });
  http_->set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    double seconds = 0;
    if (request_start) {
      seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - *request_start).count();
      request_start.reset();
    }
    Route route = Match(request.path);
    metrics_.Record(route.name.empty() ? "unmatched" : route.name, MethodLabel(request.method),
                    response.status, seconds);
  });

  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port <= 0) {
      http_.reset();
      return MakeError(ErrorCode::kNetworkError, "cannot bind " + options_.host);
    }
  } else if (!http_->bind_to_port(options_.host, port)) {
    http_.reset();
    return MakeError(ErrorCode::kNetworkError,
                     "cannot bind " + options_.host + ":" + std::to_string(port));
  }
  port_ = port;
  listener_ = std::thread([server = http_.get()] { server->listen_after_bind(); });
  return {};
}

void HttpServer::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (!http_) return;
  http_->stop();
  if (listener_.joinable()) listener_.join();
  http_.reset();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(std::shared_ptr<memory::Memory> memory,
                                               ServerOptions options,
                                               std::shared_ptr<McpHandler> mcp,
                                               std::shared_ptr<store::GraphStore> graph) {
  if (!memory) return MakeError(ErrorCode::kInvalidArgument, "server: no memory");
  if (options.port < 0 || options.port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "port: expected 0 to 65535");
  }
  if (options.threads < 0 || options.threads > 1024) {
    return MakeError(ErrorCode::kInvalidArgument, "threads: expected 0 to 1024");
  }
  if (options.max_body_bytes == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_body_bytes: expected more than 0");
  }
  if (options.host.empty()) return MakeError(ErrorCode::kInvalidArgument, "host: required");
  if (options.api_key.empty() && !IsLoopback(options.host) && !options.allow_remote_without_key) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "refusing to serve on non-loopback host " + options.host +
                         " without an API key (set one, or pass --allow-remote-without-key)");
  }
  return std::unique_ptr<Server>(
      new HttpServer(std::move(memory), std::move(options), std::move(mcp), std::move(graph)));
}

}  // namespace mem0::server
