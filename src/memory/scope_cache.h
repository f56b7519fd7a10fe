// ScopeCache: this process's copy of each owner scope's memories with their
// search index, reloaded only when the scope's version changed. A warm
// lookup is one version read (one GetItem on DynamoDB); a cold one lists the
// scope.
//
// Correctness: the version is read before the scope is listed, and writers
// bump it after writing, so a snapshot is never older than its version says.
//
// Thread-safety: safe to share; snapshots are immutable.
#ifndef MEM0_SRC_MEMORY_SCOPE_CACHE_H_
#define MEM0_SRC_MEMORY_SCOPE_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "mem0/core/result.h"
#include "mem0/store/graph_store.h"
#include "memory/memory_records.h"
#include "memory/text_index.h"

namespace mem0::memory {

struct ScopeSnapshot {
  int64_t version = -1;
  // Oldest first (created_at, then id).
  std::vector<DecodedMemory> memories;
  std::unordered_map<std::string, std::size_t> by_id;
  std::unique_ptr<TextIndex> index;
};

// Builds a snapshot of `memories` (sorted here) with its index.
std::shared_ptr<const ScopeSnapshot> BuildSnapshot(std::vector<DecodedMemory> memories,
                                                   int64_t version,
                                                   const TextIndexOptions& options);

class ScopeCache {
 public:
  ScopeCache(std::shared_ptr<store::GraphStore> graph, TextIndexOptions options,
             std::size_t max_scopes = 256);

  Result<std::shared_ptr<const ScopeSnapshot>> Get(const std::string& owner_scope);
  void Clear();

 private:
  Result<std::vector<DecodedMemory>> ListAll(const std::string& owner_scope);

  std::shared_ptr<store::GraphStore> graph_;
  TextIndexOptions options_;
  std::size_t max_scopes_;
  std::mutex mutex_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, std::pair<std::shared_ptr<const ScopeSnapshot>,
                                            std::list<std::string>::iterator>>
      snapshots_;
};

}  // namespace mem0::memory

#endif  // MEM0_SRC_MEMORY_SCOPE_CACHE_H_
