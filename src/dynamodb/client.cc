#include "mem0/dynamodb/client.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include "aws/sigv4.h"
#include "core/parallel.h"
#include "core/url.h"
#include "core/uuid.h"
#include "dynamodb/fast_json.h"
#include "dynamodb/json_codec.h"

namespace mem0::dynamodb {

using aws::Credentials;
using aws::CredentialsProvider;
using aws::HttpRequest;
using aws::HttpResponse;
using aws::HttpTransport;
namespace sigv4 = aws::sigv4;
namespace {

using Json = nlohmann::json;

constexpr const char* kOperationNames[kOperationCount] = {
    "CreateTable",
    "DescribeTable",
    "DeleteTable",
    "ListTables",
    "UpdateTimeToLive",
    "DescribeTimeToLive",
    "UpdateContinuousBackups",
    "DescribeContinuousBackups",
    "PutItem",
    "GetItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
    "Other",
};

constexpr size_t kBatchGetLimit = 100;
constexpr size_t kBatchWriteLimit = 25;
constexpr size_t kTransactionLimit = 100;

Error InvalidArgument(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), "ValidationException");
}

// Error types the AWS SDKs retry as throttling or transient conditions.
bool IsRetryableType(std::string_view type) {
  static constexpr std::string_view kRetryable[] = {
      "ProvisionedThroughputExceededException",
      "ThrottlingException",
      "RequestLimitExceeded",
      "LimitExceededException",
      "TransactionInProgressException",
      "InternalServerError",
      "ServiceUnavailable",
  };
  return std::find(std::begin(kRetryable), std::end(kRetryable), type) != std::end(kRetryable);
}

bool IsThrottleType(std::string_view type) {
  return type == "ProvisionedThroughputExceededException" || type == "ThrottlingException" ||
         type == "RequestLimitExceeded";
}

ErrorCode CodeForType(std::string_view type, int status) {
  if (type == "ConditionalCheckFailedException" || type == "TransactionCanceledException") {
    return ErrorCode::kConditionFailed;
  }
  if (type == "ResourceNotFoundException") return ErrorCode::kNotFound;
  if (type == "ResourceInUseException" || type == "TableAlreadyExistsException") {
    return ErrorCode::kAlreadyExists;
  }
  if (type == "ValidationException" || type == "SerializationException") {
    return ErrorCode::kInvalidArgument;
  }
  if (IsThrottleType(type)) return ErrorCode::kThrottled;
  if (type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
      type == "MissingAuthenticationTokenException" || type == "ExpiredTokenException") {
    return ErrorCode::kCredentialsError;
  }
  (void)status;
  return ErrorCode::kServiceError;
}

const char* ReturnValuesName(ReturnValues rv) {
  switch (rv) {
    case ReturnValues::kNone:
      return "NONE";
    case ReturnValues::kAllOld:
      return "ALL_OLD";
    case ReturnValues::kUpdatedOld:
      return "UPDATED_OLD";
    case ReturnValues::kAllNew:
      return "ALL_NEW";
    case ReturnValues::kUpdatedNew:
      return "UPDATED_NEW";
  }
  return "NONE";
}

ScalarType ScalarTypeFromName(std::string_view name) {
  if (name == "N") return ScalarType::kN;
  if (name == "B") return ScalarType::kB;
  return ScalarType::kS;
}

void AddExpressionAttributes(Json& body, const ExpressionAttributes& attributes) {
  if (!attributes.names.empty()) body["ExpressionAttributeNames"] = attributes.names;
  if (!attributes.values.empty()) {
    Json values = Json::object();
    for (const auto& [name, value] : attributes.values) values[name] = ToJson(value);
    body["ExpressionAttributeValues"] = std::move(values);
  }
}

void AddIfSet(Json& body, const char* field, const std::string& value) {
  if (!value.empty()) body[field] = value;
}

// Checked reads of reply fields. A reply that parses as JSON but has a field
// of the wrong type (or a number out of range) is damaged: kNetworkError, as
// for a failed CRC32, with a message that names the field. An absent or null
// field reads as the default, as DynamoDB omits what does not apply.
Error MalformedReply(const std::string& what) {
  return MakeError(ErrorCode::kNetworkError, "malformed DynamoDB reply: " + what,
                   "MalformedResponse");
}

std::string FieldPath(std::string_view where, std::string_view name) {
  std::string path(where);
  if (!path.empty() && !name.starts_with('[')) path += '.';
  return path.append(name);
}

// The field, or nullptr when `object` lacks it (or it is null).
const Json* Field(const Json& object, const std::string& name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> ReadString(const Json& object, const std::string& name, std::string_view where,
                               std::string fallback = {}) {
  const Json* field = Field(object, name);
  if (field == nullptr) return fallback;
  if (!field->is_string()) return MalformedReply(FieldPath(where, name) + " is not a string");
  return field->get_ref<const std::string&>();
}

// A non-negative integer that fits int64 (every count and capacity here).
Result<int64_t> ReadCount(const Json& object, const std::string& name, std::string_view where) {
  const Json* field = Field(object, name);
  if (field == nullptr) return int64_t{0};
  if (!field->is_number_integer()) {
    return MalformedReply(FieldPath(where, name) + " is not an integer");
  }
  if (field->is_number_unsigned()) {
    const auto value = field->get<uint64_t>();
    if (value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(value);
    }
  } else if (const auto value = field->get<int64_t>(); value >= 0) {
    return value;
  }
  return MalformedReply(FieldPath(where, name) + " is out of range: " + field->dump());
}

Result<double> ReadDouble(const Json& object, const std::string& name, std::string_view where) {
  const Json* field = Field(object, name);
  if (field == nullptr) return 0.0;
  if (!field->is_number()) return MalformedReply(FieldPath(where, name) + " is not a number");
  return field->get<double>();
}

Result<bool> ReadBool(const Json& object, const std::string& name, std::string_view where) {
  const Json* field = Field(object, name);
  if (field == nullptr) return false;
  if (!field->is_boolean()) return MalformedReply(FieldPath(where, name) + " is not a boolean");
  return field->get<bool>();
}

// nullptr when absent.
Result<const Json*> ReadObject(const Json& object, const std::string& name,
                               std::string_view where) {
  const Json* field = Field(object, name);
  if (field != nullptr && !field->is_object()) {
    return MalformedReply(FieldPath(where, name) + " is not an object");
  }
  return field;
}

// nullptr when absent; with `of_objects`, every element must be an object.
Result<const Json*> ReadArray(const Json& object, const std::string& name, std::string_view where,
                              bool of_objects = false) {
  const Json* field = Field(object, name);
  if (field == nullptr) return field;
  if (!field->is_array()) return MalformedReply(FieldPath(where, name) + " is not an array");
  if (of_objects) {
    for (size_t i = 0; i < field->size(); ++i) {
      if (!(*field)[i].is_object()) {
        return MalformedReply(FieldPath(where, name) + "[" + std::to_string(i) +
                              "] is not an object");
      }
    }
  }
  return field;
}

// An item in a reply; the codec's message says where inside it.
Result<Item> ReadItem(const Json& json, std::string_view path) {
  auto item = ItemFromJson(json);
  if (!item.ok()) return MalformedReply(std::string(path) + ": " + item.error().message);
  return item;
}

Result<ConsumedCapacity> ParseConsumedCapacity(const Json& json, std::string_view where) {
  if (!json.is_object()) return MalformedReply(std::string(where) + " is not an object");
  ConsumedCapacity cc;
  MEM0_ASSIGN_OR_RETURN(cc.table_name, ReadString(json, "TableName", where));
  MEM0_ASSIGN_OR_RETURN(cc.capacity_units, ReadDouble(json, "CapacityUnits", where));
  MEM0_ASSIGN_OR_RETURN(cc.read_capacity_units, ReadDouble(json, "ReadCapacityUnits", where));
  MEM0_ASSIGN_OR_RETURN(cc.write_capacity_units, ReadDouble(json, "WriteCapacityUnits", where));
  return cc;
}

// The single ConsumedCapacity object of item operations.
Result<std::optional<ConsumedCapacity>> OptionalConsumedCapacity(const Json& body) {
  MEM0_ASSIGN_OR_RETURN(const Json* json, ReadObject(body, "ConsumedCapacity", ""));
  if (json == nullptr) return std::optional<ConsumedCapacity>();
  MEM0_ASSIGN_OR_RETURN(ConsumedCapacity cc, ParseConsumedCapacity(*json, "ConsumedCapacity"));
  return std::optional<ConsumedCapacity>(std::move(cc));
}

// The ConsumedCapacity array of batch and transaction operations.
Result<std::vector<ConsumedCapacity>> ParseConsumedCapacityList(const Json& body) {
  std::vector<ConsumedCapacity> out;
  MEM0_ASSIGN_OR_RETURN(const Json* list, ReadArray(body, "ConsumedCapacity", ""));
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    MEM0_ASSIGN_OR_RETURN(
        ConsumedCapacity cc,
        ParseConsumedCapacity((*list)[i], "ConsumedCapacity[" + std::to_string(i) + "]"));
    out.push_back(std::move(cc));
  }
  return out;
}

