// Table provisioning: create/check/delete, and the CloudFormation, ddbsh and
// IAM renderings of the same two CreateTable requests.
#include "mem0/provision/provisioning.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace mem0::provision {
namespace {

using dynamodb::CreateTableRequest;
using dynamodb::GlobalSecondaryIndex;
using dynamodb::KeyElement;
using dynamodb::Operation;
using dynamodb::ScalarType;
using dynamodb::TableDescription;
using Json = nlohmann::ordered_json;

constexpr const char* kProvisioned = "PROVISIONED";
// The conversation store keeps a user's oversized conversations in the
// partition "mem0#parts#<user_id>" (see dynamodb_conversation_store.cc); a
// tenant-scoped caller needs it besides "<user_id>".
constexpr const char* kTenantPartsPrefix = "mem0#parts#";
constexpr const char* kPayPerRequest = "PAY_PER_REQUEST";

Error InvalidArgument(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// Prefixes an error's message with what was being done, keeping its type and
// code so callers can still branch on them.
Error WithContext(Error error, const std::string& context) {
  error.message = context + ": " + error.message;
  return error;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Configuration

enum class SseKind { kAwsOwned, kAwsManaged, kCustomerKey };

SseKind SseKindOf(const std::string& kms_key) {
  if (kms_key.empty()) return SseKind::kAwsOwned;
  if (kms_key == kAwsManagedKmsKey || kms_key == "alias/aws/dynamodb") return SseKind::kAwsManaged;
  return SseKind::kCustomerKey;
}

std::string SseText(const std::string& kms_key) {
  switch (SseKindOf(kms_key)) {
    case SseKind::kAwsOwned:
      return "AWS owned key";
    case SseKind::kAwsManaged:
      return "AWS managed key (aws/dynamodb)";
    case SseKind::kCustomerKey:
      return "KMS key " + kms_key;
  }
  return {};
}

bool IsProvisioned(const TablesConfig& config) { return config.billing_mode == kProvisioned; }

Status ValidateName(const std::string& what, const std::string& name) {
  if (name.size() < 3 || name.size() > 255) {
    return InvalidArgument(what + " must be 3 to 255 characters, got '" + name + "'");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return InvalidArgument(what + " '" + name + "' may contain only a-z, A-Z, 0-9, _, - and .");
    }
  }
  return {};
}

Status ValidateTableNames(const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateName("conversation table name", config.conversation_table));
  MEM0_RETURN_IF_ERROR(ValidateName("graph table name", config.graph_table));
  if (config.conversation_table == config.graph_table) {
    return InvalidArgument("the conversation and graph tables must have different names");
  }
  return {};
}

// ---------------------------------------------------------------------------
// Comparison of a live table with its CreateTableRequest

std::string KeyText(const KeyElement& key) {
  return key.name + " (" + dynamodb::ScalarTypeName(key.type) + ")";
}
std::string OptionalKeyText(const std::optional<KeyElement>& key) {
  return key ? KeyText(*key) : "none";
}
bool SameKey(const std::optional<KeyElement>& a, const std::optional<KeyElement>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->name == b->name && a->type == b->type);
}
std::string IndexText(const GlobalSecondaryIndex& index) {
  std::string text = KeyText(index.hash_key) + " HASH";
  if (index.range_key) text += ", " + KeyText(*index.range_key) + " RANGE";
  return text + ", projection " + index.projection_type;
}
std::string ThroughputText(const std::optional<dynamodb::ProvisionedThroughput>& t) {
  if (!t) return "none";
  return std::to_string(t->read_capacity_units) + " RCU, " +
         std::to_string(t->write_capacity_units) + " WCU";
}
bool SameThroughput(const std::optional<dynamodb::ProvisionedThroughput>& a,
                    const std::optional<dynamodb::ProvisionedThroughput>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->read_capacity_units == b->read_capacity_units &&
                a->write_capacity_units == b->write_capacity_units);
}

// The encryption DescribeTable reports, in SseText's words.
std::string LiveSseText(const TableDescription& table) {
  const bool kms = (table.sse_status == "ENABLED" || table.sse_status == "ENABLING" ||
                    table.sse_status == "UPDATING") &&
                   table.sse_type == "KMS";
  if (!kms) return "AWS owned key";
  return "KMS key " + (table.kms_master_key_arn.empty() ? "(unknown)" : table.kms_master_key_arn);
}

// Whether the live encryption satisfies `kms_key`. DescribeTable reports the
// key ARN only, so the AWS managed key and aliases cannot be told apart from
// other KMS keys here: those are accepted as any KMS key, and noted.
bool SseMatches(const std::string& kms_key, const TableDescription& table,
                std::vector<std::string>& unverified) {
  const bool live_kms = LiveSseText(table) != "AWS owned key";
  switch (SseKindOf(kms_key)) {
    case SseKind::kAwsOwned:
      return !live_kms;
    case SseKind::kAwsManaged:
      if (live_kms) {
        unverified.push_back(table.table_name +
                             ": encryption: a KMS key is used; whether it is aws/dynamodb is not "
                             "checked (needs kms:DescribeKey)");
      }
      return live_kms;
    case SseKind::kCustomerKey: {
      if (!live_kms) return false;
      const std::string& arn = table.kms_master_key_arn;
      if (kms_key.rfind("arn:", 0) == 0 && kms_key.find(":key/") != std::string::npos) {
        return arn == kms_key;
      }
      if (kms_key.find('/') == std::string::npos && kms_key.rfind("arn:", 0) != 0) {
        return arn.size() > kms_key.size() && arn.ends_with("/" + kms_key);  // a bare key id
      }
      unverified.push_back(table.table_name + ": encryption: KMS key " + arn +
                           " is used; whether alias " + kms_key + " names it is not checked");
      return true;
    }
  }
  return false;
}

