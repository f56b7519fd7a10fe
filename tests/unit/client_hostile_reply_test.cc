// The client against a server that answers with damaged or hostile bodies:
// wrong JSON types in every field it reads, numbers out of range, nesting far
// past the parser's limit, truncated JSON, invalid UTF-8, a wrong CRC32.
// Every call must come back as an error Result, never an exception or crash.
// The server is a real loopback HTTP server, so the socket transport's
// parsing is exercised too.
#include <gtest/gtest.h>
#include <zlib.h>

#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mem0/dynamodb/client.h"
#include "support/loopback_server.h"
#include "support/test_env.h"

namespace mem0::dynamodb {
namespace {

std::string Crc32(const std::string& body) {
  return std::to_string(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
}

std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text.substr(0, 120)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    }
  }
  return text.size() > 120 ? out + "...(" + std::to_string(text.size()) + " bytes)" : out;
}

// A DynamoDB stand-in that answers every request with one scripted reply.
class HostileServer {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::optional<std::string> crc32;  // nullopt: the body's true CRC32
  };

  HostileServer()
      : server_([this](httplib::Server& server) {
          server.Post("/", [this](const httplib::Request&, httplib::Response& response) {
            std::lock_guard<std::mutex> lock(mu_);
            response.status = reply_.status;
            response.set_header("x-amzn-RequestId", "HOSTILE");
            response.set_header("x-amz-crc32", reply_.crc32.value_or(Crc32(reply_.body)));
            response.set_content(reply_.body, "application/x-amz-json-1.0");
          });
        }) {
    ClientConfig config;
    config.region = "us-east-1";
    config.endpoint_url = server_.url();
    config.access_key_id = "AKIDEXAMPLE";
    config.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    config.env.clock = clock_;
    config.env.sleeper = std::make_shared<testing::RecordingSleeper>(clock_);
    config.retry.max_attempts = 2;
    config.retry.jitter = [] { return 0.0; };
    auto created = Client::Create(config);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    client_ = std::move(created).value();
  }

  void Set(Reply reply) {
    std::lock_guard<std::mutex> lock(mu_);
    reply_ = std::move(reply);
  }

  Client& client() { return *client_; }

 private:
  std::mutex mu_;
  Reply reply_;
  std::shared_ptr<testing::FakeClock> clock_ = std::make_shared<testing::FakeClock>();
  testing::LoopbackServer server_;
  std::unique_ptr<Client> client_;
};

Item Key() { return {{"pk", AttributeValue::S("a")}}; }

// The calls under test, each returning whether it succeeded and the error.
struct Call {
  const char* name;
  std::function<std::optional<Error>(Client&)> run;
};

template <typename T>
std::optional<Error> ErrorOf(Result<T> result) {
  if (result.ok()) return std::nullopt;
  return std::move(result).error();
}

const Call kGetItem{"GetItem", [](Client& c) { return ErrorOf(c.GetItem({"t", Key()})); }};
const Call kPutItem{"PutItem", [](Client& c) { return ErrorOf(c.PutItem({"t", Key()})); }};
const Call kQuery{"Query", [](Client& c) {
                    QueryRequest request;
                    request.table_name = "t";
                    request.key_condition_expression = "pk = :pk";
                    request.attributes.values[":pk"] = AttributeValue::S("a");
                    return ErrorOf(c.Query(request));
                  }};
const Call kScan{"Scan", [](Client& c) { return ErrorOf(c.Scan({"t"})); }};
const Call kBatchGetItem{"BatchGetItem", [](Client& c) {
                           return ErrorOf(c.BatchGetItem({{"t", {{Key()}}}}));
                         }};
const Call kBatchWriteItem{"BatchWriteItem", [](Client& c) {
                             return ErrorOf(c.BatchWriteItem({{"t", {WriteRequest::Put(Key())}}}));
                           }};
