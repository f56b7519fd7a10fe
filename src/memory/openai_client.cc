// The OpenAI-compatible implementation of model_client.h: HTTP with retries,
// the json_schema -> json_object fallback, and validation of every reply.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/strings.h"
#include "memory/model_client.h"
#include "memory/prompts.h"

namespace mem0::memory {

const char* MemoryEventName(MemoryEvent event) {
  switch (event) {
    case MemoryEvent::kAdd:
      return "ADD";
    case MemoryEvent::kUpdate:
      return "UPDATE";
    case MemoryEvent::kDelete:
      return "DELETE";
    case MemoryEvent::kNone:
      return "NONE";
  }
  return "NONE";
}

namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr std::string_view kDefaultBaseUrl = "https://api.openai.com/v1";
constexpr int kMaxAttempts = 4;
constexpr milliseconds kBaseDelay{250};
constexpr milliseconds kMaxDelay{4000};
constexpr std::size_t kMaxExcerptBytes = 200;
constexpr std::size_t kMaxEmbeddingBatch = 256;
// Embedding replies are large by nature (256 vectors of thousands of numbers).
constexpr std::size_t kMaxEmbeddingReplyBytes = 256 * 1024 * 1024;
// The embedder config has no timeout; embeddings are quick, but batches of
// 256 on a CPU server are not.
constexpr double kEmbedderTimeoutS = 60;

constexpr char kLlmReply[] = "llm reply: ";
constexpr char kEmbeddingReply[] = "embedding reply: ";

// A bounded, printable-ASCII excerpt of text from outside (error messages,
// replies), with `secret` masked: servers echo keys in 401 messages.
std::string Excerpt(std::string_view text, const std::string& secret = {},
                    std::size_t limit = kMaxExcerptBytes) {
  std::string masked(text.substr(0, limit + secret.size()));
  bool cut = text.size() > masked.size();
  if (!secret.empty()) {
    for (std::size_t at = masked.find(secret); at != std::string::npos;
         at = masked.find(secret, at + 3)) {
      masked.replace(at, secret.size(), "***");
    }
  }
  std::string out;
  for (char c : std::string_view(masked).substr(0, limit)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (cut || masked.size() > limit) out += "...";
  return out;
}

Error Invalid(const char* prefix, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, prefix + what, "InvalidModelReply");
}

Error ConfigError(const std::string& what) { return MakeError(ErrorCode::kInvalidArgument, what); }

std::string Path(std::string_view array, std::size_t index, std::string_view field = {}) {
  std::string out = std::string(array) + "[" + std::to_string(index) + "]";
  if (!field.empty()) out += "." + std::string(field);
  return out;
}

Result<std::string> NormaliseBaseUrl(const std::string& configured, const char* section) {
  std::string url = configured.empty() ? std::string(kDefaultBaseUrl) : configured;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return ConfigError(std::string(section) + ".base_url: expected an http:// or https:// URL");
  }
  return url;
}

// One OpenAI-compatible endpoint: URL, key, transport, retries.
class Endpoint {
 public:
  Endpoint(std::string base_url, std::string api_key, std::shared_ptr<aws::HttpTransport> transport,
           const Env& env, const char* name)
      : base_url_(std::move(base_url)),
        api_key_(std::move(api_key)),
        transport_(std::move(transport)),
        env_(env.Resolved()),
        name_(name) {}

  // The config's key, else OPENAI_API_KEY now (it may be set after start).
  std::string ApiKey() const {
    if (!api_key_.empty()) return api_key_;
    if (!env_.environment) return {};
    return env_.environment("OPENAI_API_KEY").value_or("");
  }

