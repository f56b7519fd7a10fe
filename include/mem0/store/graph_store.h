// GraphStore: a memory graph — memory nodes and typed, directed
// relationships between them — on DynamoDB or embedded SQLite, with the same
// behaviour on both (one conformance suite runs against each).
//
// Semantics both engines share:
//   - Self-loops are allowed and returned once (direction "outgoing").
//   - Duplicate relationships (same source, type, target) are allowed; each
//     has its own edge id.
//   - Metadata and properties are JSON objects, passed as JSON text.
//   - A scope ("user:alice", "agent:a1", "run:r9") partitions memories: a
//     node created in a scope is linked from the scope node, and every call
//     given a scope only sees nodes of that scope.
//   - Lists with a limit return `limit` results whenever that many exist,
//     whatever filters apply.
//
// Thread-safety: implementations are safe to share across threads.
#ifndef MEM0_STORE_GRAPH_STORE_H_
#define MEM0_STORE_GRAPH_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mem0/core/env.h"
#include "mem0/core/result.h"
#include "mem0/dynamodb/client.h"
#include "mem0/store/conversation_store.h"

namespace mem0::store {

struct MemoryNode {
  std::string node_id;
  std::string content;
  std::string metadata_json = "{}";
  std::string scope;      // empty: unscoped
  double created_at = 0;  // unix seconds (fractional)
  std::optional<double> updated_at;
};

struct Edge {
  std::string edge_id;
  std::string source_id;
  std::string target_id;
  std::string relationship_type;
  std::string properties_json = "{}";
  double created_at = 0;
  bool indexed = true;  // see EdgeOptions; filled by ExportAll
};

enum class Direction { kOutgoing, kIncoming, kBoth };
const char* DirectionName(Direction direction);

// One neighbour of a node, as get_related_memories returns it.
struct RelatedMemory {
  std::string node_id;
  std::string content;
  std::string relationship;
  std::string metadata_json;
  std::string edge_properties_json;
  std::string direction;  // "outgoing" or "incoming", seen from the queried node
  std::string edge_id;
};

// One edge with both ends, as get_memories_by_relationship_type returns it.
struct EdgeWithNodes {
  Edge edge;
  MemoryNode source;
  MemoryNode target;
};

struct Subgraph {
  std::vector<MemoryNode> nodes;  // each once
  std::vector<Edge> edges;        // each once
};

struct RelatedQuery {
  std::vector<std::string> relationship_types;  // empty: all
  Direction direction = Direction::kBoth;
  int limit = 100;
  std::string scope;  // non-empty: only neighbours in this scope
};

struct TypeQuery {
  int limit = 100;
  std::optional<double> created_from;  // inclusive, unix seconds
  std::optional<double> created_to;    // inclusive
  std::string scope;                   // non-empty: both ends in this scope
};

struct TraverseQuery {
  int depth = 1;
  Direction direction = Direction::kBoth;
  std::vector<std::string> relationship_types;  // empty: all
  std::string scope;
};

// How a relationship is stored.
struct EdgeOptions {
  // false: the edge stays off the relationship-type index (on DynamoDB, the
  // GSI), so writing many of them puts no load on one index partition.
  // Unindexed edges are returned by GetRelatedMemories, Traverse and
  // ExportAll, deleted by DeleteNode and DeleteRelationship and checked by
  // Check like any other, but never returned by
  // GetMemoriesByRelationshipType.
  bool indexed = true;
};

struct GraphCheckReport {
  std::vector<std::string> problems;  // one line each
  int64_t repaired = 0;
};

// The non-virtual overloads supply defaults for trailing arguments (virtual
// functions take no default arguments).
class GraphStore {
 public:
  virtual ~GraphStore() = default;

  // `node_id` empty: a UUID is generated. kAlreadyExists when taken.
  virtual Result<std::string> CreateMemoryNode(const std::string& content,
                                               const std::string& metadata_json,
                                               const std::string& node_id,
                                               const std::string& scope) = 0;
  Result<std::string> CreateMemoryNode(const std::string& content,
                                       const std::string& metadata_json = "{}",
                                       const std::string& node_id = "") {
    return CreateMemoryNode(content, metadata_json, node_id, "");
  }
  virtual Result<std::optional<MemoryNode>> GetNode(const std::string& node_id) = 0;
  // kNotFound when the node does not exist; nothing is written then.
  virtual Result<void> UpdateNode(const std::string& node_id,
                                  const std::optional<std::string>& content,
                                  const std::optional<std::string>& metadata_json) = 0;
  // Removes the node and every edge touching it (both items of each). Safe
  // to run again after an interruption: it finishes the job. Returns whether
  // anything was there.
  virtual Result<bool> DeleteNode(const std::string& node_id) = 0;

