// The MCP handler: JSON-RPC framing and checks, the lifecycle, and the
// memory tools (see include/mem0/server/mcp.h).
#include "mem0/server/mcp.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/encoding.h"
#include "memory/memory_records.h"

namespace mem0::server {
namespace {

using Json = nlohmann::json;

constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;

constexpr int kDefaultRelatedLimit = 20;
constexpr int kMaxRelatedLimit = 1000;
constexpr int kMaxNeighbours = 1000;

using memory::IsInternalEdge;
using memory::kAliasEdge;
using memory::kMentionsEdge;

Json ErrorReply(const Json& id, int code, const std::string& message) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

Json ResultReply(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

// Text for the model: mem0's JSON, or a readable error.
Json ToolSuccess(const Json& text_json, Json structured) {
  return Json{{"content", Json::array({{{"type", "text"}, {"text", text_json.dump()}}})},
              {"structuredContent", std::move(structured)},
              {"isError", false}};
}

Json ToolFailure(const Error& error) {
  return Json{
      {"content", Json::array({{{"type", "text"}, {"text", "error: " + error.ToString()}}})},
      {"isError", true}};
}

Error BadArgument(const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument, message);
}

Result<Json> Parsed(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return MakeError(ErrorCode::kInternal, "unprintable result");
  return parsed;
}

// --- Arguments ---------------------------------------------------------------

class Args {
 public:
  explicit Args(const Json& args) : args_(args) {}

  Result<std::optional<std::string>> String(const char* key) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) return BadArgument(std::string(key) + " must be a string");
    return std::optional<std::string>(it->get<std::string>());
  }
  Result<std::string> RequiredString(const char* key) const {
    MEM0_ASSIGN_OR_RETURN(auto value, String(key));
    if (!value || value->empty()) return BadArgument(std::string(key) + " is required");
    return *value;
  }
  Result<std::optional<int>> Int(const char* key, int min, int max) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return std::optional<int>();
    if (!it->is_number_integer() && !it->is_number_unsigned()) {
      return BadArgument(std::string(key) + " must be an integer");
    }
    // Non-negative numbers parse as unsigned; anything beyond int64 is out
    // of range anyway.
    const bool huge =
        it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
    const int64_t value = huge ? INT64_MAX : it->get<int64_t>();
    if (value < min || value > max) {
      return BadArgument(std::string(key) + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max));
    }
    return std::optional<int>(static_cast<int>(value));
  }
  Result<std::optional<double>> Number(const char* key, double min, double max) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return std::optional<double>();
    if (!it->is_number()) return BadArgument(std::string(key) + " must be a number");
    double value = it->get<double>();
    if (!(value >= min && value <= max)) {
      char range[64];
      std::snprintf(range, sizeof(range), " must be between %g and %g", min, max);
      return BadArgument(key + std::string(range));
    }
    return std::optional<double>(value);
  }
  Result<std::optional<bool>> Bool(const char* key) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return std::optional<bool>();
    if (!it->is_boolean()) return BadArgument(std::string(key) + " must be a boolean");
    return std::optional<bool>(it->get<bool>());
  }
  // A JSON object argument as JSON text (empty when absent).
  Result<std::string> Object(const char* key) const {
    auto it = args_.find(key);
    if (it == args_.end() || it->is_null()) return std::string();
    if (!it->is_object()) return BadArgument(std::string(key) + " must be an object");
    return it->dump();
  }
  const Json* Find(const char* key) const {
    auto it = args_.find(key);
    return it == args_.end() || it->is_null() ? nullptr : &*it;
  }
  Status OnlyKnown(const std::vector<std::string>& known) const {
    for (const auto& [key, value] : args_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return BadArgument("unknown argument " + key);
      }
    }
    return {};
  }

 private:
  const Json& args_;
};

// --- Tool schemas --------------------------------------------------------------

Json StringProp(const std::string& description) {
  return Json{{"type", "string"}, {"description", description}};
}

Json ScopeProps(Json props, const std::string& pinned) {
  props["user_id"] =
      StringProp(pinned.empty() ? "the user whose memories to use"
                                : "optional; this server is pinned to one user, so it must be "
                                  "that user's id when given");
  props["agent_id"] = StringProp("the agent whose memories to use (narrows within the user)");
  props["run_id"] = StringProp("the run (session) whose memories to use");
  return props;
}