  // POSTs `body` to base_url + path, retrying network errors, 429 and 5xx.
  // Returns the final response whatever its status; `key` is the key used.
  Result<aws::HttpResponse> Post(std::string_view path, std::string body, std::string* key,
                                 int* attempts) const {
    aws::HttpRequest request;
    request.method = "POST";
    request.url = base_url_ + std::string(path);
    request.body = std::move(body);
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    *key = ApiKey();
    if (!key->empty()) request.headers.emplace_back("Authorization", "Bearer " + *key);
    for (int attempt = 0;; ++attempt) {
      *attempts = attempt + 1;
      auto result = transport_->Send(request);
      const bool last = attempt + 1 >= kMaxAttempts;
      if (!result.ok()) {
        if (result.error().retryable && !last) {
          env_.sleeper->Sleep(BackoffDelay(attempt));
          continue;
        }
        Error error = std::move(result).error();
        error.message = std::string(name_) + ": " + Excerpt(error.message, *key);
        if (attempt > 0) error.message += " (after " + std::to_string(attempt + 1) + " attempts)";
        return error;
      }
      const int status = result->status;
      if ((status == 429 || status >= 500) && !last) {
        env_.sleeper->Sleep(BackoffDelay(attempt));
        continue;
      }
      return result;
    }
  }

  // The error for a non-2xx reply: the status and the server's message.
  Error HttpError(const aws::HttpResponse& response, const std::string& key, int attempts) const {
    std::string server_message;
    std::string type = "HttpError";
    json body = json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("error")) {
      const json& e = body["error"];
      if (e.is_object()) {
        if (e.contains("message") && e["message"].is_string()) {
          server_message = e["message"].get<std::string>();
        }
        if (e.contains("type") && e["type"].is_string()) {
          type = Excerpt(e["type"].get<std::string>(), key, 64);
        }
      } else if (e.is_string()) {
        server_message = e.get<std::string>();  // Ollama, llama.cpp
      }
    } else if (body.is_object()) {
      // vLLM: {"object": "error", "message"}; FastAPI servers: {"detail"}.
      for (const char* field : {"message", "detail"}) {
        if (body.contains(field) && body[field].is_string()) {
          server_message = body[field].get<std::string>();
          break;
        }
      }
    }
    if (server_message.empty()) server_message = response.body;  // plain text or HTML
    std::string message = std::string(name_) + ": HTTP " + std::to_string(response.status);
    if (!server_message.empty()) message += ": " + Excerpt(server_message, key);
    if (attempts > 1) message += " (after " + std::to_string(attempts) + " attempts)";
    Error error = MakeError(ErrorCode::kNetworkError, std::move(message), std::move(type));
    error.http_status = response.status;
    error.retryable = response.status == 429 || response.status >= 500;
    if (const std::string* id = response.Header("x-request-id")) error.request_id = Excerpt(*id);
    return error;
  }

 private:
  // Full jitter: uniform in [0, min(cap, base * 2^attempt)).
  static milliseconds BackoffDelay(int attempt) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    double ceiling = static_cast<double>(kBaseDelay.count()) *
                     static_cast<double>(uint64_t{1} << std::min(attempt, 30));
    ceiling = std::min(ceiling, static_cast<double>(kMaxDelay.count()));
    return milliseconds(
        static_cast<int64_t>(std::uniform_real_distribution<double>(0.0, 1.0)(rng) * ceiling));
  }

  std::string base_url_;
  std::string api_key_;
  std::shared_ptr<aws::HttpTransport> transport_;
  Env env_;
  const char* name_;
};

std::shared_ptr<aws::HttpTransport> TransportOrDefault(std::shared_ptr<aws::HttpTransport> t,
                                                       double timeout_s) {
  if (t) return t;
  aws::HttpTransportOptions options;
  options.request_timeout = milliseconds(static_cast<int64_t>(std::ceil(timeout_s * 1000)));
  options.connect_timeout = std::min(options.connect_timeout, options.request_timeout);
  return aws::MakeCurlTransport(options);
}

// Servers that know no json_schema say so in a 400 naming the parameter.
bool RejectsJsonSchema(const aws::HttpResponse& response) {
  if (response.status != 400 && response.status != 422) return false;
  const std::string body = AsciiLower(response.body.substr(0, 64 * 1024));
  return body.find("response_format") != std::string::npos ||
         body.find("json_schema") != std::string::npos ||
         body.find("response format") != std::string::npos;
}

