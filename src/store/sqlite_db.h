// A small RAII layer over SQLite for the SQLite-backed stores: a connection
// opened in WAL mode with a busy timeout, a prepared statement cache,
// IMMEDIATE transactions that are re-run on SQLITE_BUSY / SQLITE_LOCKED with
// jittered backoff, and numbered schema migrations per component.
//
// Why the retry loop on top of the busy timeout: SQLite's busy handler does
// not cover every contended case (e.g. switching to WAL while another process
// creates the file, or WAL recovery), so a whole transaction is re-run until
// the same deadline instead of surfacing "database is locked".
//
// Thread-safety: a Database is one connection and is not safe for concurrent
// use; callers serialize access (a mutex, or one Database per thread).
// Several Database objects, in one process or many, may share one file.
#ifndef MEM0_SRC_STORE_SQLITE_DB_H_
#define MEM0_SRC_STORE_SQLITE_DB_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mem0/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mem0::store::sqlite {

struct DatabaseOptions {
  // How long a write waits for other connections (busy handler and the
  // transaction retry loop share this deadline).
  int busy_timeout_ms = 30000;
  bool foreign_keys = true;
  // "normal" or "full" (PRAGMA synchronous); anything else is refused.
  std::string synchronous = "normal";
};

class Database;

// A prepared statement borrowed from a Database. Destroying it resets the
// statement (ending its implicit read transaction) and returns it to the
// cache. Must not outlive its Database. Bind indexes are 1-based and column
// indexes 0-based, as in the SQLite C API.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& BindInt64(int index, int64_t value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindNull(int index);
  // NULL when absent.
  Statement& BindOptionalText(int index, const std::optional<std::string>& value);
  Statement& BindOptionalInt64(int index, std::optional<int64_t> value);

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows (or whose rows do not matter).
  Status Run();

  bool IsNull(int column) const;
  int64_t Int64(int column) const;
  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  std::optional<int64_t> OptionalInt64(int column) const;

 private:
  friend class Database;
  // `cache_in_use` is the cache slot's flag, or null for a private copy.
  Statement(Database* db, sqlite3_stmt* stmt, bool* cache_in_use)
      : db_(db), stmt_(stmt), cache_in_use_(cache_in_use) {}
  void RecordBindResult(int rc, int index);

  Database* db_;
  sqlite3_stmt* stmt_;
  bool* cache_in_use_;
  int bind_error_rc_ = 0;  // first failed bind, reported by Step
  int bind_error_index_ = 0;
};

class Database {
 public:
  // Opens (creating when missing) the database file at `path` with WAL
  // journaling, synchronous=NORMAL, the busy timeout and foreign keys.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Compiles `sql` once and reuses it; a statement already borrowed (nested
  // use of the same SQL) gets a private copy instead.
  Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements without parameters or results.
  Status Exec(std::string_view sql);

  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  int64_t Changes() const;

  // Runs `attempt` again while it fails with SQLITE_BUSY / SQLITE_LOCKED,
  // sleeping a jittered, growing delay, until the busy timeout has passed.
  // `attempt` returns Status or Result<T>.
  template <typename Fn>
  auto WithBusyRetry(Fn&& attempt) -> decltype(attempt());

  // Runs `body` in BEGIN IMMEDIATE ... COMMIT (so the write lock is taken up
  // front and the transaction can never fail to upgrade a read lock). Rolls
  // back when `body` returns an error. On SQLITE_BUSY / SQLITE_LOCKED the
  // whole transaction is rolled back and run again, so `body` must only have
  // effects on this database. Transactions do not nest.
  template <typename Fn>
  auto InTransaction(Fn&& body) -> decltype(body());

  // kStorageError carrying `context`, sqlite3_errmsg and the result code;
  // retryable (and recognised by IsBusy) for SQLITE_BUSY / SQLITE_LOCKED,
  // recognised by IsConstraintViolation for SQLITE_CONSTRAINT.
  Error SqliteError(int rc, std::string_view context) const;

  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  friend class Statement;

  Database(sqlite3* db, std::string path, DatabaseOptions options)
      : db_(db), path_(std::move(path)), options_(options) {}
  // Sleeps before the next busy retry; false once the deadline has passed.
  bool BackoffBeforeRetry(int attempt, std::chrono::steady_clock::time_point deadline);

  sqlite3* db_;
  const std::string path_;
  const DatabaseOptions options_;
  std::map<std::string, CachedStatement, std::less<>> statements_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless committed.
// Prefer Database::InTransaction, which also retries when the database is
// busy.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed or rolled back
};

// `path`, or ~/.mem0/mem0.db when empty, with its parent folders created
// (":memory:" is returned as is).
Result<std::string> PrepareDatabasePath(const std::string& path);

// True for errors from SQLITE_BUSY / SQLITE_LOCKED (worth retrying).
bool IsBusy(const Error& error);
// True for errors from SQLITE_CONSTRAINT (UNIQUE, PRIMARY KEY, NOT NULL, ...).
bool IsConstraintViolation(const Error& error);

// Brings `component`'s schema (recorded in the shared schema_version table)
// up to migrations.size(): migrations[i] is the SQL taking it to version
// i + 1. Pending migrations run in one IMMEDIATE transaction that re-reads
// the version first, so processes opening the file at once apply each
// migration exactly once. Fails when the file is newer than `migrations`.
Status Migrate(Database& db, std::string_view component,
               const std::vector<std::string_view>& migrations);

// ---------------------------------------------------------------------------
// Template definitions.

template <typename Fn>
auto Database::WithBusyRetry(Fn&& attempt) -> decltype(attempt()) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
  for (int retry = 0;; ++retry) {
    auto result = attempt();
    if (result.ok() || !IsBusy(result.error()) || !BackoffBeforeRetry(retry, deadline)) {
      return result;
    }
  }
}

template <typename Fn>
auto Database::InTransaction(Fn&& body) -> decltype(body()) {
  using ResultType = decltype(body());
  return WithBusyRetry([&]() -> ResultType {
    MEM0_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*this));
    ResultType result = body();
    if (!result.ok()) return result;  // `transaction` rolls back
    MEM0_RETURN_IF_ERROR(transaction.Commit());
    return result;
  });
}

}  // namespace mem0::store::sqlite

#endif  // MEM0_SRC_STORE_SQLITE_DB_H_
