// `mem0-bench conversation` and `mem0-bench graph`: store-level figures
// (ops/s and requests per op), plus the embedded engine's history numbers
// that mem0's own SQLite history is compared against.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <numeric>

#include "bench/bench.h"
#include "core/uuid.h"
#include "mem0/provision/provisioning.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

std::string Messages(int count, int content_bytes) {
  nlohmann::json out = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    out.push_back({{"role", i % 2 ? "assistant" : "user"},
                   {"content", std::string(static_cast<size_t>(content_bytes), 'a' + i % 26)}});
  }
  return out.dump();
}

// Runs `op` for `seconds` (at least `min_ops` times); returns ops/s.
Result<double> Rate(double seconds, int min_ops, const std::function<Status(int)>& op) {
  const auto start = SteadyClock::now();
  int n = 0;
  while (n < min_ops || SecondsSince(start) < seconds) {
    MEM0_RETURN_IF_ERROR(op(n));
    ++n;
  }
  return n / SecondsSince(start);
}

void Print(const std::string& name, double value) { std::printf("%s %.1f\n", name.c_str(), value); }

// Requests per op from the client's counters, when there is a client.
void PrintRequests(dynamodb::Client* client, const std::string& name, uint64_t before, double ops) {
  if (client) Print(name + "_requests_per_op", (client->counters().Total() - before) / ops);
}

Result<std::shared_ptr<dynamodb::Client>> LocalClient(const StoreBenchOptions& options) {
  dynamodb::ConnectionConfig connection;
  connection.region = options.region.empty() ? "us-east-1" : options.region;
  connection.endpoint_url = options.endpoint_url;
  MEM0_ASSIGN_OR_RETURN(auto client, dynamodb::Connect(connection));
  provision::TablesConfig tables;
  tables.region = client->region();
  tables.conversation_table = options.conversation_table;
  tables.graph_table = options.graph_table;
  MEM0_RETURN_IF_ERROR(provision::CreateDynamoDBTables(*client, tables));
  return client;
}

// mem0's SQLiteManager.add_history pattern: sqlite3 defaults (rollback
// journal, synchronous=FULL), one explicit transaction per record. Prints
// records per second as the last line.
constexpr const char* kMem0HistoryScript = R"PY(
import os, sqlite3, sys, threading, time, uuid
path, seconds = sys.argv[1], float(sys.argv[2])
conn = sqlite3.connect(path, check_same_thread=False)
conn.execute("""CREATE TABLE IF NOT EXISTS history (id TEXT PRIMARY KEY, memory_id TEXT,
  old_memory TEXT, new_memory TEXT, event TEXT, created_at DATETIME, updated_at DATETIME,
  is_deleted INTEGER, actor_id TEXT, role TEXT)""")
conn.commit()
lock = threading.Lock()
n, start = 0, time.monotonic()
while time.monotonic() - start < seconds or n < 200:
    with lock:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO history (id, memory_id, old_memory, new_memory, event, created_at,"
                     " updated_at, is_deleted, actor_id, role) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (str(uuid.uuid4()), "m%d" % (n % 500), "old", "new", "UPDATE",
                      "2026-01-01T00:00:00", None, 0, None, None))
        conn.execute("COMMIT")
    n += 1
rate = n / (time.monotonic() - start)
conn.close()
for suffix in ("", "-journal"):
    try: os.remove(path + suffix)
    except OSError: pass
print(rate)
)PY";

