// Memory::Add with inference and search with an embedder, on both engines,
// against an OpenAI-compatible server on loopback (tests/support/
// fake_openai_server.h): facts, ADD/UPDATE/DELETE decisions, relations, and
// unusable model output that must leave the stores untouched.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "mem0/memory/memory.h"
#include "support/fake_openai_server.h"
#include "support/memory_fixture.h"
#include "support/result_assertions.h"

namespace mem0 {
namespace {

using Json = nlohmann::json;
using memory::AddOptions;
using memory::Scope;

class MemoryLlmTest : public ::testing::TestWithParam<std::string> {
 protected:
  MemoryLlmTest() : fixture_(GetParam()) {
    memory::LlmConfig llm;
    llm.model = "fake-model";
    llm.base_url = server_.base_url();
    llm.api_key = "sk-test-secret-123";
    llm.timeout_s = 0.5;
    fixture_.config.llm = llm;
    memory_ = fixture_.Open();
  }

  Result<memory::AddResult> Add(const std::string& text, const Scope& scope,
                                std::optional<bool> infer = std::nullopt) {
    AddOptions options;
    options.scope = scope;
    options.infer = infer;
    return memory_->Add({{"user", text, ""}}, options);
  }

  std::vector<std::string> Texts(const Scope& scope) {
    memory::ListOptions list;
    list.scope = scope;
    auto page = memory_->GetAll(list);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& item : page->results) out.push_back(item.memory);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::FakeOpenAiServer server_;
  testing::MemoryFixture fixture_;
  std::unique_ptr<memory::Memory> memory_;
};

TEST_P(MemoryLlmTest, ExtractsFactsThenUpdatesAndDeletesThem) {
  Scope alice{"alice", "", ""};
  auto added = Add("I like tea. My city is Paris", alice);  // an llm is configured: infers
  ASSERT_OK(added);
  ASSERT_EQ(added->results.size(), 2u);
  EXPECT_EQ(added->results[0].event, "ADD");
  EXPECT_EQ(Texts(alice), (std::vector<std::string>{"I like tea", "My city is Paris"}));
  const std::string city_id =
      added->results[1].memory == "My city is Paris" ? added->results[1].id : added->results[0].id;

  auto moved = Add("My city is Lisbon", alice);
  ASSERT_OK(moved);
  ASSERT_EQ(moved->results.size(), 1u);
  EXPECT_EQ(moved->results[0].event, "UPDATE");
  EXPECT_EQ(moved->results[0].id, city_id);
  EXPECT_EQ(moved->results[0].previous_memory, "My city is Paris");
  Json json = Json::parse(memory::ToJson(*moved));
  EXPECT_EQ(json["results"][0]["previous_memory"], "My city is Paris");

  auto stopped = Add("I no longer like tea", alice);
  ASSERT_OK(stopped);
  ASSERT_EQ(stopped->results.size(), 1u);
  EXPECT_EQ(stopped->results[0].event, "DELETE");
  EXPECT_EQ(Texts(alice), std::vector<std::string>{"My city is Lisbon"});

  auto known = Add("My city is Lisbon", alice);
  ASSERT_OK(known);
  EXPECT_TRUE(known->results.empty());  // NONE is not reported, as in mem0

  auto history = memory_->History(city_id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].event, "UPDATE");

