// Memory: mem0's operations on the two stores. See include/mem0/memory/memory.h
// for the layout and docs/scaling.md for what each call costs on DynamoDB.
#include "mem0/memory/memory.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "core/encoding.h"
#include "core/guard.h"
#include "core/hash.h"
#include "core/parallel.h"
#include "core/strings.h"
#include "memory/memory_records.h"
#include "memory/model_client.h"
#include "memory/scope_cache.h"
#include "memory/text_index.h"

namespace mem0::memory {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxShownMemories = 50;  // existing memories shown to the LLM per add
constexpr int kSimilarPerFact = 5;
constexpr int kMaxEntities = 1000;
constexpr int kMaxRelationsReturned = 100;
constexpr std::size_t kMaxMatchedEntities = 20;
constexpr std::size_t kDeleteParallelism = 8;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Status ValidateMemoryId(const std::string& memory_id) {
  if (memory_id.empty()) return Invalid("memory_id must not be empty");
  if (memory_id.size() > 1000) return Invalid("memory_id is longer than 1000 bytes");
  if (!IsValidUtf8(memory_id)) return Invalid("memory_id is not valid UTF-8");
  return {};
}

Status ValidateText(const std::string& text, const char* field) {
  if (Trim(text).empty()) return Invalid(std::string(field) + " must not be empty");
  if (text.size() > kMaxMemoryBytes) {
    return Invalid(std::string(field) + " is " + std::to_string(text.size()) +
                   " bytes; the limit is " + std::to_string(kMaxMemoryBytes));
  }
  if (!IsValidUtf8(text)) return Invalid(std::string(field) + " is not valid UTF-8");
  return {};
}

Status ValidateMessages(const std::vector<Message>& messages) {
  if (messages.empty()) return Invalid("messages must not be empty");
  if (messages.size() > kMaxMessages) {
    return Invalid("messages has " + std::to_string(messages.size()) + " entries; the limit is " +
                   std::to_string(kMaxMessages));
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string at = "messages[" + std::to_string(i) + "]";
    const Message& m = messages[i];
    if (m.role.empty() || m.role.size() > 64 || !IsValidUtf8(m.role)) {
      return Invalid(at + ".role: expected 1 to 64 bytes of UTF-8");
    }
    if (m.content.size() > kMaxMessageBytes) {
      return Invalid(at + ".content is " + std::to_string(m.content.size()) +
                     " bytes; the limit is " + std::to_string(kMaxMessageBytes));
    }
    if (!IsValidUtf8(m.content)) return Invalid(at + ".content is not valid UTF-8");
    if (m.name.size() > kMaxScopeIdBytes || !IsValidUtf8(m.name)) {
      return Invalid(at + ".name: expected at most " + std::to_string(kMaxScopeIdBytes) +
                     " bytes of UTF-8");
    }
  }
  return {};
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  if (na <= 0 || nb <= 0) return 0;
  return dot / std::sqrt(na * nb);
}

Payload PayloadOf(const DecodedMemory& memory) {
  Payload payload;
  payload.metadata = memory.metadata;
  payload.hash = memory.item.hash;
  payload.scope = memory.item.scope;
  payload.actor_id = memory.item.actor_id;
  payload.role = memory.item.role;
  payload.created_at = memory.item.created_at;
  payload.updated_at = memory.item.updated_at;
  payload.embedding = memory.embedding;
  return payload;
}

std::string MessagesToJson(const std::vector<Message>& messages) {
  Json out = Json::array();
  for (const auto& m : messages) {
    Json row = {{"role", m.role}, {"content", m.content}};
    if (!m.name.empty()) row["name"] = m.name;
    out.push_back(std::move(row));
  }
  return out.dump();
}

std::string Today(std::chrono::system_clock::time_point now) {
  return IsoTimestamp(now).substr(0, 10);
}

// An entity name as mem0 stores it: lower case, spaces as underscores.
std::string DisplayName(const std::string& entity) {
  std::string out = entity;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

class MemoryImpl final : public Memory {
 public:
  MemoryImpl(MemoryConfig config, std::shared_ptr<store::ConversationStore> history,
             std::shared_ptr<store::GraphStore> graph, std::unique_ptr<LanguageModel> llm,
             std::unique_ptr<Embedder> embedder)
      : config_(std::move(config)),
        history_(std::move(history)),
        graph_(std::move(graph)),
        llm_(std::move(llm)),
        embedder_(std::move(embedder)),
        clock_(SystemClock()),
        cache_(graph_, IndexOptions(config_.search)) {}

  Result<AddResult> Add(const std::vector<Message>& messages, const AddOptions& options) override {
    MEM0_RETURN_IF_ERROR(ValidateScope(options.scope, /*required=*/true));
    MEM0_RETURN_IF_ERROR(ValidateMessages(messages));
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseCallerMetadata(options.metadata_json, "metadata"));
    const bool infer = options.infer.value_or(llm_ != nullptr);
    if (infer && !llm_) {
      return Invalid(
          "infer=true needs an llm: configure llm in the config, or add with infer=false");
    }
    MEM0_ASSIGN_OR_RETURN(AddResult result, infer ? AddInferred(messages, options.scope, metadata)
                                                  : AddVerbatim(messages, options.scope, metadata));
    // The raw messages become the session's recent messages (context for
    // the next inferred add).
    MEM0_RETURN_IF_ERROR(history_->SaveMessages(ScopeKey(options.scope), MessagesToJson(messages)));
    return result;
  }

  Result<std::optional<MemoryItem>> Get(const std::string& memory_id) override {
    MEM0_RETURN_IF_ERROR(ValidateMemoryId(memory_id));
    MEM0_ASSIGN_OR_RETURN(auto node, graph_->GetNode(memory_id));
    if (!node) return std::optional<MemoryItem>();
    MEM0_ASSIGN_OR_RETURN(auto decoded, DecodeMemoryNode(*node));
    return std::optional<MemoryItem>(std::move(decoded.item));
  }

  Result<MemoryPage> GetAll(const ListOptions& options) override {
    MEM0_RETURN_IF_ERROR(ValidateScope(options.scope, /*required=*/true));
    if (options.limit <= 0 || options.limit > kMaxLimit) {
      return Invalid("limit must be between 1 and " + std::to_string(kMaxLimit));
    }
    MEM0_ASSIGN_OR_RETURN(Filters filters, ParseFilters(options.filters_json));
    MEM0_ASSIGN_OR_RETURN(auto cursor, ParsePageToken(options.page_token));
    MEM0_ASSIGN_OR_RETURN(auto view, LoadView(options.scope));
    MemoryPage page;
    const auto& memories = view->memories;
    auto it = memories.begin();
    if (cursor) {
      it = std::upper_bound(memories.begin(), memories.end(), *cursor,
                            [](const auto& key, const DecodedMemory& m) {
                              return key < std::make_pair(m.item.created_at, m.item.id);
                            });
    }
    for (; it != memories.end(); ++it) {
      if (!ScopeMatches(options.scope, it->item.scope) || !filters.Matches(*it)) continue;
      if (static_cast<int>(page.results.size()) == options.limit) {
        const MemoryItem& last = page.results.back();
        page.next_page_token = MakePageToken(last.created_at, last.id);
        break;
      }
      page.results.push_back(it->item);
    }
    if (!cursor) {
      MEM0_ASSIGN_OR_RETURN(page.relations, AllRelations(options.scope));
    }
    return page;
  }

  Result<SearchResult> Search(const std::string& query, const SearchOptions& options) override {
    MEM0_RETURN_IF_ERROR(ValidateScope(options.scope, /*required=*/true));
    if (Trim(query).empty()) return Invalid("query must not be empty");
    if (query.size() > kMaxTextBytes) {
      return Invalid("query is " + std::to_string(query.size()) + " bytes; the limit is " +
                     std::to_string(kMaxTextBytes));
    }
    if (!IsValidUtf8(query)) return Invalid("query is not valid UTF-8");
    const int limit = options.limit > 0 ? options.limit : config_.search.default_limit;
    if (options.limit < 0 || limit > kMaxLimit) {
      return Invalid("limit must be between 1 and " + std::to_string(kMaxLimit));
    }
    const double threshold = options.threshold.value_or(config_.search.min_score);
    if (!(threshold >= 0 && threshold <= 1)) return Invalid("threshold must be between 0 and 1");
    MEM0_ASSIGN_OR_RETURN(Filters filters, ParseFilters(options.filters_json));

    std::optional<std::vector<float>> query_vector;
    if (embedder_) {
      MEM0_ASSIGN_OR_RETURN(auto vectors, embedder_->Embed({query}));
      query_vector = std::move(vectors.at(0));
    }
    MEM0_ASSIGN_OR_RETURN(auto view, LoadView(options.scope));
    // Lexical-only ranking asks the index for a few more hits than needed
    // and widens only when filters dropped too many.
    std::size_t lexical_limit = query_vector ? 0 : 2 * static_cast<std::size_t>(limit);
    SearchResult result;
    while (true) {
      MEM0_ASSIGN_OR_RETURN(auto ranked, Rank(*view, query, query_vector, lexical_limit));
      result.results.clear();
      bool below_threshold = false;
      for (const auto& [score, index] : ranked) {
        const DecodedMemory& memory = view->memories[index];
        if (!ScopeMatches(options.scope, memory.item.scope) || !filters.Matches(memory)) continue;
        below_threshold = score < threshold;
        if (below_threshold) break;  // best first: the rest score lower
        MemoryItem item = memory.item;
        item.score = score;
        result.results.push_back(std::move(item));
        if (static_cast<int>(result.results.size()) == limit) break;
      }
      if (lexical_limit == 0 || below_threshold ||
          static_cast<int>(result.results.size()) == limit || ranked.size() < lexical_limit) {
        break;
      }
      lexical_limit *= 4;
    }
    MEM0_ASSIGN_OR_RETURN(result.relations, QueryRelations(options.scope, query));
    return result;
  }

  Result<MemoryItem> Update(const std::string& memory_id, const std::string& text,
                            const std::optional<std::string>& metadata_json) override {
    MEM0_RETURN_IF_ERROR(ValidateMemoryId(memory_id));
    MEM0_RETURN_IF_ERROR(ValidateText(text, "text"));
    std::optional<Json> metadata;
    if (metadata_json) {
      MEM0_ASSIGN_OR_RETURN(metadata, ParseCallerMetadata(*metadata_json, "metadata"));
    }
    MEM0_ASSIGN_OR_RETURN(auto node, graph_->GetNode(memory_id));
    if (!node) return MakeError(ErrorCode::kNotFound, "no memory with id " + memory_id);
    MEM0_ASSIGN_OR_RETURN(auto old, DecodeMemoryNode(*node));
    std::optional<std::vector<float>> embedding;
    if (embedder_) {
      MEM0_ASSIGN_OR_RETURN(auto vectors, embedder_->Embed({text}));
      embedding = std::move(vectors.at(0));
    }
    MEM0_ASSIGN_OR_RETURN(MemoryItem item, ApplyUpdate(old, text, metadata, embedding,
                                                       old.item.actor_id, old.item.role));
    return item;
  }

  Result<void> Delete(const std::string& memory_id) override {
    MEM0_RETURN_IF_ERROR(ValidateMemoryId(memory_id));
    MEM0_ASSIGN_OR_RETURN(auto node, graph_->GetNode(memory_id));
    if (!node) return MakeError(ErrorCode::kNotFound, "no memory with id " + memory_id);
    MEM0_ASSIGN_OR_RETURN(auto old, DecodeMemoryNode(*node));
    MEM0_ASSIGN_OR_RETURN(bool deleted, graph_->DeleteNode(memory_id));
    if (!deleted) return MakeError(ErrorCode::kNotFound, "no memory with id " + memory_id);
    return history_->AddHistory(DeleteRecord(old.item)).status();
  }

  Result<int64_t> DeleteAll(const Scope& scope) override {
    MEM0_RETURN_IF_ERROR(ValidateScope(scope, /*required=*/true));
    MEM0_ASSIGN_OR_RETURN(auto view, LoadView(scope));
    std::vector<const MemoryItem*> targets;
    for (const auto& memory : view->memories) {
      if (ScopeMatches(scope, memory.item.scope)) targets.push_back(&memory.item);
    }
    std::mutex mutex;
    std::vector<store::HistoryRecord> records;
    std::vector<std::function<Result<void>()>> tasks;
    for (const MemoryItem* item : targets) {
      tasks.push_back([&, item]() -> Result<void> {
        MEM0_ASSIGN_OR_RETURN(bool deleted, graph_->DeleteNode(item->id));
        if (deleted) {
          std::lock_guard<std::mutex> lock(mutex);
          records.push_back(DeleteRecord(*item));
        }
        return {};
      });
    }
    Status deleted = RunParallel(std::move(tasks), kDeleteParallelism);
    // The trail of what was deleted is written even when some deletes failed.
    if (!records.empty()) MEM0_RETURN_IF_ERROR(history_->BatchAddHistory(records));
    MEM0_RETURN_IF_ERROR(deleted);
    if (IsOwnerOnly(scope)) MEM0_RETURN_IF_ERROR(DeleteEntities(OwnerScope(scope)));
    return static_cast<int64_t>(records.size());
  }

  Result<std::vector<HistoryEntry>> History(const std::string& memory_id) override {
    MEM0_RETURN_IF_ERROR(ValidateMemoryId(memory_id));
    MEM0_ASSIGN_OR_RETURN(auto records, history_->GetHistory(memory_id));
    std::vector<HistoryEntry> out;
    for (auto& r : records) {
      out.push_back({std::move(r.id), std::move(r.memory_id), std::move(r.old_memory),
                     std::move(r.new_memory), std::move(r.event), std::move(r.created_at),
                     std::move(r.updated_at), r.is_deleted, std::move(r.actor_id),
                     std::move(r.role)});
    }
    return out;
  }

  Result<void> Reset() override {
    std::vector<std::function<Result<void>()>> tasks;
    MEM0_RETURN_IF_ERROR(graph_->ForEachNode([&](const store::MemoryNode& node) -> Status {
      tasks.push_back(
          [this, id = node.node_id]() -> Result<void> { return graph_->DeleteNode(id).status(); });
      return {};
    }));
    MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), kDeleteParallelism));
    MEM0_RETURN_IF_ERROR(history_->Reset());
    cache_.Clear();
    return {};
  }

 private:
  static TextIndexOptions IndexOptions(const SearchConfig& search) {
    TextIndexOptions options;
    options.k1 = search.bm25_k1;
    options.b = search.bm25_b;
    options.coordination = search.coordination;
    options.analyzer.expand_query = search.query_expansion;
    return options;
  }

  std::chrono::system_clock::time_point Now() const { return clock_->Now(); }

  static bool IsOwnerOnly(const Scope& scope) {
    int ids = !scope.user_id.empty() + !scope.agent_id.empty() + !scope.run_id.empty();
    return ids == 1;
  }

  // --- Views and ranking ---------------------------------------------------

  // The memories a query scope can see: those its owner scope holds, plus
  // (for a query by agent or run alone) those owned by a user or agent that
  // also carry this id, found through the id's anchor node.
  Result<std::shared_ptr<const ScopeSnapshot>> LoadView(const Scope& scope) {
    MEM0_ASSIGN_OR_RETURN(auto owned, cache_.Get(OwnerScope(scope)));
    auto [kind, id] = OwnerOf(scope);
    if (kind == "user") return owned;
    store::RelatedQuery query;
    query.relationship_types = {kAliasEdge};
    query.direction = store::Direction::kOutgoing;
    query.limit = kMaxLimit;
    MEM0_ASSIGN_OR_RETURN(auto aliased, graph_->GetRelatedMemories(AnchorNodeId(kind, id), query));
    if (aliased.empty()) return owned;
    std::vector<DecodedMemory> all = owned->memories;
    for (const auto& related : aliased) {
      if (owned->by_id.count(related.node_id)) continue;
      auto decoded = DecodeMemoryNode(related.node_id, related.content, related.metadata_json, "",
                                      0, std::nullopt);
      if (decoded.ok()) all.push_back(std::move(decoded).value());
    }
    return std::shared_ptr<const ScopeSnapshot>(
        BuildSnapshot(std::move(all), -1, IndexOptions(config_.search)));
  }

  // (score, index into view.memories), best first. Without an embedder the
  // best `lexical_limit` lexical matches (0: all); with one, every memory
  // with a stored embedding or a lexical match.
  Result<std::vector<std::pair<double, std::size_t>>> Rank(
      const ScopeSnapshot& view, const std::string& query,
      const std::optional<std::vector<float>>& query_vector, std::size_t lexical_limit) {
    std::unordered_map<std::size_t, double> lexical;
    for (const TextHit& hit : view.index->Search(query, query_vector ? 0 : lexical_limit)) {
      auto it = view.by_id.find(hit.doc_id);
      if (it != view.by_id.end()) lexical[it->second] = hit.normalized;
    }
    std::vector<std::pair<double, std::size_t>> ranked;
    if (!query_vector) {
      for (const auto& [index, score] : lexical) ranked.emplace_back(score, index);
    } else {
      const double w = config_.search.vector_weight;
      for (std::size_t i = 0; i < view.memories.size(); ++i) {
        const auto& embedding = view.memories[i].embedding;
        auto lex = lexical.find(i);
        double lexical_score = lex == lexical.end() ? 0 : lex->second;
        if (!embedding && lexical_score == 0) continue;
        double vector_score = embedding ? (Cosine(*query_vector, *embedding) + 1) / 2 : 0;
        ranked.emplace_back((1 - w) * lexical_score + w * vector_score, i);
      }
    }
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return view.memories[a.second].item.id < view.memories[b.second].item.id;
    });
    return ranked;
  }

  // --- Page tokens ---------------------------------------------------------

  static std::string MakePageToken(const std::string& created_at, const std::string& id) {
    return Base64Encode(Json({{"v", 1}, {"c", created_at}, {"id", id}}).dump());
  }

  static Result<std::optional<std::pair<std::string, std::string>>> ParsePageToken(
      const std::string& token) {
    using Cursor = std::optional<std::pair<std::string, std::string>>;
    if (token.empty()) return Cursor();
    auto bad = [] { return MakeError(ErrorCode::kInvalidArgument, "page_token is not valid"); };
    if (token.size() > kMaxPageTokenBytes) return bad();
    auto decoded = Base64Decode(token);
    if (!decoded || !IsValidUtf8(*decoded) || !CheckJsonNesting(*decoded, "page_token").ok()) {
      return bad();
    }
    Json parsed = Json::parse(*decoded, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object() || parsed.size() != 3 || parsed.value("v", Json()) != Json(1)) {
      return bad();
    }
    auto c = parsed.find("c");
    auto id = parsed.find("id");
    if (c == parsed.end() || !c->is_string() || id == parsed.end() || !id->is_string() ||
        id->get<std::string>().empty()) {
      return bad();
    }
    return Cursor(std::make_pair(c->get<std::string>(), id->get<std::string>()));
  }

  // --- Writes --------------------------------------------------------------

  store::HistoryRecord HistoryOf(const std::string& memory_id, std::optional<std::string> old_text,
                                 std::optional<std::string> new_text, const char* event,
                                 const std::optional<std::string>& actor_id,
                                 const std::optional<std::string>& role) {
    store::HistoryRecord record;
    record.memory_id = memory_id;
    record.old_memory = std::move(old_text);
    record.new_memory = std::move(new_text);
    record.event = event;
    record.created_at = IsoTimestamp(Now());
    record.actor_id = actor_id;
    record.role = role;
    return record;
  }

  store::HistoryRecord DeleteRecord(const MemoryItem& item) {
    store::HistoryRecord record =
        HistoryOf(item.id, item.memory, std::nullopt, "DELETE", item.actor_id, item.role);
    record.is_deleted = true;
    return record;
  }

  // Creates a memory; nullopt when the same fact already exists in the
  // scope (its derived id is taken).
  Result<std::optional<std::string>> CreateMemory(const std::string& text, const Scope& scope,
                                                  const Json& metadata,
                                                  const std::optional<std::string>& actor_id,
                                                  const std::optional<std::string>& role,
                                                  std::optional<std::vector<float>> embedding) {
    Payload payload;
    payload.metadata = metadata;
    payload.hash = Md5Hex(text);
    payload.scope = scope;
    payload.actor_id = actor_id;
    payload.role = role;
    payload.created_at = IsoTimestamp(Now());
    payload.embedding = std::move(embedding);
    const std::string id = MemoryNodeId(scope, payload.hash);
    auto created =
        graph_->CreateMemoryNode(text, PayloadToNodeMetadata(payload), id, OwnerScope(scope));
    if (!created.ok()) {
      if (created.error().code == ErrorCode::kAlreadyExists) return std::optional<std::string>();
      return created.error();
    }
    if (Status linked = LinkAliases(scope, id); !linked.ok()) {
      (void)graph_->DeleteNode(id);
      return linked.error();
    }
    return std::optional<std::string>(id);
  }

  // Links a memory from the anchors of its ids other than the owner's, off
  // the type index.
  Status LinkAliases(const Scope& scope, const std::string& memory_id) {
    auto link = [&](const char* kind, const std::string& id) -> Status {
      const std::string anchor = AnchorNodeId(kind, id);
      MEM0_RETURN_IF_ERROR(
          EnsureNode(anchor, std::string(kind) + ":" + id, Json({{"mem0_anchor", kind}}).dump()));
      return LinkOffIndex(anchor, memory_id, kAliasEdge);
    };
    const std::string owner = OwnerOf(scope).first;
    if (owner == "user" && !scope.agent_id.empty())
      MEM0_RETURN_IF_ERROR(link("agent", scope.agent_id));
    if (owner != "run" && !scope.run_id.empty()) MEM0_RETURN_IF_ERROR(link("run", scope.run_id));
    return {};
  }

  Status EnsureNode(const std::string& id, const std::string& content,
                    const std::string& metadata_json) {
    auto created = graph_->CreateMemoryNode(content, metadata_json, id, "");
    if (!created.ok() && created.error().code != ErrorCode::kAlreadyExists) return created.error();
    return {};
  }

  Status LinkOffIndex(const std::string& from, const std::string& to, const char* type) {
    store::EdgeOptions options;
    options.indexed = false;
    return graph_->CreateRelationship(from, to, type, "{}", options).status();
  }

  Result<MemoryItem> ApplyUpdate(const DecodedMemory& old, const std::string& text,
                                 const std::optional<Json>& metadata,
                                 std::optional<std::vector<float>> embedding,
                                 const std::optional<std::string>& actor_id,
                                 const std::optional<std::string>& role) {
    Payload payload = PayloadOf(old);
    if (metadata) payload.metadata = *metadata;
    payload.hash = Md5Hex(text);
    payload.updated_at = IsoTimestamp(Now());
    if (embedding) payload.embedding = std::move(embedding);
    const std::string metadata_json = PayloadToNodeMetadata(payload);
    MEM0_RETURN_IF_ERROR(graph_->UpdateNode(old.item.id, text, metadata_json));
    MEM0_RETURN_IF_ERROR(history_->AddHistory(
        HistoryOf(old.item.id, old.item.memory, text, "UPDATE", actor_id, role)));
    MEM0_ASSIGN_OR_RETURN(auto decoded,
                          DecodeMemoryNode(old.item.id, text, metadata_json, "", 0, std::nullopt));
    return decoded.item;
  }

  Result<std::vector<std::vector<float>>> EmbedAll(const std::vector<std::string>& texts) {
    if (!embedder_ || texts.empty()) return std::vector<std::vector<float>>(texts.size());
    MEM0_ASSIGN_OR_RETURN(auto vectors, embedder_->Embed(texts));
    if (vectors.size() != texts.size()) {
      return MakeError(ErrorCode::kNetworkError, "embedder returned the wrong number of vectors");
    }
    return vectors;
  }

  Result<AddResult> AddVerbatim(const std::vector<Message>& messages, const Scope& scope,
                                const Json& metadata) {
    std::vector<const Message*> kept;
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (messages[i].role == "system") continue;
      std::string text(Trim(messages[i].content));
      if (text.empty()) continue;
      MEM0_RETURN_IF_ERROR(
          ValidateText(text, ("messages[" + std::to_string(i) + "].content").c_str()));
      kept.push_back(&messages[i]);
      texts.push_back(std::move(text));
    }
    MEM0_ASSIGN_OR_RETURN(auto vectors, EmbedAll(texts));
    AddResult result;
    std::vector<std::string> created;
    std::vector<store::HistoryRecord> records;
    auto rollback = [&] {
      for (const auto& id : created) (void)graph_->DeleteNode(id);
    };
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const Message& message = *kept[i];
      std::optional<std::string> actor =
          message.name.empty() ? std::nullopt : std::optional<std::string>(message.name);
      std::optional<std::vector<float>> vector;
      if (embedder_) vector = std::move(vectors[i]);
      auto id = CreateMemory(texts[i], scope, metadata, actor, message.role, std::move(vector));
      if (!id.ok()) {
        rollback();
        return id.error();
      }
      if (!*id) {
        result.results.push_back({MemoryNodeId(scope, Md5Hex(texts[i])), texts[i], "NONE", {}});
        continue;
      }
      created.push_back(**id);
      records.push_back(HistoryOf(**id, std::nullopt, texts[i], "ADD", actor, message.role));
      result.results.push_back({**id, texts[i], "ADD", {}});
    }
    if (!records.empty()) {
      if (Status written = history_->BatchAddHistory(records); !written.ok()) {
        rollback();
        return written.error();
      }
    }
    return result;
  }

  Result<AddResult> AddInferred(const std::vector<Message>& messages, const Scope& scope,
                                const Json& metadata) {
    // Every model call happens before anything is written, so unusable
    // output leaves the stores untouched.
    std::vector<ChatMessage> chat;
    MEM0_ASSIGN_OR_RETURN(std::string context, history_->GetLastMessages(ScopeKey(scope), 10));
    Json earlier = Json::parse(context, nullptr, /*allow_exceptions=*/false);
    if (earlier.is_array() && !earlier.empty()) {
      std::string text = "Earlier in this conversation (context only, already remembered):\n";
      for (const auto& m : earlier) {
        if (m.is_object() && m.value("role", Json()).is_string() &&
            m.value("content", Json()).is_string()) {
          text += m["role"].get<std::string>() + ": " + m["content"].get<std::string>() + "\n";
        }
      }
      chat.push_back({"system", text});
    }
    std::string transcript;
    for (const auto& m : messages) {
      chat.push_back({m.role, m.content});
      if (m.role != "system") transcript += m.content + "\n";
    }
    MEM0_ASSIGN_OR_RETURN(auto facts, llm_->ExtractFacts(chat, Today(Now())));

    // The scope's memories most similar to the facts, shown by position.
    std::vector<const DecodedMemory*> shown_memories;
    std::vector<ShownMemory> shown;
    std::shared_ptr<const ScopeSnapshot> view;
    if (!facts.empty()) {
      MEM0_ASSIGN_OR_RETURN(view, LoadView(scope));
      MEM0_ASSIGN_OR_RETURN(auto fact_vectors, EmbedAll(facts));
      std::set<std::size_t> seen;
      for (std::size_t f = 0; f < facts.size(); ++f) {
        std::optional<std::vector<float>> vector;
        if (embedder_) vector = fact_vectors[f];
        MEM0_ASSIGN_OR_RETURN(auto ranked, Rank(*view, facts[f], vector, kMaxShownMemories));
        int taken = 0;
        for (const auto& [score, index] : ranked) {
          if (taken == kSimilarPerFact || shown.size() == kMaxShownMemories) break;
          if (!ScopeMatches(scope, view->memories[index].item.scope)) continue;
          ++taken;
          if (!seen.insert(index).second) continue;
          shown.push_back({static_cast<int>(shown.size()), view->memories[index].item.memory});
          shown_memories.push_back(&view->memories[index]);
        }
      }
    }
    std::vector<MemoryDecision> decisions;
    if (!facts.empty()) {
      MEM0_ASSIGN_OR_RETURN(decisions, llm_->DecideUpdates(facts, shown));
    }
    const std::string self = OwnerOf(scope).second;
    MEM0_ASSIGN_OR_RETURN(auto relations, llm_->ExtractRelations(transcript, self));

    std::vector<std::string> new_texts;
    for (const auto& d : decisions) {
      if (d.event == MemoryEvent::kAdd || d.event == MemoryEvent::kUpdate) {
        MEM0_RETURN_IF_ERROR(ValidateText(d.text, "llm reply: memory text"));
        new_texts.push_back(d.text);
      }
    }
    MEM0_ASSIGN_OR_RETURN(auto vectors, EmbedAll(new_texts));

    AddResult result;
    std::vector<std::string> touched;
    std::size_t next_vector = 0;
    const std::optional<std::string> role = "user";
    for (const auto& d : decisions) {
      std::optional<std::vector<float>> vector;
      if ((d.event == MemoryEvent::kAdd || d.event == MemoryEvent::kUpdate) && embedder_) {
        vector = std::move(vectors[next_vector]);
      }
      if (d.event == MemoryEvent::kAdd || d.event == MemoryEvent::kUpdate) ++next_vector;
      switch (d.event) {
        case MemoryEvent::kAdd: {
          MEM0_ASSIGN_OR_RETURN(auto id, CreateMemory(d.text, scope, metadata, std::nullopt, role,
                                                      std::move(vector)));
          if (!id) break;  // the same fact exists already
          MEM0_RETURN_IF_ERROR(history_->AddHistory(
              HistoryOf(*id, std::nullopt, d.text, "ADD", std::nullopt, role)));
          result.results.push_back({*id, d.text, "ADD", {}});
          touched.push_back(*id);
          break;
        }
        case MemoryEvent::kUpdate: {
          const DecodedMemory& old = *shown_memories.at(static_cast<std::size_t>(*d.id));
          if (old.item.memory == d.text) break;
          MEM0_RETURN_IF_ERROR(
              ApplyUpdate(old, d.text, std::nullopt, std::move(vector), std::nullopt, role)
                  .status());
          result.results.push_back({old.item.id, d.text, "UPDATE", old.item.memory});
          touched.push_back(old.item.id);
          break;
        }
        case MemoryEvent::kDelete: {
          const DecodedMemory& old = *shown_memories.at(static_cast<std::size_t>(*d.id));
          MEM0_ASSIGN_OR_RETURN(bool deleted, graph_->DeleteNode(old.item.id));
          if (!deleted) break;
          MEM0_RETURN_IF_ERROR(history_->AddHistory(DeleteRecord(old.item)));
          result.results.push_back({old.item.id, old.item.memory, "DELETE", {}});
          break;
        }
        case MemoryEvent::kNone:
          break;
      }
    }
    MEM0_ASSIGN_OR_RETURN(result.added_relations,
                          WriteRelations(OwnerScope(scope), relations, touched));
    return result;
  }

  // --- Relations -----------------------------------------------------------

  Result<std::string> EnsureEntity(const std::string& owner, const std::string& name,
                                   const std::string& type) {
    const std::string id = EntityNodeId(owner, name);
    auto created = graph_->CreateMemoryNode(
        name, Json({{"entity_type", type}, {"mem0_entity_of", owner}}).dump(), id, "");
    if (created.ok()) {
      const std::string root = EntityRootNodeId(owner);
      MEM0_RETURN_IF_ERROR(
          EnsureNode(root, "entities of " + owner, Json({{"mem0_entities_of", owner}}).dump()));
      MEM0_RETURN_IF_ERROR(LinkOffIndex(root, id, kHasEntityEdge));
    } else if (created.error().code != ErrorCode::kAlreadyExists) {
      return created.error();
    }
    return id;
  }

  Result<std::vector<Relation>> WriteRelations(const std::string& owner,
                                               const std::vector<EntityRelation>& relations,
                                               const std::vector<std::string>& memories) {
    std::vector<Relation> added;
    std::set<std::string> linked;
    for (const auto& r : relations) {
      MEM0_ASSIGN_OR_RETURN(std::string source, EnsureEntity(owner, r.source, r.source_type));
      MEM0_ASSIGN_OR_RETURN(std::string target,
                            EnsureEntity(owner, r.destination, r.destination_type));
      store::RelatedQuery query;
      query.relationship_types = {r.relationship};
      query.direction = store::Direction::kOutgoing;
      query.limit = kMaxEntities;
      MEM0_ASSIGN_OR_RETURN(auto existing, graph_->GetRelatedMemories(source, query));
      bool known = std::any_of(existing.begin(), existing.end(),
                               [&](const auto& e) { return e.node_id == target; });
      if (!known) {
        MEM0_RETURN_IF_ERROR(graph_
                                 ->CreateRelationship(source, target, r.relationship,
                                                      Json({{"scope", owner}}).dump())
                                 .status());
        added.push_back({r.source, r.relationship, r.destination});
      }
      for (const auto& memory : memories) {
        for (const auto& entity : {source, target}) {
          if (linked.insert(memory + "\n" + entity).second) {
            MEM0_RETURN_IF_ERROR(LinkOffIndex(memory, entity, kMentionsEdge));
          }
        }
      }
    }
    return added;
  }

  Result<std::vector<store::RelatedMemory>> Entities(const std::string& owner) {
    store::RelatedQuery query;
    query.relationship_types = {kHasEntityEdge};
    query.direction = store::Direction::kOutgoing;
    query.limit = kMaxEntities;
    return graph_->GetRelatedMemories(EntityRootNodeId(owner), query);
  }

  // The relations of one entity (both directions), appended once each.
  Status AppendRelations(const store::RelatedMemory& entity, std::vector<Relation>& out,
                         std::set<std::string>& seen, store::Direction direction) {
    store::RelatedQuery query;
    query.direction = direction;
    query.limit = kMaxRelationsReturned;
    MEM0_ASSIGN_OR_RETURN(auto edges, graph_->GetRelatedMemories(entity.node_id, query));
    for (const auto& e : edges) {
      if (IsInternalEdge(e.relationship)) continue;
      if (static_cast<int>(out.size()) == kMaxRelationsReturned) break;
      Relation r = e.direction == "outgoing" ? Relation{entity.content, e.relationship, e.content}
                                             : Relation{e.content, e.relationship, entity.content};
      if (seen.insert(e.edge_id).second) out.push_back(std::move(r));
    }
    return {};
  }

  // Relations among the entities the query names.
  Result<std::vector<Relation>> QueryRelations(const Scope& scope, const std::string& query) {
    MEM0_ASSIGN_OR_RETURN(auto entities, Entities(OwnerScope(scope)));
    std::vector<Relation> out;
    if (entities.empty()) return out;
    std::set<std::string> terms;
    for (auto& term : TextAnalyzer::Analyze(query)) terms.insert(std::move(term));
    std::set<std::string> seen;
    std::size_t matched = 0;
    for (const auto& entity : entities) {
      bool mentioned = false;
      for (const auto& term : TextAnalyzer::Analyze(DisplayName(entity.content))) {
        mentioned = mentioned || terms.count(term);
      }
      if (!mentioned) continue;
      if (++matched > kMaxMatchedEntities) break;
      MEM0_RETURN_IF_ERROR(AppendRelations(entity, out, seen, store::Direction::kBoth));
    }
    return out;
  }

  Result<std::vector<Relation>> AllRelations(const Scope& scope) {
    MEM0_ASSIGN_OR_RETURN(auto entities, Entities(OwnerScope(scope)));
    std::vector<Relation> out;
    std::set<std::string> seen;
    for (const auto& entity : entities) {
      if (static_cast<int>(out.size()) == kMaxRelationsReturned) break;
      MEM0_RETURN_IF_ERROR(AppendRelations(entity, out, seen, store::Direction::kOutgoing));
    }
    return out;
  }

  Status DeleteEntities(const std::string& owner) {
    MEM0_ASSIGN_OR_RETURN(auto entities, Entities(owner));
    std::vector<std::function<Result<void>()>> tasks;
    for (const auto& entity : entities) {
      tasks.push_back([this, id = entity.node_id]() -> Result<void> {
        return graph_->DeleteNode(id).status();
      });
    }
    MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), kDeleteParallelism));
    return graph_->DeleteNode(EntityRootNodeId(owner)).status();
  }

  const MemoryConfig config_;
  std::shared_ptr<store::ConversationStore> history_;
  std::shared_ptr<store::GraphStore> graph_;
  std::unique_ptr<LanguageModel> llm_;
  std::unique_ptr<Embedder> embedder_;
  std::shared_ptr<Clock> clock_;
  ScopeCache cache_;
};

