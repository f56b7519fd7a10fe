// mem0::dynamodb::Client: a focused DynamoDB client (AWS JSON 1.0 protocol)
// with SigV4 signing, the AWS credential chain, retries with capped
// exponential backoff and full jitter, CRC32 response checks, and per-
// operation request counters.
//
// Every operation returns Result<...>; nothing throws. Typed operations cover
// what mem0 uses; Invoke() sends any operation's raw JSON through the same
// stack (used by `mem0 ddb`).
//
// Thread-safety: a Client is safe to share across threads; the transport keeps
// a bounded pool of keep-alive connections.
#ifndef MEM0_DYNAMODB_CLIENT_H_
#define MEM0_DYNAMODB_CLIENT_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mem0/aws/credentials.h"
#include "mem0/aws/http.h"
#include "mem0/core/env.h"
#include "mem0/core/result.h"
#include "mem0/dynamodb/attribute_value.h"

namespace mem0::dynamodb {

// Every operation the client can send. The IAM policy generator derives its
// action list from this table, so keep it the single source.
enum class Operation {
  kCreateTable,
  kDescribeTable,
  kDeleteTable,
  kListTables,
  kUpdateTimeToLive,
  kDescribeTimeToLive,
  kUpdateContinuousBackups,
  kDescribeContinuousBackups,
  kPutItem,
  kGetItem,
  kUpdateItem,
  kDeleteItem,
  kQuery,
  kScan,
  kBatchGetItem,
  kBatchWriteItem,
  kTransactWriteItems,
  kTransactGetItems,
  kOther,  // anything else sent through Invoke()
};
inline constexpr size_t kOperationCount = static_cast<size_t>(Operation::kOther) + 1;
// Requests one call (a batch, a graph level) sends at once.
inline constexpr size_t kMaxParallelRequests = 8;
const char* OperationName(Operation op);
std::optional<Operation> OperationFromName(std::string_view name);

struct RetryPolicy {
  int max_attempts = 10;  // the AWS SDKs' default for DynamoDB
  std::chrono::milliseconds base_delay{25};
  std::chrono::milliseconds max_delay{20000};
  // The longest one call may take, all attempts and the sleeps between them
  // included (each attempt gets at most what is left, through
  // HttpRequest::timeout): an unresponsive endpoint fails the call after
  // this, not after max_attempts full request timeouts. Zero: no limit.
  std::chrono::milliseconds call_timeout{30000};
  // Uniform in [0, 1); full jitter picks the delay as jitter() * cap.
  // Injectable so tests can assert exact delays.
  std::function<double()> jitter;  // null: a thread-safe PRNG
};

struct ClientConfig {
  std::string region;        // empty: resolved from env/profile
  std::string endpoint_url;  // empty: resolved (env, then regional endpoint)
  std::string profile;       // empty: AWS_PROFILE or "default"
  // Explicit keys; when empty the default credential chain is used.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // Plain http is refused for any endpoint but a loopback one (127.0.0.0/8,
  // ::1, localhost): requests, and a session token, would cross the network
  // in cleartext. Set this to allow it anyway (e.g. DynamoDB Local on
  // another host of a private network).
  bool allow_insecure_http = false;
  RetryPolicy retry;
  aws::HttpTransportOptions http;
  // Seams. Null members get the real implementations.
  Env env;
  std::shared_ptr<aws::HttpTransport> transport;
  std::shared_ptr<aws::CredentialsProvider> credentials;
  // Asks for ReturnConsumedCapacity=TOTAL on every item, query and batch
  // call, so counters() and ProcessRequestCounters() can sum it. Replies
  // grow by a few dozen bytes; no capacity is spent on it.
  bool track_consumed_capacity = true;
};

// One entry of a TransactionCanceledException's CancellationReasons.
struct CancellationReason {
  std::string code;  // "None", "ConditionalCheckFailed", ...
  std::string message;
  // Present when ReturnValuesOnConditionCheckFailure=ALL_OLD was asked for.
  std::optional<Item> item;
};

// What a DynamoDB error reply carries beyond mem0::Error; attached as
// Error::detail when present.
struct ServiceErrorDetail final : ErrorDetail {
  std::vector<CancellationReason> cancellation_reasons;
  // The item as it was, for ConditionalCheckFailedException with
  // ReturnValuesOnConditionCheckFailure=ALL_OLD.
  std::optional<Item> old_item;
  std::string Describe() const override;
};
// The DynamoDB detail of `error`, or nullptr when it has none.
const ServiceErrorDetail* ServiceDetail(const Error& error);

class Client;

// Where and as whom to connect, as mem0's DynamoDB config names it; every
// DynamoDB-backed config (the conversation and graph stores) embeds it.
struct ConnectionConfig {
  std::string region;             // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile
  std::string endpoint_url;       // empty: AWS_ENDPOINT_URL_DYNAMODB, ..., regional
  std::string profile;            // empty: AWS_PROFILE or "default"
  std::string aws_access_key_id;  // explicit keys; otherwise the credential chain
  std::string aws_secret_access_key;
  std::string aws_session_token;
  bool use_iam_role = true;          // use the credential chain when no explicit keys
  bool allow_insecure_http = false;  // see ClientConfig::allow_insecure_http
  // A shared client: when set it is used as is and the fields above are
  // ignored, so the tables of one application share its connections.
  std::shared_ptr<Client> client;
};

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

// Expression attribute names (#n -> name) and values (:v -> value).
struct ExpressionAttributes {
  std::map<std::string, std::string> names;
  std::map<std::string, AttributeValue> values;
};

struct ConsumedCapacity {
  std::string table_name;
  double capacity_units = 0;
  double read_capacity_units = 0;
  double write_capacity_units = 0;
};

struct PutItemRequest {
  std::string table_name;
  Item item;
  std::string condition_expression;
  ExpressionAttributes attributes;
  ReturnValues return_values = ReturnValues::kNone;  // kNone or kAllOld
  bool return_old_item_on_condition_failure = false;
  bool return_consumed_capacity = false;
};
struct PutItemResponse {
  std::optional<Item> attributes;
  std::optional<ConsumedCapacity> consumed_capacity;
};

struct GetItemRequest {
  std::string table_name;
  Item key;
  std::string projection_expression;
  std::map<std::string, std::string> attribute_names;
  bool consistent_read = false;
  bool return_consumed_capacity = false;
};
struct GetItemResponse {
  std::optional<Item> item;
  std::optional<ConsumedCapacity> consumed_capacity;
};

struct UpdateItemRequest {
  std::string table_name;
  Item key;
  std::string update_expression;
  std::string condition_expression;
  ExpressionAttributes attributes;
  ReturnValues return_values = ReturnValues::kNone;
  bool return_old_item_on_condition_failure = false;
  bool return_consumed_capacity = false;
};
using UpdateItemResponse = PutItemResponse;

struct DeleteItemRequest {
  std::string table_name;
  Item key;
  std::string condition_expression;
  ExpressionAttributes attributes;
  ReturnValues return_values = ReturnValues::kNone;
  bool return_old_item_on_condition_failure = false;
  bool return_consumed_capacity = false;
};
using DeleteItemResponse = PutItemResponse;

enum class Select {
  kDefault,
  kAllAttributes,
  kAllProjectedAttributes,
  kCount,
  kSpecificAttributes
};

struct QueryRequest {
  std::string table_name;
  std::string index_name;
  std::string key_condition_expression;
  std::string filter_expression;
  std::string projection_expression;
  ExpressionAttributes attributes;
  std::optional<int> limit;
  bool scan_index_forward = true;
  bool consistent_read = false;
  Select select = Select::kDefault;
  std::optional<Item> exclusive_start_key;
  bool return_consumed_capacity = false;
};
struct QueryResponse {
  std::vector<Item> items;
  int64_t count = 0;
  int64_t scanned_count = 0;
  std::optional<Item> last_evaluated_key;
  std::optional<ConsumedCapacity> consumed_capacity;
};

struct ScanRequest {
  std::string table_name;
  std::string index_name;
  std::string filter_expression;
  std::string projection_expression;
  ExpressionAttributes attributes;
  std::optional<int> limit;
  bool consistent_read = false;
  std::optional<int> segment;
  std::optional<int> total_segments;
  std::optional<Item> exclusive_start_key;
  bool return_consumed_capacity = false;
};
using ScanResponse = QueryResponse;

struct KeysAndAttributes {
  std::vector<Item> keys;
  std::string projection_expression;
  std::map<std::string, std::string> attribute_names;
  bool consistent_read = false;
};
struct BatchGetItemResponse {
  std::map<std::string, std::vector<Item>> responses;  // by table
  std::vector<ConsumedCapacity> consumed_capacity;
};

// One BatchWriteItem entry: a put (item) or a delete (key).
struct WriteRequest {
  enum class Kind { kPut, kDelete } kind = Kind::kPut;
  Item item_or_key;
  static WriteRequest Put(Item item) { return {Kind::kPut, std::move(item)}; }
  static WriteRequest Delete(Item key) { return {Kind::kDelete, std::move(key)}; }
};

struct TransactWriteItem {
  enum class Kind { kPut, kUpdate, kDelete, kConditionCheck } kind = Kind::kPut;
  std::string table_name;
  Item item;  // for kPut
  Item key;   // for the others
  std::string update_expression;
  std::string condition_expression;
  ExpressionAttributes attributes;
  bool return_old_item_on_condition_failure = false;
};
struct TransactWriteItemsRequest {
  std::vector<TransactWriteItem> items;
  std::string client_request_token;  // idempotency token; empty: generated
  bool return_consumed_capacity = false;
};
struct TransactWriteItemsResponse {
  std::vector<ConsumedCapacity> consumed_capacity;
};

struct TransactGetItem {
  std::string table_name;
  Item key;
  std::string projection_expression;
  std::map<std::string, std::string> attribute_names;
};

// Table administration -------------------------------------------------

enum class ScalarType { kS, kN, kB };
const char* ScalarTypeName(ScalarType type);  // "S", "N" or "B"

struct KeyElement {
  std::string name;
  ScalarType type = ScalarType::kS;
};
struct ProvisionedThroughput {
  int64_t read_capacity_units = 0;
  int64_t write_capacity_units = 0;
};
struct GlobalSecondaryIndex {
  std::string name;
  KeyElement hash_key;
  std::optional<KeyElement> range_key;
  std::string projection_type = "ALL";  // ALL | KEYS_ONLY | INCLUDE
  std::optional<ProvisionedThroughput> throughput;
  std::string status;  // from DescribeTable: CREATING, ACTIVE, ...
};
struct SseSpecification {
  bool enabled = false;           // false: AWS owned key
  std::string kms_master_key_id;  // empty with enabled: aws/dynamodb
};
struct CreateTableRequest {
  std::string table_name;
  KeyElement hash_key;
  std::optional<KeyElement> range_key;
  std::vector<GlobalSecondaryIndex> global_secondary_indexes;
  std::string billing_mode = "PAY_PER_REQUEST";  // or PROVISIONED
  std::optional<ProvisionedThroughput> throughput;
  std::optional<SseSpecification> sse;
  std::string table_class;  // STANDARD | STANDARD_INFREQUENT_ACCESS; empty: default
  bool deletion_protection = false;
  std::vector<std::pair<std::string, std::string>> tags;
};
struct TableDescription {
  std::string table_name;
  std::string table_arn;
  std::string status;  // CREATING, ACTIVE, DELETING, UPDATING
  KeyElement hash_key;
  std::optional<KeyElement> range_key;
  std::vector<GlobalSecondaryIndex> global_secondary_indexes;
  std::string billing_mode;  // PAY_PER_REQUEST or PROVISIONED
  std::optional<ProvisionedThroughput> throughput;
  std::string sse_status;  // ENABLED when KMS; empty for the AWS owned key
  std::string sse_type;
  std::string kms_master_key_arn;
  std::string table_class;
  bool deletion_protection = false;
  int64_t item_count = 0;
};
struct TimeToLiveDescription {
  std::string status;  // ENABLED, DISABLED, ENABLING, DISABLING
  std::string attribute_name;
};

// Request counts per operation (HTTP attempts, retries included), the
// retries among them, and the capacity units DynamoDB reported as consumed.
// Lock-free; safe to read while clients count.
class RequestCounters {
 public:
  uint64_t Get(Operation op) const { return counts_[Index(op)].load(); }
  uint64_t Retries(Operation op) const { return retries_[Index(op)].load(); }
  double ConsumedCapacity(Operation op) const {
    return static_cast<double>(capacity_millis_[Index(op)].load()) / 1000;
  }
  uint64_t Total() const;
  void Increment(Operation op) { counts_[Index(op)].fetch_add(1); }
  void IncrementRetries(Operation op) { retries_[Index(op)].fetch_add(1); }
  void AddConsumedCapacity(Operation op, double units);
  void Reset();
  std::map<std::string, uint64_t> Snapshot() const;  // non-zero entries by name

