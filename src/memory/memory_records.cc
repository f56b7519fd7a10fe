#include "memory/memory_records.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/encoding.h"
#include "core/hash.h"
#include "core/time_format.h"

namespace mem0::memory {
namespace {

using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 32;
constexpr std::size_t kMaxFilterKeys = 32;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Status ValidateId(const char* field, const std::string& id) {
  if (id.empty()) return {};
  if (id.size() > kMaxScopeIdBytes) {
    return Invalid(std::string(field) + " is " + std::to_string(id.size()) +
                   " bytes; the limit is " + std::to_string(kMaxScopeIdBytes));
  }
  if (!IsValidUtf8(id)) return Invalid(std::string(field) + " is not valid UTF-8");
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) {
      return Invalid(std::string(field) + " contains a control character");
    }
  }
  return {};
}

std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

const char* const kReservedKeys[] = {"data",     "hash",  "user_id",    "agent_id",      "run_id",
                                     "actor_id", "role",  "created_at", "updated_at",    "id",
                                     "memory",   "score", "embedding",  "mem0_embedding"};

Result<std::optional<std::string>> OptionalString(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return MakeError(ErrorCode::kCorruption,
                     std::string("memory metadata: ") + key + ": expected a string");
  }
  return std::optional<std::string>(it->get<std::string>());
}

std::string SecondsToIso(double seconds) {
  auto time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(seconds)));
  return IsoTimestamp(time);
}

bool JsonEquals(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

}  // namespace

Status CheckJsonNesting(const std::string& text, const char* field) {
  if (JsonNestingWithin(text, kMaxJsonDepth)) return {};
  return Invalid(std::string(field) + " is nested more than " + std::to_string(kMaxJsonDepth) +
                 " levels deep");
}

bool IsInternalEdge(const std::string& relationship_type) {
  return relationship_type.starts_with("MEM0_");
}

Status ValidateScope(const Scope& scope, bool required) {
  MEM0_RETURN_IF_ERROR(ValidateId("user_id", scope.user_id));
  MEM0_RETURN_IF_ERROR(ValidateId("agent_id", scope.agent_id));
  MEM0_RETURN_IF_ERROR(ValidateId("run_id", scope.run_id));
  if (required && scope.empty()) {
    return Invalid("at least one of user_id, agent_id, run_id is required");
  }
  return {};
}

std::pair<std::string, std::string> OwnerOf(const Scope& scope) {
  if (!scope.user_id.empty()) return {"user", scope.user_id};
  if (!scope.agent_id.empty()) return {"agent", scope.agent_id};
  return {"run", scope.run_id};
}

std::string OwnerScope(const Scope& scope) {
  auto [kind, id] = OwnerOf(scope);
  return kind + ":" + id;
}

std::string ScopeKey(const Scope& scope) {
  std::string key;
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    if (!key.empty()) key += "&";
    key += name;
    key += "=";
    key += PercentEncode(value);
  };
  add("user_id", scope.user_id);
  add("agent_id", scope.agent_id);
  add("run_id", scope.run_id);
  return key;
}

bool ScopeMatches(const Scope& query, const Scope& item) {
  return (query.user_id.empty() || query.user_id == item.user_id) &&
         (query.agent_id.empty() || query.agent_id == item.agent_id) &&
         (query.run_id.empty() || query.run_id == item.run_id);
}

std::string DerivedUuid(const std::string& seed) {
  std::string hex = Sha256Hex(seed).substr(0, 32);
  // RFC 9562 version 8 (custom), variant 10.
  hex[12] = '8';
  const char variants[] = "89ab";
  hex[16] = variants[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string MemoryNodeId(const Scope& scope, const std::string& hash) {
  return DerivedUuid("memory\n" + ScopeKey(scope) + "\n" + hash);
}

std::string AnchorNodeId(const std::string& kind, const std::string& id) {
  return "mem0-anchor-" + DerivedUuid("anchor\n" + kind + ":" + id);
}

std::string EntityRootNodeId(const std::string& owner_scope) {
  return "mem0-entities-" + DerivedUuid("entities\n" + owner_scope);
}

std::string EntityNodeId(const std::string& owner_scope, const std::string& name) {
  return "mem0-entity-" + DerivedUuid("entity\n" + owner_scope + "\n" + name);
}

std::string IsoTimestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long fraction = static_cast<long>(micros % 1000000);
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+00:00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction);
  return buf;
}

