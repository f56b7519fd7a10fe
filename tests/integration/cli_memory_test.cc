// The `mem0` memory verbs (add, search, get, list, update, delete,
// delete-all, history, reset) on both engines, configured through
// `--config FILE` (the library's MemoryConfig file): mem0's JSON on stdout,
// errors on stderr with exit code 1.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/memory_fixture.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using nlohmann::json;
using testing::RunCli;

class CliMemoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  CliMemoryTest() : fixture_(GetParam()), config_path_(fixture_.WriteConfigFile()) {}

  testing::CommandResult Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--config", config_path_});
    return RunCli(args, input);
  }

  json RunJson(std::vector<std::string> args, const std::string& input = "") {
    auto result = Run(std::move(args), input);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    auto parsed = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out;
    return parsed;
  }

  testing::MemoryFixture fixture_;
  std::string config_path_;
};

TEST_P(CliMemoryTest, EveryVerbSpeaksMem0Json) {
  json added = RunJson({"add", "--user", "alice", "--metadata", R"({"topic":"food"})"},
                       R"([{"role":"user","content":"I love Thai food"},
                           {"role":"assistant","content":"Noted, Thai food it is"}])");
  ASSERT_EQ(added["results"].size(), 2u);
  EXPECT_EQ(added["results"][0]["event"], "ADD");
  const std::string id = added["results"][0]["id"];
  json plain = RunJson({"add", "--user", "alice", "--no-infer"}, "My sister lives in Oslo\n");
  ASSERT_EQ(plain["results"].size(), 1u);
  EXPECT_EQ(plain["results"][0]["memory"], "My sister lives in Oslo");
  RunJson({"add", "--user", "bob", "Bob also loves Thai food"});

  json found = RunJson({"search", "Thai food", "--user", "alice", "--limit", "1"});
  ASSERT_EQ(found["results"].size(), 1u);
  EXPECT_EQ(found["results"][0]["user_id"], "alice");
  EXPECT_TRUE(found["results"][0].contains("score"));
  EXPECT_TRUE(found["relations"].is_array());

  json got = RunJson({"get", id});
  EXPECT_EQ(got["memory"], "I love Thai food");
  EXPECT_EQ(got["metadata"]["topic"], "food");

  json page = RunJson({"list", "--user", "alice", "--limit", "2"});
  EXPECT_EQ(page["results"].size(), 2u);
  ASSERT_TRUE(page.contains("next_token"));
  json rest = RunJson({"list", "--user", "alice", "--limit", "2", "--next-token",
                       page["next_token"].get<std::string>()});
  EXPECT_EQ(rest["results"].size(), 1u);
  EXPECT_FALSE(rest.contains("next_token"));
  json all = RunJson({"list", "--user", "alice", "--limit", "1", "--all"});
  EXPECT_EQ(all["results"].size(), 3u);

  json updated = RunJson({"update", id, "--text", "I love Thai and Lao food"});
  EXPECT_EQ(updated["result"]["memory"], "I love Thai and Lao food");
  RunJson({"delete", id});
  json history = RunJson({"history", id});
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0]["event"], "ADD");
  EXPECT_EQ(history[1]["event"], "UPDATE");
  EXPECT_EQ(history[2]["event"], "DELETE");
  EXPECT_EQ(history[2]["is_deleted"], true);

  auto absent = Run({"get", id});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_NE(absent.err.find("no memory"), std::string::npos) << absent.err;

  json deleted = RunJson({"delete-all", "--user", "alice"});
  EXPECT_EQ(deleted["deleted"], 2);
  EXPECT_TRUE(RunJson({"list", "--user", "alice"})["results"].empty());
  EXPECT_EQ(RunJson({"list", "--user", "bob"})["results"].size(), 1u);

  auto refused = Run({"reset"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--yes"), std::string::npos);
  RunJson({"reset", "--yes"});
  EXPECT_TRUE(RunJson({"list", "--user", "bob"})["results"].empty());
}

TEST_P(CliMemoryTest, BadInputFailsWithTheFieldNamed) {
  auto expect_error = [&](std::vector<std::string> args, const std::string& input,
                          const std::string& needle) {
    auto result = Run(args, input);
    EXPECT_EQ(result.exit_code, 1) << result.out;
    EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
  };
  expect_error({"add"}, "hello", "user_id");
  expect_error({"add", "--user", "u", "--infer"}, "hello", "llm");
  expect_error({"add", "--user", "u"}, R"([{"role":"user"}])", "messages[0].content");
  expect_error({"add", "--user", "u", "--metadata", "[1]"}, "hello", "metadata");
  expect_error({"search", "q"}, "", "user_id");
  expect_error({"list", "--user", "u", "--next-token", "forged"}, "", "page_token");
  expect_error({"update", "no-such-id", "--text", "x"}, "", "no memory");
  auto both = Run({"add", "--user", "u", "--infer", "--no-infer"}, "x");
  EXPECT_NE(both.exit_code, 0);
}

TEST_P(CliMemoryTest, ConfigFileErrorsNameTheKeyAndFlagsOverrideIt) {
  const std::string bad = "/tmp/" + testing::UniqueName("bad-config") + ".yaml";
  std::ofstream(bad) << "graph_store:\n  provider: sqlite\n  config: {enable_gsi: true}\n"
                        "llm: {provider: openai, config: {model: m, api_key: sk-secret-999}}\n";
  auto result = RunCli({"--config", bad, "list", "--user", "u"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("graph_store.config.enable_gsi"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("sk-secret-999"), std::string::npos);
  std::remove(bad.c_str());

  // --db overrides the file's stores: the memory lands in the other file.
  const std::string db = "/tmp/" + testing::UniqueName("override") + ".db";
  RunJson({"--db", db, "--engine", "sqlite", "add", "--user", "u", "kept apart"});
  EXPECT_TRUE(RunJson({"list", "--user", "u"})["results"].empty());
  EXPECT_EQ(RunJson({"--db", db, "--engine", "sqlite", "list", "--user", "u"})["results"].size(),
            1u);
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
}

INSTANTIATE_TEST_SUITE_P(Engines, CliMemoryTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mem0
