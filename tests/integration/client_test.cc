// The DynamoDB client against DynamoDB Local: every operation, pagination,
// batching limits, transactions, conditional failures and consumed capacity.
#include "mem0/dynamodb/client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_env.h"

namespace mem0::dynamodb {
namespace {

using testing::CreateTestTable;
using testing::MakeLocalClient;
using testing::UniqueName;

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
AttributeValue N(std::string n) { return AttributeValue::N(std::move(n)); }

Item Key(const std::string& pk, const std::string& sk) { return {{"pk", S(pk)}, {"sk", S(sk)}}; }

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = MakeLocalClient();
    table_ = UniqueName("client");
    CreateTestTable(*client_, table_);
  }
  void TearDown() override { (void)client_->DeleteTable(table_); }

  std::unique_ptr<Client> client_;
  std::string table_;
};

Item EveryType() {
  return {
      {"pk", S("types")},
      {"sk", S("1")},
      {"s", S("caf\xc3\xa9 \xf0\x9f\x98\x80")},
      {"n_small", N("1E-130")},
      {"n_big", N("9.9999999999999999999999999999999999999E+125")},
      {"n_neg", N("-0.5")},
      {"n_digits", N("12345678901234567890123456789012345678")},
      {"b", AttributeValue::B(std::string("\x00\x01\xfe\xff", 4))},
      {"t", AttributeValue::Bool(true)},
      {"f", AttributeValue::Bool(false)},
      {"null", AttributeValue::Nul()},
      {"ss", AttributeValue::SS({"a", "b"})},
      {"ns", AttributeValue::NS({"1", "2.5"})},
      {"bs", AttributeValue::BS({std::string("\x01", 1), std::string("\x02\x03", 2)})},
      {"m",
       AttributeValue::M(
           {{"inner", AttributeValue::L({S("x"), N("2"), AttributeValue::M({{"deep", S("y")}})})},
            {"empty_list", AttributeValue::L({})},
            {"empty_map", AttributeValue::M({})}})},
  };
}

void ExpectSameItem(const Item& expected, const Item& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (const auto& [name, value] : expected) {
    ASSERT_TRUE(actual.count(name)) << name;
    EXPECT_EQ(testing::Canonical(value), testing::Canonical(actual.at(name))) << name;
  }
}

TEST_F(ClientTest, PutGetRoundTripsEveryAttributeType) {
  auto put = client_->PutItem({table_, EveryType()});
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  auto got = client_->GetItem({table_, Key("types", "1"), "", {}, true, true});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(got->item.has_value());
  ExpectSameItem(EveryType(), *got->item);
  ASSERT_TRUE(got->consumed_capacity.has_value());
  EXPECT_GT(got->consumed_capacity->capacity_units, 0);
}

TEST_F(ClientTest, GetMissingItemIsEmptyNotError) {
  auto got = client_->GetItem({table_, Key("nobody", "x")});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->item.has_value());
}

TEST_F(ClientTest, ConditionalFailureReturnsOldItem) {
  ASSERT_TRUE(client_->PutItem({table_, {{"pk", S("a")}, {"sk", S("b")}, {"v", N("1")}}}).ok());
  PutItemRequest put{
      table_, {{"pk", S("a")}, {"sk", S("b")}, {"v", N("2")}}, "attribute_not_exists(pk)"};
  put.return_old_item_on_condition_failure = true;
  auto result = client_->PutItem(put);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "ConditionalCheckFailedException");
  EXPECT_EQ(result.error().code, ErrorCode::kConditionFailed);
  EXPECT_FALSE(result.error().retryable);
  EXPECT_EQ(result.error().http_status, 400);
  EXPECT_FALSE(result.error().request_id.empty());
  ASSERT_NE(ServiceDetail(result.error()), nullptr);
  ASSERT_TRUE(ServiceDetail(result.error())->old_item.has_value());
  EXPECT_EQ(ServiceDetail(result.error())->old_item->at("v"), N("1"));
  // Nothing was overwritten.
  auto got = client_->GetItem({table_, Key("a", "b")});
  EXPECT_EQ(got->item->at("v"), N("1"));
}