// The embedded engine against the figures measured for mem0's own SQLite
// history on this machine (802 adds/s; 18.8 get_history/s at 200,000 rows;
// 110 recent-message reads/s with 1,000 scopes; 2-3 of 8,000 writes lost
// with 4 processes).
Status SqliteHistoryFigures(const StoreBenchOptions& options, const std::string& db_path) {
  store::SqliteConfig config;
  config.path = db_path;
  MEM0_ASSIGN_OR_RETURN(auto store, store::MakeSqliteConversationStore(config));
  auto record = [](const std::string& memory, int i) {
    return store::HistoryRecord{"",
                                memory,
                                "old " + std::to_string(i),
                                "new " + std::to_string(i),
                                "UPDATE",
                                "2026-01-01T00:00:00." + std::to_string(100000 + i)};
  };
  MEM0_ASSIGN_OR_RETURN(
      double adds, Rate(options.seconds, 1000, [&](int i) -> Status {
        return store->AddHistory(record(std::string("m").append(std::to_string(i % 500)), i)).ok()
                   ? Status()
                   : MakeError(ErrorCode::kStorageError, "add_history failed");
      }));
  Print("sqlite_add_history_per_s", adds);

  // The same at mem0's durability: every commit fsynced (synchronous: full),
  // beside mem0's own pattern (python sqlite3, rollback journal, one
  // BEGIN/INSERT/COMMIT per record) measured on the same disk now.
  {
    store::SqliteConfig full = config;
    full.path = db_path + ".full";
    full.synchronous = "full";
    MEM0_ASSIGN_OR_RETURN(auto durable, store::MakeSqliteConversationStore(full));
    MEM0_ASSIGN_OR_RETURN(
        double full_adds, Rate(options.seconds / 2, 200, [&](int i) -> Status {
          return durable->AddHistory(record("m" + std::to_string(i % 500), i)).ok()
                     ? Status()
                     : MakeError(ErrorCode::kStorageError, "add_history failed");
        }));
    Print("sqlite_add_history_full_per_s", full_adds);
    durable.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((full.path + suffix).c_str());
  }
  if (auto mem0_adds =
          RunPythonForNumber("python3", kMem0HistoryScript,
                             {db_path + ".mem0", std::to_string(options.seconds / 2)}, "");
      mem0_adds.ok()) {
    Print("mem0_python_add_history_per_s", *mem0_adds);
  }

  // get_history as the table grows, each memory holding 4 records: flat
  // means indexed (mem0's scans the table).
  int rows = 0;
  for (int target : {20000, options.history_rows}) {
    std::vector<store::HistoryRecord> batch;
    while (rows < target) {
      batch.push_back(record("bulk" + std::to_string(rows / 4), rows));
      ++rows;
      if (batch.size() == 5000 || rows == target) {
        MEM0_RETURN_IF_ERROR(store->BatchAddHistory(batch));
        batch.clear();
      }
    }
    MEM0_ASSIGN_OR_RETURN(double gets, Rate(options.seconds / 2, 100, [&](int i) -> Status {
                            return store->GetHistory("bulk" + std::to_string(i % 5000)).ok()
                                       ? Status()
                                       : MakeError(ErrorCode::kStorageError, "get_history failed");
                          }));
    Print("sqlite_get_history_per_s_at_" + std::to_string(target) + "_rows", gets);
  }

  // Recent messages with 1,000 scopes.
  for (int scope = 0; scope < 1000; ++scope) {
    MEM0_RETURN_IF_ERROR(store->SaveMessages("scope" + std::to_string(scope), Messages(12, 40)));
  }
  MEM0_ASSIGN_OR_RETURN(double recent, Rate(options.seconds / 2, 100, [&](int i) -> Status {
                          return store->GetLastMessages("scope" + std::to_string(i % 1000), 10).ok()
                                     ? Status()
                                     : MakeError(ErrorCode::kStorageError,
                                                 "get_last_messages failed");
                        }));
  Print("sqlite_get_last_messages_per_s_1000_scopes", recent);
  store.reset();

  // 4 writer processes, 2,000 history writes each, on one file.
  const int kProcesses = 4, kWrites = 2000;
  std::string latencies_path = db_path + ".latencies";
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      auto child_store = store::MakeSqliteConversationStore(config);
      int failures = child_store.ok() ? 0 : kWrites;
      std::vector<double> latencies;
      for (int i = 0; child_store.ok() && i < kWrites; ++i) {
        auto start = SteadyClock::now();
        if (!(*child_store)->AddHistory(record("proc" + std::to_string(p), i)).ok()) ++failures;
        latencies.push_back(SecondsSince(start) * 1000);
      }
      FILE* out = std::fopen((latencies_path + std::to_string(p)).c_str(), "w");
      for (double l : latencies) std::fprintf(out, "%f\n", l);
      std::fclose(out);
      _exit(failures > 255 ? 255 : failures);
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed += WIFEXITED(status) ? WEXITSTATUS(status) : kWrites;
  }
  std::vector<double> all;
  for (int p = 0; p < kProcesses; ++p) {
    const std::string path = latencies_path + std::to_string(p);
    if (FILE* in = std::fopen(path.c_str(), "r")) {
      double l;
      while (std::fscanf(in, "%lf", &l) == 1) all.push_back(l);
      std::fclose(in);
    }
    std::remove(path.c_str());
  }
  std::sort(all.begin(), all.end());
  MEM0_ASSIGN_OR_RETURN(auto reopened, store::MakeSqliteConversationStore(config));
  int64_t landed = 0;
  for (int p = 0; p < kProcesses; ++p) {
    MEM0_ASSIGN_OR_RETURN(auto history, reopened->GetHistory("proc" + std::to_string(p)));
    landed += static_cast<int64_t>(history.size());
  }
  Print("sqlite_4proc_writes_failed", failed);
  Print("sqlite_4proc_writes_lost", kProcesses * kWrites - landed);
  Print("sqlite_4proc_p99_ms", all.empty() ? 0 : all[all.size() * 99 / 100]);
  return {};
}

}  // namespace

