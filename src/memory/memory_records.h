// How the Memory layer maps mem0's records onto graph nodes: scope strings,
// derived ids, the node metadata (mem0's payload) and back.
//
// Thread-safety: pure functions.
#ifndef MEM0_SRC_MEMORY_MEMORY_RECORDS_H_
#define MEM0_SRC_MEMORY_MEMORY_RECORDS_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mem0/core/result.h"
#include "mem0/memory/memory.h"
#include "mem0/store/graph_store.h"

namespace mem0::memory {

// Internal edge types (kept off the type index).
inline constexpr const char* kAliasEdge = "MEM0_SCOPE_ALIAS";     // anchor -> memory
inline constexpr const char* kMentionsEdge = "MEM0_MENTIONS";     // memory -> entity
inline constexpr const char* kHasEntityEdge = "MEM0_HAS_ENTITY";  // entity root -> entity
bool IsInternalEdge(const std::string& relationship_type);

// Refuses JSON nested deeper than 32 levels before a recursive parser sees it.
Status CheckJsonNesting(const std::string& text, const char* field);

// Checks the ids (bounded, valid UTF-8, no control characters); `required`
// demands at least one.
Status ValidateScope(const Scope& scope, bool required);

// The graph scope that owns a memory of this scope: "user:<id>", else
// "agent:<id>", else "run:<id>".
std::string OwnerScope(const Scope& scope);
// The kind and id of the owner ("user", "alice").
std::pair<std::string, std::string> OwnerOf(const Scope& scope);
// All ids of the scope, canonical and unambiguous ("user_id=a&agent_id=b",
// values percent-encoded); the session scope of recent messages.
std::string ScopeKey(const Scope& scope);
// True when every id `query` gives equals `item`'s.
bool ScopeMatches(const Scope& query, const Scope& item);

// A UUID-shaped id derived from `seed` (SHA-256), so the same fact in the
// same scope always gets the same memory id.
std::string DerivedUuid(const std::string& seed);
std::string MemoryNodeId(const Scope& scope, const std::string& hash);
std::string AnchorNodeId(const std::string& kind, const std::string& id);
std::string EntityRootNodeId(const std::string& owner_scope);
std::string EntityNodeId(const std::string& owner_scope, const std::string& name);

// 2026-11-30T21:00:00.123456+00:00 (mem0 writes isoformat() with an offset).
std::string IsoTimestamp(std::chrono::system_clock::time_point time);

// mem0's promoted payload keys; callers' metadata may not use them.
bool IsReservedMetadataKey(const std::string& key);
// Parses caller metadata: a JSON object of at most kMaxMetadataBytes, no
// reserved keys. `field` names it in errors.
Result<nlohmann::json> ParseCallerMetadata(const std::string& text, const char* field);

// An embedding stored compactly with the memory: int8 values and one scale.
nlohmann::json EncodeEmbedding(const std::vector<float>& values);
std::optional<std::vector<float>> DecodeEmbedding(const nlohmann::json& payload);

// A memory's node metadata (mem0's payload): caller metadata plus the
// promoted keys and, when given, the embedding.
struct Payload {
  nlohmann::json metadata = nlohmann::json::object();
  std::string hash;
  Scope scope;
  std::optional<std::string> actor_id;
  std::optional<std::string> role;
  std::string created_at;
  std::optional<std::string> updated_at;
  std::optional<std::vector<float>> embedding;
};
std::string PayloadToNodeMetadata(const Payload& payload);

// A node read back as a memory, tolerant of nodes other tools wrote (no
// hash: computed; no ids: from the node's scope). kCorruption when the
// metadata is not a JSON object.
struct DecodedMemory {
  MemoryItem item;
  std::optional<std::vector<float>> embedding;
  nlohmann::json metadata;  // caller metadata, for filters
};
Result<DecodedMemory> DecodeMemoryNode(const store::MemoryNode& node);
Result<DecodedMemory> DecodeMemoryNode(const std::string& node_id, const std::string& content,
                                       const std::string& metadata_json,
                                       const std::string& node_scope, double created_at,
                                       std::optional<double> updated_at);

// Metadata filters: a JSON object of key -> scalar (equality), or
// {"key": {"in": [...]}}; bounded. Empty text: no filter.
struct Filters {
  nlohmann::json conditions = nlohmann::json::object();
  bool Matches(const DecodedMemory& memory) const;
};
Result<Filters> ParseFilters(const std::string& text);

}  // namespace mem0::memory

#endif  // MEM0_SRC_MEMORY_MEMORY_RECORDS_H_
