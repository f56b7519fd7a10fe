// The DynamoDB graph engine beyond conformance: request counts (from the
// client's counters), the reference layout both ways with boto3, check and
// repair of broken edges, resumable node deletion.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "support/graph_fixture.h"

namespace mem0 {
namespace {

using dynamodb::AttributeValue;
using dynamodb::Operation;
using nlohmann::json;

class DynamoDBGraphTest : public ::testing::Test {
 protected:
  void SetUp() override { fixture_ = std::make_unique<testing::GraphFixture>("dynamodb"); }
  store::GraphStore& store() { return *fixture_->store; }
  dynamodb::Client& client() { return *fixture_->client; }
  const std::string& table() { return fixture_->table; }

  // A hub with `k` outgoing and `k` incoming neighbours... split evenly.
  void MakeHub(int neighbours) {
    ASSERT_TRUE(store().CreateMemoryNode("hub", "{}", "hub").ok());
    for (int i = 0; i < neighbours; ++i) {
      const std::string id = "n" + std::to_string(i);
      ASSERT_TRUE(store().CreateMemoryNode("neighbour " + id, "{}", id).ok());
      auto edge = i % 2 == 0 ? store().CreateRelationship("hub", id, "LINKS", "{}")
                             : store().CreateRelationship(id, "hub", "LINKS", "{}");
      ASSERT_TRUE(edge.ok()) << edge.error().ToString();
    }
  }

