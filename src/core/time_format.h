// ISO 8601 timestamps as AWS and mem0 write them (UTC, "Z").
#ifndef MEM0_SRC_CORE_TIME_FORMAT_H_
#define MEM0_SRC_CORE_TIME_FORMAT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mem0 {

// 2024-05-01T12:00:00Z (whole seconds, UTC).
std::string FormatIso8601(std::chrono::system_clock::time_point time);

// 2024-05-01T12:00:00Z, optionally with fractional seconds and a +hh:mm /
// -hh:mm offset instead of Z; nullopt for anything else (a time without a
// zone is ambiguous).
std::optional<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text);

}  // namespace mem0

#endif  // MEM0_SRC_CORE_TIME_FORMAT_H_
