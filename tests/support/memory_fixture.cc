#include "support/memory_fixture.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "mem0/provision/provisioning.h"
#include "support/test_env.h"

namespace mem0::testing {
namespace {

void Configure(dynamodb::ConnectionConfig& connection) {
  connection.endpoint_url = DynamoDBLocalEndpoint();
  connection.region = "us-east-1";
  connection.aws_access_key_id = "AKIDLOCAL";
  connection.aws_secret_access_key = "local-secret";
}

}  // namespace

MemoryFixture::MemoryFixture(const std::string& engine) : engine_(engine) {
  if (engine == "dynamodb") {
    config.conversation_provider = config.graph_provider = memory::StoreProvider::kDynamoDB;
    conversation_table_ = UniqueName("mem-conv");
    graph_table_ = UniqueName("mem-graph");
    Configure(config.dynamodb_conversation);
    Configure(config.dynamodb_graph);
    config.dynamodb_conversation.table_name = conversation_table_;
    config.dynamodb_graph.table_name = graph_table_;
    auto client = MakeLocalClient();
    provision::TablesConfig tables;
    tables.region = "us-east-1";
    tables.conversation_table = conversation_table_;
    tables.graph_table = graph_table_;
    auto created = provision::CreateDynamoDBTables(*client, tables);
    if (!created.ok()) throw std::runtime_error(created.error().ToString());
  } else {
    db_path_ = "/tmp/" + UniqueName("memory") + ".db";
    config.sqlite_conversation.path = config.sqlite_graph.path = db_path_;
  }
}

MemoryFixture::~MemoryFixture() {
  if (!conversation_table_.empty()) {
    auto client = MakeLocalClient();
    (void)client->DeleteTable(conversation_table_);
    (void)client->DeleteTable(graph_table_);
  }
  if (!db_path_.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path_ + suffix).c_str());
  }
  if (!config_path_.empty()) std::remove(config_path_.c_str());
}

std::unique_ptr<memory::Memory> MemoryFixture::Open() const {
  auto opened = memory::Memory::Open(config);
  if (!opened.ok()) throw std::runtime_error(opened.error().ToString());
  return std::move(opened).value();
}

std::string MemoryFixture::WriteConfigFile() const {
  if (config_path_.empty()) config_path_ = "/tmp/" + UniqueName("memory-config") + ".yaml";
  std::ofstream out(config_path_);
  if (engine_ == "dynamodb") {
    for (const auto& [section, table] : {std::make_pair("conversation_store", conversation_table_),
                                         std::make_pair("graph_store", graph_table_)}) {
      out << section << ":\n  provider: dynamodb\n  config:\n    table_name: " << table
          << "\n    region: us-east-1\n    endpoint_url: " << DynamoDBLocalEndpoint()
          << "\n    aws_access_key_id: AKIDLOCAL\n    aws_secret_access_key: local-secret\n";
    }
  } else {
    out << "conversation_store:\n  provider: sqlite\n  config: {path: \"" << db_path_
        << "\"}\ngraph_store:\n  provider: sqlite\n  config: {path: \"" << db_path_ << "\"}\n";
  }
  return config_path_;
}

}  // namespace mem0::testing