Result<std::optional<Item>> OptionalItem(const Json& body, const char* field,
                                         std::string_view where = "") {
  const Json* json = Field(body, field);
  if (json == nullptr) return std::optional<Item>();
  MEM0_ASSIGN_OR_RETURN(Item item, ReadItem(*json, FieldPath(where, field)));
  return std::optional<Item>(std::move(item));
}

Result<PutItemResponse> ParseWriteResponse(const Json& body) {
  PutItemResponse response;
  MEM0_ASSIGN_OR_RETURN(response.attributes, OptionalItem(body, "Attributes"));
  MEM0_ASSIGN_OR_RETURN(response.consumed_capacity, OptionalConsumedCapacity(body));
  return response;
}

void AddWriteOptions(Json& body, const std::string& condition, const ExpressionAttributes& attrs,
                     ReturnValues rv, bool old_on_failure, bool consumed) {
  AddIfSet(body, "ConditionExpression", condition);
  AddExpressionAttributes(body, attrs);
  if (rv != ReturnValues::kNone) body["ReturnValues"] = ReturnValuesName(rv);
  if (old_on_failure) body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  if (consumed) body["ReturnConsumedCapacity"] = "TOTAL";
}

Json KeyElementSchema(const KeyElement& hash, const std::optional<KeyElement>& range) {
  Json schema = Json::array({{{"AttributeName", hash.name}, {"KeyType", "HASH"}}});
  if (range) schema.push_back({{"AttributeName", range->name}, {"KeyType", "RANGE"}});
  return schema;
}

Json ThroughputJson(const ProvisionedThroughput& t) {
  return {{"ReadCapacityUnits", t.read_capacity_units},
          {"WriteCapacityUnits", t.write_capacity_units}};
}

Status ParseKeySchema(const Json& owner, const Json* definitions, std::string_view where,
                      KeyElement& hash, std::optional<KeyElement>& range) {
  MEM0_ASSIGN_OR_RETURN(const Json* schema, ReadArray(owner, "KeySchema", where, true));
  if (schema == nullptr) return {};
  const std::string schema_path = FieldPath(where, "KeySchema");
  for (size_t i = 0; i < schema->size(); ++i) {
    const Json& element = (*schema)[i];
    const std::string path = schema_path + "[" + std::to_string(i) + "]";
    KeyElement key{"", ScalarType::kS};
    MEM0_ASSIGN_OR_RETURN(key.name, ReadString(element, "AttributeName", path));
    MEM0_ASSIGN_OR_RETURN(std::string key_type, ReadString(element, "KeyType", path));
    for (size_t j = 0; definitions != nullptr && j < definitions->size(); ++j) {
      const Json& def = (*definitions)[j];
      const std::string def_path = "AttributeDefinitions[" + std::to_string(j) + "]";
      MEM0_ASSIGN_OR_RETURN(std::string name, ReadString(def, "AttributeName", def_path));
      if (name == key.name) {
        MEM0_ASSIGN_OR_RETURN(std::string type, ReadString(def, "AttributeType", def_path, "S"));
        key.type = ScalarTypeFromName(type);
        break;
      }
    }
    if (key_type == "HASH") {
      hash = key;
    } else {
      range = key;
    }
  }
  return {};
}

Result<std::optional<ProvisionedThroughput>> ParseThroughput(const Json& owner,
                                                             std::string_view where) {
  using Out = std::optional<ProvisionedThroughput>;
  MEM0_ASSIGN_OR_RETURN(const Json* json, ReadObject(owner, "ProvisionedThroughput", where));
  if (json == nullptr) return Out();
  const std::string path = FieldPath(where, "ProvisionedThroughput");
  ProvisionedThroughput t{};
  MEM0_ASSIGN_OR_RETURN(t.read_capacity_units, ReadCount(*json, "ReadCapacityUnits", path));
  MEM0_ASSIGN_OR_RETURN(t.write_capacity_units, ReadCount(*json, "WriteCapacityUnits", path));
  if (t.read_capacity_units == 0 && t.write_capacity_units == 0) return Out();
  return Out(t);
}

// `parent`.`name`.`field` as a string, "" (or `fallback`) when any is absent.
Result<std::string> ReadNestedString(const Json& parent, const std::string& name,
                                     const std::string& field, std::string_view where,
                                     std::string fallback = {}) {
  MEM0_ASSIGN_OR_RETURN(const Json* object, ReadObject(parent, name, where));
  if (object == nullptr) return fallback;
  return ReadString(*object, field, FieldPath(where, name), std::move(fallback));
}

