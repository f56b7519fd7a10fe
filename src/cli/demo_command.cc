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

std::string CurrentIsoTime();

namespace {

using Json = nlohmann::json;

void Say(const std::string& line) { std::cout << line << "\n"; }

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

std::string Score(const std::optional<double>& score) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", score.value_or(0));
  return buf;
}

// Relations between alice's memories, through the graph store the memories
// live in (with an LLM configured, `add` extracts entity relations itself).
Status GraphSection(const GlobalOptions& options, const std::map<std::string, std::string>& ids,
                    const std::string& alice, const std::string& run) {
  Say("\n5. Relations: how " + alice + "'s memories connect (the graph under the memories)");
  MEM0_ASSIGN_OR_RETURN(auto graph, OpenGraphStore(options));
  const std::string scope = "user:" + alice;
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
        graph->CreateRelationship(ids.at(l.from), ids.at(l.to), l.type, R"({"confidence":0.9})")
            .status());
    Say("   " + std::string(l.from) + " -[" + l.type + "]-> " + l.to);
  }
  Say("   related to the Lisbon memory:");
  MEM0_ASSIGN_OR_RETURN(
      auto related,
      graph->GetRelatedMemories(ids.at("lisbon"), {{}, store::Direction::kBoth, 10, scope}));
  for (const auto& r : related) {
    Say("     " + r.direction + " " + r.relationship + ": " + r.content);
  }
  MEM0_ASSIGN_OR_RETURN(
      auto two_hops,
      graph->Traverse(ids.at("report"), {2, store::Direction::kOutgoing, {}, scope}));
  Say("   two hops out from the report memory: " + std::to_string(two_hops.nodes.size()) +
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
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  // The demo needs no network: no LLM, no embedder, whatever the config says.
  config.llm.reset();
  config.embedder.reset();
  MEM0_ASSIGN_OR_RETURN(auto memory, memory::Memory::Open(config));

  // Unique user ids per run, so repeated runs on one table do not mix.
  const std::string run = NewUuid().substr(0, 6);
  const std::string alice = "alice-" + run, bob = "bob-" + run;

  Say("\n1. Remembering what two users said (add with infer off: each message is a memory)");
  struct Fact {
    const char* key;
    const char* text;
  };
  const Fact alice_facts[] = {{"lisbon", "I'm travelling to Lisbon in May"},
                              {"vegetarian", "I'm vegetarian"},
                              {"food-tour", "Booked a vegetarian food tour in Alfama on the 12th"},
                              {"report", "The quarterly report is due Friday"},
                              {"deadline", "I must finish work before the trip"}};
  std::map<std::string, std::string> ids;
  memory::AddOptions add;
  add.infer = false;
  add.scope.user_id = alice;
  add.metadata_json = R"({"source":"demo"})";
  for (const auto& fact : alice_facts) {
    MEM0_ASSIGN_OR_RETURN(auto added, memory->Add({{"user", fact.text, ""}}, add));
    ids[fact.key] = added.results.at(0).id;
    Say("   " + alice + ": " + added.results[0].event + " " + fact.text);
  }
  add.scope.user_id = bob;
  for (const char* text : {"My dog Rex is allergic to chicken", "I'm travelling to Oslo in May"}) {
    MEM0_ASSIGN_OR_RETURN(auto added, memory->Add({{"user", text, ""}}, add));
    Say("   " + bob + ": " + added.results.at(0).event + " " + text);
  }
  add.scope.user_id = alice;
  MEM0_ASSIGN_OR_RETURN(auto again, memory->Add({{"user", "I'm vegetarian", ""}}, add));
  Say("   " + alice + " again: " + again.results.at(0).event +
      " I'm vegetarian (the same fact is stored once)");

  Say("\n2. Searching " + alice + "'s memories (BM25 with English stemming; no model needed)");
  for (const char* query : {"Where is she going on holiday?", "any dietary restrictions?"}) {
    memory::SearchOptions search;
    search.scope.user_id = alice;
    search.limit = 2;
    MEM0_ASSIGN_OR_RETURN(auto found, memory->Search(query, search));
    Say("   \"" + std::string(query) + "\"");
    for (const auto& item : found.results) Say("     " + Score(item.score) + "  " + item.memory);
  }
  memory::SearchOptions bobs;
  bobs.scope.user_id = bob;
  MEM0_ASSIGN_OR_RETURN(auto bob_found, memory->Search("travelling in May", bobs));
  Say("   the same words in " + bob + "'s scope find only his: " +
      (bob_found.results.empty() ? std::string("(none)") : bob_found.results[0].memory));

  Say("\n3. Listing " + alice + "'s memories (get_all, a page at a time)");
  memory::ListOptions list;
  list.scope.user_id = alice;
  list.limit = 3;
  MEM0_ASSIGN_OR_RETURN(auto page, memory->GetAll(list));
  for (const auto& item : page.results) Say("   " + item.id + "  " + item.memory);
  Say(page.next_page_token ? "   ... more with the next token" : "   (last page)");

  Say("\n4. A memory changes: update, delete, and its history trail");
  MEM0_RETURN_IF_ERROR(memory
                           ->Update(ids["food-tour"],
                                    "Booked a vegetarian food tour in Alfama on the 14th",
                                    std::nullopt)
                           .status());
  MEM0_ASSIGN_OR_RETURN(auto history, memory->History(ids["food-tour"]));
  for (const auto& h : history) {
    Say("   " + h.event + ": " + h.old_memory.value_or("(none)") + " -> " +
        h.new_memory.value_or("(none)"));
  }
  MEM0_RETURN_IF_ERROR(memory->Delete(ids.at("report")));
  MEM0_ASSIGN_OR_RETURN(auto deleted, memory->History(ids["report"]));
  Say("   report memory: " + deleted.back().event + " (is_deleted " +
      (deleted.back().is_deleted ? "true" : "false") + ")");
  MEM0_ASSIGN_OR_RETURN(auto readded,
                        memory->Add({{"user", "The quarterly report is due Monday", ""}}, add));
  ids["report"] = readded.results.at(0).id;
  Say("   ADD: The quarterly report is due Monday");

  MEM0_RETURN_IF_ERROR(GraphSection(options, ids, alice, run));

  Say("\nDone. Try: mem0" +
      (options.engine == "sqlite" ? " --db " + options.db : std::string(" --engine dynamodb")) +
      " search \"trip\" --user " + alice);
  return {};
}

}  // namespace

void AddDemoCommand(CLI::App& app, Runner& runner) {
  auto* demo =
      app.add_subcommand("demo", "add, search, list, update and relate memories, narrated");
  demo->callback([&runner] {
    auto status = RunDemo(runner);
    if (!status.ok()) {
      std::cerr << "error: " << status.error().ToString() << "\n";
      runner.Fail();
    }
  });
}

}  // namespace mem0::cli
