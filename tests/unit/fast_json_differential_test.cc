// fast_json against nlohmann::json::parse: explicit strictness cases, the
// nesting limit, and a seeded differential run over generated documents
// (valid ones and mutations of them) on which both must agree.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "dynamodb/fast_json.h"

namespace mem0::dynamodb {
namespace {

using Json = nlohmann::json;

std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 300)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    }
  }
  return text.size() > 300 ? out + "..." : out;
}

// Same type at every node, integers exact, doubles equal including the sign
// of zero.
bool Identical(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!Identical(a[i], b[i])) return false;
      }
      return true;
    }
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt) {
        if (it.key() != jt.key() || !Identical(*it, *jt)) return false;
      }
      return true;
    }
    case Json::value_t::number_float: {
      const double x = a.get<double>(), y = b.get<double>();
      return x == y && std::signbit(x) == std::signbit(y);
    }
    default:
      return a == b;
  }
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Where nlohmann accepts what RFC 8259 does not: it skips a leading byte
// order mark, and it takes a NUL byte outside a string for the end of the
// input ("[1]\0garbage"). A raw NUL is never valid JSON, so fast_json
// rejects both.
bool StricterThanNlohmann(std::string_view text) {
  return text.starts_with("\xef\xbb\xbf") || text.find('\0') != std::string_view::npos;
}

TEST(FastJsonStrict, RejectsWhatRfc8259Forbids) {
  const std::vector<std::string> rejected = {
      // numbers
      "01",
      "-01",
      "00",
      "[01]",
      "1.",
      "[1.]",
      ".5",
      "-.5",
      "1e",
      "1e+",
      "1E-",
      "1.e5",
      "-",
      "[-]",
      "+1",
      "0x10",
      "Infinity",
      "-Infinity",
      "NaN",
      "1e400",
      "-1e400",
      "[1.8e308]",
      "1e99999999999999999999",
      std::string(400, '9'),
      // escapes and surrogates
      R"("\ud800")",
      R"("\udc00")",
      R"("\ud800\u0041")",
      R"("\ud800x")",
      R"("\udbff\udbff")",
      R"("\x41")",
      R"("\u12")",
      R"("\u12G4")",
      R"("\U0041")",
      R"("\)",
      // raw bytes that are not UTF-8
      "\"\x80\"",
      "\"\xbf\"",
      "\"\xc0\xaf\"",
      "\"\xc1\xbf\"",
      "\"\xe0\x80\xaf\"",
      "\"\xe0\x9f\xbf\"",
      "\"\xed\xa0\x80\"",
      "\"\xed\xbf\xbf\"",
      "\"\xf0\x80\x80\xaf\"",
      "\"\xf0\x8f\xbf\xbf\"",
      "\"\xf4\x90\x80\x80\"",
      "\"\xf5\x80\x80\x80\"",
      "\"\xff\"",
      "\"\xe2\x82\"",
      "\"\xe2\x82",
      "\"\xf0\x9f\x98\"",
      "\"\xc3\"",
      // control characters
      "\"a\x01z\"",
      "\"tab\there\"",
      "\"new\nline\"",
      "\"\x1f\"",
      std::string("\"\0\"", 3),
      // structure
      "",
      " ",
      "[",
      "]",
      "{",
      "}",
      "[1,]",
      "[,1]",
      "[1 2]",
      "{,}",
      R"({"a"})",
      R"({"a":})",
      R"({"a":1,})",
      R"({"a" 1})",
      "{1:2}",
      "{'a':1}",
      R"({"a":1}})",
      "[]]",
      "tru",
      "nul",
      "True",
      "nulll",
      "[] x",
      "{}{}",
      "1 2",
      "\"abc",
      std::string("[1]\0", 4),
      "\xef\xbb\xbf{}",  // byte order mark
      "/* comment */ 1",
      "[1] // comment",
  };
  for (const std::string& text : rejected) {
    EXPECT_FALSE(ParseJson(text).has_value()) << Printable(text);
    // nlohmann agrees, except where it is lenient (see StricterThanNlohmann).
    if (!StricterThanNlohmann(text)) {
      EXPECT_TRUE(Json::parse(text, nullptr, false).is_discarded()) << Printable(text);
    }
  }
}

