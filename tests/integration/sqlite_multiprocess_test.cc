// The SQLite conversation store shared by several processes (fork()ed from
// the test, each opening its own store on one file), plus SQLite-only
// properties the conformance suite cannot see: query plans, the default
// path, migrations and how failures are reported.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0 {
namespace {

using Json = nlohmann::json;

constexpr int kProcesses = 4;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/mem0-sqlite-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<store::ConversationStore> OpenOrDie(const std::string& path) {
  store::SqliteConfig config;
  config.path = path;
  auto store = store::MakeSqliteConversationStore(config);
  if (!store.ok()) throw std::runtime_error(store.error().ToString());
  return std::move(store).value();
}

// Runs `work(process_index, errors)` in kProcesses forked children that
// start together, and returns each child's error log (empty when clean).
// A child logs every failed call; its exit status says whether it finished.
std::vector<std::string> RunInChildren(const TempDir& dir,
                                       const std::function<void(int, std::ostream&)>& work) {
  int start_pipe[2];
  if (pipe(start_pipe) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);  // children must not re-flush our buffered output
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      close(start_pipe[1]);
      char go;
      (void)!read(start_pipe[0], &go, 1);  // returns when the parent closes the pipe
      std::ostringstream errors;
      try {
        work(i, errors);
      } catch (const std::exception& e) {
        errors << "exception: " << e.what() << "\n";
      }
      std::ofstream(dir.File("child-" + std::to_string(i) + ".log")) << errors.str();
      _exit(0);  // skip atexit handlers and gtest teardown of the parent's state
    }
    children.push_back(pid);
  }
  close(start_pipe[0]);
  close(start_pipe[1]);  // start everyone at once
  std::vector<std::string> logs;
  for (int i = 0; i < kProcesses; ++i) {
    int status = 0;
    waitpid(children[i], &status, 0);
    std::ifstream log(dir.File("child-" + std::to_string(i) + ".log"));
    std::stringstream text;
    text << log.rdbuf();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      text << "child " << i << " did not exit cleanly (status " << status << ")\n";
    }
    logs.push_back(text.str());
  }
  return logs;
}

int CountErrors(const std::vector<std::string>& logs, std::string* all) {
  int errors = 0;
  for (const auto& log : logs) {
    for (char c : log) errors += c == '\n';
    *all += log;
  }
  return errors;
}

template <typename T>
void LogIfError(const Result<T>& result, const char* what, std::ostream& errors) {
  if (!result.ok()) errors << what << ": " << result.error().ToString() << "\n";
}