// `table` is the reply's Table or TableDescription (`where`), absent or not.
Result<TableDescription> ParseTableDescription(const Json* table, std::string_view where) {
  TableDescription d;
  const Json empty = Json::object();
  const Json& t = table != nullptr ? *table : empty;
  MEM0_ASSIGN_OR_RETURN(d.table_name, ReadString(t, "TableName", where));
  MEM0_ASSIGN_OR_RETURN(d.table_arn, ReadString(t, "TableArn", where));
  MEM0_ASSIGN_OR_RETURN(d.status, ReadString(t, "TableStatus", where));
  MEM0_ASSIGN_OR_RETURN(const Json* definitions, ReadArray(t, "AttributeDefinitions", where, true));
  MEM0_RETURN_IF_ERROR(ParseKeySchema(t, definitions, where, d.hash_key, d.range_key));
  MEM0_ASSIGN_OR_RETURN(const Json* indexes, ReadArray(t, "GlobalSecondaryIndexes", where, true));
  for (size_t i = 0; indexes != nullptr && i < indexes->size(); ++i) {
    const Json& gsi = (*indexes)[i];
    const std::string path =
        FieldPath(where, "GlobalSecondaryIndexes") + "[" + std::to_string(i) + "]";
    GlobalSecondaryIndex index;
    MEM0_ASSIGN_OR_RETURN(index.name, ReadString(gsi, "IndexName", path));
    MEM0_RETURN_IF_ERROR(ParseKeySchema(gsi, definitions, path, index.hash_key, index.range_key));
    MEM0_ASSIGN_OR_RETURN(index.projection_type,
                          ReadNestedString(gsi, "Projection", "ProjectionType", path, "ALL"));
    MEM0_ASSIGN_OR_RETURN(index.throughput, ParseThroughput(gsi, path));
    MEM0_ASSIGN_OR_RETURN(index.status, ReadString(gsi, "IndexStatus", path));
    d.global_secondary_indexes.push_back(std::move(index));
  }
  MEM0_ASSIGN_OR_RETURN(d.billing_mode,
                        ReadNestedString(t, "BillingModeSummary", "BillingMode", where));
  MEM0_ASSIGN_OR_RETURN(d.throughput, ParseThroughput(t, where));
  if (d.billing_mode.empty()) d.billing_mode = d.throughput ? "PROVISIONED" : "PAY_PER_REQUEST";
  if (d.billing_mode == "PAY_PER_REQUEST") d.throughput.reset();
  MEM0_ASSIGN_OR_RETURN(d.sse_status, ReadNestedString(t, "SSEDescription", "Status", where));
  MEM0_ASSIGN_OR_RETURN(d.sse_type, ReadNestedString(t, "SSEDescription", "SSEType", where));
  MEM0_ASSIGN_OR_RETURN(d.kms_master_key_arn,
                        ReadNestedString(t, "SSEDescription", "KMSMasterKeyArn", where));
  MEM0_ASSIGN_OR_RETURN(d.table_class,
                        ReadNestedString(t, "TableClassSummary", "TableClass", where));
  MEM0_ASSIGN_OR_RETURN(d.deletion_protection, ReadBool(t, "DeletionProtectionEnabled", where));
  MEM0_ASSIGN_OR_RETURN(d.item_count, ReadCount(t, "ItemCount", where));
  return d;
}

// Parses a DynamoDB error reply into an Error.
Error ParseServiceError(const HttpResponse& response) {
  Error error;
  auto detail = std::make_shared<ServiceErrorDetail>();
  error.http_status = response.status;
  if (const auto* id = response.Header("x-amzn-requestid")) error.request_id = *id;
  // Best effort: the reply is an error either way, so a field of the wrong
  // type is skipped (and noted in the message) rather than failing the parse.
  std::optional<Json> parsed = ParseJson(response.body);
  const Json body = parsed ? std::move(*parsed) : Json();
  std::string type, damaged;
  auto text = [&](const Json& object, const char* name) -> std::string {
    const Json* field = Field(object, name);
    if (field == nullptr) return {};
    if (field->is_string()) return field->get_ref<const std::string&>();
    if (damaged.empty()) damaged = std::string(name) + " is not a string";
    return {};
  };
  if (body.is_object()) {
    type = text(body, "__type");
    error.message = text(body, "message");
    if (error.message.empty()) error.message = text(body, "Message");
    if (const Json* reasons = Field(body, "CancellationReasons"); reasons != nullptr) {
      if (!reasons->is_array()) damaged = "CancellationReasons is not an array";
      for (size_t i = 0; reasons->is_array() && i < reasons->size(); ++i) {
        const Json& r = (*reasons)[i];
        CancellationReason reason;
        if (r.is_object()) {
          reason.code = text(r, "Code");
          reason.message = text(r, "Message");
          if (const Json* item = Field(r, "Item"); item != nullptr) {
            if (auto old = ItemFromJson(*item); old.ok()) {
              reason.item = std::move(*old);
            } else if (damaged.empty()) {
              damaged =
                  "CancellationReasons[" + std::to_string(i) + "].Item: " + old.error().message;
            }
          }
        } else if (damaged.empty()) {
          damaged = "CancellationReasons[" + std::to_string(i) + "] is not an object";
        }
        detail->cancellation_reasons.push_back(std::move(reason));
      }
    }
    if (const Json* item = Field(body, "Item"); item != nullptr) {
      if (auto old = ItemFromJson(*item); old.ok()) {
        detail->old_item = std::move(*old);
      } else if (damaged.empty()) {
        damaged = "Item: " + old.error().message;
      }
    }
  } else if (!response.body.empty()) {
    damaged = "the body is not a JSON object";
  }
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (type.empty()) {
    type = response.status >= 500 ? "InternalServerError" : "HttpError";
    if (error.message.empty()) error.message = "HTTP " + std::to_string(response.status);
  }
  if (!damaged.empty()) error.message += " (malformed error reply: " + damaged + ")";
  error.type = type;
  error.code = CodeForType(type, response.status);
  error.retryable = response.status >= 500 || IsRetryableType(type);
  if (type == "TransactionCanceledException" && !detail->cancellation_reasons.empty()) {
    // Cancelled only by contention (another transaction on the same items,
    // or throttling), not by a condition: worth running again.
    bool contention = false, other = false;
    for (const auto& reason : detail->cancellation_reasons) {
      if (reason.code == "TransactionConflict" || reason.code == "ThrottlingError") {
        contention = true;
      } else if (reason.code != "None") {
        other = true;
      }
    }
    if (contention && !other) {
      error.retryable = true;
      error.code = ErrorCode::kThrottled;
    }
  }
  if (!detail->cancellation_reasons.empty() || detail->old_item) error.detail = std::move(detail);
  return error;
}

// HTTPS_PROXY / HTTP_PROXY (either case) for the endpoint's scheme, unless
// NO_PROXY lists the host (or "*"), as curl and the AWS SDKs read them.
std::string ProxyFromEnvironment(const EnvironmentLookup& env, const Url& endpoint) {
  auto get = [&](const char* upper, const char* lower) {
    return env(upper).value_or(env(lower).value_or(""));
  };
  const std::string proxy =
      endpoint.tls() ? get("HTTPS_PROXY", "https_proxy") : get("HTTP_PROXY", "http_proxy");
  if (proxy.empty()) return proxy;
  const std::string& host = endpoint.host;
  const std::string no_proxy = get("NO_PROXY", "no_proxy");
  size_t start = 0;
  while (start <= no_proxy.size()) {
    size_t end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    std::string entry = no_proxy.substr(start, end - start);
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (!entry.empty() && entry[0] == '.') entry.erase(0, 1);
    if (entry == "*" || (!entry.empty() && (host == entry || host.ends_with("." + entry))))
      return "";
    start = end + 1;
  }
  return proxy;
}

}  // namespace

const char* ScalarTypeName(ScalarType type) {
  switch (type) {
    case ScalarType::kS:
      return "S";
    case ScalarType::kN:
      return "N";
    case ScalarType::kB:
      return "B";
  }
  return "S";
}

std::string ServiceErrorDetail::Describe() const {
  std::string out;
  for (const auto& reason : cancellation_reasons) {
    out += "\n  cancellation reason: " + reason.code;
    if (!reason.message.empty()) out += ": " + reason.message;
  }
  return out;
}

const ServiceErrorDetail* ServiceDetail(const Error& error) {
  return dynamic_cast<const ServiceErrorDetail*>(error.detail.get());
}

const char* OperationName(Operation op) { return kOperationNames[static_cast<size_t>(op)]; }

std::optional<Operation> OperationFromName(std::string_view name) {
  for (size_t i = 0; i + 1 < kOperationCount; ++i) {
    if (name == kOperationNames[i]) return static_cast<Operation>(i);
  }
  return std::nullopt;
}

uint64_t RequestCounters::Total() const {
  uint64_t total = 0;
  for (const auto& count : counts_) total += count.load();
  return total;
}

