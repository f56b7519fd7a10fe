// Export and import of the stores' content as JSON lines (see transfer.h).
#include "mem0/memory/transfer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/encoding.h"
#include "core/hash.h"
#include "core/parallel.h"
#include "memory/memory_records.h"

namespace mem0::memory {
namespace {

using Json = nlohmann::json;

constexpr int kMaxRecordDepth = 64;
constexpr int kConversationPage = 100;
const char* const kKinds[] = {"conversation", "history", "recent_messages", "node", "edge"};

uint64_t LineHash(const std::string& line) {
  return std::stoull(Sha256Hex(line).substr(0, 16), nullptr, 16);
}

TransferTally EmptyTally() {
  TransferTally tally;
  for (const char* kind : kKinds) tally.kinds[kind] = {};
  return tally;
}

void Count(TransferTally& tally, const std::string& kind, const std::string& line) {
  KindTally& entry = tally.kinds[kind];
  ++entry.count;
  entry.checksum += LineHash(line);  // wraps: a sum mod 2^64
}

// Stored JSON text, parsed; kCorruption naming the record when it is not.
Result<Json> StoredJson(const std::string& text, const std::string& what) {
  if (!JsonNestingWithin(text, kMaxRecordDepth)) {
    return MakeError(ErrorCode::kCorruption, what + ": nested too deeply");
  }
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return MakeError(ErrorCode::kCorruption, what + ": not JSON");
  return parsed;
}

Json HistoryJson(const store::HistoryRecord& r) {
  Json out = {{"kind", "history"},          {"id", r.id},
              {"memory_id", r.memory_id},   {"event", r.event},
              {"created_at", r.created_at}, {"is_deleted", r.is_deleted}};
  auto optional = [&](const char* name, const std::optional<std::string>& value) {
    if (value) out[name] = *value;
  };
  optional("old_memory", r.old_memory);
  optional("new_memory", r.new_memory);
  optional("updated_at", r.updated_at);
  optional("actor_id", r.actor_id);
  optional("role", r.role);
  return out;
}

Result<Json> NodeJson(const store::MemoryNode& n) {
  MEM0_ASSIGN_OR_RETURN(Json metadata, StoredJson(n.metadata_json, "node " + n.node_id));
  Json out = {{"kind", "node"},       {"node_id", n.node_id},
              {"content", n.content}, {"metadata", std::move(metadata)},
              {"scope", n.scope},     {"created_at", n.created_at}};
  if (n.updated_at) out["updated_at"] = *n.updated_at;
  return out;
}

Result<Json> EdgeJson(const store::Edge& e) {
  MEM0_ASSIGN_OR_RETURN(Json properties, StoredJson(e.properties_json, "edge " + e.edge_id));
  return Json{{"kind", "edge"},
              {"edge_id", e.edge_id},
              {"source_id", e.source_id},
              {"target_id", e.target_id},
              {"relationship_type", e.relationship_type},
              {"properties", std::move(properties)},
              {"created_at", e.created_at},
              {"indexed", e.indexed}};
}

bool ScopeOfUsers(const std::string& session_scope, const std::vector<std::string>& user_ids) {
  for (const auto& user : user_ids) {
    const std::string key = ScopeKey(Scope{user, "", ""});
    if (session_scope == key || session_scope.starts_with(key + "&")) return true;
  }
  return false;
}

std::string Hex64(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

std::string TransferTally::ToJson() const {
  Json out = Json::object();
  for (const auto& [kind, tally] : kinds) {
    out[kind] = {{"count", tally.count}, {"checksum", Hex64(tally.checksum)}};
  }
  return out.dump();
}

Result<TransferTally> ExportStores(store::ConversationStore& conversations,
                                   store::GraphStore& graph, const ExportOptions& options,
                                   const std::function<Status(const std::string& line)>& sink) {
  TransferTally tally = EmptyTally();
  auto emit = [&](const std::string& kind, const Json& record) -> Status {
    const std::string line = record.dump();
    Count(tally, kind, line);
    if (sink) return sink(line);
    return {};
  };
  MEM0_ASSIGN_OR_RETURN(store::ConversationStoreKeys keys, conversations.ListKeys());
  std::vector<std::string> users = options.user_ids;
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  if (sink) {
    MEM0_RETURN_IF_ERROR(sink(Json{
        {"format", kExportFormat},
        {"version", kExportFormatVersion},
        {"users", users}}.dump()));
  }

  for (const auto& user : options.user_ids.empty() ? keys.user_ids : users) {
    std::string token;
    while (true) {
      MEM0_ASSIGN_OR_RETURN(auto page,
                            conversations.ListConversations(user, kConversationPage, token));
      for (const auto& c : page.conversations) {
        const std::string what = "conversation " + c.conversation_id;
        MEM0_ASSIGN_OR_RETURN(Json messages, StoredJson(c.messages_json, what));
        MEM0_ASSIGN_OR_RETURN(Json metadata, StoredJson(c.metadata_json, what));
        Json record = {{"kind", "conversation"},
                       {"user_id", c.user_id},
                       {"conversation_id", c.conversation_id},
                       {"messages", std::move(messages)},
                       {"metadata", std::move(metadata)},
                       {"timestamp", c.timestamp}};
        if (c.updated_at) record["updated_at"] = *c.updated_at;
        if (c.expiration_time) record["expiration_time"] = *c.expiration_time;
        MEM0_RETURN_IF_ERROR(emit("conversation", record));
      }
      if (!page.next_token) break;
      token = *page.next_token;
    }
  }

  // The graph is walked in id order, holding ids but not content. With a
  // user filter, a first pass finds the nodes to export: the users' nodes and
  // those at the other ends of edges touching them.
  std::set<std::string> scopes;
  for (const auto& user : users) scopes.insert("user:" + user);
  std::set<std::string> owned, wanted;
  auto touches_owned = [&](const store::Edge& edge) {
    return owned.count(edge.source_id) || owned.count(edge.target_id);
  };
  if (!scopes.empty()) {
    std::set<std::string> present;
    MEM0_RETURN_IF_ERROR(graph.ForEachNode([&](const store::MemoryNode& node) -> Status {
      present.insert(node.node_id);
      if (scopes.count(node.scope)) owned.insert(node.node_id);
      return {};
    }));
    wanted = owned;
    MEM0_RETURN_IF_ERROR(graph.ForEachEdge([&](const store::Edge& edge) -> Status {
      if (touches_owned(edge) && present.count(edge.source_id) && present.count(edge.target_id)) {
        wanted.insert(edge.source_id);
        wanted.insert(edge.target_id);
      }
      return {};
    }));
  }

  std::vector<std::string> memory_ids = keys.history_memory_ids;
  if (!scopes.empty()) std::erase_if(memory_ids, [&](const auto& id) { return !wanted.count(id); });
  for (const auto& memory_id : memory_ids) {
    MEM0_ASSIGN_OR_RETURN(auto rows, conversations.GetHistory(memory_id));
    for (const auto& row : rows) MEM0_RETURN_IF_ERROR(emit("history", HistoryJson(row)));
  }

  for (const auto& scope : keys.message_scopes) {
    if (!options.user_ids.empty() && !ScopeOfUsers(scope, options.user_ids)) continue;
    MEM0_ASSIGN_OR_RETURN(
        std::string text,
        conversations.GetLastMessages(scope, store::ConversationStore::kRecentMessagesKept));
    MEM0_ASSIGN_OR_RETURN(Json messages, StoredJson(text, "recent messages of " + scope));
    if (messages.empty()) continue;
    MEM0_RETURN_IF_ERROR(emit(
        "recent_messages",
        Json{{"kind", "recent_messages"}, {"scope", scope}, {"messages", std::move(messages)}}));
  }

  // An edge goes out only with both its ends, also when nodes come or go
  // while the export runs.
  std::set<std::string> exported;
  MEM0_RETURN_IF_ERROR(graph.ForEachNode([&](const store::MemoryNode& node) -> Status {
    if (!scopes.empty() && !wanted.count(node.node_id)) return {};
    exported.insert(node.node_id);
    MEM0_ASSIGN_OR_RETURN(Json record, NodeJson(node));
    return emit("node", record);
  }));
  MEM0_RETURN_IF_ERROR(graph.ForEachEdge([&](const store::Edge& edge) -> Status {
    if (!exported.count(edge.source_id) || !exported.count(edge.target_id)) return {};
    if (!scopes.empty() && !touches_owned(edge)) return {};
    MEM0_ASSIGN_OR_RETURN(Json record, EdgeJson(edge));
    return emit("edge", record);
  }));
  if (sink) {
    Json counts = Json::object();
    for (const auto& [kind, entry] : tally.kinds) counts[kind] = entry.count;
    MEM0_RETURN_IF_ERROR(sink(Json{{"kind", "end"}, {"counts", counts}}.dump()));
  }
  return tally;
}

// ---------------------------------------------------------------------------
// Import

namespace {

// One record's fields, read with type checks; errors name the line and field.
class Fields {
 public:
  Fields(const Json& object, int64_t line) : object_(object), line_(line) {}

  Error Bad(const std::string& field, const std::string& problem) const {
    return MakeError(ErrorCode::kInvalidArgument,
                     "line " + std::to_string(line_) + ": field \"" + field + "\" " + problem);
  }
  Status OnlyKnown(std::initializer_list<const char*> known) const {
    for (const auto& [name, value] : object_.items()) {
      bool found = false;
      for (const char* k : known) found = found || name == k;
      if (!found) return Bad(name, "is not part of this kind of record");
    }
    return {};
  }
  const Json* Find(const char* name) const {
    auto it = object_.find(name);
    return it == object_.end() ? nullptr : &*it;
  }
  Result<std::string> Text(const char* name) const {
    const Json* value = Find(name);
    if (!value) return Bad(name, "is missing");
    if (!value->is_string()) return Bad(name, "must be a string");
    return value->get<std::string>();
  }
  Result<std::optional<std::string>> OptionalText(const char* name) const {
    const Json* value = Find(name);
    if (!value || value->is_null()) return std::optional<std::string>();
    if (!value->is_string()) return Bad(name, "must be a string");
    return std::optional<std::string>(value->get<std::string>());
  }
  Result<int64_t> Integer(const char* name) const {
    const Json* value = Find(name);
    if (!value) return Bad(name, "is missing");
    if (!value->is_number_integer()) return Bad(name, "must be an integer");
    if (value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX) {
      return Bad(name, "is out of range");
    }
    return value->get<int64_t>();
  }
  Result<std::optional<int64_t>> OptionalInteger(const char* name) const {
    const Json* value = Find(name);
    if (!value || value->is_null()) return std::optional<int64_t>();
    MEM0_ASSIGN_OR_RETURN(int64_t number, Integer(name));
    return std::optional<int64_t>(number);
  }
  Result<double> Seconds(const char* name) const {
    const Json* value = Find(name);
    if (!value) return Bad(name, "is missing");
    if (!value->is_number()) return Bad(name, "must be a number");
    const double seconds = value->get<double>();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e11) {
      return Bad(name, "is out of range");
    }
    return seconds;
  }
  Result<std::optional<double>> OptionalSeconds(const char* name) const {
    const Json* value = Find(name);
    if (!value || value->is_null()) return std::optional<double>();
    MEM0_ASSIGN_OR_RETURN(double seconds, Seconds(name));
    return std::optional<double>(seconds);
  }
  Result<bool> Boolean(const char* name) const {
    const Json* value = Find(name);
    if (!value) return Bad(name, "is missing");
    if (!value->is_boolean()) return Bad(name, "must be true or false");
    return value->get<bool>();
  }
  // The value as JSON text, when it is an object (or an array).
  Result<std::string> Object(const char* name) const {
    const Json* value = Find(name);
    if (!value) return Bad(name, "is missing");
    if (!value->is_object()) return Bad(name, "must be a JSON object");
    return value->dump();
  }
  Result<std::string> Array(const char* name) const {
    const Json* value = Find(name);
    if (!value) return Bad(name, "is missing");
    if (!value->is_array()) return Bad(name, "must be a JSON array");
    return value->dump();
  }

 private:
  const Json& object_;
  int64_t line_;
};

// A checked record, ready to write.
struct PendingRecord {
  int64_t line = 0;
  std::string kind;
  std::string text;  // the line, for the tally
  store::Conversation conversation;
  store::HistoryRecord history;
  std::string scope, messages_json;
  store::MemoryNode node;
  store::Edge edge;
};

}  // namespace

class Importer::Impl {
 public:
  Impl(store::ConversationStore& conversations, store::GraphStore& graph, ImportOptions options)
      : conversations_(conversations),
        graph_(graph),
        options_(options),
        written_(EmptyTally()),
        seen_(EmptyTally()) {}