bool IsReservedMetadataKey(const std::string& key) {
  return std::find(std::begin(kReservedKeys), std::end(kReservedKeys), key) !=
         std::end(kReservedKeys);
}

Result<Json> ParseCallerMetadata(const std::string& text, const char* field) {
  if (text.empty()) return Json::object();
  if (text.size() > kMaxMetadataBytes) {
    return Invalid(std::string(field) + " is " + std::to_string(text.size()) +
                   " bytes; the limit is " + std::to_string(kMaxMetadataBytes));
  }
  if (!IsValidUtf8(text)) return Invalid(std::string(field) + " is not valid UTF-8");
  MEM0_RETURN_IF_ERROR(CheckJsonNesting(text, field));
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Invalid(std::string(field) + " is not valid JSON");
  if (!parsed.is_object()) return Invalid(std::string(field) + " must be a JSON object");
  for (const auto& [key, value] : parsed.items()) {
    if (IsReservedMetadataKey(key)) {
      return Invalid(std::string(field) + "." + key + ": reserved for mem0's own fields");
    }
  }
  return parsed;
}

Json EncodeEmbedding(const std::vector<float>& values) {
  float max_abs = 0;
  for (float v : values) max_abs = std::max(max_abs, std::fabs(v));
  const float scale = max_abs > 0 ? max_abs / 127.0f : 1.0f;
  std::string bytes(values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    long q = std::lround(values[i] / scale);
    bytes[i] = static_cast<char>(static_cast<int8_t>(std::clamp(q, -127L, 127L)));
  }
  return Json{{"i8", Base64Encode(bytes)}, {"scale", scale}};
}

std::optional<std::vector<float>> DecodeEmbedding(const Json& payload) {
  auto it = payload.find("mem0_embedding");
  if (it == payload.end() || !it->is_object()) return std::nullopt;
  auto data = it->find("i8");
  auto scale = it->find("scale");
  if (data == it->end() || !data->is_string() || scale == it->end() || !scale->is_number()) {
    return std::nullopt;
  }
  auto bytes = Base64Decode(data->get<std::string>());
  const double s = scale->get<double>();
  if (!bytes || bytes->empty() || !std::isfinite(s)) return std::nullopt;
  std::vector<float> values(bytes->size());
  for (std::size_t i = 0; i < bytes->size(); ++i) {
    values[i] = static_cast<float>(static_cast<int8_t>((*bytes)[i]) * s);
  }
  return values;
}

std::string PayloadToNodeMetadata(const Payload& payload) {
  Json out = payload.metadata.is_object() ? payload.metadata : Json::object();
  out["hash"] = payload.hash;
  if (!payload.scope.user_id.empty()) out["user_id"] = payload.scope.user_id;
  if (!payload.scope.agent_id.empty()) out["agent_id"] = payload.scope.agent_id;
  if (!payload.scope.run_id.empty()) out["run_id"] = payload.scope.run_id;
  if (payload.actor_id) out["actor_id"] = *payload.actor_id;
  if (payload.role) out["role"] = *payload.role;
  out["created_at"] = payload.created_at;
  if (payload.updated_at) out["updated_at"] = *payload.updated_at;
  if (payload.embedding) out["mem0_embedding"] = EncodeEmbedding(*payload.embedding);
  return out.dump();
}

Result<DecodedMemory> DecodeMemoryNode(const store::MemoryNode& node) {
  return DecodeMemoryNode(node.node_id, node.content, node.metadata_json, node.scope,
                          node.created_at, node.updated_at);
}

