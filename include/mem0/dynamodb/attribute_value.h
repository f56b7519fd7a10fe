// AttributeValue: one DynamoDB value (S, N, B, BOOL, NULL, M, L, SS, NS, BS)
// as a plain value type.
//
// Numbers are kept as the decimal strings DynamoDB sends, so 38 significant
// digits and exponents from -130 to +125 survive untouched. Binary values hold
// raw bytes; base64 is only the wire form.
//
// Thread-safety: a value type; concurrent const access is safe.
#ifndef MEM0_DYNAMODB_ATTRIBUTE_VALUE_H_
#define MEM0_DYNAMODB_ATTRIBUTE_VALUE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mem0/core/result.h"

namespace mem0::dynamodb {

class AttributeValue;
using Item = std::map<std::string, AttributeValue>;  // also used for M
using AttributeList = std::vector<AttributeValue>;   // L

class AttributeValue {
 public:
  enum class Type { kS, kN, kB, kBool, kNull, kM, kL, kSS, kNS, kBS };

  struct Number {
    std::string digits;
    bool operator==(const Number&) const = default;
  };
  struct Binary {
    std::string bytes;
    bool operator==(const Binary&) const = default;
  };
  struct Null {
    bool operator==(const Null&) const = default;
  };
  struct StringSet {
    std::vector<std::string> values;
    bool operator==(const StringSet&) const = default;
  };
  struct NumberSet {
    std::vector<std::string> values;
    bool operator==(const NumberSet&) const = default;
  };
  struct BinarySet {
    std::vector<std::string> values;
    bool operator==(const BinarySet&) const = default;
  };

  AttributeValue() : value_(Null{}) {}

  static AttributeValue S(std::string s) { return AttributeValue(std::move(s)); }
  static AttributeValue N(std::string decimal) {
    return AttributeValue(Number{std::move(decimal)});
  }
  static AttributeValue N(int64_t n) { return AttributeValue(Number{std::to_string(n)}); }
  static AttributeValue B(std::string bytes) { return AttributeValue(Binary{std::move(bytes)}); }
  static AttributeValue Bool(bool b) { return AttributeValue(b); }
  static AttributeValue Nul() { return AttributeValue(Null{}); }
  static AttributeValue M(Item m) { return AttributeValue(std::move(m)); }
  static AttributeValue L(AttributeList l) { return AttributeValue(std::move(l)); }
  static AttributeValue SS(std::vector<std::string> v) {
    return AttributeValue(StringSet{std::move(v)});
  }
  static AttributeValue NS(std::vector<std::string> v) {
    return AttributeValue(NumberSet{std::move(v)});
  }
  static AttributeValue BS(std::vector<std::string> v) {
    return AttributeValue(BinarySet{std::move(v)});
  }

  Type type() const { return static_cast<Type>(value_.index()); }
  bool is_s() const { return type() == Type::kS; }
  bool is_n() const { return type() == Type::kN; }

  // Accessors; calling the wrong one throws std::bad_variant_access (a bug).
  const std::string& s() const { return std::get<std::string>(value_); }
  const std::string& n() const { return std::get<Number>(value_).digits; }
  const std::string& b() const { return std::get<Binary>(value_).bytes; }
  bool boolean() const { return std::get<bool>(value_); }
  const Item& m() const { return std::get<Item>(value_); }
  const AttributeList& l() const { return std::get<AttributeList>(value_); }
  const std::vector<std::string>& ss() const { return std::get<StringSet>(value_).values; }
  const std::vector<std::string>& ns() const { return std::get<NumberSet>(value_).values; }
  const std::vector<std::string>& bs() const { return std::get<BinarySet>(value_).values; }

  bool operator==(const AttributeValue& other) const { return value_ == other.value_; }

  // A compact debug rendering in DynamoDB's JSON form, e.g. {"S":"x"}.
  std::string DebugString() const;

 private:
  using Variant = std::variant<std::string, Number, Binary, bool, Null, Item, AttributeList,
                               StringSet, NumberSet, BinarySet>;
  template <typename T>
  explicit AttributeValue(T v) : value_(std::move(v)) {}

  Variant value_;
};

// Helpers for the common scalar lookups in an item; nullptr when absent or of
// another type.
const std::string* GetString(const Item& item, std::string_view name);
const std::string* GetNumber(const Item& item, std::string_view name);

// A number attribute as int64 (decimals truncated toward zero) or double:
// nullopt when absent; kCorruption naming the attribute when it has another
// type or its value does not fit. Never 0 or a wrapped value for bad data.
Result<std::optional<int64_t>> GetInt64(const Item& item, std::string_view name);
Result<std::optional<double>> GetDouble(const Item& item, std::string_view name);

// True when `decimal` is a number DynamoDB accepts: at most 38 significant
// digits, magnitude 1E-130 to 9.9999999999999999999999999999999999999E+125
// (or zero).
bool IsValidNumber(std::string_view decimal);

// One spelling per numeric value ("1.5E2" for "150", "0150.0", "1.50E+2"),
// for comparing numbers that DynamoDB returns normalised. nullopt when not a
// decimal number.
std::optional<std::string> CanonicalNumber(std::string_view decimal);

}  // namespace mem0::dynamodb

#endif  // MEM0_DYNAMODB_ATTRIBUTE_VALUE_H_
