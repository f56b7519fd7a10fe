// The CloudFormation template of the two tables.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "mem0/provision/provisioning.h"
#include "provision/provision_internal.h"

namespace mem0::provision {
namespace {

// ---------------------------------------------------------------------------
// CloudFormation

Json Ref(const std::string& name) { return Json{{"Ref", name}}; }
Json NoValue() { return Ref("AWS::NoValue"); }
Json If(const std::string& condition, Json then, Json otherwise) {
  return Json{{"Fn::If", Json::array({condition, std::move(then), std::move(otherwise)})}};
}

Json CfnKeySchema(const KeyElement& hash, const std::optional<KeyElement>& range) {
  Json schema = Json::array({Json{{"AttributeName", hash.name}, {"KeyType", "HASH"}}});
  if (range) schema.push_back(Json{{"AttributeName", range->name}, {"KeyType", "RANGE"}});
  return schema;
}

Json CfnTableResource(const TableSpec& spec, const TablesConfig& config,
                      const std::string& name_parameter) {
  const CreateTableRequest& request = spec.request;
  Json properties;
  properties["TableName"] = Ref(name_parameter);
  properties["BillingMode"] = Ref("BillingMode");
  properties["ProvisionedThroughput"] = If("Provisioned",
                                           Json{{"ReadCapacityUnits", Ref("ReadCapacityUnits")},
                                                {"WriteCapacityUnits", Ref("WriteCapacityUnits")}},
                                           NoValue());
  Json definitions = Json::array();
  for (const auto& key : KeyAttributes(request)) {
    definitions.push_back(
        Json{{"AttributeName", key.name}, {"AttributeType", dynamodb::ScalarTypeName(key.type)}});
  }
  properties["AttributeDefinitions"] = std::move(definitions);
  properties["KeySchema"] = CfnKeySchema(request.hash_key, request.range_key);
  if (!request.global_secondary_indexes.empty()) {
    Json indexes = Json::array();
    for (const auto& gsi : request.global_secondary_indexes) {
      indexes.push_back(Json{
          {"IndexName", gsi.name},
          {"KeySchema", CfnKeySchema(gsi.hash_key, gsi.range_key)},
          {"Projection", Json{{"ProjectionType", gsi.projection_type}}},
          {"ProvisionedThroughput", If("Provisioned",
                                       Json{{"ReadCapacityUnits", Ref("GsiReadCapacityUnits")},
                                            {"WriteCapacityUnits", Ref("GsiWriteCapacityUnits")}},
                                       NoValue())}});
    }
    properties["GlobalSecondaryIndexes"] = std::move(indexes);
  }
  properties["SSESpecification"] =
      If("UseKms",
         Json{{"SSEEnabled", true},
              {"SSEType", "KMS"},
              {"KMSMasterKeyId", If("UseCustomerKey", Ref("KmsKey"), NoValue())}},
         Json{{"SSEEnabled", false}});
  if (spec.is_conversation) {
    properties["TimeToLiveSpecification"] =
        If("TtlOn", Json{{"AttributeName", Ref("TtlAttributeName")}, {"Enabled", true}}, NoValue());
  }
  properties["PointInTimeRecoverySpecification"] =
      Json{{"PointInTimeRecoveryEnabled", config.point_in_time_recovery}};
  properties["DeletionProtectionEnabled"] = config.deletion_protection;
  if (!config.table_class.empty()) properties["TableClass"] = config.table_class;
  if (!config.tags.empty()) {
    Json tags = Json::array();
    for (const auto& [key, value] : config.tags)
      tags.push_back(Json{{"Key", key}, {"Value", value}});
    properties["Tags"] = std::move(tags);
  }
  // Retain: deleting the stack must not delete conversation history.
  return Json{{"Type", "AWS::DynamoDB::Table"},
              {"DeletionPolicy", "Retain"},
              {"UpdateReplacePolicy", "Retain"},
              {"Properties", std::move(properties)}};
}

Json CapacityParameter(const std::string& description, int64_t value) {
  return Json{{"Type", "Number"},
              {"Default", value},
              {"MinValue", 1},
              {"Description", description + " (used only with PROVISIONED)"}};
}

Result<Json> CloudFormationDocument(const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  const auto specs = Specs(config);
  const std::string name_pattern = "[a-zA-Z0-9_.-]{3,255}";
  Json parameters;
  parameters["ConversationTableName"] =
      Json{{"Type", "String"},
           {"Default", config.conversation_table},
           {"AllowedPattern", name_pattern},
           {"Description", "Conversation table (user_id HASH, conversation_id RANGE)"}};
  parameters["GraphTableName"] = Json{{"Type", "String"},
                                      {"Default", config.graph_table},
                                      {"AllowedPattern", name_pattern},
                                      {"Description", "Graph table (node_id HASH, edge_id RANGE)"}};
  parameters["TtlEnabled"] = Json{{"Type", "String"},
                                  {"Default", config.ttl_enabled ? "true" : "false"},
                                  {"AllowedValues", Json::array({"true", "false"})},
                                  {"Description", "Expire conversations through DynamoDB TTL"}};
  parameters["TtlAttributeName"] = Json{{"Type", "String"},
                                        {"Default", config.ttl_attribute},
                                        {"MinLength", 1},
                                        {"Description", "Number attribute holding the expiry"}};
  parameters["KmsKey"] = Json{
      {"Type", "String"},
      {"Default", config.sse_kms_key},
      {"Description",
       "Encryption at rest: empty for the AWS owned key, aws/dynamodb for the AWS managed key, "
       "or a customer managed KMS key ARN"}};
  parameters["BillingMode"] = Json{{"Type", "String"},
                                   {"Default", config.billing_mode},
                                   {"AllowedValues", Json::array({kPayPerRequest, kProvisioned})}};
  parameters["ReadCapacityUnits"] = CapacityParameter("Table read capacity", config.read_capacity);
  parameters["WriteCapacityUnits"] =
      CapacityParameter("Table write capacity", config.write_capacity);
  if (config.gsi_enabled) {
    parameters["GsiReadCapacityUnits"] =
        CapacityParameter("Index read capacity", config.gsi_read_capacity);
    parameters["GsiWriteCapacityUnits"] =
        CapacityParameter("Index write capacity", config.gsi_write_capacity);
  }

  auto equals = [](Json a, Json b) {
    return Json{{"Fn::Equals", Json::array({std::move(a), std::move(b)})}};
  };
  auto negate = [](Json condition) {
    return Json{{"Fn::Not", Json::array({std::move(condition)})}};
  };
  Json conditions;
  conditions["TtlOn"] = equals(Ref("TtlEnabled"), "true");
  conditions["UseKms"] = negate(equals(Ref("KmsKey"), ""));
  conditions["UseCustomerKey"] =
      Json{{"Fn::And", Json::array({Json{{"Condition", "UseKms"}},
                                    negate(equals(Ref("KmsKey"), std::string(kAwsManagedKmsKey))),
                                    negate(equals(Ref("KmsKey"), "alias/aws/dynamodb"))})}};
  conditions["Provisioned"] = equals(Ref("BillingMode"), kProvisioned);

  Json resources;
  resources["ConversationTable"] = CfnTableResource(specs[0], config, "ConversationTableName");
  resources["GraphTable"] = CfnTableResource(specs[1], config, "GraphTableName");

  Json outputs;
  auto output = [](const std::string& description, Json value) {
    return Json{{"Description", description}, {"Value", std::move(value)}};
  };
  outputs["ConversationTableName"] = output("Conversation table name", Ref("ConversationTable"));
  outputs["ConversationTableArn"] = output(
      "Conversation table ARN", Json{{"Fn::GetAtt", Json::array({"ConversationTable", "Arn"})}});
  outputs["GraphTableName"] = output("Graph table name", Ref("GraphTable"));
  outputs["GraphTableArn"] =
      output("Graph table ARN", Json{{"Fn::GetAtt", Json::array({"GraphTable", "Arn"})}});

  Json document;
  document["AWSTemplateFormatVersion"] = "2010-09-09";
  document["Description"] = "mem0 DynamoDB tables (conversation history and graph memory)";
  document["Parameters"] = std::move(parameters);
  document["Conditions"] = std::move(conditions);
  document["Resources"] = std::move(resources);
  document["Outputs"] = std::move(outputs);
  return document;
}

}  // namespace

Result<std::string> CloudFormationTemplate(const TablesConfig& config,
                                           std::string_view generated_by) {
  MEM0_ASSIGN_OR_RETURN(Json document, CloudFormationDocument(config));
  std::string out = "# mem0 DynamoDB tables. Generated by: " + GeneratedBy(generated_by) +
                    "\n# Long-form intrinsics (Fn::If, Ref) so any YAML parser reads it.\n";
  EmitYamlNode(document, 0, out);
  return out;
}

Result<std::string> CloudFormationTemplateJson(const TablesConfig& config) {
  MEM0_ASSIGN_OR_RETURN(Json document, CloudFormationDocument(config));
  return document.dump(2) + "\n";
}

}  // namespace mem0::provision
