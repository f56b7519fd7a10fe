// One conformance suite for the Memory API on both engines (SQLite on a temp
// file, DynamoDB Local with fresh tables): mem0's shapes, scope isolation,
// duplicate races across threads and processes, paging, delete-all beyond
// mem0's 100, the history trail, and cache coherence between instances.
// The LLM path is in memory_llm_test.cc.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/hash.h"
#include "core/time_format.h"
#include "mem0/memory/memory.h"
#include "support/memory_fixture.h"
#include "support/result_assertions.h"

namespace mem0 {
namespace {

using Json = nlohmann::json;
using memory::AddOptions;
using memory::ListOptions;
using memory::Message;
using memory::Scope;
using memory::SearchOptions;

std::vector<Message> User(const std::string& text) { return {{"user", text, ""}}; }

AddOptions Verbatim(Scope scope, std::string metadata = "{}") {
  AddOptions options;
  options.scope = std::move(scope);
  options.metadata_json = std::move(metadata);
  options.infer = false;
  return options;
}

class MemoryConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  MemoryConformanceTest() : fixture_(GetParam()), memory_(fixture_.Open()) {}

  std::string AddOne(const std::string& text, const Scope& scope,
                     const std::string& metadata = "{}") {
    auto added = memory_->Add(User(text), Verbatim(scope, metadata));
    EXPECT_TRUE(added.ok()) << added.error().ToString();
    if (!added.ok() || added->results.size() != 1) return "";
    return added->results[0].id;
  }