// The JSON inside a message content: without a leading <think> block
// (reasoning models) and without ``` fences.
std::string_view Unwrap(std::string_view content) {
  content = Trim(content);
  if (content.rfind("<think>", 0) == 0) {
    const std::size_t end = content.find("</think>");
    if (end != std::string_view::npos) content = Trim(content.substr(end + 8));
  }
  if (content.rfind("```", 0) == 0) {
    content.remove_prefix(3);
    // The info string ("json", "JSON5", ...), if any.
    const auto tag = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    };
    while (!content.empty() && tag(content.front())) {
      content.remove_prefix(1);
    }
    content = Trim(content);
    if (content.size() >= 3 && content.substr(content.size() - 3) == "```") {
      content = Trim(content.substr(0, content.size() - 3));
    }
  }
  return content;
}

// The JSON object a chat completion's first choice carries.
Result<json> ParseChatReply(const std::string& body) {
  if (body.size() > kMaxModelReplyBytes) {
    return Invalid(kLlmReply, std::to_string(body.size()) + " bytes, more than the limit of " +
                                  std::to_string(kMaxModelReplyBytes));
  }
  if (!IsValidUtf8(body)) return Invalid(kLlmReply, "not valid UTF-8");
  json reply = json::parse(body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    return Invalid(kLlmReply, "not a JSON object: " + Excerpt(body, {}, 80));
  }
  if (!reply.contains("choices") || !reply["choices"].is_array() || reply["choices"].empty()) {
    return Invalid(kLlmReply, "choices: expected a non-empty array");
  }
  const json& choice = reply["choices"][0];
  if (!choice.is_object()) return Invalid(kLlmReply, "choices[0]: expected an object");
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    const std::string reason = choice["finish_reason"].get<std::string>();
    if (reason == "length") {
      return Invalid(kLlmReply, "truncated at the token limit (finish_reason \"length\")");
    }
    if (reason == "content_filter") {
      return Invalid(kLlmReply,
                     "withheld by the content filter (finish_reason \"content_filter\")");
    }
  }
  if (!choice.contains("message") || !choice["message"].is_object()) {
    return Invalid(kLlmReply, "choices[0].message: expected an object");
  }
  const json& message = choice["message"];
  if (message.contains("refusal") && message["refusal"].is_string() &&
      !message["refusal"].get_ref<const std::string&>().empty()) {
    return Invalid(kLlmReply, "the model refused: " +
                                  Excerpt(message["refusal"].get_ref<const std::string&>()));
  }
  if (!message.contains("content") || !message["content"].is_string()) {
    return Invalid(kLlmReply, "choices[0].message.content: expected a string");
  }
  const std::string_view content = Unwrap(message["content"].get_ref<const std::string&>());
  json answer = json::parse(content, nullptr, false);
  if (answer.is_discarded()) {
    return Invalid(kLlmReply, "content is not valid JSON: " + Excerpt(content, {}, 80));
  }
  if (!answer.is_object()) return Invalid(kLlmReply, "content: expected a JSON object");
  return answer;
}

// answer[key] as an array of at most `limit` items.
Result<const json*> Array(const json& answer, const char* key, std::size_t limit) {
  if (!answer.contains(key) || !answer[key].is_array()) {
    return Invalid(kLlmReply, std::string(key) + ": expected an array");
  }
  const json& array = answer[key];
  if (array.size() > limit) {
    return Invalid(kLlmReply, std::string(key) + ": " + std::to_string(array.size()) +
                                  " items, more than the limit of " + std::to_string(limit));
  }
  return &array;
}

// A string field's text, checked for UTF-8 and size.
Result<std::string> Text(const json& value, const std::string& path, std::size_t limit) {
  if (!value.is_string()) return Invalid(kLlmReply, path + ": expected a string");
  const std::string& text = value.get_ref<const std::string&>();
  if (!IsValidUtf8(text)) return Invalid(kLlmReply, path + ": not valid UTF-8");
  if (text.size() > limit) {
    return Invalid(kLlmReply, path + ": " + std::to_string(text.size()) +
                                  " bytes, more than the limit of " + std::to_string(limit));
  }
  return std::string(Trim(text));
}

