// Memory: mem0's Memory API (add, search, get_all, update, delete,
// history, with relations) on the conversation and graph stores, on DynamoDB
// or the embedded SQLite default. Results serialise to mem0's JSON shapes
// (ToJson below), so mem0 users and its REST clients feel at home.
//
// Data layout (see docs/scaling.md for costs):
//  - A memory is a graph node (content = the memory text; metadata = the
//    caller's metadata plus mem0's promoted keys hash, user_id, agent_id,
//    run_id, actor_id, role, and the embedding when an embedder is set) in
//    the graph scope of its owner: "user:<user_id>", else "agent:<agent_id>",
//    else "run:<run_id>". Its other ids link it from anchor nodes with edges
//    that stay off the type index, so a query by agent or run alone finds it.
//  - The node id is derived from the scope and the text's hash, so two adds
//    of the same fact in the same scope (racing threads or processes) create
//    one memory; the loser reports event NONE.
//  - Every change appends a history record (ConversationStore history API);
//    each add's messages are kept as the session's recent messages.
//  - Relations extracted by the LLM are entity nodes (one per name and scope)
//    joined by typed edges, linked from the memories that mention them.
//
// Search ranks the scope's memories with BM25 over English analysis (see
// src/memory/text_index.h), and with an embedder mixes in cosine similarity:
//   score = (1 - w) * lexical + w * (cosine + 1) / 2,  w = search.vector_weight
// where lexical is the BM25 score divided by the best BM25 score of the
// query (so the best lexical match has 1). Scores are in [0, 1] and
// comparable within one result list; `threshold` drops results below it.
// Each process keeps an index per scope, reloaded only when the scope's
// version (bumped by every write) changed: a warm search on DynamoDB costs
// one read request.
//
// Thread-safety: a Memory is safe to share across threads; several processes
// may open the same stores.
#ifndef MEM0_MEMORY_MEMORY_H_
#define MEM0_MEMORY_MEMORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mem0/core/result.h"
#include "mem0/memory/config.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::memory {

inline constexpr std::size_t kMaxScopeIdBytes = 512;
inline constexpr std::size_t kMaxMemoryBytes = 16 * 1024;
inline constexpr std::size_t kMaxMessages = 1000;
inline constexpr std::size_t kMaxMessageBytes = 64 * 1024;
inline constexpr std::size_t kMaxMetadataBytes = 64 * 1024;
inline constexpr int kMaxLimit = 10000;
inline constexpr std::size_t kMaxPageTokenBytes = 2048;

// Who a memory belongs to: any non-empty combination. A memory matches a
// scope when every id the scope gives equals the memory's.
struct Scope {
  std::string user_id;
  std::string agent_id;
  std::string run_id;

  bool empty() const { return user_id.empty() && agent_id.empty() && run_id.empty(); }
};

struct Message {
  std::string role;  // "user", "assistant", "system", ...
  std::string content;
  std::string name;  // optional: the actor's name (mem0's actor_id)
};

struct MemoryItem {
  std::string id;
  std::string memory;
  std::string hash;                  // MD5 of the text, hex (as mem0)
  std::string metadata_json = "{}";  // the caller's metadata
  std::optional<double> score;       // search only
  std::string created_at;            // ISO-8601 with offset
  std::optional<std::string> updated_at;
  Scope scope;
  std::optional<std::string> actor_id;
  std::optional<std::string> role;
};

struct Relation {
  std::string source;
  std::string relationship;
  std::string destination;
};

struct AddOptions {
  Scope scope;
  std::string metadata_json = "{}";  // a JSON object; mem0's promoted keys are refused
  // nullopt: infer when an LLM is configured. true without an LLM is an error.
  std::optional<bool> infer;
};

struct AddedMemory {
  std::string id;
  std::string memory;
  std::string event;  // ADD, UPDATE, DELETE, NONE
  std::optional<std::string> previous_memory;
};

