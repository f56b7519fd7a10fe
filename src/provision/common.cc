// What every rendering shares: validation, the two CreateTable requests, the
// tables client.
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

std::vector<TableSpec> Specs(const TablesConfig& config) {
  return {{ConversationTableRequest(config), true}, {GraphTableRequest(config), false}};
}

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
  client_config.allow_insecure_http = config.allow_insecure_http;
  return dynamodb::Client::Create(std::move(client_config));
}

bool TtlOn(const dynamodb::TimeToLiveDescription& ttl) {
  return ttl.status == "ENABLED" || ttl.status == "ENABLING";
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

}  // namespace mem0::provision