class GuardedMemory final : public Memory {
 public:
  explicit GuardedMemory(std::unique_ptr<Memory> impl) : impl_(std::move(impl)) {}
  Result<AddResult> Add(const std::vector<Message>& messages, const AddOptions& options) override {
    return Guard("Add", [&] { return impl_->Add(messages, options); });
  }
  Result<std::optional<MemoryItem>> Get(const std::string& memory_id) override {
    return Guard("Get", [&] { return impl_->Get(memory_id); });
  }
  Result<MemoryPage> GetAll(const ListOptions& options) override {
    return Guard("GetAll", [&] { return impl_->GetAll(options); });
  }
  Result<SearchResult> Search(const std::string& query, const SearchOptions& options) override {
    return Guard("Search", [&] { return impl_->Search(query, options); });
  }
  Result<MemoryItem> Update(const std::string& memory_id, const std::string& text,
                            const std::optional<std::string>& metadata_json) override {
    return Guard("Update", [&] { return impl_->Update(memory_id, text, metadata_json); });
  }
  Result<void> Delete(const std::string& memory_id) override {
    return Guard("Delete", [&] { return impl_->Delete(memory_id); });
  }
  Result<int64_t> DeleteAll(const Scope& scope) override {
    return Guard("DeleteAll", [&] { return impl_->DeleteAll(scope); });
  }
  Result<std::vector<HistoryEntry>> History(const std::string& memory_id) override {
    return Guard("History", [&] { return impl_->History(memory_id); });
  }
  Result<void> Reset() override {
    return Guard("Reset", [&] { return impl_->Reset(); });
  }

