// The MCP handler (mem0::server::McpHandler) on both engines, driven one
// JSON-RPC message at a time: lifecycle, tool schemas, every tool, the
// pinned user's isolation, and protocol errors for hostile input. Then
// `mem0 mcp` driven by the official MCP TypeScript SDK (tests/mcp/).
#include "mem0/server/mcp.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "support/memory_fixture.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using nlohmann::json;

class McpTest : public ::testing::TestWithParam<std::string> {
 protected:
  McpTest() : fixture_(GetParam()) {
    const auto& config = fixture_.config;
    if (config.graph_provider == memory::StoreProvider::kDynamoDB) {
      graph_ = Must(store::MakeDynamoDBGraphStore(config.dynamodb_graph));
      history_ = Must(store::MakeDynamoDBConversationStore(config.dynamodb_conversation));
    } else {
      graph_ = Must(store::MakeSqliteGraphStore(config.sqlite_graph));
      history_ = Must(store::MakeSqliteConversationStore(config.sqlite_conversation));
    }
    memory_ = Must(memory::Memory::Open(config, history_, graph_));
  }

  template <typename T>
  static T Must(Result<T> result) {
    if (!result.ok()) throw std::runtime_error(result.error().ToString());
    return std::move(result).value();
  }

  std::unique_ptr<server::McpHandler> Handler(const std::string& pinned) {
    server::McpOptions options;
    options.pinned_user_id = pinned;
    return std::make_unique<server::McpHandler>(*memory_, graph_, options);
  }