void CompareTable(const CreateTableRequest& expected, const TableDescription& actual,
                  const TablesConfig& config, DriftReport& report) {
  const std::string& table = expected.table_name;
  auto add = [&](std::string setting, std::string want, std::string found, bool conflict) {
    report.drift.push_back(
        {table, std::move(setting), std::move(want), std::move(found), conflict});
  };
  if (actual.status != "ACTIVE") add("status", "ACTIVE", actual.status, false);
  if (!SameKey(expected.hash_key, actual.hash_key)) {
    add("hash key", KeyText(expected.hash_key), KeyText(actual.hash_key), true);
  }
  if (!SameKey(expected.range_key, actual.range_key)) {
    add("range key", OptionalKeyText(expected.range_key), OptionalKeyText(actual.range_key), true);
  }

  const bool provisioned = expected.billing_mode == kProvisioned;
  for (const auto& want : expected.global_secondary_indexes) {
    const std::string setting = "index " + want.name;
    auto found =
        std::find_if(actual.global_secondary_indexes.begin(), actual.global_secondary_indexes.end(),
                     [&](const GlobalSecondaryIndex& g) { return g.name == want.name; });
    if (found == actual.global_secondary_indexes.end()) {
      add(setting, IndexText(want), "missing", true);
      continue;
    }
    if (!SameKey(want.hash_key, found->hash_key) || !SameKey(want.range_key, found->range_key) ||
        want.projection_type != found->projection_type) {
      add(setting, IndexText(want), IndexText(*found), true);
    }
    if (found->status != "ACTIVE" && !found->status.empty()) {
      add(setting + " status", "ACTIVE", found->status, false);
    }
    if (provisioned && actual.billing_mode == kProvisioned &&
        !SameThroughput(want.throughput.value_or(*expected.throughput), found->throughput)) {
      add(setting + " throughput", ThroughputText(want.throughput.value_or(*expected.throughput)),
          ThroughputText(found->throughput), false);
    }
  }
  for (const auto& live : actual.global_secondary_indexes) {
    const bool wanted = std::any_of(
        expected.global_secondary_indexes.begin(), expected.global_secondary_indexes.end(),
        [&](const GlobalSecondaryIndex& g) { return g.name == live.name; });
    if (!wanted) add("index " + live.name, "absent", IndexText(live), false);
  }

  if (expected.billing_mode != actual.billing_mode) {
    add("billing mode", expected.billing_mode, actual.billing_mode, false);
  } else if (provisioned && !SameThroughput(expected.throughput, actual.throughput)) {
    add("throughput", ThroughputText(expected.throughput), ThroughputText(actual.throughput),
        false);
  }
  if (!SseMatches(config.sse_kms_key, actual, report.unverified)) {
    add("encryption", SseText(config.sse_kms_key), LiveSseText(actual), false);
  }
  // No TableClassSummary means the default class.
  const std::string want_class = config.table_class.empty() ? "STANDARD" : config.table_class;
  const std::string live_class = actual.table_class.empty() ? "STANDARD" : actual.table_class;
  if (want_class != live_class) add("table class", want_class, live_class, false);
  if (expected.deletion_protection != actual.deletion_protection) {
    add("deletion protection", expected.deletion_protection ? "enabled" : "disabled",
        actual.deletion_protection ? "enabled" : "disabled", false);
  }
}

bool TtlOn(const dynamodb::TimeToLiveDescription& ttl) {
  return ttl.status == "ENABLED" || ttl.status == "ENABLING";
}
std::string TtlText(const dynamodb::TimeToLiveDescription& ttl) {
  if (ttl.status == "DISABLED" || ttl.status.empty()) return "disabled";
  std::string status = ttl.status;
  std::transform(status.begin(), status.end(), status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return status + " on " + ttl.attribute_name;
}

// Compares TTL; a TTL on another attribute is a conflict when TTL is wanted
// (DynamoDB allows one TTL attribute per table).
void CompareTtl(const std::string& table, bool want, const std::string& attribute,
                const dynamodb::TimeToLiveDescription& ttl, std::vector<Drift>& drift) {
  if (want) {
    if (TtlOn(ttl) && ttl.attribute_name != attribute) {
      drift.push_back({table, "ttl", "enabled on " + attribute, TtlText(ttl), true});
    } else if (!TtlOn(ttl)) {
      drift.push_back({table, "ttl", "enabled on " + attribute, TtlText(ttl), false});
    }
  } else if (TtlOn(ttl)) {
    drift.push_back({table, "ttl", "disabled", TtlText(ttl), false});
  }
}

// DynamoDB Local answers operations it does not implement (continuous backups,
// tagging) with UnknownOperationException.
bool IsUnsupportedOperation(const Error& error) {
  return error.type == "UnknownOperationException";
}

struct TableSpec {
  CreateTableRequest request;
  bool is_conversation = false;
};

std::vector<TableSpec> Specs(const TablesConfig& config) {
  return {{ConversationTableRequest(config), true}, {GraphTableRequest(config), false}};
}

// Checks one existing table (description already read) for TTL and PITR too.
Status CheckOne(dynamodb::Client& client, const TablesConfig& config, const TableSpec& spec,
                const TableDescription& live, DriftReport& report) {
  const std::string& table = spec.request.table_name;
  CompareTable(spec.request, live, config, report);
  MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
  CompareTtl(table, spec.is_conversation && config.ttl_enabled, config.ttl_attribute, ttl,
             report.drift);
  auto pitr = client.DescribeContinuousBackups(table);
  if (!pitr.ok()) {
    if (!IsUnsupportedOperation(pitr.error())) {
      return WithContext(pitr.error(), "reading point-in-time recovery of " + table);
    }
    report.unverified.push_back(table +
                                ": point-in-time recovery: the endpoint does not support "
                                "DescribeContinuousBackups (" +
                                pitr.error().type + ")");
  } else if (*pitr != config.point_in_time_recovery) {
    report.drift.push_back({table, "point-in-time recovery",
                            config.point_in_time_recovery ? "enabled" : "disabled",
                            *pitr ? "enabled" : "disabled", false});
  }
  if (!config.tags.empty()) {
    report.unverified.push_back(table +
                                ": tags: not read back (needs ListTagsOfResource, which mem0 "
                                "does not call)");
  }
  return {};
}

std::vector<std::string> DriftLines(const std::vector<Drift>& drift, bool conflicts_only) {
  std::vector<std::string> lines;
  for (const auto& d : drift) {
    if (!conflicts_only || d.conflict) lines.push_back(d.ToString());
  }
  return lines;
}

// ---------------------------------------------------------------------------
// Generated-file headers

std::string GeneratorCommand(const TablesConfig& config, const std::string& subcommand) {
  const TablesConfig defaults;
  std::string command = "mem0";
  if (config.conversation_table != defaults.conversation_table) {
    command += " --conversation-table " + config.conversation_table;
  }
  if (config.graph_table != defaults.graph_table) command += " --graph-table " + config.graph_table;
  command += " tables " + subcommand;
  const std::string flags = TablesCommandFlags(config);
  if (!flags.empty()) command += " " + flags;
  return command;
}

// ---------------------------------------------------------------------------
// YAML rendering of a JSON tree (block style). Strings are plain only when no
// YAML 1.1 or 1.2 parser could read them as anything but that string.

bool IsPlainSafe(const std::string& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])) || s.back() == ':') {
    return false;
  }
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
        c != ':' && c != '/') {
      return false;
    }
  }
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::set<std::string> kReserved = {"true", "false", "yes", "no", "on",
                                                  "off",  "null",  "y",   "n",  "nan"};
  return !kReserved.count(lower);
}

std::string YamlScalar(const Json& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    return IsPlainSafe(s) ? s : value.dump();  // JSON strings are valid YAML double-quoted
  }
  return value.dump();
}

void EmitYamlNode(const Json& node, int indent, std::string& out);

void EmitYamlMap(const Json& map, int indent, bool first_inline, std::string& out) {
  bool first = true;
  for (const auto& [key, value] : map.items()) {
    if (!(first && first_inline)) out += std::string(static_cast<size_t>(indent), ' ');
    first = false;
    out += YamlScalar(Json(key)) + ":";
    if (value.is_object() && !value.empty()) {
      out += "\n";
      EmitYamlMap(value, indent + 2, false, out);
    } else if (value.is_array() && !value.empty()) {
      out += "\n";
      EmitYamlNode(value, indent + 2, out);
    } else {
      out += " " +
             (value.is_object()  ? std::string("{}")
              : value.is_array() ? std::string("[]")
                                 : YamlScalar(value)) +
             "\n";
    }
  }
}

