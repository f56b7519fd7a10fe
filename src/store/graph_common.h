// Validation and naming shared by the graph store engines, so both accept
// and reject exactly the same input.
#ifndef MEM0_SRC_STORE_GRAPH_COMMON_H_
#define MEM0_SRC_STORE_GRAPH_COMMON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "dynamodb/table_layout.h"
#include "mem0/store/graph_store.h"

namespace mem0::store {

// Relationship type linking a scope node to its memories (reserved).
inline constexpr const char* kScopeMemberType = "MEM0_SCOPE_MEMBER";
inline constexpr const char* kScopeNodePrefix = dynamodb::layout::kScopeNodePrefix;
inline constexpr size_t kMaxContentBytes = 300 * 1024;

Status ValidateNodeId(const std::string& node_id);
Status ValidateScope(const std::string& scope);
Status ValidateRelationshipType(const std::string& type);
// Edge ids of scope membership are internal and refused here.
Status ValidateEdgeId(const std::string& edge_id);
Status ValidateContent(const std::string& content);
// A node about to be created: its id (a new UUID when `node_id` is empty)
// and parsed metadata, after every check both engines make.
struct NewNode {
  std::string node_id;
  nlohmann::json metadata;
};
Result<NewNode> ValidateNewNode(const std::string& content, const std::string& metadata_json,
                                const std::string& node_id, const std::string& scope);
Status ValidateRelatedQuery(const std::string& node_id, const RelatedQuery& query);
Status ValidateTypeQuery(const std::string& relationship_type, const TypeQuery& query);
// Parses and checks that `text` is a JSON object; `field` names it in errors.
Result<nlohmann::json> ParseJsonObject(const std::string& field, const std::string& text);

std::string ScopeNodeId(const std::string& scope);
std::string ScopeMemberEdgeId(const std::string& node_id);
double NowSeconds(Clock& clock);

}  // namespace mem0::store

#endif  // MEM0_SRC_STORE_GRAPH_COMMON_H_