Json Schema(Json props, std::vector<std::string> required) {
  Json schema{
      {"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

Json MemoryIdProp() { return StringProp("the memory's id"); }

Json ToolList(const std::string& pinned) {
  const Json metadata{{"type", "object"},
                      {"description", "metadata to store with the memory (a JSON object)"}};
  const Json message{{"type", "object"},
                     {"properties",
                      {{"role", StringProp("user, assistant, system, ...")},
                       {"content", StringProp("the message text")},
                       {"name", StringProp("optional: the speaker's name")}}},
                     {"required", {"role", "content"}}};
  Json tools = Json::array();
  auto tool = [&](const char* name, const char* title, const char* description, Json schema,
                  bool read_only, bool destructive) {
    tools.push_back({{"name", name},
                     {"title", title},
                     {"description", description},
                     {"inputSchema", std::move(schema)},
                     {"annotations",
                      {{"readOnlyHint", read_only},
                       {"destructiveHint", destructive},
                       {"openWorldHint", false}}}});
  };
  tool("add_memory", "Add memory",
       "Remember text (or a conversation as messages). With an LLM configured and infer not "
       "false, facts are extracted and reconciled with existing memories; otherwise each message "
       "is stored verbatim.",
       Schema(ScopeProps({{"text", StringProp("the text to remember")},
                          {"messages",
                           {{"type", "array"},
                            {"items", message},
                            {"description", "a conversation to remember (instead of text)"}}},
                          {"metadata", metadata},
                          {"infer",
                           {{"type", "boolean"},
                            {"description", "extract facts with the configured LLM"}}}},
                         pinned),
              {}),
       false, false);
  tool(
      "search_memories", "Search memories",
      "The memories that best match a query, best first, with scores in [0, 1].",
      Schema(ScopeProps(
                 {{"query", StringProp("what to look for")},
                  {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", memory::kMaxLimit}}},
                  {"threshold",
                   {{"type", "number"},
                    {"minimum", 0},
                    {"maximum", 1},
                    {"description", "drop results scoring below this"}}},
                  {"filters",
                   {{"type", "object"}, {"description", "metadata key -> value, all must match"}}}},
                 pinned),
             {"query"}),
      true, false);
  tool(
      "list_memories", "List memories",
      "The memories of the scope, oldest first, a page at a time (pass next_token back for the "
      "next page).",
      Schema(ScopeProps(
                 {{"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", memory::kMaxLimit}}},
                  {"next_token", StringProp("the previous page's next_token")},
                  {"filters",
                   {{"type", "object"}, {"description", "metadata key -> value, all must match"}}}},
                 pinned),
             {}),
      true, false);
  tool("get_memory", "Get memory", "One memory by id.",
       Schema({{"memory_id", MemoryIdProp()}}, {"memory_id"}), true, false);
  tool("update_memory", "Update memory", "Replace a memory's text (and metadata, when given).",
       Schema({{"memory_id", MemoryIdProp()},
               {"text", StringProp("the new text")},
               {"metadata", metadata}},
              {"memory_id", "text"}),
       false, true);
  tool("delete_memory", "Delete memory", "Delete one memory by id.",
       Schema({{"memory_id", MemoryIdProp()}}, {"memory_id"}), false, true);
  tool("memory_history", "Memory history",
       "How a memory changed: its ADD, UPDATE and DELETE events, oldest first.",
       Schema({{"memory_id", MemoryIdProp()}}, {"memory_id"}), true, false);
  tool("related_memories", "Related memories",
       "Memories linked to a memory in the graph (directly, or through entities both mention) "
       "and the relations among those entities.",
       Schema({{"memory_id", MemoryIdProp()},
               {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxRelatedLimit}}}},
              {"memory_id"}),
       true, false);
  return tools;
}

}  // namespace

const std::vector<std::string>& SupportedProtocolVersions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};
  return versions;
}

struct McpHandler::Impl {
  memory::Memory& memory;
  std::shared_ptr<store::GraphStore> graph;
  McpOptions options;
  Json tools;

