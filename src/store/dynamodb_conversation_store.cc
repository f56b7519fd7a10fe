// ConversationStore on DynamoDB, in the layout of mem0's proposed DynamoDB
// module (table Mem0Conversations, user_id HASH, conversation_id RANGE).
//
// Key design (one table):
//   (U, C)                         conversation head: messages, metadata,
//                                  timestamp, type=conversation, updated_at,
//                                  TTL attribute, version, writers
//   ("mem0#parts#" U', C#gen#NNNNN) overflow parts of a large conversation
//   ("mem0#history#" M, created_at#nanos#id)  mem0 history records
//   ("mem0#messages#" S, nanos#uuid)           recent messages of a scope
// A user's partition holds nothing but conversation heads, so a reader of
// the reference layout can Query it and parse every item. User ids starting
// with "mem0#" are reserved for these partitions.
//
// Writes are conditional on a version attribute (lost-update free) and carry
// the last few writers' tokens, so a write whose reply was lost and that was
// retried is recognised as our own rather than as a conflict.
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <thread>

#include "core/parallel.h"
#include "core/uuid.h"
#include "dynamodb/table_layout.h"
#include "mem0/store/conversation_store.h"
#include "store/bounded_json.h"
#include "store/checked_store.h"
#include "store/conversation_common.h"

namespace mem0::store {
namespace {

using dynamodb::AttributeList;
using dynamodb::AttributeValue;
using dynamodb::Item;
using Json = nlohmann::json;

using dynamodb::layout::kHashedPartsPrefix;
using dynamodb::layout::kHistoryPrefix;
using dynamodb::layout::kMessagesPrefix;
using dynamodb::layout::kPartsPrefix;
// Heads stay well under DynamoDB's 400 KB item limit.
constexpr size_t kInlineLimit = 350 * 1024;
constexpr size_t kPartBytes = 350 * 1024;
// Compressed data never exceeds its input by more than a part.
constexpr int64_t kMaxParts = kMaxConversationBytes / kPartBytes + 2;
constexpr size_t kInlineMetadataLimit = 64 * 1024;
constexpr int kMaxConflictRetries = 64;
constexpr size_t kWritersKept = 8;

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
AttributeValue N(int64_t n) { return AttributeValue::N(n); }

// A stored integer, `fallback` when absent; kCorruption naming the
// conversation when malformed.
Result<int64_t> ReadInt(const Item& item, std::string_view name, int64_t fallback = 0) {
  auto value = dynamodb::GetInt64(item, name);
  if (!value.ok()) {
    Error error = std::move(value).error();
    if (const std::string* id = dynamodb::GetString(item, "conversation_id")) {
      error.message = "conversation " + *id + ": " + error.message;
    }
    return error;
  }
  return value->value_or(fallback);
}

Result<std::string> Compress(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(data.data()), data.size(), 6) != Z_OK) {
    return MakeError(ErrorCode::kInternal, "zlib compression failed");
  }
  out.resize(size);
  return out;
}

Result<std::string> Decompress(const std::string& data, size_t original_size) {
  std::string out(original_size, '\0');
  uLongf size = original_size;
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                 reinterpret_cast<const Bytef*>(data.data()), data.size()) != Z_OK ||
      size != original_size) {
    return MakeError(ErrorCode::kStorageError, "overflow parts do not decompress");
  }
  return out;
}

std::string Padded(int64_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(n));
  return buf;
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The content of a conversation apart from its keys.
struct Body {
  Json messages;
  Json metadata;
};

class DynamoDBConversationStore final : public ConversationStore {
 public:
  DynamoDBConversationStore(DynamoDBConversationConfig config,
                            std::shared_ptr<dynamodb::Client> client)
      : config_(std::move(config)),
        client_(std::move(client)),
        clock_(config_.clock ? config_.clock : SystemClock()) {}