void EmitYamlNode(const Json& node, int indent, std::string& out) {
  if (node.is_object()) {
    EmitYamlMap(node, indent, false, out);
    return;
  }
  for (const auto& item : node) {
    out += std::string(static_cast<size_t>(indent), ' ') + "-";
    if (item.is_object() && !item.empty()) {
      out += " ";
      EmitYamlMap(item, indent + 2, true, out);
    } else if (item.is_array() && !item.empty()) {
      out += "\n";
      EmitYamlNode(item, indent + 2, out);
    } else {
      out.append(" ")
          .append(item.is_object()  ? std::string("{}")
                  : item.is_array() ? std::string("[]")
                                    : YamlScalar(item))
          .append("\n");
    }
  }
}

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

// Key attributes of the table and its indexes, first use first.
std::vector<KeyElement> KeyAttributes(const CreateTableRequest& request) {
  std::vector<KeyElement> keys;
  auto add = [&](const KeyElement& key) {
    if (std::none_of(keys.begin(), keys.end(),
                     [&](const KeyElement& k) { return k.name == key.name; })) {
      keys.push_back(key);
    }
  };
  add(request.hash_key);
  if (request.range_key) add(*request.range_key);
  for (const auto& gsi : request.global_secondary_indexes) {
    add(gsi.hash_key);
    if (gsi.range_key) add(*gsi.range_key);
  }
  return keys;
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

// ---------------------------------------------------------------------------
// dynamodb-shell

// ddbsh's reserved words (its parser/keywords.cpp); they cannot be unquoted
// identifiers.
const std::set<std::string>& DdbshKeywords() {
  // clang-format off
  static const std::set<std::string> kKeywords = {
      "access", "add", "aes256", "all", "alter", "and", "as", "attribute_exists",
      "attribute_not_exists", "attribute_type", "backup", "backups", "begin", "begins_with",
      "between", "billing", "binary", "both", "brief", "called", "capacity", "check", "class",
      "commit", "connect", "consistent", "consumed", "contains", "create", "delete", "deletion",
      "demand", "describe", "disabled", "drop", "enabled", "end", "endpoint", "exists",
      "explain", "false", "from", "global", "gsi", "hash", "help", "if", "image", "images", "in",
      "include", "index", "indexes", "infrequent", "insert", "into", "is", "key", "keyid",
      "keys", "kms", "like", "limit", "limits", "lsi", "mode", "new", "not", "nowait", "null",
      "number", "numeric", "old", "on", "only", "or", "pitr", "primary", "projecting",
      "protection", "provisioned", "quit", "range", "ratelimit", "rcu", "remove", "replace",
      "replica", "restore", "return", "rollback", "select", "set", "show", "size", "sse",
      "standard", "stream", "string", "table", "tables", "tags", "to", "total", "true", "ttl",
      "update", "updated", "upsert", "values", "version", "wcu", "where", "with"};
  // clang-format on
  return kKeywords;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsDdbshWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string DdbshQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';  // ddbsh escapes a quote by doubling it
  }
  return out + "\"";
}

// A bare word when ddbsh's lexer reads it back as an identifier, else quoted.
std::string DdbshName(const std::string& name) {
  bool bare =
      !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) bare = bare && IsDdbshWordChar(c);
  if (bare && !DdbshKeywords().count(Lower(name))) return name;
  return DdbshQuoted(name);
}

const char* DdbshType(ScalarType type) {
  switch (type) {
    case ScalarType::kS:
      return "string";
    case ScalarType::kN:
      return "number";
    case ScalarType::kB:
      return "binary";
  }
  return "string";
}

std::string DdbshKeySchema(const KeyElement& hash, const std::optional<KeyElement>& range) {
  std::string out = "( " + DdbshName(hash.name) + " HASH";
  if (range) out += ", " + DdbshName(range->name) + " RANGE";
  return out + " )";
}

std::string DdbshBilling(const std::string& mode,
                         const std::optional<dynamodb::ProvisionedThroughput>& throughput) {
  if (mode != kProvisioned || !throughput) return "BILLING MODE ON DEMAND";
  return "BILLING MODE PROVISIONED ( " + std::to_string(throughput->read_capacity_units) +
         " RCU, " + std::to_string(throughput->write_capacity_units) + " WCU )";
}

std::string DdbshCreateTable(const CreateTableRequest& request) {
  std::vector<std::string> attributes;
  for (const auto& key : KeyAttributes(request)) {
    attributes.push_back(DdbshName(key.name) + " " + DdbshType(key.type));
  }
  std::string out = "CREATE TABLE " + DdbshName(request.table_name) + " (\n    " +
                    Join(attributes, ",\n    ") + " )\n";
  out += "  PRIMARY KEY " + DdbshKeySchema(request.hash_key, request.range_key) + "\n";
  out += "  " + DdbshBilling(request.billing_mode, request.throughput);
  if (!request.global_secondary_indexes.empty()) {
    std::vector<std::string> indexes;
    for (const auto& gsi : request.global_secondary_indexes) {
      std::string index = DdbshName(gsi.name) + " ON " +
                          DdbshKeySchema(gsi.hash_key, gsi.range_key) + " PROJECTING " +
                          (gsi.projection_type == "KEYS_ONLY" ? "KEYS ONLY" : "ALL");
      if (request.billing_mode == kProvisioned) {
        index +=
            " " + DdbshBilling(kProvisioned, gsi.throughput ? gsi.throughput : request.throughput);
      }
      indexes.push_back(std::move(index));
    }
    out += "\n  GSI ( " + Join(indexes, ",\n        ") + " )";
  }
  if (request.sse && request.sse->enabled) {
    // ddbsh always names the key; alias/aws/dynamodb is the AWS managed key.
    const std::string key = request.sse->kms_master_key_id.empty() ? "alias/aws/dynamodb"
                                                                   : request.sse->kms_master_key_id;
    out += "\n  SSE ( KEYID " + DdbshQuoted(key) + " KMS )";
  }
  if (!request.table_class.empty()) {
    out += request.table_class == "STANDARD_INFREQUENT_ACCESS"
               ? "\n  TABLE CLASS STANDARD INFREQUENT ACCESS"
               : "\n  TABLE CLASS STANDARD";
  }
  if (request.deletion_protection) out += "\n  DELETION PROTECTION ENABLED";
  if (!request.tags.empty()) {
    std::vector<std::string> tags;
    for (const auto& [key, value] : request.tags) {
      tags.push_back(DdbshQuoted(key) + " : " + DdbshQuoted(value));
    }
    out += "\n  TAGS ( " + Join(tags, ", ") + " )";
  }
  return out + ";\n";
}

// --- ddbsh tokenizer and parser --------------------------------------------

struct Token {
  enum class Kind { kWord, kString, kPunct, kEnd } kind = Kind::kEnd;
  std::string text;
  int line = 0;
};

