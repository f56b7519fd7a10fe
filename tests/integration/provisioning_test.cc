// Table provisioning against DynamoDB Local: create (both billing modes, GSI,
// TTL), idempotence, drift detection, delete; the CloudFormation template
// (validated against the documented AWS::DynamoDB::Table properties and
// deployed to DynamoDB Local), the ddbsh schema (run by apply-ddbsh), the IAM
// policy, the `mem0 tables` CLI, and the deploy/ files kept in sync.
//
// What DynamoDB Local does with the optional settings (asserted below):
//   deletion protection  honoured (DescribeTable reports it; DeleteTable refuses)
//   SSE / KMS keys       accepted and ignored (no SSEDescription)
//   table class          accepted and ignored (no TableClassSummary)
//   tags                 accepted on CreateTable; cannot be read back
//   point-in-time rec.   Update/DescribeContinuousBackups: UnknownOperationException
#include "mem0/provision/provisioning.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mem0/store/conversation_store.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using dynamodb::Client;
using dynamodb::Operation;
using Json = nlohmann::json;

std::string SourcePath(const std::string& relative) {
  return std::string(MEM0_SOURCE_DIR) + "/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A file that is removed when the test ends.
class TempFile {
 public:
  explicit TempFile(const std::string& content, const std::string& suffix = ".yaml") {
    std::string pattern = "/tmp/mem0-prov-XXXXXX" + suffix;
    int fd = mkstemps(pattern.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw std::runtime_error("mkstemps failed");
    if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
      throw std::runtime_error("write failed");
    }
    close(fd);
    path_ = pattern;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The configuration the files in deploy/ are generated from.
provision::TablesConfig DeployConfig() {
  provision::TablesConfig config;
  config.ttl_enabled = true;
  return config;
}

const char* kRegenerate =
    "regenerate with: mem0 tables cloudformation --ttl > deploy/cloudformation.yaml; "
    "mem0 tables ddbsh --ttl > deploy/schema.sql; mem0 tables iam-policy > deploy/iam-policy.json";

// Replaces whole-word occurrences of `from` (names in a ddbsh script).
std::string ReplaceWord(std::string text, const std::string& from, const std::string& to) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    const bool starts = at == 0 || !is_word(text[at - 1]);
    const bool ends = at + from.size() >= text.size() || !is_word(text[at + from.size()]);
    if (starts && ends) {
      text.replace(at, from.size(), to);
      at += to.size();
    } else {
      at += from.size();
    }
  }
  return text;
}

// DescribeTable (and DescribeTimeToLive) with what differs between any two
// tables (names, ARNs, timestamps, sizes) removed and lists sorted: equal
// shapes are identical tables.
Json Shape(Client& client, const std::string& table) {
  auto raw = client.Invoke("DescribeTable", Json{{"TableName", table}}.dump());
  if (!raw.ok()) return Json{{"error", raw.error().ToString()}};
  Json described = Json::parse(*raw)["Table"];
  static const std::set<std::string> kVolatile = {"TableName",
                                                  "TableArn",
                                                  "TableId",
                                                  "CreationDateTime",
                                                  "ItemCount",
                                                  "TableSizeBytes",
                                                  "IndexArn",
                                                  "IndexSizeBytes",
                                                  "LastIncreaseDateTime",
                                                  "LastDecreaseDateTime",
                                                  "NumberOfDecreasesToday",
                                                  "LastUpdateToPayPerRequestDateTime"};
  std::function<void(Json&)> strip = [&](Json& node) {
    if (node.is_object()) {
      for (const auto& key : kVolatile) node.erase(key);
      for (auto& [key, value] : node.items()) strip(value);
    } else if (node.is_array()) {
      for (auto& item : node) strip(item);
    }
  };
  strip(described);
  auto by = [](const char* key) {
    return [key](const Json& a, const Json& b) { return a[key] < b[key]; };
  };
  if (described.contains("AttributeDefinitions")) {
    std::sort(described["AttributeDefinitions"].begin(), described["AttributeDefinitions"].end(),
              by("AttributeName"));
  }
  if (described.contains("GlobalSecondaryIndexes")) {
    std::sort(described["GlobalSecondaryIndexes"].begin(),
              described["GlobalSecondaryIndexes"].end(), by("IndexName"));
  }
  auto ttl = client.DescribeTimeToLive(table);
  described["TimeToLive"] = ttl.ok()
                                ? Json{{"status", ttl->status}, {"attribute", ttl->attribute_name}}
                                : Json(ttl.error().ToString());
  return described;
}

void ExpectSameTables(Client& client, const provision::TablesConfig& expected,
                      const provision::TablesConfig& actual) {
  EXPECT_EQ(Shape(client, expected.conversation_table).dump(2),
            Shape(client, actual.conversation_table).dump(2));
  EXPECT_EQ(Shape(client, expected.graph_table).dump(2), Shape(client, actual.graph_table).dump(2));
}

// Drops tables whatever state they are in (deletion protection included).
void DropTables(Client& client, const std::vector<std::string>& tables) {
  for (const auto& table : tables) {
    (void)client.Invoke("UpdateTable",
                        Json{{"TableName", table}, {"DeletionProtectionEnabled", false}}.dump());
    (void)client.DeleteTable(table);
  }
}

bool HasDrift(const provision::DriftReport& report, const std::string& table,
              const std::string& setting, const std::string& expected, const std::string& actual,
              bool conflict) {
  return std::any_of(report.drift.begin(), report.drift.end(), [&](const provision::Drift& d) {
    return d.table == table && d.setting == setting && d.expected == expected &&
           d.actual == actual && d.conflict == conflict;
  });
}

std::string DriftList(const provision::DriftReport& report) {
  std::string out;
  for (const auto& d : report.drift) out += d.ToString() + "\n";
  return out;
}

class ProvisioningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = testing::MakeLocalClient();
    config_ = NewConfig();
  }
  void TearDown() override { DropTables(*client_, tables_); }

  // Unique table names, dropped at the end of the test.
  provision::TablesConfig NewConfig() {
    provision::TablesConfig config;
    config.region = "us-east-1";
    config.conversation_table = testing::UniqueName("prov-conv");
    config.graph_table = testing::UniqueName("prov-graph");
    config.wait_timeout = std::chrono::seconds(60);
    tables_.push_back(config.conversation_table);
    tables_.push_back(config.graph_table);
    return config;
  }

  bool Exists(const std::string& table) { return client_->DescribeTable(table).ok(); }

  std::unique_ptr<Client> client_;
  provision::TablesConfig config_;
  std::vector<std::string> tables_;
};

