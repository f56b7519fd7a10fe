// GraphStore on DynamoDB, in the layout of mem0's proposed module (table
// Mem0Graph, node_id HASH, edge_id RANGE; GSI RelationshipTypeIndex on
// relationship_type HASH, created_at RANGE, projection ALL).
//
//   (node, "META")                 the node: content, metadata, type=memory_node,
//                                  created_at, updated_at, scope
//   (source, "OUT#<edge>")         the edge as seen from its source
//   (target, "IN#<edge>")          ... and from its target; both carry
//                                  source_id, target_id, relationship_type,
//                                  direction, properties, created_at
//   ("mem0#edge#<edge>", "EDGE")   locator: finds an edge's items by id; it has
//                                  no relationship_type, so stays off the GSI
//   ("mem0#scope#<s>", "META")     scope node, with scope_version (a counter;
//                                  absent reads as 0); memories of the scope
//                                  are its OUT# neighbours (MEM0_SCOPE_MEMBER)
//
// Unindexed edges (EdgeOptions::indexed false) and scope membership edges
// carry their time as edge_created_at instead of created_at: a GSI holds only
// items with both its key attributes, so they stay off RelationshipTypeIndex
// (membership used to put every node creation into its one hot partition).
// They keep relationship_type, which the reference's readers use. Membership
// items written before carry created_at and are read alike.
//
// The reference also writes (<type>, "REL#<edge>") outside its transaction.
// We do not: it adds a third GSI entry per edge (the reference returns every
// edge three times from the index), can be left behind by a crash, and puts
// all edges of a type in one hot partition. REL# items written by the
// reference are read past (never returned, never duplicated).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "core/parallel.h"
#include "core/uuid.h"
#include "dynamodb/table_layout.h"
#include "mem0/store/graph_store.h"
#include "store/checked_store.h"
#include "store/conversation_common.h"
#include "store/graph_common.h"

namespace mem0::store {
namespace {

using dynamodb::AttributeValue;
using dynamodb::Item;
using Json = nlohmann::json;

constexpr const char* kLocatorPrefix = dynamodb::layout::kEdgeLocatorPrefix;
constexpr const char* kScopeVersionAttribute = "scope_version";

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }

AttributeValue Seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6f", seconds);
  return AttributeValue::N(buf);
}

std::string Str(const Item& item, const char* name) {
  const std::string* s = dynamodb::GetString(item, name);
  return s ? *s : std::string();
}

// A stored number; kCorruption naming the item when it is malformed.
Result<double> Num(const Item& item, const char* name) {
  auto value = dynamodb::GetDouble(item, name);
  if (!value.ok()) {
    Error error = std::move(value).error();
    error.message =
        "graph item (" + Str(item, "node_id") + ", " + Str(item, "edge_id") + "): " + error.message;
    return error;
  }
  return value->value_or(0);
}

Result<MemoryNode> NodeFromItem(const Item& item) {
  MemoryNode node;
  node.node_id = Str(item, "node_id");
  node.content = Str(item, "content");
  node.metadata_json = Str(item, "metadata");
  if (node.metadata_json.empty()) node.metadata_json = "{}";
  node.scope = Str(item, "scope");
  MEM0_ASSIGN_OR_RETURN(node.created_at, Num(item, "created_at"));
  if (dynamodb::GetNumber(item, "updated_at")) {
    MEM0_ASSIGN_OR_RETURN(node.updated_at, Num(item, "updated_at"));
  }
  return node;
}

// The edge id of an OUT#/IN# item; empty for other items.
std::string EdgeIdOf(const Item& item) {
  const std::string sk = Str(item, "edge_id");
  if (sk.starts_with("OUT#")) return sk.substr(4);
  if (sk.starts_with("IN#")) return sk.substr(3);
  return {};
}

Result<Edge> EdgeFromItem(const Item& item) {
  Edge edge;
  edge.edge_id = EdgeIdOf(item);
  edge.source_id = Str(item, "source_id");
  edge.target_id = Str(item, "target_id");
  edge.relationship_type = Str(item, "relationship_type");
  edge.properties_json = Str(item, "properties");
  if (edge.properties_json.empty()) edge.properties_json = "{}";
  // Unindexed edges store their time under another name (see the top).
  MEM0_ASSIGN_OR_RETURN(edge.created_at,
                        Num(item, item.count("created_at") ? "created_at" : "edge_created_at"));
  return edge;
}

Item Key(const std::string& node_id, const std::string& edge_id) {
  return {{"node_id", S(node_id)}, {"edge_id", S(edge_id)}};
}

class DynamoDBGraphStore final : public GraphStore {
 public:
  DynamoDBGraphStore(DynamoDBGraphConfig config, std::shared_ptr<dynamodb::Client> client)
      : config_(std::move(config)),
        client_(std::move(client)),
        clock_(config_.clock ? config_.clock : SystemClock()) {}

  Result<std::string> CreateMemoryNode(const std::string& content, const std::string& metadata_json,
                                       const std::string& node_id,
                                       const std::string& scope) override {
    MEM0_ASSIGN_OR_RETURN(NewNode node, ValidateNewNode(content, metadata_json, node_id, scope));
    const std::string& id = node.node_id;
    const Json& metadata = node.metadata;
    const double created_at = NowSeconds(*clock_);
    Item meta = {{"node_id", S(id)},         {"edge_id", S("META")},
                 {"content", S(content)},    {"metadata", S(metadata.dump())},
                 {"type", S("memory_node")}, {"created_at", Seconds(created_at)}};
    if (!scope.empty()) meta["scope"] = S(scope);
    MEM0_RETURN_IF_ERROR(WriteNewNode(std::move(meta), scope, created_at));
    if (!scope.empty()) MEM0_RETURN_IF_ERROR(BumpScopeVersion(scope));
    return id;
  }

