#include "mem0/memory/config.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace mem0::memory {
namespace {

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";
constexpr std::string_view kBoolTag = "tag:yaml.org,2002:bool";
constexpr std::string_view kIntTag = "tag:yaml.org,2002:int";
constexpr std::string_view kFloatTag = "tag:yaml.org,2002:float";
constexpr std::size_t kMaxEchoedKeyBytes = 64;

Error Invalid(const std::string& path, std::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument, path + ": " + std::string(what));
}

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// A key as it may appear in an error: printable ASCII, bounded.
std::string EchoKey(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, kMaxEchoedKeyBytes)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (key.size() > kMaxEchoedKeyBytes) out += "...";
  return out;
}

bool IsEnvNameChar(char c, bool first) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (!first && c >= '0' && c <= '9');
}

// Expands ${VAR} references; "$${" is a literal "${".
Result<std::string> ExpandEnvironment(std::string_view in, const std::string& path,
                                      const EnvironmentLookup& env) {
  std::string out;
  std::size_t i = 0;
  while (i < in.size()) {
    if (in.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
    } else if (in.substr(i, 2) == "${") {
      const std::size_t close = in.find('}', i + 2);
      if (close == std::string_view::npos) {
        return Invalid(path, "unterminated ${...} reference (write $${ for a literal ${)");
      }
      const std::string_view name = in.substr(i + 2, close - i - 2);
      bool valid = !name.empty();
      for (std::size_t k = 0; valid && k < name.size(); ++k) {
        valid = IsEnvNameChar(name[k], k == 0);
      }
      if (!valid) {
        return Invalid(path, "invalid environment variable name in ${...} (letters, digits, _)");
      }
      std::optional<std::string> value = env ? env(name) : std::nullopt;
      if (!value) {
        return Invalid(path, "environment variable " + std::string(name) + " is not set");
      }
      out += *value;
      i = close + 1;
    } else {
      out += in[i++];
    }
  }
  return out;
}

// Walks the document against the schema, filling a MemoryConfig.
class Reader {
 public:
  explicit Reader(const EnvironmentLookup& env) : env_(env) {}

  using Handler = std::function<Status(const YAML::Node& value, const std::string& path)>;
  using Fields = std::vector<std::pair<std::string_view, Handler>>;