  mutable std::mutex mu;
  std::string protocol_version;  // set by initialize
  bool initialized = false;      // notifications/initialized seen

  Impl(memory::Memory& m, std::shared_ptr<store::GraphStore> g, McpOptions o)
      : memory(m),
        graph(std::move(g)),
        options(std::move(o)),
        tools(ToolList(options.pinned_user_id)) {}

  // --- Dispatch --------------------------------------------------------------

  std::optional<Json> Handle(const Json& message) {
    if (!message.is_object()) {
      return ErrorReply(nullptr, kInvalidRequest,
                        message.is_array() ? "batches are not supported" : "not a JSON object");
    }
    // The id, when it is a valid one, is echoed even in error replies.
    Json id = nullptr;
    bool has_id = message.contains("id");
    if (has_id) {
      const Json& raw = message["id"];
      if (raw.is_string() || raw.is_number_integer() || raw.is_number_unsigned()) id = raw;
    }
    if (message.value("jsonrpc", Json()) != "2.0") {
      return ErrorReply(id, kInvalidRequest, "jsonrpc must be \"2.0\"");
    }
    if (!message.contains("method")) {
      // A response to a request we never send (we send none): ignore it.
      if (message.contains("result") || message.contains("error")) return std::nullopt;
      return ErrorReply(id, kInvalidRequest, "method is missing");
    }
    if (!message["method"].is_string()) {
      return ErrorReply(id, kInvalidRequest, "method must be a string");
    }
    if (has_id && id.is_null()) {
      return ErrorReply(nullptr, kInvalidRequest, "id must be a string or an integer");
    }
    const std::string method = message["method"].get<std::string>();
    Json params = message.contains("params") ? message["params"] : Json::object();
    if (!params.is_object()) {
      if (!has_id) return std::nullopt;
      return ErrorReply(id, kInvalidParams, "params must be an object");
    }
    if (!has_id) {
      // Notifications get no reply, whatever they are.
      if (method == "notifications/initialized") {
        std::lock_guard<std::mutex> lock(mu);
        initialized = true;
      }
      return std::nullopt;
    }
    if (method == "initialize") return Initialize(id, params);
    if (method == "ping") return ResultReply(id, Json::object());
    if (method == "tools/list") {
      if (params.contains("cursor") && !params["cursor"].is_string()) {
        return ErrorReply(id, kInvalidParams, "cursor must be a string");
      }
      return ResultReply(id, Json{{"tools", tools}});
    }
    if (method == "tools/call") return CallTool(id, params);
    return ErrorReply(id, kMethodNotFound, "method not found: " + method);
  }

  Json Initialize(const Json& id, const Json& params) {
    if (!params.contains("protocolVersion") || !params["protocolVersion"].is_string()) {
      return ErrorReply(id, kInvalidParams, "protocolVersion must be a string");
    }
    if (params.contains("capabilities") && !params["capabilities"].is_object()) {
      return ErrorReply(id, kInvalidParams, "capabilities must be an object");
    }
    if (params.contains("clientInfo") && !params["clientInfo"].is_object()) {
      return ErrorReply(id, kInvalidParams, "clientInfo must be an object");
    }
    const std::string requested = params["protocolVersion"].get<std::string>();
    const auto& supported = SupportedProtocolVersions();
    std::string version =
        std::find(supported.begin(), supported.end(), requested) != supported.end()
            ? requested
            : supported.front();
    {
      std::lock_guard<std::mutex> lock(mu);
      protocol_version = version;
    }
    std::string instructions =
        "Long-term memory: add_memory to remember facts, search_memories before answering "
        "questions that may depend on them.";
    if (!options.pinned_user_id.empty()) {
      instructions += " Memories belong to user " + options.pinned_user_id + ".";
    }
    return ResultReply(id, Json{{"protocolVersion", version},
                                {"capabilities", {{"tools", {{"listChanged", false}}}}},
                                {"serverInfo",
                                 {{"name", options.server_name},
                                  {"title", "mem0 memory"},
                                  {"version", options.server_version}}},
                                {"instructions", instructions}});
  }

