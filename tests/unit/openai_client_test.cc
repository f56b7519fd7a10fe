// The OpenAI-compatible model client against a real HTTP server on loopback
// (FakeOpenAiServer): request shapes, retries, the json_object fallback and
// validation of hostile replies.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "memory/model_client.h"
#include "support/fake_openai_server.h"
#include "support/test_env.h"

namespace mem0::memory {
namespace {

using json = nlohmann::json;
using mem0::testing::ChatCompletionBody;
using mem0::testing::EmbeddingsBody;
using mem0::testing::ErrorBody;
using mem0::testing::FakeOpenAiServer;
using mem0::testing::RecordingSleeper;
using std::chrono::milliseconds;

constexpr char kKey[] = "sk-test-SECRET-0123456789abcdef";
constexpr char kChat[] = "/v1/chat/completions";
constexpr char kEmbeddings[] = "/v1/embeddings";

EnvironmentLookup FakeEnvironment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// The result failed with `code`, its message contains `part`, and the key
// is nowhere in it.
template <typename T>
::testing::AssertionResult FailsWith(const Result<T>& result, ErrorCode code,
                                     const std::string& part) {
  if (result.ok()) return ::testing::AssertionFailure() << "succeeded";
  const Error& e = result.error();
  const std::string all = e.ToString() + e.message + e.type + e.request_id;
  if (all.find(kKey) != std::string::npos) {
    return ::testing::AssertionFailure() << "the key leaked: " << e.ToString();
  }
  if (e.code != code) {
    return ::testing::AssertionFailure() << "code " << ErrorCodeName(e.code) << ", expected "
                                         << ErrorCodeName(code) << ": " << e.message;
  }
  if (e.message.find(part) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message \"" << e.message << "\" lacks \"" << part << "\"";
  }
  if (e.message.size() > 600) {
    return ::testing::AssertionFailure() << "message of " << e.message.size() << " bytes";
  }
  return ::testing::AssertionSuccess();
}

// Fails with kInvalidArgument and a message that begins with `prefix`.
template <typename T>
::testing::AssertionResult BadReply(const Result<T>& result, const std::string& prefix) {
  auto check = FailsWith(result, ErrorCode::kInvalidArgument, prefix);
  if (!check) return check;
  if (result.error().message.rfind(prefix, 0) != 0) {
    return ::testing::AssertionFailure() << "message \"" << result.error().message
                                         << "\" does not begin with \"" << prefix << "\"";
  }
  return ::testing::AssertionSuccess();
}

class OpenAiClientTest : public ::testing::Test {
 protected:
  Env MakeEnv(std::map<std::string, std::string> vars = {}) {
    Env env;
    env.sleeper = sleeper_;
    env.environment = FakeEnvironment(std::move(vars));
    return env;
  }

  LlmConfig Config() {
    LlmConfig config;
    config.model = "gpt-test";
    config.base_url = server_.base_url();
    config.api_key = kKey;
    config.timeout_s = 5;
    return config;
  }

  std::unique_ptr<LanguageModel> Llm(const LlmConfig& config, const Env& env) {
    auto made = MakeOpenAiLanguageModel(config, nullptr, env);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return std::move(made).value();
  }
  std::unique_ptr<LanguageModel> Llm() { return Llm(Config(), MakeEnv()); }

  std::unique_ptr<Embedder> Embed(int dims = 0) {
    EmbedderConfig config;
    config.model = "embed-test";
    config.base_url = server_.base_url();
    config.api_key = kKey;
    config.dims = dims;
    auto made = MakeOpenAiEmbedder(config, nullptr, MakeEnv());
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return std::move(made).value();
  }

  // ExtractFacts against one queued reply content.
  Result<std::vector<std::string>> FactsFrom(const std::string& content,
                                             const std::string& finish_reason = "stop") {
    server_.QueueChatContent(content, finish_reason);
    return Llm()->ExtractFacts({{"user", "hello"}}, "2026-01-02");
  }

  Result<std::vector<MemoryDecision>> DecisionsFrom(const std::string& content) {
    server_.QueueChatContent(content);
    return Llm()->DecideUpdates({"fact a", "fact b"}, {{0, "m0"}, {1, "m1"}, {2, "m2"}});
  }

  Result<std::vector<EntityRelation>> RelationsFrom(const std::string& content) {
    server_.QueueChatContent(content);
    return Llm()->ExtractRelations("some text", "alice");
  }

