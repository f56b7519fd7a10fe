#include "support/graph_fixture.h"

#include <cstdio>
#include <stdexcept>

namespace mem0::testing {

void CreateGraphTable(dynamodb::Client& client, const std::string& table, bool with_gsi) {
  dynamodb::CreateTableRequest request;
  request.table_name = table;
  request.hash_key = {"node_id", dynamodb::ScalarType::kS};
  request.range_key = dynamodb::KeyElement{"edge_id", dynamodb::ScalarType::kS};
  if (with_gsi) {
    request.global_secondary_indexes.push_back(
        {"RelationshipTypeIndex",
         {"relationship_type", dynamodb::ScalarType::kS},
         dynamodb::KeyElement{"created_at", dynamodb::ScalarType::kN},
         "ALL"});
  }
  auto created = client.CreateTable(request);
  if (!created.ok()) throw std::runtime_error(created.error().ToString());
  auto active = client.WaitUntilActive(table, std::chrono::seconds(30));
  if (!active.ok()) throw std::runtime_error(active.error().ToString());
}

GraphFixture::GraphFixture(const std::string& engine, bool enable_gsi) {
  if (engine == "dynamodb") {
    client = std::shared_ptr<dynamodb::Client>(MakeLocalClient().release());
    table = UniqueName("graph");
    CreateGraphTable(*client, table, enable_gsi);
    store::DynamoDBGraphConfig config;
    config.table_name = table;
    config.client = client;
    config.clock = clock;
    config.enable_gsi = enable_gsi;
    auto opened = store::MakeDynamoDBGraphStore(config);
    if (!opened.ok()) throw std::runtime_error(opened.error().ToString());
    store = std::move(opened).value();
  } else {
    db_path = "/tmp/" + UniqueName("graph") + ".db";
    store::SqliteGraphConfig config;
    config.path = db_path;
    config.clock = clock;
    auto opened = store::MakeSqliteGraphStore(config);
    if (!opened.ok()) throw std::runtime_error(opened.error().ToString());
    store = std::move(opened).value();
  }
}

GraphFixture::~GraphFixture() {
  store.reset();
  if (client) (void)client->DeleteTable(table);
  if (!db_path.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path + suffix).c_str());
  }
}

}  // namespace mem0::testing