  std::unique_ptr<testing::GraphFixture> fixture_;
};

TEST_F(DynamoDBGraphTest, RelatedMemoriesOfFiftyNeighboursTakeAtMostThreeRequests) {
  MakeHub(50);
  client().counters().Reset();
  auto related = store().GetRelatedMemories("hub", {{}, store::Direction::kBoth, 100});
  ASSERT_TRUE(related.ok()) << related.error().ToString();
  EXPECT_EQ(related->size(), 50u);
  EXPECT_LE(client().counters().Total(), 3u) << json(client().counters().Snapshot()).dump();
  EXPECT_EQ(client().counters().Get(Operation::kGetItem), 0u);  // no per-neighbour reads
}

TEST_F(DynamoDBGraphTest, DeleteNodeWithFiftyEdgesTakesAtMostTwelveRequests) {
  MakeHub(50);
  client().counters().Reset();
  auto deleted = store().DeleteNode("hub");
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  EXPECT_LE(client().counters().Total(), 12u) << json(client().counters().Snapshot()).dump();
  auto report = store().Check(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
  EXPECT_TRUE(store().GetRelatedMemories("n0", {})->empty());
}

TEST_F(DynamoDBGraphTest, TraverseExpandsEachLevelInParallelRequests) {
  // hub -> 10 children -> 3 grandchildren each.
  ASSERT_TRUE(store().CreateMemoryNode("root", "{}", "root").ok());
  for (int i = 0; i < 10; ++i) {
    const std::string child = "c" + std::to_string(i);
    ASSERT_TRUE(store().CreateMemoryNode(child, "{}", child).ok());
    ASSERT_TRUE(store().CreateRelationship("root", child, "HAS", "{}").ok());
    for (int j = 0; j < 3; ++j) {
      const std::string grandchild = child + "-" + std::to_string(j);
      ASSERT_TRUE(store().CreateMemoryNode(grandchild, "{}", grandchild).ok());
      ASSERT_TRUE(store().CreateRelationship(child, grandchild, "HAS", "{}").ok());
    }
  }
  client().counters().Reset();
  auto graph = store().Traverse("root", {2, store::Direction::kOutgoing});
  ASSERT_TRUE(graph.ok()) << graph.error().ToString();
  EXPECT_EQ(graph->nodes.size(), 41u);
  EXPECT_EQ(graph->edges.size(), 40u);
  // Root read, then per level: one Query per frontier node and one BatchGet.
  EXPECT_EQ(client().counters().Get(Operation::kQuery), 11u);
  EXPECT_EQ(client().counters().Get(Operation::kBatchGetItem), 3u);
  EXPECT_EQ(client().counters().Get(Operation::kGetItem), 0u);
}

TEST_F(DynamoDBGraphTest, CheckFindsAndRepairsDanglingHalves) {
  ASSERT_TRUE(store().CreateMemoryNode("a", "{}", "a").ok());
  ASSERT_TRUE(store().CreateMemoryNode("b", "{}", "b").ok());
  auto broken = store().CreateRelationship("a", "b", "KNOWS", "{}");
  auto intact = store().CreateRelationship("b", "a", "KNOWS", "{}");
  ASSERT_TRUE(broken.ok() && intact.ok());
  // A crash between steps, simulated: the IN# half is gone.
  auto removed = client().DeleteItem(
      {table(),
       {{"node_id", AttributeValue::S("b")}, {"edge_id", AttributeValue::S("IN#" + *broken)}}});
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  auto report = store().Check(false);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find("OUT#" + *broken), std::string::npos) << report->problems[0];
  EXPECT_EQ(report->repaired, 0);

  auto repaired = store().Check(true);
  ASSERT_TRUE(repaired.ok());
  EXPECT_GE(repaired->repaired, 1);
  auto after = store().Check(false);
  EXPECT_TRUE(after->problems.empty()) << after->problems[0];
  auto related = store().GetRelatedMemories("a", {});
  ASSERT_EQ(related->size(), 1u);  // only the intact edge remains
  EXPECT_EQ((*related)[0].edge_id, *intact);
}

TEST_F(DynamoDBGraphTest, DeleteNodeFinishesAnInterruptedRun) {
  MakeHub(30);
  // An interrupted delete: the first phase (the far halves and locators)
  // got through for ten edges, nothing else did.
  dynamodb::QueryRequest query;
  query.table_name = table();
  query.key_condition_expression = "node_id = :n";
  query.attributes.values = {{":n", AttributeValue::S("hub")}};
  auto items = client().QueryAll(query);
  ASSERT_TRUE(items.ok());
  std::vector<dynamodb::WriteRequest> partial;
  for (const auto& item : items->items) {
    const std::string sk = item.at("edge_id").s();
    if (sk == "META" || partial.size() >= 20) continue;
    const bool out = sk.starts_with("OUT#");
    const std::string edge_id = sk.substr(out ? 4 : 3);
    partial.push_back(dynamodb::WriteRequest::Delete(
        {{"node_id", item.at(out ? "target_id" : "source_id")},
         {"edge_id", AttributeValue::S((out ? "IN#" : "OUT#") + edge_id)}}));
    partial.push_back(
        dynamodb::WriteRequest::Delete({{"node_id", AttributeValue::S("mem0#edge#" + edge_id)},
                                        {"edge_id", AttributeValue::S("EDGE")}}));
  }
  auto removed = client().BatchWriteItem({{table(), partial}});
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  ASSERT_EQ(store().Check(false)->problems.size(), 10u);  // ten dangling halves
  auto deleted = store().DeleteNode("hub");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  auto report = store().Check(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty())
      << report->problems.size() << " problems, first: " << report->problems[0];
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(store().GetRelatedMemories("n" + std::to_string(i), {})->empty());
  }
}

// The reference layout, written by boto3 the way the Python module does:
// META nodes, OUT#/IN# edge items and the extra (type, REL#edge) item.
constexpr const char* kReferenceWriter = R"PY(
import boto3, json, sys, time, uuid
table = boto3.resource("dynamodb").Table(TABLE)
def node(node_id, content):
    table.put_item(Item={"node_id": node_id, "edge_id": "META", "content": content,
                         "metadata": json.dumps({"by": "python"}), "type": "memory_node",
                         "created_at": int(time.time())})
def edge(edge_id, source, target, rtype, created_at):
    common = {"source_id": source, "target_id": target, "relationship_type": rtype,
              "properties": json.dumps({"w": 1}), "created_at": created_at}
    table.put_item(Item={"node_id": source, "edge_id": "OUT#" + edge_id, "direction": "outgoing", **common})
    table.put_item(Item={"node_id": target, "edge_id": "IN#" + edge_id, "direction": "incoming", **common})
    table.put_item(Item={"node_id": rtype, "edge_id": "REL#" + edge_id, **common})
node("py-a", "python node a")
node("py-b", "python node b")
node("py-c", "python node c")
edge("e1", "py-a", "py-b", "KNOWS", 1700000001)
edge("e2", "py-b", "py-c", "KNOWS", 1700000002)
print("ok")
)PY";

