// ConversationStore on an embedded SQLite file (default ~/.mem0/mem0.db).
//
// Behaves like the DynamoDB engine (one conformance suite runs against
// both): same validation, ids, page tokens, TTL rules and errors. Every write
// is one IMMEDIATE transaction, so appends are atomic and processes sharing
// the file never see "database is locked" (see sqlite_db.h). One connection
// per store, serialized by a mutex, serves all threads.
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "core/uuid.h"
#include "mem0/store/conversation_store.h"
#include "store/bounded_json.h"
#include "store/checked_store.h"
#include "store/conversation_common.h"
#include "store/sqlite_db.h"

namespace mem0::store {
namespace {

using Json = nlohmann::json;
using sqlite::Database;
using sqlite::Statement;

constexpr int64_t kSecondsPerDay = 86400;

// Schema of the "conversations" component, one entry per version.
constexpr std::string_view kMigrationV1 = R"sql(
CREATE TABLE conversations (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  messages TEXT NOT NULL,
  metadata TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  updated_at INTEGER,
  expiration_time INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;
-- Lets the purge of expired conversations at open skip live ones.
CREATE INDEX conversations_by_expiration ON conversations (expiration_time)
  WHERE expiration_time IS NOT NULL;
CREATE TABLE history (
  id TEXT PRIMARY KEY,
  memory_id TEXT NOT NULL,
  old_memory TEXT,
  new_memory TEXT,
  event TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT,
  is_deleted INTEGER NOT NULL DEFAULT 0,
  actor_id TEXT,
  role TEXT,
  seq INTEGER NOT NULL
);
CREATE INDEX history_by_memory ON history (memory_id, created_at, seq);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_scope TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX messages_by_scope ON messages (session_scope, id);
)sql";

constexpr std::string_view kConversationColumns =
    "user_id, conversation_id, messages, metadata, timestamp, updated_at, expiration_time";

// Reads a row selected with kConversationColumns.
Conversation ConversationFromRow(const Statement& row) {
  Conversation conversation;
  conversation.user_id = row.Text(0);
  conversation.conversation_id = row.Text(1);
  conversation.messages_json = row.Text(2);
  conversation.metadata_json = row.Text(3);
  conversation.timestamp = row.Int64(4);
  conversation.updated_at = row.OptionalInt64(5);
  conversation.expiration_time = row.OptionalInt64(6);
  return conversation;
}

std::string IsoTimestamp(int64_t unix_seconds) {
  const std::time_t seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

Status CheckConversationSize(const std::string& messages, const std::string& metadata) {
  if (messages.size() + metadata.size() <= kMaxConversationBytes) return {};
  return MakeError(ErrorCode::kInvalidArgument,
                   "messages + metadata are " + std::to_string(messages.size() + metadata.size()) +
                       " bytes; the limit is " + std::to_string(kMaxConversationBytes));
}

class SqliteConversationStore final : public ConversationStore {
 public:
  SqliteConversationStore(SqliteConfig config, std::unique_ptr<Database> db)
      : config_(std::move(config)),
        clock_(config_.clock ? config_.clock : SystemClock()),
        db_(std::move(db)) {}

  // Drops conversations whose TTL has passed, as DynamoDB's TTL sweeper
  // would; reads already hide them, this only reclaims the space.
  Status PurgeExpired() {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(Statement purge,
                            db_->Prepare("DELETE FROM conversations WHERE expiration_time IS NOT "
                                         "NULL AND expiration_time <= ?1"));
      purge.BindInt64(1, UnixSeconds(*clock_));
      return purge.Run();
    });
  }

  Result<std::string> StoreConversation(const std::string& user_id,
                                        const std::string& messages_json,
                                        const std::string& metadata_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseMetadata(metadata_json));
    // Stored normalized, as the DynamoDB engine does, so reads agree.
    const std::string messages_text = messages.dump();
    const std::string metadata_text = metadata.dump();
    MEM0_RETURN_IF_ERROR(CheckConversationSize(messages_text, metadata_text));
    const int64_t now = UnixSeconds(*clock_);
    const std::string id = NewConversationId(user_id, clock_->Now());

    std::lock_guard<std::mutex> lock(mu_);
    MEM0_RETURN_IF_ERROR(db_->InTransaction([&]() -> Status {
      // INSERT, never REPLACE: an id collision must not overwrite.
      MEM0_ASSIGN_OR_RETURN(
          Statement insert,
          db_->Prepare("INSERT INTO conversations (user_id, conversation_id, messages, metadata, "
                       "timestamp, updated_at, expiration_time, version) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, 1)"));
      insert.BindText(1, user_id)
          .BindText(2, id)
          .BindText(3, messages_text)
          .BindText(4, metadata_text)
          .BindInt64(5, now)
          .BindOptionalInt64(6, ExpirationFrom(now));
      auto inserted = insert.Run();
      if (!inserted.ok() && sqlite::IsConstraintViolation(inserted.error())) {
        return MakeError(ErrorCode::kInternal, "conversation id collision");
      }
      return inserted;
    }));
    return id;
  }