// mem0's entity spelling: trimmed, ASCII lower-case, whitespace runs as "_".
std::string NormaliseEntity(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char c : Trim(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      gap = true;
      continue;
    }
    if (gap) out += '_';
    gap = false;
    out += AsciiToLower(c);
  }
  return out;
}

Result<std::vector<std::string>> ParseFacts(const json& answer) {
  MEM0_ASSIGN_OR_RETURN(const json* array, Array(answer, "facts", kMaxFacts));
  std::vector<std::string> facts;
  for (std::size_t i = 0; i < array->size(); ++i) {
    MEM0_ASSIGN_OR_RETURN(std::string fact, Text((*array)[i], Path("facts", i), kMaxFactBytes));
    // An empty fact says nothing; dropping it loses nothing.
    if (!fact.empty()) facts.push_back(std::move(fact));
  }
  return facts;
}

Result<std::vector<MemoryDecision>> ParseDecisions(const json& answer,
                                                   const std::vector<ShownMemory>& existing) {
  std::set<int64_t> shown;
  for (const ShownMemory& m : existing) shown.insert(m.id);
  MEM0_ASSIGN_OR_RETURN(const json* array, Array(answer, "memory", kMaxFacts + shown.size()));
  std::set<int64_t> used;
  std::vector<MemoryDecision> decisions;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const json& item = (*array)[i];
    if (!item.is_object()) return Invalid(kLlmReply, Path("memory", i) + ": expected an object");
    MemoryDecision decision;
    if (!item.contains("event"))
      return Invalid(kLlmReply, Path("memory", i, "event") + ": missing");
    MEM0_ASSIGN_OR_RETURN(std::string event, Text(item["event"], Path("memory", i, "event"), 64));
    if (event == "ADD") {
      decision.event = MemoryEvent::kAdd;
    } else if (event == "UPDATE") {
      decision.event = MemoryEvent::kUpdate;
    } else if (event == "DELETE") {
      decision.event = MemoryEvent::kDelete;
    } else if (event == "NONE") {
      decision.event = MemoryEvent::kNone;
    } else {
      return Invalid(kLlmReply, Path("memory", i, "event") + ": unknown event \"" +
                                    Excerpt(event, {}, 32) + "\"");
    }
    const char* name = MemoryEventName(decision.event);

    const std::string id_path = Path("memory", i, "id");
    const bool has_id = item.contains("id") && !item["id"].is_null();
    if (decision.event == MemoryEvent::kAdd) {
      if (has_id) return Invalid(kLlmReply, id_path + ": ADD takes no id (null)");
    } else {
      if (!has_id) return Invalid(kLlmReply, id_path + ": " + std::string(name) + " needs an id");
      const json& id = item["id"];
      if (!id.is_number_integer()) return Invalid(kLlmReply, id_path + ": expected an integer");
      const bool fits = id.is_number_unsigned()
                            ? id.get<uint64_t>() <= uint64_t{std::numeric_limits<int>::max()}
                            : id.get<int64_t>() >= std::numeric_limits<int>::min() &&
                                  id.get<int64_t>() <= std::numeric_limits<int>::max();
      const int64_t value = fits ? id.get<int64_t>() : 0;
      if (!fits || shown.count(value) == 0) {
        return Invalid(kLlmReply, id_path + ": " + Excerpt(id.dump(), {}, 32) +
                                      " is not one of the ids given");
      }
      if (!used.insert(value).second) {
        return Invalid(kLlmReply, id_path + ": " + std::to_string(value) + " appears twice");
      }
      decision.id = static_cast<int>(value);
    }

    const std::string text_path = Path("memory", i, "text");
    if (decision.event == MemoryEvent::kAdd || decision.event == MemoryEvent::kUpdate) {
      if (!item.contains("text")) return Invalid(kLlmReply, text_path + ": missing");
      MEM0_ASSIGN_OR_RETURN(decision.text, Text(item["text"], text_path, kMaxFactBytes));
      if (decision.text.empty()) {
        return Invalid(kLlmReply, text_path + ": " + std::string(name) + " needs a non-empty text");
      }
    } else if (item.contains("text") && !item["text"].is_null()) {
      // Ignored (DELETE and NONE carry no text), but still of the right type.
      MEM0_RETURN_IF_ERROR(Text(item["text"], text_path, kMaxFactBytes));
    }
    decisions.push_back(std::move(decision));
  }
  return decisions;
}

