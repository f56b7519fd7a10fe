#include "memory/prompts.h"

#include <nlohmann/json.hpp>

namespace mem0::memory {
namespace {

using json = nlohmann::json;

// Invalid UTF-8 from the caller becomes U+FFFD rather than an exception.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Strict structured outputs require every property to be listed in
// "required" and "additionalProperties": false at every level.
constexpr std::string_view kFactsSchema = R"({
  "type": "object",
  "properties": {"facts": {"type": "array", "items": {"type": "string"}}},
  "required": ["facts"],
  "additionalProperties": false
})";

constexpr std::string_view kUpdatesSchema = R"({
  "type": "object",
  "properties": {
    "memory": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "id": {"type": ["integer", "null"]},
          "event": {"type": "string", "enum": ["ADD", "UPDATE", "DELETE", "NONE"]},
          "text": {"type": "string"}
        },
        "required": ["id", "event", "text"],
        "additionalProperties": false
      }
    }
  },
  "required": ["memory"],
  "additionalProperties": false
})";

constexpr std::string_view kRelationsSchema = R"({
  "type": "object",
  "properties": {
    "relations": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "source": {"type": "string"},
          "source_type": {"type": "string"},
          "relationship": {"type": "string"},
          "destination": {"type": "string"},
          "destination_type": {"type": "string"}
        },
        "required": ["source", "source_type", "relationship", "destination", "destination_type"],
        "additionalProperties": false
      }
    }
  },
  "required": ["relations"],
  "additionalProperties": false
})";

constexpr std::string_view kFactsInstructions =
    R"(You are the memory of a personal assistant. Read the conversation and note what is worth knowing about the user in later conversations.

Worth remembering: who the user is (name, age, family, friends, pets, job, where they live), what they like and dislike (food, music, books, films, sports, brands, ...), their plans, goals, appointments and commitments, their habits and routines, health matters they mention, and anything they ask you to remember.
Not worth remembering: greetings, small talk, thanks, questions that reveal nothing about the user, general knowledge, and what the assistant itself says or suggests.

How to write the facts:
- One fact per item, a short sentence that makes sense on its own, without the conversation: name the subject, leave out filler.
- Write in the language the user writes in.
- Dates: today is {today}. Turn relative dates ("tomorrow", "next Friday", "two weeks ago") into calendar dates.
- Take facts from the user's messages; read the other messages only as context for them.
- No facts at all is a fine answer.

The input is a JSON object: {"today": "YYYY-MM-DD", "conversation": [{"role": ..., "content": ...}, ...]}.
Answer with a JSON object and nothing else: {"facts": ["...", "..."]})";

constexpr std::string_view kUpdatesInstructions =
    R"(You keep a user's memory up to date. You are given the memories stored so far, each with a numeric id, and facts just learned about the user. Decide how each new fact changes the memory, using one of four events:

- ADD: the fact is new information that no stored memory holds. Give "id": null and the fact as "text".
- UPDATE: the fact adds detail to a stored memory or changes it (a new value, a correction). Give that memory's id and, as "text", the memory rewritten to hold what is true now, as one sentence.
- DELETE: the fact shows a stored memory is no longer true, and there is nothing to keep of it. Give that memory's id; "text" is "".
- NONE: a stored memory already says the same thing. Give that memory's id; "text" is "".

Rules:
- Use only the ids given; never invent an id and never use one id twice. If several facts concern the same memory, merge them into a single UPDATE.
- Stored memories that no new fact concerns need no entry.
- Keep each text in the language of its fact.

The input is a JSON object: {"existing_memories": [{"id": 0, "text": "..."}, ...], "new_facts": ["...", ...]}.
Answer with a JSON object and nothing else: {"memory": [{"id": <integer or null>, "event": "ADD" | "UPDATE" | "DELETE" | "NONE", "text": "..."}]})";

constexpr std::string_view kRelationsInstructions =
    R"(You build a knowledge graph from a short text: find the entities it names (people, places, organisations, objects, foods, activities, dates, ideas) and the relations between them that it states.

- A relation is directed: source --relationship--> destination, e.g. alice --lives_in--> paris.
- "I", "me", "my" and "mine" mean the user; the input gives the user's name as "self". Use that name for the user.
- Names, types and relationships are short, lower-case, with "_" between words. Types are general categories (person, city, country, company, food, hobby, ...). Relationships are present-tense verbs or verb phrases (likes, works_at, is_married_to, ...).
- Only relations the text states; no guesses, no general knowledge.
- No relations at all is a fine answer.

The input is a JSON object: {"self": "...", "text": "..."}.
Answer with a JSON object and nothing else: {"relations": [{"source": "...", "source_type": "...", "relationship": "...", "destination": "...", "destination_type": "..."}]})";

}  // namespace

Prompt FactExtractionPrompt(const std::vector<ChatMessage>& messages, const std::string& today) {
  json conversation = json::array();
  for (const ChatMessage& m : messages) {
    conversation.push_back({{"role", m.role}, {"content", m.content}});
  }
  std::string system(kFactsInstructions);
  static constexpr std::string_view kToday = "{today}";
  system.replace(system.find(kToday), kToday.size(), today);
  return {kFactsSchemaName, kFactsSchema, std::move(system),
          Dump({{"today", today}, {"conversation", std::move(conversation)}})};
}

Prompt UpdateDecisionPrompt(const std::vector<std::string>& facts,
                            const std::vector<ShownMemory>& existing) {
  json memories = json::array();
  for (const ShownMemory& m : existing) memories.push_back({{"id", m.id}, {"text", m.text}});
  return {kUpdatesSchemaName, kUpdatesSchema, std::string(kUpdatesInstructions),
          Dump({{"existing_memories", std::move(memories)}, {"new_facts", facts}})};
}

Prompt RelationExtractionPrompt(const std::string& text, const std::string& self_name) {
  return {kRelationsSchemaName, kRelationsSchema, std::string(kRelationsInstructions),
          Dump({{"self", self_name}, {"text", text}})};
}

}  // namespace mem0::memory
