// What the client refuses to send, and how long it may take: operation names
// and regions that could inject headers or redirect requests, CR/LF in any
// header at both transports, plain http to hosts that are not loopback, and
// the per-call deadline across retries (issue 10, items 7, 8 and 15).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mem0/aws/credentials.h"
#include "mem0/aws/http.h"
#include "mem0/dynamodb/client.h"
#include "support/loopback_server.h"
#include "support/test_env.h"

namespace mem0::dynamodb {
namespace {

using std::chrono::milliseconds;

// Answers every request with an empty ListTables reply, or a 500 when told
// to; records what it was sent.
class RecordingTransport : public aws::HttpTransport {
 public:
  Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    aws::HttpResponse response;
    response.status = fail ? 500 : 200;
    response.body = fail ? R"({"__type":"InternalServerError"})" : R"({"TableNames":[]})";
    return response;
  }
  std::vector<aws::HttpRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  bool fail = false;

 private:
  std::mutex mu_;
  std::vector<aws::HttpRequest> requests_;
};

ClientConfig BaseConfig() {
  ClientConfig config;
  config.region = "us-east-1";
  config.endpoint_url = "http://127.0.0.1:1";
  config.access_key_id = "AKIDEXAMPLE";
  config.secret_access_key = "secret";
  config.session_token = "session-token";
  config.env.environment = [](std::string_view) { return std::optional<std::string>(); };
  return config;
}

struct Fixture {
  std::shared_ptr<RecordingTransport> transport = std::make_shared<RecordingTransport>();
  std::shared_ptr<testing::FakeClock> clock = std::make_shared<testing::FakeClock>();
  std::shared_ptr<testing::RecordingSleeper> sleeper =
      std::make_shared<testing::RecordingSleeper>(clock);
  std::unique_ptr<Client> client;

  explicit Fixture(ClientConfig config = BaseConfig()) {
    config.transport = transport;
    config.env.clock = clock;
    config.env.sleeper = sleeper;
    auto created = Client::Create(std::move(config));
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    if (created.ok()) client = std::move(created).value();
  }
};

// --- Operation names (item 7) ----------------------------------------------

TEST(ClientRequestChecks, OperationNamesThatAreNotLettersAreRefusedBeforeSending) {
  Fixture f;
  for (std::string name :
       {std::string("ListTables\r\nX-Injected: evil"), std::string(""), std::string("ListTables "),
        std::string("List-Tables"), std::string("ListTables\n"), std::string("ListTables\0x", 12),
        std::string(65, 'A'), std::string("DynamoDB_20120810.ListTables")}) {
    auto sent = f.client->Invoke(name, "{}");
    ASSERT_FALSE(sent.ok()) << name;
    EXPECT_EQ(sent.error().code, ErrorCode::kInvalidArgument) << name;
    EXPECT_FALSE(sent.error().retryable) << name;
    // The refused name is not echoed (it may hold control characters).
    EXPECT_EQ(sent.error().message.find("evil"), std::string::npos);
  }
  EXPECT_TRUE(f.transport->requests().empty());
  EXPECT_TRUE(f.sleeper->delays().empty());  // nothing was retried

  ASSERT_TRUE(f.client->Invoke("ListTables", "{}").ok());
  ASSERT_TRUE(f.client->Invoke(std::string(64, 'A'), "{}").ok());
  ASSERT_EQ(f.transport->requests().size(), 2u);
}

// --- Regions (item 7) --------------------------------------------------------

TEST(ClientRequestChecks, RegionsMustBeOneHostLabel) {
  for (const char* good :
       {"us-east-1", "eu-west-2", "cn-north-1", "us-gov-west-1", "local", "x", "EU-WEST-1", "a1"}) {
    EXPECT_TRUE(aws::IsValidRegionName(good)) << good;
  }
  EXPECT_TRUE(aws::IsValidRegionName(std::string(63, 'a')));
  for (std::string bad :
       {std::string(""), std::string("evil.example/"), std::string("us-east-1\r\nX: y"),
        std::string("-us"), std::string("us-"), std::string("us east"), std::string("us_east_1"),
        std::string("a.b"), std::string(64, 'a'), std::string("us-east-1\0", 10),
        std::string("\xc3\xa9u")}) {
    EXPECT_FALSE(aws::IsValidRegionName(bad)) << bad;
  }
}

TEST(ClientRequestChecks, AnInvalidRegionIsRefusedBeforeAnyEndpointIsBuilt) {
  auto transport = std::make_shared<RecordingTransport>();
  for (const char* region : {"evil.example/", "us-east-1\r\nX-Injected: evil", "a b"}) {
    ClientConfig config = BaseConfig();
    config.endpoint_url.clear();  // the regional endpoint would be built from the region
    config.region = region;
    config.transport = transport;
    auto created = Client::Create(config);
    ASSERT_FALSE(created.ok()) << region;
    EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(created.error().message.find("not a region name"), std::string::npos);
    // Control characters are shown escaped, never raw.
    EXPECT_EQ(created.error().message.find('\r'), std::string::npos);
    EXPECT_EQ(created.error().message.find('\n'), std::string::npos);
  }
  // From the environment too (AWS_REGION, AWS_DEFAULT_REGION).
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    ClientConfig config = BaseConfig();
    config.region.clear();
    config.transport = transport;
    config.env.environment = [variable](std::string_view name) -> std::optional<std::string> {
      if (name == variable) return "evil.example/";
      return std::nullopt;
    };
    auto created = Client::Create(config);
    ASSERT_FALSE(created.ok()) << variable;
    EXPECT_NE(created.error().message.find(variable), std::string::npos);
  }
  EXPECT_TRUE(transport->requests().empty());

