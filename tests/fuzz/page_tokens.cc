// Page tokens and paging cursors as a caller hands them back: the
// conversation list token on both engines (DynamoDB over a transport that
// answers every request with an empty page), Memory::GetAll's token, and the
// graph's ListScope cursor. Reached through the public API.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_input.h"
#include "mem0/dynamodb/client.h"
#include "mem0/memory/memory.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace {

using namespace mem0;

class EmptyPageTransport : public aws::HttpTransport {
 public:
  Result<aws::HttpResponse> Send(const aws::HttpRequest&) override {
    aws::HttpResponse reply;
    reply.status = 200;
    reply.body = R"({"Items":[],"Count":0,"ScannedCount":0})";
    return reply;
  }
};

template <typename T>
T Must(Result<T> result) {
  if (!result.ok()) std::abort();
  return std::move(*result);
}

struct Fixture {
  std::string folder;
  std::unique_ptr<store::ConversationStore> sqlite_conversations;
  std::unique_ptr<store::ConversationStore> dynamodb_conversations;
  std::unique_ptr<store::GraphStore> sqlite_graph;
  std::unique_ptr<store::GraphStore> dynamodb_graph;
  std::unique_ptr<memory::Memory> memory;

  Fixture() {
    char pattern[] = "/tmp/mem0-fuzz-XXXXXX";
    if (mkdtemp(pattern) == nullptr) std::abort();
    folder = pattern;
    dynamodb::ClientConfig client_config;
    client_config.region = "us-east-1";
    client_config.endpoint_url = "http://127.0.0.1:1";
    client_config.access_key_id = "AKIDEXAMPLE";
    client_config.secret_access_key = "secret";
    client_config.retry.max_attempts = 1;
    client_config.env.environment = [](std::string_view) { return std::optional<std::string>(); };
    client_config.transport = std::make_shared<EmptyPageTransport>();
    std::shared_ptr<dynamodb::Client> client = Must(dynamodb::Client::Create(client_config));

    sqlite_conversations = Must(store::MakeSqliteConversationStore({.path = folder + "/c.db"}));
    store::DynamoDBConversationConfig conversation_config;
    conversation_config.client = client;
    dynamodb_conversations = Must(store::MakeDynamoDBConversationStore(conversation_config));
    sqlite_graph = Must(store::MakeSqliteGraphStore({.path = folder + "/g.db"}));
    store::DynamoDBGraphConfig graph_config;
    graph_config.client = client;
    dynamodb_graph = Must(store::MakeDynamoDBGraphStore(graph_config));
    memory::MemoryConfig memory_config;
    memory_config.sqlite_conversation.path = folder + "/m.db";
    memory_config.sqlite_graph.path = folder + "/m.db";
    memory = Must(memory::Memory::Open(memory_config));
  }
  ~Fixture() {
    for (const char* name : {"c.db", "g.db", "m.db"}) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        unlink((folder + "/" + name + suffix).c_str());
      }
    }
    rmdir(folder.c_str());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  fuzz::FuzzInput input(data, size);
  uint8_t choice = input.Byte();
  std::string user = input.Field();
  if (user.empty()) user = "u";
  std::string token = input.Rest();
  switch (choice % 5) {
    case 0:
      (void)fixture.sqlite_conversations->ListConversations(user, 10, token);
      break;
    case 1:
      (void)fixture.dynamodb_conversations->ListConversations(user, 10, token);
      break;
    case 2: {
      memory::ListOptions options;
      options.scope.user_id = user;
      options.limit = 10;
      options.page_token = token;
      (void)fixture.memory->GetAll(options);
      break;
    }
    case 3:
      (void)fixture.sqlite_graph->ListScope(user, 10, token);
      break;
    case 4:
      (void)fixture.dynamodb_graph->ListScope(user, 10, token);
      break;
  }
  return 0;
}
