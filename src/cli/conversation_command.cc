// `mem0 conversation ...` and `mem0 history ...`: the conversation store and
// mem0's history records from the command line, on either engine.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/cli.h"
#include "core/time_format.h"
#include "mem0/store/conversation_store.h"
#include "store/bounded_json.h"

namespace mem0::cli {
namespace {

using Json = nlohmann::json;

// Messages from --file, or stdin when no file is given.
Result<std::string> ReadMessages(const std::string& file) { return ReadInput(file, "--file"); }

Json ConversationJson(const store::Conversation& c) {
  Json out = {{"user_id", c.user_id},
              {"conversation_id", c.conversation_id},
              {"messages", store::StoredJsonForOutput(c.messages_json)},
              {"timestamp", c.timestamp},
              {"metadata", store::StoredJsonForOutput(c.metadata_json)}};
  if (c.updated_at) out["updated_at"] = *c.updated_at;
  if (c.expiration_time) out["expiration_time"] = *c.expiration_time;
  return out;
}

Json HistoryJson(const store::HistoryRecord& r) {
  auto optional = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"id", r.id},
          {"memory_id", r.memory_id},
          {"old_memory", optional(r.old_memory)},
          {"new_memory", optional(r.new_memory)},
          {"event", r.event},
          {"created_at", r.created_at},
          {"updated_at", optional(r.updated_at)},
          {"is_deleted", r.is_deleted},
          {"actor_id", optional(r.actor_id)},
          {"role", optional(r.role)}};
}

std::string ConversationText(const Json& c) {
  std::ostringstream out;
  out << c["conversation_id"].get<std::string>() << " (user " << c["user_id"].get<std::string>()
      << ", " << c["messages"].size() << " messages)\n";
  for (const auto& m : c["messages"]) {
    out << "  " << m.value("role", "?") << ": " << m.value("content", "") << "\n";
  }
  return out.str();
}

}  // namespace

std::string CurrentIsoTime() { return FormatIso8601(std::chrono::system_clock::now()); }

