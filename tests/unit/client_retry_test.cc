// Retry, backoff and error parsing, driven by a scripted transport so every
// delay is exact. (Behaviour against a real server is in the integration
// tests; this covers what DynamoDB Local cannot be made to do on demand.)
#include <gtest/gtest.h>
#include <zlib.h>

#include <deque>
#include <mutex>

#include "mem0/dynamodb/client.h"
#include "support/test_env.h"

namespace mem0::dynamodb {
namespace {

using std::chrono::milliseconds;

// Replies from a script; records what was sent.
class ScriptedTransport : public aws::HttpTransport {
 public:
  void Reply(int status, std::string body) {
    aws::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("x-amzn-requestid", "REQ-" + std::to_string(script_.size()));
    r.headers.emplace_back("x-amz-crc32",
                           std::to_string(crc32(0, reinterpret_cast<const Bytef*>(r.body.data()),
                                                static_cast<uInt>(r.body.size()))));
    script_.push_back(std::move(r));
  }
  void ReplyWithBadCrc(std::string body) {
    aws::HttpResponse r;
    r.status = 200;
    r.body = std::move(body);
    r.headers.emplace_back("x-amz-crc32", "12345");
    script_.push_back(std::move(r));
  }
  void Drop() { script_.push_back(std::nullopt); }

  Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (script_.empty()) return MakeError(ErrorCode::kInternal, "script exhausted");
    auto next = std::move(script_.front());
    script_.pop_front();
    if (!next) {
      Error e = MakeError(ErrorCode::kNetworkError, "Connection reset by peer", "NetworkError");
      e.retryable = true;
      return e;
    }
    return *next;
  }
  size_t sent() const { return requests_.size(); }
  const std::vector<aws::HttpRequest>& requests() const { return requests_; }

 private:
  std::mutex mu_;
  std::deque<std::optional<aws::HttpResponse>> script_;
  std::vector<aws::HttpRequest> requests_;
};

struct Fixture {
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  std::shared_ptr<testing::FakeClock> clock = std::make_shared<testing::FakeClock>();
  std::shared_ptr<testing::RecordingSleeper> sleeper =
      std::make_shared<testing::RecordingSleeper>(clock);
  std::unique_ptr<Client> client;

  explicit Fixture(int max_attempts = 10) {
    ClientConfig config;
    config.region = "us-east-1";
    config.endpoint_url = "https://dynamodb.us-east-1.amazonaws.com";
    config.access_key_id = "AKIDEXAMPLE";
    config.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    config.transport = transport;
    config.env.clock = clock;
    config.env.sleeper = sleeper;
    config.retry.max_attempts = max_attempts;
    config.retry.jitter = [] { return 0.5; };
    auto created = Client::Create(config);
    EXPECT_TRUE(created.ok());
    client = std::move(created).value();
  }
};

constexpr const char* kThrottle =
    R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"})";

GetItemRequest SomeGet() { return {"t", {{"pk", AttributeValue::S("a")}}, "", {}, false, false}; }

TEST(ClientRetry, ThrottlingIsRetriedWithCappedExponentialFullJitter) {
  Fixture f;
  f.transport->Reply(400, kThrottle);
  f.transport->Reply(400, kThrottle);
  f.transport->Reply(500, R"({"__type":"InternalServerError","Message":"oops"})");
  f.transport->Reply(200, R"({"Item":{"pk":{"S":"a"}}})");
  auto got = f.client->GetItem(SomeGet());
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(f.transport->sent(), 4u);
  // jitter 0.5 x min(20 s, 25 ms x 2^attempt)
  EXPECT_EQ(f.sleeper->delays(),
            (std::vector<milliseconds>{milliseconds(12), milliseconds(25), milliseconds(50)}));
  EXPECT_EQ(f.client->counters().Get(Operation::kGetItem), 4u);
}

TEST(ClientRetry, DelayIsCappedAtMaxDelay) {
  Fixture f(12);
  for (int i = 0; i < 11; ++i) f.transport->Reply(400, kThrottle);
  f.transport->Reply(200, "{}");
  ASSERT_TRUE(f.client->GetItem(SomeGet()).ok());
  auto delays = f.sleeper->delays();
  ASSERT_EQ(delays.size(), 11u);
  EXPECT_EQ(delays[9], milliseconds(6400));    // 0.5 x 25 ms x 2^9
  EXPECT_EQ(delays[10], milliseconds(10000));  // 0.5 x the 20 s cap
}

TEST(ClientRetry, GivesUpAfterMaxAttemptsWithRetryableError) {
  Fixture f(3);
  for (int i = 0; i < 3; ++i) f.transport->Reply(400, kThrottle);
  auto got = f.client->GetItem(SomeGet());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().type, "ProvisionedThroughputExceededException");
  EXPECT_EQ(got.error().code, ErrorCode::kThrottled);
  EXPECT_TRUE(got.error().retryable);
  EXPECT_EQ(got.error().http_status, 400);
  EXPECT_EQ(got.error().request_id, "REQ-2");
  EXPECT_EQ(f.transport->sent(), 3u);
}

