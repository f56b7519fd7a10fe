// `mem0 serve` on both engines, as a subprocess driven by a client that
// shares none of our code (tests/support/rest_client_check.py: python's
// http.client + json): every route with mem0's shapes, paging, history, the
// bad-input table, the API key, /metrics and /openapi.json; then SIGTERM
// must end it with exit code 0.
#include <gtest/gtest.h>
#include <signal.h>

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
                                     "127.0.0.1", std::to_string(port), key});
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