  Status AddLine(std::string_view line) {
    ++lines_;
    auto checked = Check(line);
    if (!checked.ok()) {
      // Everything before the bad line is written, so a report of "imported
      // up to line N - 1" is true.
      auto flushed = Flush();
      if (!flushed.ok()) return flushed.error();
      return checked.error();
    }
    if (!checked->has_value()) return {};  // header or end
    PendingRecord record = std::move(**checked);
    if (!pending_.empty() && (pending_.front().kind != record.kind ||
                              static_cast<int>(pending_.size()) >= options_.batch_records)) {
      MEM0_RETURN_IF_ERROR(Flush());
    }
    pending_.push_back(std::move(record));
    return {};
  }

  Status Finish() {
    MEM0_RETURN_IF_ERROR(Flush());
    if (lines_ == 0) return MakeError(ErrorCode::kInvalidArgument, "the input is empty");
    if (!ended_) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the input ends after line " + std::to_string(lines_) +
                           " without the end record: it is incomplete (the records it held "
                           "were imported)");
    }
    return {};
  }

  const TransferTally& written() const { return written_; }
  int64_t lines() const { return lines_; }

 private:
  Error LineError(const std::string& problem) const {
    return MakeError(ErrorCode::kInvalidArgument,
                     "line " + std::to_string(lines_) + ": " + problem);
  }