TEST(ClientRetry, ValidationAndConditionalFailuresAreNotRetried) {
  Fixture f;
  f.transport->Reply(
      400, R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad key"})");
  auto got = f.client->GetItem(SomeGet());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().type, "ValidationException");
  EXPECT_EQ(got.error().message, "bad key");
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(got.error().retryable);

  f.transport->Reply(
      400,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","Message":"The conditional request failed","Item":{"pk":{"S":"a"},"v":{"N":"3"}}})");
  PutItemRequest put{"t",
                     {{"pk", AttributeValue::S("a")}},
                     "attribute_not_exists(pk)",
                     {},
                     ReturnValues::kNone,
                     true,
                     false};
  auto put_result = f.client->PutItem(put);
  ASSERT_FALSE(put_result.ok());
  EXPECT_EQ(put_result.error().code, ErrorCode::kConditionFailed);
  EXPECT_EQ(put_result.error().message, "The conditional request failed");
  ASSERT_NE(ServiceDetail(put_result.error()), nullptr);
  ASSERT_TRUE(ServiceDetail(put_result.error())->old_item.has_value());
  EXPECT_EQ(ServiceDetail(put_result.error())->old_item->at("v"), AttributeValue::N("3"));
  EXPECT_EQ(f.transport->sent(), 2u);
  EXPECT_TRUE(f.sleeper->delays().empty());
}

TEST(ClientRetry, DroppedConnectionsAndCrcMismatchesAreRetried) {
  Fixture f;
  f.transport->Drop();
  f.transport->ReplyWithBadCrc(R"({"Item":{"pk":{"S":"corrupted"}}})");
  f.transport->Reply(200, R"({"Item":{"pk":{"S":"a"}}})");
  auto got = f.client->GetItem(SomeGet());
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(got->item->at("pk").s(), "a");
  EXPECT_EQ(f.transport->sent(), 3u);
}

TEST(ClientRetry, CrcMismatchOnLastAttemptIsAnError) {
  Fixture f(1);
  f.transport->ReplyWithBadCrc("{}");
  auto got = f.client->GetItem(SomeGet());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().type, "CRC32CheckFailed");
}

TEST(ClientRetry, TransactionCancellationReasonsAreParsed) {
  Fixture f;
  f.transport->Reply(
      400,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"pk":{"S":"b"}}}]})");
  TransactWriteItemsRequest request;
  request.items.push_back({TransactWriteItem::Kind::kPut, "t", {{"pk", AttributeValue::S("a")}}});
  request.items.push_back({TransactWriteItem::Kind::kConditionCheck,
                           "t",
                           {},
                           {{"pk", AttributeValue::S("b")}},
                           "",
                           "attribute_not_exists(pk)"});
  auto result = f.client->TransactWriteItems(request);
  ASSERT_FALSE(result.ok());
  ASSERT_NE(ServiceDetail(result.error()), nullptr);
  const auto& reasons = ServiceDetail(result.error())->cancellation_reasons;
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].code, "None");
  EXPECT_EQ(reasons[1].code, "ConditionalCheckFailed");
  ASSERT_TRUE(reasons[1].item.has_value());
  EXPECT_EQ(reasons[1].item->at("pk").s(), "b");
  // The idempotency token is always sent.
  EXPECT_NE(f.transport->requests()[0].body.find("ClientRequestToken"), std::string::npos);
}

TEST(ClientRetry, TransactionsCancelledByContentionAreRetried) {
  Fixture f;
  f.transport->Reply(
      400,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled","CancellationReasons":[{"Code":"None"},{"Code":"TransactionConflict"}]})");
  f.transport->Reply(200, "{}");
  TransactWriteItemsRequest request;
  request.items.push_back({TransactWriteItem::Kind::kPut, "t", {{"pk", AttributeValue::S("a")}}});
  auto result = f.client->TransactWriteItems(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(f.transport->sent(), 2u);
  // The same token both times: the retry cannot apply twice.
  auto token = [](const aws::HttpRequest& r) {
    auto at = r.body.find("ClientRequestToken");
    return r.body.substr(at, 60);
  };
  EXPECT_EQ(token(f.transport->requests()[0]), token(f.transport->requests()[1]));
}

TEST(ClientRetry, RequestsAreSignedWithTargetAndContentType) {
  Fixture f;
  f.transport->Reply(200, "{}");
  ASSERT_TRUE(f.client->GetItem(SomeGet()).ok());
  const auto& request = f.transport->requests().at(0);
  EXPECT_EQ(request.url, "https://dynamodb.us-east-1.amazonaws.com/");
  auto header = [&](const std::string& name) -> std::string {
    for (const auto& [n, v] : request.headers) {
      if (strcasecmp(n.c_str(), name.c_str()) == 0) return v;
    }
    return "";
  };
  EXPECT_EQ(header("X-Amz-Target"), "DynamoDB_20120810.GetItem");
  EXPECT_EQ(header("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header("X-Amz-Date"), "20231114T221320Z");  // FakeClock's epoch 1700000000
  EXPECT_TRUE(header("Authorization")
                  .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/"
                               "dynamodb/aws4_request"));
}

}  // namespace
}  // namespace mem0::dynamodb
