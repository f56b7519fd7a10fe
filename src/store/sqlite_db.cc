#include "store/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "mem0/store/sqlite_stats.h"

namespace mem0::store::sqlite {
namespace {

constexpr std::string_view kBusyType = "SQLITE_BUSY";
constexpr std::string_view kConstraintType = "SQLITE_CONSTRAINT";

bool IsBusyCode(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

std::atomic<uint64_t> busy_waits{0};
std::atomic<uint64_t> busy_wait_micros{0};

void BusySleep(std::chrono::microseconds delay) {
  busy_waits.fetch_add(1, std::memory_order_relaxed);
  busy_wait_micros.fetch_add(static_cast<uint64_t>(delay.count()), std::memory_order_relaxed);
  std::this_thread::sleep_for(delay);
}

// SQLite's own busy handler (sqlite3_busy_timeout) with its delay schedule,
// plus counting, so /metrics can show lock contention.
// The timeout in milliseconds travels as the handler's pointer argument.
int CountingBusyHandler(void* timeout_ms, int count) {
  static constexpr int kDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  static constexpr int kSteps = static_cast<int>(std::size(kDelaysMs));
  const int timeout = static_cast<int>(reinterpret_cast<intptr_t>(timeout_ms));
  int delay = count < kSteps ? kDelaysMs[count] : kDelaysMs[kSteps - 1];
  int waited = 0;
  for (int i = 0; i < std::min(count, kSteps); ++i) waited += kDelaysMs[i];
  if (count >= kSteps) waited += (count - kSteps) * kDelaysMs[kSteps - 1];
  if (waited + delay > timeout) {
    delay = timeout - waited;
    if (delay <= 0) return 0;
  }
  BusySleep(std::chrono::milliseconds(delay));
  return 1;
}

}  // namespace

// ---------------------------------------------------------------------------
// Statement

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(other.stmt_),
      cache_in_use_(other.cache_in_use_),
      bind_error_rc_(other.bind_error_rc_),
      bind_error_index_(other.bind_error_index_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (!stmt_) return;
  if (!cache_in_use_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *cache_in_use_ = false;
}

void Statement::RecordBindResult(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_rc_ == SQLITE_OK) {
    bind_error_rc_ = rc;
    bind_error_index_ = index;
  }
}

Statement& Statement::BindInt64(int index, int64_t value) {
  RecordBindResult(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  RecordBindResult(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::BindNull(int index) {
  RecordBindResult(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Statement& Statement::BindOptionalText(int index, const std::optional<std::string>& value) {
  return value ? BindText(index, *value) : BindNull(index);
}

Statement& Statement::BindOptionalInt64(int index, std::optional<int64_t> value) {
  return value ? BindInt64(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (bind_error_rc_ != SQLITE_OK) {
    return db_->SqliteError(bind_error_rc_, "binding parameter " +
                                                std::to_string(bind_error_index_) + " of \"" +
                                                sqlite3_sql(stmt_) + "\"");
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->SqliteError(rc, std::string("running \"") + sqlite3_sql(stmt_) + "\"");
}

Status Statement::Run() {
  while (true) {
    MEM0_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return {};
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!text) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

std::optional<int64_t> Statement::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

// ---------------------------------------------------------------------------
// Database

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  if (options.synchronous != "normal" && options.synchronous != "full") {
    return MakeError(ErrorCode::kInvalidArgument, "synchronous must be \"normal\" or \"full\"");
  }
  sqlite3* handle = nullptr;
  // The caller serializes use of a connection, so SQLite's own mutexes are
  // not needed.
  const int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open SQLite database " + path + ": " +
                          (handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
    sqlite3_close(handle);
    return MakeError(ErrorCode::kStorageError, std::move(message));
  }
  std::unique_ptr<Database> db(new Database(handle, path, options));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_handler(handle, CountingBusyHandler,
                       reinterpret_cast<void*>(static_cast<intptr_t>(options.busy_timeout_ms)));

  // Switching to WAL needs a moment of exclusive access; when several
  // processes create the file at once, one of them may be told "busy".
  auto journal_mode = db->WithBusyRetry([&]() -> Result<std::string> {
    MEM0_ASSIGN_OR_RETURN(Statement pragma, db->Prepare("PRAGMA journal_mode=WAL"));
    MEM0_ASSIGN_OR_RETURN(bool row, pragma.Step());
    return row ? pragma.Text(0) : std::string();
  });
  if (!journal_mode.ok()) return journal_mode.error();
  // In-memory databases cannot use WAL; anything else must.
  if (*journal_mode != "wal" && *journal_mode != "memory") {
    return MakeError(ErrorCode::kStorageError, "SQLite database " + path +
                                                   " stays in journal mode \"" + *journal_mode +
                                                   "\"; WAL is required");
  }
  MEM0_RETURN_IF_ERROR(db->Exec(options.synchronous == "full" ? "PRAGMA synchronous=FULL"
                                                              : "PRAGMA synchronous=NORMAL"));
  if (options.foreign_keys) MEM0_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Database::~Database() {
  for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.stmt);
  // Closing also checkpoints the WAL when this is the last connection.
  sqlite3_close_v2(db_);
}

Result<Statement> Database::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(rc, "preparing \"" + std::string(sql) + "\"");
  }
  if (it != statements_.end()) return Statement(this, stmt, /*cache_in_use=*/nullptr);
  auto slot = statements_.emplace(std::string(sql), CachedStatement{stmt, true}).first;
  return Statement(this, stmt, &slot->second.in_use);
}

Status Database::Exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  Error error = SqliteError(rc, "running \"" + text.substr(0, 200) + "\"");
  sqlite3_free(message);
  return error;
}

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Error Database::SqliteError(int rc, std::string_view context) const {
  // sqlite3_errmsg describes the latest failure on this connection, which
  // is the one being reported (callers build the error right away).
  const char* detail = sqlite3_errcode(db_) == SQLITE_OK ? sqlite3_errstr(rc) : sqlite3_errmsg(db_);
  Error error = MakeError(ErrorCode::kStorageError, "SQLite error " + std::to_string(rc) + " " +
                                                        std::string(context) + " on " + path_ +
                                                        ": " + detail);
  if (IsBusyCode(rc)) {
    error.type = std::string(kBusyType);
    error.retryable = true;
  } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    error.type = std::string(kConstraintType);
  } else {
    error.type = "SQLITE_ERROR";
  }
  return error;
}

bool Database::BackoffBeforeRetry(int attempt, std::chrono::steady_clock::time_point deadline) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline) return false;
  // Full jitter over a cap that doubles from 2 ms to 100 ms, so processes
  // that collided do not collide again in lockstep.
  const int cap_ms = std::min(100, 2 << std::min(attempt, 6));
  auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(1, cap_ms)(rng));
  delay = std::min(delay, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  BusySleep(delay);
  return true;
}

// ---------------------------------------------------------------------------
// Transaction

Result<Transaction> Transaction::Begin(Database& db) {
  MEM0_ASSIGN_OR_RETURN(Statement begin, db.Prepare("BEGIN IMMEDIATE"));
  MEM0_RETURN_IF_ERROR(begin.Run());
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (!db_) return;
  // Nothing useful can be done if ROLLBACK fails (the connection rolls back
  // on its own when a statement's failure already ended the transaction).
  if (!sqlite3_get_autocommit(db_->handle())) {
    if (auto rollback = db_->Prepare("ROLLBACK"); rollback.ok()) (void)rollback->Run();
  }
}

Status Transaction::Commit() {
  MEM0_ASSIGN_OR_RETURN(Statement commit, db_->Prepare("COMMIT"));
  MEM0_RETURN_IF_ERROR(commit.Run());
  db_ = nullptr;
  return {};
}

bool IsBusy(const Error& error) {
  return error.code == ErrorCode::kStorageError && error.retryable && error.type == kBusyType;
}

bool IsConstraintViolation(const Error& error) {
  return error.code == ErrorCode::kStorageError && error.type == kConstraintType;
}

// ---------------------------------------------------------------------------
// Migrations

namespace {

// The component's version, or 0 when it (or the version table) is missing.
Result<int64_t> ReadSchemaVersion(Database& db, std::string_view component) {
  MEM0_ASSIGN_OR_RETURN(Statement exists,
                        db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                   "name = 'schema_version'"));
  MEM0_ASSIGN_OR_RETURN(bool has_table, exists.Step());
  if (!has_table) return int64_t{0};
  MEM0_ASSIGN_OR_RETURN(Statement select,
                        db.Prepare("SELECT version FROM schema_version WHERE component = ?1"));
  select.BindText(1, component);
  MEM0_ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? select.Int64(0) : int64_t{0};
}

}  // namespace

Status Migrate(Database& db, std::string_view component,
               const std::vector<std::string_view>& migrations) {
  const auto latest = static_cast<int64_t>(migrations.size());
  auto check_newer = [&](int64_t version) -> Status {
    if (version <= latest) return {};
    return MakeError(ErrorCode::kStorageError,
                     "SQLite database " + db.path() + " has " + std::string(component) +
                         " schema version " + std::to_string(version) +
                         ", newer than this build supports (" + std::to_string(latest) + ")");
  };
  // Fast path without the write lock: most opens find the schema current.
  MEM0_ASSIGN_OR_RETURN(int64_t seen,
                        db.WithBusyRetry([&] { return ReadSchemaVersion(db, component); }));
  MEM0_RETURN_IF_ERROR(check_newer(seen));
  if (seen == latest) return {};

  return db.InTransaction([&]() -> Status {
    MEM0_RETURN_IF_ERROR(
        db.Exec("CREATE TABLE IF NOT EXISTS schema_version ("
                "component TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
    // Another process may have migrated since the fast path looked.
    MEM0_ASSIGN_OR_RETURN(int64_t version, ReadSchemaVersion(db, component));
    MEM0_RETURN_IF_ERROR(check_newer(version));
    if (version == latest) return {};
    for (int64_t next = version; next < latest; ++next) {
      MEM0_RETURN_IF_ERROR(db.Exec(migrations[static_cast<size_t>(next)]));
    }
    MEM0_ASSIGN_OR_RETURN(Statement record,
                          db.Prepare("INSERT INTO schema_version (component, version) "
                                     "VALUES (?1, ?2) ON CONFLICT (component) "
                                     "DO UPDATE SET version = excluded.version"));
    record.BindText(1, component).BindInt64(2, latest);
    return record.Run();
  });
}

Result<std::string> PrepareDatabasePath(const std::string& path) {
  std::string resolved = path;
  if (resolved.empty()) {
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
      return MakeError(ErrorCode::kStorageError,
                       "HOME is not set; give the SQLite config a path for the mem0 database");
    }
    resolved = (std::filesystem::path(home) / ".mem0" / "mem0.db").string();
  }
  if (resolved == ":memory:") return resolved;
  // Memories are private: folders we create are 0700 and a new database file
  // 0600 whatever the umask (SQLite gives its -wal and -shm files the
  // database file's mode). Existing folders and files keep theirs.
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(resolved).parent_path()) {
    partial /= part;
    if (mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return MakeError(ErrorCode::kStorageError,
                       "cannot create " + partial.string() + ": " + std::strerror(errno));
    }
  }
  const int fd = open(resolved.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    close(fd);
  } else if (errno != EEXIST) {
    return MakeError(ErrorCode::kStorageError,
                     "cannot create " + resolved + ": " + std::strerror(errno));
  }
  return resolved;
}

}  // namespace mem0::store::sqlite

namespace mem0::store {
SqliteBusyStats ProcessSqliteBusyStats() {
  return {sqlite::busy_waits.load(std::memory_order_relaxed),
          static_cast<double>(sqlite::busy_wait_micros.load(std::memory_order_relaxed)) / 1e6};
}
}  // namespace mem0::store
