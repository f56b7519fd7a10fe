#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mem0/memory/config.h"

namespace mem0::memory {
namespace {

constexpr char kSecret[] = "sk-SUPERSECRET-4242";

EnvironmentLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvironmentLookup& TestEnv() {
  static const EnvironmentLookup env =
      FakeEnv({{"OPENAI_KEY", kSecret}, {"HOME", "/home/tester"}, {"TOKEN", "tok"}});
  return env;
}

Result<MemoryConfig> Parse(std::string_view text) { return ParseMemoryConfig(text, TestEnv()); }

// Parsing fails with kInvalidArgument and a message starting with `path: `.
::testing::AssertionResult FailsAt(std::string_view text, const std::string& path,
                                   const std::string& what = "") {
  auto result = Parse(text);
  if (result.ok()) return ::testing::AssertionFailure() << "parsed: " << text;
  const Error& e = result.error();
  if (e.code != ErrorCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "code " << ErrorCodeName(e.code) << ": " << e.message;
  }
  if (e.message.rfind(path + ": ", 0) != 0) {
    return ::testing::AssertionFailure() << "expected path " << path << ", got: " << e.message;
  }
  if (!what.empty() && e.message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure() << "expected '" << what << "' in: " << e.message;
  }
  return ::testing::AssertionSuccess();
}

TEST(MemoryConfigTest, DefaultsAreEmbeddedSqliteWithoutLlmOrEmbedder) {
  MemoryConfig config;
  EXPECT_EQ(config.conversation_provider, StoreProvider::kSqlite);
  EXPECT_EQ(config.graph_provider, StoreProvider::kSqlite);
  EXPECT_TRUE(config.sqlite_conversation.path.empty());  // the store's ~/.mem0/mem0.db
  EXPECT_FALSE(config.llm.has_value());
  EXPECT_FALSE(config.embedder.has_value());
  EXPECT_TRUE(ValidateMemoryConfig(config).ok());

  for (const char* text : {"", "# only a comment\n", "{}", "---\n"}) {
    auto parsed = Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->conversation_provider, StoreProvider::kSqlite);
    EXPECT_EQ(parsed->graph_provider, StoreProvider::kSqlite);
    EXPECT_FALSE(parsed->llm.has_value());
    EXPECT_FALSE(parsed->embedder.has_value());
    EXPECT_EQ(parsed->search.bm25_k1, 1.2);
  }
}

constexpr char kFullYaml[] = R"(
version: v1.1
conversation_store:
  provider: dynamodb
  config:
    table_name: MyConversations
    region: eu-west-1
    endpoint_url: http://localhost:8000
    profile: dev
    aws_access_key_id: AKIDEXAMPLE
    aws_secret_access_key: "${OPENAI_KEY}"
    aws_session_token: Bearer-${TOKEN}
    use_iam_role: false
    ttl_enabled: true
    ttl_attribute: expires_at
    ttl_days: 7
graph_store:
  provider: dynamodb
  config:
    table_name: MyGraph
    region: eu-west-2
    endpoint_url: https://dynamodb.eu-west-2.amazonaws.com
    profile: other
    use_iam_role: true
    enable_gsi: false
    gsi_name: TypeIdx
llm:
  provider: openai
  config:
    model: gpt-4o-mini
    base_url: https://llm.example.com/v1
    api_key: ${OPENAI_KEY}
    temperature: 0.2
    timeout_s: 45
embedder:
  provider: openai
  config:
    model: text-embedding-3-small
    base_url: http://127.0.0.1:11434/v1
    api_key: literal-$${NOT_EXPANDED}
    dims: 1536
search:
  bm25_k1: 1.5
  bm25_b: 0.5
  coordination: 0
  vector_weight: 0.7
  query_expansion: false
  default_limit: 20
  min_score: 0.1
)";