void AddConversationCommands(CLI::App& app, Runner& runner) {
  auto* group = app.add_subcommand("conversation", "store, read, list, change conversations");
  group->require_subcommand(1);
  struct Args {
    std::string user, id, metadata, file, next_token;
    int limit = 10;
    bool all = false;
  };
  auto args = std::make_shared<Args>();
  auto add_user = [&](CLI::App* c) { c->add_option("--user", args->user, "user id")->required(); };
  auto add_id = [&](CLI::App* c) {
    c->add_option("--id", args->id, "conversation id")->required();
  };
  auto add_body = [&](CLI::App* c) {
    c->add_option("--metadata", args->metadata, "metadata JSON object");
    c->add_option("--file", args->file, "messages JSON array (default: stdin)");
  };
  auto& options = runner.options();

  auto* store = group->add_subcommand("store", "store a conversation; prints its id");
  add_user(store);
  add_body(store);
  runner.Attach(
      store,
      [args, &options]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(std::string messages, ReadMessages(args->file));
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        MEM0_ASSIGN_OR_RETURN(std::string id, conversations->StoreConversation(
                                                  args->user, messages,
                                                  args->metadata.empty() ? "{}" : args->metadata));
        return Json{{"conversation_id", id}};
      },
      [](const Json& j) { return j["conversation_id"].get<std::string>() + "\n"; });

  auto* get = group->add_subcommand("get", "print one conversation (exit 1 when absent)");
  add_user(get);
  add_id(get);
  runner.Attach(
      get,
      [args, &options]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        MEM0_ASSIGN_OR_RETURN(auto found, conversations->GetConversation(args->user, args->id));
        if (!found)
          return MakeError(ErrorCode::kNotFound, "conversation " + args->id + " not found");
        return ConversationJson(*found);
      },
      ConversationText);

  auto* list = group->add_subcommand("list", "a user's conversations, newest first");
  add_user(list);
  list->add_option("--limit", args->limit, "page size")->check(CLI::Range(1, 1000));
  list->add_option("--next-token", args->next_token, "token from the previous page");
  list->add_flag("--all", args->all, "follow next tokens to the end");
  runner.Attach(
      list,
      [args, &options]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        Json out = {{"conversations", Json::array()}, {"next_token", nullptr}};
        std::string token = args->next_token;
        do {
          MEM0_ASSIGN_OR_RETURN(auto page,
                                conversations->ListConversations(args->user, args->limit, token));
          for (const auto& c : page.conversations)
            out["conversations"].push_back(ConversationJson(c));
          token = page.next_token.value_or("");
          out["next_token"] = page.next_token ? Json(*page.next_token) : Json(nullptr);
        } while (args->all && !token.empty());
        return out;
      },
      [](const Json& j) {
        std::string text;
        for (const auto& c : j["conversations"]) text += ConversationText(c);
        if (!j["next_token"].is_null())
          text += "next token: " + j["next_token"].get<std::string>() + "\n";
        return text;
      });

  for (const char* name : {"update", "append"}) {
    const bool append = std::string(name) == "append";
    auto* command = group->add_subcommand(
        name, append ? "append messages to a conversation" : "replace a conversation's messages");
    add_user(command);
    add_id(command);
    add_body(command);
    runner.Attach(
        command,
        [args, &options, append]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(std::string messages, ReadMessages(args->file));
          MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
          if (append) {
            MEM0_RETURN_IF_ERROR(conversations->AppendMessages(args->user, args->id, messages));
          } else {
            std::optional<std::string> metadata;
            if (!args->metadata.empty()) metadata = args->metadata;
            MEM0_RETURN_IF_ERROR(
                conversations->UpdateConversation(args->user, args->id, messages, metadata));
          }
          return Json{{"conversation_id", args->id}, {append ? "appended" : "updated", true}};
        },
        [](const Json& j) { return "ok " + j["conversation_id"].get<std::string>() + "\n"; });
  }

  auto* del = group->add_subcommand("delete", "delete a conversation");
  add_user(del);
  add_id(del);
  runner.Attach(
      del,
      [args, &options]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        MEM0_RETURN_IF_ERROR(conversations->DeleteConversation(args->user, args->id));
        return Json{{"conversation_id", args->id}, {"deleted", true}};
      },
      [](const Json& j) { return "deleted " + j["conversation_id"].get<std::string>() + "\n"; });

  auto* check = group->add_subcommand(
      "check", "find (and with --repair, delete) overflow parts no conversation points at");
  add_user(check);
  struct CheckArgs {
    bool repair = false;
    int64_t min_age_seconds = 900;
  };
  auto c = std::make_shared<CheckArgs>();
  check->add_flag("--repair", c->repair, "delete the orphaned parts old enough");
  check
      ->add_option("--min-age-seconds", c->min_age_seconds,
                   "leave younger parts alone: a write may be in flight (default 900)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  runner.Attach(
      check,
      [args, c, &options]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        MEM0_ASSIGN_OR_RETURN(auto sweep,
                              conversations->SweepOrphanedParts(
                                  args->user, c->repair, std::chrono::seconds(c->min_age_seconds)));
        return Json{{"orphaned_parts", sweep.orphaned_parts},
                    {"deleted_parts", sweep.deleted_parts},
                    {"too_recent", sweep.too_recent}};
      },
      [](const Json& j) {
        return std::to_string(j["orphaned_parts"].get<int64_t>()) + " orphaned parts, " +
               std::to_string(j["deleted_parts"].get<int64_t>()) + " deleted, " +
               std::to_string(j["too_recent"].get<int64_t>()) + " too recent to touch\n";
      });

  // mem0's history records.
  auto* history =
      group->add_subcommand("history", "mem0 history records (ADD/UPDATE/DELETE events)");
  history->require_subcommand(1);
  struct HistoryArgs {
    store::HistoryRecord record;
    std::string old_memory, new_memory, actor_id, role, updated_at;
  };
  auto h = std::make_shared<HistoryArgs>();
  auto* add = history->add_subcommand("add", "record one event for a memory; prints its id");
  add->add_option("--memory-id", h->record.memory_id, "memory id")->required();
  add->add_option("--event", h->record.event, "ADD, UPDATE or DELETE")
      ->required()
      ->check(CLI::IsMember({"ADD", "UPDATE", "DELETE"}));
  add->add_option("--old", h->old_memory, "previous memory text");
  add->add_option("--new", h->new_memory, "new memory text");
  add->add_option("--created-at", h->record.created_at, "ISO-8601 time (default: now)");
  add->add_option("--updated-at", h->updated_at, "ISO-8601 time");
  add->add_flag("--deleted", h->record.is_deleted, "mark the memory deleted");
  add->add_option("--actor-id", h->actor_id, "who acted");
  add->add_option("--role", h->role, "role of the actor");
  runner.Attach(
      add,
      [h, &options]() -> CommandResult {
        store::HistoryRecord record = h->record;
        if (record.created_at.empty()) record.created_at = CurrentIsoTime();
        // mem0 writes local times without a zone; both forms are accepted.
        for (const auto& [flag, value] :
             {std::pair<const char*, const std::string&>{"--created-at", record.created_at},
              {"--updated-at", h->updated_at}}) {
          if (!value.empty() && !ParseIso8601(value) && !ParseIso8601(value + "Z")) {
            return MakeError(ErrorCode::kInvalidArgument,
                             std::string(flag) + ": expected an ISO-8601 time such as " +
                                 "2026-05-01T12:00:00.123456 or 2026-05-01T12:00:00Z");
          }
        }
        auto set = [](std::optional<std::string>& field, const std::string& v) {
          if (!v.empty()) field = v;
        };
        set(record.old_memory, h->old_memory);
        set(record.new_memory, h->new_memory);
        set(record.updated_at, h->updated_at);
        set(record.actor_id, h->actor_id);
        set(record.role, h->role);
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        MEM0_ASSIGN_OR_RETURN(std::string id, conversations->AddHistory(record));
        return Json{{"id", id}};
      },
      [](const Json& j) { return j["id"].get<std::string>() + "\n"; });

  auto memory_id = std::make_shared<std::string>();
  auto* show = history->add_subcommand("get", "a memory's history, oldest first");
  show->add_option("--memory-id", *memory_id, "memory id")->required();
  runner.Attach(
      show,
      [memory_id, &options]() -> CommandResult {
        MEM0_ASSIGN_OR_RETURN(auto conversations, OpenConversationStore(options));
        MEM0_ASSIGN_OR_RETURN(auto records, conversations->GetHistory(*memory_id));
        Json out = {{"history", Json::array()}};
        for (const auto& r : records) out["history"].push_back(HistoryJson(r));
        return out;
      },
      [](const Json& j) {
        std::string text;
        for (const auto& r : j["history"]) {
          text += r["created_at"].get<std::string>() + " " + r["event"].get<std::string>() + ": " +
                  (r["old_memory"].is_null() ? "" : r["old_memory"].get<std::string>() + " -> ") +
                  (r["new_memory"].is_null() ? "" : r["new_memory"].get<std::string>()) + "\n";
        }
        return text;
      });
}

}  // namespace mem0::cli