  Result<std::optional<Conversation>> GetConversation(const std::string& user_id,
                                                      const std::string& conversation_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->WithBusyRetry([&]() -> Result<std::optional<Conversation>> {
      MEM0_ASSIGN_OR_RETURN(
          Statement select,
          db_->Prepare("SELECT " + std::string(kConversationColumns) +
                       " FROM conversations WHERE user_id = ?1 AND conversation_id = ?2 AND "
                       "(expiration_time IS NULL OR expiration_time > ?3)"));
      select.BindText(1, user_id).BindText(2, conversation_id).BindInt64(3, UnixSeconds(*clock_));
      MEM0_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) return std::optional<Conversation>();
      return std::optional<Conversation>(ConversationFromRow(select));
    });
  }

  Result<ConversationPage> ListConversations(const std::string& user_id, int limit,
                                             const std::string& page_token) override {
    std::optional<std::string> after;
    if (!page_token.empty()) {
      MEM0_ASSIGN_OR_RETURN(after, DecodePageToken(user_id, page_token));
    }
    // Two statements rather than "?3 IS NULL OR ...", so later pages seek
    // straight to their start in the primary key instead of scanning to it.
    std::string sql = "SELECT " + std::string(kConversationColumns) +
                      " FROM conversations WHERE user_id = ?1 AND "
                      "(expiration_time IS NULL OR expiration_time > ?2)";
    if (after) sql += " AND conversation_id < ?4";
    sql += " ORDER BY conversation_id DESC LIMIT ?3";

    std::lock_guard<std::mutex> lock(mu_);
    return db_->WithBusyRetry([&]() -> Result<ConversationPage> {
      MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(sql));
      // One row past the page tells whether another page follows.
      select.BindText(1, user_id).BindInt64(2, UnixSeconds(*clock_)).BindInt64(3, limit + 1);
      if (after) select.BindText(4, *after);
      ConversationPage page;
      bool more = false;
      while (true) {
        MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) break;
        if (static_cast<int>(page.conversations.size()) == limit) {
          more = true;
          break;
        }
        page.conversations.push_back(ConversationFromRow(select));
      }
      if (more) {
        page.next_token = EncodePageToken(user_id, page.conversations.back().conversation_id);
      }
      return page;
    });
  }

  Result<void> UpdateConversation(const std::string& user_id, const std::string& conversation_id,
                                  const std::string& messages_json,
                                  const std::optional<std::string>& metadata_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    std::optional<std::string> metadata_text;
    if (metadata_json) {
      MEM0_ASSIGN_OR_RETURN(Json metadata, ParseMetadata(*metadata_json));
      metadata_text = metadata.dump();
    }
    const std::string messages_text = messages.dump();
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(auto current, ReadLiveBody(user_id, conversation_id));
      if (!current) return NotFound(conversation_id);
      return WriteBody(user_id, conversation_id, messages_text,
                       metadata_text ? *metadata_text : current->metadata);
    });
  }

  Result<void> AppendMessages(const std::string& user_id, const std::string& conversation_id,
                              const std::string& messages_json) override {
    MEM0_ASSIGN_OR_RETURN(Json appended, ParseMessages(messages_json));
    std::lock_guard<std::mutex> lock(mu_);
    // Read and write in one IMMEDIATE transaction: no other writer, in this
    // process or another, can slip in between.
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(auto current, ReadLiveBody(user_id, conversation_id));
      if (!current) return NotFound(conversation_id);
      Json messages = ParseBoundedJson(current->messages);
      if (!messages.is_array()) {
        return MakeError(ErrorCode::kStorageError, "stored messages of conversation " +
                                                       conversation_id + " are not a JSON array");
      }
      for (const auto& message : appended) messages.push_back(message);
      return WriteBody(user_id, conversation_id, messages.dump(), current->metadata);
    });
  }

  Result<void> DeleteConversation(const std::string& user_id,
                                  const std::string& conversation_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      // An expired conversation counts as absent (and is left to the purge).
      MEM0_ASSIGN_OR_RETURN(Statement del,
                            db_->Prepare("DELETE FROM conversations WHERE user_id = ?1 AND "
                                         "conversation_id = ?2 AND (expiration_time IS NULL OR "
                                         "expiration_time > ?3)"));
      del.BindText(1, user_id).BindText(2, conversation_id).BindInt64(3, UnixSeconds(*clock_));
      MEM0_RETURN_IF_ERROR(del.Run());
      if (db_->Changes() == 0) return NotFound(conversation_id);
      return {};
    });
  }

  Result<OrphanSweep> SweepOrphanedParts(const std::string&, bool, std::chrono::seconds) override {
    return OrphanSweep{};  // conversations are single rows: no parts to orphan
  }

  Result<int64_t> DeleteAllForUser(const std::string& user_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Result<int64_t> {
      // Expired rows go too, but only live conversations are counted: the
      // others were already gone as far as callers could tell.
      MEM0_ASSIGN_OR_RETURN(Statement count,
                            db_->Prepare("SELECT COUNT(*) FROM conversations WHERE user_id = ?1 "
                                         "AND (expiration_time IS NULL OR expiration_time > ?2)"));
      count.BindText(1, user_id).BindInt64(2, UnixSeconds(*clock_));
      MEM0_ASSIGN_OR_RETURN(bool row, count.Step());
      const int64_t live = row ? count.Int64(0) : 0;
      MEM0_ASSIGN_OR_RETURN(Statement del,
                            db_->Prepare("DELETE FROM conversations WHERE user_id = ?1"));
      del.BindText(1, user_id);
      MEM0_RETURN_IF_ERROR(del.Run());
      return live;
    });
  }

  Result<std::string> AddHistory(const HistoryRecord& record) override {
    std::lock_guard<std::mutex> lock(mu_);
    MEM0_RETURN_IF_ERROR(db_->InTransaction([&] { return InsertHistory(record); }));
    return record.id;
  }

  Result<void> BatchAddHistory(const std::vector<HistoryRecord>& records) override {
    if (records.empty()) return {};
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      for (const auto& record : records) MEM0_RETURN_IF_ERROR(InsertHistory(record));
      return {};
    });
  }

  Result<std::vector<HistoryRecord>> GetHistory(const std::string& memory_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->WithBusyRetry([&]() -> Result<std::vector<HistoryRecord>> {
      MEM0_ASSIGN_OR_RETURN(
          Statement select,
          db_->Prepare("SELECT id, memory_id, old_memory, new_memory, event, created_at, "
                       "updated_at, is_deleted, actor_id, role FROM history "
                       "WHERE memory_id = ?1 ORDER BY created_at, seq"));
      select.BindText(1, memory_id);
      std::vector<HistoryRecord> records;
      while (true) {
        MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) break;
        HistoryRecord record;
        record.id = select.Text(0);
        record.memory_id = select.Text(1);
        record.old_memory = select.OptionalText(2);
        record.new_memory = select.OptionalText(3);
        record.event = select.Text(4);
        record.created_at = select.Text(5);
        record.updated_at = select.OptionalText(6);
        record.is_deleted = select.Int64(7) != 0;
        record.actor_id = select.OptionalText(8);
        record.role = select.OptionalText(9);
        records.push_back(std::move(record));
      }
      return records;
    });
  }

  Result<void> SaveMessages(const std::string& session_scope,
                            const std::string& messages_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    MEM0_RETURN_IF_ERROR(CheckRecentMessageSizes(messages));
    const std::string created_at = IsoTimestamp(UnixSeconds(*clock_));
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_RETURN_IF_ERROR(InsertMessagesLocked(session_scope, messages, created_at));
      // Everything older than the newest kRecentMessagesKept goes, in the
      // same transaction, so readers never see more than that.
      MEM0_ASSIGN_OR_RETURN(
          Statement trim,
          db_->Prepare("DELETE FROM messages WHERE session_scope = ?1 AND id < (SELECT id FROM "
                       "messages WHERE session_scope = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)"));
      trim.BindText(1, session_scope).BindInt64(2, kRecentMessagesKept - 1);
      return trim.Run();
    });
  }

  Result<std::string> GetLastMessages(const std::string& session_scope, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->WithBusyRetry([&]() -> Result<std::string> {
      MEM0_ASSIGN_OR_RETURN(Statement select,
                            db_->Prepare("SELECT message, role, content FROM messages WHERE "
                                         "session_scope = ?1 ORDER BY id DESC LIMIT ?2"));
      select.BindText(1, session_scope).BindInt64(2, limit);
      std::vector<Json> newest_first;
      while (true) {
        MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) break;
        Json message = ParseBoundedJson(select.Text(0));
        if (!message.is_object()) {
          message = {{"role", select.Text(1)}, {"content", select.Text(2)}};
        }
        newest_first.push_back(std::move(message));
      }
      Json out = Json::array();
      for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
        out.push_back(std::move(*it));
      }
      return out.dump();
    });
  }

  Result<void> Reset() override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_RETURN_IF_ERROR(db_->Exec("DELETE FROM history"));
      return db_->Exec("DELETE FROM messages");
    });
  }

  Result<ConversationStoreKeys> ListKeys() override {
    std::lock_guard<std::mutex> lock(mu_);
    return db_->WithBusyRetry([&]() -> Result<ConversationStoreKeys> {
      ConversationStoreKeys keys;
      auto column = [&](const char* sql, std::vector<std::string>& out) -> Status {
        out.clear();
        MEM0_ASSIGN_OR_RETURN(Statement select, db_->Prepare(sql));
        while (true) {
          MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
          if (!row) return {};
          out.push_back(select.Text(0));
        }
      };
      MEM0_RETURN_IF_ERROR(
          column("SELECT DISTINCT user_id FROM conversations ORDER BY user_id", keys.user_ids));
      MEM0_RETURN_IF_ERROR(column("SELECT DISTINCT memory_id FROM history ORDER BY memory_id",
                                  keys.history_memory_ids));
      MEM0_RETURN_IF_ERROR(
          column("SELECT DISTINCT session_scope FROM messages ORDER BY session_scope",
                 keys.message_scopes));
      return keys;
    });
  }

  Result<void> PutConversation(const Conversation& conversation) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(conversation.messages_json));
    MEM0_ASSIGN_OR_RETURN(Json metadata, ParseMetadata(conversation.metadata_json));
    const std::string messages_text = messages.dump();
    const std::string metadata_text = metadata.dump();
    MEM0_RETURN_IF_ERROR(CheckConversationSize(messages_text, metadata_text));
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(
          Statement upsert,
          db_->Prepare("INSERT INTO conversations (user_id, conversation_id, messages, metadata, "
                       "timestamp, updated_at, expiration_time, version) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1) "
                       "ON CONFLICT (user_id, conversation_id) DO UPDATE SET messages = ?3, "
                       "metadata = ?4, timestamp = ?5, updated_at = ?6, expiration_time = ?7, "
                       "version = version + 1"));
      upsert.BindText(1, conversation.user_id)
          .BindText(2, conversation.conversation_id)
          .BindText(3, messages_text)
          .BindText(4, metadata_text)
          .BindInt64(5, conversation.timestamp)
          .BindOptionalInt64(6, conversation.updated_at)
          .BindOptionalInt64(7, conversation.expiration_time);
      return upsert.Run();
    });
  }

  Result<void> ReplaceMessages(const std::string& session_scope,
                               const std::string& messages_json) override {
    MEM0_ASSIGN_OR_RETURN(Json messages, ParseMessages(messages_json));
    const std::string created_at = IsoTimestamp(UnixSeconds(*clock_));
    std::lock_guard<std::mutex> lock(mu_);
    return db_->InTransaction([&]() -> Status {
      MEM0_ASSIGN_OR_RETURN(Statement clear,
                            db_->Prepare("DELETE FROM messages WHERE session_scope = ?1"));
      MEM0_RETURN_IF_ERROR(clear.BindText(1, session_scope).Run());
      MEM0_RETURN_IF_ERROR(InsertMessagesLocked(session_scope, messages, created_at));
      return {};
    });
  }

 private:
  Status InsertMessagesLocked(const std::string& session_scope, const Json& messages,
                              const std::string& created_at) {
    for (const auto& message : messages) {
      MEM0_ASSIGN_OR_RETURN(Statement insert,
                            db_->Prepare("INSERT INTO messages (session_scope, role, content, "
                                         "message, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
      insert.BindText(1, session_scope)
          .BindText(2, message["role"].get_ref<const std::string&>())
          .BindText(3, message["content"].get_ref<const std::string&>())
          .BindText(4, message.dump())
          .BindText(5, created_at);
      MEM0_RETURN_IF_ERROR(insert.Run());
    }
    return {};
  }

  struct StoredBody {
    std::string messages;
    std::string metadata;
  };

  static Error NotFound(const std::string& conversation_id) {
    return MakeError(ErrorCode::kNotFound, "conversation " + conversation_id + " not found");
  }

  // now + TTL when TTL is on.
  std::optional<int64_t> ExpirationFrom(int64_t now) const {
    if (config_.ttl_days <= 0) return std::nullopt;
    return now + static_cast<int64_t>(config_.ttl_days) * kSecondsPerDay;
  }

  // The body of a live (present, unexpired) conversation; nullopt otherwise.
  // Call inside a transaction.
  Result<std::optional<StoredBody>> ReadLiveBody(const std::string& user_id,
                                                 const std::string& conversation_id) {
    MEM0_ASSIGN_OR_RETURN(Statement select,
                          db_->Prepare("SELECT messages, metadata FROM conversations WHERE "
                                       "user_id = ?1 AND conversation_id = ?2 AND "
                                       "(expiration_time IS NULL OR expiration_time > ?3)"));
    select.BindText(1, user_id).BindText(2, conversation_id).BindInt64(3, UnixSeconds(*clock_));
    MEM0_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return std::optional<StoredBody>();
    return std::optional<StoredBody>(StoredBody{select.Text(0), select.Text(1)});
  }

  // Replaces the body of an existing conversation, stamping updated_at and,
  // with TTL on, a fresh expiration (without TTL the old one stays, as in
  // the DynamoDB engine). Call inside a transaction.
  Status WriteBody(const std::string& user_id, const std::string& conversation_id,
                   const std::string& messages, const std::string& metadata) {
    MEM0_RETURN_IF_ERROR(CheckConversationSize(messages, metadata));
    const int64_t now = UnixSeconds(*clock_);
    MEM0_ASSIGN_OR_RETURN(
        Statement update,
        db_->Prepare("UPDATE conversations SET messages = ?3, metadata = ?4, updated_at = ?5, "
                     "expiration_time = COALESCE(?6, expiration_time), version = version + 1 "
                     "WHERE user_id = ?1 AND conversation_id = ?2"));
    update.BindText(1, user_id)
        .BindText(2, conversation_id)
        .BindText(3, messages)
        .BindText(4, metadata)
        .BindInt64(5, now)
        .BindOptionalInt64(6, ExpirationFrom(now));
    return update.Run();
  }

  // seq orders records with equal created_at by insertion, across
  // processes too: it is computed under the write lock.
  Status InsertHistory(const HistoryRecord& record) {
    MEM0_ASSIGN_OR_RETURN(
        Statement insert,
        db_->Prepare("INSERT INTO history (id, memory_id, old_memory, new_memory, event, "
                     "created_at, updated_at, is_deleted, actor_id, role, seq) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                     "(SELECT COALESCE(MAX(seq), 0) + 1 FROM history "
                     "WHERE memory_id = ?2 AND created_at = ?6))"));
    insert.BindText(1, record.id)
        .BindText(2, record.memory_id)
        .BindOptionalText(3, record.old_memory)
        .BindOptionalText(4, record.new_memory)
        .BindText(5, record.event)
        .BindText(6, record.created_at)
        .BindOptionalText(7, record.updated_at)
        .BindInt64(8, record.is_deleted ? 1 : 0)
        .BindOptionalText(9, record.actor_id)
        .BindOptionalText(10, record.role);
    auto inserted = insert.Run();
    // The only constraint a validated record can break is the unique id.
    if (!inserted.ok() && sqlite::IsConstraintViolation(inserted.error())) {
      Error error = std::move(inserted).error();
      error.code = ErrorCode::kAlreadyExists;
      error.message = "history record " + record.id + " already exists (" + error.message + ")";
      return error;
    }
    return inserted;
  }

  const SqliteConfig config_;
  const std::shared_ptr<Clock> clock_;
  std::mutex mu_;  // guards db_: one connection serves all threads
  const std::unique_ptr<Database> db_;
};

}  // namespace

Result<std::unique_ptr<ConversationStore>> MakeSqliteConversationStore(const SqliteConfig& config) {
  if (config.busy_timeout_ms < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "busy_timeout_ms must not be negative");
  }
  if (config.ttl_days < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "ttl_days must not be negative");
  }
  MEM0_ASSIGN_OR_RETURN(std::string path, store::sqlite::PrepareDatabasePath(config.path));
  store::sqlite::DatabaseOptions options;
  options.busy_timeout_ms = config.busy_timeout_ms;
  options.synchronous = config.synchronous;
  MEM0_ASSIGN_OR_RETURN(auto db, store::sqlite::Database::Open(path, options));
  MEM0_RETURN_IF_ERROR(store::sqlite::Migrate(*db, "conversations", {store::kMigrationV1}));
  SqliteConfig resolved = config;
  resolved.path = path;
  auto conversation_store =
      std::make_unique<SqliteConversationStore>(std::move(resolved), std::move(db));
  MEM0_RETURN_IF_ERROR(conversation_store->PurgeExpired());
  return WithChecks(std::move(conversation_store));
}

}  // namespace mem0::store