TEST_F(ClientTest, UpdateWithExpressionsAndReturnValues) {
  ASSERT_TRUE(client_->PutItem({table_, {{"pk", S("u")}, {"sk", S("1")}, {"count", N("1")}}}).ok());
  UpdateItemRequest update;
  update.table_name = table_;
  update.key = Key("u", "1");
  update.update_expression = "SET #c = #c + :inc, #t = :tag";
  update.condition_expression = "#c = :expected";
  update.attributes.names = {{"#c", "count"}, {"#t", "tag"}};
  update.attributes.values = {{":inc", N("41")}, {":tag", S("x")}, {":expected", N("1")}};
  update.return_values = ReturnValues::kAllNew;
  auto result = client_->UpdateItem(update);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_TRUE(result->attributes.has_value());
  EXPECT_EQ(result->attributes->at("count"), N("42"));
  EXPECT_EQ(result->attributes->at("tag"), S("x"));
  // The same condition now fails.
  auto again = client_->UpdateItem(update);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConditionFailed);
}

TEST_F(ClientTest, DeleteReturnsOldItem) {
  ASSERT_TRUE(client_->PutItem({table_, {{"pk", S("d")}, {"sk", S("1")}, {"v", S("old")}}}).ok());
  DeleteItemRequest del{table_, Key("d", "1")};
  del.return_values = ReturnValues::kAllOld;
  auto result = client_->DeleteItem(del);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->attributes->at("v"), S("old"));
  EXPECT_FALSE(client_->GetItem({table_, Key("d", "1")})->item.has_value());
}

// Items of ~60 KB so one partition holds well over the 1 MB page limit.
TEST_F(ClientTest, QueryAndScanPaginatePastOneMegabyte) {
  const std::string payload(60 * 1024, 'x');
  std::vector<WriteRequest> writes;
  for (int i = 0; i < 40; ++i) {
    char sk[8];
    std::snprintf(sk, sizeof(sk), "%03d", i);
    writes.push_back(WriteRequest::Put({{"pk", S("big")}, {"sk", S(sk)}, {"payload", S(payload)}}));
  }
  ASSERT_TRUE(client_->BatchWriteItem({{table_, writes}}).ok());

  client_->counters().Reset();
  QueryRequest query;
  query.table_name = table_;
  query.key_condition_expression = "pk = :pk";
  query.attributes.values = {{":pk", S("big")}};
  auto first_page = client_->Query(query);
  ASSERT_TRUE(first_page.ok());
  EXPECT_LT(first_page->items.size(), 40u);
  EXPECT_TRUE(first_page->last_evaluated_key.has_value());

  auto all = client_->QueryAll(query);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->items.size(), 40u);
  EXPECT_EQ(all->items[39].at("sk"), S("039"));
  EXPECT_FALSE(all->last_evaluated_key.has_value());
  EXPECT_GE(client_->counters().Get(Operation::kQuery), 3u);  // one page + >= 2 pages

  auto limited = client_->QueryAll(query, 5);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->items.size(), 5u);
  EXPECT_TRUE(limited->last_evaluated_key.has_value());

  query.scan_index_forward = false;
  query.limit = 2;
  auto newest = client_->Query(query);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->items[0].at("sk"), S("039"));

  auto scanned = client_->ScanAll({table_});
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(scanned->items.size(), 40u);
}

TEST_F(ClientTest, FilteredQueryCountsScannedAndMatched) {
  std::vector<WriteRequest> writes;
  for (int i = 0; i < 10; ++i) {
    writes.push_back(WriteRequest::Put({{"pk", S("f")},
                                        {"sk", S(std::to_string(i))},
                                        {"even", AttributeValue::Bool(i % 2 == 0)}}));
  }
  ASSERT_TRUE(client_->BatchWriteItem({{table_, writes}}).ok());
  QueryRequest query;
  query.table_name = table_;
  query.key_condition_expression = "pk = :pk";
  query.filter_expression = "even = :t";
  query.projection_expression = "sk";
  query.attributes.values = {{":pk", S("f")}, {":t", AttributeValue::Bool(true)}};
  auto result = client_->Query(query);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->count, 5);
  EXPECT_EQ(result->scanned_count, 10);
  EXPECT_EQ(result->items[0].size(), 1u);  // projected to sk only
  query.select = Select::kCount;
  query.projection_expression.clear();
  auto counted = client_->Query(query);
  ASSERT_TRUE(counted.ok()) << counted.error().ToString();
  EXPECT_EQ(counted->count, 5);
  EXPECT_TRUE(counted->items.empty());
}