  // Dispatches each entry of a mapping to its handler; unknown and duplicate
  // keys are errors.
  static Status ReadMapping(const YAML::Node& node, const std::string& path, const Fields& fields,
                            std::string_view unknown_hint = {}) {
    const std::string where = path.empty() ? "config" : path;
    if (!node.IsMap()) return Invalid(where, "expected a mapping");
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const YAML::Node key = entry.first;  // copies: the iterator's pair is a temporary
      const YAML::Node value = entry.second;
      if (!key.IsScalar()) return Invalid(where, "keys must be strings");
      const std::string& name = key.Scalar();
      const std::string key_path = Join(path, EchoKey(name));
      if (!seen.insert(name).second) return Invalid(key_path, "duplicate key");
      const Handler* handler = nullptr;
      for (const auto& [field, h] : fields) {
        if (field == name) handler = &h;
      }
      if (handler == nullptr) {
        return Invalid(key_path, "unknown key" + std::string(unknown_hint));
      }
      MEM0_RETURN_IF_ERROR((*handler)(value, key_path));
    }
    return {};
  }

  Result<std::string> String(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) return Invalid(path, "expected a string");
    const std::string& tag = node.Tag();
    if (tag != "?" && tag != "!" && tag != kStrTag) return Invalid(path, "expected a string");
    return ExpandEnvironment(node.Scalar(), path, env_);
  }

  // A store path: a string, with a leading "~/" as HOME.
  Result<std::string> FilePath(const YAML::Node& node, const std::string& path) const {
    MEM0_ASSIGN_OR_RETURN(std::string value, String(node, path));
    if (value == "~" || value.rfind("~/", 0) == 0) {
      std::optional<std::string> home = env_ ? env_("HOME") : std::nullopt;
      if (!home || home->empty()) {
        return Invalid(path, "starts with ~ but environment variable HOME is not set");
      }
      value = *home + value.substr(1);
    }
    return value;
  }

  static Result<bool> Bool(const YAML::Node& node, const std::string& path) {
    static const std::set<std::string_view> kTrue = {"true", "True", "TRUE"};
    static const std::set<std::string_view> kFalse = {"false", "False", "FALSE"};
    if (node.IsScalar() && (node.Tag() == "?" || node.Tag() == kBoolTag)) {
      if (kTrue.count(node.Scalar())) return true;
      if (kFalse.count(node.Scalar())) return false;
    }
    return Invalid(path, "expected a boolean (true or false)");
  }

  static Result<int> Int(const YAML::Node& node, const std::string& path) {
    if (node.IsScalar() && (node.Tag() == "?" || node.Tag() == kIntTag)) {
      std::string_view text = node.Scalar();
      if (!text.empty() && text.front() == '+') text.remove_prefix(1);
      int64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
        if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
          return Invalid(path, "integer out of range");
        }
        return static_cast<int>(value);
      }
      if (ec == std::errc::result_out_of_range) return Invalid(path, "integer out of range");
    }
    return Invalid(path, "expected an integer");
  }

  static Result<double> Number(const YAML::Node& node, const std::string& path) {
    if (node.IsScalar() &&
        (node.Tag() == "?" || node.Tag() == kFloatTag || node.Tag() == kIntTag)) {
      std::string_view text = node.Scalar();
      if (!text.empty() && text.front() == '+') text.remove_prefix(1);
      double value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value,
                                             std::chars_format::general);
      if (!text.empty() && ec == std::errc() && end == text.data() + text.size() &&
          std::isfinite(value)) {
        return value;
      }
    }
    return Invalid(path, "expected a number");
  }

  Status Top(const YAML::Node& root, MemoryConfig& config) const {
    if (root.IsNull()) return {};
    if (!root.IsMap()) return Invalid("config", "the top level must be a mapping");
    return ReadMapping(
        root, "",
        {
            {"conversation_store",
             [&](const YAML::Node& v, const std::string& p) {
               return ReadConversationStore(v, p, config);
             }},
            {"graph_store", [&](const YAML::Node& v,
                                const std::string& p) { return ReadGraphStore(v, p, config); }},
            {"llm",
             [&](const YAML::Node& v, const std::string& p) { return ReadLlm(v, p, config); }},
            {"embedder",
             [&](const YAML::Node& v, const std::string& p) { return ReadEmbedder(v, p, config); }},
            {"search", [&](const YAML::Node& v,
                           const std::string& p) { return ReadSearch(v, p, config.search); }},
            {"version", [&](const YAML::Node& v,
                            const std::string& p) { return Assign(String(v, p), config.version); }},
        },
        " (expected conversation_store, graph_store, llm, embedder, search, version)");
  }

 private:
  template <typename T, typename U>
  static Status Assign(Result<T> value, U& field) {
    if (!value.ok()) return std::move(value).error();
    field = std::move(value).value();
    return {};
  }

  Handler StringField(std::string& field) const {
    return [this, &field](const YAML::Node& v, const std::string& p) {
      return Assign(String(v, p), field);
    };
  }
  Handler PathField(std::string& field) const {
    return [this, &field](const YAML::Node& v, const std::string& p) {
      return Assign(FilePath(v, p), field);
    };
  }
  static Handler BoolField(bool& field) {
    return
        [&field](const YAML::Node& v, const std::string& p) { return Assign(Bool(v, p), field); };
  }
  static Handler IntField(int& field) {
    return [&field](const YAML::Node& v, const std::string& p) { return Assign(Int(v, p), field); };
  }
  static Handler NumberField(double& field) {
    return
        [&field](const YAML::Node& v, const std::string& p) { return Assign(Number(v, p), field); };
  }

  void AddConnectionFields(dynamodb::ConnectionConfig& c, Fields& fields) const {
    fields.emplace_back("region", StringField(c.region));
    fields.emplace_back("endpoint_url", StringField(c.endpoint_url));
    fields.emplace_back("profile", StringField(c.profile));
    fields.emplace_back("aws_access_key_id", StringField(c.aws_access_key_id));
    fields.emplace_back("aws_secret_access_key", StringField(c.aws_secret_access_key));
    fields.emplace_back("aws_session_token", StringField(c.aws_session_token));
    fields.emplace_back("use_iam_role", BoolField(c.use_iam_role));
    fields.emplace_back("allow_insecure_http", BoolField(c.allow_insecure_http));
  }

  // {provider: ..., config: {...}}: reads the provider first, then the
  // config with `config_fields(provider)`.
  template <typename Provider>
  Status ReadSection(
      const YAML::Node& node, const std::string& path,
      const std::function<Result<Provider>(const YAML::Node&, const std::string&)>& read_provider,
      Provider& provider,
      const std::function<Status(Provider, const YAML::Node&, const std::string&)>& read_config)
      const {
    if (node.IsNull()) return {};
    if (!node.IsMap()) return Invalid(path, "expected a mapping with provider and config");
    const YAML::Node* config_node = nullptr;
    YAML::Node config_copy;
    MEM0_RETURN_IF_ERROR(ReadMapping(node, path,
                                     {
                                         {"provider",
                                          [&](const YAML::Node& v, const std::string& p) {
                                            return Assign(read_provider(v, p), provider);
                                          }},
                                         {"config",
                                          [&](const YAML::Node& v, const std::string&) {
                                            config_copy = v;
                                            config_node = &config_copy;
                                            return Status();
                                          }},
                                     },
                                     " (expected provider and config)"));
    if (config_node == nullptr || config_node->IsNull()) return {};
    const std::string config_path = Join(path, "config");
    if (!config_node->IsMap()) return Invalid(config_path, "expected a mapping");
    return read_config(provider, *config_node, config_path);
  }

  Result<StoreProvider> ReadStoreProvider(const YAML::Node& node, const std::string& path) const {
    MEM0_ASSIGN_OR_RETURN(std::string name, String(node, path));
    if (name == "sqlite") return StoreProvider::kSqlite;
    if (name == "dynamodb") return StoreProvider::kDynamoDB;
    return Invalid(path, "unknown provider (expected dynamodb or sqlite)");
  }

  Result<std::string> ReadOpenAiProvider(const YAML::Node& node, const std::string& path) const {
    MEM0_ASSIGN_OR_RETURN(std::string name, String(node, path));
    if (name != "openai") {
      return Invalid(path,
                     "unknown provider (expected openai; any OpenAI-compatible server via "
                     "base_url)");
    }
    return name;
  }

  Status ReadConversationStore(const YAML::Node& node, const std::string& path,
                               MemoryConfig& config) const {
    return ReadSection<StoreProvider>(
        node, path,
        [this](const YAML::Node& v, const std::string& p) { return ReadStoreProvider(v, p); },
        config.conversation_provider,
        [&](StoreProvider provider, const YAML::Node& v, const std::string& p) {
          Fields fields;
          if (provider == StoreProvider::kSqlite) {
            store::SqliteConfig& c = config.sqlite_conversation;
            fields = {{"path", PathField(c.path)},
                      {"db_path", PathField(c.path)},
                      {"busy_timeout_ms", IntField(c.busy_timeout_ms)},
                      {"synchronous", StringField(c.synchronous)},
                      {"ttl_days", IntField(c.ttl_days)}};
          } else {
            store::DynamoDBConversationConfig& c = config.dynamodb_conversation;
            fields = {{"table_name", StringField(c.table_name)},
                      {"ttl_enabled", BoolField(c.ttl_enabled)},
                      {"ttl_attribute", StringField(c.ttl_attribute)},
                      {"ttl_days", IntField(c.ttl_days)}};
            AddConnectionFields(c, fields);
          }
          return ReadMapping(v, p, fields,
                             provider == StoreProvider::kSqlite ? " for provider sqlite"
                                                                : " for provider dynamodb");
        });
  }

  Status ReadGraphStore(const YAML::Node& node, const std::string& path,
                        MemoryConfig& config) const {
    return ReadSection<StoreProvider>(
        node, path,
        [this](const YAML::Node& v, const std::string& p) { return ReadStoreProvider(v, p); },
        config.graph_provider,
        [&](StoreProvider provider, const YAML::Node& v, const std::string& p) {
          Fields fields;
          if (provider == StoreProvider::kSqlite) {
            store::SqliteGraphConfig& c = config.sqlite_graph;
            fields = {{"path", PathField(c.path)},
                      {"db_path", PathField(c.path)},
                      {"busy_timeout_ms", IntField(c.busy_timeout_ms)},
                      {"synchronous", StringField(c.synchronous)}};
          } else {
            store::DynamoDBGraphConfig& c = config.dynamodb_graph;
            fields = {{"table_name", StringField(c.table_name)},
                      {"enable_gsi", BoolField(c.enable_gsi)},
                      {"gsi_name", StringField(c.gsi_name)}};
            AddConnectionFields(c, fields);
          }
          return ReadMapping(v, p, fields,
                             provider == StoreProvider::kSqlite ? " for provider sqlite"
                                                                : " for provider dynamodb");
        });
  }

  Status ReadLlm(const YAML::Node& node, const std::string& path, MemoryConfig& config) const {
    if (node.IsNull()) return {};
    LlmConfig llm;
    MEM0_RETURN_IF_ERROR(ReadSection<std::string>(
        node, path,
        [this](const YAML::Node& v, const std::string& p) { return ReadOpenAiProvider(v, p); },
        llm.provider,
        [&](const std::string&, const YAML::Node& v, const std::string& p) {
          return ReadMapping(v, p,
                             {{"model", StringField(llm.model)},
                              {"base_url", StringField(llm.base_url)},
                              {"api_key", StringField(llm.api_key)},
                              {"temperature", NumberField(llm.temperature)},
                              {"timeout_s", NumberField(llm.timeout_s)}});
        }));
    config.llm = std::move(llm);
    return {};
  }

  Status ReadEmbedder(const YAML::Node& node, const std::string& path, MemoryConfig& config) const {
    if (node.IsNull()) return {};
    EmbedderConfig embedder;
    MEM0_RETURN_IF_ERROR(ReadSection<std::string>(
        node, path,
        [this](const YAML::Node& v, const std::string& p) { return ReadOpenAiProvider(v, p); },
        embedder.provider,
        [&](const std::string&, const YAML::Node& v, const std::string& p) {
          return ReadMapping(v, p,
                             {{"model", StringField(embedder.model)},
                              {"base_url", StringField(embedder.base_url)},
                              {"api_key", StringField(embedder.api_key)},
                              {"dims", IntField(embedder.dims)}});
        }));
    config.embedder = std::move(embedder);
    return {};
  }

  static Status ReadSearch(const YAML::Node& node, const std::string& path, SearchConfig& s) {
    if (node.IsNull()) return {};
    return ReadMapping(node, path,
                       {{"bm25_k1", NumberField(s.bm25_k1)},
                        {"bm25_b", NumberField(s.bm25_b)},
                        {"coordination", NumberField(s.coordination)},
                        {"vector_weight", NumberField(s.vector_weight)},
                        {"query_expansion", BoolField(s.query_expansion)},
                        {"default_limit", IntField(s.default_limit)},
                        {"min_score", NumberField(s.min_score)}});
  }

  const EnvironmentLookup& env_;
};

