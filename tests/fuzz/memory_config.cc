// The memory config loader: YAML or JSON text with ${VAR} references.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mem0/memory/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  mem0::EnvironmentLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "HOME") return "/home/fuzz";
    if (name == "EMPTY") return "";
    if (name == "REGION") return "us-west-2";
    if (name == "NESTED") return "${HOME}";
    return std::nullopt;
  };
  auto config = mem0::memory::ParseMemoryConfig(text, env);
  if (config.ok()) {
    (void)mem0::memory::DescribeMemoryConfig(*config);
    (void)mem0::memory::ValidateMemoryConfig(*config);
  }
  return 0;
}
