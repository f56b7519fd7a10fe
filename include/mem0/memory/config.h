// MemoryConfig: what a Memory is built from (stores, LLM, embedder, search
// knobs), in code or as a YAML / JSON file in the shape of mem0's dict config:
//
//   conversation_store:
//     provider: dynamodb            # or sqlite (the default)
//     config: {table_name: Mem0Conversations, region: us-east-1,
//              ttl_enabled: true, ttl_days: 30}
//   graph_store:
//     provider: dynamodb            # or sqlite (the default)
//     config: {table_name: Mem0Graph, region: us-east-1, enable_gsi: true}
//   llm:                            # optional; OpenAI-compatible endpoint
//     provider: openai
//     config: {model: gpt-4o-mini, base_url: "https://...", api_key: "${OPENAI_API_KEY}",
//              temperature: 0, timeout_s: 30}
//   embedder:                       # optional; OpenAI-compatible endpoint
//     provider: openai
//     config: {model: text-embedding-3-small, api_key: "${OPENAI_API_KEY}", dims: 1536}
//   search: {bm25_k1: 1.2, bm25_b: 0.75, coordination: 1.0, vector_weight: 0.5,
//            query_expansion: true, default_limit: 100, min_score: 0}
//   version: v1.1                   # optional, accepted for mem0 compatibility
//
// Store config keys (the names of mem0's DynamoDB module):
//   sqlite conversation: path (alias db_path), busy_timeout_ms, synchronous
//                        (normal | full), ttl_days
//   sqlite graph:        path (alias db_path), busy_timeout_ms, synchronous
//   dynamodb conversation: table_name, region, endpoint_url, profile,
//     aws_access_key_id, aws_secret_access_key, aws_session_token,
//     use_iam_role, allow_insecure_http, ttl_enabled, ttl_attribute, ttl_days
//   dynamodb graph: table_name, region, endpoint_url, profile, aws_access_key_id,
//     aws_secret_access_key, aws_session_token, use_iam_role, allow_insecure_http,
//     enable_gsi, gsi_name
//   (allow_insecure_http: plain http to an endpoint that is not loopback;
//   see dynamodb::ClientConfig)
//
// Parsing rules:
//  - YAML 1.2 (a superset of JSON: one parser reads both); the top level must
//    be a mapping. An empty document is the defaults.
//  - Unknown keys, duplicate keys, wrong types and bad values are
//    kInvalidArgument errors naming the key path, e.g.
//    "graph_store.config.enable_gsi: expected a boolean". Types are strict: a
//    quoted "true" is not a boolean, "30" is not an integer; integers must fit
//    their field. Error messages never contain a value from the document (so
//    never a secret), only key paths and environment variable names.
//  - String values may reference the environment: "${VAR}" as the whole value
//    or embedded ("Bearer-${TOKEN}"); "$${" is a literal "${". An unset
//    variable is an error naming the key path and the variable. A leading
//    "~/" in a store path is the home directory (HOME).
//  - A section that is null ("llm:" or "llm: ~") is absent; a missing
//    provider is the default one (sqlite for stores, openai otherwise).
//  - Python mem0 keys that are not ours (vector_store, history_db_path, ...)
//    are unknown keys, hence errors.
//
// Limits: files over kMaxConfigFileBytes are refused before parsing;
// yaml-cpp bounds its own recursion (it throws on documents nested about a
// thousand levels deep, reported as an error here), and the schema is at
// most three levels deep, so anchors/aliases (which yaml-cpp shares, never
// copies) are never expanded.
//
// Thread-safety: plain values and pure functions.
#ifndef MEM0_MEMORY_CONFIG_H_
#define MEM0_MEMORY_CONFIG_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mem0/core/env.h"
#include "mem0/core/result.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::memory {

inline constexpr std::size_t kMaxConfigFileBytes = 1024 * 1024;

enum class StoreProvider { kSqlite, kDynamoDB };

// "sqlite" or "dynamodb".
const char* StoreProviderName(StoreProvider provider);

// An OpenAI-compatible chat completions endpoint.
struct LlmConfig {
  std::string provider = "openai";  // the only provider so far
  std::string model;                // required, e.g. "gpt-4o-mini"
  std::string base_url;             // empty: https://api.openai.com/v1
  std::string api_key;              // secret; empty: OPENAI_API_KEY at call time
  double temperature = 0;           // [0, 2]
  double timeout_s = 30;            // per request, (0, 3600]
};

// An OpenAI-compatible embeddings endpoint.
struct EmbedderConfig {
  std::string provider = "openai";  // the only provider so far
  std::string model;                // required, e.g. "text-embedding-3-small"
  std::string base_url;             // empty: https://api.openai.com/v1
  std::string api_key;              // secret; empty: OPENAI_API_KEY at call time
  int dims = 0;                     // [0, 65536]; 0: the model's native size
};

// Ranking knobs of Memory::Search.
struct SearchConfig {
  double bm25_k1 = 1.2;         // BM25 term saturation, [0, 10]
  double bm25_b = 0.75;         // BM25 length normalisation, [0, 1]
  double coordination = 1.0;    // exponent favouring matches of more query terms, [0, 10]
  double vector_weight = 0.5;   // with an embedder: weight of vector similarity vs. BM25, [0, 1]
  bool query_expansion = true;  // add related terms (lower weight) to the query
  int default_limit = 100;      // results when the caller gives no limit, [1, 10000]
  double min_score = 0;         // drop hits whose normalised score is below, [0, 1]
};

struct MemoryConfig {
  // Which store backs conversations / the graph; only the matching config
  // below is used. The defaults are the embedded SQLite engine at
  // ~/.mem0/mem0.db (SqliteConfig with an empty path).
  StoreProvider conversation_provider = StoreProvider::kSqlite;
  StoreProvider graph_provider = StoreProvider::kSqlite;
  store::SqliteConfig sqlite_conversation;
  store::SqliteGraphConfig sqlite_graph;
  store::DynamoDBConversationConfig dynamodb_conversation;
  store::DynamoDBGraphConfig dynamodb_graph;

  std::optional<LlmConfig> llm;            // none: no LLM (memories stored as given)
  std::optional<EmbedderConfig> embedder;  // none: lexical (BM25) search only
  SearchConfig search;
  std::string version;  // mem0's config version ("v1.1"), informational
};

// Parses a YAML or JSON document into a validated MemoryConfig. `env`
// resolves ${VAR} references and HOME.
Result<MemoryConfig> ParseMemoryConfig(std::string_view text,
                                       const EnvironmentLookup& env = ProcessEnvironment());

// Reads and parses the file at `path` (at most kMaxConfigFileBytes). Errors
// name the path: kNotFound when the file does not exist, kStorageError when it
// cannot be read, kInvalidArgument for its contents.
Result<MemoryConfig> LoadMemoryConfig(const std::string& path,
                                      const EnvironmentLookup& env = ProcessEnvironment());

// Checks values and combinations (ranges, table names, endpoint schemes,
// explicit AWS keys given in pairs, ...) of the active providers' configs;
// errors name the key path as a file would spell it. ParseMemoryConfig
// calls it; call it yourself for a config built in code.
Status ValidateMemoryConfig(const MemoryConfig& config);

// The config as pretty-printed JSON in the file's shape (active providers
// only), with every non-empty credential (api_key, aws_access_key_id,
// aws_secret_access_key, aws_session_token) replaced by "***". For
// `mem0 config show`.
std::string DescribeMemoryConfig(const MemoryConfig& config);

}  // namespace mem0::memory

#endif  // MEM0_MEMORY_CONFIG_H_