Result<std::vector<EntityRelation>> ParseRelations(const json& answer) {
  MEM0_ASSIGN_OR_RETURN(const json* array, Array(answer, "relations", kMaxRelations));
  std::vector<EntityRelation> relations;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const json& item = (*array)[i];
    if (!item.is_object()) {
      return Invalid(kLlmReply, Path("relations", i) + ": expected an object");
    }
    EntityRelation relation;
    std::pair<const char*, std::string*> fields[] = {
        {"source", &relation.source},
        {"source_type", &relation.source_type},
        {"relationship", &relation.relationship},
        {"destination", &relation.destination},
        {"destination_type", &relation.destination_type}};
    bool complete = true;
    for (auto& [key, out] : fields) {
      const std::string path = Path("relations", i, key);
      if (!item.contains(key)) return Invalid(kLlmReply, path + ": missing");
      MEM0_ASSIGN_OR_RETURN(std::string text, Text(item[key], path, kMaxEntityBytes));
      *out = NormaliseEntity(text);
      complete = complete && !out->empty();
    }
    if (complete) relations.push_back(std::move(relation));
  }
  return relations;
}

class OpenAiLanguageModel : public LanguageModel {
 public:
  OpenAiLanguageModel(LlmConfig config, std::string base_url,
                      std::shared_ptr<aws::HttpTransport> transport, const Env& env)
      : config_(std::move(config)),
        endpoint_(std::move(base_url), config_.api_key, std::move(transport), env,
                  "chat completions") {}

  Result<std::vector<std::string>> ExtractFacts(const std::vector<ChatMessage>& messages,
                                                const std::string& today) override {
    MEM0_ASSIGN_OR_RETURN(json answer, Ask(FactExtractionPrompt(messages, today)));
    return ParseFacts(answer);
  }

  Result<std::vector<MemoryDecision>> DecideUpdates(
      const std::vector<std::string>& facts, const std::vector<ShownMemory>& existing) override {
    if (facts.empty()) return std::vector<MemoryDecision>{};  // nothing to decide: no call
    MEM0_ASSIGN_OR_RETURN(json answer, Ask(UpdateDecisionPrompt(facts, existing)));
    return ParseDecisions(answer, existing);
  }

  Result<std::vector<EntityRelation>> ExtractRelations(const std::string& text,
                                                       const std::string& self_name) override {
    MEM0_ASSIGN_OR_RETURN(json answer, Ask(RelationExtractionPrompt(text, self_name)));
    return ParseRelations(answer);
  }