TEST(SqliteMultiprocessTest, FourProcessesWriteOneFileWithoutLockErrorsOrLostWrites) {
  // ~1 s optimized, ~15 s under ASan: appends rewrite the growing shared
  // conversation, so the cost grows with the square of the rounds.
  constexpr int kRoundsPerProcess = 200;
  TempDir dir;
  const std::string path = dir.File("shared.db");
  std::string conversation_id;
  {
    auto store = OpenOrDie(path);
    auto id = store->StoreConversation("shared", R"([{"role": "user", "content": "start"}])");
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    conversation_id = *id;
  }

  const auto logs = RunInChildren(dir, [&](int process, std::ostream& errors) {
    auto store = OpenOrDie(path);
    const std::string tag = "p" + std::to_string(process);
    for (int round = 0; round < kRoundsPerProcess; ++round) {
      const std::string content = tag + "-" + std::to_string(round);
      const Json message = Json::array({{{"role", "user"}, {"content", content}}});
      LogIfError(store->AppendMessages("shared", conversation_id, message.dump()), "append",
                 errors);
      store::HistoryRecord record;
      record.memory_id = round % 2 ? "memory-shared" : "memory-" + tag;
      record.event = "ADD";
      record.created_at = "2024-01-01T00:00:00";  // equal: order comes from seq alone
      record.new_memory = content;
      LogIfError(store->AddHistory(record), "add_history", errors);
      if (round % 10 == 0) {
        LogIfError(store->StoreConversation(tag, message.dump()), "store", errors);
        LogIfError(store->SaveMessages("scope-shared", message.dump()), "save_messages", errors);
        LogIfError(store->BatchAddHistory({record, record}), "batch_add_history", errors);
      }
    }
  });
  std::string all_errors;
  EXPECT_EQ(CountErrors(logs, &all_errors), 0) << all_errors;

  auto store = OpenOrDie(path);
  auto conversation = store->GetConversation("shared", conversation_id);
  ASSERT_TRUE(conversation.ok()) << conversation.error().ToString();
  ASSERT_TRUE(conversation->has_value());
  const Json messages = Json::parse((*conversation)->messages_json);
  ASSERT_EQ(messages.size(), 1u + kProcesses * kRoundsPerProcess);
  std::set<std::string> contents;
  for (const auto& message : messages) contents.insert(message["content"].get<std::string>());
  EXPECT_EQ(contents.size(), messages.size()) << "every append landed exactly once";

  constexpr int kStoresPerProcess = (kRoundsPerProcess + 9) / 10;
  int64_t shared_history = 0;
  for (int process = 0; process < kProcesses; ++process) {
    const std::string tag = "p" + std::to_string(process);
    auto own = store->GetHistory("memory-" + tag);
    ASSERT_TRUE(own.ok()) << own.error().ToString();
    // Odd rounds write the shared memory; even rounds this one, plus two
    // batch records every tenth round (all even).
    EXPECT_EQ(own->size(), static_cast<size_t>(kRoundsPerProcess / 2 + 2 * kStoresPerProcess));
    auto page = store->ListConversations(tag, 1000);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    EXPECT_EQ(page->conversations.size(), static_cast<size_t>(kStoresPerProcess));
  }
  auto shared = store->GetHistory("memory-shared");
  ASSERT_TRUE(shared.ok()) << shared.error().ToString();
  shared_history = static_cast<int64_t>(shared->size());
  EXPECT_EQ(shared_history, kProcesses * (kRoundsPerProcess / 2));
  // Each process's records of the shared memory come back in its order.
  std::map<std::string, int> last_round;
  for (const auto& record : *shared) {
    const std::string& text = *record.new_memory;
    const std::string tag = text.substr(0, text.find('-'));
    const int round = std::stoi(text.substr(text.find('-') + 1));
    if (last_round.count(tag)) {
      EXPECT_GT(round, last_round[tag]) << text;
    }
    last_round[tag] = round;
  }
  auto recent = store->GetLastMessages("scope-shared", 100);
  ASSERT_TRUE(recent.ok()) << recent.error().ToString();
  EXPECT_EQ(Json::parse(*recent).size(),
            static_cast<size_t>(store::ConversationStore::kRecentMessagesKept));
}

TEST(SqliteMultiprocessTest, FourProcessesCreatingOneNewFileMigrateItOnce) {
  TempDir dir;
  const std::string path = dir.File("fresh/new.db");  // neither folder nor file exists
  const auto logs = RunInChildren(dir, [&](int process, std::ostream& errors) {
    store::SqliteConfig config;
    config.path = path;
    auto store = store::MakeSqliteConversationStore(config);
    if (!store.ok()) {
      errors << "open: " << store.error().ToString() << "\n";
      return;
    }
    LogIfError((*store)->StoreConversation("user" + std::to_string(process),
                                           R"([{"role": "user", "content": "hi"}])"),
               "store", errors);
  });
  std::string all_errors;
  EXPECT_EQ(CountErrors(logs, &all_errors), 0) << all_errors;

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT component, version FROM schema_version", -1, &stmt, nullptr),
      SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    rows.push_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)) + std::string("=") +
                   std::to_string(sqlite3_column_int64(stmt, 1)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_EQ(rows, std::vector<std::string>{"conversations=1"});
}

// ---------------------------------------------------------------------------
// Single-process SQLite properties.

// The plan SQLite picks for `sql`, one detail per line.
std::string QueryPlan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string plan;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) ==
        SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)) + std::string("\n");
      }
    } else {
      plan = sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return plan;
}

