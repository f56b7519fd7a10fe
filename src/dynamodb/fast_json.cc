#include "dynamodb/fast_json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace mem0::dynamodb {
namespace {

using Json = nlohmann::json;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the well-formed UTF-8 sequence at `p` (RFC 3629, Table 3-7 of
// the Unicode standard), or 0 if it is not one. `p` points at a byte >= 0x80.
size_t Utf8SequenceLength(const char* p, const char* end) {
  auto byte = [&](size_t i) -> unsigned { return static_cast<unsigned char>(p[i]); };
  const size_t available = static_cast<size_t>(end - p);
  auto continuation = [&](size_t i, unsigned low = 0x80, unsigned high = 0xBF) {
    return i < available && byte(i) >= low && byte(i) <= high;
  };
  const unsigned lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;  // no UTF-16 surrogates
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;  // a continuation byte, 0xC0/0xC1 or 0xF5..0xFF
}

class Parser {
 public:
  explicit Parser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Iterative: `open` holds the containers not yet closed, innermost last.
  // A pointer to a container stays valid while it is open, because only the
  // innermost container grows.
  bool ParseDocument(Json& out) {
    std::array<Json*, kMaxJsonDepth> open;
    size_t depth = 0;
    Json* slot = &out;  // where the next value goes
    while (true) {
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '{' || c == '[') {
        if (depth == kMaxJsonDepth) return false;
        ++p_;
        *slot = c == '{' ? Json(Json::value_t::object) : Json(Json::value_t::array);
        open[depth++] = slot;
        SkipSpace();
        if (p_ < end_ && *p_ == (c == '{' ? '}' : ']')) {
          ++p_;
          --depth;
        } else {
          slot = c == '{' ? MemberSlot(*slot) : ElementSlot(*slot);
          if (slot == nullptr) return false;
          continue;
        }
      } else if (!ParseScalar(*slot)) {
        return false;
      }
      // A value is complete: a comma opens the next slot of the innermost
      // container, a bracket closes it.
      while (true) {
        SkipSpace();
        if (depth == 0) return p_ == end_;
        if (p_ == end_) return false;
        Json& container = *open[depth - 1];
        const bool object = container.is_object();
        if (*p_ == ',') {
          ++p_;
          slot = object ? MemberSlot(container) : ElementSlot(container);
          if (slot == nullptr) return false;
          break;
        }
        if (*p_ != (object ? '}' : ']')) return false;
        ++p_;
        --depth;
      }
    }
  }

 private:
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // `"key" :` of the next member; the slot for its value (a duplicate key
  // reuses its slot: the last value wins).
  Json* MemberSlot(Json& object) {
    SkipSpace();
    if (p_ == end_ || *p_ != '"') return nullptr;
    std::string key;
    if (!ParseString(key)) return nullptr;
    SkipSpace();
    if (p_ == end_ || *p_ != ':') return nullptr;
    ++p_;
    return &object[std::move(key)];
  }

  static Json* ElementSlot(Json& array) {
    array.push_back(nullptr);
    return &array.back();
  }

  bool Literal(const char* word, size_t length) {
    if (static_cast<size_t>(end_ - p_) < length || std::memcmp(p_, word, length) != 0) return false;
    p_ += length;
    return true;
  }

  bool ParseScalar(Json& out) {
    switch (*p_) {
      case '"': {
        std::string s;
        if (!ParseString(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        out = true;
        return Literal("true", 4);
      case 'f':
        out = false;
        return Literal("false", 5);
      case 'n':
        out = nullptr;
        return Literal("null", 4);
      default:
        return ParseNumber(out);
    }
  }

  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool Hex4(uint32_t& value) {
    if (end_ - p_ < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      int d = HexDigit(p_[i]);
      if (d < 0) return false;
      value = value * 16 + static_cast<uint32_t>(d);
    }
    p_ += 4;
    return true;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
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

  // Copies runs between escapes in bulk: the point of this parser. Bytes
  // >= 0x80 are checked as UTF-8 sequences in place.
  bool ParseString(std::string& out) {
    ++p_;  // opening quote
    while (true) {
      const char* run = p_;
      while (p_ < end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
          ++p_;
        } else if (c >= 0x80) {
          const size_t length = Utf8SequenceLength(p_, end_);
          if (length == 0) return false;
          p_ += length;
        } else {
          break;
        }
      }
      out.append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      ++p_;  // backslash
      if (p_ == end_) return false;
      switch (*p_++) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair
            uint32_t low;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
  }

  // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool ParseNumber(Json& out) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    const char* integer = p_;
    if (*p_ == '0') {
      ++p_;  // a leading zero stands alone: "01" leaves "1" as trailing garbage
    } else {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    const char* integer_end = p_;
    bool integral = true;
    const char* fraction = p_;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      fraction = ++p_;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
      if (p_ == fraction) return false;
    }
    const char* fraction_end = p_;
    long long exponent = 0;
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      bool exponent_negative = false;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) exponent_negative = *p_++ == '-';
      const char* digits = p_;
      for (; p_ < end_ && IsDigit(*p_); ++p_) {
        if (exponent < 1'000'000'000) exponent = exponent * 10 + (*p_ - '0');  // saturates
      }
      if (p_ == digits) return false;
      if (exponent_negative) exponent = -exponent;
    }
    if (integral) {
      // As nlohmann: uint64 when non-negative, int64 when negative, double
      // when it fits neither.
      if (negative) {
        int64_t value;
        if (std::from_chars(start, p_, value).ec == std::errc()) {
          out = value;
          return true;
        }
      } else {
        uint64_t value;
        if (std::from_chars(start, p_, value).ec == std::errc()) {
          out = value;
          return true;
        }
      }
    }
    double value;
    const auto [end, ec] = std::from_chars(start, p_, value);
    if (ec == std::errc::result_out_of_range) {
      // Too large (an error: JSON has no infinity) or too small (rounds to
      // zero, as strtod does). The decimal exponent of the first significant
      // digit tells which.
      long long lead = 0;
      const char* first = integer;
      while (first < integer_end && *first == '0') ++first;
      if (first < integer_end) {
        lead = integer_end - first - 1;
      } else {
        const char* digit = fraction;
        while (digit < fraction_end && *digit == '0') ++digit;
        if (digit == fraction_end) return false;  // zero cannot be out of range
        lead = -(digit - fraction) - 1;
      }
      if (lead + exponent >= 0) return false;
      out = negative ? -0.0 : 0.0;
      return true;
    }
    if (ec != std::errc() || end != p_ || !std::isfinite(value)) return false;
    out = value;
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

std::optional<nlohmann::json> ParseJson(std::string_view text) {
  Json out;
  if (!Parser(text).ParseDocument(out)) return std::nullopt;
  return out;
}

}  // namespace mem0::dynamodb
