// The no-throw sweep: every public entry point, on both engines, given
// hostile input (caller arguments, forged tokens, items other tools wrote)
// returns a Result and lets no exception out. Each call runs inside
// EXPECT_NO_THROW, and errors must say what was wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "mem0/provision/provisioning.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"
#include "support/graph_fixture.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using dynamodb::AttributeValue;
using dynamodb::Item;

// Strings a hostile caller passes wherever a string goes.
std::vector<std::string> HostileStrings() {
  return {"",
          std::string(3000, 'x'),
          "\xff\xfe invalid utf-8",
          std::string("nul\0inside", 10),
          "mem0#reserved",
          "mem0#parts#alice",
          "sha256-0123",
          "a:b#c&d=e",
          "\x1b[31mred\r\nX-Injected: 1",
          "null",
          "{}",
          "[]",
          "{\"v\":1}"};
}

// JSON texts a hostile caller passes as messages, metadata or properties.
std::vector<std::string> HostileJson() {
  return {"",
          "not json",
          "[",
          "{}",
          "[]",
          "[1,2,3]",
          R"([{"role":5,"content":"x"}])",
          R"([{"role":"user"}])",
          R"([{"role":"user","content":"\udc00"}])",
          R"({"a":1e400})",
          "\"\xff\"",
          "[" + std::string(2000, '[') + std::string(2000, ']') + "]",
          R"({"k":"v"})"};
}

// Page tokens: garbage, base64 of wrong shapes, someone else's.
std::vector<std::string> HostileTokens() {
  std::vector<std::string> tokens = {"", "!!!", "====", std::string(5000, 'A')};
  for (const char* json :
       {R"({"v":"x","after":"a"})", R"({"v":1,"u":5,"after":[]})", R"({"v":1,"u":"x","after":""})",
        R"({"v":1})", R"([1,2])", R"("just a string")", R"({"v":1e400})"}) {
    tokens.push_back(Base64Encode(json));
  }
  return tokens;
}

// Calls `call` and checks it neither throws nor returns an error without a
// message.
template <typename Call>
void NoThrow(const std::string& what, Call&& call) {
  SCOPED_TRACE(what);
  EXPECT_NO_THROW({
    auto result = call();
    if (!result.ok()) EXPECT_FALSE(result.error().message.empty());
  });
}

class ConversationNoThrowTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / testing::UniqueName("mem0-nothrow");
      store::SqliteConfig config;
      config.path = (dir_ / "mem0.db").string();
      auto opened = store::MakeSqliteConversationStore(config);
      ASSERT_TRUE(opened.ok()) << opened.error().ToString();
      store_ = std::move(*opened);
    } else {
      client_ = testing::MakeLocalClient();
      table_ = testing::UniqueName("nothrow");
      testing::CreateTestTable(*client_, table_, "user_id", "conversation_id");
      store::DynamoDBConversationConfig config;
      config.table_name = table_;
      config.client = client_;
      auto opened = store::MakeDynamoDBConversationStore(config);
      ASSERT_TRUE(opened.ok()) << opened.error().ToString();
      store_ = std::move(*opened);
    }
  }
  void TearDown() override {
    if (client_) (void)client_->DeleteTable(table_);
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_;
  std::shared_ptr<dynamodb::Client> client_;
  std::string table_;
  std::unique_ptr<store::ConversationStore> store_;
};