Result<DecodedMemory> DecodeMemoryNode(const std::string& node_id, const std::string& content,
                                       const std::string& metadata_json,
                                       const std::string& node_scope, double created_at,
                                       std::optional<double> updated_at) {
  Json payload = Json::object();
  if (!metadata_json.empty() && CheckJsonNesting(metadata_json, "metadata").ok()) {
    payload = Json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  }
  if (!payload.is_object()) {
    return MakeError(ErrorCode::kCorruption,
                     "memory " + node_id + ": metadata is not a JSON object");
  }
  DecodedMemory out;
  MemoryItem& item = out.item;
  item.id = node_id;
  item.memory = content;
  MEM0_ASSIGN_OR_RETURN(auto hash, OptionalString(payload, "hash"));
  item.hash = hash ? *hash : Md5Hex(content);
  MEM0_ASSIGN_OR_RETURN(auto user_id, OptionalString(payload, "user_id"));
  MEM0_ASSIGN_OR_RETURN(auto agent_id, OptionalString(payload, "agent_id"));
  MEM0_ASSIGN_OR_RETURN(auto run_id, OptionalString(payload, "run_id"));
  if (user_id) item.scope.user_id = *user_id;
  if (agent_id) item.scope.agent_id = *agent_id;
  if (run_id) item.scope.run_id = *run_id;
  if (item.scope.empty()) {
    // A node another tool created in a scope such as "user:alice".
    if (node_scope.starts_with("user:")) item.scope.user_id = node_scope.substr(5);
    if (node_scope.starts_with("agent:")) item.scope.agent_id = node_scope.substr(6);
    if (node_scope.starts_with("run:")) item.scope.run_id = node_scope.substr(4);
  }
  MEM0_ASSIGN_OR_RETURN(item.actor_id, OptionalString(payload, "actor_id"));
  MEM0_ASSIGN_OR_RETURN(item.role, OptionalString(payload, "role"));
  MEM0_ASSIGN_OR_RETURN(auto created, OptionalString(payload, "created_at"));
  item.created_at = created ? *created : SecondsToIso(created_at);
  MEM0_ASSIGN_OR_RETURN(item.updated_at, OptionalString(payload, "updated_at"));
  if (!item.updated_at && updated_at) item.updated_at = SecondsToIso(*updated_at);
  out.embedding = DecodeEmbedding(payload);
  Json metadata = Json::object();
  for (auto& [key, value] : payload.items()) {
    if (!IsReservedMetadataKey(key)) metadata[key] = value;
  }
  item.metadata_json = metadata.dump();
  out.metadata = std::move(metadata);
  return out;
}

bool Filters::Matches(const DecodedMemory& memory) const {
  for (const auto& [key, expected] : conditions.items()) {
    Json actual;
    const Scope& scope = memory.item.scope;
    if (key == "user_id" || key == "agent_id" || key == "run_id") {
      const std::string& id = key == "user_id"    ? scope.user_id
                              : key == "agent_id" ? scope.agent_id
                                                  : scope.run_id;
      if (!id.empty()) actual = id;
    } else if (key == "actor_id") {
      if (memory.item.actor_id) actual = *memory.item.actor_id;
    } else if (key == "role") {
      if (memory.item.role) actual = *memory.item.role;
    } else {
      auto it = memory.metadata.find(key);
      if (it != memory.metadata.end()) actual = *it;
    }
    if (expected.is_object()) {
      const Json& options = expected["in"];
      bool any = false;
      for (const auto& option : options) any = any || JsonEquals(actual, option);
      if (!any) return false;
    } else if (!JsonEquals(actual, expected)) {
      return false;
    }
  }
  return true;
}

Result<Filters> ParseFilters(const std::string& text) {
  Filters filters;
  if (text.empty()) return filters;
  if (text.size() > kMaxMetadataBytes) return Invalid("filters: too large");
  if (!IsValidUtf8(text)) return Invalid("filters is not valid UTF-8");
  MEM0_RETURN_IF_ERROR(CheckJsonNesting(text, "filters"));
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Invalid("filters must be a JSON object of metadata key -> value");
  }
  if (parsed.size() > kMaxFilterKeys) {
    return Invalid("filters has " + std::to_string(parsed.size()) + " keys; the limit is " +
                   std::to_string(kMaxFilterKeys));
  }
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_object()) {
      auto in = value.find("in");
      if (value.size() != 1 || in == value.end() || !in->is_array()) {
        return Invalid("filters." + key + ": an object must be {\"in\": [values]}");
      }
      for (const auto& option : *in) {
        if (option.is_structured())
          return Invalid("filters." + key + ".in: values must be scalars");
      }
    } else if (value.is_array()) {
      return Invalid("filters." + key + ": use {\"in\": [values]} to match several values");
    }
  }
  filters.conditions = std::move(parsed);
  return filters;
}

}  // namespace mem0::memory