TEST(SqliteConversationStoreTest, LookupsUseIndexes) {
  TempDir dir;
  const std::string path = dir.File("plans.db");
  OpenOrDie(path);
  const std::string history =
      QueryPlan(path, "SELECT * FROM history WHERE memory_id = 'm' ORDER BY created_at, seq");
  EXPECT_NE(history.find("USING INDEX history_by_memory"), std::string::npos) << history;
  EXPECT_EQ(history.find("TEMP B-TREE"), std::string::npos) << "no sort step: " << history;
  const std::string messages = QueryPlan(
      path, "SELECT message FROM messages WHERE session_scope = 's' ORDER BY id DESC LIMIT 5");
  EXPECT_NE(messages.find("USING INDEX messages_by_scope"), std::string::npos) << messages;
  EXPECT_EQ(messages.find("TEMP B-TREE"), std::string::npos) << messages;
  const std::string list = QueryPlan(
      path,
      "SELECT * FROM conversations WHERE user_id = 'u' AND conversation_id < 'x' AND "
      "(expiration_time IS NULL OR expiration_time > 5) ORDER BY conversation_id DESC LIMIT 11");
  EXPECT_NE(list.find("USING PRIMARY KEY (user_id=? AND conversation_id<?)"), std::string::npos)
      << list;
  EXPECT_EQ(list.find("TEMP B-TREE"), std::string::npos) << list;
}

TEST(SqliteConversationStoreTest, DefaultPathIsDotMem0UnderHome) {
  TempDir dir;
  const char* old_home = std::getenv("HOME");
  const std::string saved = old_home ? old_home : "";
  const std::string home = dir.File("home");
  setenv("HOME", home.c_str(), 1);
  auto store = store::MakeSqliteConversationStore(store::SqliteConfig{});
  if (old_home) {
    setenv("HOME", saved.c_str(), 1);
  } else {
    unsetenv("HOME");
  }
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(home + "/.mem0/mem0.db"));
}

// Memories are private whatever the umask: folders the store creates are
// 0700, a new database file (and so its -wal and -shm) 0600.
TEST(SqliteConversationStoreTest, NewFilesAreReadableByTheOwnerOnly) {
  TempDir dir;
  const mode_t old_umask = umask(022);
  const std::string path = dir.File("a/b/mem0.db");
  auto store = store::MakeSqliteConversationStore(store::SqliteConfig{path});
  umask(old_umask);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  ASSERT_TRUE((*store)->StoreConversation("alice", R"([{"role": "user", "content": "x"}])").ok());
  namespace fs = std::filesystem;
  auto mode = [](const std::string& p) { return fs::status(p).permissions() & fs::perms::all; };
  EXPECT_EQ(mode(dir.File("a")), fs::perms::owner_all);
  EXPECT_EQ(mode(dir.File("a/b")), fs::perms::owner_all);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    SCOPED_TRACE(suffix);
    EXPECT_EQ(mode(path + suffix), fs::perms::owner_read | fs::perms::owner_write);
  }
}

// synchronous: full is accepted; anything but normal/full is refused.
TEST(SqliteConversationStoreTest, SynchronousSettingIsAcceptedOrRefused) {
  TempDir dir;
  store::SqliteConfig config{dir.File("sync.db")};
  config.synchronous = "full";
  auto store = store::MakeSqliteConversationStore(config);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  ASSERT_TRUE((*store)->StoreConversation("alice", R"([{"role": "user", "content": "x"}])").ok());
  config.synchronous = "sometimes";
  auto refused = store::MakeSqliteConversationStore(config);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("synchronous"), std::string::npos);
}

TEST(SqliteConversationStoreTest, ReopeningKeepsDataAndSchema) {
  TempDir dir;
  const std::string path = dir.File("reopen.db");
  std::string id;
  {
    auto store = OpenOrDie(path);
    auto stored = store->StoreConversation("alice", R"([{"role": "user", "content": "kept"}])");
    ASSERT_TRUE(stored.ok());
    id = *stored;
  }
  auto store = OpenOrDie(path);
  auto got = store->GetConversation("alice", id);
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Json::parse((*got)->messages_json)[0]["content"], "kept");
}