TEST_P(ConversationNoThrowTest, HostileArgumentsToEveryCall) {
  auto& s = *store_;
  auto id = s.StoreConversation("alice", R"([{"role":"user","content":"hi"}])", "{}");
  ASSERT_TRUE(id.ok());
  for (const auto& text : HostileStrings()) {
    NoThrow("store user", [&] { return s.StoreConversation(text, "[]", "{}"); });
    NoThrow("get user", [&] { return s.GetConversation(text, *id); });
    NoThrow("get id", [&] { return s.GetConversation("alice", text); });
    NoThrow("list user", [&] { return s.ListConversations(text, 10, ""); });
    NoThrow("update id", [&] { return s.UpdateConversation("alice", text, "[]", "{}"); });
    NoThrow("append id", [&] { return s.AppendMessages("alice", text, "[]"); });
    NoThrow("delete id", [&] { return s.DeleteConversation("alice", text); });
    NoThrow("delete all", [&] { return s.DeleteAllForUser(text); });
    NoThrow("history get", [&] { return s.GetHistory(text); });
    NoThrow("history add", [&] {
      store::HistoryRecord record;
      record.memory_id = text;
      record.event = text;
      record.created_at = text;
      record.new_memory = text;
      return s.AddHistory(record);
    });
    NoThrow("messages save", [&] { return s.SaveMessages(text, "[]"); });
    NoThrow("messages get", [&] { return s.GetLastMessages(text, 5); });
  }
  for (const auto& json : HostileJson()) {
    NoThrow("store messages", [&] { return s.StoreConversation("alice", json, "{}"); });
    NoThrow("store metadata", [&] { return s.StoreConversation("alice", "[]", json); });
    NoThrow("update", [&] { return s.UpdateConversation("alice", *id, json, json); });
    NoThrow("append", [&] { return s.AppendMessages("alice", *id, json); });
    NoThrow("save messages", [&] { return s.SaveMessages("scope", json); });
  }
  for (const auto& token : HostileTokens()) {
    NoThrow("list token", [&] { return s.ListConversations("alice", 10, token); });
    auto page = s.ListConversations("alice", 10, token);
    if (!token.empty()) {
      ASSERT_FALSE(page.ok()) << "token accepted: " << token;
      EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
    }
  }
  for (int limit : {-1, 0, 1001, INT32_MAX, INT32_MIN}) {
    NoThrow("list limit", [&] { return s.ListConversations("alice", limit, ""); });
    NoThrow("messages limit", [&] { return s.GetLastMessages("scope", limit); });
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ConversationNoThrowTest, ::testing::Values("sqlite", "dynamodb"));

// Items written by other tools (or damaged) in a DynamoDB conversation table:
// every read names what is wrong or skips it; none throws.
TEST_P(ConversationNoThrowTest, ForeignStoredItems) {
  if (GetParam() != "dynamodb") GTEST_SKIP() << "stored items are DynamoDB items";
  const std::string user = "victim";
  auto S = AttributeValue::S;
  auto N = [](const char* n) { return AttributeValue::N(std::string(n)); };
  std::vector<Item> items = {
      {{"timestamp", S("yesterday")}, {"messages", S("[]")}},
      {{"timestamp", N("1E+30")}, {"messages", S("[]")}, {"version", N("1E+30")}},
      {{"messages", S("not json")}, {"metadata", N("5")}},
      {{"messages", N("1")}, {"metadata", S("[1]")}},
      {{"overflow_generation", S("g")}, {"overflow_parts", N("1E+20")}, {"messages", S("[]")}},
      {{"overflow_generation", S("g")}, {"overflow_parts", N("2")}, {"overflow_bytes", N("-5")}},
      {{"expiration_time", S("soon")}, {"messages", S("[]")}},
      {{"updated_at", N("-1E+125")}, {"messages", S("[{\"role\":1}]")}},
  };
  std::vector<std::string> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    Item item = items[i];
    item["user_id"] = S(user);
    const std::string id = user + ":1700000000:" + std::to_string(i);
    item["conversation_id"] = S(id);
    ids.push_back(id);
    ASSERT_TRUE(client_->PutItem({table_, item}).ok());
  }
  auto& s = *store_;
  for (const auto& id : ids) {
    NoThrow("get " + id, [&] { return s.GetConversation(user, id); });
    NoThrow("append " + id, [&] { return s.AppendMessages(user, id, "[]"); });
    NoThrow("update " + id, [&] { return s.UpdateConversation(user, id, "[]", std::nullopt); });
  }
  NoThrow("list", [&] { return s.ListConversations(user, 100, ""); });
  NoThrow("delete all", [&] { return s.DeleteAllForUser(user); });
  // A malformed number is reported, naming the attribute and the item.
  ASSERT_TRUE(client_
                  ->PutItem({table_,
                             {{"user_id", S(user)},
                              {"conversation_id", S(ids[0])},
                              {"timestamp", N("1E+30")},
                              {"messages", S("[]")}}})
                  .ok());
  auto got = s.GetConversation(user, ids[0]);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kCorruption);
  EXPECT_NE(got.error().message.find("timestamp"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find(ids[0]), std::string::npos) << got.error().message;
}

class GraphNoThrowTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GraphNoThrowTest, HostileArgumentsToEveryCall) {
  testing::GraphFixture f(GetParam());
  auto& g = *f.store;
  auto a = g.CreateMemoryNode("a", "{}", "a", "user:x");
  ASSERT_TRUE(a.ok());
  for (const auto& text : HostileStrings()) {
    NoThrow("create id", [&] { return g.CreateMemoryNode("c", "{}", text, ""); });
    NoThrow("create scope", [&] { return g.CreateMemoryNode("c", "{}", "", text); });
    NoThrow("create content", [&] { return g.CreateMemoryNode(text, "{}", "", ""); });
    NoThrow("get", [&] { return g.GetNode(text); });
    NoThrow("update", [&] { return g.UpdateNode(text, text, text); });
    NoThrow("update content", [&] { return g.UpdateNode("a", text, std::nullopt); });
    NoThrow("delete", [&] { return g.DeleteNode(text); });
    NoThrow("relate", [&] { return g.CreateRelationship("a", text, text, "{}"); });
    NoThrow("relate type", [&] { return g.CreateRelationship("a", "a", text, "{}"); });
    NoThrow("relate unindexed",
            [&] { return g.CreateRelationship("a", text, text, "{}", {/*indexed=*/false}); });
    NoThrow("scope version", [&] { return g.GetScopeVersion(text); });
    NoThrow("unrelate", [&] { return g.DeleteRelationship(text); });
    NoThrow("related", [&] { return g.GetRelatedMemories(text, {}); });
    NoThrow("by type", [&] { return g.GetMemoriesByRelationshipType(text, {}); });
    NoThrow("traverse", [&] { return g.Traverse(text, {}); });
    NoThrow("export", [&] { return g.ExportAll(text); });
    NoThrow("list scope", [&] { return g.ListScope(text, 10, ""); });
    NoThrow("list after", [&] { return g.ListScope("user:x", 10, text); });
  }
  for (const auto& json : HostileJson()) {
    NoThrow("create metadata", [&] { return g.CreateMemoryNode("c", json, "", ""); });
    NoThrow("update metadata", [&] { return g.UpdateNode("a", std::nullopt, json); });
    NoThrow("relate properties", [&] { return g.CreateRelationship("a", "a", "t", json); });
  }
  for (int n : {-1, 0, INT32_MAX, INT32_MIN}) {
    store::RelatedQuery related;
    related.limit = n;
    NoThrow("related limit", [&] { return g.GetRelatedMemories("a", related); });
    store::TraverseQuery traverse;
    traverse.depth = n;
    NoThrow("traverse depth", [&] { return g.Traverse("a", traverse); });
    NoThrow("list limit", [&] { return g.ListScope("user:x", n, ""); });
  }
  NoThrow("check", [&] { return g.Check(/*repair=*/false); });
}