TEST_F(ProvisioningTest, CreatesOnDemandTablesWithGsiAndTtl) {
  config_.ttl_enabled = true;
  auto report = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->conversation.created);
  EXPECT_TRUE(report->graph.created);
  EXPECT_TRUE(report->conversation.ttl_enabled);
  EXPECT_FALSE(report->graph.ttl_enabled);
  EXPECT_TRUE(report->remaining.ok()) << DriftList(report->remaining);
  EXPECT_FALSE(report->conversation.table_arn.empty());

  auto conversation = client_->DescribeTable(config_.conversation_table);
  ASSERT_TRUE(conversation.ok());
  EXPECT_EQ(conversation->status, "ACTIVE");
  EXPECT_EQ(conversation->hash_key.name, "user_id");
  EXPECT_EQ(conversation->hash_key.type, dynamodb::ScalarType::kS);
  ASSERT_TRUE(conversation->range_key);
  EXPECT_EQ(conversation->range_key->name, "conversation_id");
  EXPECT_EQ(conversation->billing_mode, "PAY_PER_REQUEST");
  EXPECT_TRUE(conversation->global_secondary_indexes.empty());

  auto graph = client_->DescribeTable(config_.graph_table);
  ASSERT_TRUE(graph.ok());
  EXPECT_EQ(graph->hash_key.name, "node_id");
  ASSERT_TRUE(graph->range_key);
  EXPECT_EQ(graph->range_key->name, "edge_id");
  ASSERT_EQ(graph->global_secondary_indexes.size(), 1u);
  const auto& gsi = graph->global_secondary_indexes[0];
  EXPECT_EQ(gsi.name, "RelationshipTypeIndex");
  EXPECT_EQ(gsi.hash_key.name, "relationship_type");
  EXPECT_EQ(gsi.hash_key.type, dynamodb::ScalarType::kS);
  ASSERT_TRUE(gsi.range_key);
  EXPECT_EQ(gsi.range_key->name, "created_at");
  EXPECT_EQ(gsi.range_key->type, dynamodb::ScalarType::kN);
  EXPECT_EQ(gsi.projection_type, "ALL");
  EXPECT_EQ(gsi.status, "ACTIVE");

  auto ttl = client_->DescribeTimeToLive(config_.conversation_table);
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->status, "ENABLED");
  EXPECT_EQ(ttl->attribute_name, "expiration_time");
  auto graph_ttl = client_->DescribeTimeToLive(config_.graph_table);
  ASSERT_TRUE(graph_ttl.ok());
  EXPECT_EQ(graph_ttl->status, "DISABLED");

  // The index answers queries the graph store will send.
  dynamodb::QueryRequest query;
  query.table_name = config_.graph_table;
  query.index_name = "RelationshipTypeIndex";
  query.key_condition_expression = "relationship_type = :t AND created_at > :c";
  query.attributes.values = {{":t", dynamodb::AttributeValue::S("knows")},
                             {":c", dynamodb::AttributeValue::N("0")}};
  auto result = client_->Query(query);
  ASSERT_TRUE(result.ok()) << result.error().ToString();

  // DynamoDB Local has no continuous backups: reported as unverified, not as drift.
  ASSERT_EQ(report->remaining.unverified.size(), 2u);
  EXPECT_NE(report->remaining.unverified[0].find("UnknownOperationException"), std::string::npos);
}

TEST_F(ProvisioningTest, CreatesProvisionedTablesWithTableAndIndexCapacities) {
  config_.billing_mode = "PROVISIONED";
  config_.read_capacity = 3;
  config_.write_capacity = 4;
  config_.gsi_read_capacity = 2;
  config_.gsi_write_capacity = 1;
  auto report = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->remaining.ok()) << DriftList(report->remaining);

  for (const auto& table : {config_.conversation_table, config_.graph_table}) {
    auto described = client_->DescribeTable(table);
    ASSERT_TRUE(described.ok());
    EXPECT_EQ(described->billing_mode, "PROVISIONED");
    ASSERT_TRUE(described->throughput);
    EXPECT_EQ(described->throughput->read_capacity_units, 3);
    EXPECT_EQ(described->throughput->write_capacity_units, 4);
  }
  auto graph = client_->DescribeTable(config_.graph_table);
  ASSERT_EQ(graph->global_secondary_indexes.size(), 1u);
  ASSERT_TRUE(graph->global_secondary_indexes[0].throughput);
  EXPECT_EQ(graph->global_secondary_indexes[0].throughput->read_capacity_units, 2);
  EXPECT_EQ(graph->global_secondary_indexes[0].throughput->write_capacity_units, 1);

  // Capacities are part of the check.
  provision::TablesConfig other = config_;
  other.write_capacity = 9;
  auto drift = provision::CheckDynamoDBTables(*client_, other);
  ASSERT_TRUE(drift.ok());
  EXPECT_TRUE(
      HasDrift(*drift, config_.graph_table, "throughput", "3 RCU, 9 WCU", "3 RCU, 4 WCU", false))
      << DriftList(*drift);
  EXPECT_EQ(drift->drift.size(), 2u) << DriftList(*drift);  // both tables, not the index
  other = config_;
  other.billing_mode = "PAY_PER_REQUEST";
  drift = provision::CheckDynamoDBTables(*client_, other);
  ASSERT_TRUE(drift.ok());
  EXPECT_TRUE(HasDrift(*drift, config_.conversation_table, "billing mode", "PAY_PER_REQUEST",
                       "PROVISIONED", false))
      << DriftList(*drift);
}

TEST_F(ProvisioningTest, EnablesTtlOnTheConfiguredAttributeNotAHardCodedOne) {
  config_.ttl_enabled = true;
  config_.ttl_attribute = "expires_at";
  auto report = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  auto ttl = client_->DescribeTimeToLive(config_.conversation_table);
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->status, "ENABLED");
  EXPECT_EQ(ttl->attribute_name, "expires_at");
}

TEST_F(ProvisioningTest, CreatingTwiceIsIdempotent) {
  config_.ttl_enabled = true;
  auto first = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  const Json conversation = Shape(*client_, config_.conversation_table);
  const Json graph = Shape(*client_, config_.graph_table);

  auto second = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_FALSE(second->conversation.created);
  EXPECT_FALSE(second->graph.created);
  EXPECT_FALSE(second->conversation.ttl_enabled);  // already on: not sent again
  EXPECT_TRUE(second->remaining.ok()) << DriftList(second->remaining);
  EXPECT_EQ(second->conversation.table_arn, first->conversation.table_arn);
  EXPECT_EQ(Shape(*client_, config_.conversation_table), conversation);
  EXPECT_EQ(Shape(*client_, config_.graph_table), graph);
}

TEST_F(ProvisioningTest, ReportsTtlTurnedOffAndCreateTurnsItBackOn) {
  config_.ttl_enabled = true;
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  ASSERT_TRUE(client_->UpdateTimeToLive(config_.conversation_table, "expiration_time", false).ok());

  auto drift = provision::CheckDynamoDBTables(*client_, config_);
  ASSERT_TRUE(drift.ok()) << drift.error().ToString();
  ASSERT_EQ(drift->drift.size(), 1u) << DriftList(*drift);
  EXPECT_TRUE(HasDrift(*drift, config_.conversation_table, "ttl", "enabled on expiration_time",
                       "disabled", false))
      << DriftList(*drift);

  auto repaired = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(repaired.ok()) << repaired.error().ToString();
  EXPECT_TRUE(repaired->conversation.ttl_enabled);
  auto after = provision::CheckDynamoDBTables(*client_, config_);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->ok()) << DriftList(*after);

  // And a table with TTL the configuration does not want is drift too.
  provision::TablesConfig without_ttl = config_;
  without_ttl.ttl_enabled = false;
  auto unwanted = provision::CheckDynamoDBTables(*client_, without_ttl);
  ASSERT_TRUE(unwanted.ok());
  EXPECT_TRUE(HasDrift(*unwanted, config_.conversation_table, "ttl", "disabled",
                       "enabled on expiration_time", false))
      << DriftList(*unwanted);
}

