// `mem0 demo`: the main job, end to end, narrated for a newcomer. On the
// embedded SQLite default it needs no AWS, network or configuration; with
// `--engine dynamodb --endpoint-url URL` it runs the same steps on DynamoDB
// (creating the tables when missing).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/cli.h"
#include "core/uuid.h"
#include "mem0/provision/provisioning.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::cli {

Result<std::unique_ptr<store::ConversationStore>> OpenConversationStore(
    const GlobalOptions& options);
Result<std::unique_ptr<store::GraphStore>> OpenGraphStore(const GlobalOptions& options);
std::string CurrentIsoTime();

namespace {

using Json = nlohmann::json;

void Say(const std::string& line) { std::cout << line << "\n"; }

std::string Messages(std::initializer_list<std::pair<const char*, const char*>> turns) {
  Json out = Json::array();
  for (const auto& [role, content] : turns) out.push_back({{"role", role}, {"content", content}});
  return out.dump();
}

Status EnsureDynamoDBTables(Runner& runner) {
  MEM0_ASSIGN_OR_RETURN(dynamodb::Client * client, runner.Client());
  provision::TablesConfig tables;
  tables.region = client->region();
  tables.conversation_table = runner.options().conversation_table;
  tables.graph_table = runner.options().graph_table;
  tables.ttl_enabled = runner.options().ttl_days > 0;
  MEM0_ASSIGN_OR_RETURN(auto report, provision::CreateDynamoDBTables(*client, tables));
  Say("Tables: " + report.conversation.table_name +
      (report.conversation.created ? " (created)" : " (already there)") + ", " +
      report.graph.table_name + (report.graph.created ? " (created)" : " (already there)"));
  return {};
}

Status GraphSection(const GlobalOptions& options, const std::string& alice,
                    const std::string& run) {
  Say("\n6. A memory graph: " + alice + "'s memories and how they relate");
  MEM0_ASSIGN_OR_RETURN(auto graph, OpenGraphStore(options));
  const std::string scope = "user:" + alice;
  struct Memory {
    const char* key;
    const char* content;
  };
  const Memory memories[] = {{"lisbon", "Is travelling to Lisbon in May"},
                             {"vegetarian", "Is vegetarian"},
                             {"food-tour", "Booked a vegetarian food tour in Alfama on the 12th"},
                             {"report", "Quarterly report due Friday"},
                             {"deadline", "Must finish work before the trip"}};
  std::map<std::string, std::string> ids;
  for (const auto& m : memories) {
    MEM0_ASSIGN_OR_RETURN(ids[m.key],
                          graph->CreateMemoryNode(m.content, R"({"source":"demo"})",
                                                  std::string(m.key) + "-" + run, scope));
    Say("   node " + ids[m.key] + ": " + m.content);
  }
  struct Link {
    const char* from;
    const char* to;
    const char* type;
  };
  const Link links[] = {{"food-tour", "lisbon", "PART_OF"},
                        {"food-tour", "vegetarian", "BECAUSE_OF"},
                        {"deadline", "lisbon", "BEFORE"},
                        {"report", "deadline", "PART_OF"}};
  for (const auto& l : links) {
    MEM0_RETURN_IF_ERROR(
        graph->CreateRelationship(ids[l.from], ids[l.to], l.type, R"({"confidence":0.9})"));
    Say("   " + ids[l.from] + " -[" + l.type + "]-> " + ids[l.to]);
  }
  Say("   related to " + ids["lisbon"] + ":");
  MEM0_ASSIGN_OR_RETURN(auto related, graph->GetRelatedMemories(
                                          ids["lisbon"], {{}, store::Direction::kBoth, 10, scope}));
  for (const auto& r : related) {
    Say("     " + r.direction + " " + r.relationship + ": " + r.content);
  }
  MEM0_ASSIGN_OR_RETURN(
      auto two_hops, graph->Traverse(ids["report"], {2, store::Direction::kOutgoing, {}, scope}));
  Say("   two hops out from " + ids["report"] + ": " + std::to_string(two_hops.nodes.size()) +
      " memories, " + std::to_string(two_hops.edges.size()) + " relationships");
  MEM0_ASSIGN_OR_RETURN(auto all, graph->ExportAll(scope));
  const std::string dot_path =
      (std::filesystem::temp_directory_path() / ("mem0-demo-" + run + ".dot")).string();
  std::ofstream(dot_path) << store::SubgraphToDot(all);
  Say("   Graphviz export: " + dot_path + " (render: dot -Tpng " + dot_path + " -o graph.png)");
  return {};
}

Status RunDemo(Runner& runner) {
  GlobalOptions options = runner.options();
  Say("mem0 demo: agent memory on " +
      std::string(options.engine == "dynamodb"
                      ? "DynamoDB at " + runner.Client().value()->endpoint_url()
                      : "embedded SQLite"));
  if (options.engine == "sqlite" && options.db.empty()) {
    // A fresh file per run keeps the demo repeatable and the user's own
    // database (~/.mem0/mem0.db) untouched.
    options.db =
        (std::filesystem::temp_directory_path() / ("mem0-demo-" + std::to_string(getpid()) + ".db"))
            .string();
    Say("Database: " + options.db + " (pass --db PATH to keep it elsewhere)");
  } else if (options.engine == "sqlite") {
    Say("Database: " + options.db);
  } else {
    MEM0_RETURN_IF_ERROR(EnsureDynamoDBTables(runner));
  }
  MEM0_ASSIGN_OR_RETURN(auto store, OpenConversationStore(options));

  // Unique user ids per run, so repeated runs on one table do not mix.
  const std::string run = NewUuid().substr(0, 6);
  const std::string alice = "alice-" + run, bob = "bob-" + run;

  Say("\n1. Storing conversations for two users");
  MEM0_ASSIGN_OR_RETURN(std::string trip,
                        store->StoreConversation(
                            alice,
                            Messages({{"user", "I'm planning a trip to Lisbon in May."},
                                      {"assistant", "Lovely! Do you prefer museums or food tours?"},
                                      {"user", "Food tours, and I'm vegetarian."}}),
                            R"({"topic":"travel","channel":"chat"})"));
  Say("   " + alice + " -> " + trip + " (travel, 3 messages)");
  MEM0_ASSIGN_OR_RETURN(
      std::string work,
      store->StoreConversation(
          alice,
          Messages({{"user", "Remind me that the quarterly report is due Friday."},
                    {"assistant", "Noted: quarterly report due Friday."}}),
          R"({"topic":"work"})"));
  Say("   " + alice + " -> " + work + " (work, 2 messages)");
  MEM0_ASSIGN_OR_RETURN(
      std::string pets,
      store->StoreConversation(bob,
                               Messages({{"user", "My dog Rex is allergic to chicken."},
                                         {"assistant", "I'll remember Rex's chicken allergy."}}),
                               R"({"topic":"pets"})"));
  Say("   " + bob + " -> " + pets + " (pets, 2 messages)");

  Say("\n2. Listing " + alice + "'s conversations, newest first (bob's stay separate)");
  MEM0_ASSIGN_OR_RETURN(auto page, store->ListConversations(alice, 10));
  for (const auto& c : page.conversations) {
    Json metadata = Json::parse(c.metadata_json);
    Say("   " + c.conversation_id + "  topic=" + metadata.value("topic", "?") +
        "  messages=" + std::to_string(Json::parse(c.messages_json).size()));
  }

  Say("\n3. Appending to the travel conversation");
  MEM0_RETURN_IF_ERROR(
      store->AppendMessages(alice, trip,
                            Messages({{"assistant", "Try the vegetarian tasting menu in Alfama."},
                                      {"user", "Perfect, book it for the 12th."}})));
  MEM0_ASSIGN_OR_RETURN(auto updated, store->GetConversation(alice, trip));
  for (const auto& m : Json::parse(updated->messages_json)) {
    Say("   " + m["role"].get<std::string>() + ": " + m["content"].get<std::string>());
  }

  Say("\n4. A memory's history trail (what mem0 records as memories change)");
  const std::string memory_id = "memory-" + run;
  store::HistoryRecord add{"",    memory_id,       std::nullopt, "Likes food tours",
                           "ADD", CurrentIsoTime()};
  add.actor_id = alice;
  add.role = "user";
  MEM0_RETURN_IF_ERROR(store->AddHistory(add));
  store::HistoryRecord update{
      "", memory_id, "Likes food tours", "Likes vegetarian food tours", "UPDATE", CurrentIsoTime()};
  MEM0_RETURN_IF_ERROR(store->AddHistory(update));
  store::HistoryRecord remove{"",           memory_id, "Likes vegetarian food tours",
                              std::nullopt, "DELETE",  CurrentIsoTime()};
  remove.is_deleted = true;
  MEM0_RETURN_IF_ERROR(store->AddHistory(remove));
  MEM0_ASSIGN_OR_RETURN(auto history, store->GetHistory(memory_id));
  for (const auto& r : history) {
    Say("   " + r.event + ": " + r.old_memory.value_or("(none)") + " -> " +
        r.new_memory.value_or("(none)"));
  }

  Say("\n5. Recent messages of a session (mem0 keeps the last 10 per scope)");
  const std::string scope = "session-" + run;
  for (int i = 1; i <= 12; ++i) {
    MEM0_RETURN_IF_ERROR(store->SaveMessages(
        scope,
        Json::array({{{"role", "user"}, {"content", "message " + std::to_string(i)}}}).dump()));
  }
  MEM0_ASSIGN_OR_RETURN(std::string last, store->GetLastMessages(scope, 3));
  Say("   saved 12, the last 3: " + last);
  MEM0_ASSIGN_OR_RETURN(std::string kept, store->GetLastMessages(scope, 100));
  Say("   kept: " + std::to_string(Json::parse(kept).size()) + " messages");

  MEM0_RETURN_IF_ERROR(GraphSection(options, alice, run));

  Say("\nDone. Try: mem0 conversation list --user " + alice +
      (options.engine == "sqlite" ? " --db " + options.db : " --engine dynamodb"));
  return {};
}

}  // namespace

void AddDemoCommand(CLI::App& app, Runner& runner) {
  auto* demo = app.add_subcommand("demo", "store, list, append and trace memories, narrated");
  demo->callback([&runner] {
    auto status = RunDemo(runner);
    if (!status.ok()) {
      std::cerr << "error: " << status.error().ToString() << "\n";
      runner.Fail();
    }
  });
}

}  // namespace mem0::cli