  FakeOpenAiServer server_;
  std::shared_ptr<RecordingSleeper> sleeper_ = std::make_shared<RecordingSleeper>();
};

// --- Happy paths and request shapes. ---

TEST_F(OpenAiClientTest, ExtractFactsSendsSchemaAndParsesFacts) {
  server_.QueueChatContent(R"({"facts": ["Likes green tea", "  Lives in Paris ", ""]})");
  auto facts = Llm()->ExtractFacts(
      {{"user", "I like green tea and live in Paris"}, {"assistant", "Noted!"}}, "2026-01-02");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, (std::vector<std::string>{"Likes green tea", "Lives in Paris"}));

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.path, kChat);
  EXPECT_EQ(r.Header("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  ASSERT_TRUE(r.json.is_object());
  EXPECT_EQ(r.json["model"], "gpt-test");
  EXPECT_EQ(r.json["temperature"], 0.0);
  const json& format = r.json["response_format"];
  EXPECT_EQ(format["type"], "json_schema");
  EXPECT_EQ(format["json_schema"]["name"], "facts");
  EXPECT_EQ(format["json_schema"]["strict"], true);
  EXPECT_EQ(format["json_schema"]["schema"]["required"], json::array({"facts"}));
  ASSERT_EQ(r.json["messages"].size(), 2u);
  EXPECT_EQ(r.json["messages"][0]["role"], "system");
  EXPECT_NE(r.json["messages"][0]["content"].get<std::string>().find("2026-01-02"),
            std::string::npos);
  auto question = mem0::testing::ParseChatQuestion(r.json);
  EXPECT_EQ(question.kind, mem0::testing::ChatQuestion::Kind::kFacts);
  EXPECT_EQ(question.today, "2026-01-02");
  ASSERT_EQ(question.conversation.size(), 2u);
  EXPECT_EQ(question.conversation[1].first, "assistant");
  EXPECT_TRUE(sleeper_->delays().empty());
}

TEST_F(OpenAiClientTest, DecideUpdatesParsesAllFourEvents) {
  server_.QueueChatContent(R"({"memory": [
      {"id": null, "event": "ADD", "text": "Has a dog named Rex"},
      {"id": 1, "event": "UPDATE", "text": "Lives in Berlin since 2025"},
      {"id": 2, "event": "DELETE", "text": "Has a cat"},
      {"id": 0, "event": "NONE", "text": ""}]})");
  auto decisions = Llm()->DecideUpdates(
      {"Has a dog named Rex", "Moved to Berlin in 2025", "Likes tea", "Gave the cat away"},
      {{0, "Likes tea"}, {1, "Lives in Berlin"}, {2, "Has a cat"}});
  ASSERT_TRUE(decisions.ok()) << decisions.error().ToString();
  ASSERT_EQ(decisions->size(), 4u);
  const auto& d = *decisions;
  EXPECT_EQ(d[0].event, MemoryEvent::kAdd);
  EXPECT_FALSE(d[0].id.has_value());
  EXPECT_EQ(d[0].text, "Has a dog named Rex");
  EXPECT_EQ(d[1].event, MemoryEvent::kUpdate);
  EXPECT_EQ(d[1].id, 1);
  EXPECT_EQ(d[1].text, "Lives in Berlin since 2025");
  EXPECT_EQ(d[2].event, MemoryEvent::kDelete);
  EXPECT_EQ(d[2].id, 2);
  EXPECT_EQ(d[2].text, "");  // DELETE carries no text
  EXPECT_EQ(d[3].event, MemoryEvent::kNone);
  EXPECT_EQ(d[3].id, 0);

  auto request = server_.requests(kChat).at(0).json;
  EXPECT_EQ(request["response_format"]["json_schema"]["name"], "memory_updates");
  auto question = mem0::testing::ParseChatQuestion(request);
  ASSERT_EQ(question.existing.size(), 3u);
  EXPECT_EQ(question.existing[2], (std::pair<int, std::string>{2, "Has a cat"}));
  EXPECT_EQ(question.new_facts.size(), 4u);
}

TEST_F(OpenAiClientTest, ExtractRelationsNormalisesEntities) {
  server_.QueueChatContent(R"({"relations": [
      {"source": " Alice  Smith ", "source_type": "Person", "relationship": "Lives In",
       "destination": "Paris", "destination_type": "City"},
      {"source": "alice_smith", "source_type": "person", "relationship": "likes",
       "destination": "  ", "destination_type": "food"}]})");
  auto relations = Llm()->ExtractRelations("I live in Paris", "Alice Smith");
  ASSERT_TRUE(relations.ok()) << relations.error().ToString();
  ASSERT_EQ(relations->size(), 1u);  // the one with an empty destination is dropped
  const EntityRelation& r = (*relations)[0];
  EXPECT_EQ(r.source, "alice_smith");
  EXPECT_EQ(r.source_type, "person");
  EXPECT_EQ(r.relationship, "lives_in");
  EXPECT_EQ(r.destination, "paris");
  EXPECT_EQ(r.destination_type, "city");

  auto question = mem0::testing::ParseChatQuestion(server_.requests(kChat).at(0).json);
  EXPECT_EQ(question.kind, mem0::testing::ChatQuestion::Kind::kRelations);
  EXPECT_EQ(question.self, "Alice Smith");
  EXPECT_EQ(question.text, "I live in Paris");
}

