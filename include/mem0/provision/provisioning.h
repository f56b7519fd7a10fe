// Provisioning of mem0's two DynamoDB tables, and every other way of making
// them, generated from one description so they cannot disagree:
//
//   - CreateDynamoDBTables: creates (or accepts) the conversation and graph
//     tables, waits for them and the GSI to be ACTIVE, enables TTL on the
//     configured attribute and point-in-time recovery when asked. Idempotent;
//     an existing table whose keys or index conflict is an error, and any
//     other difference is reported as drift.
//   - CheckDynamoDBTables: the live tables against the configuration.
//   - CloudFormationTemplate, DdbshSchema: the same tables as a CloudFormation
//     template and as a dynamodb-shell (ddbsh) script; ApplyDdbsh runs exactly
//     the statements DdbshSchema emits, so the script is proven, not just
//     printed.
//   - IamPolicyJson: a least-privilege policy whose actions are derived from
//     dynamodb::Operation, the client's list of every operation it can send.
//
// Table schemas:
//   conversation: user_id (S, HASH), conversation_id (S, RANGE); TTL on
//                 ttl_attribute when enabled.
//   graph:        node_id (S, HASH), edge_id (S, RANGE); GSI gsi_name on
//                 relationship_type (S, HASH), created_at (N, RANGE),
//                 projecting ALL.
//
// Thread-safety: free functions over values; safe to call concurrently (the
// Client is thread-safe).
#ifndef MEM0_PROVISION_PROVISIONING_H_
#define MEM0_PROVISION_PROVISIONING_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mem0/core/result.h"
#include "mem0/dynamodb/client.h"