void ExpectFull(const MemoryConfig& c) {
  EXPECT_EQ(c.version, "v1.1");
  EXPECT_EQ(c.conversation_provider, StoreProvider::kDynamoDB);
  const auto& d = c.dynamodb_conversation;
  EXPECT_EQ(d.table_name, "MyConversations");
  EXPECT_EQ(d.region, "eu-west-1");
  EXPECT_EQ(d.endpoint_url, "http://localhost:8000");
  EXPECT_EQ(d.profile, "dev");
  EXPECT_EQ(d.aws_access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(d.aws_secret_access_key, kSecret);
  EXPECT_EQ(d.aws_session_token, "Bearer-tok");
  EXPECT_FALSE(d.use_iam_role);
  EXPECT_TRUE(d.ttl_enabled);
  EXPECT_EQ(d.ttl_attribute, "expires_at");
  EXPECT_EQ(d.ttl_days, 7);

  EXPECT_EQ(c.graph_provider, StoreProvider::kDynamoDB);
  const auto& g = c.dynamodb_graph;
  EXPECT_EQ(g.table_name, "MyGraph");
  EXPECT_EQ(g.region, "eu-west-2");
  EXPECT_EQ(g.endpoint_url, "https://dynamodb.eu-west-2.amazonaws.com");
  EXPECT_EQ(g.profile, "other");
  EXPECT_TRUE(g.use_iam_role);
  EXPECT_FALSE(g.enable_gsi);
  EXPECT_EQ(g.gsi_name, "TypeIdx");

  ASSERT_TRUE(c.llm.has_value());
  EXPECT_EQ(c.llm->provider, "openai");
  EXPECT_EQ(c.llm->model, "gpt-4o-mini");
  EXPECT_EQ(c.llm->base_url, "https://llm.example.com/v1");
  EXPECT_EQ(c.llm->api_key, kSecret);
  EXPECT_DOUBLE_EQ(c.llm->temperature, 0.2);
  EXPECT_DOUBLE_EQ(c.llm->timeout_s, 45);

  ASSERT_TRUE(c.embedder.has_value());
  EXPECT_EQ(c.embedder->model, "text-embedding-3-small");
  EXPECT_EQ(c.embedder->base_url, "http://127.0.0.1:11434/v1");
  EXPECT_EQ(c.embedder->api_key, "literal-${NOT_EXPANDED}");
  EXPECT_EQ(c.embedder->dims, 1536);

  EXPECT_DOUBLE_EQ(c.search.bm25_k1, 1.5);
  EXPECT_DOUBLE_EQ(c.search.bm25_b, 0.5);
  EXPECT_DOUBLE_EQ(c.search.coordination, 0);
  EXPECT_DOUBLE_EQ(c.search.vector_weight, 0.7);
  EXPECT_FALSE(c.search.query_expansion);
  EXPECT_EQ(c.search.default_limit, 20);
  EXPECT_DOUBLE_EQ(c.search.min_score, 0.1);
}

TEST(MemoryConfigTest, FullYaml) {
  auto parsed = Parse(kFullYaml);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ExpectFull(*parsed);
}

TEST(MemoryConfigTest, FullJson) {
  const char* json = R"({
    "version": "v1.1",
    "conversation_store": {"provider": "dynamodb", "config": {
      "table_name": "MyConversations", "region": "eu-west-1",
      "endpoint_url": "http://localhost:8000", "profile": "dev",
      "aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "${OPENAI_KEY}",
      "aws_session_token": "Bearer-${TOKEN}", "use_iam_role": false,
      "ttl_enabled": true, "ttl_attribute": "expires_at", "ttl_days": 7}},
    "graph_store": {"provider": "dynamodb", "config": {
      "table_name": "MyGraph", "region": "eu-west-2",
      "endpoint_url": "https://dynamodb.eu-west-2.amazonaws.com", "profile": "other",
      "use_iam_role": true, "enable_gsi": false, "gsi_name": "TypeIdx"}},
    "llm": {"provider": "openai", "config": {"model": "gpt-4o-mini",
      "base_url": "https://llm.example.com/v1", "api_key": "${OPENAI_KEY}",
      "temperature": 0.2, "timeout_s": 45}},
    "embedder": {"provider": "openai", "config": {"model": "text-embedding-3-small",
      "base_url": "http://127.0.0.1:11434/v1", "api_key": "literal-$${NOT_EXPANDED}",
      "dims": 1536}},
    "search": {"bm25_k1": 1.5, "bm25_b": 0.5, "coordination": 0, "vector_weight": 0.7,
      "query_expansion": false, "default_limit": 20, "min_score": 0.1}
  })";
  auto parsed = Parse(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ExpectFull(*parsed);
}

