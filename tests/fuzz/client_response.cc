// The DynamoDB client's reply handling: a transport that answers every
// request with the fuzz input (status, optional CRC32 header, body), read by
// one of the typed operations. Covers the response parsers and
// ParseServiceError.
#include <zlib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "fuzz_input.h"
#include "mem0/dynamodb/client.h"

namespace {

using namespace mem0;
using namespace mem0::dynamodb;

class ReplyTransport : public aws::HttpTransport {
 public:
  Result<aws::HttpResponse> Send(const aws::HttpRequest&) override { return reply; }
  aws::HttpResponse reply;
};

class NoSleep : public Sleeper {
 public:
  void Sleep(std::chrono::milliseconds) override {}
};

struct Fixture {
  std::shared_ptr<ReplyTransport> transport = std::make_shared<ReplyTransport>();
  std::unique_ptr<Client> client;

  Fixture() {
    ClientConfig config;
    config.region = "us-east-1";
    config.endpoint_url = "http://127.0.0.1:1";
    config.access_key_id = "AKIDEXAMPLE";
    config.secret_access_key = "secret";
    config.retry.max_attempts = 2;  // one retry: the retry path, without fuzzing time in it
    config.retry.jitter = [] { return 0.0; };
    config.env.sleeper = std::make_shared<NoSleep>();
    config.env.environment = [](std::string_view) { return std::optional<std::string>(); };
    config.transport = transport;
    auto created = Client::Create(std::move(config));
    if (!created.ok()) std::abort();
    client = std::move(*created);
  }
};

Item Key() { return {{"pk", AttributeValue::S("p")}, {"sk", AttributeValue::S("s")}}; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  mem0::fuzz::FuzzInput input(data, size);
  uint8_t operation = input.Byte();
  uint8_t status_choice = input.Byte();
  static constexpr int kStatuses[] = {200, 200, 200, 200, 400, 400, 500, 503, 413, 404, 302, 0};
  aws::HttpResponse reply;
  reply.status = kStatuses[status_choice % std::size(kStatuses)];
  reply.body = input.Rest();
  if (status_choice & 0x80) {
    uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(reply.body.data()),
                      static_cast<uInt>(reply.body.size()));
    reply.headers.emplace_back("x-amz-crc32", std::to_string(crc));
  }
  if (status_choice & 0x40) reply.headers.emplace_back("x-amzn-requestid", "REQ");
  fixture.transport->reply = std::move(reply);

  Client& client = *fixture.client;
  switch (operation % 14) {
    case 0:
      (void)client.GetItem({.table_name = "t", .key = Key()});
      break;
    case 1:
      (void)client.PutItem({.table_name = "t",
                            .item = Key(),
                            .return_values = ReturnValues::kAllOld,
                            .return_old_item_on_condition_failure = true,
                            .return_consumed_capacity = true});
      break;
    case 2:
      (void)client.UpdateItem({.table_name = "t",
                               .key = Key(),
                               .update_expression = "SET a = :a",
                               .return_values = ReturnValues::kAllNew});
      break;
    case 3:
      (void)client.DeleteItem({.table_name = "t", .key = Key()});
      break;
    case 4:
      (void)client.Query({.table_name = "t",
                          .key_condition_expression = "pk = :p",
                          .return_consumed_capacity = true});
      break;
    case 5:
      (void)client.Scan({.table_name = "t"});
      break;
    case 6:
      (void)client.BatchGetItem({{"t", KeysAndAttributes{.keys = {Key()}}}});
      break;
    case 7:
      (void)client.BatchWriteItem({{"t", {WriteRequest::Put(Key())}}});
      break;
    case 8:
      (void)client.TransactWriteItems(
          {.items = {TransactWriteItem{.table_name = "t", .item = Key()}}});
      break;
    case 9:
      (void)client.TransactGetItems({TransactGetItem{.table_name = "t", .key = Key()}});
      break;
    case 10:
      (void)client.DescribeTable("t");
      break;
    case 11:
      (void)client.ListTables();
      break;
    case 12:
      (void)client.DescribeTimeToLive("t");
      break;
    case 13:
      (void)client.DescribeContinuousBackups("t");
      break;
  }
  return 0;
}