TEST_F(ProvisioningTest, ReportsAMissingGsiAndCreateRefusesWithoutChangingAnything) {
  provision::TablesConfig no_gsi = config_;
  no_gsi.gsi_enabled = false;
  ASSERT_TRUE(client_->CreateTable(provision::GraphTableRequest(no_gsi)).ok());
  ASSERT_TRUE(client_->WaitUntilActive(config_.graph_table, std::chrono::seconds(30)).ok());

  auto drift = provision::CheckDynamoDBTables(*client_, config_);
  ASSERT_TRUE(drift.ok()) << drift.error().ToString();
  EXPECT_TRUE(HasDrift(*drift, config_.graph_table, "index RelationshipTypeIndex",
                       "relationship_type (S) HASH, created_at (N) RANGE, projection ALL",
                       "missing", true))
      << DriftList(*drift);
  EXPECT_TRUE(HasDrift(*drift, config_.conversation_table, "table", "exists", "missing", true));

  auto created = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(created.error().message.find(config_.graph_table +
                                         ": index RelationshipTypeIndex: expected "
                                         "relationship_type (S) HASH, created_at (N) RANGE, "
                                         "projection ALL, found missing"),
            std::string::npos)
      << created.error().message;
  EXPECT_FALSE(Exists(config_.conversation_table)) << "a conflict must stop before any create";
}

TEST_F(ProvisioningTest, ReportsWrongKeyTypesAsAConflict) {
  dynamodb::CreateTableRequest wrong = provision::ConversationTableRequest(config_);
  wrong.hash_key.type = dynamodb::ScalarType::kN;
  ASSERT_TRUE(client_->CreateTable(wrong).ok());

  auto drift = provision::CheckDynamoDBTables(*client_, config_);
  ASSERT_TRUE(drift.ok());
  EXPECT_TRUE(
      HasDrift(*drift, config_.conversation_table, "hash key", "user_id (S)", "user_id (N)", true))
      << DriftList(*drift);

  auto created = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(created.error().message.find("hash key: expected user_id (S), found user_id (N)"),
            std::string::npos)
      << created.error().message;
  EXPECT_FALSE(Exists(config_.graph_table));
}

TEST_F(ProvisioningTest, TtlOnAnotherAttributeIsAConflict) {
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  ASSERT_TRUE(client_->UpdateTimeToLive(config_.conversation_table, "ttl", true).ok());
  config_.ttl_enabled = true;
  auto created = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("ttl: expected enabled on expiration_time, found "
                                         "enabled on ttl"),
            std::string::npos)
      << created.error().message;
}

TEST_F(ProvisioningTest, MissingTablesAreDriftNotErrors) {
  auto drift = provision::CheckDynamoDBTables(*client_, config_);
  ASSERT_TRUE(drift.ok()) << drift.error().ToString();
  EXPECT_EQ(drift->drift.size(), 2u);
  EXPECT_TRUE(drift->has_conflict());
  EXPECT_TRUE(HasDrift(*drift, config_.graph_table, "table", "exists", "missing", true));
}

TEST_F(ProvisioningTest, DynamoDBLocalHonoursDeletionProtectionButIgnoresSseAndTableClass) {
  config_.deletion_protection = true;
  config_.sse_kms_key = "aws/dynamodb";
  config_.table_class = "STANDARD_INFREQUENT_ACCESS";
  config_.tags = {{"team", "memory"}};
  auto report = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();

  auto described = client_->DescribeTable(config_.conversation_table);
  ASSERT_TRUE(described.ok());
  EXPECT_TRUE(described->deletion_protection);  // honoured
  EXPECT_EQ(described->sse_status, "");         // ignored
  EXPECT_EQ(described->table_class, "");        // ignored

  // What Local ignored is reported, precisely, as what still differs.
  const provision::DriftReport& remaining = report->remaining;
  for (const auto& table : {config_.conversation_table, config_.graph_table}) {
    EXPECT_TRUE(HasDrift(remaining, table, "encryption", "AWS managed key (aws/dynamodb)",
                         "AWS owned key", false))
        << DriftList(remaining);
    EXPECT_TRUE(
        HasDrift(remaining, table, "table class", "STANDARD_INFREQUENT_ACCESS", "STANDARD", false))
        << DriftList(remaining);
  }
  EXPECT_EQ(remaining.drift.size(), 4u) << DriftList(remaining);
  EXPECT_TRUE(
      std::any_of(remaining.unverified.begin(), remaining.unverified.end(),
                  [](const std::string& s) { return s.find("tags") != std::string::npos; }));

  auto deleted = provision::DeleteDynamoDBTables(*client_, config_);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(deleted.error().message.find("deletion protection is enabled"), std::string::npos);
  EXPECT_TRUE(Exists(config_.conversation_table));
  EXPECT_TRUE(Exists(config_.graph_table));
}

TEST_F(ProvisioningTest, DynamoDBLocalIgnoresACustomerKey) {
  config_.sse_kms_key =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  auto report = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(HasDrift(report->remaining, config_.conversation_table, "encryption",
                       "KMS key " + config_.sse_kms_key, "AWS owned key", false))
      << DriftList(report->remaining);
}

TEST_F(ProvisioningTest, DynamoDBLocalHasNoPointInTimeRecovery) {
  config_.point_in_time_recovery = true;
  auto report = provision::CreateDynamoDBTables(*client_, config_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().type, "UnknownOperationException");
  EXPECT_NE(report.error().message.find("enabling point-in-time recovery on " +
                                        config_.conversation_table),
            std::string::npos)
      << report.error().message;
  EXPECT_TRUE(Exists(config_.conversation_table));  // the tables themselves were made
}

TEST_F(ProvisioningTest, DeleteRemovesBothTablesAndToleratesMissingOnes) {
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  auto deleted = provision::DeleteDynamoDBTables(*client_, config_);
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  EXPECT_EQ(deleted->deleted,
            (std::vector<std::string>{config_.conversation_table, config_.graph_table}));
  EXPECT_FALSE(Exists(config_.conversation_table));
  EXPECT_FALSE(Exists(config_.graph_table));
  auto again = provision::DeleteDynamoDBTables(*client_, config_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->deleted.empty());
  EXPECT_EQ(again->absent.size(), 2u);
}

