// Random (version 4) UUIDs from OpenSSL's CSPRNG: node ids, conversation id
// suffixes, transaction idempotency tokens.
#ifndef MEM0_SRC_CORE_UUID_H_
#define MEM0_SRC_CORE_UUID_H_

#include <string>

#include "mem0/core/result.h"

namespace mem0 {

// A UUID from the CSPRNG, or kInternal if OpenSSL cannot produce random
// bytes (it fails only when the operating system cannot seed it).
Result<std::string> NewRandomUuid();

// Never fails or throws: if the CSPRNG fails, a UUID mixed from the clocks,
// the process and thread ids and a counter, unique but not unpredictable.
// Ids need uniqueness only; use NewRandomUuid where a failure must show.
std::string NewUuid();

}  // namespace mem0

#endif  // MEM0_SRC_CORE_UUID_H_
