// GraphStore on an embedded SQLite file (default ~/.mem0/mem0.db, beside the
// conversation tables): nodes and edges tables with indexes for each access
// path, and the same semantics as the DynamoDB engine (see graph_store.h).
// Foreign keys keep edges from outliving their nodes; Check() still looks,
// for files written with foreign keys off.
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "core/uuid.h"
#include "mem0/store/graph_store.h"
#include "store/checked_store.h"
#include "store/conversation_common.h"
#include "store/graph_common.h"
#include "store/sqlite_db.h"

namespace mem0::store {
namespace {

using Json = nlohmann::json;
using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kGraphMigrationV1 = R"sql(
CREATE TABLE graph_nodes (
  node_id TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  metadata TEXT NOT NULL,
  scope TEXT,
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER
) WITHOUT ROWID;
CREATE INDEX graph_nodes_by_scope ON graph_nodes(scope, node_id) WHERE scope IS NOT NULL;
CREATE TABLE graph_edges (
  edge_id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES graph_nodes(node_id),
  target_id TEXT NOT NULL REFERENCES graph_nodes(node_id),
  relationship_type TEXT NOT NULL,
  properties TEXT NOT NULL,
  created_at_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX graph_edges_by_source ON graph_edges(source_id, relationship_type);
CREATE INDEX graph_edges_by_target ON graph_edges(target_id, relationship_type);
CREATE INDEX graph_edges_by_type ON graph_edges(relationship_type, created_at_us);
)sql";

// Unindexed edges (EdgeOptions) and scope versions. Existing edges were all
// indexed, hence the default.
constexpr std::string_view kGraphMigrationV2 = R"sql(
ALTER TABLE graph_edges ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
CREATE TABLE graph_scope_versions (
  scope TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Bumps the version of the scope of node ?1 (none for an unscoped or missing
// node). The WHERE clause resolves the upsert's parsing ambiguity.
constexpr const char* kBumpScopeOfNode =
    "INSERT INTO graph_scope_versions (scope, version) SELECT scope, 1 FROM graph_nodes "
    "WHERE node_id = ?1 AND scope IS NOT NULL "
    "ON CONFLICT (scope) DO UPDATE SET version = version + 1";

constexpr const char* kNodeColumns =
    "node_id, content, metadata, scope, created_at_us, updated_at_us";
constexpr const char* kEdgeColumns =
    "edge_id, source_id, target_id, relationship_type, properties, created_at_us";

int64_t Micros(double seconds) { return std::llround(seconds * 1e6); }
double Seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

MemoryNode ReadNode(const Statement& row, int first = 0) {
  MemoryNode node;
  node.node_id = row.Text(first);
  node.content = row.Text(first + 1);
  node.metadata_json = row.Text(first + 2);
  node.scope = row.OptionalText(first + 3).value_or("");
  node.created_at = Seconds(row.Int64(first + 4));
  if (auto updated = row.OptionalInt64(first + 5)) node.updated_at = Seconds(*updated);
  return node;
}

Edge ReadEdge(const Statement& row, int first = 0) {
  return {row.Text(first),     row.Text(first + 1), row.Text(first + 2),
          row.Text(first + 3), row.Text(first + 4), Seconds(row.Int64(first + 5))};
}

std::optional<int64_t> OptionalMicros(const std::optional<double>& seconds) {
  if (!seconds) return std::nullopt;
  return Micros(*seconds);
}

// "column IN (?N, ?N+1, ...)" for `count` types from parameter `first`, or
// "1" for none. Numbered, since the statements mix in other numbered ones.
std::string TypeFilter(const char* column, size_t count, int first) {
  if (count == 0) return "1";
  std::string sql = std::string(column) + " IN (";
  for (size_t i = 0; i < count; ++i) {
    sql += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  }
  return sql + ")";
}

class SqliteGraphStore final : public GraphStore {
 public:
  SqliteGraphStore(std::unique_ptr<Database> db, std::shared_ptr<Clock> clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}

  Result<std::string> CreateMemoryNode(const std::string& content, const std::string& metadata_json,
                                       const std::string& node_id,
                                       const std::string& scope) override {
    MEM0_ASSIGN_OR_RETURN(NewNode node, ValidateNewNode(content, metadata_json, node_id, scope));
    const std::string& id = node.node_id;
    const Json& metadata = node.metadata;
    std::lock_guard<std::mutex> lock(mu_);
    auto inserted = db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(Statement insert,
                            db_->Prepare("INSERT INTO graph_nodes (node_id, content, metadata, "
                                         "scope, created_at_us) VALUES (?, ?, ?, ?, ?)"));
      insert.BindText(1, id).BindText(2, content).BindText(3, metadata.dump());
      if (scope.empty()) {
        insert.BindNull(4);
      } else {
        insert.BindText(4, scope);
      }
      insert.BindInt64(5, Micros(NowSeconds(*clock_)));
      MEM0_RETURN_IF_ERROR(insert.Run());
      return BumpScopeOfNodeLocked(id);
    });
    if (!inserted.ok()) {
      if (sqlite::IsConstraintViolation(inserted.error())) {
        return MakeError(ErrorCode::kAlreadyExists, "node " + id + " already exists");
      }
      return inserted.error();
    }
    return id;
  }

  Result<std::optional<MemoryNode>> GetNode(const std::string& node_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return ReadNodeLocked(node_id);
  }

  Result<void> UpdateNode(const std::string& node_id, const std::optional<std::string>& content,
                          const std::optional<std::string>& metadata_json) override {
    std::optional<std::string> metadata;
    if (metadata_json) {
      MEM0_ASSIGN_OR_RETURN(Json parsed, ParseJsonObject("metadata", *metadata_json));
      metadata = parsed.dump();
    }
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(
          Statement update,
          db_->Prepare("UPDATE graph_nodes SET content = COALESCE(?, content), metadata = "
                       "COALESCE(?, metadata), updated_at_us = ? WHERE node_id = ?"));
      update.BindOptionalText(1, content)
          .BindOptionalText(2, metadata)
          .BindInt64(3, Micros(NowSeconds(*clock_)))
          .BindText(4, node_id);
      MEM0_RETURN_IF_ERROR(update.Run());
      if (db_->Changes() == 0)
        return MakeError(ErrorCode::kNotFound, "node " + node_id + " not found");
      return BumpScopeOfNodeLocked(node_id);
    });
  }

