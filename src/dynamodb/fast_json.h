// A small JSON parser for response bodies, producing nlohmann::json. It
// copies string runs in bulk where nlohmann's lexer goes a character at a
// time; responses carry items of kilobytes of text, and parsing them was the
// largest cost left per request. nullopt on any error; never throws (other
// than std::bad_alloc).
//
// Strict RFC 8259, and at least as strict as nlohmann::json::parse:
//  - numbers: no leading zeros ("01"), no "1.", ".5", "1e", "-", "+1";
//    non-negative integers that fit are uint64, negative ones int64 (as
//    nlohmann stores them), others double; a number whose magnitude is too
//    large for a double ("1e400") is an error, one too small rounds to 0;
//  - strings: no raw control characters (< 0x20), only the RFC's escapes,
//    \u surrogates only as a high-low pair, and raw bytes must be well-formed
//    UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing above
//    U+10FFFF);
//  - nothing but whitespace after the value; no byte order mark (nlohmann
//    skips one; RFC 8259 forbids sending it and DynamoDB never does);
//  - duplicate object keys: the last one wins, as in nlohmann.
//
// Nesting is limited to kMaxJsonDepth arrays/objects, one inside another.
// DynamoDB nests M and L attribute values up to 32 levels; each level costs
// two JSON levels ({"M": {...}}), the innermost value one more, and the
// deepest envelope (BatchGetItem: body, Responses, table array, item) four:
// about 70 in all. 128 accepts every valid DynamoDB reply with room to
// spare, while bounding work on hostile input. The parser is iterative (an
// explicit stack of open containers), so depth never costs native stack.
#ifndef MEM0_SRC_DYNAMODB_FAST_JSON_H_
#define MEM0_SRC_DYNAMODB_FAST_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace mem0::dynamodb {

inline constexpr std::size_t kMaxJsonDepth = 128;

std::optional<nlohmann::json> ParseJson(std::string_view text);

}  // namespace mem0::dynamodb

#endif  // MEM0_SRC_DYNAMODB_FAST_JSON_H_