  // The model saw small integer ids, never a real memory id, and the key
  // travelled only in the Authorization header.
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  int update_questions = 0;
  for (const auto& request : server_.requests("/v1/chat/completions")) {
    EXPECT_FALSE(std::regex_search(request.body, uuid)) << request.body;
    EXPECT_EQ(request.body.find("sk-test-secret-123"), std::string::npos);
    EXPECT_EQ(request.Header("authorization"), "Bearer sk-test-secret-123");
    auto question = testing::ParseChatQuestion(request.json);
    if (question.kind != testing::ChatQuestion::Kind::kUpdates) continue;
    ++update_questions;
    for (std::size_t i = 0; i < question.existing.size(); ++i) {
      EXPECT_EQ(question.existing[i].first, static_cast<int>(i));
    }
  }
  EXPECT_EQ(update_questions, 4);
}

TEST_P(MemoryLlmTest, RelationsAreExtractedAndStayInTheirScope) {
  Scope alice{"alice", "", ""};
  auto added = Add("I live in Paris", alice);
  ASSERT_OK(added);
  Json json = Json::parse(memory::ToJson(*added));
  ASSERT_EQ(json["relations"]["added_entities"].size(), 1u) << json.dump();
  EXPECT_EQ(json["relations"]["added_entities"][0],
            Json({{"source", "alice"}, {"relationship", "live_in"}, {"target", "paris"}}));
  // The same relation again is not duplicated.
  ASSERT_OK(Add("I live in Paris", alice));

  memory::SearchOptions search;
  search.scope = alice;
  auto found = memory_->Search("Where does she live? Paris?", search);
  ASSERT_OK(found);
  ASSERT_EQ(found->relations.size(), 1u);
  EXPECT_EQ(found->relations[0].source, "alice");
  EXPECT_EQ(found->relations[0].relationship, "live_in");
  EXPECT_EQ(found->relations[0].destination, "paris");
  memory::ListOptions list;
  list.scope = alice;
  auto all = memory_->GetAll(list);
  ASSERT_OK(all);
  EXPECT_EQ(all->relations.size(), 1u);

  Scope bob{"bob", "", ""};
  ASSERT_OK(Add("I live in Rome", bob));
  search.scope = bob;
  found = memory_->Search("paris rome", search);
  ASSERT_OK(found);
  ASSERT_EQ(found->relations.size(), 1u);
  EXPECT_EQ(found->relations[0].destination, "rome");

  // Deleting the scope takes its relations with it.
  ASSERT_OK(memory_->DeleteAll(alice));
  search.scope = alice;
  found = memory_->Search("paris", search);
  ASSERT_OK(found);
  EXPECT_TRUE(found->relations.empty());
  search.scope = bob;
  found = memory_->Search("rome", search);
  ASSERT_OK(found);
  EXPECT_EQ(found->relations.size(), 1u);
}

TEST_P(MemoryLlmTest, UnusableModelOutputWritesNothing) {
  Scope alice{"alice", "", ""};
  ASSERT_OK(Add("My city is Paris", alice));
  const auto before = Texts(alice);
  const char* facts = R"({"facts": ["My city is Rome"]})";
  struct Case {
    const char* name;
    std::function<void()> script;
  };
  // Each case queues exactly the replies its add consumes.
  const std::vector<Case> cases = {
      {"not JSON", [&] { server_.QueueChatContent("I think the facts are..."); }},
      {"wrong type", [&] { server_.QueueChatContent(R"({"facts": "My city is Rome"})"); }},
      {"truncated", [&] { server_.QueueChatContent(R"({"facts": ["My ci)", "length"); }},
      {"invented id",
       [&] {
         server_.QueueChatContent(facts);
         server_.QueueChatContent(
             R"({"memory": [{"id": 7, "event": "UPDATE", "text": "My city is Rome"}]})");
       }},
      {"unknown event",
       [&] {
         server_.QueueChatContent(facts);
         server_.QueueChatContent(R"({"memory": [{"id": null, "event": "MERGE", "text": "x"}]})");
       }},
      {"bad relations",
       [&] {
         server_.QueueChatContent(facts);
         server_.QueueChatContent(
             R"({"memory": [{"id": null, "event": "ADD", "text": "My city is Rome"}]})");
         server_.QueueChatContent(R"({"relations": [{"source": 1}]})");
       }},
      {"server error",
       [&] {
         for (int i = 0; i < 4; ++i) server_.QueueChat(500, testing::ErrorBody("overloaded"));
       }},
      {"slow",
       [&] {
         for (int i = 0; i < 4; ++i) {
           server_.QueueChat(200, testing::ChatCompletionBody(facts),
                             std::chrono::milliseconds(1500));
         }
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    c.script();
    auto result = Add("My city is Rome", alice);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message.find("sk-test-secret-123"), std::string::npos);
    EXPECT_EQ(Texts(alice), before);
  }
}

TEST_P(MemoryLlmTest, HybridSearchEmbedsEachMemoryOnce) {
  memory::EmbedderConfig embedder;
  embedder.model = "fake-embed";
  embedder.base_url = server_.base_url();
  embedder.dims = 64;
  fixture_.config.embedder = embedder;
  memory_ = fixture_.Open();
  Scope alice{"alice", "", ""};
  AddOptions verbatim;
  verbatim.scope = alice;
  verbatim.infer = false;
  ASSERT_OK(memory_->Add({{"user", "Owns a red bicycle", ""}, {"user", "Drinks green tea", ""}},
                         verbatim));
  ASSERT_OK(memory_->Add({{"user", "Plays chess on Sundays", ""}}, verbatim));
  memory::SearchOptions search;
  search.scope = alice;
  for (int i = 0; i < 3; ++i) {
    auto found = memory_->Search("bicycle", search);
    ASSERT_OK(found);
    ASSERT_EQ(found->results.size(), 3u);  // every memory has a vector score
    EXPECT_EQ(found->results[0].memory, "Owns a red bicycle");
    for (const auto& r : found->results) {
      EXPECT_GE(*r.score, 0.0);
      EXPECT_LE(*r.score, 1.0);
    }
  }
  std::size_t inputs = 0;
  for (const auto& request : server_.requests("/v1/embeddings")) {
    inputs += request.json["input"].size();
    EXPECT_EQ(request.json["dimensions"], 64);
  }
  EXPECT_EQ(inputs, 3u + 3u);  // each memory once, each query once
}

INSTANTIATE_TEST_SUITE_P(Engines, MemoryLlmTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mem0
