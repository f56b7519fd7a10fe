// Digests used across layers (SigV4, ids, content hashes).
#ifndef MEM0_SRC_CORE_HASH_H_
#define MEM0_SRC_CORE_HASH_H_

#include <string>
#include <string_view>

namespace mem0 {

// Lower-case hex of the bytes.
std::string HexEncode(std::string_view bytes);
// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Lower-case hex MD5 of `data` (mem0's memory `hash` field).
std::string Md5Hex(std::string_view data);

}  // namespace mem0

#endif  // MEM0_SRC_CORE_HASH_H_