TEST_F(OpenAiClientTest, MemoryEventNames) {
  EXPECT_STREQ(MemoryEventName(MemoryEvent::kAdd), "ADD");
  EXPECT_STREQ(MemoryEventName(MemoryEvent::kUpdate), "UPDATE");
  EXPECT_STREQ(MemoryEventName(MemoryEvent::kDelete), "DELETE");
  EXPECT_STREQ(MemoryEventName(MemoryEvent::kNone), "NONE");
}

TEST_F(OpenAiClientTest, ApiKeyFromEnvironmentOrNone) {
  LlmConfig config = Config();
  config.api_key.clear();
  config.base_url += "/";  // a trailing slash is tolerated
  ASSERT_TRUE(
      Llm(config, MakeEnv({{"OPENAI_API_KEY", kKey}}))->ExtractFacts({}, "2026-01-02").ok());
  ASSERT_TRUE(Llm(config, MakeEnv())->ExtractFacts({}, "2026-01-02").ok());
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, kChat);
  EXPECT_EQ(requests[0].Header("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(requests[1].headers.count("authorization"), 0u);  // local servers need none
}

TEST_F(OpenAiClientTest, RejectsBadConfig) {
  LlmConfig config = Config();
  config.model.clear();
  EXPECT_TRUE(FailsWith(MakeOpenAiLanguageModel(config), ErrorCode::kInvalidArgument, "model"));
  config = Config();
  config.base_url = "ftp://example.com";
  EXPECT_TRUE(FailsWith(MakeOpenAiLanguageModel(config), ErrorCode::kInvalidArgument, "base_url"));
  config = Config();
  config.timeout_s = 0;
  EXPECT_TRUE(FailsWith(MakeOpenAiLanguageModel(config), ErrorCode::kInvalidArgument, "timeout_s"));
  EmbedderConfig embedder;
  EXPECT_TRUE(FailsWith(MakeOpenAiEmbedder(embedder), ErrorCode::kInvalidArgument, "model"));
  embedder.model = "m";
  embedder.dims = -1;
  EXPECT_TRUE(FailsWith(MakeOpenAiEmbedder(embedder), ErrorCode::kInvalidArgument, "dims"));
}

// --- Servers that differ. ---

TEST_F(OpenAiClientTest, FallsBackToJsonObjectOnceAndRemembers) {
  server_.SetHandler(
      [](const mem0::testing::RecordedRequest& r) -> std::optional<mem0::testing::FakeReply> {
        if (r.json["response_format"]["type"] == "json_schema") {
          return mem0::testing::FakeReply{
              400, ErrorBody("Invalid parameter: 'response_format' of type 'json_schema' is not "
                             "supported with this model.")};
        }
        return std::nullopt;  // canned
      });
  auto llm = Llm();
  auto facts = llm->ExtractFacts({{"user", "I like tea."}}, "2026-01-02");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"I like tea"});
  auto relations = llm->ExtractRelations("I live in Paris", "bob");
  ASSERT_TRUE(relations.ok()) << relations.error().ToString();
  ASSERT_EQ(relations->size(), 1u);

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);  // schema (refused), object, then object straight away
  EXPECT_EQ(requests[0].json["response_format"]["type"], "json_schema");
  EXPECT_EQ(requests[1].json["response_format"], json({{"type", "json_object"}}));
  EXPECT_EQ(requests[2].json["response_format"], json({{"type", "json_object"}}));
  EXPECT_TRUE(sleeper_->delays().empty());
}

TEST_F(OpenAiClientTest, OtherBadRequestsAreNotRetried) {
  server_.QueueChat(400, ErrorBody("messages: too long"));
  auto facts = Llm()->ExtractFacts({{"user", "x"}}, "2026-01-02");
  EXPECT_TRUE(FailsWith(facts, ErrorCode::kNetworkError, "HTTP 400: messages: too long"));
  EXPECT_EQ(facts.error().http_status, 400);
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(OpenAiClientTest, AcceptsFencedJson) {
  auto facts = FactsFrom("```json\n{\"facts\": [\"a\"]}\n```");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"a"});
  facts = FactsFrom("  ```\n{\"facts\": [\"b\"]}```  ");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"b"});
  facts = FactsFrom("```JSON {\"facts\": [\"d\"]} ```");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"d"});
  facts = FactsFrom("<think>the user likes c</think>\n{\"facts\": [\"c\"]}");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"c"});
}

// --- Hostile replies. ---

