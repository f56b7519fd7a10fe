// One behaviour, two engines: every GraphStore test here runs against SQLite
// and against DynamoDB Local.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/graph_fixture.h"

namespace mem0 {
namespace {

using nlohmann::json;

class GraphConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { fixture_ = std::make_unique<testing::GraphFixture>(GetParam()); }
  store::GraphStore& store() { return *fixture_->store; }
  void Tick(int ms = 1000) { fixture_->clock->Advance(std::chrono::milliseconds(ms)); }

  std::string Node(const std::string& id, const std::string& content = "",
                   const std::string& scope = "") {
    auto created = store().CreateMemoryNode(content.empty() ? "memory " + id : content,
                                            R"({"id":")" + id + R"("})", id, scope);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    return id;
  }
  std::string Relate(const std::string& a, const std::string& b, const std::string& type,
                     const std::string& properties = "{}") {
    Tick();
    auto edge = store().CreateRelationship(a, b, type, properties);
    EXPECT_TRUE(edge.ok()) << edge.error().ToString();
    return edge.ok() ? *edge : "";
  }

  std::unique_ptr<testing::GraphFixture> fixture_;
};

TEST_P(GraphConformanceTest, NodesRoundTripAndUpdate) {
  auto generated = store().CreateMemoryNode("likes tea", R"({"source":"chat"})");
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  EXPECT_EQ(generated->size(), 36u);  // a UUID
  auto node = store().GetNode(*generated);
  ASSERT_TRUE(node.ok() && node->has_value());
  EXPECT_EQ((*node)->content, "likes tea");
  EXPECT_EQ(json::parse((*node)->metadata_json), json({{"source", "chat"}}));
  EXPECT_DOUBLE_EQ((*node)->created_at, 1700000000.0);
  EXPECT_FALSE((*node)->updated_at.has_value());

  Tick(5000);
  ASSERT_TRUE(store().UpdateNode(*generated, "likes green tea", std::nullopt).ok());
  node = store().GetNode(*generated);
  EXPECT_EQ((*node)->content, "likes green tea");
  EXPECT_EQ(json::parse((*node)->metadata_json), json({{"source", "chat"}}));  // kept
  ASSERT_TRUE((*node)->updated_at.has_value());
  EXPECT_DOUBLE_EQ(*(*node)->updated_at, 1700000005.0);
  ASSERT_TRUE(store().UpdateNode(*generated, std::nullopt, R"({"v":2})").ok());
  EXPECT_EQ(json::parse((*store().GetNode(*generated))->metadata_json), json({{"v", 2}}));

  auto duplicate = store().CreateMemoryNode("again", "{}", *generated);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ((*store().GetNode(*generated))->content, "likes green tea");

  auto missing = store().UpdateNode("nobody", "x", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(store().GetNode("nobody")->has_value());  // nothing half-made
}

TEST_P(GraphConformanceTest, RelationshipsNeedBothNodes) {
  Node("a");
  auto edge = store().CreateRelationship("a", "ghost", "KNOWS", "{}");
  ASSERT_FALSE(edge.ok());
  EXPECT_EQ(edge.error().code, ErrorCode::kNotFound);
  EXPECT_NE(edge.error().message.find("ghost"), std::string::npos);
  edge = store().CreateRelationship("ghost", "a", "KNOWS", "{}");
  ASSERT_FALSE(edge.ok());
  EXPECT_NE(edge.error().message.find("source"), std::string::npos);
  auto related = store().GetRelatedMemories("a", {});
  ASSERT_TRUE(related.ok()) << related.error().ToString();
  EXPECT_TRUE(related->empty());
}

TEST_P(GraphConformanceTest, RelatedMemoriesByDirectionAndType) {
  Node("a");
  Node("b");
  Node("c");
  Node("d");
  const std::string ab = Relate("a", "b", "LIKES", R"({"weight":0.5})");
  const std::string ca = Relate("c", "a", "KNOWS");
  const std::string ad = Relate("a", "d", "KNOWS");

  auto out = store().GetRelatedMemories("a", {{}, store::Direction::kOutgoing, 10});
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  std::set<std::string> ids;
  for (const auto& r : *out) {
    ids.insert(r.node_id);
    EXPECT_EQ(r.direction, "outgoing");
  }
  EXPECT_EQ(ids, (std::set<std::string>{"b", "d"}));

  auto in = store().GetRelatedMemories("a", {{}, store::Direction::kIncoming, 10});
  ASSERT_EQ(in->size(), 1u);
  EXPECT_EQ((*in)[0].node_id, "c");
  EXPECT_EQ((*in)[0].direction, "incoming");
  EXPECT_EQ((*in)[0].edge_id, ca);
  EXPECT_EQ((*in)[0].relationship, "KNOWS");
  EXPECT_EQ((*in)[0].content, "memory c");
  EXPECT_EQ(json::parse((*in)[0].metadata_json), json({{"id", "c"}}));

  auto likes = store().GetRelatedMemories("a", {{"LIKES"}, store::Direction::kBoth, 10});
  ASSERT_EQ(likes->size(), 1u);
  EXPECT_EQ((*likes)[0].edge_id, ab);
  EXPECT_EQ(json::parse((*likes)[0].edge_properties_json), json({{"weight", 0.5}}));

  auto knows = store().GetRelatedMemories("a", {{"KNOWS"}, store::Direction::kBoth, 10});
  EXPECT_EQ(knows->size(), 2u);
  auto both = store().GetRelatedMemories("a", {{}, store::Direction::kBoth, 10});
  EXPECT_EQ(both->size(), 3u);
  (void)ad;
}

// The reference applies Limit before filtering and finds none of these.
TEST_P(GraphConformanceTest, FiltersNeverCutResultsShort) {
  Node("hub");
  for (int i = 0; i < 40; ++i) {
    const std::string id = "n" + std::to_string(i);
    Node(id);
    Relate("hub", id, i % 8 == 7 ? "RARE" : "COMMON");
  }
  auto rare = store().GetRelatedMemories("hub", {{"RARE"}, store::Direction::kOutgoing, 5});
  ASSERT_TRUE(rare.ok());
  EXPECT_EQ(rare->size(), 5u);
  auto limited = store().GetRelatedMemories("hub", {{}, store::Direction::kBoth, 7});
  EXPECT_EQ(limited->size(), 7u);
  // Both engines pick the same 7: in edge id order (incoming ones first).
  auto all = store().GetRelatedMemories("hub", {{}, store::Direction::kBoth, 100});
  std::vector<std::string> ids;
  for (const auto& r : *all) ids.push_back(r.edge_id);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  for (size_t i = 0; i < limited->size(); ++i) EXPECT_EQ((*limited)[i].edge_id, ids[i]);
  auto by_type = store().GetMemoriesByRelationshipType("RARE", {3});
  ASSERT_TRUE(by_type.ok()) << by_type.error().ToString();
  EXPECT_EQ(by_type->size(), 3u);
}

TEST_P(GraphConformanceTest, SelfLoopsAreReturnedOnceAndDuplicatesAllowed) {
  Node("a");
  Node("b");
  const std::string loop = Relate("a", "a", "REMINDS");
  auto related = store().GetRelatedMemories("a", {{}, store::Direction::kBoth, 10});
  ASSERT_EQ(related->size(), 1u);
  EXPECT_EQ((*related)[0].edge_id, loop);
  EXPECT_EQ((*related)[0].node_id, "a");
  EXPECT_EQ((*related)[0].direction, "outgoing");

  const std::string first = Relate("a", "b", "KNOWS");
  const std::string second = Relate("a", "b", "KNOWS");
  EXPECT_NE(first, second);
  EXPECT_EQ(store().GetRelatedMemories("a", {{"KNOWS"}, store::Direction::kOutgoing, 10})->size(),
            2u);
  ASSERT_TRUE(store().DeleteNode("a").ok());
  EXPECT_TRUE(store().GetRelatedMemories("b", {{}, store::Direction::kBoth, 10})->empty());
}

TEST_P(GraphConformanceTest, ByRelationshipTypeNewestFirstOnceEachWithTimeRange) {
  Node("a");
  Node("b");
  Node("c");
  const std::string first = Relate("a", "b", "KNOWS");   // t = +1 s
  const std::string second = Relate("b", "c", "KNOWS");  // t = +2 s
  const std::string third = Relate("c", "a", "KNOWS");   // t = +3 s
  Relate("a", "c", "OTHER");
  auto edges = store().GetMemoriesByRelationshipType("KNOWS", {10});
  ASSERT_TRUE(edges.ok()) << edges.error().ToString();
  ASSERT_EQ(edges->size(), 3u);
  EXPECT_EQ((*edges)[0].edge.edge_id, third);
  EXPECT_EQ((*edges)[1].edge.edge_id, second);
  EXPECT_EQ((*edges)[2].edge.edge_id, first);
  EXPECT_EQ((*edges)[2].source.node_id, "a");
  EXPECT_EQ((*edges)[2].target.content, "memory b");
  EXPECT_EQ((*edges)[0].edge.relationship_type, "KNOWS");

  store::TypeQuery window{10, 1700000001.5, 1700000002.5};
  auto ranged = store().GetMemoriesByRelationshipType("KNOWS", window);
  ASSERT_EQ(ranged->size(), 1u);
  EXPECT_EQ((*ranged)[0].edge.edge_id, second);
}

TEST_P(GraphConformanceTest, DeleteRelationshipAndNode) {
  Node("a");
  Node("b");
  Node("c");
  const std::string ab = Relate("a", "b", "KNOWS");
  Relate("c", "a", "KNOWS");
  ASSERT_TRUE(store().DeleteRelationship(ab).ok());
  EXPECT_TRUE(store().GetRelatedMemories("b", {})->empty());
  auto again = store().DeleteRelationship(ab);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);

  auto deleted = store().DeleteNode("a");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(store().GetNode("a")->has_value());
  EXPECT_TRUE(store().GetRelatedMemories("c", {})->empty());
  EXPECT_TRUE(store().GetMemoriesByRelationshipType("KNOWS", {10})->empty());
  EXPECT_FALSE(*store().DeleteNode("a"));  // nothing left
  auto report = store().Check(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
}

TEST_P(GraphConformanceTest, TraverseReturnsSubgraphWithoutDuplicates) {
  for (const char* id : {"a", "b", "c", "d", "e"}) Node(id);
  Relate("a", "b", "NEXT");
  Relate("b", "c", "NEXT");
  Relate("c", "d", "NEXT");
  Relate("b", "a", "BACK");  // a cycle
  Relate("e", "a", "POINTS");
  auto one = store().Traverse("a", {1, store::Direction::kOutgoing});
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  std::set<std::string> nodes;
  for (const auto& n : one->nodes) nodes.insert(n.node_id);
  EXPECT_EQ(nodes, (std::set<std::string>{"a", "b"}));

  auto two = store().Traverse("a", {2, store::Direction::kBoth});
  nodes.clear();
  for (const auto& n : two->nodes) nodes.insert(n.node_id);
  EXPECT_EQ(nodes, (std::set<std::string>{"a", "b", "c", "e"}));
  std::set<std::string> edges;
  for (const auto& e : two->edges) EXPECT_TRUE(edges.insert(e.edge_id).second) << "duplicate edge";
  EXPECT_EQ(two->nodes.size(), nodes.size());
  EXPECT_EQ(edges.size(), 4u);  // a-b, b-a, b-c, e-a

  auto typed = store().Traverse("a", {3, store::Direction::kOutgoing, {"NEXT"}});
  EXPECT_EQ(typed->nodes.size(), 4u);
  EXPECT_EQ(typed->edges.size(), 3u);

  auto missing = store().Traverse("nobody", {1});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(GraphConformanceTest, ExportAsJsonAndDot) {
  Node("a", "likes \"tea\"");
  Node("b");
  Relate("a", "b", "KNOWS", R"({"since":2020})");
  auto all = store().ExportAll();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->nodes.size(), 2u);
  ASSERT_EQ(all->edges.size(), 1u);
  json exported = json::parse(store::SubgraphToJson(*all));
  EXPECT_EQ(exported["nodes"].size(), 2u);
  EXPECT_EQ(exported["edges"][0]["properties"]["since"], 2020);
  const std::string dot = store::SubgraphToDot(*all);
  EXPECT_TRUE(dot.starts_with("digraph mem0 {"));
  EXPECT_NE(dot.find(R"("a" -> "b" [label="KNOWS"])"), std::string::npos) << dot;
  EXPECT_NE(dot.find(R"(label="likes \"tea\"")"), std::string::npos) << dot;
}

TEST_P(GraphConformanceTest, ScopesKeepMemoriesApart) {
  Node("alice-1", "alice likes tea", "user:alice");
  Node("alice-2", "alice works at night", "user:alice");
  Node("bob-1", "bob likes coffee", "user:bob");
  Relate("alice-1", "alice-2", "RELATED");
  Relate("alice-1", "bob-1", "RELATED");  // crosses scopes

  auto alice = store().ListScope("user:alice", 10);
  ASSERT_TRUE(alice.ok()) << alice.error().ToString();
  ASSERT_EQ(alice->size(), 2u);
  EXPECT_EQ((*alice)[0].node_id, "alice-1");
  EXPECT_EQ((*alice)[1].node_id, "alice-2");
  auto page = store().ListScope("user:alice", 1, "alice-1");
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].node_id, "alice-2");
  EXPECT_EQ(store().ListScope("user:bob", 10)->size(), 1u);

  store::RelatedQuery scoped{{}, store::Direction::kBoth, 10, "user:alice"};
  auto related = store().GetRelatedMemories("alice-1", scoped);
  ASSERT_EQ(related->size(), 1u);
  EXPECT_EQ((*related)[0].node_id, "alice-2");
  EXPECT_EQ(store().GetRelatedMemories("alice-1", {})->size(), 2u);  // unscoped sees both

  auto by_type = store().GetMemoriesByRelationshipType("RELATED", {10, {}, {}, "user:alice"});
  ASSERT_EQ(by_type->size(), 1u);
  auto traversed = store().Traverse("alice-1", {3, store::Direction::kBoth, {}, "user:alice"});
  EXPECT_EQ(traversed->nodes.size(), 2u);
  auto exported = store().ExportAll("user:bob");
  ASSERT_EQ(exported->nodes.size(), 1u);
  EXPECT_TRUE(exported->edges.empty());
  // Scope membership is internal: it never shows up as a relationship.
  EXPECT_EQ(store().ExportAll()->edges.size(), 2u);
  EXPECT_TRUE(
      store().GetMemoriesByRelationshipType("RELATED", {10, {}, {}, "user:carol"})->empty());
}

TEST_P(GraphConformanceTest, ConcurrentCreationInOneScope) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto created = store().CreateMemoryNode("memory", "{}", id, "user:shared");
        if (!created.ok()) {
          ++failures;
          ADD_FAILURE() << created.error().ToString();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto listed = store().ListScope("user:shared", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 40u);
}

TEST_P(GraphConformanceTest, BadInputIsRejectedAndWritesNothing) {
  Node("a");
  auto expect_invalid = [](const auto& result, const std::string& field) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(result.error().message.find(field), std::string::npos) << result.error().message;
  };
  expect_invalid(store().CreateMemoryNode("x", "[1]", "m1"), "metadata");
  expect_invalid(store().CreateMemoryNode("x", "{}", std::string(1001, 'k')), "node_id");
  expect_invalid(store().CreateMemoryNode("bad \xff utf8", "{}", "m2"), "content");
  expect_invalid(store().CreateMemoryNode("x", "{}", "mem0#internal"), "node_id");
  expect_invalid(store().CreateRelationship("a", "a", "", "{}"), "relationship_type");
  expect_invalid(store().CreateRelationship("a", "a", "T", "not json"), "properties");
  expect_invalid(store().CreateRelationship("", "a", "T", "{}"), "node_id");
  expect_invalid(store().UpdateNode("a", std::nullopt, "[]"), "metadata");
  // 30,000 levels (60 KB, under the size cap) once overflowed the stack.
  const std::string deep = R"({"a":)" + std::string(30000, '[') + std::string(30000, ']') + "}";
  expect_invalid(store().CreateMemoryNode("x", deep, "m3"), "metadata");
  expect_invalid(store().UpdateNode("a", std::nullopt, deep), "metadata");
  expect_invalid(store().CreateRelationship("a", "a", "T", deep), "properties");
  expect_invalid(store().DeleteRelationship("mem0-scope-member:a"), "edge_id");
  expect_invalid(store().GetScopeVersion(""), "scope");
  expect_invalid(store().GetScopeVersion("bad \xff utf8"), "scope");
  EXPECT_FALSE(store().GetNode("m1")->has_value());
  EXPECT_FALSE(store().GetNode("m2")->has_value());
  EXPECT_FALSE(store().GetNode("m3")->has_value());
  EXPECT_TRUE(store().GetRelatedMemories("a", {})->empty());
  EXPECT_EQ(json::parse((*store().GetNode("a"))->metadata_json), json({{"id", "a"}}));
}

