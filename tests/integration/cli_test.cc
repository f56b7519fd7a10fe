// The `mem0` CLI contract (JSON shapes scripts rely on) on both engines,
// `mem0 ddb`, and `mem0 demo` on both engines.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/graph_fixture.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using nlohmann::json;
using testing::RunCli;

class CliConversationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "dynamodb") {
      table_ = testing::UniqueName("cli-conv");
      auto client = testing::MakeLocalClient();
      testing::CreateTestTable(*client, table_, "user_id", "conversation_id");
      engine_args_ = {"--engine",
                      "dynamodb",
                      "--endpoint-url",
                      testing::DynamoDBLocalEndpoint(),
                      "--conversation-table",
                      table_};
    } else {
      db_ = "/tmp/" + testing::UniqueName("cli") + ".db";
      engine_args_ = {"--db", db_};
    }
  }
  void TearDown() override {
    if (!db_.empty()) std::remove(db_.c_str());
  }

  testing::CommandResult Run(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> all = engine_args_;
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all, input);
  }

  json RunJson(std::vector<std::string> args, const std::string& input = "") {
    auto result = Run(std::move(args), input);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out);
  }

  std::vector<std::string> engine_args_;
  std::string db_, table_;
};

TEST_P(CliConversationTest, StoreGetListAppendUpdateDelete) {
  const std::string messages = R"([{"role":"user","content":"hi"}])";
  json stored =
      RunJson({"conversation", "store", "--user", "u1", "--metadata", R"({"k":"v"})"}, messages);
  ASSERT_TRUE(stored.contains("conversation_id"));
  const std::string id = stored["conversation_id"];
  EXPECT_TRUE(id.starts_with("u1:"));

  json got = RunJson({"conversation", "get", "--user", "u1", "--id", id});
  EXPECT_EQ(got["user_id"], "u1");
  EXPECT_EQ(got["conversation_id"], id);
  EXPECT_EQ(got["messages"], json::parse(messages));
  EXPECT_EQ(got["metadata"], json({{"k", "v"}}));
  EXPECT_TRUE(got["timestamp"].is_number_integer());

  json second = RunJson({"conversation", "store", "--user", "u1"}, messages);
  json page = RunJson({"conversation", "list", "--user", "u1", "--limit", "1"});
  ASSERT_EQ(page["conversations"].size(), 1u);
  EXPECT_EQ(page["conversations"][0]["conversation_id"], second["conversation_id"]);
  ASSERT_TRUE(page["next_token"].is_string());
  json rest = RunJson({"conversation", "list", "--user", "u1", "--limit", "1", "--next-token",
                       page["next_token"].get<std::string>()});
  EXPECT_EQ(rest["conversations"][0]["conversation_id"], id);
  json all = RunJson({"conversation", "list", "--user", "u1", "--limit", "1", "--all"});
  EXPECT_EQ(all["conversations"].size(), 2u);
  EXPECT_TRUE(all["next_token"].is_null());

  RunJson({"conversation", "append", "--user", "u1", "--id", id},
          R"([{"role":"assistant","content":"hello"}])");
  got = RunJson({"conversation", "get", "--user", "u1", "--id", id});
  EXPECT_EQ(got["messages"].size(), 2u);
  RunJson({"conversation", "update", "--user", "u1", "--id", id, "--metadata", R"({"n":1})"},
          R"([{"role":"user","content":"replaced"}])");
  got = RunJson({"conversation", "get", "--user", "u1", "--id", id});
  EXPECT_EQ(got["messages"][0]["content"], "replaced");
  EXPECT_EQ(got["metadata"], json({{"n", 1}}));

  RunJson({"conversation", "delete", "--user", "u1", "--id", id});
  auto absent = Run({"conversation", "get", "--user", "u1", "--id", id});
  EXPECT_NE(absent.exit_code, 0);
  EXPECT_NE(absent.err.find("not found"), std::string::npos) << absent.err;
}

TEST_P(CliConversationTest, BadInputFailsWithTheFieldNamed) {
  auto result = Run({"conversation", "store", "--user", "u1"}, R"([{"role":"user"}])");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("messages[0].content"), std::string::npos) << result.err;
  result = Run({"conversation", "store", "--user", "u1", "--metadata", "[1]"}, "[]");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("metadata"), std::string::npos) << result.err;
  // An endless input is cut at the bound, not read forever.
  result = Run({"conversation", "store", "--user", "u1", "--file", "/dev/zero"}, "");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("--file: input is larger than 16777216 bytes"), std::string::npos)
      << result.err;
}