struct AddResult {
  std::vector<AddedMemory> results;
  std::vector<Relation> added_relations;
};

struct SearchOptions {
  Scope scope;
  std::string filters_json;  // optional JSON object: metadata key -> value (equality)
  int limit = 0;             // 0: search.default_limit
  std::optional<double> threshold;
};

struct ListOptions {
  Scope scope;
  std::string filters_json;
  int limit = 100;
  std::string page_token;  // from MemoryPage::next_page_token
};

struct SearchResult {
  std::vector<MemoryItem> results;  // best first
  std::vector<Relation> relations;
};

struct MemoryPage {
  std::vector<MemoryItem> results;
  std::vector<Relation> relations;
  std::optional<std::string> next_page_token;  // opaque; absent on the last page
};

// One history row as mem0 returns it.
struct HistoryEntry {
  std::string id;
  std::string memory_id;
  std::optional<std::string> old_memory;
  std::optional<std::string> new_memory;
  std::string event;
  std::string created_at;
  std::optional<std::string> updated_at;
  bool is_deleted = false;
  std::optional<std::string> actor_id;
  std::optional<std::string> role;
};

class Memory {
 public:
  // Opens the configured stores (and LLM / embedder clients). The config is
  // validated first (ValidateMemoryConfig).
  static Result<std::unique_ptr<Memory>> Open(const MemoryConfig& config);
  // LoadMemoryConfig + Open.
  static Result<std::unique_ptr<Memory>> FromFile(const std::string& path);
  // For callers that build their own stores (tests, embedding in a service).
  static Result<std::unique_ptr<Memory>> Open(const MemoryConfig& config,
                                              std::shared_ptr<store::ConversationStore> history,
                                              std::shared_ptr<store::GraphStore> graph);

  virtual ~Memory() = default;

  // Stores `messages` as memories of `options.scope`: verbatim (one per
  // non-system message) without inference; with inference the LLM extracts
  // facts and decides ADD / UPDATE / DELETE / NONE against the scope's
  // similar memories, and extracts relations. Nothing is written when the
  // model's output is unusable.
  virtual Result<AddResult> Add(const std::vector<Message>& messages,
                                const AddOptions& options) = 0;
  // nullopt when there is no memory with this id.
  virtual Result<std::optional<MemoryItem>> Get(const std::string& memory_id) = 0;
  // The scope's memories, oldest first, a page at a time.
  virtual Result<MemoryPage> GetAll(const ListOptions& options) = 0;
  virtual Result<SearchResult> Search(const std::string& query, const SearchOptions& options) = 0;
  // New text (and metadata, when given); kNotFound for an unknown id.
  virtual Result<MemoryItem> Update(const std::string& memory_id, const std::string& text,
                                    const std::optional<std::string>& metadata_json) = 0;
  // kNotFound for an unknown id.
  virtual Result<void> Delete(const std::string& memory_id) = 0;
  // Every memory of the scope (and its relations); returns how many.
  virtual Result<int64_t> DeleteAll(const Scope& scope) = 0;
  // Oldest first.
  virtual Result<std::vector<HistoryEntry>> History(const std::string& memory_id) = 0;
  // Deletes every node of the graph store (memories, entities, relations,
  // and nodes other tools created there), every history record and every
  // recent message: mem0's reset(). Conversations stay.
  virtual Result<void> Reset() = 0;
};

// mem0's JSON shapes.
std::string ToJson(const MemoryItem& item);
std::string ToJson(const AddResult& result);
std::string ToJson(const SearchResult& result);
std::string ToJson(const MemoryPage& page);
std::string ToJson(const std::vector<HistoryEntry>& history);

// Parses mem0's message list ([{"role", "content", "name"?}, ...]) or, when
// `text` is not a JSON array, one user message with the text.
Result<std::vector<Message>> ParseMessages(const std::string& text);

}  // namespace mem0::memory

#endif  // MEM0_MEMORY_MEMORY_H_
