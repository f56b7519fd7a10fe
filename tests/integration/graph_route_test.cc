// GET /graph of the REST server, in process, on both engines: a scope's
// memories, the entities they mention (extracted by the fake OpenAI
// server's canned relations) and the relations among them; another user's
// memories stay out; `limit` bounds the memories and says "truncated"; a
// server without the graph store lists the memories only.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "mem0/server/server.h"
#include "support/fake_openai_server.h"
#include "support/memory_fixture.h"

namespace mem0 {
namespace {

using Json = nlohmann::json;

class GraphRouteTest : public ::testing::TestWithParam<std::string> {
 protected:
  GraphRouteTest() : fixture_(GetParam()) {
    memory::LlmConfig llm;
    llm.model = "fake-model";
    llm.base_url = llm_.base_url();
    llm.api_key = "sk-test";
    fixture_.config.llm = llm;
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

  std::string Add(const std::string& user, const std::string& text, bool infer) {
    memory::AddOptions options;
    options.scope.user_id = user;
    options.infer = infer;
    auto added = memory_->Add({{"user", text, ""}}, options);
    if (!added.ok()) throw std::runtime_error(added.error().ToString());
    if (added->results.size() != 1) throw std::runtime_error("expected one memory: " + text);
    return added->results[0].id;
  }

  // GET path on a server over the memory (with the graph store or not).
  Json Get(const std::string& path, bool with_graph, int* status = nullptr) {
    server::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    auto server =
        Must(server::Server::Create(memory_, options, nullptr, with_graph ? graph_ : nullptr));
    EXPECT_TRUE(server->Start().ok());
    httplib::Client client("127.0.0.1", server->port());
    auto response = client.Get(path);
    server->Stop();
    if (!response) return Json();
    if (status) *status = response->status;
    EXPECT_EQ(response->get_header_value("Cache-Control"),
              response->status == 200 ? "no-store" : "");
    return Json::parse(response->body, nullptr, false);
  }

  static std::multiset<std::string> Kinds(const Json& list) {
    std::multiset<std::string> out;
    for (const auto& x : list) out.insert(x["kind"].get<std::string>());
    return out;
  }

  testing::FakeOpenAiServer llm_;
  testing::MemoryFixture fixture_;
  std::shared_ptr<store::GraphStore> graph_;
  std::shared_ptr<store::ConversationStore> history_;
  std::shared_ptr<memory::Memory> memory_;
};

TEST_P(GraphRouteTest, DrawsMemoriesEntitiesAndRelations) {
  const std::string user = "graph-user";
  const std::string paris = Add(user, "Alice lives in Paris", true);
  const std::string acme = Add(user, "Alice works at Acme", true);
  const std::string tea = Add(user, "Prefers green tea", false);
  Add("someone-else", "Bob lives in Rome", true);

  Json graph = Get("/graph?user_id=" + user, true);
  ASSERT_TRUE(graph.is_object()) << graph;
  EXPECT_EQ(graph["truncated"], false);
  std::map<std::string, Json> nodes;
  for (const auto& node : graph["nodes"]) nodes[node["id"]] = node;
  EXPECT_EQ(Kinds(graph["nodes"]), (std::multiset<std::string>{"memory", "memory", "memory",
                                                               "entity", "entity", "entity"}))
      << graph;
  EXPECT_EQ(nodes[paris]["label"], "Alice lives in Paris");
  EXPECT_EQ(nodes[acme]["label"], "Alice works at Acme");
  EXPECT_EQ(nodes[tea]["kind"], "memory");
  std::set<std::string> entity_labels;
  std::map<std::string, std::string> label_of;
  for (const auto& [id, node] : nodes) {
    label_of[id] = node["label"];
    if (node["kind"] == "entity") entity_labels.insert(node["label"]);
  }
  EXPECT_EQ(entity_labels, (std::set<std::string>{"alice", "paris", "acme"})) << graph;

  std::set<std::string> edges;
  for (const auto& edge : graph["edges"]) {
    ASSERT_TRUE(nodes.count(edge["source"]) && nodes.count(edge["target"])) << edge;
    edges.insert(edge["kind"].get<std::string>() + " " + label_of[edge["source"]] + " -" +
                 edge["label"].get<std::string>() + "-> " + label_of[edge["target"]]);
  }
  EXPECT_EQ(edges, (std::set<std::string>{"mentions Alice lives in Paris -mentions-> alice",
                                          "mentions Alice lives in Paris -mentions-> paris",
                                          "mentions Alice works at Acme -mentions-> alice",
                                          "mentions Alice works at Acme -mentions-> acme",
                                          "relation alice -lives_in-> paris",
                                          "relation alice -works_at-> acme"}))
      << graph;
  EXPECT_EQ(graph["edges"].size(), 6u);

  // The oldest memory only: its entities, and the relation between them.
  Json first = Get("/graph?user_id=" + user + "&limit=1", true);
  EXPECT_EQ(first["truncated"], true);
  EXPECT_EQ(Kinds(first["nodes"]), (std::multiset<std::string>{"memory", "entity", "entity"}))
      << first;
  EXPECT_EQ(Kinds(first["edges"]), (std::multiset<std::string>{"mentions", "mentions", "relation"}))
      << first;

  // Without the graph store: the memories alone.
  Json bare = Get("/graph?user_id=" + user, false);
  EXPECT_EQ(Kinds(bare["nodes"]), (std::multiset<std::string>{"memory", "memory", "memory"}));
  EXPECT_TRUE(bare["edges"].empty());

  int status = 0;
  Json refused = Get("/graph?user_id=" + user + "&limit=1001", true, &status);
  EXPECT_EQ(status, 400);
  EXPECT_NE(refused["detail"].get<std::string>().find("limit"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, GraphRouteTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mem0
