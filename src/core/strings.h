// ASCII string helpers shared by every layer (HTTP header names, config keys,
// AWS profile files). Locale-independent on purpose: these are protocol
// tokens, not text.
#ifndef MEM0_SRC_CORE_STRINGS_H_
#define MEM0_SRC_CORE_STRINGS_H_

#include <string>
#include <string_view>

namespace mem0 {

inline char AsciiToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string AsciiLower(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Without leading and trailing spaces, tabs, CR and LF.
std::string_view Trim(std::string_view text);

}  // namespace mem0

#endif  // MEM0_SRC_CORE_STRINGS_H_
