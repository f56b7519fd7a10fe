// JSON parsing with a nesting bound, for every document the stores accept
// from callers or read back from a table (where any tool may have written
// it): a recursive parser or printer never sees more than kMaxJsonNesting
// levels, so no input can exhaust the stack or make output grow with the
// square of its depth.
#ifndef MEM0_SRC_STORE_BOUNDED_JSON_H_
#define MEM0_SRC_STORE_BOUNDED_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>

namespace mem0::store {

inline constexpr int kMaxJsonNesting = 64;

// `text` parsed; a discarded value (is_discarded()) when it is not JSON or
// nests deeper than kMaxJsonNesting.
nlohmann::json ParseBoundedJson(std::string_view text);

// For printing a stored document: parsed, or `text` itself as a JSON string
// when it does not parse within the bound.
nlohmann::json StoredJsonForOutput(std::string_view text);

}  // namespace mem0::store

#endif  // MEM0_SRC_STORE_BOUNDED_JSON_H_