 private:
  static size_t Index(Operation op) { return static_cast<size_t>(op); }
  std::array<std::atomic<uint64_t>, kOperationCount> counts_{};
  std::array<std::atomic<uint64_t>, kOperationCount> retries_{};
  std::array<std::atomic<uint64_t>, kOperationCount> capacity_millis_{};
};

// The sum over every Client of this process (what /metrics exports).
const RequestCounters& ProcessRequestCounters();

class Client {
 public:
  // Resolves region, endpoint and credentials; fails only when no region can
  // be found or the endpoint URL is malformed.
  static Result<std::unique_ptr<Client>> Create(ClientConfig config);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::string& region() const;
  const std::string& endpoint_url() const;
  RequestCounters& counters();

  // Sends `json_body` as `operation` (e.g. "PutItem"); returns the response
  // body. Same signing, retries and checks as the typed calls.
  Result<std::string> Invoke(std::string_view operation, std::string_view json_body);

  Result<PutItemResponse> PutItem(const PutItemRequest& request);
  Result<GetItemResponse> GetItem(const GetItemRequest& request);
  Result<UpdateItemResponse> UpdateItem(const UpdateItemRequest& request);
  Result<DeleteItemResponse> DeleteItem(const DeleteItemRequest& request);
  Result<QueryResponse> Query(const QueryRequest& request);
  Result<ScanResponse> Scan(const ScanRequest& request);
  // Follow LastEvaluatedKey until done or at least `max_items` items are
  // collected; last_evaluated_key then says where to resume. Without a
  // filter, pages are sized to stop at exactly max_items; with one, the last
  // page may carry more (items are never dropped, so resuming is exact).
  Result<QueryResponse> QueryAll(QueryRequest request, std::optional<size_t> max_items = {});
  Result<ScanResponse> ScanAll(ScanRequest request, std::optional<size_t> max_items = {});

