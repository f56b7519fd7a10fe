// FakeOpenAiServer: an OpenAI-compatible HTTP server on loopback for tests
// that talk to a language model or an embedder (the OpenAI client, and
// Memory::Add(infer=true) above it). It serves
//
//   POST /v1/chat/completions   {"choices": [{"index", "message": {"role", "content"},
//                                 "finish_reason"}], "usage", ...}
//   POST /v1/embeddings         {"data": [{"object", "index", "embedding"}], "usage", ...}
//
// and records every request. Out of the box it answers in "canned" mode,
// deterministically and without scripting:
//
//   FakeOpenAiServer server;                       // canned mode
//   LlmConfig llm;      llm.model = "fake";      llm.base_url = server.base_url();
//   EmbedderConfig emb; emb.model = "fake-embed"; emb.base_url = server.base_url();
//
//  - chat: the reply content is CannedChatReply(request) (rules below), or
//    what SetChatResponder's function returns for the request;
//  - embeddings: HashedEmbedding(text, dims) per input, dims being the
//    request's "dimensions" or kDefaultFakeDims (SetEmbedder replaces it).
//
// To script, queue replies per endpoint (FIFO; they win over canned mode):
//
//   server.QueueChat(ChatCompletionBody(R"({"facts": ["Likes tea"]})"));
//   server.QueueChat(500, ErrorBody("overloaded"));
//   server.QueueEmbeddings(200, "not json", std::chrono::milliseconds(800));  // delayed
//
// or install a handler that sees every request (SetHandler) when its queue
// is empty. Then assert on requests() (path, headers, parsed JSON body).
//
// Thread-safety: all members may be called from any thread while requests
// are served.
#ifndef MEM0_TESTS_SUPPORT_FAKE_OPENAI_SERVER_H_
#define MEM0_TESTS_SUPPORT_FAKE_OPENAI_SERVER_H_

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/loopback_server.h"

namespace mem0::testing {

inline constexpr int kDefaultFakeDims = 64;

struct FakeReply {
  int status = 200;
  std::string body;                    // sent verbatim as application/json
  std::chrono::milliseconds delay{0};  // waited before answering
};

struct RecordedRequest {
  std::string path;                            // "/v1/chat/completions"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json;  // the body parsed; discarded (is_discarded()) when not JSON

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_name) const;
};

// --- Reply bodies in the real protocol's shapes. ---

// A chat completion whose first choice carries `content`.
std::string ChatCompletionBody(const std::string& content,
                               const std::string& finish_reason = "stop",
                               const std::string& model = "fake-model");
// An embeddings reply; data[i].index = i unless `indices` gives them.
std::string EmbeddingsBody(const std::vector<std::vector<float>>& vectors,
                           const std::vector<int>& indices = {});
// {"error": {"message", "type", "param": null, "code": null}}.
std::string ErrorBody(const std::string& message,
                      const std::string& type = "invalid_request_error");

// --- Canned mode. ---

// What a chat request asks, decoded from the client's prompt layout
// (src/memory/prompts.h).
struct ChatQuestion {
  enum class Kind { kFacts, kUpdates, kRelations, kUnknown };
  Kind kind = Kind::kUnknown;
  std::string schema_name;  // response_format.json_schema.name; "" in json_object mode
  nlohmann::json input;     // the user message parsed (an object), or null
  std::string system;       // the system message
  // kFacts:
  std::string today;
  std::vector<std::pair<std::string, std::string>> conversation;  // (role, content)
  // kUpdates:
  std::vector<std::pair<int, std::string>> existing;  // (id, text)
  std::vector<std::string> new_facts;
  // kRelations:
  std::string self;
  std::string text;
};

// Decodes a /v1/chat/completions request body. The kind is told by the
// schema name, else (json_object mode) by the user message's keys.
ChatQuestion ParseChatQuestion(const nlohmann::json& request);

// The canned answer (the content string, a JSON object) to a chat request:
//  - facts: every sentence (split at . ! ? and newlines) of every "user"
//    message, trimmed, in order: "I like tea. I live in Paris" ->
//    {"facts": ["I like tea", "I live in Paris"]}.
//  - memory_updates, per new fact in order (each existing id used once):
//    equal to an existing memory (ignoring case and a final '.') -> NONE;
//    "I no longer X" with an existing "I X" -> DELETE that id;
//    "<subject> is <value>" with an existing "<subject> is <other>" ->
//    UPDATE that id with the fact; otherwise ADD.
//  - relations: per sentence of at least three words w0 .. wn:
//    source w0 ("I"/"me"/"my" -> self), relationship w1_.._w(n-1),
//    destination wn; types "person" for self, else "entity":
//    "I live in Paris" -> (self, person) -live_in-> (paris, entity).
//  - anything else: {}.
std::string CannedChatReply(const nlohmann::json& request);

// A deterministic unit vector: hashed bag of words (lower-cased ASCII
// letters and digits, other bytes separate words), so texts sharing words
// are similar. A text without words maps to (1, 0, ..., 0).
std::vector<float> HashedEmbedding(std::string_view text, int dims = kDefaultFakeDims);

class FakeOpenAiServer {
 public:
  // The reply content for a chat request (the JSON the model would write).
  using ChatResponder = std::function<std::string(const nlohmann::json& request)>;
  // A vector for one input text of an embeddings request with `dims`
  // ("dimensions", else kDefaultFakeDims).
  using EmbedFunction = std::function<std::vector<float>(const std::string& text, int dims)>;
  // Answers any request; nullopt falls through to canned mode.
  using Handler = std::function<std::optional<FakeReply>(const RecordedRequest&)>;

  FakeOpenAiServer();
  ~FakeOpenAiServer();

  // "http://127.0.0.1:<port>/v1": the base_url for LlmConfig/EmbedderConfig.
  std::string base_url() const;

  // Scripted replies, answered in order before anything else.
  void QueueChat(const std::string& body) { QueueChat(200, body); }
  void QueueChat(int status, const std::string& body,
                 std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  // Shorthand for QueueChat(ChatCompletionBody(content, finish_reason)).
  void QueueChatContent(const std::string& content, const std::string& finish_reason = "stop");
  void QueueEmbeddings(int status, const std::string& body,
                       std::chrono::milliseconds delay = std::chrono::milliseconds(0));

  void SetHandler(Handler handler);
  void SetChatResponder(ChatResponder responder);  // null: CannedChatReply
  void SetEmbedder(EmbedFunction embed);           // null: HashedEmbedding

  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;
  // Those sent to path, e.g. "/v1/chat/completions".
  std::vector<RecordedRequest> requests(const std::string& path) const;
  void ClearRequests();

 private:
  FakeReply Serve(const std::string& path, RecordedRequest request);

  mutable std::mutex mu_;
  std::deque<FakeReply> chat_queue_;
  std::deque<FakeReply> embeddings_queue_;
  Handler handler_;
  ChatResponder chat_responder_;
  EmbedFunction embed_;
  std::vector<RecordedRequest> requests_;
  std::unique_ptr<LoopbackServer> server_;  // last: stops before the state goes
};

}  // namespace mem0::testing

#endif  // MEM0_TESTS_SUPPORT_FAKE_OPENAI_SERVER_H_
