#include "support/fake_openai_server.h"

#include <cmath>
#include <cstdint>
#include <thread>
#include <utility>

namespace mem0::testing {
namespace {

using json = nlohmann::json;

constexpr char kChatPath[] = "/v1/chat/completions";
constexpr char kEmbeddingsPath[] = "/v1/embeddings";

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> Sentences(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == '.' || c == '!' || c == '?' || c == '\n') {
      if (std::string s = Trimmed(current); !s.empty()) out.push_back(std::move(s));
      current.clear();
    } else {
      current += c;
    }
  }
  if (std::string s = Trimmed(current); !s.empty()) out.push_back(std::move(s));
  return out;
}

// For comparing memories: lower-case, trimmed, without a final '.'.
std::string Comparable(std::string_view text) {
  std::string out = Lower(Trimmed(text));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (IsWordChar(c) || c == '\'' || c == '-') {
      current += c;
    } else if (!current.empty()) {
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

json CannedFacts(const ChatQuestion& q) {
  json facts = json::array();
  for (const auto& [role, content] : q.conversation) {
    if (role != "user") continue;
    for (std::string& s : Sentences(content)) facts.push_back(std::move(s));
  }
  return {{"facts", std::move(facts)}};
}

json CannedUpdates(const ChatQuestion& q) {
  std::vector<bool> used(q.existing.size(), false);
  // The first unused existing memory that `match` accepts.
  const auto find = [&](const std::function<bool(const std::string&)>& match) -> int {
    for (std::size_t i = 0; i < q.existing.size(); ++i) {
      if (!used[i] && match(Comparable(q.existing[i].second))) {
        used[i] = true;
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  json memory = json::array();
  for (const std::string& fact : q.new_facts) {
    const std::string f = Comparable(fact);
    int at = find([&](const std::string& m) { return m == f; });
    if (at >= 0) {
      memory.push_back({{"id", q.existing[at].first}, {"event", "NONE"}, {"text", ""}});
      continue;
    }
    static constexpr std::string_view kNoLonger = "i no longer ";
    if (f.rfind(kNoLonger, 0) == 0) {
      const std::string target = "i " + f.substr(kNoLonger.size());
      at = find([&](const std::string& m) { return m == target; });
      if (at >= 0) {
        memory.push_back({{"id", q.existing[at].first}, {"event", "DELETE"}, {"text", ""}});
        continue;
      }
    }
    if (const std::size_t is = f.find(" is "); is != std::string::npos) {
      const std::string subject = f.substr(0, is + 4);
      at = find([&](const std::string& m) { return m.rfind(subject, 0) == 0; });
      if (at >= 0) {
        memory.push_back({{"id", q.existing[at].first}, {"event", "UPDATE"}, {"text", fact}});
        continue;
      }
    }
    memory.push_back({{"id", nullptr}, {"event", "ADD"}, {"text", fact}});
  }
  return {{"memory", std::move(memory)}};
}

json CannedRelations(const ChatQuestion& q) {
  json relations = json::array();
  for (const std::string& sentence : Sentences(q.text)) {
    std::vector<std::string> words = Words(sentence);
    if (words.size() < 3) continue;
    const std::string first = Lower(words.front());
    const bool self = first == "i" || first == "me" || first == "my";
    std::string relationship;
    for (std::size_t i = 1; i + 1 < words.size(); ++i) {
      if (!relationship.empty()) relationship += '_';
      relationship += Lower(words[i]);
    }
    relations.push_back({{"source", self ? q.self : words.front()},
                         {"source_type", self ? "person" : "entity"},
                         {"relationship", relationship},
                         {"destination", Lower(words.back())},
                         {"destination_type", "entity"}});
  }
  return {{"relations", std::move(relations)}};
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

FakeReply JsonReply(int status, std::string body) { return {status, std::move(body), {}}; }

}  // namespace

std::string RecordedRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string ChatCompletionBody(const std::string& content, const std::string& finish_reason,
                               const std::string& model) {
  json body = {{"id", "chatcmpl-fake"},
               {"object", "chat.completion"},
               {"created", 1700000000},
               {"model", model},
               {"choices",
                {{{"index", 0},
                  {"message", {{"role", "assistant"}, {"content", content}}},
                  {"logprobs", nullptr},
                  {"finish_reason", finish_reason}}}},
               {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}};
  return Dump(body);
}

std::string EmbeddingsBody(const std::vector<std::vector<float>>& vectors,
                           const std::vector<int>& indices) {
  json data = json::array();
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    data.push_back({{"object", "embedding"},
                    {"index", i < indices.size() ? indices[i] : static_cast<int>(i)},
                    {"embedding", vectors[i]}});
  }
  return Dump({{"object", "list"},
               {"data", std::move(data)},
               {"model", "fake-embedding"},
               {"usage", {{"prompt_tokens", 3}, {"total_tokens", 3}}}});
}

std::string ErrorBody(const std::string& message, const std::string& type) {
  return Dump(
      {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}});
}

ChatQuestion ParseChatQuestion(const json& request) {
  ChatQuestion q;
  if (!request.is_object()) return q;
  if (request.contains("response_format") && request["response_format"].is_object()) {
    const json& format = request["response_format"];
    if (format.contains("json_schema") && format["json_schema"].is_object() &&
        format["json_schema"].contains("name") && format["json_schema"]["name"].is_string()) {
      q.schema_name = format["json_schema"]["name"].get<std::string>();
    }
  }
  std::string user;
  if (request.contains("messages") && request["messages"].is_array()) {
    for (const json& m : request["messages"]) {
      if (!m.is_object() || !m.contains("content") || !m["content"].is_string()) continue;
      const std::string role = m.value("role", "");
      if (role == "system") q.system = m["content"].get<std::string>();
      if (role == "user") user = m["content"].get<std::string>();
    }
  }
  q.input = json::parse(user, nullptr, false);
  if (!q.input.is_object()) {
    q.input = nullptr;
    return q;
  }
  const json& in = q.input;
  if (q.schema_name == "facts" || (q.schema_name.empty() && in.contains("conversation"))) {
    q.kind = ChatQuestion::Kind::kFacts;
    if (in.contains("today") && in["today"].is_string()) q.today = in["today"].get<std::string>();
    if (in.contains("conversation") && in["conversation"].is_array()) {
      for (const json& m : in["conversation"]) {
        if (m.is_object()) q.conversation.emplace_back(m.value("role", ""), m.value("content", ""));
      }
    }
  } else if (q.schema_name == "memory_updates" ||
             (q.schema_name.empty() && in.contains("existing_memories"))) {
    q.kind = ChatQuestion::Kind::kUpdates;
    if (in.contains("existing_memories") && in["existing_memories"].is_array()) {
      for (const json& m : in["existing_memories"]) {
        if (m.is_object()) q.existing.emplace_back(m.value("id", -1), m.value("text", ""));
      }
    }
    if (in.contains("new_facts") && in["new_facts"].is_array()) {
      for (const json& f : in["new_facts"]) {
        if (f.is_string()) q.new_facts.push_back(f.get<std::string>());
      }
    }
  } else if (q.schema_name == "relations" || (q.schema_name.empty() && in.contains("self"))) {
    q.kind = ChatQuestion::Kind::kRelations;
    q.self = in.value("self", "");
    q.text = in.value("text", "");
  }
  return q;
}

std::string CannedChatReply(const json& request) {
  const ChatQuestion q = ParseChatQuestion(request);
  switch (q.kind) {
    case ChatQuestion::Kind::kFacts:
      return Dump(CannedFacts(q));
    case ChatQuestion::Kind::kUpdates:
      return Dump(CannedUpdates(q));
    case ChatQuestion::Kind::kRelations:
      return Dump(CannedRelations(q));
    case ChatQuestion::Kind::kUnknown:
      break;
  }
  return "{}";
}

std::vector<float> HashedEmbedding(std::string_view text, int dims) {
  std::vector<float> vector(static_cast<std::size_t>(dims > 0 ? dims : 1), 0.0f);
  for (const std::string& word : Words(text)) {
    vector[Fnv1a(Lower(word)) % vector.size()] += 1.0f;
  }
  double norm = 0;
  for (float x : vector) norm += static_cast<double>(x) * x;
  if (norm == 0) {
    vector[0] = 1.0f;
    return vector;
  }
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : vector) x *= scale;
  return vector;
}

FakeOpenAiServer::FakeOpenAiServer() {
  const auto route = [this](const char* path) {
    return [this, path](const httplib::Request& req, httplib::Response& res) {
      RecordedRequest recorded;
      recorded.path = req.path;
      for (const auto& [name, value] : req.headers) recorded.headers.emplace(Lower(name), value);
      recorded.body = req.body;
      recorded.json = json::parse(req.body, nullptr, false);
      FakeReply reply = Serve(path, std::move(recorded));
      if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
      res.status = reply.status;
      res.set_content(reply.body, "application/json");
    };
  };
  server_ = std::make_unique<LoopbackServer>([&](httplib::Server& s) {
    s.Post(kChatPath, route(kChatPath));
    s.Post(kEmbeddingsPath, route(kEmbeddingsPath));
  });
}

FakeOpenAiServer::~FakeOpenAiServer() { server_.reset(); }

std::string FakeOpenAiServer::base_url() const { return server_->url() + "/v1"; }

void FakeOpenAiServer::QueueChat(int status, const std::string& body,
                                 std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  chat_queue_.push_back({status, body, delay});
}

void FakeOpenAiServer::QueueChatContent(const std::string& content,
                                        const std::string& finish_reason) {
  QueueChat(200, ChatCompletionBody(content, finish_reason));
}

void FakeOpenAiServer::QueueEmbeddings(int status, const std::string& body,
                                       std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  embeddings_queue_.push_back({status, body, delay});
}

void FakeOpenAiServer::SetHandler(Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handler_ = std::move(handler);
}

void FakeOpenAiServer::SetChatResponder(ChatResponder responder) {
  std::lock_guard<std::mutex> lock(mu_);
  chat_responder_ = std::move(responder);
}

void FakeOpenAiServer::SetEmbedder(EmbedFunction embed) {
  std::lock_guard<std::mutex> lock(mu_);
  embed_ = std::move(embed);
}

std::vector<RecordedRequest> FakeOpenAiServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<RecordedRequest> FakeOpenAiServer::requests(const std::string& path) const {
  std::vector<RecordedRequest> out;
  for (RecordedRequest& r : requests()) {
    if (r.path == path) out.push_back(std::move(r));
  }
  return out;
}

void FakeOpenAiServer::ClearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

FakeReply FakeOpenAiServer::Serve(const std::string& path, RecordedRequest request) {
  Handler handler;
  ChatResponder responder;
  EmbedFunction embed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    auto& queue = path == kChatPath ? chat_queue_ : embeddings_queue_;
    if (!queue.empty()) {
      FakeReply reply = std::move(queue.front());
      queue.pop_front();
      return reply;
    }
    handler = handler_;
    responder = chat_responder_;
    embed = embed_;
  }
  if (handler) {
    if (std::optional<FakeReply> reply = handler(request)) return std::move(*reply);
  }

  // Canned mode, with the checks a real server makes first.
  const json& body = request.json;
  if (!body.is_object() || !body.contains("model") || !body["model"].is_string()) {
    return JsonReply(400, ErrorBody("you must provide a model parameter"));
  }
  if (path == kChatPath) {
    if (!body.contains("messages") || !body["messages"].is_array()) {
      return JsonReply(400, ErrorBody("'messages' is a required property"));
    }
    const std::string content = responder ? responder(body) : CannedChatReply(body);
    return JsonReply(200, ChatCompletionBody(content, "stop", body["model"].get<std::string>()));
  }
  std::vector<std::string> inputs;
  if (body.contains("input") && body["input"].is_string()) {
    inputs.push_back(body["input"].get<std::string>());
  } else if (body.contains("input") && body["input"].is_array()) {
    for (const json& text : body["input"]) {
      if (!text.is_string()) return JsonReply(400, ErrorBody("'input' must be strings"));
      inputs.push_back(text.get<std::string>());
    }
  } else {
    return JsonReply(400, ErrorBody("'input' is a required property"));
  }
  int dims = kDefaultFakeDims;
  if (body.contains("dimensions")) {
    if (!body["dimensions"].is_number_integer() || body["dimensions"].get<int64_t>() < 1 ||
        body["dimensions"].get<int64_t>() > 65536) {
      return JsonReply(400, ErrorBody("'dimensions' must be a positive integer"));
    }
    dims = body["dimensions"].get<int>();
  }
  std::vector<std::vector<float>> vectors;
  for (const std::string& text : inputs) {
    vectors.push_back(embed ? embed(text, dims) : HashedEmbedding(text, dims));
  }
  return JsonReply(200, EmbeddingsBody(vectors));
}

}  // namespace mem0::testing