  // Any number of keys: split into requests of at most 100 keys sent in
  // parallel; UnprocessedKeys are retried with backoff until all are read.
  Result<BatchGetItemResponse> BatchGetItem(
      const std::map<std::string, KeysAndAttributes>& request_items);
  // Any number of writes: split into requests of at most 25 sent in
  // parallel; UnprocessedItems are retried with backoff until all land.
  Result<void> BatchWriteItem(
      const std::map<std::string, std::vector<WriteRequest>>& request_items);
  Result<TransactWriteItemsResponse> TransactWriteItems(const TransactWriteItemsRequest& request);
  // Items in request order; nullopt where the item does not exist.
  Result<std::vector<std::optional<Item>>> TransactGetItems(
      const std::vector<TransactGetItem>& items);

  Result<TableDescription> CreateTable(const CreateTableRequest& request);
  Result<TableDescription> DescribeTable(std::string_view table_name);
  Result<void> DeleteTable(std::string_view table_name);
  Result<std::vector<std::string>> ListTables();
  Result<void> UpdateTimeToLive(std::string_view table_name, std::string_view attribute,
                                bool enabled);
  Result<TimeToLiveDescription> DescribeTimeToLive(std::string_view table_name);
  Result<void> UpdateContinuousBackups(std::string_view table_name, bool point_in_time_recovery);
  // True when point-in-time recovery is enabled.
  Result<bool> DescribeContinuousBackups(std::string_view table_name);

  // Polls DescribeTable until the table and all its GSIs are ACTIVE (or, with
  // `deleted`, until the table is gone).
  Result<TableDescription> WaitUntilActive(std::string_view table_name,
                                           std::chrono::milliseconds timeout);
  Result<void> WaitUntilDeleted(std::string_view table_name, std::chrono::milliseconds timeout);

 private:
  class Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The shared client of `connection`, or a new one built from its fields.
Result<std::shared_ptr<Client>> Connect(const ConnectionConfig& connection);

}  // namespace mem0::dynamodb

#endif  // MEM0_DYNAMODB_CLIENT_H_
