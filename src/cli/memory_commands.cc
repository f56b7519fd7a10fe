// mem0's memory verbs (add, search, get, list, update, delete, delete-all,
// history, reset) with mem0's JSON on stdout, and the config every command
// opens its stores from.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/cli.h"

namespace mem0::cli {
namespace {

using Json = nlohmann::json;

Result<Json> Parsed(const std::string& json_text) {
  Json parsed = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return MakeError(ErrorCode::kInternal, "unprintable result");
  return parsed;
}

struct ScopeArgs {
  std::string user, agent, run;
  memory::Scope scope() const { return {user, agent, run}; }
};

void AddScopeOptions(CLI::App* command, ScopeArgs& args) {
  command->add_option("--user", args.user, "user id");
  command->add_option("--agent", args.agent, "agent id");
  command->add_option("--run", args.run, "run (session) id");
}

std::string ItemsText(const Json& results) {
  std::string text;
  for (const auto& item : results) {
    text += item.value("id", "") + "  " + item.value("memory", "");
    if (item.contains("score")) {
      char score[32];
      std::snprintf(score, sizeof(score), "  (%.3f)", item["score"].get<double>());
      text += score;
    }
    if (item.contains("event")) text += "  [" + item.value("event", "") + "]";
    text += "\n";
  }
  return text;
}

}  // namespace

Result<memory::MemoryConfig> ResolveConfig(const GlobalOptions& options) {
  memory::MemoryConfig config;
  if (!options.config_file.empty()) {
    MEM0_ASSIGN_OR_RETURN(config, memory::LoadMemoryConfig(options.config_file));
  }
  const GlobalOptions defaults;
  auto overrides = [&](const char* flag, bool differs_from_default) {
    return options.Given(flag) || differs_from_default;
  };
  if (overrides("--engine", options.engine != defaults.engine)) {
    auto provider = options.engine == "dynamodb" ? memory::StoreProvider::kDynamoDB
                                                 : memory::StoreProvider::kSqlite;
    config.conversation_provider = config.graph_provider = provider;
  }
  if (overrides("--db", !options.db.empty())) {
    config.sqlite_conversation.path = config.sqlite_graph.path = options.db;
  }
  for (dynamodb::ConnectionConfig* connection :
       {static_cast<dynamodb::ConnectionConfig*>(&config.dynamodb_conversation),
        static_cast<dynamodb::ConnectionConfig*>(&config.dynamodb_graph)}) {
    if (overrides("--endpoint-url", !options.endpoint_url.empty())) {
      connection->endpoint_url = options.endpoint_url;
    }
    if (overrides("--region", !options.region.empty())) connection->region = options.region;
    if (overrides("--profile", !options.profile.empty())) connection->profile = options.profile;
    if (options.allow_insecure_http) connection->allow_insecure_http = true;
  }
  if (overrides("--conversation-table",
                options.conversation_table != defaults.conversation_table)) {
    config.dynamodb_conversation.table_name = options.conversation_table;
  }
  if (overrides("--graph-table", options.graph_table != defaults.graph_table)) {
    config.dynamodb_graph.table_name = options.graph_table;
  }
  if (overrides("--ttl-days", options.ttl_days != defaults.ttl_days)) {
    config.sqlite_conversation.ttl_days = options.ttl_days;
    config.dynamodb_conversation.ttl_enabled = options.ttl_days > 0;
    if (options.ttl_days > 0) config.dynamodb_conversation.ttl_days = options.ttl_days;
  }
  MEM0_RETURN_IF_ERROR(memory::ValidateMemoryConfig(config));
  return config;
}

Result<std::unique_ptr<store::ConversationStore>> OpenConversationStore(
    const GlobalOptions& options) {
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  if (config.conversation_provider == memory::StoreProvider::kDynamoDB) {
    return store::MakeDynamoDBConversationStore(config.dynamodb_conversation);
  }
  return store::MakeSqliteConversationStore(config.sqlite_conversation);
}

Result<std::unique_ptr<store::GraphStore>> OpenGraphStore(const GlobalOptions& options) {
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  if (config.graph_provider == memory::StoreProvider::kDynamoDB) {
    return store::MakeDynamoDBGraphStore(config.dynamodb_graph);
  }
  return store::MakeSqliteGraphStore(config.sqlite_graph);
}

Result<std::unique_ptr<memory::Memory>> OpenMemory(const GlobalOptions& options) {
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  return memory::Memory::Open(config);
}

Result<MemoryAndGraph> OpenMemoryAndGraph(const GlobalOptions& options) {
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  MEM0_ASSIGN_OR_RETURN(std::shared_ptr<store::ConversationStore> history,
                        OpenConversationStore(options));
  MEM0_ASSIGN_OR_RETURN(std::shared_ptr<store::GraphStore> graph, OpenGraphStore(options));
  MEM0_ASSIGN_OR_RETURN(std::shared_ptr<memory::Memory> memory,
                        memory::Memory::Open(config, std::move(history), graph));
  return MemoryAndGraph{std::move(memory), std::move(graph)};
}

std::string PinnedUser(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* user = std::getenv("MEM0_USER_ID");
  return user ? user : "";
}

void AddMemoryCommands(CLI::App& app, Runner& runner) {
  auto& options = runner.options();

  {
    struct Args {
      ScopeArgs scope;
      std::string metadata, file, text;
      bool infer = false, no_infer = false;
    };
    auto args = std::make_shared<Args>();
    auto* add = app.add_subcommand(
        "add",
        "remember messages: a JSON array of {role, content} or plain text (one user message)");
    AddScopeOptions(add, args->scope);
    add->add_option("--metadata", args->metadata, "metadata JSON object");
    auto* infer = add->add_flag("--infer", args->infer, "extract facts with the configured llm");
    add->add_flag("--no-infer", args->no_infer, "store each message verbatim")->excludes(infer);
    add->add_option("--file", args->file, "messages file (default: stdin; - for stdin)");
    add->add_option("text", args->text, "the text to remember (instead of --file / stdin)");
    runner.Attach(
        add,
        [args, &options]() -> CommandResult {
          std::string input = args->text;
          if (input.empty()) {
            MEM0_ASSIGN_OR_RETURN(input, ReadInput(args->file, "--file"));
          }
          MEM0_ASSIGN_OR_RETURN(auto messages, memory::ParseMessages(input));
          memory::AddOptions add_options;
          add_options.scope = args->scope.scope();
          add_options.metadata_json = args->metadata;
          if (args->infer) add_options.infer = true;
          if (args->no_infer) add_options.infer = false;
          MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
          MEM0_ASSIGN_OR_RETURN(auto result, memory->Add(messages, add_options));
          return Parsed(memory::ToJson(result));
        },
        [](const Json& j) { return ItemsText(j["results"]); });
  }

  {
    struct Args {
      ScopeArgs scope;
      std::string query, filters;
      int limit = 0;
      double threshold = -1;
    };
    auto args = std::make_shared<Args>();
    auto* search = app.add_subcommand("search", "the scope's memories that best match QUERY");
    search->add_option("query", args->query, "what to look for")->required();
    AddScopeOptions(search, args->scope);
    search->add_option("--limit", args->limit, "at most this many results (default 100)")
        ->check(CLI::Range(1, memory::kMaxLimit));
    search->add_option("--threshold", args->threshold, "drop results scoring below (0..1)")
        ->check(CLI::Range(0.0, 1.0));
    search->add_option("--filters", args->filters, "metadata filters JSON object");
    runner.Attach(
        search,
        [args, &options]() -> CommandResult {
          memory::SearchOptions search_options;
          search_options.scope = args->scope.scope();
          search_options.limit = args->limit;
          search_options.filters_json = args->filters;
          if (args->threshold >= 0) search_options.threshold = args->threshold;
          MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
          MEM0_ASSIGN_OR_RETURN(auto result, memory->Search(args->query, search_options));
          return Parsed(memory::ToJson(result));
        },
        [](const Json& j) { return ItemsText(j["results"]); });
  }

  {
    auto id = std::make_shared<std::string>();
    auto* get = app.add_subcommand("get", "one memory by id (exit 1 when absent)");
    get->add_option("id", *id, "memory id")->required();
    runner.Attach(
        get,
        [id, &options]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
          MEM0_ASSIGN_OR_RETURN(auto item, memory->Get(*id));
          if (!item) return MakeError(ErrorCode::kNotFound, "no memory with id " + *id);
          return Parsed(memory::ToJson(*item));
        },
        [](const Json& j) { return ItemsText(Json::array({j})); });
  }