Result<std::vector<Token>> Tokenize(std::string_view script) {
  std::vector<Token> tokens;
  int line = 1;
  size_t i = 0;
  while (i < script.size()) {
    const char c = script[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if ((c == '-' && i + 1 < script.size() && script[i + 1] == '-') ||
               (c == '/' && i + 1 < script.size() && script[i + 1] == '/')) {
      while (i < script.size() && script[i] != '\n') ++i;  // comment to end of line
    } else if (c == '"') {
      const int start_line = line;
      std::string text;
      ++i;
      while (true) {
        if (i >= script.size()) {
          return InvalidArgument("line " + std::to_string(start_line) +
                                 ": unterminated double-quoted string");
        }
        if (script[i] == '"') {
          if (i + 1 < script.size() && script[i + 1] == '"') {
            text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (script[i] == '\n') ++line;
        text += script[i++];
      }
      tokens.push_back({Token::Kind::kString, std::move(text), start_line});
    } else if (IsDdbshWordChar(c) && c != '-') {
      size_t end = i;
      while (end < script.size() && IsDdbshWordChar(script[end])) ++end;
      tokens.push_back({Token::Kind::kWord, std::string(script.substr(i, end - i)), line});
      i = end;
    } else {
      // Like ddbsh's lexer, any other character is a token of its own; the
      // parser then says which statement it does not belong in.
      tokens.push_back({Token::Kind::kPunct, std::string(1, c), line});
      ++i;
    }
  }
  tokens.push_back({Token::Kind::kEnd, "", line});
  return tokens;
}

class DdbshParser {
 public:
  explicit DdbshParser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<DdbshStatement>> ParseAll() {
    std::vector<DdbshStatement> statements;
    while (Peek().kind != Token::Kind::kEnd) {
      if (PeekPunct(";")) {  // empty statement
        ++pos_;
        continue;
      }
      MEM0_ASSIGN_OR_RETURN(DdbshStatement statement, ParseStatement());
      statements.push_back(std::move(statement));
    }
    return statements;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool PeekKeyword(std::string_view keyword, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kWord && Lower(t.text) == Lower(keyword);
  }
  bool PeekPunct(std::string_view punct) const {
    return Peek().kind == Token::Kind::kPunct && Peek().text == punct;
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Token::Kind::kEnd:
        return "end of input";
      case Token::Kind::kString:
        return "\"" + t.text + "\"";
      case Token::Kind::kWord:
      case Token::Kind::kPunct:
        return "'" + t.text + "'";
    }
    return {};
  }
  Error Unexpected(const std::string& expected) const {
    return InvalidArgument("line " + std::to_string(Peek().line) + ": expected " + expected +
                           ", found " + Describe(Peek()));
  }
  bool AcceptKeyword(std::string_view keyword) {
    if (!PeekKeyword(keyword)) return false;
    ++pos_;
    return true;
  }
  Status ExpectKeyword(std::string_view keyword) {
    if (!AcceptKeyword(keyword)) return Unexpected(std::string(keyword));
    return {};
  }
  Status ExpectPunct(std::string_view punct) {
    if (!PeekPunct(punct)) return Unexpected("'" + std::string(punct) + "'");
    ++pos_;
    return {};
  }
  bool AcceptPunct(std::string_view punct) {
    if (!PeekPunct(punct)) return false;
    ++pos_;
    return true;
  }
  // A table, index or attribute name: a double-quoted string, or a word that
  // is not a ddbsh keyword or a number.
  Result<std::string> ExpectName(const std::string& what) {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kString) {
      ++pos_;
      return t.text;
    }
    if (t.kind == Token::Kind::kWord) {
      if (DdbshKeywords().count(Lower(t.text))) {
        return InvalidArgument("line " + std::to_string(t.line) + ": expected " + what +
                               ", found '" + t.text +
                               "', a ddbsh keyword (double-quote it to use it as a name)");
      }
      if (std::all_of(t.text.begin(), t.text.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        return Unexpected(what);
      }
      ++pos_;
      return t.text;
    }
    return Unexpected(what);
  }
  Result<std::string> ExpectString(const std::string& what) {
    if (Peek().kind != Token::Kind::kString) return Unexpected(what + " (a double-quoted string)");
    return tokens_[pos_++].text;
  }
  Result<int64_t> ExpectPositive(const std::string& what) {
    const Token& t = Peek();
    int64_t value = 0;
    if (t.kind == Token::Kind::kWord) {
      auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
      if (ec == std::errc() && end == t.text.data() + t.text.size() && value > 0) {
        ++pos_;
        return value;
      }
    }
    return Unexpected(what + " (a positive whole number)");
  }

  Result<DdbshStatement> ParseStatement() {
    const Token& first = Peek();
    DdbshStatement statement;
    statement.line = first.line;
    if (AcceptKeyword("DROP")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
      statement.kind = DdbshStatement::Kind::kDropTable;
      if (AcceptKeyword("IF")) {
        MEM0_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
        statement.if_exists = true;
      }
      statement.nowait = AcceptKeyword("NOWAIT");
      MEM0_ASSIGN_OR_RETURN(statement.table, ExpectName("a table name"));
    } else if (AcceptKeyword("CREATE")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
      statement.kind = DdbshStatement::Kind::kCreateTable;
      MEM0_RETURN_IF_ERROR(ParseCreateTable(statement));
    } else if (AcceptKeyword("ALTER")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
      MEM0_ASSIGN_OR_RETURN(statement.table, ExpectName("a table name"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("SET"));
      if (AcceptKeyword("TTL")) {
        statement.kind = DdbshStatement::Kind::kSetTtl;
        MEM0_RETURN_IF_ERROR(ExpectPunct("("));
        MEM0_ASSIGN_OR_RETURN(statement.ttl_attribute, ExpectName("the TTL attribute name"));
        MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
      } else if (AcceptKeyword("PITR")) {
        statement.kind = DdbshStatement::Kind::kSetPitr;
        MEM0_RETURN_IF_ERROR(ExpectKeyword("ENABLED"));
      } else {
        return Unexpected(
            "TTL ( attribute ) or PITR ENABLED (the only ALTER TABLE forms "
            "apply-ddbsh runs)");
      }
    } else {
      return InvalidArgument(
          "line " + std::to_string(first.line) + ": unsupported statement starting with " +
          Describe(first) +
          "; apply-ddbsh runs only what `mem0 tables ddbsh` emits: DROP TABLE, CREATE TABLE, "
          "ALTER TABLE ... SET TTL ( attribute ) and ALTER TABLE ... SET PITR ENABLED");
    }
    MEM0_RETURN_IF_ERROR(ExpectPunct(";"));
    return statement;
  }

  Result<KeyElement> KeyOf(const std::map<std::string, ScalarType>& definitions,
                           const std::string& name, int line) {
    auto it = definitions.find(name);
    if (it == definitions.end()) {
      return InvalidArgument("line " + std::to_string(line) + ": key attribute " + name +
                             " is not in the table's attribute list");
    }
    return KeyElement{name, it->second};
  }

  // ( name HASH [, name RANGE] )
  Status ParseKeySchema(const std::map<std::string, ScalarType>& definitions, KeyElement& hash,
                        std::optional<KeyElement>& range, std::set<std::string>& used) {
    MEM0_RETURN_IF_ERROR(ExpectPunct("("));
    int line = Peek().line;
    MEM0_ASSIGN_OR_RETURN(std::string hash_name, ExpectName("the hash key attribute"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("HASH"));
    MEM0_ASSIGN_OR_RETURN(hash, KeyOf(definitions, hash_name, line));
    used.insert(hash_name);
    if (AcceptPunct(",")) {
      line = Peek().line;
      MEM0_ASSIGN_OR_RETURN(std::string range_name, ExpectName("the range key attribute"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("RANGE"));
      MEM0_ASSIGN_OR_RETURN(range, KeyOf(definitions, range_name, line));
      used.insert(range_name);
    }
    return ExpectPunct(")");
  }

  // BILLING MODE ON DEMAND | BILLING MODE PROVISIONED ( n RCU, n WCU )
  Status ParseBilling(std::string& mode,
                      std::optional<dynamodb::ProvisionedThroughput>& throughput) {
    MEM0_RETURN_IF_ERROR(ExpectKeyword("BILLING"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("MODE"));
    if (AcceptKeyword("ON")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("DEMAND"));
      mode = kPayPerRequest;
      return {};
    }
    if (!AcceptKeyword("PROVISIONED")) return Unexpected("ON DEMAND or PROVISIONED");
    MEM0_RETURN_IF_ERROR(ExpectPunct("("));
    dynamodb::ProvisionedThroughput t;
    MEM0_ASSIGN_OR_RETURN(t.read_capacity_units, ExpectPositive("read capacity"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("RCU"));
    MEM0_RETURN_IF_ERROR(ExpectPunct(","));
    MEM0_ASSIGN_OR_RETURN(t.write_capacity_units, ExpectPositive("write capacity"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("WCU"));
    MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
    mode = kProvisioned;
    throughput = t;
    return {};
  }

  Status ParseCreateTable(DdbshStatement& statement) {
    if (AcceptKeyword("IF")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("NOT"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
      statement.if_not_exists = true;
    }
    statement.nowait = AcceptKeyword("NOWAIT");
    MEM0_ASSIGN_OR_RETURN(statement.table, ExpectName("a table name"));
    CreateTableRequest& request = statement.create;
    request.table_name = statement.table;

    // ( name type, ... )
    std::map<std::string, ScalarType> definitions;
    std::vector<std::pair<std::string, int>> definition_order;
    MEM0_RETURN_IF_ERROR(ExpectPunct("("));
    do {
      const int line = Peek().line;
      MEM0_ASSIGN_OR_RETURN(std::string name, ExpectName("an attribute name"));
      ScalarType type;
      if (AcceptKeyword("string")) {
        type = ScalarType::kS;
      } else if (AcceptKeyword("number")) {
        type = ScalarType::kN;
      } else if (AcceptKeyword("binary")) {
        type = ScalarType::kB;
      } else {
        return Unexpected("an attribute type (string, number or binary)");
      }
      if (!definitions.emplace(name, type).second) {
        return InvalidArgument("line " + std::to_string(line) + ": attribute " + name +
                               " is defined twice");
      }
      definition_order.emplace_back(name, line);
    } while (AcceptPunct(","));
    MEM0_RETURN_IF_ERROR(ExpectPunct(")"));

    std::set<std::string> used;
    MEM0_RETURN_IF_ERROR(ExpectKeyword("PRIMARY"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("KEY"));
    MEM0_RETURN_IF_ERROR(ParseKeySchema(definitions, request.hash_key, request.range_key, used));
    if (!PeekKeyword("BILLING")) {
      return Unexpected("BILLING MODE (apply-ddbsh needs the billing mode spelled out)");
    }
    MEM0_RETURN_IF_ERROR(ParseBilling(request.billing_mode, request.throughput));

    if (AcceptKeyword("GSI")) {
      MEM0_RETURN_IF_ERROR(ExpectPunct("("));
      do {
        GlobalSecondaryIndex gsi;
        MEM0_ASSIGN_OR_RETURN(gsi.name, ExpectName("an index name"));
        MEM0_RETURN_IF_ERROR(ExpectKeyword("ON"));
        MEM0_RETURN_IF_ERROR(ParseKeySchema(definitions, gsi.hash_key, gsi.range_key, used));
        MEM0_RETURN_IF_ERROR(ExpectKeyword("PROJECTING"));
        if (AcceptKeyword("ALL")) {
          gsi.projection_type = "ALL";
        } else if (AcceptKeyword("KEYS")) {
          MEM0_RETURN_IF_ERROR(ExpectKeyword("ONLY"));
          gsi.projection_type = "KEYS_ONLY";
        } else {
          return Unexpected("ALL or KEYS ONLY");
        }
        if (PeekKeyword("BILLING")) {
          std::string index_mode;
          std::optional<dynamodb::ProvisionedThroughput> index_throughput;
          MEM0_RETURN_IF_ERROR(ParseBilling(index_mode, index_throughput));
          gsi.throughput = index_throughput;
        }
        request.global_secondary_indexes.push_back(std::move(gsi));
      } while (AcceptPunct(","));
      MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
    }
    if (AcceptKeyword("SSE")) {
      MEM0_RETURN_IF_ERROR(ExpectPunct("("));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("KEYID"));
      MEM0_ASSIGN_OR_RETURN(std::string key, ExpectString("the KMS key"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("KMS"));
      MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
      request.sse = dynamodb::SseSpecification{
          true, SseKindOf(key) == SseKind::kAwsManaged ? std::string() : key};
    }
    if (AcceptKeyword("TABLE")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("CLASS"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("STANDARD"));
      request.table_class = "STANDARD";
      if (AcceptKeyword("INFREQUENT")) {
        MEM0_RETURN_IF_ERROR(ExpectKeyword("ACCESS"));
        request.table_class = "STANDARD_INFREQUENT_ACCESS";
      }
    }
    if (AcceptKeyword("DELETION")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("PROTECTION"));
      if (AcceptKeyword("ENABLED")) {
        request.deletion_protection = true;
      } else if (!AcceptKeyword("DISABLED")) {
        return Unexpected("ENABLED or DISABLED");
      }
    }
    if (AcceptKeyword("TAGS")) {
      MEM0_RETURN_IF_ERROR(ExpectPunct("("));
      do {
        MEM0_ASSIGN_OR_RETURN(std::string key, ExpectString("a tag key"));
        MEM0_RETURN_IF_ERROR(ExpectPunct(":"));
        MEM0_ASSIGN_OR_RETURN(std::string value, ExpectString("a tag value"));
        request.tags.emplace_back(std::move(key), std::move(value));
      } while (AcceptPunct(","));
      MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
    }
    // DynamoDB rejects attribute definitions no key uses; say where.
    for (const auto& [name, line] : definition_order) {
      if (!used.count(name)) {
        return InvalidArgument("line " + std::to_string(line) + ": attribute " + name +
                               " is defined but no key or index uses it");
      }
    }
    return {};
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// IAM

enum class IamScope { kTable, kItem, kUnused };

struct IamMapping {
  std::vector<std::string> actions;  // without the "dynamodb:" prefix
  IamScope scope = IamScope::kUnused;
  bool on_index = false;  // the operation can target a GSI
};

// Exhaustive over Operation (a new enumerator without a case fails -Wswitch),
// so the policy follows the client's operation list.
IamMapping IamMappingFor(Operation op) {
  switch (op) {
    case Operation::kCreateTable:
    case Operation::kDescribeTable:
    case Operation::kDeleteTable:
    case Operation::kUpdateTimeToLive:
    case Operation::kDescribeTimeToLive:
    case Operation::kUpdateContinuousBackups:
    case Operation::kDescribeContinuousBackups:
      return {{dynamodb::OperationName(op)}, IamScope::kTable, false};
    case Operation::kPutItem:
    case Operation::kGetItem:
    case Operation::kUpdateItem:
    case Operation::kDeleteItem:
    case Operation::kBatchGetItem:
    case Operation::kBatchWriteItem:
      return {{dynamodb::OperationName(op)}, IamScope::kItem, false};
    case Operation::kQuery:
    case Operation::kScan:
      return {{dynamodb::OperationName(op)}, IamScope::kItem, true};
    // Transactions are authorized per item by the underlying actions; a
    // ConditionCheck needs its own permission.
    case Operation::kTransactWriteItems:
      return {
          {"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"}, IamScope::kItem, false};
    case Operation::kTransactGetItems:
      return {{"GetItem"}, IamScope::kItem, false};
    // Account-level (Resource "*"), and no mem0 code path lists tables.
    case Operation::kListTables:
    case Operation::kOther:
      return {{}, IamScope::kUnused, false};
  }
  return {};
}

std::vector<Operation> AllOperations() {
  std::vector<Operation> ops;
  for (size_t i = 0; i < dynamodb::kOperationCount; ++i) ops.push_back(static_cast<Operation>(i));
  return ops;
}

std::vector<std::string> ActionsWhere(const std::function<bool(const IamMapping&)>& keep) {
  std::set<std::string> actions;
  for (Operation op : AllOperations()) {
    IamMapping mapping = IamMappingFor(op);
    if (!keep(mapping)) continue;
    for (const auto& action : mapping.actions) actions.insert("dynamodb:" + action);
  }
  return {actions.begin(), actions.end()};
}

std::string Partition(const std::string& region) {
  if (region.rfind("cn-", 0) == 0) return "aws-cn";
  if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
  return "aws";
}

}  // namespace

// ---------------------------------------------------------------------------
// Public API

Status ValidateTablesConfig(const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTableNames(config));
  if (config.gsi_enabled) MEM0_RETURN_IF_ERROR(ValidateName("index name", config.gsi_name));
  if (config.billing_mode != kPayPerRequest && config.billing_mode != kProvisioned) {
    return InvalidArgument("billing mode must be PAY_PER_REQUEST or PROVISIONED, got '" +
                           config.billing_mode + "'");
  }
  if (IsProvisioned(config)) {
    if (config.read_capacity < 1 || config.write_capacity < 1) {
      return InvalidArgument("PROVISIONED billing needs read and write capacity of at least 1");
    }
    if (config.gsi_enabled && (config.gsi_read_capacity < 1 || config.gsi_write_capacity < 1)) {
      return InvalidArgument(
          "PROVISIONED billing needs index read and write capacity of at least 1");
    }
  }
  if (config.ttl_attribute.empty() || config.ttl_attribute.size() > 255) {
    return InvalidArgument("the TTL attribute name must be 1 to 255 characters");
  }
  if (config.ttl_attribute == "user_id" || config.ttl_attribute == "conversation_id") {
    return InvalidArgument("the TTL attribute cannot be a key attribute (" + config.ttl_attribute +
                           ")");
  }
  if (!config.table_class.empty() && config.table_class != "STANDARD" &&
      config.table_class != "STANDARD_INFREQUENT_ACCESS") {
    return InvalidArgument("table class must be STANDARD or STANDARD_INFREQUENT_ACCESS, got '" +
                           config.table_class + "'");
  }
  for (char c : config.sse_kms_key) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '"') {
      return InvalidArgument("the KMS key '" + config.sse_kms_key + "' contains a space or quote");
    }
  }
  std::set<std::string> tag_keys;
  for (const auto& [key, value] : config.tags) {
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      return InvalidArgument("tag keys must be 1 to 128 characters and values at most 256: '" +
                             key + "'");
    }
    if (key.rfind("aws:", 0) == 0) {
      return InvalidArgument("tag key '" + key + "' uses the reserved aws: prefix");
    }
    if (!tag_keys.insert(key).second) return InvalidArgument("tag key '" + key + "' given twice");
  }
  if (config.wait_timeout.count() <= 0) return InvalidArgument("the wait timeout must be positive");
  return {};
}

dynamodb::CreateTableRequest ConversationTableRequest(const TablesConfig& config) {
  CreateTableRequest request;
  request.table_name = config.conversation_table;
  request.hash_key = {"user_id", ScalarType::kS};
  request.range_key = KeyElement{"conversation_id", ScalarType::kS};
  request.billing_mode = config.billing_mode;
  if (IsProvisioned(config)) {
    request.throughput =
        dynamodb::ProvisionedThroughput{config.read_capacity, config.write_capacity};
  }
  switch (SseKindOf(config.sse_kms_key)) {
    case SseKind::kAwsOwned:
      break;  // DynamoDB's default: send nothing
    case SseKind::kAwsManaged:
      request.sse = dynamodb::SseSpecification{true, ""};
      break;
    case SseKind::kCustomerKey:
      request.sse = dynamodb::SseSpecification{true, config.sse_kms_key};
      break;
  }
  request.table_class = config.table_class;
  request.deletion_protection = config.deletion_protection;
  request.tags = config.tags;
  return request;
}

dynamodb::CreateTableRequest GraphTableRequest(const TablesConfig& config) {
  CreateTableRequest request = ConversationTableRequest(config);
  request.table_name = config.graph_table;
  request.hash_key = {"node_id", ScalarType::kS};
  request.range_key = KeyElement{"edge_id", ScalarType::kS};
  if (config.gsi_enabled) {
    GlobalSecondaryIndex gsi;
    gsi.name = config.gsi_name;
    gsi.hash_key = {"relationship_type", ScalarType::kS};
    gsi.range_key = KeyElement{"created_at", ScalarType::kN};
    gsi.projection_type = "ALL";
    if (IsProvisioned(config)) {
      gsi.throughput =
          dynamodb::ProvisionedThroughput{config.gsi_read_capacity, config.gsi_write_capacity};
    }
    request.global_secondary_indexes.push_back(std::move(gsi));
  }
  return request;
}

Result<std::unique_ptr<dynamodb::Client>> MakeTablesClient(const TablesConfig& config) {
  dynamodb::ClientConfig client_config;
  client_config.region = config.region;
  client_config.endpoint_url = config.endpoint_url.value_or("");
  return dynamodb::Client::Create(std::move(client_config));
}

std::string Drift::ToString() const {
  return table + ": " + setting + ": expected " + expected + ", found " + actual +
         (conflict ? " (conflict)" : "");
}

bool DriftReport::has_conflict() const {
  return std::any_of(drift.begin(), drift.end(), [](const Drift& d) { return d.conflict; });
}

Result<DriftReport> CheckDynamoDBTables(dynamodb::Client& client, const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  DriftReport report;
  for (const auto& spec : Specs(config)) {
    const std::string& table = spec.request.table_name;
    auto live = client.DescribeTable(table);
    if (!live.ok()) {
      if (live.error().code != ErrorCode::kNotFound) {
        return WithContext(live.error(), "describing " + table);
      }
      report.drift.push_back({table, "table", "exists", "missing", true});
      continue;
    }
    MEM0_RETURN_IF_ERROR(CheckOne(client, config, spec, *live, report));
  }
  return report;
}

Result<ProvisioningReport> CreateDynamoDBTables(dynamodb::Client& client,
                                                const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  const auto specs = Specs(config);
  ProvisioningReport report;
  TableOutcome* outcomes[] = {&report.conversation, &report.graph};

  // Existing tables first: a conflict must stop us before anything is created.
  std::vector<Drift> conflicts;
  bool exists[2] = {false, false};
  for (size_t i = 0; i < specs.size(); ++i) {
    const std::string& table = specs[i].request.table_name;
    outcomes[i]->table_name = table;
    auto live = client.DescribeTable(table);
    if (!live.ok()) {
      if (live.error().code != ErrorCode::kNotFound) {
        return WithContext(live.error(), "describing " + table);
      }
      continue;
    }
    exists[i] = true;
    DriftReport found;
    CompareTable(specs[i].request, *live, config, found);
    if (specs[i].is_conversation && config.ttl_enabled) {
      MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
      CompareTtl(table, true, config.ttl_attribute, ttl, found.drift);
    }
    for (auto& d : found.drift) {
      if (d.conflict) conflicts.push_back(std::move(d));
    }
  }
  if (!conflicts.empty()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "existing tables conflict with the configuration (nothing was changed): " +
                         Join(DriftLines(conflicts, true), "; "));
  }

  for (size_t i = 0; i < specs.size(); ++i) {
    if (exists[i]) continue;
    auto created = client.CreateTable(specs[i].request);
    if (created.ok()) {
      outcomes[i]->created = true;
    } else if (created.error().code != ErrorCode::kAlreadyExists) {
      // Created concurrently by someone else is fine: the final check compares it.
      return WithContext(created.error(), "creating " + specs[i].request.table_name);
    }
  }
  for (TableOutcome* outcome : outcomes) {
    auto active = client.WaitUntilActive(outcome->table_name, config.wait_timeout);
    if (!active.ok()) {
      return WithContext(std::move(active).error(), "waiting for " + outcome->table_name);
    }
    outcome->description = std::move(active).value();
    outcome->table_arn = outcome->description.table_arn;
  }

  if (config.ttl_enabled) {
    const std::string& table = report.conversation.table_name;
    MEM0_ASSIGN_OR_RETURN(auto ttl, client.DescribeTimeToLive(table));
    if (ttl.status == "DISABLING") {
      return MakeError(ErrorCode::kServiceError,
                       "TTL on " + table +
                           " is still being disabled; DynamoDB allows enabling it again only "
                           "after that finishes (up to an hour)");
    }
    if (!TtlOn(ttl)) {
      auto enabled = client.UpdateTimeToLive(table, config.ttl_attribute, true);
      if (!enabled.ok()) {
        return WithContext(enabled.error(), "enabling TTL on " + table + " (attribute " +
                                                config.ttl_attribute + ")");
      }
      report.conversation.ttl_enabled = true;
    }
  }
  if (config.point_in_time_recovery) {
    for (TableOutcome* outcome : outcomes) {
      const std::string context = "enabling point-in-time recovery on " + outcome->table_name;
      auto enabled = client.DescribeContinuousBackups(outcome->table_name);
      if (!enabled.ok()) return WithContext(enabled.error(), context);
      if (*enabled) continue;
      auto updated = client.UpdateContinuousBackups(outcome->table_name, true);
      if (!updated.ok()) return WithContext(updated.error(), context);
      outcome->pitr_enabled = true;
    }
  }

  MEM0_ASSIGN_OR_RETURN(report.remaining, CheckDynamoDBTables(client, config));
  if (report.remaining.has_conflict()) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "tables conflict with the configuration: " +
                         Join(DriftLines(report.remaining.drift, true), "; "));
  }
  return report;
}

Result<DeletionReport> DeleteDynamoDBTables(dynamodb::Client& client, const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTableNames(config));
  if (config.wait_timeout.count() <= 0) return InvalidArgument("the wait timeout must be positive");
  DeletionReport report;
  std::vector<std::string> present;
  std::vector<std::string> protected_tables;
  for (const std::string& table : {config.conversation_table, config.graph_table}) {
    auto live = client.DescribeTable(table);
    if (!live.ok()) {
      if (live.error().code != ErrorCode::kNotFound) {
        return WithContext(live.error(), "describing " + table);
      }
      report.absent.push_back(table);
      continue;
    }
    if (live->deletion_protection) protected_tables.push_back(table);
    present.push_back(table);
  }
  if (!protected_tables.empty()) {
    return InvalidArgument("deletion protection is enabled on " + Join(protected_tables, ", ") +
                           "; nothing was deleted. Disable it first, e.g. `aws dynamodb "
                           "update-table --table-name " +
                           protected_tables.front() + " --no-deletion-protection-enabled`");
  }
  for (const std::string& table : present) {
    auto deleted = client.DeleteTable(table);
    if (!deleted.ok()) {
      if (deleted.error().code == ErrorCode::kNotFound) {
        report.absent.push_back(table);
        continue;
      }
      return WithContext(deleted.error(), "deleting " + table);
    }
    report.deleted.push_back(table);
  }
  for (const std::string& table : report.deleted) {
    MEM0_RETURN_IF_ERROR(client.WaitUntilDeleted(table, config.wait_timeout));
  }
  return report;
}

std::string TablesCommandFlags(const TablesConfig& config) {
  const TablesConfig defaults;
  std::vector<std::string> flags;
  if (config.ttl_enabled) flags.push_back("--ttl");
  if (config.ttl_attribute != defaults.ttl_attribute) {
    flags.push_back("--ttl-attribute " + config.ttl_attribute);
  }
  if (!config.gsi_enabled) flags.push_back("--no-gsi");
  if (config.gsi_enabled && config.gsi_name != defaults.gsi_name) {
    flags.push_back("--gsi-name " + config.gsi_name);
  }
  if (IsProvisioned(config)) {
    flags.push_back("--billing-mode PROVISIONED --read-capacity " +
                    std::to_string(config.read_capacity) + " --write-capacity " +
                    std::to_string(config.write_capacity));
    if (config.gsi_enabled) {
      flags.push_back("--gsi-read-capacity " + std::to_string(config.gsi_read_capacity) +
                      " --gsi-write-capacity " + std::to_string(config.gsi_write_capacity));
    }
  }
  if (!config.sse_kms_key.empty()) flags.push_back("--sse-kms-key " + config.sse_kms_key);
  if (config.point_in_time_recovery) flags.push_back("--pitr");
  if (config.deletion_protection) flags.push_back("--deletion-protection");
  if (!config.table_class.empty()) flags.push_back("--table-class " + config.table_class);
  for (const auto& [key, value] : config.tags) flags.push_back("--tag " + key + "=" + value);
  return Join(flags, " ");
}

Result<std::string> CloudFormationTemplate(const TablesConfig& config) {
  MEM0_ASSIGN_OR_RETURN(Json document, CloudFormationDocument(config));
  std::string out =
      "# mem0 DynamoDB tables. Generated by: " + GeneratorCommand(config, "cloudformation") +
      "\n# Long-form intrinsics (Fn::If, Ref) so any YAML parser reads it.\n";
  EmitYamlNode(document, 0, out);
  return out;
}

Result<std::string> CloudFormationTemplateJson(const TablesConfig& config) {
  MEM0_ASSIGN_OR_RETURN(Json document, CloudFormationDocument(config));
  return document.dump(2) + "\n";
}

Result<std::string> DdbshSchema(const TablesConfig& config) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  const auto specs = Specs(config);
  std::string out =
      "-- mem0 DynamoDB tables for dynamodb-shell (ddbsh).\n"
      "-- Generated by: " +
      GeneratorCommand(config, "ddbsh") +
      "\n"
      "-- Without ddbsh: mem0 tables apply-ddbsh < this-file\n"
      "-- WARNING: drops both tables first; every item in them is lost.\n";
  for (const auto& spec : specs) {
    const std::string name = DdbshName(spec.request.table_name);
    out += "\nDROP TABLE IF EXISTS " + name + ";\n\n";
    out += DdbshCreateTable(spec.request);
    if (spec.is_conversation && config.ttl_enabled) {
      out += "\nALTER TABLE " + name + " SET TTL ( " + DdbshName(config.ttl_attribute) + " );\n";
    }
    if (config.point_in_time_recovery) out += "\nALTER TABLE " + name + " SET PITR ENABLED;\n";
  }
  return out;
}

std::string DdbshStatement::ToString() const {
  std::string text = "line " + std::to_string(line) + ": ";
  switch (kind) {
    case Kind::kDropTable:
      return text + "DROP TABLE " + table;
    case Kind::kCreateTable:
      return text + "CREATE TABLE " + table;
    case Kind::kSetTtl:
      return text + "ALTER TABLE " + table + " SET TTL (" + ttl_attribute + ")";
    case Kind::kSetPitr:
      return text + "ALTER TABLE " + table + " SET PITR ENABLED";
  }
  return text;
}

Result<std::vector<DdbshStatement>> ParseDdbsh(std::string_view script) {
  MEM0_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(script));
  return DdbshParser(std::move(tokens)).ParseAll();
}