  // nullopt for the header and end records.
  Result<std::optional<PendingRecord>> Check(std::string_view line) {
    if (line.size() > options_.max_line_bytes) {
      return LineError("longer than " + std::to_string(options_.max_line_bytes) + " bytes");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!IsValidUtf8(line)) return LineError("not valid UTF-8");
    if (!JsonNestingWithin(line, kMaxRecordDepth)) {
      return LineError("JSON nested deeper than " + std::to_string(kMaxRecordDepth) + " levels");
    }
    Json record = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_discarded()) return LineError("not JSON");
    if (!record.is_object()) return LineError("not a JSON object");
    Fields fields(record, lines_);
    if (ended_) return LineError("a record after the end record");
    if (lines_ == 1) {
      if (!fields.Find("format")) {
        return LineError(std::string("the first line must be the header {\"format\":\"") +
                         kExportFormat + "\",...}");
      }
      MEM0_RETURN_IF_ERROR(fields.OnlyKnown({"format", "version", "users"}));
      MEM0_ASSIGN_OR_RETURN(std::string format, fields.Text("format"));
      if (format != kExportFormat) {
        return fields.Bad("format", std::string("must be \"") + kExportFormat + "\"");
      }
      MEM0_ASSIGN_OR_RETURN(int64_t version, fields.Integer("version"));
      if (version != kExportFormatVersion) {
        return fields.Bad("version", "is " + std::to_string(version) + "; this mem0 reads " +
                                         std::to_string(kExportFormatVersion));
      }
      return std::optional<PendingRecord>();
    }
    MEM0_ASSIGN_OR_RETURN(std::string kind, fields.Text("kind"));
    PendingRecord out;
    out.line = lines_;
    out.kind = kind;
    if (kind == "end") {
      MEM0_RETURN_IF_ERROR(fields.OnlyKnown({"kind", "counts"}));
      const Json* counts = fields.Find("counts");
      if (!counts || !counts->is_object()) return fields.Bad("counts", "must be a JSON object");
      for (const char* k : kKinds) {
        auto it = counts->find(k);
        const int64_t expected =
            it != counts->end() && it->is_number_integer() ? it->get<int64_t>() : -1;
        if (expected != seen_.kinds[k].count) {
          return fields.Bad("counts", std::string("say ") + std::to_string(expected) + " " + k +
                                          " records; the input held " +
                                          std::to_string(seen_.kinds[k].count));
        }
      }
      ended_ = true;
      return std::optional<PendingRecord>();
    }
    if (kind == "conversation") {
      MEM0_RETURN_IF_ERROR(
          fields.OnlyKnown({"kind", "user_id", "conversation_id", "messages", "metadata",
                            "timestamp", "updated_at", "expiration_time"}));
      auto& c = out.conversation;
      MEM0_ASSIGN_OR_RETURN(c.user_id, fields.Text("user_id"));
      MEM0_ASSIGN_OR_RETURN(c.conversation_id, fields.Text("conversation_id"));
      MEM0_ASSIGN_OR_RETURN(c.messages_json, fields.Array("messages"));
      MEM0_ASSIGN_OR_RETURN(c.metadata_json, fields.Object("metadata"));
      MEM0_ASSIGN_OR_RETURN(c.timestamp, fields.Integer("timestamp"));
      MEM0_ASSIGN_OR_RETURN(c.updated_at, fields.OptionalInteger("updated_at"));
      MEM0_ASSIGN_OR_RETURN(c.expiration_time, fields.OptionalInteger("expiration_time"));
    } else if (kind == "history") {
      MEM0_RETURN_IF_ERROR(
          fields.OnlyKnown({"kind", "id", "memory_id", "old_memory", "new_memory", "event",
                            "created_at", "updated_at", "is_deleted", "actor_id", "role"}));
      auto& h = out.history;
      MEM0_ASSIGN_OR_RETURN(h.id, fields.Text("id"));
      if (h.id.empty()) return fields.Bad("id", "must not be empty");
      MEM0_ASSIGN_OR_RETURN(h.memory_id, fields.Text("memory_id"));
      MEM0_ASSIGN_OR_RETURN(h.old_memory, fields.OptionalText("old_memory"));
      MEM0_ASSIGN_OR_RETURN(h.new_memory, fields.OptionalText("new_memory"));
      MEM0_ASSIGN_OR_RETURN(h.event, fields.Text("event"));
      MEM0_ASSIGN_OR_RETURN(h.created_at, fields.Text("created_at"));
      MEM0_ASSIGN_OR_RETURN(h.updated_at, fields.OptionalText("updated_at"));
      MEM0_ASSIGN_OR_RETURN(h.is_deleted, fields.Boolean("is_deleted"));
      MEM0_ASSIGN_OR_RETURN(h.actor_id, fields.OptionalText("actor_id"));
      MEM0_ASSIGN_OR_RETURN(h.role, fields.OptionalText("role"));
    } else if (kind == "recent_messages") {
      MEM0_RETURN_IF_ERROR(fields.OnlyKnown({"kind", "scope", "messages"}));
      MEM0_ASSIGN_OR_RETURN(out.scope, fields.Text("scope"));
      MEM0_ASSIGN_OR_RETURN(out.messages_json, fields.Array("messages"));
    } else if (kind == "node") {
      MEM0_RETURN_IF_ERROR(fields.OnlyKnown(
          {"kind", "node_id", "content", "metadata", "scope", "created_at", "updated_at"}));
      auto& n = out.node;
      MEM0_ASSIGN_OR_RETURN(n.node_id, fields.Text("node_id"));
      if (n.node_id.empty()) return fields.Bad("node_id", "must not be empty");
      MEM0_ASSIGN_OR_RETURN(n.content, fields.Text("content"));
      MEM0_ASSIGN_OR_RETURN(n.metadata_json, fields.Object("metadata"));
      MEM0_ASSIGN_OR_RETURN(n.scope, fields.Text("scope"));
      MEM0_ASSIGN_OR_RETURN(n.created_at, fields.Seconds("created_at"));
      MEM0_ASSIGN_OR_RETURN(n.updated_at, fields.OptionalSeconds("updated_at"));
    } else if (kind == "edge") {
      MEM0_RETURN_IF_ERROR(
          fields.OnlyKnown({"kind", "edge_id", "source_id", "target_id", "relationship_type",
                            "properties", "created_at", "indexed"}));
      auto& e = out.edge;
      MEM0_ASSIGN_OR_RETURN(e.edge_id, fields.Text("edge_id"));
      MEM0_ASSIGN_OR_RETURN(e.source_id, fields.Text("source_id"));
      MEM0_ASSIGN_OR_RETURN(e.target_id, fields.Text("target_id"));
      MEM0_ASSIGN_OR_RETURN(e.relationship_type, fields.Text("relationship_type"));
      MEM0_ASSIGN_OR_RETURN(e.properties_json, fields.Object("properties"));
      MEM0_ASSIGN_OR_RETURN(e.created_at, fields.Seconds("created_at"));
      MEM0_ASSIGN_OR_RETURN(e.indexed, fields.Boolean("indexed"));
    } else {
      return fields.Bad("kind", "\"" + kind.substr(0, 64) + "\" is not a kind of record");
    }
    out.text = std::string(line);
    Count(seen_, kind, out.text);
    return std::optional<PendingRecord>(std::move(out));
  }

  // Writes the pending records (all of one kind) in parallel.
  Status Flush() {
    if (pending_.empty()) return {};
    std::vector<PendingRecord> batch = std::move(pending_);
    pending_.clear();
    const std::string kind = batch.front().kind;
    std::vector<std::function<Result<void>()>> tasks;
    auto on_line = [](const PendingRecord& record, Status status) -> Status {
      if (status.ok()) return {};
      Error error = std::move(status).error();
      error.message = "line " + std::to_string(record.line) + ": " + error.message;
      return error;
    };
    if (kind == "history") {
      // Records of one memory go together, in order: the store keeps their
      // order, and its ids tell which are there already.
      std::map<std::string, std::vector<const PendingRecord*>> by_memory;
      for (const auto& record : batch) by_memory[record.history.memory_id].push_back(&record);
      for (const auto& [memory_id, records] : by_memory) {
        tasks.push_back([this, memory_id = memory_id, records = records, &on_line]() -> Status {
          auto existing = conversations_.GetHistory(memory_id);
          if (!existing.ok()) return on_line(*records.front(), existing.error());
          std::set<std::string> present;
          for (const auto& row : *existing) present.insert(row.id);
          std::vector<store::HistoryRecord> missing;
          for (const PendingRecord* record : records) {
            if (!present.count(record->history.id)) missing.push_back(record->history);
          }
          return on_line(*records.front(), conversations_.BatchAddHistory(missing));
        });
      }
    } else {
      for (const auto& record : batch) {
        tasks.push_back(
            [this, &record, &on_line]() -> Status { return on_line(record, Write(record)); });
      }
    }
    MEM0_RETURN_IF_ERROR(
        RunParallel(std::move(tasks), static_cast<size_t>(std::max(1, options_.parallelism))));
    for (const auto& record : batch) Count(written_, kind, record.text);
    return {};
  }

  Status Write(const PendingRecord& record) {
    if (record.kind == "conversation") return conversations_.PutConversation(record.conversation);
    if (record.kind == "recent_messages") {
      return conversations_.ReplaceMessages(record.scope, record.messages_json);
    }
    if (record.kind == "node") return graph_.PutNode(record.node);
    if (record.kind == "edge") return graph_.PutEdge(record.edge);
    return MakeError(ErrorCode::kInternal, "no writer for " + record.kind);
  }

  store::ConversationStore& conversations_;
  store::GraphStore& graph_;
  const ImportOptions options_;
  TransferTally written_;
  TransferTally seen_;
  std::vector<PendingRecord> pending_;
  int64_t lines_ = 0;
  bool ended_ = false;
};

