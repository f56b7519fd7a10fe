// A small JSON parser for response bodies, producing nlohmann::json. It
// copies string runs in bulk where nlohmann's lexer goes a character at a
// time; responses carry items of kilobytes of text, and parsing them was the
// largest cost left per request. Strict RFC 8259 syntax; nullopt on any
// error.
#ifndef MEM0_SRC_DYNAMODB_FAST_JSON_H_
#define MEM0_SRC_DYNAMODB_FAST_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace mem0::dynamodb {

std::optional<nlohmann::json> ParseJson(std::string_view text);

}  // namespace mem0::dynamodb

#endif  // MEM0_SRC_DYNAMODB_FAST_JSON_H_
