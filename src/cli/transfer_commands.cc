// `mem0 export`, `mem0 import` and `mem0 migrate`: the stores' content as
// JSON lines (format in mem0/memory/transfer.h), and a move from one pair of
// stores to another with a verification of counts and checksums per kind.
#include <chrono>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "mem0/memory/transfer.h"

namespace mem0::cli {
namespace {

using Json = nlohmann::json;

struct Stores {
  std::unique_ptr<store::ConversationStore> conversations;
  std::unique_ptr<store::GraphStore> graph;
};

Result<Stores> OpenConfiguredStores(const GlobalOptions& options) {
  Stores stores;
  MEM0_ASSIGN_OR_RETURN(stores.conversations, OpenConversationStore(options));
  MEM0_ASSIGN_OR_RETURN(stores.graph, OpenGraphStore(options));
  return stores;
}

// "sqlite:PATH" or "dynamodb" (tables, endpoint and region from the global
// options or --config).
Result<Stores> OpenStoresAt(const std::string& spec, const std::string& flag,
                            const GlobalOptions& options) {
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  Stores stores;
  if (spec.starts_with("sqlite:") && spec.size() > 7) {
    config.sqlite_conversation.path = config.sqlite_graph.path = spec.substr(7);
    MEM0_ASSIGN_OR_RETURN(stores.conversations,
                          store::MakeSqliteConversationStore(config.sqlite_conversation));
    MEM0_ASSIGN_OR_RETURN(stores.graph, store::MakeSqliteGraphStore(config.sqlite_graph));
    return stores;
  }
  if (spec == "dynamodb") {
    MEM0_ASSIGN_OR_RETURN(stores.conversations,
                          store::MakeDynamoDBConversationStore(config.dynamodb_conversation));
    MEM0_ASSIGN_OR_RETURN(stores.graph, store::MakeDynamoDBGraphStore(config.dynamodb_graph));
    return stores;
  }
  return MakeError(ErrorCode::kInvalidArgument, flag + " must be sqlite:PATH or dynamodb");
}

// Reads the next line (without its newline) into `line`; false at the end.
// Stops reading a line once it passes `max_bytes` (sets `too_long`), so an
// endless line cannot exhaust memory.
bool ReadBoundedLine(std::istream& in, std::size_t max_bytes, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  bool any = false;
  char buffer[65536];
  while (true) {
    in.get(buffer, sizeof(buffer), '\n');
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > 0) {
      any = true;
      if (line.size() + got > max_bytes) {
        too_long = true;
        return true;
      }
      line.append(buffer, got);
    }
    if (in.eof()) return any;
    if (in.fail()) in.clear();  // nothing before the newline
    const int next = in.peek();
    if (next == '\n') {
      in.get();
      return true;
    }
    if (next == std::char_traits<char>::eof()) return any;
  }
}

Json TallyJson(const memory::TransferTally& tally) { return Json::parse(tally.ToJson()); }

// "1 conversation, 4 history" (kinds with records), or "nothing".
std::string CountsText(const memory::TransferTally& tally) {
  std::string text;
  for (const auto& [kind, entry] : tally.kinds) {
    if (entry.count == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(entry.count) + " " + kind;
  }
  return text.empty() ? "nothing" : text;
}

}  // namespace

void AddTransferCommands(CLI::App& app, Runner& runner) {
  auto& options = runner.options();

  {
    struct Args {
      std::vector<std::string> users;
      std::string file;
    };
    auto args = std::make_shared<Args>();
    auto* command = app.add_subcommand(
        "export",
        "everything in the configured stores (conversations, history, recent messages, graph, "
        "memories) as JSON lines on stdout");
    command->add_option("--user", args->users, "only this user (repeatable)");
    command->add_option("--file", args->file, "write here instead of stdout");
    command->callback([args, &options, &runner] {
      auto exported = [&]() -> Result<memory::TransferTally> {
        MEM0_ASSIGN_OR_RETURN(Stores stores, OpenConfiguredStores(options));
        std::ofstream file;
        if (!args->file.empty()) {
          file.open(args->file, std::ios::binary | std::ios::trunc);
          if (!file) {
            return MakeError(ErrorCode::kInvalidArgument, "--file: cannot write " + args->file);
          }
        }
        std::ostream& out = args->file.empty() ? std::cout : file;
        memory::ExportOptions export_options;
        export_options.user_ids = args->users;
        MEM0_ASSIGN_OR_RETURN(
            auto tally, memory::ExportStores(*stores.conversations, *stores.graph, export_options,
                                             [&out](const std::string& line) -> Status {
                                               out << line << '\n';
                                               if (!out) {
                                                 return MakeError(ErrorCode::kStorageError,
                                                                  "cannot write the export");
                                               }
                                               return {};
                                             }));
        out.flush();
        if (!out) return MakeError(ErrorCode::kStorageError, "cannot write the export");
        return tally;
      }();
      if (!exported.ok()) {
        std::cerr << "error: " << exported.error().ToString() << "\n";
        runner.Fail();
      }
    });
  }

  {
    struct Args {
      std::string file;
      std::size_t max_line_bytes = memory::kMaxExportLineBytes;
      int parallelism = 8;
    };
    auto args = std::make_shared<Args>();
    auto* command = app.add_subcommand(
        "import",
        "write an export (stdin or --file) into the configured stores; safe to run again");
    command->add_option("--file", args->file, "read this file instead of stdin");
    command->add_option("--max-line-bytes", args->max_line_bytes, "refuse longer lines")
        ->check(CLI::Range(std::size_t{1}, memory::kMaxExportLineBytes));
    command->add_option("--parallelism", args->parallelism, "writes in flight")
        ->check(CLI::Range(1, 64));
    runner.Attach(command, [args, &options]() -> CommandResult {
      MEM0_ASSIGN_OR_RETURN(Stores stores, OpenConfiguredStores(options));
      std::ifstream file;
      if (!args->file.empty() && args->file != "-") {
        file.open(args->file, std::ios::binary);
        if (!file)
          return MakeError(ErrorCode::kInvalidArgument, "--file: cannot read " + args->file);
      }
      std::istream& in = file.is_open() ? file : std::cin;
      memory::ImportOptions import_options;
      import_options.max_line_bytes = args->max_line_bytes;
      import_options.parallelism = args->parallelism;
      memory::Importer importer(*stores.conversations, *stores.graph, import_options);
      auto failed = [&](Error error) -> CommandResult {
        error.message += " (written before it: " + CountsText(importer.written()) + ")";
        return error;
      };
      std::string line;
      bool too_long = false;
      while (ReadBoundedLine(in, args->max_line_bytes, line, too_long)) {
        // A line past the bound is handed over at one byte more than the
        // bound, so the importer reports it with its line number.
        if (too_long) line.resize(args->max_line_bytes + 1, ' ');
        auto added = importer.AddLine(line);
        if (!added.ok()) return failed(added.error());
      }
      if (in.bad()) return failed(MakeError(ErrorCode::kStorageError, "cannot read the input"));
      auto finished = importer.Finish();
      if (!finished.ok()) return failed(finished.error());
      return Json{{"lines", importer.lines()}, {"imported", TallyJson(importer.written())}};
    });
  }

  {
    struct Args {
      std::string from, to;
      int parallelism = 8;
    };
    auto args = std::make_shared<Args>();
    auto* command = app.add_subcommand(
        "migrate",
        "copy everything from one pair of stores to another (sqlite:PATH or dynamodb, with the "
        "global table/endpoint/region options), then compare counts and checksums per kind");
    command->add_option("--from", args->from, "sqlite:PATH or dynamodb")->required();
    command->add_option("--to", args->to, "sqlite:PATH or dynamodb")->required();
    command->add_option("--parallelism", args->parallelism, "writes in flight")
        ->check(CLI::Range(1, 64));
    runner.Attach(command, [args, &options, &runner]() -> CommandResult {
      if (args->from == args->to) {
        return MakeError(ErrorCode::kInvalidArgument, "--from and --to name the same stores");
      }
      MEM0_ASSIGN_OR_RETURN(Stores source, OpenStoresAt(args->from, "--from", options));
      MEM0_ASSIGN_OR_RETURN(Stores target, OpenStoresAt(args->to, "--to", options));
      const auto start = std::chrono::steady_clock::now();
      memory::ImportOptions import_options;
      import_options.parallelism = args->parallelism;
      memory::Importer importer(*target.conversations, *target.graph, import_options);
      MEM0_ASSIGN_OR_RETURN(auto source_tally,
                            memory::ExportStores(*source.conversations, *source.graph, {},
                                                 [&importer](const std::string& line) -> Status {
                                                   return importer.AddLine(line);
                                                 }));
      MEM0_RETURN_IF_ERROR(importer.Finish());
      const double copy_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      MEM0_ASSIGN_OR_RETURN(auto target_tally, memory::ExportStores(*target.conversations,
                                                                    *target.graph, {}, nullptr));
      int64_t records = 0;
      for (const auto& [kind, tally] : source_tally.kinds) records += tally.count;
      const bool match = source_tally == target_tally;
      if (!match) runner.Fail();  // the report still prints, for the differences
      Json out = {{"from", args->from},
                  {"to", args->to},
                  {"source", TallyJson(source_tally)},
                  {"target", TallyJson(target_tally)},
                  {"match", match},
                  {"records", records},
                  {"copy_seconds", copy_seconds},
                  {"records_per_second", copy_seconds > 0 ? records / copy_seconds : 0.0}};
      if (!match) {
        Json differs = Json::array();
        for (const auto& [kind, tally] : source_tally.kinds) {
          if (target_tally.kinds[kind] != tally) differs.push_back(kind);
        }
        out["differs"] = differs;
      }
      return out;
    });
  }
}

}  // namespace mem0::cli