TEST_F(ProvisioningTest, RejectsInvalidConfigurationsBeforeSendingAnything) {
  auto invalid = [&](auto change) {
    provision::TablesConfig config = config_;
    change(config);
    return config;
  };
  const std::vector<provision::TablesConfig> cases = {
      invalid([](provision::TablesConfig& c) { c.conversation_table = "ab"; }),
      invalid([](provision::TablesConfig& c) { c.graph_table = "bad name"; }),
      invalid([](provision::TablesConfig& c) { c.graph_table = c.conversation_table; }),
      invalid([](provision::TablesConfig& c) { c.billing_mode = "ON_DEMAND"; }),
      invalid([](provision::TablesConfig& c) {
        c.billing_mode = "PROVISIONED";
        c.read_capacity = 0;
      }),
      invalid([](provision::TablesConfig& c) { c.ttl_attribute = "user_id"; }),
      invalid([](provision::TablesConfig& c) { c.table_class = "GLACIER"; }),
      invalid([](provision::TablesConfig& c) {
        c.tags = {{"aws:owner", "x"}};
      }),
      invalid([](provision::TablesConfig& c) { c.gsi_name = "x"; }),
  };
  client_->counters().Reset();
  for (const auto& config : cases) {
    auto created = provision::CreateDynamoDBTables(*client_, config);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument) << created.error().ToString();
    EXPECT_FALSE(provision::CloudFormationTemplate(config).ok());
    EXPECT_FALSE(provision::DdbshSchema(config).ok());
  }
  EXPECT_EQ(client_->counters().Total(), 0u);
}

// --- CloudFormation -----------------------------------------------------------

testing::CommandResult CfnCheck(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {testing::PythonWithBoto3(),
                                   SourcePath("tests/support/cfn_check.py")};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::RunCommand(argv);
}

void RequirePyYaml() {
  auto probe = testing::RunCommand({testing::PythonWithBoto3(), "-c", "import yaml"});
  ASSERT_EQ(probe.exit_code, 0) << "the CloudFormation checks need PyYAML (apt-get install "
                                   "python3-yaml): "
                                << probe.err;
}

TEST(CloudFormationTest, DeployFileIsTheGeneratedTemplate) {
  auto generated =
      provision::CloudFormationTemplate(DeployConfig(), "mem0 tables cloudformation --ttl");
  ASSERT_TRUE(generated.ok());
  EXPECT_EQ(ReadFile(SourcePath("deploy/cloudformation.yaml")), *generated) << kRegenerate;
}

