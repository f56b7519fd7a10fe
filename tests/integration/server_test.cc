// `mem0 serve` on both engines, as a subprocess driven by a client that
// shares none of our code (tests/support/rest_client_check.py: python's
// http.client + json): every route with mem0's shapes, paging, history, the
// bad-input table, the API key, /metrics and /openapi.json; then SIGTERM
// must end it with exit code 0.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fake_openai_server.h"
#include "support/memory_fixture.h"
#include "support/serve_process.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

class ServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  ServerTest() : fixture_(GetParam()), config_path_(fixture_.WriteConfigFile()) {}

  testing::MemoryFixture fixture_;
  std::string config_path_;
};

TEST_P(ServerTest, Mem0RestClientSeesMem0Shapes) {
  const std::string key = "test-key-" + testing::UniqueName("k");
  testing::ServeProcess server(MEM0_CLI_PATH, {"--config", config_path_, "serve", "--port", "0"},
                               {"MEM0_API_KEY=" + key});
  int port = server.WaitForPort();
  ASSERT_GT(port, 0) << server.Stderr();
  auto result = testing::RunCommand({testing::PythonWithBoto3(),
                                     MEM0_SOURCE_DIR "/tests/support/rest_client_check.py",
                                     "127.0.0.1", std::to_string(port), key, GetParam()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("OK"), std::string::npos) << result.out;
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
  const std::string err = server.Stderr();
  EXPECT_EQ(err.find(key), std::string::npos) << "the API key leaked to the log";
}

TEST_P(ServerTest, StopsCleanlyOnSigint) {
  testing::ServeProcess server(
      MEM0_CLI_PATH, {"--config", config_path_, "serve", "--port", "0", "--threads", "2"}, {});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  EXPECT_EQ(server.Stop(SIGINT), 0) << server.Stderr();
}

// A write in flight when SIGTERM arrives (the server is waiting for the
// model) still completes: the client gets its 200 and the memory is stored.
// Connections opened after the signal are refused.
TEST_P(ServerTest, SigtermFinishesInFlightWrites) {
  testing::FakeOpenAiServer model;
  std::promise<void> model_called;
  std::atomic<bool> first{true};
  model.SetHandler([&](const testing::RecordedRequest&) -> std::optional<testing::FakeReply> {
    if (first.exchange(false)) {
      model_called.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // SIGTERM lands meanwhile
    }
    return std::nullopt;  // the canned reply
  });
  {
    std::ofstream out(config_path_, std::ios::app);
    out << "llm:\n  provider: openai\n  config: {model: fake, api_key: k, base_url: \""
        << model.base_url() << "\"}\n";
  }
  testing::ServeProcess server(MEM0_CLI_PATH, {"--config", config_path_, "serve", "--port", "0"},
                               {});
  const int port = server.WaitForPort();
  ASSERT_GT(port, 0) << server.Stderr();

  auto reply = std::async(std::launch::async, [port] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30);
    nlohmann::json body = {
        {"messages", {{{"role", "user"}, {"content", "I moved to Lisbon last spring"}}}},
        {"user_id", "sigterm-user"}};
    auto result = client.Post("/memories", body.dump(), "application/json");
    return result ? std::make_pair(result->status, result->body)
                  : std::make_pair(-1, httplib::to_string(result.error()));
  });
  ASSERT_EQ(model_called.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << server.Stderr();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();

  auto [status, body] = reply.get();
  ASSERT_EQ(status, 200) << body;
  auto added = nlohmann::json::parse(body);
  ASSERT_FALSE(added["results"].empty()) << body;
  EXPECT_EQ(added["results"][0]["event"], "ADD") << body;

  httplib::Client late("127.0.0.1", port);
  late.set_connection_timeout(2);
  EXPECT_FALSE(late.Get("/health")) << "still serving after SIGTERM";

  auto memory = fixture_.Open();
  ASSERT_NE(memory, nullptr);
  memory::ListOptions list;
  list.scope.user_id = "sigterm-user";
  auto page = memory->GetAll(list);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->results.size(), added["results"].size());
  EXPECT_EQ(page->results[0].id, added["results"][0]["id"]);
}

// Three server processes on one SQLite file or one DynamoDB table pair,
// loaded at once through all three (mem0-bench serve spreads its connections
// over them): every add acknowledged by any of them is listed exactly once.
TEST_P(ServerTest, SeveralProcessesShareTheStoresWithoutLoss) {
  std::vector<std::unique_ptr<testing::ServeProcess>> servers;
  std::string urls;
  for (int i = 0; i < 3; ++i) {
    servers.push_back(std::make_unique<testing::ServeProcess>(
        MEM0_CLI_PATH,
        std::vector<std::string>{"--config", config_path_, "serve", "--port", "0", "--threads",
                                 "4"},
        std::vector<std::string>{}));
    const int port = servers.back()->WaitForPort();
    ASSERT_GT(port, 0) << servers.back()->Stderr();
    urls += (urls.empty() ? "" : ",") + std::string("http://127.0.0.1:") + std::to_string(port);
  }
  auto result = testing::RunCommand({MEM0_BENCH_PATH, "serve", "--url", urls, "--connections", "6",
                                     "--seconds", "1.5", "--users", "3"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("\nmissing 0\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\nduplicates 0\n"), std::string::npos) << result.out;
  auto acked = result.out.find("acked_adds ");
  ASSERT_NE(acked, std::string::npos) << result.out;
  EXPECT_GT(std::stoi(result.out.substr(acked + 11)), 10) << result.out;
  for (auto& server : servers) EXPECT_EQ(server->Stop(SIGTERM), 0) << server->Stderr();
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerTest, ::testing::Values("sqlite", "dynamodb"));

TEST(ServerOptionsTest, RefusesRemoteHostWithoutKey) {
  testing::MemoryFixture fixture("sqlite");
  auto result = testing::RunCli(
      {"--config", fixture.WriteConfigFile(), "serve", "--host", "0.0.0.0", "--port", "0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--allow-remote-without-key"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace mem0