  Result<bool> DeleteNode(const std::string& node_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Result<bool> {
      // Before the node goes (its scope is read from it); the transaction
      // makes the order invisible.
      MEM0_RETURN_IF_ERROR(BumpScopeOfNodeLocked(node_id));
      MEM0_ASSIGN_OR_RETURN(
          Statement edges,
          db_->Prepare("DELETE FROM graph_edges WHERE source_id = ? OR target_id = ?"));
      MEM0_RETURN_IF_ERROR(edges.BindText(1, node_id).BindText(2, node_id).Run());
      const int64_t removed_edges = db_->Changes();
      MEM0_ASSIGN_OR_RETURN(Statement node,
                            db_->Prepare("DELETE FROM graph_nodes WHERE node_id = ?"));
      MEM0_RETURN_IF_ERROR(node.BindText(1, node_id).Run());
      return removed_edges + db_->Changes() > 0;
    });
  }

  Result<std::string> CreateRelationship(const std::string& source_id, const std::string& target_id,
                                         const std::string& relationship_type,
                                         const std::string& properties_json,
                                         const EdgeOptions& options) override {
    MEM0_ASSIGN_OR_RETURN(Json properties, ParseJsonObject("properties", properties_json));
    const std::string edge_id = NewUuid();
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_RETURN_IF_ERROR(db_->InTransaction([&]() -> Status {
      for (const auto& [node, role] : {std::pair{&source_id, "source"}, {&target_id, "target"}}) {
        MEM0_ASSIGN_OR_RETURN(auto found, ReadNodeLocked(*node));
        if (!found)
          return MakeError(ErrorCode::kNotFound,
                           std::string(role) + " node " + *node + " not found");
      }
      MEM0_ASSIGN_OR_RETURN(Statement insert,
                            db_->Prepare("INSERT INTO graph_edges (edge_id, source_id, target_id, "
                                         "relationship_type, properties, created_at_us, indexed) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?)"));
      return insert.BindText(1, edge_id)
          .BindText(2, source_id)
          .BindText(3, target_id)
          .BindText(4, relationship_type)
          .BindText(5, properties.dump())
          .BindInt64(6, Micros(NowSeconds(*clock_)))
          .BindInt64(7, options.indexed ? 1 : 0)
          .Run();
    }));
    return edge_id;
  }

  Result<void> DeleteRelationship(const std::string& edge_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(Statement del,
                            db_->Prepare("DELETE FROM graph_edges WHERE edge_id = ?"));
      MEM0_RETURN_IF_ERROR(del.BindText(1, edge_id).Run());
      if (db_->Changes() == 0) {
        return MakeError(ErrorCode::kNotFound, "relationship " + edge_id + " not found");
      }
      return {};
    });
  }

  Result<std::vector<RelatedMemory>> GetRelatedMemories(const std::string& node_id,
                                                        const RelatedQuery& query) override {
    // The neighbour is the other end; a self-loop is one row, outgoing.
    std::string sql = std::string("SELECT e.") +
                      "edge_id, e.relationship_type, e.properties, "
                      "e.source_id = ?1 AS outgoing, n.node_id, n.content, n.metadata "
                      "FROM graph_edges e JOIN graph_nodes n ON n.node_id = "
                      "CASE WHEN e.source_id = ?1 THEN e.target_id ELSE e.source_id END WHERE ";
    switch (query.direction) {
      case Direction::kOutgoing:
        sql += "e.source_id = ?1";
        break;
      case Direction::kIncoming:
        sql += "e.target_id = ?1";
        break;
      case Direction::kBoth:
        sql += "(e.source_id = ?1 OR e.target_id = ?1)";
        break;
    }
    sql += " AND (?2 = '' OR n.scope = ?2) AND " +
           TypeFilter("e.relationship_type", query.relationship_types.size(), 4) +
           // DynamoDB's order: by sort key, so with both directions the IN#
           // items (self-loops among them) come before the OUT# ones.
           (query.direction == Direction::kBoth ? " ORDER BY e.target_id <> ?1, e.edge_id"
                                                : " ORDER BY e.edge_id") +
           " LIMIT ?3";
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(sql));
    select.BindText(1, node_id).BindText(2, query.scope).BindInt64(3, query.limit);
    for (size_t i = 0; i < query.relationship_types.size(); ++i) {
      select.BindText(static_cast<int>(4 + i), query.relationship_types[i]);
    }
    std::vector<RelatedMemory> out;
    while (true) {
      MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      out.push_back({select.Text(4), select.Text(5), select.Text(1), select.Text(6), select.Text(2),
                     select.Int64(3) ? "outgoing" : "incoming", select.Text(0)});
    }
    return out;
  }

  Result<std::vector<EdgeWithNodes>> GetMemoriesByRelationshipType(
      const std::string& relationship_type, const TypeQuery& query) override {
    const std::string sql =
        std::string(
            "SELECT e.edge_id, e.source_id, e.target_id, e.relationship_type, "
            "e.properties, e.created_at_us, ") +
        "s.node_id, s.content, s.metadata, s.scope, s.created_at_us, s.updated_at_us, "
        "t.node_id, t.content, t.metadata, t.scope, t.created_at_us, t.updated_at_us "
        "FROM graph_edges e JOIN graph_nodes s ON s.node_id = e.source_id "
        "JOIN graph_nodes t ON t.node_id = e.target_id "
        "WHERE e.relationship_type = ?1 AND e.indexed AND e.created_at_us BETWEEN ?2 AND ?3 "
        "AND (?4 = '' OR (s.scope = ?4 AND t.scope = ?4)) "
        "ORDER BY e.created_at_us DESC, e.edge_id DESC LIMIT ?5";
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(sql));
    select.BindText(1, relationship_type)
        .BindInt64(2, query.created_from ? Micros(*query.created_from) : INT64_MIN)
        .BindInt64(3, query.created_to ? Micros(*query.created_to) : INT64_MAX)
        .BindText(4, query.scope)
        .BindInt64(5, query.limit);
    std::vector<EdgeWithNodes> out;
    while (true) {
      MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      out.push_back({ReadEdge(select), ReadNode(select, 6), ReadNode(select, 12)});
    }
    return out;
  }

  Result<Subgraph> Traverse(const std::string& start_node_id, const TraverseQuery& query) override {
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_ASSIGN_OR_RETURN(auto start, ReadNodeLocked(start_node_id));
    if (!start || (!query.scope.empty() && start->scope != query.scope)) {
      return MakeError(ErrorCode::kNotFound, "node " + start_node_id + " not found");
    }
    std::map<std::string, MemoryNode> nodes = {{start_node_id, *start}};
    std::map<std::string, Edge> edges;
    std::vector<std::string> frontier = {start_node_id};
    std::string sql = std::string("SELECT ") + kEdgeColumns + " FROM graph_edges WHERE ";
    switch (query.direction) {
      case Direction::kOutgoing:
        sql += "source_id = ?1";
        break;
      case Direction::kIncoming:
        sql += "target_id = ?1";
        break;
      case Direction::kBoth:
        sql += "(source_id = ?1 OR target_id = ?1)";
        break;
    }
    sql += " AND " + TypeFilter("relationship_type", query.relationship_types.size(), 2);
    for (int level = 0; level < query.depth && !frontier.empty(); ++level) {
      std::vector<std::string> next;
      for (const auto& node_id : frontier) {
        MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(sql));
        select.BindText(1, node_id);
        for (size_t i = 0; i < query.relationship_types.size(); ++i) {
          select.BindText(static_cast<int>(2 + i), query.relationship_types[i]);
        }
        std::vector<Edge> found;
        while (true) {
          MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
          if (!row) break;
          found.push_back(ReadEdge(select));
        }
        for (auto& edge : found) {
          const std::string& other = edge.source_id == node_id ? edge.target_id : edge.source_id;
          if (!nodes.count(other)) {
            MEM0_ASSIGN_OR_RETURN(auto neighbour, ReadNodeLocked(other));
            if (!neighbour || (!query.scope.empty() && neighbour->scope != query.scope)) continue;
            nodes.emplace(other, *neighbour);
            next.push_back(other);
          }
          edges.emplace(edge.edge_id, std::move(edge));
        }
      }
      frontier = std::move(next);
    }
    Subgraph graph;
    for (auto& [id, node] : nodes) graph.nodes.push_back(std::move(node));
    for (auto& [id, edge] : edges) graph.edges.push_back(std::move(edge));
    return graph;
  }

  Result<Subgraph> ExportAll(const std::string& scope) override {
    std::lock_guard<std::mutex> lock(mu_);
    Subgraph graph;
    MEM0_ASSIGN_OR_RETURN(
        Statement nodes,
        db_->Prepare(std::string("SELECT ") + kNodeColumns +
                     " FROM graph_nodes WHERE ?1 = '' OR scope = ?1 ORDER BY node_id"));
    nodes.BindText(1, scope);
    while (true) {
      MEM0_ASSIGN_OR_RETURN(bool row, nodes.Step());
      if (!row) break;
      graph.nodes.push_back(ReadNode(nodes));
    }
    MEM0_ASSIGN_OR_RETURN(
        Statement edges,
        db_->Prepare("SELECT e.edge_id, e.source_id, e.target_id, e.relationship_type, "
                     "e.properties, e.created_at_us, e.indexed FROM graph_edges e "
                     "JOIN graph_nodes s ON "
                     "s.node_id = e.source_id "
                     "JOIN graph_nodes t ON t.node_id = e.target_id "
                     "WHERE ?1 = '' OR (s.scope = ?1 AND t.scope = ?1) ORDER BY e.edge_id"));
    edges.BindText(1, scope);
    while (true) {
      MEM0_ASSIGN_OR_RETURN(bool row, edges.Step());
      if (!row) break;
      graph.edges.push_back(ReadEdge(edges));
      graph.edges.back().indexed = edges.Int64(6) != 0;
    }
    return graph;
  }

  Status ForEachNode(const std::function<Status(const MemoryNode&)>& visit) override {
    return ForEachPage<MemoryNode>(
        std::string("SELECT ") + kNodeColumns +
            " FROM graph_nodes WHERE node_id > ?1 ORDER BY node_id LIMIT ?2",
        [](const Statement& row) { return ReadNode(row); },
        [](const MemoryNode& node) { return node.node_id; }, visit);
  }

  Status ForEachEdge(const std::function<Status(const Edge&)>& visit) override {
    return ForEachPage<Edge>(
        std::string("SELECT ") + kEdgeColumns +
            ", indexed FROM graph_edges WHERE edge_id > ?1 ORDER BY edge_id LIMIT ?2",
        [](const Statement& row) {
          Edge edge = ReadEdge(row);
          edge.indexed = row.Int64(6) != 0;
          return edge;
        },
        [](const Edge& edge) { return edge.edge_id; }, visit);
  }

  Result<void> PutNode(const MemoryNode& node) override {
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseJsonObject("metadata", node.metadata_json));
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(auto existing, ReadNodeLocked(node.node_id));
      if (existing && existing->scope != node.scope) {
        return MakeError(ErrorCode::kAlreadyExists, "node " + node.node_id +
                                                        " already exists in another scope (\"" +
                                                        existing->scope + "\")");
      }
      MEM0_ASSIGN_OR_RETURN(
          Statement upsert,
          db_->Prepare("INSERT INTO graph_nodes (node_id, content, metadata, scope, created_at_us, "
                       "updated_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (node_id) DO "
                       "UPDATE SET content = ?2, metadata = ?3, created_at_us = ?5, "
                       "updated_at_us = ?6"));
      upsert.BindText(1, node.node_id).BindText(2, node.content).BindText(3, metadata.dump());
      if (node.scope.empty()) {
        upsert.BindNull(4);
      } else {
        upsert.BindText(4, node.scope);
      }
      upsert.BindInt64(5, Micros(node.created_at))
          .BindOptionalInt64(6, OptionalMicros(node.updated_at));
      MEM0_RETURN_IF_ERROR(upsert.Run());
      return BumpScopeOfNodeLocked(node.node_id);
    });
  }

  Result<void> PutEdge(const Edge& edge) override {
    MEM0_ASSIGN_OR_RETURN(Json properties, ParseJsonObject("properties", edge.properties_json));
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      for (const auto& [node, role] :
           {std::pair{&edge.source_id, "source"}, {&edge.target_id, "target"}}) {
        MEM0_ASSIGN_OR_RETURN(auto found, ReadNodeLocked(*node));
        if (!found)
          return MakeError(ErrorCode::kNotFound,
                           std::string(role) + " node " + *node + " not found");
      }
      MEM0_ASSIGN_OR_RETURN(Statement existing,
                            db_->Prepare("SELECT source_id, target_id, relationship_type FROM "
                                         "graph_edges WHERE edge_id = ?"));
      existing.BindText(1, edge.edge_id);
      MEM0_ASSIGN_OR_RETURN(bool found, existing.Step());
      if (found && (existing.Text(0) != edge.source_id || existing.Text(1) != edge.target_id ||
                    existing.Text(2) != edge.relationship_type)) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "edge " + edge.edge_id + " already exists with other nodes or type");
      }
      MEM0_ASSIGN_OR_RETURN(
          Statement upsert,
          db_->Prepare("INSERT INTO graph_edges (edge_id, source_id, target_id, "
                       "relationship_type, properties, created_at_us, indexed) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (edge_id) DO UPDATE SET "
                       "properties = ?5, created_at_us = ?6, indexed = ?7"));
      return upsert.BindText(1, edge.edge_id)
          .BindText(2, edge.source_id)
          .BindText(3, edge.target_id)
          .BindText(4, edge.relationship_type)
          .BindText(5, properties.dump())
          .BindInt64(6, Micros(edge.created_at))
          .BindInt64(7, edge.indexed ? 1 : 0)
          .Run();
    });
  }

  Result<std::vector<MemoryNode>> ListScope(const std::string& scope, int limit,
                                            const std::string& after_node_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_ASSIGN_OR_RETURN(Statement select,
                          db_->Prepare(std::string("SELECT ") + kNodeColumns +
                                       " FROM graph_nodes WHERE scope = ? AND node_id > ? "
                                       "ORDER BY node_id LIMIT ?"));
    select.BindText(1, scope).BindText(2, after_node_id).BindInt64(3, limit);
    std::vector<MemoryNode> out;
    while (true) {
      MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      out.push_back(ReadNode(select));
    }
    return out;
  }

  Result<int64_t> GetScopeVersion(const std::string& scope) override {
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_ASSIGN_OR_RETURN(Statement select,
                          db_->Prepare("SELECT version FROM graph_scope_versions WHERE scope = ?"));
    select.BindText(1, scope);
    MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
    return row ? select.Int64(0) : int64_t{0};
  }

  Result<GraphCheckReport> Check(bool repair) override {
    std::lock_guard<std::mutex> lock(mu_);
    GraphCheckReport report;
    const std::string dangling =
        "FROM graph_edges WHERE source_id NOT IN (SELECT node_id FROM graph_nodes) "
        "OR target_id NOT IN (SELECT node_id FROM graph_nodes)";
    MEM0_ASSIGN_OR_RETURN(Statement select,
                          db_->Prepare("SELECT edge_id, source_id, target_id " + dangling));
    while (true) {
      MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      report.problems.push_back("edge " + select.Text(0) + " (" + select.Text(1) + " -> " +
                                select.Text(2) + "): an endpoint node is missing");
    }
    if (repair && !report.problems.empty()) {
      MEM0_RETURN_IF_ERROR(db_->InTransaction([&]() -> Status {
        MEM0_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE " + dangling));
        MEM0_RETURN_IF_ERROR(del.Run());
        report.repaired = db_->Changes();
        return {};
      }));
    }
    return report;
  }

 private:
  // Keyset pages of `sql` (parameters: the last key so far, the page size),
  // read under the lock and visited without it, so `visit` may use the store
  // and no read transaction stays open between pages.
  template <typename T>
  Status ForEachPage(const std::string& sql, T (*read)(const Statement&),
                     std::string (*key)(const T&), const std::function<Status(const T&)>& visit) {
    constexpr int kPage = 256;
    std::string after;
    while (true) {
      std::vector<T> page;
      {
        std::lock_guard<std::mutex> lock(mu_);
        MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(sql));
        select.BindText(1, after);
        select.BindInt64(2, kPage);
        while (true) {
          MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
          if (!row) break;
          page.push_back(read(select));
        }
      }
      for (const auto& item : page) MEM0_RETURN_IF_ERROR(visit(item));
      if (page.size() < static_cast<size_t>(kPage)) return {};
      after = key(page.back());
    }
  }

  // In the write's transaction, so a version never runs ahead of the data.
  Status BumpScopeOfNodeLocked(const std::string& node_id) {
    MEM0_ASSIGN_OR_RETURN(Statement bump, db_->Prepare(kBumpScopeOfNode));
    return bump.BindText(1, node_id).Run();
  }

  Result<std::optional<MemoryNode>> ReadNodeLocked(const std::string& node_id) {
    MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(std::string("SELECT ") + kNodeColumns +
                                                         " FROM graph_nodes WHERE node_id = ?"));
    select.BindText(1, node_id);
    MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return std::optional<MemoryNode>();
    return std::optional<MemoryNode>(ReadNode(select));
  }

  std::mutex mu_;  // one connection, used by one thread at a time
  const std::unique_ptr<Database> db_;
  const std::shared_ptr<Clock> clock_;
};

}  // namespace

Result<std::unique_ptr<GraphStore>> MakeSqliteGraphStore(const SqliteGraphConfig& config) {
  if (config.busy_timeout_ms < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "busy_timeout_ms must not be negative");
  }
  MEM0_ASSIGN_OR_RETURN(std::string path, store::sqlite::PrepareDatabasePath(config.path));
  store::sqlite::DatabaseOptions options;
  options.busy_timeout_ms = config.busy_timeout_ms;
  options.synchronous = config.synchronous;
  MEM0_ASSIGN_OR_RETURN(auto db, store::sqlite::Database::Open(path, options));
  MEM0_RETURN_IF_ERROR(
      store::sqlite::Migrate(*db, "graph", {store::kGraphMigrationV1, store::kGraphMigrationV2}));
  return WithChecks(std::make_unique<SqliteGraphStore>(
      std::move(db), config.clock ? config.clock : SystemClock()));
}

}  // namespace mem0::store