TEST_F(ClientTest, BatchWriteSplitsAt25AndBatchGetAt100) {
  std::vector<WriteRequest> writes;
  std::vector<Item> keys;
  for (int i = 0; i < 260; ++i) {
    writes.push_back(WriteRequest::Put(
        {{"pk", S("batch")}, {"sk", S(std::to_string(i))}, {"i", N(std::to_string(i))}}));
    keys.push_back(Key("batch", std::to_string(i)));
  }
  keys.push_back(Key("batch", "missing"));
  client_->counters().Reset();
  auto written = client_->BatchWriteItem({{table_, writes}});
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_EQ(client_->counters().Get(Operation::kBatchWriteItem), 11u);  // ceil(260/25)

  auto got = client_->BatchGetItem({{table_, {keys}}});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(client_->counters().Get(Operation::kBatchGetItem), 3u);  // ceil(261/100)
  const auto& items = got->responses[table_];
  ASSERT_EQ(items.size(), 260u);
  std::set<std::string> seen;
  for (const auto& item : items) seen.insert(item.at("sk").s());
  EXPECT_EQ(seen.size(), 260u);
  EXPECT_FALSE(got->consumed_capacity.empty());

  // Deletes through the same path.
  std::vector<WriteRequest> deletes;
  for (int i = 0; i < 30; ++i)
    deletes.push_back(WriteRequest::Delete(Key("batch", std::to_string(i))));
  ASSERT_TRUE(client_->BatchWriteItem({{table_, deletes}}).ok());
  auto remaining = client_->BatchGetItem({{table_, {keys}}});
  EXPECT_EQ(remaining->responses[table_].size(), 230u);
}

TEST_F(ClientTest, CancelledTransactionReportsReasonsAndWritesNothing) {
  ASSERT_TRUE(client_->PutItem({table_, {{"pk", S("t")}, {"sk", S("exists")}}}).ok());
  TransactWriteItemsRequest request;
  TransactWriteItem put;
  put.kind = TransactWriteItem::Kind::kPut;
  put.table_name = table_;
  put.item = {{"pk", S("t")}, {"sk", S("new")}};
  TransactWriteItem check;
  check.kind = TransactWriteItem::Kind::kConditionCheck;
  check.table_name = table_;
  check.key = Key("t", "exists");
  check.condition_expression = "attribute_not_exists(pk)";
  check.return_old_item_on_condition_failure = true;
  request.items = {put, check};
  auto result = client_->TransactWriteItems(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().type, "TransactionCanceledException");
  ASSERT_NE(ServiceDetail(result.error()), nullptr);
  ASSERT_EQ(ServiceDetail(result.error())->cancellation_reasons.size(), 2u);
  EXPECT_EQ(ServiceDetail(result.error())->cancellation_reasons[0].code, "None");
  EXPECT_EQ(ServiceDetail(result.error())->cancellation_reasons[1].code, "ConditionalCheckFailed");
  ASSERT_TRUE(ServiceDetail(result.error())->cancellation_reasons[1].item.has_value());
  EXPECT_EQ(ServiceDetail(result.error())->cancellation_reasons[1].item->at("sk"), S("exists"));
  EXPECT_FALSE(client_->GetItem({table_, Key("t", "new")})->item.has_value());

  // Without the failing check it commits, and replaying the same token is
  // idempotent.
  request.items = {put};
  request.client_request_token = "token-" + UniqueName("tx");
  request.return_consumed_capacity = true;
  auto committed = client_->TransactWriteItems(request);
  ASSERT_TRUE(committed.ok()) << committed.error().ToString();
  EXPECT_FALSE(committed->consumed_capacity.empty());
  ASSERT_TRUE(client_->TransactWriteItems(request).ok());

  auto read = client_->TransactGetItems({{table_, Key("t", "new")}, {table_, Key("t", "absent")}});
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_TRUE((*read)[0].has_value());
  EXPECT_FALSE((*read)[1].has_value());
}

