// The Memory layer's view of language and embedding models: the three
// questions Memory::Add asks an LLM (which facts does this conversation
// state, what to do with them given the scope's similar memories, which
// entity relations does it state) and text embeddings. One implementation
// speaks the OpenAI-compatible HTTP API (OpenAI, Ollama, vLLM, llama.cpp
// server, TEI): POST {base_url}/chat/completions and {base_url}/embeddings.
//
// Every answer is validated before it is returned: wrong JSON, wrong types,
// ids the model was not given, over-long or too many items are errors
// (kInvalidArgument naming the field, e.g. "llm reply: memory[2].id: 7 is not
// one of the ids given"), so callers write nothing from a bad reply.
//
// Thread-safety: implementations are safe to share across threads.
#ifndef MEM0_SRC_MEMORY_MODEL_CLIENT_H_
#define MEM0_SRC_MEMORY_MODEL_CLIENT_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mem0/aws/http.h"
#include "mem0/core/env.h"
#include "mem0/core/result.h"
#include "mem0/memory/config.h"

namespace mem0::memory {

// Bounds on what a model may return (more is an error, not truncated).
inline constexpr std::size_t kMaxFacts = 100;
inline constexpr std::size_t kMaxFactBytes = 2000;
inline constexpr std::size_t kMaxRelations = 100;
inline constexpr std::size_t kMaxEntityBytes = 200;
inline constexpr std::size_t kMaxModelReplyBytes = 4 * 1024 * 1024;

struct ChatMessage {
  std::string role;  // "user", "assistant", "system", ...
  std::string content;
};

// One of the scope's memories, as shown to the model: a small integer id
// (its position in the list), never the real memory id.
struct ShownMemory {
  int id = 0;
  std::string text;
};

enum class MemoryEvent { kAdd, kUpdate, kDelete, kNone };
// "ADD", "UPDATE", "DELETE", "NONE".
const char* MemoryEventName(MemoryEvent event);

// The model's decision for one memory. For kAdd, `id` is absent and `text`
// is the new memory; for kUpdate, `id` is a shown id and `text` the new
// text; for kDelete and kNone, `id` is a shown id and `text` is empty.
struct MemoryDecision {
  MemoryEvent event = MemoryEvent::kNone;
  std::optional<int> id;
  std::string text;
};

// A directed relation between two entities, lower-cased, spaces as "_"
// (mem0's convention): ("alice", "person") -lives_in-> ("paris", "city").
struct EntityRelation {
  std::string source;
  std::string source_type;
  std::string relationship;
  std::string destination;
  std::string destination_type;
};

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;

  // The facts worth remembering that `messages` state (may be empty).
  // `today` is YYYY-MM-DD, for resolving relative dates.
  virtual Result<std::vector<std::string>> ExtractFacts(const std::vector<ChatMessage>& messages,
                                                        const std::string& today) = 0;
  // What to do with `facts` given `existing` (ids 0..n-1). Every id in the
  // reply is one of `existing`'s; each existing id appears at most once.
  virtual Result<std::vector<MemoryDecision>> DecideUpdates(
      const std::vector<std::string>& facts, const std::vector<ShownMemory>& existing) = 0;
  // Entity relations stated by `text`; `self_name` is who "I"/"me" is
  // (the user id).
  virtual Result<std::vector<EntityRelation>> ExtractRelations(const std::string& text,
                                                               const std::string& self_name) = 0;
};

class Embedder {
 public:
  virtual ~Embedder() = default;
  // One vector per text, in order, each of dims() floats.
  virtual Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) = 0;
  // The configured size; 0 until the first reply when the config says 0.
  virtual int dims() const = 0;
};

// `transport` null: a curl transport with the config's timeout. `env`
// supplies the sleeper for retries and the environment for OPENAI_API_KEY.
Result<std::unique_ptr<LanguageModel>> MakeOpenAiLanguageModel(
    const LlmConfig& config, std::shared_ptr<aws::HttpTransport> transport = nullptr,
    const Env& env = {});
Result<std::unique_ptr<Embedder>> MakeOpenAiEmbedder(
    const EmbedderConfig& config, std::shared_ptr<aws::HttpTransport> transport = nullptr,
    const Env& env = {});

}  // namespace mem0::memory

#endif  // MEM0_SRC_MEMORY_MODEL_CLIENT_H_
