// mem0-cpp from another program, on the embedded SQLite default (no AWS, no
// network, no configuration): stores a conversation and lists it, adds and
// reads a memory's history, and links two memories in the graph.
//
//   quickstart [DB_PATH]     (default: ~/.mem0/mem0.db)
#include <iostream>
#include <string>

#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace store = mem0::store;

namespace {

int Fail(const char* what, const mem0::Error& error) {
  std::cerr << what << " failed: " << error.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "";

  // Conversations and history.
  store::SqliteConfig sqlite;
  sqlite.path = path;
  auto conversations = store::MakeSqliteConversationStore(sqlite);
  if (!conversations.ok()) return Fail("opening the conversation store", conversations.error());
  auto& db = **conversations;

  auto id = db.StoreConversation(
      "alice",
      R"([{"role":"user","content":"I'm vegetarian"},{"role":"assistant","content":"Noted!"}])",
      R"({"topic":"food"})");
  if (!id.ok()) return Fail("StoreConversation", id.error());
  std::cout << "stored conversation " << *id << "\n";

  auto page = db.ListConversations("alice", /*limit=*/10);
  if (!page.ok()) return Fail("ListConversations", page.error());
  std::cout << "alice has " << page->conversations.size() << " conversation(s); newest:\n"
            << "  " << page->conversations.front().conversation_id << " "
            << page->conversations.front().messages_json << "\n";

  store::HistoryRecord record;
  record.memory_id = "alice-diet";
  record.event = "ADD";
  record.new_memory = "Is vegetarian";
  record.created_at = "2026-01-01T12:00:00";
  auto history_id = db.AddHistory(record);
  if (!history_id.ok()) return Fail("AddHistory", history_id.error());
  auto history = db.GetHistory("alice-diet");
  if (!history.ok()) return Fail("GetHistory", history.error());
  std::cout << "history of alice-diet: " << history->size() << " record(s), last "
            << history->back().event << " \"" << history->back().new_memory.value_or("") << "\"\n";

  // The memory graph, in the same file.
  store::SqliteGraphConfig graph_config;
  graph_config.path = path;
  auto graph = store::MakeSqliteGraphStore(graph_config);
  if (!graph.ok()) return Fail("opening the graph store", graph.error());
  auto trip =
      (*graph)->CreateMemoryNode("Is travelling to Lisbon in May", R"({"source":"example"})");
  if (!trip.ok()) return Fail("CreateMemoryNode", trip.error());
  auto tour = (*graph)->CreateMemoryNode("Booked a vegetarian food tour in Alfama");
  if (!tour.ok()) return Fail("CreateMemoryNode", tour.error());
  auto edge = (*graph)->CreateRelationship(*tour, *trip, "PART_OF");
  if (!edge.ok()) return Fail("CreateRelationship", edge.error());
  std::cout << "graph: " << *tour << " -PART_OF-> " << *trip << " (edge " << *edge << ")\n";

  store::RelatedQuery query;
  query.direction = store::Direction::kIncoming;
  auto related = (*graph)->GetRelatedMemories(*trip, query);
  if (!related.ok()) return Fail("GetRelatedMemories", related.error());
  for (const auto& memory : *related) {
    std::cout << "  related to the trip (" << memory.direction << " " << memory.relationship
              << "): " << memory.content << "\n";
  }
  std::cout << "ok\n";
  return 0;
}