TEST(FastJsonStrict, AcceptsEdgeCasesAsNlohmannDoes) {
  const std::vector<std::string> accepted = {
      "0",
      "-0",
      "-0.0",
      "0.0e0",
      "1E+2",
      "1e-2",
      "123.456e-7",
      "1e-400",
      "-1e-400",
      "0.0000000000000000000000000000000000000000001e-300",
      "1.7976931348623157e308",
      "4.9e-324",
      "2.4e-324",
      "9223372036854775807",
      "-9223372036854775808",
      "-9223372036854775809",
      "18446744073709551615",
      "18446744073709551616",
      "123456789012345678901234567890",
      R"("\u0000")",
      "\"\x7f\"",
      R"("\ud83d\ude00")",
      "\"\xf4\x8f\xbf\xbf\"",
      "\"\xef\xbf\xbf\"",
      "\"\xed\x9f\xbf\"",
      "\"\xee\x80\x80\"",
      "\"\xc2\x80\"",
      R"("\/\b\f\n\r\t\"\\")",
      R"({"a":1,"a":[2]})",
      R"({"a":{"b":1},"a":{}})",
      " \t\r\n[ 1 , {\"x\" : null} ]\n",
      "true",
      "false",
      "null",
      "[]",
      "{}",
      R"("")",
  };
  for (const std::string& text : accepted) {
    const auto fast = ParseJson(text);
    ASSERT_TRUE(fast.has_value()) << Printable(text);
    const Json slow = Json::parse(text, nullptr, false);
    ASSERT_FALSE(slow.is_discarded()) << Printable(text);
    EXPECT_TRUE(Identical(*fast, slow))
        << Printable(text) << ": " << Dump(*fast) << " vs " << Dump(slow);
  }
  EXPECT_TRUE(ParseJson("18446744073709551615")->is_number_unsigned());
  EXPECT_TRUE(ParseJson("-1")->is_number_integer());
  EXPECT_TRUE(ParseJson("18446744073709551616")->is_number_float());
  EXPECT_TRUE(std::signbit(ParseJson("-1e-400")->get<double>()));
  EXPECT_EQ(ParseJson(R"({"a":1,"a":[2]})")->dump(), R"({"a":[2]})");
}

std::string Nested(size_t depth, bool objects) {
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += objects ? "{\"k\":" : "[";
  text += "1";
  for (size_t i = 0; i < depth; ++i) text += objects ? "}" : "]";
  return text;
}