 private:
  std::string RequestBody(const Prompt& prompt, bool json_object) const {
    json body = {{"model", config_.model},
                 {"messages",
                  {{{"role", "system"}, {"content", prompt.system}},
                   {{"role", "user"}, {"content", prompt.user}}}},
                 {"temperature", config_.temperature}};
    if (json_object) {
      body["response_format"] = {{"type", "json_object"}};
    } else {
      body["response_format"] = {{"type", "json_schema"},
                                 {"json_schema",
                                  {{"name", prompt.schema_name},
                                   {"strict", true},
                                   {"schema", json::parse(prompt.schema, nullptr, false)}}}};
    }
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  // The answer's JSON object, after the json_object fallback if needed.
  Result<json> Ask(const Prompt& prompt) {
    bool json_object = json_object_only_.load(std::memory_order_relaxed);
    for (;;) {
      std::string key;
      int attempts = 0;
      MEM0_ASSIGN_OR_RETURN(
          aws::HttpResponse response,
          endpoint_.Post("/chat/completions", RequestBody(prompt, json_object), &key, &attempts));
      if (response.status >= 200 && response.status < 300) return ParseChatReply(response.body);
      if (!json_object && RejectsJsonSchema(response)) {
        // Servers differ; once one says no, stop offering it.
        json_object = true;
        json_object_only_.store(true, std::memory_order_relaxed);
        continue;
      }
      return endpoint_.HttpError(response, key, attempts);
    }
  }

  const LlmConfig config_;
  const Endpoint endpoint_;
  std::atomic<bool> json_object_only_{false};
};

class OpenAiEmbedder : public Embedder {
 public:
  OpenAiEmbedder(EmbedderConfig config, std::string base_url,
                 std::shared_ptr<aws::HttpTransport> transport, const Env& env)
      : config_(std::move(config)),
        endpoint_(std::move(base_url), config_.api_key, std::move(transport), env, "embeddings"),
        dims_(config_.dims) {}

  Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) override {
    std::vector<std::vector<float>> vectors;
    vectors.reserve(texts.size());
    for (std::size_t start = 0; start < texts.size(); start += kMaxEmbeddingBatch) {
      const std::size_t end = std::min(texts.size(), start + kMaxEmbeddingBatch);
      MEM0_ASSIGN_OR_RETURN(
          auto batch, EmbedBatch(std::vector<std::string>(texts.begin() + static_cast<long>(start),
                                                          texts.begin() + static_cast<long>(end))));
      for (auto& v : batch) vectors.push_back(std::move(v));
    }
    return vectors;
  }

  int dims() const override { return dims_.load(std::memory_order_relaxed); }

 private:
  Result<std::vector<std::vector<float>>> EmbedBatch(const std::vector<std::string>& texts) {
    json body = {{"model", config_.model}, {"input", texts}};
    if (config_.dims > 0) body["dimensions"] = config_.dims;
    std::string key;
    int attempts = 0;
    MEM0_ASSIGN_OR_RETURN(
        aws::HttpResponse response,
        endpoint_.Post("/embeddings", body.dump(-1, ' ', false, json::error_handler_t::replace),
                       &key, &attempts));
    if (response.status < 200 || response.status >= 300) {
      return endpoint_.HttpError(response, key, attempts);
    }
    return ParseEmbeddings(response.body, texts.size());
  }