TEST(CloudFormationTest, EveryBranchUsesOnlyDocumentedTablePropertiesAndValues) {
  RequirePyYaml();
  auto result = CfnCheck({"validate", SourcePath("deploy/cloudformation.yaml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json resolved = Json::parse(result.out);
  EXPECT_EQ(resolved["outputs"], Json::array({"ConversationTableArn", "ConversationTableName",
                                              "GraphTableArn", "GraphTableName"}));
  const Json& conversation = resolved["resources"]["ConversationTable"];
  EXPECT_EQ(conversation["TableName"], "Mem0Conversations");
  EXPECT_EQ(conversation["TimeToLiveSpecification"],
            (Json{{"AttributeName", "expiration_time"}, {"Enabled", true}}));
  EXPECT_EQ(resolved["resources"]["GraphTable"]["GlobalSecondaryIndexes"][0]["IndexName"],
            "RelationshipTypeIndex");

  // Every optional setting, and the template without the GSI.
  provision::TablesConfig everything = DeployConfig();
  everything.billing_mode = "PROVISIONED";
  everything.read_capacity = 3;
  everything.sse_kms_key = "arn:aws:kms:us-east-1:111122223333:key/abcd";
  everything.point_in_time_recovery = true;
  everything.deletion_protection = true;
  everything.table_class = "STANDARD_INFREQUENT_ACCESS";
  everything.tags = {{"team", "memory"}, {"env", "prod"}};
  provision::TablesConfig no_gsi = DeployConfig();
  no_gsi.gsi_enabled = false;
  for (const auto& config : {everything, no_gsi}) {
    TempFile file(*provision::CloudFormationTemplate(config));
    auto checked = CfnCheck({"validate", file.path()});
    EXPECT_EQ(checked.exit_code, 0) << checked.err;
  }
}

TEST(CloudFormationTest, TheCheckerCatchesUndocumentedPropertiesAndOtherTypes) {
  RequirePyYaml();
  const std::string good = ReadFile(SourcePath("deploy/cloudformation.yaml"));
  const std::vector<std::pair<std::string, std::string>> mutations = {
      {"DeletionProtectionEnabled:", "DeletionProtection:"},
      {"Type: AWS::DynamoDB::Table", "Type: AWS::DynamoDB::GlobalTable"},
      {"ProjectionType: ALL", "ProjectionType: EVERYTHING"},
      {"KeyType: RANGE", "KeyType: SORT"},
  };
  for (const auto& [from, to] : mutations) {
    std::string bad = good;
    const auto at = bad.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    bad.replace(at, from.size(), to);
    TempFile file(bad);
    auto checked = CfnCheck({"validate", file.path()});
    EXPECT_EQ(checked.exit_code, 1) << "accepted a template with " << to;
  }
}

class CloudFormationDeployTest : public ProvisioningTest {
 protected:
  // Deploys `template_text` to DynamoDB Local with `cfn_config`'s table names.
  void Deploy(const std::string& template_text, const provision::TablesConfig& cfn_config,
              std::vector<std::string> params) {
    TempFile file(template_text);
    std::vector<std::string> args = {
        "deploy",         file.path(),
        "--endpoint-url", testing::DynamoDBLocalEndpoint(),
        "--param",        "ConversationTableName=" + cfn_config.conversation_table,
        "--param",        "GraphTableName=" + cfn_config.graph_table};
    for (auto& p : params) {
      args.push_back("--param");
      args.push_back(std::move(p));
    }
    auto deployed = CfnCheck(args);
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  }
};

TEST_F(CloudFormationDeployTest, TheTemplateDescribesTheTablesCreateMakes) {
  RequirePyYaml();
  config_.ttl_enabled = true;
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  provision::TablesConfig from_template = NewConfig();
  from_template.ttl_enabled = true;
  Deploy(ReadFile(SourcePath("deploy/cloudformation.yaml")), from_template, {});
  ExpectSameTables(*client_, config_, from_template);
  auto drift = provision::CheckDynamoDBTables(*client_, from_template);
  ASSERT_TRUE(drift.ok());
  EXPECT_TRUE(drift->ok()) << DriftList(*drift);
}

TEST_F(CloudFormationDeployTest, ProvisionedParametersDescribeTheProvisionedTables) {
  RequirePyYaml();
  config_.billing_mode = "PROVISIONED";
  config_.read_capacity = 3;
  config_.write_capacity = 4;
  config_.gsi_read_capacity = 2;
  config_.gsi_write_capacity = 1;
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  provision::TablesConfig from_template = NewConfig();
  Deploy(ReadFile(SourcePath("deploy/cloudformation.yaml")), from_template,
         {"TtlEnabled=false", "BillingMode=PROVISIONED", "ReadCapacityUnits=3",
          "WriteCapacityUnits=4", "GsiReadCapacityUnits=2", "GsiWriteCapacityUnits=1"});
  ExpectSameTables(*client_, config_, from_template);
}

// --- dynamodb-shell --------------------------------------------------------------

TEST(DdbshTest, DeployFileIsTheGeneratedSchema) {
  auto generated = provision::DdbshSchema(DeployConfig(), "mem0 tables ddbsh --ttl");
  ASSERT_TRUE(generated.ok());
  EXPECT_EQ(ReadFile(SourcePath("deploy/schema.sql")), *generated) << kRegenerate;
}

TEST(DdbshTest, SchemaFileParsesIntoTheCreateRequests) {
  auto statements = provision::ParseDdbsh(ReadFile(SourcePath("deploy/schema.sql")));
  ASSERT_TRUE(statements.ok()) << statements.error().ToString();
  using Kind = provision::DdbshStatement::Kind;
  std::vector<Kind> kinds;
  for (const auto& s : *statements) kinds.push_back(s.kind);
  // Nothing is dropped: the file is safe to run against a live deployment.
  EXPECT_EQ(kinds, (std::vector<Kind>{Kind::kCreateTable, Kind::kSetTtl, Kind::kCreateTable}));
  EXPECT_TRUE((*statements)[0].if_not_exists);
  EXPECT_TRUE((*statements)[2].if_not_exists);
  EXPECT_EQ((*statements)[1].ttl_attribute, "expiration_time");
  const auto& graph = (*statements)[2].create;
  const auto expected = provision::GraphTableRequest(DeployConfig());
  EXPECT_EQ(graph.table_name, expected.table_name);
  EXPECT_EQ(graph.hash_key.name, "node_id");
  ASSERT_EQ(graph.global_secondary_indexes.size(), 1u);
  EXPECT_EQ(graph.global_secondary_indexes[0].range_key->type, dynamodb::ScalarType::kN);
  EXPECT_EQ(graph.billing_mode, "PAY_PER_REQUEST");
}

// Every option survives DdbshSchema -> ParseDdbsh unchanged.
TEST(DdbshTest, EveryOptionRoundTripsThroughTheParser) {
  provision::TablesConfig config;
  config.conversation_table = "mem0.conversations";  // '.' needs quoting in ddbsh
  config.graph_table = "graph";                      // not a keyword, stays bare
  config.ttl_enabled = true;
  config.ttl_attribute = "ttl";  // a ddbsh keyword: must be quoted
  config.billing_mode = "PROVISIONED";
  config.read_capacity = 7;
  config.write_capacity = 8;
  config.gsi_read_capacity = 2;
  config.gsi_write_capacity = 3;
  config.sse_kms_key = "arn:aws:kms:us-east-1:111122223333:key/abcd";
  config.point_in_time_recovery = true;
  config.deletion_protection = true;
  config.table_class = "STANDARD_INFREQUENT_ACCESS";
  config.tags = {{"team", "memory \"core\""}};
  auto script = provision::DdbshSchema(config);
  ASSERT_TRUE(script.ok());
  EXPECT_NE(script->find("\"mem0.conversations\""), std::string::npos);
  EXPECT_NE(script->find("SET TTL ( \"ttl\" )"), std::string::npos);
  auto statements = provision::ParseDdbsh(*script);
  ASSERT_TRUE(statements.ok()) << statements.error().ToString() << "\n" << *script;
  ASSERT_EQ(statements->size(), 5u);  // create, ttl, pitr, create, pitr
  for (const auto& statement : *statements) {
    if (statement.kind != provision::DdbshStatement::Kind::kCreateTable) continue;
    const auto expected = statement.table == "graph" ? provision::GraphTableRequest(config)
                                                     : provision::ConversationTableRequest(config);
    const auto& got = statement.create;
    EXPECT_EQ(got.table_name, expected.table_name);
    EXPECT_EQ(got.billing_mode, expected.billing_mode);
    EXPECT_EQ(got.throughput->read_capacity_units, 7);
    EXPECT_EQ(got.throughput->write_capacity_units, 8);
    ASSERT_TRUE(got.sse);
    EXPECT_EQ(got.sse->kms_master_key_id, config.sse_kms_key);
    EXPECT_EQ(got.table_class, expected.table_class);
    EXPECT_TRUE(got.deletion_protection);
    EXPECT_EQ(got.tags, expected.tags);
    ASSERT_EQ(got.global_secondary_indexes.size(), expected.global_secondary_indexes.size());
    if (!got.global_secondary_indexes.empty()) {
      EXPECT_EQ(got.global_secondary_indexes[0].throughput->read_capacity_units, 2);
      EXPECT_EQ(got.global_secondary_indexes[0].throughput->write_capacity_units, 3);
    }
  }
  EXPECT_EQ((*statements)[1].ttl_attribute, "ttl");
  EXPECT_EQ((*statements)[2].kind, provision::DdbshStatement::Kind::kSetPitr);

  // The AWS managed key is written as its alias and read back as the default.
  config.sse_kms_key = "aws/dynamodb";
  auto managed = provision::ParseDdbsh(*provision::DdbshSchema(config));
  ASSERT_TRUE(managed.ok());
  ASSERT_TRUE((*managed)[0].create.sse);
  EXPECT_EQ((*managed)[0].create.sse->kms_master_key_id, "");
}

TEST(DdbshTest, RejectsAnythingOutsideTheSubsetNamingTheLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"DROP TABLE IF EXISTS abc;\n-- fine so far\nSELECT * FROM abc;",
       "line 3: unsupported statement starting with 'SELECT'"},
      {"CREATE TABLE abc ( a string )\n  PRIMARY KEY ( a HASH );", "line 2: expected BILLING MODE"},
      {"ALTER TABLE abc SET TTL DISABLED;", "line 1: expected '('"},
      {"ALTER TABLE abc SET STREAM ( KEYS ONLY );", "line 1: expected TTL ( attribute ) or PITR"},
      {"DROP TABLE table;", "line 1: expected a table name, found 'table', a ddbsh keyword"},
      {"DROP TABLE abc", "line 1: expected ';', found end of input"},
      {"\n\nCREATE TABLE \"abc ( a string )", "line 3: unterminated double-quoted string"},
      {"CREATE TABLE abc ( a string, b number ) PRIMARY KEY ( a HASH ) BILLING MODE ON DEMAND;",
       "line 1: attribute b is defined but no key or index uses it"},
      {"CREATE TABLE abc ( a string ) PRIMARY KEY ( z HASH ) BILLING MODE ON DEMAND;",
       "line 1: key attribute z is not in the table's attribute list"},
      {"CREATE TABLE abc ( a string ) PRIMARY KEY ( a HASH ) BILLING MODE PROVISIONED ( 0 RCU, 1 "
       "WCU );",
       "line 1: expected read capacity (a positive whole number), found '0'"},
      {"DROP TABLE abc;\n$", "line 2: unsupported statement starting with '$'"},
      {"CREATE TABLE abc ( a string ) PRIMARY KEY ( a HASH ) BILLING MODE ON DEMAND LIMIT 5;",
       "line 1: expected ';', found 'LIMIT'"},
  };
  for (const auto& [script, message] : cases) {
    auto parsed = provision::ParseDdbsh(script);
    ASSERT_FALSE(parsed.ok()) << script;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(message), std::string::npos)
        << "script: " << script << "\nerror: " << parsed.error().message;
  }
}