// ---- Validation ----

Status CheckRange(double value, double min, double max, const std::string& path) {
  if (!(value >= min && value <= max)) {
    char text[64];
    std::snprintf(text, sizeof text, "must be between %g and %g", min, max);
    return Invalid(path, text);
  }
  return {};
}

Status CheckUrl(const std::string& url, const std::string& path) {
  if (url.empty()) return {};
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Invalid(path, "must start with http:// or https://");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Invalid(path, "must not contain spaces or control characters");
    }
  }
  return {};
}

// DynamoDB table and index names: 3..255 of [A-Za-z0-9_.-].
Status CheckDynamoDBName(const std::string& name, const std::string& path) {
  bool valid = name.size() >= 3 && name.size() <= 255;
  for (char c : name) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.');
  }
  if (!valid) return Invalid(path, "must be 3 to 255 characters of A-Z a-z 0-9 _ - .");
  return {};
}

Status CheckConnection(const dynamodb::ConnectionConfig& c, const std::string& path) {
  MEM0_RETURN_IF_ERROR(CheckUrl(c.endpoint_url, Join(path, "endpoint_url")));
  if (c.aws_access_key_id.empty() != c.aws_secret_access_key.empty()) {
    return Invalid(path, "aws_access_key_id and aws_secret_access_key must be given together");
  }
  if (!c.aws_session_token.empty() && c.aws_access_key_id.empty()) {
    return Invalid(Join(path, "aws_session_token"),
                   "needs aws_access_key_id and aws_secret_access_key");
  }
  if (!c.use_iam_role && c.aws_access_key_id.empty()) {
    return Invalid(Join(path, "use_iam_role"),
                   "is false but no aws_access_key_id / aws_secret_access_key are given");
  }
  return {};
}