  Result<std::vector<std::vector<float>>> ParseEmbeddings(const std::string& body,
                                                          std::size_t count) {
    if (body.size() > kMaxEmbeddingReplyBytes) {
      return Invalid(kEmbeddingReply, std::to_string(body.size()) + " bytes, more than the limit");
    }
    json reply = json::parse(body, nullptr, false);
    if (reply.is_discarded() || !reply.is_object()) {
      return Invalid(kEmbeddingReply, "not a JSON object: " + Excerpt(body, {}, 80));
    }
    if (!reply.contains("data") || !reply["data"].is_array()) {
      return Invalid(kEmbeddingReply, "data: expected an array");
    }
    const json& data = reply["data"];
    if (data.size() != count) {
      return Invalid(kEmbeddingReply, "data: " + std::to_string(data.size()) + " vectors for " +
                                          std::to_string(count) + " texts");
    }
    std::vector<std::vector<float>> vectors(count);
    std::vector<bool> seen(count, false);
    // Every vector must match the configured size, else the first one's.
    std::size_t length = static_cast<std::size_t>(std::max(0, dims()));
    for (std::size_t i = 0; i < count; ++i) {
      const json& item = data[i];
      if (!item.is_object())
        return Invalid(kEmbeddingReply, Path("data", i) + ": expected an object");
      std::size_t index = i;  // servers that send no index send them in order
      if (item.contains("index")) {
        const json& at = item["index"];
        if (!at.is_number_integer() || at.get<int64_t>() < 0 ||
            static_cast<uint64_t>(at.get<int64_t>()) >= count) {
          return Invalid(kEmbeddingReply, Path("data", i, "index") +
                                              ": expected an integer in [0, " +
                                              std::to_string(count) + ")");
        }
        index = static_cast<std::size_t>(at.get<int64_t>());
      }
      if (seen[index]) {
        return Invalid(kEmbeddingReply,
                       Path("data", i, "index") + ": " + std::to_string(index) + " appears twice");
      }
      seen[index] = true;
      const std::string path = Path("data", i, "embedding");
      if (!item.contains("embedding") || !item["embedding"].is_array()) {
        return Invalid(kEmbeddingReply, path + ": expected an array of numbers");
      }
      const json& embedding = item["embedding"];
      if (embedding.empty() || (length != 0 && embedding.size() != length)) {
        return Invalid(kEmbeddingReply, path + ": " + std::to_string(embedding.size()) +
                                            " numbers, expected " +
                                            (length ? std::to_string(length) : "some"));
      }
      length = embedding.size();
      std::vector<float>& vector = vectors[index];
      vector.reserve(length);
      for (std::size_t j = 0; j < embedding.size(); ++j) {
        const json& x = embedding[j];
        if (!x.is_number()) {
          return Invalid(kEmbeddingReply, path + "[" + std::to_string(j) + "]: expected a number");
        }
        // Checked as a double first: casting an out-of-range double is UB.
        const double value = x.get<double>();
        if (!std::isfinite(value) || std::fabs(value) > std::numeric_limits<float>::max()) {
          return Invalid(kEmbeddingReply,
                         path + "[" + std::to_string(j) + "]: not a finite 32-bit float");
        }
        vector.push_back(static_cast<float>(value));
      }
    }
    if (length > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      return Invalid(kEmbeddingReply, "vectors too long");
    }
    // A native-size model tells us its size with the first reply.
    int expected = 0;
    dims_.compare_exchange_strong(expected, static_cast<int>(length), std::memory_order_relaxed);
    if (dims() != static_cast<int>(length)) {
      return Invalid(kEmbeddingReply, "vectors of " + std::to_string(length) +
                                          " numbers, earlier replies had " +
                                          std::to_string(dims()));
    }
    return vectors;
  }

  const EmbedderConfig config_;
  const Endpoint endpoint_;
  std::atomic<int> dims_;
};

}  // namespace

Result<std::unique_ptr<LanguageModel>> MakeOpenAiLanguageModel(
    const LlmConfig& config, std::shared_ptr<aws::HttpTransport> transport, const Env& env) {
  if (config.model.empty()) return ConfigError("llm.config.model: required");
  if (!(config.timeout_s > 0 && config.timeout_s <= 3600)) {
    return ConfigError("llm.config.timeout_s: expected a number in (0, 3600]");
  }
  if (!(config.temperature >= 0 && config.temperature <= 2)) {
    return ConfigError("llm.config.temperature: expected a number in [0, 2]");
  }
  MEM0_ASSIGN_OR_RETURN(std::string base_url, NormaliseBaseUrl(config.base_url, "llm.config"));
  return std::unique_ptr<LanguageModel>(
      new OpenAiLanguageModel(config, std::move(base_url),
                              TransportOrDefault(std::move(transport), config.timeout_s), env));
}

Result<std::unique_ptr<Embedder>> MakeOpenAiEmbedder(const EmbedderConfig& config,
                                                     std::shared_ptr<aws::HttpTransport> transport,
                                                     const Env& env) {
  if (config.model.empty()) return ConfigError("embedder.config.model: required");
  if (config.dims < 0 || config.dims > 65536) {
    return ConfigError("embedder.config.dims: expected an integer in [0, 65536]");
  }
  MEM0_ASSIGN_OR_RETURN(std::string base_url, NormaliseBaseUrl(config.base_url, "embedder.config"));
  return std::unique_ptr<Embedder>(
      new OpenAiEmbedder(config, std::move(base_url),
                         TransportOrDefault(std::move(transport), kEmbedderTimeoutS), env));
}

}  // namespace mem0::memory