void RequestCounters::AddConsumedCapacity(Operation op, double units) {
  if (!(units > 0) || units > 1e12) return;  // NaN and absurd replies count nothing
  capacity_millis_[Index(op)].fetch_add(static_cast<uint64_t>(units * 1000 + 0.5));
}

void RequestCounters::Reset() {
  for (auto* counts : {&counts_, &retries_, &capacity_millis_}) {
    for (auto& count : *counts) count.store(0);
  }
}

namespace {
RequestCounters& MutableProcessCounters() {
  static RequestCounters* counters = new RequestCounters();  // never destroyed: used at exit
  return *counters;
}

bool ConsumesCapacity(Operation op) {
  switch (op) {
    case Operation::kPutItem:
    case Operation::kGetItem:
    case Operation::kUpdateItem:
    case Operation::kDeleteItem:
    case Operation::kQuery:
    case Operation::kScan:
    case Operation::kBatchGetItem:
    case Operation::kBatchWriteItem:
    case Operation::kTransactWriteItems:
    case Operation::kTransactGetItems:
      return true;
    default:
      return false;
  }
}

// CapacityUnits of a reply's ConsumedCapacity (an object, or a list for
// batches and transactions); malformed entries count nothing.
double ReportedCapacity(const Json& reply) {
  auto it = reply.find("ConsumedCapacity");
  if (it == reply.end()) return 0;
  double units = 0;
  auto add = [&units](const Json& entry) {
    if (!entry.is_object()) return;
    auto cu = entry.find("CapacityUnits");
    if (cu != entry.end() && cu->is_number()) units += cu->get<double>();
  };
  if (it->is_array()) {
    for (const auto& entry : *it) add(entry);
  } else {
    add(*it);
  }
  return units;
}
}  // namespace

const RequestCounters& ProcessRequestCounters() { return MutableProcessCounters(); }

std::map<std::string, uint64_t> RequestCounters::Snapshot() const {
  std::map<std::string, uint64_t> out;
  for (size_t i = 0; i < kOperationCount; ++i) {
    if (auto n = counts_[i].load()) out[kOperationNames[i]] = n;
  }
  return out;
}

class Client::Impl {
 public:
  ClientConfig config;
  std::string region;
  std::string endpoint;  // without trailing slash
  std::string url;       // endpoint + "/"
  std::string host;
  std::shared_ptr<HttpTransport> transport;
  std::shared_ptr<CredentialsProvider> credentials;
  std::shared_ptr<Clock> clock;
  std::shared_ptr<Sleeper> sleeper;
  RequestCounters counters;
  sigv4::SigningKeyCache signing_keys;

  double Jitter() {
    if (config.retry.jitter) return config.retry.jitter();
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }

  // Full jitter: uniform in [0, min(cap, base * 2^attempt)).
  std::chrono::milliseconds BackoffDelay(int attempt) {
    double ceiling = static_cast<double>(config.retry.base_delay.count()) *
                     static_cast<double>(uint64_t{1} << std::min(attempt, 30));
    ceiling = std::min(ceiling, static_cast<double>(config.retry.max_delay.count()));
    return std::chrono::milliseconds(static_cast<int64_t>(Jitter() * ceiling));
  }

  Result<std::string> Send(Operation op, std::string_view op_name, std::string_view body) {
    MEM0_RETURN_IF_ERROR(CheckOperationName(op_name));
    const std::string target = "DynamoDB_20120810." + std::string(op_name);
    const int max_attempts = std::max(1, config.retry.max_attempts);
    using std::chrono::milliseconds;
    const milliseconds call_timeout = config.retry.call_timeout;
    const bool bounded = call_timeout.count() > 0;
    const auto deadline = clock->Now() + call_timeout;
    auto time_left = [&] {
      return std::chrono::duration_cast<milliseconds>(deadline - clock->Now());
    };
    for (int attempt = 0;; ++attempt) {
      const milliseconds attempt_timeout = bounded ? time_left() : milliseconds(0);
      if (bounded && attempt_timeout.count() <= 0) {
        return CallTimedOut(op_name, attempt, call_timeout);
      }
      if (attempt > 0) {
        counters.IncrementRetries(op);
        MutableProcessCounters().IncrementRetries(op);
      }
      auto result = SendOnce(op, target, body, attempt_timeout);
      if (result.ok() || !result.error().retryable) return result;
      const milliseconds delay = BackoffDelay(attempt);
      // No retry that could not finish in time: the call fails now, with the
      // last attempt's error, rather than after a sleep that cannot help.
      const bool out_of_time = bounded && time_left() <= delay;
      if (attempt + 1 >= max_attempts || out_of_time) {
        Error error = std::move(result).error();
        if (attempt > 0 || out_of_time) {
          error.message +=
              " (after " + std::to_string(attempt + 1) + " attempt" + (attempt > 0 ? "s" : "") +
              (out_of_time
                   ? ", at the call's " + std::to_string(call_timeout.count()) + " ms deadline"
                   : "") +
              ")";
        }
        return error;
      }
      sleeper->Sleep(delay);
    }
  }

  static Error CallTimedOut(std::string_view op_name, int attempts,
                            std::chrono::milliseconds call_timeout) {
    Error error = MakeError(ErrorCode::kTimeout,
                            std::string(op_name) + " did not complete within the call's " +
                                std::to_string(call_timeout.count()) + " ms deadline (" +
                                std::to_string(attempts) + " attempts)",
                            "CallTimeout");
    error.retryable = false;
    return error;
  }

  // Operation names go into the X-Amz-Target header: letters only, so a
  // caller's name (`mem0 ddb NAME`) can never carry CR/LF or anything else
  // into the request. The longest DynamoDB operation has 35.
  static Status CheckOperationName(std::string_view op_name) {
    constexpr size_t kMaxOperationNameBytes = 64;
    bool letters = !op_name.empty() && op_name.size() <= kMaxOperationNameBytes;
    for (char c : op_name) letters = letters && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if (letters) return {};
    return InvalidArgument(op_name.empty()
                               ? std::string("the operation name is empty")
                               : "the operation name is not an operation (letters only, at most " +
                                     std::to_string(kMaxOperationNameBytes) + ")");
  }

  Result<std::string> SendOnce(Operation op, const std::string& target, std::string_view body,
                               std::chrono::milliseconds timeout) {
    MEM0_ASSIGN_OR_RETURN(Credentials creds, credentials->GetCredentials());
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.body.assign(body);
    request.timeout = timeout;
    request.headers = {
        {"Host", host}, {"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", target}};
    sigv4::SigningParams params;
    params.region = region;
    params.service = "dynamodb";
    params.time = clock->Now();
    MEM0_RETURN_IF_ERROR(sigv4::Sign(request, creds, params, signing_keys));
    counters.Increment(op);
    MutableProcessCounters().Increment(op);
    MEM0_ASSIGN_OR_RETURN(HttpResponse response, transport->Send(request));
    if (const auto* crc_header = response.Header("x-amz-crc32")) {
      uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(response.body.data()),
                        static_cast<uInt>(response.body.size()));
      uint32_t expected = 0;
      const char* header_end = crc_header->data() + crc_header->size();
      const auto [parsed_end, ec] = std::from_chars(crc_header->data(), header_end, expected);
      if (ec != std::errc() || parsed_end != header_end || crc_header->empty() || expected != crc) {
        Error error = MakeError(ErrorCode::kNetworkError,
                                "response CRC32 mismatch (expected " + *crc_header + ", got " +
                                    std::to_string(crc) + ")",
                                "CRC32CheckFailed");
        error.retryable = true;
        error.http_status = response.status;
        return error;
      }
    }
    if (response.status != 200) return ParseServiceError(response);
    return std::move(response.body);
  }

  Result<Json> Call(Operation op, Json body) {
    const bool track_capacity = config.track_consumed_capacity && ConsumesCapacity(op);
    if (track_capacity && !body.contains("ReturnConsumedCapacity")) {
      body["ReturnConsumedCapacity"] = "TOTAL";
    }
    // dump() throws on a string that is not UTF-8, which only the caller's
    // input can hold (replies are checked by ParseJson).
    std::string request;
    try {
      request = body.dump();
    } catch (const Json::exception& e) {
      return InvalidArgument(std::string(OperationName(op)) + " request: " + e.what());
    }
    MEM0_ASSIGN_OR_RETURN(std::string text, Send(op, OperationName(op), request));
    std::optional<Json> parsed = ParseJson(text);
    if (!parsed) {
      return MalformedReply(std::string(OperationName(op)) +
                            " response is not valid JSON (or nests deeper than " +
                            std::to_string(kMaxJsonDepth) + " levels)");
    }
    if (!parsed->is_object()) {
      return MalformedReply(std::string(OperationName(op)) + " response is not a JSON object");
    }
    if (track_capacity) {
      const double units = ReportedCapacity(*parsed);
      counters.AddConsumedCapacity(op, units);
      MutableProcessCounters().AddConsumedCapacity(op, units);
    }
    return std::move(*parsed);
  }
};