  std::vector<std::string> AllMemories(memory::Memory& m, const Scope& scope) {
    std::vector<std::string> out;
    ListOptions options;
    options.scope = scope;
    options.limit = 1000;
    while (true) {
      auto page = m.GetAll(options);
      EXPECT_TRUE(page.ok()) << page.error().ToString();
      if (!page.ok()) break;
      for (const auto& item : page->results) out.push_back(item.memory);
      if (!page->next_page_token) break;
      options.page_token = *page->next_page_token;
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::MemoryFixture fixture_;
  std::unique_ptr<memory::Memory> memory_;
};

TEST_P(MemoryConformanceTest, AddVerbatimStoresEachNonSystemMessageInMem0Shape) {
  std::vector<Message> messages = {{"system", "You are helpful.", ""},
                                   {"user", "I love hiking in the Alps", "alice-phone"},
                                   {"assistant", "Noted: you enjoy alpine hikes", ""},
                                   {"user", "   ", ""}};
  auto added =
      memory_->Add(messages, Verbatim({"alice", "planner", ""}, R"({"topic":"outdoors"})"));
  ASSERT_OK(added);
  ASSERT_EQ(added->results.size(), 2u);
  Json json = Json::parse(memory::ToJson(*added));
  ASSERT_EQ(json["results"].size(), 2u);
  EXPECT_EQ(json["results"][0]["event"], "ADD");
  EXPECT_EQ(json["results"][0]["memory"], "I love hiking in the Alps");
  EXPECT_TRUE(json["relations"]["added_entities"].is_array());

  auto got = memory_->Get(added->results[0].id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  Json item = Json::parse(memory::ToJson(**got));
  EXPECT_EQ(item["id"], added->results[0].id);
  EXPECT_EQ(item["memory"], "I love hiking in the Alps");
  EXPECT_EQ(item["hash"], Md5Hex("I love hiking in the Alps"));
  EXPECT_EQ(item["metadata"], Json::parse(R"({"topic":"outdoors"})"));
  EXPECT_EQ(item["user_id"], "alice");
  EXPECT_EQ(item["agent_id"], "planner");
  EXPECT_FALSE(item.contains("run_id"));
  EXPECT_EQ(item["actor_id"], "alice-phone");
  EXPECT_EQ(item["role"], "user");
  EXPECT_TRUE(item["updated_at"].is_null());
  EXPECT_TRUE(ParseIso8601(item["created_at"].get<std::string>()).has_value())
      << item["created_at"];
  auto second = memory_->Get(added->results[1].id);
  ASSERT_OK(second);
  EXPECT_EQ((*second)->role, "assistant");

  auto missing = memory_->Get("no-such-memory");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_P(MemoryConformanceTest, TheSameFactTwiceIsOneMemory) {
  Scope alice{"alice", "", ""};
  std::string first = AddOne("Allergic to peanuts", alice);
  auto again = memory_->Add(User("Allergic to peanuts"), Verbatim(alice));
  ASSERT_OK(again);
  ASSERT_EQ(again->results.size(), 1u);
  EXPECT_EQ(again->results[0].event, "NONE");
  EXPECT_EQ(again->results[0].id, first);
  EXPECT_EQ(AllMemories(*memory_, alice), std::vector<std::string>{"Allergic to peanuts"});
  // The same fact in another scope is that scope's own memory.
  std::string bobs = AddOne("Allergic to peanuts", {"bob", "", ""});
  EXPECT_NE(bobs, first);
}

TEST_P(MemoryConformanceTest, SearchRanksTheAnsweringMemoryFirst) {
  Scope alice{"alice", "", ""};
  AddOne("Works as a nurse at the city hospital", alice);
  AddOne("Has two cats named Miso and Tofu", alice);
  AddOne("Is training for the Berlin marathon in September", alice);
  AddOne("Prefers tea over coffee", alice);
  AddOne("Her sister lives in Toronto", alice);

  SearchOptions options;
  options.scope = alice;
  auto found = memory_->Search("What pets does she have?", options);
  ASSERT_OK(found);
  ASSERT_FALSE(found->results.empty());
  EXPECT_EQ(found->results[0].memory, "Has two cats named Miso and Tofu");
  found = memory_->Search("Which race is she running?", options);
  ASSERT_OK(found);
  ASSERT_FALSE(found->results.empty());
  EXPECT_EQ(found->results[0].memory, "Is training for the Berlin marathon in September");

  found = memory_->Search("cats tea marathon nurse sister", options);
  ASSERT_OK(found);
  ASSERT_EQ(found->results.size(), 5u);
  for (std::size_t i = 0; i < found->results.size(); ++i) {
    ASSERT_TRUE(found->results[i].score.has_value());
    EXPECT_GT(*found->results[i].score, 0.0);
    EXPECT_LE(*found->results[i].score, 1.0);
    if (i > 0) EXPECT_LE(*found->results[i].score, *found->results[i - 1].score);
  }
  Json json = Json::parse(memory::ToJson(*found));
  EXPECT_TRUE(json["results"][0].contains("score"));
  EXPECT_TRUE(json["relations"].is_array());

  options.limit = 2;
  found = memory_->Search("cats tea marathon nurse sister", options);
  ASSERT_OK(found);
  EXPECT_EQ(found->results.size(), 2u);
  options.limit = 0;
  options.threshold = 0.999;
  found = memory_->Search("cats", options);
  ASSERT_OK(found);
  ASSERT_EQ(found->results.size(), 1u);
  for (const auto& r : found->results) EXPECT_GE(*r.score, 0.999);
  options.threshold.reset();
  found = memory_->Search("quantum chromodynamics", options);
  ASSERT_OK(found);
  EXPECT_TRUE(found->results.empty());
}

TEST_P(MemoryConformanceTest, MetadataFiltersApplyToSearchAndList) {
  Scope alice{"alice", "", ""};
  AddOne("Likes Italian food", alice, R"({"category":"food","priority":1})");
  AddOne("Likes Thai food", alice, R"({"category":"food","priority":2})");
  AddOne("Likes jazz", alice, R"({"category":"music","priority":1})");
  SearchOptions search;
  search.scope = alice;
  search.filters_json = R"({"category":"food"})";
  auto found = memory_->Search("likes food jazz", search);
  ASSERT_OK(found);
  EXPECT_EQ(found->results.size(), 2u);
  ListOptions list;
  list.scope = alice;
  list.filters_json = R"({"priority":{"in":[1]}})";
  auto page = memory_->GetAll(list);
  ASSERT_OK(page);
  EXPECT_EQ(page->results.size(), 2u);
  list.filters_json = R"({"category":["food"]})";
  EXPECT_ERROR_CODE(memory_->GetAll(list), ErrorCode::kInvalidArgument);
}

TEST_P(MemoryConformanceTest, ScopesNeverSeeEachOther) {
  const std::vector<Scope> scopes = {
      {"alice", "", ""},       {"alice:1", "", ""},    {"alice#x", "", ""},
      {"a&b=c", "", ""},       {"Zoë 🌍", "", ""},      {"alice", "travel", ""},
      {"alice", "", "run-1"},  {"", "travel", ""},     {"", "", "run-1"},
      {"", "travel", "run-1"}, {"user:alice", "", ""}, {"alice", "travel", "run-1"}};
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    AddOne("shared fact about apples", scopes[i]);
    AddOne("own fact number " + std::to_string(i), scopes[i]);
  }
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    SCOPED_TRACE("scope " + std::to_string(i));
    SearchOptions options;
    options.scope = scopes[i];
    auto found = memory_->Search("own fact number apples", options);
    ASSERT_OK(found);
    for (const auto& r : found->results) {
      EXPECT_TRUE((scopes[i].user_id.empty() || r.scope.user_id == scopes[i].user_id) &&
                  (scopes[i].agent_id.empty() || r.scope.agent_id == scopes[i].agent_id) &&
                  (scopes[i].run_id.empty() || r.scope.run_id == scopes[i].run_id))
          << r.memory;
    }
    // The memory added with exactly this scope is found.
    bool has_own = std::any_of(found->results.begin(), found->results.end(), [&](const auto& r) {
      return r.memory == "own fact number " + std::to_string(i);
    });
    EXPECT_TRUE(has_own);
  }
  // mem0's rule: a memory matches when every id the query gives is equal.
  auto by_agent = AllMemories(*memory_, {"", "travel", ""});
  EXPECT_EQ(std::count(by_agent.begin(), by_agent.end(), "shared fact about apples"), 4);
  EXPECT_EQ(by_agent.size(), 8u);  // scopes 5, 7, 9, 11
  auto by_run = AllMemories(*memory_, {"", "", "run-1"});
  EXPECT_EQ(by_run.size(), 8u);  // scopes 6, 8, 9, 11
  auto alice_all = AllMemories(*memory_, {"alice", "", ""});
  EXPECT_EQ(alice_all.size(), 8u);  // scopes 0, 5, 6, 11

  // Deleting one scope leaves every other one whole.
  auto deleted = memory_->DeleteAll({"a&b=c", "", ""});
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 2);
  EXPECT_TRUE(AllMemories(*memory_, {"a&b=c", "", ""}).empty());
  EXPECT_EQ(AllMemories(*memory_, {"alice:1", "", ""}).size(), 2u);
  deleted = memory_->DeleteAll({"alice", "travel", ""});
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 4);  // scopes 5 and 11
  EXPECT_EQ(AllMemories(*memory_, {"alice", "", ""}).size(), 4u);
  EXPECT_EQ(AllMemories(*memory_, {"", "travel", ""}).size(), 4u);
}

TEST_P(MemoryConformanceTest, GetAllPagesWithAnOpaqueToken) {
  Scope scope{"pager", "", ""};
  std::vector<Message> messages;
  for (int i = 0; i < 250; ++i) messages.push_back({"user", "memory " + std::to_string(i), ""});
  auto added = memory_->Add(messages, Verbatim(scope));
  ASSERT_OK(added);
  ASSERT_EQ(added->results.size(), 250u);
  ListOptions options;
  options.scope = scope;
  options.limit = 100;
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    auto page = memory_->GetAll(options);
    ASSERT_OK(page);
    ++pages;
    for (const auto& item : page->results) seen.push_back(item.id);
    if (!page->next_page_token) break;
    EXPECT_EQ(page->results.size(), 100u);
    options.page_token = *page->next_page_token;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 250u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 250u);

