// The REST server in process (so ThreadSanitizer sees it: the CLI-driven
// server tests run a separate process), on both engines: eight clients on
// keep-alive connections add, search, get, update and read /metrics at once;
// every acknowledged memory is then listed exactly once with its update,
// and /metrics counted every request.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mem0/server/server.h"
#include "support/loopback_server.h"
#include "support/memory_fixture.h"

namespace mem0 {
namespace {

using Json = nlohmann::json;

class ServerConcurrencyTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerConcurrencyTest, ConcurrentClientsLoseNothing) {
  testing::WarmUpHttplibStatics();  // before any server or client thread
  testing::MemoryFixture fixture(GetParam());
  std::shared_ptr<memory::Memory> memory = fixture.Open();
  server::ServerOptions options;
  options.port = 0;
  options.threads = 8;
  auto server = server::Server::Create(memory, options);
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  ASSERT_TRUE((*server)->Start().ok());
  const int port = (*server)->port();

  constexpr int kClients = 8;
  constexpr int kAddsPerClient = 6;
  std::mutex mu;
  std::map<std::string, std::string> acked;  // id -> the text it was updated to
  std::vector<std::string> failures;
  std::atomic<int> requests = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      const std::string user = "user-" + std::to_string(c % 2);
      auto fail = [&](const std::string& what, const httplib::Result& response) {
        std::lock_guard<std::mutex> lock(mu);
        failures.push_back(what + ": " +
                           (response ? std::to_string(response->status) + " " + response->body
                                     : httplib::to_string(response.error())));
      };
      for (int i = 0; i < kAddsPerClient; ++i) {
        const std::string text = "client " + std::to_string(c) + " fact " + std::to_string(i);
        Json add = {{"messages", {{{"role", "user"}, {"content", text}}}},
                    {"user_id", user},
                    {"infer", false}};
        auto added = client.Post("/memories", add.dump(), "application/json");
        ++requests;
        if (!added || added->status != 200) return fail("add", added);
        const std::string id = Json::parse(added->body)["results"][0]["id"];
        auto got = client.Get("/memories/" + id);
        ++requests;
        if (!got || got->status != 200) return fail("get", got);
        const std::string updated = text + ", updated";
        auto put =
            client.Put("/memories/" + id, Json{{"text", updated}}.dump(), "application/json");
        ++requests;
        if (!put || put->status != 200) return fail("update", put);
        auto found = client.Post("/search", Json{{"query", "fact"}, {"user_id", user}}.dump(),
                                 "application/json");
        ++requests;
        if (!found || found->status != 200) return fail("search", found);
        auto metrics = client.Get("/metrics");
        ++requests;
        if (!metrics || metrics->status != 200) return fail("metrics", metrics);
        std::lock_guard<std::mutex> lock(mu);
        acked[id] = updated;
      }
    });
  }
  for (auto& client : clients) client.join();
  ASSERT_TRUE(failures.empty()) << failures.front();
  ASSERT_EQ(acked.size(), static_cast<size_t>(kClients * kAddsPerClient));

  httplib::Client client("127.0.0.1", port);
  std::map<std::string, int> listed;
  for (const char* user : {"user-0", "user-1"}) {
    auto page = client.Get(std::string("/memories?user_id=") + user + "&limit=1000");
    ASSERT_TRUE(page && page->status == 200) << (page ? page->body : "");
    const Json body = Json::parse(page->body);
    for (const auto& item : body["results"]) {
      const std::string id = item["id"];
      ++listed[id];
      if (acked.count(id)) EXPECT_EQ(item["memory"], acked[id]) << id;
    }
  }
  EXPECT_EQ(listed.size(), acked.size());
  for (const auto& [id, times] : listed) {
    EXPECT_TRUE(acked.count(id)) << id;
    EXPECT_EQ(times, 1) << id;
  }

  // Every request above was counted, whatever thread served it.
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  int64_t counted = 0;
  std::istringstream lines(metrics->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("mem0_http_requests_total{")) {
      counted += std::stoll(line.substr(line.rfind(' ') + 1));
    }
  }
  EXPECT_GE(counted, requests.load() + 2);  // and the two listings
  (*server)->Stop();
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerConcurrencyTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mem0