TEST(MemoryConfigTest, SqliteStores) {
  auto parsed = Parse(R"(
conversation_store:
  provider: sqlite
  config: {path: ~/data/mem.db, busy_timeout_ms: 500, ttl_days: 3, synchronous: full}
graph_store:
  provider: sqlite
  config: {db_path: /var/lib/mem0/graph.db, busy_timeout_ms: 0}
)");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->sqlite_conversation.synchronous, "full");
  EXPECT_EQ(parsed->sqlite_graph.synchronous, "normal");
  EXPECT_EQ(parsed->sqlite_conversation.path, "/home/tester/data/mem.db");
  EXPECT_EQ(parsed->sqlite_conversation.busy_timeout_ms, 500);
  EXPECT_EQ(parsed->sqlite_conversation.ttl_days, 3);
  EXPECT_EQ(parsed->sqlite_graph.path, "/var/lib/mem0/graph.db");
  EXPECT_EQ(parsed->sqlite_graph.busy_timeout_ms, 0);

  parsed = Parse("graph_store: {config: {synchronous: off}}\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("graph_store.config.synchronous"), std::string::npos)
      << parsed.error().message;
}

TEST(MemoryConfigTest, SectionsWithoutProviderOrConfigUseDefaults) {
  auto parsed = Parse("conversation_store: {provider: dynamodb}\ngraph_store:\nllm: ~\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->conversation_provider, StoreProvider::kDynamoDB);
  EXPECT_EQ(parsed->dynamodb_conversation.table_name, "Mem0Conversations");
  EXPECT_EQ(parsed->graph_provider, StoreProvider::kSqlite);
  EXPECT_FALSE(parsed->llm.has_value());

  parsed = Parse("graph_store: {config: {busy_timeout_ms: 5}}\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->sqlite_graph.busy_timeout_ms, 5);
  // Order of provider and config does not matter.
  parsed = Parse("graph_store: {config: {enable_gsi: false}, provider: dynamodb}\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_FALSE(parsed->dynamodb_graph.enable_gsi);
}

TEST(MemoryConfigTest, UnknownKeysNameTheFullPath) {
  EXPECT_TRUE(FailsAt("vector_store: {provider: qdrant}\n", "vector_store", "unknown key"));
  EXPECT_TRUE(FailsAt("history_db_path: /tmp/h.db\n", "history_db_path", "unknown key"));
  EXPECT_TRUE(FailsAt("conversation_store: {provider: sqlite, configs: {}}\n",
                      "conversation_store.configs", "unknown key"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {enable_gsis: true}}\n",
                      "graph_store.config.enable_gsis", "unknown key"));
  // A DynamoDB key under the SQLite provider.
  EXPECT_TRUE(FailsAt("graph_store: {provider: sqlite, config: {enable_gsi: true}}\n",
                      "graph_store.config.enable_gsi", "for provider sqlite"));
  EXPECT_TRUE(FailsAt("conversation_store: {config: {table_name: T}}\n",
                      "conversation_store.config.table_name", "unknown key"));
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, max_tokens: 5}}\n", "llm.config.max_tokens",
                      "unknown key"));
  EXPECT_TRUE(FailsAt("search: {top_k: 5}\n", "search.top_k", "unknown key"));
  EXPECT_TRUE(FailsAt("search: {bm25_k1: 1, bm25_k1: 2}\n", "search.bm25_k1", "duplicate key"));
}

TEST(MemoryConfigTest, WrongTypesNameTheFullPath) {
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {enable_gsi: \"true\"}}\n",
                      "graph_store.config.enable_gsi", "expected a boolean"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {enable_gsi: yes}}\n",
                      "graph_store.config.enable_gsi", "expected a boolean"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {enable_gsi: 1}}\n",
                      "graph_store.config.enable_gsi", "expected a boolean"));
  EXPECT_TRUE(FailsAt("conversation_store: {provider: dynamodb, config: {ttl_days: \"30\"}}\n",
                      "conversation_store.config.ttl_days", "expected an integer"));
  EXPECT_TRUE(FailsAt("conversation_store: {provider: dynamodb, config: {ttl_days: 1.5}}\n",
                      "conversation_store.config.ttl_days", "expected an integer"));
  EXPECT_TRUE(FailsAt("conversation_store: {config: {busy_timeout_ms: 99999999999}}\n",
                      "conversation_store.config.busy_timeout_ms", "out of range"));
  EXPECT_TRUE(FailsAt("conversation_store: {config: {path: [a, b]}}\n",
                      "conversation_store.config.path", "expected a string"));
  EXPECT_TRUE(FailsAt("conversation_store: {config: {path: }}\n", "conversation_store.config.path",
                      "expected a string"));
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, temperature: hot}}\n", "llm.config.temperature",
                      "expected a number"));
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, temperature: .nan}}\n", "llm.config.temperature",
                      "expected a number"));
  EXPECT_TRUE(FailsAt("embedder: {config: {model: m, dims: big}}\n", "embedder.config.dims",
                      "expected an integer"));
  EXPECT_TRUE(FailsAt("search: [1, 2]\n", "search", "expected a mapping"));
  EXPECT_TRUE(FailsAt("llm: openai\n", "llm", "expected a mapping"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: sqlite, config: 5}\n", "graph_store.config",
                      "expected a mapping"));
  EXPECT_TRUE(FailsAt("search: {query_expansion: !!str true}\n", "search.query_expansion",
                      "expected a boolean"));
}