TEST_P(CliConversationTest, HistoryCreatedAtMustBeATime) {
  auto result = Run({"conversation", "history", "add", "--memory-id", "m1", "--event", "ADD",
                     "--new", "x", "--created-at", "not a date"},
                    "");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--created-at"), std::string::npos) << result.err;
}

TEST_P(CliConversationTest, HistoryAddAndGet) {
  json first =
      RunJson({"conversation", "history", "add", "--memory-id", "m1", "--event", "ADD", "--new",
               "likes tea", "--created-at", "2026-01-01T00:00:00Z", "--actor-id", "u1"});
  RunJson({"conversation", "history", "add", "--memory-id", "m1", "--event", "UPDATE", "--old",
           "likes tea", "--new", "likes green tea", "--created-at", "2026-01-02T00:00:00Z"});
  json history = RunJson({"conversation", "history", "get", "--memory-id", "m1"});
  ASSERT_EQ(history["history"].size(), 2u);
  EXPECT_EQ(history["history"][0]["id"], first["id"]);
  EXPECT_EQ(history["history"][0]["event"], "ADD");
  EXPECT_EQ(history["history"][0]["actor_id"], "u1");
  EXPECT_TRUE(history["history"][0]["old_memory"].is_null());
  EXPECT_EQ(history["history"][1]["new_memory"], "likes green tea");
}

TEST_P(CliConversationTest, DemoRunsAndNarrates) {
  std::vector<std::string> args = {"demo"};
  if (GetParam() == "dynamodb") {
    args = {"--graph-table", testing::UniqueName("cli-graph"), "demo"};
  }
  auto result = Run(args);
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  for (const char* expected :
       {"1. Remembering", "ADD I'm travelling to Lisbon in May",
        "NONE I'm vegetarian (the same fact is stored once)", "2. Searching",
        "I'm travelling to Lisbon in May", "find only his: I'm travelling to Oslo in May",
        "3. Listing", "UPDATE: Booked a vegetarian food tour in Alfama on the 12th -> Booked",
        "DELETE (is_deleted true)", "5. Relations", "-[PART_OF]->", "two hops out from",
        "Graphviz export", "Done."}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
}

TEST_P(CliConversationTest, GraphCommands) {
  std::vector<std::string> graph_args;
  if (GetParam() == "dynamodb") {
    const std::string graph_table = testing::UniqueName("cli-graph");
    auto client = testing::MakeLocalClient();
    testing::CreateGraphTable(*client, graph_table);
    graph_args = {"--graph-table", graph_table};
  }
  auto graph = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "graph");
    args.insert(args.begin(), graph_args.begin(), graph_args.end());
    return RunJson(args);
  };
  EXPECT_EQ(graph({"add-node", "--id", "tea", "--content", "likes tea", "--metadata",
                   R"({"k":1})"})["node_id"],
            "tea");
  const std::string generated = graph({"add-node", "--content", "drinks green tea"})["node_id"];
  EXPECT_EQ(generated.size(), 36u);
  json node = graph({"get-node", "--node", "tea"});
  EXPECT_EQ(node["content"], "likes tea");
  EXPECT_EQ(node["metadata"], json({{"k", 1}}));
  graph({"update-node", "--node", "tea", "--content", "loves tea"});
  EXPECT_EQ(graph({"get-node", "--node", "tea"})["content"], "loves tea");

  const std::string edge = graph({"relate", "--from", "tea", "--to", generated, "--type", "RELATED",
                                  "--properties", R"({"w":0.5})"})["edge_id"];
  json related = graph({"related", "--node", generated, "--direction", "incoming", "--type",
                        "RELATED", "--limit", "5"});
  ASSERT_EQ(related["related"].size(), 1u);
  EXPECT_EQ(related["related"][0]["node_id"], "tea");
  EXPECT_EQ(related["related"][0]["edge_properties"], json({{"w", 0.5}}));
  EXPECT_EQ(related["related"][0]["direction"], "incoming");
  json by_type = graph({"by-type", "--type", "RELATED", "--limit", "10"});
  ASSERT_EQ(by_type["edges"].size(), 1u);
  EXPECT_EQ(by_type["edges"][0]["source"]["node_id"], "tea");
  json traversed = graph({"traverse", "--node", "tea", "--depth", "2"});
  EXPECT_EQ(traversed["nodes"].size(), 2u);
  EXPECT_EQ(traversed["edges"].size(), 1u);
  json exported = graph({"export"});
  EXPECT_EQ(exported["nodes"].size(), 2u);
  std::vector<std::string> dot_args = graph_args;
  dot_args.insert(dot_args.begin(), engine_args_.begin(), engine_args_.end());
  for (const char* a : {"graph", "export", "--format", "dot"}) dot_args.push_back(a);
  auto dot = RunCli(dot_args);
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_NE(dot.out.find(R"("tea" -> ")" + generated + R"(" [label="RELATED"])"), std::string::npos)
      << dot.out;
  EXPECT_EQ(graph({"check"})["problems"].size(), 0u);
  graph({"unrelate", "--edge", edge});
  EXPECT_EQ(graph({"related", "--node", "tea"})["related"].size(), 0u);
  graph({"delete-node", "--node", "tea"});
  std::vector<std::string> missing_args = engine_args_;
  missing_args.insert(missing_args.end(), graph_args.begin(), graph_args.end());
  for (const char* a : {"graph", "get-node", "--node", "tea"}) missing_args.push_back(a);
  EXPECT_NE(RunCli(missing_args).exit_code, 0);
  // related of a missing node is NotFound, as traverse is.
  missing_args.resize(missing_args.size() - 4);
  for (const char* a : {"graph", "related", "--node", "tea"}) missing_args.push_back(a);
  auto missing = RunCli(missing_args);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("NotFound: node tea not found"), std::string::npos) << missing.err;

  // Ids are echoed with control characters escaped, never raw to a terminal.
  missing_args.resize(missing_args.size() - 4);
  for (const char* a : {"--output", "text", "graph", "related", "--node"}) {
    missing_args.push_back(a);
  }
  missing_args.push_back("\x1b[31mred");
  missing = RunCli(missing_args);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.find('\x1b'), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("\\x1b[31mred"), std::string::npos) << missing.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, CliConversationTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

