// The page `mem0 serve` serves on GET /, driven in headless Chromium (Debian's
// chromium through puppeteer-core: tests/page/page_check.mjs). One server is
// seeded through the REST API (memories with entities and relations from the
// fake OpenAI server's canned extraction, one memory updated, one with
// hostile text); the script loads /?user_id=..., checks the memory, entity
// and edge counts drawn in the DOM against what was seeded, searches,
// clicks a memory for its history, and finds no console error and no
// request to another origin; it writes page-screenshot.png in the test's
// working directory (build/tests). A second server wants an API key: its
// page loads, the API answers 401 until the key is typed in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/fake_openai_server.h"
#include "support/memory_fixture.h"
#include "support/serve_process.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

std::string Chromium() {
  if (const char* path = std::getenv("MEM0_CHROMIUM"); path && *path) return path;
  return "/usr/bin/chromium";
}

TEST(PageTest, DrawsSearchesAndShowsHistoryInChromium) {
  const std::filesystem::path dir = std::filesystem::path(MEM0_SOURCE_DIR) / "tests" / "page";
  if (!std::filesystem::exists(dir / "node_modules" / "puppeteer-core")) {
    GTEST_SKIP() << "tests/page/node_modules is missing: run `npm ci` in tests/page "
                    "(scripts/setup.sh does)";
  }
  if (!std::filesystem::exists(Chromium())) {
    GTEST_SKIP() << Chromium() << " is missing: apt-get install chromium (scripts/setup.sh does)";
  }

  testing::FakeOpenAiServer llm;  // canned extraction: facts and relations
  testing::MemoryFixture fixture("sqlite");
  const std::string config = fixture.WriteConfigFile();
  {
    std::ofstream out(config, std::ios::app);
    out << "llm:\n  provider: openai\n  config: {model: fake, base_url: \"" << llm.base_url()
        << "\", api_key: sk-fake}\n";
  }
  testing::ServeProcess open(MEM0_CLI_PATH, {"--config", config, "serve", "--port", "0"},
                             {"MEM0_API_KEY="});
  const int open_port = open.WaitForPort();
  ASSERT_GT(open_port, 0) << open.Stderr();

  const std::string key = "page-key-" + testing::UniqueName("k");
  testing::MemoryFixture locked_fixture("sqlite");
  testing::ServeProcess locked(
      MEM0_CLI_PATH, {"--config", locked_fixture.WriteConfigFile(), "serve", "--port", "0"},
      {"MEM0_API_KEY=" + key});
  const int locked_port = locked.WaitForPort();
  ASSERT_GT(locked_port, 0) << locked.Stderr();

  const std::string screenshot = (std::filesystem::current_path() / "page-screenshot.png").string();
  auto result =
      testing::RunCommand({"node", (dir / "page_check.mjs").string(), "--chromium", Chromium(),
                           "--open", "http://127.0.0.1:" + std::to_string(open_port), "--locked",
                           "http://127.0.0.1:" + std::to_string(locked_port), "--key", key,
                           "--screenshot", screenshot});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.err;
  EXPECT_TRUE(std::filesystem::exists(screenshot)) << screenshot;
  EXPECT_EQ(open.Stop(SIGTERM), 0) << open.Stderr();
  EXPECT_EQ(locked.Stop(SIGTERM), 0) << locked.Stderr();
}

}  // namespace
}  // namespace mem0