  Json CallTool(const Json& id, const Json& params) {
    if (!params.contains("name") || !params["name"].is_string()) {
      return ErrorReply(id, kInvalidParams, "name must be a string");
    }
    Json arguments = params.contains("arguments") ? params["arguments"] : Json::object();
    if (arguments.is_null()) arguments = Json::object();
    if (!arguments.is_object())
      return ErrorReply(id, kInvalidParams, "arguments must be an object");
    const std::string name = params["name"].get<std::string>();
    using Tool = Result<std::pair<Json, Json>> (Impl::*)(const Args&);
    static const std::map<std::string, Tool> kTools = {
        {"add_memory", &Impl::AddMemory},         {"search_memories", &Impl::SearchMemories},
        {"list_memories", &Impl::ListMemories},   {"get_memory", &Impl::GetMemory},
        {"update_memory", &Impl::UpdateMemory},   {"delete_memory", &Impl::DeleteMemory},
        {"memory_history", &Impl::MemoryHistory}, {"related_memories", &Impl::RelatedMemories},
    };
    auto tool = kTools.find(name);
    if (tool == kTools.end()) return ErrorReply(id, kInvalidParams, "unknown tool: " + name);
    Result<std::pair<Json, Json>> result = (this->*(tool->second))(Args(arguments));
    if (!result.ok()) return ResultReply(id, ToolFailure(result.error()));
    return ResultReply(id, ToolSuccess(result->first, std::move(result->second)));
  }

  // --- Scoping -----------------------------------------------------------------