TEST(CliGraphCheckTest, FindsThenRepairsABrokenEdge) {
  testing::GraphFixture fixture("dynamodb");
  ASSERT_TRUE(fixture.store->CreateMemoryNode("a", "{}", "a").ok());
  ASSERT_TRUE(fixture.store->CreateMemoryNode("b", "{}", "b").ok());
  auto edge = fixture.store->CreateRelationship("a", "b", "KNOWS", "{}");
  ASSERT_TRUE(edge.ok());
  ASSERT_TRUE(fixture.client
                  ->DeleteItem({fixture.table,
                                {{"node_id", dynamodb::AttributeValue::S("a")},
                                 {"edge_id", dynamodb::AttributeValue::S("OUT#" + *edge)}}})
                  .ok());
  const std::vector<std::string> base = {
      "--engine",      "dynamodb",    "--endpoint-url", testing::DynamoDBLocalEndpoint(),
      "--graph-table", fixture.table, "graph",          "check"};
  auto found = RunCli(base);
  EXPECT_EQ(found.exit_code, 1);
  ASSERT_EQ(json::parse(found.out)["problems"].size(), 1u) << found.out;
  auto repair_args = base;
  repair_args.push_back("--repair");
  auto repaired = RunCli(repair_args);
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_GE(json::parse(repaired.out)["repaired"].get<int>(), 1);
  auto clean = RunCli(base);
  EXPECT_EQ(clean.exit_code, 0);
  EXPECT_TRUE(json::parse(clean.out)["problems"].empty());
}

TEST(CliDdbTest, SendsOneCallAndReportsErrors) {
  const std::string endpoint = testing::DynamoDBLocalEndpoint();
  const std::string table = testing::UniqueName("cli-ddb");
  auto client = testing::MakeLocalClient();
  testing::CreateTestTable(*client, table);
  auto put = RunCli({"--endpoint-url", endpoint, "ddb", "PutItem",
                     R"({"TableName":")" + table + R"(","Item":{"pk":{"S":"a"},"sk":{"S":"b"}}})"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  auto get = RunCli({"--endpoint-url", endpoint, "--output", "json", "ddb", "GetItem", "@-"},
                    R"({"TableName":")" + table + R"(","Key":{"pk":{"S":"a"},"sk":{"S":"b"}}})");
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(json::parse(get.out)["Item"]["sk"]["S"], "b");
  auto bad =
      RunCli({"--endpoint-url", endpoint, "ddb", "GetItem", R"({"TableName":")" + table + R"("})"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("ValidationException"), std::string::npos) << bad.err;
  auto missing = RunCli({"--endpoint-url", endpoint, "ddb", "DescribeTable",
                         R"({"TableName":"no-such-table-)" + table + R"("})"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("ResourceNotFoundException"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace mem0