const Call kDescribeTable{"DescribeTable", [](Client& c) { return ErrorOf(c.DescribeTable("t")); }};
const Call kTransactWriteItems{"TransactWriteItems", [](Client& c) {
                                 TransactWriteItemsRequest request;
                                 TransactWriteItem put;
                                 put.table_name = "t";
                                 put.item = Key();
                                 request.items.push_back(put);
                                 return ErrorOf(c.TransactWriteItems(request));
                               }};
const Call kTransactGetItems{"TransactGetItems", [](Client& c) {
                               return ErrorOf(c.TransactGetItems({{"t", Key()}}));
                             }};
const Call kListTables{"ListTables", [](Client& c) { return ErrorOf(c.ListTables()); }};
const Call kDescribeTimeToLive{"DescribeTimeToLive",
                               [](Client& c) { return ErrorOf(c.DescribeTimeToLive("t")); }};
const Call kDescribeContinuousBackups{"DescribeContinuousBackups", [](Client& c) {
                                        return ErrorOf(c.DescribeContinuousBackups("t"));
                                      }};

const std::vector<Call> kAllCalls = {
    kGetItem,
    kPutItem,
    kQuery,
    kScan,
    kBatchGetItem,
    kBatchWriteItem,
    kDescribeTable,
    kTransactWriteItems,
    kTransactGetItems,
    kListTables,
    kDescribeTimeToLive,
    kDescribeContinuousBackups,
};

