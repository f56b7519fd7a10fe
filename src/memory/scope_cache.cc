#include "memory/scope_cache.h"

#include <algorithm>

namespace mem0::memory {
namespace {

constexpr int kListPage = 1000;

}  // namespace

std::shared_ptr<const ScopeSnapshot> BuildSnapshot(std::vector<DecodedMemory> memories,
                                                   int64_t version,
                                                   const TextIndexOptions& options) {
  auto snapshot = std::make_shared<ScopeSnapshot>();
  std::sort(memories.begin(), memories.end(), [](const auto& a, const auto& b) {
    if (a.item.created_at != b.item.created_at) return a.item.created_at < b.item.created_at;
    return a.item.id < b.item.id;
  });
  snapshot->version = version;
  snapshot->index = std::make_unique<TextIndex>(options);
  for (std::size_t i = 0; i < memories.size(); ++i) {
    snapshot->by_id[memories[i].item.id] = i;
    // Ids are bounded and unique here, so Put cannot fail.
    (void)snapshot->index->Put(memories[i].item.id, memories[i].item.memory);
  }
  snapshot->memories = std::move(memories);
  return snapshot;
}

ScopeCache::ScopeCache(std::shared_ptr<store::GraphStore> graph, TextIndexOptions options,
                       std::size_t max_scopes)
    : graph_(std::move(graph)),
      options_(options),
      max_scopes_(std::max<std::size_t>(1, max_scopes)) {}

Result<std::shared_ptr<const ScopeSnapshot>> ScopeCache::Get(const std::string& owner_scope) {
  MEM0_ASSIGN_OR_RETURN(int64_t version, graph_->GetScopeVersion(owner_scope));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = snapshots_.find(owner_scope);
    if (it != snapshots_.end() && version >= 0 && it->second.first->version == version) {
      lru_.splice(lru_.begin(), lru_, it->second.second);
      return it->second.first;
    }
  }
  MEM0_ASSIGN_OR_RETURN(auto memories, ListAll(owner_scope));
  auto snapshot = BuildSnapshot(std::move(memories), version, options_);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = snapshots_.find(owner_scope);
  if (it != snapshots_.end()) {
    // Keep the newer of two racing loads.
    if (it->second.first->version <= version) it->second.first = snapshot;
    lru_.splice(lru_.begin(), lru_, it->second.second);
  } else {
    lru_.push_front(owner_scope);
    snapshots_.emplace(owner_scope, std::make_pair(snapshot, lru_.begin()));
    while (snapshots_.size() > max_scopes_) {
      snapshots_.erase(lru_.back());
      lru_.pop_back();
    }
  }
  return snapshot;
}

void ScopeCache::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  snapshots_.clear();
  lru_.clear();
}

Result<std::vector<DecodedMemory>> ScopeCache::ListAll(const std::string& owner_scope) {
  std::vector<DecodedMemory> out;
  std::string after;
  while (true) {
    MEM0_ASSIGN_OR_RETURN(auto page, graph_->ListScope(owner_scope, kListPage, after));
    for (const auto& node : page) {
      auto decoded = DecodeMemoryNode(node);
      // A damaged node must not hide the rest of the scope; Get(id) reports it.
      if (decoded.ok()) out.push_back(std::move(decoded).value());
    }
    if (static_cast<int>(page.size()) < kListPage) break;
    after = page.back().node_id;
  }
  return out;
}

}  // namespace mem0::memory