Importer::Importer(store::ConversationStore& conversations, store::GraphStore& graph,
                   ImportOptions options)
    : impl_(std::make_unique<Impl>(conversations, graph, options)) {}
Importer::~Importer() = default;
Status Importer::AddLine(std::string_view line) { return impl_->AddLine(line); }
Status Importer::Finish() { return impl_->Finish(); }
const TransferTally& Importer::written() const { return impl_->written(); }
int64_t Importer::lines() const { return impl_->lines(); }

Result<MigrateReport> Migrate(store::ConversationStore& source_conversations,
                              store::GraphStore& source_graph,
                              store::ConversationStore& target_conversations,
                              store::GraphStore& target_graph, const MigrateOptions& options) {
  int64_t total = 0;
  if (options.progress) {
    MEM0_ASSIGN_OR_RETURN(auto counted,
                          ExportStores(source_conversations, source_graph, {}, nullptr));
    for (const auto& [kind, tally] : counted.kinds) total += tally.count;
  }
  const auto start = std::chrono::steady_clock::now();
  ImportOptions import_options;
  import_options.parallelism = options.parallelism;
  Importer importer(target_conversations, target_graph, import_options);
  auto report_progress = [&] {
    int64_t written = 0;
    for (const auto& [kind, tally] : importer.written().kinds) written += tally.count;
    options.progress(written, total);
  };
  MigrateReport report;
  MEM0_ASSIGN_OR_RETURN(report.source, ExportStores(source_conversations, source_graph, {},
                                                    [&](const std::string& line) -> Status {
                                                      MEM0_RETURN_IF_ERROR(importer.AddLine(line));
                                                      if (options.progress) report_progress();
                                                      return {};
                                                    }));
  MEM0_RETURN_IF_ERROR(importer.Finish());
  if (options.progress) report_progress();
  report.copy_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& [kind, tally] : report.source.kinds) report.records += tally.count;
  MEM0_ASSIGN_OR_RETURN(report.target,
                        ExportStores(target_conversations, target_graph, {}, nullptr));
  return report;
}

}  // namespace mem0::memory