  for (const std::string& forged : {std::string("garbage"), std::string("e30="),
                                    std::string(5000, 'A'), std::string("\xff\xfe")}) {
    options.page_token = forged;
    EXPECT_ERROR_CODE(memory_->GetAll(options), ErrorCode::kInvalidArgument);
  }
}

TEST_P(MemoryConformanceTest, DeleteAllRemovesMoreThanAThousand) {
  Scope scope{"hoarder", "", ""};
  constexpr int kMemories = 1005;
  for (int start = 0; start < kMemories; start += 500) {
    std::vector<Message> messages;
    for (int i = start; i < std::min(kMemories, start + 500); ++i) {
      messages.push_back({"user", "fact " + std::to_string(i), ""});
    }
    ASSERT_OK(memory_->Add(messages, Verbatim(scope)));
  }
  std::string kept = AddOne("someone else's fact", {"bystander", "", ""});
  auto deleted = memory_->DeleteAll(scope);
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, kMemories);
  EXPECT_TRUE(AllMemories(*memory_, scope).empty());
  auto fresh = fixture_.Open();
  EXPECT_TRUE(AllMemories(*fresh, scope).empty());
  auto bystander = memory_->Get(kept);
  ASSERT_OK(bystander);
  EXPECT_TRUE(bystander->has_value());
}

