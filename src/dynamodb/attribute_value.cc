#include "mem0/dynamodb/attribute_value.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "core/encoding.h"

namespace mem0::dynamodb {
namespace {

std::string QuotedList(const std::vector<std::string>& values, bool base64) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    out += JsonQuote(base64 ? Base64Encode(values[i]) : values[i]);
  }
  return out + "]";
}

}  // namespace

std::string AttributeValue::DebugString() const {
  switch (type()) {
    case Type::kS:
      return "{\"S\":" + JsonQuote(s()) + "}";
    case Type::kN:
      return "{\"N\":" + JsonQuote(n()) + "}";
    case Type::kB:
      return "{\"B\":" + JsonQuote(Base64Encode(b())) + "}";
    case Type::kBool:
      return boolean() ? "{\"BOOL\":true}" : "{\"BOOL\":false}";
    case Type::kNull:
      return "{\"NULL\":true}";
    case Type::kM: {
      std::string out = "{\"M\":{";
      bool first = true;
      for (const auto& [name, value] : m()) {
        if (!first) out += ",";
        first = false;
        out += JsonQuote(name) + ":" + value.DebugString();
      }
      return out + "}}";
    }
    case Type::kL: {
      std::string out = "{\"L\":[";
      for (size_t i = 0; i < l().size(); ++i) {
        if (i) out += ",";
        out += l()[i].DebugString();
      }
      return out + "]}";
    }
    case Type::kSS:
      return "{\"SS\":" + QuotedList(ss(), false) + "}";
    case Type::kNS:
      return "{\"NS\":" + QuotedList(ns(), false) + "}";
    case Type::kBS:
      return "{\"BS\":" + QuotedList(bs(), true) + "}";
  }
  return "{}";
}

const std::string* GetString(const Item& item, std::string_view name) {
  auto it = item.find(std::string(name));
  if (it == item.end() || !it->second.is_s()) return nullptr;
  return &it->second.s();
}

const std::string* GetNumber(const Item& item, std::string_view name) {
  auto it = item.find(std::string(name));
  if (it == item.end() || !it->second.is_n()) return nullptr;
  return &it->second.n();
}

namespace {

Error BadNumber(std::string_view name, std::string_view why) {
  return MakeError(ErrorCode::kCorruption,
                   "attribute " + std::string(name) + " " + std::string(why));
}

}  // namespace

Result<std::optional<double>> GetDouble(const Item& item, std::string_view name) {
  auto it = item.find(std::string(name));
  if (it == item.end()) return std::optional<double>();
  if (!it->second.is_n()) return BadNumber(name, "is not a number");
  const std::string& text = it->second.n();
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return BadNumber(name, "is not a finite number");
  }
  return std::optional<double>(value);
}

Result<std::optional<int64_t>> GetInt64(const Item& item, std::string_view name) {
  auto it = item.find(std::string(name));
  if (it == item.end()) return std::optional<int64_t>();
  if (!it->second.is_n()) return BadNumber(name, "is not a number");
  const std::string& text = it->second.n();
  int64_t whole = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec == std::errc() && end == text.data() + text.size()) return std::optional<int64_t>(whole);
  // Decimals and exponents (other writers' timestamps): truncate when in range.
  MEM0_ASSIGN_OR_RETURN(std::optional<double> value, GetDouble(item, name));
  constexpr double kLimit = 9223372036854775808.0;  // 2^63
  if (*value >= kLimit || *value < -kLimit) return BadNumber(name, "is out of the int64 range");
  return std::optional<int64_t>(static_cast<int64_t>(*value));
}

namespace {

// A decimal as sign, significant digits (no leading or trailing zeros) and
// the power of ten of the first digit.
struct DecimalParts {
  bool negative = false;
  std::string digits;  // empty for zero
  long long exponent = 0;
};

// Largest |exponent| of a number in its normalised form (d.ddd x 10^e): far
// beyond DynamoDB's range (-130..125), and it bounds the arithmetic. Applied
// to the normalised exponent, so every canonical form reads back the same.
constexpr long long kMaxDecimalExponent = 100000;

std::optional<DecimalParts> ParseDecimal(std::string_view text) {
  DecimalParts parts;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) parts.negative = text[i++] == '-';
  long long point_shift = 0;  // digits seen after '.'
  bool any_digit = false, seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      any_digit = true;
      if (seen_point) ++point_shift;
      if (parts.digits.empty() && c == '0') continue;
      parts.digits += c;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  long long exponent = 0;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
    ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 1'000'000'000) return std::nullopt;  // keeps the sums below from overflowing
    }
    if (negative) exponent = -exponent;
  }
  if (parts.digits.empty()) {
    parts.negative = false;
    return parts;
  }
  // value = 0.digits x 10^(integer digit count); integer digit count is
  // digits.size() - (digits after the point that are significant).
  parts.exponent = exponent - point_shift + static_cast<long long>(parts.digits.size()) - 1;
  if (parts.exponent > kMaxDecimalExponent || parts.exponent < -kMaxDecimalExponent) {
    return std::nullopt;
  }
  while (parts.digits.size() > 1 && parts.digits.back() == '0') parts.digits.pop_back();
  return parts;
}

}  // namespace

bool IsValidNumber(std::string_view text) {
  auto parts = ParseDecimal(text);
  if (!parts) return false;
  if (parts->digits.empty()) return true;  // zero
  return parts->digits.size() <= 38 && parts->exponent >= -130 && parts->exponent <= 125;
}

std::optional<std::string> CanonicalNumber(std::string_view text) {
  auto parts = ParseDecimal(text);
  if (!parts) return std::nullopt;
  if (parts->digits.empty()) return std::string("0");
  std::string out = parts->negative ? "-" : "";
  out += parts->digits[0];
  if (parts->digits.size() > 1) out.append(".").append(parts->digits, 1);
  out.append("E").append(std::to_string(parts->exponent));
  return out;
}

}  // namespace mem0::dynamodb