TEST_F(DynamoDBGraphTest, ReadsTheReferenceLayoutWithoutDuplicatingEdges) {
  auto written = testing::RunPython("TABLE = '" + table() + "'\n" + kReferenceWriter);
  ASSERT_EQ(written.exit_code, 0) << written.err;

  auto node = store().GetNode("py-a");
  ASSERT_TRUE(node.ok() && node->has_value());
  EXPECT_EQ((*node)->content, "python node a");
  EXPECT_EQ(json::parse((*node)->metadata_json), json({{"by", "python"}}));

  auto by_type = store().GetMemoriesByRelationshipType("KNOWS", {10});
  ASSERT_TRUE(by_type.ok()) << by_type.error().ToString();
  ASSERT_EQ(by_type->size(), 2u);  // the reference itself returns 6 here
  EXPECT_EQ((*by_type)[0].edge.edge_id, "e2");
  EXPECT_EQ((*by_type)[1].source.content, "python node a");
  EXPECT_EQ(json::parse((*by_type)[1].edge.properties_json), json({{"w", 1}}));

  auto related = store().GetRelatedMemories("py-b", {{}, store::Direction::kBoth, 10});
  ASSERT_EQ(related->size(), 2u);
  auto exported = store().ExportAll();
  EXPECT_EQ(exported->nodes.size(), 3u);
  EXPECT_EQ(exported->edges.size(), 2u);
  EXPECT_TRUE(store().Check(false)->problems.empty());

  // Deleting a reference edge removes its REL# item too.
  ASSERT_TRUE(store().DeleteRelationship("e1").ok());
  auto rel = client().GetItem(
      {table(),
       {{"node_id", AttributeValue::S("KNOWS")}, {"edge_id", AttributeValue::S("REL#e1")}}});
  ASSERT_TRUE(rel.ok());
  EXPECT_FALSE(rel->item.has_value());
}

TEST_F(DynamoDBGraphTest, ReferenceReadsWhatWeWrite) {
  ASSERT_TRUE(store().CreateMemoryNode("likes tea", R"({"k":"v"})", "cpp-a").ok());
  ASSERT_TRUE(store().CreateMemoryNode("drinks green tea", "{}", "cpp-b").ok());
  auto edge = store().CreateRelationship("cpp-a", "cpp-b", "RELATED", R"({"weight":0.9})");
  ASSERT_TRUE(edge.ok());
  // The reference's read paths: GetItem META, Query a node's OUT# items, then
  // GetItem each neighbour; GSI query by type.
  const std::string reader = R"PY(
import boto3, json
from boto3.dynamodb.conditions import Key
table = boto3.resource("dynamodb").Table(TABLE)
meta = table.get_item(Key={"node_id": "cpp-a", "edge_id": "META"})["Item"]
assert meta["content"] == "likes tea" and json.loads(meta["metadata"]) == {"k": "v"}, meta
out = table.query(KeyConditionExpression=Key("node_id").eq("cpp-a") & Key("edge_id").begins_with("OUT#"))["Items"]
assert len(out) == 1, out
e = out[0]
assert e["target_id"] == "cpp-b" and e["relationship_type"] == "RELATED" and e["direction"] == "outgoing", e
assert json.loads(e["properties"]) == {"weight": 0.9}, e
neighbour = table.get_item(Key={"node_id": e["target_id"], "edge_id": "META"})["Item"]
assert neighbour["content"] == "drinks green tea"
indexed = table.query(IndexName="RelationshipTypeIndex",
                      KeyConditionExpression=Key("relationship_type").eq("RELATED"))["Items"]
# Both halves carry the index keys, as in the reference's own layout.
assert sorted(i["edge_id"].split("#")[0] for i in indexed) == ["IN", "OUT"], indexed
print("ok")
)PY";
  auto read = testing::RunPython("TABLE = '" + table() + "'\n" + reader);
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "ok\n");
}