  Result<memory::Scope> ScopeOf(const Args& args) const {
    MEM0_ASSIGN_OR_RETURN(auto user, args.String("user_id"));
    MEM0_ASSIGN_OR_RETURN(auto agent, args.String("agent_id"));
    MEM0_ASSIGN_OR_RETURN(auto run, args.String("run_id"));
    memory::Scope scope{user.value_or(""), agent.value_or(""), run.value_or("")};
    const std::string& pinned = options.pinned_user_id;
    if (!pinned.empty()) {
      if (!scope.user_id.empty() && scope.user_id != pinned) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "user_id refused: this server only serves its configured user");
      }
      scope.user_id = pinned;
    }
    if (scope.empty()) return BadArgument("give user_id, agent_id or run_id");
    return scope;
  }

  // The memory, when it exists and (with a pinned user) belongs to that user;
  // a foreign memory looks like a missing one.
  Result<memory::MemoryItem> OwnedMemory(const std::string& memory_id) {
    MEM0_ASSIGN_OR_RETURN(auto item, memory.Get(memory_id));
    if (!item || !Visible(*item)) {
      return MakeError(ErrorCode::kNotFound, "no memory with id " + memory_id);
    }
    return *item;
  }

  bool Visible(const memory::MemoryItem& item) const {
    return options.pinned_user_id.empty() || item.scope.user_id == options.pinned_user_id;
  }

  // --- Tools -------------------------------------------------------------------
  // Each returns (mem0's JSON for the text content, structuredContent).

  using ToolResult = Result<std::pair<Json, Json>>;

  static ToolResult Same(Json json) { return std::make_pair(json, json); }

  ToolResult AddMemory(const Args& args) {
    MEM0_RETURN_IF_ERROR(
        args.OnlyKnown({"text", "messages", "metadata", "infer", "user_id", "agent_id", "run_id"}));
    MEM0_ASSIGN_OR_RETURN(auto text, args.String("text"));
    const Json* messages_arg = args.Find("messages");
    if (text.has_value() == (messages_arg != nullptr)) {
      return BadArgument("give either text or messages");
    }
    std::vector<memory::Message> messages;
    if (text) {
      if (text->empty()) return BadArgument("text is empty");
      messages.push_back({"user", *text, ""});
    } else {
      if (!messages_arg->is_array() || messages_arg->empty()) {
        return BadArgument("messages must be a non-empty array");
      }
      if (messages_arg->size() > memory::kMaxMessages) {
        return BadArgument("more than " + std::to_string(memory::kMaxMessages) + " messages");
      }
      for (const Json& m : *messages_arg) {
        if (!m.is_object()) return BadArgument("each message must be an object");
        Args fields(m);
        MEM0_RETURN_IF_ERROR(fields.OnlyKnown({"role", "content", "name"}));
        MEM0_ASSIGN_OR_RETURN(auto role, fields.RequiredString("role"));
        MEM0_ASSIGN_OR_RETURN(auto content, fields.RequiredString("content"));
        MEM0_ASSIGN_OR_RETURN(auto name, fields.String("name"));
        messages.push_back({role, content, name.value_or("")});
      }
    }
    memory::AddOptions add;
    MEM0_ASSIGN_OR_RETURN(add.scope, ScopeOf(args));
    MEM0_ASSIGN_OR_RETURN(std::string metadata, args.Object("metadata"));
    if (!metadata.empty()) add.metadata_json = metadata;
    MEM0_ASSIGN_OR_RETURN(add.infer, args.Bool("infer"));
    MEM0_ASSIGN_OR_RETURN(auto result, memory.Add(messages, add));
    MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(result)));
    return Same(std::move(json));
  }

  ToolResult SearchMemories(const Args& args) {
    MEM0_RETURN_IF_ERROR(args.OnlyKnown(
        {"query", "limit", "threshold", "filters", "user_id", "agent_id", "run_id"}));
    MEM0_ASSIGN_OR_RETURN(std::string query, args.RequiredString("query"));
    memory::SearchOptions search;
    MEM0_ASSIGN_OR_RETURN(search.scope, ScopeOf(args));
    MEM0_ASSIGN_OR_RETURN(auto limit, args.Int("limit", 1, memory::kMaxLimit));
    search.limit = limit.value_or(0);
    MEM0_ASSIGN_OR_RETURN(search.threshold, args.Number("threshold", 0, 1));
    MEM0_ASSIGN_OR_RETURN(search.filters_json, args.Object("filters"));
    MEM0_ASSIGN_OR_RETURN(auto result, memory.Search(query, search));
    MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(result)));
    return Same(std::move(json));
  }

  ToolResult ListMemories(const Args& args) {
    MEM0_RETURN_IF_ERROR(
        args.OnlyKnown({"limit", "next_token", "filters", "user_id", "agent_id", "run_id"}));
    memory::ListOptions list;
    MEM0_ASSIGN_OR_RETURN(list.scope, ScopeOf(args));
    MEM0_ASSIGN_OR_RETURN(auto limit, args.Int("limit", 1, memory::kMaxLimit));
    list.limit = limit.value_or(100);
    MEM0_ASSIGN_OR_RETURN(auto token, args.String("next_token"));
    list.page_token = token.value_or("");
    MEM0_ASSIGN_OR_RETURN(list.filters_json, args.Object("filters"));
    MEM0_ASSIGN_OR_RETURN(auto page, memory.GetAll(list));
    MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(page)));
    return Same(std::move(json));
  }

  ToolResult GetMemory(const Args& args) {
    MEM0_RETURN_IF_ERROR(args.OnlyKnown({"memory_id"}));
    MEM0_ASSIGN_OR_RETURN(std::string id, args.RequiredString("memory_id"));
    MEM0_ASSIGN_OR_RETURN(auto item, OwnedMemory(id));
    MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(item)));
    return Same(std::move(json));
  }

  ToolResult UpdateMemory(const Args& args) {
    MEM0_RETURN_IF_ERROR(args.OnlyKnown({"memory_id", "text", "metadata"}));
    MEM0_ASSIGN_OR_RETURN(std::string id, args.RequiredString("memory_id"));
    MEM0_ASSIGN_OR_RETURN(std::string text, args.RequiredString("text"));
    MEM0_ASSIGN_OR_RETURN(std::string metadata, args.Object("metadata"));
    MEM0_RETURN_IF_ERROR(OwnedMemory(id).status());
    std::optional<std::string> new_metadata;
    if (!metadata.empty()) new_metadata = metadata;
    MEM0_ASSIGN_OR_RETURN(auto item, memory.Update(id, text, new_metadata));
    MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(item)));
    return Same(Json{{"message", "Memory updated successfully!"}, {"result", std::move(json)}});
  }

  ToolResult DeleteMemory(const Args& args) {
    MEM0_RETURN_IF_ERROR(args.OnlyKnown({"memory_id"}));
    MEM0_ASSIGN_OR_RETURN(std::string id, args.RequiredString("memory_id"));
    MEM0_RETURN_IF_ERROR(OwnedMemory(id).status());
    MEM0_RETURN_IF_ERROR(memory.Delete(id));
    return Same(Json{{"message", "Memory deleted successfully!"}, {"id", id}});
  }

  // With a pinned user, only the history of the user's existing memories.
  ToolResult MemoryHistory(const Args& args) {
    MEM0_RETURN_IF_ERROR(args.OnlyKnown({"memory_id"}));
    MEM0_ASSIGN_OR_RETURN(std::string id, args.RequiredString("memory_id"));
    if (!options.pinned_user_id.empty()) MEM0_RETURN_IF_ERROR(OwnedMemory(id).status());
    MEM0_ASSIGN_OR_RETURN(auto rows, memory.History(id));
    MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(rows)));
    // structuredContent must be an object.
    return std::make_pair(json, Json{{"results", json}});
  }

  // Neighbours in the graph: memories joined to this one by a relationship,
  // and memories mentioning an entity this one mentions; plus the relations
  // of those entities.
  ToolResult RelatedMemories(const Args& args) {
    MEM0_RETURN_IF_ERROR(args.OnlyKnown({"memory_id", "limit"}));
    MEM0_ASSIGN_OR_RETURN(std::string id, args.RequiredString("memory_id"));
    MEM0_ASSIGN_OR_RETURN(auto limit_arg, args.Int("limit", 1, kMaxRelatedLimit));
    const int limit = limit_arg.value_or(kDefaultRelatedLimit);
    MEM0_ASSIGN_OR_RETURN(auto source, OwnedMemory(id));
    if (!graph) return MakeError(ErrorCode::kInternal, "this server has no graph store");

    store::RelatedQuery query;
    query.limit = kMaxNeighbours;
    MEM0_ASSIGN_OR_RETURN(auto neighbours, graph->GetRelatedMemories(id, query));
    struct Candidate {
      std::string id, relationship, direction, via;
    };
    std::vector<Candidate> candidates;
    Json relations = Json::array();
    std::set<std::string> seen_edges;
    for (const auto& n : neighbours) {
      if (n.relationship == kAliasEdge || n.node_id == id) continue;
      if (n.relationship == kMentionsEdge && n.direction == "outgoing") {
        MEM0_ASSIGN_OR_RETURN(auto around, graph->GetRelatedMemories(n.node_id, query));
        for (const auto& e : around) {
          if (e.relationship == kMentionsEdge && e.direction == "incoming") {
            if (e.node_id != id) candidates.push_back({e.node_id, kMentionsEdge, "", n.content});
          } else if (!IsInternalEdge(e.relationship) && seen_edges.insert(e.edge_id).second) {
            bool out = e.direction == "outgoing";
            relations.push_back({{"source", out ? n.content : e.content},
                                 {"relationship", e.relationship},
                                 {"destination", out ? e.content : n.content}});
          }
        }
      } else if (!IsInternalEdge(n.relationship)) {
        candidates.push_back({n.node_id, n.relationship, n.direction, ""});
      }
    }
    Json results = Json::array();
    std::set<std::string> seen{id};
    for (const auto& c : candidates) {
      if (static_cast<int>(results.size()) >= limit) break;
      if (!seen.insert(c.id).second) continue;
      MEM0_ASSIGN_OR_RETURN(auto item, memory.Get(c.id));
      // Entities and other nodes are not memories; other users' memories
      // stay hidden.
      if (!item || !Visible(*item)) continue;
      MEM0_ASSIGN_OR_RETURN(Json json, Parsed(memory::ToJson(*item)));
      if (c.via.empty()) {
        json["relationship"] = c.relationship;
        json["direction"] = c.direction;
      } else {
        json["via_entity"] = c.via;
      }
      results.push_back(std::move(json));
    }
    return Same(Json{{"memory_id", id}, {"results", results}, {"relations", relations}});
  }
};

