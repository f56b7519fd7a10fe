// The configuration of mem0's DynamoDB module README, in C++: conversation
// history and the memory graph in DynamoDB, then the Memory API on them.
//
//   memory_dynamodb                 AWS (credentials from the usual chain)
//   memory_dynamodb ENDPOINT_URL    e.g. DynamoDB Local: http://127.0.0.1:8000;
//                                   creates the tables when missing and uses
//                                   placeholder keys unless AWS_ACCESS_KEY_ID is set
#include <cstdlib>
#include <iostream>
#include <string>

#include "mem0/memory/memory.h"
#include "mem0/provision/provisioning.h"

namespace memory = mem0::memory;
namespace store = mem0::store;

namespace {

int Fail(const char* what, const mem0::Error& error) {
  std::cerr << what << " failed: " << error.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Configure DynamoDB for conversation history.
  store::DynamoDBConversationConfig conversation_config;
  conversation_config.table_name = "Mem0Conversations";
  conversation_config.region = "us-east-1";
  conversation_config.ttl_enabled = true;
  conversation_config.ttl_days = 30;

  // Configure DynamoDB for the graph.
  store::DynamoDBGraphConfig graph_config;
  graph_config.table_name = "Mem0Graph";
  graph_config.region = "us-east-1";
  graph_config.enable_gsi = true;

  if (argc > 1) {
    for (mem0::dynamodb::ConnectionConfig* connection :
         {static_cast<mem0::dynamodb::ConnectionConfig*>(&conversation_config),
          static_cast<mem0::dynamodb::ConnectionConfig*>(&graph_config)}) {
      connection->endpoint_url = argv[1];
      if (std::getenv("AWS_ACCESS_KEY_ID") == nullptr) {
        connection->aws_access_key_id = "local";
        connection->aws_secret_access_key = "local";
      }
    }
    mem0::dynamodb::ClientConfig client_config;
    client_config.endpoint_url = argv[1];
    client_config.region = "us-east-1";
    client_config.access_key_id = conversation_config.aws_access_key_id;
    client_config.secret_access_key = conversation_config.aws_secret_access_key;
    auto client = mem0::dynamodb::Client::Create(client_config);
    if (!client.ok()) return Fail("connecting", client.error());
    mem0::provision::TablesConfig tables;
    tables.region = "us-east-1";
    tables.ttl_enabled = true;
    auto created = mem0::provision::CreateDynamoDBTables(**client, tables);
    if (!created.ok()) return Fail("creating the tables", created.error());
  }

  // Create the memory config with DynamoDB providers.
  memory::MemoryConfig config;
  config.conversation_provider = memory::StoreProvider::kDynamoDB;
  config.dynamodb_conversation = conversation_config;
  config.graph_provider = memory::StoreProvider::kDynamoDB;
  config.dynamodb_graph = graph_config;

  // Initialize memory with DynamoDB.
  auto opened = memory::Memory::Open(config);
  if (!opened.ok()) return Fail("Memory::Open", opened.error());
  memory::Memory& m = **opened;

  memory::AddOptions add;
  add.scope.user_id = "example-user";
  add.scope.agent_id = "travel-agent";
  add.infer = false;  // no llm configured: each message is stored as said
  auto added = m.Add({{"user", "I prefer window seats on long flights", ""}}, add);
  if (!added.ok()) return Fail("add", added.error());
  std::cout << memory::ToJson(*added) << "\n";

  memory::SearchOptions search;
  search.scope.agent_id = "travel-agent";  // every memory this agent took part in
  auto found = m.Search("seat preference", search);
  if (!found.ok()) return Fail("search", found.error());
  std::cout << memory::ToJson(*found) << "\n";

  auto deleted = m.DeleteAll(add.scope);
  if (!deleted.ok()) return Fail("delete_all", deleted.error());
  std::cout << "deleted " << *deleted << " memories\n";
  return found->results.empty() ? 1 : 0;
}
