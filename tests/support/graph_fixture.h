// Opens a fresh GraphStore of either engine for a test: SQLite on a temp
// file, or DynamoDB Local with a new table (and the GSI) per test.
#ifndef MEM0_TESTS_SUPPORT_GRAPH_FIXTURE_H_
#define MEM0_TESTS_SUPPORT_GRAPH_FIXTURE_H_

#include <memory>
#include <string>

#include "mem0/store/graph_store.h"
#include "support/test_env.h"

namespace mem0::testing {

struct GraphFixture {
  std::shared_ptr<dynamodb::Client> client;  // DynamoDB engine only
  std::string table;                         // DynamoDB engine only
  std::string db_path;                       // SQLite engine only
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::unique_ptr<store::GraphStore> store;

  // engine: "sqlite" or "dynamodb"
  explicit GraphFixture(const std::string& engine, bool enable_gsi = true);
  ~GraphFixture();
};

// Creates the graph table (node_id/edge_id, GSI RelationshipTypeIndex).
void CreateGraphTable(dynamodb::Client& client, const std::string& table, bool with_gsi = true);

}  // namespace mem0::testing

#endif  // MEM0_TESTS_SUPPORT_GRAPH_FIXTURE_H_