  Result<std::optional<MemoryNode>> GetNode(const std::string& node_id) override {
    MEM0_ASSIGN_OR_RETURN(
        auto got, client_->GetItem({config_.table_name, Key(node_id, "META"), "", {}, true}));
    if (!got.item) return std::optional<MemoryNode>();
    MEM0_ASSIGN_OR_RETURN(MemoryNode node, NodeFromItem(*got.item));
    return std::optional<MemoryNode>(std::move(node));
  }

  Result<void> UpdateNode(const std::string& node_id, const std::optional<std::string>& content,
                          const std::optional<std::string>& metadata_json) override {
    dynamodb::UpdateItemRequest update;
    update.table_name = config_.table_name;
    update.key = Key(node_id, "META");
    update.update_expression = "SET updated_at = :now";
    update.attributes.values = {{":now", Seconds(NowSeconds(*clock_))}};
    if (content) {
      update.update_expression += ", content = :c";
      update.attributes.values[":c"] = S(*content);
    }
    if (metadata_json) {
      MEM0_ASSIGN_OR_RETURN(Json metadata, ParseJsonObject("metadata", *metadata_json));
      update.update_expression += ", metadata = :m";
      update.attributes.values[":m"] = S(metadata.dump());
    }
    update.condition_expression = "attribute_exists(node_id)";
    update.return_values = dynamodb::ReturnValues::kAllNew;  // for the scope
    auto updated = client_->UpdateItem(update);
    if (!updated.ok() && updated.error().code == ErrorCode::kConditionFailed) {
      return MakeError(ErrorCode::kNotFound, "node " + node_id + " not found");
    }
    if (!updated.ok()) return updated.error();
    const std::string scope = updated->attributes ? Str(*updated->attributes, "scope") : "";
    if (!scope.empty()) MEM0_RETURN_IF_ERROR(BumpScopeVersion(scope));
    return {};
  }