  {
    struct Args {
      ScopeArgs scope;
      std::string next_token, filters;
      int limit = 100;
      bool all = false;
    };
    auto args = std::make_shared<Args>();
    auto* list = app.add_subcommand("list", "the scope's memories, oldest first (mem0 get_all)");
    AddScopeOptions(list, args->scope);
    list->add_option("--limit", args->limit, "page size (default 100)")
        ->check(CLI::Range(1, memory::kMaxLimit));
    list->add_option("--next-token", args->next_token, "token from the previous page");
    list->add_option("--filters", args->filters, "metadata filters JSON object");
    list->add_flag("--all", args->all, "follow next tokens to the end");
    runner.Attach(
        list,
        [args, &options]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
          memory::ListOptions list_options;
          list_options.scope = args->scope.scope();
          list_options.limit = args->limit;
          list_options.filters_json = args->filters;
          list_options.page_token = args->next_token;
          memory::MemoryPage all;
          while (true) {
            MEM0_ASSIGN_OR_RETURN(auto page, memory->GetAll(list_options));
            if (all.results.empty() && all.relations.empty()) all.relations = page.relations;
            all.results.insert(all.results.end(), page.results.begin(), page.results.end());
            all.next_page_token = page.next_page_token;
            if (!args->all || !page.next_page_token) break;
            list_options.page_token = *page.next_page_token;
          }
          return Parsed(memory::ToJson(all));
        },
        [](const Json& j) {
          std::string text = ItemsText(j["results"]);
          if (j.contains("next_token")) text += "next token: " + j.value("next_token", "") + "\n";
          return text;
        });
  }

  {
    struct Args {
      std::string id, text, metadata;
      bool has_metadata = false;
    };
    auto args = std::make_shared<Args>();
    auto* update = app.add_subcommand("update", "change a memory's text (and metadata)");
    update->add_option("id", args->id, "memory id")->required();
    update->add_option("--text", args->text, "the new text")->required();
    auto* metadata = update->add_option("--metadata", args->metadata, "new metadata JSON object");
    runner.Attach(update, [args, metadata, &options]() -> CommandResult {
      MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
      std::optional<std::string> new_metadata;
      if (metadata->count() > 0) new_metadata = args->metadata;
      MEM0_ASSIGN_OR_RETURN(auto item, memory->Update(args->id, args->text, new_metadata));
      MEM0_ASSIGN_OR_RETURN(Json result, Parsed(memory::ToJson(item)));
      return Json{{"message", "Memory updated successfully!"}, {"result", result}};
    });
  }

  {
    auto id = std::make_shared<std::string>();
    auto* remove = app.add_subcommand("delete", "forget one memory");
    remove->add_option("id", *id, "memory id")->required();
    runner.Attach(remove, [id, &options]() -> CommandResult {
      MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
      MEM0_RETURN_IF_ERROR(memory->Delete(*id));
      return Json{{"message", "Memory deleted successfully!"}};
    });
  }

  {
    auto scope = std::make_shared<ScopeArgs>();
    auto* remove_all = app.add_subcommand("delete-all", "forget every memory of the scope");
    AddScopeOptions(remove_all, *scope);
    runner.Attach(remove_all, [scope, &options]() -> CommandResult {
      MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
      MEM0_ASSIGN_OR_RETURN(int64_t deleted, memory->DeleteAll(scope->scope()));
      return Json{{"message", "Memories deleted successfully!"}, {"deleted", deleted}};
    });
  }

  {
    auto id = std::make_shared<std::string>();
    auto* history = app.add_subcommand("history", "a memory's ADD / UPDATE / DELETE trail");
    history->add_option("id", *id, "memory id")->required();
    runner.Attach(
        history,
        [id, &options]() -> CommandResult {
          MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
          MEM0_ASSIGN_OR_RETURN(auto rows, memory->History(*id));
          return Parsed(memory::ToJson(rows));
        },
        [](const Json& j) {
          std::string text;
          for (const auto& row : j) {
            auto show = [](const Json& v) { return v.is_string() ? v.get<std::string>() : "-"; };
            text += row.value("created_at", "") + "  " + row.value("event", "") + "  " +
                    show(row["old_memory"]) + " -> " + show(row["new_memory"]) + "\n";
          }
          return text;
        });
  }

  {
    auto yes = std::make_shared<bool>(false);
    auto* reset = app.add_subcommand("reset", "delete every memory, relation and history record");
    reset->add_flag("--yes", *yes, "confirm");
    runner.Attach(reset, [yes, &options]() -> CommandResult {
      if (!*yes) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "reset deletes everything in the configured stores; pass --yes to confirm");
      }
      MEM0_ASSIGN_OR_RETURN(auto memory, OpenMemory(options));
      MEM0_RETURN_IF_ERROR(memory->Reset());
      return Json{{"message", "Memory store reset successfully!"}};
    });
  }
}

}  // namespace mem0::cli