// Runs `call` against `reply`; it must fail, with `code` when given.
void ExpectError(HostileServer& server, const Call& call, HostileServer::Reply reply,
                 std::optional<ErrorCode> code = std::nullopt) {
  const std::string label = std::string(call.name) + " given HTTP " + std::to_string(reply.status) +
                            " " + Printable(reply.body) +
                            (reply.crc32 ? " crc32=" + *reply.crc32 : "");
  server.Set(std::move(reply));
  try {
    const std::optional<Error> error = call.run(server.client());
    ASSERT_TRUE(error.has_value()) << label << ": succeeded";
    EXPECT_FALSE(error->type.empty()) << label;
    if (code) {
      EXPECT_EQ(ErrorCodeName(error->code), ErrorCodeName(*code))
          << label << ": " << error->ToString();
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": threw " << e.what();
  } catch (...) {
    ADD_FAILURE() << label << ": threw";
  }
}

std::string DeepArrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ClientHostileReply, DamagedBodiesFailEveryCall) {
  HostileServer server;
  const std::vector<std::string> bodies = {
      "",
      "{",
      R"({"Item":{"pk":{"S":"a"})",  // truncated
      R"({"Items":[{"pk":{"S":"a"}},)",
      "[]",
      "5",
      R"("string")",
      "null",
      DeepArrays(100'000),
      R"({"Item":)" + DeepArrays(100'000) + "}",
      "{\"Item\":{\"pk\":{\"S\":\"\xff\xfe\"}}}",      // invalid UTF-8
      "{\"Item\":{\"pk\":{\"S\":\"\xed\xa0\x80\"}}}",  // an encoded surrogate
      R"({"Item":{"pk":{"S":"\ud800"}}})",             // a lone surrogate escape
      R"({"Count":1e400})",
      R"({"Count":01})",
      R"({} trailing)",
      "\xef\xbb\xbf{}",
      std::string("{}\0", 3),
  };
  for (const Call& call : kAllCalls) {
    for (const std::string& body : bodies) {
      ExpectError(server, call, {200, body}, ErrorCode::kNetworkError);
    }
  }
}

TEST(ClientHostileReply, WrongCrc32FailsEveryCall) {
  HostileServer server;
  for (const Call& call : kAllCalls) {
    for (const char* crc : {"12345", "", "abc", "-1", "+0", " 0", "99999999999999999999"}) {
      ExpectError(server, call, {200, "{}", crc}, ErrorCode::kNetworkError);
    }
    // The true CRC32 of another body.
    ExpectError(server, call, {200, "{}", Crc32("{ }")}, ErrorCode::kNetworkError);
  }
}

TEST(ClientHostileReply, WrongFieldTypesFailTheCallThatReadsThem) {
  HostileServer server;
  const std::vector<std::pair<Call, std::vector<std::string>>> cases = {
      {kGetItem,
       {
           R"({"Item":[]})",
           R"({"Item":"x"})",
           R"({"Item":5})",
           R"({"Item":{"pk":[]}})",
           R"({"Item":{"pk":{}}})",
           R"({"Item":{"pk":{"S":5}}})",
           R"({"Item":{"pk":{"S":"a","N":"1"}}})",
           R"({"Item":{"pk":{"N":1}}})",
           R"({"Item":{"pk":{"N":"abc"}}})",
           R"({"Item":{"pk":{"N":""}}})",
           R"({"Item":{"pk":{"NS":["1","x"]}}})",
           R"({"Item":{"pk":{"B":"!!not base64"}}})",
           R"({"Item":{"pk":{"BOOL":"yes"}}})",
           R"({"Item":{"pk":{"NULL":false}}})",
           R"({"Item":{"pk":{"M":[]}}})",
           R"({"Item":{"pk":{"M":{"x":{"S":null}}}}})",
           R"({"Item":{"pk":{"L":{}}}})",
           R"({"Item":{"pk":{"L":[{"S":"a"},{"L":[1]}]}}})",
           R"({"Item":{"pk":{"SS":"a"}}})",
           R"({"Item":{"pk":{"SS":[1]}}})",
           R"({"Item":{"pk":{"NS":[null]}}})",
           R"({"Item":{"pk":{"BS":["%%%"]}}})",
           R"({"Item":{"pk":{"Q":"x"}}})",
           R"({"ConsumedCapacity":[]})",
           R"({"ConsumedCapacity":"x"})",
           R"({"ConsumedCapacity":{"CapacityUnits":"1"}})",
           R"({"ConsumedCapacity":{"TableName":5}})",
           R"({"ConsumedCapacity":{"ReadCapacityUnits":[]}})",
       }},
      {kPutItem,
       {
           R"({"Attributes":[]})",
           R"({"Attributes":{"a":{"S":1}}})",
           R"({"ConsumedCapacity":{"WriteCapacityUnits":true}})",
       }},
      {kQuery,
       {
           R"({"Items":{"x":1}})",
           R"({"Items":"x"})",
           R"({"Items":[1]})",
           R"({"Items":[{"a":{"S":1}}]})",
           R"({"Count":"1"})",
           R"({"Count":-1})",
           R"({"Count":1.5})",
           R"({"Count":1e3})",
           R"({"Count":18446744073709551615})",
           R"({"Count":99999999999999999999})",
           R"({"ScannedCount":true})",
           R"({"LastEvaluatedKey":"x"})",
           R"({"LastEvaluatedKey":[]})",
           R"({"LastEvaluatedKey":{"k":{}}})",
           R"({"ConsumedCapacity":5})",
       }},
      {kScan,
       {
           R"({"Items":{"x":1}})",
           R"({"ScannedCount":{}})",
           R"({"LastEvaluatedKey":1})",
       }},
      {kBatchGetItem,
       {
           R"({"Responses":[]})",
           R"({"Responses":[1]})",
           R"({"Responses":"x"})",
           R"({"Responses":{"t":{}}})",
           R"({"Responses":{"t":[5]}})",
           R"({"Responses":{"t":[{"pk":{"S":[]}}]}})",
           R"({"UnprocessedKeys":"x"})",
           R"({"UnprocessedKeys":[1]})",
           R"({"UnprocessedKeys":{"t":[]}})",
           R"({"UnprocessedKeys":{"t":{"Keys":{}}}})",
           R"({"UnprocessedKeys":{"t":{"Keys":[1]}}})",
           R"({"UnprocessedKeys":{"t":{"Keys":[{"pk":{"S":"a"}}]}}})",  // never processed
           R"({"ConsumedCapacity":{}})",
           R"({"ConsumedCapacity":[1]})",
           R"({"ConsumedCapacity":[{"CapacityUnits":"x"}]})",
       }},
      {kBatchWriteItem,
       {
           R"({"UnprocessedItems":"x"})", R"({"UnprocessedItems":[1]})",
           R"({"UnprocessedItems":{"t":{}}})", R"({"UnprocessedItems":{"t":[1]}})",
           R"({"UnprocessedItems":{"t":[{"PutRequest":{}}]}})",  // never processed
       }},
      {kDescribeTable,
       {
           R"({"Table":"x"})",
           R"({"Table":[]})",
           R"({"Table":{"TableName":5}})",
           R"({"Table":{"TableStatus":[]}})",
           R"({"Table":{"KeySchema":{}}})",
           R"({"Table":{"KeySchema":[5]}})",
           R"({"Table":{"KeySchema":[{"AttributeName":5}]}})",
           R"({"Table":{"KeySchema":[{"AttributeName":"pk","KeyType":1}]}})",
           R"({"Table":{"AttributeDefinitions":"x"}})",
           R"({"Table":{"AttributeDefinitions":[1],"KeySchema":[]}})",
           R"({"Table":{"AttributeDefinitions":[{"AttributeName":[]}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}})",
           R"({"Table":{"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":5}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}})",
           R"({"Table":{"GlobalSecondaryIndexes":{}}})",
           R"({"Table":{"GlobalSecondaryIndexes":[5]}})",
           R"({"Table":{"GlobalSecondaryIndexes":[{"IndexName":5}]}})",
           R"({"Table":{"GlobalSecondaryIndexes":[{"Projection":"x"}]}})",
           R"({"Table":{"GlobalSecondaryIndexes":[{"Projection":{"ProjectionType":1}}]}})",
           R"({"Table":{"GlobalSecondaryIndexes":[{"ProvisionedThroughput":[]}]}})",
           R"({"Table":{"ProvisionedThroughput":"x"}})",
           R"({"Table":{"ProvisionedThroughput":{"ReadCapacityUnits":"1"}}})",
           R"({"Table":{"ProvisionedThroughput":{"ReadCapacityUnits":-1}}})",
           R"({"Table":{"ProvisionedThroughput":{"WriteCapacityUnits":1.5}}})",
           R"({"Table":{"ProvisionedThroughput":{"ReadCapacityUnits":1e400}}})",
           R"({"Table":{"ItemCount":"5"}})",
           R"({"Table":{"ItemCount":9223372036854775808}})",
           R"({"Table":{"ItemCount":99999999999999999999}})",
           R"({"Table":{"BillingModeSummary":[]}})",
           R"({"Table":{"BillingModeSummary":{"BillingMode":false}}})",
           R"({"Table":{"SSEDescription":{"Status":1}}})",
           R"({"Table":{"SSEDescription":"x"}})",
           R"({"Table":{"TableClassSummary":{"TableClass":{}}}})",
           R"({"Table":{"DeletionProtectionEnabled":"yes"}})",
       }},
      {kTransactWriteItems,
       {
           R"({"ConsumedCapacity":{}})",
           R"({"ConsumedCapacity":[[]]})",
       }},
      {kTransactGetItems,
       {
           R"({"Responses":{}})",
           R"({"Responses":[1]})",
           R"({"Responses":[{"Item":[]}]})",
           R"({"Responses":[{"Item":{"a":{"N":false}}}]})",
       }},
      {kListTables,
       {
           R"({"TableNames":"t"})", R"({"TableNames":[5]})", R"({"LastEvaluatedTableName":5})",
           R"({"TableNames":["t"],"LastEvaluatedTableName":"t"})",  // never advances
       }},
      {kDescribeTimeToLive,
       {
           R"({"TimeToLiveDescription":"x"})",
           R"({"TimeToLiveDescription":{"TimeToLiveStatus":1}})",
           R"({"TimeToLiveDescription":{"AttributeName":[]}})",
       }},
      {kDescribeContinuousBackups,
       {
           R"({"ContinuousBackupsDescription":"x"})",
           R"({"ContinuousBackupsDescription":{"PointInTimeRecoveryDescription":5}})",
           R"({"ContinuousBackupsDescription":{"PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":true}}})",
       }},
  };
  for (const auto& [call, bodies] : cases) {
    for (const std::string& body : bodies) {
      // The unprocessed-forever cases end as kThrottled after the retries;
      // every other one is a damaged reply.
      const bool unprocessed = body.find("\"Keys\":[{") != std::string::npos ||
                               body.find("PutRequest") != std::string::npos;
      ExpectError(server, call, {200, body},
                  unprocessed ? ErrorCode::kThrottled : ErrorCode::kNetworkError);
    }
  }
}

TEST(ClientHostileReply, DamagedErrorRepliesStillFail) {
  HostileServer server;
  const std::vector<std::string> bodies = {
      R"({"__type":5})",
      R"({"__type":[],"message":{}})",
      R"({"__type":null,"Message":5})",
      R"({"message":5})",
      R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","CancellationReasons":"x"})",
      R"({"__type":"TransactionCanceledException","CancellationReasons":[5,{"Code":5},{"Code":"None","Message":[]}]})",
      R"({"__type":"TransactionCanceledException","CancellationReasons":[{"Code":"ConditionalCheckFailed","Item":[]}]})",
      R"({"__type":"TransactionCanceledException","CancellationReasons":[{"Code":"ConditionalCheckFailed","Item":{"a":{"S":1}}}]})",
      R"({"__type":"ConditionalCheckFailedException","Item":5})",
      R"({"__type":"#"})",
      R"({"__type":"####"})",
      "not json",
      "[]",
      "",
      DeepArrays(100'000),
      "{\"__type\":\"\xff\",\"message\":\"\xc0\xaf\"}",
      R"({"__type":"ValidationException")",
  };
  for (const Call& call : {kGetItem, kQuery, kBatchGetItem, kDescribeTable, kTransactWriteItems}) {
    for (const std::string& body : bodies) {
      for (int status : {400, 500}) ExpectError(server, call, {status, body});
    }
  }
}

TEST(ClientHostileReply, ErrorReplyWithWrongTypeIsReportedByStatus) {
  HostileServer server;
  server.Set({400, R"({"__type":5,"message":"m"})"});
  auto got = server.client().GetItem({"t", Key()});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().type, "HttpError");
  EXPECT_EQ(got.error().http_status, 400);
  EXPECT_NE(got.error().message.find("__type is not a string"), std::string::npos)
      << got.error().message;
}

TEST(ClientHostileReply, MessagesNameTheDamagedField) {
  HostileServer server;
  server.Set({200, R"({"Item":{"a":{"M":{"b":{"L":[{"S":"x"},{"S":5}]}}}}})"});
  auto got = server.client().GetItem({"t", Key()});
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("Item: malformed AttributeValue at a.b[1]: S is not a string"),
            std::string::npos)
      << got.error().message;

  server.Set({200, R"({"Table":{"GlobalSecondaryIndexes":[{},{"KeySchema":[{"KeyType":7}]}]}})"});
  auto table = server.client().DescribeTable("t");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("Table.GlobalSecondaryIndexes[1].KeySchema[0].KeyType"),
            std::string::npos)
      << table.error().message;

  server.Set({200, R"({"Count":-1})"});
  auto query = server.client().Query({"t"});
  ASSERT_FALSE(query.ok());
  EXPECT_NE(query.error().message.find("Count is out of range"), std::string::npos)
      << query.error().message;
}