  Result<bool> DeleteNode(const std::string& node_id) override {
    // The node goes first: from then on no new relationship can reach it
    // (creation checks the node in its transaction), so the Query below
    // sees every edge there will ever be.
    dynamodb::DeleteItemRequest meta;
    meta.table_name = config_.table_name;
    meta.key = Key(node_id, "META");
    meta.return_values = dynamodb::ReturnValues::kAllOld;
    MEM0_ASSIGN_OR_RETURN(auto meta_deleted, client_->DeleteItem(meta));
    const bool had_node = meta_deleted.attributes.has_value();
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "node_id = :n";
    query.projection_expression =
        "node_id, edge_id, source_id, target_id, relationship_type, has_locator";
    query.attributes.values = {{":n", S(node_id)}};
    query.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto all, client_->QueryAll(query));
    // The scope to bump: the node's, or, when an interrupted run already
    // deleted the node, its membership item's source (the scope node).
    std::string scope = had_node ? Str(*meta_deleted.attributes, "scope") : "";
    for (const auto& item : all.items) {
      const std::string source = Str(item, "source_id");
      if (scope.empty() && Str(item, "edge_id").starts_with("IN#") &&
          Str(item, "relationship_type") == kScopeMemberType &&
          source.starts_with(kScopeNodePrefix)) {
        scope = source.substr(std::strlen(kScopeNodePrefix));
      }
    }
    if (all.items.empty()) {
      if (had_node && !scope.empty()) MEM0_RETURN_IF_ERROR(BumpScopeVersion(scope));
      return had_node;
    }
    // Two phases, so that an interrupted run can always be finished by
    // running again: first everything outside this node's partition (the
    // twins, locators, REL# items), then the node's own items.
    std::vector<dynamodb::WriteRequest> remote, own;
    std::set<std::pair<std::string, std::string>> keys;  // a self-loop yields keys twice
    // A self-loop's twin lives in this partition: it goes in the own phase,
    // whichever of its halves the Query returned first.
    auto add = [&](std::vector<dynamodb::WriteRequest>& batch, const std::string& pk,
                   const std::string& sk) {
      if (!keys.emplace(pk, sk).second) return;
      (pk == node_id ? own : batch).push_back(dynamodb::WriteRequest::Delete(Key(pk, sk)));
    };
    for (const auto& item : all.items) {
      const std::string sk = Str(item, "edge_id");
      add(own, node_id, sk);
      const std::string edge_id = EdgeIdOf(item);
      if (edge_id.empty()) continue;  // e.g. a reference REL# item keyed by a type
      if (sk.starts_with("OUT#")) add(remote, Str(item, "target_id"), "IN#" + edge_id);
      if (sk.starts_with("IN#")) add(remote, Str(item, "source_id"), "OUT#" + edge_id);
      if (item.count("has_locator")) {
        add(remote, kLocatorPrefix + edge_id, "EDGE");
      } else if (Str(item, "relationship_type") != kScopeMemberType) {
        // Written by the reference (which has no scopes: a delete there
        // would hit the one MEM0_SCOPE_MEMBER partition on every call).
        add(remote, Str(item, "relationship_type"), "REL#" + edge_id);
      }
    }
    MEM0_RETURN_IF_ERROR(client_->BatchWriteItem({{config_.table_name, remote}}));
    MEM0_RETURN_IF_ERROR(client_->BatchWriteItem({{config_.table_name, own}}));
    if (!scope.empty()) MEM0_RETURN_IF_ERROR(BumpScopeVersion(scope));
    return true;
  }

  Result<std::string> CreateRelationship(const std::string& source_id, const std::string& target_id,
                                         const std::string& relationship_type,
                                         const std::string& properties_json,
                                         const EdgeOptions& options) override {
    MEM0_ASSIGN_OR_RETURN(Json properties, ParseJsonObject("properties", properties_json));
    Edge edge{NewUuid(),         source_id,         target_id,
              relationship_type, properties.dump(), NowSeconds(*clock_)};
    MEM0_RETURN_IF_ERROR(WriteEdge(edge, options.indexed));
    return edge.edge_id;
  }

  Result<void> DeleteRelationship(const std::string& edge_id) override {
    MEM0_ASSIGN_OR_RETURN(auto located, FindEdge(edge_id));
    if (!located) return MakeError(ErrorCode::kNotFound, "relationship " + edge_id + " not found");
    dynamodb::TransactWriteItemsRequest tx;
    std::vector<Item> keys = {Key(located->source_id, "OUT#" + edge_id),
                              Key(located->target_id, "IN#" + edge_id),
                              Key(kLocatorPrefix + edge_id, "EDGE")};
    if (!located->relationship_type.empty()) {
      keys.push_back(Key(located->relationship_type, "REL#" + edge_id));  // reference's item
    }
    for (const Item& key : keys) {
      dynamodb::TransactWriteItem del;
      del.kind = dynamodb::TransactWriteItem::Kind::kDelete;
      del.table_name = config_.table_name;
      del.key = key;
      tx.items.push_back(std::move(del));
    }
    MEM0_RETURN_IF_ERROR(client_->TransactWriteItems(tx));
    return {};
  }

  Result<std::vector<RelatedMemory>> GetRelatedMemories(const std::string& node_id,
                                                        const RelatedQuery& query) override {
    dynamodb::QueryRequest request = EdgeQuery(node_id, query.direction, query.relationship_types);
    std::vector<RelatedMemory> out;
    std::set<std::string> seen_edges;
    std::map<std::string, std::optional<MemoryNode>> nodes;
    while (true) {
      // Page through edges; the filter is applied server-side, the limit
      // here, so a filter never cuts the result short. Pages are sized with
      // slack for the node's own item and filtered edges.
      const int64_t remaining = query.limit - static_cast<int64_t>(out.size());
      request.limit =
          static_cast<int>(std::min<int64_t>(std::max(remaining * 2, remaining + 10), 1000));
      MEM0_ASSIGN_OR_RETURN(auto page, client_->Query(request));
      std::vector<Item> edges;
      for (auto& item : page.items) {
        if (seen_edges.insert(EdgeIdOf(item)).second) edges.push_back(std::move(item));
      }
      // A self-loop is one neighbour, reported as outgoing.
      auto outgoing = [](const Item& item) {
        return Str(item, "edge_id").starts_with("OUT#") ||
               Str(item, "source_id") == Str(item, "target_id");
      };
      std::vector<std::string> wanted;
      for (const auto& item : edges) {
        wanted.push_back(outgoing(item) ? Str(item, "target_id") : Str(item, "source_id"));
      }
      MEM0_RETURN_IF_ERROR(FetchNodes(wanted, nodes));
      for (const auto& item : edges) {
        const bool is_outgoing = outgoing(item);
        const auto& neighbour =
            nodes[is_outgoing ? Str(item, "target_id") : Str(item, "source_id")];
        if (!neighbour || (!query.scope.empty() && neighbour->scope != query.scope)) continue;
        MEM0_ASSIGN_OR_RETURN(Edge edge, EdgeFromItem(item));
        out.push_back({neighbour->node_id, neighbour->content, Str(item, "relationship_type"),
                       neighbour->metadata_json, edge.properties_json,
                       is_outgoing ? "outgoing" : "incoming", EdgeIdOf(item)});
        if (static_cast<int>(out.size()) == query.limit) return out;
      }
      if (!page.last_evaluated_key) return out;
      request.exclusive_start_key = page.last_evaluated_key;
    }
  }

  Result<std::vector<EdgeWithNodes>> GetMemoriesByRelationshipType(
      const std::string& relationship_type, const TypeQuery& query) override {
    std::vector<EdgeWithNodes> out;
    std::set<std::string> seen;
    std::map<std::string, std::optional<MemoryNode>> nodes;
    auto consume = [&](std::vector<Item>& items) -> Result<bool> {
      std::vector<std::string> wanted;
      std::vector<Edge> edges;
      for (const auto& item : items) {
        MEM0_ASSIGN_OR_RETURN(Edge edge, EdgeFromItem(item));
        if (edge.edge_id.empty() || !seen.insert(edge.edge_id).second) continue;
        wanted.push_back(edge.source_id);
        wanted.push_back(edge.target_id);
        edges.push_back(std::move(edge));
      }
      MEM0_RETURN_IF_ERROR(FetchNodes(wanted, nodes));
      for (auto& edge : edges) {
        const auto& source = nodes[edge.source_id];
        const auto& target = nodes[edge.target_id];
        if (!source || !target) continue;
        if (!query.scope.empty() &&
            (source->scope != query.scope || target->scope != query.scope)) {
          continue;
        }
        out.push_back({std::move(edge), *source, *target});
        if (static_cast<int>(out.size()) == query.limit) return true;
      }
      return false;
    };

    if (!config_.enable_gsi) {
      // Without the index: scan, then order newest first. Only what the
      // index would hold: unindexed edges have no created_at.
      dynamodb::ScanRequest scan;
      scan.table_name = config_.table_name;
      scan.filter_expression =
          "relationship_type = :t AND begins_with(edge_id, :out) AND attribute_exists(created_at)";
      scan.attributes.values = {{":t", S(relationship_type)}, {":out", S("OUT#")}};
      scan.consistent_read = true;
      MEM0_ASSIGN_OR_RETURN(auto all, client_->ScanAll(scan));
      std::vector<std::pair<double, Item>> dated;
      for (auto& item : all.items) {
        MEM0_ASSIGN_OR_RETURN(double at, Num(item, "created_at"));
        if ((query.created_from && at < *query.created_from) ||
            (query.created_to && at > *query.created_to)) {
          continue;
        }
        dated.emplace_back(at, std::move(item));
      }
      std::stable_sort(dated.begin(), dated.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      std::vector<Item> items;
      items.reserve(dated.size());
      for (auto& [at, item] : dated) items.push_back(std::move(item));
      MEM0_RETURN_IF_ERROR(consume(items));
      return out;
    }

    dynamodb::QueryRequest request;
    request.table_name = config_.table_name;
    request.index_name = config_.gsi_name;
    request.key_condition_expression = "relationship_type = :t";
    request.attributes.values = {{":t", S(relationship_type)}, {":out", S("OUT#")}};
    if (query.created_from && query.created_to) {
      request.key_condition_expression += " AND created_at BETWEEN :from AND :to";
    } else if (query.created_from) {
      request.key_condition_expression += " AND created_at >= :from";
    } else if (query.created_to) {
      request.key_condition_expression += " AND created_at <= :to";
    }
    if (query.created_from) request.attributes.values[":from"] = Seconds(*query.created_from);
    if (query.created_to) request.attributes.values[":to"] = Seconds(*query.created_to);
    // Each edge is indexed twice (OUT# and IN#; thrice with a reference REL#
    // item): keep the OUT# entry only.
    request.filter_expression = "begins_with(edge_id, :out)";
    request.scan_index_forward = false;
    while (true) {
      request.limit = static_cast<int>(
          std::min<int64_t>((query.limit - static_cast<int64_t>(out.size())) * 2, 1000));
      MEM0_ASSIGN_OR_RETURN(auto page, client_->Query(request));
      MEM0_ASSIGN_OR_RETURN(bool full, consume(page.items));
      if (full || !page.last_evaluated_key) return out;
      request.exclusive_start_key = page.last_evaluated_key;
    }
  }

  Result<Subgraph> Traverse(const std::string& start_node_id, const TraverseQuery& query) override {
    std::map<std::string, std::optional<MemoryNode>> nodes;
    MEM0_RETURN_IF_ERROR(FetchNodes({start_node_id}, nodes));
    if (!nodes[start_node_id] || !InScope(*nodes[start_node_id], query.scope)) {
      return MakeError(ErrorCode::kNotFound, "node " + start_node_id + " not found");
    }
    Subgraph graph;
    std::set<std::string> visited = {start_node_id};
    std::map<std::string, Edge> edges;
    std::vector<std::string> frontier = {start_node_id};
    for (int level = 0; level < query.depth && !frontier.empty(); ++level) {
      // Expand the whole frontier at once: one paginated Query per node, in
      // parallel, then one parallel BatchGet for the new nodes.
      std::vector<std::vector<Item>> found(frontier.size());
      std::vector<std::function<Result<void>()>> tasks;
      for (size_t i = 0; i < frontier.size(); ++i) {
        tasks.push_back([&, i]() -> Result<void> {
          MEM0_ASSIGN_OR_RETURN(auto all, client_->QueryAll(EdgeQuery(frontier[i], query.direction,
                                                                      query.relationship_types)));
          found[i] = std::move(all.items);
          return {};
        });
      }
      MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), dynamodb::kMaxParallelRequests));
      std::vector<std::string> candidates;
      std::vector<Edge> level_edges;
      for (auto& items : found) {
        for (auto& item : items) {
          MEM0_ASSIGN_OR_RETURN(Edge edge, EdgeFromItem(item));
          if (edge.edge_id.empty()) continue;
          const bool outgoing = Str(item, "edge_id").starts_with("OUT#");
          candidates.push_back(outgoing ? edge.target_id : edge.source_id);
          level_edges.push_back(std::move(edge));
        }
      }
      MEM0_RETURN_IF_ERROR(FetchNodes(candidates, nodes));
      std::vector<std::string> next;
      for (auto& edge : level_edges) {
        const auto& a = nodes[edge.source_id];
        const auto& b = nodes[edge.target_id];
        if (!a || !b || !InScope(*a, query.scope) || !InScope(*b, query.scope)) continue;
        for (const auto* id : {&edge.source_id, &edge.target_id}) {
          if (visited.insert(*id).second) next.push_back(*id);
        }
        edges.emplace(edge.edge_id, edge);
      }
      frontier = std::move(next);
    }
    for (const auto& id : visited) graph.nodes.push_back(*nodes[id]);
    for (auto& [id, edge] : edges) graph.edges.push_back(std::move(edge));
    return graph;
  }

  Result<Subgraph> ExportAll(const std::string& scope) override {
    MEM0_ASSIGN_OR_RETURN(auto all, ScanEverything());
    Subgraph graph;
    std::set<std::string> in_graph;
    for (const auto& item : all) {
      const std::string node_id = Str(item, "node_id");
      if (Str(item, "edge_id") != "META" || node_id.starts_with(dynamodb::layout::kReservedPrefix))
        continue;
      MEM0_ASSIGN_OR_RETURN(MemoryNode node, NodeFromItem(item));
      if (!InScope(node, scope)) continue;
      in_graph.insert(node.node_id);
      graph.nodes.push_back(std::move(node));
    }
    for (const auto& item : all) {
      if (!Str(item, "edge_id").starts_with("OUT#")) continue;
      MEM0_ASSIGN_OR_RETURN(Edge edge, EdgeFromItem(item));
      if (edge.relationship_type == kScopeMemberType) continue;
      edge.indexed = item.count("created_at") > 0;  // see the top
      if (in_graph.count(edge.source_id) && in_graph.count(edge.target_id)) {
        graph.edges.push_back(std::move(edge));
      }
    }
    // Scan segments come back in any order; exports are deterministic.
    std::sort(graph.nodes.begin(), graph.nodes.end(),
              [](const auto& a, const auto& b) { return a.node_id < b.node_id; });
    std::sort(graph.edges.begin(), graph.edges.end(),
              [](const auto& a, const auto& b) { return a.edge_id < b.edge_id; });
    return graph;
  }

  Status ForEachNode(const std::function<Status(const MemoryNode&)>& visit) override {
    MEM0_ASSIGN_OR_RETURN(auto keys, ScanKeys("edge_id = :sk", S("META")));
    std::erase_if(keys, [](const Item& key) {
      return Str(key, "node_id").starts_with(dynamodb::layout::kReservedPrefix);
    });
    return VisitInOrder(
        std::move(keys), [](const Item& key) { return Str(key, "node_id"); },
        [&](const Item& item) -> Status {
          MEM0_ASSIGN_OR_RETURN(MemoryNode node, NodeFromItem(item));
          return visit(node);
        });
  }

  Status ForEachEdge(const std::function<Status(const Edge&)>& visit) override {
    MEM0_ASSIGN_OR_RETURN(auto keys, ScanKeys("begins_with(edge_id, :sk)", S("OUT#")));
    return VisitInOrder(std::move(keys), EdgeIdOf, [&](const Item& item) -> Status {
      MEM0_ASSIGN_OR_RETURN(Edge edge, EdgeFromItem(item));
      if (edge.relationship_type == kScopeMemberType) return {};
      edge.indexed = item.count("created_at") > 0;  // see the top
      return visit(edge);
    });
  }

  Result<void> PutNode(const MemoryNode& node) override {
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseJsonObject("metadata", node.metadata_json));
    MEM0_ASSIGN_OR_RETURN(auto existing, GetNode(node.node_id));
    if (existing && existing->scope != node.scope) {
      return MakeError(ErrorCode::kAlreadyExists, "node " + node.node_id +
                                                      " already exists in another scope (\"" +
                                                      existing->scope + "\")");
    }
    Item meta = {{"node_id", S(node.node_id)}, {"edge_id", S("META")},
                 {"content", S(node.content)}, {"metadata", S(metadata.dump())},
                 {"type", S("memory_node")},   {"created_at", Seconds(node.created_at)}};
    if (!node.scope.empty()) meta["scope"] = S(node.scope);
    if (node.updated_at) meta["updated_at"] = Seconds(*node.updated_at);
    if (existing) {
      // Same scope, so its membership items stay as they are.
      dynamodb::PutItemRequest put;
      put.table_name = config_.table_name;
      put.item = std::move(meta);
      put.condition_expression = "attribute_exists(node_id)";
      auto written = client_->PutItem(put);
      if (!written.ok() && written.error().code == ErrorCode::kConditionFailed) {
        return MakeError(ErrorCode::kConditionFailed,
                         "node " + node.node_id + " was deleted while being written");
      }
      MEM0_RETURN_IF_ERROR(written);
    } else {
      MEM0_RETURN_IF_ERROR(WriteNewNode(std::move(meta), node.scope, node.created_at));
    }
    if (!node.scope.empty()) MEM0_RETURN_IF_ERROR(BumpScopeVersion(node.scope));
    return {};
  }

  Result<void> PutEdge(const Edge& edge) override {
    MEM0_ASSIGN_OR_RETURN(Json properties, ParseJsonObject("properties", edge.properties_json));
    // Only the locator is looked up (not FindEdge's scan for reference edges
    // without one): an import writes many edges, each must stay one read.
    MEM0_ASSIGN_OR_RETURN(
        auto located,
        client_->GetItem(
            {config_.table_name, Key(kLocatorPrefix + edge.edge_id, "EDGE"), "", {}, true}));
    if (located.item && (Str(*located.item, "source_id") != edge.source_id ||
                         Str(*located.item, "target_id") != edge.target_id ||
                         Str(*located.item, "edge_relationship_type") != edge.relationship_type)) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "edge " + edge.edge_id + " already exists with other nodes or type");
    }
    Edge normalized = edge;
    normalized.properties_json = properties.dump();
    return WriteEdge(normalized, edge.indexed);
  }

  Result<std::vector<MemoryNode>> ListScope(const std::string& scope, int limit,
                                            const std::string& after_node_id) override {
    dynamodb::QueryRequest request;
    request.table_name = config_.table_name;
    request.key_condition_expression = "node_id = :s AND begins_with(edge_id, :member)";
    request.projection_expression = "target_id";
    request.attributes.values = {{":s", S(ScopeNodeId(scope))},
                                 {":member", S("OUT#" + ScopeMemberEdgeId(""))}};
    request.consistent_read = true;
    if (!after_node_id.empty()) {
      request.exclusive_start_key =
          Key(ScopeNodeId(scope), "OUT#" + ScopeMemberEdgeId(after_node_id));
    }
    std::vector<MemoryNode> out;
    std::map<std::string, std::optional<MemoryNode>> nodes;
    while (static_cast<int>(out.size()) < limit) {
      request.limit = limit - static_cast<int>(out.size());
      MEM0_ASSIGN_OR_RETURN(auto page, client_->Query(request));
      std::vector<std::string> ids;
      for (const auto& item : page.items) ids.push_back(Str(item, "target_id"));
      MEM0_RETURN_IF_ERROR(FetchNodes(ids, nodes));
      for (const auto& id : ids) {
        if (nodes[id] && nodes[id]->scope == scope) out.push_back(*nodes[id]);
      }
      if (!page.last_evaluated_key) break;
      request.exclusive_start_key = page.last_evaluated_key;
    }
    return out;
  }

  Result<int64_t> GetScopeVersion(const std::string& scope) override {
    dynamodb::GetItemRequest get;
    get.table_name = config_.table_name;
    get.key = Key(ScopeNodeId(scope), "META");
    get.projection_expression = "#v";
    get.attribute_names = {{"#v", kScopeVersionAttribute}};
    get.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto got, client_->GetItem(get));
    if (!got.item) return int64_t{0};
    auto version = dynamodb::GetInt64(*got.item, kScopeVersionAttribute);
    if (!version.ok()) {
      Error error = std::move(version).error();
      error.message = "scope node of " + scope + ": " + error.message;
      return error;
    }
    return version->value_or(0);
  }

  Result<GraphCheckReport> Check(bool repair) override {
    MEM0_ASSIGN_OR_RETURN(auto all, ScanEverything());
    std::set<std::string> metas;
    std::map<std::string, const Item*> outs, ins;
    std::set<std::string> locators;
    std::map<std::string, const Item*> rels;  // the reference's third item
    for (const auto& item : all) {
      const std::string sk = Str(item, "edge_id");
      if (sk == "META") metas.insert(Str(item, "node_id"));
      if (sk.starts_with("OUT#")) outs[sk.substr(4)] = &item;
      if (sk.starts_with("IN#")) ins[sk.substr(3)] = &item;
      if (sk == "EDGE" && Str(item, "node_id").starts_with(kLocatorPrefix)) {
        locators.insert(Str(item, "node_id").substr(std::strlen(kLocatorPrefix)));
      }
      if (sk.starts_with("REL#")) rels[sk.substr(4)] = &item;
    }
    GraphCheckReport report;
    // A broken edge goes whole: whatever is left of its halves, its locator
    // and REL# item. Keyed by edge id.
    struct Broken {
      std::string source_id, target_id;
      std::set<std::pair<std::string, std::string>> keys;
    };
    std::map<std::string, Broken> broken;
    auto flag = [&](const std::string& edge_id, const Item& item, const std::string& why) {
      report.problems.push_back(Str(item, "node_id") + " / " + Str(item, "edge_id") + ": " + why);
      Broken& b = broken[edge_id];
      b.source_id = Str(item, "source_id");
      b.target_id = Str(item, "target_id");
      b.keys.emplace(Str(item, "node_id"), Str(item, "edge_id"));
      for (const auto* halves : {&outs, &ins}) {
        if (auto it = halves->find(edge_id); it != halves->end()) {
          b.keys.emplace(Str(*it->second, "node_id"), Str(*it->second, "edge_id"));
        }
      }
      if (locators.count(edge_id)) b.keys.emplace(kLocatorPrefix + edge_id, "EDGE");
      if (rels.count(edge_id)) b.keys.emplace(Str(*rels[edge_id], "node_id"), "REL#" + edge_id);
    };
    auto check_half = [&](const std::map<std::string, const Item*>& halves,
                          const std::map<std::string, const Item*>& twins, const char* twin_name) {
      for (const auto& [edge_id, item] : halves) {
        if (!twins.count(edge_id)) {
          flag(edge_id, *item, std::string("its ") + twin_name + " twin is missing");
        } else if (!metas.count(Str(*item, "source_id")) || !metas.count(Str(*item, "target_id"))) {
          flag(edge_id, *item, "an endpoint node is missing");
        }
      }
    };
    check_half(outs, ins, "IN#");
    check_half(ins, outs, "OUT#");
    for (const auto& [edge_id, item] : rels) {
      if (!outs.count(edge_id) && !ins.count(edge_id))
        flag(edge_id, *item, "REL# item of a missing edge");
    }
    for (const auto& edge_id : locators) {
      if (outs.count(edge_id) || ins.count(edge_id) || broken.count(edge_id)) continue;
      report.problems.push_back(kLocatorPrefix + edge_id + " / EDGE: locator of a missing edge");
      broken[edge_id].keys.emplace(kLocatorPrefix + edge_id, "EDGE");
    }
    if (!repair || broken.empty()) return report;

    // The scan is no snapshot: an edge being created while it ran can look
    // half-written. Re-read each suspect consistently and spare the ones
    // that are whole now.
    std::set<std::pair<std::string, std::string>> probe_keys;
    for (const auto& [edge_id, b] : broken) {
      if (b.source_id.empty()) continue;  // a lone locator: nothing to re-read
      probe_keys.insert({{b.source_id, "OUT#" + edge_id},
                         {b.target_id, "IN#" + edge_id},
                         {b.source_id, "META"},
                         {b.target_id, "META"}});
    }
    std::vector<Item> probe;
    for (const auto& [pk, sk] : probe_keys) probe.push_back(Key(pk, sk));
    std::set<std::pair<std::string, std::string>> present;
    if (!probe.empty()) {
      MEM0_ASSIGN_OR_RETURN(auto got,
                            client_->BatchGetItem({{config_.table_name, {probe, "", {}, true}}}));
      for (const auto& item : got.responses[config_.table_name]) {
        present.emplace(Str(item, "node_id"), Str(item, "edge_id"));
      }
    }
    std::vector<dynamodb::WriteRequest> deletes;
    for (const auto& [edge_id, b] : broken) {
      const bool whole_now =
          !b.source_id.empty() && present.count({b.source_id, "OUT#" + edge_id}) &&
          present.count({b.target_id, "IN#" + edge_id}) && present.count({b.source_id, "META"}) &&
          present.count({b.target_id, "META"});
      if (whole_now) continue;
      for (const auto& [pk, sk] : b.keys)
        deletes.push_back(dynamodb::WriteRequest::Delete(Key(pk, sk)));
    }
    MEM0_RETURN_IF_ERROR(client_->BatchWriteItem({{config_.table_name, deletes}}));
    report.repaired = static_cast<int64_t>(deletes.size());
    return report;
  }

 private:
  static bool InScope(const MemoryNode& node, const std::string& scope) {
    return scope.empty() || node.scope == scope;
  }

  // After the write it counts (see GetScopeVersion in graph_store.h): one
  // UpdateItem; ADD creates the attribute (and, should the scope node be
  // gone, a bare item) as needed.
  // Writes a new node's item and, in a scope, its membership (one
  // transaction); kAlreadyExists when the id is taken. The caller bumps the
  // scope version.
  Status WriteNewNode(Item meta, const std::string& scope, double created_at) {
    const std::string id = meta.at("node_id").s();
    const AttributeValue now = Seconds(created_at);
    dynamodb::TransactWriteItemsRequest tx;
    dynamodb::TransactWriteItem put;
    put.kind = dynamodb::TransactWriteItem::Kind::kPut;
    put.table_name = config_.table_name;
    put.item = meta;
    put.condition_expression = "attribute_not_exists(node_id)";
    tx.items.push_back(put);
    if (!scope.empty()) {
      // The scope node is upserted on its own (idempotent), not in the
      // transaction: concurrent creations in one scope would otherwise all
      // touch it and cancel each other.
      dynamodb::UpdateItemRequest scope_node;
      scope_node.table_name = config_.table_name;
      scope_node.key = Key(ScopeNodeId(scope), "META");
      scope_node.update_expression =
          "SET content = if_not_exists(content, :c), #t = :t, created_at = "
          "if_not_exists(created_at, :now), metadata = if_not_exists(metadata, :m)";
      scope_node.attributes.names = {{"#t", "type"}};
      scope_node.attributes.values = {
          {":c", S(scope)}, {":t", S("scope_node")}, {":now", now}, {":m", S("{}")}};
      MEM0_RETURN_IF_ERROR(client_->UpdateItem(scope_node));
      for (auto& item : EdgeItems(
               {ScopeMemberEdgeId(id), ScopeNodeId(scope), id, kScopeMemberType, "{}", created_at},
               /*with_locator=*/false, /*indexed=*/false)) {
        dynamodb::TransactWriteItem edge_put;
        edge_put.kind = dynamodb::TransactWriteItem::Kind::kPut;
        edge_put.table_name = config_.table_name;
        edge_put.item = std::move(item);
        tx.items.push_back(std::move(edge_put));
      }
    }
    auto written = client_->TransactWriteItems(tx);
    if (!written.ok()) {
      const auto* detail = dynamodb::ServiceDetail(written.error());
      if (detail && !detail->cancellation_reasons.empty() &&
          detail->cancellation_reasons[0].code == "ConditionalCheckFailed") {
        return MakeError(ErrorCode::kAlreadyExists, "node " + id + " already exists");
      }
      return written.error();
    }
    return {};
  }

  Status BumpScopeVersion(const std::string& scope) {
    dynamodb::UpdateItemRequest bump;
    bump.table_name = config_.table_name;
    bump.key = Key(ScopeNodeId(scope), "META");
    bump.update_expression = "ADD #v :one";
    bump.attributes.names = {{"#v", kScopeVersionAttribute}};
    bump.attributes.values = {{":one", AttributeValue::N("1")}};
    MEM0_RETURN_IF_ERROR(client_->UpdateItem(bump));
    return {};
  }

  // OUT#, IN# and locator items of one edge; unindexed halves carry no
  // created_at (the index's range key) so they stay off the index.
  std::vector<Item> EdgeItems(const Edge& edge, bool with_locator, bool indexed) const {
    auto half = [&](const std::string& node, const std::string& prefix, const char* direction) {
      return Item{{"node_id", S(node)},
                  {"edge_id", S(prefix + edge.edge_id)},
                  {"source_id", S(edge.source_id)},
                  {"target_id", S(edge.target_id)},
                  {"relationship_type", S(edge.relationship_type)},
                  {"direction", S(direction)},
                  {"properties", S(edge.properties_json)},
                  {indexed ? "created_at" : "edge_created_at", Seconds(edge.created_at)}};
    };
    auto mark = [&](Item item) {
      // Edges with a locator; the reference's edges have a REL# item instead.
      if (with_locator) item["has_locator"] = AttributeValue::Bool(true);
      return item;
    };
    std::vector<Item> items = {mark(half(edge.source_id, "OUT#", "outgoing")),
                               mark(half(edge.target_id, "IN#", "incoming"))};
    if (with_locator) {
      // Named so that it stays off the relationship-type index.
      items.push_back({{"node_id", S(kLocatorPrefix + edge.edge_id)},
                       {"edge_id", S("EDGE")},
                       {"source_id", S(edge.source_id)},
                       {"target_id", S(edge.target_id)},
                       {"edge_relationship_type", S(edge.relationship_type)}});
    }
    return items;
  }

  // The edge items of a node in a direction, with type filters (scope
  // membership edges excluded) applied by the server.
  dynamodb::QueryRequest EdgeQuery(const std::string& node_id, Direction direction,
                                   const std::vector<std::string>& types) const {
    dynamodb::QueryRequest request;
    request.table_name = config_.table_name;
    request.consistent_read = true;
    request.attributes.values = {{":n", S(node_id)}, {":member", S(kScopeMemberType)}};
    // Key attributes cannot be filtered on; edge items are the ones with a
    // relationship_type (the node's META item has none).
    std::string filter = "attribute_exists(relationship_type) AND relationship_type <> :member";
    if (direction == Direction::kBoth) {
      request.key_condition_expression = "node_id = :n";
    } else {
      request.key_condition_expression = "node_id = :n AND begins_with(edge_id, :prefix)";
      request.attributes.values[":prefix"] = S(direction == Direction::kOutgoing ? "OUT#" : "IN#");
    }
    if (!types.empty()) {
      std::string in_list;
      for (size_t i = 0; i < types.size(); ++i) {
        const std::string name = ":t" + std::to_string(i);
        in_list += (i ? ", " : "") + name;
        request.attributes.values[name] = S(types[i]);
      }
      filter += " AND relationship_type IN (" + in_list + ")";
    }
    request.filter_expression = filter;
    return request;
  }

  // Loads the META items of `ids` not yet in `nodes` (absent ones as
  // nullopt): BatchGetItem, 100 keys a request, in parallel.
  Status FetchNodes(const std::vector<std::string>& ids,
                    std::map<std::string, std::optional<MemoryNode>>& nodes) {
    std::vector<Item> keys;
    for (const auto& id : ids) {
      if (nodes.emplace(id, std::nullopt).second) keys.push_back(Key(id, "META"));
    }
    if (keys.empty()) return {};
    MEM0_ASSIGN_OR_RETURN(auto got,
                          client_->BatchGetItem({{config_.table_name, {keys, "", {}, true}}}));
    for (const auto& item : got.responses[config_.table_name]) {
      MEM0_ASSIGN_OR_RETURN(MemoryNode node, NodeFromItem(item));
      nodes[node.node_id] = std::move(node);
    }
    return {};
  }

  struct EdgeEnds {
    std::string source_id;
    std::string target_id;
    std::string relationship_type;  // empty when unknown
  };

  Result<std::optional<EdgeEnds>> FindEdge(const std::string& edge_id) {
    MEM0_ASSIGN_OR_RETURN(
        auto got, client_->GetItem(
                      {config_.table_name, Key(kLocatorPrefix + edge_id, "EDGE"), "", {}, true}));
    if (got.item) {
      return std::optional<EdgeEnds>(EdgeEnds{Str(*got.item, "source_id"),
                                              Str(*got.item, "target_id"),
                                              Str(*got.item, "edge_relationship_type")});
    }
    // Edges written by the reference have no locator: find the OUT# item.
    dynamodb::ScanRequest scan;
    scan.table_name = config_.table_name;
    scan.filter_expression = "edge_id = :e";
    scan.attributes.values = {{":e", S("OUT#" + edge_id)}};
    scan.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto found, client_->ScanAll(scan, /*max_items=*/1));
    if (found.items.empty()) return std::optional<EdgeEnds>();
    return std::optional<EdgeEnds>(EdgeEnds{Str(found.items[0], "source_id"),
                                            Str(found.items[0], "target_id"),
                                            Str(found.items[0], "relationship_type")});
  }

  // Writes the edge's items in one transaction that also checks both nodes
  // exist (kNotFound naming the missing one).
  Status WriteEdge(const Edge& edge, bool indexed) {
    dynamodb::TransactWriteItemsRequest tx;
    std::vector<std::string> checked;
    for (const std::string& node : {edge.source_id, edge.target_id}) {
      if (std::find(checked.begin(), checked.end(), node) != checked.end()) continue;
      checked.push_back(node);
      dynamodb::TransactWriteItem check;
      check.kind = dynamodb::TransactWriteItem::Kind::kConditionCheck;
      check.table_name = config_.table_name;
      check.key = Key(node, "META");
      check.condition_expression = "attribute_exists(node_id)";
      tx.items.push_back(std::move(check));
    }
    for (auto& item : EdgeItems(edge, /*with_locator=*/true, indexed)) {
      dynamodb::TransactWriteItem put;
      put.kind = dynamodb::TransactWriteItem::Kind::kPut;
      put.table_name = config_.table_name;
      put.item = std::move(item);
      tx.items.push_back(std::move(put));
    }
    auto written = client_->TransactWriteItems(tx);
    if (!written.ok()) {
      const auto* detail = dynamodb::ServiceDetail(written.error());
      const auto reasons =
          detail ? detail->cancellation_reasons : std::vector<dynamodb::CancellationReason>{};
      for (size_t i = 0; i < checked.size() && i < reasons.size(); ++i) {
        if (reasons[i].code == "ConditionalCheckFailed") {
          return MakeError(ErrorCode::kNotFound,
                           (checked[i] == edge.source_id ? "source node " : "target node ") +
                               checked[i] + " not found");
        }
      }
      return written.error();
    }
    return {};
  }

  Result<std::vector<Item>> ScanEverything() { return ScanParallel({}); }

  // The keys (node_id, edge_id) of the items whose sort key matches
  // `filter` (with :sk bound to `sort_key`).
  Result<std::vector<Item>> ScanKeys(const std::string& filter, AttributeValue sort_key) {
    dynamodb::ScanRequest scan;
    scan.filter_expression = filter;
    scan.projection_expression = "node_id, edge_id";
    scan.attributes.values = {{":sk", std::move(sort_key)}};
    return ScanParallel(std::move(scan));
  }

  // A whole-table scan, four segments in parallel: the one place where
  // throughput matters more than request count.
  Result<std::vector<Item>> ScanParallel(dynamodb::ScanRequest request) {
    constexpr int kSegments = 4;
    request.table_name = config_.table_name;
    request.total_segments = kSegments;
    request.consistent_read = true;
    std::vector<std::vector<Item>> parts(kSegments);
    std::vector<std::function<Result<void>()>> tasks;
    for (int segment = 0; segment < kSegments; ++segment) {
      tasks.push_back([&, segment]() -> Result<void> {
        dynamodb::ScanRequest scan = request;
        scan.segment = segment;
        MEM0_ASSIGN_OR_RETURN(auto all, client_->ScanAll(scan));
        parts[segment] = std::move(all.items);
        return {};
      });
    }
    MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), dynamodb::kMaxParallelRequests));
    std::vector<Item> all;
    for (auto& part : parts) {
      for (auto& item : part) all.push_back(std::move(item));
    }
    return all;
  }

  // Reads the items of `keys` in the order of `order_of(key)`, a batch at a
  // time, and visits each; items deleted since the keys were read are
  // skipped.
  Status VisitInOrder(std::vector<Item> keys, std::string (*order_of)(const Item&),
                      const std::function<Status(const Item&)>& visit) {
    // Three BatchGetItem requests in flight per batch.
    constexpr size_t kBatch = 300;
    std::vector<std::pair<std::string, Item>> ordered;
    ordered.reserve(keys.size());
    for (auto& key : keys) {
      std::string order = order_of(key);
      ordered.emplace_back(std::move(order), std::move(key));
    }
    keys = {};
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    auto key_string = [](const Item& item) {
      return Str(item, "node_id") + '\0' + Str(item, "edge_id");
    };
    for (size_t begin = 0; begin < ordered.size(); begin += kBatch) {
      const size_t end = std::min(ordered.size(), begin + kBatch);
      std::vector<Item> batch;
      for (size_t i = begin; i < end; ++i) batch.push_back(ordered[i].second);
      MEM0_ASSIGN_OR_RETURN(auto got,
                            client_->BatchGetItem({{config_.table_name, {batch, "", {}, true}}}));
      std::map<std::string, const Item*> by_key;
      for (const auto& item : got.responses[config_.table_name]) by_key[key_string(item)] = &item;
      for (const auto& key : batch) {
        auto found = by_key.find(key_string(key));
        if (found != by_key.end()) MEM0_RETURN_IF_ERROR(visit(*found->second));
      }
    }
    return {};
  }

  const DynamoDBGraphConfig config_;
  const std::shared_ptr<dynamodb::Client> client_;
  const std::shared_ptr<Clock> clock_;
};

}  // namespace

Result<std::unique_ptr<GraphStore>> MakeDynamoDBGraphStore(const DynamoDBGraphConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateKey("table_name", config.table_name, 255));
  if (config.enable_gsi) MEM0_RETURN_IF_ERROR(ValidateKey("gsi_name", config.gsi_name, 255));
  MEM0_ASSIGN_OR_RETURN(auto client, dynamodb::Connect(config));
  return WithChecks(std::make_unique<DynamoDBGraphStore>(config, std::move(client)));
}

}  // namespace mem0::store
