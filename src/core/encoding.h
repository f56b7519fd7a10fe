// Small byte encodings shared by the layers: base64 (binary attributes,
// credentials), JSON string escaping (debug output), UTF-8 validation and a
// JSON nesting bound.
#ifndef MEM0_SRC_CORE_ENCODING_H_
#define MEM0_SRC_CORE_ENCODING_H_

#include <optional>
#include <string>
#include <string_view>

namespace mem0 {

std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not valid (padded) base64.
std::optional<std::string> Base64Decode(std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

bool IsValidUtf8(std::string_view text);

// Whether JSON `text` nests arrays/objects at most `max_depth` deep (strings
// skipped). Checked before a recursive parser (nlohmann) sees outside input,
// so no input can exhaust the stack.
bool JsonNestingWithin(std::string_view text, int max_depth);

}  // namespace mem0

#endif  // MEM0_SRC_CORE_ENCODING_H_