Result<std::unique_ptr<Client>> Client::Create(ClientConfig config) {
  auto impl = std::make_unique<Impl>();
  config.env = config.env.Resolved();
  const EnvironmentLookup& env = config.env.environment;
  std::string profile = config.profile;
  if (profile.empty()) profile = env("AWS_PROFILE").value_or("default");
  std::string endpoint_override = config.endpoint_url;
  MEM0_ASSIGN_OR_RETURN(impl->region, aws::ResolveRegion(config.region, env, profile));
  impl->endpoint = aws::ResolveDynamoDBEndpoint(endpoint_override, env, impl->region);
  while (!impl->endpoint.empty() && impl->endpoint.back() == '/') impl->endpoint.pop_back();
  auto endpoint_url = ParseUrl(impl->endpoint);
  if (!endpoint_url.ok()) return InvalidArgument("endpoint_url: " + endpoint_url.error().message);
  if (!endpoint_url->tls() && !IsLoopbackHost(endpoint_url->host) && !config.allow_insecure_http) {
    return InvalidArgument("endpoint_url " + impl->endpoint +
                           " is plain http to a host that is not loopback: requests and "
                           "credentials would cross the network in cleartext; use https, or "
                           "allow it explicitly (allow_insecure_http, --allow-insecure-http)");
  }
  impl->host = endpoint_url->authority;
  impl->url = impl->endpoint + "/";
  impl->clock = config.env.clock;
  impl->sleeper = config.env.sleeper;
  if (config.transport) {
    impl->transport = config.transport;
  } else {
    if (config.http.proxy.empty()) config.http.proxy = ProxyFromEnvironment(env, *endpoint_url);
    // The lean socket transport unless a proxy is in play, which libcurl handles.
    impl->transport = config.http.proxy.empty() ? aws::MakeSocketTransport(config.http)
                                                : aws::MakeCurlTransport(config.http);
  }
  if (config.credentials) {
    impl->credentials = config.credentials;
  } else if (!config.access_key_id.empty()) {
    impl->credentials = aws::MakeStaticCredentialsProvider(
        {config.access_key_id, config.secret_access_key, config.session_token, std::nullopt});
  } else {
    aws::CredentialsChainOptions options;
    options.env = config.env;
    options.profile = profile;
    impl->credentials = aws::MakeDefaultCredentialsChain(options);
  }
  impl->config = std::move(config);
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

const std::string& Client::region() const { return impl_->region; }
const std::string& Client::endpoint_url() const { return impl_->endpoint; }
RequestCounters& Client::counters() { return impl_->counters; }

Result<std::string> Client::Invoke(std::string_view operation, std::string_view json_body) {
  Operation op = OperationFromName(operation).value_or(Operation::kOther);
  return impl_->Send(op, operation, json_body);
}

Result<PutItemResponse> Client::PutItem(const PutItemRequest& request) {
  Json body = {{"TableName", request.table_name}, {"Item", ToJson(request.item)}};
  AddWriteOptions(body, request.condition_expression, request.attributes, request.return_values,
                  request.return_old_item_on_condition_failure, request.return_consumed_capacity);
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kPutItem, std::move(body)));
  return ParseWriteResponse(response);
}

Result<GetItemResponse> Client::GetItem(const GetItemRequest& request) {
  Json body = {{"TableName", request.table_name}, {"Key", ToJson(request.key)}};
  AddIfSet(body, "ProjectionExpression", request.projection_expression);
  if (!request.attribute_names.empty()) body["ExpressionAttributeNames"] = request.attribute_names;
  if (request.consistent_read) body["ConsistentRead"] = true;
  if (request.return_consumed_capacity) body["ReturnConsumedCapacity"] = "TOTAL";
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kGetItem, std::move(body)));
  GetItemResponse out;
  MEM0_ASSIGN_OR_RETURN(out.item, OptionalItem(response, "Item"));
  MEM0_ASSIGN_OR_RETURN(out.consumed_capacity, OptionalConsumedCapacity(response));
  return out;
}

Result<UpdateItemResponse> Client::UpdateItem(const UpdateItemRequest& request) {
  Json body = {{"TableName", request.table_name}, {"Key", ToJson(request.key)}};
  AddIfSet(body, "UpdateExpression", request.update_expression);
  AddWriteOptions(body, request.condition_expression, request.attributes, request.return_values,
                  request.return_old_item_on_condition_failure, request.return_consumed_capacity);
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kUpdateItem, std::move(body)));
  return ParseWriteResponse(response);
}

Result<DeleteItemResponse> Client::DeleteItem(const DeleteItemRequest& request) {
  Json body = {{"TableName", request.table_name}, {"Key", ToJson(request.key)}};
  AddWriteOptions(body, request.condition_expression, request.attributes, request.return_values,
                  request.return_old_item_on_condition_failure, request.return_consumed_capacity);
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kDeleteItem, std::move(body)));
  return ParseWriteResponse(response);
}