TEST_P(MemoryConformanceTest, HistoryTrailsAddUpdateDelete) {
  Scope alice{"alice", "", ""};
  std::string id = AddOne("Lives in Lisbon", alice);
  auto updated = memory_->Update(id, "Lives in Porto", std::string(R"({"source":"moved"})"));
  ASSERT_OK(updated);
  EXPECT_EQ(updated->memory, "Lives in Porto");
  EXPECT_EQ(updated->hash, Md5Hex("Lives in Porto"));
  EXPECT_TRUE(updated->updated_at.has_value());
  auto got = memory_->Get(id);
  ASSERT_OK(got);
  EXPECT_EQ((*got)->memory, "Lives in Porto");
  EXPECT_EQ(Json::parse((*got)->metadata_json), Json::parse(R"({"source":"moved"})"));
  ASSERT_OK(memory_->Delete(id));
  auto gone = memory_->Get(id);
  ASSERT_OK(gone);
  EXPECT_FALSE(gone->has_value());

  auto history = memory_->History(id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].event, "ADD");
  EXPECT_FALSE((*history)[0].old_memory.has_value());
  EXPECT_EQ((*history)[0].new_memory, "Lives in Lisbon");
  EXPECT_EQ((*history)[1].event, "UPDATE");
  EXPECT_EQ((*history)[1].old_memory, "Lives in Lisbon");
  EXPECT_EQ((*history)[1].new_memory, "Lives in Porto");
  EXPECT_EQ((*history)[2].event, "DELETE");
  EXPECT_EQ((*history)[2].old_memory, "Lives in Porto");
  EXPECT_TRUE((*history)[2].is_deleted);
  Json rows = Json::parse(memory::ToJson(*history));
  for (const char* key : {"id", "memory_id", "old_memory", "new_memory", "event", "created_at",
                          "updated_at", "is_deleted", "actor_id", "role"}) {
    EXPECT_TRUE(rows[0].contains(key)) << key;
  }
  EXPECT_ERROR_CODE(memory_->Update(id, "again", std::nullopt), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(memory_->Delete(id), ErrorCode::kNotFound);
}