  ClientConfig config = BaseConfig();
  config.endpoint_url.clear();
  config.region = "eu-west-1";
  config.transport = transport;
  auto created = Client::Create(config);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ((*created)->endpoint_url(), "https://dynamodb.eu-west-1.amazonaws.com");
}

// --- Headers at the transports (item 7) ------------------------------------

aws::HttpRequest RequestTo(const std::string& url) {
  aws::HttpRequest request;
  request.url = url + "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
  request.body = "{}";
  return request;
}

TEST(ClientRequestChecks, ValidateHttpRequestRefusesLineBreaksAndBadTokens) {
  EXPECT_TRUE(aws::ValidateHttpRequest(RequestTo("http://127.0.0.1:1")).ok());
  auto with_header = [](std::string name, std::string value) {
    aws::HttpRequest request = RequestTo("http://127.0.0.1:1");
    request.headers.emplace_back(std::move(name), std::move(value));
    return aws::ValidateHttpRequest(request);
  };
  EXPECT_TRUE(with_header("X-Amz-Target", "DynamoDB_20120810.ListTables").ok());
  EXPECT_TRUE(with_header("X-Tab", "a\tb").ok());
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"X-Amz-Target", "ListTables\r\nX-Injected: evil"},
           {"X-Amz-Target", "a\nb"},
           {"X-Amz-Target", "a\rb"},
           {"X-Amz-Target", std::string("a\0b", 3)},
           {"X-Injected: evil\r\nX", "v"},
           {"", "v"},
           {"Bad Name", "v"},
           {"Bad:Name", "v"}}) {
    auto checked = with_header(name, value);
    ASSERT_FALSE(checked.ok()) << name;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    // Values may be secrets: never in the message.
    EXPECT_EQ(checked.error().message.find("evil"), std::string::npos);
  }
  aws::HttpRequest bad_method = RequestTo("http://127.0.0.1:1");
  bad_method.method = "GET / HTTP/1.1\r\nX: y\r\n\r\nPOST";
  EXPECT_FALSE(aws::ValidateHttpRequest(bad_method).ok());
}

