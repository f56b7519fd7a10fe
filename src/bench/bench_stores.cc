// Fresh stores for one benchmark run: a temporary SQLite file, or a pair of
// DynamoDB tables created for the run; both are removed afterwards.
#include <cstdio>
#include <cstdlib>

#include "bench/bench.h"
#include "core/url.h"
#include "core/uuid.h"
#include "mem0/provision/provisioning.h"

namespace mem0::bench {

Result<MemoryBenchStores> MemoryBenchStores::Create(const std::string& engine,
                                                    const std::string& endpoint_url,
                                                    const std::string& region) {
  MemoryBenchStores setup;
  const std::string run = NewUuid().substr(0, 8);
  if (engine == "dynamodb") {
    dynamodb::ClientConfig client_config;
    client_config.endpoint_url = endpoint_url;
    client_config.region = region.empty() ? "us-east-1" : region;
    // DynamoDB Local accepts any key; AWS needs the credential chain.
    if (IsLoopbackHost(HostOfUrl(endpoint_url)) && !std::getenv("AWS_ACCESS_KEY_ID")) {
      client_config.access_key_id = "AKIDBENCH";
      client_config.secret_access_key = "bench";
    }
    MEM0_ASSIGN_OR_RETURN(auto client, dynamodb::Client::Create(client_config));
    setup.client = std::move(client);
    provision::TablesConfig tables;
    tables.region = setup.client->region();
    tables.conversation_table = "Mem0BenchMemoryConversations-" + run;
    tables.graph_table = "Mem0BenchMemoryGraph-" + run;
    MEM0_RETURN_IF_ERROR(provision::CreateDynamoDBTables(*setup.client, tables).status());
    auto& config = setup.config;
    config.conversation_provider = config.graph_provider = memory::StoreProvider::kDynamoDB;
    config.dynamodb_conversation.client = config.dynamodb_graph.client = setup.client;
    config.dynamodb_conversation.table_name = tables.conversation_table;
    config.dynamodb_graph.table_name = tables.graph_table;
  } else {
    setup.db_path = "/tmp/mem0-bench-memory-" + run + ".db";
    setup.config.sqlite_conversation.path = setup.config.sqlite_graph.path = setup.db_path;
  }
  return setup;
}

MemoryBenchStores::~MemoryBenchStores() {
  if (client) {
    (void)client->DeleteTable(config.dynamodb_conversation.table_name);
    (void)client->DeleteTable(config.dynamodb_graph.table_name);
  }
  if (!db_path.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path + suffix).c_str());
  }
}

}  // namespace mem0::bench