// The index entries of a relationship type (both halves of each edge).
std::vector<dynamodb::Item> Indexed(dynamodb::Client& client, const std::string& table,
                                    const std::string& type) {
  dynamodb::QueryRequest query;
  query.table_name = table;
  query.index_name = "RelationshipTypeIndex";
  query.key_condition_expression = "relationship_type = :t";
  query.attributes.values = {{":t", AttributeValue::S(type)}};
  auto all = client.QueryAll(query);
  EXPECT_TRUE(all.ok()) << all.error().ToString();
  return all.ok() ? all->items : std::vector<dynamodb::Item>{};
}

TEST_F(DynamoDBGraphTest, ScopeMembershipAndUnindexedEdgesStayOffTheIndex) {
  for (int i = 0; i < 6; ++i) {
    const std::string id = "m" + std::to_string(i);
    ASSERT_TRUE(store().CreateMemoryNode("memory", "{}", id, i % 2 ? "user:a" : "user:b").ok());
  }
  ASSERT_TRUE(store().CreateRelationship("m0", "m2", "PRIVATE", "{}", {/*indexed=*/false}).ok());
  ASSERT_TRUE(store().CreateRelationship("m0", "m2", "PUBLIC", "{}").ok());
  EXPECT_TRUE(Indexed(client(), table(), "MEM0_SCOPE_MEMBER").empty());
  EXPECT_TRUE(Indexed(client(), table(), "PRIVATE").empty());
  EXPECT_EQ(Indexed(client(), table(), "PUBLIC").size(), 2u);
  EXPECT_EQ(store().ListScope("user:a", 10)->size(), 3u);
  // The items still carry relationship_type, which the reference reads.
  auto member = client().GetItem({table(),
                                  {{"node_id", AttributeValue::S("m1")},
                                   {"edge_id", AttributeValue::S("IN#mem0-scope-member:m1")}},
                                  "",
                                  {},
                                  true});
  ASSERT_TRUE(member.ok() && member->item.has_value());
  EXPECT_EQ(member->item->at("relationship_type").s(), "MEM0_SCOPE_MEMBER");
  EXPECT_FALSE(member->item->count("created_at"));
  EXPECT_TRUE(member->item->count("edge_created_at"));
}