class DdbshApplyTest : public ProvisioningTest {};

TEST_F(DdbshApplyTest, TheSchemaFileMakesTheSameTablesAsCreate) {
  config_.ttl_enabled = true;
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  provision::TablesConfig from_script = NewConfig();
  from_script.ttl_enabled = true;
  std::string script = ReadFile(SourcePath("deploy/schema.sql"));
  script = ReplaceWord(script, "Mem0Conversations", from_script.conversation_table);
  script = ReplaceWord(script, "Mem0Graph", from_script.graph_table);
  // Unique names contain '-', which ddbsh reads as part of a bare word.
  auto applied = provision::ApplyDdbsh(*client_, script, std::chrono::seconds(60));
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  std::vector<std::string> outcomes;
  for (const auto& o : *applied) outcomes.push_back(o.outcome);
  EXPECT_EQ(outcomes,
            (std::vector<std::string>{"created", "ttl enabled on expiration_time", "created"}));
  ExpectSameTables(*client_, config_, from_script);

  // Running it again on a table holding data keeps the data.
  dynamodb::PutItemRequest put;
  put.table_name = from_script.conversation_table;
  put.item = {{"user_id", dynamodb::AttributeValue::S("u")},
              {"conversation_id", dynamodb::AttributeValue::S("c")}};
  ASSERT_TRUE(client_->PutItem(put).ok());
  auto again = provision::ApplyDdbsh(*client_, script, std::chrono::seconds(60));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  outcomes.clear();
  for (const auto& o : *again) outcomes.push_back(o.outcome);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"exists", "ttl already enabled on expiration_time",
                                                "exists"}));
  dynamodb::GetItemRequest get;
  get.table_name = put.table_name;
  get.key = put.item;
  get.consistent_read = true;
  auto kept = client_->GetItem(get);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  EXPECT_TRUE(kept->item.has_value()) << "re-running deploy/schema.sql lost an item";

  // Only the explicitly destructive script drops (and so empties) them.
  auto destructive = provision::DdbshSchema(from_script, "", /*drop_existing=*/true);
  ASSERT_TRUE(destructive.ok());
  EXPECT_NE(destructive->find("DROP TABLE IF EXISTS"), std::string::npos);
  EXPECT_EQ(script.find("DROP"), std::string::npos);
  auto dropped = provision::ApplyDdbsh(*client_, *destructive, std::chrono::seconds(60));
  ASSERT_TRUE(dropped.ok()) << dropped.error().ToString();
  EXPECT_EQ((*dropped)[0].outcome, "dropped");
  kept = client_->GetItem(get);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  EXPECT_FALSE(kept->item.has_value());
  ExpectSameTables(*client_, config_, from_script);
}

TEST_F(DdbshApplyTest, ProvisionedSchemaMakesTheSameTablesAsCreate) {
  config_.billing_mode = "PROVISIONED";
  config_.read_capacity = 3;
  config_.write_capacity = 4;
  config_.gsi_read_capacity = 2;
  config_.gsi_write_capacity = 1;
  config_.deletion_protection = true;
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  provision::TablesConfig from_script = config_;
  provision::TablesConfig names = NewConfig();
  from_script.conversation_table = names.conversation_table;
  from_script.graph_table = names.graph_table;
  auto script = provision::DdbshSchema(from_script);
  ASSERT_TRUE(script.ok());
  auto applied = provision::ApplyDdbsh(*client_, *script, std::chrono::seconds(60));
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  ExpectSameTables(*client_, config_, from_script);
}

TEST_F(DdbshApplyTest, NothingRunsWhenAnyStatementIsBad) {
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  const std::string script = "DROP TABLE IF EXISTS " + config_.conversation_table +
                             ";\nDELETE FROM " + config_.graph_table + " WHERE a = 1;\n";
  auto applied = provision::ApplyDdbsh(*client_, script);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.error().message.find("line 2"), std::string::npos);
  EXPECT_TRUE(Exists(config_.conversation_table));
}

TEST_F(DdbshApplyTest, ServiceErrorsNameTheStatement) {
  const std::string script = "DROP TABLE " + config_.conversation_table + ";\n";  // no IF EXISTS
  auto applied = provision::ApplyDdbsh(*client_, script);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kNotFound);
  EXPECT_NE(applied.error().message.find("line 1: DROP TABLE " + config_.conversation_table),
            std::string::npos)
      << applied.error().message;
}

// --- IAM ---------------------------------------------------------------------------

std::set<std::string> Actions(const Json& policy) {
  std::set<std::string> actions;
  for (const auto& statement : policy["Statement"]) {
    for (const auto& action : statement["Action"]) actions.insert(action.get<std::string>());
  }
  return actions;
}

std::set<std::string> Resources(const Json& policy) {
  std::set<std::string> resources;
  for (const auto& statement : policy["Statement"]) {
    for (const auto& resource : statement["Resource"])
      resources.insert(resource.get<std::string>());
  }
  return resources;
}

TEST(IamPolicyTest, DeployFileIsTheGeneratedPolicy) {
  auto generated = provision::IamPolicyJson(DeployConfig());
  ASSERT_TRUE(generated.ok());
  EXPECT_EQ(ReadFile(SourcePath("deploy/iam-policy.json")), *generated) << kRegenerate;
}

TEST(IamPolicyTest, SecurityDocShowsTheGeneratedPolicies) {
  const std::string doc = ReadFile(SourcePath("docs/security.md"));
  provision::IamPolicyOptions tenant;
  tenant.tenant_scoped = true;
  for (const auto& options : {provision::IamPolicyOptions{}, tenant}) {
    auto policy = provision::IamPolicyJson(provision::TablesConfig{}, options);
    ASSERT_TRUE(policy.ok());
    EXPECT_NE(doc.find("```json\n" + *policy + "```"), std::string::npos)
        << "docs/security.md is missing the current policy:\n"
        << *policy;
  }
}

TEST(IamPolicyTest, ActionsAreExactlyThoseDerivedFromTheClientsOperations) {
  auto text = provision::IamPolicyJson(provision::TablesConfig{});
  ASSERT_TRUE(text.ok());
  const Json policy = Json::parse(*text);  // valid JSON
  EXPECT_EQ(policy["Version"], "2012-10-17");

  // Derived independently here: every Operation but kOther, through IamActionsFor.
  std::set<std::string> derived;
  for (size_t i = 0; i + 1 < dynamodb::kOperationCount; ++i) {
    const auto op = static_cast<Operation>(i);
    for (const auto& action : provision::IamActionsFor(op)) derived.insert(action);
    const std::string name = dynamodb::OperationName(op);
    if (op == Operation::kTransactWriteItems || op == Operation::kTransactGetItems ||
        op == Operation::kListTables) {
      continue;
    }
    EXPECT_EQ(provision::IamActionsFor(op), std::vector<std::string>{"dynamodb:" + name}) << name;
  }
  EXPECT_TRUE(provision::IamActionsFor(Operation::kOther).empty());
  // Transactions are authorized per item (there is no dynamodb:TransactWriteItems action).
  EXPECT_EQ(provision::IamActionsFor(Operation::kTransactWriteItems),
            (std::vector<std::string>{"dynamodb:PutItem", "dynamodb:UpdateItem",
                                      "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"}));
  EXPECT_EQ(provision::IamActionsFor(Operation::kTransactGetItems),
            std::vector<std::string>{"dynamodb:GetItem"});
  // ListTables needs Resource "*" and no mem0 code path calls it.
  EXPECT_TRUE(provision::IamActionsFor(Operation::kListTables).empty());

  EXPECT_EQ(Actions(policy), derived);
  const auto required = provision::RequiredIamActions();
  EXPECT_EQ(std::set<std::string>(required.begin(), required.end()), derived);
  EXPECT_EQ(derived.size(), 16u);
  for (const auto& action : derived) EXPECT_EQ(action.find('*'), std::string::npos) << action;
}