int RunConversationBench(const StoreBenchOptions& options) {
  std::shared_ptr<dynamodb::Client> client;
  std::unique_ptr<store::ConversationStore> store;
  const std::string db_path =
      (std::filesystem::temp_directory_path() / ("mem0-bench-" + NewUuid().substr(0, 8) + ".db"))
          .string();
  if (options.engine == "dynamodb") {
    auto made = LocalClient(options);
    if (!made.ok()) return Fail(made.error());
    client = *made;
    store::DynamoDBConversationConfig config;
    config.table_name = options.conversation_table;
    config.client = client;
    auto opened = store::MakeDynamoDBConversationStore(config);
    if (!opened.ok()) return Fail(opened.error());
    store = std::move(opened).value();
  } else {
    auto opened = store::MakeSqliteConversationStore({db_path});
    if (!opened.ok()) return Fail(opened.error());
    store = std::move(opened).value();
  }
  std::printf("engine %s\n", options.engine.c_str());
  const std::string user = "bench-" + NewUuid().substr(0, 8);
  const std::string messages = Messages(8, 120);  // ~1 KB
  std::vector<std::string> ids;
  auto counted = [&](const std::string& name, int min_ops, const std::function<Status(int)>& op) {
    const uint64_t before = client ? client->counters().Total() : 0;
    const auto start = SteadyClock::now();
    auto rate = Rate(options.seconds / 4, min_ops, op);
    if (!rate.ok()) return Status(rate.error());
    Print(name + "_ops_per_s", *rate);
    PrintRequests(client.get(), name, before, *rate * SecondsSince(start));
    return Status();
  };
  Status status = counted("store", 50, [&](int) -> Status {
    MEM0_ASSIGN_OR_RETURN(std::string id, store->StoreConversation(user, messages, "{}"));
    ids.push_back(std::move(id));
    return {};
  });
  if (status.ok()) {
    status = counted("get", 50, [&](int i) -> Status {
      MEM0_ASSIGN_OR_RETURN(auto got, store->GetConversation(user, ids[i % ids.size()]));
      return got ? Status() : MakeError(ErrorCode::kNotFound, "missing");
    });
  }
  if (status.ok()) {
    status = counted("list10", 50, [&](int) -> Status {
      MEM0_ASSIGN_OR_RETURN(auto page, store->ListConversations(user, 10));
      return page.conversations.size() == 10 ? Status() : MakeError(ErrorCode::kInternal, "short");
    });
  }
  if (status.ok()) {
    status = counted("append", 50, [&](int i) -> Status {
      return store->AppendMessages(user, ids[i % ids.size()], Messages(1, 60));
    });
  }
  if (status.ok() && options.engine == "sqlite") {
    store.reset();
    status = SqliteHistoryFigures(options, db_path);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_path + suffix).c_str());
  return status.ok() ? 0 : Fail(status.error());
}