TEST(ClientHostileReply, PaginationThatNeverAdvancesFails) {
  HostileServer server;
  server.Set({200, R"({"Items":[],"LastEvaluatedKey":{"pk":{"S":"a"}}})"});
  QueryRequest request;
  request.table_name = "t";
  request.exclusive_start_key = Key();
  auto query = server.client().QueryAll(request);
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.error().code, ErrorCode::kNetworkError);
  auto scan = server.client().ScanAll({"t"});  // first page "a", then "a" again
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.error().message.find("LastEvaluatedKey"), std::string::npos);
}

// Not a reply, but the same rule: a caller's string that is not UTF-8 cannot
// be sent as JSON, and says so instead of throwing from nlohmann's dump().
TEST(ClientHostileReply, InvalidUtf8InRequestIsAnError) {
  HostileServer server;
  server.Set({200, "{}"});
  auto got = server.client().GetItem({"t", {{"pk", AttributeValue::S("caf\xe9")}}});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
}

// The same server, given well-formed replies, works: the failures above are
// the bodies' doing.
TEST(ClientHostileReply, WellFormedRepliesSucceed) {
  HostileServer server;
  server.Set(
      {200,
       R"({"Item":{"pk":{"S":"a"},"n":{"N":"1"},"m":{"M":{"l":{"L":[{"NULL":true},{"BOOL":false},{"B":"AAE="},{"SS":["x"]}]}}}},"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5}})"});
  auto got = server.client().GetItem({"t", Key()});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(got->item.has_value());
  EXPECT_EQ(got->item->at("pk").s(), "a");
  EXPECT_EQ(got->consumed_capacity->capacity_units, 0.5);

  server.Set(
      {200, R"({"Items":[{"pk":{"S":"a"}}],"Count":1,"ScannedCount":2,"LastEvaluatedKey":null})"});
  auto query = server.client().Query({"t"});
  ASSERT_TRUE(query.ok()) << query.error().ToString();
  EXPECT_EQ(query->count, 1);
  EXPECT_EQ(query->scanned_count, 2);

  server.Set(
      {200,
       R"({"Table":{"TableName":"t","TableStatus":"ACTIVE","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":0},"BillingModeSummary":{"BillingMode":"PROVISIONED"},"ItemCount":9223372036854775807,"GlobalSecondaryIndexes":[{"IndexName":"g","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}})"});
  auto table = server.client().DescribeTable("t");
  ASSERT_TRUE(table.ok()) << table.error().ToString();
  EXPECT_EQ(table->hash_key.type, ScalarType::kN);
  EXPECT_EQ(table->item_count, 9223372036854775807);
  EXPECT_EQ(table->throughput->read_capacity_units, 5);
  EXPECT_EQ(table->global_secondary_indexes.at(0).projection_type, "KEYS_ONLY");

  server.Set({200, R"({"Responses":{"t":[{"pk":{"S":"a"}}]},"UnprocessedKeys":{}})"});
  auto batch = server.client().BatchGetItem({{"t", {{Key()}}}});
  ASSERT_TRUE(batch.ok()) << batch.error().ToString();
  EXPECT_EQ(batch->responses["t"].size(), 1u);

  server.Set({200, R"({"TableNames":["a","b"]})"});
  auto tables = server.client().ListTables();
  ASSERT_TRUE(tables.ok()) << tables.error().ToString();
  EXPECT_EQ(tables->size(), 2u);

  server.Set(
      {400,
       R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"m","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Item":{"pk":{"S":"a"}}}]})"});
  auto transact = server.client().TransactWriteItems({{TransactWriteItem{}}});
  ASSERT_FALSE(transact.ok());
  EXPECT_EQ(transact.error().code, ErrorCode::kConditionFailed);
  ASSERT_NE(ServiceDetail(transact.error()), nullptr);
  ASSERT_EQ(ServiceDetail(transact.error())->cancellation_reasons.size(), 2u);
  EXPECT_TRUE(ServiceDetail(transact.error())->cancellation_reasons[1].item.has_value());
}

}  // namespace
}  // namespace mem0::dynamodb
