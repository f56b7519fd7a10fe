#include "core/encoding.h"

#include <gtest/gtest.h>

#include "core/uuid.h"
#include "mem0/dynamodb/attribute_value.h"

namespace mem0 {
namespace {

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto decoded = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(Base64Decode("Zm9").has_value());
  EXPECT_FALSE(Base64Decode("Zm=v").has_value());
  EXPECT_FALSE(Base64Decode("Zm9*").has_value());
}

TEST(Utf8, AcceptsValidAndRejectsInvalid) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("ok\xe2\x82"));
}

TEST(Number, DynamoDBLimits) {
  using dynamodb::IsValidNumber;
  EXPECT_TRUE(IsValidNumber("0"));
  EXPECT_TRUE(IsValidNumber("-0.5"));
  EXPECT_TRUE(IsValidNumber("1E-130"));
  EXPECT_TRUE(IsValidNumber("9.9999999999999999999999999999999999999E+125"));
  EXPECT_TRUE(IsValidNumber("12345678901234567890123456789012345678"));
  EXPECT_TRUE(IsValidNumber("1200000000000000000000000000000000000000000"));  // trailing zeros
  EXPECT_FALSE(IsValidNumber("123456789012345678901234567890123456789"));     // 39 digits
  EXPECT_FALSE(IsValidNumber("1E-131"));
  EXPECT_FALSE(IsValidNumber("1E+126"));
  EXPECT_FALSE(IsValidNumber("abc"));
  EXPECT_FALSE(IsValidNumber("1e"));
  EXPECT_FALSE(IsValidNumber(""));
}

TEST(Number, CanonicalFormIgnoresSpelling) {
  using dynamodb::CanonicalNumber;
  EXPECT_EQ(CanonicalNumber("150"), "1.5E2");
  EXPECT_EQ(CanonicalNumber("0150.0"), "1.5E2");
  EXPECT_EQ(CanonicalNumber("1.50E+2"), "1.5E2");
  EXPECT_EQ(CanonicalNumber("-0.05"), "-5E-2");
  EXPECT_EQ(CanonicalNumber("-0.0"), "0");
  EXPECT_EQ(CanonicalNumber("1E-130"), CanonicalNumber("0." + std::string(129, '0') + "1"));
  EXPECT_EQ(CanonicalNumber("9.9999999999999999999999999999999999999E+125"),
            CanonicalNumber("99999999999999999999999999999999999999" + std::string(88, '0')));
  EXPECT_FALSE(CanonicalNumber("1.2.3").has_value());
}

TEST(Number, CanonicalFormReadsBackTheSame) {
  // Found by the attribute_value_json fuzz target: "1910e99999" gave
  // "1.91E100002", which CanonicalNumber then refused (the exponent bound
  // applied to the written exponent, not the normalised one).
  using dynamodb::CanonicalNumber;
  for (const std::string text :
       {std::string("1910e99999"), std::string("1e100000"), std::string("0.001e-99998"),
        std::string("1") + std::string(300, '0') + "e99800", std::string("-12.5e-3"),
        std::string("0.") + std::string(200, '0') + "7"}) {
    auto canonical = CanonicalNumber(text);
    if (!canonical) continue;  // out of range: refused, which is fine
    EXPECT_EQ(CanonicalNumber(*canonical), canonical) << text;
  }
  EXPECT_FALSE(CanonicalNumber("1910e99999").has_value());  // 1.91E100002: out of range
  EXPECT_EQ(CanonicalNumber("1e100000"), "1E100000");       // the bound itself
  EXPECT_EQ(CanonicalNumber("10e99999"), "1E100000");       // normalised to it
  EXPECT_FALSE(CanonicalNumber("1e9999999999999").has_value());
}

TEST(AttributeValue, EqualityAndDebugString) {
  using dynamodb::AttributeValue;
  auto nested = AttributeValue::M(
      {{"list", AttributeValue::L({AttributeValue::N("1"), AttributeValue::Bool(true)})},
       {"bin", AttributeValue::B(std::string("\0\1", 2))}});
  EXPECT_EQ(nested, nested);
  EXPECT_NE(nested, AttributeValue::M({}));
  EXPECT_NE(AttributeValue::S("1"), AttributeValue::N("1"));
  EXPECT_EQ(nested.DebugString(),
            R"({"M":{"bin":{"B":"AAE="},"list":{"L":[{"N":"1"},{"BOOL":true}]}}})");
}

TEST(Uuid, IsVersion4AndUnique) {
  auto a = NewUuid(), b = NewUuid();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace mem0
