// ConversationStore: conversation history plus mem0's own history records
// (ADD/UPDATE/DELETE events per memory) and recent messages per session
// scope, on DynamoDB or embedded SQLite. Both engines pass one conformance
// suite, so callers can switch engines without changing behaviour.
//
// Messages are a JSON array of objects, each with string "role" and
// "content" (other fields are kept as given); metadata is a JSON object.
// Both travel as JSON text so the public API carries no JSON library.
//
// Thread-safety: implementations are safe to share across threads; the
// SQLite store is also safe across processes sharing one database file.
#ifndef MEM0_STORE_CONVERSATION_STORE_H_
#define MEM0_STORE_CONVERSATION_STORE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mem0/core/env.h"
#include "mem0/core/result.h"
#include "mem0/dynamodb/client.h"

namespace mem0::store {

struct Conversation {
  std::string user_id;
  std::string conversation_id;
  std::string messages_json = "[]";        // JSON array of {role, content, ...}
  std::string metadata_json = "{}";        // JSON object
  int64_t timestamp = 0;                   // creation, unix seconds
  std::optional<int64_t> updated_at;       // unix seconds
  std::optional<int64_t> expiration_time;  // unix seconds, when TTL is on
};

struct ConversationPage {
  std::vector<Conversation> conversations;  // newest first
  std::optional<std::string> next_token;    // opaque; absent on the last page
};

// One mem0 history event for a memory.
struct HistoryRecord {
  std::string id;  // generated when empty
  std::string memory_id;
  std::optional<std::string> old_memory;
  std::optional<std::string> new_memory;
  std::string event;       // ADD, UPDATE, DELETE
  std::string created_at;  // ISO-8601, as mem0 writes it
  std::optional<std::string> updated_at;
  bool is_deleted = false;
  std::optional<std::string> actor_id;
  std::optional<std::string> role;
};

// What a conversation store holds, by key (each list sorted, no repeats):
// for exports, which then read each key with the calls above.
struct ConversationStoreKeys {
  std::vector<std::string> user_ids;            // users with conversations
  std::vector<std::string> history_memory_ids;  // memories with history records
  std::vector<std::string> message_scopes;      // session scopes with recent messages
};

// Overloads without the trailing arguments supply their defaults (virtual
// functions take no default arguments).
class ConversationStore {
 public:
  virtual ~ConversationStore() = default;

  // Returns the new conversation id: "<user_id>:<unix seconds>:<unique>",
  // sortable by time and never reused.
  virtual Result<std::string> StoreConversation(const std::string& user_id,
                                                const std::string& messages_json,
                                                const std::string& metadata_json) = 0;
  Result<std::string> StoreConversation(const std::string& user_id,
                                        const std::string& messages_json) {
    return StoreConversation(user_id, messages_json, "{}");
  }
  // nullopt when absent or expired.
  virtual Result<std::optional<Conversation>> GetConversation(
      const std::string& user_id, const std::string& conversation_id) = 0;
  // Newest first; `limit` items whenever that many exist.
  virtual Result<ConversationPage> ListConversations(const std::string& user_id, int limit,
                                                     const std::string& page_token) = 0;
  Result<ConversationPage> ListConversations(const std::string& user_id, int limit) {
    return ListConversations(user_id, limit, "");
  }
  // Replaces the messages (and metadata when given); kNotFound when absent.
  virtual Result<void> UpdateConversation(const std::string& user_id,
                                          const std::string& conversation_id,
                                          const std::string& messages_json,
                                          const std::optional<std::string>& metadata_json) = 0;
  // Appends atomically: concurrent appends all land, in some order.
  virtual Result<void> AppendMessages(const std::string& user_id,
                                      const std::string& conversation_id,
                                      const std::string& messages_json) = 0;
  // kNotFound when absent.
  virtual Result<void> DeleteConversation(const std::string& user_id,
                                          const std::string& conversation_id) = 0;
  // Returns how many conversations were deleted.
  virtual Result<int64_t> DeleteAllForUser(const std::string& user_id) = 0;

  // Overflow parts (DynamoDB) of `user_id` that no conversation's head
  // points at: left by a writer killed between writing them and the head.
  // Those older than `min_age` are deleted when `repair` is set; younger ones
  // may belong to a write in flight and are only counted. SQLite keeps no
  // parts: nothing is ever found.
  struct OrphanSweep {
    int64_t orphaned_parts = 0;  // found, of any age
    int64_t deleted_parts = 0;
    int64_t too_recent = 0;  // found but younger than min_age
  };
  virtual Result<OrphanSweep> SweepOrphanedParts(const std::string& user_id, bool repair,
                                                 std::chrono::seconds min_age) = 0;

  // mem0 history API.
  virtual Result<std::string> AddHistory(const HistoryRecord& record) = 0;
  virtual Result<void> BatchAddHistory(const std::vector<HistoryRecord>& records) = 0;
  // Chronological (created_at, then insertion order).
  virtual Result<std::vector<HistoryRecord>> GetHistory(const std::string& memory_id) = 0;
  // Keeps the newest kRecentMessagesKept messages per scope.
  virtual Result<void> SaveMessages(const std::string& session_scope,
                                    const std::string& messages_json) = 0;
  // The newest `limit` messages, oldest first, as a JSON array.
  virtual Result<std::string> GetLastMessages(const std::string& session_scope, int limit) = 0;
  // Drops history records and recent messages (mem0's reset()).
  virtual Result<void> Reset() = 0;

  // For exports and imports (restoring or moving a store):
  // Every key the store holds; expired conversations may still be counted.
  virtual Result<ConversationStoreKeys> ListKeys() = 0;
  // Writes the conversation exactly as given, id, timestamps and expiration
  // included (the store's TTL setting does not restamp it): creates it, or
  // replaces the one with that id. Writing it again changes nothing.
  virtual Result<void> PutConversation(const Conversation& conversation) = 0;
  // Makes the scope's recent messages exactly `messages_json` (at most
  // kRecentMessagesKept; an empty array clears the scope).
  virtual Result<void> ReplaceMessages(const std::string& session_scope,
                                       const std::string& messages_json) = 0;

  static constexpr int kRecentMessagesKept = 10;
};

struct SqliteConfig {
  std::string path;  // empty: ~/.mem0/mem0.db (parent folders are created)
  int busy_timeout_ms = 30000;
  // "normal" (default): WAL with synchronous=NORMAL; a process crash loses
  // nothing, a power loss or OS crash may roll back the last acknowledged
  // writes. "full": every commit is fsynced (durable; writes cost more).
  std::string synchronous = "normal";
  int ttl_days = 0;              // > 0: conversations expire after this many days
  std::shared_ptr<Clock> clock;  // null: SystemClock()
};

// The DynamoDB config of mem0's proposed module, in C++ naming.
struct DynamoDBConversationConfig : dynamodb::ConnectionConfig {
  std::string table_name = "Mem0Conversations";
  bool ttl_enabled = false;
  std::string ttl_attribute = "expiration_time";
  int ttl_days = 30;
  std::shared_ptr<Clock> clock;  // null: SystemClock()
};

Result<std::unique_ptr<ConversationStore>> MakeSqliteConversationStore(const SqliteConfig& config);
Result<std::unique_ptr<ConversationStore>> MakeDynamoDBConversationStore(
    const DynamoDBConversationConfig& config);

}  // namespace mem0::store

#endif  // MEM0_STORE_CONVERSATION_STORE_H_