int RunGraphBench(const StoreBenchOptions& options) {
  auto made = LocalClient(options);
  if (!made.ok()) return Fail(made.error());
  auto client = *made;
  store::DynamoDBGraphConfig config;
  config.table_name = options.graph_table;
  config.client = client;
  auto opened = store::MakeDynamoDBGraphStore(config);
  if (!opened.ok()) return Fail(opened.error());
  auto& graph = **opened;
  const std::string run = NewUuid().substr(0, 8);
  auto status = [&]() -> Status {
    // Hubs with k neighbours, half outgoing, half incoming.
    for (int k : {20, 50}) {
      const std::string hub = "hub" + std::to_string(k) + "-" + run;
      MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("hub", "{}", hub));
      for (int i = 0; i < k; ++i) {
        const std::string id = hub + "-n" + std::to_string(i);
        MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("neighbour", "{}", id));
        MEM0_RETURN_IF_ERROR(i % 2 ? graph.CreateRelationship(id, hub, "LINKS", "{}")
                                   : graph.CreateRelationship(hub, id, "LINKS", "{}"));
      }
      MEM0_ASSIGN_OR_RETURN(
          double rate, Rate(options.seconds / 4, 20, [&](int) -> Status {
            MEM0_ASSIGN_OR_RETURN(
                auto related, graph.GetRelatedMemories(hub, {{}, store::Direction::kBoth, 100}));
            return static_cast<int>(related.size()) == k
                       ? Status()
                       : MakeError(ErrorCode::kInternal, "wrong neighbour count");
          }));
      Print("get_related_k" + std::to_string(k) + "_ops_per_s", rate);
      client->counters().Reset();
      MEM0_RETURN_IF_ERROR(graph.GetRelatedMemories(hub, {{}, store::Direction::kBoth, 100}));
      Print("get_related_k" + std::to_string(k) + "_requests_per_op",
            static_cast<double>(client->counters().Total()));
    }
    // delete_node with 50 edges, a few times.
    const int kDeletes = 5;
    double requests = 0, seconds = 0;
    for (int d = 0; d < kDeletes; ++d) {
      const std::string hub = "del" + std::to_string(d) + "-" + run;
      MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("hub", "{}", hub));
      for (int i = 0; i < 50; ++i) {
        const std::string id = hub + "-n" + std::to_string(i);
        MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("neighbour", "{}", id));
        MEM0_RETURN_IF_ERROR(graph.CreateRelationship(hub, id, "LINKS", "{}"));
      }
      client->counters().Reset();
      const auto start = SteadyClock::now();
      MEM0_RETURN_IF_ERROR(graph.DeleteNode(hub));
      seconds += SecondsSince(start);
      requests += static_cast<double>(client->counters().Total());
    }
    Print("delete_node_d50_ops_per_s", kDeletes / seconds);
    Print("delete_node_d50_requests_per_op", requests / kDeletes);
    // traverse depth 2: root -> 10 -> 3 each.
    const std::string root = "root-" + run;
    MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("root", "{}", root));
    for (int i = 0; i < 10; ++i) {
      const std::string child = root + "-c" + std::to_string(i);
      MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("child", "{}", child));
      MEM0_RETURN_IF_ERROR(graph.CreateRelationship(root, child, "HAS", "{}"));
      for (int j = 0; j < 3; ++j) {
        const std::string grandchild = child + "-" + std::to_string(j);
        MEM0_RETURN_IF_ERROR(graph.CreateMemoryNode("grandchild", "{}", grandchild));
        MEM0_RETURN_IF_ERROR(graph.CreateRelationship(child, grandchild, "HAS", "{}"));
      }
    }
    MEM0_ASSIGN_OR_RETURN(
        double traversals, Rate(options.seconds / 4, 10, [&](int) -> Status {
          MEM0_ASSIGN_OR_RETURN(auto g, graph.Traverse(root, {2, store::Direction::kOutgoing}));
          return g.nodes.size() == 41 ? Status() : MakeError(ErrorCode::kInternal, "wrong size");
        }));
    Print("traverse_depth2_41_nodes_ops_per_s", traversals);
    client->counters().Reset();
    MEM0_RETURN_IF_ERROR(graph.Traverse(root, {2, store::Direction::kOutgoing}));
    Print("traverse_depth2_requests_per_op", static_cast<double>(client->counters().Total()));
    return {};
  }();
  return status.ok() ? 0 : Fail(status.error());
}

}  // namespace mem0::bench