TEST(FastJsonStrict, NestingLimit) {
  EXPECT_TRUE(ParseJson(Nested(kMaxJsonDepth, false)).has_value());
  EXPECT_TRUE(ParseJson(Nested(kMaxJsonDepth, true)).has_value());
  EXPECT_FALSE(ParseJson(Nested(kMaxJsonDepth + 1, false)).has_value());
  EXPECT_FALSE(ParseJson(Nested(kMaxJsonDepth + 1, true)).has_value());
  // Far deeper input fails fast, without touching the native stack.
  EXPECT_FALSE(ParseJson(std::string(1'000'000, '[')).has_value());
  EXPECT_FALSE(ParseJson(Nested(100'000, false)).has_value());
}

TEST(FastJsonStrict, NestingLimitAdmitsDeepestDynamoDbReply) {
  // An item attribute nested 32 levels deep (alternating M and L) inside
  // BatchGetItem's envelope, the deepest a DynamoDB reply gets.
  std::string value = R"({"S":"leaf"})";
  for (int level = 0; level < 32; ++level) {
    value = level % 2 ? R"({"L":[)" + value + "]}" : R"({"M":{"k":)" + value + "}}";
  }
  const std::string reply =
      R"({"Responses":{"table":[{"pk":)" + value + R"(}]},"UnprocessedKeys":{}})";
  const auto parsed = ParseJson(reply);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, Json::parse(reply));
}

// Documents from a seeded generator.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return static_cast<size_t>(rng_() % n); }
  bool OneIn(size_t n) { return Below(n) == 0; }

  std::string Document() {
    std::string out;
    Space(out);
    Value(out, 0);
    Space(out);
    return out;
  }

  // 1 to 3 random edits; the result may or may not still be valid JSON.
  std::string Mutate(std::string text) {
    static const std::vector<std::string> kSnippets = {
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "0",
        "01",
        "1.",
        ".5",
        "1e",
        "-",
        "+1",
        "e",
        "E",
        "1e400",
        "\\u",
        "\\ud800",
        "\\udc00",
        "\\x",
        "true",
        "nul",
        " ",
        "\t",
        "\n",
        std::string(1, '\0'),
        "\x1f",
        "\x7f",
        "\x80",
        "\xc0\xaf",
        "\xed\xa0\x80",
        "\xf4\x90\x80\x80",
        "\xff",
        "\xc3",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
    };
    const size_t edits = 1 + Below(3);
    for (size_t e = 0; e < edits; ++e) {
      const size_t at = text.empty() ? 0 : Below(text.size() + 1);
      switch (Below(5)) {
        case 0:  // delete a few bytes
          if (!text.empty() && at < text.size()) text.erase(at, 1 + Below(3));
          break;
        case 1:  // insert a snippet
          text.insert(at, kSnippets[Below(kSnippets.size())]);
          break;
        case 2:  // overwrite a byte with a snippet
          if (at < text.size()) {
            text.replace(at, 1, kSnippets[Below(kSnippets.size())]);
          }
          break;
        case 3:  // truncate
          text.resize(at);
          break;
        default:  // flip a bit
          if (at < text.size()) text[at] = static_cast<char>(text[at] ^ (1 << Below(8)));
          break;
      }
    }
    return text;
  }

 private:
  void Space(std::string& out) {
    static const char kSpace[] = {' ', '\t', '\n', '\r'};
    while (OneIn(4)) out += kSpace[Below(4)];
  }

  void Value(std::string& out, int depth) {
    const size_t kind = depth >= 6 ? Below(5) : Below(8);
    switch (kind) {
      case 0:
        out += "null";
        return;
      case 1:
        out += OneIn(2) ? "true" : "false";
        return;
      case 2:
      case 3:
        Number(out);
        return;
      case 4:
        String(out);
        return;
      case 5:
      case 6: {
        out += '[';
        const size_t n = Below(5);
        for (size_t i = 0; i < n; ++i) {
          if (i) out += ',';
          Space(out);
          Value(out, depth + 1);
          Space(out);
        }
        out += ']';
        return;
      }
      default: {
        out += '{';
        const size_t n = Below(5);
        std::vector<std::string> keys;
        for (size_t i = 0; i < n; ++i) {
          if (i) out += ',';
          Space(out);
          std::string key;
          if (!keys.empty() && OneIn(5)) {
            key = keys[Below(keys.size())];  // a duplicate key
          } else {
            String(key);
            keys.push_back(key);
          }
          out += key;
          Space(out);
          out += ':';
          Space(out);
          Value(out, depth + 1);
          Space(out);
        }
        out += '}';
        return;
      }
    }
  }

  void Digits(std::string& out, size_t n) {
    for (size_t i = 0; i < n; ++i) out += static_cast<char>('0' + Below(10));
  }

  void Number(std::string& out) {
    static const std::vector<std::string> kEdges = {
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-0",
        "-0.0",
        "0e0",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "4.9e-324",
        "2.4e-324",
        "2.5e-324",
        "1e-400",
        "-1e-400",
        "1e308",
        "1e309",
        "0.1",
        "5e-324",
        "2.2250738585072014e-308",
    };
    if (OneIn(8)) {
      out += kEdges[Below(kEdges.size())];
      return;
    }
    if (OneIn(2)) out += '-';
    if (OneIn(4)) {
      out += '0';
    } else {
      out += static_cast<char>('1' + Below(9));
      Digits(out, OneIn(6) ? 15 + Below(15) : Below(6));
    }
    if (OneIn(3)) {
      out += '.';
      Digits(out, 1 + Below(OneIn(5) ? 25 : 5));
    }
    if (OneIn(3)) {
      out += OneIn(2) ? 'e' : 'E';
      if (OneIn(2)) out += OneIn(2) ? '+' : '-';
      Digits(out, 1 + Below(3));
    }
  }

  void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // A code point that is not a surrogate, spread over all UTF-8 lengths.
  uint32_t CodePoint() {
    switch (Below(4)) {
      case 0:
        return static_cast<uint32_t>(0x20 + Below(0x60));
      case 1:
        return static_cast<uint32_t>(0x80 + Below(0x780));
      case 2: {
        uint32_t cp = static_cast<uint32_t>(0x800 + Below(0xF800));
        return cp >= 0xD800 && cp <= 0xDFFF ? cp - 0x800 : cp;
      }
      default:
        return static_cast<uint32_t>(0x10000 + Below(0x100000));
    }
  }

  void Hex4(std::string& out, uint32_t value) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), OneIn(2) ? "\\u%04x" : "\\u%04X", value);
    out += hex;
  }

  void String(std::string& out) {
    out += '"';
    const size_t n = Below(OneIn(8) ? 40 : 8);
    for (size_t i = 0; i < n; ++i) {
      switch (Below(6)) {
        case 0:
        case 1: {  // plain ASCII, but never a quote or backslash
          char c = static_cast<char>(0x20 + Below(0x5f));
          out += c == '"' || c == '\\' ? 'q' : c;
          break;
        }
        case 2: {
          static const char* kEscapes[] = {"\\\"", "\\\\", "\\/", "\\b",
                                           "\\f",  "\\n",  "\\r", "\\t"};
          out += kEscapes[Below(8)];
          break;
        }
        case 3: {  // \u escape of a code point, as a pair above the BMP
          const uint32_t cp = OneIn(8) ? static_cast<uint32_t>(Below(0x20)) : CodePoint();
          if (cp >= 0x10000) {
            Hex4(out, 0xD800 + ((cp - 0x10000) >> 10));
            Hex4(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
          } else {
            Hex4(out, cp);
          }
          break;
        }
        default:  // raw UTF-8
          AppendUtf8(out, CodePoint());
          break;
      }
    }
    out += '"';
  }

  std::mt19937_64 rng_;
};