// ---- Description ----

std::string Mask(const std::string& secret) { return secret.empty() ? "" : "***"; }

nlohmann::ordered_json DescribeConnection(const dynamodb::ConnectionConfig& c) {
  nlohmann::ordered_json j;
  j["region"] = c.region;
  j["endpoint_url"] = c.endpoint_url;
  j["profile"] = c.profile;
  j["aws_access_key_id"] = Mask(c.aws_access_key_id);
  j["aws_secret_access_key"] = Mask(c.aws_secret_access_key);
  j["aws_session_token"] = Mask(c.aws_session_token);
  j["use_iam_role"] = c.use_iam_role;
  if (c.allow_insecure_http) j["allow_insecure_http"] = true;
  return j;
}

}  // namespace

const char* StoreProviderName(StoreProvider provider) {
  return provider == StoreProvider::kDynamoDB ? "dynamodb" : "sqlite";
}

Status ValidateMemoryConfig(const MemoryConfig& config) {
  if (config.conversation_provider == StoreProvider::kSqlite) {
    const auto& c = config.sqlite_conversation;
    const std::string p = "conversation_store.config";
    if (c.busy_timeout_ms < 0) return Invalid(Join(p, "busy_timeout_ms"), "must be >= 0");
    if (c.ttl_days < 0) return Invalid(Join(p, "ttl_days"), "must be >= 0 (0: no expiry)");
    if (c.synchronous != "normal" && c.synchronous != "full") {
      return Invalid(Join(p, "synchronous"), "must be \"normal\" or \"full\"");
    }
  } else {
    const auto& c = config.dynamodb_conversation;
    const std::string p = "conversation_store.config";
    MEM0_RETURN_IF_ERROR(CheckDynamoDBName(c.table_name, Join(p, "table_name")));
    if (c.ttl_enabled) {
      if (c.ttl_days <= 0) return Invalid(Join(p, "ttl_days"), "must be > 0 when ttl_enabled");
      if (c.ttl_attribute.empty() || c.ttl_attribute.size() > 255) {
        return Invalid(Join(p, "ttl_attribute"), "must be 1 to 255 characters");
      }
    }
    MEM0_RETURN_IF_ERROR(CheckConnection(c, p));
  }
  if (config.graph_provider == StoreProvider::kSqlite) {
    if (config.sqlite_graph.busy_timeout_ms < 0) {
      return Invalid("graph_store.config.busy_timeout_ms", "must be >= 0");
    }
    if (config.sqlite_graph.synchronous != "normal" && config.sqlite_graph.synchronous != "full") {
      return Invalid("graph_store.config.synchronous", "must be \"normal\" or \"full\"");
    }
  } else {
    const auto& c = config.dynamodb_graph;
    const std::string p = "graph_store.config";
    MEM0_RETURN_IF_ERROR(CheckDynamoDBName(c.table_name, Join(p, "table_name")));
    if (c.enable_gsi) MEM0_RETURN_IF_ERROR(CheckDynamoDBName(c.gsi_name, Join(p, "gsi_name")));
    MEM0_RETURN_IF_ERROR(CheckConnection(c, p));
  }
  if (config.llm) {
    const LlmConfig& l = *config.llm;
    if (l.provider != "openai")
      return Invalid("llm.provider", "unknown provider (expected openai)");
    if (l.model.empty()) return Invalid("llm.config.model", "is required");
    MEM0_RETURN_IF_ERROR(CheckUrl(l.base_url, "llm.config.base_url"));
    MEM0_RETURN_IF_ERROR(CheckRange(l.temperature, 0, 2, "llm.config.temperature"));
    if (!(l.timeout_s > 0 && l.timeout_s <= 3600)) {
      return Invalid("llm.config.timeout_s", "must be > 0 and at most 3600");
    }
  }
  if (config.embedder) {
    const EmbedderConfig& e = *config.embedder;
    if (e.provider != "openai") {
      return Invalid("embedder.provider", "unknown provider (expected openai)");
    }
    if (e.model.empty()) return Invalid("embedder.config.model", "is required");
    MEM0_RETURN_IF_ERROR(CheckUrl(e.base_url, "embedder.config.base_url"));
    if (e.dims < 0 || e.dims > 65536) {
      return Invalid("embedder.config.dims", "must be between 0 and 65536 (0: model default)");
    }
  }
  const SearchConfig& s = config.search;
  MEM0_RETURN_IF_ERROR(CheckRange(s.bm25_k1, 0, 10, "search.bm25_k1"));
  MEM0_RETURN_IF_ERROR(CheckRange(s.bm25_b, 0, 1, "search.bm25_b"));
  MEM0_RETURN_IF_ERROR(CheckRange(s.coordination, 0, 10, "search.coordination"));
  MEM0_RETURN_IF_ERROR(CheckRange(s.vector_weight, 0, 1, "search.vector_weight"));
  MEM0_RETURN_IF_ERROR(CheckRange(s.min_score, 0, 1, "search.min_score"));
  if (s.default_limit < 1 || s.default_limit > 10000) {
    return Invalid("search.default_limit", "must be between 1 and 10000");
  }
  return {};
}

