// DynamoDB JSON wire form <-> AttributeValue / Item, with nlohmann::json.
// Internal to the client and the stores.
#ifndef MEM0_SRC_DYNAMODB_JSON_CODEC_H_
#define MEM0_SRC_DYNAMODB_JSON_CODEC_H_

#include <nlohmann/json.hpp>

#include "mem0/core/result.h"
#include "mem0/dynamodb/attribute_value.h"

namespace mem0::dynamodb {

nlohmann::json ToJson(const AttributeValue& value);
nlohmann::json ToJson(const Item& item);
Result<AttributeValue> AttributeValueFromJson(const nlohmann::json& json);
Result<Item> ItemFromJson(const nlohmann::json& json);

}  // namespace mem0::dynamodb

#endif  // MEM0_SRC_DYNAMODB_JSON_CODEC_H_