TEST(ClientRequestChecks, BothTransportsRefuseAnInjectedHeaderBeforeConnecting) {
  std::atomic<int> received{0};
  testing::LoopbackServer server([&](httplib::Server& s) {
    s.Post(".*", [&](const httplib::Request&, httplib::Response& res) {
      ++received;
      res.set_content("{}", "application/json");
    });
  });
  for (auto transport : {aws::MakeSocketTransport(), aws::MakeCurlTransport()}) {
    aws::HttpRequest request = RequestTo(server.url());
    request.headers.emplace_back("X-Amz-Target", "ListTables\r\nX-Injected: evil");
    auto sent = transport->Send(request);
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(sent.error().retryable);
    // The same request without the line break goes through.
    request.headers.back().second = "ListTables";
    auto clean = transport->Send(request);
    ASSERT_TRUE(clean.ok()) << clean.error().ToString();
  }
  EXPECT_EQ(received.load(), 2);
}

// --- Plain http (item 8) -----------------------------------------------------

TEST(ClientRequestChecks, PlainHttpIsRefusedUnlessLoopbackOrAllowed) {
  auto transport = std::make_shared<RecordingTransport>();
  auto create = [&](const std::string& endpoint, bool allow) {
    ClientConfig config = BaseConfig();
    config.endpoint_url = endpoint;
    config.allow_insecure_http = allow;
    config.transport = transport;
    return Client::Create(config);
  };
  for (const char* loopback : {"http://127.0.0.1:8000", "http://localhost:8000",
                               "http://[::1]:8000", "http://127.1.2.3", "http://LOCALHOST:1"}) {
    EXPECT_TRUE(create(loopback, false).ok()) << loopback;
  }
  for (const char* secure : {"https://dynamodb.us-east-1.amazonaws.com", "https://10.0.0.5:8000"}) {
    EXPECT_TRUE(create(secure, false).ok()) << secure;
  }
  for (const char* remote :
       {"http://dynamodb.us-east-1.amazonaws.com", "http://10.0.0.5:8000",
        "http://dynamodb-local:8000", "http://127.example.com", "http://localhost.example.com"}) {
    auto refused = create(remote, false);
    ASSERT_FALSE(refused.ok()) << remote;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("cleartext"), std::string::npos);
    EXPECT_NE(refused.error().message.find("allow_insecure_http"), std::string::npos);
    EXPECT_TRUE(create(remote, true).ok()) << remote;
  }
  // AWS_ENDPOINT_URL from the environment is held to the same rule.
  ClientConfig config = BaseConfig();
  config.endpoint_url.clear();
  config.transport = transport;
  config.env.environment = [](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return "http://10.1.2.3:8000";
    return std::nullopt;
  };
  EXPECT_FALSE(Client::Create(config).ok());
  EXPECT_TRUE(transport->requests().empty());

  // Through a store's connection config as well.
  ConnectionConfig connection;
  connection.region = "us-east-1";
  connection.endpoint_url = "http://10.0.0.5:8000";
  connection.aws_access_key_id = "AKIDEXAMPLE";
  connection.aws_secret_access_key = "secret";
  EXPECT_FALSE(Connect(connection).ok());
  connection.allow_insecure_http = true;
  EXPECT_TRUE(Connect(connection).ok());
}

// --- The call deadline and what is not retried (item 15) --------------------

TEST(ClientRequestChecks, RetriesStopAtTheCallDeadlineAndAttemptsGetWhatIsLeft) {
  ClientConfig config = BaseConfig();
  config.retry.max_attempts = 10;
  config.retry.base_delay = milliseconds(100);
  config.retry.jitter = [] { return 1.0; };
  config.retry.call_timeout = milliseconds(1000);
  Fixture f(config);
  f.transport->fail = true;
  auto listed = f.client->ListTables();
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().type, "InternalServerError");
  EXPECT_NE(listed.error().message.find("1000 ms deadline"), std::string::npos)
      << listed.error().message;
  // Delays 100, 200, 400 (700 ms); the next, 800, would pass the deadline.
  EXPECT_EQ(f.sleeper->delays(),
            (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(400)}));
  auto requests = f.transport->requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].timeout, milliseconds(1000));
  EXPECT_EQ(requests[1].timeout, milliseconds(900));
  EXPECT_EQ(requests[2].timeout, milliseconds(700));
  EXPECT_EQ(requests[3].timeout, milliseconds(300));

  // Zero: no deadline, max_attempts alone bounds the call.
  config.retry.call_timeout = milliseconds(0);
  Fixture unbounded(config);
  unbounded.transport->fail = true;
  ASSERT_FALSE(unbounded.client->ListTables().ok());
  EXPECT_EQ(unbounded.transport->requests().size(), 10u);
  EXPECT_EQ(unbounded.transport->requests()[0].timeout, milliseconds(0));
}

