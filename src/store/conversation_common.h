// Validation and encodings shared by the conversation store engines, so both
// accept and reject exactly the same input.
#ifndef MEM0_SRC_STORE_CONVERSATION_COMMON_H_
#define MEM0_SRC_STORE_CONVERSATION_COMMON_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/hash.h"
#include "mem0/store/conversation_store.h"

namespace mem0::store {

// DynamoDB's key size limits, applied by every engine.
inline constexpr size_t kMaxPartitionKeyBytes = 2048;
inline constexpr size_t kMaxSortKeyBytes = 1024;

Status ValidateKey(std::string_view field, const std::string& value, size_t max_bytes);
Status ValidateUserId(const std::string& user_id);
Status ValidateConversationId(const std::string& conversation_id);
// Parses and checks: a JSON array of objects with string "role" and "content".
Result<nlohmann::json> ParseMessages(const std::string& messages_json);
// Parses and checks: a JSON object.
Result<nlohmann::json> ParseMetadata(const std::string& metadata_json);
// Messages plus metadata of one conversation, on every engine.
inline constexpr size_t kMaxConversationBytes = 64u << 20;

// A history record or recent message is stored as one DynamoDB item.
inline constexpr size_t kMaxRecordTextBytes = 350 * 1024;
Status ValidateHistoryRecord(const HistoryRecord& record);
// Each message of SaveMessages within kMaxRecordTextBytes.
Status CheckRecentMessageSizes(const nlohmann::json& messages);

// "<user_id>:<unix seconds>:<microseconds><10 hex>": time-ordered and
// unique. For user ids too long to embed within the sort key limit, a hash
// of the user id stands in for it.
std::string NewConversationId(const std::string& user_id,
                              std::chrono::system_clock::time_point now);

// Opaque, restart-proof page tokens bound to one user.
std::string EncodePageToken(const std::string& user_id, const std::string& last_conversation_id);
Result<std::string> DecodePageToken(const std::string& user_id, const std::string& token);

int64_t UnixSeconds(Clock& clock);

}  // namespace mem0::store

#endif  // MEM0_SRC_STORE_CONVERSATION_COMMON_H_
