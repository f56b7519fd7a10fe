// The texts of the three questions the Memory layer asks a language model
// (see model_client.h) and the JSON schemas of their answers.
//
// Each question is a system message (the instructions, which also spell out
// the reply's shape, so servers without json_schema support still know it)
// and a user message that is a JSON object holding the question's inputs:
//
//   facts           {"today": "YYYY-MM-DD", "conversation": [{"role", "content"}]}
//   memory_updates  {"existing_memories": [{"id": int, "text"}], "new_facts": [string]}
//   relations       {"self": string, "text": string}
//
// The schema name tells the questions apart (a fake server answers by it).
// The layout of the user message is part of this contract: test servers
// decode it (tests/support/fake_openai_server.h).
//
// Thread-safety: pure functions.
#ifndef MEM0_SRC_MEMORY_PROMPTS_H_
#define MEM0_SRC_MEMORY_PROMPTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "memory/model_client.h"

namespace mem0::memory {

inline constexpr std::string_view kFactsSchemaName = "facts";
inline constexpr std::string_view kUpdatesSchemaName = "memory_updates";
inline constexpr std::string_view kRelationsSchemaName = "relations";

struct Prompt {
  std::string_view schema_name;  // one of the k*SchemaName above
  std::string_view schema;       // JSON Schema (strict-mode compatible) of the reply
  std::string system;            // instructions
  std::string user;              // the inputs, a JSON object (see above)
};

Prompt FactExtractionPrompt(const std::vector<ChatMessage>& messages, const std::string& today);
Prompt UpdateDecisionPrompt(const std::vector<std::string>& facts,
                            const std::vector<ShownMemory>& existing);
Prompt RelationExtractionPrompt(const std::string& text, const std::string& self_name);

}  // namespace mem0::memory

#endif  // MEM0_SRC_MEMORY_PROMPTS_H_