Result<std::vector<DdbshStatementOutcome>> ApplyDdbsh(dynamodb::Client& client,
                                                      std::string_view script,
                                                      std::chrono::milliseconds wait_timeout) {
  MEM0_ASSIGN_OR_RETURN(std::vector<DdbshStatement> statements, ParseDdbsh(script));
  std::vector<DdbshStatementOutcome> outcomes;
  for (const auto& statement : statements) {
    const std::string context = statement.ToString();
    std::string outcome;
    switch (statement.kind) {
      case DdbshStatement::Kind::kDropTable: {
        auto deleted = client.DeleteTable(statement.table);
        if (!deleted.ok()) {
          if (deleted.error().code != ErrorCode::kNotFound || !statement.if_exists) {
            return WithContext(deleted.error(), context);
          }
          outcome = "absent";
          break;
        }
        if (!statement.nowait) {
          auto gone = client.WaitUntilDeleted(statement.table, wait_timeout);
          if (!gone.ok()) return WithContext(gone.error(), context);
        }
        outcome = "dropped";
        break;
      }
      case DdbshStatement::Kind::kCreateTable: {
        auto created = client.CreateTable(statement.create);
        if (!created.ok()) {
          if (created.error().code != ErrorCode::kAlreadyExists || !statement.if_not_exists) {
            return WithContext(created.error(), context);
          }
          outcome = "exists";
          break;
        }
        if (!statement.nowait) {
          auto active = client.WaitUntilActive(statement.table, wait_timeout);
          if (!active.ok()) return WithContext(active.error(), context);
        }
        outcome = "created";
        break;
      }
      case DdbshStatement::Kind::kSetTtl: {
        auto ttl = client.DescribeTimeToLive(statement.table);
        if (!ttl.ok()) return WithContext(ttl.error(), context);
        // DynamoDB rejects enabling TTL twice; re-running the script is fine.
        if (TtlOn(*ttl) && ttl->attribute_name == statement.ttl_attribute) {
          outcome = "ttl already enabled on " + statement.ttl_attribute;
          break;
        }
        auto updated = client.UpdateTimeToLive(statement.table, statement.ttl_attribute, true);
        if (!updated.ok()) return WithContext(updated.error(), context);
        outcome = "ttl enabled on " + statement.ttl_attribute;
        break;
      }
      case DdbshStatement::Kind::kSetPitr: {
        auto updated = client.UpdateContinuousBackups(statement.table, true);
        if (!updated.ok()) return WithContext(updated.error(), context);
        outcome = "point-in-time recovery enabled";
        break;
      }
    }
    outcomes.push_back({statement.line, context, outcome});
  }
  return outcomes;
}

