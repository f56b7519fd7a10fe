// `mem0 export`, `mem0 import` and `mem0 migrate` on both engines: a round
// trip gives the same export, imports are idempotent and resumable (after a
// truncated file or a kill -9), hostile lines are refused naming the line,
// and a migration verifies counts and checksums.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/memory_fixture.h"
#include "support/test_env.h"

extern char** environ;

namespace mem0 {
namespace {

using nlohmann::json;
using testing::RunCli;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + testing::UniqueName(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Stores with content of every kind, written through the CLI.
class Stores {
 public:
  explicit Stores(const std::string& engine)
      : fixture_(engine), config_path_(fixture_.WriteConfigFile()) {}

  testing::CommandResult Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--config", config_path_});
    return RunCli(args, input);
  }
  std::string MustRun(std::vector<std::string> args, const std::string& input = "") {
    auto result = Run(args, input);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }
  std::string Export() { return MustRun({"export"}); }

  void Populate() {
    MustRun({"add", "--user", "alice", "--agent", "a1", "--no-infer"},
            R"([{"role":"user","content":"I love Thai food"},
                {"role":"user","content":"My sister lives in Oslo"}])");
    const std::string added = MustRun({"add", "--user", "bob", "--no-infer", "Bob plays chess"});
    const std::string id = json::parse(added)["results"][0]["id"];
    MustRun({"update", id, "--text", "Bob plays chess and go"});
    MustRun({"add", "--user", "bob", "--no-infer", "Bob is a pilot"});
    MustRun({"conversation", "store", "--user", "alice", "--metadata", R"({"k":[1,2.5,"x"]})"},
            R"([{"role":"user","content":"hello","extra":{"n":null}}])");
    MustRun({"conversation", "store", "--user", "carol"},
            R"([{"role":"assistant","content":"hi"}])");
    const std::string a =
        json::parse(MustRun({"graph", "add-node", "--content", "A", "--scope", "user:carol",
                             "--metadata", R"({"w":1})"}))["node_id"];
    const std::string b = json::parse(MustRun({"graph", "add-node", "--content", "B"}))["node_id"];
    MustRun({"graph", "relate", "--from", a, "--to", b, "--type", "knows", "--properties",
             R"({"since":2020})"});
    MustRun({"graph", "relate", "--from", a, "--to", a, "--type", "self"});
  }

  testing::MemoryFixture fixture_;
  std::string config_path_;
};

class CliTransferTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CliTransferTest, RoundTripGivesTheSameExportAndImportIsIdempotent) {
  Stores source(GetParam());
  source.Populate();
  const std::string exported = source.Export();
  auto lines = Lines(exported);
  ASSERT_GE(lines.size(), 10u);
  json header = json::parse(lines.front());
  EXPECT_EQ(header["format"], "mem0-export");
  EXPECT_EQ(header["version"], 1);
  EXPECT_EQ(json::parse(lines.back())["kind"], "end");
  std::set<std::string> kinds;
  for (size_t i = 1; i + 1 < lines.size(); ++i) kinds.insert(json::parse(lines[i])["kind"]);
  EXPECT_EQ(kinds,
            (std::set<std::string>{"conversation", "history", "recent_messages", "node", "edge"}));
  // Exporting twice gives the same bytes.
  EXPECT_EQ(source.Export(), exported);

  for (const std::string& engine : {std::string("sqlite"), GetParam()}) {
    Stores target(engine);
    const std::string file = WriteTemp("export", exported);
    json imported = json::parse(target.MustRun({"import", "--file", file}));
    EXPECT_EQ(imported["lines"], lines.size());
    EXPECT_EQ(target.Export(), exported) << engine;
    // Again: nothing changes (stdin this time).
    target.MustRun({"import"}, exported);
    EXPECT_EQ(target.Export(), exported) << engine;
    // The memories read back the same through the Memory API.
    for (const char* user : {"alice", "bob"}) {
      EXPECT_EQ(target.MustRun({"list", "--user", user}), source.MustRun({"list", "--user", user}));
      EXPECT_EQ(target.MustRun({"search", "chess", "--user", user}),
                source.MustRun({"search", "chess", "--user", user}));
    }
  }
}

TEST_P(CliTransferTest, ExportOfOneUser) {
  Stores source(GetParam());
  source.Populate();
  const std::string exported = source.MustRun({"export", "--user", "bob"});
  for (const auto& line : Lines(exported)) {
    json record = json::parse(line);
    if (record["kind"] == "conversation") {
      ADD_FAILURE() << "bob has no conversations: " << line;
    }
    if (record["kind"] == "node" && record["scope"] != "") {
      EXPECT_EQ(record["scope"], "user:bob") << line;
    }
  }
  Stores target(GetParam());
  target.MustRun({"import"}, exported);
  EXPECT_EQ(target.MustRun({"list", "--user", "bob"}), source.MustRun({"list", "--user", "bob"}));
  EXPECT_EQ(json::parse(target.MustRun({"list", "--user", "alice"}))["results"].size(), 0u);
}