namespace {

// Counts documents; the nodes are built by YAML::Load.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// How many documents `text` holds: 0, 1 or 2 (meaning two or more). Not
// YAML::LoadAll, which never returns on some invalid inputs (",-": yaml-cpp
// up to 0.8 keeps yielding an empty document without consuming a token,
// jbeder/yaml-cpp#1319): the parser is asked for at most two.
int CountDocuments(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentCounter counter;
  int documents = 0;
  while (documents < 2 && parser.HandleNextDocument(counter)) ++documents;
  return documents;
}

}  // namespace

Result<MemoryConfig> ParseMemoryConfig(std::string_view text, const EnvironmentLookup& env) {
  if (text.size() > kMaxConfigFileBytes) {
    return Invalid("config", "larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
  }
  MemoryConfig config;
  try {
    const std::string document(text);
    const int documents = CountDocuments(document);
    if (documents > 1) return Invalid("config", "expected one YAML document, not several");
    const YAML::Node root = documents == 0 ? YAML::Node() : YAML::Load(document);
    Reader reader(env);
    MEM0_RETURN_IF_ERROR(reader.Top(root, config));
  } catch (const YAML::DeepRecursion& e) {
    return Invalid("config", "nested too deeply (line " + std::to_string(e.mark.line + 1) + ")");
  } catch (const YAML::ParserException& e) {
    // msg is yaml-cpp's fixed description; the document's text is not echoed.
    return Invalid("config", "not valid YAML or JSON: " + e.msg + " (line " +
                                 std::to_string(e.mark.line + 1) + ", column " +
                                 std::to_string(e.mark.column + 1) + ")");
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorCode::kInternal, "config: out of memory while parsing");
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kInternal, "config: the YAML library failed");
  }
  MEM0_RETURN_IF_ERROR(ValidateMemoryConfig(config));
  return config;
}