TEST_F(ClientTest, TableAdministrationAndTimeToLive) {
  auto tables = client_->ListTables();
  ASSERT_TRUE(tables.ok());
  EXPECT_NE(std::find(tables->begin(), tables->end(), table_), tables->end());

  auto described = client_->DescribeTable(table_);
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->hash_key.name, "pk");
  EXPECT_EQ(described->range_key->name, "sk");
  EXPECT_EQ(described->status, "ACTIVE");
  EXPECT_EQ(described->billing_mode, "PAY_PER_REQUEST");

  ASSERT_TRUE(client_->UpdateTimeToLive(table_, "expires", true).ok());
  auto ttl = client_->DescribeTimeToLive(table_);
  ASSERT_TRUE(ttl.ok());
  EXPECT_EQ(ttl->status, "ENABLED");
  EXPECT_EQ(ttl->attribute_name, "expires");

  auto missing = client_->DescribeTable("no-such-table-" + table_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().type, "ResourceNotFoundException");

  const std::string second = UniqueName("client-prov");
  CreateTableRequest create;
  create.table_name = second;
  create.hash_key = {"id", ScalarType::kN};
  create.billing_mode = "PROVISIONED";
  create.throughput = ProvisionedThroughput{5, 7};
  create.global_secondary_indexes.push_back(
      {"ByType", {"type", ScalarType::kS}, KeyElement{"at", ScalarType::kN}, "ALL"});
  ASSERT_TRUE(client_->CreateTable(create).ok());
  auto active = client_->WaitUntilActive(second, std::chrono::seconds(30));
  ASSERT_TRUE(active.ok()) << active.error().ToString();
  EXPECT_EQ(active->billing_mode, "PROVISIONED");
  EXPECT_EQ(active->throughput->read_capacity_units, 5);
  EXPECT_EQ(active->hash_key.type, ScalarType::kN);
  ASSERT_EQ(active->global_secondary_indexes.size(), 1u);
  EXPECT_EQ(active->global_secondary_indexes[0].range_key->name, "at");
  ASSERT_TRUE(client_->DeleteTable(second).ok());
  ASSERT_TRUE(client_->WaitUntilDeleted(second, std::chrono::seconds(30)).ok());
}

TEST_F(ClientTest, InvokeSendsRawJsonThroughTheSameStack) {
  nlohmann::json body = {{"TableName", table_},
                         {"Item", {{"pk", {{"S", "raw"}}}, {"sk", {{"S", "1"}}}}}};
  auto put = client_->Invoke("PutItem", body.dump());
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  EXPECT_EQ(client_->counters().Get(Operation::kPutItem), 1u);
  auto got = client_->Invoke(
      "GetItem",
      nlohmann::json{{"TableName", table_}, {"Key", {{"pk", {{"S", "raw"}}}, {"sk", {{"S", "1"}}}}}}
          .dump());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(nlohmann::json::parse(*got)["Item"]["pk"]["S"], "raw");
  auto bad = client_->Invoke("GetItem", R"({"TableName":")" + table_ + R"("})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().type, "ValidationException");
}

TEST_F(ClientTest, ConcurrentUseOfOneClient) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Item item = {{"pk", S("conc")}, {"sk", S(std::to_string(t * 100 + i))}};
        if (!client_->PutItem({table_, item}).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  QueryRequest query;
  query.table_name = table_;
  query.key_condition_expression = "pk = :pk";
  query.attributes.values = {{":pk", S("conc")}};
  query.select = Select::kCount;
  EXPECT_EQ(client_->Query(query)->count, 200);
}

}  // namespace
}  // namespace mem0::dynamodb