TEST(MemoryConfigTest, BadValuesNameTheFullPath) {
  EXPECT_TRUE(FailsAt("conversation_store: {provider: postgres}\n", "conversation_store.provider",
                      "expected dynamodb or sqlite"));
  EXPECT_TRUE(FailsAt("llm: {provider: anthropic, config: {model: m}}\n", "llm.provider",
                      "expected openai"));
  EXPECT_TRUE(FailsAt("llm: {provider: openai}\n", "llm.config.model", "required"));
  EXPECT_TRUE(FailsAt("embedder: {config: {model: m, dims: -1}}\n", "embedder.config.dims"));
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, temperature: 3}}\n", "llm.config.temperature",
                      "between 0 and 2"));
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, timeout_s: 0}}\n", "llm.config.timeout_s"));
  EXPECT_TRUE(
      FailsAt("llm: {config: {model: m, base_url: ftp://x}}\n", "llm.config.base_url", "http"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {table_name: a}}\n",
                      "graph_store.config.table_name"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {table_name: \"bad name\"}}\n",
                      "graph_store.config.table_name"));
  EXPECT_TRUE(
      FailsAt("conversation_store: {provider: dynamodb, config: {ttl_enabled: true, "
              "ttl_days: 0}}\n",
              "conversation_store.config.ttl_days", "ttl_enabled"));
  EXPECT_TRUE(
      FailsAt("conversation_store: {provider: dynamodb, config: {endpoint_url: "
              "localhost:8000}}\n",
              "conversation_store.config.endpoint_url"));
  EXPECT_TRUE(FailsAt("graph_store: {provider: dynamodb, config: {aws_access_key_id: AKID}}\n",
                      "graph_store.config", "together"));
  EXPECT_TRUE(FailsAt("conversation_store: {config: {ttl_days: -1}}\n",
                      "conversation_store.config.ttl_days"));
  EXPECT_TRUE(FailsAt("search: {bm25_b: 1.5}\n", "search.bm25_b", "between 0 and 1"));
  EXPECT_TRUE(FailsAt("search: {default_limit: 0}\n", "search.default_limit"));
}

TEST(MemoryConfigTest, ValidateChecksConfigsBuiltInCode) {
  MemoryConfig config;
  config.graph_provider = StoreProvider::kDynamoDB;
  config.dynamodb_graph.table_name = "";
  auto status = ValidateMemoryConfig(config);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.rfind("graph_store.config.table_name: ", 0), 0u);

  config = MemoryConfig{};
  config.llm = LlmConfig{};
  status = ValidateMemoryConfig(config);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.rfind("llm.config.model: ", 0), 0u);
  config.llm->model = "gpt-4o";
  EXPECT_TRUE(ValidateMemoryConfig(config).ok());
}

TEST(MemoryConfigTest, EnvironmentReferences) {
  auto parsed = Parse(
      "llm: {config: {model: \"${TOKEN}-model\", api_key: \"${OPENAI_KEY}\", "
      "base_url: \"http://h/$${TOKEN}/${TOKEN}$x\"}}\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->llm->model, "tok-model");
  EXPECT_EQ(parsed->llm->api_key, kSecret);
  EXPECT_EQ(parsed->llm->base_url, "http://h/${TOKEN}/tok$x");

  auto unset = Parse("llm: {config: {model: m, api_key: \"${MISSING_KEY}\"}}\n");
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.error().message,
            "llm.config.api_key: environment variable MISSING_KEY is not set");
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, api_key: \"${OPENAI_KEY\"}}\n",
                      "llm.config.api_key", "unterminated"));
  EXPECT_TRUE(FailsAt("llm: {config: {model: m, api_key: \"${1BAD}\"}}\n", "llm.config.api_key",
                      "invalid environment variable name"));
  // Expanded values are not expanded again.
  auto once = ParseMemoryConfig("llm: {config: {model: \"${A}\"}}\n",
                                FakeEnv({{"A", "${B}"}, {"B", "no"}}));
  ASSERT_TRUE(once.ok()) << once.error().message;
  EXPECT_EQ(once->llm->model, "${B}");
  // HOME unset and a ~ path.
  auto no_home = ParseMemoryConfig("conversation_store: {config: {path: ~/x.db}}\n", FakeEnv({}));
  ASSERT_FALSE(no_home.ok());
  EXPECT_NE(no_home.error().message.find("HOME"), std::string::npos);
}