TEST_P(MemoryConformanceTest, AnotherInstancesWritesAreSeenBySearch) {
  Scope alice{"alice", "", ""};
  AddOne("Plays the violin", alice);
  SearchOptions options;
  options.scope = alice;
  auto warm = memory_->Search("violin", options);  // loads this instance's index
  ASSERT_OK(warm);
  ASSERT_EQ(warm->results.size(), 1u);
  auto other = fixture_.Open();
  ASSERT_OK(other->Add(User("Plays the cello and the violin"), Verbatim(alice)));
  auto seen = memory_->Search("violin", options);
  ASSERT_OK(seen);
  EXPECT_EQ(seen->results.size(), 2u);
  ASSERT_OK(other->Update(warm->results[0].id, "Plays the viola", std::nullopt));
  seen = memory_->Search("viola", options);
  ASSERT_OK(seen);
  ASSERT_EQ(seen->results.size(), 1u);
  EXPECT_EQ(seen->results[0].memory, "Plays the viola");
  ASSERT_OK(other->DeleteAll(alice));
  seen = memory_->Search("violin", options);
  ASSERT_OK(seen);
  EXPECT_TRUE(seen->results.empty());
}

TEST_P(MemoryConformanceTest, RacingThreadsAddingOneFactCreateOneMemory) {
  constexpr int kThreads = 8;
  Scope scope{"racer", "", ""};
  std::vector<std::unique_ptr<memory::Memory>> instances;
  for (int i = 0; i < kThreads; ++i) instances.push_back(fixture_.Open());
  std::atomic<int> ready{0}, adds{0}, nones{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      auto added = instances[i]->Add(User("Is moving to Berlin in March"), Verbatim(scope));
      if (!added.ok() || added->results.size() != 1) {
        ++failures;
        return;
      }
      (added->results[0].event == "ADD" ? adds : nones)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(adds, 1);
  EXPECT_EQ(nones, kThreads - 1);
  EXPECT_EQ(AllMemories(*memory_, scope).size(), 1u);
}

TEST_P(MemoryConformanceTest, RacingProcessesAddingOneFactCreateOneMemory) {
  constexpr int kProcesses = 4;
  Scope scope{"process-racer", "", ""};
  int start_pipe[2];
  ASSERT_EQ(pipe(start_pipe), 0);
  std::fflush(nullptr);
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(start_pipe[1]);
      char go;
      (void)!read(start_pipe[0], &go, 1);
      int code = 3;
      try {
        auto opened = memory::Memory::Open(fixture_.config);
        if (opened.ok()) {
          auto added = (*opened)->Add(User("Adopted a greyhound named Pixel"), Verbatim(scope));
          code = !added.ok() ? 2 : added->results.at(0).event == "ADD" ? 0 : 1;
        }
      } catch (...) {
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  close(start_pipe[0]);
  close(start_pipe[1]);
  int added = 0, unchanged = 0;
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_LT(WEXITSTATUS(status), 2) << "a child failed to add";
    (WEXITSTATUS(status) == 0 ? added : unchanged)++;
  }
  EXPECT_EQ(added, 1);
  EXPECT_EQ(unchanged, kProcesses - 1);
  EXPECT_EQ(AllMemories(*memory_, scope).size(), 1u);
}

TEST_P(MemoryConformanceTest, ResetForgetsEverything) {
  std::string id = AddOne("Speaks Portuguese", {"alice", "", ""});
  AddOne("Speaks Dutch", {"", "agent-7", ""});
  ASSERT_OK(memory_->Reset());
  EXPECT_TRUE(AllMemories(*memory_, {"alice", "", ""}).empty());
  EXPECT_TRUE(AllMemories(*memory_, {"", "agent-7", ""}).empty());
  auto history = memory_->History(id);
  ASSERT_OK(history);
  EXPECT_TRUE(history->empty());
  // Usable afterwards.
  EXPECT_FALSE(AddOne("Speaks Portuguese", {"alice", "", ""}).empty());
}

TEST_P(MemoryConformanceTest, HostileInputIsRefusedWithTheFieldNamed) {
  auto refused = [&](const Result<memory::AddResult>& result, const std::string& needle) {
    ASSERT_FALSE(result.ok()) << needle;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << result.error().ToString();
    EXPECT_NE(result.error().message.find(needle), std::string::npos) << result.error().message;
  };
  refused(memory_->Add(User("x"), Verbatim({})), "user_id");
  refused(memory_->Add(User("x"), Verbatim({std::string(600, 'u'), "", ""})), "user_id");
  refused(memory_->Add(User("x"), Verbatim({"a\nb", "", ""})), "user_id");
  refused(memory_->Add(User("x"), Verbatim({"", std::string("\xff"), ""})), "agent_id");
  refused(memory_->Add(User("x"), Verbatim({"u", "", ""}, R"({"hash":"forged"})")),
          "metadata.hash");
  refused(memory_->Add(User("x"), Verbatim({"u", "", ""}, "[1]")), "metadata");
  refused(memory_->Add(User("x"),
                       Verbatim({"u", "", ""}, std::string(100, '[') + std::string(100, ']'))),
          "metadata");
  refused(memory_->Add({}, Verbatim({"u", "", ""})), "messages");
  refused(memory_->Add({{"", "text", ""}}, Verbatim({"u", "", ""})), "messages[0].role");
  refused(
      memory_->Add(User(std::string(memory::kMaxMessageBytes + 1, 'a')), Verbatim({"u", "", ""})),
      "messages[0].content");
  refused(
      memory_->Add(User(std::string(memory::kMaxMemoryBytes + 1, 'a')), Verbatim({"u", "", ""})),
      "messages[0].content");
  AddOptions infer;
  infer.scope = {"u", "", ""};
  infer.infer = true;
  refused(memory_->Add(User("x"), infer), "llm");

  SearchOptions search;
  EXPECT_ERROR_CODE(memory_->Search("q", search), ErrorCode::kInvalidArgument);
  search.scope = {"u", "", ""};
  EXPECT_ERROR_CODE(memory_->Search("", search), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory_->Search(std::string(70000, 'q'), search), ErrorCode::kInvalidArgument);
  search.limit = memory::kMaxLimit + 1;
  EXPECT_ERROR_CODE(memory_->Search("q", search), ErrorCode::kInvalidArgument);
  search.limit = 0;
  search.threshold = 1.5;
  EXPECT_ERROR_CODE(memory_->Search("q", search), ErrorCode::kInvalidArgument);
  search.threshold.reset();
  search.filters_json = "{\"a\":";
  EXPECT_ERROR_CODE(memory_->Search("q", search), ErrorCode::kInvalidArgument);
  ListOptions list;
  list.scope = {"u", "", ""};
  list.limit = 0;
  EXPECT_ERROR_CODE(memory_->GetAll(list), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory_->Get(""), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory_->Update("", "t", std::nullopt), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory_->Update("some-id", "", std::nullopt), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory_->DeleteAll({}), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory_->History(std::string(2000, 'h')), ErrorCode::kInvalidArgument);
  // Nothing of the refused adds was written.
  EXPECT_TRUE(AllMemories(*memory_, {"u", "", ""}).empty());
}

TEST(MemoryMessages, ParsesMem0MessageListsAndPlainText) {
  auto parsed = memory::ParseMessages(R"([{"role":"user","content":"hi","name":"al"}])");
  ASSERT_OK(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].name, "al");
  parsed = memory::ParseMessages("I like tea");
  ASSERT_OK(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].role, "user");
  EXPECT_EQ((*parsed)[0].content, "I like tea");
  EXPECT_ERROR_CODE(memory::ParseMessages(R"([{"role":"user"}])"), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory::ParseMessages(R"([{"role":1,"content":"x"}])"),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory::ParseMessages("[" + std::string(5000, '[')),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(memory::ParseMessages("   "), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, MemoryConformanceTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mem0
