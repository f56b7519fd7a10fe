// Items the graph store did not write, in its table (another writer, a
// hand edit, `mem0 ddb PutItem`): check, export and reads give results or
// errors, never an exception (issue 10, item 1: an item
// {"node_id":"abc","edge_id":"EDGE"} once threw std::out_of_range from
// substr in `graph check`).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/graph_fixture.h"

namespace mem0 {
namespace {

using dynamodb::AttributeValue;
using dynamodb::Item;

Item Raw(const std::string& node_id, const std::string& edge_id) {
  return {{"node_id", AttributeValue::S(node_id)}, {"edge_id", AttributeValue::S(edge_id)}};
}

TEST(DynamoDBGraphForeignItems, CheckExportAndReadsSurviveForeignItems) {
  testing::GraphFixture fixture("dynamodb");
  store::GraphStore& store = *fixture.store;
  ASSERT_TRUE(store.CreateMemoryNode("a node", "{}", "n1").ok());
  // Sort keys that look like the store's own prefixes with nothing (or
  // something odd) after them, and a locator-shaped key without its prefix.
  const std::vector<Item> foreign = {
      Raw("abc", "EDGE"),
      Raw("mem0#edge#", "EDGE"),
      Raw("mem0#", "EDGE"),
      Raw("x", "OUT#"),
      Raw("x", "IN#"),
      Raw("x", "REL#"),
      Raw("x", "OUT"),
      Raw("n1", "OUT#e-missing"),
      {{"node_id", AttributeValue::S("y")},
       {"edge_id", AttributeValue::S("OUT#e2")},
       {"source_id", AttributeValue::N("5")},
       {"target_id", AttributeValue::L({})}},
  };
  for (const Item& item : foreign) {
    auto put = fixture.client->PutItem({.table_name = fixture.table, .item = item});
    ASSERT_TRUE(put.ok()) << put.error().ToString();
  }

  auto report = store.Check(false);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->problems.empty());  // the dangling halves are reported
  auto repaired = store.Check(true);
  ASSERT_TRUE(repaired.ok()) << repaired.error().ToString();

  // Whatever the export and reads make of them, they answer.
  auto exported = store.ExportAll();
  if (!exported.ok()) EXPECT_FALSE(exported.error().message.empty());
  auto related = store.GetRelatedMemories("n1", {});
  if (!related.ok()) EXPECT_FALSE(related.error().message.empty());
  auto node = store.GetNode("abc");
  if (!node.ok()) EXPECT_FALSE(node.error().message.empty());
}

}  // namespace
}  // namespace mem0
