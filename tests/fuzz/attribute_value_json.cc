// DynamoDB reply JSON: the fast parser (checked against nlohmann), the
// AttributeValue/Item codec (round trip) and the number helpers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dynamodb/fast_json.h"
#include "dynamodb/json_codec.h"
#include "mem0/dynamodb/attribute_value.h"

using mem0::dynamodb::Item;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // Numbers as a DynamoDB N value would carry them.
  if (size < 64) {
    // CanonicalNumber reads any decimal; IsValidNumber adds DynamoDB's
    // limits. So: valid implies a canonical form, and that form is stable.
    bool valid = mem0::dynamodb::IsValidNumber(text);
    auto canonical = mem0::dynamodb::CanonicalNumber(text);
    if (valid && !canonical) std::abort();
    if (canonical && mem0::dynamodb::CanonicalNumber(*canonical) != canonical) std::abort();
  }

  auto parsed = mem0::dynamodb::ParseJson(text);
  if (!parsed) return 0;
  // Whatever the fast parser accepts, nlohmann accepts as the same value.
  auto reference = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (reference.is_discarded() || reference != *parsed) std::abort();

  auto item = mem0::dynamodb::ItemFromJson(*parsed);
  if (item.ok()) {
    // What was read writes back and reads again as the same item.
    auto again = mem0::dynamodb::ItemFromJson(mem0::dynamodb::ToJson(*item));
    if (!again.ok() || *again != *item) std::abort();
    for (const auto& [name, value] : *item) {
      (void)mem0::dynamodb::GetString(*item, name);
      (void)mem0::dynamodb::GetInt64(*item, name);
      (void)mem0::dynamodb::GetDouble(*item, name);
      (void)value.DebugString();
    }
  }
  auto value = mem0::dynamodb::AttributeValueFromJson(*parsed);
  if (value.ok()) {
    auto again = mem0::dynamodb::AttributeValueFromJson(mem0::dynamodb::ToJson(*value));
    if (!again.ok() || *again != *value) std::abort();
  }
  return 0;
}
