// Process-wide figures of the SQLite engine, for metrics exporters: how often
// a connection waited for another connection's lock, and for how long.
//
// Thread-safety: safe to call from any thread at any time.
#ifndef MEM0_STORE_SQLITE_STATS_H_
#define MEM0_STORE_SQLITE_STATS_H_

#include <cstdint>

namespace mem0::store {

struct SqliteBusyStats {
  uint64_t waits = 0;       // sleeps while the database was locked
  double wait_seconds = 0;  // their total length
};

SqliteBusyStats ProcessSqliteBusyStats();

}  // namespace mem0::store

#endif  // MEM0_STORE_SQLITE_STATS_H_