TEST(MemoryConfigTest, SecretsNeverAppearInErrors) {
  const std::string s = kSecret;
  const std::vector<std::string> documents = {
      // A secret in a wrong-typed or unknown place, literal or from the environment.
      "llm: {config: {model: m, temperature: " + s + "}}\n",
      "llm: {config: {model: m, api_key: [" + s + "]}}\n",
      "llm: {config: {model: m, api_key: {" + s + ": 1}}}\n",
      "llm: {config: {model: m, apikey: " + s + "}}\n",
      "llm: {config: {model: m, timeout_s: \"${OPENAI_KEY}\"}}\n",
      "llm: {provider: \"" + s + "\", config: {model: m}}\n",
      "llm: {provider: \"${OPENAI_KEY}\", config: {model: m}}\n",
      "llm: {config: {model: m, api_key: \"${" + s + "}\"}}\n",
      "llm: {config: {model: m, api_key: \"${" + s + "\"}}\n",
      "llm: {config: {model: m, base_url: \"" + s + "\", api_key: " + s + "}}\n",
      "conversation_store: {provider: dynamodb, config: {aws_secret_access_key: " + s + "}}\n",
      "conversation_store: {provider: dynamodb, config: {aws_session_token: " + s + "}}\n",
      "conversation_store: {provider: dynamodb, config: {table_name: \"x ${OPENAI_KEY}\"}}\n",
      "graph_store: {provider: dynamodb, config: {endpoint_url: \"${OPENAI_KEY}\"}}\n",
      "search: {default_limit: " + s + "}\n",
      "llm: {config: {model: m, api_key: \"" + s + "\n",  // broken YAML
      "llm: {config: {model: m, api_key: '" + s + "'}}}\n",
      "- " + s + "\n",
      s + "\n",
      "? [" + s + "]\n: 1\n",
  };
  for (const std::string& doc : documents) {
    auto result = Parse(doc);
    ASSERT_FALSE(result.ok()) << doc;
    EXPECT_EQ(result.error().message.find(s), std::string::npos)
        << doc << " -> " << result.error().message;
    EXPECT_EQ(result.error().ToString().find(s), std::string::npos);
  }
}

TEST(MemoryConfigTest, DescribeMasksSecrets) {
  auto parsed = Parse(kFullYaml);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const std::string text = DescribeMemoryConfig(*parsed);
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(text.find("AKIDEXAMPLE"), std::string::npos) << text;
  EXPECT_EQ(text.find("Bearer-tok"), std::string::npos) << text;
  const auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["llm"]["config"]["api_key"], "***");
  EXPECT_EQ(json["embedder"]["config"]["api_key"], "***");
  EXPECT_EQ(json["conversation_store"]["config"]["aws_secret_access_key"], "***");
  EXPECT_EQ(json["conversation_store"]["config"]["aws_session_token"], "***");
  EXPECT_EQ(json["conversation_store"]["config"]["table_name"], "MyConversations");
  EXPECT_EQ(json["graph_store"]["config"]["aws_secret_access_key"], "");
  EXPECT_EQ(json["graph_store"]["config"]["enable_gsi"], false);
  EXPECT_EQ(json["search"]["default_limit"], 20);

  // The description is itself a valid config (secrets aside).
  MemoryConfig defaults;
  auto round_trip = Parse(DescribeMemoryConfig(defaults));
  ASSERT_TRUE(round_trip.ok()) << round_trip.error().message;
  EXPECT_EQ(round_trip->conversation_provider, StoreProvider::kSqlite);
  EXPECT_FALSE(round_trip->llm.has_value());
}