Result<MemoryConfig> LoadMemoryConfig(const std::string& path, const EnvironmentLookup& env) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return MakeError(ErrorCode::kNotFound, "config file " + path + ": not found");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, "config file " + path + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kStorageError, "config file " + path + ": cannot open");
  std::string text;
  char buffer[16384];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigFileBytes) {
      return MakeError(ErrorCode::kInvalidArgument, "config file " + path + ": larger than " +
                                                        std::to_string(kMaxConfigFileBytes) +
                                                        " bytes");
    }
  }
  if (in.bad()) return MakeError(ErrorCode::kStorageError, "config file " + path + ": read error");
  auto config = ParseMemoryConfig(text, env);
  if (!config.ok()) {
    Error error = std::move(config).error();
    error.message = "config file " + path + ": " + error.message;
    return error;
  }
  return config;
}

std::string DescribeMemoryConfig(const MemoryConfig& config) {
  nlohmann::ordered_json j;
  {
    nlohmann::ordered_json c;
    if (config.conversation_provider == StoreProvider::kSqlite) {
      c["path"] = config.sqlite_conversation.path;
      c["busy_timeout_ms"] = config.sqlite_conversation.busy_timeout_ms;
      c["synchronous"] = config.sqlite_conversation.synchronous;
      c["ttl_days"] = config.sqlite_conversation.ttl_days;
    } else {
      const auto& d = config.dynamodb_conversation;
      c["table_name"] = d.table_name;
      c.update(DescribeConnection(d));
      c["ttl_enabled"] = d.ttl_enabled;
      c["ttl_attribute"] = d.ttl_attribute;
      c["ttl_days"] = d.ttl_days;
    }
    j["conversation_store"] = {{"provider", StoreProviderName(config.conversation_provider)},
                               {"config", c}};
  }
  {
    nlohmann::ordered_json c;
    if (config.graph_provider == StoreProvider::kSqlite) {
      c["path"] = config.sqlite_graph.path;
      c["busy_timeout_ms"] = config.sqlite_graph.busy_timeout_ms;
      c["synchronous"] = config.sqlite_graph.synchronous;
    } else {
      const auto& d = config.dynamodb_graph;
      c["table_name"] = d.table_name;
      c.update(DescribeConnection(d));
      c["enable_gsi"] = d.enable_gsi;
      c["gsi_name"] = d.gsi_name;
    }
    j["graph_store"] = {{"provider", StoreProviderName(config.graph_provider)}, {"config", c}};
  }
  if (config.llm) {
    const LlmConfig& l = *config.llm;
    j["llm"] = {{"provider", l.provider},
                {"config",
                 {{"model", l.model},
                  {"base_url", l.base_url},
                  {"api_key", Mask(l.api_key)},
                  {"temperature", l.temperature},
                  {"timeout_s", l.timeout_s}}}};
  }
  if (config.embedder) {
    const EmbedderConfig& e = *config.embedder;
    j["embedder"] = {{"provider", e.provider},
                     {"config",
                      {{"model", e.model},
                       {"base_url", e.base_url},
                       {"api_key", Mask(e.api_key)},
                       {"dims", e.dims}}}};
  }
  const SearchConfig& s = config.search;
  j["search"] = {{"bm25_k1", s.bm25_k1},
                 {"bm25_b", s.bm25_b},
                 {"coordination", s.coordination},
                 {"vector_weight", s.vector_weight},
                 {"query_expansion", s.query_expansion},
                 {"default_limit", s.default_limit},
                 {"min_score", s.min_score}};
  if (!config.version.empty()) j["version"] = config.version;
  // Invalid UTF-8 (from a file or the environment) is replaced, not thrown.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace mem0::memory