// Scope membership as versions before edge_created_at wrote it: with
// created_at, so on the index. Still listed, exported, checked and deleted.
TEST_F(DynamoDBGraphTest, ReadsAndDeletesOldStyleScopeMembership) {
  auto S = AttributeValue::S;
  auto N = [](const char* number) { return AttributeValue::N(std::string(number)); };
  const std::string scope_node = "mem0#scope#user:old";
  const std::string member = "mem0-scope-member:legacy";
  std::vector<dynamodb::Item> items = {{{"node_id", S(scope_node)},
                                        {"edge_id", S("META")},
                                        {"content", S("user:old")},
                                        {"type", S("scope_node")},
                                        {"metadata", S("{}")},
                                        {"created_at", N("1700000000.000000")}},
                                       {{"node_id", S("legacy")},
                                        {"edge_id", S("META")},
                                        {"content", S("an old memory")},
                                        {"metadata", S("{}")},
                                        {"type", S("memory_node")},
                                        {"scope", S("user:old")},
                                        {"created_at", N("1700000000.000000")}}};
  for (const auto& [node, prefix, direction] :
       {std::tuple{scope_node, "OUT#", "outgoing"},
        std::tuple{std::string("legacy"), "IN#", "incoming"}}) {
    items.push_back({{"node_id", S(node)},
                     {"edge_id", S(prefix + member)},
                     {"source_id", S(scope_node)},
                     {"target_id", S("legacy")},
                     {"relationship_type", S("MEM0_SCOPE_MEMBER")},
                     {"direction", S(direction)},
                     {"properties", S("{}")},
                     {"created_at", N("1700000000.000000")}});
  }
  for (const auto& item : items) ASSERT_TRUE(client().PutItem({table(), item}).ok());
  ASSERT_EQ(Indexed(client(), table(), "MEM0_SCOPE_MEMBER").size(), 2u);
  EXPECT_EQ(*store().GetScopeVersion("user:old"), 0);  // written without one

  ASSERT_TRUE(store().CreateMemoryNode("a new memory", "{}", "newer", "user:old").ok());
  EXPECT_EQ(*store().GetScopeVersion("user:old"), 1);
  auto listed = store().ListScope("user:old", 10);
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].node_id, "legacy");
  EXPECT_EQ((*listed)[1].node_id, "newer");
  auto exported = store().ExportAll("user:old");
  EXPECT_EQ(exported->nodes.size(), 2u);
  EXPECT_TRUE(exported->edges.empty());
  EXPECT_TRUE(store().GetRelatedMemories("legacy", {})->empty());
  EXPECT_EQ(store().Traverse("legacy", {2})->nodes.size(), 1u);
  EXPECT_TRUE(store().Check(false)->problems.empty());

  auto deleted = store().DeleteNode("legacy");
  ASSERT_TRUE(deleted.ok() && *deleted);
  EXPECT_EQ(*store().GetScopeVersion("user:old"), 2);
  EXPECT_TRUE(Indexed(client(), table(), "MEM0_SCOPE_MEMBER").empty());
  for (const auto& [node, sk] :
       {std::pair{scope_node, "OUT#" + member}, std::pair{std::string("legacy"), "IN#" + member}}) {
    auto got =
        client().GetItem({table(), {{"node_id", S(node)}, {"edge_id", S(sk)}}, "", {}, true});
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->item.has_value()) << node << " / " << sk;
  }
  listed = store().ListScope("user:old", 10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].node_id, "newer");
}

TEST_F(DynamoDBGraphTest, ScopeVersionTakesOneRequestEachWay) {
  ASSERT_TRUE(store().CreateMemoryNode("x", "{}", "x", "user:v").ok());
  client().counters().Reset();
  ASSERT_TRUE(store().UpdateNode("x", "y", std::nullopt).ok());
  EXPECT_EQ(client().counters().Get(Operation::kUpdateItem), 2u);  // the node, the bump
  client().counters().Reset();
  auto version = store().GetScopeVersion("user:v");
  ASSERT_TRUE(version.ok()) << version.error().ToString();
  EXPECT_EQ(*version, 2);
  EXPECT_EQ(client().counters().Total(), 1u);
}

TEST(DynamoDBGraphNoGsiTest, ByTypeFallsBackToAScan) {
  testing::GraphFixture fixture("dynamodb", /*enable_gsi=*/false);
  auto& store = *fixture.store;
  ASSERT_TRUE(store.CreateMemoryNode("a", "{}", "a").ok());
  ASSERT_TRUE(store.CreateMemoryNode("b", "{}", "b").ok());
  fixture.clock->Advance(std::chrono::seconds(1));
  auto older = store.CreateRelationship("a", "b", "KNOWS", "{}");
  fixture.clock->Advance(std::chrono::seconds(1));
  auto newer = store.CreateRelationship("b", "a", "KNOWS", "{}");
  auto edges = store.GetMemoriesByRelationshipType("KNOWS", {10});
  ASSERT_TRUE(edges.ok()) << edges.error().ToString();
  ASSERT_EQ(edges->size(), 2u);
  EXPECT_EQ((*edges)[0].edge.edge_id, *newer);
  EXPECT_EQ((*edges)[1].edge.edge_id, *older);
  // Unindexed edges are left out here too.
  ASSERT_TRUE(store.CreateRelationship("a", "b", "KNOWS", "{}", {/*indexed=*/false}).ok());
  EXPECT_EQ(store.GetMemoriesByRelationshipType("KNOWS", {10})->size(), 2u);
}

}  // namespace
}  // namespace mem0