TEST_F(OpenAiClientTest, MalformedJson) {
  EXPECT_TRUE(BadReply(FactsFrom("{facts: [\"a\""), "llm reply: content is not valid JSON"));
  EXPECT_TRUE(BadReply(FactsFrom("Sure! Here are the facts."), "llm reply: content"));
  EXPECT_TRUE(BadReply(FactsFrom("[\"a\"]"), "llm reply: content: expected a JSON object"));
  // The excerpt is bounded.
  auto long_garbage = FactsFrom(std::string(100000, 'x'));
  EXPECT_TRUE(BadReply(long_garbage, "llm reply: content is not valid JSON"));

  server_.QueueChat(200, "<html>bad gateway</html>");
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"), "llm reply: not a JSON object"));
}

TEST_F(OpenAiClientTest, WrongTypesAndMissingFields) {
  EXPECT_TRUE(BadReply(FactsFrom(R"({"facts": "a"})"), "llm reply: facts: expected an array"));
  EXPECT_TRUE(BadReply(FactsFrom(R"({})"), "llm reply: facts: expected an array"));
  EXPECT_TRUE(
      BadReply(FactsFrom(R"({"facts": ["a", 1]})"), "llm reply: facts[1]: expected a string"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": {}})"), "llm reply: memory: expected an array"));
  EXPECT_TRUE(
      BadReply(DecisionsFrom(R"({"memory": [1]})"), "llm reply: memory[0]: expected an object"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": "1", "event": "NONE"}]})"),
                       "llm reply: memory[0].id: expected an integer"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 1.5, "event": "NONE"}]})"),
                       "llm reply: memory[0].id: expected an integer"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 1, "text": "x"}]})"),
                       "llm reply: memory[0].event: missing"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 1, "event": 3}]})"),
                       "llm reply: memory[0].event: expected a string"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": null, "event": "ADD"}]})"),
                       "llm reply: memory[0].text: missing"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 1, "event": "NONE", "text": 5}]})"),
                       "llm reply: memory[0].text: expected a string"));
  EXPECT_TRUE(BadReply(RelationsFrom(R"({"relations": [{"source": "a", "source_type": "b",
      "relationship": "c", "destination": "d"}]})"),
                       "llm reply: relations[0].destination_type: missing"));
  EXPECT_TRUE(BadReply(RelationsFrom(R"({"relations": [{"source": 5, "source_type": "b",
      "relationship": "c", "destination": "d", "destination_type": "e"}]})"),
                       "llm reply: relations[0].source: expected a string"));
  EXPECT_TRUE(
      BadReply(RelationsFrom(R"({"relations": null})"), "llm reply: relations: expected an array"));
}

TEST_F(OpenAiClientTest, DecisionRules) {
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [
      {"id": 0, "event": "NONE", "text": ""}, {"id": 1, "event": "DELETE", "text": ""},
      {"id": 7, "event": "UPDATE", "text": "x"}]})"),
                       "llm reply: memory[2].id: 7 is not one of the ids given"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": -1, "event": "DELETE", "text": ""}]})"),
                       "llm reply: memory[0].id: -1 is not one of the ids given"));
  EXPECT_TRUE(BadReply(
      DecisionsFrom(R"({"memory": [{"id": 18446744073709551615, "event": "NONE", "text": ""}]})"),
      "llm reply: memory[0].id: 18446744073709551615 is not one of the ids given"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [
      {"id": 1, "event": "UPDATE", "text": "x"}, {"id": 1, "event": "DELETE", "text": ""}]})"),
                       "llm reply: memory[1].id: 1 appears twice"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 1, "event": "ADD", "text": "x"}]})"),
                       "llm reply: memory[0].id: ADD takes no id"));
  EXPECT_TRUE(
      BadReply(DecisionsFrom(R"({"memory": [{"id": null, "event": "UPDATE", "text": "x"}]})"),
               "llm reply: memory[0].id: UPDATE needs an id"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"event": "DELETE"}]})"),
                       "llm reply: memory[0].id: DELETE needs an id"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 2, "event": "UPDATE", "text": " "}]})"),
                       "llm reply: memory[0].text: UPDATE needs a non-empty text"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": null, "event": "ADD", "text": ""}]})"),
                       "llm reply: memory[0].text: ADD needs a non-empty text"));
  EXPECT_TRUE(BadReply(DecisionsFrom(R"({"memory": [{"id": 0, "event": "MERGE", "text": "x"}]})"),
                       "llm reply: memory[0].event: unknown event \"MERGE\""));
  // No existing memories: any id is invented.
  server_.QueueChatContent(R"({"memory": [{"id": 0, "event": "NONE", "text": ""}]})");
  EXPECT_TRUE(BadReply(Llm()->DecideUpdates({"a"}, {}),
                       "llm reply: memory[0].id: 0 is not one of the ids given"));
}