std::vector<std::string> IamActionsFor(dynamodb::Operation op) {
  std::vector<std::string> actions;
  for (const auto& action : IamMappingFor(op).actions) actions.push_back("dynamodb:" + action);
  return actions;
}

std::vector<std::string> RequiredIamActions() {
  return ActionsWhere([](const IamMapping& m) { return m.scope != IamScope::kUnused; });
}

Result<std::string> IamPolicyJson(const TablesConfig& config, const IamPolicyOptions& options) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  if (options.account_id.empty())
    return InvalidArgument("the account id must not be empty (use *)");
  const std::string region =
      !options.region.empty() ? options.region : (config.region.empty() ? "*" : config.region);
  const std::string prefix =
      "arn:" + Partition(region) + ":dynamodb:" + region + ":" + options.account_id + ":table/";
  const std::string conversation_arn = prefix + config.conversation_table;
  const std::string graph_arn = prefix + config.graph_table;
  const Json tables = Json::array({conversation_arn, graph_arn});

  Json statements = Json::array();
  if (options.tenant_scoped) {
    if (options.tenant_variable.empty()) return InvalidArgument("the tenant variable is empty");
    // Scan carries no partition key, and ForAllValues is vacuously true when
    // the key is absent: allowing it would expose every tenant's items.
    auto actions = ActionsWhere([](const IamMapping& m) { return m.scope == IamScope::kItem; });
    actions.erase(std::remove(actions.begin(), actions.end(), "dynamodb:Scan"), actions.end());
    statements.push_back(Json{
        {"Sid", "Mem0TenantConversationItems"},
        {"Effect", "Allow"},
        {"Action", actions},
        {"Resource", Json::array({conversation_arn})},
        {"Condition",
         Json{{"ForAllValues:StringEquals",
               Json{{"dynamodb:LeadingKeys",
                     Json::array({options.tenant_variable, std::string(kTenantPartsPrefix) +
                                                               options.tenant_variable})}}}}}});
  } else {
    statements.push_back(Json{
        {"Sid", "Mem0TableAdministration"},
        {"Effect", "Allow"},
        {"Action", ActionsWhere([](const IamMapping& m) { return m.scope == IamScope::kTable; })},
        {"Resource", tables}});
    statements.push_back(Json{
        {"Sid", "Mem0ItemAccess"},
        {"Effect", "Allow"},
        {"Action", ActionsWhere([](const IamMapping& m) { return m.scope == IamScope::kItem; })},
        {"Resource", tables}});
    if (config.gsi_enabled) {
      statements.push_back(
          Json{{"Sid", "Mem0GraphIndexQueries"},
               {"Effect", "Allow"},
               {"Action", ActionsWhere([](const IamMapping& m) { return m.on_index; })},
               {"Resource", Json::array({graph_arn + "/index/" + config.gsi_name})}});
    }
  }
  Json policy;
  policy["Version"] = "2012-10-17";
  policy["Statement"] = std::move(statements);
  return policy.dump(2) + "\n";
}

}  // namespace mem0::provision