namespace mem0::provision {

// TablesConfig::sse_kms_key value selecting the AWS managed key.
inline constexpr std::string_view kAwsManagedKmsKey = "aws/dynamodb";

struct TablesConfig {
  std::string region;                       // used in ARNs and by MakeTablesClient
  std::optional<std::string> endpoint_url;  // used by MakeTablesClient
  bool allow_insecure_http = false;         // used by MakeTablesClient (see ClientConfig)
  std::string conversation_table = "Mem0Conversations";
  std::string graph_table = "Mem0Graph";
  bool ttl_enabled = false;
  std::string ttl_attribute = "expiration_time";
  bool gsi_enabled = true;
  std::string gsi_name = "RelationshipTypeIndex";
  std::string billing_mode = "PAY_PER_REQUEST";  // or PROVISIONED
  // Used only with PROVISIONED.
  int64_t read_capacity = 5;
  int64_t write_capacity = 5;
  int64_t gsi_read_capacity = 5;
  int64_t gsi_write_capacity = 5;
  // Encryption at rest: "" the AWS owned key (DynamoDB's default),
  // "aws/dynamodb" the AWS managed key, anything else a customer managed KMS
  // key (ARN, key id, alias name or alias ARN).
  std::string sse_kms_key;
  bool point_in_time_recovery = false;
  bool deletion_protection = false;
  std::vector<std::pair<std::string, std::string>> tags;
  std::string table_class;  // "" (service default) | STANDARD | STANDARD_INFREQUENT_ACCESS
  std::chrono::milliseconds wait_timeout{std::chrono::minutes(10)};
};

// kInvalidArgument naming the first bad field; nothing is sent.
Status ValidateTablesConfig(const TablesConfig& config);

// The CreateTable requests every generator starts from.
dynamodb::CreateTableRequest ConversationTableRequest(const TablesConfig& config);
dynamodb::CreateTableRequest GraphTableRequest(const TablesConfig& config);

// A client for config.region / config.endpoint_url with the default
// credential chain.
Result<std::unique_ptr<dynamodb::Client>> MakeTablesClient(const TablesConfig& config);

// One difference between a live table and the configuration.
struct Drift {
  std::string table;
  std::string setting;  // "table", "hash key", "index RelationshipTypeIndex", "ttl", ...
  std::string expected;
  std::string actual;
  // True when the stores cannot work with the table as it is (keys, the GSI,
  // TTL on another attribute): CreateDynamoDBTables fails on these.
  bool conflict = false;
  // "Mem0Graph: index RelationshipTypeIndex: expected ..., found ..."
  std::string ToString() const;
};

struct DriftReport {
  std::vector<Drift> drift;
  // Settings the endpoint could not report, e.g. point-in-time recovery on
  // DynamoDB Local, or tags (reading them needs ListTagsOfResource, which
  // mem0 never calls).
  std::vector<std::string> unverified;
  bool ok() const { return drift.empty(); }
  bool has_conflict() const;
};

struct TableOutcome {
  std::string table_name;
  std::string table_arn;
  bool created = false;                    // false: it already existed
  bool ttl_enabled = false;                // this call turned TTL on
  bool pitr_enabled = false;               // this call turned point-in-time recovery on
  dynamodb::TableDescription description;  // ACTIVE, after all changes
};

struct ProvisioningReport {
  TableOutcome conversation;
  TableOutcome graph;
  // What still differs from the configuration (settings CreateTable cannot
  // change on an existing table, or that the endpoint ignored).
  DriftReport remaining;
};

// Creates what is missing, waits until both tables and the GSI are ACTIVE
// (config.wait_timeout each), then enables TTL on config.ttl_attribute and
// point-in-time recovery as configured. Existing tables are checked first:
// when any conflicts, returns kAlreadyExists listing every conflict and
// creates nothing.
Result<ProvisioningReport> CreateDynamoDBTables(dynamodb::Client& client,
                                                const TablesConfig& config);

// Compares the live tables with the configuration. Missing tables are drift,
// not errors; errors are for failed calls.
Result<DriftReport> CheckDynamoDBTables(dynamodb::Client& client, const TablesConfig& config);

struct DeletionReport {
  std::vector<std::string> deleted;
  std::vector<std::string> absent;  // did not exist
};

// Deletes both tables and waits until they are gone. Refuses (kInvalidArgument,
// nothing deleted) when either has deletion protection enabled.
Result<DeletionReport> DeleteDynamoDBTables(dynamodb::Client& client, const TablesConfig& config);

// CloudFormation template (YAML, long-form intrinsics so any YAML parser reads
// it) equivalent to CreateDynamoDBTables: parameters for the table names, TTL,
// KMS key and billing mode (defaults from `config`), outputs with the table
// names and ARNs.
// `generated_by` (e.g. the command line that made it) goes in its header.
Result<std::string> CloudFormationTemplate(const TablesConfig& config,
                                           std::string_view generated_by = {});
// The same template as a JSON document (CloudFormation accepts both).
Result<std::string> CloudFormationTemplateJson(const TablesConfig& config);

// dynamodb-shell script: CREATE TABLE IF NOT EXISTS / ALTER TABLE ... SET TTL
// (and SET PITR ENABLED) for both tables, safe to run on a live deployment.
// With `drop_existing` each table is dropped first (DROP TABLE IF EXISTS,
// then CREATE TABLE): every item is lost, so only an explicit flag asks.
Result<std::string> DdbshSchema(const TablesConfig& config, std::string_view generated_by = {},
                                bool drop_existing = false);

// One statement of the ddbsh subset that DdbshSchema emits.
struct DdbshStatement {
  enum class Kind { kDropTable, kCreateTable, kSetTtl, kSetPitr };
  Kind kind = Kind::kCreateTable;
  int line = 0;  // 1-based line of the statement's first token
  std::string table;
  bool if_exists = false;               // DROP TABLE IF EXISTS
  bool if_not_exists = false;           // CREATE TABLE IF NOT EXISTS
  bool nowait = false;                  // NOWAIT: do not wait for ACTIVE / deleted
  dynamodb::CreateTableRequest create;  // kCreateTable
  std::string ttl_attribute;            // kSetTtl
  std::string ToString() const;         // e.g. "line 3: CREATE TABLE Mem0Graph"
};

// Parses the whole script; any statement outside the subset is a
// kInvalidArgument error naming its line. Nothing is sent.
Result<std::vector<DdbshStatement>> ParseDdbsh(std::string_view script);

struct DdbshStatementOutcome {
  int line = 0;
  std::string statement;  // DdbshStatement::ToString()
  std::string outcome;    // "dropped", "absent", "created", "exists", "ttl enabled", ...
};

// Parses `script` (nothing runs if any statement is bad), then runs the
// statements in order against DynamoDB, waiting as ddbsh does.
Result<std::vector<DdbshStatementOutcome>> ApplyDdbsh(
    dynamodb::Client& client, std::string_view script,
    std::chrono::milliseconds wait_timeout = std::chrono::minutes(10));

// The IAM actions sending `op` needs, as "dynamodb:Name". Transactions are
// authorized per item by the underlying actions (plus ConditionCheckItem);
// ListTables needs Resource "*", which a table-scoped policy cannot grant, and
// no mem0 code path calls it, so it maps to nothing. kOther maps to nothing.
std::vector<std::string> IamActionsFor(dynamodb::Operation op);
// The union of IamActionsFor over every operation, sorted.
std::vector<std::string> RequiredIamActions();

struct IamPolicyOptions {
  // Only the item actions on the conversation table, restricted with
  // dynamodb:LeadingKeys to the partitions of the user `tenant_variable`
  // names: "<user_id>" and the store's overflow partition "mem0#parts#<user_id>".
  bool tenant_scoped = false;
  std::string account_id = "*";
  std::string region;  // empty: config.region, or "*" when that is empty
  // The IAM policy variable holding the caller's user id.
  std::string tenant_variable = "${aws:PrincipalTag/mem0_user_id}";
};

// The policy document (pretty JSON). Resources: exactly the two table ARNs and
// the GSI ARN (only the conversation table when tenant scoped).
Result<std::string> IamPolicyJson(const TablesConfig& config, const IamPolicyOptions& options = {});

}  // namespace mem0::provision

#endif  // MEM0_PROVISION_PROVISIONING_H_