TEST_F(OpenAiClientTest, Bounds) {
  json facts = json::array();
  for (std::size_t i = 0; i < kMaxFacts; ++i) facts.push_back("fact " + std::to_string(i));
  auto ok = FactsFrom(json({{"facts", facts}}).dump());
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->size(), kMaxFacts);
  facts.push_back("one too many");
  EXPECT_TRUE(BadReply(FactsFrom(json({{"facts", facts}}).dump()),
                       "llm reply: facts: 101 items, more than the limit of 100"));

  ok = FactsFrom(json({{"facts", {std::string(kMaxFactBytes, 'a')}}}).dump());
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_TRUE(
      BadReply(FactsFrom(json({{"facts", {"a", std::string(kMaxFactBytes + 1, 'a')}}}).dump()),
               "llm reply: facts[1]: 2001 bytes, more than the limit of 2000"));

  json relation = {{"source", std::string(kMaxEntityBytes + 1, 'a')},
                   {"source_type", "x"},
                   {"relationship", "r"},
                   {"destination", "d"},
                   {"destination_type", "y"}};
  EXPECT_TRUE(BadReply(RelationsFrom(json({{"relations", {relation}}}).dump()),
                       "llm reply: relations[0].source: 201 bytes"));
  relation["source"] = "a";
  auto none = RelationsFrom(R"({"relations": []})");
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_TRUE(none->empty());
  json many = json::array();
  for (std::size_t i = 0; i <= kMaxRelations; ++i) many.push_back(relation);
  EXPECT_TRUE(BadReply(RelationsFrom(json({{"relations", many}}).dump()),
                       "llm reply: relations: 101 items"));

  // The whole reply is bounded before it is parsed.
  server_.QueueChat(200, ChatCompletionBody(std::string(kMaxModelReplyBytes, 'x')));
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"), "llm reply: "));
}

TEST_F(OpenAiClientTest, InvalidUtf8) {
  // Raw bytes a JSON encoder would refuse: the server sends them anyway.
  std::string body = ChatCompletionBody("{\"facts\": [\"PLACEHOLDER\"]}");
  body.replace(body.find("PLACEHOLDER"), 11, "caf\xc3\x28 \xff");
  server_.QueueChat(200, body);
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"), "llm reply: not valid UTF-8"));
  // Invalid UTF-8 in the caller's input is sent as U+FFFD, not an exception.
  auto facts = Llm()->ExtractFacts({{"user", "bad \xff byte."}}, "2026-01-02");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"bad \xef\xbf\xbd byte"});
}

TEST_F(OpenAiClientTest, TruncatedRefusedAndEmptyReplies) {
  EXPECT_TRUE(BadReply(FactsFrom(R"({"facts": ["a", "b)", "length"), "llm reply: truncated"));
  EXPECT_TRUE(FailsWith(FactsFrom(R"({"facts": []})", "length"), ErrorCode::kInvalidArgument,
                        "finish_reason \"length\""));

  server_.QueueChat(200, R"({"id": "x", "choices": [], "usage": {}})");
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"),
                       "llm reply: choices: expected a non-empty array"));
  server_.QueueChat(200, R"({"id": "x"})");
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"), "llm reply: choices"));
  server_.QueueChat(200, R"({"choices": [{"message": {"role": "assistant", "content": null},
                            "finish_reason": "stop"}]})");
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"),
                       "llm reply: choices[0].message.content: expected a string"));
  server_.QueueChat(200, R"({"choices": [{"message": {"role": "assistant", "content": null,
                            "refusal": "I can't help with that."}, "finish_reason": "stop"}]})");
  EXPECT_TRUE(BadReply(Llm()->ExtractFacts({}, "2026-01-02"), "llm reply: the model refused"));
}

// --- Retries and HTTP errors. ---

TEST_F(OpenAiClientTest, ServerErrorThenSuccessIsRetried) {
  server_.QueueChat(500, ErrorBody("The server had an error", "server_error"));
  server_.QueueChat(429, ErrorBody("Rate limit reached", "requests"));
  server_.QueueChatContent(R"({"facts": ["a"]})");
  auto facts = Llm()->ExtractFacts({{"user", "x"}}, "2026-01-02");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(server_.requests().size(), 3u);
  auto delays = sleeper_->delays();
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_LE(delays[0], milliseconds(250));
  EXPECT_LE(delays[1], milliseconds(500));
}

TEST_F(OpenAiClientTest, PersistentServerErrorGivesUp) {
  for (int i = 0; i < 6; ++i)
    server_.QueueChat(503, ErrorBody("Service Unavailable", "server_error"));
  auto facts = Llm()->ExtractFacts({{"user", "x"}}, "2026-01-02");
  EXPECT_TRUE(FailsWith(facts, ErrorCode::kNetworkError,
                        "HTTP 503: Service Unavailable (after 4 attempts)"));
  EXPECT_EQ(facts.error().http_status, 503);
  EXPECT_TRUE(facts.error().retryable);
  EXPECT_EQ(server_.requests().size(), 4u);
  EXPECT_EQ(sleeper_->delays().size(), 3u);
  for (auto d : sleeper_->delays()) EXPECT_LE(d, milliseconds(4000));
}