McpHandler::McpHandler(memory::Memory& memory, std::shared_ptr<store::GraphStore> graph,
                       McpOptions options)
    : impl_(std::make_unique<Impl>(memory, std::move(graph), std::move(options))) {}

McpHandler::~McpHandler() = default;

std::string McpHandler::protocol_version() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->protocol_version;
}

std::optional<std::string> McpHandler::HandleMessage(const std::string& message) {
  try {
    if (message.size() > kMaxMessageBytes) {
      return ErrorReply(nullptr, kInvalidRequest,
                        "message larger than " + std::to_string(kMaxMessageBytes) + " bytes")
          .dump();
    }
    if (!JsonNestingWithin(message, kMaxJsonDepth)) {
      return ErrorReply(nullptr, kInvalidRequest,
                        "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels")
          .dump();
    }
    Json parsed = Json::parse(message, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return ErrorReply(nullptr, kParseError, "parse error").dump();
    std::optional<Json> reply = impl_->Handle(parsed);
    if (!reply) return std::nullopt;
    // Invalid UTF-8 from stored data is replaced rather than thrown on.
    return reply->dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return ErrorReply(nullptr, kInternalError, std::string("internal error: ") + e.what())
        .dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (...) {
    return ErrorReply(nullptr, kInternalError, "internal error").dump();
  }
}

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// http(s)://localhost, 127.0.0.1 or [::1], with any port.
bool IsLoopbackOrigin(const std::string& origin) {
  std::string rest = Lower(origin);
  for (const char* scheme : {"http://", "https://"}) {
    if (rest.rfind(scheme, 0) == 0) {
      rest = rest.substr(std::string(scheme).size());
      for (const char* host : {"localhost", "127.0.0.1", "[::1]"}) {
        const std::string h = host;
        if (rest == h ||
            (rest.rfind(h + ":", 0) == 0 && rest.size() > h.size() + 1 &&
             rest.find_first_not_of("0123456789", h.size() + 1) == std::string::npos)) {
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

McpHandler::HttpResponse HttpError(int status, int code, const std::string& message) {
  return {status, "application/json", ErrorReply(nullptr, code, message).dump(), ""};
}

}  // namespace

McpHandler::HttpResponse McpHandler::HandleHttp(const HttpRequest& request,
                                                const std::vector<std::string>& allowed_origins) {
  try {
    if (!request.origin.empty() && !IsLoopbackOrigin(request.origin) &&
        std::find(allowed_origins.begin(), allowed_origins.end(), request.origin) ==
            allowed_origins.end()) {
      return HttpError(403, kInvalidRequest, "origin not allowed");
    }
    if (!request.protocol_version.empty()) {
      const auto& supported = SupportedProtocolVersions();
      if (std::find(supported.begin(), supported.end(), request.protocol_version) ==
          supported.end()) {
        return HttpError(400, kInvalidRequest,
                         "unsupported MCP-Protocol-Version " + request.protocol_version);
      }
    }
    if (request.method != "POST") {
      HttpResponse response{405, "application/json",
                            ErrorReply(nullptr, kInvalidRequest, "use POST").dump(), "POST"};
      return response;
    }
    const std::string accept = Lower(request.accept);
    if (!accept.empty() && accept.find("application/json") == std::string::npos &&
        accept.find("*/*") == std::string::npos &&
        accept.find("application/*") == std::string::npos) {
      return HttpError(406, kInvalidRequest, "Accept must allow application/json");
    }
    const std::string type = Lower(request.content_type);
    if (!type.empty() && type.rfind("application/json", 0) != 0) {
      return HttpError(415, kInvalidRequest, "Content-Type must be application/json");
    }
    std::optional<std::string> reply = HandleMessage(request.body);
    if (!reply) return {202, "", "", ""};
    // Replies to messages we could not take carry no id: 400.
    Json parsed = Json::parse(*reply, nullptr, false);
    int status = 200;
    if (parsed.is_object() && parsed.contains("error") && parsed["id"].is_null()) status = 400;
    return {status, "application/json", std::move(*reply), ""};
  } catch (...) {
    return HttpError(500, kInternalError, "internal error");
  }
}

}  // namespace mem0::server
