#include "store/graph_common.h"

#include <cstdio>
#include <set>

#include "core/encoding.h"
#include "core/uuid.h"
#include "dynamodb/table_layout.h"
#include "store/bounded_json.h"
#include "store/conversation_common.h"

namespace mem0::store {

const char* DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kOutgoing:
      return "outgoing";
    case Direction::kIncoming:
      return "incoming";
    case Direction::kBoth:
      return "both";
  }
  return "both";
}

std::string SubgraphToJson(const Subgraph& graph) {
  using Json = nlohmann::json;
  Json out = {{"nodes", Json::array()}, {"edges", Json::array()}};
  for (const auto& n : graph.nodes) {
    Json node = {{"node_id", n.node_id},
                 {"content", n.content},
                 {"metadata", StoredJsonForOutput(n.metadata_json)},
                 {"created_at", n.created_at}};
    if (!n.scope.empty()) node["scope"] = n.scope;
    if (n.updated_at) node["updated_at"] = *n.updated_at;
    out["nodes"].push_back(std::move(node));
  }
  for (const auto& e : graph.edges) {
    out["edges"].push_back({{"edge_id", e.edge_id},
                            {"source_id", e.source_id},
                            {"target_id", e.target_id},
                            {"relationship_type", e.relationship_type},
                            {"properties", StoredJsonForOutput(e.properties_json)},
                            {"created_at", e.created_at}});
  }
  return out.dump(2);
}

std::string SubgraphToDot(const Subgraph& graph) {
  // DOT accepts C-style escaped double-quoted strings.
  auto quote = [](const std::string& s) { return JsonQuote(s); };
  auto label = [](const std::string& s) {
    if (s.size() <= 60) return JsonQuote(s);
    size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    return JsonQuote(s.substr(0, cut) + "...");
  };
  std::string out = "digraph mem0 {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (const auto& n : graph.nodes) {
    out += "  " + quote(n.node_id) + " [label=" + label(n.content) + "];\n";
  }
  for (const auto& e : graph.edges) {
    out += "  " + quote(e.source_id) + " -> " + quote(e.target_id) +
           " [label=" + label(e.relationship_type) + "];\n";
  }
  return out + "}\n";
}

Status ValidateNodeId(const std::string& node_id) {
  // Below the 2048-byte key limit: scope membership puts node ids in sort keys.
  MEM0_RETURN_IF_ERROR(ValidateKey("node_id", node_id, 1000));
  if (node_id.starts_with(dynamodb::layout::kReservedPrefix)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "node_id must not start with \"mem0#\" (reserved for internal items)");
  }
  return {};
}

Status ValidateScope(const std::string& scope) {
  if (scope.empty()) return {};
  return ValidateKey("scope", scope, 1000);
}

Status ValidateRelationshipType(const std::string& type) {
  MEM0_RETURN_IF_ERROR(ValidateKey("relationship_type", type, 1024));
  if (type == kScopeMemberType) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("relationship_type ") + kScopeMemberType + " is reserved");
  }
  return {};
}

Status ValidateEdgeId(const std::string& edge_id) {
  MEM0_RETURN_IF_ERROR(ValidateKey("edge_id", edge_id, 1000));
  if (edge_id.starts_with(ScopeMemberEdgeId(""))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "edge_id " + edge_id + " is internal (scope membership)");
  }
  return {};
}

Status ValidateContent(const std::string& content) {
  if (content.size() > kMaxContentBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "content is " + std::to_string(content.size()) +
                                                      " bytes; the limit is " +
                                                      std::to_string(kMaxContentBytes) + " bytes");
  }
  if (!IsValidUtf8(content))
    return MakeError(ErrorCode::kInvalidArgument, "content is not valid UTF-8");
  return {};
}

Result<NewNode> ValidateNewNode(const std::string& content, const std::string& metadata_json,
                                const std::string& node_id, const std::string& scope) {
  NewNode node{node_id.empty() ? NewUuid() : node_id, nullptr};
  MEM0_RETURN_IF_ERROR(ValidateNodeId(node.node_id));
  MEM0_RETURN_IF_ERROR(ValidateContent(content));
  MEM0_RETURN_IF_ERROR(ValidateScope(scope));
  MEM0_ASSIGN_OR_RETURN(node.metadata, ParseJsonObject("metadata", metadata_json));
  return node;
}

Status ValidateRelatedQuery(const std::string& node_id, const RelatedQuery& query) {
  MEM0_RETURN_IF_ERROR(ValidateNodeId(node_id));
  MEM0_RETURN_IF_ERROR(ValidateScope(query.scope));
  if (query.limit <= 0) return MakeError(ErrorCode::kInvalidArgument, "limit must be positive");
  for (const auto& type : query.relationship_types)
    MEM0_RETURN_IF_ERROR(ValidateRelationshipType(type));
  return {};
}

Status ValidateTypeQuery(const std::string& relationship_type, const TypeQuery& query) {
  MEM0_RETURN_IF_ERROR(ValidateRelationshipType(relationship_type));
  MEM0_RETURN_IF_ERROR(ValidateScope(query.scope));
  if (query.limit <= 0) return MakeError(ErrorCode::kInvalidArgument, "limit must be positive");
  return {};
}

Result<nlohmann::json> ParseJsonObject(const std::string& field, const std::string& text) {
  if (!IsValidUtf8(text))
    return MakeError(ErrorCode::kInvalidArgument, field + " is not valid UTF-8");
  if (text.size() > 64 * 1024) {
    return MakeError(ErrorCode::kInvalidArgument, field + " is " + std::to_string(text.size()) +
                                                      " bytes; the limit is 65536 bytes");
  }
  if (!JsonNestingWithin(text, kMaxJsonNesting)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     field + " nests deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  }
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, field + " must be a JSON object");
  }
  return parsed;
}

std::string ScopeNodeId(const std::string& scope) { return kScopeNodePrefix + scope; }
std::string ScopeMemberEdgeId(const std::string& node_id) { return "mem0-scope-member:" + node_id; }

double NowSeconds(Clock& clock) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(clock.Now().time_since_epoch()).count();
  return static_cast<double>(micros) / 1e6;
}

}  // namespace mem0::store