namespace {

const char* SelectName(Select select) {
  switch (select) {
    case Select::kAllAttributes:
      return "ALL_ATTRIBUTES";
    case Select::kAllProjectedAttributes:
      return "ALL_PROJECTED_ATTRIBUTES";
    case Select::kCount:
      return "COUNT";
    case Select::kSpecificAttributes:
      return "SPECIFIC_ATTRIBUTES";
    case Select::kDefault:
      break;
  }
  return nullptr;
}

template <typename Request>
Json ReadRequestBody(const Request& request) {
  Json body = {{"TableName", request.table_name}};
  AddIfSet(body, "IndexName", request.index_name);
  AddIfSet(body, "FilterExpression", request.filter_expression);
  AddIfSet(body, "ProjectionExpression", request.projection_expression);
  AddExpressionAttributes(body, request.attributes);
  if (request.limit) body["Limit"] = *request.limit;
  if (request.consistent_read) body["ConsistentRead"] = true;
  if (request.exclusive_start_key) body["ExclusiveStartKey"] = ToJson(*request.exclusive_start_key);
  if (request.return_consumed_capacity) body["ReturnConsumedCapacity"] = "TOTAL";
  return body;
}

Result<QueryResponse> ParseReadResponse(const Json& response) {
  QueryResponse out;
  MEM0_ASSIGN_OR_RETURN(const Json* items, ReadArray(response, "Items", ""));
  if (items != nullptr) {
    out.items.reserve(items->size());
    for (size_t i = 0; i < items->size(); ++i) {
      MEM0_ASSIGN_OR_RETURN(Item item, ReadItem((*items)[i], "Items[" + std::to_string(i) + "]"));
      out.items.push_back(std::move(item));
    }
  }
  MEM0_ASSIGN_OR_RETURN(out.count, ReadCount(response, "Count", ""));
  MEM0_ASSIGN_OR_RETURN(out.scanned_count, ReadCount(response, "ScannedCount", ""));
  MEM0_ASSIGN_OR_RETURN(out.last_evaluated_key, OptionalItem(response, "LastEvaluatedKey"));
  MEM0_ASSIGN_OR_RETURN(out.consumed_capacity, OptionalConsumedCapacity(response));
  return out;
}

void Accumulate(QueryResponse& total, QueryResponse page) {
  for (auto& item : page.items) total.items.push_back(std::move(item));
  total.count += page.count;
  total.scanned_count += page.scanned_count;
  total.last_evaluated_key = std::move(page.last_evaluated_key);
  if (page.consumed_capacity) {
    if (!total.consumed_capacity) total.consumed_capacity = ConsumedCapacity{};
    total.consumed_capacity->table_name = page.consumed_capacity->table_name;
    total.consumed_capacity->capacity_units += page.consumed_capacity->capacity_units;
  }
}

// Shared pagination loop for QueryAll / ScanAll.
template <typename Request, typename PageFn>
Result<QueryResponse> Paginate(Request request, std::optional<size_t> max_items, PageFn page_fn) {
  QueryResponse total;
  if (max_items && *max_items == 0) return total;
  while (true) {
    if (max_items) {
      size_t remaining = *max_items - total.items.size();
      if (!request.limit || static_cast<size_t>(*request.limit) > remaining) {
        // A filter may drop items, so only narrow the page when unfiltered.
        if (request.filter_expression.empty()) request.limit = static_cast<int>(remaining);
      }
    }
    MEM0_ASSIGN_OR_RETURN(QueryResponse page, page_fn(request));
    if (page.last_evaluated_key && page.last_evaluated_key == request.exclusive_start_key) {
      // DynamoDB always moves on; a reply that does not would loop forever.
      return MalformedReply("LastEvaluatedKey repeats the ExclusiveStartKey");
    }
    Accumulate(total, std::move(page));
    if (max_items && total.items.size() >= *max_items) return total;
    if (!total.last_evaluated_key) return total;
    request.exclusive_start_key = total.last_evaluated_key;
  }
}

}  // namespace

Result<QueryResponse> Client::Query(const QueryRequest& request) {
  Json body = ReadRequestBody(request);
  AddIfSet(body, "KeyConditionExpression", request.key_condition_expression);
  if (!request.scan_index_forward) body["ScanIndexForward"] = false;
  if (const char* select = SelectName(request.select)) body["Select"] = select;
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kQuery, std::move(body)));
  return ParseReadResponse(response);
}

Result<ScanResponse> Client::Scan(const ScanRequest& request) {
  Json body = ReadRequestBody(request);
  if (request.segment) body["Segment"] = *request.segment;
  if (request.total_segments) body["TotalSegments"] = *request.total_segments;
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kScan, std::move(body)));
  return ParseReadResponse(response);
}

Result<QueryResponse> Client::QueryAll(QueryRequest request, std::optional<size_t> max_items) {
  return Paginate(std::move(request), max_items,
                  [this](const QueryRequest& page) { return Query(page); });
}

Result<ScanResponse> Client::ScanAll(ScanRequest request, std::optional<size_t> max_items) {
  return Paginate(std::move(request), max_items,
                  [this](const ScanRequest& page) { return Scan(page); });
}

Result<BatchGetItemResponse> Client::BatchGetItem(
    const std::map<std::string, KeysAndAttributes>& request_items) {
  // One chunk: up to 100 keys of one table.
  struct Chunk {
    std::string table;
    const KeysAndAttributes* spec;
    std::vector<Item> keys;
  };
  std::vector<Chunk> chunks;
  for (const auto& [table, spec] : request_items) {
    for (size_t i = 0; i < spec.keys.size(); i += kBatchGetLimit) {
      size_t end = std::min(spec.keys.size(), i + kBatchGetLimit);
      chunks.push_back({table, &spec, {spec.keys.begin() + i, spec.keys.begin() + end}});
    }
  }
  BatchGetItemResponse out;
  std::mutex mu;
  std::vector<std::function<Result<void>()>> tasks;
  for (auto& chunk : chunks) {
    tasks.push_back([this, &chunk, &out, &mu]() -> Result<void> {
      Json keys = Json::array();
      for (const auto& key : chunk.keys) keys.push_back(ToJson(key));
      for (int attempt = 0;; ++attempt) {
        Json spec = {{"Keys", std::move(keys)}};
        AddIfSet(spec, "ProjectionExpression", chunk.spec->projection_expression);
        if (!chunk.spec->attribute_names.empty()) {
          spec["ExpressionAttributeNames"] = chunk.spec->attribute_names;
        }
        if (chunk.spec->consistent_read) spec["ConsistentRead"] = true;
        Json body = {{"RequestItems", {{chunk.table, std::move(spec)}}},
                     {"ReturnConsumedCapacity", "TOTAL"}};
        MEM0_ASSIGN_OR_RETURN(Json response,
                              impl_->Call(Operation::kBatchGetItem, std::move(body)));
        std::vector<Item> items;
        MEM0_ASSIGN_OR_RETURN(const Json* responses, ReadObject(response, "Responses", ""));
        const Json* table_items_json = nullptr;
        if (responses != nullptr) {
          MEM0_ASSIGN_OR_RETURN(table_items_json, ReadArray(*responses, chunk.table, "Responses"));
        }
        for (size_t i = 0; table_items_json != nullptr && i < table_items_json->size(); ++i) {
          MEM0_ASSIGN_OR_RETURN(
              Item item, ReadItem((*table_items_json)[i], FieldPath("Responses", chunk.table) +
                                                              "[" + std::to_string(i) + "]"));
          items.push_back(std::move(item));
        }
        MEM0_ASSIGN_OR_RETURN(auto consumed, ParseConsumedCapacityList(response));
        // Keys to send again; DynamoDB's own, passed back as they came.
        MEM0_ASSIGN_OR_RETURN(const Json* unprocessed, ReadObject(response, "UnprocessedKeys", ""));
        const Json* unprocessed_table = nullptr;
        if (unprocessed != nullptr) {
          MEM0_ASSIGN_OR_RETURN(unprocessed_table,
                                ReadObject(*unprocessed, chunk.table, "UnprocessedKeys"));
        }
        const Json* unprocessed_keys = nullptr;
        if (unprocessed_table != nullptr) {
          MEM0_ASSIGN_OR_RETURN(unprocessed_keys,
                                ReadArray(*unprocessed_table, "Keys",
                                          FieldPath("UnprocessedKeys", chunk.table), true));
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          auto& table_items = out.responses[chunk.table];
          for (auto& item : items) table_items.push_back(std::move(item));
          for (auto& cc : consumed) out.consumed_capacity.push_back(std::move(cc));
        }
        keys = unprocessed_keys != nullptr ? *unprocessed_keys : Json::array();
        if (keys.empty()) return {};
        if (attempt + 1 >= impl_->config.retry.max_attempts) {
          Error error = MakeError(ErrorCode::kThrottled,
                                  std::to_string(keys.size()) + " keys still unprocessed after " +
                                      std::to_string(attempt + 1) + " BatchGetItem attempts",
                                  "UnprocessedKeys");
          error.retryable = true;
          return error;
        }
        impl_->sleeper->Sleep(impl_->BackoffDelay(attempt));
      }
    });
  }
  MEM0_RETURN_IF_ERROR(RunParallel(std::move(tasks), kMaxParallelRequests));
  return out;
}