TEST(MemoryConfigTest, NonMappingTopLevelIsRejected) {
  for (const char* text : {"- a\n- b\n", "[1, 2]", "just a string", "42", "\"quoted\""}) {
    EXPECT_TRUE(FailsAt(text, "config", "mapping")) << text;
  }
  EXPECT_TRUE(FailsAt("{a: 1", "config", "not valid YAML"));
  EXPECT_TRUE(FailsAt("search: {}\n---\nsearch: {}\n", "config", "one YAML document"));
  EXPECT_TRUE(FailsAt("? [a, b]\n: 1\n", "config", "keys must be strings"));
}

TEST(MemoryConfigTest, HostileDocumentsFailCleanly) {
  // Deep flow nesting, in a known key and at the top.
  for (int depth : {100, 10000, 100000}) {
    const std::string seq = std::string(depth, '[') + std::string(depth, ']');
    auto result = Parse("search: " + seq);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    std::string maps;
    for (int i = 0; i < depth; ++i) maps += "{a: ";
    maps += "1" + std::string(depth, '}');
    result = Parse(maps);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  }
  // Deep block nesting.
  std::string block;
  for (int i = 0; i < 1500; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  EXPECT_FALSE(Parse(block).ok());

  // Billion laughs: yaml-cpp shares aliased nodes and the schema never walks
  // them, so this fails fast at the first unknown key or wrong type.
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  std::string prev = "a";
  for (int i = 0; i < 20; ++i) {
    const std::string name = "l" + std::to_string(i);
    laughs += name + ": &" + name + " [";
    for (int k = 0; k < 9; ++k) laughs += (k ? ", *" : "*") + prev;
    laughs += "]\n";
    prev = name;
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(FailsAt(laughs, "a", "unknown key"));
  EXPECT_TRUE(FailsAt(laughs + "search: *" + prev + "\n", "a", "unknown key"));
  EXPECT_TRUE(FailsAt("search: {bm25_k1: &x [1, 1]}\nllm: {config: {model: *x}}\n",
                      "search.bm25_k1", "expected a number"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // An alias of a scalar is fine where the type fits.
  auto aliased = Parse(
      "llm: {config: {model: &m gpt, base_url: http://x}}\n"
      "embedder: {config: {model: *m}}\n");
  ASSERT_TRUE(aliased.ok()) << aliased.error().message;
  EXPECT_EQ(aliased->embedder->model, "gpt");

  // Oversized input.
  EXPECT_TRUE(FailsAt(std::string(kMaxConfigFileBytes + 1, ' '), "config", "larger than"));
  // NUL bytes and invalid UTF-8 do not crash.
  EXPECT_FALSE(Parse(std::string("search: {bm25_k1: 1\0}", 21)).ok());
  auto bytes = Parse("llm: {config: {model: \"\xff\xfe\"}}\n");
  if (bytes.ok()) EXPECT_FALSE(DescribeMemoryConfig(*bytes).empty());
}

class MemoryConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mem0_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(MemoryConfigFileTest, LoadsYamlAndJsonFiles) {
  auto yaml = LoadMemoryConfig(Write("mem0.yaml", kFullYaml), TestEnv());
  ASSERT_TRUE(yaml.ok()) << yaml.error().message;
  ExpectFull(*yaml);
  auto json = LoadMemoryConfig(Write("mem0.json", DescribeMemoryConfig(MemoryConfig{})), TestEnv());
  ASSERT_TRUE(json.ok()) << json.error().message;
}

TEST_F(MemoryConfigFileTest, MissingLargeAndBadFilesNameThePath) {
  const std::string missing = (dir_ / "nope.yaml").string();
  auto result = LoadMemoryConfig(missing, TestEnv());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_NE(result.error().message.find(missing), std::string::npos);

  const std::string big = Write("big.yaml", std::string(kMaxConfigFileBytes + 10, '#'));
  result = LoadMemoryConfig(big, TestEnv());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find(big), std::string::npos);
  EXPECT_NE(result.error().message.find("larger than"), std::string::npos);

  result = LoadMemoryConfig(dir_.string(), TestEnv());
  ASSERT_FALSE(result.ok());

  const std::string bad = Write("bad.yaml",
                                "graph_store: {provider: dynamodb, config: "
                                "{enable_gsi: \"true\"}}\n");
  result = LoadMemoryConfig(bad, TestEnv());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      result.error().message,
      "config file " + bad + ": graph_store.config.enable_gsi: expected a boolean (true or false)");
}

}  // namespace
}  // namespace mem0::memory