TEST(FastJsonDifferential, AgreesWithNlohmannOnGeneratedDocuments) {
  Generator generator(20240229);
  size_t accepted = 0, rejected = 0, mutated_accepted = 0;
  auto check = [&](const std::string& text, bool generated_valid) {
    const auto fast = ParseJson(text);
    const Json slow = Json::parse(text, nullptr, false);
    if (slow.is_discarded() || StricterThanNlohmann(text)) {
      EXPECT_FALSE(fast.has_value()) << "fast_json accepts: " << Printable(text);
      ++rejected;
      return;
    }
    ASSERT_TRUE(fast.has_value()) << "fast_json rejects: " << Printable(text);
    EXPECT_EQ(Dump(*fast), Dump(slow)) << Printable(text);
    EXPECT_TRUE(Identical(*fast, slow)) << Printable(text);
    ++accepted;
    if (!generated_valid) ++mutated_accepted;
  };
  for (int i = 0; i < 4000; ++i) {
    const std::string document = generator.Document();
    check(document, true);
    for (int m = 0; m < 2; ++m) check(generator.Mutate(document), false);
  }
  // The generator exercises both sides.
  EXPECT_GT(accepted, 4000u);
  EXPECT_GT(rejected, 3000u);
  EXPECT_GT(mutated_accepted, 200u);
}

}  // namespace
}  // namespace mem0::dynamodb