Result<void> Client::BatchWriteItem(
    const std::map<std::string, std::vector<WriteRequest>>& request_items) {
  std::vector<std::pair<std::string, Json>> chunks;  // (table, array of write requests)
  for (const auto& [table, writes] : request_items) {
    for (size_t i = 0; i < writes.size(); i += kBatchWriteLimit) {
      Json array = Json::array();
      for (size_t j = i; j < std::min(writes.size(), i + kBatchWriteLimit); ++j) {
        const auto& write = writes[j];
        if (write.kind == WriteRequest::Kind::kPut) {
          array.push_back({{"PutRequest", {{"Item", ToJson(write.item_or_key)}}}});
        } else {
          array.push_back({{"DeleteRequest", {{"Key", ToJson(write.item_or_key)}}}});
        }
      }
      chunks.emplace_back(table, std::move(array));
    }
  }
  std::vector<std::function<Result<void>()>> tasks;
  for (auto& chunk : chunks) {
    tasks.push_back([this, &chunk]() -> Result<void> {
      Json pending = std::move(chunk.second);
      for (int attempt = 0;; ++attempt) {
        Json body = {{"RequestItems", {{chunk.first, std::move(pending)}}}};
        MEM0_ASSIGN_OR_RETURN(Json response,
                              impl_->Call(Operation::kBatchWriteItem, std::move(body)));
        MEM0_ASSIGN_OR_RETURN(const Json* unprocessed,
                              ReadObject(response, "UnprocessedItems", ""));
        const Json* unprocessed_writes = nullptr;
        if (unprocessed != nullptr) {
          MEM0_ASSIGN_OR_RETURN(unprocessed_writes,
                                ReadArray(*unprocessed, chunk.first, "UnprocessedItems", true));
        }
        pending = unprocessed_writes != nullptr ? *unprocessed_writes : Json::array();
        if (pending.empty()) return {};
        if (attempt + 1 >= impl_->config.retry.max_attempts) {
          Error error =
              MakeError(ErrorCode::kThrottled,
                        std::to_string(pending.size()) + " writes still unprocessed after " +
                            std::to_string(attempt + 1) + " BatchWriteItem attempts",
                        "UnprocessedItems");
          error.retryable = true;
          return error;
        }
        impl_->sleeper->Sleep(impl_->BackoffDelay(attempt));
      }
    });
  }
  return RunParallel(std::move(tasks), kMaxParallelRequests);
}

Result<TransactWriteItemsResponse> Client::TransactWriteItems(
    const TransactWriteItemsRequest& request) {
  if (request.items.empty() || request.items.size() > kTransactionLimit) {
    return InvalidArgument("TransactItems must hold 1 to 100 actions, got " +
                           std::to_string(request.items.size()));
  }
  Json items = Json::array();
  for (const auto& item : request.items) {
    Json action = {{"TableName", item.table_name}};
    AddIfSet(action, "ConditionExpression", item.condition_expression);
    AddExpressionAttributes(action, item.attributes);
    if (item.return_old_item_on_condition_failure) {
      action["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
    }
    const char* kind = "Put";
    switch (item.kind) {
      case TransactWriteItem::Kind::kPut:
        action["Item"] = ToJson(item.item);
        break;
      case TransactWriteItem::Kind::kUpdate:
        kind = "Update";
        action["Key"] = ToJson(item.key);
        action["UpdateExpression"] = item.update_expression;
        break;
      case TransactWriteItem::Kind::kDelete:
        kind = "Delete";
        action["Key"] = ToJson(item.key);
        break;
      case TransactWriteItem::Kind::kConditionCheck:
        kind = "ConditionCheck";
        action["Key"] = ToJson(item.key);
        break;
    }
    items.push_back({{kind, std::move(action)}});
  }
  // The token makes retries of this call idempotent for ten minutes.
  std::string token = request.client_request_token;
  if (token.empty()) {
    MEM0_ASSIGN_OR_RETURN(token, NewRandomUuid());
  }
  Json body = {{"TransactItems", std::move(items)}, {"ClientRequestToken", std::move(token)}};
  if (request.return_consumed_capacity) body["ReturnConsumedCapacity"] = "TOTAL";
  MEM0_ASSIGN_OR_RETURN(Json response,
                        impl_->Call(Operation::kTransactWriteItems, std::move(body)));
  MEM0_ASSIGN_OR_RETURN(auto consumed, ParseConsumedCapacityList(response));
  return TransactWriteItemsResponse{std::move(consumed)};
}

Result<std::vector<std::optional<Item>>> Client::TransactGetItems(
    const std::vector<TransactGetItem>& items) {
  if (items.empty() || items.size() > kTransactionLimit) {
    return InvalidArgument("TransactItems must hold 1 to 100 gets, got " +
                           std::to_string(items.size()));
  }
  Json actions = Json::array();
  for (const auto& item : items) {
    Json get = {{"TableName", item.table_name}, {"Key", ToJson(item.key)}};
    AddIfSet(get, "ProjectionExpression", item.projection_expression);
    if (!item.attribute_names.empty()) get["ExpressionAttributeNames"] = item.attribute_names;
    actions.push_back({{"Get", std::move(get)}});
  }
  MEM0_ASSIGN_OR_RETURN(Json response,
                        impl_->Call(Operation::kTransactGetItems, {{"TransactItems", actions}}));
  std::vector<std::optional<Item>> out;
  MEM0_ASSIGN_OR_RETURN(const Json* responses, ReadArray(response, "Responses", "", true));
  for (size_t i = 0; responses != nullptr && i < responses->size(); ++i) {
    MEM0_ASSIGN_OR_RETURN(
        auto item, OptionalItem((*responses)[i], "Item", "Responses[" + std::to_string(i) + "]"));
    out.push_back(std::move(item));
  }
  out.resize(items.size());
  return out;
}

Result<TableDescription> Client::CreateTable(const CreateTableRequest& request) {
  std::map<std::string, ScalarType> definitions;
  auto define = [&](const KeyElement& key) { definitions[key.name] = key.type; };
  define(request.hash_key);
  if (request.range_key) define(*request.range_key);
  const bool provisioned = request.billing_mode == "PROVISIONED";
  Json body = {{"TableName", request.table_name},
               {"KeySchema", KeyElementSchema(request.hash_key, request.range_key)},
               {"BillingMode", request.billing_mode}};
  if (provisioned) {
    if (!request.throughput)
      return InvalidArgument("PROVISIONED billing needs read/write capacity");
    body["ProvisionedThroughput"] = ThroughputJson(*request.throughput);
  }
  if (!request.global_secondary_indexes.empty()) {
    Json indexes = Json::array();
    for (const auto& gsi : request.global_secondary_indexes) {
      define(gsi.hash_key);
      if (gsi.range_key) define(*gsi.range_key);
      Json index = {{"IndexName", gsi.name},
                    {"KeySchema", KeyElementSchema(gsi.hash_key, gsi.range_key)},
                    {"Projection", {{"ProjectionType", gsi.projection_type}}}};
      if (provisioned) {
        index["ProvisionedThroughput"] =
            ThroughputJson(gsi.throughput.value_or(*request.throughput));
      }
      indexes.push_back(std::move(index));
    }
    body["GlobalSecondaryIndexes"] = std::move(indexes);
  }
  Json attribute_definitions = Json::array();
  for (const auto& [name, type] : definitions) {
    attribute_definitions.push_back(
        {{"AttributeName", name}, {"AttributeType", ScalarTypeName(type)}});
  }
  body["AttributeDefinitions"] = std::move(attribute_definitions);
  if (request.sse && request.sse->enabled) {
    Json sse = {{"Enabled", true}, {"SSEType", "KMS"}};
    AddIfSet(sse, "KMSMasterKeyId", request.sse->kms_master_key_id);
    body["SSESpecification"] = std::move(sse);
  }
  AddIfSet(body, "TableClass", request.table_class);
  if (request.deletion_protection) body["DeletionProtectionEnabled"] = true;
  if (!request.tags.empty()) {
    Json tags = Json::array();
    for (const auto& [key, value] : request.tags) tags.push_back({{"Key", key}, {"Value", value}});
    body["Tags"] = std::move(tags);
  }
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kCreateTable, std::move(body)));
  MEM0_ASSIGN_OR_RETURN(const Json* table, ReadObject(response, "TableDescription", ""));
  return ParseTableDescription(table, "TableDescription");
}