 private:
  std::unique_ptr<Memory> impl_;
};

}  // namespace

Result<std::unique_ptr<Memory>> Memory::Open(const MemoryConfig& config,
                                             std::shared_ptr<store::ConversationStore> history,
                                             std::shared_ptr<store::GraphStore> graph) {
  MEM0_RETURN_IF_ERROR(ValidateMemoryConfig(config));
  if (!history || !graph) return Invalid("Memory::Open: both stores are required");
  std::unique_ptr<LanguageModel> llm;
  std::unique_ptr<Embedder> embedder;
  if (config.llm) {
    MEM0_ASSIGN_OR_RETURN(llm, MakeOpenAiLanguageModel(*config.llm));
  }
  if (config.embedder) {
    MEM0_ASSIGN_OR_RETURN(embedder, MakeOpenAiEmbedder(*config.embedder));
  }
  return std::unique_ptr<Memory>(new GuardedMemory(std::make_unique<MemoryImpl>(
      config, std::move(history), std::move(graph), std::move(llm), std::move(embedder))));
}

Result<std::unique_ptr<Memory>> Memory::Open(const MemoryConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateMemoryConfig(config));
  std::shared_ptr<store::ConversationStore> history;
  std::shared_ptr<store::GraphStore> graph;
  if (config.conversation_provider == StoreProvider::kDynamoDB) {
    MEM0_ASSIGN_OR_RETURN(history,
                          store::MakeDynamoDBConversationStore(config.dynamodb_conversation));
  } else {
    MEM0_ASSIGN_OR_RETURN(history, store::MakeSqliteConversationStore(config.sqlite_conversation));
  }
  if (config.graph_provider == StoreProvider::kDynamoDB) {
    MEM0_ASSIGN_OR_RETURN(graph, store::MakeDynamoDBGraphStore(config.dynamodb_graph));
  } else {
    MEM0_ASSIGN_OR_RETURN(graph, store::MakeSqliteGraphStore(config.sqlite_graph));
  }
  return Open(config, std::move(history), std::move(graph));
}

Result<std::unique_ptr<Memory>> Memory::FromFile(const std::string& path) {
  MEM0_ASSIGN_OR_RETURN(MemoryConfig config, LoadMemoryConfig(path));
  return Open(config);
}

}  // namespace mem0::memory
