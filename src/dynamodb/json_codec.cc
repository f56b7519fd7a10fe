#include "dynamodb/json_codec.h"

#include "core/encoding.h"

namespace mem0::dynamodb {
namespace {

using Json = nlohmann::json;

// Attributes may nest 32 levels in DynamoDB. JSON from ParseJson is bounded
// already; this bounds the recursion below for JSON from anywhere else.
constexpr int kMaxNesting = 64;

// Below, an error's message is "<path>: <what>", the path empty at first and
// prefixed by each enclosing level on the way out (Within), so the final
// message names the attribute that was wrong: "a.b[2]: S is not a string".
Error Malformed(const std::string& what) {
  return MakeError(ErrorCode::kServiceError, ": " + what, "SerializationException");
}

Error Within(Error error, const std::string& step) {
  const char first = error.message.empty() ? ':' : error.message.front();
  error.message.insert(0, first == ':' || first == '[' ? step : step + ".");
  return error;
}

Error Finished(Error error) {
  error.message.insert(0, error.message.starts_with(":") ? "malformed AttributeValue"
                                                         : "malformed AttributeValue at ");
  return error;
}

Json StringArray(const std::vector<std::string>& values, bool base64) {
  Json out = Json::array();
  for (const auto& v : values) out.push_back(base64 ? Base64Encode(v) : v);
  return out;
}

Result<std::vector<std::string>> ReadStringArray(const Json& json, bool base64,
                                                 bool number = false) {
  if (!json.is_array()) return Malformed("set is not an array");
  std::vector<std::string> out;
  out.reserve(json.size());
  for (const auto& element : json) {
    if (!element.is_string()) return Malformed("set element is not a string");
    if (number && !IsValidNumber(element.get_ref<const std::string&>())) {
      return Malformed("NS element is not a number");
    }
    if (base64) {
      auto bytes = Base64Decode(element.get_ref<const std::string&>());
      if (!bytes) return Malformed("invalid base64 in BS");
      out.push_back(std::move(*bytes));
    } else {
      out.push_back(element.get_ref<const std::string&>());
    }
  }
  return out;
}

}  // namespace

Json ToJson(const AttributeValue& value) {
  using Type = AttributeValue::Type;
  switch (value.type()) {
    case Type::kS:
      return Json{{"S", value.s()}};
    case Type::kN:
      return Json{{"N", value.n()}};
    case Type::kB:
      return Json{{"B", Base64Encode(value.b())}};
    case Type::kBool:
      return Json{{"BOOL", value.boolean()}};
    case Type::kNull:
      return Json{{"NULL", true}};
    case Type::kM:
      return Json{{"M", ToJson(value.m())}};
    case Type::kL: {
      Json list = Json::array();
      for (const auto& element : value.l()) list.push_back(ToJson(element));
      return Json{{"L", std::move(list)}};
    }
    case Type::kSS:
      return Json{{"SS", StringArray(value.ss(), false)}};
    case Type::kNS:
      return Json{{"NS", StringArray(value.ns(), false)}};
    case Type::kBS:
      return Json{{"BS", StringArray(value.bs(), true)}};
  }
  return Json::object();
}

Json ToJson(const Item& item) {
  Json out = Json::object();
  for (const auto& [name, value] : item) out[name] = ToJson(value);
  return out;
}

namespace {

Result<AttributeValue> ValueFromJson(const Json& json, int depth);

Result<Item> MapFromJson(const Json& json, int depth) {
  if (!json.is_object()) return Malformed("item is not an object");
  Item item;
  for (const auto& [name, value] : json.items()) {
    auto parsed = ValueFromJson(value, depth);
    if (!parsed.ok()) return Within(std::move(parsed).error(), name);
    item.emplace(name, std::move(parsed).value());
  }
  return item;
}

Result<AttributeValue> ValueFromJson(const Json& json, int depth) {
  if (depth > kMaxNesting)
    return Malformed("nested more than " + std::to_string(kMaxNesting) + " levels");
  if (!json.is_object() || json.size() != 1) return Malformed("expected one type key");
  const auto entry = json.begin();
  const std::string& tag = entry.key();
  const Json& body = entry.value();
  if (tag == "S") {
    if (!body.is_string()) return Malformed("S is not a string");
    return AttributeValue::S(body.get_ref<const std::string&>());
  }
  if (tag == "N") {
    if (!body.is_string()) return Malformed("N is not a string");
    if (!IsValidNumber(body.get_ref<const std::string&>())) return Malformed("N is not a number");
    return AttributeValue::N(body.get_ref<const std::string&>());
  }
  if (tag == "B") {
    if (!body.is_string()) return Malformed("B is not a string");
    auto bytes = Base64Decode(body.get_ref<const std::string&>());
    if (!bytes) return Malformed("invalid base64 in B");
    return AttributeValue::B(std::move(*bytes));
  }
  if (tag == "BOOL") {
    if (!body.is_boolean()) return Malformed("BOOL is not a boolean");
    return AttributeValue::Bool(body.get<bool>());
  }
  if (tag == "NULL") {
    if (body != true) return Malformed("NULL is not true");
    return AttributeValue::Nul();
  }
  if (tag == "M") {
    MEM0_ASSIGN_OR_RETURN(Item map, MapFromJson(body, depth + 1));
    return AttributeValue::M(std::move(map));
  }
  if (tag == "L") {
    if (!body.is_array()) return Malformed("L is not an array");
    AttributeList list;
    list.reserve(body.size());
    for (const auto& element : body) {
      auto value = ValueFromJson(element, depth + 1);
      if (!value.ok()) {
        return Within(std::move(value).error(), "[" + std::to_string(list.size()) + "]");
      }
      list.push_back(std::move(value).value());
    }
    return AttributeValue::L(std::move(list));
  }
  if (tag == "SS" || tag == "NS" || tag == "BS") {
    MEM0_ASSIGN_OR_RETURN(auto values, ReadStringArray(body, tag == "BS", tag == "NS"));
    if (tag == "SS") return AttributeValue::SS(std::move(values));
    if (tag == "NS") return AttributeValue::NS(std::move(values));
    return AttributeValue::BS(std::move(values));
  }
  return Malformed("unknown type " + tag);
}

}  // namespace

Result<AttributeValue> AttributeValueFromJson(const Json& json) {
  auto value = ValueFromJson(json, 0);
  if (!value.ok()) return Finished(std::move(value).error());
  return value;
}

Result<Item> ItemFromJson(const Json& json) {
  auto item = MapFromJson(json, 0);
  if (!item.ok()) return Finished(std::move(item).error());
  return item;
}

}  // namespace mem0::dynamodb
