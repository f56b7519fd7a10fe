#include "dynamodb/fast_json.h"

#include <gtest/gtest.h>

namespace mem0::dynamodb {
namespace {

TEST(FastJson, AgreesWithNlohmann) {
  for (
      const char* text : {
          R"({"Item":{"pk":{"S":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"},"n":{"N":"1E-130"}}})",
          R"({"a":[1,-2,3.5,-0.25e-3,1E+5,12345678901234567890,true,false,null,[],{}]})",
          R"(  {"nested":{"deep":[[[{"x":"y"}]]]},"empty":""}  )",
          R"({"raw":"caf\u00e9 literal é and 😀"})",
          R"([])",
          R"("just a string")",
      }) {
    auto fast = ParseJson(text);
    ASSERT_TRUE(fast.has_value()) << text;
    EXPECT_EQ(*fast, nlohmann::json::parse(text)) << text;
  }
}

TEST(FastJson, RejectsMalformedInput) {
  for (const char* text : {"", "{", R"({"a":})", R"({"a":1,})", R"([1,])", R"({"a" 1})", "tru",
                           R"("unterminated)", R"("bad \x escape")", R"("\ud83d alone")",
                           "\"control \x01 char\"", R"({"a":1} trailing)", "01x", "-"}) {
    EXPECT_FALSE(ParseJson(text).has_value()) << text;
  }
}

TEST(FastJson, LimitsNesting) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  EXPECT_FALSE(ParseJson(deep).has_value());
}

}  // namespace
}  // namespace mem0::dynamodb
