// Small byte encodings shared by the layers: base64 (binary attributes,
// credentials), JSON string escaping (debug output) and UTF-8 validation.
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

}  // namespace mem0

#endif  // MEM0_SRC_CORE_ENCODING_H_