TEST_F(OpenAiClientTest, UnauthorizedIsNotRetriedAndHidesTheKey) {
  server_.QueueChat(401, ErrorBody(std::string("Incorrect API key provided: ") + kKey +
                                       ". You can find your API key at https://example.com.",
                                   "invalid_request_error"));
  auto facts = Llm()->ExtractFacts({{"user", "x"}}, "2026-01-02");
  EXPECT_TRUE(FailsWith(facts, ErrorCode::kNetworkError, "HTTP 401: Incorrect API key provided"));
  EXPECT_EQ(facts.error().http_status, 401);
  EXPECT_FALSE(facts.error().retryable);
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_TRUE(sleeper_->delays().empty());

  // A plain-text error body is reported (bounded) too.
  server_.QueueChat(403, "Forbidden: " + std::string(1000, 'z'));
  facts = Llm()->ExtractFacts({{"user", "x"}}, "2026-01-02");
  EXPECT_TRUE(FailsWith(facts, ErrorCode::kNetworkError, "HTTP 403: Forbidden: zzz"));
}

TEST_F(OpenAiClientTest, SlowReplyTimesOut) {
  LlmConfig config = Config();
  config.timeout_s = 0.3;
  for (int i = 0; i < 4; ++i) {
    server_.QueueChat(200, ChatCompletionBody(R"({"facts": []})"), milliseconds(900));
  }
  const auto start = std::chrono::steady_clock::now();
  auto facts = Llm(config, MakeEnv())->ExtractFacts({{"user", "x"}}, "2026-01-02");
  EXPECT_TRUE(FailsWith(facts, ErrorCode::kNetworkError, "chat completions: "));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(sleeper_->delays().size(), 3u);  // network errors are retried
}

TEST_F(OpenAiClientTest, UnreachableServerIsANetworkError) {
  LlmConfig config = Config();
  {
    FakeOpenAiServer gone;
    config.base_url = gone.base_url();
  }
  auto facts = Llm(config, MakeEnv())->ExtractFacts({{"user", "x"}}, "2026-01-02");
  EXPECT_TRUE(FailsWith(facts, ErrorCode::kNetworkError, "chat completions: "));
  EXPECT_TRUE(facts.error().retryable);
}

TEST_F(OpenAiClientTest, ErrorMessagesOfOtherServers) {
  server_.QueueChat(400, R"({"object": "error", "message": "model 'x' not found", "code": 400})");
  EXPECT_TRUE(FailsWith(Llm()->ExtractFacts({}, "2026-01-02"), ErrorCode::kNetworkError,
                        "HTTP 400: model 'x' not found"));
  server_.QueueChat(404, R"({"error": "model \"llama9\" not found, try pulling it first"})");
  EXPECT_TRUE(FailsWith(Llm()->ExtractFacts({}, "2026-01-02"), ErrorCode::kNetworkError,
                        "HTTP 404: model \"llama9\" not found"));
  server_.QueueChat(422, R"({"detail": "unsupported field: response_format"})");
  server_.QueueChatContent(R"({"facts": ["ok"]})");
  auto facts = Llm()->ExtractFacts({}, "2026-01-02");  // 422 naming response_format: fallback
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(server_.requests().back().json["response_format"]["type"], "json_object");
}

TEST_F(OpenAiClientTest, NoFactsNoCall) {
  auto decisions = Llm()->DecideUpdates({}, {{0, "m0"}});
  ASSERT_TRUE(decisions.ok());
  EXPECT_TRUE(decisions->empty());
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(OpenAiClientTest, SharedAcrossThreads) {
  auto llm = Llm();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string text = "I have " + std::to_string(t * 10 + i) + " apples";
        auto facts = llm->ExtractFacts({{"user", text}}, "2026-01-02");
        if (facts.ok() && *facts == std::vector<std::string>{text}) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 20);
}

// --- Canned mode end to end (what the Memory layer's tests rely on). ---