// A listening socket that never accepts: the kernel completes the TCP
// handshake and buffers the request, and no reply ever comes.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd_, 64), 0);
    socklen_t length = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ClientRequestChecks, AnUnresponsiveEndpointFailsTheCallAtItsDeadline) {
  SilentListener silent;
  for (bool curl : {false, true}) {
    ClientConfig config = BaseConfig();
    config.endpoint_url = silent.url();
    // The real clock and sleeper (BaseConfig sets neither).
    config.retry.max_attempts = 10;
    config.retry.base_delay = milliseconds(10);
    config.retry.call_timeout = milliseconds(700);
    config.http.request_timeout = milliseconds(5000);  // longer than the call may take
    if (curl) config.transport = aws::MakeCurlTransport(config.http);
    auto created = Client::Create(config);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    const auto start = std::chrono::steady_clock::now();
    auto listed = (*created)->ListTables();
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(listed.ok());
    EXPECT_TRUE(listed.error().code == ErrorCode::kNetworkError ||
                listed.error().code == ErrorCode::kTimeout)
        << listed.error().ToString();
    EXPECT_GE(took, milliseconds(600)) << (curl ? "curl" : "socket");
    EXPECT_LT(took, milliseconds(2500)) << (curl ? "curl" : "socket");
  }
}

TEST(ClientRequestChecks, AServerThatTricklesBytesCannotHoldARequestPastItsTimeout) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t length = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length);
  const int port = ntohs(addr.sin_port);
  std::atomic<bool> stop{false};
  // One status-line byte every 20 ms, for up to 3 s: every read returns
  // data, so only a deadline checked between reads ends the request.
  std::thread trickler([&] {
    int connection = accept(listener, nullptr, nullptr);
    if (connection < 0) return;
    char request[4096];
    (void)recv(connection, request, sizeof(request), 0);
    const std::string reply = "HTTP/1.1 200 OK\r\nX-Padding: " + std::string(200, 'a');
    for (size_t i = 0; i < reply.size() && !stop; ++i) {
      if (send(connection, &reply[i], 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(milliseconds(20));
    }
    close(connection);
  });
  aws::HttpTransportOptions options;
  options.request_timeout = milliseconds(300);
  auto transport = aws::MakeSocketTransport(options);
  const auto start = std::chrono::steady_clock::now();
  auto sent = transport->Send(RequestTo("http://127.0.0.1:" + std::to_string(port)));
  const auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  trickler.join();
  close(listener);
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.error().message.find("timed out"), std::string::npos) << sent.error().message;
  EXPECT_LT(took, milliseconds(1500));
}

TEST(ClientRequestChecks, AnUnresolvableHostIsNotRetried) {
  ClientConfig config = BaseConfig();
  config.endpoint_url = "http://dynamodb.mem0-test.invalid:8000";
  config.allow_insecure_http = true;
  config.retry.max_attempts = 10;
  auto sleeper = std::make_shared<testing::RecordingSleeper>();
  config.env.sleeper = sleeper;
  auto created = Client::Create(config);
  ASSERT_TRUE(created.ok());
  auto listed = (*created)->ListTables();
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::kNetworkError);
  if (listed.error().message.find("Temporary failure") != std::string::npos) {
    GTEST_SKIP() << "no resolver here: " << listed.error().message;
  }
  EXPECT_FALSE(listed.error().retryable) << listed.error().message;
  EXPECT_TRUE(sleeper->delays().empty());
}

}  // namespace
}  // namespace mem0::dynamodb