  Result<std::string> StoreConversation(const std::string& user_id,
                                        const std::string& messages_json,
                                        const std::string& metadata_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseMetadata(metadata_json));
    const int64_t now = UnixSeconds(*clock_);
    const std::string id = NewConversationId(user_id, clock_->Now());
    Item head = {{"user_id", S(user_id)}, {"conversation_id", S(id)},  {"timestamp", N(now)},
                 {"updated_at", N(now)},  {"type", S("conversation")}, {"version", N(1)}};
    MEM0_RETURN_IF_ERROR(WriteHead(std::move(head), {messages, metadata}, nullptr, nullptr));
    return id;
  }

  Result<std::optional<Conversation>> GetConversation(const std::string& user_id,
                                                      const std::string& conversation_id) override {
    MEM0_ASSIGN_OR_RETURN(auto head, ReadHead(user_id, conversation_id));
    if (!head || Expired(*head)) return std::optional<Conversation>();
    return Materialize(*head);
  }

  Result<ConversationPage> ListConversations(const std::string& user_id, int limit,
                                             const std::string& page_token) override {
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "user_id = :u";
    query.filter_expression = "attribute_not_exists(#exp) OR #exp > :now";
    query.attributes.names = {{"#exp", config_.ttl_attribute}};
    query.attributes.values = {{":u", S(user_id)}, {":now", N(UnixSeconds(*clock_))}};
    query.scan_index_forward = false;
    query.consistent_read = true;
    if (!page_token.empty()) {
      MEM0_ASSIGN_OR_RETURN(std::string after, DecodePageToken(user_id, page_token));
      query.exclusive_start_key = Item{{"user_id", S(user_id)}, {"conversation_id", S(after)}};
    }
    std::vector<Item> heads;
    // Filtered pages can come back short; keep reading until `limit` match.
    // One more than asked for tells, exactly, whether another page exists.
    const int wanted = limit + 1;
    while (true) {
      query.limit = wanted - static_cast<int>(heads.size());
      MEM0_ASSIGN_OR_RETURN(auto page, client_->Query(query));
      for (auto& item : page.items) heads.push_back(std::move(item));
      if (static_cast<int>(heads.size()) >= wanted || !page.last_evaluated_key) break;
      query.exclusive_start_key = page.last_evaluated_key;
    }
    const bool more = static_cast<int>(heads.size()) > limit;
    heads.resize(std::min<size_t>(heads.size(), static_cast<size_t>(limit)));

    // A conversation deleted while the page is read is left out, not an
    // error for the whole page.
    std::vector<std::optional<Conversation>> materialized(heads.size());
    std::vector<std::function<Result<void>()>> tasks;
    for (size_t i = 0; i < heads.size(); ++i) {
      tasks.push_back([this, &heads, &materialized, i]() -> Result<void> {
        MEM0_ASSIGN_OR_RETURN(materialized[i], Materialize(heads[i]));
        return {};
      });
    }
    MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), dynamodb::kMaxParallelRequests));
    ConversationPage result;
    for (auto& conversation : materialized) {
      if (conversation) result.conversations.push_back(std::move(*conversation));
    }
    if (more) {
      // The token resumes after the last head read, vanished or not.
      result.next_token =
          EncodePageToken(user_id, *dynamodb::GetString(heads.back(), "conversation_id"));
    }
    return result;
  }

  Result<void> UpdateConversation(const std::string& user_id, const std::string& conversation_id,
                                  const std::string& messages_json,
                                  const std::optional<std::string>& metadata_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    std::optional<Json> metadata;
    if (metadata_json) {
      MEM0_ASSIGN_OR_RETURN(metadata, ParseMetadata(*metadata_json));
    }
    return ReadModifyWrite(user_id, conversation_id, [&](Body& body) -> Status {
      body.messages = messages;
      if (metadata) body.metadata = *metadata;
      return {};
    });
  }

  Result<void> AppendMessages(const std::string& user_id, const std::string& conversation_id,
                              const std::string& messages_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    return ReadModifyWrite(user_id, conversation_id, [&](Body& body) -> Status {
      if (!body.messages.is_array()) {
        return MakeError(ErrorCode::kStorageError,
                         "stored messages of " + conversation_id + " are not a JSON array");
      }
      for (const auto& message : messages) body.messages.push_back(message);
      return {};
    });
  }

  Result<void> DeleteConversation(const std::string& user_id,
                                  const std::string& conversation_id) override {
    // Read first: the head names its parts, and its version makes the delete
    // exact. A delete whose reply was lost then reads as "already gone".
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
      MEM0_ASSIGN_OR_RETURN(auto head, ReadHead(user_id, conversation_id));
      if (!head || Expired(*head)) {
        // A delete killed after the head went left its parts: a retry,
        // which finds no head, still removes them.
        MEM0_RETURN_IF_ERROR(SweepParts(user_id, conversation_id));
        if (attempt == 0) return NotFound(conversation_id);
        return {};  // it went while we tried: ours (a lost reply) or a concurrent delete
      }
      dynamodb::DeleteItemRequest del;
      del.table_name = config_.table_name;
      del.key = HeadKey(user_id, conversation_id);
      del.condition_expression = VersionCondition(&*head, del.attributes);
      auto deleted = client_->DeleteItem(del);
      if (deleted.ok()) {
        MEM0_RETURN_IF_ERROR(DeleteParts(*head));
        return SweepParts(user_id, conversation_id);
      }
      if (deleted.error().code != ErrorCode::kConditionFailed) return deleted.error();
      Backoff(attempt);  // changed (or removed) meanwhile: look again
    }
    return MakeError(ErrorCode::kConditionFailed,
                     "conversation " + conversation_id + " kept changing; gave up deleting it");
  }

  Result<int64_t> DeleteAllForUser(const std::string& user_id) override {
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "user_id = :u";
    query.projection_expression =
        "user_id, conversation_id, overflow_generation, overflow_partition, overflow_parts, #exp";
    query.attributes.names = {{"#exp", config_.ttl_attribute}};
    query.attributes.values = {{":u", S(user_id)}};
    query.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto all, client_->QueryAll(query));
    std::vector<dynamodb::WriteRequest> deletes;
    int64_t live = 0;
    for (const auto& head : all.items) {
      if (!Expired(head)) ++live;  // expired ones go too, but were already gone to callers
      deletes.push_back(dynamodb::WriteRequest::Delete(
          HeadKey(user_id, *dynamodb::GetString(head, "conversation_id"))));
      MEM0_ASSIGN_OR_RETURN(auto part_keys, PartKeys(head));
      for (auto& key : part_keys) deletes.push_back(dynamodb::WriteRequest::Delete(key));
    }
    MEM0_RETURN_IF_ERROR(client_->BatchWriteItem({{config_.table_name, deletes}}));
    for (const auto& head : all.items) {
      MEM0_RETURN_IF_ERROR(SweepParts(user_id, *dynamodb::GetString(head, "conversation_id")));
    }
    return live;
  }

  Result<std::string> AddHistory(const HistoryRecord& record) override {
    MEM0_RETURN_IF_ERROR(client_->PutItem({config_.table_name, HistoryItem(record, NowNanos())}));
    return record.id;
  }

  Result<void> BatchAddHistory(const std::vector<HistoryRecord>& records) override {
    std::vector<dynamodb::WriteRequest> writes;
    const int64_t base = NowNanos();
    for (size_t i = 0; i < records.size(); ++i) {
      writes.push_back(
          dynamodb::WriteRequest::Put(HistoryItem(records[i], base + static_cast<int64_t>(i))));
    }
    return client_->BatchWriteItem({{config_.table_name, writes}});
  }

  Result<std::vector<HistoryRecord>> GetHistory(const std::string& memory_id) override {
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "user_id = :p";
    query.attributes.values = {{":p", S(kHistoryPrefix + memory_id)}};
    query.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto all, client_->QueryAll(query));
    std::vector<HistoryRecord> out;
    for (const auto& item : all.items) {
      HistoryRecord r;
      auto text = [&](const char* name) -> std::optional<std::string> {
        if (const auto* s = dynamodb::GetString(item, name)) return *s;
        return std::nullopt;
      };
      r.id = text("id").value_or("");
      r.memory_id = text("memory_id").value_or(memory_id);
      r.old_memory = text("old_memory");
      r.new_memory = text("new_memory");
      r.event = text("event").value_or("");
      r.created_at = text("created_at").value_or("");
      r.updated_at = text("updated_at");
      auto deleted = item.find("is_deleted");
      r.is_deleted = deleted != item.end() &&
                     deleted->second.type() == AttributeValue::Type::kBool &&
                     deleted->second.boolean();
      r.actor_id = text("actor_id");
      r.role = text("role");
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<void> SaveMessages(const std::string& session_scope,
                            const std::string& messages_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    MEM0_RETURN_IF_ERROR(CheckRecentMessageSizes(messages));
    const std::string partition = kMessagesPrefix + session_scope;
    MEM0_RETURN_IF_ERROR(WriteMessages(partition, messages));
    // Trim everything past the newest kRecentMessagesKept.
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "user_id = :p";
    query.projection_expression = "user_id, conversation_id";
    query.attributes.values = {{":p", S(partition)}};
    query.scan_index_forward = false;
    query.consistent_read = true;
    query.limit = kRecentMessagesKept;
    MEM0_ASSIGN_OR_RETURN(auto newest, client_->Query(query));
    if (!newest.last_evaluated_key) return {};
    query.limit.reset();
    query.exclusive_start_key = newest.last_evaluated_key;
    MEM0_ASSIGN_OR_RETURN(auto older, client_->QueryAll(query));
    std::vector<dynamodb::WriteRequest> deletes;
    for (auto& key : older.items) deletes.push_back(dynamodb::WriteRequest::Delete(std::move(key)));
    return client_->BatchWriteItem({{config_.table_name, deletes}});
  }

  Result<std::string> GetLastMessages(const std::string& session_scope, int limit) override {
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "user_id = :p";
    query.attributes.values = {{":p", S(kMessagesPrefix + session_scope)}};
    query.scan_index_forward = false;
    query.consistent_read = true;
    query.limit = limit;
    MEM0_ASSIGN_OR_RETURN(auto page, client_->Query(query));
    Json out = Json::array();
    for (auto it = page.items.rbegin(); it != page.items.rend(); ++it) {
      const std::string* message = dynamodb::GetString(*it, "message");
      Json parsed = message ? ParseBoundedJson(*message) : Json();
      if (!parsed.is_object()) {
        parsed = {
            {"role", dynamodb::GetString(*it, "role") ? *dynamodb::GetString(*it, "role") : ""},
            {"content",
             dynamodb::GetString(*it, "content") ? *dynamodb::GetString(*it, "content") : ""}};
      }
      out.push_back(std::move(parsed));
    }
    return out.dump();
  }

  Result<void> Reset() override {
    dynamodb::ScanRequest scan;
    scan.table_name = config_.table_name;
    scan.filter_expression = "begins_with(user_id, :h) OR begins_with(user_id, :m)";
    scan.projection_expression = "user_id, conversation_id";
    scan.attributes.values = {{":h", S(kHistoryPrefix)}, {":m", S(kMessagesPrefix)}};
    scan.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto all, client_->ScanAll(scan));
    std::vector<dynamodb::WriteRequest> deletes;
    for (auto& key : all.items) deletes.push_back(dynamodb::WriteRequest::Delete(std::move(key)));
    return client_->BatchWriteItem({{config_.table_name, deletes}});
  }

  Result<ConversationStoreKeys> ListKeys() override {
    dynamodb::ScanRequest scan;
    scan.table_name = config_.table_name;
    scan.projection_expression = "user_id";
    scan.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto all, client_->ScanAll(scan));
    std::set<std::string> users, memories, scopes;
    for (const auto& item : all.items) {
      const std::string* partition = dynamodb::GetString(item, "user_id");
      if (!partition) continue;
      if (partition->starts_with(kHistoryPrefix)) {
        memories.insert(partition->substr(std::strlen(kHistoryPrefix)));
      } else if (partition->starts_with(kMessagesPrefix)) {
        scopes.insert(partition->substr(std::strlen(kMessagesPrefix)));
      } else if (!partition->starts_with(dynamodb::layout::kReservedPrefix)) {
        users.insert(*partition);  // a user's partition holds only heads
      }
    }
    return ConversationStoreKeys{{users.begin(), users.end()},
                                 {memories.begin(), memories.end()},
                                 {scopes.begin(), scopes.end()}};
  }

  Result<void> PutConversation(const Conversation& conversation) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(conversation.messages_json));
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseMetadata(conversation.metadata_json));
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
      MEM0_ASSIGN_OR_RETURN(auto previous,
                            ReadHead(conversation.user_id, conversation.conversation_id));
      int64_t version = 0;
      if (previous) {
        MEM0_ASSIGN_OR_RETURN(version, ReadInt(*previous, "version"));
      }
      if (version < 0 || version == std::numeric_limits<int64_t>::max()) version = 0;
      Item head = {{"user_id", S(conversation.user_id)},
                   {"conversation_id", S(conversation.conversation_id)},
                   {"timestamp", N(conversation.timestamp)},
                   {"type", S("conversation")},
                   {"version", N(version + 1)}};
      if (conversation.updated_at) head["updated_at"] = N(*conversation.updated_at);
      if (conversation.expiration_time) {
        head[config_.ttl_attribute] = N(*conversation.expiration_time);
      }
      bool conflict = false;
      MEM0_RETURN_IF_ERROR(WriteHead(std::move(head), {messages, metadata},
                                     previous ? &*previous : nullptr, &conflict,
                                     /*stamp_expiration=*/false));
      if (!conflict) return {};
      Backoff(attempt);
    }
    return MakeError(ErrorCode::kConditionFailed,
                     "conversation " + conversation.conversation_id + " kept changing");
  }

  Result<void> ReplaceMessages(const std::string& session_scope,
                               const std::string& messages_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    const std::string partition = kMessagesPrefix + session_scope;
    dynamodb::QueryRequest query;
    query.table_name = config_.table_name;
    query.key_condition_expression = "user_id = :p";
    query.projection_expression = "user_id, conversation_id";
    query.attributes.values = {{":p", S(partition)}};
    query.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto old, client_->QueryAll(query));
    // New first, old after: an interrupted run leaves extra messages (never
    // fewer), and running again converges.
    MEM0_RETURN_IF_ERROR(WriteMessages(partition, messages));
    std::vector<dynamodb::WriteRequest> deletes;
    for (auto& key : old.items) deletes.push_back(dynamodb::WriteRequest::Delete(std::move(key)));
    return client_->BatchWriteItem({{config_.table_name, deletes}});
  }

 private:
  // One item per message in `partition`, keyed by write time (nanoseconds,
  // then a random suffix) so they list in order.
  Status WriteMessages(const std::string& partition, const Json& messages) {
    std::vector<dynamodb::WriteRequest> writes;
    const int64_t base = NowNanos();
    const std::string unique = NewUuid().substr(0, 8);
    for (size_t i = 0; i < messages.size(); ++i) {
      writes.push_back(dynamodb::WriteRequest::Put(
          {{"user_id", S(partition)},
           {"conversation_id", S(Padded(base + static_cast<int64_t>(i), 20) + "#" + unique)},
           {"type", S("message")},
           {"role", S(messages[i]["role"].get<std::string>())},
           {"content", S(messages[i]["content"].get<std::string>())},
           {"message", S(messages[i].dump())}}));
    }
    return client_->BatchWriteItem({{config_.table_name, writes}});
  }

  static Error NotFound(const std::string& conversation_id) {
    return MakeError(ErrorCode::kNotFound, "conversation " + conversation_id + " not found");
  }

  static Item HeadKey(const std::string& user_id, const std::string& conversation_id) {
    return {{"user_id", S(user_id)}, {"conversation_id", S(conversation_id)}};
  }

  // Where a user's overflow parts go: "mem0#parts#<user>", or for a user id
  // too long for that, "mem0#parts-sha256#<hash>", which no user id can
  // produce (recorded in the head as overflow_partition). Heads written
  // before that name carry no overflow_partition and used
  // "mem0#parts#sha256-<hash>", so they are still read there.
  static std::string PartsPartition(const std::string& user_id) {
    std::string partition = kPartsPrefix + user_id;
    return partition.size() <= kMaxPartitionKeyBytes ? partition
                                                     : kHashedPartsPrefix + Sha256Hex(user_id);
  }
  static std::string LegacyPartsPartition(const std::string& user_id) {
    std::string partition = kPartsPrefix + user_id;
    return partition.size() <= kMaxPartitionKeyBytes
               ? partition
               : kPartsPrefix + ("sha256-" + Sha256Hex(user_id));
  }

  // "<conversation>#": what every part of a conversation's sort key starts with.
  static std::string PartKeyPrefix(const std::string& conversation_id) {
    return (conversation_id.size() + 48 <= kMaxSortKeyBytes
                ? conversation_id
                : "sha256-" + Sha256Hex(conversation_id)) +
           "#";
  }

  static std::string PartSortKey(const std::string& conversation_id, const std::string& generation,
                                 size_t index) {
    return PartKeyPrefix(conversation_id) + generation + "#" +
           Padded(static_cast<int64_t>(index), 5);
  }

  static Result<std::vector<Item>> PartKeys(const Item& head) {
    std::vector<Item> keys;
    const std::string* generation = dynamodb::GetString(head, "overflow_generation");
    if (!generation) return keys;
    const std::string& user_id = *dynamodb::GetString(head, "user_id");
    const std::string& conversation_id = *dynamodb::GetString(head, "conversation_id");
    MEM0_ASSIGN_OR_RETURN(const int64_t parts, ReadInt(head, "overflow_parts"));
    if (parts < 0 || parts > kMaxParts) {
      return MakeError(ErrorCode::kCorruption,
                       "conversation " + conversation_id + ": overflow_parts is out of range");
    }
    const std::string* recorded = dynamodb::GetString(head, "overflow_partition");
    const std::string partition = recorded ? *recorded : LegacyPartsPartition(user_id);
    if (partition != PartsPartition(user_id) && partition != LegacyPartsPartition(user_id)) {
      return MakeError(ErrorCode::kCorruption, "conversation " + conversation_id +
                                                   ": overflow_partition is not its user's");
    }
    for (int64_t i = 0; i < parts; ++i) {
      keys.push_back({{"user_id", S(partition)},
                      {"conversation_id",
                       S(PartSortKey(conversation_id, *generation, static_cast<size_t>(i)))}});
    }
    return keys;
  }

  Result<OrphanSweep> SweepOrphanedParts(const std::string& user_id, bool repair,
                                         std::chrono::seconds min_age) override {
    // Live generations: "<part key prefix><generation>#" of every head.
    dynamodb::QueryRequest heads;
    heads.table_name = config_.table_name;
    heads.key_condition_expression = "user_id = :u";
    heads.projection_expression = "conversation_id, overflow_generation";
    heads.attributes.values = {{":u", S(user_id)}};
    heads.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto head_items, client_->QueryAll(std::move(heads)));
    std::set<std::string> live;
    for (const auto& head : head_items.items) {
      const std::string* generation = dynamodb::GetString(head, "overflow_generation");
      const std::string* id = dynamodb::GetString(head, "conversation_id");
      if (generation && id) live.insert(PartKeyPrefix(*id) + *generation + "#");
    }
    const int64_t now = UnixSeconds(*clock_);
    OrphanSweep sweep;
    std::vector<dynamodb::WriteRequest> deletes;
    for (const auto& partition :
         std::set<std::string>{PartsPartition(user_id), LegacyPartsPartition(user_id)}) {
      dynamodb::QueryRequest parts;
      parts.table_name = config_.table_name;
      parts.key_condition_expression = "user_id = :p";
      parts.projection_expression = "user_id, conversation_id";
      parts.attributes.values = {{":p", S(partition)}};
      parts.consistent_read = true;
      MEM0_ASSIGN_OR_RETURN(auto items, client_->QueryAll(std::move(parts)));
      for (auto& part : items.items) {
        const std::string& key = *dynamodb::GetString(part, "conversation_id");
        // "<prefix>#<generation>#<index>": the generation ends at the last '#'.
        const size_t last = key.rfind('#');
        if (last == std::string::npos || live.count(key.substr(0, last + 1))) continue;
        ++sweep.orphaned_parts;
        // Its age: the generation's leading seconds ("<prefix>#<secs>-<uuid>#");
        // generations written before they carried a time are old.
        const size_t first = key.rfind('#', last - 1);
        const std::string generation =
            first == std::string::npos ? "" : key.substr(first + 1, last - first - 1);
        int64_t written = 0;
        const bool timed =
            generation.size() > 11 && generation[10] == '-' &&
            std::from_chars(generation.data(), generation.data() + 10, written).ec == std::errc();
        if (timed && now - written < min_age.count()) {
          ++sweep.too_recent;
          continue;
        }
        if (repair) deletes.push_back(dynamodb::WriteRequest::Delete(std::move(part)));
      }
    }
    if (!deletes.empty()) {
      MEM0_RETURN_IF_ERROR(client_->BatchWriteItem({{config_.table_name, deletes}}));
      sweep.deleted_parts = static_cast<int64_t>(deletes.size());
    }
    return sweep;
  }

  // Deletes every overflow part of a deleted conversation, whatever its
  // generation: a writer killed between writing parts and the head (or a
  // replaced generation whose cleanup was lost) leaves parts the head does
  // not name, and a deleted conversation must leave no readable copy.
  Status SweepParts(const std::string& user_id, const std::string& conversation_id) {
    const std::string prefix = PartKeyPrefix(conversation_id);
    std::set<std::string> partitions = {PartsPartition(user_id), LegacyPartsPartition(user_id)};
    std::vector<dynamodb::WriteRequest> deletes;
    for (const auto& partition : partitions) {
      dynamodb::QueryRequest query;
      query.table_name = config_.table_name;
      query.key_condition_expression = "user_id = :p AND begins_with(conversation_id, :c)";
      query.projection_expression = "user_id, conversation_id";
      query.attributes.values = {{":p", S(partition)}, {":c", S(prefix)}};
      query.consistent_read = true;
      MEM0_ASSIGN_OR_RETURN(auto parts, client_->QueryAll(std::move(query)));
      for (auto& part : parts.items) deletes.push_back(dynamodb::WriteRequest::Delete(part));
    }
    if (deletes.empty()) return {};
    return client_->BatchWriteItem({{config_.table_name, deletes}});
  }

  Status DeleteParts(const Item& head) {
    std::vector<dynamodb::WriteRequest> deletes;
    MEM0_ASSIGN_OR_RETURN(auto part_keys, PartKeys(head));
    for (auto& key : part_keys) deletes.push_back(dynamodb::WriteRequest::Delete(std::move(key)));
    return client_->BatchWriteItem({{config_.table_name, deletes}});
  }

  bool Expired(const Item& head) const {
    // A malformed expiration never hides data: the read reports it instead.
    auto expiration = ReadInt(head, config_.ttl_attribute);
    return expiration.ok() && *expiration > 0 && *expiration <= UnixSeconds(*clock_);
  }

  Result<std::optional<Item>> ReadHead(const std::string& user_id,
                                       const std::string& conversation_id) {
    dynamodb::GetItemRequest get;
    get.table_name = config_.table_name;
    get.key = HeadKey(user_id, conversation_id);
    get.consistent_read = true;
    MEM0_ASSIGN_OR_RETURN(auto got, client_->GetItem(get));
    return std::move(got.item);
  }

  // Reads a head's body, following overflow parts.
  Result<Body> ReadBody(const Item& head) {
    auto parse = [](const std::string* text, const char* what) -> Result<Json> {
      Json parsed = text ? ParseBoundedJson(*text) : Json();
      if (parsed.is_discarded() || parsed.is_null()) {
        return MakeError(ErrorCode::kStorageError, std::string("stored ") + what + " is not JSON");
      }
      return parsed;
    };
    const std::string* generation = dynamodb::GetString(head, "overflow_generation");
    if (!generation) {
      Body body;
      MEM0_ASSIGN_OR_RETURN(body.messages,
                            parse(dynamodb::GetString(head, "messages"), "messages"));
      const std::string* metadata = dynamodb::GetString(head, "metadata");
      if (metadata) {
        MEM0_ASSIGN_OR_RETURN(body.metadata, parse(metadata, "metadata"));
      } else {
        body.metadata = Json::object();
      }
      return body;
    }
    MEM0_ASSIGN_OR_RETURN(const auto keys, PartKeys(head));
    MEM0_ASSIGN_OR_RETURN(auto got,
                          client_->BatchGetItem({{config_.table_name, {keys, "", {}, true}}}));
    std::map<std::string, std::string> by_key;
    for (const auto& part : got.responses[config_.table_name]) {
      auto data = part.find("data");
      if (data == part.end() || data->second.type() != AttributeValue::Type::kB) continue;
      by_key[*dynamodb::GetString(part, "conversation_id")] = data->second.b();
    }
    std::string compressed;
    for (const auto& key : keys) {
      auto it = by_key.find(key.at("conversation_id").s());
      if (it == by_key.end()) {
        return MakeError(ErrorCode::kConditionFailed, "overflow part missing (concurrent update)",
                         "TornRead");
      }
      compressed += it->second;
    }
    MEM0_ASSIGN_OR_RETURN(const int64_t overflow_bytes, ReadInt(head, "overflow_bytes"));
    if (overflow_bytes < 0 || static_cast<uint64_t>(overflow_bytes) > 2 * kMaxConversationBytes) {
      return MakeError(ErrorCode::kCorruption, "overflow_bytes is out of range");
    }
    MEM0_ASSIGN_OR_RETURN(std::string blob,
                          Decompress(compressed, static_cast<size_t>(overflow_bytes)));
    Json parsed = ParseBoundedJson(blob);
    if (!parsed.is_object())
      return MakeError(ErrorCode::kStorageError, "overflow blob is not JSON");
    return Body{parsed["messages"], parsed["metadata"]};
  }

  // Builds the Conversation for a head, re-reading the head if its overflow
  // parts were replaced between the two reads; nullopt when the conversation
  // was deleted meanwhile.
  Result<std::optional<Conversation>> Materialize(Item head) {
    for (int attempt = 0;; ++attempt) {
      auto body = ReadBody(head);
      if (body.ok()) {
        Conversation c;
        c.user_id = *dynamodb::GetString(head, "user_id");
        c.conversation_id = *dynamodb::GetString(head, "conversation_id");
        c.messages_json = body->messages.dump();
        c.metadata_json = body->metadata.dump();
        MEM0_ASSIGN_OR_RETURN(c.timestamp, ReadInt(head, "timestamp"));
        if (dynamodb::GetNumber(head, "updated_at")) {
          MEM0_ASSIGN_OR_RETURN(c.updated_at, ReadInt(head, "updated_at"));
        }
        if (dynamodb::GetNumber(head, config_.ttl_attribute)) {
          MEM0_ASSIGN_OR_RETURN(c.expiration_time, ReadInt(head, config_.ttl_attribute));
        }
        return std::optional<Conversation>(std::move(c));
      }
      if (body.error().type != "TornRead" || attempt >= 5) return body.error();
      MEM0_ASSIGN_OR_RETURN(auto fresh, ReadHead(*dynamodb::GetString(head, "user_id"),
                                                 *dynamodb::GetString(head, "conversation_id")));
      if (!fresh || Expired(*fresh)) return std::optional<Conversation>();
      head = std::move(*fresh);
    }
  }

  // Writes `head` with `body`, inline or through overflow parts (written
  // first, so no reader sees a head without its parts). `previous` is the
  // head being replaced (its version is the write's condition; a head
  // without one, as the reference writes, must still lack it), or null for a
  // new conversation (the condition is then that none exists). Sets
  // *conflict instead of failing when the condition does not hold.
  // `stamp_expiration` false keeps the head's own TTL attribute (imports).
  Status WriteHead(Item head, const Body& body, const Item* previous, bool* conflict,
                   bool stamp_expiration = true) {
    const std::string messages = body.messages.dump();
    const std::string metadata = body.metadata.dump();
    if (messages.size() + metadata.size() > kMaxConversationBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "messages + metadata are " +
                           std::to_string(messages.size() + metadata.size()) +
                           " bytes; the limit is " + std::to_string(kMaxConversationBytes));
    }
    const int64_t now = UnixSeconds(*clock_);
    if (config_.ttl_enabled && stamp_expiration) {
      head[config_.ttl_attribute] = N(now + static_cast<int64_t>(config_.ttl_days) * 86400);
    }
    // The last few writers' tokens: a retried write whose reply was lost is
    // recognised as ours even after another writer has moved on from it.
    const std::string writer = NewUuid();
    AttributeList writers;
    if (previous) {
      if (auto it = previous->find("writers");
          it != previous->end() && it->second.type() == AttributeValue::Type::kL) {
        writers = it->second.l();
      }
    }
    writers.push_back(S(writer));
    if (writers.size() > kWritersKept) writers.erase(writers.begin(), writers.end() - kWritersKept);
    head["writers"] = AttributeValue::L(std::move(writers));
    std::vector<Item> parts;
    if (messages.size() + metadata.size() <= kInlineLimit) {
      head["messages"] = S(messages);
      head["metadata"] = S(metadata);
    } else {
      // Readers of the reference layout see an empty list and, when small
      // enough, the real metadata.
      head["messages"] = S("[]");
      head["metadata"] = S(metadata.size() <= kInlineMetadataLimit ? metadata : "{}");
      const std::string blob =
          Json{{"messages", body.messages}, {"metadata", body.metadata}}.dump();
      MEM0_ASSIGN_OR_RETURN(std::string compressed, Compress(blob));
      // Seconds first, so a sweep can tell an abandoned generation from one
      // being written right now.
      const std::string generation = Padded(UnixSeconds(*clock_), 10) + "-" + NewUuid();
      const std::string& user_id = head.at("user_id").s();
      const std::string& conversation_id = head.at("conversation_id").s();
      for (size_t offset = 0, index = 0; offset < compressed.size();
           offset += kPartBytes, ++index) {
        Item part = {{"user_id", S(PartsPartition(user_id))},
                     {"conversation_id", S(PartSortKey(conversation_id, generation, index))},
                     {"type", S("conversation_part")},
                     {"data", AttributeValue::B(compressed.substr(offset, kPartBytes))}};
        if (head.count(config_.ttl_attribute)) {
          part[config_.ttl_attribute] = head[config_.ttl_attribute];
        }
        parts.push_back(std::move(part));
      }
      head["overflow_generation"] = S(generation);
      head["overflow_partition"] = S(PartsPartition(user_id));
      head["overflow_parts"] = N(static_cast<int64_t>(parts.size()));
      head["overflow_bytes"] = N(static_cast<int64_t>(blob.size()));
      head["overflow_encoding"] = S("zlib");
      std::vector<dynamodb::WriteRequest> writes;
      for (auto& part : parts) writes.push_back(dynamodb::WriteRequest::Put(part));
      MEM0_RETURN_IF_ERROR(client_->BatchWriteItem({{config_.table_name, writes}}));
    }

    dynamodb::PutItemRequest put;
    put.table_name = config_.table_name;
    put.item = head;
    put.return_old_item_on_condition_failure = true;
    put.condition_expression = VersionCondition(previous, put.attributes);
    auto written = client_->PutItem(put);
    if (!written.ok()) {
      const Error& error = written.error();
      if (error.code != ErrorCode::kConditionFailed) {
        // The write may or may not have landed (a timeout, a dropped reply):
        // the new parts may be in use, so they stay.
        return error;
      }
      const auto* detail = dynamodb::ServiceDetail(error);
      if (!detail || !detail->old_item || !HasWriter(*detail->old_item, writer)) {
        // Definitely not written: the new parts are unreachable.
        if (!parts.empty()) (void)DeleteParts(head);
        if (conflict) {
          *conflict = true;
          return {};
        }
        return MakeError(ErrorCode::kInternal, "conversation id collision");
      }
      // Ours after all: an earlier attempt landed and its reply was lost.
    }
    if (previous && dynamodb::GetString(*previous, "overflow_generation") &&
        *dynamodb::GetString(*previous, "overflow_generation") !=
            (dynamodb::GetString(head, "overflow_generation")
                 ? *dynamodb::GetString(head, "overflow_generation")
                 : std::string())) {
      MEM0_RETURN_IF_ERROR(DeleteParts(*previous));
    }
    return {};
  }

  // The condition under which `previous` is still the stored head.
  static std::string VersionCondition(const Item* previous, dynamodb::ExpressionAttributes& attrs) {
    if (!previous) return "attribute_not_exists(conversation_id)";
    if (!dynamodb::GetNumber(*previous, "version")) {
      return "attribute_exists(conversation_id) AND attribute_not_exists(version)";
    }
    // The stored spelling, exactly: a condition on a re-printed number could
    // never match a value this code did not write.
    attrs.values[":v"] = AttributeValue::N(*dynamodb::GetNumber(*previous, "version"));
    return "version = :v";
  }

  static bool HasWriter(const Item& head, const std::string& writer) {
    auto it = head.find("writers");
    if (it == head.end() || it->second.type() != AttributeValue::Type::kL) return false;
    for (const auto& token : it->second.l()) {
      if (token.is_s() && token.s() == writer) return true;
    }
    return false;
  }

  static void Backoff(int attempt) {
    thread_local std::mt19937 rng{std::random_device{}()};
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(0, std::min(100, 2 << std::min(attempt, 6)))(rng)));
  }

  // Reads the head, applies `change` to its body and writes it back under the
  // version condition, retrying on conflicts with jittered backoff.
  Status ReadModifyWrite(const std::string& user_id, const std::string& conversation_id,
                         const std::function<Status(Body&)>& change) {
    for (int attempt = 0; attempt < kMaxConflictRetries; ++attempt) {
      MEM0_ASSIGN_OR_RETURN(auto head, ReadHead(user_id, conversation_id));
      if (!head || Expired(*head)) return NotFound(conversation_id);
      auto body = ReadBody(*head);
      if (!body.ok()) {
        if (body.error().type != "TornRead") return body.error();
        Backoff(attempt);  // parts replaced under us; read again
        continue;
      }
      MEM0_RETURN_IF_ERROR(change(*body));
      MEM0_ASSIGN_OR_RETURN(const int64_t timestamp, ReadInt(*head, "timestamp"));
      MEM0_ASSIGN_OR_RETURN(const int64_t version, ReadInt(*head, "version"));
      if (version < 0 || version == std::numeric_limits<int64_t>::max()) {
        return MakeError(ErrorCode::kCorruption,
                         "conversation " + conversation_id + ": version is out of range");
      }
      Item next = {{"user_id", S(user_id)},     {"conversation_id", S(conversation_id)},
                   {"timestamp", N(timestamp)}, {"updated_at", N(UnixSeconds(*clock_))},
                   {"type", S("conversation")}, {"version", N(version + 1)}};
      // Attributes this store does not manage (e.g. written by other tools)
      // are carried over.
      for (const auto& [name, value] : *head) {
        static const std::set<std::string> kManaged = {
            "messages",       "metadata",       "writers",           "overflow_generation",
            "overflow_parts", "overflow_bytes", "overflow_encoding", "overflow_partition"};
        if (!next.count(name) && !kManaged.count(name)) next[name] = value;
      }
      bool conflict = false;
      MEM0_RETURN_IF_ERROR(WriteHead(std::move(next), *body, &*head, &conflict));
      if (!conflict) return {};
      Backoff(attempt);
    }
    return MakeError(ErrorCode::kConditionFailed,
                     "conversation " + conversation_id + " kept changing; gave up after " +
                         std::to_string(kMaxConflictRetries) + " attempts");
  }

  Item HistoryItem(const HistoryRecord& r, int64_t sequence) const {
    Item item = {{"user_id", S(kHistoryPrefix + r.memory_id)},
                 {"conversation_id", S(r.created_at + "#" + Padded(sequence, 20) + "#" + r.id)},
                 {"type", S("history")},
                 {"id", S(r.id)},
                 {"memory_id", S(r.memory_id)},
                 {"event", S(r.event)},
                 {"created_at", S(r.created_at)},
                 {"is_deleted", AttributeValue::Bool(r.is_deleted)}};
    auto optional = [&](const char* name, const std::optional<std::string>& value) {
      if (value) item[name] = S(*value);
    };
    optional("old_memory", r.old_memory);
    optional("new_memory", r.new_memory);
    optional("updated_at", r.updated_at);
    optional("actor_id", r.actor_id);
    optional("role", r.role);
    return item;
  }

  const DynamoDBConversationConfig config_;
  const std::shared_ptr<dynamodb::Client> client_;
  const std::shared_ptr<Clock> clock_;
};

}  // namespace

Result<std::unique_ptr<ConversationStore>> MakeDynamoDBConversationStore(
    const DynamoDBConversationConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateKey("table_name", config.table_name, 255));
  if (config.ttl_enabled && config.ttl_days <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "ttl_days must be positive when ttl_enabled");
  }
  MEM0_ASSIGN_OR_RETURN(auto client, dynamodb::Connect(config));
  return WithChecks(std::make_unique<DynamoDBConversationStore>(config, std::move(client)));
}

}  // namespace mem0::store
