// mem0's Memory API on the embedded SQLite default (no AWS, no network, no
// model): add memories for a user, search them, list them, change one and
// read its history.
//
//   memory_default [DB_PATH]     (default: ~/.mem0/mem0.db)
#include <iostream>
#include <string>

#include "mem0/memory/memory.h"

namespace memory = mem0::memory;

namespace {

int Fail(const char* what, const mem0::Error& error) {
  std::cerr << what << " failed: " << error.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  memory::MemoryConfig config;  // SQLite at ~/.mem0/mem0.db, no llm, no embedder
  if (argc > 1) config.sqlite_conversation.path = config.sqlite_graph.path = argv[1];
  auto opened = memory::Memory::Open(config);
  if (!opened.ok()) return Fail("Memory::Open", opened.error());
  memory::Memory& m = **opened;

  // memory.add(messages, user_id="alice", metadata={...}, infer=False)
  memory::AddOptions add;
  add.scope.user_id = "alice";
  add.metadata_json = R"({"source":"example"})";
  add.infer = false;
  auto added = m.Add({{"user", "I'm vegetarian and allergic to nuts", ""},
                      {"user", "I'm travelling to Lisbon in May", ""}},
                     add);
  if (!added.ok()) return Fail("add", added.error());
  std::cout << memory::ToJson(*added) << "\n";

  // memory.search("...", user_id="alice", limit=1)
  memory::SearchOptions search;
  search.scope.user_id = "alice";
  search.limit = 1;
  auto found = m.Search("What food should I avoid serving her?", search);
  if (!found.ok()) return Fail("search", found.error());
  std::cout << memory::ToJson(*found) << "\n";

  // memory.get_all(user_id="alice")
  memory::ListOptions list;
  list.scope.user_id = "alice";
  auto all = m.GetAll(list);
  if (!all.ok()) return Fail("get_all", all.error());
  std::cout << "alice has " << all->results.size() << " memories\n";

  // memory.update(id, "..."), then memory.history(id)
  const std::string id = added->results.at(1).id;
  auto updated = m.Update(id, "I'm travelling to Lisbon in June", std::nullopt);
  if (!updated.ok()) return Fail("update", updated.error());
  auto history = m.History(id);
  if (!history.ok()) return Fail("history", history.error());
  std::cout << memory::ToJson(*history) << "\n";

  // memory.delete_all(user_id="alice")
  auto deleted = m.DeleteAll(add.scope);
  if (!deleted.ok()) return Fail("delete_all", deleted.error());
  std::cout << "deleted " << *deleted << " memories\n";
  return 0;
}