TEST_F(OpenAiClientTest, CannedModeAnswersAllThreeQuestions) {
  auto llm = Llm();
  auto facts = llm->ExtractFacts(
      {{"user", "My name is Bob. I like tea!"}, {"assistant", "Nice. I like coffee."}},
      "2026-01-02");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, (std::vector<std::string>{"My name is Bob", "I like tea"}));

  auto decisions = llm->DecideUpdates(
      {"My name is Bob", "I no longer like coffee", "I like tea", "I play chess"},
      {{0, "My name is Alice."}, {1, "I like coffee"}, {2, "I like tea."}});
  ASSERT_TRUE(decisions.ok()) << decisions.error().ToString();
  ASSERT_EQ(decisions->size(), 4u);
  EXPECT_EQ((*decisions)[0].event, MemoryEvent::kUpdate);
  EXPECT_EQ((*decisions)[0].id, 0);
  EXPECT_EQ((*decisions)[0].text, "My name is Bob");
  EXPECT_EQ((*decisions)[1].event, MemoryEvent::kDelete);
  EXPECT_EQ((*decisions)[1].id, 1);
  EXPECT_EQ((*decisions)[2].event, MemoryEvent::kNone);
  EXPECT_EQ((*decisions)[2].id, 2);
  EXPECT_EQ((*decisions)[3].event, MemoryEvent::kAdd);
  EXPECT_EQ((*decisions)[3].text, "I play chess");

  auto relations = llm->ExtractRelations("I live in Paris. Alice works at Acme Corp. Hi", "Bob");
  ASSERT_TRUE(relations.ok()) << relations.error().ToString();
  ASSERT_EQ(relations->size(), 2u);
  const EntityRelation& r = (*relations)[0];
  EXPECT_EQ(std::vector<std::string>(
                {r.source, r.source_type, r.relationship, r.destination, r.destination_type}),
            std::vector<std::string>({"bob", "person", "live_in", "paris", "entity"}));
  EXPECT_EQ((*relations)[1].source, "alice");
  EXPECT_EQ((*relations)[1].relationship, "works_at_acme");
  EXPECT_EQ((*relations)[1].destination, "corp");
}

TEST_F(OpenAiClientTest, ChatResponderReceivesTheRequest) {
  std::string seen_model;
  server_.SetChatResponder([&](const json& request) {
    seen_model = request["model"].get<std::string>();
    return std::string(R"({"facts": ["from responder"]})");
  });
  auto facts = Llm()->ExtractFacts({{"user", "x"}}, "2026-01-02");
  ASSERT_TRUE(facts.ok()) << facts.error().ToString();
  EXPECT_EQ(*facts, std::vector<std::string>{"from responder"});
  EXPECT_EQ(seen_model, "gpt-test");
}

// --- Embeddings. ---

class OpenAiEmbedderTest : public OpenAiClientTest {};