TEST_P(CliTransferTest, InterruptedImportsConvergeWhenRunAgain) {
  Stores source(GetParam());
  source.Populate();
  const std::string exported = source.Export();
  const auto lines = Lines(exported);

  // A truncated file: what it holds is written, and the exit says it is
  // incomplete.
  Stores target(GetParam());
  std::string half;
  for (size_t i = 0; i < lines.size() / 2; ++i) half += lines[i] + "\n";
  auto partial = target.Run({"import"}, half);
  EXPECT_NE(partial.exit_code, 0);
  EXPECT_NE(partial.err.find("incomplete"), std::string::npos) << partial.err;
  target.MustRun({"import"}, exported);
  EXPECT_EQ(target.Export(), exported);

  // kill -9 at several points, then a full run.
  Stores killed(GetParam());
  const std::string file = WriteTemp("export", exported);
  for (int delay_ms : {5, 30, 80, 150}) {
    std::vector<std::string> args = {MEM0_CLI_PATH, "--config", killed.config_path_, "import",
                                     "--file",      file,       "--parallelism",     "1"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  killed.MustRun({"import", "--file", file});
  EXPECT_EQ(killed.Export(), exported);
}

TEST_P(CliTransferTest, HostileLinesAreRefusedNamingTheLine) {
  Stores target(GetParam());
  const std::string header = R"({"format":"mem0-export","version":1,"users":[]})";
  const std::string node =
      R"({"kind":"node","node_id":"n1","content":"c","metadata":{},"scope":"","created_at":1.5})";
  std::string deep(100000, '[');
  struct Case {
    std::string input;
    std::string expected;  // in stderr
  };
  const std::vector<Case> cases = {
      {header + "\nnot json\n", "line 2: not JSON"},
      {header + "\n[1,2]\n", "line 2: not a JSON object"},
      {header + "\n" + node + "\n{\"kind\":\"alien\"}\n", "line 3: field \"kind\""},
      {header + "\n{\"kind\":7}\n", "line 2: field \"kind\" must be a string"},
      {header + "\n" +
           R"({"kind":"node","node_id":5,"content":"c","metadata":{},"scope":"","created_at":1})" +
           "\n",
       "line 2: field \"node_id\" must be a string"},
      {header + "\n" +
           R"({"kind":"edge","edge_id":"e","source_id":"a","target_id":"b","relationship_type":"t","properties":[],"created_at":1,"indexed":true})" +
           "\n",
       "line 2: field \"properties\" must be a JSON object"},
      {header + "\n" +
           R"({"kind":"node","node_id":"n","content":"c","metadata":{},"scope":"","created_at":-1})" +
           "\n",
       "line 2: field \"created_at\" is out of range"},
      {header + "\n" +
           R"({"kind":"history","id":"h","memory_id":"m","event":"ADD","created_at":"t","is_deleted":"no"})" +
           "\n",
       "line 2: field \"is_deleted\" must be true or false"},
      {header + "\n" + R"({"kind":"node","node_id":"n","extra":1})" + "\n",
       "line 2: field \"extra\" is not part"},
      {header + "\n" + deep + "\n", "line 2: JSON nested deeper"},
      {header + "\n" + std::string(2'000'000, 'x') + "\n", "line 2: longer than"},
      {R"({"format":"other","version":1})"
       "\n",
       "line 1: field \"format\""},
      {R"({"format":"mem0-export","version":99})"
       "\n",
       "line 1: field \"version\""},
      {header + "\n" + R"({"kind":"end","counts":{"node":3}})" + "\n", "line 2: field \"counts\""},
      {"", "empty"},
  };
  for (const auto& c : cases) {
    auto result = target.Run({"import", "--max-line-bytes", "1000000"}, c.input);
    EXPECT_EQ(result.exit_code, 1) << c.expected << "\n" << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot: " << result.err;
  }
  // Lines before a bad one are written (the node of the "alien" case).
  EXPECT_EQ(json::parse(target.MustRun({"graph", "get-node", "--node", "n1"}))["content"], "c");
}

INSTANTIATE_TEST_SUITE_P(Engines, CliTransferTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

// Progress goes to stderr: a bar redrawn in place, plain lines (only a
// summary for a run this short), or nothing; stdout is the same either way.
TEST(CliTransferProgressTest, BarLinesOrNothingOnStderr) {
  Stores source("sqlite");
  source.Populate();
  const std::string exported = source.Export();
  const auto records = std::count(exported.begin(), exported.end(), '\n') - 2;
  const std::string summary = "mem0 export: " + std::to_string(records) + " records in ";

  auto bar = source.Run({"export", "--progress", "bar"});
  ASSERT_EQ(bar.exit_code, 0) << bar.err;
  EXPECT_EQ(bar.out, exported);
  EXPECT_TRUE(bar.err.starts_with("\r\x1b[2Kmem0 export: ")) << bar.err;
  EXPECT_NE(bar.err.find("\r\x1b[2K" + summary), std::string::npos) << bar.err;
  EXPECT_TRUE(bar.err.ends_with(" records/s\n")) << bar.err;

  auto lines = source.Run({"export"});  // auto: stderr is a pipe here
  EXPECT_EQ(lines.out, exported);
  EXPECT_TRUE(lines.err.starts_with(summary)) << lines.err;
  EXPECT_EQ(lines.err.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(lines.err.begin(), lines.err.end(), '\n'), 1);

  auto none = source.Run({"export", "--progress", "none"});
  EXPECT_EQ(none.out, exported);
  EXPECT_EQ(none.err, "");
  EXPECT_NE(source.Run({"export", "--progress", "sideways"}).exit_code, 0);

  // An import from a file knows its size: a bar with a percentage.
  const std::string file = ::testing::TempDir() + testing::UniqueName("progress") + ".jsonl";
  std::ofstream(file) << exported;
  Stores target("sqlite");
  auto imported = target.Run({"import", "--file", file, "--progress", "bar"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("mem0 import: [...................."), std::string::npos)
      << imported.err;
  const std::string first_frame = imported.err.substr(0, imported.err.find('\r', 1));
  EXPECT_NE(first_frame.find("%), "), std::string::npos) << first_frame;
  EXPECT_NE(first_frame.find(" left"), std::string::npos) << first_frame;
  EXPECT_NE(imported.err.find(", " + std::to_string(records + 2) + " lines in "), std::string::npos)
      << imported.err;

  Stores moved("sqlite");
  auto migrated = moved.Run(
      {"migrate", "--from", "sqlite:" + source.fixture_.config.sqlite_conversation.path, "--to",
       "sqlite:" + moved.fixture_.config.sqlite_conversation.path, "--progress", "lines"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  EXPECT_TRUE(migrated.err.starts_with("mem0 migrate: " + std::to_string(records) + " records in "))
      << migrated.err;
}

TEST(CliMigrateTest, SqliteToDynamoDBVerifiesAndServesTheSameMemories) {
  Stores source("sqlite");
  source.Populate();
  Stores target("dynamodb");
  const std::string db = source.fixture_.config.sqlite_conversation.path;
  json report = json::parse(target.MustRun(
      {"migrate", "--from", "sqlite:" + db, "--to", "dynamodb", "--parallelism", "4"}));
  EXPECT_EQ(report["match"], true) << report.dump(2);
  EXPECT_EQ(report["source"], report["target"]);
  EXPECT_GT(report["source"]["node"]["count"].get<int>(), 0);
  EXPECT_EQ(target.Export(), source.Export());
  for (const char* user : {"alice", "bob"}) {
    EXPECT_EQ(target.MustRun({"list", "--user", user}), source.MustRun({"list", "--user", user}));
    EXPECT_EQ(target.MustRun({"search", "Oslo", "--user", user}),
              source.MustRun({"search", "Oslo", "--user", user}));
  }
  // Back to a new SQLite file: the same again.
  const std::string back = ::testing::TempDir() + testing::UniqueName("back") + ".db";
  json returned =
      json::parse(target.MustRun({"migrate", "--from", "dynamodb", "--to", "sqlite:" + back}));
  EXPECT_EQ(returned["match"], true) << returned.dump(2);

  // A target that already holds something else: the difference is reported
  // and the exit code is non-zero.
  Stores other("sqlite");
  other.MustRun({"graph", "add-node", "--content", "extra"});
  auto differs = target.Run({"migrate", "--from", "dynamodb", "--to",
                             "sqlite:" + other.fixture_.config.sqlite_conversation.path});
  EXPECT_EQ(differs.exit_code, 1);
  json differs_report = json::parse(differs.out, nullptr, false);
  ASSERT_FALSE(differs_report.is_discarded()) << differs.out << differs.err;
  EXPECT_EQ(differs_report["match"], false);
  EXPECT_EQ(differs_report["differs"], json::array({"node"}));
}

// mem0-bench migrate, small: seeds, copies to each engine, verifies.
TEST(MigrateBenchTest, CopiesWhatItSeededToEitherEngine) {
  for (const std::string target : {"sqlite", "dynamodb"}) {
    auto result = testing::RunCommand({MEM0_BENCH_PATH, "migrate", "--to", target, "--endpoint-url",
                                       testing::DynamoDBLocalEndpoint(), "--memories", "40",
                                       "--history-rows", "150", "--parallelism", "4"});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    // 40 nodes, 150 history rows, 40 users' recent messages.
    EXPECT_NE(result.out.find("\nrecords 230\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\nmatch true\n"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("requests_per_record") != std::string::npos, target == "dynamodb");
  }
}

}  // namespace
}  // namespace mem0
