// mem0's JSON shapes for the Memory API's results, and its message lists.
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "mem0/memory/memory.h"
#include "memory/memory_records.h"

namespace mem0::memory {
namespace {

using Json = nlohmann::json;

Json Optional(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json ItemJson(const MemoryItem& item) {
  Json metadata = Json::parse(item.metadata_json, nullptr, /*allow_exceptions=*/false);
  if (metadata.is_discarded()) metadata = Json::object();
  Json out = {{"id", item.id},
              {"memory", item.memory},
              {"hash", item.hash},
              {"metadata", std::move(metadata)},
              {"created_at", item.created_at},
              {"updated_at", Optional(item.updated_at)}};
  if (item.score) out["score"] = *item.score;
  if (!item.scope.user_id.empty()) out["user_id"] = item.scope.user_id;
  if (!item.scope.agent_id.empty()) out["agent_id"] = item.scope.agent_id;
  if (!item.scope.run_id.empty()) out["run_id"] = item.scope.run_id;
  if (item.actor_id) out["actor_id"] = *item.actor_id;
  if (item.role) out["role"] = *item.role;
  return out;
}

Json RelationsJson(const std::vector<Relation>& relations) {
  Json out = Json::array();
  for (const auto& r : relations) {
    out.push_back(
        {{"source", r.source}, {"relationship", r.relationship}, {"destination", r.destination}});
  }
  return out;
}

Json ItemsJson(const std::vector<MemoryItem>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(ItemJson(item));
  return out;
}

std::string Dump(const Json& json) {
  // Replace, never throw, on invalid UTF-8 (stored data is checked on the way
  // in, but other tools may have written the tables).
  return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string ToJson(const MemoryItem& item) { return Dump(ItemJson(item)); }

std::string ToJson(const AddResult& result) {
  Json results = Json::array();
  for (const auto& added : result.results) {
    Json row = {{"id", added.id}, {"memory", added.memory}, {"event", added.event}};
    if (added.previous_memory) row["previous_memory"] = *added.previous_memory;
    results.push_back(std::move(row));
  }
  // mem0's graph add: {"added_entities": [...], "deleted_entities": [...]},
  // with "target" for the destination.
  Json added = Json::array();
  for (const auto& r : result.added_relations) {
    added.push_back(
        {{"source", r.source}, {"relationship", r.relationship}, {"target", r.destination}});
  }
  return Dump(
      {{"results", std::move(results)},
       {"relations", {{"added_entities", std::move(added)}, {"deleted_entities", Json::array()}}}});
}

std::string ToJson(const SearchResult& result) {
  return Dump(
      {{"results", ItemsJson(result.results)}, {"relations", RelationsJson(result.relations)}});
}

std::string ToJson(const MemoryPage& page) {
  Json out = {{"results", ItemsJson(page.results)}, {"relations", RelationsJson(page.relations)}};
  if (page.next_page_token) out["next_token"] = *page.next_page_token;
  return Dump(out);
}

std::string ToJson(const std::vector<HistoryEntry>& history) {
  Json out = Json::array();
  for (const auto& h : history) {
    out.push_back({{"id", h.id},
                   {"memory_id", h.memory_id},
                   {"old_memory", Optional(h.old_memory)},
                   {"new_memory", Optional(h.new_memory)},
                   {"event", h.event},
                   {"created_at", h.created_at},
                   {"updated_at", Optional(h.updated_at)},
                   {"is_deleted", h.is_deleted},
                   {"actor_id", Optional(h.actor_id)},
                   {"role", Optional(h.role)}});
  }
  return Dump(out);
}

Result<std::vector<Message>> ParseMessages(const std::string& text) {
  auto invalid = [](std::string message) {
    return MakeError(ErrorCode::kInvalidArgument, std::move(message));
  };
  if (text.size() > kMaxMessages * kMaxMessageBytes) return invalid("messages: too large");
  if (!IsValidUtf8(text)) return invalid("messages is not valid UTF-8");
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return invalid("messages: empty");
  if (text[start] != '[') {
    if (text.size() > kMaxMessageBytes) {
      return invalid("message is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxMessageBytes));
    }
    return std::vector<Message>{{"user", text, ""}};
  }
  MEM0_RETURN_IF_ERROR(CheckJsonNesting(text, "messages"));
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return invalid("messages must be a JSON array of {\"role\", \"content\"} objects");
  }
  if (parsed.size() > kMaxMessages) {
    return invalid("messages has " + std::to_string(parsed.size()) + " entries; the limit is " +
                   std::to_string(kMaxMessages));
  }
  std::vector<Message> out;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const Json& m = parsed[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return invalid(at + ": expected an object");
    auto role = m.find("role");
    auto content = m.find("content");
    if (role == m.end() || !role->is_string()) return invalid(at + ".role: expected a string");
    if (content == m.end() || !content->is_string()) {
      return invalid(at + ".content: expected a string");
    }
    Message message{role->get<std::string>(), content->get<std::string>(), ""};
    auto name = m.find("name");
    if (name != m.end() && !name->is_null()) {
      if (!name->is_string()) return invalid(at + ".name: expected a string");
      message.name = name->get<std::string>();
    }
    out.push_back(std::move(message));
  }
  return out;
}

}  // namespace mem0::memory