// Graph items other tools wrote or damaged: reads and checks report them.
TEST_P(GraphNoThrowTest, ForeignStoredItems) {
  if (GetParam() != "dynamodb") GTEST_SKIP() << "stored items are DynamoDB items";
  // Without the index: it would refuse a string created_at before we could.
  testing::GraphFixture f(GetParam(), /*enable_gsi=*/false);
  auto S = AttributeValue::S;
  std::vector<Item> items = {
      {{"node_id", S("abc")}, {"edge_id", S("EDGE")}},
      {{"node_id", S("bad")}, {"edge_id", S("META")}, {"created_at", S("yesterday")}},
      {{"node_id", S("big")}, {"edge_id", S("META")}, {"created_at", AttributeValue::N("1E+125")}},
      {{"node_id", S("bad")}, {"edge_id", S("OUT#e1")}, {"target_id", AttributeValue::N("1")}},
      {{"node_id", S("bad")}, {"edge_id", S("IN#")}, {"relationship_type", S("x")}},
      {{"node_id", S("likes")}, {"edge_id", S("REL#e2")}, {"relationship_type", S("likes")}},
      {{"node_id", S("mem0#edge#")}, {"edge_id", S("EDGE")}},
      {{"node_id", S("mem0#scope#s1")}, {"edge_id", S("META")}, {"scope_version", S("one")}},
      {{"node_id", S("mem0#scope#s2")},
       {"edge_id", S("META")},
       {"scope_version", AttributeValue::N("1E+125")}},
      {{"node_id", S("bad")}, {"edge_id", S("OUT#e3")}, {"edge_created_at", S("now")}},
  };
  for (const auto& item : items) {
    auto put = f.client->PutItem({f.table, item});
    ASSERT_TRUE(put.ok()) << put.error().ToString();
  }
  auto& g = *f.store;
  for (const char* node : {"abc", "bad", "big", "likes"}) {
    NoThrow("get", [&] { return g.GetNode(node); });
    NoThrow("related", [&] { return g.GetRelatedMemories(node, {}); });
    NoThrow("traverse", [&] { return g.Traverse(node, {}); });
    NoThrow("delete", [&] { return g.DeleteNode(node); });
  }
  NoThrow("by type", [&] { return g.GetMemoriesByRelationshipType("likes", {}); });
  for (const char* scope : {"s1", "s2"}) {
    NoThrow("scope version", [&] { return g.GetScopeVersion(scope); });
    auto version = g.GetScopeVersion(scope);
    ASSERT_FALSE(version.ok());
    EXPECT_EQ(version.error().code, ErrorCode::kCorruption) << version.error().ToString();
    NoThrow("create in scope", [&] { return g.CreateMemoryNode("c", "{}", "", scope); });
  }
  NoThrow("export", [&] { return g.ExportAll(); });
  NoThrow("check", [&] { return g.Check(/*repair=*/false); });
  NoThrow("repair", [&] { return g.Check(/*repair=*/true); });
}

INSTANTIATE_TEST_SUITE_P(Engines, GraphNoThrowTest, ::testing::Values("sqlite", "dynamodb"));

TEST(ClientNoThrowTest, HostileConfigurationAndRequests) {
  for (const std::string& endpoint :
       {"", "ftp://x", "http://", "http://:80", "http://h:0", "http://h:99999", "http://h:abc",
        "https://[::1", "http://h /x", "http://\r\nh"}) {
    dynamodb::ClientConfig config;
    config.region = "us-east-1";
    config.endpoint_url = endpoint;
    config.access_key_id = "AKID";
    config.secret_access_key = "secret";
    NoThrow("endpoint " + endpoint, [&] { return dynamodb::Client::Create(config); });
  }
  // One attempt each: this is about what comes back, not about retrying.
  dynamodb::ClientConfig once;
  once.retry.max_attempts = 1;
  auto client = testing::MakeLocalClient(once);
  for (const auto& body : HostileJson()) {
    NoThrow("invoke", [&] { return client->Invoke("DescribeTable", body); });
  }
  for (const auto& op : HostileStrings()) {
    NoThrow("invoke op", [&] { return client->Invoke(op, "{}"); });
  }
  dynamodb::GetItemRequest get;
  get.table_name = "\xff";
  get.key = {{"k", AttributeValue::S("\xfe")}};
  NoThrow("get", [&] { return client->GetItem(get); });
}

TEST(ProvisionNoThrowTest, HostileScriptsAndConfigs) {
  for (const auto& text : HostileStrings()) {
    NoThrow("ddbsh", [&] { return provision::ParseDdbsh(text); });
    provision::TablesConfig config;
    config.conversation_table = text;
    config.graph_table = text;
    config.sse_kms_key = text;
    config.table_class = text;
    config.tags = {{text, text}};
    NoThrow("validate", [&] { return provision::ValidateTablesConfig(config); });
    NoThrow("cloudformation", [&] { return provision::CloudFormationTemplate(config, text); });
    NoThrow("ddbsh schema", [&] { return provision::DdbshSchema(config, text); });
    NoThrow("iam", [&] { return provision::IamPolicyJson(config, {}); });
  }
  for (const char* script :
       {"CREATE TABLE", "CREATE TABLE t ( a string ) primary key (", "DROP TABLE IF EXISTS ;",
        "ALTER TABLE t SET TTL ( );", "'unterminated",
        "CREATE TABLE t ( a number ) primary key ( a hash ) billing mode "
        "provisioned ( 99999999999999999999 RCU, -1 WCU );"}) {
    NoThrow(script, [&] { return provision::ParseDdbsh(script); });
  }
}

}  // namespace
}  // namespace mem0