float Dot(const std::vector<float>& a, const std::vector<float>& b) {
  float sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

TEST_F(OpenAiEmbedderTest, EmbedsWithNativeSize) {
  auto embedder = Embed();
  EXPECT_EQ(embedder->dims(), 0);
  auto vectors = embedder->Embed({"I like green tea", "green tea is nice", "the stock market"});
  ASSERT_TRUE(vectors.ok()) << vectors.error().ToString();
  ASSERT_EQ(vectors->size(), 3u);
  EXPECT_EQ(embedder->dims(), mem0::testing::kDefaultFakeDims);
  for (const auto& v : *vectors) EXPECT_NEAR(Dot(v, v), 1.0f, 1e-5);
  EXPECT_GT(Dot((*vectors)[0], (*vectors)[1]), Dot((*vectors)[0], (*vectors)[2]));
  EXPECT_EQ((*vectors)[0], mem0::testing::HashedEmbedding("I like green tea"));

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, kEmbeddings);
  EXPECT_EQ(requests[0].Header("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(requests[0].json["model"], "embed-test");
  EXPECT_EQ(requests[0].json["input"].size(), 3u);
  EXPECT_FALSE(requests[0].json.contains("dimensions"));
}

TEST_F(OpenAiEmbedderTest, SendsDimensionsAndChecksThem) {
  auto embedder = Embed(16);
  EXPECT_EQ(embedder->dims(), 16);
  auto vectors = embedder->Embed({"a b c"});
  ASSERT_TRUE(vectors.ok()) << vectors.error().ToString();
  EXPECT_EQ(vectors->at(0).size(), 16u);
  EXPECT_EQ(server_.requests().at(0).json["dimensions"], 16);

  server_.QueueEmbeddings(200, EmbeddingsBody({std::vector<float>(8, 0.5f)}));
  EXPECT_TRUE(BadReply(embedder->Embed({"x"}),
                       "embedding reply: data[0].embedding: 8 numbers, expected 16"));
}

TEST_F(OpenAiEmbedderTest, EmptyInputSendsNothing) {
  auto vectors = Embed()->Embed({});
  ASSERT_TRUE(vectors.ok());
  EXPECT_TRUE(vectors->empty());
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(OpenAiEmbedderTest, OrdersByIndex) {
  server_.QueueEmbeddings(200, EmbeddingsBody({{3, 3}, {1, 1}, {2, 2}}, {2, 0, 1}));
  auto vectors = Embed()->Embed({"one", "two", "three"});
  ASSERT_TRUE(vectors.ok()) << vectors.error().ToString();
  EXPECT_EQ(*vectors, (std::vector<std::vector<float>>{{1, 1}, {2, 2}, {3, 3}}));
}

TEST_F(OpenAiEmbedderTest, SplitsLargeInputsIntoBatches) {
  std::vector<std::string> texts;
  for (int i = 0; i < 600; ++i) texts.push_back("text number " + std::to_string(i));
  auto embedder = Embed();
  auto vectors = embedder->Embed(texts);
  ASSERT_TRUE(vectors.ok()) << vectors.error().ToString();
  ASSERT_EQ(vectors->size(), 600u);
  EXPECT_EQ((*vectors)[599], mem0::testing::HashedEmbedding("text number 599"));
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].json["input"].size(), 256u);
  EXPECT_EQ(requests[1].json["input"].size(), 256u);
  EXPECT_EQ(requests[2].json["input"].size(), 88u);
  EXPECT_EQ(requests[2].json["input"][0], "text number 512");
}

TEST_F(OpenAiEmbedderTest, HostileReplies) {
  auto embedder = Embed();
  server_.QueueEmbeddings(200, EmbeddingsBody({{1, 2}, {3, 4}}));
  EXPECT_TRUE(
      BadReply(embedder->Embed({"a", "b", "c"}), "embedding reply: data: 2 vectors for 3 texts"));
  server_.QueueEmbeddings(200, EmbeddingsBody({{1, 2}, {3, 4, 5}}));
  EXPECT_TRUE(BadReply(embedder->Embed({"a", "b"}),
                       "embedding reply: data[1].embedding: 3 numbers, expected 2"));
  server_.QueueEmbeddings(200, R"({"data": [{"index": 0, "embedding": [1, "NaN"]}]})");
  EXPECT_TRUE(
      BadReply(embedder->Embed({"a"}), "embedding reply: data[0].embedding[1]: expected a number"));
  server_.QueueEmbeddings(200, R"({"data": [{"index": 0, "embedding": [1, null]}]})");
  EXPECT_TRUE(
      BadReply(embedder->Embed({"a"}), "embedding reply: data[0].embedding[1]: expected a"));
  server_.QueueEmbeddings(200, R"({"data": [{"index": 0, "embedding": [1, 1e39]}]})");
  EXPECT_TRUE(
      BadReply(embedder->Embed({"a"}), "embedding reply: data[0].embedding[1]: not a finite"));
  server_.QueueEmbeddings(200, R"({"data": [{"index": 0, "embedding": [1, 1e400]}]})");
  EXPECT_TRUE(BadReply(embedder->Embed({"a"}), "embedding reply: "));
  server_.QueueEmbeddings(200, R"({"data": [{"index": 0, "embedding": []}]})");
  EXPECT_TRUE(BadReply(embedder->Embed({"a"}), "embedding reply: data[0].embedding: 0 numbers"));
  server_.QueueEmbeddings(
      200, R"({"data": [{"index": 0, "embedding": [1]}, {"index": 0, "embedding": [2]}]})");
  EXPECT_TRUE(
      BadReply(embedder->Embed({"a", "b"}), "embedding reply: data[1].index: 0 appears twice"));
  server_.QueueEmbeddings(200, R"({"data": [{"index": 5, "embedding": [1]}]})");
  EXPECT_TRUE(BadReply(embedder->Embed({"a"}), "embedding reply: data[0].index"));
  server_.QueueEmbeddings(200, R"({"object": "list"})");
  EXPECT_TRUE(BadReply(embedder->Embed({"a"}), "embedding reply: data: expected an array"));
  server_.QueueEmbeddings(200, "not json");
  EXPECT_TRUE(BadReply(embedder->Embed({"a"}), "embedding reply: not a JSON object"));
  EXPECT_EQ(embedder->dims(), 0);  // nothing valid came back yet
}

TEST_F(OpenAiEmbedderTest, RetriesAndHttpErrors) {
  auto embedder = Embed();
  server_.QueueEmbeddings(502, "Bad Gateway");
  auto vectors = embedder->Embed({"a"});
  ASSERT_TRUE(vectors.ok()) << vectors.error().ToString();
  EXPECT_EQ(sleeper_->delays().size(), 1u);

  server_.QueueEmbeddings(401, ErrorBody(std::string("Incorrect API key provided: ") + kKey));
  auto failed = embedder->Embed({"a"});
  EXPECT_TRUE(FailsWith(failed, ErrorCode::kNetworkError, "embeddings: HTTP 401"));
  EXPECT_EQ(server_.requests().size(), 3u);
}

}  // namespace
}  // namespace mem0::memory