  static json Send(server::McpHandler& handler, const json& message) {
    auto reply = handler.HandleMessage(message.dump());
    EXPECT_TRUE(reply.has_value()) << message.dump();
    if (!reply) return json();
    json parsed = json::parse(*reply, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << *reply;
    return parsed;
  }

  static json Raw(server::McpHandler& handler, const std::string& line) {
    auto reply = handler.HandleMessage(line);
    EXPECT_TRUE(reply.has_value()) << line.substr(0, 200);
    return reply ? json::parse(*reply, nullptr, false) : json();
  }

  void Initialize(server::McpHandler& handler) {
    json reply = Send(handler, {{"jsonrpc", "2.0"},
                                {"id", 0},
                                {"method", "initialize"},
                                {"params",
                                 {{"protocolVersion", "2025-06-18"},
                                  {"capabilities", json::object()},
                                  {"clientInfo", {{"name", "test"}, {"version", "1"}}}}}});
    ASSERT_EQ(reply["result"]["protocolVersion"], "2025-06-18");
    EXPECT_FALSE(
        handler.HandleMessage(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  }

  // tools/call; returns the result object (content, structuredContent, isError).
  json Call(server::McpHandler& handler, const std::string& tool, const json& arguments) {
    json reply = Send(handler, {{"jsonrpc", "2.0"},
                                {"id", ++next_id_},
                                {"method", "tools/call"},
                                {"params", {{"name", tool}, {"arguments", arguments}}}});
    EXPECT_EQ(reply["id"], next_id_);
    EXPECT_TRUE(reply.contains("result")) << reply.dump();
    return reply["result"];
  }

  // A successful call's structuredContent (and checks the text agrees).
  json Ok(server::McpHandler& handler, const std::string& tool, const json& arguments) {
    json result = Call(handler, tool, arguments);
    EXPECT_EQ(result["isError"], false) << tool << ": " << result.dump();
    if (result["isError"] != false) return json();
    EXPECT_EQ(result["content"][0]["type"], "text");
    json text = json::parse(result["content"][0]["text"].get<std::string>());
    json structured = result["structuredContent"];
    EXPECT_TRUE(structured.is_object());
    EXPECT_EQ(text, tool == "memory_history" ? structured["results"] : structured);
    return structured;
  }

  // A failed call's error text.
  std::string Fails(server::McpHandler& handler, const std::string& tool, const json& arguments) {
    json result = Call(handler, tool, arguments);
    EXPECT_EQ(result["isError"], true) << tool << ": " << result.dump();
    return result["content"][0].value("text", "");
  }

  testing::MemoryFixture fixture_;
  std::shared_ptr<store::GraphStore> graph_;
  std::shared_ptr<store::ConversationStore> history_;
  std::unique_ptr<memory::Memory> memory_;
  int next_id_ = 0;
};

TEST_P(McpTest, LifecycleAndToolList) {
  auto handler = Handler("alice");
  EXPECT_EQ(handler->protocol_version(), "");
  // A version we do not know: the newest we support.
  json reply = Send(*handler, {{"jsonrpc", "2.0"},
                               {"id", "init"},
                               {"method", "initialize"},
                               {"params", {{"protocolVersion", "1999-01-01"}}}});
  EXPECT_EQ(reply["id"], "init");
  EXPECT_EQ(reply["result"]["protocolVersion"], server::SupportedProtocolVersions().front());
  EXPECT_EQ(reply["result"]["capabilities"]["tools"]["listChanged"], false);
  EXPECT_EQ(reply["result"]["serverInfo"]["name"], "mem0-cpp");
  Initialize(*handler);
  EXPECT_EQ(handler->protocol_version(), "2025-06-18");

  reply = Send(*handler, {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "ping"}});
  EXPECT_EQ(reply, json::parse(R"({"jsonrpc":"2.0","id":7,"result":{}})"));

  reply = Send(*handler, {{"jsonrpc", "2.0"}, {"id", 8}, {"method", "tools/list"}});
  std::set<std::string> names;
  for (const auto& tool : reply["result"]["tools"]) {
    names.insert(tool["name"].get<std::string>());
    EXPECT_EQ(tool["inputSchema"]["type"], "object") << tool["name"];
    EXPECT_TRUE(tool["inputSchema"]["properties"].is_object()) << tool["name"];
    EXPECT_TRUE(tool["description"].is_string()) << tool["name"];
  }
  EXPECT_EQ(names, (std::set<std::string>{"add_memory", "search_memories", "list_memories",
                                          "get_memory", "update_memory", "delete_memory",
                                          "memory_history", "related_memories"}));
}

TEST_P(McpTest, EveryToolSpeaksMem0Json) {
  auto handler = Handler("");
  Initialize(*handler);
  json added = Ok(*handler, "add_memory",
                  {{"messages",
                    {{{"role", "user"}, {"content", "I love Thai food"}},
                     {{"role", "assistant"}, {"content", "Noted, Thai food it is"}}}},
                   {"metadata", {{"topic", "food"}}},
                   {"user_id", "alice"}});
  ASSERT_EQ(added["results"].size(), 2u);
  EXPECT_EQ(added["results"][0]["event"], "ADD");
  const std::string id = added["results"][0]["id"];
  const std::string other = added["results"][1]["id"];
  Ok(*handler, "add_memory", {{"text", "My sister lives in Oslo"}, {"user_id", "alice"}});
  Ok(*handler, "add_memory", {{"text", "Bob also loves Thai food"}, {"user_id", "bob"}});

  json found =
      Ok(*handler, "search_memories", {{"query", "Thai food"}, {"user_id", "alice"}, {"limit", 1}});
  ASSERT_EQ(found["results"].size(), 1u);
  EXPECT_EQ(found["results"][0]["user_id"], "alice");
  EXPECT_TRUE(found["relations"].is_array());

  json page = Ok(*handler, "list_memories", {{"user_id", "alice"}, {"limit", 2}});
  EXPECT_EQ(page["results"].size(), 2u);
  ASSERT_TRUE(page.contains("next_token"));
  json rest = Ok(*handler, "list_memories",
                 {{"user_id", "alice"}, {"limit", 2}, {"next_token", page["next_token"]}});
  EXPECT_EQ(rest["results"].size(), 1u);

  json got = Ok(*handler, "get_memory", {{"memory_id", id}});
  EXPECT_EQ(got["memory"], "I love Thai food");
  EXPECT_EQ(got["metadata"]["topic"], "food");

  json updated =
      Ok(*handler, "update_memory", {{"memory_id", id}, {"text", "I love Thai and Lao food"}});
  EXPECT_EQ(updated["result"]["memory"], "I love Thai and Lao food");

  // related_memories: a relationship between two memories (as another tool
  // on the graph would write it).
  ASSERT_TRUE(graph_->CreateRelationship(id, other, "ANSWERED_BY").ok());
  json related = Ok(*handler, "related_memories", {{"memory_id", id}});
  EXPECT_EQ(related["memory_id"], id);
  ASSERT_EQ(related["results"].size(), 1u);
  EXPECT_EQ(related["results"][0]["id"], other);
  EXPECT_EQ(related["results"][0]["relationship"], "ANSWERED_BY");
  EXPECT_EQ(related["results"][0]["direction"], "outgoing");
  json related_back = Ok(*handler, "related_memories", {{"memory_id", other}, {"limit", 5}});
  ASSERT_EQ(related_back["results"].size(), 1u);
  EXPECT_EQ(related_back["results"][0]["direction"], "incoming");

  Ok(*handler, "delete_memory", {{"memory_id", id}});
  Fails(*handler, "get_memory", {{"memory_id", id}});
  json history = Ok(*handler, "memory_history", {{"memory_id", id}});
  ASSERT_EQ(history["results"].size(), 3u);
  EXPECT_EQ(history["results"][0]["event"], "ADD");
  EXPECT_EQ(history["results"][1]["event"], "UPDATE");
  EXPECT_EQ(history["results"][2]["event"], "DELETE");

  // Tool-level failures are isError results.
  EXPECT_NE(Fails(*handler, "get_memory", {{"memory_id", "no-such-id"}}).find("no memory"),
            std::string::npos);
  Fails(*handler, "add_memory", {{"text", "no scope"}});
  Fails(*handler, "add_memory", {{"text", "x"}, {"messages", json::array()}, {"user_id", "a"}});
  Fails(*handler, "search_memories", {{"user_id", "alice"}});
  Fails(*handler, "search_memories", {{"query", 5}, {"user_id", "alice"}});
  Fails(*handler, "search_memories", {{"query", "q"}, {"user_id", "alice"}, {"limit", 0}});
  Fails(*handler, "search_memories", {{"query", "q"}, {"user_id", "alice"}, {"threshold", 2}});
  Fails(*handler, "list_memories", {{"user_id", "alice"}, {"limit", "ten"}});
  Fails(*handler, "list_memories", {{"user_id", "alice"}, {"limit", 1.5}});
  Fails(*handler, "list_memories", {{"user_id", "alice"}, {"limit", -1}});
  Fails(*handler, "list_memories", {{"user_id", "alice"}, {"limit", 18446744073709551615ull}});
  Fails(*handler, "list_memories", {{"user_id", "alice"}, {"surprise", true}});
  Fails(*handler, "update_memory", {{"memory_id", other}});
  Fails(*handler, "add_memory", {{"messages", {{{"role", "user"}}}}, {"user_id", "alice"}});
  Fails(*handler, "add_memory", {{"text", "x"}, {"metadata", "[]"}, {"user_id", "alice"}});
}

TEST_P(McpTest, PinnedUserCannotReachOtherUsers) {
  auto unpinned = Handler("");
  json bobs = Ok(*unpinned, "add_memory", {{"text", "Bob's PIN is 1234"}, {"user_id", "bob"}});
  const std::string bob_id = bobs["results"][0]["id"];

  auto handler = Handler("alice");
  Initialize(*handler);
  json added = Ok(*handler, "add_memory", {{"text", "I love Thai food"}});
  EXPECT_EQ(added["results"].size(), 1u);
  Ok(*handler, "add_memory",
     {{"text", "Also with agent"}, {"user_id", "alice"}, {"agent_id", "a1"}});
  json mine = Ok(*handler, "list_memories", json::object());
  EXPECT_EQ(mine["results"].size(), 2u);
  for (const auto& item : mine["results"]) EXPECT_EQ(item["user_id"], "alice");

  for (const char* tool : {"add_memory", "search_memories", "list_memories"}) {
    json args = {{"user_id", "bob"}, {"text", "x"}, {"query", "PIN"}};
    if (std::string(tool) != "add_memory") args.erase("text");
    if (std::string(tool) != "search_memories") args.erase("query");
    EXPECT_NE(Fails(*handler, tool, args).find("user_id refused"), std::string::npos) << tool;
  }
  for (const char* tool : {"get_memory", "delete_memory", "memory_history", "related_memories"}) {
    Fails(*handler, tool, {{"memory_id", bob_id}});
  }
  Fails(*handler, "update_memory", {{"memory_id", bob_id}, {"text", "hacked"}});
  // Bob's memory is untouched.
  json still = Ok(*unpinned, "get_memory", {{"memory_id", bob_id}});
  EXPECT_EQ(still["memory"], "Bob's PIN is 1234");
  json search = Ok(*handler, "search_memories", {{"query", "PIN 1234"}});
  EXPECT_TRUE(search["results"].empty());
}

TEST_P(McpTest, ProtocolErrors) {
  auto handler = Handler("alice");
  Initialize(*handler);
  auto code = [](const json& reply) { return reply["error"].value("code", 0); };

  EXPECT_EQ(code(Raw(*handler, "{not json")), -32700);
  EXPECT_EQ(Raw(*handler, "{not json")["id"], nullptr);
  EXPECT_EQ(code(Raw(*handler, "")), -32700);
  EXPECT_EQ(code(Raw(*handler, "42")), -32600);
  EXPECT_EQ(code(Raw(*handler, R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])")), -32600);
  EXPECT_EQ(code(Raw(*handler, R"({"id":1,"method":"ping"})")), -32600);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":1})")), -32600);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":1,"method":7})")), -32600);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":[1],"method":"ping"})")), -32600);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":null,"method":"ping"})")), -32600);

  json unknown = Raw(*handler, R"({"jsonrpc":"2.0","id":"u","method":"resources/list"})");
  EXPECT_EQ(code(unknown), -32601);
  EXPECT_EQ(unknown["id"], "u");

  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":[]})")),
            -32602);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{}})")),
            -32602);
  EXPECT_EQ(code(Raw(*handler,
                     R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"nope"}})")),
            -32602);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":2,"method":"tools/call",)"
                               R"("params":{"name":"get_memory","arguments":"x"}})")),
            -32602);
  EXPECT_EQ(code(Raw(*handler, R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{}})")),
            -32602);

  // Notifications (and responses) get no reply, even unknown or malformed ones.
  EXPECT_FALSE(handler->HandleMessage(R"({"jsonrpc":"2.0","method":"notifications/cancelled"})"));
  EXPECT_FALSE(handler->HandleMessage(R"({"jsonrpc":"2.0","method":"x","params":5})"));
  EXPECT_FALSE(handler->HandleMessage(R"({"jsonrpc":"2.0","id":9,"result":{}})"));

  // Hostile sizes and shapes.
  std::string huge = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" +
                     std::string(server::kMaxMessageBytes, 'a') + "\"}}";
  EXPECT_EQ(code(Raw(*handler, huge)), -32600);
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(code(Raw(*handler, deep)), -32600);
  std::string deep_args = R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":)"
                          R"("add_memory","arguments":{"text":"x","metadata":)" +
                          std::string(60, '[') + std::string(60, ']') + "}}}";
  json deep_reply = Raw(*handler, deep_args);
  EXPECT_EQ(deep_reply["result"]["isError"], true) << deep_reply.dump();
  EXPECT_EQ(code(Raw(*handler, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}")), -32700);
  // Still serving.
  EXPECT_EQ(Raw(*handler, R"({"jsonrpc":"2.0","id":5,"method":"ping"})")["result"], json::object());
}

// Mutated messages (seeded): every reply is one JSON-RPC object, never a
// crash or an exception.
TEST_P(McpTest, MutatedMessagesGetWellFormedReplies) {
  auto handler = Handler("alice");
  Initialize(*handler);
  const std::vector<std::string> seeds = {
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_memory",)"
      R"("arguments":{"messages":[{"role":"user","content":"I like tea"}],"metadata":{"a":1}}}})",
      R"({"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"search_memories",)"
      R"("arguments":{"query":"tea","limit":3,"threshold":0.1,"filters":{"a":1}}}})",
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_memories",)"
      R"("arguments":{"limit":2,"next_token":"abc"}}})",
      R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})",
  };
  std::mt19937 random(20261130);
  const std::string alphabet = "{}[]\":,0-9.eE\\ \x01nulltruefalse\xc3\xff";
  for (int i = 0; i < 400; ++i) {
    std::string message = seeds[random() % seeds.size()];
    for (int edits = 1 + random() % 4; edits > 0; --edits) {
      std::size_t at = random() % message.size();
      switch (random() % 3) {
        case 0:
          message[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          message.erase(at, 1 + random() % 8);
          break;
        default:
          message.insert(at, 1, alphabet[random() % alphabet.size()]);
      }
      if (message.empty()) message = "{";
    }
    std::optional<std::string> reply;
    ASSERT_NO_THROW(reply = handler->HandleMessage(message)) << message;
    if (!reply) continue;
    json parsed = json::parse(*reply, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << message << " -> " << *reply;
    EXPECT_EQ(parsed["jsonrpc"], "2.0");
    EXPECT_TRUE(parsed.contains("result") != parsed.contains("error")) << *reply;
  }
}

TEST_P(McpTest, StreamableHttpExchange) {
  auto handler = Handler("alice");
  using Request = server::McpHandler::HttpRequest;
  auto post = [&](const std::string& body, Request request = {}) {
    request.method = "POST";
    if (request.accept.empty()) request.accept = "application/json, text/event-stream";
    if (request.content_type.empty()) request.content_type = "application/json";
    request.body = body;
    return handler->HandleHttp(request);
  };
  auto init = post(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})");
  EXPECT_EQ(init.status, 200);
  EXPECT_EQ(init.content_type, "application/json");
  EXPECT_EQ(json::parse(init.body)["result"]["protocolVersion"], "2025-06-18");
  auto note = post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(note.status, 202);
  EXPECT_TRUE(note.body.empty());

  Request versioned;
  versioned.protocol_version = "2025-06-18";
  versioned.origin = "http://localhost:6274";
  auto added = post(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":)"
                    R"("add_memory","arguments":{"text":"I love Thai food"}}})",
                    versioned);
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(json::parse(added.body)["result"]["isError"], false) << added.body;

  EXPECT_EQ(post("{oops").status, 400);
  EXPECT_EQ(json::parse(post("{oops").body)["error"]["code"], -32700);
  auto unknown = post(R"({"jsonrpc":"2.0","id":3,"method":"nope"})");
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(json::parse(unknown.body)["error"]["code"], -32601);

  Request foreign;
  foreign.origin = "http://evil.example";
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":4,"method":"ping"})", foreign).status, 403);
  foreign.origin = "http://localhost.evil.example";
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":4,"method":"ping"})", foreign).status, 403);
  EXPECT_EQ(
      handler
          ->HandleHttp({"POST", "http://evil.example", "", "", "", "{}"}, {"http://evil.example"})
          .status,
      400);
  Request old;
  old.protocol_version = "1999-01-01";
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":5,"method":"ping"})", old).status, 400);
  Request html;
  html.accept = "text/html";
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":6,"method":"ping"})", html).status, 406);
  Request form;
  form.content_type = "application/x-www-form-urlencoded";
  EXPECT_EQ(post(R"({"jsonrpc":"2.0","id":7,"method":"ping"})", form).status, 415);
  auto get = handler->HandleHttp({"GET", "", "text/event-stream", "", "", ""});
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.allow, "POST");
}

INSTANTIATE_TEST_SUITE_P(Engines, McpTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

// `mem0 mcp` through the official MCP TypeScript SDK (StdioClientTransport).
TEST(McpSdkTest, OfficialTypeScriptClient) {
  const std::filesystem::path dir = std::filesystem::path(MEM0_SOURCE_DIR) / "tests" / "mcp";
  if (!std::filesystem::exists(dir / "node_modules" / "@modelcontextprotocol" / "sdk")) {
    GTEST_SKIP() << "tests/mcp/node_modules is missing: run `npm ci` in tests/mcp "
                    "(scripts/setup.sh does)";
  }
  testing::MemoryFixture fixture("sqlite");
  const std::string config = fixture.WriteConfigFile();
  auto result =
      testing::RunCommand({"node", (dir / "sdk_check.mjs").string(), MEM0_CLI_PATH, config});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.err;
}

}  // namespace
}  // namespace mem0