TEST_P(GraphConformanceTest, ScopeVersionGrowsAfterEveryWriteToTheScope) {
  auto version = [&](const std::string& scope) {
    auto got = store().GetScopeVersion(scope);
    EXPECT_TRUE(got.ok()) << got.error().ToString();
    return got.ok() ? *got : -1;
  };
  EXPECT_EQ(version("user:alice"), 0);  // never written
  int64_t last = 0;
  auto grew = [&](const char* after) {
    const int64_t now = version("user:alice");
    EXPECT_GT(now, last) << "after " << after;
    last = now;
  };
  Node("a1", "", "user:alice");
  grew("create");
  Node("a2", "", "user:alice");
  grew("second create");
  ASSERT_TRUE(store().UpdateNode("a1", "changed", std::nullopt).ok());
  grew("update");
  ASSERT_TRUE(store().UpdateNode("a1", std::nullopt, R"({"k":1})").ok());
  grew("metadata update");

  // Writes elsewhere, failed writes and relationships leave it alone.
  Node("b1", "", "user:bob");
  Node("free");
  ASSERT_TRUE(store().UpdateNode("b1", "x", std::nullopt).ok());
  ASSERT_TRUE(store().UpdateNode("free", "x", std::nullopt).ok());
  EXPECT_FALSE(store().CreateMemoryNode("dup", "{}", "a1", "user:alice").ok());
  EXPECT_FALSE(store().UpdateNode("nobody", "x", std::nullopt).ok());
  ASSERT_FALSE(Relate("a1", "a2", "KNOWS").empty());
  EXPECT_FALSE(*store().DeleteNode("nobody"));
  EXPECT_EQ(version("user:alice"), last);
  EXPECT_GT(version("user:bob"), 0);

  ASSERT_TRUE(*store().DeleteNode("a2"));
  grew("delete");
  EXPECT_FALSE(*store().DeleteNode("a2"));  // nothing left to delete
  EXPECT_EQ(version("user:alice"), last);
  EXPECT_EQ(version("user:carol"), 0);
}

