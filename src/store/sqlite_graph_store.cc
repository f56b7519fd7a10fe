// Placeholder until the SQLite graph engine lands (in progress).
#include "mem0/graph_store.h"

namespace mem0 {

Result<std::unique_ptr<GraphStore>> MakeSqliteGraphStore(const SqliteGraphConfig&) {
  return MakeError(ErrorCode::kInternal, "SQLite graph store not built yet");
}

}  // namespace mem0
