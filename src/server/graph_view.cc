#include "server/graph_view.h"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/parallel.h"
#include "memory/memory_records.h"

namespace mem0::server {
namespace {

using Json = nlohmann::json;

// Neighbours read per node; a node with more is drawn with the first ones.
constexpr int kMaxNeighboursPerNode = 200;
// Neighbour reads in flight at once (each is a query on DynamoDB).
constexpr std::size_t kReadParallelism = 8;

// The outgoing neighbours of each node, in the order of `ids`.
Result<std::vector<std::vector<store::RelatedMemory>>> Outgoing(
    store::GraphStore& graph, const std::vector<std::string>& ids) {
  store::RelatedQuery query;
  query.direction = store::Direction::kOutgoing;
  query.limit = kMaxNeighboursPerNode;
  std::vector<std::vector<store::RelatedMemory>> out(ids.size());
  std::vector<std::function<Result<void>()>> tasks;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    tasks.push_back([&graph, &ids, &out, &query, i]() -> Result<void> {
      MEM0_ASSIGN_OR_RETURN(out[i], graph.GetRelatedMemories(ids[i], query));
      return {};
    });
  }
  MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), kReadParallelism));
  return out;
}

std::string EntityLabel(std::string name) {
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

std::string EntityType(const std::string& metadata_json) {
  Json metadata = Json::parse(metadata_json, nullptr, false);
  if (!metadata.is_object()) return {};
  auto it = metadata.find("entity_type");
  return it != metadata.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::string> GraphJson(memory::Memory& memory, store::GraphStore* graph,
                              const memory::Scope& scope, int limit) {
  if (limit < 1 || limit > kMaxGraphMemories) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "limit: expected an integer from 1 to " + std::to_string(kMaxGraphMemories));
  }
  memory::ListOptions options;
  options.scope = scope;
  options.limit = limit;
  MEM0_ASSIGN_OR_RETURN(memory::MemoryPage page, memory.GetAll(options));
  bool truncated = page.next_page_token.has_value();

  Json nodes = Json::array();
  Json edges = Json::array();
  std::set<std::string> memory_ids;
  for (const auto& item : page.results) {
    memory_ids.insert(item.id);
    nodes.push_back({{"id", item.id},
                     {"kind", "memory"},
                     {"label", item.memory},
                     {"created_at", item.created_at},
                     {"updated_at", item.updated_at ? Json(*item.updated_at) : Json(nullptr)}});
  }
  if (graph == nullptr) {
    return Json{{"nodes", nodes}, {"edges", edges}, {"truncated", truncated}}.dump(
        -1, ' ', false, Json::error_handler_t::replace);
  }

  auto add_edge = [&](const std::string& id, const std::string& source, const std::string& target,
                      const char* kind, const std::string& label) {
    if (static_cast<int>(edges.size()) >= kMaxGraphEdges) {
      truncated = true;
      return;
    }
    edges.push_back(
        {{"id", id}, {"source", source}, {"target", target}, {"kind", kind}, {"label", label}});
  };

  // Memory -> entity mentions, and relations drawn between two memories.
  std::map<std::string, Json> entities;  // id -> node, in id order
  std::vector<std::string> ids;
  for (const auto& item : page.results) ids.push_back(item.id);
  MEM0_ASSIGN_OR_RETURN(auto around_memories, Outgoing(*graph, ids));
  std::set<std::string> seen_edges;
  for (std::size_t i = 0; i < page.results.size(); ++i) {
    const auto& item = page.results[i];
    for (const auto& n : around_memories[i]) {
      if (!seen_edges.insert(n.edge_id).second) continue;
      if (n.relationship == memory::kMentionsEdge) {
        if (!entities.count(n.node_id)) {
          if (static_cast<int>(entities.size()) >= kMaxGraphEntities) {
            truncated = true;
            continue;
          }
          entities[n.node_id] = {{"id", n.node_id},
                                 {"kind", "entity"},
                                 {"label", EntityLabel(n.content)},
                                 {"entity_type", EntityType(n.metadata_json)}};
        }
        add_edge(n.edge_id, item.id, n.node_id, "mentions", "mentions");
      } else if (!memory::IsInternalEdge(n.relationship) && memory_ids.count(n.node_id)) {
        add_edge(n.edge_id, item.id, n.node_id, "relation", n.relationship);
      }
    }
  }
  // Relations among the entities drawn.
  std::vector<std::string> entity_ids;
  for (const auto& [id, node] : entities) entity_ids.push_back(id);
  MEM0_ASSIGN_OR_RETURN(auto around_entities, Outgoing(*graph, entity_ids));
  for (std::size_t i = 0; i < entity_ids.size(); ++i) {
    const std::string& id = entity_ids[i];
    for (const auto& n : around_entities[i]) {
      if (memory::IsInternalEdge(n.relationship) || !entities.count(n.node_id)) continue;
      if (!seen_edges.insert(n.edge_id).second) continue;
      add_edge(n.edge_id, id, n.node_id, "relation", n.relationship);
    }
  }
  for (auto& [id, node] : entities) nodes.push_back(std::move(node));
  return Json{{"nodes", nodes}, {"edges", edges}, {"truncated", truncated}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mem0::server
