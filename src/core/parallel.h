// A bounded fan-out for independent I/O tasks (batch chunks, graph levels).
#ifndef MEM0_SRC_CORE_PARALLEL_H_
#define MEM0_SRC_CORE_PARALLEL_H_

#include <functional>
#include <vector>

#include "mem0/core/result.h"

namespace mem0 {

// Runs `tasks` on up to `max_parallel` threads (the caller's included) and
// returns the first error, if any; every task runs even after an error.
Result<void> RunParallel(std::vector<std::function<Result<void>()>> tasks, size_t max_parallel);

}  // namespace mem0

#endif  // MEM0_SRC_CORE_PARALLEL_H_