TEST(IamPolicyTest, ResourcesAreExactlyTheTwoTablesAndTheIndex) {
  provision::TablesConfig config;
  config.region = "eu-west-1";
  provision::IamPolicyOptions options;
  options.account_id = "123456789012";
  const Json policy = Json::parse(*provision::IamPolicyJson(config, options));
  const std::string prefix = "arn:aws:dynamodb:eu-west-1:123456789012:table/";
  EXPECT_EQ(Resources(policy),
            (std::set<std::string>{prefix + "Mem0Conversations", prefix + "Mem0Graph",
                                   prefix + "Mem0Graph/index/RelationshipTypeIndex"}));
  // The index only gets the operations that can target an index.
  const Json& index_statement = policy["Statement"][2];
  EXPECT_EQ(index_statement["Resource"][0], prefix + "Mem0Graph/index/RelationshipTypeIndex");
  EXPECT_EQ(index_statement["Action"], Json::array({"dynamodb:Query", "dynamodb:Scan"}));

  config.gsi_enabled = false;
  const Json without_gsi = Json::parse(*provision::IamPolicyJson(config, options));
  EXPECT_EQ(Resources(without_gsi),
            (std::set<std::string>{prefix + "Mem0Conversations", prefix + "Mem0Graph"}));

  config.region = "cn-north-1";
  const Json china = Json::parse(*provision::IamPolicyJson(config, options));
  EXPECT_EQ(Resources(china).begin()->rfind("arn:aws-cn:dynamodb:cn-north-1:", 0), 0u);
}

TEST(IamPolicyTest, TenantScopedLimitsCallersToTheirOwnConversationItems) {
  provision::IamPolicyOptions options;
  options.tenant_scoped = true;
  options.tenant_variable = "${aws:userid}";
  const Json policy = Json::parse(*provision::IamPolicyJson(provision::TablesConfig{}, options));
  ASSERT_EQ(policy["Statement"].size(), 1u);
  const Json& statement = policy["Statement"][0];
  EXPECT_EQ(statement["Effect"], "Allow");
  EXPECT_EQ(statement["Resource"], Json::array({"arn:aws:dynamodb:*:*:table/Mem0Conversations"}));
  EXPECT_EQ(statement["Condition"],
            (Json{{"ForAllValues:StringEquals",
                   {{"dynamodb:LeadingKeys",
                     Json::array({"${aws:userid}", "mem0#parts#${aws:userid}"})}}}}));
  const auto actions = Actions(policy);
  // Scan has no partition key, so ForAllValues would not restrict it.
  EXPECT_FALSE(actions.count("dynamodb:Scan"));
  EXPECT_FALSE(actions.count("dynamodb:CreateTable"));
  EXPECT_FALSE(actions.count("dynamodb:DeleteTable"));
  EXPECT_TRUE(actions.count("dynamodb:Query"));
  EXPECT_TRUE(actions.count("dynamodb:PutItem"));
  EXPECT_TRUE(actions.count("dynamodb:ConditionCheckItem"));
}

// The tenant-scoped policy must allow every partition the conversation store
// writes for one user, and nothing the store writes for another.
TEST_F(ProvisioningTest, TenantPolicyCoversEveryPartitionTheStoreWritesForAUser) {
  ASSERT_TRUE(provision::CreateDynamoDBTables(*client_, config_).ok());
  store::DynamoDBConversationConfig store_config;
  store_config.table_name = config_.conversation_table;
  store_config.client = std::shared_ptr<Client>(testing::MakeLocalClient());
  auto store = store::MakeDynamoDBConversationStore(store_config);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  // Over the store's inline limit (350 KB), so it spills into overflow parts.
  const Json big = Json::array({{{"role", "user"}, {"content", std::string(400 * 1024, 'x')}}});
  ASSERT_TRUE((*store)->StoreConversation("alice", big.dump()).ok());
  auto small = (*store)->StoreConversation("alice", R"([{"role":"user","content":"hi"}])");
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE((*store)
                  ->AppendMessages("alice", *small, R"([{"role":"assistant","content":"hello"}])")
                  .ok());
  ASSERT_TRUE((*store)->StoreConversation("bob", R"([{"role":"user","content":"yo"}])").ok());

  provision::IamPolicyOptions options;
  options.tenant_scoped = true;
  options.tenant_variable = "${aws:userid}";
  const Json policy = Json::parse(*provision::IamPolicyJson(config_, options));
  auto allowed_for = [&](const std::string& user) {
    std::set<std::string> allowed;
    for (const auto& value :
         policy["Statement"][0]["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"]) {
      std::string key = value.get<std::string>();
      key.replace(key.find(options.tenant_variable), options.tenant_variable.size(), user);
      allowed.insert(key);
    }
    return allowed;
  };
  const auto alice = allowed_for("alice");
  const auto bob = allowed_for("bob");

  dynamodb::ScanRequest scan;
  scan.table_name = config_.conversation_table;
  auto items = client_->ScanAll(scan);
  ASSERT_TRUE(items.ok()) << items.error().ToString();
  std::set<std::string> partitions;
  for (const auto& item : items->items) partitions.insert(*dynamodb::GetString(item, "user_id"));
  EXPECT_EQ(partitions,
            (std::set<std::string>{"alice", "mem0#parts#alice", "bob"}));  // overflow happened
  for (const auto& partition : partitions) {
    EXPECT_NE(alice.count(partition), bob.count(partition)) << partition;  // exactly one owner
  }
}

// --- the CLI -------------------------------------------------------------------------

class TablesCliTest : public ProvisioningTest {
 protected:
  // `mem0 --endpoint-url ... --conversation-table ... --graph-table ... tables ARGS`
  testing::CommandResult Tables(const std::vector<std::string>& args, const std::string& input = "",
                                const std::vector<std::string>& globals = {}) {
    std::vector<std::string> argv = {"--endpoint-url",       testing::DynamoDBLocalEndpoint(),
                                     "--conversation-table", config_.conversation_table,
                                     "--graph-table",        config_.graph_table};
    argv.insert(argv.end(), globals.begin(), globals.end());
    argv.push_back("tables");
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCli(argv, input);
  }
};

