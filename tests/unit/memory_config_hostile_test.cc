// Config texts found by fuzzing (tests/fuzz/memory_config.cc) that once hung
// or crashed ParseMemoryConfig: each must come back, as a config or as an
// error, and quickly.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mem0/memory/config.h"

namespace mem0::memory {
namespace {

TEST(MemoryConfigHostile, TextsThatHungYamlLoadAllGiveAnError) {
  // yaml-cpp's LoadAll looped forever, allocating, on these
  // (jbeder/yaml-cpp#1319); the fuzzer's input was ",-\n".
  for (const char* text : {",-\n", ",", ",\n", "\n,\n    ", "- ,\n,", "a: 1\n---\n,"}) {
    const auto start = std::chrono::steady_clock::now();
    auto parsed = ParseMemoryConfig(text, [](std::string_view) { return std::nullopt; });
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << text;
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
  }
}

TEST(MemoryConfigHostile, OneDocumentStillParsesAndSeveralAreRefused) {
  auto none = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  for (const char* text : {"", "---\n", "{}", "search: {default_limit: 5}\n",
                           "---\nsearch: {default_limit: 5}\n...\n"}) {
    auto parsed = ParseMemoryConfig(text, none);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
  }
  auto several = ParseMemoryConfig("search: {}\n---\nsearch: {}\n", none);
  ASSERT_FALSE(several.ok());
  EXPECT_NE(several.error().message.find("several"), std::string::npos);
}

}  // namespace
}  // namespace mem0::memory