  // Both nodes must exist (kNotFound otherwise); the edge's items are written
  // atomically.
  virtual Result<std::string> CreateRelationship(const std::string& source_id,
                                                 const std::string& target_id,
                                                 const std::string& relationship_type,
                                                 const std::string& properties_json,
                                                 const EdgeOptions& options) = 0;
  Result<std::string> CreateRelationship(const std::string& source_id, const std::string& target_id,
                                         const std::string& relationship_type,
                                         const std::string& properties_json = "{}") {
    return CreateRelationship(source_id, target_id, relationship_type, properties_json,
                              EdgeOptions{});
  }
  // kNotFound when there is no such edge.
  virtual Result<void> DeleteRelationship(const std::string& edge_id) = 0;

  virtual Result<std::vector<RelatedMemory>> GetRelatedMemories(const std::string& node_id,
                                                                const RelatedQuery& query) = 0;
  // Newest first; each edge once.
  virtual Result<std::vector<EdgeWithNodes>> GetMemoriesByRelationshipType(
      const std::string& relationship_type, const TypeQuery& query) = 0;
  // The nodes reachable within `depth` hops and the edges between them.
  virtual Result<Subgraph> Traverse(const std::string& start_node_id,
                                    const TraverseQuery& query) = 0;
  // Every node and edge (or one scope's).
  virtual Result<Subgraph> ExportAll(const std::string& scope) = 0;
  Result<Subgraph> ExportAll() { return ExportAll(""); }
  // For exports of any size: every node, then separately every edge (the
  // ones ExportAll("") returns, and edges whose ends are missing), each in id
  // order, read a page at a time, so memory is bounded by the ids rather than
  // the contents (DynamoDB reads the keys with a scan, then the items in id
  // order, so each item is read twice). `visit` runs without any lock of the
  // store held; its first error stops the walk and is returned.
  virtual Status ForEachNode(const std::function<Status(const MemoryNode&)>& visit) = 0;
  virtual Status ForEachEdge(const std::function<Status(const Edge&)>& visit) = 0;
  // For imports (restoring or moving a store): writes the node exactly as
  // given, timestamps included: creates it, or replaces the content,
  // metadata and timestamps of the node with that id (kAlreadyExists when
  // that node is in another scope). Writing it again changes nothing.
  virtual Result<void> PutNode(const MemoryNode& node) = 0;
  // Writes the edge exactly as given (id, time, properties, indexed): creates
  // it, or rewrites the edge with that id when it joins the same nodes with
  // the same type (kAlreadyExists otherwise); kNotFound when a node is
  // missing. Writing it again changes nothing.
  virtual Result<void> PutEdge(const Edge& edge) = 0;
  // Memory nodes of a scope, `limit` per page, in node id order.
  virtual Result<std::vector<MemoryNode>> ListScope(const std::string& scope, int limit,
                                                    const std::string& after_node_id) = 0;
  Result<std::vector<MemoryNode>> ListScope(const std::string& scope, int limit) {
    return ListScope(scope, limit, "");
  }

  // A counter per scope for caches of a scope's contents: 0 for a scope never
  // written; it grows (by at least 1) after every successful
  // CreateMemoryNode in the scope, and every UpdateNode and DeleteNode (that
  // deleted something) of a node in the scope. It is bumped after the write,
  // so a reader that reads the version before loading the scope can never
  // cache older data under a newer version. A crash (or an error returned by
  // the bump itself) between the write and the bump leaves the version stale
  // until the next write to the scope; the write is done either way. (SQLite
  // bumps in the write's transaction, so there the two cannot part.)
  virtual Result<int64_t> GetScopeVersion(const std::string& scope) = 0;

  // Finds edge items whose twin or whose node is missing; with `repair`,
  // deletes the dangling halves.
  virtual Result<GraphCheckReport> Check(bool repair) = 0;
};

// Subgraph as JSON ({"nodes": [...], "edges": [...]}) and as Graphviz DOT.
std::string SubgraphToJson(const Subgraph& graph);
std::string SubgraphToDot(const Subgraph& graph);

struct DynamoDBGraphConfig : dynamodb::ConnectionConfig {
  std::string table_name = "Mem0Graph";
  bool enable_gsi = true;
  std::string gsi_name = "RelationshipTypeIndex";
  std::shared_ptr<Clock> clock;  // null: SystemClock()
};

struct SqliteGraphConfig {
  std::string path;  // empty: ~/.mem0/mem0.db
  int busy_timeout_ms = 30000;
  std::string synchronous = "normal";  // or "full"; see SqliteConfig
  std::shared_ptr<Clock> clock;
};

Result<std::unique_ptr<GraphStore>> MakeDynamoDBGraphStore(const DynamoDBGraphConfig& config);
Result<std::unique_ptr<GraphStore>> MakeSqliteGraphStore(const SqliteGraphConfig& config);

}  // namespace mem0::store

#endif  // MEM0_STORE_GRAPH_STORE_H_
