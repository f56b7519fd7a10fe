#include "store/conversation_common.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

#include "core/encoding.h"
#include "core/uuid.h"
#include "store/bounded_json.h"

namespace mem0::store {
namespace {

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Status CheckText(const char* field, const std::string& value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return Invalid(std::string(field) + " is " + std::to_string(value.size()) +
                   " bytes; the limit is " + std::to_string(max_bytes) + " bytes");
  }
  if (!IsValidUtf8(value)) return Invalid(std::string(field) + " is not valid UTF-8");
  return {};
}

constexpr size_t kIdSuffixBytes = 1 + 10 + 1 + 6 + 10;  // ":" seconds ":" micros hex

}  // namespace

Status ValidateKey(std::string_view field, const std::string& value, size_t max_bytes) {
  if (value.empty()) return Invalid(std::string(field) + " must not be empty");
  if (value.size() > max_bytes) {
    return Invalid(std::string(field) + " is " + std::to_string(value.size()) +
                   " bytes; the limit is " + std::to_string(max_bytes) + " bytes");
  }
  if (!IsValidUtf8(value)) return Invalid(std::string(field) + " is not valid UTF-8");
  return {};
}

Status ValidateUserId(const std::string& user_id) {
  return ValidateKey("user_id", user_id, kMaxPartitionKeyBytes);
}

Status ValidateConversationId(const std::string& conversation_id) {
  return ValidateKey("conversation_id", conversation_id, kMaxSortKeyBytes);
}

Result<nlohmann::json> ParseMessages(const std::string& messages_json) {
  if (!IsValidUtf8(messages_json)) return Invalid("messages is not valid UTF-8");
  if (!JsonNestingWithin(messages_json, kMaxJsonNesting)) {
    return Invalid("messages nests deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  }
  auto parsed = nlohmann::json::parse(messages_json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Invalid("messages is not valid JSON");
  if (!parsed.is_array())
    return Invalid("messages must be a JSON array of {role, content} objects");
  for (size_t i = 0; i < parsed.size(); ++i) {
    const auto& message = parsed[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!message.is_object()) return Invalid(where + " must be an object");
    if (!message.contains("role") || !message["role"].is_string()) {
      return Invalid(where + ".role must be a string");
    }
    if (!message.contains("content") || !message["content"].is_string()) {
      return Invalid(where + ".content must be a string");
    }
  }
  return parsed;
}

Result<nlohmann::json> ParseMetadata(const std::string& metadata_json) {
  if (!IsValidUtf8(metadata_json)) return Invalid("metadata is not valid UTF-8");
  if (!JsonNestingWithin(metadata_json, kMaxJsonNesting)) {
    return Invalid("metadata nests deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  }
  auto parsed = nlohmann::json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    return Invalid("metadata must be a JSON object");
  return parsed;
}

Status ValidateHistoryRecord(const HistoryRecord& record) {
  MEM0_RETURN_IF_ERROR(ValidateKey("memory_id", record.memory_id, 1000));
  if (record.event.empty()) return Invalid("event must not be empty (ADD, UPDATE or DELETE)");
  if (record.created_at.empty()) return Invalid("created_at must not be empty");
  // Bounded so that a record is one DynamoDB item and its sort key
  // (created_at#sequence#id) stays under 1024 bytes, on every engine.
  const std::pair<const char*, const std::string*> short_fields[] = {
      {"id", &record.id}, {"event", &record.event}, {"created_at", &record.created_at}};
  for (const auto& [name, value] : short_fields) {
    MEM0_RETURN_IF_ERROR(CheckText(name, *value, 256));
  }
  const std::pair<const char*, const std::optional<std::string>*> optional_fields[] = {
      {"updated_at", &record.updated_at}, {"actor_id", &record.actor_id}, {"role", &record.role}};
  for (const auto& [name, value] : optional_fields) {
    if (*value) MEM0_RETURN_IF_ERROR(CheckText(name, **value, 1024));
  }
  size_t memory_bytes = 0;
  for (const auto& [name, value] :
       {std::pair{"old_memory", &record.old_memory}, std::pair{"new_memory", &record.new_memory}}) {
    if (!*value) continue;
    MEM0_RETURN_IF_ERROR(CheckText(name, **value, kMaxRecordTextBytes));
    memory_bytes += (*value)->size();
  }
  if (memory_bytes > kMaxRecordTextBytes) {
    return Invalid("old_memory + new_memory are " + std::to_string(memory_bytes) +
                   " bytes; the limit is " + std::to_string(kMaxRecordTextBytes) + " bytes");
  }
  return {};
}

Status CheckRecentMessageSizes(const nlohmann::json& messages) {
  for (size_t i = 0; i < messages.size(); ++i) {
    const size_t bytes = messages[i].dump().size();
    if (bytes > kMaxRecordTextBytes) {
      return Invalid("messages[" + std::to_string(i) + "] is " + std::to_string(bytes) +
                     " bytes; the limit for a recent message is " +
                     std::to_string(kMaxRecordTextBytes) + " bytes");
    }
  }
  return {};
}

std::string NewConversationId(const std::string& user_id,
                              std::chrono::system_clock::time_point now) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  char suffix[48];
  std::snprintf(suffix, sizeof(suffix), ":%010lld:%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  std::string unique = NewUuid();
  unique.erase(std::remove(unique.begin(), unique.end(), '-'), unique.end());
  unique.resize(10);
  const std::string prefix = user_id.size() + kIdSuffixBytes <= kMaxSortKeyBytes
                                 ? user_id
                                 : "sha256-" + Sha256Hex(user_id);
  // The reference writes "<user>:<seconds>" unpadded; seconds have 10 digits
  // until 2286, so padding keeps both forms in one time order. Microseconds
  // order ids within a second; the random tail makes them unique.
  return prefix + suffix + unique;
}

std::string EncodePageToken(const std::string& user_id, const std::string& last_conversation_id) {
  nlohmann::json token = {
      {"v", 1}, {"u", Sha256Hex(user_id).substr(0, 16)}, {"after", last_conversation_id}};
  return Base64Encode(token.dump());
}

Result<std::string> DecodePageToken(const std::string& user_id, const std::string& token) {
  auto bytes = Base64Decode(token);
  if (!bytes) return Invalid("page token is malformed");
  const auto parsed = ParseBoundedJson(*bytes);
  if (!parsed.is_object()) return Invalid("page token is malformed");
  const auto version = parsed.find("v");
  const auto user = parsed.find("u");
  const auto after = parsed.find("after");
  if (version == parsed.end() || *version != 1 || user == parsed.end() || !user->is_string() ||
      after == parsed.end() || !after->is_string()) {
    return Invalid("page token is malformed");
  }
  if (user->get_ref<const std::string&>() != Sha256Hex(user_id).substr(0, 16)) {
    return Invalid("page token belongs to another user");
  }
  const auto& last = after->get_ref<const std::string&>();
  if (last.empty() || last.size() > kMaxSortKeyBytes) return Invalid("page token is malformed");
  return last;
}

int64_t UnixSeconds(Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

}  // namespace mem0::store
