// Random (version 4) UUIDs from OpenSSL's CSPRNG: node ids, conversation id
// suffixes, transaction idempotency tokens.
#ifndef MEM0_SRC_CORE_UUID_H_
#define MEM0_SRC_CORE_UUID_H_

#include <string>

namespace mem0 {

std::string NewUuid();

}  // namespace mem0

#endif  // MEM0_SRC_CORE_UUID_H_
