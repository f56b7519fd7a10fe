// Proxies from the environment (HTTP(S)_PROXY, NO_PROXY) reach the wire:
// requests go to the proxy in absolute form, except for NO_PROXY hosts.
#include <gtest/gtest.h>
#include <zlib.h>

#include <map>
#include <mutex>

#include "mem0/dynamodb/client.h"
#include "support/loopback_server.h"

namespace mem0::dynamodb {
namespace {

std::unique_ptr<Client> ClientWithEnvironment(std::map<std::string, std::string> vars,
                                              const std::string& endpoint) {
  ClientConfig config;
  config.region = "us-east-1";
  config.endpoint_url = endpoint;
  config.access_key_id = "AKIDEXAMPLE";
  config.secret_access_key = "secret";
  config.retry.max_attempts = 1;
  config.allow_insecure_http = true;  // the test endpoint is plain http, not loopback
  config.env.environment = [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  auto client = Client::Create(config);
  EXPECT_TRUE(client.ok());
  return std::move(client).value();
}

TEST(ClientProxy, ProxyEnvironmentRoutesRequestsUnlessNoProxy) {
  std::mutex mu;
  std::vector<std::string> targets;
  testing::LoopbackServer proxy([&](httplib::Server& s) {
    s.Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu);
        targets.push_back(req.target);
      }
      const std::string body = R"({"TableNames":[]})";
      res.set_header("x-amz-crc32",
                     std::to_string(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                          static_cast<uInt>(body.size()))));
      res.set_content(body, "application/x-amz-json-1.0");
    });
  });
  // The endpoint's host does not resolve: only the proxy can answer.
  const std::string endpoint = "http://dynamodb.mem0-test.invalid:8000";
  auto proxied = ClientWithEnvironment({{"HTTP_PROXY", proxy.url()}}, endpoint);
  auto listed = proxied->ListTables();
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(targets.size(), 1u);
    EXPECT_EQ(targets[0], endpoint + "/");
  }

  auto bypassed = ClientWithEnvironment(
      {{"http_proxy", proxy.url()}, {"NO_PROXY", "localhost, .mem0-test.invalid"}}, endpoint);
  auto direct = bypassed->ListTables();
  ASSERT_FALSE(direct.ok());  // tried the unresolvable host itself
  EXPECT_EQ(direct.error().code, ErrorCode::kNetworkError);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(targets.size(), 1u);
}

}  // namespace
}  // namespace mem0::dynamodb
