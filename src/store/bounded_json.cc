#include "store/bounded_json.h"

#include "core/encoding.h"

namespace mem0::store {

nlohmann::json ParseBoundedJson(std::string_view text) {
  if (!JsonNestingWithin(text, kMaxJsonNesting)) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json StoredJsonForOutput(std::string_view text) {
  nlohmann::json parsed = ParseBoundedJson(text);
  if (parsed.is_discarded()) return std::string(text);
  return parsed;
}

}  // namespace mem0::store