TEST_P(GraphConformanceTest, UnindexedEdgesAreEverywhereButTheTypeQuery) {
  Node("a", "", "user:u");
  Node("b", "", "user:u");
  Node("c", "", "user:u");
  const std::string indexed = Relate("a", "b", "SEES");
  Tick();
  auto hidden = store().CreateRelationship("a", "c", "SEES", R"({"w":1})",
                                           store::EdgeOptions{/*indexed=*/false});
  ASSERT_TRUE(hidden.ok()) << hidden.error().ToString();
  Tick();
  auto self = store().CreateRelationship("c", "c", "INTERNAL", "{}", store::EdgeOptions{false});
  ASSERT_TRUE(self.ok()) << self.error().ToString();

  // Not by type (whatever the time range), ...
  auto by_type = store().GetMemoriesByRelationshipType("SEES", {10});
  ASSERT_TRUE(by_type.ok()) << by_type.error().ToString();
  ASSERT_EQ(by_type->size(), 1u);
  EXPECT_EQ((*by_type)[0].edge.edge_id, indexed);
  EXPECT_TRUE(store().GetMemoriesByRelationshipType("INTERNAL", {10})->empty());
  EXPECT_TRUE(store().GetMemoriesByRelationshipType("INTERNAL", {10, 0.0, 4e9, "user:u"})->empty());

  // ... but everywhere else, with their properties and time.
  auto related = store().GetRelatedMemories("a", {{"SEES"}, store::Direction::kOutgoing, 10});
  ASSERT_TRUE(related.ok());
  ASSERT_EQ(related->size(), 2u);
  std::set<std::string> neighbours = {(*related)[0].node_id, (*related)[1].node_id};
  EXPECT_EQ(neighbours, (std::set<std::string>{"b", "c"}));
  auto to_c = store().GetRelatedMemories("c", {{}, store::Direction::kBoth, 10});
  ASSERT_EQ(to_c->size(), 2u);  // the incoming SEES and the self-loop
  auto traversed = store().Traverse("a", {2, store::Direction::kBoth, {}, "user:u"});
  ASSERT_TRUE(traversed.ok());
  EXPECT_EQ(traversed->nodes.size(), 3u);
  EXPECT_EQ(traversed->edges.size(), 3u);
  auto exported = store().ExportAll("user:u");
  ASSERT_TRUE(exported.ok());
  ASSERT_EQ(exported->edges.size(), 3u);
  for (const auto& edge : exported->edges) {
    if (edge.edge_id != *hidden) continue;
    EXPECT_EQ(edge.relationship_type, "SEES");
    EXPECT_EQ(json::parse(edge.properties_json), json({{"w", 1}}));
    EXPECT_DOUBLE_EQ(edge.created_at, 1700000002.0);
  }
  auto report = store().Check(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());

  // Deleted like any other.
  ASSERT_TRUE(store().DeleteRelationship(*hidden).ok());
  EXPECT_EQ(store().GetRelatedMemories("a", {})->size(), 1u);
  EXPECT_EQ(store().DeleteRelationship(*hidden).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(*store().DeleteNode("c"));
  EXPECT_EQ(store().ExportAll()->edges.size(), 1u);
  report = store().Check(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
}

TEST_P(GraphConformanceTest, PutNodeAndPutEdgeKeepIdsAndTimesAndAreUpserts) {
  store::MemoryNode a{"a", "memory a", R"({"k":1})", "user:alice", 1600000000.25, 1600000001.5};
  store::MemoryNode b{"b", "memory b", "{}", "", 1600000002.0, std::nullopt};
  ASSERT_TRUE(store().PutNode(a).ok());
  ASSERT_TRUE(store().PutNode(a).ok());
  ASSERT_TRUE(store().PutNode(b).ok());
  store::Edge knows{"e1", "a", "b", "knows", R"({"since":2020})", 1600000003.5, true};
  store::Edge quiet{"e2", "a", "a", "quiet", "{}", 1600000004.0, false};
  ASSERT_TRUE(store().PutEdge(knows).ok());
  ASSERT_TRUE(store().PutEdge(knows).ok());
  ASSERT_TRUE(store().PutEdge(quiet).ok());

  auto all = store().ExportAll();
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->nodes.size(), 2u);
  EXPECT_EQ(all->nodes[0].node_id, "a");
  EXPECT_EQ(all->nodes[0].scope, "user:alice");
  EXPECT_DOUBLE_EQ(all->nodes[0].created_at, 1600000000.25);
  EXPECT_EQ(all->nodes[0].updated_at, 1600000001.5);
  EXPECT_FALSE(all->nodes[1].updated_at.has_value());
  ASSERT_EQ(all->edges.size(), 2u);
  EXPECT_EQ(all->edges[0].edge_id, "e1");
  EXPECT_DOUBLE_EQ(all->edges[0].created_at, 1600000003.5);
  EXPECT_EQ(json::parse(all->edges[0].properties_json), json({{"since", 2020}}));
  EXPECT_TRUE(all->edges[0].indexed);
  EXPECT_FALSE(all->edges[1].indexed);
  // The scope sees the node; the type index only the indexed edge.
  auto listed = store().ListScope("user:alice", 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  auto by_type = store().GetMemoriesByRelationshipType("knows", {});
  ASSERT_TRUE(by_type.ok());
  EXPECT_EQ(by_type->size(), 1u);
  EXPECT_TRUE(store().GetMemoriesByRelationshipType("quiet", {})->empty());

  // Upserts replace content and times; a scope or endpoints that differ are
  // refused; edges need their nodes.
  a.content = "memory a, changed";
  a.updated_at.reset();
  ASSERT_TRUE(store().PutNode(a).ok());
  auto node = store().GetNode("a");
  EXPECT_EQ((*node)->content, "memory a, changed");
  EXPECT_FALSE((*node)->updated_at.has_value());
  a.scope = "user:bob";
  EXPECT_EQ(store().PutNode(a).error().code, ErrorCode::kAlreadyExists);
  knows.properties_json = R"({"since":2021})";
  ASSERT_TRUE(store().PutEdge(knows).ok());
  auto related = store().GetRelatedMemories("b", {});
  ASSERT_TRUE(related.ok());
  ASSERT_EQ(related->size(), 1u);
  EXPECT_EQ(json::parse((*related)[0].edge_properties_json), json({{"since", 2021}}));
  knows.target_id = "a";
  EXPECT_EQ(store().PutEdge(knows).error().code, ErrorCode::kAlreadyExists);
  store::Edge dangling{"e3", "a", "nobody", "knows", "{}", 1.0, true};
  EXPECT_EQ(store().PutEdge(dangling).error().code, ErrorCode::kNotFound);
  store::MemoryNode bad{"", "x", "{}", "", 1.0, std::nullopt};
  EXPECT_EQ(store().PutNode(bad).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store().ExportAll()->edges.size(), 2u);
  auto report = store().Check(false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
}

// More nodes and edges than one page (SQLite) or one batch of reads
// (DynamoDB), written from four threads in no particular order.
TEST_P(GraphConformanceTest, ForEachVisitsEveryNodeAndEdgeInIdOrderAPageAtATime) {
  constexpr int kNodes = 310;
  auto id_of = [](int i) {
    char id[8];
    std::snprintf(id, sizeof id, "n%03d", (i * 7) % kNodes);  // 7 is prime to 310
    return std::string(id);
  };
  std::vector<std::thread> writers;
  std::atomic<int> failures = 0;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t; i < kNodes; i += 4) {
        const std::string scope = i % 2 ? "user:odd" : "";
        if (!store().CreateMemoryNode("memory " + id_of(i), "{}", id_of(i), scope).ok()) ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  writers.clear();
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t; i < kNodes; i += 4) {
        store::EdgeOptions options{/*indexed=*/i != 5};
        if (!store().CreateRelationship(id_of(i), id_of(i + 1), "NEXT", "{}", options).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  ASSERT_EQ(failures, 0);

  std::vector<std::string> nodes;
  auto walked = store().ForEachNode([&](const store::MemoryNode& node) -> Status {
    EXPECT_EQ(node.content, "memory " + node.node_id);
    // The store is usable from inside the walk.
    auto again = store().GetNode(node.node_id);
    EXPECT_TRUE(again.ok() && again->has_value());
    nodes.push_back(node.node_id);
    return {};
  });
  ASSERT_TRUE(walked.ok()) << walked.error().ToString();
  ASSERT_EQ(nodes.size(), static_cast<size_t>(kNodes));
  EXPECT_TRUE(std::is_sorted(nodes.begin(), nodes.end()));
  EXPECT_EQ(std::set<std::string>(nodes.begin(), nodes.end()).size(), nodes.size());

  std::vector<store::Edge> edges;
  walked = store().ForEachEdge([&](const store::Edge& edge) -> Status {
    edges.push_back(edge);
    return {};
  });
  ASSERT_TRUE(walked.ok()) << walked.error().ToString();
  ASSERT_EQ(edges.size(), static_cast<size_t>(kNodes));  // no scope bookkeeping among them
  EXPECT_TRUE(std::is_sorted(edges.begin(), edges.end(),
                             [](const auto& a, const auto& b) { return a.edge_id < b.edge_id; }));
  int unindexed = 0;
  for (const auto& edge : edges) unindexed += edge.indexed ? 0 : 1;
  EXPECT_EQ(unindexed, 1);
  auto all = store().ExportAll();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->edges.size(), edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    EXPECT_EQ(all->edges[i].edge_id, edges[i].edge_id);
    EXPECT_EQ(all->edges[i].source_id, edges[i].source_id);
    EXPECT_EQ(all->edges[i].target_id, edges[i].target_id);
    EXPECT_DOUBLE_EQ(all->edges[i].created_at, edges[i].created_at);
  }

  // The visitor's first error ends the walk and is returned.
  int visited = 0;
  walked = store().ForEachNode([&](const store::MemoryNode&) -> Status {
    if (++visited == 5) return MakeError(ErrorCode::kStorageError, "sink full");
    return {};
  });
  ASSERT_FALSE(walked.ok());
  EXPECT_EQ(walked.error().message, "sink full");
  EXPECT_EQ(visited, 5);
}

INSTANTIATE_TEST_SUITE_P(Engines, GraphConformanceTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mem0