TEST_F(TablesCliTest, CreateCheckDescribeAndDelete) {
  auto created = Tables({"create", "--ttl"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  Json report = Json::parse(created.out);
  EXPECT_TRUE(report["conversation"]["created"].get<bool>());
  EXPECT_EQ(report["graph"]["description"]["global_secondary_indexes"][0]["name"],
            "RelationshipTypeIndex");

  auto again = Tables({"create", "--ttl"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(Json::parse(again.out)["conversation"]["created"].get<bool>());

  auto check = Tables({"check", "--ttl"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_TRUE(Json::parse(check.out)["ok"].get<bool>());

  // --ttl-days > 0 also means the table should have TTL.
  EXPECT_EQ(Tables({"check"}, "", {"--ttl-days", "30"}).exit_code, 0);

  auto drift = Tables({"check"});  // expects no TTL
  EXPECT_EQ(drift.exit_code, 1);
  Json drift_report = Json::parse(drift.out);
  EXPECT_FALSE(drift_report["ok"].get<bool>());
  EXPECT_EQ(drift_report["drift"][0]["setting"], "ttl");
  EXPECT_NE(drift.err.find("ttl: expected disabled, found enabled on expiration_time"),
            std::string::npos)
      << drift.err;

  auto described = Tables({"describe"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  Json tables = Json::parse(described.out)["tables"];
  EXPECT_EQ(tables[0]["ttl"]["attribute"], "expiration_time");
  EXPECT_EQ(tables[1]["point_in_time_recovery"], "unsupported by the endpoint");

  auto refused = Tables({"delete"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("without --yes"), std::string::npos);
  EXPECT_TRUE(Exists(config_.conversation_table));

  auto deleted = Tables({"delete", "--yes"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_FALSE(Exists(config_.conversation_table));
  EXPECT_FALSE(Exists(config_.graph_table));
}

TEST_F(TablesCliTest, CreatesProvisionedTables) {
  auto created = Tables({"create", "--billing-mode", "PROVISIONED", "--read-capacity", "2",
                         "--write-capacity", "3", "--tag", "team=memory"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto graph = client_->DescribeTable(config_.graph_table);
  ASSERT_TRUE(graph.ok());
  EXPECT_EQ(graph->billing_mode, "PROVISIONED");
  EXPECT_EQ(graph->throughput->read_capacity_units, 2);
  EXPECT_EQ(graph->global_secondary_indexes[0].throughput->write_capacity_units, 3);
  EXPECT_EQ(Tables({"check", "--billing-mode", "PROVISIONED", "--read-capacity", "2",
                    "--write-capacity", "3"})
                .exit_code,
            0);
}

TEST_F(TablesCliTest, RejectsCapacityWithoutProvisionedBilling) {
  auto created = Tables({"create", "--read-capacity", "3"});
  EXPECT_EQ(created.exit_code, 1);
  EXPECT_NE(created.err.find("--read-capacity applies only with --billing-mode PROVISIONED"),
            std::string::npos)
      << created.err;
  EXPECT_FALSE(Exists(config_.conversation_table));
}

TEST_F(TablesCliTest, CheckAndCreateFailOnAMissingGsi) {
  ASSERT_EQ(Tables({"create", "--no-gsi"}).exit_code, 0);
  auto check = Tables({"check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.out.find("index RelationshipTypeIndex"), std::string::npos) << check.out;
  auto create = Tables({"create"});
  EXPECT_EQ(create.exit_code, 1);
  EXPECT_NE(create.err.find("index RelationshipTypeIndex: expected"), std::string::npos)
      << create.err;
}

TEST_F(TablesCliTest, CreateFailsWhenTheEndpointIgnoredASetting) {
  auto created = Tables({"create", "--sse-kms-key", "aws/dynamodb"});
  EXPECT_EQ(created.exit_code, 1);
  EXPECT_NE(created.err.find("encryption: expected AWS managed key (aws/dynamodb), found AWS "
                             "owned key"),
            std::string::npos)
      << created.err;
  EXPECT_TRUE(Json::parse(created.out)["conversation"]["created"].get<bool>());
}

TEST_F(TablesCliTest, GeneratorsPrintExactlyTheLibraryOutput) {
  provision::TablesConfig config = DeployConfig();
  config.conversation_table = config_.conversation_table;
  config.graph_table = config_.graph_table;
  // The CLI names the command line that reproduces the file in its header.
  const std::string command = "mem0 --conversation-table " + config.conversation_table +
                              " --graph-table " + config.graph_table + " tables ";
  auto cloudformation = Tables({"cloudformation", "--ttl"});
  ASSERT_EQ(cloudformation.exit_code, 0) << cloudformation.err;
  EXPECT_EQ(cloudformation.out,
            *provision::CloudFormationTemplate(config, command + "cloudformation --ttl"));
  auto ddbsh = Tables({"ddbsh", "--ttl"});
  ASSERT_EQ(ddbsh.exit_code, 0) << ddbsh.err;
  EXPECT_EQ(ddbsh.out, *provision::DdbshSchema(config, command + "ddbsh --ttl"));
  auto policy = Tables({"iam-policy"});
  ASSERT_EQ(policy.exit_code, 0) << policy.err;
  EXPECT_EQ(policy.out, *provision::IamPolicyJson(config));
  auto tenant = Tables({"iam-policy", "--tenant-scoped", "--account-id", "123456789012"});
  ASSERT_EQ(tenant.exit_code, 0);
  EXPECT_NE(tenant.out.find("dynamodb:LeadingKeys"), std::string::npos);

  // --output json: the template as a JSON document (CloudFormation takes both).
  auto as_json = Tables({"cloudformation"}, "", {"--output", "json"});
  ASSERT_EQ(as_json.exit_code, 0);
  EXPECT_EQ(Json::parse(as_json.out)["Resources"]["GraphTable"]["Type"], "AWS::DynamoDB::Table");

  // The deploy/ files are what the CLI prints with the default names.
  auto plain = testing::RunCli({"tables", "cloudformation", "--ttl"});
  EXPECT_EQ(plain.out, ReadFile(SourcePath("deploy/cloudformation.yaml"))) << kRegenerate;
}

TEST_F(TablesCliTest, ApplyDdbshFromStdinMakesTablesThatPassCheck) {
  auto script = Tables({"ddbsh", "--ttl"});
  ASSERT_EQ(script.exit_code, 0);
  auto dry = Tables({"apply-ddbsh", "--dry-run"}, script.out);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(Json::parse(dry.out)["statements"].size(), 3u);  // create, ttl, create
  EXPECT_FALSE(Exists(config_.conversation_table));

  auto applied = Tables({"apply-ddbsh"}, script.out);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  auto check = Tables({"check", "--ttl"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  auto rejected = Tables({"apply-ddbsh"}, "DROP TABLE IF EXISTS abc;\nSCAN abc;\n");
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_NE(rejected.err.find("line 2: unsupported statement starting with 'SCAN'"),
            std::string::npos)
      << rejected.err;
}

}  // namespace
}  // namespace mem0
