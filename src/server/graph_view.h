// The memory graph of one scope as the page draws it (GET /graph): the
// scope's memories, the entities they mention and the relations among
// those, as {"nodes": [...], "edges": [...], "truncated": bool}.
//
//   node: {"id", "kind": "memory", "label", "created_at", "updated_at"}
//       | {"id", "kind": "entity", "label", "entity_type"}
//   edge: {"id", "source", "target", "kind": "mentions" | "relation", "label"}
//
// Read-only; built on Memory::GetAll and GraphStore::GetRelatedMemories
// (memory -> entity edges are MEM0_MENTIONS, see src/memory/memory_records.h).
// Bounded: at most `limit` memories (the oldest first), kMaxGraphEntities
// entities and kMaxGraphEdges edges; "truncated" says whether anything was
// left out.
//
// Thread-safety: a pure function of its arguments, which are thread-safe.
#ifndef MEM0_SRC_SERVER_GRAPH_VIEW_H_
#define MEM0_SRC_SERVER_GRAPH_VIEW_H_

#include <string>

#include "mem0/core/result.h"
#include "mem0/memory/memory.h"
#include "mem0/store/graph_store.h"

namespace mem0::server {

inline constexpr int kDefaultGraphMemories = 200;
inline constexpr int kMaxGraphMemories = 1000;
inline constexpr int kMaxGraphEntities = 2000;
inline constexpr int kMaxGraphEdges = 10000;

// The graph as JSON text. `graph` may be null (a server without the graph
// store): then only the memories are drawn. `limit` is 1..kMaxGraphMemories.
Result<std::string> GraphJson(memory::Memory& memory, store::GraphStore* graph,
                              const memory::Scope& scope, int limit);

}  // namespace mem0::server

#endif  // MEM0_SRC_SERVER_GRAPH_VIEW_H_