Result<TableDescription> Client::DescribeTable(std::string_view table_name) {
  MEM0_ASSIGN_OR_RETURN(Json response,
                        impl_->Call(Operation::kDescribeTable, {{"TableName", table_name}}));
  MEM0_ASSIGN_OR_RETURN(const Json* table, ReadObject(response, "Table", ""));
  return ParseTableDescription(table, "Table");
}

Result<void> Client::DeleteTable(std::string_view table_name) {
  MEM0_RETURN_IF_ERROR(impl_->Call(Operation::kDeleteTable, {{"TableName", table_name}}));
  return {};
}

Result<std::vector<std::string>> Client::ListTables() {
  std::vector<std::string> names;
  Json body = Json::object();
  while (true) {
    MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kListTables, body));
    MEM0_ASSIGN_OR_RETURN(const Json* page, ReadArray(response, "TableNames", ""));
    for (size_t i = 0; page != nullptr && i < page->size(); ++i) {
      if (!(*page)[i].is_string()) {
        return MalformedReply("TableNames[" + std::to_string(i) + "] is not a string");
      }
      names.push_back((*page)[i].get<std::string>());
    }
    MEM0_ASSIGN_OR_RETURN(std::string last, ReadString(response, "LastEvaluatedTableName", ""));
    if (last.empty()) return names;
    if (body.contains("ExclusiveStartTableName") && body["ExclusiveStartTableName"] == last) {
      return MalformedReply("LastEvaluatedTableName repeats the start table " + last);
    }
    body["ExclusiveStartTableName"] = std::move(last);
  }
}

Result<void> Client::UpdateTimeToLive(std::string_view table_name, std::string_view attribute,
                                      bool enabled) {
  Json body = {{"TableName", table_name},
               {"TimeToLiveSpecification", {{"AttributeName", attribute}, {"Enabled", enabled}}}};
  MEM0_RETURN_IF_ERROR(impl_->Call(Operation::kUpdateTimeToLive, std::move(body)));
  return {};
}

Result<TimeToLiveDescription> Client::DescribeTimeToLive(std::string_view table_name) {
  MEM0_ASSIGN_OR_RETURN(Json response,
                        impl_->Call(Operation::kDescribeTimeToLive, {{"TableName", table_name}}));
  MEM0_ASSIGN_OR_RETURN(const Json* description, ReadObject(response, "TimeToLiveDescription", ""));
  const Json empty = Json::object();
  const Json& d = description != nullptr ? *description : empty;
  MEM0_ASSIGN_OR_RETURN(std::string status,
                        ReadString(d, "TimeToLiveStatus", "TimeToLiveDescription", "DISABLED"));
  MEM0_ASSIGN_OR_RETURN(std::string attribute,
                        ReadString(d, "AttributeName", "TimeToLiveDescription"));
  return TimeToLiveDescription{std::move(status), std::move(attribute)};
}

Result<void> Client::UpdateContinuousBackups(std::string_view table_name,
                                             bool point_in_time_recovery) {
  Json body = {{"TableName", table_name},
               {"PointInTimeRecoverySpecification",
                {{"PointInTimeRecoveryEnabled", point_in_time_recovery}}}};
  MEM0_RETURN_IF_ERROR(impl_->Call(Operation::kUpdateContinuousBackups, std::move(body)));
  return {};
}

Result<bool> Client::DescribeContinuousBackups(std::string_view table_name) {
  MEM0_ASSIGN_OR_RETURN(Json response, impl_->Call(Operation::kDescribeContinuousBackups,
                                                   {{"TableName", table_name}}));
  MEM0_ASSIGN_OR_RETURN(const Json* description,
                        ReadObject(response, "ContinuousBackupsDescription", ""));
  if (description == nullptr) return false;
  MEM0_ASSIGN_OR_RETURN(
      std::string status,
      ReadNestedString(*description, "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus",
                       "ContinuousBackupsDescription"));
  return status == "ENABLED";
}

Result<TableDescription> Client::WaitUntilActive(std::string_view table_name,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = impl_->clock->Now() + timeout;
  for (int attempt = 0;; ++attempt) {
    MEM0_ASSIGN_OR_RETURN(TableDescription description, DescribeTable(table_name));
    bool active = description.status == "ACTIVE";
    for (const auto& gsi : description.global_secondary_indexes) {
      active = active && (gsi.status.empty() || gsi.status == "ACTIVE");
    }
    if (active) return description;
    if (impl_->clock->Now() >= deadline) {
      return MakeError(ErrorCode::kTimeout, "table " + std::string(table_name) +
                                                " not ACTIVE after " +
                                                std::to_string(timeout.count()) + " ms (status " +
                                                description.status + ")");
    }
    impl_->sleeper->Sleep(std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 4))));
  }
}

Result<void> Client::WaitUntilDeleted(std::string_view table_name,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = impl_->clock->Now() + timeout;
  for (int attempt = 0;; ++attempt) {
    auto description = DescribeTable(table_name);
    if (!description.ok()) {
      if (description.error().code == ErrorCode::kNotFound) return {};
      return description.error();
    }
    if (impl_->clock->Now() >= deadline) {
      return MakeError(ErrorCode::kTimeout, "table " + std::string(table_name) +
                                                " still exists after " +
                                                std::to_string(timeout.count()) + " ms");
    }
    impl_->sleeper->Sleep(std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 4))));
  }
}

Result<std::shared_ptr<Client>> Connect(const ConnectionConfig& connection) {
  if (connection.client) return connection.client;
  ClientConfig config;
  config.region = connection.region;
  config.endpoint_url = connection.endpoint_url;
  config.profile = connection.profile;
  config.allow_insecure_http = connection.allow_insecure_http;
  if (!connection.aws_access_key_id.empty()) {
    config.access_key_id = connection.aws_access_key_id;
    config.secret_access_key = connection.aws_secret_access_key;
    config.session_token = connection.aws_session_token;
  } else if (!connection.use_iam_role) {
    return MakeError(ErrorCode::kCredentialsError,
                     "no explicit keys given and use_iam_role is false: no credentials to use");
  }
  MEM0_ASSIGN_OR_RETURN(auto client, Client::Create(std::move(config)));
  return std::shared_ptr<Client>(std::move(client));
}

}  // namespace mem0::dynamodb