// A graph file written before unindexed edges and scope versions (schema 1):
// opening it migrates it, and its edges stay indexed.
TEST(SqliteGraphStoreTest, MigratesASchemaOneFile) {
  TempDir dir;
  const std::string path = dir.File("graph-v1.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* v1 = R"sql(
CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
INSERT INTO schema_version VALUES ('graph', 1);
CREATE TABLE graph_nodes (
  node_id TEXT PRIMARY KEY, content TEXT NOT NULL, metadata TEXT NOT NULL, scope TEXT,
  created_at_us INTEGER NOT NULL, updated_at_us INTEGER) WITHOUT ROWID;
CREATE INDEX graph_nodes_by_scope ON graph_nodes(scope, node_id) WHERE scope IS NOT NULL;
CREATE TABLE graph_edges (
  edge_id TEXT PRIMARY KEY, source_id TEXT NOT NULL REFERENCES graph_nodes(node_id),
  target_id TEXT NOT NULL REFERENCES graph_nodes(node_id), relationship_type TEXT NOT NULL,
  properties TEXT NOT NULL, created_at_us INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX graph_edges_by_source ON graph_edges(source_id, relationship_type);
CREATE INDEX graph_edges_by_target ON graph_edges(target_id, relationship_type);
CREATE INDEX graph_edges_by_type ON graph_edges(relationship_type, created_at_us);
INSERT INTO graph_nodes VALUES ('a', 'old a', '{}', 'user:old', 1700000000000000, NULL);
INSERT INTO graph_nodes VALUES ('b', 'old b', '{}', 'user:old', 1700000000000000, NULL);
INSERT INTO graph_edges VALUES ('e1', 'a', 'b', 'KNOWS', '{}', 1700000001000000);
)sql";
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  store::SqliteGraphConfig config;
  config.path = path;
  auto opened = store::MakeSqliteGraphStore(config);
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  auto& graph = **opened;
  auto by_type = graph.GetMemoriesByRelationshipType("KNOWS", {10});
  ASSERT_TRUE(by_type.ok()) << by_type.error().ToString();
  ASSERT_EQ(by_type->size(), 1u);
  EXPECT_EQ((*by_type)[0].edge.edge_id, "e1");
  EXPECT_EQ(*graph.GetScopeVersion("user:old"), 0);
  ASSERT_TRUE(graph.UpdateNode("a", "new a", std::nullopt).ok());
  EXPECT_EQ(*graph.GetScopeVersion("user:old"), 1);
  ASSERT_TRUE(graph.CreateRelationship("a", "b", "KNOWS", "{}", {/*indexed=*/false}).ok());
  EXPECT_EQ(graph.GetMemoriesByRelationshipType("KNOWS", {10})->size(), 1u);
  EXPECT_EQ(graph.GetRelatedMemories("a", {})->size(), 2u);
  opened->reset();
  EXPECT_TRUE(store::MakeSqliteGraphStore(config).ok());  // reopening: nothing left to do
}

TEST(SqliteConversationStoreTest, FailuresAreStorageErrorsWithSqliteMessage) {
  TempDir dir;
  const std::string garbage = dir.File("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'x');
  store::SqliteConfig config;
  config.path = garbage;
  auto store = store::MakeSqliteConversationStore(config);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kStorageError);
  EXPECT_NE(store.error().message.find("file is not a database"), std::string::npos)
      << store.error().ToString();

  // A schema from a newer build is refused rather than misread.
  const std::string newer = dir.File("newer.db");
  OpenOrDie(newer);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  config.path = newer;
  store = store::MakeSqliteConversationStore(config);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kStorageError);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().ToString();
}

TEST(SqliteConversationStoreTest, DuplicateHistoryIdIsAlreadyExists) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("dup.db"));
  store::HistoryRecord record;
  record.id = "same";
  record.memory_id = "m";
  record.event = "ADD";
  record.created_at = "2024-01-01T00:00:00";
  ASSERT_TRUE(store->AddHistory(record).ok());
  auto again = store->AddHistory(record);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists) << again.error().ToString();
  auto history = store->GetHistory("m");
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 1u);
}

}  // namespace
}  // namespace mem0
